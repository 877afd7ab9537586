/**
 * Deploy tokens (project- and group-level) and CI jobs. Administrators only. Secrets are in
 * the creation response (`token`) and nowhere else.
 * @module
 */
import type { AccessStore } from '../store/access-store.js';
import { createDeployTokenBody, startJobBody } from './bodies.js';
import { type AdminApp, readBody, requireAdmin } from './context.js';
import { presentDeployToken, presentJob } from './presenters.js';

export function tokenRoutes(app: AdminApp, store: AccessStore): void {
  for (const kind of ['projects', 'groups'] as const) {
    const selector = (ref: string) => (kind === 'projects' ? { project: ref } : { group: ref });
    app.post(`/${kind}/:id/deploy_tokens`, async (c) => {
      requireAdmin(c);
      const body = await readBody(c, createDeployTokenBody);
      const { token, secret } = await store.createDeployToken({
        ...selector(c.req.param('id')),
        name: body.name,
        username: body.username,
        scopes: body.scopes,
        expiresAt: body.expires_at,
      });
      return c.json(presentDeployToken(token, secret), 201);
    });
    app.get(`/${kind}/:id/deploy_tokens`, async (c) => {
      requireAdmin(c);
      return c.json((await store.listDeployTokens(selector(c.req.param('id')))).map((t) => presentDeployToken(t)));
    });
  }

  app.delete('/deploy_tokens/:id', async (c) => {
    requireAdmin(c);
    await store.revokeDeployToken(c.req.param('id'));
    return c.body(null, 204);
  });

  app.post('/projects/:id/jobs', async (c) => {
    requireAdmin(c);
    const body = await readBody(c, startJobBody);
    const maxDurationMs = body.max_duration_seconds === undefined ? undefined : body.max_duration_seconds * 1000;
    const { job, token } = await store.startJob({ project: c.req.param('id'), user: body.user, maxDurationMs });
    return c.json(presentJob(job, token), 201);
  });

  app.get('/jobs/:id', async (c) => {
    requireAdmin(c);
    return c.json(presentJob(await store.getJob(c.req.param('id'))));
  });

  app.post('/jobs/:id/finish', async (c) => {
    requireAdmin(c);
    return c.json(presentJob(await store.finishJob(c.req.param('id'))));
  });
}
