#!/usr/bin/env bash
# The at-scale paths agree with `postback track`: on a generated capture,
# DuckDB (examples/duckdb/track.sql over the Parquet `postback convert`
# wrote) and Spark in local mode (examples/spark/track.py, both from the
# Parquet and with the binary run inside the executors) give the same message
# counts, state counts and per-carrier delivery rates, and percentiles within
# the approximation's error.
#
# Installs what it needs: DuckDB and PySpark from PyPI into a virtualenv under
# target/, and a Java runtime with apt-get where none is found.
# POSTBACK_SKIP_SPARK=1 runs the DuckDB part only.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --locked --quiet
bin="$root/target/debug/postback"

venv="$root/target/engines-venv"
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv" 2>/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check duckdb

python3 tests/engines/gen_capture.py --messages 4000 --out "$work/capture.log"
"$bin" convert "$work/capture.log" -o "$work/capture.parquet" --quiet
"$bin" track --format json "$work/capture.log" > "$work/track.json"

"$py" tests/engines/duckdb_track.py "$work/capture.parquet" > "$work/duckdb.json"
"$py" tests/engines/check.py "$work/track.json" "$work/duckdb.json" DuckDB

if [ "${POSTBACK_SKIP_SPARK:-}" = 1 ]; then
  echo "1 passed, 0 failed (Spark skipped)"
  exit 0
fi
if ! command -v java >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null
fi
"$py" -m pip install --quiet --disable-pip-version-check pyspark
export PYSPARK_PYTHON="$py" SPARK_LOCAL_IP=127.0.0.1
spark() {
  "$py" examples/spark/track.py "$@" 2> "$work/spark.log" > /dev/null \
    || { tail -40 "$work/spark.log"; exit 1; }
}
spark --parquet "$work/capture.parquet" --out "$work/spark-parquet"
"$py" tests/engines/check.py "$work/track.json" "$work/spark-parquet/summary.json" "Spark (Parquet)"
mkdir -p "$work/captures"
split -n l/4 -d "$work/capture.log" "$work/captures/part-"
spark --captures "$work/captures/*" --postback "$bin" --out "$work/spark-captures"
"$py" tests/engines/check.py "$work/track.json" "$work/spark-captures/summary.json" "Spark (captures)"
echo "3 passed, 0 failed"
