#!/usr/bin/env bash
# Build the end-to-end tests' image: a small, real OCI image layout made offline from Debian's
# busybox-static package with umoci.
#
#   .ci/make-test-image.sh OUT_DIR      # prints the layout path (OUT_DIR/oci) on stdout
#
# Tags in the layout:
#   amd64   one-layer image (busybox + applet links), config os=linux architecture=amd64
#   arm64   the same layer with a config relabelled architecture=arm64 (not a real arm64 binary)
#   latest  the amd64 image
#   multi   an OCI image index over amd64 and arm64 with platform fields
# Needs: umoci, dpkg-deb, node, sha256sum, and apt lists (apt-get update) for `apt-get download`,
# or busybox-static installed.
set -euo pipefail

out=${1:?usage: make-test-image.sh OUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
layout="$out/oci"
work="$out/work"
for c in umoci dpkg-deb node sha256sum; do
  command -v "$c" >/dev/null || { echo "make-test-image: $c not found" >&2; exit 1; }
done
rm -rf "$layout" "$work"
mkdir -p "$work/deb" "$work/x"

# 1. a static busybox: from the .deb (no system change), else the installed package
bb=""
if (cd "$work/deb" && apt-get download busybox-static >/dev/null 2>&1); then
  deb=$(ls "$work"/deb/busybox-static_*.deb | head -n 1)
  dpkg-deb -x "$deb" "$work/x"
  bb="$work/x/bin/busybox"
  origin=$(basename "$deb")
elif dpkg -s busybox-static >/dev/null 2>&1; then
  bb=/bin/busybox
  origin="busybox-static $(dpkg-query -W -f '${Version}' busybox-static)"
fi
[ -n "$bb" ] && [ -x "$bb" ] ||
  { echo "make-test-image: no busybox-static (run apt-get update, or install busybox-static)" >&2; exit 1; }

# 2. empty image -> unpacked bundle -> rootfs filled -> repacked as one layer
umoci init --layout "$layout"
umoci new --image "$layout:amd64"
umoci unpack --image "$layout:amd64" "$work/bundle" >/dev/null
root="$work/bundle/rootfs"
mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp"
chmod 1777 "$root/tmp"
install -m 0755 "$bb" "$root/bin/busybox"
for applet in sh ls cat echo env uname true false sleep id mkdir rm cp mv wc head tail grep sha256sum; do
  ln -sf busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
echo "wharf e2e test image ($origin)" >"$root/etc/wharf-test-release"
umoci repack --image "$layout:amd64" "$work/bundle"
umoci config --image "$layout:amd64" --os linux --architecture amd64 \
  --config.cmd /bin/sh --config.env PATH=/bin --author wharf-e2e \
  --config.label org.opencontainers.image.title=wharf-e2e-busybox

# 3. the "arm64" image: same layer, relabelled config
umoci config --image "$layout:amd64" --tag arm64 --architecture arm64 \
  --config.label org.example.wharf.note=relabelled-copy-not-a-real-arm64-binary
umoci tag --image "$layout:amd64" latest
umoci gc --layout "$layout"

# 4. the "multi" index, stored as a blob and tagged in index.json
node "$here/add-oci-index.mjs" "$layout" multi amd64 arm64

# 5. every blob must be named by its sha256
for f in "$layout"/blobs/sha256/*; do
  [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$(basename "$f")" ] ||
    { echo "make-test-image: blob $f does not match its name" >&2; exit 1; }
done
rm -rf "$work"
{
  echo "OCI layout $layout ($(ls "$layout/blobs/sha256" | wc -l) blobs, $(du -sh "$layout" | cut -f1)):"
  node -e '
    const top = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const m of top.manifests)
      console.log("  " + String(m.annotations["org.opencontainers.image.ref.name"]).padEnd(7) + m.digest + " " + m.mediaType);
  ' "$layout/index.json"
} >&2
echo "$layout"
