/**
 * The host's own sign-in sessions: a random session id in a cookie signed with the host's
 * secret (HttpOnly, SameSite=Lax, Secure behind https), the session itself in memory with its
 * user, its expiry and a CSRF secret that the host's forms and the registry page's forms
 * carry. Signing out forgets the session, so a copied cookie is worthless afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { HostUser } from './users.js';

const COOKIE = 'host_session';
/** Sessions end this long after sign-in. */
const LIFETIME_MS = 8 * 3600_000;

export interface Session {
  readonly id: string;
  readonly user: HostUser;
  /** Put in every form of this session (`_csrf`) and compared on every change. */
  readonly csrf: string;
  readonly expiresAt: number;
}

const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:';

export class Sessions {
  readonly #secret: string;
  readonly #live = new Map<string, Session>();

  /** @param secret signs the cookie (keep it across restarts to keep sessions' cookies valid) */
  constructor(secret: string) {
    this.#secret = secret;
  }

  /** Start a session for `user` and set its cookie on the response. */
  async start(c: Context, user: HostUser): Promise<Session> {
    const session: Session = {
      id: randomBytes(24).toString('base64url'),
      user,
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: Date.now() + LIFETIME_MS,
    };
    this.#live.set(session.id, session);
    await setSignedCookie(c, COOKIE, session.id, this.#secret, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttps(c),
      maxAge: LIFETIME_MS / 1000,
    });
    return session;
  }

  /** The request's session, or `null` (no cookie, a forged or stale one, or expired). */
  async current(c: Context): Promise<Session | null> {
    const id = await getSignedCookie(c, this.#secret, COOKIE);
    if (!id) return null;
    const session = this.#live.get(id);
    if (!session || session.expiresAt <= Date.now()) {
      this.#live.delete(id);
      return null;
    }
    return session;
  }

  /** Forget the request's session and clear its cookie. */
  async end(c: Context): Promise<void> {
    const session = await this.current(c);
    if (session) this.#live.delete(session.id);
    deleteCookie(c, COOKIE, { path: '/', secure: isHttps(c) });
  }
}
