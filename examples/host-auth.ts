/**
 * A host service that brings its own users: two hooks, a token service and the registry, in
 * one Hono app. `docker login localhost:5000 -u alice -p wonderland`, then push to
 * `localhost:5000/alice/<anything>`; everyone may pull `public/...`.
 *
 * Run it with a TypeScript runner, e.g. `npx tsx examples/host-auth.ts`.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { type AuthHooks, createBearerAuthorizer, createRegistry, createTokenService, createTokenVerifier, KeyRing } from '@wharf/core';
import { getConnInfo, serve } from '@wharf/adapter-node';
import { FsStorage } from '@wharf/storage-fs';

const users = new Map([['alice', 'wonderland']]); // your user database
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const hooks: AuthHooks = {
  // Who is it? Return a principal, or null for wrong credentials.
  authenticate(credentials) {
    if (credentials.kind === 'refresh') return users.has(credentials.subject) ? { subject: credentials.subject } : null;
    const password = users.get(credentials.username);
    return password !== undefined && same(password, credentials.password) ? { subject: credentials.username } : null;
  },
  // What may they do? Grant any part of what was asked.
  authorize(principal, requested) {
    return requested.map((access) => {
      if (!principal.anonymous && access.name.startsWith(`${principal.subject}/`)) return access; // their namespace: all
      if (access.name.startsWith('public/')) return { ...access, actions: ['pull'] }; // public images: pull
      return { ...access, actions: [] };
    });
  },
};

const keys = await KeyRing.generate(); // persist keys.toJSON() somewhere safe to keep sessions across restarts
const service = 'my-registry';
// The client address (from the adapter, the Hono way) lets failed logins be throttled per address too.
const tokens = createTokenService({ issuer: 'my-service', service, keys, hooks, clientAddress: (c) => getConnInfo(c).remote.address });
const verifier = createTokenVerifier({ issuer: 'my-service', service, keys });
const registry = createRegistry({
  storage: new FsStorage({ root: './registry-data' }),
  hooks: { onAuthorize: createBearerAuthorizer({ realm: (req) => `${new URL(req.url).origin}/auth/token`, service, verifier }) },
});

const app = new Hono();
app.route('/auth', tokens.app); // GET/POST /auth/token, GET /auth/jwks
app.route('/', registry.app); // /v2/...
await serve(app, { port: 5000, logger: console.log });
