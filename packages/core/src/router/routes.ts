/**
 * The route table of the distribution API. Route names, patterns and methods are data read by
 * the router, the access mapper (router/access.ts) and the docs; handlers are looked up by name.
 * @module
 */

export type RouteName =
  | 'base'
  | 'catalog'
  | 'tags'
  | 'manifest'
  | 'blob-upload-start'
  | 'blob-upload'
  | 'blob'
  | 'referrers';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly name: RouteName;
  /** Matched against the raw (not percent-decoded) path. Named groups become params. */
  readonly pattern: RegExp;
  readonly methods: readonly Method[];
  /** Spec endpoint ids (distribution spec, "Endpoints"). */
  readonly endpoints: readonly string[];
}

/** Order matters: upload routes before the blob route, whose `<name>` could swallow them. */
export const ROUTES: readonly RouteSpec[] = [
  { name: 'base', pattern: /^\/v2\/?$/, methods: ['GET', 'HEAD'], endpoints: ['end-1'] },
  { name: 'catalog', pattern: /^\/v2\/_catalog\/?$/, methods: ['GET'], endpoints: [] },
  { name: 'tags', pattern: /^\/v2\/(?<name>.+)\/tags\/list\/?$/, methods: ['GET'], endpoints: ['end-8a', 'end-8b'] },
  {
    name: 'manifest',
    pattern: /^\/v2\/(?<name>.+)\/manifests\/(?<reference>[^/]+)$/,
    methods: ['GET', 'HEAD', 'PUT', 'DELETE'],
    endpoints: ['end-3', 'end-7', 'end-9'],
  },
  { name: 'blob-upload-start', pattern: /^\/v2\/(?<name>.+)\/blobs\/uploads\/?$/, methods: ['POST'], endpoints: ['end-4a', 'end-4b', 'end-11'] },
  {
    name: 'blob-upload',
    pattern: /^\/v2\/(?<name>.+)\/blobs\/uploads\/(?<uuid>[^/]+)$/,
    methods: ['GET', 'PATCH', 'PUT', 'DELETE'],
    endpoints: ['end-5', 'end-6', 'end-13'],
  },
  { name: 'blob', pattern: /^\/v2\/(?<name>.+)\/blobs\/(?<digest>[^/]+)$/, methods: ['GET', 'HEAD', 'DELETE'], endpoints: ['end-2', 'end-10'] },
  { name: 'referrers', pattern: /^\/v2\/(?<name>.+)\/referrers\/(?<digest>[^/]+)$/, methods: ['GET'], endpoints: ['end-12a', 'end-12b'] },
];

export interface RouteMatch {
  readonly route: RouteSpec;
  readonly params: Readonly<Record<string, string>>;
}

/** Find the route for a path, or `null`. */
export function matchRoute(path: string): RouteMatch | null {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: { ...m.groups } };
  }
  return null;
}
