// Add an OCI image index over tagged images of an OCI layout, stored as a blob and tagged.
//   node add-oci-index.mjs LAYOUT INDEX_TAG TAG...
// Each TAG must name an image manifest whose tag is also its architecture (amd64, arm64, ...);
// the index entry gets platform {os: linux, architecture: TAG}.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [layout, indexTag, ...tags] = process.argv.slice(2);
if (!layout || !indexTag || tags.length === 0) {
  console.error('usage: add-oci-index.mjs LAYOUT INDEX_TAG TAG...');
  process.exit(2);
}
const REF = 'org.opencontainers.image.ref.name';
const topPath = join(layout, 'index.json');
const top = JSON.parse(readFileSync(topPath, 'utf8'));

const manifests = tags.map((tag) => {
  const d = top.manifests.find((m) => m.annotations?.[REF] === tag);
  if (!d) throw new Error(`no tag ${tag} in ${topPath}`);
  return {
    mediaType: d.mediaType ?? 'application/vnd.oci.image.manifest.v1+json',
    digest: d.digest,
    size: d.size,
    platform: { architecture: tag, os: 'linux' },
  };
});
const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests };
const bytes = Buffer.from(JSON.stringify(index));
const hex = createHash('sha256').update(bytes).digest('hex');
writeFileSync(join(layout, 'blobs', 'sha256', hex), bytes);

top.manifests = top.manifests.filter((m) => m.annotations?.[REF] !== indexTag);
top.manifests.push({
  mediaType: index.mediaType,
  digest: `sha256:${hex}`,
  size: bytes.length,
  annotations: { [REF]: indexTag },
});
writeFileSync(topPath, JSON.stringify(top));
