/**
 * Upload routes: POST `/v2/<name>/blobs/uploads/` (start, single-POST monolithic, mount:
 * end-4a, end-4b, end-11) and GET/PATCH/PUT/DELETE on the session (end-5, end-6, end-13).
 * @module
 */
import { isDigestAlgorithm, tryParseDigest } from '../../digest.js';
import { RegistryError } from '../../errors/registry-error.js';
import { assertValidName } from '../../names.js';
import { drain } from '../../streams.js';
import { covers } from '../../auth/scope.js';
import type { Handler, HandlerContext } from '../context.js';
import { digestParam, empty, parseContentRange } from '../http.js';
import { uploadRange } from '../../errors/http-headers.js';

const blobLocation = (name: string, digest: string) => `/v2/${name}/blobs/${digest}`;
const uploadLocation = (name: string, id: string) => `/v2/${name}/blobs/uploads/${id}`;

function sessionHeaders(name: string, id: string, size: number): Record<string, string> {
  return {
    Location: uploadLocation(name, id),
    Range: uploadRange(size),
    'Docker-Upload-UUID': id,
  };
}

function created(name: string, digest: string): Response {
  return empty(201, { Location: blobLocation(name, digest), 'Docker-Content-Digest': digest });
}

export const uploadStartHandlers: Partial<Record<string, Handler>> = {
  async POST(ctx) {
    const { api, name, url, request, call } = ctx;
    const q = url.searchParams;
    const mount = q.get('mount');
    if (mount !== null) {
      const mounted = await tryMount(ctx, mount, q.get('from'));
      if (mounted) return mounted;
    }
    const digest = q.get('digest');
    if (digest !== null && mount === null) {
      const info = await api.putBlob(name, digestParam(digest), request.body, call);
      return created(name, info.digest);
    }
    const algorithm = q.get('digest-algorithm');
    if (algorithm !== null && !isDigestAlgorithm(algorithm)) {
      await drain(request.body);
      throw new RegistryError('DIGEST_INVALID', `unsupported digest algorithm ${JSON.stringify(algorithm.slice(0, 40))}: use sha256 or sha512`);
    }
    await drain(request.body);
    const state = await api.startUpload(name, algorithm ?? undefined);
    return empty(202, sessionHeaders(name, state.id, 0));
  },
};

/**
 * Mount a blob when the caller may read it where it is. A mount that cannot happen is not an
 * error: the client gets an upload session (202) and pushes the bytes.
 */
async function tryMount(ctx: HandlerContext, mount: string, from: string | null): Promise<Response | null> {
  const digest = tryParseDigest(mount);
  if (!digest) throw new RegistryError('DIGEST_INVALID', `invalid mount digest ${JSON.stringify(mount.slice(0, 200))}`);
  if (from !== null) {
    assertValidName(from);
    if (!covers(ctx.granted, { type: 'repository', name: from, actions: ['pull'] })) return null;
  } else if (!ctx.open) {
    // Without `from`, only an open registry can know the caller may read the blob.
    return null;
  }
  const info = await ctx.api.mountBlob(ctx.name, digest, from, ctx.call);
  if (!info) return null;
  await drain(ctx.request.body);
  return created(ctx.name, info.digest);
}

export const uploadHandlers: Partial<Record<string, Handler>> = {
  async GET({ api, name, params }) {
    const id = params.uuid ?? '';
    const size = await api.uploadOffset(name, id);
    return empty(204, sessionHeaders(name, id, size));
  },
  async PATCH({ api, name, params, request }) {
    const id = params.uuid ?? '';
    const range = parseContentRange(request.headers.get('content-range'), request.headers.get('content-length'));
    const size = await withSessionHeaders(name, id, () => api.appendUpload(name, id, request.body, range));
    return empty(202, sessionHeaders(name, id, size));
  },
  async PUT({ api, name, params, request, url, call }) {
    const id = params.uuid ?? '';
    const digest = url.searchParams.get('digest');
    if (digest === null) {
      await api.uploads.state(name, id);
      throw new RegistryError('DIGEST_INVALID', 'the closing PUT of an upload needs ?digest=<digest of the whole blob>');
    }
    const range = parseContentRange(request.headers.get('content-range'), request.headers.get('content-length'));
    const expected = digestParam(digest);
    const info = await withSessionHeaders(name, id, () => api.completeUpload(name, id, expected, request.body, range, call));
    return created(name, info.digest);
  },
  async DELETE({ api, name, params }) {
    await api.cancelUpload(name, params.uuid ?? '');
    return empty(204);
  },
};

/** A misplaced chunk leaves the session usable: tell the client where it is (416 + Location). */
async function withSessionHeaders<T>(name: string, id: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'RANGE_INVALID') {
      Object.assign(error.extraHeaders, { Location: uploadLocation(name, id), 'Docker-Upload-UUID': id });
    }
    throw error;
  }
}
