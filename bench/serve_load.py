#!/usr/bin/python3
"""Load benchmark of `redline serve` with wrk (Debian's `wrk`): p50/p99 latency
and requests/s at 1, 16 and 64 connections, a point check and a parcel check,
on the Yongkang sample and (given its directory) the province case of
bench/generate.py; the server's startup time (until /v1/health answers) and
its RSS before and after. Client and server share the machine's cores: the
figures say so.

  /usr/bin/python3 bench/serve_load.py [--province /tmp/bench-full] [--duration 10]
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--redline", default=os.path.join(REPO, "build", "redline"))
ap.add_argument("--province", help="case directory of bench/generate.py (rulebook.yaml there)")
ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
ap.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="server threads")
a = ap.parse_args()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def start(rulebook):
    t = time.time()
    p = subprocess.Popen([a.redline, "-q", "serve", rulebook, "--listen", "127.0.0.1:0", "--threads", str(a.threads)],
                         stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    port = int(line.split("http://")[1].split("/")[0].rsplit(":", 1)[1])
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/v1/health")
    assert c.getresponse().status == 200
    return p, port, time.time() - t


def wrk(port, body, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
        fh.write("wrk.body = " + json.dumps(json.dumps(body, ensure_ascii=False)) + "\n")
        script = fh.name
    out = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{a.duration}s",
                          "--latency", "-s", script, f"http://127.0.0.1:{port}/v1/check"],
                         capture_output=True, text=True).stdout
    os.unlink(script)

    def lat(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v if u == "ms" else v * 1000

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"p50_ms": lat(50), "p99_ms": lat(99), "rps": rps, "non2xx": int(non2xx.group(1)) if non2xx else 0}


def case(name, rulebook, point, parcel):
    p, port, startup = start(rulebook)
    rows = []
    rss0 = rss_mb(p.pid)
    try:
        for kind, body in (("point", point), ("parcel", parcel)):
            for c in (1, 16, 64):
                r = wrk(port, body, c)
                rows.append((name, kind, c, r))
                print(f"  {name} {kind:6s} {c:3d} connections: p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
                      f"{r['rps']:,.0f} req/s" + (f", {r['non2xx']} non-2xx" if r["non2xx"] else ""), flush=True)
        rss1 = rss_mb(p.pid)
    finally:
        p.terminate()
        p.wait()
    print(f"  {name}: startup {startup:.2f} s, RSS {rss0:,.0f} MB after loading, {rss1:,.0f} MB after the runs")
    return rows, startup, rss0, rss1


def main():
    if not os.access(a.redline, os.X_OK):
        sys.exit(f"no redline at {a.redline}")
    print(f"redline serve under wrk, {a.duration} s a run, {a.threads} server threads; wrk shares the "
          f"{os.cpu_count()} cores with the server")
    yk = os.path.join(REPO, "sample_data/yongkang/rulebook.yaml")
    point = {"site": [120.075685, 28.8712688], "industry": "C3312", "attrs": {"voc_tpa": 1.37}}
    parcel = {"site": "POLYGON((120.1713612 29.0044324,120.1731289 29.0049996,120.1725475 29.0063997,"
                      "120.1707798 29.0058324,120.1713612 29.0044324))", "industry": "C3913", "attrs": {"voc_tpa": 0.17}}
    results = {"yongkang": case("yongkang", yk, point, parcel)}
    if a.province:
        rb = os.path.join(a.province, "rulebook.yaml")
        # A point and a parcel of the case itself (the first of each in applications.gpkg).
        info = subprocess.run(["ogrinfo", "-ro", "-q", "-sql",
                               "SELECT ST_X(geom), ST_Y(geom), industry FROM applications WHERE "
                               "ST_GeometryType(geom) = 'POINT' LIMIT 1", "-dialect", "SQLite",
                               os.path.join(a.province, "applications.gpkg")], capture_output=True, text=True).stdout
        xs = re.findall(r"= ([\d.\-]+)", info)
        code = re.search(r"industry \(String\) = (\S+)", info)
        ppoint = {"site": [float(xs[0]), float(xs[1])], "industry": code.group(1) if code else "C3312",
                  "attrs": {"voc_tpa": 1.0}}
        off = 0.002
        x, y = float(xs[0]), float(xs[1])
        pparcel = {"site": f"POLYGON(({x} {y},{x + off} {y},{x + off} {y + off},{x} {y + off},{x} {y}))",
                   "industry": ppoint["industry"], "attrs": {"voc_tpa": 1.0}}
        results["province"] = case("province", rb, ppoint, pparcel)
    print("\n| case | site | connections | p50 | p99 | requests/s |\n|---|---|---:|---:|---:|---:|")
    for name, (rows, startup, rss0, rss1) in results.items():
        for n, kind, c, r in rows:
            print(f"| {n} | {kind} | {c} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {r['rps']:,.0f} |")
    for name, (rows, startup, rss0, rss1) in results.items():
        print(f"\n{name}: startup {startup:.2f} s; RSS {rss0:,.0f} MB loaded, {rss1:,.0f} MB after the runs")


main()
