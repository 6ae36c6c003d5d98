#!/usr/bin/python3
"""Golden CLI test of `redline diff` on sample_data/yongkang (rulebook.yaml ->
rulebook_2024.yaml), at 1 and 4 threads.

Checks the exit code and empty stderr; that the canonical dumps (changes,
errors, layer_changes, run_info, the JSON) do not depend on the thread count
and equal the committed golden dump; that the changes are exactly what two
independent `batch` runs give (verdicts and rule_id:feature_key -> outcome
per site); that every record is counted once; that the report groups the
changes by direction; and the same for the existing enterprises
(--layer-input sources) against `batch --layer-input sources`.
`--update` rewrites the golden file after a deliberate change.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile

from osgeo import ogr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import dump  # noqa: E402

OLD = "sample_data/yongkang/rulebook.yaml"
NEW = "sample_data/yongkang/rulebook_2024.yaml"
APPS = "sample_data/yongkang/applications.csv"
SEVERITY = ["PASS", "INFO", "CONDITIONAL", "INCOMPLETE", "FAIL", "ERROR"]


def run(cmd):
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stderr}")
    if p.stderr.strip():
        sys.exit(f"FAIL: stderr not empty for {' '.join(cmd)}:\n{p.stderr}")
    return p.stdout


def run_diff(redline, tmp, tag, threads, inputs):
    out, js, rep = (os.path.join(tmp, f"{tag}{threads}.{e}") for e in ("gpkg", "json", "html"))
    stdout = run([redline, "diff", OLD, NEW, *inputs, "-o", out, "--json", js, "--report", rep,
                  "--threads", str(threads), "--lang", "en"])
    lines = []
    dump.dump_gpkg(out, lines)
    dump.dump_json(js, lines)
    return out, js, rep, stdout, "\n".join(lines) + "\n"


def compact_changes(path):
    """The changes layer without messages and geometry (the sources case: 2,000 records)."""
    ds = ogr.Open(path)
    rows = []
    for f in ds.GetLayerByName("changes"):
        rows.append(" | ".join(f.GetField(k) or "" for k in (
            "site_id", "name", "old_verdict", "new_verdict", "direction", "findings_added", "findings_removed",
            "findings_changed", "township", "units")))
    return f"## changes ({len(rows)})\n" + "\n".join(rows) + "\n"


def batch_keys(redline, tmp, rulebook, tag, inputs):
    """site_id -> (verdict, {rule_id:feature_key: strictest outcome}) from a batch run."""
    out = os.path.join(tmp, f"batch_{tag}.gpkg")
    run([redline, "batch", rulebook, *inputs, "-o", out, "--threads", "2", "-q"])
    ds = ogr.Open(out)
    sites = {f.GetField("site_id"): (f.GetField("verdict"), {}) for f in ds.GetLayerByName("sites")}
    for f in ds.GetLayerByName("findings"):
        keys = sites[f.GetField("site_id")][1]
        k = f"{f.GetField('rule_id')}:{f.GetField('feature_key') or ''}"
        o = f.GetField("outcome")
        if k not in keys or SEVERITY.index(o) > SEVERITY.index(keys[k]):
            keys[k] = o
    return sites


def expected_changes(old, new):
    exp = {}
    for sid, (nv, nk) in new.items():
        ov, ok = old[sid]
        added = sorted(k for k in nk if k not in ok)
        removed = sorted(k for k in ok if k not in nk)
        changed = sorted(f"{k}:{ok[k]}\u2192{nk[k]}" for k in nk if k in ok and ok[k] != nk[k])
        if ov != nv or added or removed or changed:
            d = SEVERITY.index(nv) - SEVERITY.index(ov)
            exp[sid] = (ov, nv, "stricter" if d > 0 else "looser" if d < 0 else "same", added, removed, changed)
    return exp


def got_changes(path):
    got = {}
    ds = ogr.Open(path)  # kept: a layer does not keep its dataset alive
    for f in ds.GetLayerByName("changes"):
        split = lambda name: sorted(x for x in (f.GetField(name) or "").split(",") if x)  # noqa: E731
        got[f.GetField("site_id")] = (f.GetField("old_verdict"), f.GetField("new_verdict"), f.GetField("direction"),
                                      split("findings_added"), split("findings_removed"), split("findings_changed"))
    return got


def run_info(path):
    ds = ogr.Open(path)
    return {f.GetField("key"): f.GetField("value") for f in ds.GetLayerByName("run_info")}


def check_against_batches(redline, tmp, tag, inputs, out):
    exp = expected_changes(batch_keys(redline, tmp, OLD, tag + "_old", inputs),
                           batch_keys(redline, tmp, NEW, tag + "_new", inputs))
    got = got_changes(out)
    if got != exp:
        only = sorted(set(got) ^ set(exp))[:10]
        differ = [s for s in sorted(set(got) & set(exp)) if got[s] != exp[s]][:5]
        sys.exit(f"FAIL ({tag}): diff != two batch runs; only in one: {only}; "
                 f"differ: {[(s, got[s], exp[s]) for s in differ]}")
    info = run_info(out)
    counts = {k: int(info[k]) for k in ("unchanged", "stricter", "looser", "same", "errors", "records")}
    if counts["unchanged"] + counts["stricter"] + counts["looser"] + counts["same"] != counts["records"]:
        sys.exit(f"FAIL ({tag}): counts do not add up: {counts}")
    for d in ("stricter", "looser", "same"):
        if counts[d] != sum(1 for v in exp.values() if v[2] == d):
            sys.exit(f"FAIL ({tag}): run_info {d} = {counts[d]}")
    return exp, counts


def check_layer_input_cli(redline, tmp):
    """batch --layer-input: the report says what the verdicts mean; usage errors exit 2."""
    rep = os.path.join(tmp, "batch_sources.html")
    run([redline, "batch", NEW, "--layer-input", "sources", "-o", os.path.join(tmp, "b.gpkg"), "--report", rep,
         "--lang", "en", "-q"])
    with open(rep, encoding="utf-8") as fh:
        if "existing enterprises" not in fh.read():
            sys.exit("FAIL: batch --layer-input --report does not explain the verdicts of existing enterprises")
    for bad in ([NEW, APPS, "--layer-input", "sources"], [NEW, "--layer-input", "nope"], [NEW]):
        p = subprocess.run([redline, "batch", *bad, "-o", os.path.join(tmp, "x.gpkg")], cwd=ROOT,
                           capture_output=True, text=True)
        if p.returncode != 2 or not p.stderr.strip():
            sys.exit(f"FAIL: batch {' '.join(bad)} should be a usage error (exit 2), got {p.returncode}")


def compare_threads(d1, d4, tag):
    if d1 != d4:
        diff = difflib.unified_diff(d1.splitlines(), d4.splitlines(), "threads=1", "threads=4", lineterm="", n=1)
        sys.exit(f"FAIL ({tag}): results depend on the thread count:\n" + "\n".join(list(diff)[:60]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    golden = os.path.join(HERE, "yongkang_diff.dump")
    with tempfile.TemporaryDirectory() as tmp:
        out1, _, rep1, stdout, d1 = run_diff(args.redline, tmp, "apps", 1, [APPS])
        _, _, _, _, d4 = run_diff(args.redline, tmp, "apps", 4, [APPS])
        compare_threads(d1, d4, "applications")
        exp, counts = check_against_batches(args.redline, tmp, "apps", [APPS], out1)
        if not (counts["stricter"] and counts["looser"]):
            sys.exit(f"FAIL: the sample change should make some records stricter and some looser: {counts}")
        if f"{counts['stricter']} stricter, {counts['looser']} looser" not in stdout:
            sys.exit(f"FAIL: the summary line does not give the counts:\n{stdout}")
        with open(rep1, encoding="utf-8") as fh:
            html = fh.read()
        for needle in ["Change impact", 'class="d-stricter"', 'class="d-looser"', "AL-CQ-02", "RL-01"]:
            if needle not in html:
                sys.exit(f"FAIL: the report lacks {needle!r}")
        ds = ogr.Open(out1)
        lc = ds.GetLayerByName("layer_changes")
        changes = {(f.GetField("layer"), f.GetField("change")) for f in lc}
        if changes != {("redline", "added"), ("redline", "removed")}:
            sys.exit(f"FAIL: layer_changes should be the red line's added and removed areas: {changes}")

        src_inputs = ["--layer-input", "sources"]
        outs1, _, reps, _, s1 = run_diff(args.redline, tmp, "sources", 1, src_inputs)
        _, _, _, _, s4 = run_diff(args.redline, tmp, "sources", 4, src_inputs)
        compare_threads(s1, s4, "sources")
        sexp, scounts = check_against_batches(args.redline, tmp, "sources", src_inputs, outs1)
        if scounts["records"] != 2000 or not scounts["stricter"]:
            sys.exit(f"FAIL: --layer-input sources: {scounts}")
        with open(reps, encoding="utf-8") as fh:
            if "existing enterprises" not in fh.read():
                sys.exit("FAIL: the report of --layer-input does not say what the verdicts mean for existing enterprises")

        check_layer_input_cli(args.redline, tmp)
        text = d1 + "## --layer-input sources\n" + compact_changes(outs1)
        if args.update:
            with open(golden, "w", encoding="utf-8") as fh:
                fh.write(text)
            print(f"updated {golden}")
            return
        with open(golden, encoding="utf-8") as fh:
            expected = fh.read()
        if expected != text:
            diff = difflib.unified_diff(expected.splitlines(), text.splitlines(), "golden", "now", lineterm="", n=1)
            sys.exit("FAIL: output differs from the golden dump:\n" + "\n".join(list(diff)[:80]))
    print(f"ok: {counts} applications; {scounts} sources")


if __name__ == "__main__":
    main()
