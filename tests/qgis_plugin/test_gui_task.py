#!/usr/bin/python3
"""redline:screen run as the Processing dialog runs it: a QgsProcessingAlgRunnerTask on the task
manager's thread, results handled by Processing's own handleAlgorithmResults (what the dialog
calls), in headless PyQGIS with a throwaway profile.

- the plugin loads as QGIS loads it (classFactory, initProcessing) and registers provider
  `redline`; the input is a project layer with a selection ("selected features only" honoured);
- progress reaches 100, with values in between (redline's `--progress lines`), on a big input;
- the layers loaded into the project are sites_*/findings_* from the output, each with its
  GeoPackage default style: sites_* categorized on verdict with the five verdicts;
- cancel mid-run: the task ends within seconds, the redline child is gone, and neither the output
  GeoPackage nor a temporary sibling is left;
- the provider reports a wrong binary (a folder) with the clear message; canExecute() is false.
Usage: QT_QPA_PLATFORM=offscreen test_gui_task.py --redline PATH. Exit 77 without PyQGIS.
"""
import argparse
import glob
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import check  # noqa: E402

VERDICTS = ["PASS", "CONDITIONAL", "INCOMPLETE", "FAIL", "ERROR"]


def redline_children(marker):
    """PIDs of live processes whose command line mentions `marker` (our output path)."""
    pids = []
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(d + "/cmdline", "rb") as fh:
                cmd = fh.read().split(b"\0")
            with open(d + "/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(marker.encode() in c for c in cmd) and b"batch" in cmd:
            pids.append(int(d[6:]))
    return pids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    args = ap.parse_args()
    redline = os.path.abspath(args.redline)
    tmp = support.tempdir("redline-qgis-gui-")
    root = tmp.name
    prof = support.Profile(root, redline=redline)
    os.environ.update(prof.env())
    try:
        from qgis.core import QgsApplication
    except ImportError:
        print("PyQGIS not available: skipped")
        return support.SKIP
    t0 = time.time()
    app = QgsApplication([], False)
    app.initQgis()
    try:
        run(app, root, redline)
    finally:
        from qgis.core import QgsProject
        QgsProject.instance().clear()
        app.exitQgis()
    print("took %.1f s" % (time.time() - t0))
    return support.finish()


def run_task(alg_id, params, cancel_when=None, timeout=180):
    """Runs the algorithm as the dialog does; returns (ok, results, progress values, feedback,
    context, seconds from cancel to the end or None)."""
    from qgis.core import (QgsApplication, QgsProcessingAlgRunnerTask, QgsProcessingContext,
                           QgsProcessingFeedback, QgsProject)
    from qgis.PyQt.QtCore import QEventLoop, QTimer

    alg = QgsApplication.processingRegistry().createAlgorithmById(alg_id)
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    progress = []
    state = {"cancelled_at": None, "done": None}
    feedback.progressChanged.connect(lambda p: progress.append(p))
    task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)
    loop = QEventLoop()

    def finished(ok, results):
        state["done"] = (ok, results)
        loop.quit()

    task.executed.connect(finished)
    poll = QTimer()

    def tick():
        if cancel_when and state["cancelled_at"] is None and cancel_when(progress):
            state["cancelled_at"] = time.time()
            feedback.cancel()  # what the dialog's Cancel button does

    poll.timeout.connect(tick)
    poll.start(20)
    QTimer.singleShot(timeout * 1000, loop.quit)
    QgsApplication.taskManager().addTask(task)
    loop.exec_()
    poll.stop()
    took = time.time() - state["cancelled_at"] if state["cancelled_at"] else None
    ok, results = state["done"] or (False, {})
    return ok, results, progress, feedback, context, took, alg


def run(app, root, redline):
    sys.path.append(os.path.join(app.pkgDataPath(), "python", "plugins"))  # Processing itself
    from processing.core.Processing import Processing
    Processing.initialize()
    from qgis.core import (QgsApplication, QgsCategorizedSymbolRenderer,
                           QgsProcessingFeatureSourceDefinition, QgsProject, QgsVectorLayer)
    sys.path.insert(0, support.PLUGINS)
    import redline as plugin_pkg
    plugin = plugin_pkg.classFactory(None)
    plugin.initProcessing()
    provider = QgsApplication.processingRegistry().providerById("redline")
    check(provider is not None, "the plugin registers the provider 'redline'")
    check(provider.binary_info.ok and provider.binary_info.progress_lines,
          "the provider found %s (%s), which has --progress lines"
          % (provider.binary_info.path, provider.binary_info.version))

    # A big input as a project layer, a few features deselected.
    big = os.path.join(root, "big.gpkg")
    support.csv_to_gpkg(support.APPLICATIONS, big, repeat=40)
    layer = QgsVectorLayer(big + "|layername=applications", "applications", "ogr")
    check(layer.isValid() and layer.featureCount() == 294 * 40, "the input layer loads (%d)"
          % layer.featureCount())
    QgsProject.instance().addMapLayer(layer)
    ids = [f.id() for f in layer.getFeatures()]
    layer.selectByIds(ids[:-10])
    selected = len(ids) - 10

    from processing.gui.Postprocessing import handleAlgorithmResults
    out = os.path.join(root, "result.gpkg")
    params = {"INPUT": QgsProcessingFeatureSourceDefinition(layer.id(), True),
              "RULEBOOK": support.RULEBOOK, "OUTPUT": out, "THREADS": 1}
    ok, results, progress, feedback, context, _, alg = run_task("redline:screen", params)
    check(ok and os.path.isfile(out), "the task ran redline:screen (ok=%s)" % ok)
    check(progress and max(progress) == 100, "progress reached 100 (max %s)"
          % (max(progress) if progress else None))
    between = sorted({round(p) for p in progress if 0 < p < 100})
    check(len(between) >= 2, "progress went through values in between: %s" % between[:10])
    check(results.get("SITES") == selected, "only the %d selected features were screened (%s)"
          % (selected, results.get("SITES")))
    handleAlgorithmResults(alg, context, feedback, False, params)
    loaded = {l.name(): l for l in QgsProject.instance().mapLayers().values() if l is not layer}
    check({"sites_point", "sites_polygon", "findings_polygon"} <= set(loaded),
          "the result layers were loaded into the project: %s" % sorted(loaded))
    for name, lyr in sorted(loaded.items()):
        check(lyr.source().startswith(out), "%s comes from the output GeoPackage" % name)
        r = lyr.renderer()
        attr = "verdict" if name.startswith("sites_") else "outcome"
        ok_r = isinstance(r, QgsCategorizedSymbolRenderer) and r.classAttribute() == attr
        check(ok_r, "%s carries its default style: categorized on %s (got %s)"
              % (name, attr, r.type() if r else None))
        if ok_r and name.startswith("sites_"):
            values = sorted(c.value() for c in r.categories())
            check(values == sorted(VERDICTS), "%s has the five verdict categories" % name)
            check(lyr.labelsEnabled(), "%s has its labels on" % name)
    for lyr in list(loaded.values()):
        QgsProject.instance().removeMapLayer(lyr.id())
    loaded.clear()

    # Cancel mid-run: a bigger input, report too, cancelled after the first progress step.
    bigger = os.path.join(root, "bigger.gpkg")
    support.csv_to_gpkg(support.APPLICATIONS, bigger, repeat=200)
    out2 = os.path.join(root, "cancelled.gpkg")
    report2 = os.path.join(root, "cancelled.html")
    params = {"INPUT": bigger + "|layername=applications", "RULEBOOK": support.RULEBOOK,
              "OUTPUT": out2, "REPORT": report2, "THREADS": 1}
    seen_child = []

    def cancel_when(progress):
        if redline_children(out2):
            seen_child.append(True)
        return seen_child and any(0 < p < 100 for p in progress)

    started = time.time()
    ok, results, progress, feedback, context, took, _ = run_task(
        "redline:screen", params, cancel_when=cancel_when)
    check(took is not None, "the run was cancelled mid-run (progress %s, after %.1f s)"
          % (max(progress) if progress else None, time.time() - started))
    check(not ok, "the cancelled task did not succeed")
    check(took is not None and took < 3, "the task ended %.2f s after cancel" % (took or -1))
    check(seen_child and not redline_children(out2), "the redline child ran and is gone")
    left = [p for p in os.listdir(root) if p.startswith((".cancelled", "cancelled"))]
    check(not left, "nothing was left beside the output: %s" % left)

    # A wrong binary: the clear message when the provider loads, and canExecute() false.
    from processing.core.ProcessingConfig import ProcessingConfig
    ProcessingConfig.setSettingValue("REDLINE_BINARY", root)
    info = provider.check_binary()
    check(not info.ok and "is set to the folder" in info.error and "Processing" in info.error,
          "a folder in the setting: %s" % info.error)
    can, why = QgsApplication.processingRegistry().algorithmById("redline:screen").canExecute()
    check(not can and why == info.error, "canExecute() is false with the same message")
    ProcessingConfig.setSettingValue("REDLINE_BINARY", "")
    plugin.unload()
    check(QgsApplication.processingRegistry().providerById("redline") is None,
          "unload removes the provider")
    del layer


if __name__ == "__main__":
    sys.exit(main())
