#!/usr/bin/python3
"""The sample batch (--with-context) opens styled in real QGIS 3.22.

Run with QT_QPA_PLATFORM=offscreen /usr/bin/python3 (PyQGIS is only there).
Checks: every output layer loads valid; spatial layers are in EPSG:4549 and
carry their default style from layer_styles; `sites` (and the sites_* views)
are categorized on `verdict` with the five verdicts, labels on `site_id`;
a map rendered with QgsMapRendererParallelJob shows each verdict's colour at
sites of that verdict. --save PNG keeps the render (docs/qgis_render.png).
Exit 77 = PyQGIS not installed (ctest: skipped).
"""
import argparse
import os
import subprocess
import sys
import tempfile

from headless import VERDICT_COLOURS, VERDICTS, check, prepare, running, verdict

WORKING_CRS = "EPSG:4549"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--sample", required=True)
    ap.add_argument("--gpkg", help="use this output instead of running the batch")
    ap.add_argument("--save", help="also save the rendered PNG here")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    if not prepare(tmp.name):
        return 77

    gpkg = args.gpkg
    if not gpkg:
        gpkg = os.path.join(tmp.name, "out.gpkg")
        subprocess.run([args.redline, "-q", "batch", os.path.join(args.sample, "rulebook.yaml"),
                        os.path.join(args.sample, "applications.csv"), "-o", gpkg,
                        "--with-context"], check=True)

    with running():
        run_checks(gpkg, args.save or os.path.join(tmp.name, "render.png"))
    return verdict()


def run_checks(gpkg, png):
    from osgeo import ogr
    from qgis.core import (QgsCategorizedSymbolRenderer, QgsProviderRegistry, QgsVectorLayer,
                           QgsWkbTypes)

    ds = ogr.Open(gpkg)
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    spatial = {n for n in names if ds.GetLayerByName(n).GetGeomType() != ogr.wkbNone}
    ds = None
    for expected in ["sites", "findings", "zone_summary", "run_info", "layer_styles"]:
        check(expected in names, "the GeoPackage has a '%s' layer" % expected)
    check(any(n.startswith("ctx_") for n in names), "--with-context wrote ctx_ layers")
    check(any(n.startswith("sites_") for n in names), "sites_<kind> views are there")

    layers = {}
    for name in names:
        layer = QgsVectorLayer("%s|layername=%s" % (gpkg, name), name, "ogr")
        check(layer.isValid(), "%s loads valid" % name)
        layers[name] = layer
        if name not in spatial:
            continue
        check(layer.crs().authid() == WORKING_CRS,
              "%s is in %s (got %r)" % (name, WORKING_CRS, layer.crs().authid()))
        qml = QgsProviderRegistry.instance().loadStyle("ogr", layer.source(), "")
        if isinstance(qml, tuple):
            qml = qml[0]
        check(bool(qml), "%s has a default style in layer_styles" % name)
        # The default style was applied (QGIS's own default is a single random symbol).
        expected = ("categorizedSymbol" if name.split("_")[0] in ("sites", "findings")
                    else "graduatedSymbol" if name == "zone_summary" else "singleSymbol")
        check(layer.renderer() is not None and layer.renderer().type() == expected,
              "%s has the %s renderer of its default style (got %s)"
              % (name, expected, layer.renderer().type() if layer.renderer() else None))
        if name.startswith("ctx_"):
            sym = layer.renderer().symbol()
            check('type="%s"' % {0: "marker", 1: "line", 2: "fill"}[layer.geometryType()]
                  in qml and sym is not None and sym.color().name() in qml_colours(qml),
                  "%s draws with the colour of its style" % name)

    for name in [n for n in names if n == "sites" or n.startswith("sites_")]:
        r = layers[name].renderer()
        ok = isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == "verdict"
        check(ok, "%s is categorized on verdict" % name)
        if ok:
            cats = r.categories()  # keep the copies alive: their symbols belong to them
            values = [c.value() for c in cats]
            check(sorted(values) == sorted(VERDICTS), "%s has the five verdict categories %s"
                  % (name, values))
            by_value = {c.value(): c.symbol() for c in cats}
            for v, rgb in VERDICT_COLOURS.items():
                c = by_value[v].color()
                check((c.red(), c.green(), c.blue()) == rgb, "%s: %s is drawn in %s" % (name, v, rgb))
            err = by_value["ERROR"].symbolLayer(0).properties()
            stroke = err.get("outline_color") or err.get("line_color") or ""
            check(stroke.startswith("255,0,255"), "%s: ERROR is outlined magenta (%s)" % (name, stroke))
        check(layers[name].labelsEnabled(), "%s has labels on" % name)
        lab = layers[name].labeling()
        check(lab is not None and lab.settings().fieldName == "site_id",
              "%s is labelled with site_id" % name)
    for name in [n for n in names if n == "findings" or n.startswith("findings_")]:
        r = layers[name].renderer()
        check(isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == "outcome",
              "%s is categorized on outcome" % name)
    zs = layers["zone_summary"].renderer()
    check(zs.type() == "graduatedSymbol" and "load_pct" in zs.classAttribute(),
          "zone_summary is graduated on load / cap (%s)" % zs.classAttribute())

    # The mixed tables really are split by QGIS: each kind's view holds that kind only.
    for name in [n for n in names if n.startswith(("sites_", "findings_"))]:
        kind = {"point": QgsWkbTypes.PointGeometry, "line": QgsWkbTypes.LineGeometry,
                "polygon": QgsWkbTypes.PolygonGeometry}[name.split("_")[-1]]
        check(layers[name].geometryType() == kind, "%s is a %s layer" % (name, name.split("_")[-1]))
    total = sum(layers[n].featureCount() for n in names if n.startswith("sites_"))
    with_geom = sum(1 for f in layers["sites"].getFeatures() if f.hasGeometry())
    check(total == with_geom, "the sites_* views hold every site with a geometry once (%d, %d)"
          % (total, with_geom))

    render_and_check(gpkg, names, layers, png)
    for layer in layers.values():
        del layer
    layers.clear()


def qml_colours(qml):
    import re
    out = set()
    for r, g, b in re.findall(r'v="(\d+),(\d+),(\d+),\d+"', qml):
        out.add("#%02x%02x%02x" % (int(r), int(g), int(b)))
    return out


def render_and_check(gpkg, names, layers, png):
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings, QgsPointXY, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    order = ([n for n in names if n.startswith("sites_")] +
             [n for n in names if n.startswith("findings_")] +
             ["zone_summary"] +
             sorted((n for n in names if n.startswith("ctx_")),
                    key=lambda n: ["ctx_townships", "ctx_parks", "ctx_water", "ctx_redline"].index(n)
                    if n in ("ctx_townships", "ctx_parks", "ctx_water", "ctx_redline") else -1))
    sites = layers["sites"]
    ext = QgsRectangle()
    for n in names:
        if n.startswith("sites_"):
            ext.combineExtentWith(layers[n].extent())
    ext.grow(max(ext.width(), ext.height()) * 0.04)

    ms = QgsMapSettings()
    ms.setLayers([layers[n] for n in order])
    ms.setDestinationCrs(sites.crs())
    ms.setOutputSize(QSize(1600, 1400))
    ms.setOutputDpi(96)
    ms.setBackgroundColor(QColor("white"))
    ms.setExtent(ext)
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    labelled = job.renderedImage()
    check(labelled.save(png), "the map renders to %s" % png)
    colours = {labelled.pixel(x, y) for x in range(0, labelled.width(), 7)
               for y in range(0, labelled.height(), 7)}
    check(len(colours) > 50, "the render is not blank (%d colours sampled)" % len(colours))

    # The same map without labels (a label may lie over a neighbouring site).
    ms.setFlag(QgsMapSettings.DrawLabeling, False)
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    m2p = job.mapSettings().mapToPixel()

    # Point sites with no other site within 20 px: the pixel at their centre
    # is their verdict's colour.
    points = [(f["site_id"], f["verdict"], f.geometry().asPoint())
              for f in layers["sites_point"].getFeatures()] if "sites_point" in layers else []
    px = [(sid, v, m2p.transform(QgsPointXY(p))) for sid, v, p in points]
    checked = {}
    for sid, verdict, p in px:
        if verdict not in VERDICT_COLOURS or checked.get(verdict, 0) >= 3:
            continue
        near = [q for s2, _, q in px
                if s2 != sid and abs(q.x() - p.x()) < 20 and abs(q.y() - p.y()) < 20]
        if near:
            continue
        x, y = int(round(p.x())), int(round(p.y()))
        if not (0 <= x < img.width() and 0 <= y < img.height()):
            continue
        c = img.pixelColor(x, y)
        want = VERDICT_COLOURS[verdict]
        close = max(abs(c.red() - want[0]), abs(c.green() - want[1]), abs(c.blue() - want[2])) <= 24
        check(close, "site %s (%s) at pixel %d,%d shows %s (got %s)"
              % (sid, verdict, x, y, want, (c.red(), c.green(), c.blue())))
        checked[verdict] = checked.get(verdict, 0) + 1
    for v in VERDICT_COLOURS:
        check(checked.get(v, 0) > 0, "the render shows at least one isolated %s site" % v)


if __name__ == "__main__":
    sys.exit(main())
