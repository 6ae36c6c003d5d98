#!/usr/bin/python3
"""Regression: one figure parser for the capacity check and the zone summary.
Two applications at the same site in 东城街道, voc_tpa = '１２.５吨' and '12.5':
both count 12.5 t/a, so zone_summary's cap_voc_added is 25 (it was 12.5: the
summary parsed figures strictly and added 0 for the first)."""
import argparse
import os
import subprocess
import sys
import tempfile

from osgeo import ogr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ap = argparse.ArgumentParser()
ap.add_argument("--redline", required=True)
redline = ap.parse_args().redline

with tempfile.TemporaryDirectory() as d:
    apps = os.path.join(d, "apps.csv")
    with open(apps, "w", encoding="utf-8") as fh:
        fh.write("id,name,industry,voc_tpa,wkt\n"
                 "F-1,全角吨,C3312,１２.５吨,POINT(120.0756850 28.8712688)\n"
                 "F-2,半角,C3312,12.5,POINT(120.0756850 28.8712688)\n")
    out = os.path.join(d, "out.gpkg")
    p = subprocess.run([redline, "-q", "batch", os.path.join(ROOT, "sample_data/yongkang/rulebook.yaml"),
                        apps, "-o", out], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"batch failed ({p.returncode}): {p.stderr}")
    ds = ogr.Open(out)
    added = {f.GetField("zone_name"): f.GetField("cap_voc_added") for f in ds.GetLayer("zone_summary")}
    findings = [(f.GetField("site_id"), f.GetField("measure"), f.GetField("value"))
                for f in ds.GetLayer("findings") if f.GetField("rule_id") == "CAP-VOC"]
    ds = None
    problems = []
    if abs(added.get("东城街道", -1) - 25.0) > 1e-9:
        problems.append(f"东城街道 cap_voc_added = {added.get('东城街道')}, expected 25")
    if any(v for k, v in added.items() if k != "东城街道"):
        problems.append(f"other townships got loads: { {k: v for k, v in added.items() if v} }")
    if any(m == "missing_input" for _, m, _ in findings):
        problems.append(f"the capacity check did not read a figure: {findings}")
    if problems:
        print("FAIL: " + "; ".join(problems))
        sys.exit(1)
    print("ok: '１２.５吨' and '12.5' both add 12.5 t/a: cap_voc_added = 25")
