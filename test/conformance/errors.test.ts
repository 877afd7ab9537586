// end-1, error bodies (spec "Error Codes"), name and reference validation, and HEAD framing.
import { describe, expect, it } from 'vitest';
import { OCI_MANIFEST, errorBody, errorCodes, headBytesAfterHeaders, random, repoName, unknownDigest, withDigest } from './client.js';
import { legacy, useRegistry } from './harness.js';

const client = useRegistry();

const SPEC_CODES = [
  'BLOB_UNKNOWN', 'BLOB_UPLOAD_INVALID', 'BLOB_UPLOAD_UNKNOWN', 'DIGEST_INVALID', 'MANIFEST_BLOB_UNKNOWN', 'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN', 'NAME_INVALID', 'NAME_UNKNOWN', 'SIZE_INVALID', 'UNAUTHORIZED', 'DENIED', 'UNSUPPORTED', 'TOOMANYREQUESTS',
  // legacy Docker codes the spec says clients may meet
  'TAG_INVALID', 'MANIFEST_UNVERIFIED',
];

describe('API version check (end-1)', () => {
  it('should answer GET /v2/ with 200 and Docker-Distribution-API-Version: registry/2.0', async () => {
    const res = await client.fetch('/v2/');
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    await res.arrayBuffer();
  });
});

describe('error bodies', () => {
  it('should send every error as application/json {errors:[{code,message,detail?}]} with a spec code', async () => {
    const repo = repoName('errors');
    const image = await client.pushImage(repo, 'v1');
    const cancelled = await client.startUpload(repo);
    await fetch(cancelled, { method: 'DELETE' });
    const failures = [
      await client.fetch(`/v2/${repo}/manifests/nope`),
      await client.fetch(`/v2/${repo}/manifests/${unknownDigest()}`),
      await client.fetch(`/v2/${repo}/blobs/${unknownDigest()}`),
      await client.fetch(`/v2/${repoName('absent')}/tags/list`),
      await fetch(cancelled),
      await client.putManifest(repo, 'bad', '{not json', OCI_MANIFEST),
      await client.putManifest(repo, unknownDigest(), image.body, OCI_MANIFEST),
      await fetch(withDigest(await client.startUpload(repo), unknownDigest()), { method: 'PUT', body: random() }),
      await client.fetch(`/v2/${repo}/manifests/${unknownDigest()}`, { method: 'DELETE' }),
    ];
    for (const res of failures) {
      expect(res.status, res.url).toBeGreaterThanOrEqual(400);
      expect(res.status, res.url).toBeLessThan(500);
      expect(res.headers.get('content-type'), res.url).toMatch(/^application\/json(;|$)/);
      const { errors } = await errorBody(res);
      for (const e of errors) {
        expect(e.code, res.url).toMatch(/^[A-Z_]+$/);
        expect(SPEC_CODES, res.url).toContain(e.code);
        if (e.message !== undefined) expect(typeof e.message).toBe('string');
      }
    }
  });

  it('should answer 404 BLOB_UNKNOWN for an unknown blob and 400 DIGEST_INVALID for a malformed one', async () => {
    const repo = repoName('errors');
    await client.uploadBlob(repo, random());
    const unknown = await client.fetch(`/v2/${repo}/blobs/${unknownDigest()}`);
    expect(unknown.status).toBe(404);
    expect(await errorCodes(unknown)).toContain('BLOB_UNKNOWN');
    const malformed = await client.fetch(`/v2/${repo}/blobs/sha256:xyz`);
    expect(malformed.status).toBe(400);
    expect(await errorCodes(malformed)).toContain('DIGEST_INVALID');
  });
});

describe('name validation', () => {
  const cases: [string, string, RegExp][] = [
    ['a leading _', '_leading/app', /start|begin|lead|must match|\[a-z0-9\]/i],
    ['a trailing -', 'trailing-/app', /end|trail|must match|\[a-z0-9\]/i],
    ['uppercase', 'team/UpperCase', /lower|upper|case|must match|\[a-z0-9\]/i],
    ['over 255 characters', `long/${'a'.repeat(260)}`, /255|long|length|characters/i],
  ];

  for (const [what, name, hint] of cases) {
    it.skipIf(legacy(`Distribution 2.8 answers a name with ${what} with a router 404 text/plain (or 500 when too long)`))(
      `should answer 400 NAME_INVALID saying what is wrong for a name with ${what}`,
      async () => {
        for (const [method, path] of [
          ['GET', `/v2/${name}/tags/list`],
          ['GET', `/v2/${name}/manifests/latest`],
          ['POST', `/v2/${name}/blobs/uploads/`],
        ] as const) {
          const res = await client.fetch(path, { method });
          expect(res.status, `${method} ${path}`).toBe(400);
          const errors = (await errorBody(res)).errors.filter((e) => e.code === 'NAME_INVALID');
          expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
          const text = errors.map((e) => `${e.message ?? ''} ${JSON.stringify(e.detail ?? '')}`).join(' ');
          expect(text).toMatch(hint);
        }
      },
    );
  }

  it('should accept names with separators, several components and 255 characters', async () => {
    for (const name of ['a.b_c__d--e/f-g', `x/${'b'.repeat(253)}`]) {
      const res = await client.fetch(`/v2/${name}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' } });
      expect(res.status, name).toBe(202);
      await res.arrayBuffer();
    }
  });
});

describe('reference validation', () => {
  it.skipIf(legacy('Distribution 2.8 answers references outside the tag grammar with a router 404 text/plain'))(
    'should answer 400 TAG_INVALID or 404 MANIFEST_UNKNOWN to a GET of an invalid tag',
    async () => {
      const repo = repoName('errors');
      await client.pushImage(repo, 'v1');
      for (const ref of ['-dash', '.dot', 'a'.repeat(129), 'bad!char']) {
        const res = await client.fetch(`/v2/${repo}/manifests/${ref}`);
        expect([400, 404], ref).toContain(res.status);
        expect(await errorCodes(res), ref).toContain(res.status === 400 ? 'TAG_INVALID' : 'MANIFEST_UNKNOWN');
      }
    },
  );

  it('should answer 404 (MANIFEST_UNKNOWN) to GET and HEAD of a reference that is neither a tag nor a digest', async () => {
    // The OCI conformance suite pulls `.INVALID_MANIFEST_NAME` and expects 404 (a router 404
    // without a JSON body, as Distribution sends, passes here too).
    const repo = repoName('errors');
    await client.pushImage(repo, 'v1');
    for (const ref of ['.INVALID_MANIFEST_NAME', '-dash', 'a'.repeat(129), 'bad!char']) {
      const get = await client.fetch(`/v2/${repo}/manifests/${ref}`);
      expect(get.status, ref).toBe(404);
      if (/^application\/json/.test(get.headers.get('content-type') ?? '')) expect(await errorCodes(get), ref).toContain('MANIFEST_UNKNOWN');
      else await get.arrayBuffer();
      const head = await client.fetch(`/v2/${repo}/manifests/${ref}`, { method: 'HEAD' });
      expect(head.status, ref).toBe(404);
      await head.arrayBuffer();
    }
  });

  it.skipIf(legacy('Distribution 2.8 answers 500 to a manifest GET by a malformed digest'))(
    'should answer 404 MANIFEST_UNKNOWN to GET and HEAD of a malformed digest',
    async () => {
      const repo = repoName('errors');
      await client.pushImage(repo, 'v1');
      for (const ref of ['sha256:zzz', 'sha256:', 'nope:123']) {
        const get = await client.fetch(`/v2/${repo}/manifests/${ref}`);
        expect(get.status, ref).toBe(404);
        expect(await errorCodes(get), ref).toContain('MANIFEST_UNKNOWN');
        const head = await client.fetch(`/v2/${repo}/manifests/${ref}`, { method: 'HEAD' });
        expect(head.status, ref).toBe(404);
        await head.arrayBuffer();
      }
    },
  );

  it.skipIf(legacy('Distribution 2.8 answers a PUT to an invalid tag with a router 404 text/plain'))(
    'should refuse a manifest PUT to an invalid tag with 400 TAG_INVALID',
    async () => {
      const repo = repoName('errors');
      const image = await client.pushImage(repo);
      for (const ref of ['-dash', 'a'.repeat(129)]) {
        const res = await client.putManifest(repo, ref, image.body, OCI_MANIFEST);
        expect(res.status, ref).toBe(400);
        expect(await errorCodes(res), ref).toContain('TAG_INVALID');
      }
    },
  );

  it.skipIf(legacy('Distribution 2.8 answers 500 to a manifest GET by a malformed digest'))(
    'should answer a 4xx JSON error to a manifest GET by a malformed digest',
    async () => {
      const repo = repoName('errors');
      await client.pushImage(repo, 'v1');
      const res = await client.fetch(`/v2/${repo}/manifests/sha256:zzz`);
      expect([400, 404]).toContain(res.status);
      expect((await errorCodes(res)).length).toBeGreaterThan(0);
    },
  );
});

describe('HEAD responses', () => {
  it('should send no body with HEAD responses, found or not', async () => {
    const repo = repoName('errors');
    const image = await client.pushImage(repo, 'v1');
    const digest = await client.uploadBlob(repo, random(500));
    for (const [path, status] of [
      [`/v2/${repo}/manifests/v1`, 200],
      [`/v2/${repo}/manifests/${image.digest}`, 200],
      [`/v2/${repo}/blobs/${digest}`, 200],
      [`/v2/${repo}/manifests/nope`, 404],
      [`/v2/${repo}/blobs/${unknownDigest()}`, 404],
    ] as const) {
      const res = await headBytesAfterHeaders(client.url(path), { accept: OCI_MANIFEST });
      expect(res.status, path).toBe(status);
      expect(res.extra.byteLength, path).toBe(0);
    }
  });
});
