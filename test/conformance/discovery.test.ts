// Content discovery: tags list (end-8a/8b), referrers (end-12a/12b) and the Docker catalog.
import { beforeAll, describe, expect, it } from 'vitest';
import { type Descriptor, OCI_INDEX, OCI_MANIFEST, descriptorOf, errorCodes, nextLink, repoName, unknownDigest } from './client.js';
import { legacy, useRegistry } from './harness.js';

const client = useRegistry();

interface TagList { name: string; tags: string[] | null }
interface Index { schemaVersion: number; mediaType?: string; manifests: Descriptor[] }

const TAGS = ['beta', 'Alpha', 'gamma', 'Delta', '1.0', '10', '2', 'alpha-2'];
const ascii = [...TAGS].sort();
const caseless = [...TAGS].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));

describe('tags list (end-8a, end-8b)', () => {
  const repo = repoName('tags');
  let order: string[] = [];

  beforeAll(async () => {
    const image = await client.pushImage(repo);
    for (const tag of TAGS) expect((await client.putManifest(repo, tag, image.body, OCI_MANIFEST)).status).toBe(201);
    // both orders are allowed (spec main); the paging tests follow whichever the registry uses
    const listed = ((await (await client.fetch(`/v2/${repo}/tags/list`)).json()) as TagList).tags;
    order = JSON.stringify(listed) === JSON.stringify(ascii) ? ascii : caseless;
  });

  it('should list all tags in lexical (or ASCII) order with the repository name', async () => {
    const res = await client.fetch(`/v2/${repo}/tags/list`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as TagList;
    expect(body.name).toBe(repo);
    expect([caseless, ascii]).toContainEqual(body.tags);
  });

  it('should return the first n tags with ?n=', async () => {
    const res = await client.fetch(`/v2/${repo}/tags/list?n=3`);
    expect(res.status).toBe(200);
    const { tags } = (await res.json()) as TagList;
    expect(tags).toEqual(order.slice(0, 3));
  });

  it('should continue after ?last= (with and without n)', async () => {
    const after = order[2] ?? '';
    const rest = (await (await client.fetch(`/v2/${repo}/tags/list?last=${encodeURIComponent(after)}`)).json()) as TagList;
    expect(rest.tags).toEqual(order.slice(3));
    const two = (await (await client.fetch(`/v2/${repo}/tags/list?n=2&last=${encodeURIComponent(after)}`)).json()) as TagList;
    expect(two.tags).toEqual(order.slice(3, 5));
  });

  it('should page with n through a Link rel="next" header until the list ends', async () => {
    const seen: string[] = [];
    let path: string | null = `/v2/${repo}/tags/list?n=3`;
    for (let pages = 0; path !== null; pages++) {
      expect(pages).toBeLessThan(10);
      const res = await client.fetch(path);
      expect(res.status).toBe(200);
      const { tags } = (await res.json()) as TagList;
      expect((tags ?? []).length).toBeLessThanOrEqual(3);
      seen.push(...(tags ?? []));
      path = nextLink(res);
      if (seen.length < order.length) expect(path, `Link after ${seen.length} tags`).not.toBeNull();
    }
    expect(seen).toEqual(order);
  });

  it('should answer n=0 with an empty list and no Link', async () => {
    const res = await client.fetch(`/v2/${repo}/tags/list?n=0`);
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toBeNull();
    expect(((await res.json()) as TagList).tags ?? []).toEqual([]);
  });

  it('should answer 404 NAME_UNKNOWN for a repository that does not exist', async () => {
    const res = await client.fetch(`/v2/${repoName('absent')}/tags/list`);
    expect(res.status).toBe(404);
    expect(await errorCodes(res)).toContain('NAME_UNKNOWN');
  });
});

describe.skipIf(legacy('Distribution 2.8 has no referrers API (distribution-spec 1.1)'))('referrers (end-12a, end-12b)', () => {
  const repo = repoName('referrers');
  const SBOM = 'application/vnd.example.sbom.v1';
  const SIG_CONFIG = 'application/vnd.example.signature.config.v1+json';
  let subject: Descriptor;
  const expected: Descriptor[] = [];

  beforeAll(async () => {
    subject = descriptorOf(await client.pushImage(repo, 'app'));
    const sbom = await client.pushImage(repo, undefined, { artifactType: SBOM, subject, annotations: { 'org.example.sbom.format': 'json' } });
    expected.push({ ...descriptorOf(sbom), artifactType: SBOM, annotations: { 'org.example.sbom.format': 'json' } });
    const sigConfig = await client.blob(repo, SIG_CONFIG, '{"sig":1}');
    const sigLayer = await client.blob(repo, 'application/vnd.example.signature.v1');
    const sig = await client.push(repo, undefined, {
      schemaVersion: 2, mediaType: OCI_MANIFEST, config: sigConfig, layers: [sigLayer], subject,
      annotations: { 'org.example.signature.fingerprint': 'abcd' },
    });
    expected.push({ ...descriptorOf(sig), artifactType: SIG_CONFIG, annotations: { 'org.example.signature.fingerprint': 'abcd' } });
    const index = await client.push(repo, undefined, {
      schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptorOf(sbom)], subject, annotations: { 'org.example.kind': 'bundle' },
    });
    expected.push({ ...descriptorOf(index), annotations: { 'org.example.kind': 'bundle' } });
    // same subject digest in another repository: not a referrer here
    await client.pushImage(repoName('referrers'), undefined, { artifactType: SBOM, subject });
  });

  const byDigest = (list: Descriptor[]) => [...list].sort((a, b) => (a.digest < b.digest ? -1 : 1));
  const pick = (d: Descriptor) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size, artifactType: d.artifactType, annotations: d.annotations });

  it('should list referrers as an OCI index of descriptors with artifactType and annotations', async () => {
    const res = await client.fetch(`/v2/${repo}/referrers/${subject.digest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OCI_INDEX);
    const index = (await res.json()) as Index;
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(byDigest(index.manifests).map(pick)).toEqual(byDigest(expected).map(pick));
    expect(index.manifests.find((d) => d.mediaType === OCI_INDEX)).not.toHaveProperty('artifactType');
  });

  it('should filter on artifactType and say so with OCI-Filters-Applied', async () => {
    const res = await client.fetch(`/v2/${repo}/referrers/${subject.digest}?artifactType=${encodeURIComponent(SBOM)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('oci-filters-applied')).toBe('artifactType');
    const index = (await res.json()) as Index;
    expect(index.manifests.map(pick)).toEqual(expected.filter((d) => d.artifactType === SBOM).map(pick));
    const none = await client.fetch(`/v2/${repo}/referrers/${subject.digest}?artifactType=application%2Fvnd.example.none`);
    expect(none.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await none.json()) as Index).manifests).toEqual([]);
  });

  it('should answer 200 with an empty index for a digest nothing refers to', async () => {
    for (const path of [`/v2/${repo}/referrers/${unknownDigest()}`, `/v2/${repoName('absent')}/referrers/${unknownDigest()}`]) {
      const res = await client.fetch(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe(OCI_INDEX);
      const index = (await res.json()) as Index;
      expect(index).toMatchObject({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    }
  });

  it('should answer 400 to an invalid digest', async () => {
    const res = await client.fetch(`/v2/${repo}/referrers/sha256:not-a-digest`);
    expect(res.status).toBe(400);
    await res.arrayBuffer();
  });

  it('should list a referrer pushed before its subject', async () => {
    const r = repoName('referrers');
    const future = await client.pushImage(repoName('elsewhere'));
    const early = await client.pushImage(r, undefined, { artifactType: SBOM, subject: descriptorOf(future) });
    const res = await client.fetch(`/v2/${r}/referrers/${future.digest}`);
    expect(((await res.json()) as Index).manifests.map((d) => d.digest)).toEqual([early.digest]);
  });
});

describe('catalog (GET /v2/_catalog)', () => {
  const prefix = `catalog-${Math.random().toString(36).slice(2, 10)}`;
  const repos = [`${prefix}/r1`, `${prefix}/r2`, `${prefix}/r3`];

  beforeAll(async () => {
    for (const repo of repos) await client.pushImage(repo, 'v1');
  });

  it('should list repositories, sorted, across pages of n linked with rel="next"', async () => {
    const seen: string[] = [];
    let path: string | null = '/v2/_catalog?n=2';
    for (let pages = 0; path !== null && pages < 10_000; pages++) {
      const res = await client.fetch(path);
      expect(res.status).toBe(200);
      const { repositories } = (await res.json()) as { repositories: string[] };
      expect(repositories.length).toBeLessThanOrEqual(2);
      seen.push(...repositories);
      path = nextLink(res);
    }
    expect(seen).toEqual([...new Set(seen)].sort());
    for (const repo of repos) expect(seen).toContain(repo);
  });

  it('should continue after ?last= and link to the next page', async () => {
    const res = await client.fetch(`/v2/_catalog?n=1&last=${encodeURIComponent(repos[0] ?? '')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { repositories: string[] }).repositories).toEqual([repos[1]]);
    const next = nextLink(res);
    expect(next).not.toBeNull();
    const page = (await (await client.fetch(next ?? '')).json()) as { repositories: string[] };
    expect(page.repositories).toEqual([repos[2]]);
  });
});
