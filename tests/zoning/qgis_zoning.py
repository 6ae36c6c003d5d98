#!/usr/bin/python3
"""A zoning map opens styled in real QGIS 3.22 (headless, PyQGIS).

Runs `redline zoning` on the sample (C3360 电镀, voc_tpa=3), loads `zoning`
from the GeoPackage: its default style is categorized on `verdict` with the
four verdict colours and labels `rule_ids`; the rendered map shows, at an
interior point of the largest polygon of each verdict, that verdict's colour
(blended at the style's opacity over white). --save PNG keeps the render
with a legend (docs/zoning_qgis.png). Exit 77 = PyQGIS not installed.
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qgis"))
from headless import VERDICT_COLOURS as COLOURS, check, prepare, running, verdict  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--sample", required=True)
    ap.add_argument("--save", help="also save the rendered PNG here")
    ap.add_argument("--industry", default="C3360")
    ap.add_argument("--attr", default="voc_tpa=3")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    if not prepare(tmp.name):
        return 77
    gpkg = os.path.join(tmp.name, "zoning.gpkg")
    subprocess.run([args.redline, "-q", "zoning", os.path.join(args.sample, "rulebook.yaml"),
                    "--industry", args.industry, "--attr", args.attr, "-o", gpkg], check=True)
    with running():
        run(gpkg, args.save or os.path.join(tmp.name, "zoning.png"), "%s, %s" % (args.industry, args.attr))
    return verdict()


def run(gpkg, png, title):
    from qgis.core import QgsCategorizedSymbolRenderer, QgsVectorLayer
    layer = QgsVectorLayer("%s|layername=zoning" % gpkg, "zoning", "ogr")
    check(layer.isValid(), "zoning loads valid")
    check(layer.crs().authid() == "EPSG:4549", "zoning is in EPSG:4549")
    r = layer.renderer()
    ok = isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == "verdict"
    check(ok, "zoning is categorized on verdict (default style from layer_styles)")
    if ok:
        cats = r.categories()
        by_value = {c.value(): c.symbol().color() for c in cats}
        check(sorted(by_value) == sorted(COLOURS), "four verdict categories %s" % sorted(by_value))
        for v, rgb in COLOURS.items():
            c = by_value.get(v)
            check(c is not None and (c.red(), c.green(), c.blue()) == rgb, "%s is drawn in %s" % (v, rgb))
    check(layer.labelsEnabled() and layer.labeling().settings().fieldName == "rule_ids",
          "labels show rule_ids")
    render(layer, png, title)
    del layer


def draw(layer, labels, title):
    from qgis.core import (QgsMapRendererCustomPainterJob, QgsMapSettings, QgsPointXY, QgsRectangle)
    from qgis.PyQt.QtCore import QRectF, QSize, Qt
    from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter
    ext = QgsRectangle(layer.extent())
    ext.grow(max(ext.width(), ext.height()) * 0.02)
    ms = QgsMapSettings()
    ms.setLayers([layer])
    ms.setDestinationCrs(layer.crs())
    ms.setOutputSize(QSize(1400, 1200))
    ms.setOutputDpi(96)
    ms.setBackgroundColor(QColor("white"))
    ms.setExtent(ext)
    ms.setFlag(QgsMapSettings.DrawLabeling, labels)
    img = QImage(ms.outputSize(), QImage.Format_ARGB32)
    img.fill(QColor("white"))
    painter = QPainter(img)
    job = QgsMapRendererCustomPainterJob(ms, painter)
    job.start()
    job.waitForFinished()
    m2p = job.mapSettings().mapToPixel()
    # The legend: one swatch per verdict, as the style colours it.
    painter.setFont(QFont("Noto Sans CJK SC", 13))
    words = {"PASS": "PASS 可以布局", "CONDITIONAL": "CONDITIONAL 有条件布局",
             "INCOMPLETE": "INCOMPLETE 无法判定", "FAIL": "FAIL 不得布局"}
    painter.fillRect(QRectF(10, 10, 420, 40 + 32 * 4), QColor(255, 255, 255, 235))
    painter.drawText(QRectF(22, 16, 400, 30), Qt.AlignLeft, "redline zoning · " + title)
    for i, v in enumerate(["PASS", "CONDITIONAL", "INCOMPLETE", "FAIL"]):
        r, g, b = COLOURS[v]
        painter.fillRect(QRectF(32, 62 + 32 * i, 24, 22), QColor(r, g, b, 150))
        painter.drawText(QRectF(66, 60 + 32 * i, 250, 28), Qt.AlignLeft, words[v])
    painter.end()
    return img, m2p


def render(layer, png, title):
    from qgis.core import QgsPointXY
    img, m2p = draw(layer, True, title)
    check(img.save(png), "the map renders to %s" % png)
    img, m2p = draw(layer, False, title)  # a label's halo may lie over the point looked at
    # At an interior point of each verdict's largest polygon: its colour over white.
    best = {}
    for f in layer.getFeatures():
        v, a = f["verdict"], f.geometry().area()
        if v in COLOURS and a > best.get(v, (0, None))[0]:
            best[v] = (a, f.geometry())
    for v, (a, g) in best.items():
        p = m2p.transform(QgsPointXY(g.pointOnSurface().asPoint()))
        if p.x() < 440 and p.y() < 190:
            continue  # under the legend
        c = img.pixelColor(int(round(p.x())), int(round(p.y())))
        want = [round(150 / 255 * x + (1 - 150 / 255) * 255) for x in COLOURS[v]]
        close = max(abs(c.red() - want[0]), abs(c.green() - want[1]), abs(c.blue() - want[2])) <= 40
        check(close, "the largest %s polygon shows %s (got %s)" % (v, want, (c.red(), c.green(), c.blue())))
    check("FAIL" in best and ("PASS" in best or "CONDITIONAL" in best), "the map has refused and allowed areas")


if __name__ == "__main__":
    sys.exit(main())
