#!/usr/bin/env bash
# A private Docker Engine for the end-to-end tests, kept entirely under $CLIENTS_DIR.
#
#   .ci/dockerd.sh start   # start it (or reuse one already answering on our socket)
#   .ci/dockerd.sh stop    # stop it by the PID in its pid file
#   .ci/dockerd.sh status  # exit 0 if an engine answers on our socket
#
# The engine runs with the vfs storage driver and without iptables, bridge or IP forwarding:
# nothing on this machine has to be prepared for it, and nothing outside $CLIENTS_DIR changes.
# That is enough for load/tag/push/pull/build-from-scratch and `docker manifest`; `docker run`
# is not available (no network, no cgroup set-up).
#
# Env: CLIENTS_DIR (default /tmp/wharf-clients); INSECURE_REGISTRIES (space separated extra
# host[:port] or CIDR entries; 127.0.0.0/8 is always plain-HTTP for dockerd, and is also named
# explicitly); DOCKERD_DEBUG=1 for a debug log.
# `start` prints "started" or "reused" on its last line, so a caller knows whether to stop it.
set -euo pipefail

base=${CLIENTS_DIR:-/tmp/wharf-clients}
sock="$base/docker.sock"
pidfile="$base/pids/dockerd.pid"
log="$base/logs/dockerd.log"

answering() { DOCKER_HOST="unix://$sock" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start() {
  command -v dockerd >/dev/null || { echo "dockerd not found (apt-get install docker.io)" >&2; exit 1; }
  command -v docker >/dev/null || { echo "docker CLI not found (apt-get install docker.io)" >&2; exit 1; }
  mkdir -p "$base/docker-root" "$base/docker-exec" "$base/docker-config" "$base/logs" "$base/pids"
  if [ -S "$sock" ] && answering; then
    echo "dockerd already answering on $sock"
    echo reused
    return
  fi
  # a dead engine may have left its pid file, socket or data-root bind mount behind
  stop >/dev/null 2>&1 || true
  local args=(
    --storage-driver="${STORAGE_DRIVER:-vfs}"
    --iptables=false --ip6tables=false --bridge=none --ip-forward=false --ip-masq=false
    --data-root "$base/docker-root" --exec-root "$base/docker-exec"
    --pidfile "$pidfile" -H "unix://$sock"
    --insecure-registry 127.0.0.0/8
  )
  local r
  for r in ${INSECURE_REGISTRIES:-}; do args+=(--insecure-registry "$r"); done
  [ "${DOCKERD_DEBUG:-0}" = 1 ] && args+=(--debug)
  local t0=$SECONDS
  # own session: a Ctrl-C or a CI step's process-group kill must not reach it; we stop it by PID
  setsid nohup dockerd "${args[@]}" >"$log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 600); do
    answering && break
    sleep 0.1
  done
  if ! answering; then
    echo "dockerd did not answer on $sock within 60 s; last log lines:" >&2
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  echo "dockerd $(DOCKER_HOST="unix://$sock" docker version --format '{{.Server.Version}}') up in $((SECONDS - t0)) s (pid $(cat "$pidfile"), log $log)"
  echo started
}

stop() {
  if [ -f "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      local i
      for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "dockerd $pid ignored TERM for 15 s, sending KILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$pidfile"
  fi
  # dockerd bind-mounts its data root; a hard kill can leave that (and vfs layers) mounted
  local m
  for m in $(awk -v b="$base/" 'index($2, b) == 1 {print $2}' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  rm -f "$sock"
  echo "dockerd stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) [ -S "$sock" ] && answering ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
