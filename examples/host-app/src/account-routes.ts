/**
 * The host's own pages around the registry: its home page, its sign-in form at `/login` and
 * sign-out at `/logout`. Passwords are checked under core's failed-login throttle, the same
 * one the token service uses, so guessing through the form is no faster than through
 * `docker login`. Posts must come from this origin (Hono's `csrf` middleware checks the
 * `Origin`), and signing out also needs the session's secret.
 */
import type { Context, Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import { guardLogin, type LoginThrottlePolicy, RegistryError } from '@wharf/core';
import type { Sessions } from './sessions.js';
import type { UserTable } from './users.js';

export interface AccountOptions {
  readonly users: UserTable;
  readonly sessions: Sessions;
  readonly throttle: LoginThrottlePolicy;
  /** The client's address, for the throttle. */
  readonly clientAddress: (c: Context) => string | undefined;
  /** Where the registry page is mounted (linked from the home page, the default after sign-in). */
  readonly registryPath: string;
}

const page = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · Example host</title>
      <style>
        body { font: 16px/1.5 system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color-scheme: light dark; }
        label { display: block; margin: 1rem 0 0.25rem; }
        input { font: inherit; width: 100%; padding: 0.4rem; box-sizing: border-box; }
        button { font: inherit; margin-top: 1rem; padding: 0.4rem 1rem; }
        :focus-visible { outline: 3px solid #1f75cb; outline-offset: 2px; }
        [role='alert'] { color: #c91c00; }
      </style>
    </head>
    <body>
      <main>${body}</main>
    </body>
  </html>`;

/** Only a path of this site (never `//elsewhere`) may be where sign-in leads. */
const localPath = (next: string | undefined, fallback: string) => (next && /^\/(?![/\\])/.test(next) ? next : fallback);

export function addAccountRoutes(app: Hono, options: AccountOptions): void {
  const { users, sessions } = options;
  const loginForm = (next: string, problem?: string) =>
    page(
      'Sign in',
      html`<h1>Sign in to the example host</h1>
        ${problem ? html`<p role="alert">${problem}</p>` : ''}
        <form method="post" action="/login">
          <input type="hidden" name="next" value="${next}" />
          <label for="username">Username</label>
          <input id="username" name="username" autocomplete="username" required />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <button type="submit">Sign in</button>
        </form>
        <p>Demo users: alice / wonderland, bob / builder.</p>`,
    );

  app.use('/login', csrf());
  app.use('/logout', csrf());

  app.get('/', async (c) => {
    const session = await sessions.current(c);
    return c.html(
      page(
        'Home',
        html`<h1>Example host</h1>
          <p>${session ? `Signed in as ${session.user.displayName}.` : 'Not signed in.'}</p>
          <p><a href="${options.registryPath}">Container Registry</a></p>
          ${session ? '' : html`<p><a href="/login">Sign in</a></p>`}`,
      ),
    );
  });

  app.get('/login', (c) => c.html(loginForm(localPath(c.req.query('next'), options.registryPath))));

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const username = typeof form.username === 'string' ? form.username : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = localPath(typeof form.next === 'string' ? form.next : undefined, options.registryPath);
    let user: Awaited<ReturnType<UserTable['check']>>;
    try {
      user = await guardLogin(options.throttle, username, options.clientAddress(c), (passwordAttempt) => {
        passwordAttempt();
        return users.check(username, password);
      });
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'TOOMANYREQUESTS') {
        return c.html(loginForm(next, 'Too many failed sign-ins. Wait a moment and try again.'), 429);
      }
      throw error;
    }
    if (!user) return c.html(loginForm(next, 'Wrong username or password.'), 401);
    await sessions.start(c, user);
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    const session = await sessions.current(c);
    const form = await c.req.parseBody();
    if (session && form._csrf !== session.csrf) return c.text('This sign-out was refused: reload the page and try again.', 403);
    await sessions.end(c);
    return c.redirect('/login', 303);
  });
}
