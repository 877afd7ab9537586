import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiPath } from './http/openapi.js';
import { world } from './test-support.js';

type Document = { openapi: string; paths: Record<string, Record<string, { operationId: string; parameters: Array<{ name: string; in: string }> }>> };

async function served(): Promise<{ document: Document; routes: Array<{ method: string; path: string }> }> {
  const w = await world();
  const r = await w.call('/openapi.json');
  expect(r.status).toBe(200);
  // The API's own Hono routes: those of the mounted sub-app, without middleware and the catch-all.
  const routes = w.app.routes
    .filter((route) => route.path.startsWith('/api/v4/') && route.method !== 'ALL')
    .map((route) => ({ method: route.method.toLowerCase(), path: openApiPath(route.path.slice('/api/v4'.length)) }));
  return { document: (await r.json()) as Document, routes };
}

describe('the OpenAPI document at /api/v4/openapi.json', () => {
  it('should be a valid OpenAPI 3.1 document', async () => {
    const { document } = await served();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('should document exactly the routes the API serves, each once', async () => {
    const { document, routes } = await served();
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    const servedRoutes = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(servedRoutes).size).toBe(servedRoutes.length);
    expect([...documented].sort()).toEqual([...servedRoutes].sort());
    expect(documented.length).toBeGreaterThan(5);
  });

  it('should give every operation a unique id and declare every path parameter', async () => {
    const { document } = await served();
    const ids = Object.values(document.paths).flatMap((operations) => Object.values(operations).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, operations] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const operation of Object.values(operations)) {
        expect(operation.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(names);
      }
    }
  });
});
