#!/usr/bin/env python3
"""Run examples/duckdb/track.sql over Parquet files; print its summary as JSON.

    duckdb_track.py 'archive/*.parquet' > duckdb.json
"""

import json
import os
import sys

import duckdb

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
SQL = os.path.join(EXAMPLES, "duckdb", "track.sql")
LIFECYCLE = os.path.join(EXAMPLES, "lifecycle.tsv")


def rows(con, view):
    cursor = con.execute("FROM " + view)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def main():
    con = duckdb.connect()
    con.execute("SET VARIABLE parquet = ?", [sys.argv[1]])
    con.execute("SET VARIABLE lifecycle = ?", [LIFECYCLE])
    con.execute(open(SQL).read())
    # quantile_disc is exact.
    out = {"summary": rows(con, "summary")[0], "by_carrier": rows(con, "by_carrier"),
           "relative_error": 0.0}
    json.dump(out, sys.stdout, default=float)


if __name__ == "__main__":
    main()
