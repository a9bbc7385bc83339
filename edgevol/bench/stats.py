"""Latency summaries shared by the benchmarks."""

import json
import os
import statistics


def percentile(samples, fraction):
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples):
    """p50/p95/mean/max of ``samples`` (seconds) in milliseconds."""
    return {"n": len(samples),
            "p50_ms": round(percentile(samples, 0.50) * 1000, 2),
            "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
            "mean_ms": round(statistics.fmean(samples) * 1000, 2)
            if samples else float("nan"),
            "max_ms": round(max(samples) * 1000, 2) if samples
            else float("nan")}


def print_table(title, rows):
    """``rows``: list of (name, value, unit/note)."""
    width = max(len(name) for name, _, _ in rows)
    print("\n%s\n%s" % (title, "-" * len(title)))
    for name, value, note in rows:
        print("%-*s  %12s  %s" % (width, name, value, note))


def write_json(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as out:
        json.dump(data, out, indent=2, sort_keys=True)
    print("\nJSON written to %s" % path)
