#!/usr/bin/python3
"""The redline Processing plugin through qgis_process.bin, in a throwaway profile.

- `qgis_process.bin plugins enable redline` (plugin found on QGIS_PLUGINPATH=plugins/qgis), and
  `list` shows redline:screen, redline:check and redline:validate;
- `run redline:screen` on the Yongkang sample, given as the CSV itself and as a GeoPackage layer:
  the GeoPackage equals `redline batch`'s on the same input (tests/golden/dump.py's canonical
  dump, every layer), so site_id -> verdict is equal for all 294 records; the verdict counts
  are returned as outputs; REPORT writes the HTML report;
- `run redline:check` on the README's site agrees with `redline check --format json`;
- `run redline:validate` writes an HTML report; a broken rulebook gives VALID false;
- a wrong binary (a folder, a missing file, a program that is not redline; from REDLINE_BIN or
  from the Processing setting, which wins) fails with the one clear message, naming its origin.
Usage: test_qgis_process.py --redline PATH. Exit 77 when QGIS / PyQGIS is not installed.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import check  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    args = ap.parse_args()
    redline = os.path.abspath(args.redline)
    if not support.qgis_process_binary() or not support.have_pyqgis():
        print("QGIS (qgis_process.bin, PyQGIS) not installed: skipped")
        return support.SKIP
    tmp = support.tempdir("redline-qgis-process-")
    root = tmp.name
    prof = support.Profile(os.path.join(root, "q"), redline=redline)

    t0 = time.time()
    rc, out, err = prof.qgis_process("plugins", "enable", "redline")
    check(rc == 0, "qgis_process.bin plugins enable redline (exit %d) %s" % (rc, err[-300:]))
    rc, out, err = prof.qgis_process("list")
    for alg in ("redline:screen", "redline:check", "redline:validate"):
        check(alg in out, "list shows %s" % alg)

    # --- screen, the CSV as it is and a GeoPackage layer -------------------------------------
    gpkg_in = os.path.join(root, "applications.gpkg")
    support.csv_to_gpkg(support.APPLICATIONS, gpkg_in)
    for label, src in (("CSV", support.APPLICATIONS), ("GeoPackage", gpkg_in)):
        ref = os.path.join(root, "batch-%s.gpkg" % label)
        subprocess.run([redline, "-q", "batch", support.RULEBOOK, src, "-o", ref], check=True)
        outp = os.path.join(root, "screen-%s.gpkg" % label)
        report = os.path.join(root, "screen-%s.html" % label)
        rc, out, err = prof.qgis_process(
            "run", "redline:screen", "--", "INPUT=" + src, "RULEBOOK=" + support.RULEBOOK,
            "OUTPUT=" + outp, "REPORT=" + report)
        if not check(rc == 0 and os.path.isfile(outp),
                     "run redline:screen on the %s (exit %d) %s" % (label, rc, err[-500:] if rc else "")):
            continue
        want, got = support.verdicts(ref), support.verdicts(outp)
        check(len(want) == 294 and want == got,
              "%s: site_id -> verdict equal to batch's for all %d records (%d differ)"
              % (label, len(want), sum(1 for k in want if want[k] != got.get(k))))
        a, b = support.dump(ref), support.dump(outp)
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        check(a == b, "%s: the GeoPackage equals batch's, canonical dump of every layer "
              "(%d lines, %d differ%s)" % (label, len(a), len(diff) + abs(len(a) - len(b)),
                                           ("; first: %r / %r" % diff[0]) if diff else ""))
        res = support.results(out)
        counts = {v: sum(1 for x in want.values() if x == v) for v in
                  ("PASS", "CONDITIONAL", "INCOMPLETE", "FAIL", "ERROR")}
        check(all(res.get(v) == str(n) for v, n in counts.items()) and res.get("SITES") == "294",
              "%s: the verdict counts are outputs %s" % (label, counts))
        check("sites_point" in res.get("OUTPUT_LAYERS", ""), "%s: OUTPUT_LAYERS lists sites_point"
              % label)
        with open(report, encoding="utf-8") as fh:
            check("section" in fh.read(), "%s: REPORT wrote the HTML report" % label)

    # --- screen: field parameters and the English messages -----------------------------------
    outp = os.path.join(root, "screen-en.gpkg")
    rc, out, err = prof.qgis_process(
        "run", "redline:screen", "--", "INPUT=" + gpkg_in, "RULEBOOK=" + support.RULEBOOK,
        "ID_FIELD=name", "INDUSTRY_FIELD=industry", "COORDS=0", "LANGUAGE=1", "THREADS=1",
        "OUTPUT=" + outp)
    if check(rc == 0, "run redline:screen with ID_FIELD=name, LANGUAGE=1 (exit %d) %s"
             % (rc, err[-300:] if rc else "")):
        from osgeo import ogr
        ds = ogr.Open(outp)
        f = ds.GetLayerByName("sites").GetNextFeature()
        check(f.GetField("site_id") == f.GetField("name"), "ID_FIELD=name gives site_id = name")
        check(f.GetField("message").isascii(), "LANGUAGE=1 gives English messages (%s)"
              % f.GetField("message"))
        ds = None

    # --- check --------------------------------------------------------------------------------
    cli = json.loads(subprocess.run(
        [redline, "check", support.RULEBOOK, "--site", "120.0756850,28.8712688", "--industry",
         "3312", "--attr", "voc_tpa=1.37", "--format", "json"], check=True,
        capture_output=True).stdout)
    chk = os.path.join(root, "check.gpkg")
    rc, out, err = prof.qgis_process(
        "run", "redline:check", "--", "SITE=POINT(120.0756850 28.8712688)", "INDUSTRY=3312",
        "ATTRS=voc_tpa=1.37", "RULEBOOK=" + support.RULEBOOK, "OUTPUT=" + chk)
    res = support.results(out)
    if check(rc == 0, "run redline:check (exit %d) %s" % (rc, err[-300:] if rc else "")):
        check(res.get("VERDICT") == cli["verdict"] == "CONDITIONAL",
              "check: VERDICT %s = redline check's %s" % (res.get("VERDICT"), cli["verdict"]))
        findings = json.loads(res.get("FINDINGS", "[]"))
        key = lambda f: (f["rule_id"], f["outcome"], f["feature_key"])  # noqa: E731
        check(sorted(map(key, findings)) == sorted(map(key, cli["findings"])),
              "check: FINDINGS equal redline check's (%d)" % len(cli["findings"]))
        check(res.get("FINDINGS_COUNT") == str(len(cli["findings"])), "check: FINDINGS_COUNT")
        check(support.verdicts(chk) == {"site": "CONDITIONAL"}, "check: the GeoPackage's site")
    rc, out, err = prof.qgis_process(
        "run", "redline:check", "--", "SITE=POINT(120.0756850 28.8712688)", "INDUSTRY=3312",
        "ATTRS=no equals sign", "RULEBOOK=" + support.RULEBOOK, "OUTPUT=" + chk)
    check(rc != 0 and "NAME=VALUE" in out + err, "check: a malformed ATTRS is refused clearly")

    # --- validate -----------------------------------------------------------------------------
    html = os.path.join(root, "validate.html")
    rc, out, err = prof.qgis_process("run", "redline:validate", "--",
                                     "RULEBOOK=" + support.RULEBOOK, "OUTPUT=" + html)
    res = support.results(out)
    if check(rc == 0 and os.path.isfile(html), "run redline:validate (exit %d)" % rc):
        text = open(html, encoding="utf-8").read()
        check("eco_redline" in text and "<pre" in text and res.get("VALID") == "true",
              "validate: the HTML report holds redline validate's text; VALID true")
    bad = os.path.join(root, "bad.yaml")
    with open(bad, "w", encoding="utf-8") as fh:
        fh.write("rulebook: 1\nname: broken\nworking_crs: EPSG:4549\nlayers:\n"
                 "  redline: {source: missing.gpkg, layer: nothing}\nchecks: []\n")
    rc, out, err = prof.qgis_process("run", "redline:validate", "--", "RULEBOOK=" + bad,
                                     "OUTPUT=" + html)
    res = support.results(out)
    check(res.get("VALID") == "false" and "missing.gpkg" in open(html, encoding="utf-8").read(),
          "validate: a broken rulebook gives VALID false and the reason in the report")

    # --- a wrong binary: one clear message ----------------------------------------------------
    notredline = os.path.join(root, "not-redline")
    with open(notredline, "w") as fh:
        fh.write("#!/bin/sh\necho 'GDAL 3.6.2'\n")
    os.chmod(notredline, 0o755)
    cases = [
        ("a folder in REDLINE_BIN", {"REDLINE_BIN": root}, None,
         ["REDLINE_BIN", "is set to the folder", root]),
        ("a missing file in REDLINE_BIN", {"REDLINE_BIN": root + "/nope/redline"}, None,
         ["REDLINE_BIN", "does not exist"]),
        ("a program that is not redline", {"REDLINE_BIN": notredline}, None,
         ["is not redline", "GDAL 3.6.2"]),
        ("no binary at all", {"REDLINE_BIN": None, "PATH": "/usr/bin:/bin"}, None,
         ["no redline executable found"]),
        ("the Processing setting set to a folder (wins over REDLINE_BIN)", {}, root,
         ["Processing setting", "is set to the folder"]),
    ]
    for what, env, setting, words in cases:
        prof.set_processing_setting("REDLINE_BINARY", setting)
        outp = os.path.join(root, "wrong.gpkg")
        rc, out, err = prof.qgis_process(
            "run", "redline:screen", "--", "INPUT=" + gpkg_in, "RULEBOOK=" + support.RULEBOOK,
            "OUTPUT=" + outp, **env)
        text = out + err
        msg = [l for l in text.splitlines() if l.startswith("ERROR:")]
        check(rc != 0 and not os.path.exists(outp) and msg and all(w in msg[0] for w in words),
              "%s: exit %d with the message %r" % (what, rc, msg[0][:160] if msg else text[-300:]))
        check(any(l.startswith("redline:") and all(w in l for w in words)
                  for l in err.splitlines()),
              "%s: said when the provider loads (stderr of qgis_process)" % what)
    prof.set_processing_setting("REDLINE_BINARY", redline)
    rc, out, err = prof.qgis_process("run", "redline:validate", "--",
                                     "RULEBOOK=" + support.RULEBOOK, "OUTPUT=" + html,
                                     REDLINE_BIN=root)
    check(rc == 0, "the Processing setting, when right, wins over a wrong REDLINE_BIN")

    print("took %.1f s" % (time.time() - t0))
    return support.finish()


if __name__ == "__main__":
    sys.exit(main())
