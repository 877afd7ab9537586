#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on loopback, from Debian's postgresql package, for the tests:
#   PG_DIR=/tmp/wharf-pg PG_PORT=5433 .ci/postgres.sh start   → prints the connection URL last
#   PG_DIR=/tmp/wharf-pg .ci/postgres.sh stop                 → stops it (by its data directory)
#   PG_DIR=/tmp/wharf-pg PG_PORT=5433 .ci/postgres.sh resume  → starts a stopped one again, data kept
# `start` installs postgresql with apt-get when it is missing (root only), runs initdb as the
# postgres user in PG_DIR (trust auth, loopback only) and creates the database `wharf`.
set -euo pipefail
PG_DIR=${PG_DIR:-/tmp/wharf-pg}
PG_PORT=${PG_PORT:-5433}
bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
case "${1:-start}" in
stop)
  BIN=$(bin)
  [ -n "$BIN" ] && [ -d "$PG_DIR/data" ] && su postgres -c "$BIN/pg_ctl -D '$PG_DIR/data' -m fast -w stop" >/dev/null 2>&1 || true
  ;;
resume)
  BIN=$(bin)
  su postgres -c "$BIN/pg_ctl -D '$PG_DIR/data' -l '$PG_DIR/log' -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1' -w start" >/dev/null
  ;;
start)
  BIN=$(bin)
  if [ -z "$BIN" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1
    BIN=$(bin)
  fi
  id postgres >/dev/null 2>&1 || useradd -r -m postgres
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  chown postgres "$PG_DIR"
  su postgres -c "$BIN/initdb -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8" >"$PG_DIR/initdb.log" 2>&1
  su postgres -c "$BIN/pg_ctl -D '$PG_DIR/data' -l '$PG_DIR/log' -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1' -w start" >/dev/null
  su postgres -c "$BIN/createdb -h 127.0.0.1 -p $PG_PORT -U postgres wharf"
  echo "postgres://postgres@127.0.0.1:$PG_PORT/wharf"
  ;;
*)
  echo "usage: $0 start|stop|resume" >&2
  exit 2
  ;;
esac
