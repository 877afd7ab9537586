/**
 * Wharf's hook events as Distribution's notification events (the JSON a `registry:2` endpoint
 * receives), so existing receivers understand them.
 *
 * One hook event becomes one envelope event, except a manifest pushed or pulled under several
 * tags (`PUT …?tag=a&tag=b`), which becomes one event per tag, as Distribution reports one tag
 * per push. Standard actions keep Distribution's shapes exactly:
 *
 * | hook | action | target |
 * |---|---|---|
 * | `onPush`/`onPull`, manifest | `push`/`pull` | mediaType, size, length, digest, repository, url, tag |
 * | `onPush`/`onPull`, blob | `push`/`pull` | mediaType `application/octet-stream`, size, length, digest, repository, url |
 * | `onMount` | `mount` | as a blob push, plus `fromRepository` (absent when found in the store) |
 * | `onDelete` manifest, blob | `delete` | digest, repository |
 * | `onDelete` tag | `delete` | repository, tag |
 * | `onDelete` repository | `delete` | repository |
 *
 * Wharf's own actions, which Distribution does not have:
 *
 * | hook | action | target | extra |
 * |---|---|---|---|
 * | `onRename` | `rename` | repository (old name), `toRepository` (new name) | |
 * | `onCleanupRun` | `cleanup` | repository: the policy's project (a path prefix) | `run` |
 * | `onGcRun` | `gc` | (empty) | `run` |
 *
 * `run` is `{ id, status, dryRun, startedAt, finishedAt, deleted: { tags?, manifests?, blobs?,
 * bytes? }, failed, errors }`. `url` needs {@link EnvelopeOptions.registryUrl}. `actor.name` is
 * the principal's `subject` (or `name`, `username`, or the principal itself when a string);
 * anonymous callers have an empty actor. `request` is `{ id, method, host, useragent }` for
 * events an HTTP request caused (`id` is made up per request: a request's events share it;
 * `addr`, the client address, is not known to core), empty for runs and for calls of the host's
 * own code. `source.instanceID` changes with
 * every sink (every process start), as in Distribution.
 * @module
 */
import { ulid } from 'ulid';
import type { EventHook, EventOf } from './emit.js';
import type { EventRequest, RunDeletions, RunEvent } from '../hooks.js';

/**
 * The envelope's media type, sent as `Content-Type`. Distribution 2.x sends this one;
 * Distribution 3 moved to `…events.v2+json` for the same shape.
 */
export const EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** Media type given to blobs, whose type the registry does not know. */
export const BLOB_MEDIA_TYPE = 'application/octet-stream';

/** Every action an envelope event can have. */
export const ENVELOPE_ACTIONS = ['push', 'pull', 'delete', 'mount', 'rename', 'cleanup', 'gc'] as const;
export type EnvelopeAction = (typeof ENVELOPE_ACTIONS)[number];

/** What the event is about. Absent fields are left out of the JSON. */
export interface EnvelopeTarget {
  readonly mediaType?: string;
  readonly size?: number;
  readonly digest?: string;
  /** The same as `size`, for older receivers. */
  readonly length?: number;
  readonly repository?: string;
  /** `mount`: where the blob came from. */
  readonly fromRepository?: string;
  /** `rename` (Wharf): the new name. */
  readonly toRepository?: string;
  readonly url?: string;
  readonly tag?: string;
}

/** The HTTP request behind an event, when known. */
export interface EnvelopeRequest {
  readonly id?: string;
  readonly addr?: string;
  readonly host?: string;
  readonly method?: string;
  readonly useragent?: string;
}

export interface EnvelopeActor {
  readonly name?: string;
}

/** The registry node that generated the event. */
export interface EnvelopeSource {
  /** Host name and port of the node. */
  readonly addr?: string;
  /** Identifies a running instance; changes on every start. */
  readonly instanceID?: string;
}

/** `cleanup` and `gc` (Wharf): what the run did. */
export interface EnvelopeRun {
  readonly id: string;
  readonly status: RunEvent['status'];
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly deleted: RunDeletions;
  readonly failed: number;
  readonly errors: readonly string[];
}

export interface EnvelopeEvent {
  /** Unique; receivers deduplicate on it (delivery is at least once). */
  readonly id: string;
  /** RFC 3339, when the event happened. */
  readonly timestamp: string;
  readonly action: EnvelopeAction;
  readonly target: EnvelopeTarget;
  readonly request: EnvelopeRequest;
  readonly actor: EnvelopeActor;
  readonly source: EnvelopeSource;
  readonly run?: EnvelopeRun;
}

/** The body of a notification request. */
export interface Envelope {
  readonly events: readonly EnvelopeEvent[];
}

export interface EnvelopeOptions {
  /**
   * The URL clients reach the registry at (e.g. `https://registry.example.com`); when set,
   * push, pull and mount targets get a `url` to the manifest or blob.
   */
  readonly registryUrl?: string;
  /** `source` of every event. */
  readonly source?: EnvelopeSource;
  /** Makes event ids (default: a ULID). */
  readonly newId?: () => string;
}

/** A hook name with its event, as a tagged union. */
export type HookEvent = { [K in EventHook]: { readonly hook: K; readonly event: EventOf<K> } }[EventHook];

/**
 * Convert one hook event to envelope events.
 * @example
 * toEnvelopeEvents({ hook: 'onDelete', event: { kind: 'tag', repository: 'team/app', tag: 'v1', timestamp: new Date() } });
 * // → [{ id, timestamp, action: 'delete', target: { repository: 'team/app', tag: 'v1' }, request: {}, actor: {}, source: {} }]
 */
export function toEnvelopeEvents(input: HookEvent, options: EnvelopeOptions = {}): EnvelopeEvent[] {
  const newId = options.newId ?? (() => ulid());
  const source = { ...options.source };
  const base = (
    action: EnvelopeAction,
    e: { timestamp: Date; principal?: unknown; request?: EventRequest },
    target: EnvelopeTarget,
  ): EnvelopeEvent => ({
    id: newId(),
    timestamp: e.timestamp.toISOString(),
    action,
    target: compact(target),
    request: e.request ? { ...e.request } : {},
    actor: actorOf(e.principal),
    source,
  });
  const url = (repository: string, kind: 'manifests' | 'blobs', digest: string) =>
    options.registryUrl ? `${options.registryUrl.replace(/\/+$/, '')}/v2/${repository}/${kind}/${digest}` : undefined;

  switch (input.hook) {
    case 'onPush':
    case 'onPull': {
      const e = input.event;
      const action = input.hook === 'onPush' ? 'push' : 'pull';
      if (e.kind === 'blob') {
        return [base(action, e, blobTarget(e.repository, e.digest, e.size, url(e.repository, 'blobs', e.digest)))];
      }
      const target: EnvelopeTarget = {
        mediaType: e.mediaType,
        size: e.size,
        digest: e.digest,
        length: e.size,
        repository: e.repository,
        url: url(e.repository, 'manifests', e.digest),
      };
      const tags = e.tags.length > 0 ? e.tags : [undefined];
      return tags.map((tag) => base(action, e, { ...target, tag }));
    }
    case 'onMount': {
      const e = input.event;
      const target = blobTarget(e.repository, e.digest, e.size, url(e.repository, 'blobs', e.digest));
      return [base('mount', e, { ...target, fromRepository: e.from ?? undefined })];
    }
    case 'onDelete': {
      const e = input.event;
      switch (e.kind) {
        case 'tag':
          return [base('delete', e, { repository: e.repository, tag: e.tag })];
        case 'repository':
          return [base('delete', e, { repository: e.repository })];
        default:
          return [base('delete', e, { digest: e.digest, repository: e.repository })];
      }
    }
    case 'onRename': {
      const e = input.event;
      return [base('rename', e, { repository: e.repository, toRepository: e.to })];
    }
    case 'onCleanupRun': {
      const e = input.event;
      return [{ ...base('cleanup', e, { repository: e.project }), run: runOf(e) }];
    }
    case 'onGcRun': {
      const e = input.event;
      return [{ ...base('gc', e, {}), run: runOf(e) }];
    }
    default: {
      const never: never = input;
      throw new Error(`unknown hook ${JSON.stringify(never)}`);
    }
  }
}

function blobTarget(repository: string, digest: string, size: number, url: string | undefined): EnvelopeTarget {
  return { mediaType: BLOB_MEDIA_TYPE, size, digest, length: size, repository, url };
}

function runOf(e: RunEvent): EnvelopeRun {
  return {
    id: e.runId,
    status: e.status,
    dryRun: e.dryRun,
    startedAt: e.startedAt.toISOString(),
    finishedAt: e.timestamp.toISOString(),
    deleted: { ...e.deleted },
    failed: e.failed,
    errors: [...e.errors],
  };
}

/** `actor.name` from a principal: a string, or an object's `subject`, `name` or `username`. */
export function actorOf(principal: unknown): EnvelopeActor {
  if (typeof principal === 'string') return principal ? { name: principal } : {};
  if (principal && typeof principal === 'object') {
    const p = principal as Record<string, unknown>;
    for (const key of ['subject', 'name', 'username']) {
      const value = p[key];
      if (typeof value === 'string' && value !== '') return { name: value };
    }
  }
  return {};
}

/** Leaves out undefined fields, so they are absent from the JSON and from `toEqual`. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
