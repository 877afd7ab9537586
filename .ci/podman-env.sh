#!/usr/bin/env bash
# Configure daemonless, rootful podman (Debian's 4.3) and skopeo with all their state under
# $CLIENTS_DIR/podman, and print the `export` lines that point them at it:
#
#   .ci/podman-env.sh >> "$CLIENTS_DIR/e2e.env"
#
# vfs storage and cgroupfs (no overlay or systemd needed), a file event log, no short-name
# search, and the loopback registries marked insecure (plain HTTP). The tests also pass
# --tls-verify=false themselves. REGISTRY_AUTH_FILE starts as `{}`: podman 4.3 fails an
# anonymous push with "stat auth.json: no such file" otherwise. podman and skopeo must not see
# DOCKER_CONFIG (they would read docker's config.json instead); the tests unset it for them.
#
# Env: CLIENTS_DIR (default /tmp/wharf-clients); INSECURE_REGISTRIES (space separated extra
# registry locations, host[:port]).
set -euo pipefail

dir=${CLIENTS_DIR:-/tmp/wharf-clients}/podman
mkdir -p "$dir/root" "$dir/run" "$dir/tmp"
for c in podman skopeo; do
  command -v "$c" >/dev/null || { echo "$c not found (apt-get install $c)" >&2; exit 1; }
done

cat >"$dir/storage.conf" <<EOF
[storage]
driver = "vfs"
runroot = "$dir/run"
graphroot = "$dir/root"
EOF

cat >"$dir/containers.conf" <<EOF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
tmp_dir = "$dir/tmp"
image_copy_tmp_dir = "$dir/tmp"
EOF

# "127.0.0.1" also covers 127.0.0.1:PORT (containers/image matches a location prefix up to ':')
{
  echo 'unqualified-search-registries = []'
  for r in 127.0.0.1 localhost ${INSECURE_REGISTRIES:-}; do
    printf '\n[[registry]]\nlocation = "%s"\ninsecure = true\n' "$r"
  done
} >"$dir/registries.conf"

[ -s "$dir/auth.json" ] || echo '{}' >"$dir/auth.json"

cat <<EOF
export CONTAINERS_CONF=$dir/containers.conf
export CONTAINERS_STORAGE_CONF=$dir/storage.conf
export CONTAINERS_REGISTRIES_CONF=$dir/registries.conf
export REGISTRY_AUTH_FILE=$dir/auth.json
EOF
