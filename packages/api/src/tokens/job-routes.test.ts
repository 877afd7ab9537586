import { checkPasswordCredentials } from '@wharf/access';
import { describe, expect, it } from 'vitest';
import { world } from '../test-support.js';

describe('POST /projects/:id/jobs (Wharf extension)', () => {
  it('should start a job as the maintainer, answer its token once, and GET /job should read it with that token', async () => {
    const w = await world();
    const response = await w.call('/projects/team%2Fapp/jobs', {
      method: 'POST',
      token: w.tokens.mara,
      json: { max_duration_seconds: 600 },
    });
    expect(response.status).toBe(201);
    const started = await response.json();
    expect(started).toMatchObject({
      id: 1,
      status: 'running',
      user: { id: 3, username: 'mara' },
      project: { id: 1, path_with_namespace: 'team/app' },
    });
    expect(Date.parse(started.expires_at) - Date.parse(started.started_at)).toBe(600_000);
    const self = await w.call('/job', { headers: { 'JOB-TOKEN': started.token } });
    expect(self.status).toBe(200);
    const job = await self.json();
    expect(job).toMatchObject({ id: 1, status: 'running', user: { username: 'mara' } });
    expect(job).not.toHaveProperty('token');
    const state = await w.store.state();
    expect(await checkPasswordCredentials({ state, now: w.store.now(), passwordCost: 10 }, 'gitlab-ci-token', started.token)).toMatchObject(
      { kind: 'job' },
    );
  });

  it('should let an administrator start a job as another user, and refuse a maintainer who asks for that', async () => {
    const w = await world();
    const asDev = await w.call('/projects/1/jobs', { method: 'POST', token: w.tokens.root, json: { username: 'dev' } });
    expect(asDev.status).toBe(201);
    expect((await asDev.json()).user.username).toBe('dev');
    const escalate = await w.call('/projects/1/jobs', { method: 'POST', token: w.tokens.mara, json: { user_id: 1 } });
    expect(escalate.status).toBe(403);
    expect((await w.call('/projects/1/jobs', { method: 'POST', token: w.tokens.dev })).status).toBe(403);
    expect((await w.call('/projects/1/jobs', { method: 'POST', token: w.tokens.root, json: { user_id: 99 } })).status).toBe(404);
    expect((await w.call('/projects/1/jobs', { method: 'POST', token: w.tokens.root, json: { max_duration_seconds: 0 } })).status).toBe(
      400,
    );
  });
});

describe('GET /job', () => {
  it('should answer 401 to a personal access token and to a finished job', async () => {
    const w = await world();
    expect((await w.call('/job', { token: w.tokens.mara })).status).toBe(401);
    const { job, token } = await w.store.startJob({ project: 'team/app', user: 'dev' });
    await w.store.finishJob(job.id);
    expect((await w.call('/job', { headers: { 'JOB-TOKEN': token } })).status).toBe(401);
  });
});

describe('POST /projects/:id/jobs/:job_id/finish (Wharf extension)', () => {
  it('should finish a job for a maintainer so its token stops working, and show it as success', async () => {
    const w = await world();
    const { token } = await w.store.startJob({ project: 'team/app', user: 'dev' });
    expect((await w.call('/projects/1/jobs/1/finish', { method: 'POST', token: w.tokens.dev })).status).toBe(403);
    const finished = await w.call('/projects/1/jobs/1/finish', { method: 'POST', token: w.tokens.mara });
    expect(finished.status).toBe(200);
    expect(await finished.json()).toMatchObject({ id: 1, status: 'success' });
    expect((await w.call('/job', { headers: { 'JOB-TOKEN': token } })).status).toBe(401);
  });

  it('should let a job finish itself with its own token, but not another job', async () => {
    const w = await world();
    const first = await w.store.startJob({ project: 'team/app', user: 'dev' });
    await w.store.startJob({ project: 'team/app', user: 'dev' });
    expect((await w.call('/projects/1/jobs/2/finish', { method: 'POST', headers: { 'JOB-TOKEN': first.token } })).status).toBe(403);
    expect((await w.call('/projects/1/jobs/1/finish', { method: 'POST', headers: { 'JOB-TOKEN': first.token } })).status).toBe(200);
    expect((await w.store.getJob(first.job.id)).status).toBe('finished');
  });

  it("should answer 404 Job Not Found for another project's job", async () => {
    const w = await world();
    await w.store.startJob({ project: 'team/web', user: 'root' });
    const response = await w.call('/projects/1/jobs/1/finish', { method: 'POST', token: w.tokens.mara });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: '404 Job Not Found' });
  });
});

describe('GET /projects/:id/jobs', () => {
  it("should list a project's jobs newest first with pagination headers and a scope filter, for reporters", async () => {
    const w = await world();
    const { job } = await w.store.startJob({ project: 'team/app', user: 'dev' });
    await w.store.startJob({ project: 'team/app', user: 'mara' });
    await w.store.finishJob(job.id);
    const all = await w.call('/projects/1/jobs', { token: w.tokens.rita });
    expect(all.status).toBe(200);
    expect((await all.json()).map((j: { id: number; status: string }) => [j.id, j.status])).toEqual([
      [2, 'running'],
      [1, 'success'],
    ]);
    expect(all.headers.get('x-total')).toBe('2');
    const running = await (await w.call('/projects/1/jobs?scope[]=running', { token: w.tokens.rita })).json();
    expect(running.map((j: { id: number }) => j.id)).toEqual([2]);
    expect((await w.call('/projects/1/jobs?scope=sleeping', { token: w.tokens.rita })).status).toBe(400);
    expect((await w.call('/projects/1/jobs', { token: w.tokens.eve })).status).toBe(404);
    expect((await (await w.call('/projects/1/jobs/2', { token: w.tokens.dev })).json()).user.username).toBe('mara');
  });
});
