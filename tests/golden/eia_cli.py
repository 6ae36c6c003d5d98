#!/usr/bin/python3
"""Golden CLI test of `redline eia` (SPEC §6.2) against the catalog compiled in.

Each case runs `redline eia ...` and records the exit code and a canonical dump of what it
printed: text output as is (zh and en), JSON parsed and re-dumped with sorted keys; usage
errors keep only their first 120 characters of stderr. The dump must equal
tests/golden/eia_cli.dump; `--update` rewrites it after a deliberate change.
"""
import argparse
import difflib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    # electroplating: 报告书 whatever else is unknown (item 67)
    ("zh", ["--industry", "C3360", "--fact", "process=电镀"]),
    ("en", ["--industry", "C3360", "--fact", "process=电镀"]),
    ("json", ["--industry", "C3360", "--fact", "process=电镀"]),
    # 化学镀 is 电镀 (说明六); numeric code without the section letter
    ("json", ["--industry", "3360", "--fact", "process=化学镀"]),
    # hot-dip galvanising without 钝化, no low-VOC figure: 报告表 unless it uses <10 t low-VOC coatings
    ("zh", ["--industry", "C3360", "--fact", "process=热镀锌", "--fact", "solvent_coating_tpa=0"]),
    # a coating line around the 10 t threshold (item 66)
    ("json", ["--industry", "C3311", "--fact", "process=喷漆", "--fact", "solvent_coating_tpa=10",
              "--fact", "lowvoc_coating_tpa=0"]),
    ("json", ["--industry", "C3311", "--fact", "process=喷漆", "--fact", "solvent_coating_tpa=9.9",
              "--fact", "lowvoc_coating_tpa=0"]),
    # a hardware workshop that only cuts, welds and assembles: 不纳入 (第五条)
    ("zh", ["--industry", "C3311", "--fact", "process=切割|焊接|组装", "--fact", "solvent_coating_tpa=0"]),
    ("en", ["--industry", "C3311", "--fact", "process=焊接"]),
    # composite (第四条): 3360 with 电镀 decides 报告书 whatever 3311 lacks
    ("zh", ["--industry", "C3311", "--industry", "C3360", "--fact", "process=电镀|焊接"]),
    ("json", ["--industry", "C3311", "--industry", "C3360", "--fact", "process=电镀|焊接"]),
    # a gas station: by code and by project type; sensitive areas of class (一) raise it
    ("zh", ["--industry", "F5265", "--fact", "construction=新建", "--fact", "in_urban_built_up=是"]),
    ("json", ["--fact", "project=加油站", "--fact", "construction=改建", "--fact", "in_urban_built_up=no",
              "--sensitive", "饮用水水源保护区"]),
    ("json", ["--fact", "project=加油站", "--fact", "construction=改建", "--fact", "in_urban_built_up=no",
              "--sensitive", "生态保护红线管控范围"]),
    # a `*` item without industrial_building
    ("en", ["--industry", "C2110", "--fact", "process=喷漆", "--fact", "solvent_coating_tpa=2"]),
    # a code no item covers
    ("json", ["--industry", "I6513"]),
    # usage errors
    ("err", ["--industry", "C9999"]),
    ("err", ["--industry", "C3360", "--fact", "voc=1"]),
    ("err", ["--industry", "C3360", "--sensitive", "湿地公园"]),
    ("err", ["--industry", "C3360", "--fact", "solvent_coating_tpa=很多"]),
]


def run(redline, kind, args):
    cmd = [redline] + (["--lang", "en"] if kind == "en" else []) + ["eia"] + args
    if kind == "json":
        cmd += ["--format", "json"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    head = f"$ redline {' '.join(cmd[1:])}\nexit {p.returncode}\n"
    if kind == "err":
        if p.stdout:
            sys.exit(f"FAIL: a usage error printed on stdout: {cmd}")
        return head + p.stderr.strip()[:120] + "\n"
    if p.stderr.strip():
        sys.exit(f"FAIL: stderr not empty for {cmd}:\n{p.stderr}")
    if kind == "json":
        doc = json.loads(p.stdout)
        for key in ("category", "item", "item_name", "column", "trigger", "missing", "components", "catalog"):
            if key not in doc:
                sys.exit(f"FAIL: JSON lacks '{key}': {cmd}")
        return head + json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    return head + p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args()
    got = "\n".join(run(args.redline, k, a) for k, a in CASES)
    golden = os.path.join(HERE, "eia_cli.dump")
    if args.update:
        with open(golden, "w", encoding="utf-8") as fh:
            fh.write(got)
        print(f"updated {golden}")
        return
    with open(golden, encoding="utf-8") as fh:
        expected = fh.read()
    if got != expected:
        diff = difflib.unified_diff(expected.splitlines(), got.splitlines(), "golden", "now", lineterm="")
        sys.exit("FAIL: redline eia differs from the golden dump:\n" + "\n".join(list(diff)[:120]))
    print(f"ok: {len(CASES)} cases")


if __name__ == "__main__":
    main()
