import { describe, expect, it } from 'vitest';
import { createAccessHooks } from '../auth/access-hooks.js';
import type { AccessStore } from '../store/access-store.js';
import { openTestStore, tempDirs } from '../test-support.js';
import { runAdminCommand } from './admin-command.js';

const tempDir = tempDirs();

async function cli(stdin = '') {
  const store = await openTestStore(await tempDir());
  let out: string[] = [];
  let err: string[] = [];
  const run = async (line: string | string[]) => {
    out = [];
    err = [];
    const argv = Array.isArray(line) ? line : line.split(' ');
    const status = await runAdminCommand(argv, { store, out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin });
    return { status, out, err, text: out.join('\n'), errors: err.join('\n') };
  };
  return { store, run };
}

async function seed(run: Awaited<ReturnType<typeof cli>>['run']) {
  for (const line of [
    'user create --username alice --password password-1',
    'group create team --visibility internal',
    'project create team/app',
  ]) {
    expect((await run(line)).status).toBe(0);
  }
}

const login = (store: AccessStore, username: string, password: string) =>
  createAccessHooks(store).authenticate({ kind: 'password', username, password });

describe('wharf admin: help and usage', () => {
  it('should print help for the command, each noun and each verb', async () => {
    const { run } = await cli();
    expect(await run('--help')).toMatchObject({
      status: 0,
      text: expect.stringMatching(/Usage: wharf admin <noun> <verb>[\s\S]*deploy-token/),
    });
    expect(await run('user --help')).toMatchObject({ status: 0, text: expect.stringMatching(/create[\s\S]*block/) });
    expect(await run('pat create --help')).toMatchObject({ status: 0, text: expect.stringMatching(/--scopes/) });
    for (const noun of ['user', 'group', 'project', 'member', 'pat', 'deploy-token', 'job']) {
      expect((await run(`${noun} --help`)).status).toBe(0);
    }
  });

  it('should exit 2 with usage for unknown nouns, verbs, flags and missing arguments', async () => {
    const { run } = await cli();
    expect(await run([])).toMatchObject({ status: 2 });
    expect(await run('robot list')).toMatchObject({ status: 2, errors: expect.stringMatching(/unknown noun "robot"/) });
    expect(await run('user fly')).toMatchObject({ status: 2, errors: expect.stringMatching(/unknown verb "fly"/) });
    expect(await run('user list --colour')).toMatchObject({ status: 2, errors: expect.stringMatching(/--colour/) });
    expect(await run('user create')).toMatchObject({ status: 2, errors: expect.stringMatching(/--username is required/) });
    expect(await run('group create')).toMatchObject({ status: 2, errors: expect.stringMatching(/missing <path>/) });
    expect(await run('group create a b')).toMatchObject({ status: 2, errors: expect.stringMatching(/unexpected argument "b"/) });
    expect(await run('group create a --visibility secret')).toMatchObject({
      status: 2,
      errors: expect.stringMatching(/private, internal, public/),
    });
  });

  it("should exit 1 with the store's message when it refuses", async () => {
    const { run } = await cli();
    expect(await run('project create nope/app')).toMatchObject({ status: 1, errors: expect.stringMatching(/group "nope" does not exist/) });
    expect(await run('user block nobody')).toMatchObject({ status: 1, errors: expect.stringMatching(/no user "nobody"/) });
  });
});

describe('wharf admin: users', () => {
  it('should create users with --password or --password-stdin, list, block and unblock them', async () => {
    const { store, run } = await cli('from-stdin-pw\n');
    expect(await run('user create --username root --password-stdin --admin')).toMatchObject({
      status: 0,
      text: expect.stringMatching(/created user root .* admin/),
    });
    expect(await login(store, 'root', 'from-stdin-pw')).not.toBeNull();
    expect((await run('user create --username bob --password bob-password --two-factor')).status).toBe(0);
    expect((await store.getUser('bob')).twoFactor).toBe(true);
    expect(await run('user list')).toMatchObject({ status: 0, text: expect.stringMatching(/USERNAME[\s\S]*root\s+admin[\s\S]*bob\s+2fa/) });
    expect((await run('user block bob')).status).toBe(0);
    expect((await store.getUser('bob')).blocked).toBe(true);
    expect((await run('user unblock bob')).status).toBe(0);
    expect((await run('user update bob --two-factor false --password new-password')).status).toBe(0);
    expect(await login(store, 'bob', 'new-password')).not.toBeNull();
    expect(await run('user update bob --admin maybe')).toMatchObject({ status: 2 });
    expect(await run('user show bob')).toMatchObject({ status: 0, text: expect.stringMatching(/"username": "bob"/) });
    expect((await run('user delete bob')).status).toBe(0);
    expect(await run('user create --username x1 --password a --password-stdin')).toMatchObject({
      status: 2,
      errors: expect.stringMatching(/not both/),
    });
  });
});

describe('wharf admin: groups, projects and members', () => {
  it('should create, list, update and delete groups and projects', async () => {
    const { store, run } = await cli();
    await seed(run);
    expect(await run('project list')).toMatchObject({ status: 0, text: expect.stringMatching(/team\/app\s+private/) });
    expect(await run('group list')).toMatchObject({ status: 0, text: expect.stringMatching(/team\s+internal/) });
    expect((await run('project update team/app --visibility internal')).status).toBe(0);
    expect((await store.getProject('team/app')).visibility).toBe('internal');
    expect(await run('project update team/app')).toMatchObject({ status: 2 });
    expect(await run('group delete team')).toMatchObject({ status: 1, errors: expect.stringMatching(/not empty/) });
    expect((await run('project delete team/app')).status).toBe(0);
    expect((await run('group delete team')).status).toBe(0);
  });

  it('should add, update, list and remove members', async () => {
    const { store, run } = await cli();
    await seed(run);
    expect(await run('member add --project team/app --user alice --role developer')).toMatchObject({
      status: 0,
      text: 'alice is now developer of project team/app',
    });
    expect((await run('member update --project team/app --user alice --role maintainer')).status).toBe(0);
    expect(await run('member list --project team/app')).toMatchObject({ text: expect.stringMatching(/alice\s+maintainer/) });
    expect((await run('member add --group team --user alice --role reporter')).status).toBe(0);
    expect(await run('member add --group team --project team/app --user alice --role reporter')).toMatchObject({
      status: 2,
      errors: expect.stringMatching(/exactly one/),
    });
    expect(await run('member add --project team/app --user alice')).toMatchObject({
      status: 2,
      errors: expect.stringMatching(/--role is required/),
    });
    expect((await run('member remove --project team/app --user alice')).status).toBe(0);
    expect(await store.listMembers({ project: 'team/app' })).toEqual([]);
  });
});

describe('wharf admin: tokens and jobs', () => {
  it('should create a personal access token, print its secret once, list and revoke it', async () => {
    const { store, run } = await cli();
    await seed(run);
    const created = await run('pat create --user alice --name laptop --scopes read_registry,write_registry --expires 2099-01-01');
    expect(created).toMatchObject({ status: 0, errors: expect.stringMatching(/shown only once/) });
    const secret = /^token: (wharf_pat_\S+)$/m.exec(created.text)?.[1];
    expect(secret).toBeDefined();
    expect(await login(store, 'alice', secret as string)).toMatchObject({ kind: 'personal-access-token' });
    const listed = await run('pat list --user alice');
    expect(listed.text).toMatch(/laptop\s+read_registry,write_registry\s+2099-01-01T00:00:00.000Z\s+active/);
    expect(listed.text).not.toContain(secret);
    const id = (await store.listPersonalAccessTokens('alice'))[0]?.id as string;
    expect((await run(`pat revoke ${id}`)).status).toBe(0);
    expect(await login(store, 'alice', secret as string)).toBeNull();
    expect(await run('pat create --user alice --name x --scopes sudo')).toMatchObject({
      status: 2,
      errors: expect.stringMatching(/unknown scope "sudo"/),
    });
    expect(await run('pat create --user alice --name x --scopes write_registry')).toMatchObject({
      status: 0,
      errors: expect.stringMatching(/docker push needs both/),
    });
  });

  it('should create, list and revoke deploy tokens', async () => {
    const { store, run } = await cli();
    await seed(run);
    const created = await run('deploy-token create --project team/app --scopes read_registry');
    expect(created).toMatchObject({ status: 0, text: expect.stringMatching(/username: wharf\+deploy-token-1\ntoken: wharf_dt_/) });
    const secret = /^token: (\S+)$/m.exec(created.text)?.[1] as string;
    expect(await login(store, 'wharf+deploy-token-1', secret)).toMatchObject({ kind: 'deploy-token' });
    expect(await run('deploy-token list --project team/app')).toMatchObject({
      text: expect.stringMatching(/wharf\+deploy-token-1[\s\S]*active/),
    });
    expect((await run('deploy-token create --group team --scopes read_registry --username puller')).status).toBe(0);
    const id = (await store.listDeployTokens({ project: 'team/app' }))[0]?.id as string;
    expect((await run(`deploy-token revoke ${id}`)).status).toBe(0);
    expect(await login(store, 'wharf+deploy-token-1', secret)).toBeNull();
    expect(await run('deploy-token create --scopes read_registry')).toMatchObject({ status: 2 });
  });

  it('should start a job printing id and token, and finish it', async () => {
    const { store, run } = await cli();
    await seed(run);
    const started = await run('job start --project team/app --user alice --max-duration 2h');
    expect(started).toMatchObject({ status: 0, text: expect.stringMatching(/^id: \S+\ntoken: wharf_job_\S+$/) });
    const [, id] = /^id: (\S+)$/m.exec(started.text) ?? [];
    const [, token] = /^token: (\S+)$/m.exec(started.text) ?? [];
    expect(await login(store, 'gitlab-ci-token', token as string)).toMatchObject({ kind: 'job' });
    expect(await run('job list')).toMatchObject({ text: expect.stringMatching(/team\/app\s+alice\s+running\s+yes/) });
    expect((await run(`job finish ${id}`)).status).toBe(0);
    expect(await login(store, 'gitlab-ci-token', token as string)).toBeNull();
    expect(await run('job start --project team/app --user alice --max-duration soon')).toMatchObject({ status: 2 });
  });
});

describe('wharf admin: names that are object properties', () => {
  it('should delete a group named constructor, and say "not found" for one that does not exist', async () => {
    const { store, run } = await cli();
    expect(await run('group delete constructor')).toMatchObject({ status: 1, errors: expect.stringMatching(/no group "constructor"/) });
    expect((await run('group create constructor')).status).toBe(0);
    expect(await run('group delete constructor')).toMatchObject({ status: 0, text: 'deleted group constructor' });
    expect(await store.listGroups()).toEqual([]);
    expect(await run('project delete hasownproperty/x')).toMatchObject({ status: 1 });
  });

  it('should create, block and delete a user named constructor, who can then no longer log in', async () => {
    const { store, run } = await cli();
    expect((await run('user create --username admin --password password-0 --admin')).status).toBe(0);
    expect((await run('user create --username constructor --password password-1')).status).toBe(0);
    expect(await run('user block constructor')).toMatchObject({ status: 0, text: 'blocked user constructor' });
    expect(await login(store, 'constructor', 'password-1')).toBeNull();
    expect((await run('user unblock constructor')).status).toBe(0);
    expect(await login(store, 'constructor', 'password-1')).toMatchObject({ username: 'constructor' });
    expect(await run('user delete constructor')).toMatchObject({ status: 0, text: 'deleted user constructor' });
    expect(await login(store, 'constructor', 'password-1')).toBeNull();
    expect(await run('user show __proto__')).toMatchObject({ status: 1, errors: expect.stringMatching(/no user "__proto__"/) });
  });

  it('should treat nouns and verbs named like object properties as unknown', async () => {
    const { run } = await cli();
    expect(await run('constructor list')).toMatchObject({ status: 2, errors: expect.stringMatching(/unknown noun "constructor"/) });
    expect(await run('__proto__ list')).toMatchObject({ status: 2, errors: expect.stringMatching(/unknown noun/) });
    expect(await run('user constructor')).toMatchObject({ status: 2, errors: expect.stringMatching(/unknown verb "constructor"/) });
    expect(await run('user toString')).toMatchObject({ status: 2, errors: expect.stringMatching(/unknown verb "toString"/) });
  });
});
