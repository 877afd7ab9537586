/**
 * `/users` and personal access tokens. Administrators manage everyone; other users may only
 * list, create and revoke their own personal access tokens (and read themselves at `/user`);
 * other users' tokens are answered 404, as if neither they nor their tokens existed.
 * @module
 */
import { quoteRef } from '../model/access-error.js';
import type { AccessStore } from '../store/access-store.js';
import { createPatBody, createUserBody, updateUserBody } from './bodies.js';
import { type AdminApp, type AdminContext, ApiError, readBody, requireAdmin } from './context.js';
import { presentPat, presentUser } from './presenters.js';

/**
 * The user named by `:id` (id or username) when the caller may manage their tokens. To anyone
 * but an administrator, another user is answered exactly like a user that does not exist, so
 * the route cannot be used to find out which usernames exist.
 * @throws ApiError 404 for a missing user, and for another user unless the caller is an admin
 */
async function tokenOwner(c: AdminContext, store: AccessStore, ref: string): Promise<string> {
  const caller = c.get('caller');
  const user = (await store.state()).user(ref);
  if (!user || (user.id !== caller.user.id && !caller.user.admin)) throw new ApiError(404, `no user ${quoteRef(ref)}`);
  return user.id;
}

export function userRoutes(app: AdminApp, store: AccessStore): void {
  app.get('/user', async (c) => c.json(presentUser(await store.getUser(c.get('caller').user.id))));

  app.post('/users', async (c) => {
    requireAdmin(c);
    const body = await readBody(c, createUserBody);
    const user = await store.createUser({
      username: body.username,
      password: body.password,
      admin: body.admin,
      twoFactor: body.two_factor,
      external: body.external,
      blocked: body.blocked,
    });
    return c.json(presentUser(user), 201);
  });

  app.get('/users', async (c) => {
    requireAdmin(c);
    return c.json((await store.listUsers()).map(presentUser));
  });

  app.get('/users/:id', async (c) => {
    requireAdmin(c);
    return c.json(presentUser(await store.getUser(c.req.param('id'))));
  });

  app.patch('/users/:id', async (c) => {
    requireAdmin(c);
    const body = await readBody(c, updateUserBody);
    const user = await store.updateUser(c.req.param('id'), {
      password: body.password,
      admin: body.admin,
      twoFactor: body.two_factor,
      external: body.external,
      blocked: body.blocked,
    });
    return c.json(presentUser(user));
  });

  app.delete('/users/:id', async (c) => {
    requireAdmin(c);
    await store.deleteUser(c.req.param('id'));
    return c.body(null, 204);
  });

  app.post('/users/:id/personal_access_tokens', async (c) => {
    const userId = await tokenOwner(c, store, c.req.param('id'));
    const body = await readBody(c, createPatBody);
    const { token, secret } = await store.createPersonalAccessToken({
      user: userId,
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expires_at,
    });
    return c.json(presentPat(token, secret), 201);
  });

  app.get('/users/:id/personal_access_tokens', async (c) => {
    const userId = await tokenOwner(c, store, c.req.param('id'));
    return c.json((await store.listPersonalAccessTokens(userId)).map((t) => presentPat(t)));
  });

  app.delete('/personal_access_tokens/:id', async (c) => {
    const caller = c.get('caller');
    const token = await store.getPersonalAccessToken(c.req.param('id'));
    // Someone else's token is reported as missing, as GitLab does.
    if (token.userId !== caller.user.id && !caller.user.admin) throw new ApiError(404, `no personal access token ${quoteRef(token.id)}`);
    await store.revokePersonalAccessToken(token.id);
    return c.body(null, 204);
  });
}
