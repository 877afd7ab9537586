/**
 * The page's session cookie and who it stands for right now. A session only remembers who
 * signed in; on every request the access model is asked again whether that credential still
 * works (the same check a refresh token goes through), so blocking or deleting a user, revoking
 * the token they signed in with, turning on 2FA or changing their password ends their session at
 * once, on every server sharing the data directory.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccessHooks, AccessPrincipal, AccessStore, UserRecord } from '@wharf/access';
import type { Session, SessionStore } from './session-store.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'wharf_session';

/** What the page's pieces need to read and write sessions. */
export interface WebSessionOptions {
  readonly sessions: SessionStore;
  readonly hooks: AccessHooks;
  readonly store: AccessStore;
  /** `WHARF_PUBLIC_URL`: an https one makes every cookie `Secure`. */
  readonly publicUrl?: string | undefined;
}

/** A signed-in request: the session's id and record, and the principal it stands for now. */
export interface SignedIn {
  readonly id: string;
  readonly session: Session;
  readonly principal: AccessPrincipal;
}

/** Whether cookies must be `Secure`: the request came over https, or the public URL is https. */
export function secureCookies(c: Context, publicUrl: string | undefined): boolean {
  return new URL(c.req.url).protocol === 'https:' || (publicUrl?.startsWith('https:') ?? false);
}

/**
 * A digest of the user's password hash: it changes with the password, so a session started
 * with the old password does not outlive the change. Never the hash itself.
 */
export function passwordStampOf(user: UserRecord | undefined): string | undefined {
  if (!user?.passwordHash) return undefined;
  return createHash('sha256').update(`wharf-session:${user.passwordHash.salt}:${user.passwordHash.hash}`).digest('base64url').slice(0, 22);
}

/** Set the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure behind https, for the session's longest life. */
export function setSessionCookie(c: Context, options: WebSessionOptions, id: string): void {
  setCookie(c, SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(c, options.publicUrl),
    maxAge: options.sessions.maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, options: WebSessionOptions): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: secureCookies(c, options.publicUrl) });
}

/** The session cookie's value, if any. */
export const sessionIdOf = (c: Context): string | undefined => getCookie(c, SESSION_COOKIE);

/**
 * Who is signed in on this request, or `null`. A session that no longer stands for a usable
 * credential is ended here and its cookie cleared.
 */
export async function signedIn(c: Context, options: WebSessionOptions): Promise<SignedIn | null> {
  const id = sessionIdOf(c);
  if (id === undefined) return null;
  const session = await options.sessions.get(id);
  const principal = session ? await stillValid(session, options) : null;
  if (!session || !principal) {
    await options.sessions.delete(id);
    clearSessionCookie(c, options);
    return null;
  }
  return { id, session, principal };
}

async function stillValid(session: Session, options: WebSessionOptions): Promise<AccessPrincipal | null> {
  const principal = await options.hooks.authenticate({
    kind: 'refresh',
    subject: session.subject,
    ...(session.credential === undefined ? {} : { session: session.credential }),
  });
  if (!principal || (principal.kind !== 'user' && principal.kind !== 'personal-access-token')) return null;
  if (principal.kind === 'user') {
    const user = principal.userId === undefined ? undefined : (await options.store.state()).document.users.get(principal.userId);
    if (passwordStampOf(user) !== session.passwordStamp) return null;
  }
  return principal;
}
