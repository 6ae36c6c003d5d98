#!/usr/bin/python3
"""The GeoPackage rows written through SQLite (src/output/gpkg_rows.cpp, issue 15)
against the OGR path (REDLINE_GPKG_ROWS=ogr): `redline batch` on sample_data
writes the same database either way.

Every row of every table is compared, each value with its SQLite storage
class and blobs (geometries, R-tree nodes) in hex; sqlite_master (tables,
triggers, views, indexes with their SQL), gpkg_contents extents,
gpkg_ogr_contents counts. Only what differs from run to run is left out:
gpkg_contents.last_change, layer_styles.update_time and run_info's clock
and timing keys. Then each new file passes PRAGMA integrity_check and GDAL's
validate_gpkg --extra --warning-as-error.

Cases: the sample CSV with context layers, also taken to --t_srs
EPSG:4490 (through OGR's transform, then the same rows); a GeoPackage input with Integer,
Integer64, Real and String columns (nulls, empty text, quotes, 2^40);
the same with a Date column (which the writer leaves to OGR: both paths
must still agree); no applications at all (the same rows, metadata rows in
another order); --layer-prefix adding to an existing GeoPackage.
"""
import argparse
import csv
import os
import sqlite3
import subprocess
import sys
import tempfile

from osgeo import ogr, osr

ogr.UseExceptions()

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLE = os.path.join(ROOT, "sample_data", "yongkang")
VOLATILE_RUN_INFO = ("started", "finished", "seconds", "applications_modified")


def number(text, default):
    try:
        return float(text)
    except ValueError:
        return default


def typed_input(path, with_date):
    """The sample applications as a GeoPackage with typed extra columns."""
    with open(os.path.join(SAMPLE, "applications.csv"), encoding="utf-8-sig") as fh:
        records = list(csv.DictReader(fh))
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4490)
    out = ds.CreateLayer("applications", srs, ogr.wkbUnknown)
    for name, t in (("id", ogr.OFTString), ("name", ogr.OFTString), ("industry", ogr.OFTString),
                    ("voc_tpa", ogr.OFTReal), ("investment_wan", ogr.OFTInteger),
                    ("big", ogr.OFTInteger64), ("note", ogr.OFTString)):
        out.CreateField(ogr.FieldDefn(name, t))
    if with_date:
        out.CreateField(ogr.FieldDefn("filed", ogr.OFTDate))
    for i, f in enumerate(records):
        g = ogr.Feature(out.GetLayerDefn())
        for name in ("id", "name", "industry"):
            g.SetField(name, f[name])
        if i % 5:
            g.SetField("voc_tpa", number(f["voc_tpa"], 0.1))
            g.SetField("investment_wan", int(number(f["investment_wan"], 7)))
            g.SetField("big", 2 ** 40 + i)
        g.SetField("note", "" if i % 3 == 0 else "备注 %d 'quoted' \"double\"" % i)
        if with_date and i % 2:
            g.SetField("filed", "2026-0%d-1%d" % (1 + i % 9, i % 10))
        try:
            g.SetGeometry(ogr.CreateGeometryFromWkt(f["wkt"]))
        except RuntimeError:
            pass  # the sample's broken geometries: ERROR rows without one
        out.CreateFeature(g)
    ds = None


def run(redline, args, ogr_path):
    env = dict(os.environ)
    env.pop("REDLINE_GPKG_ROWS", None)
    if ogr_path:
        env["REDLINE_GPKG_ROWS"] = "ogr"
    p = subprocess.run([redline, "-q", "batch"] + args, cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("FAIL: redline batch %s exited %d\n%s" % (" ".join(args), p.returncode, p.stderr))


def value(v):
    if isinstance(v, bytes):
        return "blob:" + v.hex()
    return "%s:%r" % (type(v).__name__, v)


def dump(path):
    db = sqlite3.connect(path)
    lines = []
    master = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    lines += ["master %r" % (row,) for row in master]
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
        columns = [r[1] for r in db.execute('PRAGMA table_info("%s")' % name)]
        order = "fid" if "fid" in columns else "rowid" if "rowid" not in columns else columns[0]
        try:
            rows = db.execute('SELECT * FROM "%s" ORDER BY %s' % (name, order)).fetchall()
        except sqlite3.OperationalError:  # a virtual table (the R-tree): its _node/_rowid/_parent tables are dumped
            continue
        for row in rows:
            cells = dict(zip(columns, row))
            if name == "gpkg_contents":
                cells.pop("last_change")
            if name == "layer_styles":
                cells.pop("update_time", None)
            if name.endswith("run_info") and cells.get("key") in VOLATILE_RUN_INFO:
                continue
            lines.append("%s %s" % (name, " ".join("%s=%s" % (k, value(v)) for k, v in cells.items())))
    check = db.execute("PRAGMA integrity_check").fetchall()
    db.close()
    return lines, check


def validate(path):
    r = subprocess.run(["/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg", "--extra",
                        "--warning-as-error", path], capture_output=True, text=True)
    return r.returncode == 0, r.stdout + r.stderr


def compare(redline, name, make_args, tmp, prepare=None, empty=False):
    outs = {}
    for ogr_path in (False, True):
        out = os.path.join(tmp, "%s_%s.gpkg" % (name, "ogr" if ogr_path else "sqlite"))
        if prepare:
            prepare(out)
        run(redline, make_args(out), ogr_path)
        outs[ogr_path] = out
    new, check = dump(outs[False])
    old, _ = dump(outs[True])
    if empty:
        # No rows: the OGR path creates sites and findings only when GDAL
        # flushes, after zone_summary; their metadata rows come in another order.
        new, old = sorted(new), sorted(old)
    failures = 0
    if new != old:
        failures += 1
        print("FAIL %s: the SQLite rows differ from the OGR path's" % name)
        only_new = [l for l in new if l not in set(old)][:8]
        only_old = [l for l in old if l not in set(new)][:8]
        print("  new only:\n    " + "\n    ".join(l[:400] for l in only_new))
        print("  ogr only:\n    " + "\n    ".join(l[:400] for l in only_old))
        at = next((i for i, (a, b) in enumerate(zip(new, old)) if a != b), min(len(new), len(old)))
        print("  first difference at line %d:\n    new %s\n    ogr %s" % (
            at, new[at][:300] if at < len(new) else "(end)", old[at][:300] if at < len(old) else "(end)"))
    rows = sum(1 for l in new if l.startswith(("sites ", "findings ", "p_sites ", "p_findings ")))
    if (rows == 0) != empty:
        failures += 1
        print("FAIL %s: %d sites or findings rows" % (name, rows))
    if check != [("ok",)]:
        failures += 1
        print("FAIL %s: integrity_check %r" % (name, check))
    ok, text = validate(outs[False])
    if not ok:
        failures += 1
        print("FAIL %s: validate_gpkg\n%s" % (name, text))
    print("%s %s: %d lines compared, %d sites/findings rows" % ("ok" if not failures else "FAIL", name, len(new), rows))
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    args = ap.parse_args()
    redline = os.path.abspath(args.redline)
    rulebook = os.path.join(SAMPLE, "rulebook.yaml")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        table = os.path.join(SAMPLE, "applications.csv")
        failures += compare(redline, "csv_context", lambda o: [rulebook, table, "-o", o, "--with-context"], tmp)
        failures += compare(redline, "t_srs", lambda o: [rulebook, table, "-o", o, "--with-context",
                                                          "--t_srs", "EPSG:4490"], tmp)
        for with_date in (False, True):
            src = os.path.join(tmp, "typed%s.gpkg" % ("_date" if with_date else ""))
            typed_input(src, with_date)
            failures += compare(redline, "typed" + ("_date" if with_date else ""),
                                lambda o, s=src: [rulebook, s, "-o", o], tmp)

        def existing(out):
            if os.path.exists(out):
                os.remove(out)
            run(redline, [rulebook, table, "-o", out], True)
        header = os.path.join(tmp, "no_applications.csv")
        with open(table, encoding="utf-8-sig") as src, open(header, "w", encoding="utf-8") as dst:
            dst.write(src.readline())
        failures += compare(redline, "no_applications", lambda o: [rulebook, header, "-o", o], tmp, empty=True)
        failures += compare(redline, "layer_prefix", lambda o: [rulebook, table, "-o", o, "--layer-prefix", "p_"],
                            tmp, prepare=existing)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
