#!/usr/bin/env bash
# Everything the end-to-end tests (test/e2e) need around them, for CI and for a developer:
#
#   .ci/e2e-clients.sh up      # dockerd + podman/skopeo config + test image; writes the env file
#   source /tmp/wharf-clients/e2e.env
#   npx vitest run --project e2e
#   .ci/e2e-clients.sh down    # stops the dockerd that `up` started (by PID)
#
# `up` reuses a dockerd that already answers on $CLIENTS_DIR/docker.sock and an OCI layout that
# is already built (WHARF_REBUILD_IMAGE=1 rebuilds it). The env file holds DOCKER_HOST,
# DOCKER_CONFIG, CONTAINERS_*, REGISTRY_AUTH_FILE and WHARF_TEST_IMAGE_LAYOUT.
# Packages (docker.io podman skopeo umoci) must be installed; .ci/run installs them.
# Env: CLIENTS_DIR (default /tmp/wharf-clients), INSECURE_REGISTRIES (extra host[:port]).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CLIENTS_DIR=${CLIENTS_DIR:-/tmp/wharf-clients}
envfile="$CLIENTS_DIR/e2e.env"

up() {
  mkdir -p "$CLIENTS_DIR"
  local out result
  out=$("$here/dockerd.sh" start)
  echo "$out" >&2
  result=${out##*$'\n'}
  # remember who started the engine, so `down` after a reuse leaves it running
  if [ "$result" = started ]; then touch "$CLIENTS_DIR/dockerd.ours"; fi

  local layout="$CLIENTS_DIR/image/oci"
  if [ "${WHARF_REBUILD_IMAGE:-0}" = 1 ] || [ ! -s "$layout/index.json" ] ||
    ! grep -q '"multi"' "$layout/index.json"; then
    layout=$("$here/make-test-image.sh" "$CLIENTS_DIR/image")
  else
    echo "reusing OCI layout $layout" >&2
  fi

  {
    echo "# written by .ci/e2e-clients.sh up"
    echo "export DOCKER_HOST=unix://$CLIENTS_DIR/docker.sock"
    echo "export DOCKER_CONFIG=$CLIENTS_DIR/docker-config"
    "$here/podman-env.sh"
    echo "export WHARF_TEST_IMAGE_LAYOUT=$layout"
  } >"$envfile.tmp"
  mv "$envfile.tmp" "$envfile"
  echo "e2e clients ready: source $envfile" >&2
}

down() {
  if [ -f "$CLIENTS_DIR/dockerd.ours" ] || [ "${1:-}" = --force ]; then
    "$here/dockerd.sh" stop
    rm -f "$CLIENTS_DIR/dockerd.ours"
  else
    echo "dockerd was not started by e2e-clients.sh up: leaving it running (down --force stops it)"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down "${2:-}" ;;
  *) echo "usage: $0 up | down [--force]" >&2; exit 2 ;;
esac
