/**
 * Content discovery: tags list (end-8a/b), catalog, referrers (end-12a/b), and the base
 * endpoint (end-1).
 * @module
 */
import { MEDIA_TYPES } from '../../manifests/media-types.js';
import type { Handler } from '../context.js';
import { digestParam, empty, json, nextLink, parsePagination } from '../http.js';

export const baseHandlers: Partial<Record<string, Handler>> = {
  async GET() {
    return json({});
  },
  async HEAD() {
    return empty(200, { 'Content-Type': 'application/json; charset=utf-8' });
  },
};

export const tagsHandlers: Partial<Record<string, Handler>> = {
  async GET({ api, name, url, limits }) {
    const { n, last } = parsePagination(url, limits.maxPageSize);
    const { tags, more } = await api.listTags(name, n, last);
    const headers: Record<string, string> = {};
    const lastTag = tags.at(-1);
    if (more && n !== undefined && lastTag !== undefined) headers.Link = nextLink(url.pathname, n, lastTag);
    return json({ name, tags }, headers);
  },
};

export const catalogHandlers: Partial<Record<string, Handler>> = {
  async GET({ api, url, limits }) {
    const { n, last } = parsePagination(url, limits.maxPageSize);
    const { repositories, more } = await api.catalog(n, last);
    const headers: Record<string, string> = {};
    const lastRepo = repositories.at(-1);
    if (more && n !== undefined && lastRepo !== undefined) headers.Link = nextLink(url.pathname, n, lastRepo);
    return json({ repositories }, headers);
  },
};

export const referrersHandlers: Partial<Record<string, Handler>> = {
  async GET({ api, name, params, url }) {
    const digest = digestParam(params.digest);
    const artifactType = url.searchParams.get('artifactType') ?? undefined;
    const manifests = await api.referrers(name, digest, artifactType);
    const headers: Record<string, string> = { 'Content-Type': MEDIA_TYPES.ociIndex };
    if (artifactType !== undefined) headers['OCI-Filters-Applied'] = 'artifactType';
    return json({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }, headers);
  },
};
