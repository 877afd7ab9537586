/**
 * Per-repository blob links. A link says "this repository may serve this blob"; checking the
 * link is the access check, and two repositories linking one blob share its bytes.
 * @module
 */
import type { Digest } from '../digest.js';
import { FILE_ONLY, type StorageDriver } from '../storage/driver.js';
import { exists, notFoundAs } from '../storage/not-found.js';
import { pathFor } from '../storage/paths.js';
import { utf8 } from '../streams.js';

export class RepositoryLinks {
  constructor(private readonly driver: StorageDriver) {}

  /** Link a blob into a repository. Idempotent. */
  async link(name: string, digest: Digest): Promise<void> {
    await this.driver.putContent(pathFor({ kind: 'layerLink', name, digest }), utf8(digest.value));
  }

  /** Whether the repository links the blob. */
  async has(name: string, digest: Digest): Promise<boolean> {
    return exists(this.driver, pathFor({ kind: 'layerLink', name, digest }), FILE_ONLY);
  }

  /** Remove a link. @returns false when there was none. */
  async unlink(name: string, digest: Digest): Promise<boolean> {
    return this.driver.delete(pathFor({ kind: 'layerLink', name, digest })).then(() => true, notFoundAs(false));
  }
}
