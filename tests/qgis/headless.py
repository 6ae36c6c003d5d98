"""What the real-QGIS tests share (tests/qgis/test_qgis*.py, tests/zoning/qgis_zoning.py): the
tally of checks, the verdict colours of redline's styles, and QGIS started headless in a
throwaway profile. Run with QT_QPA_PLATFORM=offscreen /usr/bin/python3 (PyQGIS is only there)."""
import contextlib
import os

VERDICT_COLOURS = {  # the fill of a point site, src/output/styles.cpp
    "PASS": (26, 152, 80),
    "CONDITIONAL": (245, 166, 35),
    "INCOMPLETE": (120, 144, 176),
    "FAIL": (215, 25, 28),
}
VERDICTS = ["PASS", "CONDITIONAL", "INCOMPLETE", "FAIL", "ERROR"]

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def prepare(tmp):
    """QGIS's profile and runtime directory in `tmp`, offscreen; False (say so) without PyQGIS."""
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = os.path.join(tmp, "qgis-profile")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("XDG_RUNTIME_DIR", tmp)
    try:
        import qgis.core  # noqa: F401
    except ImportError:
        print("PyQGIS not available: skipped")
        return False
    return True


@contextlib.contextmanager
def running():
    """A QgsApplication initialised for the block, exited after it."""
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    try:
        yield app
    finally:
        app.exitQgis()


def verdict():
    """The exit status: 1 when a check failed, after saying how many."""
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0
