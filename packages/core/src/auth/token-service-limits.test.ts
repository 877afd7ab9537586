import { describe, expect, it } from 'vitest';
import { KeyRing } from './key-ring.js';
import { LoginThrottle } from './login-throttle.js';
import type { AuthHooks } from './principal.js';
import { createTokenService, TOKEN_FORM_MAX_BYTES } from './token-service.js';

const SERVICE = 'registry.test';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** The env of app.request() stands in for the adapter's; clientAddress reads the address from it. */
const from = (address: string) => ({ address });
const clientAddress = (c: { env: unknown }) => (c.env as { address?: string } | undefined)?.address;

/** `tok-valid` is a token for any name (no password check); `alice` / `secret` the only password. */
const hooks: AuthHooks = {
  gatesPasswords: true,
  authenticate(credentials, context) {
    if (credentials.kind !== 'password') return null;
    if (credentials.password === 'tok-valid') return { subject: `token:${credentials.username}` };
    context?.passwordAttempt();
    return credentials.username === 'alice' && credentials.password === 'secret' ? { subject: 'user:alice' } : null;
  },
  authorize: () => [],
};

async function setup() {
  const throttle = new LoginThrottle();
  const service = createTokenService({ issuer: 'wharf-test', service: SERVICE, keys: await KeyRing.generate(), hooks, throttle, clientAddress });
  const get = (user: string, secret: string, address = '10.0.0.1') =>
    service.app.request(`http://auth.test/token?service=${SERVICE}`, { headers: { Authorization: basic(user, secret) } }, from(address));
  return { service, throttle, get };
}

describe('token service: request limits', () => {
  it('should answer 413 BODY_TOO_LARGE for a form over the limit, streamed without Content-Length', async () => {
    const { service } = await setup();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += 16 * 1024;
        // Endless: the service must stop reading at the limit, not at the end.
        c.enqueue(new Uint8Array(16 * 1024).fill(0x61));
      },
    });
    const res = await service.app.request('http://auth.test/token', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('BODY_TOO_LARGE');
    expect(pulled).toBeLessThanOrEqual(TOKEN_FORM_MAX_BYTES + 64 * 1024);
  });

  it('should answer 413 at once when Content-Length is over the limit, and 400 for another content type', async () => {
    const { service } = await setup();
    const big = new Uint8Array(TOKEN_FORM_MAX_BYTES + 1).fill(0x61);
    const res = await service.app.request('http://auth.test/token', {
      method: 'POST',
      body: big,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(413);
    const json = await service.app.request('http://auth.test/token', {
      method: 'POST',
      body: big,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(json.status).toBe(400);
  });
});

describe('token service: throttled logins', () => {
  it('should let a valid token log in with a name locked for passwords from the same address', async () => {
    const { get } = await setup();
    for (let i = 0; i < 6; i++) expect((await get('gitlab-ci-token', `guess-${i}`)).status).toBe(401);
    const locked = await get('gitlab-ci-token', 'another-guess');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await get('gitlab-ci-token', 'tok-valid')).status).toBe(200);
    // Another address may still try passwords for that name.
    expect((await get('gitlab-ci-token', 'guess', '10.0.0.2')).status).toBe(401);
  });

  it('should answer random-username floods from one address with 429 once its allowance is spent', async () => {
    const { get } = await setup();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await get(`ghost-${i}`, 'guess')).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    expect((await get('alice', 'secret', '10.0.0.9')).status).toBe(200);
    expect((await get('alice', 'tok-valid')).status).toBe(200);
  });
});
