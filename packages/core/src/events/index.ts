/**
 * Registry events for the outside world: {@link combineHooks} to add listeners next to a host's
 * own, Distribution-style notification envelopes ({@link toEnvelopeEvents}), and a webhook sink
 * with a durable queue in the registry's storage ({@link createWebhookSink}).
 * @module
 */
export { combineHooks } from './combine-hooks.js';
export { eventRequest } from './emit.js';
export {
  BLOB_MEDIA_TYPE,
  ENVELOPE_ACTIONS,
  EVENTS_MEDIA_TYPE,
  toEnvelopeEvents,
  type Envelope,
  type EnvelopeAction,
  type EnvelopeActor,
  type EnvelopeEvent,
  type EnvelopeOptions,
  type EnvelopeRequest,
  type EnvelopeRun,
  type EnvelopeSource,
  type EnvelopeTarget,
  type HookEvent,
} from './envelope.js';
export type { DeadLetter } from './webhook-queue.js';
export {
  createWebhookSink,
  DEFAULT_WEBHOOK_ACTIONS,
  WebhookDeliveryError,
  type WebhookBackoff,
  type WebhookSink,
  type WebhookSinkOptions,
} from './webhook-sink.js';
