import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors/registry-error.js';
import { crossSiteProblem, readJsonBody } from './json-request.js';

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request('http://registry.test/api', { method: 'POST', body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof RegistryError ? error.code : String(error);
  }
};

describe('readJsonBody', () => {
  it('should parse a JSON body declared as application/json, with parameters', async () => {
    expect(await readJsonBody(post('{"a":1}', { 'Content-Type': 'application/json; charset=utf-8' }))).toEqual({ a: 1 });
  });

  it('should refuse a body over the limit by its Content-Length and while it streams', async () => {
    expect(await codeOf(readJsonBody(post('x'.repeat(100), { 'Content-Type': 'application/json' }), { maxBytes: 10 }))).toBe('BODY_TOO_LARGE');
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    expect(await codeOf(readJsonBody(post(endless, { 'Content-Type': 'application/json' }), { maxBytes: 4096 }))).toBe('BODY_TOO_LARGE');
    expect(pulled).toBeLessThan(10);
  });

  it('should refuse JSON sent as text/plain, as a cross-site form would', async () => {
    expect(await codeOf(readJsonBody(post('{"a":1}', { 'Content-Type': 'text/plain' })))).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('should refuse bytes that are not JSON, and an empty body unless optional', async () => {
    expect(await codeOf(readJsonBody(post('{nope', { 'Content-Type': 'application/json' })))).toBe('PARAMETER_INVALID');
    expect(await codeOf(readJsonBody(post(null)))).toBe('PARAMETER_INVALID');
    expect(await readJsonBody(post(null), { optional: true })).toBeUndefined();
  });
});

describe('crossSiteProblem', () => {
  const withHeaders = (headers: Record<string, string>) => new Request('http://registry.test/api', { headers });

  it('should pass scripts, same-origin pages and trusted origins', () => {
    expect(crossSiteProblem(withHeaders({}))).toBeNull();
    expect(crossSiteProblem(withHeaders({ Origin: 'http://registry.test', 'Sec-Fetch-Site': 'same-origin' }))).toBeNull();
    expect(crossSiteProblem(withHeaders({ 'Sec-Fetch-Site': 'none' }))).toBeNull();
    expect(crossSiteProblem(withHeaders({ Origin: 'https://ui.example.com', 'Sec-Fetch-Site': 'same-site' }), { trustedOrigins: ['https://ui.example.com'] })).toBeNull();
  });

  it('should name a request another site made', () => {
    expect(crossSiteProblem(withHeaders({ 'Sec-Fetch-Site': 'cross-site' }))).toMatch(/cross-site/);
    expect(crossSiteProblem(withHeaders({ Origin: 'https://evil.example' }))).toMatch(/evil\.example/);
    expect(crossSiteProblem(withHeaders({ Origin: 'null' }))).toMatch(/null/);
  });
});
