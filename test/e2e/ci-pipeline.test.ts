/**
 * The user guide's two-stage pipeline, run with real clients against the standalone server: the
 * build job logs in as `gitlab-ci-token` with its job token, builds and pushes
 * `$CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG`; the clean job deletes that tag with its own job
 * token (`skopeo delete --creds gitlab-ci-token:$CI_JOB_TOKEN`). GitLab lets a job delete in its
 * own project where its user may push, only while the job runs; a reporter's job may not, nor
 * may a job touch another project.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from './admin-client.js';
import { docker, imageLayout, prerequisites, run, skopeo } from './clients.js';
import { OciLayout } from './oci.js';
import { logOnFailureAndStop, startRegistry, type Registry } from './server.js';

const pre = prerequisites('ci-pipeline.test.ts', ['docker', 'skopeo']);
const ADMIN_PASSWORD = 'admin-ci-password-0123456789';
const BASE = 'wharf-ci-base:v1';
const DENIED = /denied|unauthorized|authentication required|insufficient_scope|forbidden/i;

describe.skipIf(pre.skip)("the guide's build-and-clean pipeline with CI job tokens", () => {
  let reg: Registry | undefined;
  let admin: AdminClient;
  let work: string;

  const registry = (): Registry => {
    if (!reg) throw new Error('registry not started');
    return reg;
  };
  const CI_REGISTRY = () => registry().host;

  /** The build job: log in with the job token, build, push; returns the pushed image. */
  async function buildJob(project: string, jobToken: string, slug: string): Promise<{ code: number; stderr: string; image: string }> {
    const image = `${CI_REGISTRY()}/${project}:${slug}`;
    const login = await run('docker', ['login', '-u', 'gitlab-ci-token', '--password-stdin', CI_REGISTRY()], { input: jobToken, allowFailure: true });
    if (login.code !== 0) return { code: login.code, stderr: login.stderr, image };
    const context = join(work, `build-${slug}`);
    await mkdir(context, { recursive: true });
    await writeFile(join(context, 'Dockerfile'), `FROM ${BASE}\nCOPY branch.txt /branch.txt\n`);
    await writeFile(join(context, 'branch.txt'), `${slug}\n`);
    await docker('build', '--tag', image, context);
    const push = await run('docker', ['push', image], { allowFailure: true });
    await run('docker', ['logout', CI_REGISTRY()], { allowFailure: true });
    await run('docker', ['rmi', '--force', image], { allowFailure: true });
    return { code: push.code, stderr: push.stderr, image };
  }

  /** The clean job: `skopeo delete` with the job's own credentials. */
  const cleanJob = (image: string, jobToken: string) =>
    run('skopeo', ['delete', '--tls-verify=false', '--creds', `gitlab-ci-token:${jobToken}`, `docker://${image}`], { allowFailure: true });

  /** The project's tags as the administrator sees them. */
  async function tags(project: string): Promise<string[]> {
    const r = await run('skopeo', ['list-tags', '--tls-verify=false', '--creds', `admin:${ADMIN_PASSWORD}`, `docker://${CI_REGISTRY()}/${project}`], { allowFailure: true });
    return r.code === 0 ? (JSON.parse(r.stdout) as { Tags: string[] }).Tags : [];
  }

  beforeAll(async () => {
    pre.assert();
    work = await mkdtemp(join(tmpdir(), 'wharf-e2e-ci-'));
    reg = await startRegistry({ auth: 'token', adminPassword: ADMIN_PASSWORD });
    admin = new AdminClient(reg.url, 'admin', ADMIN_PASSWORD);
    await admin.createUser('devon', 'devon-password-0123');
    await admin.createUser('rhea', 'rhea-password-0123');
    await admin.createGroup('org');
    await admin.createProject('org/app', 'private');
    await admin.createProject('org/other', 'private');
    await admin.addProjectMember('org/app', 'devon', 'developer');
    await admin.addProjectMember('org/other', 'devon', 'developer');
    await admin.addProjectMember('org/app', 'rhea', 'reporter');
    // The base image the Dockerfile builds FROM, loaded into docker from the test image.
    const archive = join(work, 'base.tar');
    await skopeo('copy', '--quiet', `oci:${new OciLayout(imageLayout()).dir}:amd64`, `docker-archive:${archive}:${BASE}`);
    await docker('load', '--input', archive);
  });

  logOnFailureAndStop(() => reg);

  afterAll(async () => {
    await run('docker', ['rmi', '--force', BASE], { allowFailure: true });
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("should push the branch image and delete it again with a developer's job token", async () => {
    const job = await admin.startJob('org/app', 'devon');
    const build = await buildJob('org/app', job.token, 'feature-login');
    expect(build.code, build.stderr).toBe(0);
    expect(await tags('org/app')).toContain('feature-login');

    const clean = await cleanJob(build.image, job.token);
    expect(clean.code, clean.stderr).toBe(0);
    expect(await tags('org/app')).not.toContain('feature-login');
    await admin.finishJob(job.id);
  });

  it('should refuse the delete once the job has ended', async () => {
    const job = await admin.startJob('org/app', 'devon');
    const build = await buildJob('org/app', job.token, 'feature-late');
    expect(build.code, build.stderr).toBe(0);
    await admin.finishJob(job.id);
    const clean = await cleanJob(build.image, job.token);
    expect(clean.code).not.toBe(0);
    expect(clean.stderr).toMatch(DENIED);
    expect(await tags('org/app')).toContain('feature-late');
  });

  it("should refuse a reporter's job both the push and the delete", async () => {
    const devJob = await admin.startJob('org/app', 'devon');
    const build = await buildJob('org/app', devJob.token, 'feature-report');
    expect(build.code, build.stderr).toBe(0);
    await admin.finishJob(devJob.id);

    const job = await admin.startJob('org/app', 'rhea');
    const push = await buildJob('org/app', job.token, 'feature-rhea');
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(DENIED);
    const clean = await cleanJob(build.image, job.token);
    expect(clean.code).not.toBe(0);
    expect(clean.stderr).toMatch(DENIED);
    expect(await tags('org/app')).toContain('feature-report');
    await admin.finishJob(job.id);
  });

  it("should refuse a job deleting in another project, though its user may push there", async () => {
    const otherJob = await admin.startJob('org/other', 'devon');
    const build = await buildJob('org/other', otherJob.token, 'feature-x');
    expect(build.code, build.stderr).toBe(0);
    await admin.finishJob(otherJob.id);

    const job = await admin.startJob('org/app', 'devon');
    const clean = await cleanJob(build.image, job.token);
    expect(clean.code).not.toBe(0);
    expect(clean.stderr).toMatch(DENIED);
    expect(await tags('org/other')).toContain('feature-x');
    await admin.finishJob(job.id);
  });
});
