/**
 * Token auth end to end: the standalone server with its default token auth, and docker,
 * podman and skopeo logging in with passwords, personal access tokens, deploy tokens and CI
 * job tokens, as the seed's user guide describes (`docker login`, `CI_REGISTRY_USER` /
 * `CI_JOB_TOKEN`, `read_registry` / `write_registry`, public and private projects).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from './admin-client.js';
import { docker, imageLayout, podman, prerequisites, run, skopeo } from './clients.js';
import { OciLayout } from './oci.js';
import { logOnFailureAndStop, startRegistry, type Registry } from './server.js';

const pre = prerequisites('auth.test.ts', ['docker', 'podman', 'skopeo']);
const ADMIN_PASSWORD = 'admin-e2e-password-0123456789';
const ALICE_PASSWORD = 'alice-password-0123';
const CAROL_PASSWORD = 'carol-password-0123';
const DAVE_PASSWORD = 'dave-password-0123';
const TLS = '--tls-verify=false';
/** What docker and podman print when the registry refuses access. */
const DENIED = /denied|unauthorized|authentication required|insufficient_scope/i;

describe.skipIf(pre.skip)('token auth with real clients', () => {
  let reg: Registry | undefined;
  let admin: AdminClient;
  let layout: OciLayout;
  let work: string;
  const tokens: Record<string, string> = {};
  let deployUser = '';
  let aliceId = '';

  const registry = (): Registry => {
    if (!reg) throw new Error('registry not started');
    return reg;
  };
  const host = () => registry().host;
  const dockerLogin = (user: string, secret: string) => run('docker', ['login', '--username', user, '--password-stdin', host()], { input: secret, allowFailure: true });
  const dockerLogout = () => run('docker', ['logout', host()], { allowFailure: true });
  const dockerRmi = (...refs: string[]) => run('docker', ['rmi', '--force', ...refs], { allowFailure: true });

  /** Puts the layout's amd64 image into docker as `ref`. */
  async function loadIntoDocker(ref: string): Promise<void> {
    const archive = join(work, `load-${Date.now()}.tar`);
    await skopeo('copy', '--quiet', `oci:${layout.dir}:amd64`, `docker-archive:${archive}:${ref}`);
    await docker('load', '--input', archive);
    await rm(archive, { force: true });
  }

  beforeAll(async () => {
    pre.assert();
    layout = new OciLayout(imageLayout());
    work = await mkdtemp(join(tmpdir(), 'wharf-e2e-auth-'));
    reg = await startRegistry({ auth: 'token', adminPassword: ADMIN_PASSWORD });
    admin = new AdminClient(reg.url, 'admin', ADMIN_PASSWORD);
    const alice = await admin.createUser('alice', ALICE_PASSWORD);
    aliceId = alice.id;
    const carol = await admin.createUser('carol', CAROL_PASSWORD, { two_factor: true });
    await admin.createUser('dave', DAVE_PASSWORD);
    // A public group, so that it can hold a public project (GitLab's rule) next to a private one.
    await admin.createGroup('team', 'public');
    await admin.createProject('team/app', 'private');
    await admin.createProject('team/public', 'public');
    await admin.addProjectMember('team/app', 'alice', 'developer');
    await admin.addProjectMember('team/public', 'alice', 'developer');
    await admin.addProjectMember('team/app', 'carol', 'developer');
    tokens.alicePat = (await admin.createPat(alice.id, 'laptop', ['read_registry', 'write_registry'])).token;
    tokens.carolPat = (await admin.createPat(carol.id, 'ci', ['read_registry', 'write_registry'])).token;
    const deploy = await admin.createDeployToken('team/app', ['read_registry']);
    deployUser = deploy.username;
    tokens.deploy = deploy.token;
    await loadIntoDocker(`${host()}/team/app/busybox:v1`);
  });
  logOnFailureAndStop(() => reg);

  afterAll(async () => {
    if (!reg) return;
    await dockerLogout();
    await run('podman', ['logout', host()], { allowFailure: true });
    const images = await run('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { allowFailure: true });
    const ours = images.stdout.split('\n').filter((r) => r.startsWith(`${host()}/`));
    if (ours.length > 0) await dockerRmi(...ours);
    const podmanImages = await run('podman', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { allowFailure: true });
    const podmanOurs = podmanImages.stdout.split('\n').filter((r) => r.startsWith(`${host()}/`));
    if (podmanOurs.length > 0) await run('podman', ['image', 'rm', '--force', ...podmanOurs], { allowFailure: true });
    await rm(work, { recursive: true, force: true });
  });

  describe('docker', () => {
    it('should log in with a password, push, and after logout be refused the private image', async () => {
      const ref = `${host()}/team/app/busybox:v1`;
      expect((await dockerLogin('alice', ALICE_PASSWORD)).stdout).toMatch(/Login Succeeded/);
      await docker('push', ref);
      await dockerLogout();
      await dockerRmi(ref);
      const pull = await run('docker', ['pull', ref], { allowFailure: true });
      expect(pull.code).not.toBe(0);
      expect(pull.stderr).toMatch(DENIED);
    });

    it('should log in with a personal access token from stdin, pull, and push through the refresh token', async () => {
      const ref = `${host()}/team/app/busybox:v1`;
      expect((await dockerLogin('alice', tokens.alicePat as string)).code).toBe(0);
      const before = registry().log.length;
      await docker('pull', ref);
      await docker('tag', ref, `${host()}/team/app/busybox:v2`);
      await docker('push', `${host()}/team/app/busybox:v2`);
      // After login docker keeps the refresh token and trades it for access tokens (POST).
      expect(registry().log.slice(before).some((l) => l.includes('"POST /auth/token'))).toBe(true);
      await dockerLogout();
    });

    it('should let a read_registry deploy token pull but not push', async () => {
      expect((await dockerLogin(deployUser, tokens.deploy as string)).code).toBe(0);
      await dockerRmi(`${host()}/team/app/busybox:v1`);
      await docker('pull', `${host()}/team/app/busybox:v1`);
      await docker('tag', `${host()}/team/app/busybox:v1`, `${host()}/team/app/busybox:deploy`);
      const push = await run('docker', ['push', `${host()}/team/app/busybox:deploy`], { allowFailure: true });
      expect(push.code).not.toBe(0);
      expect(push.stderr).toMatch(DENIED);
      await dockerLogout();
    });

    it('should run the seed CI job: log in with the job token, build, push $CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG, refused after the job', async () => {
      const job = await admin.startJob('team/app', 'alice');
      const CI_REGISTRY = host();
      const CI_REGISTRY_IMAGE = `${CI_REGISTRY}/team/app`;
      const CI_COMMIT_REF_SLUG = 'feature-login';
      expect((await dockerLogin('gitlab-ci-token', job.token)).code).toBe(0);
      const context = join(work, 'build');
      await mkdir(context, { recursive: true });
      await writeFile(join(context, 'Dockerfile'), `FROM ${CI_REGISTRY_IMAGE}/busybox:v1\nCOPY hello.txt /hello.txt\n`);
      await writeFile(join(context, 'hello.txt'), `built by job ${job.id}\n`);
      await docker('build', '--tag', `${CI_REGISTRY_IMAGE}:${CI_COMMIT_REF_SLUG}`, context);
      await docker('push', `${CI_REGISTRY_IMAGE}:${CI_COMMIT_REF_SLUG}`);
      await admin.finishJob(job.id);
      await dockerLogout();
      const again = await dockerLogin('gitlab-ci-token', job.token);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/unauthorized|incorrect/i);
    });

    it('should let anyone pull a public project, and refuse an anonymous push to it', async () => {
      const ref = `${host()}/team/public/busybox:v1`;
      await docker('tag', `${host()}/team/app/busybox:v1`, ref);
      expect((await dockerLogin('alice', ALICE_PASSWORD)).code).toBe(0);
      await docker('push', ref);
      await dockerLogout();
      await dockerRmi(ref);
      await docker('pull', ref);
      await docker('tag', ref, `${host()}/team/public/busybox:anon`);
      const push = await run('docker', ['push', `${host()}/team/public/busybox:anon`], { allowFailure: true });
      expect(push.code).not.toBe(0);
      expect(push.stderr).toMatch(DENIED);
    });

    it('should hide a private project from an outsider exactly like a repository that does not exist', async () => {
      expect((await dockerLogin('dave', DAVE_PASSWORD)).code).toBe(0);
      await dockerRmi(`${host()}/team/app/busybox:v1`);
      const secret = await run('docker', ['pull', `${host()}/team/app/busybox:v1`], { allowFailure: true });
      const missing = await run('docker', ['pull', `${host()}/team/app/nothing:v1`], { allowFailure: true });
      expect(secret.code).not.toBe(0);
      expect(missing.code).not.toBe(0);
      expect(secret.stderr.replaceAll('busybox', 'X')).toBe(missing.stderr.replaceAll('nothing', 'X'));
      await dockerLogout();
    });

    it('should refuse the password of a user with two-factor authentication and accept their token', async () => {
      const password = await dockerLogin('carol', CAROL_PASSWORD);
      expect(password.code).not.toBe(0);
      expect(password.stderr).toMatch(/unauthorized|incorrect/i);
      expect((await dockerLogin('carol', tokens.carolPat as string)).code).toBe(0);
      await dockerLogout();
    });

    it('should refuse a personal access token once it is revoked', async () => {
      const pat = await admin.createPat(aliceId, 'short-lived', ['read_registry']);
      expect((await dockerLogin('alice', pat.token)).code).toBe(0);
      await dockerLogout();
      await admin.revokePat(pat.id);
      const after = await dockerLogin('alice', pat.token);
      expect(after.code).not.toBe(0);
    });
  });

  describe('podman and skopeo', () => {
    it('should log in podman with a password, push and pull back, then log out', async () => {
      const ref = `${host()}/team/app/podman:v1`;
      await skopeo('copy', '--quiet', `oci:${layout.dir}:amd64`, `containers-storage:${ref}`);
      await run('podman', ['login', TLS, '--username', 'alice', '--password-stdin', host()], { input: ALICE_PASSWORD });
      await podman('push', TLS, ref);
      await podman('image', 'rm', ref);
      await podman('pull', TLS, ref);
      await podman('logout', host());
      await podman('image', 'rm', ref);
      const anonymous = await run('podman', ['pull', TLS, ref], { allowFailure: true });
      expect(anonymous.code).not.toBe(0);
      expect(anonymous.stderr).toMatch(DENIED);
    });

    it('should let podman push with a personal access token and refuse a read-only deploy token', async () => {
      const ref = `${host()}/team/app/podman:pat`;
      await skopeo('copy', '--quiet', `oci:${layout.dir}:amd64`, `containers-storage:${ref}`);
      await podman('push', TLS, '--creds', `alice:${tokens.alicePat}`, ref);
      const refused = await run('podman', ['push', TLS, '--creds', `${deployUser}:${tokens.deploy}`, ref], { allowFailure: true });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(DENIED);
    });

    it('should copy with skopeo --creds in and out, and list tags after skopeo login', async () => {
      const remote = `docker://${host()}/team/app/skopeo`;
      await skopeo('copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', `alice:${tokens.alicePat}`, `oci:${layout.dir}:amd64`, `${remote}:v1`);
      const out = join(work, 'skopeo-out');
      await skopeo('copy', '--quiet', '--src-tls-verify=false', '--src-creds', `${deployUser}:${tokens.deploy}`, `${remote}:v1`, `oci:${out}:v1`);
      const anonymous = await run('skopeo', ['inspect', TLS, `${remote}:v1`], { allowFailure: true });
      expect(anonymous.code).not.toBe(0);
      await run('skopeo', ['login', TLS, '--username', 'alice', '--password-stdin', host()], { input: ALICE_PASSWORD });
      const tags = JSON.parse((await skopeo('list-tags', TLS, remote)).stdout) as { Tags: string[] };
      expect(tags.Tags).toContain('v1');
      await skopeo('logout', host());
    });
  });
});
