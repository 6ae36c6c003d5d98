#!/usr/bin/python3
"""The sample batch written into PostGIS opens styled in real QGIS 3.22 (postgres provider).

A throwaway cluster (tests/oracle/pgcluster.py); `redline batch -f PostgreSQL -o PG:...
--with-context`; then, headless: each table loaded with QgsVectorLayer(uri, name, "postgres") as
QGIS's browser offers it (one layer per geometry kind of the mixed sites/findings tables, the
kind in the URI) is valid, in EPSG:4549, and carries the default style QGIS read from the
database's layer_styles: sites categorized on verdict with the five verdicts in their colours and
labelled with site_id, findings on outcome, zone_summary graduated on load / cap, ctx_ layers
with their single symbol; a rendered map shows each verdict's colour at the point sites. The
prefixed tables of a second run (--layer-prefix) open styled too.
Run with QT_QPA_PLATFORM=offscreen /usr/bin/python3. Exit 77: PyQGIS or PostgreSQL missing.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "oracle"))
import pgcluster  # noqa: E402

from headless import VERDICT_COLOURS, VERDICTS, check, prepare, running, verdict  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--sample", required=True)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    if not prepare(tmp.name):
        return 77
    try:
        with pgcluster.Cluster() as cluster:
            for prefix in ["", "r2_"]:
                subprocess.run([args.redline, "-q", "batch", os.path.join(args.sample, "rulebook.yaml"),
                                os.path.join(args.sample, "applications.csv"), "-f", "PostgreSQL",
                                "-o", cluster.ogr_conn(), "--with-context"] +
                               (["--layer-prefix", prefix] if prefix else []), check=True)
            with running():
                run_checks(cluster, "")
                run_checks(cluster, "r2_")
    except pgcluster.ClusterUnavailable as e:
        print(f"skipped: no PostgreSQL/PostGIS to test against:\n{e}")
        return 77
    return verdict()


def tables(cluster, prefix):
    """(table, [QGIS geometry types to load it as]) for every table batch wrote with a geometry."""
    rows = cluster.sql("SELECT f_table_name, string_agg(DISTINCT coalesce(type, ''), ',') FROM layer_styles "
                       f"WHERE f_table_name LIKE '{prefix}%' GROUP BY 1 ORDER BY 1", capture=True)
    out = []
    for line in rows.strip().splitlines():
        name, types = line.split("|")
        if prefix == "" and name.startswith("r2_"):
            continue
        out.append((name, [t for t in types.split(",") if t] or [None]))
    return out


def load(cluster, table, kind):
    from qgis.core import QgsDataSourceUri, QgsVectorLayer, QgsWkbTypes
    uri = QgsDataSourceUri()
    uri.setConnection(cluster.dir, str(cluster.port), cluster.dbname, cluster.user, "")
    uri.setDataSource("public", table, "geom", "", "fid")
    if kind:
        uri.setWkbType({"Point": QgsWkbTypes.Point, "Line": QgsWkbTypes.LineString,
                        "Polygon": QgsWkbTypes.Polygon}[kind])
    return QgsVectorLayer(uri.uri(False), f"{table} {kind or ''}".strip(), "postgres")


def run_checks(cluster, prefix):
    from qgis.core import QgsCategorizedSymbolRenderer, QgsWkbTypes
    found = tables(cluster, prefix)
    names = [t for t, _ in found]
    for want in ["sites", "findings", "zone_summary", "ctx_redline"]:
        check(prefix + want in names, f"layer_styles styles {prefix}{want}")
    layers = []
    for table, kinds in found:
        base = table[len(prefix):]
        for kind in kinds:
            layer = load(cluster, table, kind)
            layers.append(layer)
            what = f"{table} ({kind or 'its one kind'})"
            check(layer.isValid() and layer.featureCount() > 0, f"{what} loads valid from PostGIS")
            check(layer.crs().authid() == "EPSG:4549", f"{what} is in EPSG:4549 ({layer.crs().authid()})")
            if kind:
                want = {"Point": QgsWkbTypes.PointGeometry, "Line": QgsWkbTypes.LineGeometry,
                        "Polygon": QgsWkbTypes.PolygonGeometry}[kind]
                check(layer.geometryType() == want, f"{what} is a {kind} layer")
            r = layer.renderer()
            expected = ("categorizedSymbol" if base in ("sites", "findings")
                        else "graduatedSymbol" if base == "zone_summary" else "singleSymbol")
            check(r is not None and r.type() == expected,
                  f"{what} has the {expected} renderer of its layer_styles row (got {r.type() if r else None})")
            if base == "sites":
                ok = isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == "verdict"
                check(ok, f"{what} is categorized on verdict")
                if ok:
                    cats = r.categories()
                    check(sorted(c.value() for c in cats) == sorted(VERDICTS), f"{what}: the five verdicts")
                    by_value = {c.value(): c.symbol() for c in cats}
                    check(all((by_value[v].color().red(), by_value[v].color().green(), by_value[v].color().blue())
                              == rgb for v, rgb in VERDICT_COLOURS.items()), f"{what}: each verdict's colour")
                    sym_kind = {"Point": "marker", "Line": "line", "Polygon": "fill"}[kind]
                    check(all(c.symbol().type() == {"marker": 0, "line": 1, "fill": 2}[sym_kind] for c in cats),
                          f"{what}: {sym_kind} symbols (the row for its kind)")
                lab = layer.labeling()
                check(layer.labelsEnabled() and lab is not None and lab.settings().fieldName == "site_id",
                      f"{what} is labelled with site_id")
                if kind == "Point":
                    render_and_check(layer, what)
            if base == "findings":
                check(isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == "outcome",
                      f"{what} is categorized on outcome")
    for layer in layers:
        del layer
    layers.clear()


def render_and_check(layer, what):
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
    ms = QgsMapSettings()
    ms.setLayers([layer])
    ms.setDestinationCrs(layer.crs())
    ms.setOutputSize(QSize(800, 700))
    ms.setBackgroundColor(QColor("white"))
    ms.setFlag(QgsMapSettings.DrawLabeling, False)
    ext = layer.extent()
    ext.grow(max(ext.width(), ext.height()) * 0.04)
    ms.setExtent(ext)
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    seen = set()
    for x in range(0, img.width(), 2):
        for y in range(0, img.height(), 2):
            c = QColor(img.pixel(x, y))
            seen.add((c.red(), c.green(), c.blue()))
    for v, rgb in VERDICT_COLOURS.items():
        check(rgb in seen, f"{what}: the rendered map shows {v} sites in {rgb}")


if __name__ == "__main__":
    sys.exit(main())
