#!/usr/bin/env python3
"""Compare an engine's track summary with `postback track --format json`.

    check.py TRACK.json ENGINE.json NAME

ENGINE.json: {"summary": {...}, "by_carrier": [{...}]} as the engine computed
it. Counts and delivery rates must be equal; percentiles within the larger of
the engine's approximation error (`relative_error` in ENGINE.json) and track's
0.1 %, plus one second for HDR bucket rounding.
"""

import json
import sys


def main():
    track = json.load(open(sys.argv[1]))
    engine = json.load(open(sys.argv[2]))
    name = sys.argv[3]
    summary, groups = engine["summary"], engine["by_carrier"]
    rel = max(engine.get("relative_error", 0.0), 0.001)
    failures = []

    def same(what, want, got):
        if want != got:
            failures.append("%s: track says %r, %s says %r" % (what, want, name, got))

    def close(what, want, got):
        if want is None or got is None:
            same(what, want, got)
        elif abs(want - got) > rel * abs(want) + 1.0:
            failures.append("%s: track says %r, %s says %r (allowed %.1f%%)"
                            % (what, want, name, got, rel * 100))

    for key in ["postbacks", "tracked", "duplicates", "messages", "orphans",
                "conflicts", "clock_skew", "fallback"]:
        same(key, track[key], summary[key])
    for state, count in track["states"].items():
        same("states." + state, count, summary[state])
    same("delivery_rate", track["delivery_rate"], summary["delivery_rate"])
    same("latency_s.count", track["latency_s"]["count"], summary["latency_count"])
    for p in ["p50", "p90", "p99", "max"]:
        close("latency_s." + p, track["latency_s"][p], summary[p + "_s"])
    same("groups", [g["spid"] for g in track["groups"]], [g["spid"] for g in groups])
    for want, got in zip(track["groups"], groups):
        for key in ["messages", "delivered", "delivery_rate"]:
            same("%s.%s" % (want["spid"], key), want[key], got[key])
        for p in ["p50", "p90"]:
            close("%s.%s" % (want["spid"], p), want["latency_s"][p], got[p + "_s"])
    if failures:
        print("\n".join(failures))
        print("0 passed, 1 failed: %s disagrees with postback track" % name)
        sys.exit(1)
    print("%s agrees with postback track: %d messages, %d carriers"
          % (name, summary["messages"], len(groups)))


if __name__ == "__main__":
    main()
