#!/usr/bin/python3
"""A re-delineated red-line layer for timing `redline diff` on the province case.

Usage: /usr/bin/python3 bench/diff_variant.py CASE_DIR OUT_DIR
(CASE_DIR as bench/generate.py writes it, e.g. /tmp/bench-full). Writes
OUT_DIR/redline_v2.gpkg -- the case's eco_redline with every 20th polygon grown
100 m and every 50th other one shrunk 50 m, all the rest identical -- and
OUT_DIR/rulebook_v2.yaml: the case's rulebook with that red-line layer, every
other layer and table the case's own (absolute paths). Then:

  redline diff CASE_DIR/rulebook.yaml OUT_DIR/rulebook_v2.yaml CASE_DIR/applications.gpkg \\
      -o OUT_DIR/diff.gpkg --json OUT_DIR/diff.json --report OUT_DIR/diff.html --threads 2
"""
import os
import sys

from osgeo import ogr

ogr.UseExceptions()


def write_redlines(case, out_dir):
    src = ogr.Open(os.path.join(case, "layers.gpkg"))
    lyr = src.GetLayerByName("eco_redline")
    path = os.path.join(out_dir, "redline_v2.gpkg")
    if os.path.exists(path):
        os.remove(path)
    dst = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    out = dst.CreateLayer("eco_redline", lyr.GetSpatialRef(), ogr.wkbMultiPolygon)
    d = lyr.GetLayerDefn()
    for i in range(d.GetFieldCount()):
        out.CreateField(d.GetFieldDefn(i))
    dst.StartTransaction()
    grown = shrunk = 0
    for n, f in enumerate(lyr):
        g = f.GetGeometryRef().Clone()
        if n % 20 == 0:
            g = ogr.ForceToMultiPolygon(g.MakeValid().Buffer(100, 4))
            grown += 1
        elif n % 50 == 0:
            b = g.MakeValid().Buffer(-50, 4)
            if not b.IsEmpty():
                g = ogr.ForceToMultiPolygon(b)
                shrunk += 1
        nf = ogr.Feature(out.GetLayerDefn())
        for i in range(d.GetFieldCount()):
            nf.SetField(i, f.GetField(i))
        nf.SetGeometry(g)
        out.CreateFeature(nf)
    dst.CommitTransaction()
    print(f"{grown} red-line polygons grown 100 m, {shrunk} shrunk 50 m")


def write_rulebook(case, out_dir):
    case = os.path.abspath(case)
    with open(os.path.join(case, "rulebook.yaml"), encoding="utf-8") as fh:
        text = fh.read()
    text = text.replace("source: layers.gpkg", f"source: {case}/layers.gpkg")
    text = text.replace(f"redline:   {{source: {case}/layers.gpkg",
                        f"redline:   {{source: {os.path.abspath(out_dir)}/redline_v2.gpkg")
    text = text.replace("industry_classes: industry_classes.csv", f"industry_classes: {case}/industry_classes.csv")
    text = text.replace("table: access_list.csv", f"table: {case}/access_list.csv")
    with open(os.path.join(out_dir, "rulebook_v2.yaml"), "w", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    os.makedirs(sys.argv[2], exist_ok=True)
    write_redlines(sys.argv[1], sys.argv[2])
    write_rulebook(sys.argv[1], sys.argv[2])
