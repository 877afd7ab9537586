/**
 * Helpers for this package's tests: a registry in memory with a settable clock, images pushed
 * through its distribution API, and the registry page mounted in a host at `/registry`.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { createRegistry, everythingVisible, MEDIA_TYPES, MemoryStorage, type Registry, type TagProtection, type VisibilityFilter } from '@wharf/core';
import type { RegistryUiOptions, UiUser } from './options.js';
import { createRegistryUi } from './create-registry-ui.js';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface Testbed {
  /** The host app: the registry page at `/registry`. */
  readonly host: Hono;
  /** The registry behind the page (to check through its API what a change did). */
  readonly registry: Registry;
  /** Set the registry's clock. */
  at(iso: string): void;
  /** Push a small image (config and one layer of `layerBytes`) as `name:tag`. */
  push(name: string, tag: string, layerBytes?: number): Promise<{ digest: string }>;
  /** GET a page of the host; fails the test on anything but `status`. */
  page(path: string, status?: number): Promise<string>;
  /**
   * POST a form as the page's own (same-origin) form would, with the CSRF cookie and field
   * of a page first fetched from `from` (default: the mount point) unless `form._csrf` is given.
   */
  post(
    path: string,
    form: Record<string, string | string[]>,
    options?: { from?: string; headers?: Record<string, string> },
  ): Promise<Response>;
}

export interface TestbedOptions {
  readonly visible?: VisibilityFilter;
  readonly user?: string | null;
  readonly publicHost?: string;
  /** More of the user (`deletable`, `csrfToken`, `principal`). */
  readonly userExtra?: Partial<UiUser>;
  /** More options of the page (`namespaces`, `account`, `pageSize`). */
  readonly ui?: Partial<RegistryUiOptions>;
  /** The registry's tag protection. */
  readonly tagProtection?: TagProtection;
}

export function testbed(options: TestbedOptions = {}): Testbed {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const registry = createRegistry({
    storage: new MemoryStorage(),
    now: () => new Date(now),
    ...(options.tagProtection ? { tagProtection: options.tagProtection } : {}),
  });
  const ui = createRegistryUi({
    management: registry.management,
    currentUser: () => ({
      name: options.user === undefined ? 'alice' : options.user,
      visible: options.visible ?? everythingVisible,
      ...options.userExtra,
    }),
    ...(options.publicHost ? { publicHost: options.publicHost } : {}),
    ...options.ui,
  });
  const host = new Hono();
  host.route('/registry', ui);

  const blob = async (name: string, content: Uint8Array<ArrayBuffer>) => {
    const digest = sha256(content);
    const r = await registry.app.request(`/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: content });
    if (r.status !== 201) throw new Error(`push blob: ${r.status} ${await r.text()}`);
    return { digest, size: content.byteLength };
  };
  const cookieOf = (r: Response) =>
    r.headers
      .getSetCookie()
      .map((c) => c.split(';', 1)[0])
      .join('; ');
  return {
    host,
    registry,
    at: (iso) => {
      now = Date.parse(iso);
    },
    async push(name, tag, layerBytes = 1000) {
      const config = await blob(name, new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', tag, name })));
      const layer = await blob(name, new TextEncoder().encode(`${name}:${tag}:`.padEnd(layerBytes, '.')));
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
      });
      const r = await registry.app.request(`/v2/${name}/manifests/${tag}`, {
        method: 'PUT',
        body,
        headers: { 'Content-Type': MEDIA_TYPES.ociManifest },
      });
      if (r.status !== 201) throw new Error(`push manifest: ${r.status} ${await r.text()}`);
      return { digest: sha256(new TextEncoder().encode(body)) };
    },
    async page(path, status = 200) {
      const r = await host.request(path);
      const text = await r.text();
      if (r.status !== status) throw new Error(`GET ${path}: ${r.status}, expected ${status}\n${text}`);
      return text;
    },
    async post(path, form, opts = {}) {
      const body = new URLSearchParams();
      let cookie = '';
      if (form._csrf === undefined) {
        const first = await host.request(opts.from ?? '/registry/');
        cookie = cookieOf(first);
        const token = /<meta name="csrf-token" content="([^"]+)"/.exec(await first.text())?.[1];
        if (token) body.append('_csrf', token);
      }
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      return host.request(`http://localhost${path}`, {
        method: 'POST',
        body,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: 'http://localhost',
          ...(cookie ? { Cookie: cookie } : {}),
          ...opts.headers,
        },
      });
    },
  };
}

/** The repository names a list page links to, in order. */
export const repositoryLinks = (html: string): string[] =>
  [...html.matchAll(/<a href="\/registry\/repositories\/([^"]+)">/g)].map((m) => m[1] as string);

/** The tag names of a repository page's table, in order. */
export const tagNames = (html: string): string[] => [...html.matchAll(/<td><strong>([^<]*)<\/strong>/g)].map((m) => m[1] as string);

/** The page's "Next page" link, unescaped, or `null`. */
export function nextLink(html: string): string | null {
  const m = /<a href="([^"]*)" rel="next">/.exec(html);
  return m ? (m[1] as string).replaceAll('&amp;', '&') : null;
}
