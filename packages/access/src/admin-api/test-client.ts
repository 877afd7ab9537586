/**
 * A tiny client for admin API tests: requests through `app.request()` (no sockets) with HTTP
 * Basic credentials and JSON bodies.
 * @module
 */
import type { Hono } from 'hono';

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** Call the app as `username`/`password`. */
export function client(app: Hono<never> | { request: Hono['request'] }, username: string, password: string) {
  return async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const headers: Record<string, string> = { authorization: basic(username, password) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await app.request(path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
}
