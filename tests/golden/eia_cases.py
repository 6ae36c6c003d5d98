#!/usr/bin/python3
"""ctest eia_evaluator_cases: the 100 cases worked by hand from the catalog (tests/eia/
reference_reading.py, kept by the catalog data's author) answered by `redline eia --format json`,
the product's evaluator: same category, and the same item whenever the case names one."""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "eia"))
from reference_reading import CASES  # noqa: E402


def gbt_codes():
    import csv
    with open(os.path.join(os.path.dirname(os.path.dirname(HERE)), "src", "data", "gbt4754_2017.csv"),
              encoding="utf-8") as fh:
        return {row["numeric_code"] for row in csv.DictReader(fh)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    a = ap.parse_args()
    bad = 0
    codes = gbt_codes()
    for code, facts, sens, cat, item in CASES:
        if code and code not in codes:
            # Not a GB/T 4754-2017 code (the reference reading does not check codes): redline
            # refuses it as a usage error rather than answering 不纳入 (SPEC §6.2).
            p = subprocess.run([a.redline, "eia", "--industry", code], capture_output=True, text=True)
            if p.returncode != 2:
                bad += 1
                print(f"FAIL eia --industry {code}: not a GB/T code, expected exit 2, got {p.returncode}")
            continue
        cmd = [a.redline, "eia", "--format", "json"]
        if code:
            cmd += ["--industry", code]
        for k, v in facts.items():
            cmd += ["--fact", f"{k}={v}"]
        for s in sens:
            cmd += ["--sensitive", s]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            bad += 1
            print(f"FAIL {' '.join(cmd[1:])}: exit {p.returncode}: {p.stderr.strip()}")
            continue
        got = json.loads(p.stdout)
        if got["category"] != cat or (item is not None and got["item"] != item):
            bad += 1
            print(f"FAIL {' '.join(cmd[1:])}: expected {cat} item {item}, got {got['category']} "
                  f"item {got['item']} missing {got['missing']}")
    print(f"{len(CASES)} cases, {bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
