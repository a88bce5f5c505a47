#!/usr/bin/env bash
# Builds fuzz/corpus/TARGET from every file under tests/fixtures and fuzz/seeds.
#
#   fuzz/seed.sh frame_parse_check
#
# Each target reads two option bytes before the capture (see the targets'
# module docs), so each file is written three times: with the default 1 MiB
# record limit, with a 64-byte limit and with a 576-byte limit, each with a
# different split into reads / parts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
target="${1:?usage: fuzz/seed.sh TARGET}"
out="corpus/$target"
mkdir -p "$out"
n=0
while IFS= read -r -d '' file; do
  for head in '\x80\x03' '\x00\x11' '\x40\x2a'; do
    n=$((n + 1))
    { printf "$head"; cat "$file"; } >"$out/seed-$n"
  done
done < <(find ../tests/fixtures seeds -type f ! -name README.md -print0 | sort -z)
echo "fuzz/seed.sh: $n seeds in fuzz/$out" >&2
