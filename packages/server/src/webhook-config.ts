/**
 * The standalone server's webhook, from the environment: `WHARF_WEBHOOK_URL` turns it on,
 * `WHARF_WEBHOOK_TOKEN` is sent as `Authorization: Bearer …`, and `WHARF_WEBHOOK_EVENTS` names
 * the actions to send (default: all but `pull`). Environment only: a token must not show in `ps`.
 * The sink's queue lives in the data directory (`wharf/v1/_events/webhook/`), so several
 * servers over one directory share it and a restart loses nothing.
 * @module
 */
import { hostname } from 'node:os';
import {
  createWebhookSink,
  DEFAULT_WEBHOOK_ACTIONS,
  ENVELOPE_ACTIONS,
  type EnvelopeAction,
  type StorageDriver,
  type WebhookSink,
} from '@wharf/core';

export interface WebhookConfig {
  readonly url: string;
  readonly token?: string;
  readonly actions: readonly EnvelopeAction[];
}

/**
 * Read the webhook settings; `undefined` when `WHARF_WEBHOOK_URL` is unset or empty.
 * @throws Error with a message fit for the user on a malformed URL or an unknown action.
 * @example
 * parseWebhookConfig({ WHARF_WEBHOOK_URL: 'https://hooks.example.com/registry', WHARF_WEBHOOK_EVENTS: 'push,delete' });
 * // → { url: 'https://hooks.example.com/registry', actions: ['push', 'delete'] }
 */
export function parseWebhookConfig(env: Readonly<Record<string, string | undefined>>): WebhookConfig | undefined {
  const raw = env.WHARF_WEBHOOK_URL;
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new Error(`WHARF_WEBHOOK_URL: expected an http or https URL such as https://hooks.example.com/registry, got "${raw}"`);
  }
  const actions = env.WHARF_WEBHOOK_EVENTS ? parseActions(env.WHARF_WEBHOOK_EVENTS) : DEFAULT_WEBHOOK_ACTIONS;
  const token = env.WHARF_WEBHOOK_TOKEN || undefined;
  return { url: url.href, actions, ...(token ? { token } : {}) };
}

function parseActions(text: string): EnvelopeAction[] {
  const actions = text
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const unknown = actions.filter((a) => !(ENVELOPE_ACTIONS as readonly string[]).includes(a));
  if (unknown.length > 0 || actions.length === 0) {
    throw new Error(`WHARF_WEBHOOK_EVENTS: expected a comma-separated list of ${ENVELOPE_ACTIONS.join(', ')}; got "${text}"`);
  }
  return [...new Set(actions)] as EnvelopeAction[];
}

/**
 * Create the standalone server's sink (the caller starts it once the app is built).
 * @param log receives one line per delivery given up on, or per storage error of the loop.
 */
export function createStandaloneWebhook(
  storage: StorageDriver,
  config: WebhookConfig,
  publicUrl: string | undefined,
  log: (line: string) => void,
): { sink: WebhookSink; notice: string } {
  const sink = createWebhookSink({
    url: config.url,
    storage,
    filter: config.actions,
    ...(config.token ? { headers: { Authorization: `Bearer ${config.token}` } } : {}),
    ...(publicUrl ? { registryUrl: publicUrl } : {}),
    sourceAddr: hostname(),
    onError: (error) => log(`webhook: ${error instanceof Error ? error.message : String(error)}`),
  });
  const shown = new URL(config.url);
  shown.username = '';
  shown.password = '';
  return { sink, notice: `webhook: posting ${config.actions.join(', ')} events to ${shown.href}` };
}
