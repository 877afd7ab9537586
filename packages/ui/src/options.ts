/**
 * What a host passes to `createRegistryUi`: the registry's management API, who is signed in,
 * and the public host name of the registry.
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
}

export interface RegistryUiOptions {
  /** The registry's management API (`createRegistry(...).management`). */
  readonly management: RegistryManagement;
  /**
   * Who is signed in for this request; called once per page. Throwing ends the request the
   * way the host's error handling decides (e.g. a redirect to its sign-in page as an `HTTPException`).
   */
  readonly currentUser: (c: Context) => UiUser | Promise<UiUser>;
  /**
   * The registry host people pull from, shown in image paths and commands
   * (`registry.example.com`, `registry.example.com:5000`, or a URL whose host is taken).
   * Default: the host of the request.
   */
  readonly publicHost?: string;
  /** Rows per page unless the query asks for another count (1–100); default 20. */
  readonly pageSize?: number;
}
