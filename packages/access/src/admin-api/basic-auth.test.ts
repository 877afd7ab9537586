import { LoginThrottle } from '@wharf/core';
import { describe, expect, it } from 'vitest';
import { PasswordQueue } from '../auth/password-queue.js';
import { openTestStore, PASSWORD, seedWorld, tempDirs } from '../test-support.js';
import { createAdminApi } from './admin-api.js';
import { basic } from './test-client.js';

const tempDir = tempDirs();
// The env of app.request() stands in for the adapter's; clientAddress reads the address from it.
const from = (address: string) => ({ address });
const clientAddress = (c: { env: unknown }) => (c.env as { address?: string } | undefined)?.address;

async function setup(options: Parameters<typeof createAdminApi>[1] = {}) {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  const app = createAdminApi(store, { clientAddress, ...options });
  const get = (user: string, secret: string, address = '10.0.0.1') =>
    app.request('/user', { headers: { authorization: basic(user, secret) } }, from(address));
  return { store, app, get };
}

describe('admin API Basic auth: throttle and hashing queue', () => {
  it("should let an api token in while its user's password is locked at that address", async () => {
    const throttle = new LoginThrottle({ freeFailures: 2 });
    const { store, get } = await setup({ throttle });
    const { secret } = await store.createPersonalAccessToken({ user: 'root', name: 'admin', scopes: ['api'] });
    for (let i = 0; i < 3; i++) expect((await get('root', `wrong-${i}`)).status).toBe(401);
    expect((await get('root', PASSWORD)).status).toBe(429);
    expect((await get('root', secret)).status).toBe(200);
    expect((await get('root', PASSWORD, '10.0.0.2')).status).toBe(200);
  });

  it('should answer 429 with Retry-After at once while password hashing is saturated, and count nothing', async () => {
    const throttle = new LoginThrottle({ freeFailures: 1 });
    const passwords = new PasswordQueue({ concurrency: 1, maxWaiting: 0 });
    const { get } = await setup({ throttle, passwords });
    let release!: () => void;
    const busy = passwords.run(() => new Promise<void>((resolve) => (release = resolve)));
    const refused = await get('root', PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(throttle.retryAfterMs('root', '10.0.0.1')).toBe(0);
    release();
    await busy;
    expect((await get('root', PASSWORD)).status).toBe(200);
  });
});
