#!/usr/bin/python3
"""Builds redline-qgis-<version>.zip, the file QGIS's "Install from ZIP" takes.

Usage: package.py [--out DIR]   (default: the current directory); prints the zip's path.
The zip holds one root folder, `redline/` (the plugin's id), with metadata.txt, LICENSE, the
Python modules, the help texts and the icon; no __pycache__, *.pyc or hidden files.
"""
import argparse
import configparser
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN = os.path.join(HERE, "redline")
REQUIRED = ["__init__.py", "metadata.txt", "LICENSE"]
METADATA_KEYS = ["name", "qgisMinimumVersion", "description", "about", "version", "author",
                 "email", "repository", "tracker", "hasProcessingProvider"]


def version():
    meta = configparser.ConfigParser(interpolation=None)
    meta.optionxform = str
    meta.read(os.path.join(PLUGIN, "metadata.txt"), encoding="utf-8")
    missing = [k for k in METADATA_KEYS if not meta.get("general", k, fallback="")]
    if missing:
        sys.exit("metadata.txt lacks " + ", ".join(missing))
    return meta.get("general", "version")


def files():
    for root, dirs, names in os.walk(PLUGIN):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name.endswith((".pyc", ".pyo", "~")):
                continue
            full = os.path.join(root, name)
            yield full, os.path.join("redline", os.path.relpath(full, PLUGIN))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=".", help="folder to write the zip into")
    args = ap.parse_args()
    for name in REQUIRED:
        if not os.path.isfile(os.path.join(PLUGIN, name)):
            sys.exit("plugins/qgis/redline/%s is missing" % name)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "redline-qgis-%s.zip" % version())
    tmp = path + ".part"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("redline/"), "")
        for full, arc in files():
            info = zipfile.ZipInfo.from_file(full, arc)
            info.date_time = (2020, 1, 1, 0, 0, 0)  # reproducible
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(full, "rb") as fh:
                z.writestr(info, fh.read())
    os.replace(tmp, path)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
