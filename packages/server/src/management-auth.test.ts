import { describe, expect, it } from 'vitest';
import { createTokenVerifier, KeyRing, LoginThrottle, type AccessRequest, type AuthHooks, type ClientAddress } from '@wharf/core';
import { createManagementAuthorizer } from './management-auth.js';

async function setup(clientAddress?: ClientAddress) {
  const calls = { authenticate: 0 };
  const hooks: AuthHooks = {
    authenticate(credentials) {
      calls.authenticate++;
      return credentials.kind === 'password' && credentials.password === 'right' ? { subject: credentials.username } : null;
    },
    authorize: (_principal, requested) => requested,
  };
  const keys = await KeyRing.generate();
  const verifier = createTokenVerifier({ issuer: 'test', service: 'test', keys });
  const throttle = new LoginThrottle({ freeFailures: 1 });
  return { calls, throttle, authorize: createManagementAuthorizer(hooks, verifier, throttle, clientAddress) };
}
const basic = (user: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` });
const pull = (name: string): AccessRequest => ({ type: 'repository', name, actions: ['pull'] });

describe('management authorizer', () => {
  it('should check the credentials of one request once, however many batches a listing asks about', async () => {
    const { calls, authorize } = await setup();
    const request = new Request('http://registry.test/api/v1/registry/repositories', { headers: basic('alice', 'right') });
    for (let i = 0; i < 5; i++) expect(await authorize(request, [pull(`team/r${i}`)], undefined)).toEqual([pull(`team/r${i}`)]);
    expect(calls.authenticate).toBe(1);
    await authorize(new Request('http://registry.test/', { headers: basic('alice', 'right') }), [pull('team/x')], undefined);
    expect(calls.authenticate).toBe(2);
  });

  it('should count a wrong password once per request', async () => {
    const { throttle, authorize } = await setup();
    const request = new Request('http://registry.test/', { headers: basic('alice', 'wrong') });
    for (let i = 0; i < 3; i++)
      await expect(authorize(request, [pull('team/a')], undefined)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    // One free failure: a second counted failure would lock the account.
    expect(throttle.retryAfterMs('alice')).toBe(0);
  });

  it('should count wrong passwords per client address when given one', async () => {
    // The management routes pass the request and the Hono env; the address comes from the env here.
    const { throttle, authorize } = await setup((c) => (c.env as { address?: string }).address);
    const request = new Request('http://registry.test/', { headers: basic('alice', 'wrong') });
    await expect(authorize(request, [pull('team/a')], { address: '10.0.0.9' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(authorize(new Request(request), [pull('team/a')], { address: '10.0.0.9' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(throttle.retryAfterMs('alice', '10.0.0.9')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('alice', '10.0.0.8')).toBe(0);
  });
});
