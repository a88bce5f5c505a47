#!/usr/bin/env bash
# Load benchmark of the developer loop: `postback replay` sends postbacks to
# `postback listen` on loopback with 16 connections for 60 s; reports the rate,
# p50/p99/max response latency, and checks that the archive holds one line for
# every request answered 200.
#
#   bench/listen.sh                     # 16 connections, 60 s, archive flushed per batch
#   FSYNC=1 bench/listen.sh             # archive also synced to the disk before each 200
#   DURATION=10 CONNECTIONS=4 bench/listen.sh
#   NO_BUILD=1 bench/listen.sh          # use target/release/postback as it is
#
# Both processes share the machine's cores; on a loaded machine the figures
# say more about the load than about listen.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-16}
BIN=target/release/postback
[ -n "${NO_BUILD:-}" ] || cargo build --release --locked --quiet

work=$(mktemp -d)
listen_pid=
cleanup() {
  [ -n "$listen_pid" ] && kill "$listen_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# 10,000 distinct postbacks (sent and delivered pairs), sent round and round.
"$BIN" sample --lifecycle --count 5000 > "$work/samples.xml"

fsync=()
[ -n "${FSYNC:-}" ] && fsync=(--fsync)
"$BIN" --color never listen --bind 127.0.0.1:0 --archive "$work/archive.ndjson" "${fsync[@]}" -q \
  > /dev/null 2> "$work/listen.err" &
listen_pid=$!
addr=
for _ in $(seq 100); do
  addr=$(sed -n 's|^listening on http://\([^/]*\)/.*|\1|p' "$work/listen.err")
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { cat "$work/listen.err" >&2; exit 2; }

echo "listen on $addr, replay with $CONNECTIONS connections for ${DURATION} s${FSYNC:+, --fsync}; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
# `cat` fails once replay has stopped reading, which ends the loop.
set +e
while cat "$work/samples.xml"; do :; done 2>/dev/null |
  timeout -s INT "$DURATION" "$BIN" --color never replay --to "http://$addr/" -c "$CONNECTIONS" -q \
  2> "$work/replay.err"
set -e
kill -TERM "$listen_pid"
wait "$listen_pid" || true
listen_pid=

replay_summary=$(tail -1 "$work/replay.err")
listen_summary=$(tail -1 "$work/listen.err")
echo "replay: $replay_summary"
echo "listen: $listen_summary"
answered=$(echo "$listen_summary" | sed -n 's/.*(\([0-9]*\) answered 200.*/\1/p')
ok=$(echo "$replay_summary" | sed -n 's/.* 200 x\([0-9]*\).*/\1/p')
lines=$(wc -l < "$work/archive.ndjson")
echo "answered 200 by listen: $answered; 200s seen by replay: ${ok:-0}; archive lines: $lines"
if [ "$lines" = "$answered" ] && [ "$answered" = "${ok:-0}" ]; then
  echo "none lost: every request answered 200 is in the archive"
else
  echo "MISMATCH: archive lines and 200s differ" >&2
  exit 1
fi
