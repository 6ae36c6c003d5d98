#!/usr/bin/python3
"""`redline diff` output (sample 2024 update) opens styled in real QGIS 3.22.

Run with QT_QPA_PLATFORM=offscreen /usr/bin/python3. Checks: every layer
loads valid; `changes` and its per-kind views are categorized on `direction`
with stricter red and looser green, labelled with site_id; `layer_changes` is
categorized on `change` (added red, removed green); a render of the changes
shows the red of the stricter record. Exit 77 = PyQGIS not installed.
"""
import argparse
import os
import subprocess
import sys
import tempfile

from headless import check, prepare, running, verdict

RED, GREEN = (215, 25, 28), (26, 152, 80)  # src/output/styles.cpp


def colours(layer):
    cats = layer.renderer().categories()
    return {c.value(): (c.symbol().color().red(), c.symbol().color().green(), c.symbol().color().blue())
            for c in cats}


def run_checks(gpkg):
    from osgeo import ogr
    from qgis.core import (QgsCategorizedSymbolRenderer, QgsMapRendererParallelJob, QgsMapSettings,
                           QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    ds = ogr.Open(gpkg)
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    ds = None
    for expected in ("changes", "errors", "layer_changes", "run_info", "layer_styles"):
        check(expected in names, f"the GeoPackage has '{expected}'")
    layers = {n: QgsVectorLayer(f"{gpkg}|layername={n}", n, "ogr") for n in names}
    for n, layer in layers.items():
        check(layer.isValid(), f"{n} loads valid")
    styled = [n for n in names if n == "changes" or n.startswith("changes_")]
    check(len(styled) >= 2, f"changes and its per-kind views: {styled}")
    for n in styled:
        r = layers[n].renderer()
        ok = isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == "direction"
        check(ok, f"{n} is categorized on direction")
        if ok:
            c = colours(layers[n])
            check(c.get("stricter") == RED and c.get("looser") == GREEN, f"{n}: stricter red, looser green ({c})")
        check(layers[n].labelsEnabled() and layers[n].labeling().settings().fieldName == "site_id",
              f"{n} is labelled with site_id")
    lc = layers["layer_changes"].renderer()
    ok = isinstance(lc, QgsCategorizedSymbolRenderer) and lc.classAttribute() == "change"
    check(ok, "layer_changes is categorized on change")
    if ok:
        c = colours(layers["layer_changes"])
        check(c.get("added") == RED and c.get("removed") == GREEN, f"layer_changes: added red, removed green ({c})")

    point = layers.get("changes_point")
    check(point is not None and point.featureCount() > 0, "changes_point has the point records")
    stricter = [f for f in layers["changes"].getFeatures() if f["direction"] == "stricter" and f.hasGeometry()]
    check(bool(stricter), "a stricter record with a geometry")
    if point is None or not stricter:
        return
    ms = QgsMapSettings()
    ms.setLayers([point])
    ms.setDestinationCrs(point.crs())
    ms.setOutputSize(QSize(400, 400))
    ms.setBackgroundColor(QColor("white"))
    centre = stricter[0].geometry().centroid().asPoint()
    ext = stricter[0].geometry().boundingBox()
    ext.grow(200)
    ms.setExtent(ext)
    ms.setFlag(QgsMapSettings.DrawLabeling, False)
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    px = ms.mapToPixel().transform(centre)
    c = QColor(img.pixel(int(px.x()), int(px.y())))
    check((c.red(), c.green(), c.blue()) == RED, f"the stricter record renders red (got {c.name()})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--sample", required=True)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    if not prepare(tmp.name):
        return 77
    gpkg = os.path.join(tmp.name, "diff.gpkg")
    subprocess.run([args.redline, "-q", "diff", os.path.join(args.sample, "rulebook.yaml"),
                    os.path.join(args.sample, "rulebook_2024.yaml"), os.path.join(args.sample, "applications.csv"),
                    "-o", gpkg], check=True)
    with running():
        run_checks(gpkg)
    return verdict()


if __name__ == "__main__":
    sys.exit(main())
