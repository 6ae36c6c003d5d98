#!/usr/bin/python3
"""`redline serve` end to end with a real HTTP client (http.client, keep-alive
and fresh connections): every endpoint and error; /v1/check answers equal
`check --format json` for every sample application (in both languages, a few
also as Features and in one FeatureCollection); limits (body size 413, the
FeatureCollection cap 413, a slow client does not stall others, 503 past the
concurrency cap); reload with a broken rulebook keeps the old one serving,
also while requests run; SIGHUP; RSS flat over 2,000 requests."""
import argparse
import csv
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "sample_data/yongkang")

ap = argparse.ArgumentParser()
ap.add_argument("--redline", required=True)
REDLINE = ap.parse_args().redline
failures = []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


class Server:
    def __init__(self, rulebook, *flags):
        self.p = subprocess.Popen([REDLINE, "serve", rulebook, "--listen", "127.0.0.1:0", *flags],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        if "http://" not in line:
            raise SystemExit("serve did not start: " + line + self.p.stderr.read())
        self.port = int(line.split("http://")[1].split("/")[0].rsplit(":", 1)[1])
        self.log = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.p.stderr:
            self.log.append(line.rstrip("\n"))

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method, path, body=None, headers=None, conn=None):
        c = conn or self.conn()
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body, ensure_ascii=False).encode()
        c.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        r = c.getresponse()
        raw = r.read()
        if conn is None:
            c.close()
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = raw
        return r.status, doc, r

    def rss_kb(self):
        with open(f"/proc/{self.p.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            return self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return None


def cli_check(rulebook, args, lang):
    p = subprocess.run([REDLINE, "-q", "--lang", lang, "check", rulebook, *args, "--format", "json"],
                       capture_output=True, text=True)
    return json.loads(p.stdout)


def without_rulebook(doc):
    return {k: v for k, v in doc.items() if k != "rulebook"}


with tempfile.TemporaryDirectory() as tmp:
    rbdir = os.path.join(tmp, "rb")
    shutil.copytree(SAMPLE, rbdir, ignore=shutil.ignore_patterns("source", "*.py", "*.xlsx"))
    rb = os.path.join(rbdir, "rulebook.yaml")
    s = Server(rb, "--max-body", "200000", "--max-features", "50", "--threads", "2")
    try:
        # ---- health, rulebook, industries, layers ----
        st, doc, _ = s.request("GET", "/v1/health")
        expect(st == 200 and doc["status"] == "ready" and len(doc["rulebook"]["sha256"]) == 64, "/v1/health is ready")
        sha = doc["rulebook"]["sha256"]
        st, doc, _ = s.request("GET", "/v1/rulebook")
        expect(st == 200 and {l["name"] for l in doc["layers"]} >= {"redline", "units", "townships"} and
               any(a["name"] == "voc_tpa" for a in doc["attributes"]) and doc["checks"][0]["id"] == "COVERAGE",
               "/v1/rulebook: layers, checks and the attributes checks read")
        expect(all(len(l.get("extent", [0, 0, 0, 0])) == 4 for l in doc["layers"]) and
               110 < doc["layers"][0]["extent"][0] < 130, "layer extents in the input CRS (degrees)")
        st, doc, _ = s.request("GET", "/v1/industries?q=%E9%87%91%E5%B1%9E%E8%A1%A8%E9%9D%A2")  # 金属表面
        expect(st == 200 and any(i["code"] == "C3360" for i in doc["industries"]),
               "/v1/industries?q=金属表面 finds C3360 by its Chinese name")
        st, doc, _ = s.request("GET", "/v1/industries?q=3360")
        expect(st == 200 and doc["industries"][0]["code"] == "C3360", "/v1/industries?q=3360 finds the code")
        st, doc, _ = s.request("GET", "/v1/layers/redline")
        first = doc["features"][0]["geometry"]["coordinates"] if st == 200 else [0]
        while isinstance(first, list):
            first = first[0]
        expect(st == 200 and doc["type"] == "FeatureCollection" and doc["numberReturned"] > 0 and 110 < first < 130,
               "/v1/layers/redline as GeoJSON in degrees")
        st, doc, _ = s.request("GET", "/v1/layers/redline?bbox=1,1,2,2")
        expect(st == 200 and doc["numberMatched"] == 0, "a bbox with nothing in it")
        st, doc, _ = s.request("GET", "/v1/layers/nope")
        expect(st == 404 and doc["status"] == 404, "an unknown layer is 404")
        st, doc, _ = s.request("GET", "/v1/layers/..%2F..%2Fetc%2Fpasswd")
        expect(st == 404, "no file paths from requests")

        # ---- /v1/check equals check --format json, every sample application ----
        with open(os.path.join(SAMPLE, "applications.csv"), encoding="utf-8-sig") as fh:
            apps = list(csv.DictReader(fh))
        conn = s.conn()
        same = 0
        first_diff = None
        for lang in ("zh", "en"):
            for a in apps:
                body = {"site": a["wkt"], "industry": a["industry"], "id": a["id"]}
                args = ["--site", a["wkt"], "--industry", a["industry"], "--id", a["id"]]
                if a["voc_tpa"]:
                    body["attrs"] = {"voc_tpa": a["voc_tpa"], "investment_wan": a["investment_wan"]}
                    args += ["--attr", "voc_tpa=" + a["voc_tpa"], "--attr", "investment_wan=" + a["investment_wan"]]
                if not a["industry"]:
                    args[3] = ""
                st, doc, _ = s.request("POST", "/v1/check?lang=" + lang, body, conn=conn)
                want = cli_check(rb, args, lang) if a["industry"] else None
                if want is None:  # check refuses an empty --industry; the server answers ERROR
                    ok = st == 200 and doc["verdict"] == "ERROR"
                else:
                    ok = st == 200 and without_rulebook(doc) == want
                same += ok
                if not ok and first_diff is None:
                    first_diff = (lang, a["id"], st, doc, want)
        conn.close()
        expect(same == 2 * len(apps), f"/v1/check equals check --format json for {same} of {2 * len(apps)} "
               f"(sample × zh, en)" + (f"; first difference: {first_diff}" if first_diff else ""))

        a = apps[1]
        st, doc, _ = s.request("POST", "/v1/check", {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.075685, 28.8712688]},
                                                     "properties": {"id": "F-1", "industry": "C3312", "voc_tpa": 1.37}})
        want = cli_check(rb, ["--site", "120.075685,28.8712688", "--industry", "C3312", "--id", "F-1", "--attr", "voc_tpa=1.37"], "zh")
        expect(st == 200 and without_rulebook(doc) == want and doc["rulebook"]["sha256"] == sha,
               "a GeoJSON Feature (numbers as attributes) answers as check does, with the rulebook named")
        fc = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.075685, 28.8712688]},
             "properties": {"id": f"P{i}", "industry": "3312"}} for i in range(10)]}
        fc["features"][3]["geometry"] = None
        st, doc, _ = s.request("POST", "/v1/check?lang=en", fc)
        expect(st == 200 and [r["site_id"] for r in doc["results"]] == [f"P{i}" for i in range(10)] and
               doc["results"][3]["verdict"] == "ERROR", "a FeatureCollection: results in input order, a bad feature an ERROR result")
        st, doc, _ = s.request("POST", "/v1/check", {"site": [120.075685, 28.8712688], "industry": "C3312", "crs": "EPSG:4326"})
        expect(st == 200 and doc["verdict"] in ("CONDITIONAL", "INCOMPLETE"), "[lon, lat] with a crs")

        # ---- OGC API - Processes 1.0 Core ----
        st, doc, _ = s.request("GET", "/")
        rels = {l["rel"] for l in doc["links"]} if st == 200 else set()
        expect(st == 200 and {"service-desc", "http://www.opengis.net/def/rel/ogc/1.0/conformance",
                              "http://www.opengis.net/def/rel/ogc/1.0/processes"} <= rels, "landing page links")
        st, doc, _ = s.request("GET", "/conformance")
        expect(st == 200 and len(doc["conformsTo"]) == 4 and all(c.startswith(
            "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/") for c in doc["conformsTo"]), "/conformance")
        st, doc, r = s.request("GET", "/api")
        expect(st == 200 and doc["openapi"].startswith("3.0") and "/v1/check" in doc["paths"] and
               "/processes/{processId}/execution" in doc["paths"] and "openapi" in r.getheader("Content-Type"),
               "/api is an OpenAPI 3.0 document of every path")
        st, doc, _ = s.request("GET", "/processes")
        expect(st == 200 and [p["id"] for p in doc["processes"]] == ["check"], "/processes lists check")
        st, doc, _ = s.request("GET", "/processes/check")
        expect(st == 200 and doc["inputs"]["site"]["minOccurs"] == 1 and "result" in doc["outputs"] and
               doc["jobControlOptions"] == ["sync-execute"], "/processes/check describes inputs and output")
        inputs = {"site": [120.075685, 28.8712688], "industry": "C3312", "attrs": {"voc_tpa": 1.37}}
        st, direct, _ = s.request("POST", "/v1/check?lang=en", inputs)
        st2, raw, _ = s.request("POST", "/processes/check/execution?lang=en", {"inputs": inputs, "response": "raw"})
        st3, docr, _ = s.request("POST", "/processes/check/execution?lang=en", {"inputs": inputs, "response": "document"})
        expect(st == st2 == st3 == 200 and raw == direct and docr == {"result": direct},
               "execution (raw and document) answers as /v1/check")
        st, doc, _ = s.request("POST", "/processes/check/execution", {"site": "POINT(1 1)"})
        expect(st == 400 and doc["field"] == "inputs", "an execution without inputs is 400 naming inputs")
        st, doc, _ = s.request("GET", "/processes/buffer")
        expect(st == 404, "an unknown process is 404")

        # ---- errors: JSON problem objects naming the field ----
        cases = [
            ("POST", "/v1/check", b"{not json", 400, None),
            ("POST", "/v1/check", [1, 2], 400, None),
            ("POST", "/v1/check", {"industry": "C3312"}, 400, "site"),
            ("POST", "/v1/check", {"site": 5, "industry": "C3312"}, 400, "site"),
            ("POST", "/v1/check", {"site": "POINT(1 1)", "attrs": {"a": [1]}}, 400, "attrs.a"),
            ("POST", "/v1/check", {"site": "POINT(1 1)", "crs": "EPSG:999999"}, 400, "crs"),
            ("POST", "/v1/check", {"site": "POINT(1 1)", "coords": "mars"}, 400, "coords"),
            ("POST", "/v1/check?lang=fr", {"site": "POINT(1 1)"}, 400, "lang"),
            ("POST", "/v1/check", {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {}}] * 51}, 413, "features"),
            ("GET", "/v1/check", None, 405, None),
            ("DELETE", "/v1/health", None, 405, None),
            ("GET", "/v2/nothing", None, 404, None),
        ]
        for method, path, body, status, field in cases:
            st, doc, r = s.request(method, path, body)
            ok = st == status and isinstance(doc, dict) and doc.get("status") == status and "title" in doc and \
                "detail" in doc and (field is None or doc.get("field") == field) and \
                r.getheader("Content-Type", "").startswith("application/problem+json")
            if status == 405:
                ok = ok and r.getheader("Allow") in ("GET", "POST")
            expect(ok, f"{method} {path} {str(body)[:40]}: {status}" + (f" naming '{field}'" if field else "") +
                   ("" if ok else f" (got {st} {doc})"))
        st, doc, _ = s.request("POST", "/v1/check", b"{" + b" " * 300000 + b"}")
        expect(st == 413 and doc["status"] == 413, "a body over --max-body is 413")
        st, doc, _ = s.request("GET", "/v1/health")
        expect(st == 200, "... and the server stays up")

        # ---- a slow client does not stall the others ----
        slow = socket.create_connection(("127.0.0.1", s.port))
        slow.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"si")
        t0 = time.time()
        st, _, _ = s.request("GET", "/v1/health")
        expect(st == 200 and time.time() - t0 < 1.0, "a slow client (half a body) does not stall another")
        slow.close()

        # ---- reload: a broken rulebook is refused, the old keeps serving ----
        good = open(rb, encoding="utf-8").read()
        stop_load = threading.Event()
        during = []

        def load():
            c = s.conn()
            while not stop_load.is_set():
                st, doc, _ = s.request("POST", "/v1/check", {"site": "120.075685,28.8712688", "industry": "C3312"}, conn=c)
                during.append(st == 200 and doc["verdict"] != "ERROR")
            c.close()

        th = threading.Thread(target=load)
        th.start()
        with open(rb, "w", encoding="utf-8") as fh:
            fh.write(good.replace("type: overlap", "type: overlapp", 1))
        st, doc, _ = s.request("POST", "/v1/reload")
        expect(st == 422 and "overlapp" in doc["detail"], "reload with a broken rulebook is refused (422, says why)")
        st, doc, _ = s.request("GET", "/v1/health")
        expect(st == 200 and doc["rulebook"]["sha256"] == sha, "... the previous rulebook keeps serving")
        with open(rb, "w", encoding="utf-8") as fh:
            fh.write(good + "\n# reloaded\n")
        st, doc, _ = s.request("POST", "/v1/reload")
        expect(st == 200 and doc["rulebook"]["sha256"] != sha, "reload with a good rulebook swaps it")
        stop_load.set()
        th.join()
        expect(len(during) > 0 and all(during), f"{len(during)} checks during the reloads all answered")
        sha2 = doc["rulebook"]["sha256"]
        with open(rb, "w", encoding="utf-8") as fh:
            fh.write(good)
        s.p.send_signal(signal.SIGHUP)
        for _ in range(100):
            time.sleep(0.1)
            st, doc, _ = s.request("GET", "/v1/health")
            if doc["rulebook"]["sha256"] == sha:
                break
        expect(doc["rulebook"]["sha256"] == sha and doc["rulebook"]["sha256"] != sha2, "SIGHUP reloads")

        # ---- memory: 2,000 consecutive requests leave RSS flat ----
        conn = s.conn()
        body = {"site": "POLYGON((120.17136 29.00443,120.17313 29.0050,120.17255 29.0064,120.17078 29.00583,120.17136 29.00443))",
                "industry": "C3913", "attrs": {"voc_tpa": 0.17}}
        for i in range(300):
            s.request("POST", "/v1/check", body, conn=conn)
        rss0 = s.rss_kb()
        for i in range(2000):
            s.request("POST", "/v1/check?lang=en" if i % 2 else "/v1/check", body, conn=conn)
        rss1 = s.rss_kb()
        conn.close()
        expect(rss1 - rss0 < 4096, f"2,000 requests: RSS {rss0} kB -> {rss1} kB (flat)")
        expect(any(l.startswith("POST /v1/check 200 ") and l.endswith("µs") for l in s.log),
               "a request log line per request: method, path, status, µs")
    finally:
        rc = s.stop()
    expect(rc == 0, f"SIGTERM stops the server cleanly (exit {rc})")

    # ---- the concurrency cap: 503 with Retry-After ----
    s = Server(rb, "--max-concurrent", "1", "--threads", "2", "-q")
    try:
        big = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": str(i), "industry": "C3913"},
             "geometry": {"type": "Polygon", "coordinates": [[[120.17136, 29.00443], [120.17313, 29.0050], [120.17255, 29.0064],
                                                               [120.17078, 29.00583], [120.17136, 29.00443]]]}}
            for i in range(1000)]}
        statuses = []

        def hit():
            st, doc, r = s.request("POST", "/v1/check", big)
            statuses.append((st, r.getheader("Retry-After")))

        ths = [threading.Thread(target=hit) for _ in range(6)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        expect(any(st == 200 for st, _ in statuses) and any(st == 503 and ra == "1" for st, ra in statuses),
               f"past --max-concurrent: 503 with Retry-After ({sorted(st for st, _ in statuses)})")
    finally:
        s.stop()

    # ---- CORS: off unless --cors ORIGIN ----
    s = Server(rb, "-q")
    try:
        st, _, r = s.request("GET", "/v1/health", headers={"Origin": "http://bureau.example"})
        expect(st == 200 and r.getheader("Access-Control-Allow-Origin") is None, "no CORS header without --cors")
    finally:
        s.stop()
    s = Server(rb, "-q", "--cors", "http://bureau.example")
    try:
        st, _, r = s.request("OPTIONS", "/v1/check", headers={"Origin": "http://bureau.example",
                                                             "Access-Control-Request-Method": "POST"})
        expect(st == 204 and r.getheader("Access-Control-Allow-Origin") == "http://bureau.example" and
               "POST" in (r.getheader("Access-Control-Allow-Methods") or ""), "--cors ORIGIN answers the preflight")
        st, _, r = s.request("POST", "/v1/check", {"site": "120.075685,28.8712688", "industry": "C3312"})
        expect(st == 200 and r.getheader("Access-Control-Allow-Origin") == "http://bureau.example",
               "... and names the origin on answers")
    finally:
        s.stop()

    p = subprocess.run([REDLINE, "serve", rb, "--listen", "nonsense"], capture_output=True, text=True)
    expect(p.returncode == 2, "a bad --listen is a usage error")
    p = subprocess.run([REDLINE, "serve", os.path.join(tmp, "missing.yaml")], capture_output=True, text=True)
    expect(p.returncode == 3, "a rulebook that cannot be loaded: exit 3, nothing listens")

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("ok: serve")
