#!/usr/bin/env bash
# Bounded resources: peak memory that does not grow with the input, and time
# that grows linearly with it, whatever the input looks like.
#
#   bench/memory.sh            10 MB and 1 GB dumps, then the pathological inputs
#   SIZES="10M 100M" bench/memory.sh
#   SKIP_DUMPS=1 bench/memory.sh   only the pathological inputs
#
# Part 1 runs validate -q, convert --to csv, convert --to ndjson and inspect
# (stdout to /dev/null) on dumps made by bench/gen_dump.py (target/bench/,
# reused if present) with --jobs 1 and 2, and reports peak RSS from
# /usr/bin/time -v ("Maximum resident set size"). The 10 MB and 1 GB rows must
# be within a few MB of each other.
#
# Part 2 times inputs made to be hard, each at sizes doubling: elements nested
# 10k/20k/40k deep in one postback, one value of 5/10/20 MB, 100k/200k/400k
# tiny postbacks, and one postback with 10k/20k/40k duplicate fields (as many
# findings). The nesting and duplicate inputs go on to 80k and 160k, where
# the run takes long enough for its time not to be mostly process start-up. Records are allowed up to 64 MiB (--max-record-size). Each
# time is the fastest of RUNS (default 3); `x prev` is the ratio to the size
# before, which is about 2 when time is linear.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN=target/release/postback
OUT=target/bench
PATHO=$OUT/pathological
TIME=/usr/bin/time
SIZES="${SIZES:-10M 1G}"
RUNS="${RUNS:-3}"

die() { echo "bench/memory.sh: $*" >&2; exit 2; }
[[ -x $TIME ]] || die "$TIME not found (GNU time; Debian/Ubuntu package 'time')"

echo "==> cargo build --release" >&2
cargo build --release --quiet
mkdir -p "$OUT" "$PATHO"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# measure CMD...: runs CMD with stdout to /dev/null; sets SECS and RSS_MB.
# Status 0 and 1 are success for postback (1: it found errors, on purpose).
measure() {
  local rc=0 t0 t1
  t0=$EPOCHREALTIME
  "$TIME" -v -o "$TMP/time" "$@" >/dev/null 2>"$TMP/stderr" || rc=$?
  t1=$EPOCHREALTIME
  if [[ $rc -gt 1 ]]; then
    echo "FAILED (exit $rc): $*" >&2
    tail -n 5 "$TMP/stderr" >&2
    exit 1
  fi
  SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  RSS_MB=$(awk -F': *' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$TMP/time")
}

# best CMD...: the fastest of RUNS runs; sets SECS and RSS_MB of that run.
best() {
  local best_secs="" best_rss=""
  for ((r = 0; r < RUNS; r++)); do
    measure "$@"
    if [[ -z $best_secs ]] || awk -v a="$SECS" -v b="$best_secs" 'BEGIN { exit !(a < b) }'; then
      best_secs=$SECS best_rss=$RSS_MB
    fi
  done
  SECS=$best_secs RSS_MB=$best_rss
}

show() { local s="${*//$BIN/postback}"; s="${s//$OUT\//}"; echo "$s"; }

echo
echo "# postback memory and linearity, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# machine: nproc=$(nproc), binary: $("$BIN" --version)"

if [[ -z ${SKIP_DUMPS:-} ]]; then
  for size in $SIZES; do
    file="$OUT/dump-$size.log"
    if [[ ! -f $file || ! -f $file.meta.json ]]; then
      echo "==> generating $file" >&2
      python3 bench/gen_dump.py --size "$size" --out "$file"
    fi
  done
  cat $(for size in $SIZES; do echo "$OUT/dump-$size.log"; done) >/dev/null # page cache
  echo
  echo "## Peak RSS on generated dumps"
  echo
  printf '| %-48s | %6s | %9s | %8s |\n' command "bytes" "seconds" "RSS MiB"
  printf '|%s|%s|%s|%s|\n' "$(printf '%.0s-' {1..50})" -------- ----------- ----------
  for jobs in 1 2; do
    for size in $SIZES; do
      file="$OUT/dump-$size.log"
      bytes=$(wc -c <"$file")
      for cmd in "validate -q" "convert --to csv" "convert --to ndjson" "inspect"; do
        read -ra args <<<"$cmd"
        measure "$BIN" "${args[@]}" --no-progress -j "$jobs" "$file"
        printf '| %-48s | %6s | %9s | %8s |\n' "$(show "$BIN $cmd -j $jobs $file")" \
          "$(numfmt --to=si "$bytes")" "$SECS" "$RSS_MB"
      done
    done
  done
fi

# ---------------------------------------------------------------------------
# Pathological inputs, written once (they are small but for the values).
gen() {
  local kind=$1 n=$2 file=$3
  [[ -f $file ]] && return
  python3 - "$kind" "$n" "$file" <<'PY'
import sys
kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE>"
with open(path, "w") as out:
    if kind == "deep":
        out.write(head + "<MMSID>" + "<A>" * n + "1" + "</A>" * n + "</MMSID></POSTBACK>\n")
    elif kind == "value":
        out.write(head + "<MMSID>1</MMSID><STATUSDETAILS>")
        chunk = "lorem ipsum é " * 4096
        left = n * 1000 * 1000
        while left > 0:
            out.write(chunk[:left])
            left -= len(chunk)
        out.write("</STATUSDETAILS></POSTBACK>\n")
    elif kind == "tiny":
        line = "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>7</MMSID></POSTBACK>\n"
        out.write(line * n)
    elif kind == "dups":
        out.write(head + "<MMSID>1</MMSID>" + "<MMSID>2</MMSID>" * n + "</POSTBACK>\n")
PY
}

echo
echo "## Time on pathological inputs (--max-record-size 64M, -j 1, fastest of $RUNS)"
echo
printf '| %-44s | %9s | %8s | %7s | %8s |\n' command bytes seconds "x prev" "RSS MiB"
printf '|%s|%s|%s|%s|%s|\n' "$(printf '%.0s-' {1..46})" ----------- ---------- --------- ----------
for spec in "deep 10000 20000 40000 80000 160000" "value 5 10 20" "tiny 100000 200000 400000" "dups 10000 20000 40000 80000 160000"; do
  read -r kind sizes <<<"$spec"
  for cmd in "validate -q" "inspect" "convert --to ndjson"; do
    prev=""
    for n in $sizes; do
      file="$PATHO/$kind-$n.xml"
      gen "$kind" "$n" "$file"
      read -ra args <<<"$cmd"
      best "$BIN" "${args[@]}" --no-progress -j 1 --max-record-size 64M "$file"
      ratio="-"
      [[ -n $prev ]] && ratio=$(awk -v a="$SECS" -v b="$prev" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
      prev=$SECS
      printf '| %-44s | %9s | %8s | %7s | %8s |\n' "$(show "$BIN $cmd $file")" \
        "$(wc -c <"$file")" "$SECS" "$ratio" "$RSS_MB"
    done
  done
done
