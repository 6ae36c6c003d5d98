#!/usr/bin/python3
"""PostGIS oracle for redline: SPEC §4 check semantics re-implemented in SQL.

Written from docs/SPEC.md (§3 rulebook, §4 check semantics) only -- not from redline's source.
Python does the plumbing (read the rulebook YAML, the CSV tables, start a throwaway cluster,
generate SQL text with the rulebook's parameters); every geometric measure, every predicate and
every decision (industry normalisation, selector matching, thresholds, outcomes, exceptions,
verdicts) is computed by PostgreSQL/PostGIS.

Usage (stand-alone):
    oracle.py RULEBOOK APPLICATIONS --json OUT.json [--keep] [-v]

Output: a JSON list, one object per application in input order:
    {site_id, index, verdict, error, industry_code, findings: [{rule_id, check_type, outcome,
     layer, feature_key, measure, value, threshold, share_pct}]}
"""

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GBT_CSV = os.path.join(REPO, "src", "data", "gbt4754_2017.csv")

sys.path.insert(0, HERE)
import pgcluster  # noqa: E402


def lit(v):
    """SQL literal."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v)) if isinstance(v, float) else str(v)
    return "'" + str(v).replace("'", "''") + "'"


def ident(s):
    return '"' + str(s).replace('"', '""') + '"'


def arr(values):
    return "ARRAY[" + ",".join(lit(str(v)) for v in values) + "]::text[]"


def epsg(crs):
    m = re.fullmatch(r"\s*EPSG:(\d+)\s*", str(crs), re.I)
    if not m:
        raise SystemExit(f"oracle: only EPSG:nnnn CRS strings are supported, got {crs!r}")
    return int(m.group(1))


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def copy_sql(table, columns, rows):
    """COPY ... FROM STDIN block (text format) for psql."""
    def enc(v):
        if v is None:
            return r"\N"
        return (str(v).replace("\\", "\\\\").replace("\t", "\\t")
                .replace("\n", "\\n").replace("\r", "\\r"))
    out = io.StringIO()
    out.write(f"COPY {table} ({', '.join(columns)}) FROM STDIN;\n")
    for r in rows:
        out.write("\t".join(enc(v) for v in r) + "\n")
    out.write("\\.\n")
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# SQL prelude: tables and the small library of SPEC §3/§4 functions
# --------------------------------------------------------------------------------------------
PRELUDE = r"""
CREATE TABLE gbt (code text PRIMARY KEY, num text);
CREATE TABLE iclass (prefix text, cls int, p text);
CREATE TABLE apps (ord int PRIMARY KEY, site_id text, industry text, attrs jsonb,
                   wkt text, lon text, lat text, lonlat boolean);
CREATE TABLE acl (ord int, rule_id text, scope text, industries text, effect text,
                  dimension text, sels text[]);
CREATE TABLE findings (ord int, site_id text, check_id text, rule_id text, check_type text,
                       outcome text, layer text, feature_key text, measure text,
                       value float8, threshold float8, share_pct float8);

-- GB/T 4754-2017 normalisation of a selector or code: numeric -> code with section letter.
CREATE FUNCTION o_norm(sel text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN btrim(sel) ~ '^[0-9]+$' THEN (SELECT code FROM gbt WHERE num = btrim(sel))
              ELSE upper(btrim(sel)) END $$;

-- 工业项目类别: the class of the longest industry_classes prefix the code starts with.
CREATE FUNCTION o_class(code text) RETURNS int LANGUAGE sql STABLE AS $$
  SELECT cls FROM iclass c
   WHERE c.p IS NOT NULL AND c.p <> '' AND starts_with(code, c.p)
   ORDER BY length(c.p) DESC LIMIT 1 $$;

-- one selector: `class:N` or a GB/T prefix (with or without the section letter)
CREATE FUNCTION o_sel(code text, sel text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN btrim(sel) = '' THEN false
    WHEN lower(btrim(sel)) ~ '^class:\s*[0-9]+$'
      THEN coalesce(o_class(code) = substring(btrim(sel) from '[0-9]+$')::int, false)
    ELSE coalesce(starts_with(code, o_norm(sel)), false) END $$;

CREATE FUNCTION o_match(code text, sels text[]) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM unnest(sels) s WHERE o_sel(code, s)) $$;

-- the length of the selector a code matches (for "longest prefix wins"); class:N ranks below
-- any code prefix; NULL when it does not match
CREATE FUNCTION o_sel_rank(code text, sel text) RETURNS int LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN NOT o_sel(code, sel) THEN NULL
              WHEN lower(btrim(sel)) LIKE 'class:%' THEN 0
              ELSE length(o_norm(sel)) END $$;

CREATE FUNCTION o_parse(wkt text, lon text, lat text, lonlat boolean, srid int)
RETURNS geometry LANGUAGE plpgsql AS $$
BEGIN
  IF lonlat THEN
    RETURN ST_SetSRID(ST_MakePoint(btrim(lon)::float8, btrim(lat)::float8), srid);
  END IF;
  IF left(btrim(wkt), 1) = '{' THEN
    RETURN ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(wkt), srid));
  END IF;
  RETURN ST_Force2D(ST_GeomFromText(btrim(wkt), srid));
EXCEPTION WHEN others THEN RETURN NULL;
END $$;

CREATE FUNCTION o_nonfinite(g geometry) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT EXISTS (SELECT 1 FROM ST_DumpPoints(g) d
                  WHERE ST_X(d.geom) IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
                     OR ST_Y(d.geom) IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)) $$;

CREATE FUNCTION o_transform(g geometry, srid int) RETURNS geometry LANGUAGE plpgsql AS $$
BEGIN
  IF ST_SRID(g) = srid THEN RETURN g; END IF;
  RETURN ST_Transform(g, srid);
EXCEPTION WHEN others THEN RETURN NULL;
END $$;

-- measure of the site's overlap with a feature: area (polygon site), length (line site),
-- NULL for a point site
CREATE FUNCTION o_ovm(site geometry, dim int, f geometry) RETURNS float8 LANGUAGE sql
IMMUTABLE AS $$
  SELECT CASE dim WHEN 0 THEN NULL
                  WHEN 1 THEN ST_Length(ST_Intersection(site, f))
                  ELSE ST_Area(ST_Intersection(site, f)) END $$;

-- SPEC §4 "overlaps a feature"
CREATE FUNCTION o_overlaps(site geometry, dim int, f geometry, atol float8, ltol float8)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT site && f AND ST_Intersects(site, f) AND CASE dim
      WHEN 0 THEN true
      WHEN 1 THEN ST_Length(ST_Intersection(site, f)) > ltol
      ELSE ST_Area(ST_Intersection(site, f)) > atol END $$;

CREATE FUNCTION o_measure(g geometry, dim int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE dim WHEN 0 THEN NULL WHEN 1 THEN ST_Length(g) ELSE ST_Area(g) END $$;

CREATE FUNCTION o_num(v text) RETURNS float8 LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF v IS NULL OR btrim(v) = '' THEN RETURN NULL; END IF;
  RETURN btrim(v)::float8;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
"""

SITES_SQL = r"""
CREATE TABLE sites AS
SELECT a.ord, a.site_id, a.attrs, btrim(coalesce(a.industry, '')) AS ind_raw,
       NULL::text AS code, NULL::text AS error,
       (a.lonlat AND (coalesce(btrim(a.lon), '') = '' OR coalesce(btrim(a.lat), '') = ''))
         OR (NOT a.lonlat AND coalesce(btrim(a.wkt), '') = '') AS no_geom,
       o_parse(a.wkt, a.lon, a.lat, a.lonlat, {in_srid}) AS g_in,
       NULL::geometry AS geom, NULL::int AS dim, NULL::float8 AS meas
  FROM apps a;

UPDATE sites SET code = (SELECT code FROM gbt WHERE code = o_norm(ind_raw)) WHERE ind_raw <> '';

UPDATE sites SET geom = o_transform(g_in, {work_srid})
 WHERE g_in IS NOT NULL AND NOT ST_IsEmpty(g_in) AND NOT o_nonfinite(g_in)
   AND NOT ({in_geographic} AND EXISTS (SELECT 1 FROM ST_DumpPoints(g_in) d
                                        WHERE abs(ST_Y(d.geom)) > 90));

UPDATE sites SET error = CASE
    WHEN no_geom THEN 'missing geometry'
    WHEN g_in IS NULL THEN 'geometry cannot be parsed'
    WHEN ST_IsEmpty(g_in) THEN 'geometry is empty'
    WHEN o_nonfinite(g_in) THEN 'non-finite coordinate'
    WHEN geom IS NULL THEN 'cannot be transformed to the working CRS (latitude beyond +-90?)'
    WHEN o_nonfinite(geom) THEN 'non-finite coordinate after transformation'
    WHEN ind_raw = '' THEN 'missing industry code'
    WHEN code IS NULL THEN 'industry code ' || ind_raw || ' is not in GB/T 4754-2017'
  END;

-- a self-intersecting application polygon would make GEOS overlay throw; repair it
UPDATE sites SET geom = ST_MakeValid(geom) WHERE error IS NULL AND NOT ST_IsValid(geom);
UPDATE sites SET dim = ST_Dimension(geom) WHERE error IS NULL;
UPDATE sites SET meas = o_measure(geom, dim) WHERE error IS NULL;
CREATE TABLE ok AS SELECT * FROM sites WHERE error IS NULL;
CREATE INDEX ON ok USING gist (geom);
ANALYZE ok;
"""


class Oracle:
    def __init__(self, cluster, rulebook_path, applications_path, id_field="id",
                 industry_field="industry", verbose=False):
        self.c = cluster
        self.rb_path = os.path.abspath(rulebook_path)
        self.rb_dir = os.path.dirname(self.rb_path)
        with open(self.rb_path, encoding="utf-8") as fh:
            self.rb = yaml.safe_load(fh)
        self.apps_path = applications_path
        self.id_field = id_field
        self.industry_field = industry_field
        self.verbose = verbose
        self.work_srid = epsg(self.rb.get("working_crs", "EPSG:4549"))
        self.in_srid = epsg(self.rb.get("input_crs", "EPSG:4490"))
        self.atol = float(self.rb.get("area_tolerance", 0.01))
        self.ltol = float(self.rb.get("length_tolerance", 0.01))
        self.layers = {}   # name -> dict(table, key, label, type)

    def log(self, msg):
        if self.verbose:
            print(f"[oracle] {msg}", flush=True)

    def path(self, p):
        return p if os.path.isabs(p) else os.path.join(self.rb_dir, p)

    # ---------------------------------------------------------------------------------------
    def load(self):
        c = self.c
        c.sql(PRELUDE)
        # GB/T 4754-2017 table
        gbt = read_csv(GBT_CSV)
        sql = copy_sql("gbt", ["code", "num"],
                       [(r["code_with_section"].strip(), r["numeric_code"].strip() or None)
                        for r in gbt])
        # industry classes
        if self.rb.get("industry_classes"):
            ic = read_csv(self.path(self.rb["industry_classes"]))
            sql += copy_sql("iclass", ["prefix", "cls"],
                            [(r["industry"].strip(), int(r["class"])) for r in ic])
        # access-list tables
        for chk in self.rb.get("checks", []):
            if chk.get("type") == "access_list":
                rows = read_csv(self.path(chk["table"]))
                sql += copy_sql("acl", ["ord", "rule_id", "scope", "industries", "effect",
                                        "dimension"],
                                [(i, r["rule_id"].strip(), r["scope"].strip(),
                                  r.get("industries", "") or "", r["effect"].strip(),
                                  r.get("dimension", "")) for i, r in enumerate(rows)])
                break  # one table per rulebook in practice; see check_access_list
        sql += self.apps_copy()
        sql += """
CREATE INDEX ON gbt (num);
UPDATE iclass SET p = o_norm(prefix);
-- `industries` of an access-list row: ';'-separated selectors, empty = every industry
UPDATE acl SET sels = coalesce((SELECT array_agg(btrim(x)) FROM
                                unnest(string_to_array(industries, ';')) x
                                WHERE btrim(x) <> ''), '{}');
"""
        c.sql(sql)
        for i, (name, spec) in enumerate(self.rb.get("layers", {}).items()):
            self.load_layer(i, name, spec)
        c.sql(SITES_SQL.format(
            in_srid=self.in_srid, work_srid=self.work_srid,
            in_geographic=f"(SELECT proj4text LIKE '%+proj=longlat%' FROM spatial_ref_sys "
                          f"WHERE srid = {self.in_srid})"))

    def apps_copy(self):
        if not self.apps_path.lower().endswith(".csv"):
            raise SystemExit("oracle: only CSV applications are supported")
        rows = read_csv(self.apps_path)
        out = []
        for i, r in enumerate(rows):
            cols = {k.strip(): v for k, v in r.items() if k is not None}
            lonlat = "wkt" not in cols and "lon" in cols and "lat" in cols
            out.append((i, cols.get(self.id_field, ""), cols.get(self.industry_field),
                        json.dumps(cols, ensure_ascii=False), cols.get("wkt"),
                        cols.get("lon"), cols.get("lat"), "t" if lonlat else "f"))
        self.n_apps = len(out)
        return copy_sql("apps", ["ord", "site_id", "industry", "attrs", "wkt", "lon", "lat",
                                 "lonlat"], out)

    def load_layer(self, i, name, spec):
        table = "lyr_%d_%s" % (i, re.sub(r"\W", "_", name.lower()))
        argv = ["ogr2ogr", "-f", "PostgreSQL", self.c.ogr_conn(), self.path(spec["source"])]
        if spec.get("layer"):
            argv.append(spec["layer"])
        # Geometries are loaded in their own CRS and reprojected by PostGIS below (ST_Transform,
        # PROJ), so GDAL's coordinate transformation is not part of the oracle; a layer already
        # in the working CRS is copied bit for bit (binary COPY of the WKB).
        argv += ["-nln", table, "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=oracle_fid",
                 "-lco", "LAUNDER=NO", "-preserve_fid", "-nlt", "GEOMETRY", "-q"]
        t = time.time()
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"ogr2ogr failed for layer {name}: {p.stderr}")
        key = spec.get("key")
        info = dict(
            table=table,
            key=f"{ident(key)}::text" if key else "oracle_fid::text",
            label=f"{ident(spec['label'])}::text" if spec.get("label") else "NULL::text",
            type=f"{ident(spec['type'])}::text" if spec.get("type") else "NULL::text")
        self.layers[name] = info
        w = self.work_srid
        # reproject; repair invalid polygons and keep their polygonal parts
        out = self.c.sql(f"""
            ALTER TABLE {table} ALTER COLUMN geom TYPE geometry USING
              CASE WHEN ST_SRID(geom) = {w} THEN geom ELSE ST_Transform(geom, {w}) END;
            SELECT count(*) FROM {table} WHERE NOT ST_IsValid(geom);
            UPDATE {table} SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))
             WHERE ST_Dimension(geom) = 2 AND NOT ST_IsValid(geom);
            SELECT count(*), min(ST_SRID(geom)), max(ST_SRID(geom)) FROM {table};
            CREATE INDEX ON {table} USING gist (geom);
            ANALYZE {table};""", capture=True)
        nbad, stats = out.split()[0], out.split()[1]
        self.log(f"layer {name}: {spec.get('layer', '')} -> {table} "
                 f"(count|srid: {stats}; repaired {nbad} invalid) in {time.time() - t:.2f} s")

    # ---------------------------------------------------------------------------------------
    def feats(self, layer, where=None):
        L = self.layers[layer]
        w = f"WHERE ({where})" if where else ""
        return (f"(SELECT {L['key']} AS key, {L['label']} AS label, {L['type']} AS utype, geom "
                f"FROM {L['table']} {w})")

    def tols(self, chk):
        return (float(chk.get("area_tolerance", self.atol)),
                float(chk.get("length_tolerance", self.ltol)))

    @staticmethod
    def ind_filter(chk, code="s.code"):
        sels = chk.get("industries")
        if not sels:
            return "true"
        return f"o_match({code}, {arr(sels)})"

    def outcome(self, chk, default="FAIL"):
        return lit(str(chk.get("outcome", default)).upper())

    def check_overlap(self, chk):
        atol, ltol = self.tols(chk)
        return f"""
INSERT INTO findings
SELECT s.ord, s.site_id, {lit(chk['id'])}, {lit(chk['id'])}, 'overlap', {self.outcome(chk)},
       {lit(chk['layer'])}, f.key,
       CASE s.dim WHEN 0 THEN 'intersects' WHEN 1 THEN 'overlap_length' ELSE 'overlap_area' END,
       m.v, NULL, m.v / nullif(s.meas, 0) * 100
  FROM ok s JOIN {self.feats(chk['layer'], chk.get('where'))} f
    ON s.geom && f.geom AND ST_Intersects(s.geom, f.geom)
 CROSS JOIN LATERAL (SELECT o_ovm(s.geom, s.dim, f.geom) AS v) m
 WHERE {self.ind_filter(chk)}
   AND (s.dim = 0 OR (s.dim = 1 AND m.v > {ltol!r}) OR (s.dim = 2 AND m.v > {atol!r}));"""

    def check_setback(self, chk):
        dist = chk.get("distance", {})
        if not isinstance(dist, dict):
            dist = {"default": dist}
        default = float(dist.get("default", 0) or 0)
        sels = [(str(k), float(v)) for k, v in dist.items() if str(k) != "default"]
        values = ",".join(f"({lit(k)}, {v!r})" for k, v in sels) or "(NULL::text, NULL::float8)"
        return f"""
INSERT INTO findings
SELECT s.ord, s.site_id, {lit(chk['id'])}, {lit(chk['id'])}, 'setback', {self.outcome(chk)},
       {lit(chk['layer'])}, f.key, 'distance', ST_Distance(s.geom, f.geom), t.thr, NULL
  FROM ok s
 CROSS JOIN LATERAL (
   SELECT coalesce((SELECT d FROM (VALUES {values}) v(sel, d)
                     WHERE sel IS NOT NULL AND o_sel(s.code, sel)
                     ORDER BY o_sel_rank(s.code, sel) DESC LIMIT 1), {default!r}) AS thr) t
  JOIN {self.feats(chk['layer'], chk.get('where'))} f
    ON ST_DWithin(s.geom, f.geom, t.thr)
 WHERE {self.ind_filter(chk)} AND t.thr > 0 AND ST_Distance(s.geom, f.geom) < t.thr;"""

    def check_access_list(self, chk):
        atol, ltol = self.tols(chk)
        effect = "CASE lower(a.effect) WHEN 'prohibit' THEN 'FAIL' WHEN 'restrict' " \
                 "THEN 'CONDITIONAL' WHEN 'allow' THEN 'INFO' END"
        return f"""
WITH hit AS MATERIALIZED (
  SELECT s.ord, s.site_id, s.code, s.dim, s.meas, u.key, u.utype, m.v
    FROM ok s JOIN {self.feats(chk['layer'], chk.get('where'))} u
      ON s.geom && u.geom AND ST_Intersects(s.geom, u.geom)
   CROSS JOIN LATERAL (SELECT o_ovm(s.geom, s.dim, u.geom) AS v) m
   WHERE {self.ind_filter(chk)}
     AND (s.dim = 0 OR (s.dim = 1 AND m.v > {ltol!r}) OR (s.dim = 2 AND m.v > {atol!r})))
INSERT INTO findings
SELECT h.ord, h.site_id, {lit(chk['id'])}, a.rule_id, 'access_list', {effect},
       {lit(chk['layer'])}, h.key,
       CASE h.dim WHEN 0 THEN 'intersects' WHEN 1 THEN 'overlap_length' ELSE 'overlap_area' END,
       h.v, NULL, h.v / nullif(h.meas, 0) * 100
  FROM hit h JOIN acl a ON (a.scope = '*' OR a.scope = h.key OR a.scope = h.utype)
 WHERE a.sels = '{{}}'::text[] OR o_match(h.code, a.sels);"""

    def check_capacity(self, chk):
        atol, ltol = self.tols(chk)
        zones, points = chk["zones"], chk["points"]
        Z, P = self.layers[zones], self.layers[points]
        cap, load, attr = ident(chk["cap_field"]), ident(chk["load_field"]), chk["attr"]
        return f"""
INSERT INTO findings
SELECT s.ord, s.site_id, {lit(chk['id'])}, {lit(chk['id'])}, 'capacity', 'INCOMPLETE',
       '', '', 'missing_input', NULL, NULL, NULL
  FROM ok s WHERE {self.ind_filter(chk)} AND o_num(s.attrs ->> {lit(attr)}) IS NULL;

WITH z AS MATERIALIZED (
  SELECT z.key, z.cap, z.geom,
         (SELECT coalesce(sum(({load})::float8), 0) FROM {P['table']} p
           WHERE p.geom && z.geom AND ST_Intersects(p.geom, z.geom)) AS existing
    FROM (SELECT {Z['key']} AS key, ({cap})::float8 AS cap, geom FROM {Z['table']}
          {('WHERE (' + chk['where'] + ')') if chk.get('where') else ''}) z)
INSERT INTO findings
SELECT s.ord, s.site_id, {lit(chk['id'])}, {lit(chk['id'])}, 'capacity', {self.outcome(chk)},
       {lit(zones)}, z.key, 'load', z.existing + o_num(s.attrs ->> {lit(attr)}), z.cap, NULL
  FROM ok s JOIN z ON o_overlaps(s.geom, s.dim, z.geom, {atol!r}, {ltol!r})
 WHERE {self.ind_filter(chk)} AND o_num(s.attrs ->> {lit(attr)}) IS NOT NULL
   AND z.cap IS NOT NULL
   AND z.existing + o_num(s.attrs ->> {lit(attr)}) > z.cap + 1e-9;  -- over by more than float noise"""

    def within_sql(self, rule_id, check_id, ctype, outcome, layer, feats, atol, ltol, filt):
        """SPEC §4 "within a layer": point intersects a feature; line/polygon: site minus the
        union of the features it overlaps is no longer/larger than the tolerance."""
        return f"""
INSERT INTO findings
SELECT s.ord, s.site_id, {lit(check_id)}, {lit(rule_id)}, {lit(ctype)}, {outcome},
       {lit(layer)}, '',
       CASE s.dim WHEN 0 THEN 'outside' WHEN 1 THEN 'outside_length' ELSE 'outside_area' END,
       o.v, NULL, CASE WHEN s.dim = 0 THEN 100.0 ELSE o.v / nullif(s.meas, 0) * 100 END
  FROM ok s
 CROSS JOIN LATERAL (
   SELECT CASE WHEN s.dim = 0 THEN NULL
               ELSE o_measure(coalesce(ST_Difference(s.geom, (
                      SELECT ST_Union(f.geom) FROM {feats} f
                       WHERE o_overlaps(s.geom, s.dim, f.geom, {atol!r}, {ltol!r}))), s.geom),
                    s.dim) END AS v,
          CASE WHEN s.dim = 0 THEN EXISTS (SELECT 1 FROM {feats} f
                                        WHERE s.geom && f.geom AND ST_Intersects(s.geom, f.geom))
               END AS pt_in) o
 WHERE {filt}
   AND CASE s.dim WHEN 0 THEN NOT o.pt_in
                  WHEN 1 THEN o.v > {ltol!r}
                  ELSE o.v > {atol!r} END;"""

    def check_require_within(self, chk):
        atol, ltol = self.tols(chk)
        return self.within_sql(chk["id"], chk["id"], "require_within", self.outcome(chk),
                               chk["layer"], self.feats(chk["layer"], chk.get("where")),
                               atol, ltol, self.ind_filter(chk))

    def coverage(self):
        layer = self.rb["coverage"]
        return self.within_sql("COVERAGE", "COVERAGE", "coverage", "'INCOMPLETE'", layer,
                               self.feats(layer), self.atol, self.ltol, "true")

    def exceptions_sql(self, chk):
        exc = chk.get("exceptions") or []
        if not exc:
            return ""
        whens = []
        for e in exc:
            cond = f"o_match(s.code, {arr(e['industries'])})" if e.get("industries") else "true"
            whens.append(f"WHEN {cond} THEN {lit(str(e.get('outcome', 'FAIL')).upper())}")
        return f"""
UPDATE findings f SET outcome = CASE {' '.join(whens)} ELSE f.outcome END
  FROM ok s WHERE s.ord = f.ord AND f.check_id = {lit(chk['id'])};"""

    def run_checks(self):
        sql = []
        acl_seen = False
        for chk in self.rb.get("checks", []):
            t = chk["type"]
            if t == "eia_category":
                # SPEC §6.2, not a §4 predicate: an INFO finding that never changes a verdict,
                # tested by tests/unit/test_eia_check.cpp; compare.py leaves its findings out.
                continue
            if t == "access_list":
                if acl_seen:
                    raise SystemExit("oracle: only one access_list check is supported")
                acl_seen = True
            fn = getattr(self, "check_" + t, None)
            if fn is None:
                raise SystemExit(f"oracle: check type {t!r} not implemented")
            sql.append((chk["id"], f"-- {chk['id']} ({t})\n" + fn(chk) +
                        self.exceptions_sql(chk)))
        if self.rb.get("coverage"):
            sql.append(("COVERAGE", "-- coverage\n" + self.coverage()))
        self.sql_text = "\n".join(text for _, text in sql)
        for cid, text in sql:
            t0 = time.time()
            self.c.sql(text)
            self.log(f"check {cid}: {time.time() - t0:.2f} s")

    def results(self):
        out = self.c.sql("""
SELECT coalesce(json_agg(r ORDER BY r.index), '[]'::json) FROM (
  SELECT s.ord AS index, s.site_id, s.code AS industry_code, s.error,
         CASE WHEN s.error IS NOT NULL THEN 'ERROR'
              WHEN bool_or(f.outcome = 'FAIL') THEN 'FAIL'
              WHEN bool_or(f.outcome = 'INCOMPLETE') THEN 'INCOMPLETE'
              WHEN bool_or(f.outcome = 'CONDITIONAL') THEN 'CONDITIONAL'
              ELSE 'PASS' END AS verdict,
         coalesce(json_agg(json_build_object(
             'rule_id', f.rule_id, 'check_type', f.check_type, 'outcome', f.outcome,
             'layer', f.layer, 'feature_key', f.feature_key, 'measure', f.measure,
             'value', f.value, 'threshold', f.threshold, 'share_pct', f.share_pct)
             ORDER BY f.rule_id, f.feature_key) FILTER (WHERE f.ord IS NOT NULL),
           '[]'::json) AS findings
    FROM sites s LEFT JOIN findings f ON f.ord = s.ord
   GROUP BY s.ord, s.site_id, s.code, s.error) r;""", capture=True)
        return json.loads(out)

    def run(self):
        t = time.time()
        self.load()
        self.log(f"loaded {self.n_apps} applications and {len(self.layers)} layers "
                 f"in {time.time() - t:.2f} s")
        t = time.time()
        self.run_checks()
        res = self.results()
        self.log(f"checks in {time.time() - t:.2f} s")
        return res


def run_oracle(rulebook, applications, verbose=False, keep=False, dump_sql=None):
    with pgcluster.Cluster(verbose=verbose, keep=keep) as c:
        o = Oracle(c, rulebook, applications, verbose=verbose)
        res = o.run()
        if dump_sql:
            with open(dump_sql, "w", encoding="utf-8") as fh:
                fh.write(PRELUDE + "\n" + o.sql_text + "\n")
        return res


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rulebook")
    ap.add_argument("applications")
    ap.add_argument("--json", required=True, help="write the oracle's results here")
    ap.add_argument("--keep", action="store_true", help="leave the cluster running")
    ap.add_argument("--dump-sql", help="write the generated check SQL here")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    try:
        res = run_oracle(a.rulebook, a.applications, a.verbose, a.keep, a.dump_sql)
    except pgcluster.ClusterUnavailable as e:
        print(f"oracle: {e}", file=sys.stderr)
        return 77 if os.environ.get("REDLINE_SKIP_POSTGIS") == "1" else 1
    with open(a.json, "w", encoding="utf-8") as fh:
        json.dump(res, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except pgcluster.Terminated:
        print("terminated (SIGTERM); the PostgreSQL cluster was removed", file=sys.stderr)
        sys.exit(143)
