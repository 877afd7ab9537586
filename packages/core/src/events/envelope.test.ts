import { describe, expect, it } from 'vitest';
import { actorOf, BLOB_MEDIA_TYPE, toEnvelopeEvents, type EnvelopeOptions, type HookEvent } from './envelope.js';

const timestamp = new Date('2026-01-02T03:04:05.678Z');
const startedAt = new Date('2026-01-02T03:00:00.000Z');
const digest = `sha256:${'ab'.repeat(32)}`;
const manifestType = 'application/vnd.oci.image.manifest.v1+json';
let n = 0;
const options: EnvelopeOptions = {
  registryUrl: 'https://registry.example.com/',
  source: { addr: 'node-1:5000', instanceID: 'I1' },
  newId: () => `E${++n}`,
};
const common = { request: {}, source: { addr: 'node-1:5000', instanceID: 'I1' }, timestamp: timestamp.toISOString() };
const alice = { subject: 'alice', token: { secret: 'never in the envelope' } };

function convert(input: HookEvent) {
  n = 0;
  return toEnvelopeEvents(input, options);
}

describe('toEnvelopeEvents', () => {
  it('should describe a manifest push like Distribution, one event per tag', () => {
    const events = convert({
      hook: 'onPush',
      event: {
        kind: 'manifest',
        repository: 'team/app',
        digest,
        mediaType: manifestType,
        size: 708,
        tags: ['1.0', 'latest'],
        principal: alice,
        timestamp,
      },
    });
    const target = {
      mediaType: manifestType,
      size: 708,
      length: 708,
      digest,
      repository: 'team/app',
      url: `https://registry.example.com/v2/team/app/manifests/${digest}`,
    };
    expect(events).toEqual([
      { id: 'E1', action: 'push', target: { ...target, tag: '1.0' }, actor: { name: 'alice' }, ...common },
      { id: 'E2', action: 'push', target: { ...target, tag: 'latest' }, actor: { name: 'alice' }, ...common },
    ]);
    expect(JSON.stringify(events)).not.toContain('never in the envelope');
  });

  it('should describe a push by digest without a tag', () => {
    const [event, ...rest] = convert({
      hook: 'onPush',
      event: { kind: 'manifest', repository: 'team/app', digest, mediaType: manifestType, size: 708, tags: [], timestamp },
    });
    expect(rest).toEqual([]);
    expect(event?.target).not.toHaveProperty('tag');
    expect(event?.actor).toEqual({});
  });

  it('should describe blob pushes and pulls with the octet-stream media type', () => {
    const blob = { kind: 'blob' as const, repository: 'team/app', digest, size: 3, timestamp };
    const target = {
      mediaType: BLOB_MEDIA_TYPE,
      size: 3,
      length: 3,
      digest,
      repository: 'team/app',
      url: `https://registry.example.com/v2/team/app/blobs/${digest}`,
    };
    expect(convert({ hook: 'onPush', event: blob })).toEqual([{ id: 'E1', action: 'push', target, actor: {}, ...common }]);
    expect(convert({ hook: 'onPull', event: blob })).toEqual([{ id: 'E1', action: 'pull', target, actor: {}, ...common }]);
  });

  it('should describe a manifest pull by tag', () => {
    const [event] = convert({
      hook: 'onPull',
      event: {
        kind: 'manifest',
        repository: 'team/app',
        digest,
        mediaType: manifestType,
        size: 708,
        tags: ['latest'],
        principal: 'bob',
        timestamp,
      },
    });
    expect(event).toMatchObject({ action: 'pull', target: { tag: 'latest', digest }, actor: { name: 'bob' } });
  });

  it('should describe a mount with the repository it came from, or none', () => {
    const [from] = convert({ hook: 'onMount', event: { repository: 'team/app', from: 'team/base', digest, size: 3, timestamp } });
    expect(from).toMatchObject({
      action: 'mount',
      target: { repository: 'team/app', fromRepository: 'team/base', digest, size: 3, mediaType: BLOB_MEDIA_TYPE },
    });
    const [store] = convert({ hook: 'onMount', event: { repository: 'team/app', from: null, digest, size: 3, timestamp } });
    expect(store?.target).not.toHaveProperty('fromRepository');
  });

  it("should describe deletes with Distribution's reduced targets", () => {
    const del = (event: Extract<HookEvent, { hook: 'onDelete' }>['event']) => convert({ hook: 'onDelete', event })[0];
    expect(del({ kind: 'manifest', repository: 'team/app', digest, timestamp })).toEqual({
      id: 'E1',
      action: 'delete',
      target: { digest, repository: 'team/app' },
      actor: {},
      ...common,
    });
    expect(del({ kind: 'blob', repository: 'team/app', digest, timestamp })?.target).toEqual({ digest, repository: 'team/app' });
    expect(del({ kind: 'tag', repository: 'team/app', tag: 'v1', timestamp })?.target).toEqual({ repository: 'team/app', tag: 'v1' });
    expect(del({ kind: 'repository', repository: 'team/app', principal: alice, timestamp })).toEqual({
      id: 'E1',
      action: 'delete',
      target: { repository: 'team/app' },
      actor: { name: 'alice' },
      ...common,
    });
  });

  it('should describe a rename with the old and the new name', () => {
    expect(convert({ hook: 'onRename', event: { repository: 'team/old', to: 'team/new', files: 12, timestamp } })).toEqual([
      { id: 'E1', action: 'rename', target: { repository: 'team/old', toRepository: 'team/new' }, actor: {}, ...common },
    ]);
  });

  it('should describe a cleanup run with its project and what it did', () => {
    const [event] = convert({
      hook: 'onCleanupRun',
      event: {
        project: 'team/app',
        runId: 'R1',
        startedAt,
        timestamp,
        dryRun: false,
        status: 'unfinished',
        deleted: { tags: 4 },
        failed: 1,
        errors: ['tag x: storage unavailable'],
      },
    });
    expect(event).toEqual({
      id: 'E1',
      action: 'cleanup',
      target: { repository: 'team/app' },
      actor: {},
      ...common,
      run: {
        id: 'R1',
        status: 'unfinished',
        dryRun: false,
        startedAt: startedAt.toISOString(),
        finishedAt: timestamp.toISOString(),
        deleted: { tags: 4 },
        failed: 1,
        errors: ['tag x: storage unavailable'],
      },
    });
  });

  it('should describe a garbage collection with counts and bytes and no repository', () => {
    const [event] = convert({
      hook: 'onGcRun',
      event: {
        runId: 'G1',
        startedAt,
        timestamp,
        dryRun: true,
        status: 'finished',
        deleted: { blobs: 3, manifests: 1, bytes: 4096 },
        failed: 0,
        errors: [],
      },
    });
    expect(event).toMatchObject({
      action: 'gc',
      target: {},
      run: { id: 'G1', dryRun: true, deleted: { blobs: 3, manifests: 1, bytes: 4096 } },
    });
  });

  it('should carry the request record of events an HTTP request caused', () => {
    const request = { id: 'R1', method: 'PUT', host: 'registry.example.com', useragent: 'docker/27.0' };
    const [event] = convert({ hook: 'onDelete', event: { kind: 'tag', repository: 'team/app', tag: 'v1', request, timestamp } });
    expect(event?.request).toEqual(request);
  });

  it('should leave url out without a registry URL, and make fresh ids by default', () => {
    const event = { kind: 'blob' as const, repository: 'team/app', digest, size: 3, timestamp };
    const [a] = toEnvelopeEvents({ hook: 'onPush', event });
    const [b] = toEnvelopeEvents({ hook: 'onPush', event });
    expect(a?.target).not.toHaveProperty('url');
    expect(a?.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(a?.id).not.toBe(b?.id);
    expect(a?.source).toEqual({});
  });

  it('should name the actor from the usual principal shapes only', () => {
    expect(actorOf({ subject: 'alice' })).toEqual({ name: 'alice' });
    expect(actorOf({ subject: '', anonymous: true })).toEqual({});
    expect(actorOf({ username: 'carol' })).toEqual({ name: 'carol' });
    expect(actorOf('dave')).toEqual({ name: 'dave' });
    expect(actorOf(undefined)).toEqual({});
    expect(actorOf(42)).toEqual({});
  });
});
