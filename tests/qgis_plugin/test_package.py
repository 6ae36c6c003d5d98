#!/usr/bin/python3
"""plugins/qgis/package.py builds a zip that "Install from ZIP" accepts, and it installs.

The zip is redline-qgis-<metadata version>.zip with one root folder `redline/` holding
__init__.py, metadata.txt (hasProcessingProvider=yes) and LICENSE, and no __pycache__ or .pyc;
unzipped into a clean profile's python/plugins (what QGIS's installer does; no QGIS_PLUGINPATH)
and enabled with `qgis_process.bin plugins enable redline`, its algorithms are listed and
redline:screen runs on the Yongkang sample with batch's verdicts.
Usage: test_package.py --redline PATH. Exit 77 when QGIS is not installed.
"""
import argparse
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import check  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    args = ap.parse_args()
    redline = os.path.abspath(args.redline)
    tmp = support.tempdir("redline-qgis-package-")
    root = tmp.name
    # A __pycache__ in the source tree must not end up in the zip.
    pyc = os.path.join(support.PLUGINS, "redline", "__pycache__")
    made_pyc = not os.path.isdir(pyc)
    subprocess.run([sys.executable, "-m", "compileall", "-q",
                    os.path.join(support.PLUGINS, "redline")], check=False)
    try:
        out = subprocess.run([sys.executable, os.path.join(support.PLUGINS, "package.py"),
                              "--out", root], capture_output=True, text=True)
    finally:
        if made_pyc and os.path.isdir(pyc):
            import shutil
            shutil.rmtree(pyc, ignore_errors=True)
    check(out.returncode == 0, "package.py ran (%s)" % out.stderr.strip())
    version = None
    with open(os.path.join(support.PLUGINS, "redline", "metadata.txt"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("version="):
                version = line.split("=", 1)[1].strip()
    zpath = os.path.join(root, "redline-qgis-%s.zip" % version)
    check(out.stdout.strip() == zpath and os.path.isfile(zpath), "it wrote %s" % zpath)
    if not os.path.isfile(zpath):
        return support.finish()
    with zipfile.ZipFile(zpath) as z:
        names = z.namelist()
        check(z.testzip() is None, "the zip is sound")
        meta = z.read("redline/metadata.txt").decode("utf-8")
    check({n.split("/")[0] for n in names} == {"redline"}, "one root folder, redline/")
    for need in ("redline/__init__.py", "redline/metadata.txt", "redline/LICENSE",
                 "redline/provider.py", "redline/algorithms.py", "redline/help/screen.zh.html",
                 "redline/help/screen.en.html"):
        check(need in names, "the zip holds %s" % need)
    check(not any("__pycache__" in n or n.endswith((".pyc", ".pyo")) for n in names),
          "no __pycache__ or .pyc in the zip")
    for key in ("name=", "qgisMinimumVersion=", "description=", "about=", "version=",
                "author=", "email=", "repository=", "tracker=", "hasProcessingProvider=yes"):
        check(("\n" + key) in "\n" + meta, "metadata.txt has %s" % key)

    if not support.qgis_process_binary() or not support.have_pyqgis():
        print("QGIS not installed: the install part is skipped")
        return support.SKIP if not support.failures else 1
    prof = support.Profile(os.path.join(root, "q"), plugin_path=None, redline=redline)
    plugins = os.path.join(prof.config, "profiles", "default", "python", "plugins")
    os.makedirs(plugins)
    with zipfile.ZipFile(zpath) as z:
        z.extractall(plugins)
    rc, out, err = prof.qgis_process("plugins")
    check("redline" in out, "qgis_process.bin plugins lists the installed redline")
    rc, out, err = prof.qgis_process("plugins", "enable", "redline")
    check(rc == 0, "qgis_process.bin plugins enable redline (exit %d)" % rc)
    rc, out, err = prof.qgis_process("list")
    check(all(a in out for a in ("redline:screen", "redline:check", "redline:validate")),
          "the installed plugin's algorithms are listed")
    outp = os.path.join(root, "screen.gpkg")
    rc, out, err = prof.qgis_process("run", "redline:screen", "--",
                                     "INPUT=" + support.APPLICATIONS,
                                     "RULEBOOK=" + support.RULEBOOK, "OUTPUT=" + outp)
    ref = os.path.join(root, "batch.gpkg")
    subprocess.run([redline, "-q", "batch", support.RULEBOOK, support.APPLICATIONS, "-o", ref],
                   check=True)
    check(rc == 0 and os.path.isfile(outp) and support.verdicts(outp) == support.verdicts(ref),
          "the installed plugin's redline:screen gives batch's 294 verdicts (exit %d)" % rc)
    return support.finish()


if __name__ == "__main__":
    sys.exit(main())
