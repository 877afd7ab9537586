/**
 * The registry page (`@wharf/ui`) in the standalone server, at `/`. It is mounted last, after
 * `/auth`, `/api/v4` (and the deprecated `/api/v1`) and the registry's `/v2`, so it only answers
 * what none of them does.
 *
 * With token auth the page has its own sign-in (`/-/sign_in`, sign-in-routes.ts) and sessions
 * (session-store.ts); anonymous visitors see the public projects. With `auth: none` everyone
 * sees and may delete everything, and there is nothing to sign in to.
 * @module
 */
import type { Hono } from 'hono';
import { everythingVisible, type RegistryManagement } from '@wharf/core';
import type { AccessStore } from '@wharf/access';
import { createRegistryUi } from '@wharf/ui';
import { pageNamespaces, pageUser } from './page-access.js';
import { addSignInRoutes, SIGN_IN_PATH, SIGN_OUT_PATH, type SignInOptions } from './sign-in-routes.js';

export interface RegistryPageOptions {
  readonly management: RegistryManagement;
  /** `WHARF_PUBLIC_URL`: the host shown in image paths and commands, and an https one makes cookies `Secure`. */
  readonly publicUrl?: string | undefined;
  /** Origins besides the request's own whose forms are accepted (the public URL's). */
  readonly trustedOrigins?: readonly string[] | undefined;
}

/** Mount the page for `auth: none`: no sign-in, everything visible and deletable. */
export function mountOpenRegistryPage(app: Hono, options: RegistryPageOptions): void {
  app.route(
    '/',
    createRegistryUi({
      management: options.management,
      currentUser: () => ({ name: null, visible: everythingVisible, deletable: everythingVisible }),
      ...(options.publicUrl ? { publicHost: options.publicUrl } : {}),
      ...(options.trustedOrigins ? { trustedOrigins: options.trustedOrigins } : {}),
    }),
  );
}

/** Mount the sign-in routes and the page for token auth. */
export function mountRegistryPage(
  app: Hono,
  options: RegistryPageOptions & Omit<SignInOptions, 'publicUrl' | 'trustedOrigins'> & { readonly store: AccessStore },
): void {
  const session = { sessions: options.sessions, hooks: options.hooks, store: options.store, publicUrl: options.publicUrl };
  addSignInRoutes(app, {
    ...session,
    throttle: options.throttle,
    clientAddress: options.clientAddress,
    trustedOrigins: options.trustedOrigins,
  });
  app.route(
    '/',
    createRegistryUi({
      management: options.management,
      currentUser: (c) => pageUser(c, session),
      namespaces: pageNamespaces(options.store),
      account: { signIn: SIGN_IN_PATH, signOut: SIGN_OUT_PATH },
      ...(options.publicUrl ? { publicHost: options.publicUrl } : {}),
      ...(options.trustedOrigins ? { trustedOrigins: options.trustedOrigins } : {}),
    }),
  );
}
