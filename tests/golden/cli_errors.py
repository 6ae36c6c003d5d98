#!/usr/bin/python3
"""Golden CLI tests of exit codes and messages (SPEC §2): 0 done, 1 --fail-on,
2 usage, 3 rulebook/layer. Each case checks the exit code and what stderr or
stdout must say."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RB = "sample_data/yongkang/rulebook.yaml"
APPS = "sample_data/yongkang/applications.csv"


def run(redline, *args):
    return subprocess.run([redline, *args], cwd=ROOT, capture_output=True, text=True)


def broken_rulebook(tmp, old, new):
    src = os.path.join(ROOT, "sample_data/yongkang")
    dst = os.path.join(tmp, "rb")
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("source", "*.py", "applications*"))
    path = os.path.join(dst, "rulebook.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert old in text, old
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, new, 1))
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    r = ap.parse_args().redline
    failures = []

    def expect(name, proc, code, stderr_has=(), stdout_has=()):
        problems = []
        if proc.returncode != code:
            problems.append(f"exit {proc.returncode}, expected {code}")
        for s in stderr_has:
            if s not in proc.stderr:
                problems.append(f"stderr lacks {s!r}")
        for s in stdout_has:
            if s not in proc.stdout:
                problems.append(f"stdout lacks {s!r}")
        if problems:
            failures.append(f"{name}: {'; '.join(problems)}\n  stdout: {proc.stdout[:400]}\n  stderr: {proc.stderr[:400]}")

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "o.gpkg")
        expect("no subcommand is a usage error", run(r), 2)
        expect("batch without -o is a usage error", run(r, "batch", RB, APPS), 2)
        expect("a bad --fail-on is a usage error",
               run(r, "batch", RB, APPS, "-o", out, "--fail-on", "MAYBE"), 2, ["--fail-on"])
        expect("missing rulebook exits 3 naming it", run(r, "validate", "nope.yaml"), 3, ["nope.yaml"])
        expect("an unknown check type exits 3 with file, line and key",
               run(r, "validate", broken_rulebook(tmp, "type: setback", "type: setbak")), 3,
               ["rulebook.yaml:", "checks[2].type", "setbak"])
        expect("an unknown layer exits 3 with file, line and key",
               run(r, "validate", broken_rulebook(tmp, "layer: parks", "layer: park")), 3,
               ["rulebook.yaml:", "checks[5].layer", "park"])
        expect("a misspelt key exits 3",
               run(r, "validate", broken_rulebook(tmp, "cap_field:", "capfield:")), 3,
               ["rulebook.yaml:", "cap_field"])
        expect("a missing layer field exits 3",
               run(r, "validate", broken_rulebook(tmp, "cap_field: voc_cap_tpa", "cap_field: voc_cap")), 3,
               ["voc_cap"])
        expect("a missing source file exits 3",
               run(r, "validate", broken_rulebook(tmp, "source: yongkang.gpkg", "source: nowhere.gpkg")), 3,
               ["nowhere.gpkg"])
        expect("missing applications is a usage error", run(r, "batch", RB, "nope.csv", "-o", out), 2,
               ["nope.csv"])
        expect("validate lists layers and the repaired red line", run(r, "validate", RB), 0, [],
               ["redline: 22 features", "HX33078422", "repaired 1"])
        expect("batch --fail-on FAIL exits 1 when a site fails",
               run(r, "-q", "batch", RB, APPS, "-o", out, "--fail-on", "FAIL"), 1)
        if os.path.exists(out + "-journal") or any(".redline-tmp" in f for f in os.listdir(tmp)):
            failures.append("temporary output files left behind")

        p = run(r, "check", RB, "--site", "120.0756850,28.8712688", "--industry", "3312",
                "--attr", "voc_tpa=1.37", "--format", "json")
        expect("check --format json screens a point", p, 0)
        if p.returncode == 0:
            site = json.loads(p.stdout)
            if site["verdict"] != "CONDITIONAL" or site["industry_code"] != "C3312":
                failures.append(f"check json: unexpected {site['verdict']} {site['industry_code']}")
        expect("check --fail-on CONDITIONAL exits 1",
               run(r, "check", RB, "--site", "120.0756850,28.8712688", "--industry", "C3312",
                   "--attr", "voc_tpa=1.37", "--fail-on", "CONDITIONAL"), 1)
        expect("check prints clause and basis in text",
               run(r, "check", RB, "--site", "120.0756850,28.8712688", "--industry", "C3312",
                   "--attr", "voc_tpa=1.37"), 0, [], ["条款", "依据", "ZH33078420001"])
        expect("check in English", run(r, "--lang", "en", "check", RB, "--site", "POINT(120.0 95.0)",
                                        "--industry", "C3312"), 0, [], ["ERROR", "latitude 95"])
        expect("check with an unknown industry code is an ERROR verdict, exit 0",
               run(r, "check", RB, "--site", "120.0756850,28.8712688", "--industry", "C9999"), 0, [],
               ["ERROR", "C9999"])

    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("ok: all CLI cases")


if __name__ == "__main__":
    main()
