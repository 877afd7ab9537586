/** Several {@link RegistryHooks} objects as one. @module */
import { EVENT_HOOKS, type EventHook } from './emit.js';
import type { RegistryHooks } from '../hooks.js';

type Listener = (event: unknown) => unknown;
type ErrorContext = Parameters<NonNullable<RegistryHooks['onError']>>[1];

/**
 * Merge hooks objects, so a host can add listeners (a webhook sink, metrics) next to its own.
 *
 * - Event hooks (`onPush`, `onPull`, `onDelete`, `onMount`, `onRename`, `onCleanupRun`,
 *   `onGcRun`): every object's listener is called, one after the other in argument order.
 *   A listener that throws is reported to the combined `onError` and the next one still runs;
 *   the combined listener itself never throws.
 * - `onAuthorize`: the first object that has one decides; the others' are ignored.
 * - `onError`: every object's is called; one that throws does not stop the others.
 *
 * Each hook is called with its own object as `this`. `undefined` arguments are skipped.
 * @example
 * const sink = createWebhookSink({ url, storage });
 * createRegistry({ storage, hooks: combineHooks({ onAuthorize, onPush: audit }, sink.hooks) });
 */
export function combineHooks(...hooks: readonly (RegistryHooks | undefined)[]): RegistryHooks {
  const all = hooks.filter((h): h is RegistryHooks => h !== undefined);
  const combined: RegistryHooks = {};

  const authorizer = all.find((h) => h.onAuthorize);
  if (authorizer?.onAuthorize) {
    const onAuthorize = authorizer.onAuthorize;
    combined.onAuthorize = (request) => onAuthorize.call(authorizer, request);
  }

  const reporters = all.filter((h) => h.onError);
  const report = async (error: unknown, context: ErrorContext): Promise<void> => {
    for (const h of reporters) {
      try {
        await h.onError?.(error, context);
      } catch {
        // an error reporter that throws has nowhere left to report to
      }
    }
  };
  if (reporters.length > 0) combined.onError = report;

  for (const name of EVENT_HOOKS) {
    const listeners = all.filter((h) => h[name]);
    if (listeners.length === 0) continue;
    const each = async (event: unknown): Promise<void> => {
      for (const h of listeners) {
        try {
          await (h[name] as Listener).call(h, event);
        } catch (error) {
          await report(error, { hook: name });
        }
      }
    };
    (combined as Record<EventHook, Listener>)[name] = each;
  }
  return combined;
}
