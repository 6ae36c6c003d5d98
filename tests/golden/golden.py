#!/usr/bin/python3
"""Golden CLI test: `redline batch` on sample_data/yongkang at 1 and 4 threads.

Checks the exit code, that stderr is empty, that every input record appears
exactly once in every output (rows in = rows out), that the canonical dumps
at 1 and 4 threads are identical, and that they equal the committed golden
dump. `--update` rewrites the golden file after a deliberate change.
"""
import argparse
import csv
import difflib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import dump  # noqa: E402


def run_batch(redline, workdir, threads):
    out = os.path.join(workdir, f"out{threads}.gpkg")
    js = os.path.join(workdir, f"out{threads}.json")
    cs = os.path.join(workdir, f"out{threads}.csv")
    cmd = [redline, "batch", "sample_data/yongkang/rulebook.yaml",
           "sample_data/yongkang/applications.csv", "-o", out, "--json", js, "--csv", cs,
           "--threads", str(threads)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stderr}")
    if p.stderr.strip():
        sys.exit(f"FAIL: stderr not empty:\n{p.stderr}")
    lines = []
    dump.dump_gpkg(out, lines)
    dump.dump_json(js, lines)
    return out, js, cs, "\n".join(lines) + "\n"


def input_ids():
    with open(os.path.join(ROOT, "sample_data/yongkang/applications.csv"), encoding="utf-8-sig") as fh:
        return [row["id"] or f"#{i + 1}" for i, row in enumerate(csv.DictReader(fh))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    golden = os.path.join(HERE, "yongkang.dump")
    with tempfile.TemporaryDirectory() as tmp:
        out1, js1, cs1, d1 = run_batch(args.redline, tmp, 1)
        _, _, _, d4 = run_batch(args.redline, tmp, 4)
        if d1 != d4:
            diff = difflib.unified_diff(d1.splitlines(), d4.splitlines(), "threads=1", "threads=4",
                                        lineterm="", n=1)
            sys.exit("FAIL: results depend on the thread count:\n" + "\n".join(list(diff)[:80]))

        ids = input_ids()
        from osgeo import ogr
        ds = ogr.Open(out1)
        sites = [f.GetField("site_id") for f in ds.GetLayerByName("sites")]
        with open(js1, encoding="utf-8") as fh:
            js_ids = [s["site_id"] for s in json.load(fh)]
        with open(cs1, encoding="utf-8-sig") as fh:
            cs_ids = [r["site_id"] for r in csv.DictReader(fh)]
        for name, got in (("sites layer", sites), ("JSON", js_ids), ("CSV", cs_ids)):
            if got != ids:
                sys.exit(f"FAIL: rows in != rows out in {name}: {len(ids)} in, {len(got)} out")

        if args.update:
            with open(golden, "w", encoding="utf-8") as fh:
                fh.write(d1)
            print(f"updated {golden}")
            return
        with open(golden, encoding="utf-8") as fh:
            expected = fh.read()
        if expected != d1:
            diff = difflib.unified_diff(expected.splitlines(), d1.splitlines(), "golden", "actual",
                                        lineterm="", n=1)
            sys.exit("FAIL: output differs from tests/golden/yongkang.dump "
                     "(run with --update after a deliberate change):\n" + "\n".join(list(diff)[:120]))
    print(f"ok: {len(ids)} records, identical at 1 and 4 threads, equal to the golden dump")


if __name__ == "__main__":
    main()
