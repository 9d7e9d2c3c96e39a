#!/usr/bin/env python3
"""bench/compare.py -- compare two bench results, figure by figure.

    bench/compare.py OLD NEW [FILTER]

OLD and NEW are summary.json files (or result directories holding one), or
two single-run JSON files of the same scenario. Every numeric figure found
in both is printed with its two values and the ratio NEW/OLD; medians are
used where the file has them. FILTER (a substring) keeps matching keys only,
e.g. "throughput.steps.5000" or "p99".
"""
import json
import os
import sys


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "summary.json")
    with open(path) as f:
        return json.load(f)


def flatten(v, prefix, out):
    if isinstance(v, dict):
        if "median" in v and "values" in v:          # a summarized figure
            flatten(v["median"], prefix, out)
            return
        for k, x in v.items():
            flatten(x, prefix + "." + k if prefix else k, out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            key = str(i)
            if isinstance(x, dict):                  # steps: by offered rate
                key = str(x.get("offered_per_s", x.get("step", i)))
            flatten(x, prefix + "." + key, out)
    elif isinstance(v, bool):
        out[prefix] = int(v)
    elif isinstance(v, (int, float)):
        out[prefix] = v


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    a, b = {}, {}
    flatten(load(sys.argv[1]), "", a)
    flatten(load(sys.argv[2]), "", b)
    filt = sys.argv[3] if len(sys.argv) == 4 else ""
    keys = [k for k in a if k in b and filt in k and not k.startswith("machine")]
    if not keys:
        sys.exit("compare: no figure in common")
    w = max(len(k) for k in keys)
    print("%-*s %14s %14s %8s" % (w, "figure", "old", "new", "new/old"))
    for k in keys:
        x, y = a[k], b[k]
        ratio = "%.3f" % (y / x) if x else ("=" if y == x else "inf")
        print("%-*s %14.6g %14.6g %8s" % (w, k, x, y, ratio))


if __name__ == "__main__":
    main()
