import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddressFrom, currentRuntime, loadRuntimeAdapter } from './runtime.js';

describe('runtime adapter', () => {
  it('should pick the Node adapter on Node, whose client address is the socket peer', async () => {
    expect(currentRuntime()).toBe('node');
    const adapter = await loadRuntimeAdapter();
    expect(adapter.name).toBe('node');
    const app = new Hono().get('/ip', (c) => c.text(adapter.clientAddress(c) ?? '-'));
    const server = await adapter.serve(app, { port: 0, hostname: '127.0.0.1', logger: () => {} });
    try {
      expect(await (await fetch(`${server.url}/ip`)).text()).toBe('127.0.0.1');
    } finally {
      await server.close();
    }
  });

  it('should refuse the Bun adapter outside Bun', async () => {
    await expect(loadRuntimeAdapter('bun')).rejects.toThrow(/Bun runtime/);
  });

  it('should give no address, not an error, for a request that came through no adapter', async () => {
    const clientAddress = clientAddressFrom(() => {
      throw new TypeError('no socket');
    });
    const app = new Hono().get('/ip', (c) => c.text(clientAddress(c) ?? '-'));
    expect(await (await app.request('/ip')).text()).toBe('-');
  });
});
