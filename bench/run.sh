#!/usr/bin/env bash
# Throughput of `postback` against its baselines, side by side on the same corpora.
#
#   bench/run.sh            ~100 MB corpora (the default)
#   bench/run.sh 1G         ~1 GB corpora
#
# Environment:
#   RUNS=3                  times each command runs; the fastest run is reported
#   SECTIONS="mixed gzip concat log wrapper json v2 files track"   which corpora to run
#   TRACK_MESSAGES=1000000  messages in the track corpus (linked lifecycles); the track
#                           section also streams it ten times over (TRACKINGIDs prefixed
#                           0-9) into `postback track -` for peak RSS at ten times as many
#   DOM_MAX=300M            xmlstarlet and xq load the whole document into memory
#                           (about 12x its size): inputs larger than this skip them
#
# Corpora are made by bench/gen_dump.py into target/bench/ when missing (delete a
# file to get it made again). See bench/README.md for what the columns mean.
set -euo pipefail
export LC_ALL=C # '.' as the decimal separator in EPOCHREALTIME and printf

die() { echo "bench/run.sh: $*" >&2; exit 2; }
note() { echo "bench/run.sh: $*" >&2; }

[[ $# -le 1 ]] || die "usage: bench/run.sh [SIZE]   (SIZE as for gen_dump.py --size: 100M, 1G, ...)"
SIZE="${1:-100M}"
[[ $SIZE =~ ^[0-9]+(\.[0-9]+)?[KkMmGg]?$ ]] || die "bad SIZE '$SIZE' (use e.g. 100M or 1G)"
RUNS="${RUNS:-3}"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
SECTIONS="${SECTIONS:-mixed gzip concat log wrapper json v2 files track}"
for s in $SECTIONS; do
  [[ $s =~ ^(mixed|gzip|concat|log|wrapper|json|v2|files|track)$ ]] || die "unknown section '$s' in SECTIONS"
done
TRACK_MESSAGES="${TRACK_MESSAGES:-1000000}"
[[ $TRACK_MESSAGES =~ ^[1-9][0-9]*$ ]] || die "TRACK_MESSAGES must be a positive integer, not '$TRACK_MESSAGES'"
DOM_MAX="${DOM_MAX:-300M}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN=target/release/postback
QX=target/release/examples/quickxml_count
OUT=target/bench
TIME=/usr/bin/time
FILES=20000
# The default CSV columns (CLI.md) that xmlstarlet is asked for; EXTRA stays empty.
COLS=(ORIGIN CODE STATUS SENTAS MMSID FROM FROM_MASK TO TRACKINGID SPID TIMESTAMP
  AGGREGATORID HANDSET OS STATUSDETAILS AUDIONAME VIDEONAME)

[[ -x $TIME ]] || die "$TIME not found (GNU time; Debian/Ubuntu package 'time')"
command -v python3 >/dev/null || die "python3 not found (bench/gen_dump.py needs it)"
command -v gzip >/dev/null || die "gzip not found"

bytes_of() { # SIZE string -> bytes, as gen_dump.py reads it
  python3 -c 'import sys; sys.path.insert(0, "bench"); import gen_dump; print(gen_dump.parse_size(sys.argv[1]))' "$1"
}
DOM_MAX_BYTES=$(bytes_of "$DOM_MAX") || die "bad DOM_MAX '$DOM_MAX'"

echo "==> cargo build --release --bin postback --example quickxml_count" >&2
cargo build --release --bin postback --example quickxml_count

HAVE_XMLSTARLET=0 HAVE_XQ=0
command -v xmlstarlet >/dev/null && HAVE_XMLSTARLET=1
command -v xq >/dev/null && xq --version >/dev/null 2>&1 && HAVE_XQ=1
[[ $HAVE_XMLSTARLET == 1 ]] || note "xmlstarlet not installed: its rows are skipped (apt-get install xmlstarlet)"
[[ $HAVE_XQ == 1 ]] || note "xq not installed: its rows are skipped (pip install yq; needs jq)"

# ---------------------------------------------------------------------------
# Corpora. The .meta.json is written last by gen_dump.py: no meta, no corpus.
mkdir -p "$OUT"
generate() { # FILE gen_dump.py-args...
  local file=$1
  shift
  if [[ ! -f $file || ! -f $file.meta.json ]]; then
    echo "==> generating $file" >&2
    rm -f "$file" "$file.meta.json"
    python3 bench/gen_dump.py --size "$SIZE" --out "$file" "$@"
  fi
}
meta() { # META-FILE -> "bytes postbacks"
  python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print(m["bytes"], m["postbacks"])' "$1"
}

MIXED="$OUT/dump-$SIZE.log"
GZ="$MIXED.gz"
CONCAT="$OUT/concat-$SIZE.xml"
WRAPPED="$OUT/concat-$SIZE.wrapped.xml"
LOG="$OUT/log-$SIZE.log"
WRAPPER="$OUT/wrapper-$SIZE.xml"
JSON="$OUT/json-$SIZE.jsonl"
V2="$OUT/v2-$SIZE.ndjson"
DIR="$OUT/files-20k"
LIFE="$OUT/lifecycle-$TRACK_MESSAGES.log"

want() { [[ " $SECTIONS " == *" $1 "* ]]; }
if want mixed || want gzip; then generate "$MIXED" --framing mixed; fi
if want gzip && [[ ! -f $GZ || $GZ -ot $MIXED ]]; then
  # Level 6, gzip's default, as logrotate writes it.
  echo "==> gzip -6 $MIXED" >&2
  gzip -6 -c "$MIXED" >"$GZ.tmp" && mv "$GZ.tmp" "$GZ"
fi
# The baselines parse one well-formed document: these two corpora have no
# malformed records, and postback reads the very same bytes.
if want concat; then
  generate "$CONCAT" --framing concat --malformed-rate 0
  if [[ ! -f $WRAPPED || $WRAPPED -ot $CONCAT ]]; then
    # Concatenated documents are not one document: drop the declarations and
    # wrap the rest in one root for xmlstarlet and xq (not timed).
    echo "==> wrapping $CONCAT in <BATCH> for xmlstarlet and xq" >&2
    { echo "<BATCH>"; grep -v '^<?xml' "$CONCAT"; echo "</BATCH>"; } >"$WRAPPED.tmp"
    mv "$WRAPPED.tmp" "$WRAPPED"
  fi
fi
if want wrapper; then generate "$WRAPPER" --framing wrapper --malformed-rate 0; fi
if want log; then generate "$LOG" --framing log; fi
if want json; then generate "$JSON" --framing json; fi
if want v2; then generate "$V2" --framing v2; fi
if want track && [[ ! -f $LIFE || ! -f $LIFE.meta.json ]]; then
  echo "==> generating $LIFE ($TRACK_MESSAGES messages)" >&2
  rm -f "$LIFE" "$LIFE.meta.json"
  python3 bench/gen_dump.py --lifecycle "$TRACK_MESSAGES" --out "$LIFE"
fi
if want files && [[ ! -d $DIR || ! -f $DIR.meta.json ]]; then
  echo "==> generating $DIR ($FILES files)" >&2
  rm -rf "$DIR" "$DIR.meta.json"
  python3 bench/gen_dump.py --dir "$DIR" --files "$FILES"
fi

# ---------------------------------------------------------------------------
cpu_model() {
  local m=""
  [[ -r /proc/cpuinfo ]] && m=$(grep -m1 -E '^(model name|Hardware|cpu model)' /proc/cpuinfo | cut -d: -f2- || true)
  [[ -z $m ]] && m=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1 || true)
  m="${m#"${m%%[![:space:]]*}"}"
  echo "${m:-unknown}"
}
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RESULTS="$OUT/results-$SIZE.tsv"
printf 'section\tkey\tcommand\tseconds\tMB/s\tpostbacks/s\trss_mib\tcpu_seconds\n' >"$RESULTS.tmp"

echo
echo "# postback benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# machine: nproc=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN), cpu: $(cpu_model), load average at start: $(load)"
echo "# binary:  $("$BIN" --version 2>/dev/null || echo "$BIN")"
echo "# runs:    $RUNS per command, the fastest reported; ratios are (baseline seconds) / (row seconds): above 1 is faster than the baseline"
[[ $HAVE_XMLSTARLET == 1 ]] && echo "# xmlstarlet: $(xmlstarlet --version | head -n1)" || echo "# xmlstarlet: not installed, rows skipped"
[[ $HAVE_XQ == 1 ]] && echo "# xq:      $(xq --version 2>&1 | head -n1), $(jq --version 2>&1)" || echo "# xq:      not installed, rows skipped"

declare -A SECS CPU MBS
SECTION="" CORPUS_BYTES=0 CORPUS_POSTBACKS=0
VS=() # ratio columns of the current section: "HEADER=KEY" (KEY "@ref": each row's own reference)
FAILED=0

FMT_HEAD='%-52s %8s %8s %8s %11s %8s'
section() { # NAME TITLE META-FILE WARM-PATH VS...
  SECTION=$1
  local title=$2 metafile=$3 warm=$4
  shift 4
  VS=("$@")
  read -r CORPUS_BYTES CORPUS_POSTBACKS < <(meta "$metafile")
  # Read the corpus once so that it sits in the page cache: no row pays for the disk.
  if [[ -d $warm ]]; then find "$warm" -type f -exec cat {} + >/dev/null; else cat "$warm" >/dev/null; fi
  echo
  echo "## $title"
  echo "# $CORPUS_BYTES bytes, $CORPUS_POSTBACKS postbacks; load average $(load)"
  local head
  # shellcheck disable=SC2059
  head=$(printf "$FMT_HEAD" command seconds "CPU s" MB/s postbacks/s "RSS MiB")
  local v
  for v in "${VS[@]}"; do head+=$(printf ' %13s' "vs ${v%%=*}"); done
  echo "$head"
  printf '%*s\n' "${#head}" '' | tr ' ' -
}

ratio() { # BASE-SECONDS ROW-SECONDS
  awk -v b="$1" -v r="$2" 'BEGIN {
    if (r <= 0) r = 0.001
    x = b / r
    if (x < 10) printf "%.2fx", x; else if (x < 100) printf "%.1fx", x; else printf "%.0fx", x }'
}

# Prints a row that was not measured.
skip_row() { # LABEL REASON
  # shellcheck disable=SC2059
  printf "%-52s %s\n" "$1" "skipped: $2"
}

show() { # a command line, shortened for the table
  local s="$*"
  s="${s//$BIN/postback}"
  s="${s//$QX/quickxml_count}"
  echo "${s//$OUT\//}"
}

# row KEY LABEL REF -- COMMAND...
#   LABEL "-": the command itself; REF: the key of this row's "@ref" baseline ("-": none).
#   Exit status 0 is success; for postback 1 is too (the corpora hold invalid records on purpose).
row() {
  local name=$1 key="$SECTION.$1" label=$2 ref=$3
  shift 4
  [[ $label == - ]] && label=$(show "$@")
  local best="" best_rss="" best_cpu="" rc secs rss cpu r
  for ((r = 0; r < RUNS; r++)); do
    rc=0
    local t0=$EPOCHREALTIME
    "$TIME" -f '%M %U %S' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/stderr" || rc=$?
    local t1=$EPOCHREALTIME
    if ! [[ $rc -eq 0 || ($rc -eq 1 && $1 == "$BIN") ]]; then
      best=""
      break
    fi
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    # The last line: time prints "Command exited with non-zero status" before it.
    read -r rss cpu < <(awk 'NF == 3 { m = $1; c = $2 + $3 } END { printf "%.1f %.2f\n", m / 1024, c }' "$TMP/time")
    if [[ -z $best ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$secs best_rss=$rss best_cpu=$cpu
    fi
  done
  if [[ -z $best ]]; then
    FAILED=1
    printf "%-52s FAILED (exit %s)\n" "$label" "$rc"
    sed 's/^/    | /' "$TMP/stderr" | tail -n 5
    return 0
  fi
  SECS[$key]=$best CPU[$key]=$best_cpu
  local mbs pbs line v base
  read -r mbs pbs < <(awk -v b="$CORPUS_BYTES" -v p="$CORPUS_POSTBACKS" -v s="$best" \
    'BEGIN { if (s <= 0) s = 0.001; printf "%.1f %.0f\n", b / 1e6 / s, p / s }')
  MBS[$key]=$mbs
  # shellcheck disable=SC2059
  line=$(printf "$FMT_HEAD" "$label" "$best" "$best_cpu" "$mbs" "$pbs" "$best_rss")
  for v in "${VS[@]}"; do
    base=${v#*=}
    [[ $base == @ref ]] && base=$ref
    base="$SECTION.$base"
    if [[ $base == "$key" || -z ${SECS[$base]:-} ]]; then
      line+=$(printf ' %13s' -)
    else
      line+=$(printf ' %13s' "$(ratio "${SECS[$base]}" "$best")")
    fi
  done
  echo "$line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SECTION" "$name" "$label" "$best" "$mbs" "$pbs" "$best_rss" "$best_cpu" >>"$RESULTS.tmp"
}

# The whole-document baselines, on FILE (one XML document).
dom_rows() { # FILE
  local file=$1 size
  size=$(wc -c <"$file")
  local why=""
  ((size > DOM_MAX_BYTES)) && why="input is larger than DOM_MAX=$DOM_MAX (they hold the whole document in memory)"
  local xs_args=(sel -T -t -o "$(IFS=,; echo "${COLS[*]}"),EXTRA" -n -m '/*/POSTBACK')
  local c
  for c in "${COLS[@]}"; do xs_args+=(-o '"' -v "$c" -o '",'); done
  xs_args+=(-n)
  local xs_label xq_label
  xs_label="xmlstarlet sel (CSV) $(show "$file")"
  xq_label="xq -c '.BATCH.POSTBACK[]' $(show "$file")"
  if [[ $HAVE_XMLSTARLET == 0 ]]; then
    skip_row "$xs_label" "xmlstarlet not installed"
  elif [[ -n $why ]]; then
    skip_row "$xs_label" "$why"
  else
    row xmlstarlet "$xs_label" - -- xmlstarlet "${xs_args[@]}" "$file"
  fi
  if [[ $HAVE_XQ == 0 ]]; then
    skip_row "$xq_label" "xq not installed"
  elif [[ -n $why ]]; then
    skip_row "$xq_label" "$why"
  else
    row xq "$xq_label" - -- xq -c '.BATCH.POSTBACK[]' "$file"
  fi
}

postback_rows() { # FILE
  row validate - - -- "$BIN" validate -q "$1"
  row validate-j1 - - -- "$BIN" validate -q --jobs 1 "$1"
  row csv - - -- "$BIN" convert --to csv "$1"
  row ndjson - - -- "$BIN" convert --to ndjson "$1"
  row track - - -- "$BIN" track "$1"
}

if want mixed; then
  section mixed "mixed log dump (log lines, documents, JSON lines, form bodies, wrappers, noise): $(show "$MIXED")" \
    "$MIXED.meta.json" "$MIXED" "quickxml=quickxml"
  row cat - - -- cat "$MIXED"
  row quickxml - - -- "$QX" "$MIXED"
  skip_row "xmlstarlet, xq" "a log dump is not an XML document"
  postback_rows "$MIXED"
fi

if want gzip; then
  section gzip "gzip of the mixed dump: $(show "$GZ"), $(wc -c <"$GZ") bytes compressed (MB/s of the uncompressed text)" \
    "$MIXED.meta.json" "$GZ" "gzip -dc=gzip"
  row gzip - - -- gzip -dc "$GZ"
  row validate - - -- "$BIN" validate -q "$GZ"
  row validate-j1 - - -- "$BIN" validate -q --jobs 1 "$GZ"
  row csv - - -- "$BIN" convert --to csv "$GZ"
fi

if want concat; then
  section concat "concatenated documents, each with its <?xml?>, none malformed: $(show "$CONCAT") (xmlstarlet and xq read it wrapped in one root: $(show "$WRAPPED"))" \
    "$CONCAT.meta.json" "$CONCAT" "quickxml=quickxml" "xmlstarlet=xmlstarlet" "xq=xq"
  cat "$WRAPPED" >/dev/null
  row cat - - -- cat "$CONCAT"
  row quickxml - - -- "$QX" "$CONCAT"
  dom_rows "$WRAPPED"
  postback_rows "$CONCAT"
fi

if want log; then
  section log "single-line log lines: $(show "$LOG")" "$LOG.meta.json" "$LOG" "quickxml=quickxml"
  row cat - - -- cat "$LOG"
  row quickxml - - -- "$QX" "$LOG"
  skip_row "xmlstarlet, xq" "a log is not an XML document"
  postback_rows "$LOG"
fi

if want wrapper; then
  section wrapper "one <BATCH> document holding every postback, none malformed: $(show "$WRAPPER")" \
    "$WRAPPER.meta.json" "$WRAPPER" "quickxml=quickxml" "xmlstarlet=xmlstarlet" "xq=xq"
  row cat - - -- cat "$WRAPPER"
  row quickxml - - -- "$QX" "$WRAPPER"
  dom_rows "$WRAPPER"
  postback_rows "$WRAPPER"
fi

if want json; then
  section json "JSON log lines (the XML in an escaped JSON string): $(show "$JSON")" "$JSON.meta.json" "$JSON" "quickxml=quickxml"
  row cat - - -- cat "$JSON"
  row quickxml - - -- "$QX" "$JSON"
  skip_row "xmlstarlet, xq" "JSON lines are not an XML document"
  postback_rows "$JSON"
fi

if want v2; then
  section v2 "v2 JSON postbacks (NDJSON lines, JSON after text on log lines, pretty bodies): $(show "$V2")" "$V2.meta.json" "$V2" "quickxml=quickxml"
  row cat - - -- cat "$V2"
  row quickxml - - -- "$QX" "$V2"
  skip_row "xmlstarlet, xq" "JSON is not an XML document"
  postback_rows "$V2"
fi

if want files; then
  section files "a directory of $FILES one-postback files: $(show "$DIR")" "$DIR.meta.json" "$DIR" "--jobs 1=@ref"
  row cat "find -exec cat {} + $(show "$DIR")" - -- find "$DIR" -type f -exec cat {} +
  row validate-j1 - - -- "$BIN" validate -q --jobs 1 "$DIR"
  row validate - validate-j1 -- "$BIN" validate -q "$DIR"
  row csv-j1 - - -- "$BIN" convert --to csv --jobs 1 "$DIR"
  row csv - csv-j1 -- "$BIN" convert --to csv "$DIR"
fi

if want track; then
  section track "linked lifecycles of $TRACK_MESSAGES messages, as log lines: $(show "$LIFE")" \
    "$LIFE.meta.json" "$LIFE" "validate=@ref"
  row validate - - -- "$BIN" validate -q "$LIFE"
  row track - validate -- "$BIN" track --format json "$LIFE"
  row validate-j1 - - -- "$BIN" validate -q --jobs 1 "$LIFE"
  row track-j1 - validate-j1 -- "$BIN" track --format json --jobs 1 "$LIFE"
  # What track found against what the generator wrote (percentiles within 0.1 %).
  "$BIN" track --format json "$LIFE" >"$TMP/track.json"
  python3 - "$LIFE.meta.json" "$TMP/track.json" <<'PY' || FAILED=1
import json, sys
want = json.load(open(sys.argv[1]))["track"]
got = json.load(open(sys.argv[2]))
bad = []
for key, value in want.items():
    if key == "latency_s":
        for q, v in value.items():
            g = got[key][q]
            if (v is None) != (g is None) or (v is not None and abs(g - v) > v / 1000):
                bad.append("latency_s.%s %s, generated %s" % (q, g, v))
    elif got[key] != value:
        bad.append("%s %s, generated %s" % (key, got[key], value))
print("  track --format json vs the generated outcomes: " + ("all %d keys agree" % len(want) if not bad else "DIFFER: " + "; ".join(bad)))
sys.exit(1 if bad else 0)
PY
  TEN=$((TRACK_MESSAGES * 10))
  row track-x10 "sed x10 | postback track --format json - ($TEN messages)" - -- \
    bash -c 'for k in 0 1 2 3 4 5 6 7 8 9; do sed "s/<TRACKINGID>/&$k/" "$1"; done | "$2" track --format json -' _ "$LIFE" "$BIN"
fi
mv "$RESULTS.tmp" "$RESULTS"

# ---------------------------------------------------------------------------
# The throughput targets, checked on what this run measured.
echo
echo "## targets, from this run; load average at the end: $(load)"
check() { # DESCRIPTION MEASURED-RATIO-OR-EMPTY MIN
  local what=$1 got=$2 min=$3
  if [[ -z $got ]]; then
    printf '  %-62s  not measured (a row was skipped or failed)\n' "$what"
  elif awk -v g="$got" -v m="$min" 'BEGIN { exit !(g >= m) }'; then
    printf '  %-62s %9.3fx  met (>= %sx)\n' "$what" "$got" "$min"
  else
    printf '  %-62s %9.3fx  NOT met (>= %sx)\n' "$what" "$got" "$min"
  fi
}
speedup() { # BASE-KEY ROW-KEY -> base seconds / row seconds, or empty
  [[ -n ${SECS[$1]:-} && -n ${SECS[$2]:-} ]] || return 0
  awk -v b="${SECS[$1]}" -v r="${SECS[$2]}" 'BEGIN { if (r <= 0) r = 0.001; printf "%.3f", b / r }'
}
cpu_speedup() { # as speedup, by CPU time: what one core does, whatever the load
  [[ -n ${CPU[$1]:-} && -n ${CPU[$2]:-} ]] || return 0
  awk -v b="${CPU[$1]}" -v r="${CPU[$2]}" 'BEGIN { if (r <= 0) r = 0.001; printf "%.3f", b / r }'
}
mbs_ratio() { # ROW-KEY BASE-KEY -> row MB/s / base MB/s, or empty
  [[ -n ${MBS[$1]:-} && -n ${MBS[$2]:-} ]] || return 0
  awk -v r="${MBS[$1]}" -v b="${MBS[$2]}" 'BEGIN { if (b <= 0) b = 0.001; printf "%.3f", r / b }'
}
if want v2 && want log; then
  # v2 JSON is read at no less than half the speed of XML, on one core.
  check "v2: validate --jobs 1 MB/s vs log (XML) validate --jobs 1" "$(mbs_ratio v2.validate-j1 log.validate-j1)" 0.5
  check "v2: convert --to ndjson MB/s vs log (XML) convert --to ndjson" "$(mbs_ratio v2.ndjson log.ndjson)" 0.5
fi
for s in mixed concat log wrapper json; do
  want "$s" || continue
  check "$s: validate (default jobs) vs quickxml_count" "$(speedup "$s.quickxml" "$s.validate")" 2
  check "$s: validate --jobs 1 vs quickxml_count" "$(speedup "$s.quickxml" "$s.validate-j1")" 1
  check "$s:   the same by CPU time (load-independent)" "$(cpu_speedup "$s.quickxml" "$s.validate-j1")" 1
  check "$s: convert --to csv vs quickxml_count" "$(speedup "$s.quickxml" "$s.csv")" 1.5
  check "$s: convert --to ndjson vs quickxml_count" "$(speedup "$s.quickxml" "$s.ndjson")" 1.5
  check "$s: track vs validate (default jobs)" "$(speedup "$s.validate" "$s.track")" 0.8
done
for s in concat wrapper; do
  want "$s" || continue
  for f in csv ndjson; do
    check "$s: convert --to $f vs xmlstarlet sel" "$(speedup "$s.xmlstarlet" "$s.$f")" 10
    check "$s: convert --to $f vs xq" "$(speedup "$s.xq" "$s.$f")" 30
  done
done
if want gzip; then
  check "gzip: validate FILE.gz vs gzip -dc >/dev/null" "$(speedup gzip.gzip gzip.validate)" 1
fi
if want track; then
  check "track: track vs validate (default jobs)" "$(speedup track.validate track.track)" 0.8
  check "track: track --jobs 1 vs validate --jobs 1" "$(speedup track.validate-j1 track.track-j1)" 0.8
  check "track:   the same by CPU time (load-independent)" "$(cpu_speedup track.validate-j1 track.track-j1)" 0.8
  awk -F'\t' -v n="$TRACK_MESSAGES" '$1 == "track" && $2 == "track" { one = $7 } $1 == "track" && $2 == "track-x10" { ten = $7 }
    END { if (one && ten) printf "  %-62s %6.1f bytes (peak RSS %.0f MiB at %d, %.0f MiB at %d messages)\n",
      "track: peak RSS per message, 1x to 10x", (ten - one) * 1048576 / (9 * n), one, n, ten, 10 * n }' "$RESULTS" 2>/dev/null || true
fi
if want files; then
  check "files: validate (default jobs) vs --jobs 1" "$(speedup files.validate-j1 files.validate)" 1.7
  check "files: convert --to csv (default jobs) vs --jobs 1" "$(speedup files.csv-j1 files.csv)" 1.7
fi
# Peak RSS of every postback row, and against the other size's results if there are any.
# track holds its finished messages (about 50 bytes each): its section is left out.
awk -F'\t' 'NR > 1 && $3 ~ /^postback / && $1 != "track" {
    if ($7 + 0 > max) { max = $7 + 0; at = $3 }
    if ($7 + 0 >= 16) over = over "\n      " $3 " (" $7 " MiB)"
  }
  END {
    printf "  %-62s %6.1f MiB  %s\n", "peak RSS of every postback row", max,
      (over == "" ? "met (< 16 MiB)" : "NOT met (< 16 MiB)")
    printf "    highest: %s\n", at
    if (over != "") printf "    16 MiB or more:%s\n", over
  }' "$RESULTS"
for other in "$OUT"/results-*.tsv; do
  [[ -f $other && $other != "$RESULTS" ]] || continue
  awk -F'\t' -v this="$SIZE" -v that="$(basename "$other" .tsv | sed 's/^results-//')" '
    FNR == 1 { file++; next }
    $3 ~ /^postback / && $1 != "files" && $1 != "track" {
      k = $1 "." $2
      if (file == 1) a[k] = $7; else b[k] = $7
    }
    END {
      for (k in a) if (k in b) {
        d = a[k] - b[k]; if (d < 0) d = -d
        if (d > max) { max = d; at = k }
        n++
      }
      if (n) printf "  %-62s %6.1f MiB  (largest difference, %s)\n",
        "peak RSS at " this " vs " that " over " n " rows", max, at
    }' "$RESULTS" "$other"
done
echo "# results: $RESULTS"
exit "$FAILED"
