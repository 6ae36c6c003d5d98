#!/usr/bin/env python3
"""redline zoning end to end on the Yongkang sample: exit status, the three
layers and their fields, verdicts that exist, areas adding up to the
summary, the QGIS style row, the HTML report, English, usage errors."""
import os
import sqlite3
import subprocess
import sys
import tempfile

redline, rulebook = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "z.gpkg")
    report = os.path.join(tmp, "z.html")
    p = subprocess.run([redline, "zoning", rulebook, "--industry", "3360", "--attr", "voc_tpa=3",
                        "-o", out, "--report", report, "--progress", "none"],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"exit {p.returncode}: {p.stderr}")
    check("C3360" in p.stdout and "km²" in p.stdout, "summary printed: " + p.stdout)
    db = sqlite3.connect(out)
    tables = {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")}
    check({"zoning", "zoning_summary", "run_info"} <= tables, f"layers {tables}")
    cols = [r[1] for r in db.execute("PRAGMA table_info(zoning)")]
    for c in ["verdict", "rule_ids", "township", "units", "area_km2"]:
        check(c in cols, f"zoning.{c}")
    verdicts = {r[0] for r in db.execute("SELECT DISTINCT verdict FROM zoning")}
    check(verdicts <= {"PASS", "CONDITIONAL", "INCOMPLETE", "FAIL"}, f"verdicts {verdicts}")
    check("FAIL" in verdicts, "electroplating is refused somewhere")
    total = db.execute("SELECT SUM(area_km2) FROM zoning").fetchone()[0]
    summary = db.execute("SELECT SUM(total_km2) FROM zoning_summary").fetchone()[0]
    check(abs(total - summary) < 1e-6, f"areas {total} vs summary {summary}")
    fails = db.execute("SELECT COUNT(*) FROM zoning WHERE verdict='FAIL' AND rule_ids=''").fetchone()[0]
    check(fails == 0, "every FAIL polygon names its rules")
    info = dict(db.execute("SELECT key, value FROM run_info"))
    check(info.get("command") == "zoning" and info.get("industry") == "C3360", f"run_info {info}")
    check(info.get("attr.voc_tpa") == "3", "run_info records the attribute")
    styles = list(db.execute("SELECT f_table_name, styleQML FROM layer_styles"))
    check(any(t == "zoning" and "verdict" in q and "rule_ids" in q for t, q in styles), "zoning style")
    db.close()
    html = open(report, encoding="utf-8").read()
    check("<svg" in html and "<table" in html and "C3360" in html, "report has the map and the table")
    check(not os.path.exists(out + ".partial"), "no temporary file left")

    p = subprocess.run([redline, "--lang", "en", "zoning", rulebook, "--industry", "C3360",
                        "-o", out, "--progress", "none"], capture_output=True, text=True)
    check(p.returncode == 0 and "polygons" in p.stdout, "English run: " + p.stdout + p.stderr)
    db = sqlite3.connect(out)
    inc = db.execute("SELECT COUNT(*) FROM zoning WHERE rule_ids LIKE '%CAP-VOC%'").fetchone()[0]
    n = db.execute("SELECT COUNT(*) FROM zoning").fetchone()[0]
    check(inc == n, "without voc_tpa every polygon names CAP-VOC (INCOMPLETE)")
    db.close()

    p = subprocess.run([redline, "zoning", rulebook, "--industry", "X9999", "-o", out],
                       capture_output=True, text=True)
    check(p.returncode == 2 and "X9999" in p.stderr, f"unknown industry: exit {p.returncode} {p.stderr}")

sys.exit(1 if failures else 0)
