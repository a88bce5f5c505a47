#!/usr/bin/env bash
# Memory bound: every input in tests/ and the fuzz corpus (and seeds) through
# validate, convert --to ndjson and inspect, under `ulimit -v 256M` (virtual
# memory, so thread stacks and allocator arenas count), with --jobs 1, 2 and
# 16. A run must end with a documented status (0, 1 or 2) and never with
# "memory allocation failed", a signal or a panic.
#
#   bench/ulimit.sh                 uses target/debug/postback (cargo build first)
#   BIN=target/release/postback bench/ulimit.sh
set -uo pipefail
export LC_ALL=C
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${BIN:-target/debug/postback}"
LIMIT_KB="${LIMIT_KB:-262144}"
[[ -x $BIN ]] || { echo "bench/ulimit.sh: build $BIN first" >&2; exit 2; }

mapfile -t files < <(find tests/fixtures fuzz/corpus fuzz/seeds -type f 2>/dev/null | sort)
runs=0 failed=0
for jobs in 1 2 16; do
    for cmd in "validate -q" "convert --to ndjson" "inspect"; do
        for f in "${files[@]}"; do
            # shellcheck disable=SC2086
            err=$( (ulimit -v "$LIMIT_KB"; "$BIN" $cmd --jobs "$jobs" "$f" 2>&1 >/dev/null) )
            rc=$?
            runs=$((runs + 1))
            if (( rc > 2 )) || grep -q -e "memory allocation" -e panicked <<<"$err"; then
                failed=$((failed + 1))
                echo "FAIL rc=$rc: $cmd --jobs $jobs $f: ${err:0:200}"
            fi
        done
    done
done
echo "${#files[@]} inputs, $runs runs under ulimit -v ${LIMIT_KB}K, $failed failed"
(( failed == 0 ))
