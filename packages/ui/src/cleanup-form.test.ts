import { describe, expect, it } from 'vitest';
import { testbed } from './test-support.js';

const SETTINGS = '/registry/namespaces/team/app/-/settings';
const CLEANUP = `${SETTINGS}/cleanup`;

/** A user who may change `team/app`'s settings (plain namespaces). */
const maintainer = () =>
  testbed({ userExtra: { deletable: async (names) => names.filter((n) => n === 'team/app' || n.startsWith('team/app/')) } });

const form = (fields: Record<string, string> = {}) => ({
  enabled: 'true',
  cadence: '7d',
  keep_n: '1',
  older_than: '7d',
  name_regex_delete: 'v.+',
  name_regex_keep: '',
  action: 'save',
  ...fields,
});

/** Push `v1`…`v4`, `latest` and `stable` to `team/app/api`, a day apart, then move the clock a month on. */
async function pushHistory(t: ReturnType<typeof testbed>) {
  for (const [i, tag] of ['v1', 'v2', 'v3', 'v4', 'latest', 'stable'].entries()) {
    t.at(`2026-01-0${i + 1}T00:00:00Z`);
    await t.push('team/app/api', tag);
  }
  t.at('2026-02-15T00:00:00Z');
}

describe('the cleanup policy form', () => {
  it('should show labelled fields with the defaults before a policy is saved', async () => {
    const html = await maintainer().page(SETTINGS);
    expect(html).toContain('<h2 id="cleanup-title">Cleanup policies</h2>');
    for (const [id, label] of [
      ['cleanup-enabled', 'Enable cleanup policy'],
      ['cleanup-cadence', 'Run cleanup'],
      ['cleanup-keep_n', 'Keep the most recent'],
      ['cleanup-older_than', 'Remove tags older than'],
      ['cleanup-name_regex_delete', 'Remove tags matching'],
      ['cleanup-name_regex_keep', 'Keep tags matching'],
    ]) {
      expect(html).toContain(`<label for="${id}">${label}</label>`);
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('<input type="checkbox" id="cleanup-enabled" name="enabled" value="true"/>');
    expect(html).toContain('<option value="1d" selected="">Every day</option>');
    expect(html).toContain('<option value="3month">Every three months</option>');
    expect(html).toContain('<option value="10" selected="">10 tags per image name</option>');
    expect(html).toContain('<option value="90d" selected="">90 days</option>');
    expect(html).toContain('name="name_regex_delete" value=".*"');
    expect(html).toContain('>Save changes</button>');
    expect(html).toContain('>Preview cleanup</button>');
    expect(html).toContain('No cleanup policy is saved for this path yet');
  });

  it('should explain an invalid pattern next to its field, keep what was typed, and save nothing', async () => {
    const t = maintainer();
    const r = await t.post(CLEANUP, form({ name_regex_delete: '(v.+', name_regex_keep: 'release-(?=x)' }));
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('The policy was not saved');
    expect(html).toMatch(
      /name="name_regex_delete" value="\(v\.\+"[^>]*aria-invalid="true" aria-describedby="cleanup-name_regex_delete-error cleanup-name_regex_delete-hint"/,
    );
    expect(html).toMatch(/<p id="cleanup-name_regex_delete-error" class="field-error">Invalid pattern: missing closing \)/);
    expect(html).toMatch(/<p id="cleanup-name_regex_keep-error" class="field-error">Invalid pattern: .*RE2 syntax/);
    expect(html).toContain('<option value="7d" selected="">Every week</option>');
    expect(await t.registry.management.cleanup.policies.get('team/app')).toBeNull();
  });

  it('should refuse a blank pattern to remove and a crafted choice', async () => {
    const t = maintainer();
    const r = await t.post(CLEANUP, form({ name_regex_delete: '', keep_n: '7' }));
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('This cannot be blank. To match every tag, use .*');
    expect(html).toContain('<p id="cleanup-keep_n-error" class="field-error">Choose how many tags to keep.</p>');
    expect(await t.registry.management.cleanup.policies.get('team/app')).toBeNull();
  });

  it('should save a valid policy and redirect back with a confirmation', async () => {
    const t = maintainer();
    const r = await t.post(CLEANUP, form({ cadence: '1month', keep_n: '5', older_than: '14d', name_regex_keep: '(?:main|release-.+)' }));
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`${SETTINGS}?done=cleanup`);
    expect(await t.registry.management.cleanup.policies.get('team/app')).toMatchObject({
      enabled: true,
      cadence: '1month',
      keep_n: 5,
      older_than: '14d',
      name_regex: 'v.+',
      name_regex_keep: '(?:main|release-.+)',
    });
    const html = await t.page(r.headers.get('location') as string);
    expect(html).toContain('<p role="status" class="notice">Cleanup policy saved.</p>');
    expect(html).toContain('<option value="1month" selected="">Every month</option>');
    expect(html).toContain('value="(?:main|release-.+)"');
    expect(html).toContain('The saved policy runs next at 2026-01-31 00:00 UTC.');
  });

  it('should save an unchecked box as a disabled policy', async () => {
    const t = maintainer();
    const { enabled: _, ...fields } = form();
    expect((await t.post(CLEANUP, fields)).status).toBe(303);
    expect((await t.registry.management.cleanup.policies.get('team/app'))?.enabled).toBe(false);
    expect(await t.page(SETTINGS)).toContain('The saved policy is turned off: it does not run.');
  });

  it('should preview exactly the tags the unsaved policy would remove, removing and saving nothing', async () => {
    const t = maintainer();
    await pushHistory(t);
    const fields = form({ keep_n: '1', older_than: '7d', name_regex_delete: 'v.+', name_regex_keep: 'v2', action: 'preview' });
    const r = await t.post(CLEANUP, fields);
    expect(r.status).toBe(200);
    const html = await r.text();
    const policy = { enabled: true, cadence: '7d', keep_n: 1, older_than: '7d', name_regex: 'v.+', name_regex_keep: 'v2' };
    const dry = await t.registry.management.cleanup.runner.run('team/app', { dryRun: true, policy });
    const expected = dry.plans.flatMap((p) => p.delete.map((tag) => `${p.repository}:${tag}`));
    expect(expected.sort()).toEqual(['team/app/api:v1', 'team/app/api:v3']);
    const section = html.slice(html.indexOf('Tags the policy would remove now'));
    expect([...section.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]).sort()).toEqual(expected);
    expect(section).toContain('2 tags would be removed.');
    expect(html).toContain('name="name_regex_keep" value="v2"');
    expect(await t.registry.management.cleanup.policies.get('team/app')).toBeNull();
    expect((await t.registry.management.listTags('team/app/api')).items.map((i) => i.name)).toEqual([
      'latest',
      'stable',
      'v1',
      'v2',
      'v3',
      'v4',
    ]);
  });

  it('should say when the preview would remove nothing', async () => {
    const t = maintainer();
    await pushHistory(t);
    const html = await (await t.post(CLEANUP, form({ name_regex_delete: 'nothing-.*', action: 'preview' }))).text();
    expect(html).toContain('<h3 id="preview-title">Tags the policy would remove now</h3>');
    expect(html).toContain('Nothing would be removed.');
  });

  it('should list the last runs with their result and deleted tags', async () => {
    const t = maintainer();
    await pushHistory(t);
    await t.post(CLEANUP, form());
    await t.registry.management.cleanup.runner.run('team/app');
    const html = await t.page(SETTINGS);
    expect(html).toContain('<th scope="col" class="num">Tags deleted</th>');
    expect(html).toMatch(
      /<td><time datetime="2026-02-15T00:00:00.000Z">2026-02-15 00:00 UTC<\/time><\/td><td>Finished<\/td><td class="num">3<\/td><td>None<\/td>/,
    );
    expect(html).toContain('The saved policy runs next at 2026-02-22 00:00 UTC.');
  });

  it('should refuse a post without the form secret and change nothing', async () => {
    const t = maintainer();
    const r = await t.post(CLEANUP, { ...form(), _csrf: 'x'.repeat(43) });
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('Change refused');
    expect(await t.registry.management.cleanup.policies.get('team/app')).toBeNull();
  });

  it('should answer a reader’s crafted post with the 404 page and save nothing', async () => {
    const t = testbed();
    await t.push('team/app/api', 'v1');
    expect((await t.post(CLEANUP, form())).status).toBe(404);
    expect(await t.registry.management.cleanup.policies.get('team/app')).toBeNull();
  });
});
