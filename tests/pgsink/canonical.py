"""Canonical text dump of result layers, the same for a GeoPackage and a PostGIS database.

Built on tests/golden/dump.py (fields with their types, features in order, numbers and WKT at
fixed precision, volatile run_info keys left out); here the layers are named explicitly, since a
database lists its tables differently from a GeoPackage.
"""
import os
import sys

from osgeo import ogr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "golden"))
import dump  # noqa: E402

ogr.UseExceptions()

RESULT_LAYERS = ["sites", "findings", "zone_summary", "run_info"]


def dump_layer(ds, name, out, as_name=None):
    layer = ds.GetLayerByName(name)
    if layer is None:
        out.append(f"## layer {as_name or name}: absent")
        return
    defn = layer.GetLayerDefn()
    srs = layer.GetSpatialRef()
    crs = "none" if srs is None else f"{srs.GetAuthorityName(None)}:{srs.GetAuthorityCode(None)}"
    out.append(f"## layer {as_name or name} ({layer.GetFeatureCount()} features, "
               f"{ogr.GeometryTypeToName(layer.GetGeomType())}, {crs})")
    out.append("fields " + ", ".join(
        f"{defn.GetFieldDefn(i).GetName()}:{defn.GetFieldDefn(i).GetTypeName()}"
        for i in range(defn.GetFieldCount())))
    rows = sorted(layer, key=lambda f: f.GetFID())  # a database has no order but its fid
    for f in rows:
        if as_name in ("run_info",) or name.endswith("run_info"):
            if dump.VOLATILE_RUN_INFO.match(f.GetField("key") or ""):
                continue
        out.append(" | ".join(f"{defn.GetFieldDefn(i).GetName()}={dump.field_text(f, i, defn)}"
                              for i in range(defn.GetFieldCount())))
        if defn.GetGeomType() != ogr.wkbNone:
            g = f.GetGeometryRef()
            out.append("  geom " + ("EMPTY" if g is None else dump.round_numbers(g.ExportToIsoWkt())))


def dump_dataset(source, names=RESULT_LAYERS, prefix=""):
    ds = ogr.Open(source)
    if ds is None:
        raise RuntimeError(f"cannot open {source}")
    out = []
    for n in names:
        dump_layer(ds, prefix + n, out, as_name=n)
    return out
