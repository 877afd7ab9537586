/**
 * What a host passes to `createRegistryUi`: the registry's management API, who is signed in
 * and what they may do, the host's groups and projects, and the public host name of the registry.
 * @module
 */
import type { Context } from 'hono';
import type { RegistryManagement, VisibilityFilter } from '@wharf/core';

/** The person looking at the page, as the host knows them. */
export interface UiUser {
  /** Shown in the page header ("Signed in as …"); `null` for an anonymous visitor. */
  readonly name: string | null;
  /**
   * The repositories this user may read (pull). Listings are filtered through it before they
   * are sorted, paged or put into a next-page link, and a repository it leaves out answers 404
   * like a missing one. Pass core's `everythingVisible` for a user who sees everything.
   */
  readonly visible: VisibilityFilter;
  /**
   * The names among `names` whose tags and repositories this user may delete; for a project
   * or group path it also means changing its cleanup policy (the management API's rule: the
   * `delete` action on that name). Default: none, a read-only page (no delete buttons, and
   * the actions answer 403 anyway).
   */
  readonly deletable?: VisibilityFilter;
  /**
   * A secret bound to the user's session, put in every form and checked on every change.
   * Without it the page keeps its own in a cookie (double submit). Either way a change must
   * also come from the page's own origin.
   */
  readonly csrfToken?: string;
  /** The host's own idea of the user, handed back to its {@link UiNamespaces} hooks. */
  readonly principal?: unknown;
}

/** A group or project, as the host's access model describes it to this user. */
export interface UiNamespace {
  readonly kind: 'group' | 'project';
  /** Its full path (`group/subgroup/project`): the image path prefix. */
  readonly path: string;
  /** Its display name (default: the last path segment). */
  readonly name?: string;
  /** Whether the container registry is on (projects; a group's is always on). */
  readonly registryEnabled: boolean;
  /** Whether this user may change its settings (GitLab: maintainer or owner). */
  readonly mayChangeSettings: boolean;
}

/**
 * The host's groups and projects. Without it every path prefix is a plain namespace: its page
 * lists the repositories under it, and the registry cannot be turned off per project.
 */
export interface UiNamespaces {
  /** The group or project at `path` as `user` may see it; `null` when missing or hidden from them. */
  describe(user: UiUser, path: string): Promise<UiNamespace | null>;
  /**
   * Turn a project's container registry off or on (nothing is deleted either way).
   * @throws RegistryError DENIED when `user` may not; NAME_UNKNOWN when there is no such project.
   */
  setRegistryEnabled(user: UiUser, path: string, enabled: boolean): Promise<void>;
}

/** Links of the host's own sign-in, shown in the page header. */
export interface UiAccountLinks {
  /** Where to sign in (shown to anonymous visitors). */
  readonly signIn?: string;
  /** A form posting here (with the CSRF field `_csrf`) signs out. */
  readonly signOut?: string;
}

export interface RegistryUiOptions {
  /** The registry's management API (`createRegistry(...).management`). */
  readonly management: RegistryManagement;
  /**
   * Who is signed in for this request; called once per request. Throwing ends the request the
   * way the host's error handling decides (e.g. a redirect to its sign-in page as an `HTTPException`).
   */
  readonly currentUser: (c: Context) => UiUser | Promise<UiUser>;
  /** The host's groups and projects (see {@link UiNamespaces}). */
  readonly namespaces?: UiNamespaces;
  /** Sign-in and sign-out links for the header. */
  readonly account?: UiAccountLinks;
  /**
   * The registry host people pull from, shown in image paths and commands
   * (`registry.example.com`, `registry.example.com:5000`, or a URL whose host is taken).
   * Default: the host of the request.
   */
  readonly publicHost?: string;
  /**
   * Origins besides the request's own that may post the page's forms (behind a proxy whose
   * `Host` differs: the public URL's origin).
   */
  readonly trustedOrigins?: readonly string[];
  /** Rows per page unless the query asks for another count (1–100); default 20. */
  readonly pageSize?: number;
}
