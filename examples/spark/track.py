#!/usr/bin/env python3
"""The `postback track` summary for captures spread over a cluster, in Spark SQL.

Two ways in:

  # Captures as they are: every executor runs the postback binary (shipped
  # with --files) on whole files, so no record is cut at a split boundary.
  spark-submit --files /usr/local/bin/postback examples/spark/track.py \
      --captures 'hdfs:///webhooks/2024/*/*.log' --out summary/

  # Or Parquet that `postback convert -o day.parquet` wrote on each machine.
  spark-submit examples/spark/track.py --parquet 'hdfs:///archive/*.parquet' --out summary/

`--captures` reads each file whole (`wholeTextFiles`: `textFile` splits files
at block boundaries and would cut multi-line postbacks in two) and pipes it
through `postback convert --to ndjson --canonical`; the fields the summary
needs are taken from each JSON object by name, never by inferring a schema
(Spark matches names case-insensitively, and a capture holding both `STATUS`
and `Status` would fail `spark.read.json`). TIMESTAMP becomes an instant with
`try_to_timestamp`, so one bad date is a null rather than a failed job.

Writes summary.json and by_carrier.json under --out (one JSON object a line)
and prints both.
"""

import argparse
import csv
import json
import os
import shlex

from pyspark import SparkFiles
from pyspark.sql import Row, SparkSession

# What each (ORIGIN, CODE, STATUS) means, as `postback track` reads it: the
# table in examples/lifecycle.tsv, where an empty STATUS answers for any
# status the code's other rows lack.
LIFECYCLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lifecycle.tsv")


def read_lifecycle(path):
    """The table's rows, on the driver: it is small, and Spark joins it to every postback."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(r["origin"], r["code"], r["status"] or None, r["family"], r["phase"],
             r["state"] or None, r["fallback"] == "true", r["sent_as_sms"] == "true")
            for r in rows]

# The columns of `postback convert --to parquet` the summary reads, and the
# v1.3 field each comes from in NDJSON.
FIELDS = [("origin", "ORIGIN"), ("code", "CODE"), ("status", "STATUS"),
          ("sent_as", "SENTAS"), ("tracking_id", "TRACKINGID"), ("spid", "SPID"),
          ("timestamp_text", "TIMESTAMP")]

# percentile_approx's accuracy: its relative error is 1 / ACCURACY.
ACCURACY = 10000

SQL = """
CREATE OR REPLACE TEMP VIEW reading AS
SELECT monotonically_increasing_id() AS n,
       nullif(trim(origin), '') AS origin, nullif(trim(code), '') AS code,
       nullif(trim(status), '') AS status, nullif(trim(sent_as), '') AS sent_as,
       nullif(trim(tracking_id), '') AS tracking_id, nullif(trim(spid), '') AS spid,
       nullif(trim(timestamp_text), '') AS timestamp_text, ts
FROM postbacks;

CREATE OR REPLACE TEMP VIEW steps AS
SELECT * FROM (
  SELECT r.*, l.family, l.phase, l.state, l.fallback,
         row_number() OVER (PARTITION BY r.n
                            ORDER BY l.status IS NULL, l.sent_as_sms DESC) AS pick
  FROM reading r JOIN lifecycle l
    ON l.origin = r.origin AND l.code = r.code
   AND (l.status = r.status OR l.status IS NULL)
   AND (NOT l.sent_as_sms OR r.sent_as = 'SMS')
  WHERE r.tracking_id IS NOT NULL
) WHERE pick = 1;

CREATE OR REPLACE TEMP VIEW distinct_steps AS
SELECT * FROM (
  SELECT *, row_number() OVER (
      PARTITION BY family, tracking_id, origin, code, status,
                   coalesce(CAST(unix_millis(ts) AS STRING), timestamp_text, '')
      ORDER BY n) AS copy
  FROM steps
) WHERE copy = 1;

CREATE OR REPLACE TEMP VIEW messages AS
WITH sent AS (
  SELECT family, tracking_id, ts, spid FROM (
    SELECT *, row_number() OVER (PARTITION BY family, tracking_id
                                 ORDER BY ts IS NULL, ts, n) AS k
    FROM distinct_steps WHERE phase = 'sent') WHERE k = 1
), final AS (
  SELECT family, tracking_id, ts, spid, state, fallback, finals FROM (
    SELECT *, row_number() OVER (PARTITION BY family, tracking_id
                                 ORDER BY ts IS NOT NULL DESC, ts DESC, n DESC) AS k,
              count(*) OVER (PARTITION BY family, tracking_id) AS finals
    FROM distinct_steps WHERE phase = 'final') WHERE k = 1
)
SELECT coalesce(s.spid, f.spid) AS spid,
       coalesce(f.state, 'pending') AS state,
       f.state IS NOT NULL AND s.tracking_id IS NULL AND f.state <> 'submit_failed' AS orphan,
       coalesce(f.finals, 0) > 1 AS conflict,
       coalesce(f.ts < s.ts, false) AS clock_skew,
       coalesce(f.state = 'delivered' AND f.fallback, false) AS fallback,
       CASE WHEN f.ts >= s.ts THEN (unix_millis(f.ts) - unix_millis(s.ts)) / 1000.0 END
           AS latency_s
FROM sent s FULL OUTER JOIN final f
  ON s.family = f.family AND s.tracking_id = f.tracking_id;
"""

SUMMARY = """
SELECT (SELECT count(*) FROM reading) AS postbacks,
       (SELECT count(*) FROM distinct_steps) AS tracked,
       (SELECT count(*) FROM steps) - (SELECT count(*) FROM distinct_steps) AS duplicates,
       count(*) AS messages,
       count_if(state = 'delivered') AS delivered,
       count_if(state = 'failed') AS failed,
       count_if(state = 'expired') AS expired,
       count_if(state = 'rejected') AS rejected,
       count_if(state = 'not_supported') AS not_supported,
       count_if(state = 'submit_failed') AS submit_failed,
       count_if(state = 'pending') AS pending,
       count_if(orphan) AS orphans, count_if(conflict) AS conflicts,
       count_if(clock_skew) AS clock_skew, count_if(fallback) AS fallback,
       count_if(state = 'delivered') / nullif(count_if(state <> 'pending'), 0) AS delivery_rate,
       count(latency_s) AS latency_count,
       percentile_approx(latency_s, 0.5, {a}) AS p50_s,
       percentile_approx(latency_s, 0.9, {a}) AS p90_s,
       percentile_approx(latency_s, 0.99, {a}) AS p99_s,
       max(latency_s) AS max_s
FROM messages
""".format(a=ACCURACY)

BY_CARRIER = """
SELECT spid, count(*) AS messages, count_if(state = 'delivered') AS delivered,
       count_if(state = 'delivered') / nullif(count_if(state <> 'pending'), 0) AS delivery_rate,
       percentile_approx(latency_s, 0.5, {a}) AS p50_s,
       percentile_approx(latency_s, 0.9, {a}) AS p90_s
FROM messages GROUP BY spid ORDER BY messages DESC, spid
""".format(a=ACCURACY)


def first(value):
    """A field's first value: NDJSON makes a repeated field an array."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def converted(lines):
    """NDJSON postbacks as rows of the columns the summary reads."""
    for line in lines:
        if not line.strip():
            continue
        obj = json.loads(line)
        yield Row(**{column: first(obj.get(field)) for column, field in FIELDS})


def from_captures(spark, pattern, binary):
    sc = spark.sparkContext
    if binary:
        sc.addFile(binary)
    # Each file whole, then through the binary on the executor; a file's
    # text goes in with a newline so that its last record is ended.
    command = "%s convert --to ndjson --canonical --quiet -" % shlex.quote(
        SparkFiles.get(os.path.basename(binary)) if binary else "postback")
    lines = sc.wholeTextFiles(pattern).values().map(lambda t: t + "\n").pipe(command)
    rows = lines.mapPartitions(converted)
    frame = spark.createDataFrame(rows, ",".join("%s string" % c for c, _ in FIELDS))
    frame.createOrReplaceTempView("raw")
    spark.sql("""CREATE OR REPLACE TEMP VIEW postbacks AS
        SELECT *, coalesce(try_to_timestamp(trim(timestamp_text), "yyyy-MM-dd'T'HH:mm:ss[.SSS]XXX"),
                           try_to_timestamp(trim(timestamp_text), "yyyy-MM-dd'T'HH:mm:ss[.SSS]XX"),
                           try_to_timestamp(trim(timestamp_text), "yyyy-MM-dd'T'HH:mm:ss[.SSS]X"))
               AS ts FROM raw""")


def from_parquet(spark, pattern):
    spark.read.parquet(pattern).createOrReplaceTempView("raw")
    spark.sql('CREATE OR REPLACE TEMP VIEW postbacks AS SELECT *, `timestamp` AS ts FROM raw')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--captures", help="capture files (globs)")
    source.add_argument("--parquet", help="Parquet files postback wrote")
    parser.add_argument("--postback", help="the postback binary to ship (default: on PATH)")
    parser.add_argument("--lifecycle", default=LIFECYCLE,
                        help="the state table (default: examples/lifecycle.tsv)")
    parser.add_argument("--out", required=True, help="directory for summary.json, by_carrier.json")
    args = parser.parse_args()

    spark = (SparkSession.builder.appName("postback-track")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    if args.captures:
        from_captures(spark, args.captures, args.postback)
    else:
        from_parquet(spark, args.parquet)
    schema = "origin string, code string, status string, family string, phase string, " \
             "state string, fallback boolean, sent_as_sms boolean"
    spark.createDataFrame(read_lifecycle(args.lifecycle), schema).createOrReplaceTempView("lifecycle")
    for statement in SQL.split(";"):
        if statement.strip():
            spark.sql(statement)
    summary = spark.sql(SUMMARY).collect()[0].asDict()
    groups = [r.asDict() for r in spark.sql(BY_CARRIER).collect()]
    os.makedirs(args.out, exist_ok=True)
    result = {"summary": summary, "by_carrier": groups, "relative_error": 1.0 / ACCURACY}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(result, f, default=float)
    print(json.dumps(summary, default=float))
    for group in groups:
        print(json.dumps(group, default=float))
    spark.stop()


if __name__ == "__main__":
    main()
