/**
 * The management API's cleanup-policy routes (see routes.ts for the table). Bodies are JSON,
 * read with the limit and content-type checks of `readJsonBody`.
 * @module
 */
import type { Hono } from 'hono';
import { RegistryError } from '../../errors/registry-error.js';
import { readJsonBody } from '../json-request.js';
import { cleanupCall, del, pull, type ManagementContext } from './route-support.js';

export function addCleanupRoutes(app: Hono, ctx: ManagementContext): void {
  const { management, need } = ctx;
  const policies = management.cleanup.policies;
  app.get('/projects/:project/cleanup_policy', async (c) => {
    const project = c.req.param('project');
    await need(c, pull(project));
    const policy = await cleanupCall(() => policies.get(project));
    if (!policy) throw new RegistryError('NOT_FOUND', `project ${project} has no cleanup policy`);
    return c.json(policy);
  });
  app.put('/projects/:project/cleanup_policy', async (c) => {
    const project = c.req.param('project');
    await need(c, del(project));
    const input = await readJsonBody(c.req.raw);
    return c.json(await cleanupCall(() => policies.save(project, input)));
  });
  app.delete('/projects/:project/cleanup_policy', async (c) => {
    const project = c.req.param('project');
    await need(c, del(project));
    if (!(await cleanupCall(() => policies.delete(project))))
      throw new RegistryError('NOT_FOUND', `project ${project} has no cleanup policy`);
    return c.body(null, 204);
  });
  app.post('/projects/:project/cleanup_policy/run', async (c) => {
    const project = c.req.param('project');
    const dryRun = c.req.query('dry_run') === 'true';
    await need(c, dryRun ? pull(project) : del(project));
    // Optional: an unsaved policy to dry-run.
    const policy = await readJsonBody(c.req.raw, { optional: true });
    const result = await cleanupCall(() =>
      management.cleanup.runner.run(project, { dryRun, ...(policy !== undefined ? { policy } : {}), ...ctx.callOf(c) }),
    );
    return c.json(result);
  });
  app.get('/projects/:project/cleanup_policy/runs', async (c) => {
    const project = c.req.param('project');
    await need(c, pull(project));
    const state = await cleanupCall(() => policies.state(project));
    return c.json({ next_run_at: state?.nextRunAt ?? null, unfinished: state?.cursor !== null && state !== null, runs: state?.runs ?? [] });
  });
}
