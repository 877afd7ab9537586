#!/usr/bin/env bash
# A real S3 server on loopback for the storage-s3 tests: Ceph RADOS Gateway (Debian 12's
# radosgw, Ceph 16.2) over a throw-away one-node cluster (1 mon + 1 memstore OSD, auth none,
# no mgr). Adapted from shared/tools/start-s3.sh so that CI depends on nothing outside the repo.
#
#   .ci/s3.sh start    # install the packages if missing (root, apt), (re)create the cluster, start;
#                      # writes $S3_DIR/env (endpoint, keys, region) and prints it
#   .ci/s3.sh stop     # stop the daemons a previous start left, by their pid files
#   .ci/s3.sh status   # exit 0 if our gateway answers on $S3_PORT
#   .ci/s3.sh ensure   # start unless one answers already (under a lock, so that test runs
#                      # started at the same time share one gateway); prints "reused" or "started"
#
# Env: S3_DIR (state, logs and the env file; wiped on start; default /tmp/wharf-s3),
#      S3_PORT (default 7480), S3_ACCESS_KEY / S3_SECRET_KEY, S3_OBJECTSTORE=memstore|bluestore,
#      S3_STORE_GB (default 4: the memstore OSD keeps every object in RAM, until RGW's garbage
#      collector frees deleted ones, a few minutes later; `npm run bench:s3` wants 12).
# About 12 s of apt on a machine without the packages, then 3-4 s to start; ~115 MB of RAM idle.
set -euo pipefail
S3_DIR=${S3_DIR:-/tmp/wharf-s3}
S3_PORT=${S3_PORT:-7480}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-testkey}
S3_SECRET_KEY=${S3_SECRET_KEY:-testsecret}
S3_OBJECTSTORE=${S3_OBJECTSTORE:-memstore}
S3_STORE_GB=${S3_STORE_GB:-4}
CONF="$S3_DIR/ceph.conf"

stop_all() {
  # radosgw first (its graceful stop hangs if the mon is already gone), then osd+mon together.
  local group n pid pids
  for group in client.rgw.a "osd.0 mon.a"; do
    pids=()
    for n in $group; do
      [ -f "$S3_DIR/run/$n.pid" ] && pids+=("$(cat "$S3_DIR/run/$n.pid")")
      rm -f "$S3_DIR/run/$n.pid"
    done
    [ ${#pids[@]} -gt 0 ] || continue
    kill "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      # zombies count as gone (pid 1 may reap them late)
      ps -o stat= -p "$(IFS=,; echo "${pids[*]}")" 2>/dev/null | grep -qv '^Z' || break
      sleep 0.1
    done
    kill -9 "${pids[@]}" 2>/dev/null || true
  done
}
answering() { [[ $(curl -s -m 2 "http://127.0.0.1:$S3_PORT/" 2>/dev/null) == *ListAllMyBucketsResult* ]]; }
case "${1:-start}" in
  stop) stop_all; exit 0 ;;
  status) answering && [ -f "$S3_DIR/env" ] && exit 0; exit 1 ;;
  start) ;;
  ensure)
    mkdir -p "$(dirname "$S3_DIR")"
    exec 9>"$S3_DIR.lock"
    flock -w 600 9
    if answering && [ -f "$S3_DIR/env" ]; then echo reused; exit 0; fi
    "$0" start 9>&-   # the daemons must not inherit (and hold) the lock
    echo started
    exit 0 ;;
  *) echo "usage: $0 start|stop|status|ensure" >&2; exit 2 ;;
esac

t0=$(date +%s)
need_install=0
for c in radosgw ceph-mon ceph-osd uuidgen curl; do command -v "$c" >/dev/null || need_install=1; done
if [ "$need_install" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends \
    radosgw ceph-mon ceph-osd uuid-runtime curl >/dev/null
fi
t1=$(date +%s)

stop_all 2>/dev/null || true
trap 'rc=$?; [ $rc -eq 0 ] || { stop_all 2>/dev/null; echo "start-s3.sh failed ($rc); logs in $S3_DIR/log" >&2; }' EXIT
rm -rf "$S3_DIR"
mkdir -p "$S3_DIR"/{run,log,crash,mon.a,osd.0,rgw}
FSID=$(uuidgen)
STORE_BYTES=$((S3_STORE_GB * 1024 * 1024 * 1024))
cat > "$CONF" <<EOF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]
public addr = 127.0.0.1
ms bind ipv6 = false
# no cephx; with auth none every messenger mode must allow crc, or daemons
# (radosgw) hang 300 s in "failed to fetch mon config" (get_initial_auth_request -13)
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
ms client mode = crc
ms service mode = crc
ms cluster mode = crc
client mount timeout = 60
run dir = $S3_DIR/run
crash dir = $S3_DIR/crash
admin socket = $S3_DIR/run/\$name.asok
pid file = $S3_DIR/run/\$name.pid
log file = $S3_DIR/log/\$name.log
keyring = $S3_DIR/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on pool no app = false
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0
[mon.a]
mon data = $S3_DIR/mon.a
# default 1 s: every pool create / osdmap change waits for it; rgw start creates 4 pools
paxos propose interval = 0.1
[osd]
osd data = $S3_DIR/osd.\$id
osd objectstore = $S3_OBJECTSTORE
memstore device bytes = $STORE_BYTES
bluestore block path = $S3_DIR/osd.\$id/block.file
bluestore block create = true
bluestore block size = $STORE_BYTES
osd memory target = 1073741824
osd fast shutdown notify mon = false
[client.rgw.a]
rgw data = $S3_DIR/rgw
# tcp_nodelay=1: without it every GET/LIST with a body takes ~45 ms (Nagle + delayed ACK)
rgw frontends = beast endpoint=127.0.0.1:$S3_PORT tcp_nodelay=1
rgw dns name = localhost
# deleted and overwritten data is freed by RGW's garbage collector, by default 2 h later: the
# memstore OSD (RAM, S3_STORE_GB) would fill up and block every write. Free it within minutes
# (not at once: a GET streaming an object that is replaced meanwhile still reads the old data).
rgw gc obj min wait = 120
rgw gc processor period = 60
EOF
C=(ceph -c "$CONF")
ceph-authtool --create-keyring "$S3_DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]' "$S3_DIR/monmap" >/dev/null
ceph-mon -c "$CONF" --mkfs -i a --monmap "$S3_DIR/monmap" --keyring "$S3_DIR/keyring"
ceph-mon -c "$CONF" -i a                       # daemonizes, pid in run/mon.a.pid
OSD_UUID=$(uuidgen)
OSD_ID=$("${C[@]}" osd new "$OSD_UUID")        # waits for the mon; prints 0
ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" 2>/dev/null
ceph-osd -c "$CONF" -i "$OSD_ID" 2>/dev/null   # daemonizes
osd_up() { [[ $("${C[@]}" osd stat 2>/dev/null) == *" 1 up"* ]]; }
for _ in $(seq 120); do osd_up && break; sleep 0.5; done
osd_up || { echo "osd did not come up; see $S3_DIR/log" >&2; exit 1; }
# Pre-create the pools radosgw would create lazily, so the first CreateBucket, PutObject
# and multipart upload are not each ~2 s slow (the rest it creates at start-up).
for p in default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec; do
  "${C[@]}" osd pool create "$p" 8 8 >/dev/null 2>&1
done
# Region name "us-east-1" instead of "default": GetBucketLocation then answers us-east-1 and
# CreateBucket with LocationConstraint=us-east-1 is accepted (else InvalidLocationConstraint).
# (user create goes first: it makes the default zone/zonegroup that "modify" needs)
radosgw-admin -c "$CONF" user create --uid=test --display-name=test \
  --access-key="$S3_ACCESS_KEY" --secret-key="$S3_SECRET_KEY" >/dev/null
radosgw-admin -c "$CONF" zonegroup modify --rgw-zonegroup=default --api-name=us-east-1 >/dev/null
radosgw -c "$CONF" -n client.rgw.a              # daemonizes
for _ in $(seq 240); do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.25; done
sleep 0.5   # if the port was taken by something else, radosgw has exited by now
{ [[ $(curl -s "http://127.0.0.1:$S3_PORT/") == *ListAllMyBucketsResult* ]] &&
  kill -0 "$(cat "$S3_DIR/run/client.rgw.a.pid")"; } 2>/dev/null ||
  { echo "radosgw did not start (port $S3_PORT busy?); see $S3_DIR/log" >&2; exit 1; }
cat > "$S3_DIR/env" <<EOF
export S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export WHARF_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$S3_PORT
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
export AWS_REGION=us-east-1
# RGW 16.2 rejects aws-chunked uploads with trailing checksums (HTTP 411) that
# @aws-sdk/client-s3 >= 3.729 sends for stream bodies by default:
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required
export AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
EOF
t2=$(date +%s)
echo "S3 (Ceph radosgw $(radosgw --version | awk '{print $3}')) ready: endpoint http://127.0.0.1:$S3_PORT" \
     "access key $S3_ACCESS_KEY secret $S3_SECRET_KEY region us-east-1 (path-style)."
echo "install $((t1 - t0)) s, start $((t2 - t1)) s. Env file: $S3_DIR/env. Stop: S3_DIR=$S3_DIR bash $0 stop"
cat "$S3_DIR/env"
