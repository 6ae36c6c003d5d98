#!/usr/bin/python3
"""The redline Processing plugin in server mode (issue 17 item 4), through qgis_process.bin in a
throwaway profile, against a `redline serve` the test starts (--max-features 120) behind a small
recording proxy that answers the first POST /v1/check with 503 + Retry-After.

- the Processing setting REDLINE_SERVER (QGIS3.ini) sends redline:screen and redline:check to
  the server, with no local executable at all (REDLINE_BIN missing, none on PATH);
- redline:screen on the Yongkang CSV and on a GeoPackage layer of it: site_id -> verdict equal to
  `redline batch`'s for all 294 records, and the findings (site_id, rule_id, outcome, feature_key)
  as well; the pages stayed within the server's limit (the 413 taught the plugin 120), the 503
  was retried, every feature went once, in input order;
- the GeoPackage has `sites` and `findings` with batch's field names, the sites_*/findings_*
  views, and GDAL's validator passes it; the loaded layers carry the verdict/outcome styles
  (PyQGIS: categorized on verdict / outcome, five verdict categories);
- redline:check agrees with `redline check --format json` (verdict and findings);
- redline:validate without an executable fails with the message saying it needs one;
- an unreachable URL and a URL that is not a redline server each give one clear message and
  write nothing.
Usage: test_server.py --redline PATH. Exit 77 when QGIS / PyQGIS is not installed.
"""
import argparse
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from support import check  # noqa: E402

VERDICTS = ["PASS", "CONDITIONAL", "INCOMPLETE", "FAIL", "ERROR"]


def start_server(redline, *extra):
    proc = subprocess.Popen([redline, "-q", "serve", support.RULEBOOK, "--listen", "127.0.0.1:0",
                             "--threads", "2"] + list(extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stdout.readline().decode("utf-8", "replace")
    # redline serve: NAME on http://127.0.0.1:PORT/ (N threads)
    url = line.split(" on ", 1)[1].split()[0] if " on http" in line else None
    return proc, url


class Proxy:
    """Forwards to the real server; records each POST's feature count; 503 for the first POST."""

    def __init__(self, upstream):
        self.upstream = upstream.rstrip("/")
        self.posts = []  # (status, features in the request)
        self.busy_once = True  # the first POST gets 503
        self.first_ids = []  # the first site id of each page forwarded with 200
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def forward(self, body=None):
                req = urllib.request.Request(owner.upstream + self.path, data=body,
                                             method=self.command,
                                             headers={"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(req, timeout=120) as r:
                        status, data, ctype = r.status, r.read(), r.headers.get("Content-Type")
                except urllib.error.HTTPError as e:
                    status, data, ctype = e.code, e.read(), e.headers.get("Content-Type")
                return status, data, ctype

            def reply(self, status, data, ctype, extra=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype or "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in extra:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                self.reply(*self.forward())

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    feats = json.loads(body).get("features", [])
                except ValueError:
                    feats = []
                if owner.busy_once:
                    owner.busy_once = False
                    owner.posts.append((503, len(feats)))
                    data = json.dumps({"type": "about:blank", "title": "busy", "status": 503,
                                       "detail": "busy", "instance": self.path}).encode()
                    self.reply(503, data, "application/problem+json", [("Retry-After", "1")])
                    return
                status, data, ctype = self.forward(body)
                owner.posts.append((status, len(feats)))
                if status == 200 and feats:
                    owner.first_ids.append(feats[0]["properties"]["id"])
                self.reply(status, data, ctype)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def findings_keys(gpkg):
    from osgeo import ogr
    ds = ogr.Open(gpkg)
    lyr = ds.GetLayerByName("findings")
    out = sorted((f.GetField("site_id"), f.GetField("rule_id"), f.GetField("outcome"),
                  f.GetField("feature_key") or "") for f in lyr)
    ds = None
    return out


def layer_fields(gpkg):
    from osgeo import ogr
    ds = ogr.Open(gpkg)
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayer(i)
        d = lyr.GetLayerDefn()
        out[lyr.GetName()] = [d.GetFieldDefn(j).GetName() for j in range(d.GetFieldCount())]
    ds = None
    return out


def styles_in_qgis(gpkg):
    """{layer: (renderer type, class attribute, categories)} for the views, loaded as Processing
    loads them (loadDefaultStyle), in a separate PyQGIS process."""
    code = r"""
import json, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False); app.initQgis()
out = {}
for name in ("sites_point", "sites_line", "sites_polygon", "findings_point", "findings_line",
             "findings_polygon"):
    l = QgsVectorLayer(sys.argv[1] + "|layername=" + name, name, "ogr")
    if not l.isValid() or l.featureCount() == 0:
        del l
        continue
    msg, ok = l.loadDefaultStyle()
    r = l.renderer()
    cats = sorted(c.value() for c in r.categories()) if hasattr(r, "categories") else []
    out[name] = [ok, r.type(), getattr(r, "classAttribute", lambda: "")(), cats,
                 l.crs().authid()]
    del l, r
print("RESULT " + json.dumps(out))
app.exitQgis()
"""
    out = subprocess.run([sys.executable, "-c", code, gpkg], capture_output=True, timeout=120,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    args = ap.parse_args()
    redline = os.path.abspath(args.redline)
    if not support.qgis_process_binary() or not support.have_pyqgis():
        print("QGIS (qgis_process.bin, PyQGIS) not installed: skipped")
        return support.SKIP
    t0 = time.time()
    tmp = support.tempdir("redline-qgis-server-")
    root = tmp.name
    proc, url = start_server(redline, "--max-features", "120")
    proxy = None
    try:
        if not check(url is not None, "redline serve started (%s)" % url):
            return support.finish()
        proxy = Proxy(url)
        run(root, redline, url, proxy)
    finally:
        if proxy:
            proxy.close()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("took %.1f s" % (time.time() - t0))
    return support.finish()


def run(root, redline, url, proxy):
    # No local executable anywhere: server mode must not need one.
    prof = support.Profile(os.path.join(root, "q"), redline=os.path.join(root, "no", "redline"))
    noexe = {"PATH": "/usr/bin:/bin"}
    rc, out, err = prof.qgis_process("plugins", "enable", "redline", **noexe)
    check(rc == 0, "qgis_process.bin plugins enable redline (exit %d)" % rc)
    prof.set_processing_setting("REDLINE_SERVER", proxy.url)

    gpkg_in = os.path.join(root, "applications.gpkg")
    support.csv_to_gpkg(support.APPLICATIONS, gpkg_in)
    for label, src in (("CSV", support.APPLICATIONS), ("GeoPackage", gpkg_in)):
        ref = os.path.join(root, "batch-%s.gpkg" % label)
        subprocess.run([redline, "-q", "batch", support.RULEBOOK, src, "-o", ref], check=True)
        outp = os.path.join(root, "server-%s.gpkg" % label)
        proxy.posts.clear()
        proxy.first_ids.clear()
        t = time.time()
        rc, out, err = prof.qgis_process("run", "redline:screen", "--", "INPUT=" + src,
                                         "OUTPUT=" + outp, **noexe)
        took = time.time() - t
        if not check(rc == 0 and os.path.isfile(outp), "server mode: redline:screen on the %s, "
                     "no RULEBOOK, no executable (exit %d, %.1f s) %s"
                     % (label, rc, took, (out + err)[-800:] if rc else "")):
            continue
        want, got = support.verdicts(ref), support.verdicts(outp)
        check(len(want) == 294 and want == got,
              "%s: site_id -> verdict equal to batch's for all %d records (%d differ)"
              % (label, len(want), sum(1 for k in want if want[k] != got.get(k))))
        a, b = findings_keys(ref), findings_keys(outp)
        check(a == b, "%s: the findings (site_id, rule_id, outcome, feature_key) equal batch's "
              "(%d / %d)" % (label, len(a), len(b)))
        ok_pages = [n for s, n in proxy.posts if s == 200]
        if label == "CSV":
            check(proxy.posts[0][0] == 503, "the first POST got 503 and was retried")
            check(any(s == 413 for s, _ in proxy.posts), "the server's 413 (over "
                  "--max-features 120) was seen: %s" % proxy.posts)
        check(ok_pages and max(ok_pages) <= 120 and sum(ok_pages) == 294 and len(ok_pages) >= 3,
              "%s: the sites went in pages within the limit, each once: %s" % (label, ok_pages))
        ids = [f for f in support.verdicts(ref)]
        starts = [ids[sum(ok_pages[:k])] for k in range(len(ok_pages))]
        check(proxy.first_ids == starts, "%s: the pages went in input order" % label)
        from osgeo import ogr
        ds = ogr.Open(outp)
        order = [f.GetField("site_id") for f in ds.GetLayerByName("sites")]
        ds = None
        check(order == ids, "%s: the sites table keeps the input order" % label)
        ref_fields, got_fields = layer_fields(ref), layer_fields(outp)
        for layer in ("sites", "findings", "sites_point", "findings_polygon"):
            check(got_fields.get(layer) == ref_fields.get(layer),
                  "%s: layer %s has batch's fields %s" % (label, layer, got_fields.get(layer)))
        res = support.results(out)
        counts = {v: sum(1 for x in want.values() if x == v) for v in VERDICTS}
        check(all(res.get(v) == str(n) for v, n in counts.items()) and res.get("SITES") == "294",
              "%s: the verdict counts are outputs %s" % (label, counts))
        check("sites_point" in res.get("OUTPUT_LAYERS", ""), "%s: OUTPUT_LAYERS lists sites_point"
              % label)
        v = subprocess.run([sys.executable, "-m", "osgeo_utils.samples.validate_gpkg", "--extra",
                            "--warning-as-error", outp], capture_output=True, text=True)
        check(v.returncode == 0, "%s: GDAL's GeoPackage validator passes the file %s"
              % (label, (v.stdout + v.stderr)[-300:]))
        if label == "CSV":
            st = styles_in_qgis(outp)
            check({"sites_point", "sites_polygon", "findings_polygon"} <= set(st),
                  "the views load in QGIS: %s" % sorted(st))
            for name, (ok, rtype, attr, cats, authid) in sorted(st.items()):
                want_attr = "verdict" if name.startswith("sites") else "outcome"
                check(ok and rtype == "categorizedSymbol" and attr == want_attr,
                      "%s carries its default style: categorized on %s (%s %s %s)"
                      % (name, want_attr, ok, rtype, attr))
                if name.startswith("sites"):
                    check(cats == sorted(VERDICTS), "%s has the five verdict categories" % name)
                check(authid == "EPSG:4490", "%s is in the request CRS, the rulebook's input_crs "
                      "(%s)" % (name, authid))

    # --- check --------------------------------------------------------------------------------
    cli = json.loads(subprocess.run(
        [redline, "check", support.RULEBOOK, "--site", "120.0756850,28.8712688", "--industry",
         "3312", "--attr", "voc_tpa=1.37", "--format", "json"], check=True,
        capture_output=True).stdout)
    chk = os.path.join(root, "check.gpkg")
    rc, out, err = prof.qgis_process(
        "run", "redline:check", "--", "SITE=POINT(120.0756850 28.8712688)", "INDUSTRY=3312",
        "ATTRS=voc_tpa=1.37", "RULEBOOK=" + support.RULEBOOK, "OUTPUT=" + chk, **noexe)
    res = support.results(out)
    if check(rc == 0, "server mode: redline:check (exit %d) %s" % (rc, (out + err)[-500:] if rc else "")):
        check(res.get("VERDICT") == cli["verdict"] == "CONDITIONAL",
              "check: VERDICT %s = redline check's %s" % (res.get("VERDICT"), cli["verdict"]))
        findings = json.loads(res.get("FINDINGS", "[]"))
        key = lambda f: (f["rule_id"], f["outcome"], f["feature_key"])  # noqa: E731
        check(sorted(map(key, findings)) == sorted(map(key, cli["findings"])),
              "check: FINDINGS equal redline check's (%d)" % len(cli["findings"]))
        check(support.verdicts(chk) == {"site": "CONDITIONAL"}, "check: the GeoPackage's site")
        check("not the one the redline server loaded" not in out + err,
              "check: the same RULEBOOK as the server's gives no warning")

    # --- validate needs the executable --------------------------------------------------------
    html = os.path.join(root, "validate.html")
    rc, out, err = prof.qgis_process("run", "redline:validate", "--",
                                     "RULEBOOK=" + support.RULEBOOK, "OUTPUT=" + html, **noexe)
    msg = [l for l in (out + err).splitlines() if l.startswith("ERROR:")]
    check(rc != 0 and msg and "REDLINE_BIN" in msg[0] and "does not exist" in msg[0],
          "validate without an executable fails clearly: %r" % (msg[0][:160] if msg else err[-300:]))

    # --- a wrong URL: one clear message -------------------------------------------------------
    dead = "http://127.0.0.1:%d/" % free_port()
    web = os.path.join(root, "web")
    os.makedirs(web)
    plain = subprocess.Popen([sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1",
                              "--directory", web], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
    try:
        line = plain.stdout.readline().decode()
        port = line.split("port ")[1].split()[0] if "port " in line else "1"
        cases = [("an unreachable URL", dead, ["cannot be reached", dead]),
                 ("a web server that is not redline", "http://127.0.0.1:%s/" % port,
                  ["/v1/health", "HTTP 404", "redline serve URL"])]
        for what, bad, words in cases:
            prof.set_processing_setting("REDLINE_SERVER", bad)
            outp = os.path.join(root, "wrong.gpkg")
            t = time.time()
            rc, out, err = prof.qgis_process("run", "redline:screen", "--",
                                             "INPUT=" + support.APPLICATIONS, "OUTPUT=" + outp,
                                             **noexe)
            msg = [l for l in (out + err).splitlines() if l.startswith("ERROR:")]
            check(rc != 0 and len(msg) == 1 and all(w in msg[0] for w in words)
                  and "Processing setting" in msg[0] and not os.path.exists(outp),
                  "%s: exit %d in %.1f s with one message %r" % (what, rc, time.time() - t,
                                                                 msg[0][:220] if msg else (out + err)[-300:]))
    finally:
        plain.terminate()
        plain.wait(10)


if __name__ == "__main__":
    sys.exit(main())
