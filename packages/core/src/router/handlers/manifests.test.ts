/** Manifest references the handlers refuse: GET and HEAD answer 404, a PUT 400. */
import { describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../../manifests/media-types.js';
import { createRegistry } from '../../registry.js';
import { MemoryStorage } from '../../storage/memory-driver.js';
import { pushImage } from '../../test-support/fixtures.js';

const INVALID = ['-dash', '.dot', 'a'.repeat(129), 'bad!char', 'sha256:zzz', 'nope:123'];

describe('manifest references that are neither a tag nor a digest', () => {
  it('should answer a GET with 404 MANIFEST_UNKNOWN naming the reference', async () => {
    const { app } = createRegistry({ storage: new MemoryStorage() });
    await pushImage(app, 'team/app', 'v1');
    for (const reference of INVALID) {
      const res = await app.request(`/v2/team/app/manifests/${reference}`);
      expect(res.status, reference).toBe(404);
      const { errors } = (await res.json()) as { errors: Array<{ code: string; detail?: unknown }> };
      expect(errors, reference).toEqual([expect.objectContaining({ code: 'MANIFEST_UNKNOWN', detail: { reference } })]);
    }
  });

  it('should answer a HEAD with 404 and no body, also in a repository that does not exist', async () => {
    const { app } = createRegistry({ storage: new MemoryStorage() });
    for (const reference of INVALID) {
      const res = await app.request(`/v2/team/none/manifests/${reference}`, { method: 'HEAD' });
      expect(res.status, reference).toBe(404);
      expect(await res.text(), reference).toBe('');
    }
  });

  it('should still refuse a PUT to an invalid tag with 400 TAG_INVALID, and to a malformed digest with 400 DIGEST_INVALID', async () => {
    const { app } = createRegistry({ storage: new MemoryStorage() });
    const { body } = await pushImage(app, 'team/app', 'v1');
    const put = (reference: string) =>
      app.request(`/v2/team/app/manifests/${reference}`, { method: 'PUT', body, headers: { 'Content-Type': MEDIA_TYPES.ociManifest } });
    for (const [reference, code] of [['-dash', 'TAG_INVALID'], ['a'.repeat(129), 'TAG_INVALID'], ['sha256:zzz', 'DIGEST_INVALID']] as const) {
      const res = await put(reference);
      expect(res.status, reference).toBe(400);
      expect(((await res.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, reference).toBe(code);
    }
  });
});
