#!/usr/bin/python3
"""SPEC §4 screening in PostGIS, written for speed the way a skilled PostGIS user would.

This is the PostGIS side of the benchmark (bench/run.py). It reuses the plumbing and the small
SQL function library of the independent oracle (tests/oracle/oracle.py, pgcluster.py) but loads
and queries the data differently:

* load (timed separately, not charged to the screening): every layer with ogr2ogr, reprojected
  by PostGIS to the working CRS, invalid polygons repaired (ST_MakeValid), polygons cut with
  ST_Subdivide into pieces of at most N vertices (`p_<layer>`, one row per piece carrying all of
  the feature's attributes), GiST indexes, ANALYZE; the applications are loaded as they are.
* screening (timed): one CREATE TABLE AS per check type, in the order of the rulebook, then the
  union of the findings and the verdicts. Industry selectors, thresholds and exceptions are
  evaluated once per distinct industry code (`ind`, `acl_match`), not per site. Measures use the
  pieces, aggregated per (site, feature): the pieces of one feature do not overlap, so the
  overlap of a feature is the sum of the overlaps of its pieces; the distance to a feature is
  the minimum over its pieces (ST_DWithin, index-assisted); "within" differences the site with
  the union of the pieces, near the site, of the features it overlaps. CREATE TABLE AS (unlike
  INSERT ... SELECT) may use parallel workers.

Semantics are those of docs/SPEC.md §4 and of the oracle (see tests/oracle/README.md for the
choices where the spec is silent); the benchmark checks them against redline site by site.
"""

import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
import oracle  # noqa: E402
import pgcluster  # noqa: E402
from oracle import arr, ident, lit  # noqa: E402

import yaml  # noqa: E402


def mem_total_bytes():
    with open("/proc/meminfo") as fh:
        for ln in fh:
            if ln.startswith("MemTotal:"):
                return int(ln.split()[1]) * 1024
    return 8 << 30


class TunedCluster(pgcluster.Cluster):
    """pgcluster.Cluster started with the settings a skilled user gives an analytic server:
    large shared_buffers / work_mem, parallel query on every core, no JIT, no WAL for the bulk
    tables (wal_level=minimal, unlogged result tables), no fsync (a throwaway cluster)."""

    def __init__(self, workers_per_gather=None, **kw):
        super().__init__(**kw)
        ncpu = os.cpu_count() or 1
        ram = mem_total_bytes()
        mb = lambda b: f"{int(b // (1 << 20))}MB"  # noqa: E731
        self.workers = ncpu if workers_per_gather is None else workers_per_gather
        self.settings = {
            "shared_buffers": mb(min(ram // 4, 8 << 30)),
            "effective_cache_size": mb(ram // 2),
            "work_mem": mb(min(max(ram // 64, 64 << 20), 512 << 20)),
            "maintenance_work_mem": mb(min(ram // 16, 2 << 30)),
            "max_worker_processes": str(max(8, ncpu + 4)),
            "max_parallel_workers": str(max(ncpu, self.workers)),
            "max_parallel_workers_per_gather": str(self.workers),
            "max_parallel_maintenance_workers": str(ncpu),
            "random_page_cost": "1.1",
            "jit": "off",
            "wal_level": "minimal",
            "max_wal_senders": "0",
            "max_wal_size": "20GB",
            "checkpoint_timeout": "1h",
        }

    def _start(self):
        # pgcluster.Cluster._start with more server settings (the rest is identical)
        import tempfile
        import pwd
        base = os.environ.get("REDLINE_ORACLE_TMP", "/tmp")
        self.dir = tempfile.mkdtemp(prefix="redline-bench-pg-", dir=base)
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            if not self._has_postgres_user():
                raise pgcluster.ClusterUnavailable(
                    "running as root but there is no `postgres` system user")
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = os.path.join(self.dir, "data")
        self._run_server_cmd([os.path.join(self.bindir, "initdb"), "-D", data, "-U", self.user,
                              "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], "initdb")
        opts = (f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off "
                f"-c synchronous_commit=off -c full_page_writes=off "
                + " ".join(f"-c {k}={v}" for k, v in self.settings.items()))
        self._run_server_cmd([os.path.join(self.bindir, "pg_ctl"), "-D", data, "-o", opts,
                              "-l", os.path.join(self.dir, "server.log"), "-w", "-t", "120",
                              "start"], "pg_ctl start")
        self.started = True
        self._start_watchdog()
        self.sql(f"CREATE DATABASE {self.dbname}", db="postgres")
        try:
            self.sql("CREATE EXTENSION postgis")
        except RuntimeError as e:
            raise pgcluster.ClusterUnavailable(
                "PostGIS is not available in this PostgreSQL installation; install it with\n"
                "  apt-get install -y postgresql-15-postgis-3\n" + str(e))

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.dir, "data", "postmaster.pid")) as fh:
                return int(fh.readline())
        except (OSError, ValueError):
            return None

    def copy_out(self, query, path):
        """COPY (query) TO STDOUT as CSV into a file."""
        argv = self.psql_argv() + ["-c", f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"]
        with open(path, "w", encoding="utf-8") as fh:
            p = subprocess.run(argv, stdout=fh, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, PGCLIENTENCODING="UTF8"))
        if p.returncode != 0:
            raise RuntimeError(f"psql COPY failed: {p.stderr.strip()}")


class MemorySampler:
    """Peak memory of the whole PostgreSQL server (postmaster, backends, parallel workers) and
    of psql: the sum of the processes' PSS (proportional set size: shared buffers are counted
    once, not once per process), sampled every `period` seconds."""

    def __init__(self, root_pid, period=0.2):
        self.root = root_pid
        self.period = period
        self.peak = 0
        self._stop = threading.Event()
        self._t = None

    def _tree(self):
        kids = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as fh:
                    st = fh.read()
                ppid = int(st[st.rindex(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.root, os.getpid()]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(kids.get(p, []))
        return [p for p in out if p != os.getpid()]

    @staticmethod
    def _pss(pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for ln in fh:
                    if ln.startswith("Pss:"):
                        return int(ln.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self):
        while not self._stop.is_set():
            tot = sum(self._pss(p) for p in self._tree())
            self.peak = max(self.peak, tot)
            self._stop.wait(self.period)

    def __enter__(self):
        if self.root:
            self._t = threading.Thread(target=self._run, daemon=True)
            self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._t:
            self._t.join()
        return False


class Screen:
    def __init__(self, cluster, rulebook_path, applications_path, apps_layer=None,
                 id_field="id", industry_field="industry", subdivide=256, log=print):
        self.c = cluster
        self.rb_path = os.path.abspath(rulebook_path)
        self.rb_dir = os.path.dirname(self.rb_path)
        with open(self.rb_path, encoding="utf-8") as fh:
            self.rb = yaml.safe_load(fh)
        self.apps_path = applications_path
        self.apps_layer = apps_layer
        self.id_field = id_field
        self.industry_field = industry_field
        self.subdivide = subdivide
        self.log = log
        self.work_srid = oracle.epsg(self.rb.get("working_crs", "EPSG:4549"))
        self.in_srid = oracle.epsg(self.rb.get("input_crs", "EPSG:4490"))
        self.atol = float(self.rb.get("area_tolerance", 0.01))
        self.ltol = float(self.rb.get("length_tolerance", 0.01))
        self.layers = {}
        self.timings = {}       # load step -> seconds
        self.check_times = []   # (check id, seconds)
        self.checks = list(self.rb.get("checks", []))

    def path(self, p):
        return p if os.path.isabs(p) else os.path.join(self.rb_dir, p)

    def sql(self, text, capture=False):
        return self.c.sql(text, capture=capture)

    def ogr2ogr(self, src, layer, table, extra=()):
        argv = ["ogr2ogr", "-f", "PostgreSQL", self.c.ogr_conn(), src]
        if layer:
            argv.append(layer)
        argv += ["-nln", table, "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid",
                 "-lco", "LAUNDER=NO", "-lco", "SPATIAL_INDEX=NONE", "-preserve_fid",
                 "-nlt", "GEOMETRY", "-q", "--config", "PG_USE_COPY", "YES"] + list(extra)
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"ogr2ogr failed for {src} {layer or ''}: {p.stderr}")

    def columns(self, table):
        out = self.sql(f"SELECT column_name || '|' || data_type FROM information_schema.columns "
                       f"WHERE table_name = {lit(table)} ORDER BY ordinal_position", capture=True)
        return dict(ln.split("|", 1) for ln in out.splitlines() if ln.strip())

    # ------------------------------------------------------------------------------------------
    # one-time load and indexing
    # ------------------------------------------------------------------------------------------
    def load(self):
        t0 = time.time()
        t = time.time()
        c = self.c
        c.sql(oracle.PRELUDE + "\nDROP TABLE findings;\n")
        gbt = oracle.read_csv(oracle.GBT_CSV)
        sql = oracle.copy_sql("gbt", ["code", "num"],
                              [(r["code_with_section"].strip(), r["numeric_code"].strip() or None)
                               for r in gbt])
        if self.rb.get("industry_classes"):
            ic = oracle.read_csv(self.path(self.rb["industry_classes"]))
            sql += oracle.copy_sql("iclass", ["prefix", "cls"],
                                   [(r["industry"].strip(), int(r["class"])) for r in ic])
        n_acl = 0
        for chk in self.checks:
            if chk.get("type") == "access_list":
                n_acl += 1
                if n_acl > 1:
                    raise SystemExit("postgis_screen: only one access_list check is supported")
                rows = oracle.read_csv(self.path(chk["table"]))
                sql += oracle.copy_sql("acl", ["ord", "rule_id", "scope", "industries", "effect",
                                               "dimension"],
                                       [(i, r["rule_id"].strip(), r["scope"].strip(),
                                         r.get("industries", "") or "", r["effect"].strip(),
                                         r.get("dimension", "")) for i, r in enumerate(rows)])
        sql += """
CREATE INDEX ON gbt (num);
UPDATE iclass SET p = o_norm(prefix);
UPDATE acl SET sels = coalesce((SELECT array_agg(btrim(x)) FROM
                                unnest(string_to_array(industries, ';')) x
                                WHERE btrim(x) <> ''), '{}');
ANALYZE gbt; ANALYZE iclass; ANALYZE acl;
"""
        c.sql(sql)
        self.timings["tables"] = time.time() - t
        for i, (name, spec) in enumerate(self.rb.get("layers", {}).items()):
            self.load_layer(i, name, spec)
        t = time.time()
        self.ogr2ogr(self.apps_path, self.apps_layer, "apps_raw")
        self.sql("ANALYZE apps_raw;")
        self.app_cols = self.columns("apps_raw")
        n = self.sql("SELECT count(*) FROM apps_raw", capture=True).strip()
        self.n_apps = int(n)
        self.timings["applications"] = time.time() - t
        self.log(f"  applications: {self.n_apps} rows loaded in {time.time() - t:.1f} s")
        self.timings["total"] = time.time() - t0
        return self.timings["total"]

    def load_layer(self, i, name, spec):
        t = time.time()
        lt = "l_%d_%s" % (i, re.sub(r"\W", "_", name.lower()))
        pt = "p_%d_%s" % (i, re.sub(r"\W", "_", name.lower()))
        self.ogr2ogr(self.path(spec["source"]), spec.get("layer"), lt)
        t_ogr = time.time() - t
        w = self.work_srid
        key = f"l.{ident(spec['key'])}::text" if spec.get("key") else "l.fid::text"
        utype = f"l.{ident(spec['type'])}::text" if spec.get("type") else "NULL::text"
        out = self.sql(f"""
ALTER TABLE {lt} ALTER COLUMN geom TYPE geometry USING
  CASE WHEN ST_SRID(geom) = {w} THEN geom ELSE ST_Transform(geom, {w}) END;
SELECT count(*) FILTER (WHERE ST_Dimension(geom) = 2 AND NOT ST_IsValid(geom)),
       count(*), coalesce(sum(ST_NPoints(geom)), 0), max(ST_Dimension(geom)) FROM {lt};
UPDATE {lt} SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))
 WHERE ST_Dimension(geom) = 2 AND NOT ST_IsValid(geom);""", capture=True)
        nbad, nfeat, nvert, maxdim = out.strip().split("|")
        maxdim = int(maxdim or 0)
        # pieces: every attribute of the feature plus _fid/_key/_utype and the piece geometry
        if maxdim == 2:
            piece = f"ST_Subdivide(l.geom, {int(self.subdivide)})"
        else:
            piece = "l.geom"
        out = self.sql(f"""
CREATE TABLE {pt} AS
SELECT l.*, l.fid AS _fid, {key} AS _key, {utype} AS _utype, {piece} AS _piece
  FROM {lt} l;
ALTER TABLE {pt} DROP COLUMN geom;
ALTER TABLE {pt} RENAME COLUMN _piece TO geom;
CREATE INDEX ON {pt} USING gist (geom);
CREATE INDEX ON {lt} USING gist (geom);
ANALYZE {pt}; ANALYZE {lt};
SELECT count(*) FROM {pt};""", capture=True)
        npieces = out.strip()
        self.layers[name] = dict(raw=lt, pieces=pt, spec=spec)
        self.timings[f"layer {name}"] = time.time() - t
        self.log(f"  layer {name}: {nfeat} features, {nvert} vertices, {nbad} repaired -> "
                 f"{npieces} pieces; {time.time() - t:.1f} s (ogr2ogr {t_ogr:.1f} s)")

    # ------------------------------------------------------------------------------------------
    # screening
    # ------------------------------------------------------------------------------------------
    def tols(self, chk):
        return (float(chk.get("area_tolerance", self.atol)),
                float(chk.get("length_tolerance", self.ltol)))

    def ind_sql(self):
        """One row per distinct raw industry string of the applications: the GB/T code and,
        per check k, whether it applies (ap_k), the exception outcome (x_k, NULL when none
        matches) and, for setbacks, the threshold (thr_k). Computed by SQL (oracle functions)."""
        cols = []
        for k, chk in enumerate(self.checks):
            sels = chk.get("industries")
            cols.append((f"o_match(code, {arr(sels)})" if sels else "true") + f" AS ap_{k}")
            whens = []
            for e in chk.get("exceptions") or []:
                cond = f"o_match(code, {arr(e['industries'])})" if e.get("industries") else "true"
                whens.append(f"WHEN {cond} THEN {lit(str(e.get('outcome', 'FAIL')).upper())}")
            cols.append((f"CASE {' '.join(whens)} END" if whens else "NULL::text") + f" AS x_{k}")
            if chk["type"] == "setback":
                dist = chk.get("distance", {})
                if not isinstance(dist, dict):
                    dist = {"default": dist}
                default = float(dist.get("default", 0) or 0)
                sels = [(str(kk), float(v)) for kk, v in dist.items() if str(kk) != "default"]
                values = ",".join(f"({lit(kk)}, {v!r})" for kk, v in sels) or \
                    "(NULL::text, NULL::float8)"
                cols.append(f"""coalesce((SELECT d FROM (VALUES {values}) v(sel, d)
                     WHERE sel IS NOT NULL AND o_sel(code, sel)
                     ORDER BY o_sel_rank(code, sel) DESC LIMIT 1), {default!r}) AS thr_{k}""")
        return f"""
CREATE TABLE ind AS
SELECT raw, code, {', '.join(cols)}
  FROM (SELECT raw, (SELECT g.code FROM gbt g WHERE g.code = o_norm(raw)) AS code
          FROM (SELECT DISTINCT btrim(coalesce({ident(self.industry_field)}::text, '')) AS raw
                  FROM apps_raw) d) d2;
CREATE TABLE acl_match AS
SELECT i.code, a.ord AS acl_ord, a.rule_id, a.scope,
       CASE lower(a.effect) WHEN 'prohibit' THEN 'FAIL' WHEN 'restrict' THEN 'CONDITIONAL'
                            WHEN 'allow' THEN 'INFO' END AS outcome
  FROM (SELECT DISTINCT code FROM ind WHERE code IS NOT NULL) i
  JOIN acl a ON a.sels = '{{}}'::text[] OR o_match(i.code, a.sels);
ANALYZE ind; ANALYZE acl_match;"""

    def num_expr(self, col):
        """The application's numeric attribute `col` as float8 (NULL when missing/not a number)."""
        typ = self.app_cols.get(col)
        if typ is None:
            return "NULL::float8"
        if typ in ("double precision", "real", "integer", "bigint", "smallint", "numeric"):
            return f"r.{ident(col)}::float8"
        txt = f"btrim(r.{ident(col)}::text)"
        return (f"CASE WHEN {txt} ~ '^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$' "
                f"THEN {txt}::float8 END")

    def sites_sql(self):
        extra = []
        for k, chk in enumerate(self.checks):
            extra += [f"i.ap_{k}", f"i.x_{k}"]
            if chk["type"] == "setback":
                extra.append(f"i.thr_{k}")
            if chk["type"] == "capacity":
                extra.append(f"{self.num_expr(chk['attr'])} AS attr_{k}")
        geographic = (f"(SELECT proj4text LIKE '%+proj=longlat%' FROM spatial_ref_sys "
                      f"WHERE srid = {self.in_srid})")
        idf = ident(self.id_field)
        return f"""
CREATE UNLOGGED TABLE sites AS
WITH r AS (
  SELECT r.*, btrim(coalesce(r.{ident(self.industry_field)}::text, '')) AS ind_raw,
         CASE WHEN r.geom IS NULL THEN 'missing geometry'
              WHEN ST_IsEmpty(r.geom) THEN 'geometry is empty'
              WHEN NOT (ST_XMin(r.geom) BETWEEN -1e300 AND 1e300
                        AND ST_XMax(r.geom) BETWEEN -1e300 AND 1e300
                        AND ST_YMin(r.geom) BETWEEN -1e300 AND 1e300
                        AND ST_YMax(r.geom) BETWEEN -1e300 AND 1e300)
                THEN 'non-finite coordinate'
              WHEN {geographic} AND NOT (ST_YMin(r.geom) >= -90 AND ST_YMax(r.geom) <= 90
                                         AND ST_XMin(r.geom) >= -180 AND ST_XMax(r.geom) <= 180)
                THEN 'cannot be transformed to the working CRS'
         END AS gerr
    FROM apps_raw r),
t AS (
  SELECT r.*, CASE WHEN r.gerr IS NULL THEN
           CASE WHEN ST_SRID(r.geom) = {self.work_srid} THEN ST_Force2D(r.geom)
                ELSE ST_Transform(ST_Force2D(ST_SetSRID(r.geom, {self.in_srid})),
                                  {self.work_srid}) END END AS g
    FROM r)
SELECT r.fid AS ord, r.{idf}::text AS site_id, i.code,
       coalesce(r.gerr, CASE WHEN r.ind_raw = '' THEN 'missing industry code'
                             WHEN i.code IS NULL THEN 'industry code ' || r.ind_raw ||
                                                      ' is not in GB/T 4754-2017' END) AS error,
       CASE WHEN ST_Dimension(r.g) = 2 AND NOT ST_IsValid(r.g) THEN ST_MakeValid(r.g)
            ELSE r.g END AS geom,
       ST_Dimension(r.g) AS dim,
       CASE ST_Dimension(r.g) WHEN 1 THEN ST_Length(r.g) WHEN 2 THEN ST_Area(r.g) END AS meas,
       {', '.join(extra)}
  FROM t r LEFT JOIN ind i ON i.raw = r.ind_raw;
ANALYZE sites;"""

    @staticmethod
    def ovm(dim="s.dim", site="s.geom", piece="p.geom", meas="s.meas"):
        """Overlap measure of the site with one piece (NULL for point sites); a site covered by
        the piece overlaps it entirely, which spares the overlay."""
        return (f"CASE {dim} WHEN 0 THEN NULL "
                f"WHEN 1 THEN CASE WHEN ST_CoveredBy({site}, {piece}) THEN {meas} "
                f"ELSE ST_Length(ST_Intersection({site}, {piece})) END "
                f"ELSE CASE WHEN ST_CoveredBy({site}, {piece}) THEN {meas} "
                f"ELSE ST_Area(ST_Intersection({site}, {piece})) END END")

    @staticmethod
    def overlap_cond(v, atol, ltol):
        return f"(s.dim = 0 OR (s.dim = 1 AND {v} > {ltol!r}) OR (s.dim = 2 AND {v} > {atol!r}))"

    @staticmethod
    def where(chk, alias="p"):
        w = chk.get("where")
        if not w:
            return ""
        # the rulebook's attribute filter, applied to the pieces' copy of the attributes
        return f" AND ({w})"

    MEASURE = ("CASE s.dim WHEN 0 THEN 'intersects' WHEN 1 THEN 'overlap_length' "
               "ELSE 'overlap_area' END")

    def feature_hits(self, k, chk, layer, s_cols="", p_cols=()):
        """Per (site, feature of `layer`) the site touches: the overlap measure, summed over the
        feature's pieces. A plain join + GROUP BY (not a LATERAL subquery) so that PostgreSQL
        runs it with parallel workers (partial hash aggregation)."""
        P = self.layers[layer]["pieces"]
        pc = "".join(f", p.{c}" for c in p_cols)
        return f"""(SELECT s.ord, s.dim, s.meas, s.code, s.x_{k}{s_cols}, p._fid, p._key AS key{pc},
            sum({self.ovm()}) AS v
       FROM sites s JOIN {P} p ON p.geom && s.geom AND ST_Intersects(s.geom, p.geom){self.where(chk)}
      WHERE s.error IS NULL AND s.ap_{k}
      GROUP BY s.ord, s.dim, s.meas, s.code, s.x_{k}{s_cols}, p._fid, p._key{pc})"""

    @staticmethod
    def hcond(v, atol, ltol, h="h"):
        return (f"({h}.dim = 0 OR ({h}.dim = 1 AND {v} > {ltol!r}) OR "
                f"({h}.dim = 2 AND {v} > {atol!r}))")

    HMEASURE = ("CASE h.dim WHEN 0 THEN 'intersects' WHEN 1 THEN 'overlap_length' "
                "ELSE 'overlap_area' END")

    def check_overlap(self, k, chk):
        atol, ltol = self.tols(chk)
        return f"""
SELECT h.ord, {lit(chk['id'])}::text AS rule_id, 'overlap'::text AS check_type,
       coalesce(h.x_{k}, {lit(str(chk.get('outcome', 'FAIL')).upper())}) AS outcome,
       {lit(chk['layer'])}::text AS layer, h.key AS feature_key, {self.HMEASURE} AS measure,
       h.v AS value, NULL::float8 AS threshold, h.v / nullif(h.meas, 0) * 100 AS share_pct
  FROM {self.feature_hits(k, chk, chk['layer'])} h
 WHERE {self.hcond('h.v', atol, ltol)}"""

    def check_setback(self, k, chk):
        P = self.layers[chk["layer"]]["pieces"]
        return f"""
SELECT h.ord, {lit(chk['id'])}::text AS rule_id, 'setback'::text AS check_type,
       coalesce(h.x_{k}, {lit(str(chk.get('outcome', 'FAIL')).upper())}) AS outcome,
       {lit(chk['layer'])}::text AS layer, h.key AS feature_key, 'distance'::text AS measure,
       h.d AS value, h.thr AS threshold, NULL::float8 AS share_pct
  FROM (SELECT s.ord, s.x_{k}, s.thr_{k} AS thr, p._fid, p._key AS key,
               min(ST_Distance(s.geom, p.geom)) AS d
          FROM sites s JOIN {P} p ON ST_DWithin(s.geom, p.geom, s.thr_{k}){self.where(chk)}
         WHERE s.error IS NULL AND s.ap_{k} AND s.thr_{k} > 0
         GROUP BY s.ord, s.x_{k}, s.thr_{k}, p._fid, p._key) h
 WHERE h.d < h.thr"""

    def check_access_list(self, k, chk):
        atol, ltol = self.tols(chk)
        return f"""
SELECT h.ord, m.rule_id, 'access_list'::text AS check_type,
       coalesce(h.x_{k}, m.outcome) AS outcome,
       {lit(chk['layer'])}::text AS layer, h.key AS feature_key, {self.HMEASURE} AS measure,
       h.v AS value, NULL::float8 AS threshold, h.v / nullif(h.meas, 0) * 100 AS share_pct
  FROM {self.feature_hits(k, chk, chk['layer'], p_cols=('_utype',))} h
  JOIN acl_match m ON m.code = h.code AND (m.scope = '*' OR m.scope = h.key OR m.scope = h._utype)
 WHERE {self.hcond('h.v', atol, ltol)}"""

    def check_capacity(self, k, chk):
        atol, ltol = self.tols(chk)
        Z = self.layers[chk["zones"]]
        Pts = self.layers[chk["points"]]
        cap, load = ident(chk["cap_field"]), ident(chk["load_field"])
        zwhere = self.where(chk)
        return f"""
SELECT s.ord, {lit(chk['id'])}::text AS rule_id, 'capacity'::text AS check_type,
       coalesce(s.x_{k}, 'INCOMPLETE') AS outcome, ''::text AS layer, ''::text AS feature_key,
       'missing_input'::text AS measure, NULL::float8 AS value, NULL::float8 AS threshold,
       NULL::float8 AS share_pct
  FROM sites s WHERE s.error IS NULL AND s.ap_{k} AND s.attr_{k} IS NULL
UNION ALL
SELECT h.ord, {lit(chk['id'])}, 'capacity',
       coalesce(h.x_{k}, {lit(str(chk.get('outcome', 'FAIL')).upper())}),
       {lit(chk['zones'])}, h.key, 'load', coalesce(e.existing, 0) + h.attr_{k}, h.cap, NULL
  FROM {self.feature_hits(k, chk, chk['zones'], s_cols=f', s.attr_{k}',
                          p_cols=(f'{cap}::float8',)).replace(f', p.{cap}::float8',
                          f', p.{cap}::float8 AS cap', 1)} h
  LEFT JOIN (   -- Σ load of the points intersecting each zone (each point once per zone)
       SELECT zfid, sum(ld) AS existing FROM (
         SELECT DISTINCT p._fid AS zfid, q.fid AS qfid, (q.{load})::float8 AS ld
           FROM {Pts['raw']} q JOIN {Z['pieces']} p
             ON p.geom && q.geom AND ST_Intersects(p.geom, q.geom)
          WHERE true{zwhere}) x
        GROUP BY zfid) e ON e.zfid = h._fid
 WHERE h.attr_{k} IS NOT NULL AND {self.hcond('h.v', atol, ltol)} AND h.cap IS NOT NULL
   AND coalesce(e.existing, 0) + h.attr_{k} > h.cap + 1e-9"""

    def within(self, rule_id, ctype, outcome, layer, where, atol, ltol, filt, xcol):
        """SPEC §4 "within": a point site intersects a feature; a line/polygon site minus the
        union of the features it overlaps (by more than the tolerance) is no longer/larger than
        the tolerance. The union is that of the pieces near the site of those features."""
        P = self.layers[layer]["pieces"]
        w = f" AND ({where})" if where else ""
        tol = f"CASE s.dim WHEN 1 THEN {ltol!r} ELSE {atol!r} END"
        return f"""
SELECT s.ord, {lit(rule_id)}::text AS rule_id, {lit(ctype)}::text AS check_type,
       {outcome} AS outcome, {lit(layer)}::text AS layer, ''::text AS feature_key,
       'outside'::text AS measure, NULL::float8 AS value, NULL::float8 AS threshold,
       100.0::float8 AS share_pct
  FROM sites s
 WHERE s.error IS NULL AND {filt} AND s.dim = 0
   AND NOT EXISTS (SELECT 1 FROM {P} p
                    WHERE p.geom && s.geom AND ST_Intersects(s.geom, p.geom){w})
UNION ALL
SELECT o.ord, {lit(rule_id)}, {lit(ctype)}, {outcome.replace('s.', 'o.')}, {lit(layer)}, '',
       CASE o.dim WHEN 1 THEN 'outside_length' ELSE 'outside_area' END, o.v, NULL,
       o.v / nullif(o.meas, 0) * 100
  FROM (SELECT s.ord, s.dim, s.meas, {xcol},
               CASE s.dim WHEN 1 THEN ST_Length(coalesce(ST_Difference(s.geom, u.g), s.geom))
                          ELSE ST_Area(coalesce(ST_Difference(s.geom, u.g), s.geom)) END AS v
          FROM sites s LEFT JOIN (
               SELECT f.ord, ST_Union(f.g) AS g FROM (
                 SELECT s.ord, p._fid, ST_Union(p.geom) AS g
                   FROM sites s JOIN {P} p ON p.geom && s.geom AND ST_Intersects(s.geom, p.geom){w}
                  WHERE s.error IS NULL AND {filt} AND s.dim > 0
                  GROUP BY s.ord, s.dim, p._fid
                 HAVING sum({self.ovm()}) > {tol}) f
                GROUP BY f.ord) u ON u.ord = s.ord
         WHERE s.error IS NULL AND {filt} AND s.dim > 0) o
 WHERE o.v > CASE o.dim WHEN 1 THEN {ltol!r} ELSE {atol!r} END"""

    def check_require_within(self, k, chk):
        atol, ltol = self.tols(chk)
        return self.within(chk["id"], "require_within",
                           f"coalesce(s.x_{k}, {lit(str(chk.get('outcome', 'FAIL')).upper())})",
                           chk["layer"], chk.get("where"), atol, ltol, f"s.ap_{k}",
                           f"s.x_{k}")

    # The row estimates of && joins are far too low (hundreds of rows for millions), so the
    # planner would sort the joined rows, geometries included, for a GroupAggregate; hash
    # aggregation (partial, in every worker) is the plan a skilled user forces here.
    PLANNER = "SET enable_sort = off;\n"

    def screen(self):
        """Run the screening; returns the wall time in seconds (everything from the raw
        applications table to the `findings` and `verdicts` tables)."""
        steps = [("industries", self.ind_sql()), ("sites", self.sites_sql())]
        ftables = []
        for k, chk in enumerate(self.checks):
            fn = getattr(self, "check_" + chk["type"], None)
            if fn is None:
                raise SystemExit(f"postgis_screen: check type {chk['type']!r} not implemented")
            ftables.append(f"f_{k}")
            steps.append((chk["id"], f"{self.PLANNER}CREATE UNLOGGED TABLE f_{k} AS {fn(k, chk)};"))
        if self.rb.get("coverage"):
            ftables.append("f_cov")
            steps.append(("COVERAGE", self.PLANNER + "CREATE UNLOGGED TABLE f_cov AS " + self.within(
                "COVERAGE", "coverage", "'INCOMPLETE'", self.rb["coverage"], None,
                self.atol, self.ltol, "true", "NULL::text AS x") + ";"))
        steps.append(("findings+verdicts", f"""
CREATE UNLOGGED TABLE findings AS {' UNION ALL '.join(f'SELECT * FROM {t}' for t in ftables)};
CREATE UNLOGGED TABLE verdicts AS
SELECT s.ord, s.site_id, s.error,
       CASE WHEN s.error IS NOT NULL THEN 'ERROR' WHEN a.nfail > 0 THEN 'FAIL'
            WHEN a.nincomplete > 0 THEN 'INCOMPLETE' WHEN a.ncond > 0 THEN 'CONDITIONAL'
            ELSE 'PASS' END AS verdict
  FROM sites s LEFT JOIN (
       SELECT ord, count(*) FILTER (WHERE outcome = 'FAIL') AS nfail,
              count(*) FILTER (WHERE outcome = 'INCOMPLETE') AS nincomplete,
              count(*) FILTER (WHERE outcome = 'CONDITIONAL') AS ncond
         FROM findings GROUP BY ord) a ON a.ord = s.ord;"""))
        self.steps = steps
        t0 = time.time()
        for name, text in steps:
            t = time.time()
            self.sql(text)
            dt = time.time() - t
            self.check_times.append((name, dt))
            self.log(f"  {name}: {dt:.2f} s")
        return time.time() - t0

    def export(self, verdicts_csv, findings_csv):
        self.c.copy_out("SELECT site_id, verdict, error FROM verdicts ORDER BY ord", verdicts_csv)
        self.c.copy_out("SELECT s.site_id, f.rule_id, coalesce(f.feature_key, ''), f.outcome, "
                        "f.value, f.threshold, f.share_pct, f.check_type "
                        "FROM findings f JOIN sites s ON s.ord = f.ord", findings_csv)

    def sql_text(self):
        return "\n\n".join(f"-- {name}\n{text}" for name, text in self.steps)
