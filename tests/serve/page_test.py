#!/usr/bin/python3
"""Runs page_test.js (puppeteer-core + Debian's chromium) against a fresh
`redline serve` of the sample. puppeteer-core is installed by `.ci/setup
--tests` into build/npm (NODE_PATH); without it the test is skipped (77)."""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ap = argparse.ArgumentParser()
ap.add_argument("--redline", required=True)
ap.add_argument("--node-modules", required=True)
ap.add_argument("--screenshot", default="")
a = ap.parse_args()
if not os.path.isdir(os.path.join(a.node_modules, "puppeteer-core")) or not os.path.exists("/usr/bin/chromium"):
    print("skipped: puppeteer-core or chromium missing (bash .ci/setup --tests installs them)")
    sys.exit(77)
p = subprocess.Popen([a.redline, "-q", "serve", os.path.join(ROOT, "sample_data/yongkang/rulebook.yaml"),
                      "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
try:
    line = p.stdout.readline()
    port = line.split("http://")[1].split("/")[0].rsplit(":", 1)[1]
    env = dict(os.environ, NODE_PATH=a.node_modules)
    rc = subprocess.run(["node", os.path.join(HERE, "page_test.js"), port, a.screenshot], env=env, timeout=300).returncode
finally:
    p.terminate()
    p.wait()
sys.exit(rc)
