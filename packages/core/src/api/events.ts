/** Calls event hooks so that a failing listener never fails the request. @module */
import type { RegistryHooks } from '../hooks.js';

type EventHook = 'onPush' | 'onPull' | 'onDelete' | 'onMount' | 'onRename';
type EventOf<K extends EventHook> = Parameters<NonNullable<RegistryHooks[K]>>[0];

export async function emit<K extends EventHook>(hooks: RegistryHooks, hook: K, event: EventOf<K>): Promise<void> {
  const listener = hooks[hook] as ((e: EventOf<K>) => unknown) | undefined;
  if (!listener) return;
  try {
    await listener.call(hooks, event);
  } catch (error) {
    try {
      await hooks.onError?.(error, { hook });
    } catch {
      // an error reporter that throws has nowhere left to report to
    }
  }
}
