#!/usr/bin/python3
"""PostgreSQL/PostGIS as redline's sink and source, against a real throwaway cluster.

The cluster is tests/oracle/pgcluster.py's (initdb in a temporary directory, unix socket only,
removed on exit). Checks, in order:
  1. `batch -f PostgreSQL -o PG:...` writes the same rows as the GeoPackage (canonical dump of
     sites, findings, zone_summary, run_info and the ctx_ layers), each geometry table with a GiST
     index, and the styles into `layer_styles` with QGIS's own columns, one row per geometry kind;
  2. a second run without --overwrite is refused, naming the table, and changes nothing;
  3. --overwrite replaces the tables (and their style rows, not duplicated);
  4. all or nothing: a run that fails after its rows are written (layer_styles refuses the insert)
     leaves the earlier tables exactly as they were, and a new prefix leaves nothing; a run
     cancelled with SIGINT midway leaves nothing;
  5. --layer-prefix writes a second set of tables beside the first (styles follow the prefix) and
     is refused without --overwrite the second time;
  6. layers and applications from PG: a rulebook whose layers are PG tables and applications read
     from a PG table give the GeoPackage's rows; the connection's password never reaches run_info;
  7. --t_srs EPSG:4490 into PostGIS: SRID 4490 and a point site back at its input lon/lat.
Exit 77 (skipped) only when the PostgreSQL server binaries or PostGIS are not installed.
"""
import argparse
import difflib
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "oracle"))
sys.path.insert(0, HERE)
import canonical  # noqa: E402
import pgcluster  # noqa: E402

QGIS_LAYER_STYLES_COLUMNS = [
    "id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "stylename",
    "styleqml", "stylesld", "useasdefault", "description", "owner", "ui", "update_time", "type"]
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
        if detail:
            print(detail)


def run(argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    return p.returncode, p.stdout, p.stderr


def diff(a, b):
    return "\n".join(list(difflib.unified_diff(a, b, "gpkg", "postgis", lineterm="", n=1))[:40])


class Ctx:
    def __init__(self, args, cluster, tmp):
        self.redline = args.redline
        self.sample = args.sample
        self.cluster = cluster
        self.tmp = tmp
        self.rulebook = os.path.join(args.sample, "rulebook.yaml")
        self.apps = os.path.join(args.sample, "applications.csv")

    def pg(self, db=None):
        return "PG:" + self.cluster.conninfo(db)

    def batch(self, output, *extra, rulebook=None, apps=None):
        return run([self.redline, "-q", "batch", rulebook or self.rulebook, apps or self.apps,
                    "-o", output] + list(extra))

    def sql(self, text, db=None):
        return self.cluster.sql(text, db=db, capture=True).strip()


def started(ctx, table="run_info", db=None):
    return ctx.sql(f"SELECT value FROM {table} WHERE key = 'started'", db)


def check_same_rows(ctx, gpkg, layers):
    rc, _, err = ctx.batch(ctx.pg(), "-f", "PostgreSQL", "--with-context")
    check(rc == 0 and not err.strip(), "batch -f PostgreSQL -o PG:... exits 0, stderr empty", err)
    a = canonical.dump_dataset(gpkg, layers)
    b = canonical.dump_dataset(ctx.pg(), layers)
    check(a == b and len(a) > 1000, f"PostGIS tables = the GeoPackage's layers, row for row ({len(a)} dump lines)",
          diff(a, b))
    gist = set(ctx.sql("SELECT tablename FROM pg_indexes WHERE schemaname = 'public' "
                       "AND indexdef LIKE '%USING gist (geom)%'").split())
    spatial = [n for n in layers if n != "run_info"]
    check(all(n in gist for n in spatial), "every geometry table has a GiST index on geom", str(gist))


def check_layer_styles(ctx, prefix=""):
    cols = ctx.sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'layer_styles' "
                   "ORDER BY ordinal_position").split()
    check(cols == QGIS_LAYER_STYLES_COLUMNS, "layer_styles has QGIS 3.22's columns", str(cols))
    rows = ctx.sql("SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                   "coalesce(type, ''), useasdefault, (xpath('//renderer-v2/@attr', styleqml))[1] "
                   f"FROM layer_styles WHERE f_table_name = '{prefix}sites' ORDER BY id").splitlines()
    typed = [r.split("|") for r in rows if r.split("|")[4]]
    kinds = ctx.sql(f"SELECT DISTINCT ST_Dimension(geom) FROM {prefix}sites WHERE geom IS NOT NULL "
                    "ORDER BY 1").split()
    want = {"0": "Point", "1": "Line", "2": "Polygon"}
    check(sorted(r[4] for r in typed) == sorted(want[k] for k in kinds),
          f"{prefix}sites: one default style row per geometry kind present ({[want[k] for k in kinds]})", rows)
    check(all(r[:4] == ["oracle", "public", f"{prefix}sites", "geom"] and r[5] == "t" and r[6] == "verdict"
              for r in typed), f"{prefix}sites rows: catalog, schema, table, column right, default, on verdict",
          "\n".join(rows))
    untyped = [r.split("|") for r in rows if not r.split("|")[4]]
    check(len(untyped) == 1 and untyped[0][5] == "f", f"{prefix}sites: one untyped, non-default fallback row")
    for table in ["findings", "zone_summary", "ctx_redline"]:
        n = ctx.sql(f"SELECT count(*) FROM layer_styles WHERE f_table_name = '{prefix}{table}'")
        check(int(n) >= 1, f"layer_styles styles {prefix}{table}")


def check_refusal_and_overwrite(ctx, gpkg, layers):
    before = started(ctx)
    styles_before = ctx.sql("SELECT count(*) FROM layer_styles")
    rc, _, err = ctx.batch(ctx.pg(), "--with-context", "--lang", "en")
    check(rc == 4 and "public.sites" in err and "--overwrite" in err,
          "a second run without --overwrite exits 4 naming public.sites", err)
    check(started(ctx) == before and ctx.sql("SELECT count(*) FROM sites") == "294",
          "... and leaves the tables as they were")
    rc, _, err = ctx.batch(ctx.pg(), "--with-context", "--overwrite", "--threads", "1")
    check(rc == 0, "--overwrite replaces the tables", err)
    check(started(ctx) != before, "... with this run's rows (run_info.started changed)")
    check(ctx.sql("SELECT count(*) FROM layer_styles") == styles_before,
          "... and their layer_styles rows, not duplicated")
    a = canonical.dump_dataset(gpkg, layers)
    check(canonical.dump_dataset(ctx.pg(), layers) == a, "... still the GeoPackage's rows")


def check_atomic_failure(ctx):
    db = "atom"
    ctx.sql(f"CREATE DATABASE {db}", db="postgres")
    ctx.sql("CREATE EXTENSION postgis", db=db)
    rc, _, err = ctx.batch(ctx.pg(db))
    check(rc == 0, "a first run into a second database", err)
    before = canonical.dump_dataset(ctx.pg(db))
    stamp = started(ctx, db=db)
    # From now on layer_styles refuses every new row: the run fails in finish(), after its
    # tables were dropped, created and filled.
    ctx.sql("ALTER TABLE layer_styles ADD CONSTRAINT refuse CHECK (false) NOT VALID", db=db)
    rc, _, err = ctx.batch(ctx.pg(db), "--overwrite")
    check(rc == 4 and "layer_styles" in err, "a run failing at its styles exits 4", err)
    check(started(ctx, db=db) == stamp and canonical.dump_dataset(ctx.pg(db)) == before,
          "... and the database is unchanged: the old tables are back, row for row")
    rc, _, err = ctx.batch(ctx.pg(db), "--layer-prefix", "x_")
    left = ctx.sql("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'x\\_%'", db=db)
    check(rc == 4 and left == "0", "a failed run under a new prefix leaves no table", err)
    ctx.sql("ALTER TABLE layer_styles DROP CONSTRAINT refuse", db=db)
    check_cancel(ctx, db)


def check_cancel(ctx, db):
    big = os.path.join(ctx.tmp, "big.csv")
    with open(ctx.apps, encoding="utf-8-sig") as fh:
        header, *rows = fh.read().splitlines()
    with open(big, "w", encoding="utf-8") as out:
        out.write(header + "\n")
        for k in range(80):  # ~23,500 records: six chunks of 4,096
            for r in rows:
                out.write(re.sub(r"^YK", f"B{k:02d}", r) + "\n")
    p = subprocess.Popen([ctx.redline, "batch", ctx.rulebook, big, "-o", ctx.pg(db), "--layer-prefix", "big_",
                          "--progress", "lines", "--threads", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()  # the first chunk is screened and written
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=120)
    left = ctx.sql("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'big\\_%'", db=db)
    check(line.startswith("progress") and p.returncode == 130 and left == "0",
          f"a run cancelled with SIGINT after its first chunk (exit {p.returncode}) leaves no table")


def check_prefix(ctx, gpkg):
    stamp = started(ctx)
    rc, _, err = ctx.batch(ctx.pg(), "--layer-prefix", "r2024_", "--with-context")
    check(rc == 0, "--layer-prefix r2024_ into the same database", err)
    a = canonical.dump_dataset(gpkg)
    check(canonical.dump_dataset(ctx.pg(), prefix="r2024_") == a, "r2024_ tables = the GeoPackage's rows")
    check(started(ctx) == stamp, "... the unprefixed tables untouched")
    check_layer_styles(ctx, "r2024_")
    rc, _, err = ctx.batch(ctx.pg(), "--layer-prefix", "r2024_", "--lang", "en")
    check(rc == 4 and "public.r2024_sites" in err, "the prefix again without --overwrite is refused", err)


def check_pg_sources(ctx, gpkg):
    src = os.path.join(ctx.tmp, "pgsource")
    shutil.copytree(ctx.sample, src)
    conn = ctx.cluster.conninfo() + " password=s3cret"  # trust auth: never asked, must never be shown
    with open(os.path.join(src, "rulebook.yaml"), encoding="utf-8") as fh:
        layers_used = sorted(set(re.findall(r"source: yongkang\.gpkg, layer: (\w+)", fh.read())))
    for layer in layers_used:
        rc, _, err = run(["ogr2ogr", "-f", "PostgreSQL", "PG:" + ctx.cluster.conninfo(),
                          os.path.join(src, "yongkang.gpkg"), layer, "-nln", "src_" + layer,
                          "-lco", "LAUNDER=NO", "-lco", "GEOMETRY_NAME=geom"])
        if rc != 0:
            check(False, f"ogr2ogr {layer} into PostGIS", err)
            return
    with open(os.path.join(src, "rulebook.yaml"), encoding="utf-8") as fh:
        text = fh.read()
    text = re.sub(r"source: yongkang\.gpkg, layer: (\w+)", lambda m: f'source: "PG:{conn}", layer: src_{m.group(1)}',
                  text)
    with open(os.path.join(src, "rulebook.yaml"), "w", encoding="utf-8") as fh:
        fh.write(text)
    with open(ctx.apps, encoding="utf-8-sig") as fh:   # every column of the sample, as text
        columns = next(csv.reader(fh))
    ctx.sql("CREATE TABLE applications_in (fid serial PRIMARY KEY, " +
            ", ".join(f"{c} text" for c in columns) + ")")
    names = ", ".join(columns)
    copy = subprocess.run(ctx.cluster.psql_argv() + ["-c", f"\\copy applications_in ({names}) FROM '" + ctx.apps +
                          f"' WITH (FORMAT csv, HEADER, FORCE_NOT_NULL ({names}))"], capture_output=True, text=True)
    check(copy.returncode == 0, "applications.csv copied into a PG table", copy.stderr)
    out = os.path.join(ctx.tmp, "from_pg.gpkg")
    rc, _, err = run([ctx.redline, "-q", "batch", os.path.join(src, "rulebook.yaml"), "PG:" + conn,
                      "--layer", "applications_in", "-o", out])
    check(rc == 0 and not err.strip(), "batch on a PG rulebook (layers in PostGIS) and a PG applications table",
          err)
    if rc != 0:
        return
    # A table has no order but the one PostgreSQL reads it in (not always the rows' insertion
    # order): the records are compared by site, each site's findings in order.
    layers = ["sites", "findings", "zone_summary"]
    a = by_site(canonical.dump_dataset(gpkg, layers))
    b = by_site(canonical.dump_dataset(out, layers))
    check(a == b, "... the same sites, findings and zone_summary as from the files", diff(a, b))
    info = "\n".join(canonical.dump_dataset(out, ["run_info"]))
    check("key=layer.redline.source | value=PG:" in info and "password=***" in info and "s3cret" not in info,
          "run_info names the PG sources, password redacted")


def by_site(lines):
    """The dump with each layer's records (a record line and its geometry line) ordered by
    site_id, stably."""
    out, records = [], []

    def flush():
        records.sort(key=lambda r: re.search(r"site_id=([^ |]*)", r[0]).group(1) if "site_id=" in r[0] else "")
        out.extend(line for r in records for line in r)
        records.clear()
    for line in lines:
        if line.startswith("## ") or line.startswith("fields "):
            flush()
            out.append(line)
        elif line.startswith("  geom ") and records:
            records[-1].append(line)
        else:
            records.append([line])
    flush()
    return out


def check_t_srs(ctx):
    rc, _, err = ctx.batch(ctx.pg(), "--layer-prefix", "g_", "--t_srs", "EPSG:4490")
    check(rc == 0, "--t_srs EPSG:4490 into PostGIS", err)
    srid = ctx.sql("SELECT DISTINCT ST_SRID(geom) FROM g_sites WHERE geom IS NOT NULL")
    xy = ctx.sql("SELECT ST_X(geom), ST_Y(geom) FROM g_sites WHERE site_id = 'YK2026-0002'").split("|")
    check(srid == "4490" and abs(float(xy[0]) - 120.0756850) < 1e-7 and abs(float(xy[1]) - 28.8712688) < 1e-7,
          f"SRID 4490, YK2026-0002 back at its input 120.0756850 28.8712688 ({xy})")


def check_diff(ctx):
    """redline diff writes through the same output machinery: into PostGIS with a prefix, the same
    changes as its GeoPackage, styled from layer_styles; --t_srs applies to its geometries."""
    new = os.path.join(ctx.sample, "rulebook_2024.yaml")
    gpkg = os.path.join(ctx.tmp, "diff.gpkg")
    argv = [ctx.redline, "-q", "diff", ctx.rulebook, new, ctx.apps]
    rc, _, err = run(argv + ["-o", gpkg])
    check(rc == 0, "diff into a GeoPackage", err)
    rc, _, err = run(argv + ["-o", ctx.pg(), "--layer-prefix", "d_", "--t_srs", "EPSG:4490"])
    check(rc == 0, "diff -o PG:... --layer-prefix d_ --t_srs EPSG:4490", err)
    if rc != 0:
        return
    from osgeo import ogr
    ds = ogr.Open(gpkg)
    want = sorted((f.GetField("site_id"), f.GetField("direction"), f.GetField("findings_changed") or "")
                  for f in ds.GetLayerByName("changes"))
    ds = None
    got = sorted(tuple(r.split("|")) for r in ctx.sql(
        "SELECT site_id, direction, coalesce(findings_changed, '') FROM d_changes").splitlines())
    check(want and got == want, f"d_changes = the GeoPackage's {len(want)} changes", f"{want}\n{got}")
    srid = ctx.sql("SELECT DISTINCT ST_SRID(geom) FROM d_changes WHERE geom IS NOT NULL")
    check(srid == "4490", f"d_changes in EPSG:4490 ({srid})")
    styled = ctx.sql("SELECT count(*) FROM layer_styles WHERE f_table_name IN ('d_changes', 'd_layer_changes')")
    check(int(styled) >= 2, f"layer_styles styles d_changes and d_layer_changes ({styled} rows)")
    rc, _, err = run(argv + ["-o", ctx.pg(), "--layer-prefix", "d_"])
    check(rc == 4 and "d_changes" in err, "diff with the same prefix again without --overwrite is refused", err)


def check_zoning(ctx):
    """redline zoning too: into PostGIS with a prefix and --t_srs, the GeoPackage's polygons, styled."""
    gpkg = os.path.join(ctx.tmp, "zoning.gpkg")
    argv = [ctx.redline, "-q", "zoning", ctx.rulebook, "--industry", "C3360", "--attr", "voc_tpa=3"]
    rc, _, err = run(argv + ["-o", gpkg])
    check(rc == 0, "zoning into a GeoPackage", err)
    rc, _, err = run(argv + ["-o", ctx.pg(), "--layer-prefix", "z_", "--t_srs", "EPSG:4490"])
    check(rc == 0, "zoning -o PG:... --layer-prefix z_ --t_srs EPSG:4490", err)
    if rc != 0:
        return
    from osgeo import ogr
    ds = ogr.Open(gpkg)
    want = sorted((f.GetField("verdict"), f.GetField("rule_ids") or "", round(f.GetField("area_km2"), 6))
                  for f in ds.GetLayerByName("zoning"))
    ds = None
    got = sorted((v, r, round(float(a), 6)) for v, r, a in (row.split("|") for row in ctx.sql(
        "SELECT verdict, coalesce(rule_ids, ''), area_km2 FROM z_zoning").splitlines()))
    check(want and got == want, f"z_zoning = the GeoPackage's {len(want)} polygons")
    srid = ctx.sql("SELECT DISTINCT ST_SRID(geom) FROM z_zoning")
    check(srid == "4490", f"z_zoning in EPSG:4490 ({srid})")
    styled = ctx.sql("SELECT count(*) FROM layer_styles WHERE f_table_name = 'z_zoning'")
    check(int(styled) >= 1, "layer_styles styles z_zoning")
    rc, _, err = run(argv + ["-o", ctx.pg(), "--layer-prefix", "z_"])
    check(rc == 4 and "z_zoning" in err, "zoning with the same prefix again without --overwrite is refused", err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("--sample", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = os.path.join(tmp, "base.gpkg")
        rc, _, err = run([args.redline, "-q", "batch", os.path.join(args.sample, "rulebook.yaml"),
                          os.path.join(args.sample, "applications.csv"), "-o", gpkg, "--with-context"])
        if rc != 0:
            sys.exit(f"FAIL: the GeoPackage baseline: {err}")
        from osgeo import ogr
        ds = ogr.Open(gpkg)
        ctx_layers = sorted(ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())
                            if ds.GetLayer(i).GetName().startswith("ctx_"))
        ds = None
        layers = canonical.RESULT_LAYERS + ctx_layers
        try:
            with pgcluster.Cluster() as cluster:
                ctx = Ctx(args, cluster, tmp)
                check_same_rows(ctx, gpkg, layers)
                check_layer_styles(ctx)
                check_refusal_and_overwrite(ctx, gpkg, layers)
                check_atomic_failure(ctx)
                check_prefix(ctx, gpkg)
                check_pg_sources(ctx, gpkg)
                check_t_srs(ctx)
                check_diff(ctx)
                check_zoning(ctx)
        except pgcluster.ClusterUnavailable as e:
            print(f"skipped: no PostgreSQL/PostGIS to test against:\n{e}")
            return 77
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
