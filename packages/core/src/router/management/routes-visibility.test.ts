import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../registry.js';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { pushImage } from '../../test-support/fixtures.js';
import type { ManagementAuthorizer } from './routes.js';

/** Everything whose name does not contain `secret`. */
const noSecrets: ManagementAuthorizer = async (_request, wanted) => wanted.filter((w) => !w.name.includes('secret'));

async function setup() {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const registry = createRegistry({ storage: new MemoryStorage(), now: () => new Date(t) });
  const host = new Hono();
  host.route('/api', registry.managementRoutes({ authorize: noSecrets }));
  host.route('/', registry.app);
  // Secrets interleaved with visible names in every order: by name, by creation, by update.
  const names = ['team/a', 'team/secret-b', 'team/c', 'team/secret-d', 'team/e', 'team/secret-f', 'team/secret-g'];
  for (const [i, name] of names.entries()) {
    t += 60_000 * (i % 2 === 0 ? 1 : 7 - i);
    await pushImage(host, name, 'v1');
  }
  return { host };
}

/** Everything a response shows a client: status, headers and body, cursors decoded. */
async function exposed(res: Response): Promise<string> {
  const text = await res.text();
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  const cursors = [...`${text}\n${headers}`.matchAll(/[A-Za-z0-9_-]{16,}/g)].map((m) => Buffer.from(m[0], 'base64url').toString('utf8'));
  return [text, headers, ...cursors].join('\n');
}

describe('management listings never show what the caller cannot pull', () => {
  it('should page every sort, order, search and prefix without a hidden name in bodies, Links or cursors', async () => {
    const { host } = await setup();
    const seenAll = new Set<string>();
    for (const sort of ['name', 'created', 'updated']) {
      for (const order of ['asc', 'desc']) {
        for (const filter of ['', '&search=secret', '&search=team/', '&prefix=team', '&prefix=team/secret-b']) {
          let path: string | null = `/api/repositories?per_page=1&sort=${sort}&order=${order}${filter}`;
          const seen: string[] = [];
          for (let i = 0; path !== null && i < 10; i++) {
            const res: Response = await host.request(path);
            expect(res.status, path).toBe(200);
            const clone = res.clone();
            expect(await exposed(res), path).not.toContain('secret-');
            const body = (await clone.json()) as { repositories: { name: string }[]; next: string | null };
            seen.push(...body.repositories.map((r) => r.name));
            const link = clone.headers.get('link');
            path = link ? `/api${/^<[^>]*?(\/repositories\?[^>]*)>/.exec(link)?.[1]}` : null;
            expect(body.next === null, path ?? '').toBe(link === null);
          }
          expect(path, `${sort} ${order} ${filter} ended`).toBeNull();
          for (const n of seen) seenAll.add(n);
          if (filter === '' || filter === '&prefix=team') expect(seen.length).toBe(3);
        }
      }
    }
    expect([...seenAll].sort()).toEqual(['team/a', 'team/c', 'team/e']);
  });

  it('should count and list only visible repositories in usage', async () => {
    const { host } = await setup();
    const res = await host.request('/api/usage?prefix=team');
    const body = (await res.clone().json()) as { total_size: number; repositories: { name: string; size: number }[] };
    expect(await exposed(res)).not.toContain('secret');
    expect(body.repositories.map((r) => r.name)).toEqual(['team/a', 'team/c', 'team/e']);
    // Each test image has its own random layer: the total is the visible ones' sizes.
    expect(body.total_size).toBe(body.repositories.reduce((sum, r) => sum + r.size, 0));
  });
});
