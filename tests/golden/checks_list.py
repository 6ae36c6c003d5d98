#!/usr/bin/env python3
"""`redline checks`: every registered check type with its declared parameters,
in text and JSON; the declarations are the ones the rulebook parser enforces
(an unknown key is refused listing exactly the keys `checks` shows)."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--redline", required=True)
a = ap.parse_args()
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "sample_data", "yongkang")


def run(*args):
    return subprocess.run([a.redline, *args], capture_output=True, text=True)


failures = []


def expect(ok, what):
    if not ok:
        failures.append(what)


p = run("checks", "--format", "json")
expect(p.returncode == 0 and p.stderr == "", f"checks --format json: exit {p.returncode}, stderr {p.stderr!r}")
doc = json.loads(p.stdout)
types = {t["name"]: t for t in doc["types"]}
expect(list(types) == ["overlap", "setback", "access_list", "capacity", "require_within", "coverage",
                      "eia_category"],
       f"types: {list(types)}")
expect([c["name"] for c in doc["common"]][:2] == ["id", "type"], "common keys start with id, type")
for t in doc["types"]:
    expect(t["description"] != "" and t["params"], f"{t['name']}: described, with parameters")
    expect(t["drawing"] in ("piece", "zone", "line"), f"{t['name']}: drawing {t['drawing']}")
    for q in t["params"]:
        expect(set(q) == {"name", "kind", "required", "default", "description"}, f"{t['name']}.{q}")
expect({q["name"]: q["required"] for q in types["setback"]["params"]} ==
       {"layer": True, "where": False, "distance": True}, "setback's parameters")
expect(types["setback"]["drawing"] == "line" and types["access_list"]["drawing"] == "zone",
       "setback draws a line, access_list a zone")
expect([q["default"] for q in types["capacity"]["params"] if q["name"] == "unit"] == ["t/a"],
       "capacity's unit defaults to t/a")

p = run("checks")
expect(p.returncode == 0, "checks (text)")
for name in types:
    expect(f"\n{name} — " in "\n" + p.stdout, f"text lists {name}")
expect("every check also takes:" in p.stdout, "text lists the common keys")

# The parser refuses a typo with the keys `checks` declares for that type.
with tempfile.TemporaryDirectory() as d:
    src = open(os.path.join(SAMPLE, "rulebook.yaml"), encoding="utf-8").read()
    rb = os.path.join(SAMPLE, f".checks-test-{os.getpid()}.yaml")
    bad = src.replace("checks:\n", "checks:\n  - id: TYPO\n    type: overlap\n    layer: redline\n    wher: x\n", 1)
    try:
        with open(rb, "w", encoding="utf-8") as fh:
            fh.write(bad)
        p = run("validate", rb)
    finally:
        os.remove(rb)
    accepted = [c["name"] for c in doc["common"]] + [q["name"] for q in types["overlap"]["params"]]
    expect(p.returncode == 3, f"a typo is a rulebook error (exit {p.returncode})")
    expect("wher: unknown key (a typo?); accepted: " + ", ".join(accepted) in p.stderr,
           f"the error lists the accepted keys: {p.stderr.strip()}")

if failures:
    print("FAIL:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("ok: redline checks lists", len(types), "types; the parser enforces the same declarations")
