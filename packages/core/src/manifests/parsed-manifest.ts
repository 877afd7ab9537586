/** What a format handler extracts from a manifest. @module */
import type { Descriptor } from './descriptor.js';

export interface ParsedManifest {
  /** The media type the manifest is stored and served as. */
  readonly mediaType: string;
  /**
   * The bytes the digest is computed over: the whole body, except for signed schema 1
   * manifests, whose digest covers the payload without signatures.
   */
  readonly canonical: Uint8Array;
  /** Blobs that must be in the repository (config, layers), foreign layers excluded. */
  readonly blobs: readonly string[];
  /** Manifests that must be in the repository (children of an index or list). */
  readonly manifests: readonly string[];
  /** The manifest this one refers to (OCI 1.1), which need not exist yet. */
  readonly subject?: Descriptor;
  /** `artifactType`, else the config media type (what the referrers API reports). */
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Index and list children, for platform selection. */
  readonly children?: readonly Descriptor[];
  /** Schema 1 only: the repository name and tag written inside the manifest. */
  readonly embedded?: { readonly name: string; readonly tag: string };
}

/** A format: parses one family of media types. */
export interface ManifestFormat {
  /** Media types this format stores. */
  readonly mediaTypes: readonly string[];
  /**
   * Validate and extract.
   * @param mediaType the media type chosen by dispatch (one of `mediaTypes`).
   * @throws RegistryError MANIFEST_INVALID / MANIFEST_UNVERIFIED.
   */
  parse(body: Uint8Array, json: Record<string, unknown>, mediaType: string): Promise<ParsedManifest> | ParsedManifest;
}
