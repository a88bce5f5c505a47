#!/usr/bin/env bash
# Throughput benchmark for `postback` on a generated log dump.
#
#   bench/run.sh [SIZE]        SIZE as for gen_dump.py --size (default 100M)
#   RUNS=3 bench/run.sh 1G     time each command 3 times, report the fastest run
#
# See bench/README.md for what the columns mean.
set -euo pipefail
export LC_ALL=C # '.' as the decimal separator in EPOCHREALTIME and printf

SIZE="${1:-100M}"
RUNS="${RUNS:-1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN=target/release/postback
OUT=target/bench
FILE="$OUT/dump-$SIZE.log"
GZ="$FILE.gz"
META="$FILE.meta.json"
TIME=/usr/bin/time

die() { echo "bench/run.sh: $*" >&2; exit 2; }
[[ -x $TIME ]] || die "$TIME not found (GNU time; Debian/Ubuntu package 'time')"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"

echo "==> cargo build --release" >&2
cargo build --release

mkdir -p "$OUT"
if [[ ! -f $FILE || ! -f $META ]]; then # the .meta.json is written last: no meta, no dump
  echo "==> generating $FILE" >&2
  rm -f "$GZ"
  python3 bench/gen_dump.py --size "$SIZE" --out "$FILE"
fi
if [[ ! -f $GZ ]]; then
  echo "==> gzip -1 -k $FILE" >&2
  gzip -1 -k "$FILE"
fi

read -r BYTES POSTBACKS INVALID MALFORMED < <(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print(m["bytes"], m["postbacks"], m["invalid"], m["malformed"])' "$META")

# ---------------------------------------------------------------------------
# The commands to time, one string each, split on spaces (paths here have none).
# Add a line to benchmark something else. Every command reads the same dump, so
# MB/s and postbacks/s are always relative to the uncompressed dump.
# A subcommand counts as supported when its --help succeeds and prints something.
supports() { local out; out=$("$BIN" "$@" --help 2>/dev/null) && [[ -n $out ]]; }

BENCH=("cat $FILE")
supports validate && BENCH+=("$BIN validate -q $FILE")
if supports convert; then
  BENCH+=(
    "$BIN convert --to csv $FILE"
    "$BIN convert --to ndjson $FILE"
  )
fi
BENCH+=("gzip -dc $GZ")
supports validate && BENCH+=("$BIN validate -q $GZ")
supports validate || echo "bench/run.sh: '$BIN validate --help' fails: skipping postback commands" >&2

# ---------------------------------------------------------------------------
cpu_model() {
  local m=""
  [[ -r /proc/cpuinfo ]] && m=$(grep -m1 -E '^(model name|Hardware|cpu model)' /proc/cpuinfo | cut -d: -f2- || true)
  [[ -z $m ]] && m=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1 || true)
  [[ -z $m ]] && m=$(sysctl -n machdep.cpu.brand_string 2>/dev/null || true)
  m="${m#"${m%%[![:space:]]*}"}"
  echo "${m:-unknown}"
}

# Shorter display form: "postback validate -q dump-100M.log".
show() { local s="${1//$BIN/postback}"; echo "${s//$OUT\//}"; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Warm the page cache so that the first command is not charged for disk reads.
cat "$FILE" "$GZ" >/dev/null

echo
echo "# postback benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# machine: nproc=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN), cpu: $(cpu_model)"
echo "# binary:  $("$BIN" --version 2>/dev/null || echo "$BIN (no --version)")"
echo "# input:   $FILE, $BYTES bytes, $POSTBACKS postbacks ($INVALID invalid, $MALFORMED malformed); .gz $(wc -c <"$GZ") bytes"
echo "# runs:    $RUNS per command (fastest reported)"
echo
FMT='%-44s %9s %9s %13s %9s\n'
# shellcheck disable=SC2059
printf "$FMT" command seconds MB/s postbacks/s "RSS MiB"
# shellcheck disable=SC2059
printf "$FMT" "$(printf '%.0s-' {1..44})" --------- --------- ------------- ---------

failed=0
for i in "${!BENCH[@]}"; do
  read -ra argv <<<"${BENCH[$i]}"
  best="" best_rss=""
  rc=0
  for ((r = 0; r < RUNS; r++)); do
    rc=0
    t0=$EPOCHREALTIME
    "$TIME" -v -o "$TMP/time" "${argv[@]}" >/dev/null 2>"$TMP/stderr" || rc=$?
    t1=$EPOCHREALTIME
    # 0 is success; 1 is success for postback ("found errors": the dump has them on purpose).
    if ! [[ $rc -eq 0 || ($rc -eq 1 && ${argv[0]} == "$BIN") ]]; then
      break
    fi
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    rss=$(awk -F': *' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$TMP/time")
    if [[ -z $best ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$secs best_rss=$rss
    fi
  done
  name=$(show "${BENCH[$i]}")
  if [[ -z $best ]]; then
    failed=1
    # shellcheck disable=SC2059
    printf "$FMT" "$name" "FAILED" "exit $rc" "" ""
    sed 's/^/    | /' "$TMP/stderr" | tail -n 5 >&2
    continue
  fi
  read -r mbs pbs < <(awk -v b="$BYTES" -v p="$POSTBACKS" -v s="$best" \
    'BEGIN { if (s <= 0) s = 0.001; printf "%.1f %.0f\n", b / 1e6 / s, p / s }')
  # shellcheck disable=SC2059
  printf "$FMT" "$name" "$best" "$mbs" "$pbs" "$best_rss"
done
exit "$failed"
