/**
 * What the API's route modules work on: the access store, the registry's management, and how
 * to write absolute addresses (image paths, `web_url`s).
 * @module
 */
import type { AccessStore } from '@wharf/access';
import type { RegistryManagement } from '@wharf/core';

export interface ApiDeps {
  readonly store: AccessStore;
  readonly management: RegistryManagement;
  /** The public origin (`https://registry.example.com`); default the request's. */
  readonly publicUrl?: string;
}

/** The origin clients reach this server at: the configured public URL, or the request's. */
export function originOf(deps: ApiDeps, request: Request): string {
  return deps.publicUrl ? new URL(deps.publicUrl).origin : new URL(request.url).origin;
}

/** The registry host as it appears in image paths (`host[:port]`, no scheme). */
export function registryHostOf(deps: ApiDeps, request: Request): string {
  return new URL(originOf(deps, request)).host;
}
