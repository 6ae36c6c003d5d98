#!/usr/bin/python3
"""The ogr2ogr-style output options with a GeoPackage (no database needed).

  --t_srs EPSG:4490: layers declared EPSG:4490; a point site back at its input lon/lat (the
    sample's input_crs is EPSG:4490, working_crs EPSG:4549); every geometry equal to the default
    run's transformed by OGR (EPSG:4549 -> 4490), measured values unchanged; the JSON too;
  -lco GEOMETRY_NAME=shape -lco FID=gid: the columns so named, the styles and views following,
    still a valid GeoPackage; -lco SPATIAL_INDEX=NO: no spatial index; a malformed -lco: exit 2;
  --layer-prefix: a second run adds b_* layers to the same file (the first run's untouched, styles
    for both, valid); again without --overwrite: exit 4 and the file unchanged; with --overwrite:
    replaced, style rows not duplicated; a prefix that is not an identifier: exit 2.
"""
import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import canonical  # noqa: E402
from osgeo import ogr, osr  # noqa: E402

failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
        if detail:
            print(detail)


def batch(args, out, *extra):
    p = subprocess.run([args.redline, "-q", "batch", os.path.join(args.sample, "rulebook.yaml"),
                        os.path.join(args.sample, "applications.csv"), "-o", out] + list(extra),
                       capture_output=True, text=True)
    return p.returncode, p.stderr


def valid_gpkg(path):
    p = subprocess.run(["/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg", "--extra",
                        "--warning-as-error", path], capture_output=True, text=True)
    return p.returncode == 0, p.stdout + p.stderr


def geometries(path, layer):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer)
    out = [(f.GetFID(), f.GetGeometryRef().Clone() if f.GetGeometryRef() else None,
            [f.GetField(i) for i in range(f.GetFieldCount())]) for f in lyr]
    srs = lyr.GetSpatialRef()
    return out, (srs.GetAuthorityCode(None) if srs else None)


def max_gap(a, b):
    """The largest coordinate difference of two geometries of the same shape."""
    pa, pb = [], []
    for g, pts in ((a, pa), (b, pb)):
        def walk(x):
            if x.GetGeometryCount():
                for i in range(x.GetGeometryCount()):
                    walk(x.GetGeometryRef(i))
            else:
                pts.extend(x.GetPoints() or [])
        walk(g)
    if len(pa) != len(pb):
        return float("inf")
    return max((max(abs(p[0] - q[0]), abs(p[1] - q[1])) for p, q in zip(pa, pb)), default=0.0)


def check_t_srs(args, tmp):
    plain, moved = os.path.join(tmp, "plain.gpkg"), os.path.join(tmp, "4490.gpkg")
    js = os.path.join(tmp, "4490.json")
    rc1, e1 = batch(args, plain)
    rc2, e2 = batch(args, moved, "--t_srs", "EPSG:4490", "--json", js)
    check(rc1 == 0 and rc2 == 0, "batch with --t_srs EPSG:4490", e1 + e2)
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(4549)
    dst.ImportFromEPSG(4490)
    for s in (src, dst):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    for layer in ["sites", "findings", "zone_summary"]:
        a, _ = geometries(plain, layer)
        b, code = geometries(moved, layer)
        gap = 0.0
        same_values = len(a) == len(b)
        for (fa, ga, va), (fb, gb, vb) in zip(a, b):
            same_values = same_values and va == vb
            if ga is None or gb is None:
                gap = gap if (ga is None) == (gb is None) else float("inf")
                continue
            ga.Transform(ct)
            gap = max(gap, max_gap(ga, gb))
        check(code == "4490", f"{layer}: declared EPSG:4490")
        check(gap < 1e-9, f"{layer}: every geometry = the working-CRS one transformed by OGR (max gap {gap:.2e} deg)")
        check(same_values, f"{layer}: every field value (measures in working_crs) unchanged")
    ds = ogr.Open(moved)
    f = next(f for f in ds.GetLayerByName("sites") if f.GetField("site_id") == "YK2026-0002")
    g = f.GetGeometryRef()
    check(abs(g.GetX() - 120.0756850) < 1e-8 and abs(g.GetY() - 28.8712688) < 1e-8,
          f"YK2026-0002 back at its input 120.0756850 28.8712688 ({g.GetX():.9f} {g.GetY():.9f})")
    with open(js, encoding="utf-8") as fh:
        site = next(s for s in json.load(fh) if s["site_id"] == "YK2026-0002")
    ev = site["findings"][0]["evidence"]["coordinates"]
    check(abs(ev[0] - 120.0756850) < 1e-8 and abs(ev[1] - 28.8712688) < 1e-8 and
          site["geometry"]["coordinates"] == [120.075685, 28.8712688],
          f"the JSON's evidence and geometry in EPSG:4490 too ({ev})")


def check_lco(args, tmp):
    out = os.path.join(tmp, "lco.gpkg")
    rc, err = batch(args, out, "-lco", "GEOMETRY_NAME=shape", "-lco", "FID=gid")
    check(rc == 0, "-lco GEOMETRY_NAME=shape -lco FID=gid", err)
    db = sqlite3.connect(out)
    cols = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    check(cols.get("sites") == "shape" and cols.get("findings") == "shape" and cols.get("zone_summary") == "shape",
          "geometry columns named shape", str(cols))
    pk = [r[1] for r in db.execute("PRAGMA table_info(sites)") if r[5]]
    check(pk == ["gid"], "the FID column named gid", str(pk))
    styles = set(db.execute("SELECT f_table_name, f_geometry_column FROM layer_styles"))
    check(("sites", "shape") in styles and ("sites_point", "shape") in styles,
          "layer_styles rows name the shape column (QGIS matches on it)", str(styles))
    n = db.execute("SELECT count(*) FROM sites_point").fetchone()[0]
    check(n > 0, f"the kind views read the renamed column ({n} point sites)")
    check(db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'rtree_sites_shape'").fetchone()[0] == 1,
          "the bulk-loaded spatial index on shape")
    db.close()
    ok, text = valid_gpkg(out)
    check(ok, "still a valid GeoPackage (validate_gpkg --extra)", text)
    out2 = os.path.join(tmp, "noindex.gpkg")
    rc, err = batch(args, out2, "-lco", "SPATIAL_INDEX=NO")
    db = sqlite3.connect(out2)
    n = db.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'rtree_%'").fetchone()[0]
    db.close()
    check(rc == 0 and n == 0, "-lco SPATIAL_INDEX=NO: no spatial index", err)
    rc, err = batch(args, os.path.join(tmp, "bad.gpkg"), "-lco", "SPATIAL_INDEX")
    check(rc == 2 and "NAME=VALUE" in err, "a -lco without '=' is a usage error (exit 2)", err)
    rc, err = batch(args, os.path.join(tmp, "pg.gpkg"), "-f", "PostgreSQL")
    check(rc == 2 and "PG:" in err, "-f PostgreSQL without a PG: output is a usage error (exit 2)", err)


def sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def check_prefix(args, tmp):
    out = os.path.join(tmp, "shared.gpkg")
    rc, err = batch(args, out, "--with-context")
    first = canonical.dump_dataset(out)
    rc2, err2 = batch(args, out, "--layer-prefix", "b_", "--with-context")
    check(rc == 0 and rc2 == 0, "a second run with --layer-prefix b_ into the same GeoPackage", err + err2)
    check(canonical.dump_dataset(out) == first, "... the first run's layers untouched")
    check(canonical.dump_dataset(out, prefix="b_") == first, "... b_ layers with the same rows")
    db = sqlite3.connect(out)
    names = {r[0] for r in db.execute("SELECT f_table_name FROM layer_styles")}
    rows = db.execute("SELECT count(*) FROM layer_styles").fetchone()[0]
    db.close()
    check({"sites_point", "b_sites_point", "b_zone_summary", "b_ctx_redline"} <= names,
          "styles for both runs' layers", str(sorted(names)))
    ok, text = valid_gpkg(out)
    check(ok, "... a valid GeoPackage", text)
    before = sha(out)
    rc, err = batch(args, out, "--layer-prefix", "b_", "--with-context", "--lang", "en")
    check(rc == 4 and "'b_sites'" in err and sha(out) == before,
          "the same prefix again: exit 4 naming b_sites, the file unchanged", err)
    rc, err = batch(args, out, "--layer-prefix", "b_", "--with-context", "--overwrite")
    db = sqlite3.connect(out)
    rows2 = db.execute("SELECT count(*) FROM layer_styles").fetchone()[0]
    db.close()
    check(rc == 0 and rows2 == rows, "--overwrite replaces b_* (style rows not duplicated)", err)
    check(canonical.dump_dataset(out, prefix="b_") == first and valid_gpkg(out)[0], "... same rows, still valid")
    rc, err = batch(args, os.path.join(tmp, "x.gpkg"), "--layer-prefix", "bad-name")
    check(rc == 2, "a prefix that is not letters, digits and _ is a usage error", err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--sample", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        check_t_srs(args, tmp)
        check_lco(args, tmp)
        check_prefix(args, tmp)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
