/** Blob routes: GET, HEAD, DELETE `/v2/<name>/blobs/<digest>` (end-2, end-10). @module */
import { RegistryError } from '../../errors/registry-error.js';
import type { Handler } from '../context.js';
import { digestParam, empty, parseRange } from '../http.js';

export const blobHandlers: Partial<Record<string, Handler>> = {
  async GET(ctx) {
    return serveBlob(ctx, false);
  },
  async HEAD(ctx) {
    return serveBlob(ctx, true);
  },
  async DELETE({ api, name, params, call }) {
    const digest = digestParam(params.digest);
    await api.deleteBlob(name, digest, call);
    return empty(202, { 'Docker-Content-Digest': digest.value });
  },
};

async function serveBlob(ctx: Parameters<Handler>[0], head: boolean): Promise<Response> {
  const { api, name, params, request, call } = ctx;
  const digest = digestParam(params.digest);
  // A GET streams the blob next, which fails by itself if it is gone: a known size will do.
  const info = head ? await api.statBlob(name, digest) : await api.statBlobForRead(name, digest);
  const headers: Record<string, string> = {
    'Docker-Content-Digest': digest.value,
    ETag: `"${digest.value}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
    'Content-Type': 'application/octet-stream',
  };
  if (ctx.redirects) {
    const url = await api.blobs.redirectURL(digest, head ? 'HEAD' : 'GET');
    if (url) return empty(307, { ...headers, Location: url });
  }
  const range = parseRange(request.headers.get('range'), info.size);
  if (range === 'unsatisfiable') {
    throw new RegistryError('RANGE_INVALID', `range ${request.headers.get('range')} is outside the blob's ${info.size} bytes`, {
      headers: { 'Content-Range': `bytes */${info.size}` },
    });
  }
  if (request.headers.get('if-none-match') === headers.ETag && !range) {
    return empty(304, headers);
  }
  if (head) {
    return new Response(null, { status: 200, headers: { ...headers, 'Content-Length': String(info.size) } });
  }
  const body = await api.openBlob(name, digest, range, call, info);
  if (range) {
    return new Response(body, {
      status: 206,
      headers: { ...headers, 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${info.size}` },
    });
  }
  return new Response(body, { status: 200, headers: { ...headers, 'Content-Length': String(info.size) } });
}
