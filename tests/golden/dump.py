#!/usr/bin/python3
"""Canonical text dump of what `redline batch` writes, for golden tests.

Layers in a fixed order, fields with their types, features in order, numbers
and WKT coordinates at fixed precision, no timestamps or machine-specific
values. Usage: dump.py OUT.gpkg [OUT.json]
"""
import json
import re
import sys

from osgeo import ogr

ogr.UseExceptions()

VOLATILE_RUN_INFO = re.compile(r"^(started|finished|seconds|threads|applications_modified|gdal|geos|proj|layer\..*\.modified)$")
NUMBER = re.compile(r"-?\d+\.\d+(e[-+]?\d+)?")


def fixed(value, decimals=3):
    text = f"{value:.{decimals}f}"
    return "0.000" if text in ("-0.000",) else text


def round_numbers(text, decimals=3):
    return NUMBER.sub(lambda m: fixed(float(m.group(0)), decimals), text)


def field_text(feature, i, defn):
    if not feature.IsFieldSetAndNotNull(i):
        return "NULL"
    t = defn.GetFieldDefn(i).GetType()
    if t == ogr.OFTReal:
        return fixed(feature.GetFieldAsDouble(i))
    return feature.GetFieldAsString(i)


def dump_gpkg(path, out):
    ds = ogr.Open(path)
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    for name in ["sites", "findings", "zone_summary", "run_info"] + sorted(
            n for n in names if n not in ("sites", "findings", "zone_summary", "run_info")):
        if name not in names:
            out.append(f"## layer {name}: absent")
            continue
        layer = ds.GetLayerByName(name)
        defn = layer.GetLayerDefn()
        srs = layer.GetSpatialRef()
        crs = "none" if srs is None else f"{srs.GetAuthorityName(None)}:{srs.GetAuthorityCode(None)}"
        out.append(f"## layer {name} ({layer.GetFeatureCount()} features, "
                   f"{ogr.GeometryTypeToName(layer.GetGeomType())}, {crs})")
        out.append("fields " + ", ".join(
            f"{defn.GetFieldDefn(i).GetName()}:{defn.GetFieldDefn(i).GetTypeName()}"
            for i in range(defn.GetFieldCount())))
        for f in layer:
            values = [f"{defn.GetFieldDefn(i).GetName()}={field_text(f, i, defn)}"
                      for i in range(defn.GetFieldCount())]
            if name == "run_info" and VOLATILE_RUN_INFO.match(f.GetField("key") or ""):
                continue
            g = f.GetGeometryRef()
            geom = "EMPTY" if g is None else round_numbers(g.ExportToIsoWkt())
            out.append(" | ".join(values))
            if defn.GetGeomType() != ogr.wkbNone:
                out.append("  geom " + geom)


def canonical(obj):
    if isinstance(obj, float):
        return fixed(obj, 6)
    if isinstance(obj, list):
        return [canonical(v) for v in obj]
    if isinstance(obj, dict):
        return {k: canonical(v) for k, v in obj.items()}
    return obj


def dump_json(path, out):
    with open(path, encoding="utf-8") as fh:
        sites = json.load(fh)
    out.append(f"## json ({len(sites)} sites)")
    for s in sites:
        out.append(json.dumps(canonical(s), ensure_ascii=False, sort_keys=True))


def main():
    out = []
    dump_gpkg(sys.argv[1], out)
    if len(sys.argv) > 2:
        dump_json(sys.argv[2], out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
