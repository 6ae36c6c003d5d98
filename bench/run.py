#!/usr/bin/python3
"""redline vs PostGIS, province-scale screening benchmark: one command.

    /usr/bin/python3 bench/run.py OUTDIR [--scale small] [generator size flags] [--scaling]

1. generates the case into OUTDIR (bench/generate.py) unless it is there already;
2. runs `redline validate` (layers loaded, repaired, indexed) and `redline batch` at 1 and 2
   threads (GeoPackage output, as issue 15 measures it; --json adds the JSON file), timing wall
   clock, CPU time and peak RSS of each run;
3. starts a throwaway PostgreSQL + PostGIS cluster, loads the same layers and applications once
   (ogr2ogr, ST_Subdivide, GiST, ANALYZE: timed and reported separately), runs the same
   screening in SQL (bench/postgis_screen.py), timing wall clock and peak memory;
4. compares verdicts site by site and the finding sets (site, rule_id, feature_key, outcome);
5. prints a table and writes OUTDIR/results.md and OUTDIR/results.json.

With --scaling it also runs redline alone on 10k / 100k / 1M applications (subsets of the
case) and on red-line layers of 1M / 5M / 10M vertices (generated, fewer applications).
Exit status: 0 when verdicts agree 100 %, 1 otherwise, 2 on a usage error.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import postgis_screen  # noqa: E402
import pgcluster  # noqa: E402  (put on sys.path by postgis_screen)

GEN_FLAGS = [  # generator flag, default (bench/generate.py)
    ("area_km2", 100000.0), ("redlines", 20000), ("redline_vertices", 5000000),
    ("units", 5000), ("townships", 1300), ("water_sets", 300), ("parks", 500),
    ("sources", 200000), ("points", 1000000), ("parcels", 100000), ("seed", 20261128)]
SMALL = dict(redlines=2000, redline_vertices=500000, units=500, townships=130, water_sets=30,
             parks=50, sources=20000, points=100000, parcels=10000, area_km2=10000.0)
REL, ABS = 1e-6, 1e-3


def log(msg=""):
    print(msg, flush=True)


def fmt_s(x):
    return "–" if x is None else (f"{x:.2f} s" if x < 100 else f"{x:.0f} s")


def fmt_mb(b):
    return "–" if not b else f"{b / 2**20:,.0f} MB"


# ----------------------------------------------------------------------------------------------
# running processes
# ----------------------------------------------------------------------------------------------
def run_rss(argv):
    """Run argv and return (wall s, peak RSS bytes, returncode, output, CPU s (user + system)).

    The peak is the child's own VmHWM, sampled from /proc every 20 ms once it runs the program
    (never from rusage: Linux carries the parent's high-water mark across fork and exec into
    ru_maxrss, so a child of this script, which holds millions of findings after a comparison,
    would report the script's size instead of its own)."""
    t = time.time()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()))
    reader.start()
    name = os.path.basename(argv[0])[:15]
    hwm = 0
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        try:
            with open(f"/proc/{p.pid}/comm") as fh:
                ours = fh.read().strip() == name  # exec'd: the program's own memory
            if ours:
                with open(f"/proc/{p.pid}/status") as fh:
                    for line in fh:
                        if line.startswith("VmHWM:"):
                            hwm = max(hwm, int(line.split()[1]) * 1024)
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    wall = time.time() - t
    reader.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    return (wall, hwm or ru.ru_maxrss * 1024, p.returncode, b"".join(out).decode("utf-8", "replace"),
            ru.ru_utime + ru.ru_stime)


def loadavg():
    try:
        return float(open("/proc/loadavg").read().split()[0])
    except (OSError, ValueError):
        return None


def wait_quiet(max_wait, ncpu):
    """Wait (up to max_wait s) until the 1-minute load average is below half the cores, so the
    timings are not those of a busy machine; return the load average when starting."""
    t = time.time()
    la = loadavg()
    while la is not None and la > max(0.5, ncpu * 0.5) and time.time() - t < max_wait:
        time.sleep(5)
        la = loadavg()
    return la


# ----------------------------------------------------------------------------------------------
# machine
# ----------------------------------------------------------------------------------------------
def machine_info(redline):
    info = {"hostname": platform.node(), "kernel": platform.release()}
    try:
        with open("/proc/cpuinfo") as fh:
            m = re.search(r"model name\s*:\s*(.*)", fh.read())
            info["cpu"] = m.group(1).strip() if m else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    info["cores"] = os.cpu_count()
    info["ram_gb"] = round(postgis_screen.mem_total_bytes() / 2**30, 1)

    def cmd(argv):
        try:
            return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    info["gdal"] = cmd(["gdal-config", "--version"]) or cmd(["ogr2ogr", "--version"])
    info["geos"] = cmd(["geos-config", "--version"])
    proj = cmd(["proj"])
    m = re.search(r"Rel\.\s*([\d.]+)", proj)
    info["proj"] = m.group(1) if m else ""
    v = cmd([redline, "--version"])
    info["redline"] = v.splitlines()[0] if v else ""
    return info


# ----------------------------------------------------------------------------------------------
# generation
# ----------------------------------------------------------------------------------------------
def gen_args(a):
    vals = {}
    base = SMALL if a.scale == "small" else {}
    for name, default in GEN_FLAGS:
        v = getattr(a, name)
        vals[name] = v if v is not None else base.get(name, default)
    return vals


def ensure_case(outdir, vals, force=False, explicit=True):
    """Generate the case into outdir unless it is there with the same flags. Without explicit
    size flags (neither --scale nor a generator flag), an existing case is used as it is."""
    stamp = os.path.join(outdir, "generate-args.json")
    need = ["layers.gpkg", "applications.gpkg", "rulebook.yaml", "access_list.csv",
            "industry_classes.csv"]
    have = all(os.path.exists(os.path.join(outdir, f)) for f in need)
    if have and not force:
        if os.path.exists(stamp):
            with open(stamp) as fh:
                old = json.load(fh)
            if old == vals or not explicit:
                log(f"case: {outdir} (already generated with " +
                    ("these flags)" if old == vals else f"{old})"))
                vals.clear()
                vals.update(old)
                return 0.0
            log(f"case: {outdir} was generated with other flags: regenerating")
        else:
            log(f"case: {outdir} exists (no generate-args.json): using it as it is")
            return 0.0
    argv = ["/usr/bin/python3", os.path.join(HERE, "generate.py"), outdir]
    for k, v in vals.items():
        argv += ["--" + k.replace("_", "-"), str(v)]
    log("case: generating: " + " ".join(argv[2:]))
    t = time.time()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise SystemExit(f"generator failed:\n{p.stdout}")
    log("  " + p.stdout.strip().replace("\n", "\n  ") + f"  ({time.time() - t:.0f} s)")
    with open(stamp, "w") as fh:
        json.dump(vals, fh)
    return time.time() - t


def case_stats(outdir):
    """Feature and vertex counts of the case (from the GeoPackages, via sqlite3 + ogrinfo)."""
    st = {}
    con = sqlite3.connect(os.path.join(outdir, "layers.gpkg"))
    for (t,) in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type='features'"):
        st[t] = con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
    con.close()
    con = sqlite3.connect(os.path.join(outdir, "applications.gpkg"))
    st["applications"] = con.execute('SELECT count(*) FROM "applications"').fetchone()[0]
    con.close()
    return st


# ----------------------------------------------------------------------------------------------
# redline
# ----------------------------------------------------------------------------------------------
def run_redline(redline, rulebook, apps, outdir, threads, tag, with_json=False):
    gpkg = os.path.join(outdir, f"redline_{tag}.gpkg")
    js = os.path.join(outdir, f"redline_{tag}.json")
    for f in (gpkg, js):
        if os.path.exists(f):
            os.remove(f)
    argv = [redline, "-q", "batch", rulebook, apps, "-o", gpkg, "--threads", str(threads)]
    if with_json:
        argv += ["--json", js]
    wall, rss, rc, out, cpu = run_rss(argv)
    if rc != 0:
        raise SystemExit(f"redline failed ({rc}): {' '.join(argv)}\n{out[-3000:]}")
    return dict(wall=wall, rss=rss, cpu=cpu, gpkg=gpkg, json=js if with_json else None,
                threads=threads, json_mb=os.path.getsize(js) / 2**20 if with_json else 0.0,
                gpkg_mb=os.path.getsize(gpkg) / 2**20)


def read_redline(gpkg):
    con = sqlite3.connect(gpkg)
    verdicts = {}
    order = []
    for sid, v in con.execute("SELECT site_id, verdict FROM sites ORDER BY fid"):
        verdicts[sid] = v
        order.append(sid)
    findings = {}
    for sid, rule, key, outc, val, thr, share in con.execute(
            "SELECT site_id, rule_id, coalesce(feature_key, ''), outcome, value, threshold, "
            "share_pct FROM findings"):
        findings.setdefault((sid, rule, key or "", outc), []).append((val, thr, share))
    con.close()
    return order, verdicts, findings


def read_postgis(vcsv, fcsv):
    import csv
    verdicts, order, errors = {}, [], {}
    with open(vcsv, newline="", encoding="utf-8") as fh:
        for sid, v, err in csv.reader(fh):
            verdicts[sid] = v
            order.append(sid)
            if err:
                errors[sid] = err
    num = lambda x: float(x) if x != "" else None  # noqa: E731
    findings = {}
    with open(fcsv, newline="", encoding="utf-8") as fh:
        for sid, rule, key, outc, val, thr, share, _ctype in csv.reader(fh):
            findings.setdefault((sid, rule, key, outc), []).append((num(val), num(thr),
                                                                   num(share)))
    return order, verdicts, findings


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= ABS or abs(a - b) <= REL * max(abs(a), abs(b))


def compare(red, pg, limit=20):
    r_order, r_v, r_f = red
    p_order, p_v, p_f = pg
    res = {"sites_redline": len(r_order), "sites_postgis": len(p_order)}
    dup = len(r_order) - len(r_v)
    res["duplicate_site_ids"] = dup
    same_order = r_order == p_order
    res["same_order"] = same_order
    agree = sum(1 for s, v in p_v.items() if r_v.get(s) == v)
    n = max(len(p_v), len(r_v), 1)
    res["verdicts_agree"] = agree
    res["verdict_agreement_pct"] = 100.0 * agree / n
    ex = []
    for s in p_order:
        if r_v.get(s) != p_v[s]:
            ex.append(f"{s}: redline {r_v.get(s)}, PostGIS {p_v[s]}")
            if len(ex) >= limit:
                break
    res["verdict_examples"] = ex
    res["verdicts_postgis"] = dict(Counter(p_v.values()))
    res["verdicts_redline"] = dict(Counter(r_v.values()))
    # findings: multisets keyed (site, rule_id, feature_key, outcome); values within tolerance
    only_r, only_p, val_diff = [], [], []
    n_only_r = n_only_p = n_val = 0
    for k in set(r_f) | set(p_f):
        a, b = r_f.get(k, []), p_f.get(k, [])
        if len(a) > len(b):
            n_only_r += len(a) - len(b)
            if len(only_r) < limit:
                only_r.append(f"{k}: value={a[len(b)][0]}")
        elif len(b) > len(a):
            n_only_p += len(b) - len(a)
            if len(only_p) < limit:
                only_p.append(f"{k}: value={b[len(a)][0]}")
        for fa, fb in zip(sorted(a, key=str), sorted(b, key=str)):
            bad = [nm for nm, x, y in zip(("value", "threshold", "share_pct"), fa, fb)
                   if not close(x, y)]
            if bad:
                n_val += 1
                if len(val_diff) < limit:
                    val_diff.append(f"{k}: " + ", ".join(
                        f"{nm} redline {fa[i]} PostGIS {fb[i]}" for i, nm in
                        enumerate(("value", "threshold", "share_pct")) if nm in bad))
    res["findings_redline"] = sum(len(v) for v in r_f.values())
    res["findings_postgis"] = sum(len(v) for v in p_f.values())
    res["findings_only_redline"] = n_only_r
    res["findings_only_postgis"] = n_only_p
    res["findings_value_differences"] = n_val
    res["findings_only_redline_examples"] = sorted(only_r)
    res["findings_only_postgis_examples"] = sorted(only_p)
    res["findings_value_examples"] = sorted(val_diff)
    keys = set(r_f) | set(p_f)
    same = sum(1 for k in keys if len(r_f.get(k, [])) == len(p_f.get(k, [])))
    res["finding_agreement_pct"] = 100.0 * same / max(1, len(keys))
    return res


# ----------------------------------------------------------------------------------------------
# scaling
# ----------------------------------------------------------------------------------------------
def subset_apps(src, dst, n, n_points, n_total):
    """The first n applications keeping the case's mix of points and parcels."""
    if os.path.exists(dst):
        return
    n_pts = round(n * n_points / n_total)
    n_par = n - n_pts
    where = f"fid <= {n_pts} OR (fid > {n_points} AND fid <= {n_points + n_par})"
    argv = ["ogr2ogr", "-f", "GPKG", dst, src, "applications", "-where", where,
            "-lco", "SPATIAL_INDEX=NO", "-preserve_fid"]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise SystemExit(f"ogr2ogr subset failed: {p.stdout}")


def scaling(a, redline, outdir, vals, threads):
    rows_apps, rows_vert = [], []
    sdir = os.path.join(outdir, "scaling")
    os.makedirs(sdir, exist_ok=True)
    rb = os.path.join(outdir, "rulebook.yaml")
    apps = os.path.join(outdir, "applications.gpkg")
    n_points, n_total = vals["points"], vals["points"] + vals["parcels"]
    for n in (10000, 100000, 1000000):
        if n > n_total:
            continue
        sub = os.path.join(sdir, f"apps_{n}.gpkg") if n < n_total else apps
        if n < n_total:
            subset_apps(apps, sub, n, n_points, n_total)
        r = run_redline(redline, rb, sub, sdir, threads, f"apps{n}")
        log(f"  {n:>9,} applications: {r['wall']:.2f} s, {r['rss'] / 2**20:,.0f} MB")
        rows_apps.append(dict(applications=n, wall=r["wall"], rss=r["rss"],
                              per_s=n / r["wall"]))
    for verts in (1000000, 5000000, 10000000):
        d = os.path.join(sdir, f"vertices_{verts}")
        v = dict(vals, redline_vertices=verts, points=100000, parcels=10000)
        ensure_case(d, v)
        rbv = os.path.join(d, "rulebook.yaml")
        wall_v, _, rc, out, _ = run_rss([redline, "validate", rbv])
        r = run_redline(redline, rbv, os.path.join(d, "applications.gpkg"), d, threads, "scal")
        actual = count_vertices(d)
        log(f"  {actual:>11,} red-line vertices: validate {wall_v:.2f} s, batch of 110,000 "
            f"{r['wall']:.2f} s, {r['rss'] / 2**20:,.0f} MB")
        rows_vert.append(dict(vertices=actual, validate=wall_v, wall=r["wall"], rss=r["rss"],
                              applications=110000))
    return rows_apps, rows_vert


def count_vertices(d):
    lg = os.stat(os.path.join(d, "layers.gpkg"))
    tag = f"{lg.st_size}:{lg.st_mtime_ns}"
    stamp = os.path.join(d, "vertices.txt")
    if os.path.exists(stamp):
        old = open(stamp).read().split()
        if len(old) == 2 and old[1] == tag:
            return int(old[0])
    from osgeo import ogr
    ds = ogr.Open(os.path.join(d, "layers.gpkg"))
    lyr = ds.GetLayerByName("eco_redline")
    n = 0
    for f in lyr:
        g = f.GetGeometryRef()
        for i in range(g.GetGeometryCount()):
            p = g.GetGeometryRef(i)
            for j in range(p.GetGeometryCount()):
                n += p.GetGeometryRef(j).GetPointCount()
    with open(stamp, "w") as fh:
        fh.write(f"{n} {tag}")
    return n


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------
def markdown(R):
    m = R["machine"]
    n = R["case"]["applications"]
    L = []
    L.append(f"Case: {n:,} applications ({R['gen']['points']:,} points + "
             f"{R['gen']['parcels']:,} parcels); layers: " +
             ", ".join(f"{k} {v:,}" for k, v in R["case"].items() if k != "applications") +
             f"; red-line vertices {R['case_vertices']:,}.")
    L.append("")
    L.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; GEOS {m['geos']}, "
             f"GDAL {m['gdal']}, PROJ {m['proj']}, {R.get('postgis_version', '')}; "
             f"{m.get('redline', '')}. 1-min load average at start: {R.get('loadavg_start')}.")
    L.append("")
    L.append("| run | wall time | applications/s | peak memory | PostGIS screening ÷ this |")
    L.append("|---|---:|---:|---:|---:|")
    pg = R.get("postgis")
    if pg:
        L.append(f"| PostGIS: load + index layers and applications (one-time, not charged) | "
                 f"{fmt_s(pg['load'])} | – | – | – |")
        L.append(f"| PostGIS: screening, {pg['workers']} parallel workers per query | "
                 f"{fmt_s(pg['screen'])} | {n / pg['screen']:,.0f} | {fmt_mb(pg['peak_pss'])} "
                 f"(PSS, server) | 1.0× |")
    if R.get("validate") is not None:
        L.append(f"| redline validate (layers loaded, repaired, indexed) | "
                 f"{fmt_s(R['validate'])} | – | {fmt_mb(R.get('validate_rss'))} | – |")
    for r in R["redline"]:
        ratio = f"{pg['screen'] / r['wall']:.1f}×" if pg else "–"
        written = "GeoPackage + JSON" if r.get("json") else "GeoPackage"
        cpu = f", {r['cpu']:.1f} s CPU" if r.get("cpu") is not None else ""
        L.append(f"| redline batch, {r['threads']} thread{'s' if r['threads'] > 1 else ''} "
                 f"({written} written{cpu}) | {fmt_s(r['wall'])} | {n / r['wall']:,.0f} | "
                 f"{fmt_mb(r['rss'])} (RSS) | {ratio} |")
    if len(R["redline"]) > 1:
        one = next((r for r in R["redline"] if r["threads"] == 1), None)
        for r in R["redline"]:
            if one and r is not one:
                L.append("")
                L.append(f"Threads: --threads {r['threads']} is {one['wall'] / r['wall']:.2f}× "
                         f"--threads 1 (wall {fmt_s(one['wall'])} → {fmt_s(r['wall'])}; CPU "
                         f"{one['cpu']:.1f} s → {r['cpu']:.1f} s).")
    L.append("")
    c = R.get("compare")
    if c:
        L.append(f"Agreement, site by site: verdicts {c['verdict_agreement_pct']:.4f} % "
                 f"({c['verdicts_agree']:,} of {max(c['sites_postgis'], c['sites_redline']):,}); "
                 f"findings (site, rule_id, feature_key, outcome): redline {c['findings_redline']:,}, "
                 f"PostGIS {c['findings_postgis']:,}, only in redline "
                 f"{c['findings_only_redline']:,}, only in PostGIS {c['findings_only_postgis']:,}, "
                 f"values beyond 1e-6 rel / 1e-3 abs {c['findings_value_differences']:,}.")
        order = ["PASS", "CONDITIONAL", "INCOMPLETE", "FAIL", "ERROR"]
        L.append("Verdicts: " + ", ".join(f"{v} {c['verdicts_postgis'].get(v, 0):,}"
                                          for v in order) + ".")
        L.append("")
    if pg:
        L.append("PostGIS screening by step: " + ", ".join(
            f"{k} {v:.1f} s" for k, v in pg["steps"]) + ".")
        L.append("")
    if R.get("scaling_apps"):
        L.append(f"redline scaling ({R['scaling_threads']} threads), applications "
                 f"(subsets of this case, same mix):")
        L.append("")
        L.append("| applications | wall time | applications/s | peak RSS |")
        L.append("|---:|---:|---:|---:|")
        for r in R["scaling_apps"]:
            L.append(f"| {r['applications']:,} | {fmt_s(r['wall'])} | {r['per_s']:,.0f} | "
                     f"{fmt_mb(r['rss'])} |")
        L.append("")
    if R.get("scaling_vertices"):
        L.append("redline scaling, red-line vertices (110,000 applications, other layers as the "
                 "default case):")
        L.append("")
        L.append("| red-line vertices | validate | batch wall time | peak RSS |")
        L.append("|---:|---:|---:|---:|")
        for r in R["scaling_vertices"]:
            L.append(f"| {r['vertices']:,} | {fmt_s(r['validate'])} | {fmt_s(r['wall'])} | "
                     f"{fmt_mb(r['rss'])} |")
        L.append("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", help="case directory (generated here if missing) and results")
    ap.add_argument("--scale", choices=["full", "small"], default="full",
                    help="size preset: full = the generator's defaults (1.1 M applications); "
                         "small = about 1/10 of everything (110 k applications)")
    for name, default in GEN_FLAGS:
        ap.add_argument("--" + name.replace("_", "-"), dest=name,
                        type=type(default), default=None,
                        help=f"generator flag (default {default})")
    ap.add_argument("--redline", default=os.path.join(REPO, "build", "redline"))
    ap.add_argument("--threads", default="1,2", help="redline thread counts (default 1,2)")
    ap.add_argument("--json", action="store_true",
                    help="redline also writes its JSON file (off by default: issue 15 measures the "
                         "GeoPackage output alone)")
    ap.add_argument("--subdivide", type=int, default=256,
                    help="ST_Subdivide max vertices per piece (default 256)")
    ap.add_argument("--pg-workers", type=int, default=None,
                    help="max_parallel_workers_per_gather (default: number of cores)")
    ap.add_argument("--skip-postgis", action="store_true")
    ap.add_argument("--skip-redline", action="store_true",
                    help="do not run redline (PostGIS only; no comparison)")
    ap.add_argument("--scaling", action="store_true",
                    help="also time redline on 10k/100k/1M applications and 1M/5M/10M vertices")
    ap.add_argument("--scaling-threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--wait-quiet", type=float, default=120,
                    help="wait up to this many seconds for the load average to drop below "
                         "half the cores before timing (default 120)")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--keep-pg", action="store_true", help="leave the PostgreSQL cluster running")
    a = ap.parse_args()

    outdir = os.path.abspath(a.outdir)
    os.makedirs(outdir, exist_ok=True)
    redline = os.path.abspath(a.redline)
    if not a.skip_redline and not os.access(redline, os.X_OK):
        log(f"redline executable not found: {redline} (build it, or --redline PATH)")
        return 2
    for tool in ("ogr2ogr",):
        if not shutil.which(tool):
            log(f"{tool} not found: apt-get install -y gdal-bin")
            return 2
    threads = [int(x) for x in a.threads.split(",") if x.strip()]
    vals = gen_args(a)
    R = {"started": datetime.datetime.now().isoformat(timespec="seconds"), "gen": vals,
         "argv": sys.argv[1:]}
    explicit = "--scale" in " ".join(sys.argv) or any(
        getattr(a, name) is not None for name, _ in GEN_FLAGS)
    R["generate_s"] = ensure_case(outdir, vals, a.regenerate, explicit)
    R["case"] = case_stats(outdir)
    R["case_vertices"] = count_vertices(outdir)
    R["machine"] = machine_info(redline)
    rb = os.path.join(outdir, "rulebook.yaml")
    apps = os.path.join(outdir, "applications.gpkg")
    n = R["case"]["applications"]
    log(f"case: {n:,} applications, {R['case_vertices']:,} red-line vertices; machine: "
        f"{R['machine']['cpu']}, {R['machine']['cores']} cores, {R['machine']['ram_gb']} GB")
    R["loadavg_start"] = wait_quiet(a.wait_quiet, os.cpu_count() or 1)
    if R["loadavg_start"] is not None and R["loadavg_start"] > (os.cpu_count() or 1) * 0.5:
        log(f"WARNING: the machine is busy (load average {R['loadavg_start']}): timings are "
            f"not representative")

    # ---- redline ----
    R["redline"] = []
    if not a.skip_redline:
        log("redline:")
        wall, rss, rc, out, _ = run_rss([redline, "validate", rb])
        if rc != 0:
            raise SystemExit(f"redline validate failed ({rc}):\n{out[-3000:]}")
        R["validate"], R["validate_rss"] = wall, rss
        log(f"  validate: {wall:.2f} s, {rss / 2**20:,.0f} MB")
        for t in threads:
            r = run_redline(redline, rb, apps, outdir, t, f"t{t}", a.json)
            r["loadavg"] = loadavg()
            R["redline"].append(r)
            log(f"  batch --threads {t}: {r['wall']:.2f} s ({n / r['wall']:,.0f} applications/s), "
                f"{r['cpu']:.1f} s CPU, peak RSS {r['rss'] / 2**20:,.0f} MB; GeoPackage "
                f"{r['gpkg_mb']:,.0f} MB" + (f", JSON {r['json_mb']:,.0f} MB" if a.json else ""))

    # ---- PostGIS ----
    pg_res = None
    if not a.skip_postgis:
        log("PostGIS:")
        try:
            with postgis_screen.TunedCluster(workers_per_gather=a.pg_workers,
                                             keep=a.keep_pg) as c:
                R["postgis_version"] = "PostGIS " + c.sql(
                    "SELECT postgis_lib_version()", capture=True).strip() + ", " + \
                    c.sql("SHOW server_version", capture=True).strip().split()[0].join(
                        ["PostgreSQL ", ""])
                log(f"  {R['postgis_version']}; settings: " +
                    ", ".join(f"{k}={v}" for k, v in c.settings.items()))
                s = postgis_screen.Screen(c, rb, apps, subdivide=a.subdivide, log=log)
                load = s.load()
                log(f"  load + index: {load:.1f} s")
                R["loadavg_pg"] = loadavg()
                with postgis_screen.MemorySampler(c.postmaster_pid()) as mem:
                    screen = s.screen()
                log(f"  screening: {screen:.1f} s ({n / screen:,.0f} applications/s), "
                    f"peak PSS {mem.peak / 2**20:,.0f} MB")
                vcsv = os.path.join(outdir, "postgis_verdicts.csv")
                fcsv = os.path.join(outdir, "postgis_findings.csv")
                t = time.time()
                s.export(vcsv, fcsv)
                with open(os.path.join(outdir, "postgis_screen.sql"), "w",
                          encoding="utf-8") as fh:
                    fh.write(s.sql_text() + "\n")
                pg_res = dict(load=load, load_steps=s.timings, screen=screen,
                              steps=s.check_times, peak_pss=mem.peak, workers=c.workers,
                              subdivide=a.subdivide, settings=c.settings,
                              export=time.time() - t)
                R["postgis"] = pg_res
        except pgcluster.ClusterUnavailable as e:
            log(f"PostGIS unavailable: {e}")
            return 2

    # ---- compare ----
    ok = True
    if pg_res and R["redline"]:
        log("comparing verdicts and findings ...")
        red = read_redline(R["redline"][-1]["gpkg"])
        pg = read_postgis(os.path.join(outdir, "postgis_verdicts.csv"),
                          os.path.join(outdir, "postgis_findings.csv"))
        c = compare(red, pg)
        if len(R["redline"]) > 1:   # redline at 1 vs N threads: identical verdicts?
            red1 = read_redline(R["redline"][0]["gpkg"])
            c["redline_threads_identical"] = (red1[0] == red[0] and red1[1] == red[1]
                                              and red1[2] == red[2])
            del red1
        R["compare"] = c
        ok = c["verdict_agreement_pct"] == 100.0 and c["findings_only_redline"] == 0 \
            and c["findings_only_postgis"] == 0
        log(f"  verdicts agree on {c['verdict_agreement_pct']:.4f} % of sites "
            f"({c['verdicts_agree']:,}/{max(c['sites_postgis'], c['sites_redline']):,}); "
            f"findings: redline {c['findings_redline']:,}, PostGIS {c['findings_postgis']:,}, "
            f"only redline {c['findings_only_redline']:,}, only PostGIS "
            f"{c['findings_only_postgis']:,}, value differences "
            f"{c['findings_value_differences']:,}")
        if "redline_threads_identical" in c:
            log(f"  redline 1 thread vs {threads[-1]} threads identical: "
                f"{c['redline_threads_identical']}")
        for title, k in (("verdict differences", "verdict_examples"),
                         ("findings only in redline", "findings_only_redline_examples"),
                         ("findings only in PostGIS", "findings_only_postgis_examples"),
                         ("value differences", "findings_value_examples")):
            if c[k]:
                log(f"  first {len(c[k])} {title}:")
                for e in c[k]:
                    log(f"    {e}")

    # ---- scaling ----
    if a.scaling and not a.skip_redline:
        log(f"scaling (redline alone, --threads {a.scaling_threads}):")
        R["scaling_threads"] = a.scaling_threads
        R["scaling_apps"], R["scaling_vertices"] = scaling(a, redline, outdir, vals,
                                                          a.scaling_threads)

    md = markdown(R)
    log("")
    log(md)
    with open(os.path.join(outdir, "results.md"), "w", encoding="utf-8") as fh:
        fh.write(md + "\n")
    with open(os.path.join(outdir, "results.json"), "w", encoding="utf-8") as fh:
        json.dump(R, fh, ensure_ascii=False, indent=1, default=str)
    log(f"written: {os.path.join(outdir, 'results.md')}, {os.path.join(outdir, 'results.json')}")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except pgcluster.Terminated:
        print("terminated (SIGTERM); the PostgreSQL cluster was removed", file=sys.stderr)
        sys.exit(143)
