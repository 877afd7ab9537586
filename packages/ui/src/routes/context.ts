/**
 * What every route of the registry page shares: the options, the mount point, the signed-in
 * user (asked once per request), the frame of its pages, and the not-found page that hidden
 * things answer with too.
 * @module
 */
import type { Context } from 'hono';
import { basePath } from 'hono/route';
import type { RegistryManagement } from '@wharf/core';
import { csrfProblem, csrfTokenFor } from '../csrf.js';
import { registryHost } from '../format.js';
import type { RegistryUiOptions, UiUser } from '../options.js';
import { type Frame, ProblemPage } from '../views/layout.js';

export interface UiRoutes {
  readonly options: RegistryUiOptions;
  readonly management: RegistryManagement;
  /** Rows per page when the query does not say. */
  readonly pageSize: number;
  /** Who is signed in (the host's `currentUser`, called once per request). */
  userOf(c: Context): Promise<UiUser>;
  /** Where the app is mounted, without a trailing slash (`''` at the root). */
  baseOf(c: Context): string;
  /** The registry host for image paths and commands. */
  hostOf(c: Context): string;
  /** The frame of a page for `user`, with the CSRF secret for its forms. */
  frameOf(c: Context, user: UiUser): Frame;
  /**
   * Refuse a change unless it comes from the page's origin with the form's secret.
   * @returns a 403 page, or `null` to go on
   */
  refuseForgery(c: Context, user: UiUser, form: Record<string, unknown>): Response | Promise<Response> | null;
  /** The 404 page: for what is missing, invalid, or hidden from the user alike. */
  notFound(c: Context, user?: UiUser): Response | Promise<Response>;
}

const USER = 'wharfUiUser';

export function uiRoutes(options: RegistryUiOptions, pageSize: number): UiRoutes {
  const baseOf = (c: Context) => basePath(c).replace(/\/+$/, '');
  const frameOf = (c: Context, user: UiUser): Frame => ({
    base: baseOf(c),
    user: user.name,
    csrf: csrfTokenFor(c, user),
    ...(options.account ? { account: options.account } : {}),
  });
  return {
    options,
    management: options.management,
    pageSize,
    async userOf(c) {
      const cached = (c.get as (key: string) => Promise<UiUser> | undefined)(USER);
      if (cached) return cached;
      const user = Promise.resolve(options.currentUser(c));
      (c.set as (key: string, value: unknown) => void)(USER, user);
      return user;
    },
    baseOf,
    hostOf: (c) => registryHost(options.publicHost, c.req.url),
    frameOf,
    refuseForgery(c, user, form) {
      const problem = csrfProblem(c, user, form._csrf, options.trustedOrigins);
      if (!problem) return null;
      return c.html(
        ProblemPage({ frame: frameOf(c, user), title: 'Change refused', message: `This change was refused: ${problem}.` }),
        403,
      );
    },
    notFound(c, user) {
      // No forms on it: the page of a hidden repository must not differ from a missing one's but for the header.
      const frame: Frame = { base: baseOf(c), user: user ? user.name : undefined };
      return c.html(
        ProblemPage({ frame, title: 'Page not found', message: 'There is no such page, or you do not have access to it.' }),
        404,
      );
    },
  };
}
