#!/usr/bin/python3
"""Compare `redline batch` with the PostGIS oracle (oracle.py), site by site.

For every application: the verdict, and the multiset of findings keyed by
(rule_id, feature_key, outcome); for findings present on both sides, the numeric `value`
(and `threshold`, `share_pct`) must agree within 1e-6 relative or 1e-3 absolute.
Every disagreement is printed; the exit status is 1 when there is any.

Exit codes: 0 agreement, 1 disagreement or failure, 77 PostgreSQL/PostGIS missing and
REDLINE_SKIP_POSTGIS=1 (CTest SKIP_RETURN_CODE).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import oracle  # noqa: E402
import pgcluster  # noqa: E402

SAMPLE = os.path.join(REPO, "sample_data", "yongkang")
REL, ABS = 1e-6, 1e-3


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= ABS or abs(a - b) <= REL * max(abs(a), abs(b))


def fmt(v):
    return "null" if v is None else f"{v:.6f}"


def key(f):
    return (f["rule_id"], f.get("feature_key") or "", f["outcome"])


def describe(f):
    s = f"{f['rule_id']} [{f.get('check_type', '')}] key={f.get('feature_key') or '-'} " \
        f"{f['outcome']}"
    if f.get("measure"):
        s += f" {f['measure']}={fmt(f.get('value'))}"
    if f.get("threshold") is not None:
        s += f" threshold={fmt(f['threshold'])}"
    return s


def run_redline(redline, rulebook, applications, threads, workdir):
    out_json = os.path.join(workdir, "redline.json")
    argv = [redline, "batch", rulebook, applications, "-o", os.path.join(workdir, "out.gpkg"),
            "--json", out_json]
    if threads:
        argv += ["--threads", str(threads)]
    t = time.time()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit(f"compare: redline batch failed ({p.returncode}):\n{' '.join(argv)}\n"
                         f"{p.stdout}{p.stderr}")
    with open(out_json, encoding="utf-8") as fh:
        return json.load(fh), time.time() - t


def compare(red, ora):
    """Return a list of (site_id, [lines]) disagreements."""
    problems = []
    if len(red) != len(ora):
        problems.append(("*", [f"redline reported {len(red)} sites, oracle {len(ora)}"]))
    for i, o in enumerate(ora):
        lines = []
        if i >= len(red):
            break
        r = red[i]
        sid = o["site_id"]
        if r.get("site_id") != sid:
            lines.append(f"site id at position {i}: redline {r.get('site_id')!r}, "
                         f"oracle {sid!r}")
        if r["verdict"] != o["verdict"]:
            lines.append(f"verdict: redline {r['verdict']}"
                         f"{' (' + r['error'] + ')' if r.get('error') else ''}, "
                         f"oracle {o['verdict']}"
                         f"{' (' + o['error'] + ')' if o.get('error') else ''}")
        rf = {}
        for f in r.get("findings", []):
            if f.get("check_type") == "eia_category":
                continue  # SPEC §6.2: the oracle does not implement it (oracle.py)
            rf.setdefault(key(f), []).append(f)
        of = {}
        for f in o.get("findings", []):
            of.setdefault(key(f), []).append(f)
        for k in sorted(set(rf) | set(of)):
            a, b = rf.get(k, []), of.get(k, [])
            if len(a) != len(b):
                for f in a[len(b):]:
                    lines.append(f"only redline: {describe(f)}")
                for f in b[len(a):]:
                    lines.append(f"only oracle:  {describe(f)}")
            for fa, fb in zip(a, b):
                if not close(fa.get("value"), fb.get("value")):
                    lines.append(f"value of {k[0]} key={k[1] or '-'}: redline "
                                 f"{fa.get('measure')}={fmt(fa.get('value'))}, oracle "
                                 f"{fb.get('measure')}={fmt(fb.get('value'))}")
                if not close(fa.get("share_pct"), fb.get("share_pct")):
                    lines.append(f"share_pct of {k[0]} key={k[1] or '-'}: redline "
                                 f"{fmt(fa.get('share_pct'))}, oracle {fmt(fb.get('share_pct'))}")
                if not close(fa.get("threshold"), fb.get("threshold")):
                    lines.append(f"threshold of {k[0]} key={k[1] or '-'}: redline "
                                 f"{fmt(fa.get('threshold'))}, oracle {fmt(fb.get('threshold'))}")
        if lines:
            problems.append((sid, lines))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redline", required=True, help="path to the redline executable")
    ap.add_argument("--rulebook", default=os.path.join(SAMPLE, "rulebook.yaml"))
    ap.add_argument("--applications", default=os.path.join(SAMPLE, "applications.csv"))
    ap.add_argument("--threads", type=int, help="passed to redline batch --threads")
    ap.add_argument("--keep", action="store_true",
                    help="keep the PostgreSQL cluster running and the work directory")
    ap.add_argument("--save", metavar="DIR", help="write redline.json and oracle.json here")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    if not os.access(a.redline, os.X_OK):
        print(f"compare: redline executable not found: {a.redline}", file=sys.stderr)
        return 1
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="redline-compare-") as work:
        red, t_red = run_redline(a.redline, a.rulebook, a.applications, a.threads, work)
        try:
            t = time.time()
            ora = oracle.run_oracle(a.rulebook, a.applications, verbose=a.verbose, keep=a.keep)
            t_ora = time.time() - t
        except pgcluster.ClusterUnavailable as e:
            if os.environ.get("REDLINE_SKIP_POSTGIS") == "1":
                print(f"compare: SKIPPED (REDLINE_SKIP_POSTGIS=1): {e}")
                return 77
            print(f"compare: cannot run the PostGIS oracle: {e}\n"
                  f"(set REDLINE_SKIP_POSTGIS=1 to skip this test instead)", file=sys.stderr)
            return 1
    if a.save:
        os.makedirs(a.save, exist_ok=True)
        for name, data in (("redline.json", red), ("oracle.json", ora)):
            with open(os.path.join(a.save, name), "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)

    problems = compare(red, ora)
    nf_r = sum(len([f for f in s.get("findings", []) if f.get("check_type") != "eia_category"]) for s in red)
    nf_o = sum(len(s.get("findings", [])) for s in ora)
    vr = Counter(s["verdict"] for s in red)
    vo = Counter(s["verdict"] for s in ora)
    order = ["PASS", "CONDITIONAL", "INCOMPLETE", "FAIL", "ERROR"]
    print(f"redline: {len(red)} sites, {nf_r} findings, "
          + " ".join(f"{v}={vr.get(v, 0)}" for v in order) + f"  ({t_red:.2f} s)")
    print(f"oracle:  {len(ora)} sites, {nf_o} findings, "
          + " ".join(f"{v}={vo.get(v, 0)}" for v in order) + f"  ({t_ora:.2f} s)")
    if not problems:
        print(f"AGREE: redline and the PostGIS oracle agree on every site "
              f"(total {time.time() - t0:.1f} s)")
        return 0
    print(f"DISAGREE on {len(problems)} site(s):")
    for sid, lines in problems:
        print(f"  {sid}")
        for ln in lines:
            print(f"    {ln}")
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except pgcluster.Terminated:
        print("terminated (SIGTERM); the PostgreSQL cluster was removed", file=sys.stderr)
        sys.exit(143)
