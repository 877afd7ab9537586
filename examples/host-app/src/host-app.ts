/**
 * An existing Node service that embeds a container registry: its own users and cookie
 * sign-in (see users.ts, sessions.ts, account-routes.ts), plus three things from Wharf under
 * its own routes:
 *
 * | path | what |
 * |---|---|
 * | `/v2/...` | the registry (`createRegistry` over FsStorage), Bearer tokens required |
 * | `/auth/token`, `/auth/jwks` | the token service, asking the host through the two auth hooks |
 * | `/registry` | the Container Registry page (`createRegistryUi`), for the host's signed-in user |
 *
 * Both the token service and the page ask the same question of the host — what may this
 * user do to this repository ({@link actionsFor}) — so `docker push` and the page's delete
 * buttons always agree.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  type AuthHooks,
  createBearerAuthorizer,
  createRegistry,
  createTokenService,
  createTokenVerifier,
  KeyRing,
  LoginThrottle,
  type Principal,
  type Registry,
} from '@wharf/core';
import { getConnInfo } from '@wharf/adapter-node';
import { FsStorage } from '@wharf/storage-fs';
import { createRegistryUi, type UiUser } from '@wharf/ui';
import { addAccountRoutes } from './account-routes.js';
import { Sessions } from './sessions.js';
import { actionsFor, type HostUser, type RepositoryAction, UserTable } from './users.js';

/** The tokens' audience and the challenge's `service`. */
export const SERVICE = 'host-app-registry';
const ISSUER = 'host-app';
const REGISTRY_PATH = '/registry';

export interface HostAppOptions {
  /** Where the registry keeps its images. */
  readonly dataDir: string;
  /** Signs the session cookie; default: random per start (everyone signs in again after a restart). */
  readonly sessionSecret?: string;
}

export interface HostApp {
  readonly app: Hono;
  readonly registry: Registry;
  readonly users: UserTable;
}

export async function createHostApp(options: HostAppOptions): Promise<HostApp> {
  const users = await UserTable.demo();
  const sessions = new Sessions(options.sessionSecret ?? randomBytes(32).toString('base64url'));
  // one throttle for both doors a password goes through: /login and the token service
  const throttle = new LoginThrottle();
  const clientAddress = (c: Context) => getConnInfo(c).remote.address;

  const hooks: AuthHooks = {
    async authenticate(credentials) {
      if (credentials.kind === 'refresh') return users.get(credentials.subject) ? { subject: credentials.subject } : null;
      const user = await users.check(credentials.username, credentials.password);
      return user ? { subject: user.name } : null;
    },
    authorize(principal: Principal, requested) {
      const user = principal.anonymous ? null : (users.get(principal.subject) ?? null);
      return requested.map((access) => {
        if (access.type !== 'repository') return { ...access, actions: [] };
        const allowed = actionsFor(user, access.name);
        return { ...access, actions: access.actions.filter((a) => allowed.has(a as RepositoryAction)) };
      });
    },
  };
  const keys = await KeyRing.generate();
  const tokens = createTokenService({ issuer: ISSUER, service: SERVICE, keys, hooks, throttle, clientAddress });
  const verifier = createTokenVerifier({ issuer: ISSUER, service: SERVICE, keys });
  const registry = createRegistry({
    storage: new FsStorage({ root: options.dataDir }),
    hooks: { onAuthorize: createBearerAuthorizer({ realm: (req) => `${new URL(req.url).origin}/auth/token`, service: SERVICE, verifier }) },
  });

  const allowedTo = (user: HostUser | null, action: RepositoryAction) => async (names: readonly string[]) =>
    names.filter((name) => actionsFor(user, name).has(action));
  const ui = createRegistryUi({
    management: registry.management,
    async currentUser(c): Promise<UiUser> {
      const session = await sessions.current(c);
      const user = session?.user ?? null;
      return {
        name: user?.displayName ?? null,
        visible: allowedTo(user, 'pull'),
        deletable: allowedTo(user, 'delete'),
        ...(session ? { csrfToken: session.csrf, principal: user } : {}),
      };
    },
    account: { signIn: `/login?next=${encodeURIComponent(REGISTRY_PATH)}`, signOut: '/logout' },
  });

  const app = new Hono();
  addAccountRoutes(app, { users, sessions, throttle, clientAddress, registryPath: REGISTRY_PATH });
  app.route('/auth', tokens.app);
  app.route(REGISTRY_PATH, ui);
  app.route('/', registry.app);
  return { app, registry, users };
}
