#!/usr/bin/python3
"""Renders docs/qgis_plugin.png headless: the redline:screen dialog (Processing's own
AlgorithmDialog, parameters filled in) beside the styled result of that run on the Yongkang
sample (sites_* by verdict, findings_polygon by outcome), drawn by QGIS's map renderer.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_plugin/screenshot.py \
           --redline build/redline [--out docs/qgis_plugin.png]
(with --server URL the run goes to a `redline serve` instead of the executable).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--server", default="")
    ap.add_argument("--out", default=os.path.join(support.REPO, "docs", "qgis_plugin.png"))
    args = ap.parse_args()
    tmp = support.tempdir("redline-qgis-shot-")
    prof = support.Profile(tmp.name, redline=os.path.abspath(args.redline))
    os.environ.update(prof.env(REDLINE_SERVER=args.server or None))
    from qgis.core import QgsApplication
    app = QgsApplication([], True)
    app.initQgis()
    try:
        return shoot(app, tmp.name, os.path.abspath(args.out))
    finally:
        from qgis.core import QgsProject
        QgsProject.instance().clear()
        app.exitQgis()


def shoot(app, root, out):
    sys.path.append(os.path.join(app.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing
    Processing.initialize()
    import processing
    from qgis.core import (QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsProject,
                           QgsRectangle, QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize, Qt
    from qgis.PyQt.QtGui import QColor, QFont, QPainter, QPixmap
    sys.path.insert(0, support.PLUGINS)
    import redline as plugin_pkg
    plugin = plugin_pkg.classFactory(None)
    plugin.initProcessing()

    # The run the dialog shows, done for real, its layers loaded with their default styles.
    gpkg = os.path.join(root, "yongkang-result.gpkg")
    params = {"INPUT": support.APPLICATIONS, "RULEBOOK": support.RULEBOOK, "OUTPUT": gpkg}
    processing.run("redline:screen", params)
    layers = []
    base = QgsVectorLayer(os.path.join(support.SAMPLE, "yongkang.gpkg") + "|layername=townships",
                          "townships", "ogr")
    if base.isValid():
        sym = base.renderer().symbol()
        sym.setColor(QColor(245, 245, 240))
        sym.symbolLayer(0).setStrokeColor(QColor(150, 150, 150))
        layers.append(base)
    for name in ("findings_polygon", "sites_polygon", "sites_line", "sites_point"):
        lyr = QgsVectorLayer(gpkg + "|layername=" + name, name, "ogr")
        if lyr.isValid() and lyr.featureCount() > 0:
            lyr.loadDefaultStyle()
            layers.append(lyr)
    for lyr in layers:
        QgsProject.instance().addMapLayer(lyr, False)

    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))
    settings.setDestinationCrs(layers[-1].crs())
    ext = QgsRectangle()
    for lyr in layers[1:]:
        e = settings.layerExtentToOutputExtent(lyr, lyr.extent())
        ext.combineExtentWith(e)
    ext.scale(1.08)
    settings.setExtent(ext)
    settings.setOutputSize(QSize(760, 700))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    settings.setFlag(QgsMapSettings.DrawLabeling, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    mapimg = job.renderedImage()

    # The dialog, as the toolbox opens it, with the parameters of that run.
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    alg = QgsApplication.processingRegistry().createAlgorithmById("redline:screen")
    dlg = AlgorithmDialog(alg)
    os.chdir(support.REPO)  # the dialog shows repository-relative paths
    dlg.setParameters({"INPUT": "sample_data/yongkang/applications.csv",
                       "RULEBOOK": "sample_data/yongkang/rulebook.yaml",
                       "OUTPUT": "yongkang-result.gpkg"})
    dlg.resize(900, 700)
    dlg.show()
    for _ in range(20):
        app.processEvents()
    from qgis.PyQt.QtWidgets import QSplitter
    for sp in dlg.findChildren(QSplitter):
        sp.setSizes([560, 340])
    for _ in range(10):
        app.processEvents()
    dialog = dlg.grab()

    w = dialog.width() + mapimg.width() + 30
    h = max(dialog.height(), mapimg.height()) + 50
    canvas = QPixmap(w, h)
    canvas.fill(QColor(236, 236, 236))
    p = QPainter(canvas)
    p.setRenderHint(QPainter.Antialiasing)
    font = QFont("Noto Sans CJK SC", 11)
    font.setBold(True)
    p.setFont(font)
    p.drawText(10, 28, "redline:screen — Processing dialog")
    p.drawText(dialog.width() + 20, 28,
               "the result: sites by verdict, findings by outcome (Yongkang sample)")
    p.drawPixmap(10, 40, dialog)
    p.drawImage(dialog.width() + 20, 40, mapimg)
    p.end()
    dlg.close()
    ok = canvas.save(out)
    print(out if ok else "could not save " + out)
    for lyr in layers:
        QgsProject.instance().removeMapLayer(lyr.id())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
