#!/usr/bin/python3
"""Messy and hostile application input, end to end (issue 5, docs/bad_inputs.md).

Each case runs the redline binary on a generated input and checks the exit
status, the message, rows in = rows out, and that nothing is left behind.
"""
import argparse
import csv
import hashlib
import io
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from osgeo import ogr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RB = os.path.join(ROOT, "sample_data/yongkang/rulebook.yaml")
APPS = os.path.join(ROOT, "sample_data/yongkang/applications.csv")

# The public GCJ-02 forward formula (wandergis/coordtransform), for fixtures.
A, EE = 6378245.0, 0.00669342162296594323


def _tlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs_to_gcj(lon, lat):
    dlat, dlon = _tlat(lon - 105.0, lat - 35.0), _tlon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(rad) ** 2
    sm = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sm) * math.pi)
    dlon = (dlon * 180.0) / (A / sm * math.cos(rad) * math.pi)
    return lon + dlon, lat + dlat


def sample_rows():
    with open(APPS, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def is_point(r):
    """A well-formed POINT(lon lat) of the sample (it also holds broken ones)."""
    w = r["wkt"]
    return w.startswith("POINT(") and w.endswith(")") and len(w[6:-1].split()) == 2


def write_csv(path, header, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def layer_rows(gpkg, name):
    ds = ogr.Open(gpkg)
    lyr = ds.GetLayerByName(name)
    return [dict((lyr.GetLayerDefn().GetFieldDefn(i).GetName(), f.GetField(i))
                 for i in range(f.GetFieldCount())) for f in lyr]


def run_info(gpkg):
    return {r["key"]: r["value"] for r in layer_rows(gpkg, "run_info")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--only")
    args = ap.parse_args()
    redline = args.redline
    failures = []
    rows = sample_rows()

    # A private TMPDIR: transcoded copies must not be left there (and other
    # tests running in parallel do not disturb the check).
    private_tmp = tempfile.mkdtemp(prefix="redline-messy-tmp-")
    env = dict(os.environ, TMPDIR=private_tmp)

    def run(*a, **kw):
        return subprocess.run([redline, *a], capture_output=True, text=True, env=env, **kw)

    def case(name):
        return args.only is None or args.only in name

    def expect(name, cond, detail=""):
        if not cond:
            failures.append(f"{name}: {detail}")

    with tempfile.TemporaryDirectory() as tmp:
        def leftovers():
            return [f for f in os.listdir(tmp) if ".redline-tmp" in f or f.endswith("-journal")]

        def out(n):
            return os.path.join(tmp, n)

        # --- GCJ-02 input: warned as given, identical verdicts with --coords gcj02.
        if case("gcj02"):
            pts = [r for r in rows if is_point(r)]
            gcj = []
            for r in pts:
                lon, lat = map(float, r["wkt"][6:-1].split())
                g = wgs_to_gcj(lon, lat)
                gcj.append([r["id"], r["industry"], r["voc_tpa"], f"{g[0]:.9f}", f"{g[1]:.9f}"])
            src = out("gcj.csv")
            write_csv(src, ["id", "industry", "voc_tpa", "lon", "lat"], gcj)
            wgs = out("wgs.csv")
            write_csv(wgs, ["id", "industry", "voc_tpa", "wkt"], [[r["id"], r["industry"], r["voc_tpa"], r["wkt"]] for r in pts])
            p0 = run("-q", "batch", RB, wgs, "-o", out("w.gpkg"))
            p1 = run("batch", RB, src, "-o", out("g1.gpkg"))
            p2 = run("batch", RB, src, "-o", out("g2.gpkg"), "--coords", "gcj02")
            expect("gcj02 input given as wgs84 is warned about", p1.returncode == 0 and "--coords gcj02" in p1.stderr,
                   p1.stderr[-600:])
            expect("--coords gcj02 is not warned about", p2.returncode == 0 and "gcj02" not in p2.stderr.replace("--coords gcj02", ""),
                   p2.stderr[-600:])
            if p0.returncode == 0 and p2.returncode == 0 and p1.returncode == 0:
                v0 = [s["verdict"] for s in layer_rows(out("w.gpkg"), "sites")]
                v1 = [s["verdict"] for s in layer_rows(out("g1.gpkg"), "sites")]
                v2 = [s["verdict"] for s in layer_rows(out("g2.gpkg"), "sites")]
                expect("--coords gcj02 gives the wgs84 verdicts", v0 == v2,
                       f"{sum(a != b for a, b in zip(v0, v2))} differ")
                expect("gcj02 coordinates taken as wgs84 change verdicts (the test is meaningful)", v0 != v1)
                ri = run_info(out("g1.gpkg"))
                expect("the gcj02 warning is in run_info", any("gcj02" in v for k, v in ri.items() if k.startswith("warning.")),
                       str(ri))
                expect("run_info records --coords", run_info(out("g2.gpkg")).get("coords") == "gcj02")
            p3 = run("-q", "batch", RB, APPS, "-o", out("p.gpkg"), "--crs", "EPSG:4549", "--coords", "gcj02")
            expect("--coords with projected coordinates is a usage error", p3.returncode == 2 and "geographic" in p3.stderr,
                   p3.stderr)
            p4 = run("check", RB, "--site", "%.9f,%.9f" % wgs_to_gcj(120.0756850, 28.8712688), "--industry", "C3312",
                     "--attr", "voc_tpa=1.37", "--coords", "gcj02", "--format", "json")
            p5 = run("check", RB, "--site", "120.0756850,28.8712688", "--industry", "C3312",
                     "--attr", "voc_tpa=1.37", "--format", "json")
            if p4.returncode == 0 and p5.returncode == 0:
                a, b = json.loads(p4.stdout), json.loads(p5.stdout)
                expect("check --coords gcj02 screens the wgs84 site", a["verdict"] == b["verdict"] and
                       [f["rule_id"] for f in a["findings"]] == [f["rule_id"] for f in b["findings"]])
            else:
                expect("check --coords gcj02 runs", False, p4.stderr + p5.stderr)

        # --- swapped lon/lat columns
        if case("swapped"):
            pts = [r for r in rows if is_point(r)][:60]
            sw = [[r["id"], r["industry"], *reversed(r["wkt"][6:-1].split())] for r in pts]
            src = out("swapped.csv")
            write_csv(src, ["id", "industry", "lon", "lat"], sw)
            p = run("batch", RB, src, "-o", out("s.gpkg"))
            expect("swapped lat/lon is warned about", p.returncode == 0 and "经纬度可能颠倒" in p.stderr,
                   p.stderr[-600:])
            if p.returncode == 0:
                sites = layer_rows(out("s.gpkg"), "sites")
                expect("swapped rows are kept as ERROR with the hint", len(sites) == len(sw) and
                       all(s["verdict"] == "ERROR" and ("颠倒" in s["message"] or "行业代码" in s["message"]) for s in sites) and
                       sum("颠倒" in s["message"] for s in sites) >= len(sw) - 5)

        # --- GBK CSV, detected and named
        if case("gbk"):
            src = out("gbk.csv")
            write_csv(src, list(rows[0].keys()), [list(r.values()) for r in rows], encoding="gbk")
            before = sha(src)
            p = run("batch", RB, src, "-o", out("gbk.gpkg"), "--csv", out("gbk_out.csv"))
            expect("a gbk csv is detected and read", p.returncode == 0 and "GB18030" in p.stderr, p.stderr[-400:])
            if p.returncode == 0:
                sites = layer_rows(out("gbk.gpkg"), "sites")
                expect("gbk: rows in = rows out", len(sites) == len(rows))
                expect("gbk: names decoded", sites[0]["name"] == rows[0]["name"], sites[0]["name"])
                expect("gbk: run_info names the encoding", run_info(out("gbk.gpkg")).get("encoding") == "GB18030")
            p = run("-q", "batch", RB, src, "-o", out("gbk2.gpkg"), "--encoding", "GBK")
            expect("--encoding GBK reads a gbk csv", p.returncode == 0, p.stderr)
            p = run("-q", "batch", RB, src, "-o", out("gbk3.gpkg"), "--encoding", "UTF-8")
            expect("--encoding UTF-8 on gbk bytes is a usage error", p.returncode == 2 and "not valid UTF-8" in p.stderr,
                   p.stderr)
            expect("the input is never modified", sha(src) == before)
            expect("no transcoded copy is left in TMPDIR", not os.listdir(private_tmp), str(os.listdir(private_tmp)))

        # --- empty inputs
        if case("empty"):
            src = out("header.csv")
            write_csv(src, ["id", "name", "industry", "wkt"], [])
            p = run("-q", "batch", RB, src, "-o", out("e.gpkg"), "--json", out("e.json"), "--csv", out("e.csv"))
            expect("a header-only csv is 0 records, exit 0", p.returncode == 0, p.stderr)
            if p.returncode == 0:
                expect("header-only: sites layer exists and is empty", layer_rows(out("e.gpkg"), "sites") == [])
                expect("header-only: json written", os.path.exists(out("e.json")))
            zero = out("zero.csv")
            open(zero, "w").close()
            p = run("-q", "batch", RB, zero, "-o", out("z.gpkg"))
            expect("a zero-byte csv is a usage error", p.returncode == 2 and "empty (0 bytes)" in p.stderr, p.stderr)
            expect("a zero-byte csv writes nothing", not os.path.exists(out("z.gpkg")))

        # --- missing and extra columns; duplicate ids; figures typed by people
        if case("columns"):
            src = out("nocol.csv")
            write_csv(src, ["id", "name", "wkt"], [["A", "x", "POINT(120 29)"]])
            p = run("-q", "batch", RB, src, "-o", out("n.gpkg"))
            expect("a missing industry column is a usage error naming the columns", p.returncode == 2 and
                   "id, name, wkt" in p.stderr, p.stderr)
            src = out("dups.csv")
            dup = [[r["id"] if i % 50 else "DUP", r["industry"], r["voc_tpa"], r["wkt"], "extra"] for i, r in enumerate(rows)]
            write_csv(src, ["id", "industry", "voc_tpa", "wkt", "remark"], dup)
            p = run("batch", RB, src, "-o", out("d.gpkg"), "--json", out("d.json"))
            expect("duplicate ids are warned about", p.returncode == 0 and "repeat an earlier id" in p.stderr, p.stderr[-400:])
            if p.returncode == 0:
                sites = layer_rows(out("d.gpkg"), "sites")
                expect("duplicate ids: rows in = rows out", len(sites) == len(rows))
                expect("duplicate ids: both kept", sum(s["site_id"] == "DUP" for s in sites) == len(range(0, len(rows), 50)))
                expect("extra columns are carried", sites[0]["remark"] == "extra")
                with open(out("d.json"), encoding="utf-8") as fh:
                    text = fh.read()
                n = len(json.loads(text)) if text.lstrip().startswith("[") else sum(1 for line in text.splitlines() if line.strip())
                expect("duplicate ids: json rows in = rows out", n == len(rows), str(n))
            # １.３７吨 is 1.37 t/a for the capacity check
            src = out("fig.csv")
            r2 = [r for r in rows if r["id"] == "YK2026-0002"][0]
            write_csv(src, ["id", "industry", "voc_tpa", "wkt"],
                      [["plain", r2["industry"], "1.37", r2["wkt"]], ["full", r2["industry"], "１.３７吨", r2["wkt"]],
                       ["kg", r2["industry"], "1370 kg", r2["wkt"]]])
            p = run("-q", "batch", RB, src, "-o", out("f.gpkg"))
            if p.returncode == 0:
                s = layer_rows(out("f.gpkg"), "sites")
                expect("full-width figures with a unit screen like plain ones", s[0]["verdict"] == s[1]["verdict"] and
                       s[0]["rule_ids"] == s[1]["rule_ids"], f"{s[0]} {s[1]}")
                expect("a figure in another unit is INCOMPLETE, never guessed", "CAP-VOC" in (s[2]["rule_ids"] or "") and
                       s[2]["verdict"] in ("INCOMPLETE", "FAIL"), str(s[2]))
            else:
                expect("figures batch runs", False, p.stderr)

        # --- bad records of every kind stay in the output
        if case("records"):
            bad = ["", "POINT(", "POINT(1 2) x", "{\"type\":\"Point\"}", "POINT(nan 1)", "POINT(120 95)",
                   "POLYGON((120.07 28.87,120.08 28.88,120.08 28.87,120.07 28.88,120.07 28.87))",
                   "GEOMETRYCOLLECTION(POINT(120.07 28.87),LINESTRING(120.07 28.87,120.08 28.88))",
                   "POINT ZM (120.07 28.87 10 3)", "POLYGON EMPTY", "POLYGON((119 28,121 28,121 30,119 30,119 28))",
                   "POINT(0 0)", "\u6c38\u5eb7", "POINT(1e400 1)"]
            src = out("bad.csv")
            write_csv(src, ["id", "industry", "wkt"], [[f"R{i}", "C3312", w] for i, w in enumerate(bad)] +
                      [["R-noind", "", "POINT(120.07 28.87)"], ["R-badind", "X99", "POINT(120.07 28.87)"]])
            p = run("-q", "batch", RB, src, "-o", out("b.gpkg"), "--json", out("b.json"), "--csv", out("b.csv"))
            expect("bad records never stop a batch", p.returncode == 0, p.stderr)
            if p.returncode == 0:
                sites = layer_rows(out("b.gpkg"), "sites")
                expect("bad records: rows in = rows out", len(sites) == len(bad) + 2, str(len(sites)))
                with open(out("b.csv"), encoding="utf-8-sig") as fh:
                    expect("bad records: csv rows in = rows out", len(list(csv.DictReader(fh))) == len(bad) + 2)
                byid = {s["site_id"]: s for s in sites}
                expect("a site outside the coverage is INCOMPLETE", byid["R11"]["verdict"] == "INCOMPLETE",
                       str(byid["R11"]))
                expect("a very large parcel is screened", byid["R10"]["verdict"] != "ERROR", str(byid["R10"]))

        # --- layers: overlapping units, gaps, an empty layer (validate)
        if case("layers"):
            gpkg = out("units.gpkg")
            from osgeo import osr
            drv = ogr.GetDriverByName("GPKG")
            ds = drv.CreateDataSource(gpkg)
            srs = osr.SpatialReference()
            srs.ImportFromEPSG(4549)
            for name, feats in (("area", [("ALL", "POLYGON((500000 3190000,500300 3190000,500300 3190100,500000 3190100,500000 3190000))")]),
                                ("units", [("U1", "POLYGON((500000 3190000,500110 3190000,500110 3190100,500000 3190100,500000 3190000))"),
                                           ("U2", "POLYGON((500100 3190000,500200 3190000,500200 3190100,500100 3190100,500100 3190000))"),
                                           ("U3", "POLYGON((500250 3190000,500300 3190000,500300 3190100,500250 3190100,500250 3190000))")]),
                                ("nothing", [])):
                lyr = ds.CreateLayer(name, srs, ogr.wkbPolygon)
                lyr.CreateField(ogr.FieldDefn("code", ogr.OFTString))
                for code, wkt in feats:
                    f = ogr.Feature(lyr.GetLayerDefn())
                    f.SetField("code", code)
                    f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
                    lyr.CreateFeature(f)
            ds = None
            rb = out("units.yaml")
            with open(rb, "w") as fh:
                fh.write("rulebook: 1\nworking_crs: EPSG:4549\ninput_crs: EPSG:4490\ncoverage: area\nunit_layer: units\n"
                         "layers:\n  area: {source: units.gpkg, layer: area, key: code}\n"
                         "  units: {source: units.gpkg, layer: units, key: code}\n"
                         "  nothing: {source: units.gpkg, layer: nothing, key: code}\n"
                         "checks:\n  - {id: OV, type: overlap, layer: nothing, outcome: FAIL}\n")
            p = run("validate", rb)
            expect("validate reports overlapping units with area and location",
                   p.returncode == 0 and "overlap U1 × U2: 1000 m2 at" in p.stdout and "lon 1" in p.stdout, p.stdout + p.stderr)
            expect("validate reports gaps inside the coverage", "gap in area: 5000 m2" in p.stdout, p.stdout)
            expect("validate warns about an empty layer", "layer 'nothing' is empty" in p.stdout, p.stdout)

        # --- SIGINT / SIGTERM: nothing under the final name, no temporaries,
        #     an existing output untouched, the input unchanged.
        if case("signal"):
            big = out("big.csv")
            with open(big, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["id", "industry", "voc_tpa", "wkt"])
                n = 0
                while n < 40000:
                    for r in rows:
                        n += 1
                        w.writerow([f"B{n}", r["industry"], r["voc_tpa"], r["wkt"]])
            before = sha(big)
            for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
                final = out(f"sig{status}.gpkg")
                js = out(f"sig{status}.json")
                existing = out(f"existing{status}.csv")
                with open(existing, "w") as fh:
                    fh.write("an earlier run's output\n")
                keep = sha(existing)
                proc = subprocess.Popen([redline, "-q", "batch", RB, big, "-o", final, "--json", js,
                                         "--csv", existing, "--threads", "2"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                # Wait until the temporaries exist (the batch is writing).
                deadline = time.time() + 30
                while time.time() < deadline and not leftovers() and proc.poll() is None:
                    time.sleep(0.05)
                time.sleep(0.5)
                proc.send_signal(sig)
                try:
                    _, err = proc.communicate(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    _, err = proc.communicate()
                name = signal.Signals(sig).name
                expect(f"{name} exits {status}", proc.returncode == status, f"exit {proc.returncode}: {err}")
                expect(f"{name} says it was interrupted", "interrupted" in err, err)
                expect(f"{name} leaves nothing under the final names",
                       not os.path.exists(final) and not os.path.exists(js))
                expect(f"{name} leaves no temporary files", not leftovers(), str(leftovers()))
                expect(f"{name} leaves an existing output untouched", sha(existing) == keep)
            expect("the input is never modified (checksum)", sha(big) == before)

    shutil.rmtree(private_tmp, ignore_errors=True)
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("ok: all messy-input cases")


if __name__ == "__main__":
    main()
