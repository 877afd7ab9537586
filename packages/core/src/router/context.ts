/** What every route handler receives. @module */
import type { CallContext, RegistryApi } from '../api/registry-api.js';
import type { AccessRequest } from '../hooks.js';
import type { RegistryLimits } from '../registry-options.js';
import type { Method } from './routes.js';

export interface ResolvedLimits {
  readonly manifestMaxBytes: number;
  readonly maxTagsPerPut: number;
  readonly maxPageSize: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = {
  manifestMaxBytes: 4 * 1024 * 1024,
  maxTagsPerPut: 100,
  maxPageSize: 10_000,
};

export function resolveLimits(limits: RegistryLimits = {}): ResolvedLimits {
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) };
}

export interface HandlerContext {
  readonly api: RegistryApi;
  readonly request: Request;
  readonly method: Method;
  readonly url: URL;
  /** Path params of the route (raw). */
  readonly params: Readonly<Record<string, string>>;
  /** The validated repository name, for routes that have one. */
  readonly name: string;
  readonly principal: unknown;
  /** Who is calling and the request, for the events the API emits. */
  readonly call: CallContext;
  /** Access granted by the authorization hook (everything asked for in open mode). */
  readonly granted: readonly AccessRequest[];
  readonly limits: ResolvedLimits;
  /** Serve blob GETs by redirecting to the driver's URL when it has one. */
  readonly redirects: boolean;
  /** True when no authorization hook is installed. */
  readonly open: boolean;
}

export type Handler = (ctx: HandlerContext) => Promise<Response>;
