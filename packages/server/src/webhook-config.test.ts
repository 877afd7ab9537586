import { describe, expect, it } from 'vitest';
import { parseServeConfig } from './config.js';
import { parseWebhookConfig } from './webhook-config.js';

describe('parseWebhookConfig', () => {
  it('should be off without WHARF_WEBHOOK_URL', () => {
    expect(parseWebhookConfig({})).toBeUndefined();
    expect(parseWebhookConfig({ WHARF_WEBHOOK_URL: '' })).toBeUndefined();
  });

  it('should read the URL, the token and the actions, all but pull by default', () => {
    expect(parseWebhookConfig({ WHARF_WEBHOOK_URL: 'https://hooks.example.com/registry', WHARF_WEBHOOK_TOKEN: 's3cret' })).toEqual({
      url: 'https://hooks.example.com/registry',
      token: 's3cret',
      actions: ['push', 'delete', 'mount', 'rename', 'cleanup', 'gc'],
    });
    expect(parseWebhookConfig({ WHARF_WEBHOOK_URL: 'http://127.0.0.1:9000/', WHARF_WEBHOOK_EVENTS: 'push, pull,push' })).toEqual({
      url: 'http://127.0.0.1:9000/',
      actions: ['push', 'pull'],
    });
  });

  it('should refuse a URL that is not http(s) and unknown actions', () => {
    expect(() => parseWebhookConfig({ WHARF_WEBHOOK_URL: 'hooks.example.com' })).toThrow(
      /WHARF_WEBHOOK_URL: expected an http or https URL/,
    );
    expect(() => parseWebhookConfig({ WHARF_WEBHOOK_URL: 'ftp://x/' })).toThrow(/WHARF_WEBHOOK_URL/);
    expect(() => parseWebhookConfig({ WHARF_WEBHOOK_URL: 'https://x/', WHARF_WEBHOOK_EVENTS: 'push,upload' })).toThrow(
      /WHARF_WEBHOOK_EVENTS/,
    );
  });

  it('should reach wharf serve as a config error or a warning', () => {
    expect(() => parseServeConfig([], { WHARF_WEBHOOK_URL: 'nope' }, '/')).toThrow(/WHARF_WEBHOOK_URL/);
    const config = parseServeConfig([], { WHARF_WEBHOOK_TOKEN: 's3cret' }, '/');
    expect(config !== 'help' && config.warnings).toEqual([expect.stringMatching(/WHARF_WEBHOOK_URL is not: no webhook/)]);
    const on = parseServeConfig([], { WHARF_WEBHOOK_URL: 'https://x/hook' }, '/');
    expect(on !== 'help' && on.webhook?.url).toBe('https://x/hook');
  });
});
