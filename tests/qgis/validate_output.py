#!/usr/bin/python3
"""The sample batch's GeoPackage, with and without --with-context, passes
GDAL's validator with --extra --warning-as-error."""
import argparse
import os
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--sample", required=True)
    args = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for extra in ([], ["--with-context"]):
            out = os.path.join(tmp, "out%s.gpkg" % ("_ctx" if extra else ""))
            subprocess.run([args.redline, "-q", "batch", os.path.join(args.sample, "rulebook.yaml"),
                            os.path.join(args.sample, "applications.csv"), "-o", out] + extra,
                           check=True)
            r = subprocess.run(["/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg",
                                "--extra", "--warning-as-error", out],
                               capture_output=True, text=True)
            print("validate_gpkg %s: exit %d" % (" ".join(extra) or "(no context)", r.returncode))
            if r.returncode != 0:
                failures += 1
                print(r.stdout + r.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
