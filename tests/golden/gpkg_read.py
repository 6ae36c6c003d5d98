#!/usr/bin/python3
"""Applications read from a GeoPackage through SQLite (src/io/gpkg_input.cpp,
issue 15) against the OGR path (REDLINE_GPKG_READ=ogr): `redline batch`
writes the same GeoPackage (every table, every column with its SQLite
storage class, geometries in hex; the dump of gpkg_rows.py) and the same
JSON lines either way.

Inputs: the sample's applications as a GeoPackage with typed columns
(Integer, Integer64, Real, String, Boolean, JSON; NULLs, non-ASCII text), plus
sites of every kind (a polygon with a hole, multipart, a collection, 3D
points and polygons, empty and NULL geometries, a curve); then the same file
edited by SQL as other tools leave GeoPackages: a big-endian WKB blob, text
in a REAL and an INTEGER column, a number in a TEXT column, a blob that is no
geometry, deleted rows (a fid gap); a table whose name has spaces and quotes
(--layer); a table with a Date column (read through OGR either way).

  gpkg_read.py --redline build/redline                  the test (ctest)
  gpkg_read.py --redline build/redline --bench DIR      DIR/rulebook.yaml on
      DIR/applications.gpkg both ways, --threads 1 --profile (the read line and
      the run's CPU time printed): the sites and findings
      tables compared (row count and a SHA-256 of every column, geometry in
      hex, in fid order)
"""
import argparse
import csv
import hashlib
import os
import resource
import sqlite3
import struct
import subprocess
import sys
import tempfile

from osgeo import ogr, osr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gpkg_rows  # noqa: E402  (its dump of a whole GeoPackage)

ogr.UseExceptions()

ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLE = os.path.join(ROOT, "sample_data", "yongkang")

EXTRA_SITES = [
    ("hole", "POLYGON ((120.05 28.88,120.09 28.88,120.09 28.92,120.05 28.92,120.05 28.88),"
             "(120.06 28.89,120.08 28.89,120.08 28.91,120.06 28.89))"),
    ("multi", "MULTIPOLYGON (((120.10 28.90,120.11 28.90,120.11 28.91,120.10 28.90)),"
              "((120.20 28.95,120.21 28.95,120.21 28.96,120.20 28.95)))"),
    ("collection", "GEOMETRYCOLLECTION (POINT (120.07 28.87),POINT (120.15 28.93))"),
    ("multipoint", "MULTIPOINT ((120.07 28.87),(120.15 28.93))"),
    ("point_z", "POINT Z (120.0756850 28.8712688 120)"),
    ("polygon_z", "POLYGON Z ((120.17 29.00 5,120.18 29.00 6,120.18 29.01 7,120.17 29.00 5))"),
    ("empty_polygon", "POLYGON EMPTY"),
    ("empty_point", "POINT EMPTY"),
    ("no_geometry", None),
    ("curve", "CURVEPOLYGON (CIRCULARSTRING (120.05 28.9,120.06 28.91,120.07 28.9,120.06 28.89,120.05 28.9))"),
    ("big_endian", "POINT (120.0646903 28.9103278)"),
    ("text_in_real", "POINT (120.0565470 28.9253105)"),
    ("not_a_geometry", "POINT (120.0565470 28.9253105)"),
    ("deleted", "POINT (120.0565470 28.9253105)"),
]


def number(text, default):
    try:
        return float(text)
    except ValueError:
        return default


def make_input(path, table="applications", with_date=False):
    with open(os.path.join(SAMPLE, "applications.csv"), encoding="utf-8-sig") as fh:
        records = list(csv.DictReader(fh))
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4490)
    # No R-tree: its triggers call GDAL's SQL functions, which edit() by plain SQLite cannot.
    out = ds.CreateLayer(table, srs, ogr.wkbUnknown, ["SPATIAL_INDEX=NO"])
    fields = [("id", ogr.OFTString, None), ("name", ogr.OFTString, None), ("industry", ogr.OFTString, None),
              ("voc_tpa", ogr.OFTReal, None), ("investment_wan", ogr.OFTInteger, None),
              ("big", ogr.OFTInteger64, None), ("urban", ogr.OFTInteger, ogr.OFSTBoolean),
              ("note", ogr.OFTString, ogr.OFSTJSON)]
    if with_date:
        fields.append(("filed", ogr.OFTDate, None))
    for name, t, sub in fields:
        d = ogr.FieldDefn(name, t)
        if sub is not None:
            d.SetSubType(sub)
        out.CreateField(d)
    rows = [(f["id"], f["name"], f["industry"], f["voc_tpa"], f["investment_wan"], f["wkt"]) for f in records]
    rows += [("X-%s" % n, "测试 %s" % n, "C3312", "0.5", "100", w) for n, w in EXTRA_SITES]
    for i, (ident, name, industry, voc, inv, wkt) in enumerate(rows):
        g = ogr.Feature(out.GetLayerDefn())
        g.SetField("id", ident)
        g.SetField("name", name)
        g.SetField("industry", industry)
        if i % 5:
            g.SetField("voc_tpa", number(voc, 0.1))
            g.SetField("investment_wan", int(number(inv, 7)))
            g.SetField("big", 2 ** 40 + i)
            g.SetField("urban", i % 2)
        g.SetField("note", "" if i % 3 == 0 else '{"备注": %d, "q": "\'"}' % i)
        if with_date and i % 2:
            g.SetField("filed", "2026-0%d-1%d" % (1 + i % 9, i % 10))
        if wkt:
            try:
                g.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
            except RuntimeError:
                pass  # the sample's broken geometries: ERROR rows without one
        out.CreateFeature(g)
    ds = None


def edit(path, table="applications"):
    """What other tools and hands do to a GeoPackage."""
    db = sqlite3.connect(path)
    q = '"%s"' % table.replace('"', '""')
    # POINT (120.0646903 28.9103278) as XDR WKB behind a big-endian header.
    blob = b"GP\x00\x00" + struct.pack(">i", 4490) + struct.pack(">bIdd", 0, 1, 120.0646903, 28.9103278)
    db.execute("UPDATE %s SET geom = ? WHERE id = 'X-big_endian'" % q, (blob,))
    db.execute("UPDATE %s SET voc_tpa = 'about 3', investment_wan = '12 万' WHERE id = 'X-text_in_real'" % q)
    db.execute("UPDATE %s SET voc_tpa = '2.75', industry = 3312, big = 1.5 WHERE id = 'YK2026-0003'" % q)
    db.execute("UPDATE %s SET geom = X'0001020304' WHERE id = 'X-not_a_geometry'" % q)
    db.execute("DELETE FROM %s WHERE id IN ('X-deleted', 'YK2026-0002')" % q)
    db.commit()
    db.close()


def run(redline, args, ogr_path):
    env = dict(os.environ)
    env.pop("REDLINE_GPKG_READ", None)
    if ogr_path:
        env["REDLINE_GPKG_READ"] = "ogr"
    p = subprocess.run([redline, "-q", "batch"] + args, cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode not in (0, 1, 2):  # 1/2: sites failed or need review (--fail-on)
        sys.exit("FAIL: redline batch %s exited %d\n%s" % (" ".join(args), p.returncode, p.stderr))
    return p.returncode, p.stderr


def compare(redline, name, source, extra, tmp):
    results = {}
    for ogr_path in (False, True):
        tag = "%s_%s" % (name, "ogr" if ogr_path else "sqlite")
        out = os.path.join(tmp, tag + ".gpkg")
        js = os.path.join(tmp, tag + ".json")
        code, err = run(redline, [os.path.join(SAMPLE, "rulebook.yaml"), source, "-o", out, "--json", js]
                        + extra, ogr_path)
        lines, check = gpkg_rows.dump(out)
        with open(js, encoding="utf-8") as fh:
            lines += ["json " + line.rstrip("\n") for line in fh]
        results[ogr_path] = (code, err, lines, check)
    new, old = results[False], results[True]
    failures = 0
    if new[:2] != old[:2]:
        failures += 1
        print("FAIL %s: exit code or warnings differ:\n  sqlite %r\n  ogr    %r" % (name, new[:2], old[:2]))
    if new[2] != old[2]:
        failures += 1
        only_new = [l for l in new[2] if l not in set(old[2])][:6]
        only_old = [l for l in old[2] if l not in set(new[2])][:6]
        print("FAIL %s: the outputs differ\n  sqlite only:\n    %s\n  ogr only:\n    %s" % (
            name, "\n    ".join(l[:400] for l in only_new), "\n    ".join(l[:400] for l in only_old)))
    sites = sum(1 for l in new[2] if l.startswith("sites "))
    findings = sum(1 for l in new[2] if l.startswith("findings "))
    if sites == 0 or findings == 0:
        failures += 1
        print("FAIL %s: %d sites, %d findings" % (name, sites, findings))
    if new[3] != [("ok",)]:
        failures += 1
        print("FAIL %s: integrity_check %r" % (name, new[3]))
    print("%s %s: %d lines compared, %d sites, %d findings" % ("ok" if not failures else "FAIL", name,
                                                               len(new[2]), sites, findings))
    return failures


def table_digest(path, table):
    db = sqlite3.connect(path)
    columns = [r[1] for r in db.execute('PRAGMA table_info("%s")' % table)]
    h = hashlib.sha256()
    n = 0
    select = ", ".join("hex(\"%s\")" % c if c == "geom" else "quote(\"%s\")" % c for c in columns)
    for row in db.execute('SELECT %s FROM "%s" ORDER BY fid' % (select, table)):
        h.update(repr(row).encode())
        n += 1
    db.close()
    return n, h.hexdigest()


def bench(redline, folder):
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        digests = {}
        for ogr_path in (False, True):
            out = os.path.join(tmp, "out_%s.gpkg" % ("ogr" if ogr_path else "sqlite"))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            _, err = run(redline, [os.path.join(folder, "rulebook.yaml"), os.path.join(folder, "applications.gpkg"),
                                   "-o", out, "--threads", "1", "--profile"], ogr_path)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            read = [l.strip() for l in err.splitlines() if l.strip().startswith("read ")]
            print("%s: batch CPU %.2f s; %s" % ("ogr" if ogr_path else "sqlite", cpu, read[0] if read else "?"))
            digests[ogr_path] = [table_digest(out, t) for t in ("sites", "findings")]
        for (t, a, b) in zip(("sites", "findings"), digests[False], digests[True]):
            same = a == b
            failures += not same
            print("%s %s: %d rows sqlite, %d rows ogr, sha256 %s / %s" % (
                "ok" if same else "FAIL", t, a[0], b[0], a[1][:16], b[1][:16]))
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--bench", help="a benchmark folder: compare its batch both ways")
    args = ap.parse_args()
    redline = os.path.abspath(args.redline)
    if args.bench:
        return 1 if bench(redline, args.bench) else 0
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, "typed.gpkg")
        make_input(plain)
        failures += compare(redline, "typed", plain, [], tmp)
        edited = os.path.join(tmp, "edited.gpkg")
        make_input(edited)
        edit(edited)
        failures += compare(redline, "edited", edited, [], tmp)
        odd = 'my "odd" \'table\' 名'
        named = os.path.join(tmp, "named.gpkg")
        make_input(named, table=odd)
        edit(named, table=odd)
        failures += compare(redline, "odd_table_name", named, ["--layer", odd], tmp)
        dated = os.path.join(tmp, "dated.gpkg")
        make_input(dated, with_date=True)
        failures += compare(redline, "date_column", dated, [], tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
