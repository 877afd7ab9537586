import { describe, expect, it } from 'vitest';
import { runAdminCommand } from '../cli/admin-command.js';
import { openTestStore, PASSWORD, seedWorld, tempDirs } from '../test-support.js';
import { createAdminApi } from './admin-api.js';
import { client } from './test-client.js';

const tempDir = tempDirs();

async function setup() {
  const store = await openTestStore(await tempDir());
  await seedWorld(store);
  const app = createAdminApi(store);
  return { store, app, as: (username: string) => client(app, username, PASSWORD) };
}

describe('admin API: PUT /projects/:id (container registry on and off)', () => {
  it('should let a maintainer turn the registry off and on, and show the setting', async () => {
    const { store, as } = await setup();
    const off = await as('mara')('PUT', '/projects/team%2Fapp', { container_registry_access_level: 'disabled' });
    expect(off).toMatchObject({
      status: 200,
      body: { path_with_namespace: 'team/app', container_registry_access_level: 'disabled', container_registry_enabled: false },
    });
    expect((await store.getProject('team/app')).containerRegistryAccessLevel).toBe('disabled');
    // GitLab's older boolean works too, and admins may always
    const on = await as('root')('PUT', `/projects/${(await store.getProject('team/app')).id}`, { container_registry_enabled: true });
    expect(on).toMatchObject({ status: 200, body: { container_registry_access_level: 'enabled', container_registry_enabled: true } });
    expect(await as('root')('GET', '/projects/team%2Fweb')).toMatchObject({ body: { container_registry_access_level: 'enabled' } });
  });

  it('should refuse developers (403), and hide private projects from non-members (404)', async () => {
    const { store, as } = await setup();
    expect(await as('dev')('PUT', '/projects/team%2Fapp', { container_registry_access_level: 'disabled' })).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining('maintainer or owner') },
    });
    expect(await as('eve')('PUT', '/projects/team%2Fapp', { container_registry_access_level: 'disabled' })).toMatchObject({
      status: 404,
      body: { message: 'no project "team/app"' },
    });
    expect((await as('eve')('PUT', '/projects/no%2Fsuch', { container_registry_access_level: 'disabled' })).status).toBe(404);
    expect((await store.getProject('team/app')).containerRegistryAccessLevel).toBeUndefined();
  });

  it('should keep visibility changes for administrators and refuse contradicting or unknown fields', async () => {
    const { as } = await setup();
    expect((await as('mara')('PUT', '/projects/team%2Fapp', { visibility: 'internal' })).status).toBe(403);
    expect(await as('root')('PUT', '/projects/team%2Fapp', { visibility: 'internal' })).toMatchObject({
      status: 200,
      body: { visibility: 'internal' },
    });
    expect(
      (await as('mara')('PUT', '/projects/team%2Fapp', { container_registry_access_level: 'disabled', container_registry_enabled: true }))
        .status,
    ).toBe(400);
    expect((await as('mara')('PUT', '/projects/team%2Fapp', { container_registry_access_level: 'sometimes' })).status).toBe(400);
    expect((await as('mara')('PUT', '/projects/team%2Fapp', { name: 'x' })).status).toBe(400);
  });
});

describe('wharf admin project update --container-registry', () => {
  it('should turn the registry off and on and list the setting', async () => {
    const store = await openTestStore(await tempDir());
    await seedWorld(store);
    const out: string[] = [];
    const err: string[] = [];
    const run = (line: string) => runAdminCommand(line.split(' '), { store, out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(await run('project update team/app --container-registry disabled')).toBe(0);
    expect(out).toContain('the container registry of project team/app is now disabled');
    expect((await store.getProject('team/app')).containerRegistryAccessLevel).toBe('disabled');
    out.length = 0;
    expect(await run('project list')).toBe(0);
    expect(out[0]).toMatch(/REGISTRY$/);
    expect(out.find((l) => l.includes(' team/app '))).toMatch(/disabled$/);
    expect(await run('project update team/app --container-registry enabled')).toBe(0);
    expect((await store.getProject('team/app')).containerRegistryAccessLevel).toBe('enabled');
    expect(await run('project update team/app --container-registry maybe')).toBe(2);
    expect(await run('project update team/app')).toBe(2);
    expect(await run('group update team --container-registry disabled')).toBe(2);
  });
});
