/** Calls event hooks so that a failing listener never fails the request. @module */
import { ulid } from 'ulid';
import type { EventRequest, RegistryHooks } from '../hooks.js';

/** Every event hook of {@link RegistryHooks} (all hooks but `onAuthorize` and `onError`). */
export const EVENT_HOOKS = ['onPush', 'onPull', 'onDelete', 'onMount', 'onRename', 'onCleanupRun', 'onGcRun'] as const;
export type EventHook = (typeof EVENT_HOOKS)[number];
/** The event an event hook receives. */
export type EventOf<K extends EventHook> = Parameters<NonNullable<RegistryHooks[K]>>[0];

/** What events say about the request that caused them. */
export function eventRequest(request: Request): EventRequest {
  return { id: ulid(), method: request.method, host: new URL(request.url).host, useragent: request.headers.get('user-agent') ?? '' };
}

/**
 * Call one event hook; what it throws goes to `onError` (and what that throws is dropped).
 * GC and cleanup call it too: `emit(hooks, 'onGcRun', event)`.
 */
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
