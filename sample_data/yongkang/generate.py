#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Deterministic generator of the redline sample dataset for 永康市 (Yongkang, Zhejiang).

Run from anywhere:

    /usr/bin/python3 sample_data/yongkang/generate.py

Reads only ``source/`` next to this file (real public inputs, see source/SOURCES.md) and
(re)writes yongkang.gpkg, industry_classes.csv, access_list.csv, rulebook.yaml,
applications.csv and applications_scenarios.csv in this folder.

``--extract-from /work/shared/data`` refreshes source/ from the shared reference data first.

Needs only Debian's python3-gdal (osgeo) and python3-numpy. Everything except the county
outline, the township names/codes and the town/village centre points is SYNTHETIC.
"""
import csv
import json
import math
import os
import random
import shutil
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()
gdal.SetConfigOption('OGR_CURRENT_DATE', '2024-06-30T00:00:00.000Z')   # reproducible gpkg bytes

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, 'source')
GPKG = os.path.join(HERE, 'yongkang.gpkg')
SEED = 20240784
COUNTY_CODE = '330784'
COUNTY_NAME = '永康市'

# --------------------------------------------------------------------------------------------
# 0. source extraction (only with --extract-from)
# --------------------------------------------------------------------------------------------


def extract_sources(shared):
    """Copy the Yongkang subset of the shared reference data into source/."""
    os.makedirs(SRC, exist_ok=True)
    zj = os.path.join(shared, 'zhejiang')
    fences = json.load(open(os.path.join(zj, 'zhejiang_all_fences_gcj02.geojson'), encoding='utf-8'))
    feats = [f for f in fences['features'] if str(f['properties'].get('adcode')) == COUNTY_CODE]
    assert len(feats) == 1, feats
    out = {'type': 'FeatureCollection', 'name': 'yongkang_county_gcj02',
           'crs_note': 'GCJ-02 (AMap obfuscated datum), NOT WGS84/CGCS2000',
           'source': 'github.com/Vonng/adcode (CC BY 4.0), zhejiang_all_fences_gcj02.geojson, adcode 330784',
           'features': feats}
    with open(os.path.join(SRC, 'yongkang_county_gcj02.geojson'), 'w', encoding='utf-8') as fh:
        json.dump(out, fh, ensure_ascii=False)
    pts = json.load(open(os.path.join(zj, 'zhejiang_town_village_points_gcj02.geojson'), encoding='utf-8'))
    pf = [f for f in pts['features'] if f['properties'].get('adcode') == COUNTY_CODE]
    out = {'type': 'FeatureCollection', 'name': 'yongkang_town_village_points_gcj02',
           'crs_note': 'GCJ-02 (AMap obfuscated datum), NOT WGS84/CGCS2000',
           'source': 'github.com/Vonng/adcode (CC BY 4.0), zhejiang_town_village_points_gcj02.geojson, adcode 330784',
           'features': pf}
    with open(os.path.join(SRC, 'yongkang_town_village_points_gcj02.geojson'), 'w', encoding='utf-8') as fh:
        json.dump(out, fh, ensure_ascii=False, indent=0)
    with open(os.path.join(zj, 'townships_2023.csv'), encoding='utf-8') as fh:
        rows = list(csv.reader(fh))
    with open(os.path.join(SRC, 'townships_2023_yongkang.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(rows[0])
        for r in rows[1:]:
            if r[2] == COUNTY_CODE:
                w.writerow(r)
    shutil.copyfile(os.path.join(zj, 'LICENSE-adcode.md'), os.path.join(SRC, 'LICENSE-adcode.md'))
    shutil.copyfile(os.path.join(shared, 'reference', 'gbt4754_2017.csv'),
                    os.path.join(SRC, 'gbt4754_2017.csv'))
    print('source/ refreshed from', shared)


# --------------------------------------------------------------------------------------------
# 1. GCJ-02 -> WGS84 (public formula, inverted by fixed-point iteration)
# --------------------------------------------------------------------------------------------
_A = 6378245.0
_EE = 0.00669342162296594323


def _tlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs_to_gcj(lon, lat):
    dlat = _tlat(lon - 105.0, lat - 35.0)
    dlon = _tlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _EE * magic * magic
    sq = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sq) * math.pi)
    dlon = (dlon * 180.0) / (_A / sq * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


GCJ_MAX_RESIDUAL = [0.0]


def gcj_to_wgs(lon, lat, tol=1e-12, maxit=50):
    """Invert wgs_to_gcj: w <- w - (F(w) - g) until |F(w) - g| < tol degrees."""
    wx, wy = lon - (wgs_to_gcj(lon, lat)[0] - lon), lat - (wgs_to_gcj(lon, lat)[1] - lat)
    res = 1.0
    for _ in range(maxit):
        fx, fy = wgs_to_gcj(wx, wy)
        ex, ey = fx - lon, fy - lat
        res = max(abs(ex), abs(ey))
        if res < tol:
            break
        wx -= ex
        wy -= ey
    assert res < 1e-9, (lon, lat, res)
    GCJ_MAX_RESIDUAL[0] = max(GCJ_MAX_RESIDUAL[0], res)
    return wx, wy


# --------------------------------------------------------------------------------------------
# 2. CRS helpers
# --------------------------------------------------------------------------------------------


def srs_epsg(code):
    s = osr.SpatialReference()
    s.ImportFromEPSG(code)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


SRS_GEO = srs_epsg(4490)     # CGCS2000 geographic
SRS_PRJ = srs_epsg(4549)     # CGCS2000 / 3-degree GK CM 120E
TO_PRJ = osr.CoordinateTransformation(SRS_GEO, SRS_PRJ)
TO_GEO = osr.CoordinateTransformation(SRS_PRJ, SRS_GEO)


def ll2xy(lon, lat):
    x, y, _ = TO_PRJ.TransformPoint(lon, lat)
    return x, y


def xy2ll(x, y):
    lon, lat, _ = TO_GEO.TransformPoint(x, y)
    return lon, lat


def gcj2xy(lon, lat):
    return ll2xy(*gcj_to_wgs(lon, lat))


# --------------------------------------------------------------------------------------------
# 3. geometry helpers (all in EPSG:4549 metres)
# --------------------------------------------------------------------------------------------


def ring_wkt(pts):
    pts = list(pts)
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    return '(' + ','.join('%.3f %.3f' % (x, y) for x, y in pts) + ')'


def poly(pts, holes=()):
    return ogr.CreateGeometryFromWkt('POLYGON(' + ','.join([ring_wkt(pts)] + [ring_wkt(h) for h in holes]) + ')')


def point(x, y):
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(x, y)
    return g


def blob(cx, cy, r, rng, irregular=0.25, n=72, harmonics=5, stretch=(1.0, 1.0), rot=0.0):
    """Star-shaped irregular polygon (always valid) around (cx, cy) with mean radius r."""
    amps = [rng.uniform(0, irregular) / (k ** 0.8) for k in range(1, harmonics + 1)]
    phs = [rng.uniform(0, 2 * math.pi) for _ in range(harmonics)]
    pts = []
    ca, sa = math.cos(rot), math.sin(rot)
    for i in range(n):
        t = 2 * math.pi * i / n
        f = 1.0 + sum(a * math.sin((k + 1) * t + p) for k, (a, p) in enumerate(zip(amps, phs)))
        f = max(f, 0.35)
        dx, dy = r * f * math.cos(t) * stretch[0], r * f * math.sin(t) * stretch[1]
        pts.append((cx + dx * ca - dy * sa, cy + dx * sa + dy * ca))
    return poly(pts)


def clean(g):
    """Return only the polygonal part of g as Polygon/MultiPolygon, made valid."""
    if g is None or g.IsEmpty():
        return ogr.Geometry(ogr.wkbMultiPolygon)
    if not g.IsValid():
        g = g.MakeValid()
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        return g
    out = ogr.Geometry(ogr.wkbMultiPolygon)
    if t == ogr.wkbGeometryCollection:
        for i in range(g.GetGeometryCount()):
            s = clean(g.GetGeometryRef(i))
            if ogr.GT_Flatten(s.GetGeometryType()) == ogr.wkbPolygon:
                out.AddGeometry(s)
            else:
                for j in range(s.GetGeometryCount()):
                    out.AddGeometry(s.GetGeometryRef(j))
    return out


def parts(g):
    g = clean(g)
    if ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbPolygon:
        return [g.Clone()]
    return [g.GetGeometryRef(i).Clone() for i in range(g.GetGeometryCount())]


def drop_small_parts(g, min_area):
    ps = [p for p in parts(g) if p.GetArea() >= min_area]
    return multi(ps)


def multi(ps):
    if len(ps) == 1:
        return ps[0]
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in ps:
        for q in parts(p):
            m.AddGeometry(q)
    return m


def union_all(gs):
    gc = ogr.Geometry(ogr.wkbMultiPolygon)
    for g in gs:
        for p in parts(g):
            gc.AddGeometry(p)
    return clean(gc.UnionCascaded())


def as_single_or_multi(g):
    g = clean(g)
    ps = parts(g)
    return multi(ps)


def partition(domain, pieces):
    """Split domain into len(pieces) disjoint parts that exactly tile it.

    pieces is a list of polygons (may overlap each other / leave gaps); piece i gets
    domain ∩ piece_i minus everything already assigned; the LAST piece gets whatever remains
    (its polygon is ignored).  Using the same geometry for the intersection and the difference
    keeps the tiling exact up to GEOS noding.
    """
    rest = domain.Clone()
    out = []
    for i, p in enumerate(pieces):
        if i == len(pieces) - 1:
            out.append(clean(rest))
            break
        a = clean(rest.Intersection(p))
        rest = clean(rest.Difference(p))
        out.append(a)
    return out


def halfplane(px, py, qx, qy, R=1e6):
    """Big polygon of points closer to p than to q."""
    mx, my = (px + qx) / 2, (py + qy) / 2
    dx, dy = qx - px, qy - py
    L = math.hypot(dx, dy)
    ux, uy = dx / L, dy / L          # towards q
    vx, vy = -uy, ux                 # along the bisector
    a = (mx + vx * R, my + vy * R)
    b = (mx - vx * R, my - vy * R)
    c = (b[0] - ux * R, b[1] - uy * R)
    d = (a[0] - ux * R, a[1] - uy * R)
    return poly([a, b, c, d])


def voronoi_cells(seeds, box):
    cells = []
    for i, (px, py) in enumerate(seeds):
        c = box.Clone()
        for j, (qx, qy) in enumerate(seeds):
            if i != j:
                c = c.Intersection(halfplane(px, py, qx, qy))
        cells.append(c)
    return cells


# --------------------------------------------------------------------------------------------
# 4. real inputs
# --------------------------------------------------------------------------------------------


def load_county():
    d = json.load(open(os.path.join(SRC, 'yongkang_county_gcj02.geojson'), encoding='utf-8'))
    f = d['features'][0]
    assert f['properties']['adcode'] == COUNTY_CODE
    geom = f['geometry']
    polys = [geom['coordinates']] if geom['type'] == 'Polygon' else geom['coordinates']
    out = []
    for p in polys:
        rings = [[gcj2xy(lon, lat) for lon, lat in ring] for ring in p]
        out.append(poly(rings[0][:-1], [r[:-1] for r in rings[1:]]))
    g = multi(out)
    if not g.IsValid():
        g = clean(g.MakeValid())
    return g


def load_townships():
    with open(os.path.join(SRC, 'townships_2023_yongkang.csv'), encoding='utf-8') as fh:
        rows = [r for r in csv.DictReader(fh)]
    assert len(rows) == 14
    return [(r['code'], r['name']) for r in rows]


def load_points():
    d = json.load(open(os.path.join(SRC, 'yongkang_town_village_points_gcj02.geojson'), encoding='utf-8'))
    towns, villages = {}, {}
    for f in d['features']:
        p = f['properties']
        lon, lat = f['geometry']['coordinates']
        xy = gcj2xy(lon, lat)
        if p['level'] == 'town':
            towns[p['town']] = xy
        else:
            villages.setdefault(p['town'], []).append((p['village'], xy))
    return towns, villages


# --------------------------------------------------------------------------------------------
# 5. townships: Voronoi of the real town (and, for the three 街道, community) points
# --------------------------------------------------------------------------------------------
URBAN = ('东城街道', '西城街道', '江南街道')


def build_townships(county, towns, villages, tship_rows):
    seeds, owner = [], []
    centres = {}
    for code, name in tship_rows:
        pts = []
        if name in towns:
            pts.append(towns[name])
        if name in URBAN:
            # the two missing 街道 centres are synthesised as the mean of their 社区 points
            vs = [xy for vname, xy in villages.get(name, [])]
            if name not in towns:
                comm = [xy for vname, xy in villages.get(name, []) if '社区' in vname]
                centres[name] = (sum(p[0] for p in comm) / len(comm), sum(p[1] for p in comm) / len(comm))
                pts.append(centres[name])
            pts.extend(vs)
        else:
            assert name in towns, name
        if name in towns:
            centres[name] = towns[name]
        for p in pts:
            seeds.append(p)
            owner.append(name)
    minx, maxx, miny, maxy = county.GetEnvelope()
    box = poly([(minx - 5e3, miny - 5e3), (maxx + 5e3, miny - 5e3), (maxx + 5e3, maxy + 5e3), (minx - 5e3, maxy + 5e3)])
    cells = voronoi_cells(seeds, box)
    pieces = []
    for code, name in tship_rows:
        mine = [c.Buffer(0.001, 1) for c, o in zip(cells, owner) if o == name]
        pieces.append(union_all(mine))
    tiles = partition(county, pieces)
    return tiles, centres


def absorb_fragments(tiles, keep=None, max_frag=2e6):
    """Move every non-largest part (< max_frag m²) of a tile into the neighbour tile with which
    it shares the longest boundary.  The tiling stays exact (pieces are only moved).
    keep: optional list of booleans - tiles that may stay multi-part."""
    tiles = [clean(t) for t in tiles]
    changed = True
    while changed:
        changed = False
        for i, t in enumerate(tiles):
            if keep and keep[i]:
                continue
            ps = sorted(parts(t), key=lambda p: -p.GetArea())
            if len(ps) < 2:
                continue
            for frag in ps[1:]:
                if frag.GetArea() > max_frag:
                    continue
                fb = frag.Buffer(0.05, 1)
                best, bl = None, 0.0
                for j, o in enumerate(tiles):
                    if j == i:
                        continue
                    s = fb.Intersection(o).GetArea() if fb.Intersects(o) else 0.0
                    if s > bl:
                        best, bl = j, s
                if best is None:
                    continue
                tiles[best] = clean(tiles[best].Union(frag))
                tiles[i] = clean(tiles[i].Difference(frag))
                changed = True
    return [as_single_or_multi(t) for t in tiles]


# --------------------------------------------------------------------------------------------
# 6. writing
# --------------------------------------------------------------------------------------------


def write_layer(ds, name, srs, gtype, fields, rows, description=None):
    """rows: list of (dict attrs, ogr.Geometry | wkt string)."""
    opts = ['GEOMETRY_NAME=geom', 'FID=fid', 'SPATIAL_INDEX=YES']
    if description:
        opts.append('DESCRIPTION=' + description)
    lyr = ds.CreateLayer(name, srs, gtype, options=opts)
    for fname, ftype in fields:
        fd = ogr.FieldDefn(fname, ftype)
        lyr.CreateField(fd)
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    for attrs, g in rows:
        f = ogr.Feature(defn)
        for k, v in attrs.items():
            if v is not None:
                f.SetField(k, v)
        if isinstance(g, str):
            g = ogr.CreateGeometryFromWkt(g)
        if gtype == ogr.wkbMultiPolygon and ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbPolygon:
            g = ogr.ForceToMultiPolygon(g)
        f.SetGeometry(g)
        lyr.CreateFeature(f)
    lyr.CommitTransaction()
    return lyr


# --------------------------------------------------------------------------------------------
# 7. synthetic zoning layers
# --------------------------------------------------------------------------------------------
KM = 1000.0


def K(x, y):
    return x * KM, y * KM


def build_water(county, rng):
    """Nested water-source protection zones (一级 ⊂ hole of 二级 ⊂ hole of 准保护区)."""
    specs = [
        # id prefix, reservoir name, centre km, reservoir radius, stretch, rot, r2, r3
        ('YX', '杨溪水库', (505.2, 3211.0), 850, (1.7, 0.6), 0.55, 2500, 4000),
        ('TP', '太平水库', (505.6, 3188.9), 520, (1.5, 0.7), -0.4, 1700, 2900),
        ('SD', '三渡溪水库', (520.3, 3193.3), 380, (1.6, 0.6), 1.1, 1300, None),
    ]
    zones = []
    reservoirs = {}
    for pid, rname, (cx, cy), rr, st, rot, r2, r3 in specs:
        x, y = K(cx, cy)
        res = blob(x, y, rr, rng, irregular=0.35, n=96, harmonics=7, stretch=st, rot=rot)
        reservoirs[pid] = res
        z1 = clean(res.Buffer(200, 8).Intersection(county))
        b2 = union_all([blob(x, y, r2, rng, irregular=0.3, n=96, harmonics=6), z1.Buffer(350, 8)])
        b2 = clean(b2.Intersection(county))
        z2 = clean(b2.Difference(z1))
        assert z1.GetArea() > 2e5 and z2.GetArea() > 1e6, pid
        zones.append(({'zone_id': 'SY-%s-1' % pid, 'name': '%s饮用水水源一级保护区' % rname, 'level': '一级',
                       'source_name': rname, 'area_km2': None}, z1))
        zones.append(({'zone_id': 'SY-%s-2' % pid, 'name': '%s饮用水水源二级保护区' % rname, 'level': '二级',
                       'source_name': rname, 'area_km2': None}, z2))
        if r3:
            b3 = union_all([blob(x, y, r3, rng, irregular=0.25, n=96, harmonics=5), b2.Buffer(400, 8)])
            z3 = clean(clean(b3.Intersection(county)).Difference(b2))
            assert z3.GetArea() > 1e6
            zones.append(({'zone_id': 'SY-%s-3' % pid, 'name': '%s饮用水水源准保护区' % rname, 'level': '准保护区',
                           'source_name': rname, 'area_km2': None}, z3))
    return zones, reservoirs


PARK_SPECS = [
    # park_id, name, level, centre km, r, stretch, rot
    ('YP-KF', '永康经济开发区', '省级开发区', (506.9, 3195.5), 1150, (1.6, 0.8), 0.25),
    ('YP-KF-BM', '永康经济开发区表面处理集聚区', '专业园区', (507.5, 3195.35), 330, (1.3, 0.8), 0.2),
    ('YP-GX-1', '永康现代农业装备高新区（一期）', '省级高新区', (504.6, 3201.9), 1000, (1.5, 0.9), -0.2),
    ('YP-GX-2', '永康现代农业装备高新区（二期）', '省级高新区', None, None, None, None),
    ('YP-GS', '古山镇小微企业园', '小微企业园', (513.3, 3206.9), 450, (1.3, 0.8), 0.6),
    ('YP-ZY', '芝英五金小微园', '小微企业园', (511.9, 3200.9), 520, (1.4, 0.8), -0.5),
    ('YP-XZ', '象珠镇工业功能区', '工业功能区', (508.6, 3205.0), 520, (1.3, 0.9), 0.1),
    ('YP-SZ', '石柱镇小微企业园', '小微企业园', (509.9, 3191.7), 450, (1.2, 0.9), 0.9),
    ('YP-HJ', '花街镇工业功能区', '工业功能区', (497.7, 3199.6), 480, (1.3, 0.8), 0.3),
    ('YP-LS', '龙山镇小微企业园', '小微企业园', (518.8, 3211.0), 420, (1.2, 0.9), -0.7),
]


def build_parks(county, rng):
    out = []
    for pid, name, lvl, c, r, st, rot in PARK_SPECS:
        if pid == 'YP-GX-2':
            continue
        x, y = K(*c)
        g = blob(x, y, r, rng, irregular=0.22, n=64, harmonics=4, stretch=st, rot=rot)
        g = clean(g.Intersection(county))
        if pid == 'YP-GX-1':
            # split the 高新区 into two phases that share a boundary (一期 west, 二期 east)
            cut = poly([(x, y - 5e3), (x + 5e3, y - 5e3), (x + 5e3, y + 5e3), (x, y + 5e3)])
            east = clean(g.Intersection(cut))
            west = clean(g.Difference(cut))
            out.append(({'park_id': 'YP-GX-1', 'name': PARK_SPECS[2][1], 'park_level': '省级高新区'}, west))
            out.append(({'park_id': 'YP-GX-2', 'name': PARK_SPECS[3][1], 'park_level': '省级高新区'}, east))
            continue
        out.append(({'park_id': pid, 'name': name, 'park_level': lvl}, g))
    return out


HILL_NAMES = ['大寒尖', '太婆山', '石鼓寮', '五指岩', '铜山', '白云山', '马鞍山', '黄岩尖', '狮子岩',
              '金畈山', '雪峰山', '石城山', '棠溪岭', '黄坛尖', '高山头', '龙门山', '鹰嘴岩', '紫霄山',
              '青云峰', '岩坑岭']


def bowtie(x, y, w, h):
    """Self-intersecting 'bow-tie' ring (deliberately INVALID)."""
    return ogr.CreateGeometryFromWkt(
        'POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))' % (
            x - w / 2, y - h / 2, x + w / 2, y + h / 2, x + w / 2, y - h / 2, x - w / 2, y + h / 2,
            x - w / 2, y - h / 2))


def nearest_town(x, y, centres):
    return min(centres, key=lambda n: (centres[n][0] - x) ** 2 + (centres[n][1] - y) ** 2)


def direction(x, y, cx=502600.0, cy=3197700.0):
    a = math.degrees(math.atan2(y - cy, x - cx)) % 360
    return ['东部', '北部', '西部', '南部'][int(((a + 45) % 360) // 90)]


def build_redlines(county, water_res, water, parks, centres, rng):
    """Ecological protection red lines: named hills + reservoir catchments + edge hills."""
    rl = []   # (attrs, geom, group)
    # 1. 方岩 scenic hills (with a hole: the 方岩 village enclave)
    x, y = K(518.3, 3205.1)
    fy = blob(x, y, 1500, rng, irregular=0.3, n=96, harmonics=6, stretch=(1.2, 0.9))
    hole = blob(x - 250, y + 100, 280, rng, irregular=0.2, n=32)
    fy = clean(fy.Difference(hole).Intersection(county))
    rl.append(({'name': '方岩山地水土保持生态保护红线', 'rl_type': '水土保持'}, fy, '方岩'))
    # 2. 杨溪水库 catchment: two lobes -> one MULTIPOLYGON feature
    x, y = K(505.2, 3211.0)
    lobe_w = blob(x - 2700, y + 1400, 1300, rng, irregular=0.3, n=80, harmonics=5)
    lobe_e = blob(x + 2700, y + 900, 1100, rng, irregular=0.3, n=80, harmonics=5)
    yx = clean(union_all([lobe_w, lobe_e]).Difference(water_res['YX'].Buffer(200, 8)).Intersection(county))
    assert len(parts(yx)) >= 2
    rl.append(({'name': '杨溪水库水源涵养生态保护红线', 'rl_type': '水源涵养'}, yx, '杨溪'))
    # 3. 太平水库 catchment hills
    x, y = K(505.6, 3188.9)
    tp = blob(x - 1600, y - 900, 1000, rng, irregular=0.3, n=80, harmonics=5)
    tp = clean(tp.Difference(water_res['TP'].Buffer(200, 8)).Intersection(county))
    rl.append(({'name': '太平水库水源涵养生态保护红线', 'rl_type': '水源涵养'}, tp, '太平'))
    # 4. forested hills along the county edge
    avoid = union_all([p for _, p in parks] + [g for _, g, _ in rl] +
                      [g for a, g in water if a['level'] != '准保护区']).Buffer(600, 8)
    city = point(502600, 3197700).Buffer(5500, 16)
    ring = county.GetGeometryRef(0) if county.GetGeometryName() == 'POLYGON' else county.GetGeometryRef(0).GetGeometryRef(0)
    n = ring.GetPointCount()
    hills = []
    k = 0
    start = rng.randrange(n)
    step = n // 26
    for i in range(26):
        px, py = ring.GetX((start + i * step) % n), ring.GetY((start + i * step) % n)
        c = county.Centroid()
        dx, dy = c.GetX() - px, c.GetY() - py
        L = math.hypot(dx, dy)
        d = rng.uniform(600, 1500)
        hx, hy = px + dx / L * d, py + dy / L * d
        r = rng.uniform(900, 1700)
        h = blob(hx, hy, r, rng, irregular=0.35, n=72, harmonics=6, stretch=(rng.uniform(0.8, 1.5), 1.0),
                 rot=rng.uniform(0, math.pi))
        h = clean(h.Intersection(county))
        if h.Intersects(avoid) or h.Intersects(city) or any(h.Distance(o) < 500 for o in hills):
            continue
        h = drop_small_parts(h, 2e5)
        if h.IsEmpty() or h.GetArea() < 1.0e6:
            continue
        hills.append(h)
        tn = nearest_town(hx, hy, centres)
        hn = HILL_NAMES[k % len(HILL_NAMES)]
        k += 1
        rtype = rng.choice(['水源涵养', '水源涵养', '生物多样性维护', '水土保持'])
        rl.append(({'name': '%s%s山地%s生态保护红线' % (tn, hn, rtype), 'rl_type': rtype}, h, direction(hx, hy)))
    # 5. the deliberately INVALID bow-tie (a digitising error as found in authoritative data)
    taken = union_all([g for _, g, _ in rl] + [p for _, p in parks] + [g for _, g in water]).Buffer(800, 8)
    for cand in [(524.5, 3200.5), (522.0, 3196.0), (526.0, 3203.0), (520.0, 3194.5), (497.0, 3208.0)]:
        bx, by = K(*cand)
        bt = bowtie(bx, by, 900, 700)
        if county.Contains(bt.MakeValid()) and not bt.MakeValid().Intersects(taken):
            break
    else:
        raise SystemExit('no place for the bow-tie')
    assert not bt.IsValid()
    rl.append(({'name': '%s岩坑岭山地水土保持生态保护红线' % nearest_town(bx, by, centres), 'rl_type': '水土保持',
                'remark': '数字化错误：自相交（蝴蝶结）环，用于测试几何修复'}, bt, direction(bx, by)))
    # make the valid ones mutually disjoint (a real red-line layer is dissolved per patch)
    out, prev = [], None
    for i, (a, g, grp) in enumerate(rl):
        if g.IsValid():
            if prev is not None:
                g = clean(g.Difference(prev))
            prev = g.Clone() if prev is None else clean(prev.Union(g))
        a = dict(a)
        a['code'] = 'HX330784%02d' % (i + 1)
        out.append((a, g, grp))
    return out


def build_units(county, townships, tship_rows, redlines, water, parks, centres, rng):
    """Environmental control units tiling the county: 优先保护 (1) > 重点管控 (2) > 一般管控 (3)."""
    P, Kk = [], []   # (name, geometry)
    wz = {a['zone_id']: g for a, g in water}
    rl_valid = lambda g: g if g.IsValid() else clean(g.MakeValid())
    groups = {}
    for a, g, grp in redlines:
        groups.setdefault(grp, []).append(rl_valid(g).Buffer(250, 8))
    P.append(('永康市杨溪水库饮用水水源保护区优先保护单元',
              union_all([wz['SY-YX-1'], wz['SY-YX-2']] + groups.pop('杨溪'))))
    P.append(('永康市太平水库饮用水水源保护区优先保护单元',
              union_all([wz['SY-TP-1'], wz['SY-TP-2']] + groups.pop('太平'))))
    P.append(('永康市三渡溪水库饮用水水源保护区优先保护单元', union_all([wz['SY-SD-1'], wz['SY-SD-2']])))
    P.append(('永康市方岩风景名胜区优先保护单元', union_all(groups.pop('方岩'))))
    for d in ['北部', '东部', '南部', '西部']:
        if d in groups:
            P.append(('永康市%s山区生态功能保障区优先保护单元' % d, union_all(groups.pop(d))))
    assert not groups, groups
    pk = {a['park_id']: g for a, g in parks}
    b = 250
    Kk.append(('永康市经济开发区产业集聚重点管控单元', union_all([pk['YP-KF'], pk['YP-KF-BM']]).Buffer(b, 8)))
    Kk.append(('永康市城区城镇生活重点管控单元',
               blob(502500, 3197700, 2300, rng, irregular=0.15, n=64, harmonics=4, stretch=(1.3, 0.9))))
    Kk.append(('永康市现代农业装备高新区产业集聚重点管控单元', union_all([pk['YP-GX-1'], pk['YP-GX-2']]).Buffer(b, 8)))
    for pid, town in [('YP-ZY', '芝英镇'), ('YP-GS', '古山镇'), ('YP-XZ', '象珠镇'), ('YP-SZ', '石柱镇'),
                      ('YP-HJ', '花街镇'), ('YP-LS', '龙山镇')]:
        Kk.append(('永康市%s产业集聚重点管控单元' % town, pk[pid].Buffer(b, 8)))
    x, y = centres['芝英镇']
    Kk.append(('永康市芝英镇城镇生活重点管控单元', blob(x + 300, y + 200, 650, rng, irregular=0.15, n=48)))
    G = [('永康市%s一般管控单元' % name, t) for (code, name), t in zip(tship_rows, townships)]
    pieces = [g for _, g in P] + [g for _, g in Kk] + [g for _, g in G] + [None]
    tiles = partition(county, pieces)
    extra = tiles.pop()           # slivers the township tiling may have left (none expected)
    assert extra.IsEmpty() or extra.GetArea() < 1.0, extra.GetArea()
    if not extra.IsEmpty():
        tiles[-1] = clean(tiles[-1].Union(extra))
    nP, nK = len(P), len(Kk)
    keep = [i < nP + nK for i in range(len(tiles))]
    tiles = absorb_fragments(tiles, keep=keep, max_frag=3e5)
    out = []
    serial = {1: 0, 2: 0, 3: 0}
    for i, ((name, _), g) in enumerate(zip(P + Kk + G, tiles)):
        cls = 1 if i < nP else (2 if i < nP + nK else 3)
        if g.IsEmpty():
            continue
        serial[cls] += 1
        out.append(({'unit_code': 'ZH%s%d%04d' % (COUNTY_CODE, cls, serial[cls]), 'unit_name': name,
                     'unit_type': {1: '优先保护', 2: '重点管控', 3: '一般管控'}[cls],
                     'unit_class': cls}, g))
    return out


# --------------------------------------------------------------------------------------------
# 8. industries, pollution sources
# --------------------------------------------------------------------------------------------


def load_gbt():
    with open(os.path.join(SRC, 'gbt4754_2017.csv'), encoding='utf-8') as fh:
        return {r['code_with_section']: r for r in csv.DictReader(fh)}


# (code, weight among existing sources, VOCs t/a lognormal median, COD t/a median, product word)
SOURCE_INDUSTRIES = [
    ('C3312', 14, 0.9, 0.15, '门业'), ('C3381', 11, 0.35, 0.20, '厨具'), ('C3382', 8, 0.25, 0.15, '杯业'),
    ('C3389', 5, 0.20, 0.10, '日用品'), ('C3360', 6, 1.60, 1.20, '表面处理'), ('C3465', 10, 0.30, 0.05, '电动工具'),
    ('C4050', 4, 0.08, 0.03, '衡器'), ('C3399', 7, 0.20, 0.08, '五金制品'), ('C3780', 4, 0.60, 0.08, '休闲车'),
    ('C3770', 2, 0.40, 0.06, '车业'), ('C3351', 4, 0.20, 0.05, '五金配件'), ('C3484', 5, 0.10, 0.05, '机械配件'),
    ('C3391', 3, 0.15, 0.05, '铸造'), ('C3392', 2, 0.15, 0.05, '铸件'), ('C2929', 3, 0.50, 0.05, '塑业'),
    ('C3854', 3, 0.15, 0.05, '电器'), ('C3855', 2, 0.12, 0.05, '清洁电器'), ('C3324', 2, 0.10, 0.05, '刀具'),
    ('C2641', 1, 4.00, 0.30, '涂料'), ('C3443', 2, 0.10, 0.05, '阀门'), ('C2110', 1, 0.80, 0.05, '家具'),
    ('C1311', 1, 0.01, 0.60, '米业'),
]
NAME_A = ['恒', '金', '永', '华', '鑫', '宏', '顺', '达', '盛', '泰', '丰', '昌', '隆', '康', '利', '新', '正',
          '嘉', '益', '源', '博', '通', '富', '荣', '锦', '瑞', '诚', '信', '明', '宇', '佳', '安', '凯', '捷']
NAME_SUFFIX = ['工贸', '实业', '科技', '制造', '工业', '五金']


def firm_name(rng, word, used):
    for _ in range(100):
        n = '永康市%s%s%s%s有限公司' % (rng.choice(NAME_A), rng.choice(NAME_A), word if rng.random() < 0.6 else '',
                                   rng.choice(NAME_SUFFIX))
        if n not in used:
            used.add(n)
            return n
    n = n.replace('有限公司', '第%d有限公司' % len(used))
    used.add(n)
    return n


def random_point_in(g, rng, maxtry=10000):
    minx, maxx, miny, maxy = g.GetEnvelope()
    for _ in range(maxtry):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if g.Contains(point(x, y)):
            return x, y
    raise RuntimeError('no point found')


def build_sources(county, parks, centres, redlines, water, gbt, rng, n=2000):
    park_g = {a['park_id']: g for a, g in parks}
    forbidden = union_all([g if g.IsValid() else g.MakeValid() for _, g, _ in redlines] +
                          [g for a, g in water if a['level'] == '一级'])
    codes = [c for c, *_ in SOURCE_INDUSTRIES]
    weights = [w for _, w, *_ in SOURCE_INDUSTRIES]
    meta = {c: (v, d, wd) for c, _, v, d, wd in SOURCE_INDUSTRIES}
    for c in codes:
        assert c in gbt and gbt[c]['level'] == '4', c
    # where: parks (by area), town centres, scattered
    park_ids = [pid for pid in park_g]
    park_w = [park_g[p].GetArea() ** 0.7 for p in park_ids]
    town_w = {n: (3.0 if n in URBAN else 1.0) for n in centres}
    town_w['古山镇'] = 2.5
    town_w['芝英镇'] = 2.5
    town_names = sorted(centres)
    used = set()
    out = []
    np_rng = np.random.default_rng(SEED)
    while len(out) < n:
        u = rng.random()
        if u < 0.62:
            pid = rng.choices(park_ids, park_w)[0]
            x, y = random_point_in(park_g[pid], rng)
            code = 'C3360' if (pid == 'YP-KF-BM' and rng.random() < 0.7) else rng.choices(codes, weights)[0]
        elif u < 0.93:
            tn = rng.choices(town_names, [town_w[t] for t in town_names])[0]
            cx, cy = centres[tn]
            s = 700 if tn in URBAN else 500
            x, y = cx + np_rng.normal(0, s), cy + np_rng.normal(0, s)
            code = rng.choices(codes, weights)[0]
        else:
            x, y = random_point_in(county, rng)
            code = rng.choices(codes, weights)[0]
        p = point(x, y)
        if not county.Contains(p) or forbidden.Contains(p):
            continue
        if code == 'C3360' and not any(g.Contains(p) for g in park_g.values()) and rng.random() < 0.8:
            continue     # most electroplaters already sit in a park
        v, d, wd = meta[code]
        voc = round(float(np_rng.lognormal(math.log(v), 0.8)), 3)
        cod = round(float(np_rng.lognormal(math.log(d), 0.7)), 3)
        lon, lat = xy2ll(x, y)
        lon, lat = round(lon, 7), round(lat, 7)
        x, y = ll2xy(lon, lat)      # what the engine will see after reprojection
        out.append(({'source_id': 'PS%04d' % (len(out) + 1), 'name': firm_name(rng, wd, used), 'industry': code,
                     'voc_tpa': voc, 'cod_tpa': cod}, (lon, lat), (x, y)))
    return out


def set_caps(townships, tship_rows, sources, rng):
    """VOCs / COD caps (t/a): a few townships at or over their cap, others with headroom."""
    loads = []
    for (code, name), g in zip(tship_rows, townships):
        pg = g.CreatePreparedGeometry() if hasattr(g, 'CreatePreparedGeometry') else None
        voc = cod = 0.0
        for a, ll, (x, y) in sources:
            p = point(x, y)
            if (pg.Intersects(p) if pg else g.Intersects(p)):
                voc += a['voc_tpa']
                cod += a['cod_tpa']
        loads.append((voc, cod))
    caps = []
    policy = {
        '古山镇': ('over', 0.96),       # already over its VOCs cap: every new VOCs emitter is conditional
        '芝英镇': ('near', 2.0),        # headroom 2 t/a
        '东城街道': ('near', 6.0),      # headroom 6 t/a
        '江南街道': ('near', 3.5),
    }
    for (code, name), (voc, cod) in zip(tship_rows, loads):
        kind, k = policy.get(name, ('free', None))
        if kind == 'over':
            vcap = math.floor(voc * k * 10) / 10
        elif kind == 'near':
            vcap = round(voc + k, 1)
        else:
            vcap = round(voc * rng.uniform(1.6, 2.4) + 20, 0)
        ccap = round(cod * rng.uniform(1.3, 2.0) + 10, 0)
        caps.append((vcap, ccap, voc, cod))
    return caps


# --------------------------------------------------------------------------------------------
# 9. main
# --------------------------------------------------------------------------------------------


def build_all():
    rng = random.Random(SEED)
    county = load_county()
    tship_rows = load_townships()
    towns, villages = load_points()
    tiles, centres = build_townships(county, towns, villages, tship_rows)
    tiles = absorb_fragments(tiles)
    water, reservoirs = build_water(county, rng)
    parks = build_parks(county, rng)
    redlines = build_redlines(county, reservoirs, water, parks, centres, rng)
    units = build_units(county, tiles, tship_rows, redlines, water, parks, centres, rng)
    gbt = load_gbt()
    sources = build_sources(county, parks, centres, redlines, water, gbt, rng)
    caps = set_caps(tiles, tship_rows, sources, rng)
    return dict(rng=rng, county=county, tship_rows=tship_rows, townships=tiles, centres=centres,
                water=water, reservoirs=reservoirs, parks=parks, redlines=redlines, units=units,
                gbt=gbt, sources=sources, caps=caps)


# “区域环评+环境标准” reform areas (SYNTHETIC): the 开发区 and the 高新区 outlines, 100 m wider, each with
# its own negative list (负面清单) beside the rulebook's (eia_category check, README "EIA category").
REFORM_SPECS = [
    ('RA-KF', '永康经济开发区“区域环评+环境标准”改革区域', ['YP-KF', 'YP-KF-BM'], '第67项'),
    ('RA-GX', '永康现代农业装备高新区“区域环评+环境标准”改革区域', ['YP-GX-1', 'YP-GX-2'], ''),
]


def build_reform_areas(parks):
    pk = {a['park_id']: g for a, g in parks}
    out = []
    for rid, name, ids, negative in REFORM_SPECS:
        g = as_single_or_multi(union_all([pk[i] for i in ids]).Buffer(100.0, 8))
        out.append(({'area_id': rid, 'name': name, 'negative_list': negative,
                     'remark': 'SYNTHETIC: not an official reform area'}, g))
    return out


def write_gpkg(D, path=GPKG):
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName('GPKG').CreateDataSource(path)
    S, R, I = ogr.OFTString, ogr.OFTReal, ogr.OFTInteger
    MP = ogr.wkbMultiPolygon
    write_layer(ds, 'county', SRS_PRJ, MP, [('code', S), ('name', S), ('source', S)],
                [({'code': COUNTY_CODE, 'name': COUNTY_NAME,
                   'source': 'REAL: github.com/Vonng/adcode (CC BY 4.0), GCJ-02 -> WGS84 (iterative inverse) '
                             '-> EPSG:4490 -> EPSG:4549'}, D['county'])],
                description='永康市行政区界（真实数据，GCJ-02 反算）')
    rows = []
    for (code, name), g, (vcap, ccap, voc, cod) in zip(D['tship_rows'], D['townships'], D['caps']):
        rows.append(({'code': code, 'name': name, 'voc_cap_tpa': vcap, 'cod_cap_tpa': ccap}, g))
    write_layer(ds, 'townships', SRS_PRJ, MP, [('code', S), ('name', S), ('voc_cap_tpa', R), ('cod_cap_tpa', R)],
                rows, description='乡镇街道（名称代码真实，边界为合成的泰森多边形；总量上限为虚构）')
    write_layer(ds, 'control_units', SRS_PRJ, MP,
                [('unit_code', S), ('unit_name', S), ('unit_type', S), ('unit_class', I)], D['units'],
                description='环境管控单元（合成）')
    write_layer(ds, 'eco_redline', SRS_PRJ, MP, [('code', S), ('name', S), ('rl_type', S), ('remark', S)],
                [(a, g) for a, g, _ in D['redlines']], description='生态保护红线（合成；含一个故意无效的几何）')
    wrows = []
    for a, g in D['water']:
        a = dict(a)
        a['area_km2'] = round(g.GetArea() / 1e6, 3)
        wrows.append((a, g))
    write_layer(ds, 'water_source_zones', SRS_PRJ, MP,
                [('zone_id', S), ('name', S), ('level', S), ('source_name', S), ('area_km2', R)], wrows,
                description='饮用水水源保护区（合成）')
    write_layer(ds, 'industrial_parks', SRS_PRJ, MP, [('park_id', S), ('name', S), ('park_level', S)], D['parks'],
                description='工业园区（合成）')
    write_layer(ds, 'reform_areas', SRS_PRJ, MP,
                [('area_id', S), ('name', S), ('negative_list', S), ('remark', S)], build_reform_areas(D['parks']),
                description='“区域环评+环境标准”改革区域（合成，非官方）')
    srows = [(a, 'POINT (%.7f %.7f)' % ll) for a, ll, xy in D['sources']]
    write_layer(ds, 'pollution_sources', SRS_GEO, ogr.wkbPoint,
                [('source_id', S), ('name', S), ('industry', S), ('voc_tpa', R), ('cod_tpa', R)], srows,
                description='污染源（合成，EPSG:4490 经纬度）')
    ds = None


# The facts the EIA catalog reads (SPEC §6.2 keys), SYNTHETIC: electroplating and its look-alikes
# (化学镀, 阳极氧化, 热镀锌 with or without 钝化), coating lines around the 10 t threshold, hardware
# workshops that only cut, weld and assemble, starred (*) industries in or out of an industrial
# building, gas stations in or out of the built-up area; some left blank so that the answer is
# UNKNOWN with the missing facts named.
EIA_FACT_FIELDS = ['process', 'solvent_coating_tpa', 'lowvoc_coating_tpa', 'industrial_building',
                   'construction', 'in_urban_built_up']
HARDWARE = ('C331', 'C332', 'C333', 'C334', 'C335', 'C337', 'C338', 'C339')


def eia_facts(ind, rng):
    """{fact: value} for one application (blank = unknown)."""
    code = ind if (ind and ind[0].isalpha()) else ('C' + ind if ind else '')
    f = {'construction': '新建'}
    if code == 'C3360':
        f['process'] = rng.choice(['电镀|钝化', '化学镀', '阳极氧化|封孔', '热镀锌|钝化', '热镀锌', '喷砂|抛光', ''])
        f['solvent_coating_tpa'] = '0'
        f['lowvoc_coating_tpa'] = rng.choice(['0', '0', '5', ''])
    elif code.startswith(HARDWARE):
        kind = rng.choice(['weld', 'weld', 'paint', 'paint', 'paint', 'powder', 'blank'])
        if kind == 'weld':
            f.update(process=rng.choice(['切割|焊接|组装', '焊接|组装']), solvent_coating_tpa='0', lowvoc_coating_tpa='0')
        elif kind == 'paint':
            f.update(process='焊接|喷漆', solvent_coating_tpa=rng.choice(['9.5', '10', '12', '3', '0.8']),
                     lowvoc_coating_tpa='0')
        elif kind == 'powder':
            f.update(process='焊接|喷粉', solvent_coating_tpa='0', lowvoc_coating_tpa=rng.choice(['0', '6', '10']))
        else:
            f['process'] = '焊接|喷漆'
    elif code.startswith(('C34', 'C35', 'C37', 'C38', 'C39', 'C40', 'C24', 'C21')):
        f['process'] = rng.choice(['组装', '机加工|组装', '喷涂|组装', '喷涂|组装', '电镀|组装'])
        f['solvent_coating_tpa'] = rng.choice(['4', '15']) if '喷涂' in f['process'] else '0'
        f['lowvoc_coating_tpa'] = '0'
        f['industrial_building'] = rng.choice(['是', '是', '否', ''])
    elif code == 'F5265':
        f['in_urban_built_up'] = rng.choice(['是', '否', ''])
    elif code[:1] in ('C',):
        f['process'] = rng.choice(['', '组装'])
    return [f.get(k, '') for k in EIA_FACT_FIELDS]


def write_applications(items):
    rng = random.Random(SEED + 2)
    items = list(items)
    rng.shuffle(items)
    rows = []
    eia_rng = random.Random(SEED + 12)  # its own stream: the other columns do not move
    with open(os.path.join(HERE, 'applications.csv'), 'w', encoding='utf-8-sig', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['id', 'name', 'industry', 'voc_tpa', 'investment_wan'] + EIA_FACT_FIELDS + ['wkt'])
        for i, (name, ind, voc, inv, wkt, scen) in enumerate(items):
            aid = 'YK2026-%04d' % (i + 1)
            w.writerow([aid, name, ind, voc, inv] + eia_facts(ind, eia_rng) + [wkt])
            rows.append((aid, ind, voc, wkt, scen))
    with open(os.path.join(HERE, 'applications_scenarios.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['id', 'scenario'])
        for aid, ind, voc, wkt, scen in rows:
            w.writerow([aid, scen])
    return rows


def verify(path=GPKG, verbose=True):
    """Re-read the written GeoPackage and check the invariants the README promises."""
    ds = ogr.Open(path)
    ok = True

    def say(cond, msg):
        nonlocal ok
        ok = ok and cond
        if verbose or not cond:
            print(('OK   ' if cond else 'FAIL ') + msg)

    def geoms(name):
        lyr = ds.GetLayerByName(name)
        return [(f, f.GetGeometryRef().Clone()) for f in lyr]

    for name, epsg in [('county', '4549'), ('townships', '4549'), ('control_units', '4549'), ('eco_redline', '4549'),
                       ('water_source_zones', '4549'), ('industrial_parks', '4549'), ('pollution_sources', '4490')]:
        s = ds.GetLayerByName(name).GetSpatialRef()
        say(s.GetAuthorityName(None) == 'EPSG' and s.GetAuthorityCode(None) == epsg, '%s CRS EPSG:%s' % (name, epsg))
    county = geoms('county')[0][1]
    ca = county.GetArea()
    for name in ['townships', 'control_units']:
        gs = [g for f, g in geoms(name)]
        tot = sum(g.GetArea() for g in gs)
        un = union_all(gs)
        sym = county.SymmetricDifference(un).GetArea()
        say(abs(tot - ca) < 1.0 and abs(un.GetArea() - ca) < 1.0 and sym < 1.0,
            '%s tile the county: sum-county=%.6f m², union-county=%.6f m², symdiff=%.6f m²'
            % (name, tot - ca, un.GetArea() - ca, sym))
        say(all(g.IsValid() for g in gs), '%s all valid' % name)
    inval = [f['code'] for f, g in geoms('eco_redline') if not g.IsValid()]
    say(inval == ['HX33078422'], 'exactly one invalid red line: %s' % inval)
    for name in ['water_source_zones', 'industrial_parks', 'county']:
        say(all(g.IsValid() for f, g in geoms(name)), '%s all valid' % name)
    # every red line lies in a 优先保护 unit
    pu = union_all([g for f, g in geoms('control_units') if f['unit_type'] == '优先保护'])
    rl = union_all([g if g.IsValid() else g.MakeValid() for f, g in geoms('eco_redline')])
    say(rl.Difference(pu).GetArea() < 1.0, 'red lines inside 优先保护 units (outside: %.3f m²)' % rl.Difference(pu).GetArea())
    units = [(f['unit_code'], f['unit_type']) for f, g in geoms('control_units')]
    say(all({'1': '优先保护', '2': '重点管控', '3': '一般管控'}[c[8]] == t for c, t in units), 'unit class digit matches type')
    # 一级 / 二级 / 准 of one source do not overlap
    wz = geoms('water_source_zones')
    ov = max([a[1].Intersection(b[1]).GetArea() for i, a in enumerate(wz) for b in wz[i + 1:]] + [0])
    say(ov < 1.0, 'water zones do not overlap each other (max %.3f m²)' % ov)
    holes = [f['zone_id'] for f, g in wz if any(p.GetGeometryCount() > 1 for p in parts(g))]
    say(len(holes) >= 4, 'water zones with holes: %s' % holes)
    rl_holes = [f['code'] for f, g in geoms('eco_redline') if g.IsValid() and any(p.GetGeometryCount() > 1 for p in parts(g))]
    rl_multi = [f['code'] for f, g in geoms('eco_redline') if g.GetGeometryCount() > 1]
    say(bool(rl_holes) and bool(rl_multi), 'red lines with a hole: %s; multipart: %s' % (rl_holes, rl_multi))
    return ok


def check_applications(D):
    """Light reference check of the point/polygon application intents (not an engine)."""
    rl = [(a['code'], g if g.IsValid() else clean(g.MakeValid())) for a, g, _ in D['redlines']]
    w1 = [(a['zone_id'], g) for a, g in D['water'] if a['level'] == '一级']
    w23 = [(a['zone_id'], g) for a, g in D['water'] if a['level'] != '一级']
    dist = {'C3360': 1000, 'C26': 1000, 'C33': 500}
    bad = 0
    stats = {}
    for aid, ind, voc, wkt, scen in D['apps']:
        if scen.startswith('ERROR'):
            continue
        g = back_xy(wkt)
        assert g.IsValid(), (aid, wkt)
        code = ind if ind[:1].isalpha() else 'C' + ind
        hit_rl = [k for k, z in rl if z.Intersection(g).GetArea() > 0.01 or (g.GetDimension() < 2 and z.Intersects(g))]
        hit_w1 = [k for k, z in w1 if z.Intersects(g)]
        th = max([v for k, v in dist.items() if code.startswith(k)] + [0])
        d = min(z.Distance(g) for k, z in w23)
        setback = th > 0 and d < th
        exp_rl = 'red line' in scen and 'no RL-01' not in scen and 'outside red line' not in scen
        if bool(hit_rl) != exp_rl and 'across' not in scen:
            print('  mismatch RL', aid, scen, hit_rl)
            bad += 1
        if scen.startswith('setback'):
            want = 'FAIL' in scen and 'no WS-02' not in scen and not code.startswith('C34')
            if setback != want:
                print('  mismatch WS-02', aid, code, round(d, 1), scen)
                bad += 1
        if 'WS-01' in scen and not hit_w1:
            print('  mismatch WS-01', aid, scen)
            bad += 1
        stats['rl'] = stats.get('rl', 0) + bool(hit_rl)
        stats['w1'] = stats.get('w1', 0) + bool(hit_w1)
        stats['setback'] = stats.get('setback', 0) + setback
    print('applications: %d records, reference check mismatches: %d, hits %s' % (len(D['apps']), bad, stats))
    return bad == 0


def main(argv):
    if '--extract-from' in argv:
        extract_sources(argv[argv.index('--extract-from') + 1])
    D = build_all()
    write_gpkg(D)
    write_tables(D)
    write_rulebook()
    D['apps'] = write_applications(build_applications(D))
    ok = verify() & check_applications(D)
    if not ok:
        raise SystemExit('verification failed')
    print('GCJ-02 inverse: max forward residual %.3g deg' % GCJ_MAX_RESIDUAL[0])
    return D


# --------------------------------------------------------------------------------------------
# 10. tables: industry classes, access list, rulebook
# --------------------------------------------------------------------------------------------
INDUSTRY_CLASSES = [
    # 三类工业项目 (heavy polluting)
    ('C3360', 3), ('C26', 3), ('C2641', 3), ('C191', 3), ('C193', 3), ('C1713', 3), ('C1723', 3), ('C1733', 3),
    ('C1743', 3), ('C1752', 3), ('C1762', 3), ('C221', 3), ('C222', 3), ('C25', 3), ('C271', 3), ('C281', 3),
    ('C31', 3), ('C321', 3), ('C322', 3), ('C323', 3), ('C3011', 3), ('C3041', 3), ('C3843', 3), ('C2914', 3),
    ('C2925', 3), ('C4210', 3),
    # 二类工业项目
    ('C13', 2), ('C14', 2), ('C15', 2), ('C16', 2), ('C17', 2), ('C19', 2), ('C20', 2), ('C21', 2), ('C22', 2),
    ('C23', 2), ('C268', 2), ('C27', 2), ('C28', 2), ('C29', 2), ('C30', 2), ('C32', 2), ('C33', 2), ('C34', 2),
    ('C35', 2), ('C36', 2), ('C37', 2), ('C38', 2), ('C42', 2), ('C43', 2),
    # 一类工业项目 (light assembly, little pollution)
    ('C18', 1), ('C24', 1), ('C39', 1), ('C40', 1), ('C41', 1), ('C3465', 2), ('C3857', 1), ('C3399', 2),
]

B_YK = '《永康市生态环境分区管控动态更新方案》（2024）'
B_ZJ = '《浙江省生态环境分区管控动态更新方案》（2024）'
B_JH = '《金华市生态环境分区管控动态更新方案》（2024）'


def access_rows(unit_key):
    """unit_key: unit name -> unit_code."""
    kf = unit_key['永康市经济开发区产业集聚重点管控单元']
    cq = unit_key['永康市城区城镇生活重点管控单元']
    yx = unit_key['永康市杨溪水库饮用水水源保护区优先保护单元']
    tp = unit_key['永康市太平水库饮用水水源保护区优先保护单元']
    fy = unit_key['永康市方岩风景名胜区优先保护单元']
    gx = unit_key['永康市现代农业装备高新区产业集聚重点管控单元']
    gs = unit_key['永康市古山镇产业集聚重点管控单元']
    D1, D2, D3, D4 = '空间布局约束', '污染物排放管控', '环境风险防控', '资源开发效率要求'
    return [
        # 优先保护
        ('AL-YX-01', '优先保护', 'C', 'prohibit', D1, '原则上禁止新建、扩建工业项目，现有工业企业逐步关停搬迁', B_YK),
        ('AL-YX-02', '优先保护', 'B', 'prohibit', D1, '禁止新建矿产资源开采项目（符合国土空间规划的除外）', B_ZJ),
        ('AL-YX-03', '优先保护', 'A03', 'restrict', D2, '严格控制畜禽养殖规模，禁止新建规模化畜禽养殖场', B_YK),
        ('AL-YX-04', '优先保护', 'N77;G;D4420', 'allow', D1, '允许生态保护修复和必要的交通、能源、水利等基础设施建设', B_ZJ),
        ('AL-YX-05', yx, 'F5265;C26', 'prohibit', D3, '水源保护区汇水范围内禁止新建加油站及危险化学品生产、储存项目', B_YK),
        ('AL-YX-06', tp, 'F5265;C26', 'prohibit', D3, '水源保护区汇水范围内禁止新建加油站及危险化学品生产、储存项目', B_YK),
        ('AL-YX-07', fy, 'L7291;N7861;R9030;H61', 'restrict', D1, '风景名胜区内旅游设施建设须符合风景名胜区总体规划', '《风景名胜区条例》第二十七条'),
        # 重点管控 (type-wide)
        ('AL-ZD-01', '重点管控', 'class:3', 'restrict', D1, '三类工业项目须进入依法合规设立的工业园区，并符合园区规划环评要求', B_YK),
        ('AL-ZD-02', '重点管控', 'class:2;class:3', 'restrict', D2, '新建、改建、扩建项目主要污染物排放实行区域削减替代', B_JH),
        ('AL-ZD-03', '重点管控', 'C', 'allow', D4, '新建工业项目能效、水效须达到同行业国内先进水平', B_ZJ),
        # specific key units
        ('AL-KF-01', kf, 'C3360', 'restrict', D1, '电镀等表面处理项目须进入表面处理集聚区，实行集中治污、统一监管', B_YK),
        ('AL-KF-02', kf, 'C33;C34;C38', 'allow', D1, '鼓励发展五金制品、智能装备等主导产业', B_YK),
        ('AL-KF-03', kf, 'C3360;C3843', 'restrict', D3, '涉重金属企业须设置事故应急池并与园区应急体系联动', B_YK),
        ('AL-GX-01', gx, 'C3360;C26', 'prohibit', D1, '高新区内禁止新建电镀及化工项目', B_YK),
        ('AL-GS-01', gs, 'C3312;C3381;C3382', 'restrict', D2, '涉涂装工序企业须使用低VOCs含量涂料，废气收集率不低于90%', B_YK),
        ('AL-CQ-01', cq, 'class:3', 'prohibit', D1, '城镇生活重点管控单元禁止新建三类工业项目，现有的须逐步搬迁关闭', B_YK),
        ('AL-CQ-02', cq, 'class:2', 'restrict', D1, '新建二类工业项目须入驻小微企业园，不得增加污染物排放总量', B_YK),
        ('AL-CQ-03', cq, 'C26;C2641', 'prohibit', D3, '禁止在城镇人口密集区新建危险化学品生产项目', '《危险化学品安全管理条例》第十九条'),
        ('AL-CQ-04', cq, 'H62;I65;K70', 'allow', D1, '鼓励发展商贸、科技服务等现代服务业', B_YK),
        # 一般管控
        ('AL-YB-01', '一般管控', 'class:3', 'prohibit', D1, '原则上禁止新建三类工业项目（现有三类工业项目改建、扩建须削减污染物排放总量）', B_ZJ),
        ('AL-YB-02', '一般管控', 'class:2', 'restrict', D1, '新建二类工业项目原则上进入工业功能区或小微园区', B_ZJ),
        ('AL-YB-03', '一般管控', 'A03', 'restrict', D2, '畜禽养殖场须配套粪污处理设施，实现粪污资源化利用', B_YK),
        ('AL-YB-04', '一般管控', 'C3391;C3392', 'restrict', D4, '新建铸造项目须使用电、天然气等清洁能源，禁止新建燃煤设施', B_JH),
        # county-wide
        ('AL-QY-01', '*', 'C2641;C3360;C3312;C29;C2110', 'restrict', D2, '新增VOCs排放实施区域削减替代（2倍削减量替代）', B_ZJ),
        ('AL-QY-02', '*', 'C3360;C3843;C321', 'restrict', D2, '重点重金属排放总量只减不增，实行等量或减量置换', B_ZJ),
        ('AL-QY-03', '*', 'C26;C3360', 'restrict', D3, '涉危险化学品和重金属企业须编制突发环境事件应急预案并备案', '《突发环境事件应急管理办法》第十三条'),
        ('AL-QY-04', '*', 'C3011;C3041;C31', 'prohibit', D4, '禁止新建水泥熟料、平板玻璃、钢铁等产能过剩行业项目', B_ZJ),
        ('AL-QY-05', '*', 'D4411', 'prohibit', D4, '禁止新建燃煤发电项目（热电联产除外）', B_JH),
        ('AL-QY-06', '*', 'class:1', 'allow', D1, '一类工业项目可在城镇开发边界内布局', B_YK),
        ('AL-QY-07', '*', 'C3381;C3382;C3389', 'restrict', D4, '新建不锈钢制品项目抛光工序须配套湿式除尘，单位产品水耗达到行业先进水平', B_YK),
    ]


def write_tables(D):
    gbt = D['gbt']
    with open(os.path.join(HERE, 'industry_classes.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['industry', 'class'])
        seen = set()
        for code, cls in INDUSTRY_CLASSES:
            assert code in gbt, code
            assert code not in seen, code
            seen.add(code)
            w.writerow([code, cls])
    unit_key = {a['unit_name']: a['unit_code'] for a, g in D['units']}
    rows = access_rows(unit_key)
    unit_types = {'优先保护', '重点管控', '一般管控', '*'}
    with open(os.path.join(HERE, 'access_list.csv'), 'w', encoding='utf-8', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(['rule_id', 'scope', 'industries', 'effect', 'dimension', 'clause', 'basis'])
        for r in rows:
            assert r[1] in unit_types or r[1] in unit_key.values(), r
            for sel in filter(None, r[2].split(';')):
                assert sel.startswith('class:') or sel in gbt, sel
            w.writerow(r)
    D['access_rows'] = rows


RULEBOOK = """\
# redline rulebook — 永康市 sample (SYNTHETIC zoning, see README.md). Generated by generate.py.
rulebook: 1
name: 永康市生态环境分区管控 (sample)
version: "2024-sample"
working_crs: EPSG:4549        # CGCS2000 / 3-degree Gauss-Kruger CM 120E, metres
input_crs: EPSG:4490          # CGCS2000 geographic (lon, lat)
industry_classes: industry_classes.csv
coverage: units
area_tolerance: 0.01          # m²
length_tolerance: 0.01        # m

layers:
  redline:   {source: yongkang.gpkg, layer: eco_redline,        key: code,      label: name}
  units:     {source: yongkang.gpkg, layer: control_units,      key: unit_code, label: unit_name, type: unit_type}
  water:     {source: yongkang.gpkg, layer: water_source_zones, key: zone_id,   label: name}
  parks:     {source: yongkang.gpkg, layer: industrial_parks,   key: park_id,   label: name}
  townships: {source: yongkang.gpkg, layer: townships,          key: code,      label: name}
  reform:    {source: yongkang.gpkg, layer: reform_areas,       key: area_id,   label: name}
  sources:   {source: yongkang.gpkg, layer: pollution_sources,  key: source_id, label: name}

checks:
  - id: RL-01
    type: overlap
    layer: redline
    outcome: FAIL
    clause: 生态保护红线内，自然保护地核心保护区原则上禁止人为活动；其他区域严格禁止开发性、生产性建设活动
    basis: 《关于加强生态保护红线管理的通知（试行）》（自然资发〔2022〕142号）
    exceptions:                 # first matching exception replaces the outcome
      - industries: [G, D4420, N7721]
        outcome: CONDITIONAL
        clause: 属有限人为活动（必要的线性基础设施、供水设施等），须取得省级人民政府认定意见
        basis: 自然资发〔2022〕142号 第二条

  - id: WS-01
    type: overlap
    layer: water
    where: "level = '一级'"
    outcome: FAIL
    clause: 禁止在饮用水水源一级保护区内新建、改建、扩建与供水设施和保护水源无关的建设项目
    basis: 《中华人民共和国水污染防治法》第六十五条

  - id: WS-02
    type: setback
    layer: water
    where: "level IN ('二级', '准保护区')"
    distance: {C3360: 1000, C26: 1000, C33: 500, default: 0}   # metres, longest prefix wins
    outcome: FAIL
    clause: 禁止在饮用水水源二级保护区内新建、改建、扩建排放污染物的建设项目；电镀、化工项目距二级保护区及准保护区边界不少于1000米，金属制品项目不少于500米
    basis: 《中华人民共和国水污染防治法》第六十六条、第六十七条；《浙江省饮用水水源保护条例》

  - id: AL
    type: access_list
    layer: units
    table: access_list.csv
    basis: 《永康市生态环境分区管控动态更新方案》（2024）生态环境准入清单

  - id: CAP-VOC
    type: capacity
    zones: townships
    cap_field: voc_cap_tpa
    points: sources
    load_field: voc_tpa
    attr: voc_tpa               # the application's own figure, t/a
    outcome: CONDITIONAL
    clause: 新增VOCs排放须实施倍量削减替代（排污权交易）
    basis: 《浙江省排污权有偿使用和交易管理办法》；《重点行业挥发性有机物综合治理方案》（环大气〔2019〕53号）

  - id: PARK-01
    type: require_within
    layer: parks
    industries: [C3360, "class:3"]
    outcome: FAIL
    clause: 新建电镀及三类工业项目须进入依法合规设立的工业园区（表面处理集聚区）
    basis: 《浙江省工业项目准入管理办法》；《永康市生态环境分区管控动态更新方案》（2024）

  - id: EIA
    type: eia_category          # 《建设项目环境影响评价分类管理名录（2021年版）》: an INFO finding
    sensitive: {water: 饮用水水源保护区, redline: 生态保护红线管控范围}
    reform:                     # 区域环评+环境标准 (SYNTHETIC areas): one step down off the negative lists
      layer: reform
      negative_list: [C26, C3360]
      negative_field: negative_list
"""


def write_rulebook():
    with open(os.path.join(HERE, 'rulebook.yaml'), 'w', encoding='utf-8') as fh:
        fh.write(RULEBOOK)


# --------------------------------------------------------------------------------------------
# 11. applications (EPSG:4490 WKT, UTF-8 with BOM)
# --------------------------------------------------------------------------------------------
APP_NAMES = {
    'C3312': '年产{n}万樘钢质安全门建设项目', 'C3381': '年产{n}万只不锈钢炊具生产线项目',
    'C3382': '年产{n}万只不锈钢保温杯技改项目', 'C3389': '年产{n}万件金属日用品项目',
    'C3360': '年产{n}万平方米五金件电镀加工项目', 'C3465': '年产{n}万台电动工具智能化改造项目',
    'C4050': '年产{n}万台电子衡器项目', 'C3399': '年产{n}万件五金制品项目', 'C3780': '年产{n}万辆全地形车项目',
    'C3770': '年产{n}万辆电动助力车项目', 'C3351': '年产{n}万套五金配件项目', 'C3484': '年产{n}万件机械零部件项目',
    'C3391': '年产{n}万吨精密铸件项目', 'C2641': '年产{n}千吨水性涂料项目', 'C2614': '年产{n}千吨有机化学原料项目',
    'C1713': '年产{n}千万米棉布印染项目', 'C2631': '年产{n}千吨农药原药项目', 'C3854': '年产{n}万台厨房小家电项目',
    'C3913': '年产{n}万台计算机外围设备项目', 'C3981': '年产{n}亿只电子元件项目', 'C4012': '年产{n}万台电工仪表项目',
    'C4090': '年产{n}万台智能仪器项目', 'C2411': '年产{n}万件文具项目', 'C3353': '年产{n}万套消防器材项目',
    'I6513': '工业互联网软件研发中心项目', 'M7320': '五金产业技术研究院建设项目', 'K7010': '商住综合体开发项目',
    'H6210': '餐饮综合楼项目', 'F5265': '加油站新建项目', 'E4813': '市政道路改造工程', 'P8321': '小学新建工程',
    'Q8411': '医院迁建工程', 'G5411': '公交首末站建设项目', 'D4420': '110千伏输变电工程',
    'N7721': '农村生活污水处理设施提升工程', 'G5720': '天然气输气管道工程', 'E4812': '县道改建工程',
    'N7620': '取水泵站改造工程', 'A0311': '肉牛养殖场项目', 'N7861': '景区游客服务中心项目',
}
VOC_MED = {'C3312': 1.2, 'C3381': 0.4, 'C3382': 0.3, 'C3389': 0.3, 'C3360': 2.0, 'C3465': 0.4, 'C4050': 0.1,
           'C3399': 0.3, 'C3780': 0.8, 'C3770': 0.5, 'C3351': 0.2, 'C3484': 0.1, 'C3391': 0.2, 'C2641': 5.0,
           'C2614': 4.0, 'C1713': 1.0, 'C2631': 3.0, 'C3854': 0.2, 'C3913': 0.05, 'C3981': 0.1, 'C4012': 0.05,
           'C4090': 0.05, 'C2411': 0.1, 'C3353': 0.3}


class Apps:
    def __init__(self, D, rng):
        self.D, self.rng = D, rng
        self.items = []      # (name, industry, voc, invest, wkt, scenario)

    def add(self, scenario, industry, geom_xy=None, wkt=None, voc='auto', name=None):
        rng = self.rng
        key = industry if (industry and industry[0].isalpha()) else ('C' + industry if industry else '')
        if name is None:
            tmpl = APP_NAMES.get(key, '建设项目')
            name = ('永康市' + rng.choice(NAME_A) + rng.choice(NAME_A) + rng.choice(NAME_SUFFIX) + '有限公司'
                    + tmpl.format(n=rng.choice([5, 10, 20, 30, 50, 80, 100, 120, 200])))
        if voc == 'auto':
            med = VOC_MED.get(key)
            voc = '0' if med is None else '%.2f' % max(0.01, rng.lognormvariate(math.log(med), 0.6))
        invest = str(rng.choice([300, 500, 800, 1200, 2000, 3500, 5000, 8000, 12000, 20000, 45000]))
        if wkt is None:
            wkt = to_ll_wkt(geom_xy)
        self.items.append([name, industry, voc, invest, wkt, scenario])


def to_ll(g):
    g = g.Clone()
    g.AssignSpatialReference(SRS_PRJ)
    g.Transform(TO_GEO)
    return g


def fmt_ll(g):
    """WKT in lon lat with 7 decimals (~1 cm)."""
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPoint:
        return 'POINT(%.7f %.7f)' % (g.GetX(), g.GetY())

    def ring(r):
        return '(' + ','.join('%.7f %.7f' % (r.GetX(i), r.GetY(i)) for i in range(r.GetPointCount())) + ')'
    if t == ogr.wkbLineString:
        return 'LINESTRING' + ring(g)
    if t == ogr.wkbPolygon:
        return 'POLYGON(' + ','.join(ring(g.GetGeometryRef(i)) for i in range(g.GetGeometryCount())) + ')'
    if t == ogr.wkbMultiPolygon:
        return 'MULTIPOLYGON(' + ','.join(
            '(' + ','.join(ring(p.GetGeometryRef(i)) for i in range(p.GetGeometryCount())) + ')'
            for p in [g.GetGeometryRef(j) for j in range(g.GetGeometryCount())]) + ')'
    raise ValueError(g.GetGeometryName())


def to_ll_wkt(g):
    return fmt_ll(to_ll(g))


def back_xy(wkt):
    g = ogr.CreateGeometryFromWkt(wkt)
    g.AssignSpatialReference(SRS_GEO)
    g.Transform(TO_PRJ)
    return g


def rect(x, y, w, h, rot=0.0):
    ca, sa = math.cos(rot), math.sin(rot)
    pts = []
    for dx, dy in [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]:
        pts.append((x + dx * ca - dy * sa, y + dx * sa + dy * ca))
    return poly(pts)


def build_applications(D):
    rng = random.Random(SEED + 1)
    A = Apps(D, rng)
    county = D['county']
    rl_all = union_all([g if g.IsValid() else clean(g.MakeValid()) for _, g, _ in D['redlines']])
    wz = {a['zone_id']: g for a, g in D['water']}
    w1 = union_all([g for a, g in D['water'] if a['level'] == '一级'])
    w23 = union_all([g for a, g in D['water'] if a['level'] != '一级'])
    wall = union_all([w1, w23])
    pk = {a['park_id']: g for a, g in D['parks']}
    parks_all = union_all(list(pk.values()))
    units = {a['unit_code']: (a, g) for a, g in D['units']}
    utype = lambda t: union_all([g for a, g in D['units'] if a['unit_type'] == t])
    P_u, K_u, G_u = utype('优先保护'), utype('重点管控'), utype('一般管控')
    tsh = {name: g for (code, name), g in zip(D['tship_rows'], D['townships'])}
    cq = [g for a, g in D['units'] if a['unit_name'] == '永康市城区城镇生活重点管控单元'][0]
    # region where nothing but the access list / capacity applies
    quiet = clean(county.Buffer(-150, 8).Difference(rl_all.Buffer(150, 8)).Difference(wall.Buffer(1150, 8))
                  .Difference(P_u.Buffer(100, 8)).Difference(tsh['古山镇']))
    quiet_G = clean(quiet.Intersection(G_u.Buffer(-100, 8)).Difference(parks_all.Buffer(100, 8)).Difference(cq))
    quiet_K = clean(quiet.Intersection(K_u.Buffer(-50, 8)))
    parks_q = clean(parks_all.Buffer(-30, 8).Intersection(quiet))

    def pt_in(g):
        return point(*random_point_in(g, rng))

    def ring_region(geom, dmin, dmax, within=None):
        r = clean(geom.Buffer(dmax, 16).Difference(geom.Buffer(dmin, 16)).Intersection(county.Buffer(-50, 8)))
        r = clean(r.Difference(rl_all.Buffer(30, 8)).Difference(P_u.Buffer(30, 8)))
        if within is not None:
            r2 = clean(r.Intersection(within))
            if not r2.IsEmpty() and r2.GetArea() > 5e3:
                return r2
        return r

    # -- plain passes: class-1 / service industries in quiet general & key units
    for i in range(45):
        ind = rng.choice(['C4050', 'C4050', 'C3913', 'C3981', 'C4012', 'C4090', 'C2411', 'I6513', 'M7320',
                          'K7010', 'H6210', 'P8321', 'Q8411', 'E4813'])
        A.add('pass: class-1/service industry, no constraint', ind, pt_in(quiet_G if i % 2 else quiet_K))
    # -- class 2 (C33/C34/C38) inside parks (key units): access-list restrict -> CONDITIONAL
    for i in range(30):
        ind = rng.choice(['C3312', 'C3381', 'C3382', 'C3389', 'C3465', 'C3399', 'C3780', 'C3770', 'C3351', 'C3484',
                          'C3854', 'C3353'])
        A.add('class-2 in park/key unit: AL restrict (CONDITIONAL)', ind, pt_in(parks_q))
    # -- class 2 outside parks in general units: AL-YB-02 restrict
    for i in range(20):
        ind = rng.choice(['C3312', 'C3381', 'C3382', 'C3465', 'C3399', 'C3484'])
        A.add('class-2 in general unit outside parks: AL-YB-02 restrict', ind, pt_in(quiet_G))
    # -- class 3 outside parks in general units: AL-YB-01 prohibit + PARK-01 FAIL
    for i in range(10):
        ind = rng.choice(['C2641', 'C3360', 'C1713', 'C2614'])
        A.add('class-3 in general unit outside parks: AL-YB-01 + PARK-01 FAIL', ind, pt_in(quiet_G))
    # -- class 3 in the city unit: AL-CQ-01 prohibit
    for i in range(3):
        A.add('class-3 in city living unit: AL-CQ-01 prohibit + PARK-01', rng.choice(['C2641', 'C3360']),
              pt_in(clean(cq.Buffer(-100, 8).Difference(parks_all.Buffer(50, 8)))))
    # -- electroplating inside the surface-treatment park: PARK-01 passes, AL restrict
    for i in range(8):
        A.add('C3360 inside YP-KF-BM: PARK-01 ok, AL-KF-01 restrict', 'C3360', pt_in(pk['YP-KF-BM'].Buffer(-20, 8)))
    # -- electroplating / chemicals in the 高新区: AL-GX-01 prohibit
    for i in range(3):
        A.add('C3360/C26 in 高新区: AL-GX-01 prohibit', rng.choice(['C3360', 'C2641']),
              pt_in(union_all([pk['YP-GX-1'], pk['YP-GX-2']]).Buffer(-30, 8)))
    # -- red line points
    rls = [(a, g if g.IsValid() else clean(g.MakeValid())) for a, g, _ in D['redlines']]
    for i in range(18):
        a, g = rls[i % len(rls)]
        ind = rng.choice(['C3381', 'C3465', 'K7010', 'A0311', 'N7861', 'C4050'])
        A.add('point in red line %s: RL-01 FAIL' % a['code'], ind, pt_in(g.Buffer(-20, 8)))
    for ind in ['G5411', 'G5720', 'D4420', 'D4420', 'N7721', 'N7721', 'G5411', 'E4812']:
        a, g = rls[rng.randrange(len(rls) - 1)]
        tag = 'exception -> CONDITIONAL' if ind != 'E4812' else 'E4812 is NOT an exception -> FAIL'
        A.add('point in red line %s with %s: RL-01 %s' % (a['code'], ind, tag), ind, pt_in(g.Buffer(-20, 8)))
    # -- the invalid bow-tie red line: one point in each lobe
    bt_a, bt_g = [(a, g) for a, g, _ in D['redlines'] if not g.IsValid()][0]
    for k, lobe in enumerate(parts(clean(bt_g.MakeValid()))):
        c = lobe.Centroid()
        A.add('point in lobe %d of the INVALID red line %s (repaired by make-valid): RL-01 FAIL' % (k + 1, bt_a['code']),
              'C3381', point(c.GetX(), c.GetY()))
    # -- point in the hole of the 方岩 red line (not in the red line)
    fy = [g for a, g, _ in D['redlines'] if a['code'] == 'HX33078401'][0]
    hole = poly([(fy.GetGeometryRef(0).GetGeometryRef(1) if fy.GetGeometryName() == 'MULTIPOLYGON'
                  else fy.GetGeometryRef(1)).GetPoint_2D(i)
                 for i in range((fy.GetGeometryRef(0).GetGeometryRef(1) if fy.GetGeometryName() == 'MULTIPOLYGON'
                                 else fy.GetGeometryRef(1)).GetPointCount() - 1)])
    for i in range(2):
        A.add('point in the HOLE of red line HX33078401: no RL-01 (priority unit: AL-YX-01 for C)',
              rng.choice(['H6210', 'C4050']), pt_in(hole.Buffer(-30, 8)))
    # -- 一级 zones
    for i in range(9):
        zid = ['SY-YX-1', 'SY-TP-1', 'SY-SD-1'][i % 3]
        A.add('point in %s: WS-01 FAIL' % zid, rng.choice(['K7010', 'C3465', 'N7620', 'H6210']),
              pt_in(wz[zid].Buffer(-10, 8)))
    # -- inside 二级 / 准保护区
    for i in range(10):
        zid = ['SY-YX-2', 'SY-TP-2', 'SY-YX-3', 'SY-TP-3', 'SY-SD-2'][i % 5]
        ind = ['C3381', 'C3360', 'K7010', 'C3312', 'H6210'][i % 5]
        g = clean(wz[zid].Buffer(-20, 8).Difference(rl_all.Buffer(20, 8)))
        A.add('point inside %s with %s: WS-02 %s' % (zid, ind, 'FAIL (distance 0)' if ind[:3] in ('C33',) else 'no finding (threshold 0)'),
              ind, pt_in(g))
    # -- setback rings outside 二级/准保护区
    for dmin, dmax, inds, label, n in [
            (600, 900, ['C3360'], 'C3360 600-900 m from 二级/准: WS-02 FAIL (1000 m)', 8),
            (1100, 1400, ['C3360'], 'C3360 1100-1400 m from 二级/准: no WS-02', 4),
            (650, 950, ['C2641', 'C2614'], 'C26 650-950 m from 二级/准: WS-02 FAIL (1000 m)', 3),
            (200, 460, ['C3381', 'C3312', 'C3465'], 'C33 200-460 m: WS-02 FAIL (500 m) if C33; C3465 no finding', 8),
            (540, 900, ['C3381', 'C3312'], 'C33 540-900 m: no WS-02', 6)]:
        reg = ring_region(w23, dmin, dmax, within=parks_all.Buffer(-20, 8))
        for i in range(n):
            p = pt_in(reg)
            A.add('setback: ' + label, rng.choice(inds), p)
    # -- capacity
    gs = clean(tsh['古山镇'].Buffer(-100, 8).Intersection(parks_all.Buffer(-20, 8)))
    if gs.IsEmpty():
        gs = clean(tsh['古山镇'].Buffer(-100, 8).Difference(rl_all.Buffer(50, 8)))
    for i in range(5):
        A.add('古山镇 already over its VOCs cap: CAP-VOC CONDITIONAL', rng.choice(['C3465', 'C3381', 'C4050']), pt_in(gs))
    zy = clean(tsh['芝英镇'].Buffer(-100, 8).Intersection(quiet))
    for v in ['0.50', '1.50', '2.50', '4.00', '8.00']:
        A.add('芝英镇 headroom ~2 t/a, voc %s: CAP-VOC %s' % (v, 'CONDITIONAL' if float(v) > 2.0 else 'ok'),
              rng.choice(['C4050', 'C3913']), pt_in(zy), voc=v)
    jn = clean(tsh['江南街道'].Buffer(-100, 8).Intersection(quiet))
    for v in ['1.00', '3.00', '4.00', '12.00']:
        A.add('江南街道 headroom ~3.5 t/a, voc %s: CAP-VOC %s' % (v, 'CONDITIONAL' if float(v) > 3.5 else 'ok'),
              rng.choice(['C4050', 'C4012']), pt_in(jn), voc=v)
    # -- missing voc_tpa -> INCOMPLETE
    for i in range(10):
        A.add('voc_tpa missing: CAP-VOC INCOMPLETE', rng.choice(['C4050', 'C3913', 'K7010', 'C3465']),
              pt_in(quiet_G if i % 2 else quiet_K), voc='')
    # -- outside the county: COVERAGE INCOMPLETE
    for lon, lat in [(119.86, 28.98), (120.40, 28.95), (120.05, 28.72), (120.20, 29.14), (119.80, 28.80),
                     (120.33, 28.80), (119.95, 29.12), (120.15, 28.70)]:
        g = point(*ll2xy(lon, lat))
        assert not county.Intersects(g.Buffer(300))
        A.add('outside 永康市: COVERAGE INCOMPLETE', rng.choice(['C3381', 'C4050', 'K7010']), g)
    # -- industry codes without the section letter (valid, must normalise)
    for code in ['3360', '3381', '4050', '3312', '3465']:
        reg = pk['YP-KF-BM'].Buffer(-20, 8) if code == '3360' else quiet_K
        A.add('numeric industry code %s (normalises to C%s)' % (code, code), code, pt_in(reg))

    # ---------------- polygons ----------------
    def parcel_at(x, y, lo=60, hi=220):
        return rect(x, y, rng.uniform(lo, hi), rng.uniform(lo, hi), rng.uniform(0, math.pi))

    for i in range(12):
        p = pt_in(quiet_G.Buffer(-150, 8))
        A.add('parcel: pass (class-1/service)', rng.choice(['C4050', 'K7010', 'C3913', 'P8321']),
              parcel_at(p.GetX(), p.GetY()))
    for i in range(6):
        p = pt_in(parks_q.Buffer(-120, 8))
        A.add('parcel inside a park: class-2 AL restrict', rng.choice(['C3381', 'C3312', 'C3465']),
              parcel_at(p.GetX(), p.GetY(), 50, 120))
    # straddling red-line boundaries
    def boundary_pt(g):
        b = g.GetBoundary()
        if b.GetGeometryName().startswith('MULTI'):
            b = b.GetGeometryRef(0)
        i = rng.randrange(b.GetPointCount())
        return b.GetX(i), b.GetY(i)
    for i in range(8):
        a, g = rls[rng.randrange(len(rls) - 1)]
        x, y = boundary_pt(g)
        ind = rng.choice(['C3381', 'K7010', 'D4420', 'G5411', 'C4050'])
        par = max(parts(parcel_at(x, y, 80, 200).Intersection(county.Buffer(-1, 4))), key=lambda q: q.GetArea())
        A.add('parcel straddling red line %s: RL-01 partial overlap (%s)' % (
            a['code'], 'CONDITIONAL exception' if ind[0] in 'DG' else 'FAIL'), ind, par)
    # near misses: 1-3 m outside a red line (no overlap), edge-to-edge matters
    for i in range(3):
        a, g = rls[rng.randrange(len(rls) - 1)]
        x, y = boundary_pt(g)
        d = [1.0, 2.0, 3.0][i]
        par = clean(parcel_at(x, y, 120, 200).Difference(g.Buffer(d, 16)))
        par = max(parts(par), key=lambda q: q.GetArea())
        A.add('parcel %.0f m outside red line %s: no RL-01 (near miss)' % (d, a['code']), 'C4050', par)
    # C3360 straddling the surface-treatment park boundary -> PARK-01 FAIL (part outside)
    for i in range(4):
        x, y = boundary_pt(pk['YP-KF-BM'])
        A.add('C3360 parcel straddling YP-KF-BM boundary: PARK-01 FAIL (area outside)', 'C3360',
              parcel_at(x, y, 80, 150))
    for i in range(2):
        p = pt_in(pk['YP-KF-BM'].Buffer(-90, 8))
        A.add('C3360 parcel fully inside YP-KF-BM: PARK-01 ok', 'C3360', parcel_at(p.GetX(), p.GetY(), 40, 70))
    # class-3 parcel straddling the shared boundary of 高新区 一期/二期 -> within the union
    shared = pk['YP-GX-1'].Intersection(pk['YP-GX-2'].Buffer(0.01))
    c = shared.Centroid()
    for k, dy in enumerate([-150, 150]):
        A.add('class-3 (C1713) parcel straddling YP-GX-1/YP-GX-2 shared edge: within parks union, PARK-01 ok',
              'C1713', rect(c.GetX(), c.GetY() + dy, 160, 90))
    # straddling the county boundary
    for i in range(2):
        x, y = boundary_pt(county)
        A.add('parcel straddling the county boundary: COVERAGE INCOMPLETE (share outside)', 'C4050',
              parcel_at(x, y, 150, 300))
    # straddling a township boundary with voc
    t1, t2 = tsh['东城街道'], tsh['江南街道']
    sh = clean(t1.Buffer(0.5).Intersection(t2.Buffer(0.5)))
    c = sh.Centroid()
    A.add('parcel straddling 东城街道/江南街道: CAP-VOC evaluated in both townships', 'C3381',
          rect(c.GetX(), c.GetY(), 200, 200), voc='4.50')
    t1, t2 = tsh['芝英镇'], tsh['古山镇']
    sh = clean(t1.Buffer(0.5).Intersection(t2.Buffer(0.5)).Difference(rl_all.Buffer(300)))
    c = max(parts(sh), key=lambda q: q.GetArea()).PointOnSurface() if not sh.IsEmpty() else t1.Centroid()
    A.add('parcel straddling 芝英镇/古山镇: CAP-VOC in two townships (古山 over cap)', 'C3465',
          rect(c.GetX(), c.GetY(), 150, 150), voc='1.20')
    # partly in 一级, partly in 二级
    for zid in ['SY-YX-1', 'SY-TP-1']:
        x, y = boundary_pt(wz[zid])
        A.add('parcel across the %s outer edge: WS-01 FAIL (partial) + WS-02' % zid, 'C3312', parcel_at(x, y, 100, 160))
    # across unit boundaries (general / key)
    for i in range(3):
        kx = [g for a, g in D['units'] if a['unit_type'] == '重点管控'][rng.randrange(9)]
        x, y = boundary_pt(kx)
        par = max(parts(parcel_at(x, y, 120, 200).Intersection(county.Buffer(-1, 4))), key=lambda q: q.GetArea())
        A.add('parcel across a 重点管控 unit boundary: AL findings for each unit', 'C3399', par)
    # MULTIPOLYGON: two plots, one inside a red line
    a, g = rls[3]
    p1 = pt_in(g.Buffer(-200, 8))
    p2 = pt_in(clean(g.Buffer(900, 8).Difference(g.Buffer(300, 8)).Intersection(county.Buffer(-200, 8))))
    mp = multi([rect(p1.GetX(), p1.GetY(), 100, 80), rect(p2.GetX(), p2.GetY(), 120, 90)])
    A.add('MULTIPOLYGON: one plot inside red line %s: RL-01 FAIL (share ~45%%)' % a['code'], 'C3381', mp)
    # polygon with a hole
    p = pt_in(quiet_G.Buffer(-200, 8))
    donut = poly([(p.GetX() - 150, p.GetY() - 150), (p.GetX() + 150, p.GetY() - 150), (p.GetX() + 150, p.GetY() + 150),
                  (p.GetX() - 150, p.GetY() + 150)],
                 [[(p.GetX() - 50, p.GetY() - 50), (p.GetX() - 50, p.GetY() + 50), (p.GetX() + 50, p.GetY() + 50),
                   (p.GetX() + 50, p.GetY() - 50)]])
    A.add('POLYGON with a hole (80000 m²): pass', 'C4050', donut)
    # ---------------- lines ----------------
    # gas pipeline through 太平 一级 + 二级 + 准保护区
    tp = wz['SY-TP-1'].Centroid()
    line = ogr.CreateGeometryFromWkt('LINESTRING(%f %f,%f %f,%f %f)' % (
        tp.GetX() - 4500, tp.GetY() - 600, tp.GetX(), tp.GetY(), tp.GetX() + 4200, tp.GetY() + 900))
    line = line.Intersection(county.Buffer(-20, 8))
    if line.GetGeometryName() != 'LINESTRING':
        line = max([line.GetGeometryRef(i) for i in range(line.GetGeometryCount())], key=lambda l: l.Length())
    A.add('LINESTRING gas pipeline (G5720) across 太平 一级/二级/准: WS-01 FAIL (length), WS-02 no finding (default 0)',
          'G5720', line)
    # 110 kV power line across a red line -> exception CONDITIONAL
    a, g = rls[0]
    c = g.Centroid()
    line = ogr.CreateGeometryFromWkt('LINESTRING(%f %f,%f %f)' % (c.GetX() - 3500, c.GetY() - 800, c.GetX() + 3000, c.GetY() + 600))
    A.add('LINESTRING power line (D4420) across red line %s: RL-01 CONDITIONAL (exception)' % a['code'], 'D4420', line)
    # county road across 杨溪 准保护区
    c = wz['SY-YX-3'].PointOnSurface()
    line = ogr.CreateGeometryFromWkt('LINESTRING(%f %f,%f %f,%f %f)' % (c.GetX() - 1500, c.GetY() - 2500, c.GetX(), c.GetY(), c.GetX() + 800, c.GetY() + 1200))
    hit = [a['code'] for a, g in rls if g.Intersects(line)]
    A.add('LINESTRING county road (E4812) into 杨溪 准保护区: no WS finding (default 0)' +
          ('; crosses red line %s: RL-01 FAIL (E4812 is not an exception)' % ','.join(hit) if hit else ''), 'E4812', line)

    # ---------------- deliberately bad records ----------------
    p = to_ll_wkt(pt_in(quiet_K))
    bad = [
        ('ERROR: unparsable WKT (one coordinate)', 'C4050', 'POINT(120.1)'),
        ('ERROR: unparsable WKT (garbage)', 'C3381', 'garbage'),
        ('ERROR: empty geometry', 'C3381', 'POINT EMPTY'),
        ('ERROR: empty wkt field', 'C4050', ''),
        ('ERROR: latitude beyond 90 (cannot transform)', 'C4050', 'POINT(120.0 95.0)'),
        ('ERROR: non-finite coordinate', 'C4050', 'POINT(NaN 28.9)'),
        ('ERROR: missing industry code', '', p),
        ('ERROR: unknown industry code C9999', 'C9999', p),
        ('ERROR: C3468 is a GB/T 4754-2011 code (包装专用设备制造), absent from 2017', 'C3468', p),
    ]
    for scen, ind, wkt in bad:
        A.add(scen, ind, wkt=wkt, name='问题记录测试项目')
    return A.items


if __name__ == '__main__':
    main(sys.argv[1:])
