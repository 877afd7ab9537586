/**
 * Bad input never causes a 500: random methods, paths, queries, headers and bodies against
 * a registry with some content in it must always get a well-formed answer below 500.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry.js';
import { MemoryStorage } from '../storage/memory-driver.js';
import { pushImage } from '../test-support/fixtures.js';

const segment = fc.oneof(
  fc.constantFrom('v2', 'a', 'b', 'manifests', 'blobs', 'uploads', 'tags', 'list', 'referrers', '_catalog', '..', '%2e%2e', '', 'latest', 'A', '_x', 'x-'),
  fc.constantFrom(`sha256:${'a'.repeat(64)}`, 'sha256:zz', `sha512:${'b'.repeat(128)}`, 'md5:00', '00000000-0000-0000-0000-000000000000'),
  fc.stringMatching(/^[A-Za-z0-9._:%-]{0,20}$/),
);
const randomPath = fc.array(segment, { minLength: 0, maxLength: 8 }).map((parts) => `/v2/${parts.join('/')}`);
// Well-formed routes with odd parameters reach the handlers rather than the router's 404.
const routedPath = fc
  .tuple(fc.constantFrom('a', 'b/c', 'A', 'a/_b'), fc.constantFrom('manifests', 'blobs', 'blobs/uploads', 'referrers', 'tags'), segment)
  .map(([name, route, param]) => (route === 'tags' ? `/v2/${name}/tags/list` : `/v2/${name}/${route}/${param}`));
const path = fc.oneof(randomPath, routedPath);
const query = fc.array(
  fc.tuple(fc.constantFrom('digest', 'mount', 'from', 'n', 'last', 'tag', 'artifactType', 'digest-algorithm', 'x'), fc.string({ maxLength: 80 })),
  { maxLength: 4 },
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/vnd.oci.image.manifest.v1+json', 'application/json', 'text/plain', '', 'a/b; x=y'),
    'content-range': fc.oneof(fc.constantFrom('0-0', '5-2', 'bytes 0-9/*', '-1', 'x'), fc.string({ maxLength: 20 })),
    range: fc.constantFrom('bytes=0-1', 'bytes=-5', 'bytes=9-1', 'bytes=', 'x'),
    accept: fc.string({ maxLength: 40 }),
    'if-none-match': fc.string({ maxLength: 20 }),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{"schemaVersion":2}', '{"schemaVersion":2,"manifests":[{}]}', '{"schemaVersion":1,"signatures":[{}]}', 'null', '[]', '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"a/b","digest":"sha256:00","size":-1}]}'),
);

describe('robustness', () => {
  it('should never answer 5xx to random requests', async () => {
    const { app } = createRegistry({ storage: new MemoryStorage() });
    await pushImage(app, 'a', 'latest');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), path, query, headers, body, async (method, p, q, h, b) => {
        const search = new URLSearchParams(q).toString();
        const init: RequestInit = { method, headers: Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string> };
        if (b !== undefined && method !== 'GET' && method !== 'HEAD') init.body = b;
        let response: Response;
        try {
          response = await app.request(`${p}${search ? `?${search}` : ''}`, init);
        } catch (error) {
          // the URL itself can be unparseable by the Request constructor: not the registry's doing
          if (error instanceof TypeError) return;
          throw error;
        }
        expect(response.status, `${method} ${p}?${search}`).toBeLessThan(500);
        // `..` segments can normalise the URL out of /v2, where the host app answers, not us.
        const normalised = new URL(`http://x${p}`).pathname;
        if (response.status >= 400 && method !== 'HEAD' && normalised.startsWith('/v2')) {
          const json = (await response.json()) as { errors: Array<{ code: string }> };
          expect(json.errors[0]?.code).toMatch(/^[A-Z_]+$/);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
