#!/usr/bin/python3
"""Deterministic generator of a province-scale screening case for redline.

Writes into OUTDIR: layers.gpkg (red lines, control units, townships with caps,
water-source zones, parks, pollution sources), applications.gpkg (points and
parcels, EPSG:4490), access_list.csv, industry_classes.csv and rulebook.yaml
(every check type). Everything is synthetic; the same flags give the same bytes
of geometry and attributes.

    /usr/bin/python3 bench/generate.py OUTDIR [--points 1000000] [--parcels 100000] ...
"""
import argparse
import math
import os
import struct

import numpy as np
from osgeo import ogr, osr

ogr.UseExceptions()
osr.UseExceptions()

INDUSTRIES = ["C3360", "C3312", "C3381", "C3382", "C3465", "C4050", "C3399", "C2641", "C2614",
              "C1713", "C3913", "C3981", "C4090", "C2411", "G5411", "D4420", "N7721", "E4812",
              "I6513", "M7320", "K7010", "F5265", "C3311", "C3351", "C3489", "C3762", "C3099"]
WEIGHTS = np.array([4, 8, 8, 6, 6, 5, 6, 2, 1, 2, 4, 3, 3, 3, 2, 2, 2, 2, 3, 2, 3, 2, 5, 5, 4, 3, 3],
                   dtype=float)
WEIGHTS /= WEIGHTS.sum()


def srs(epsg):
    s = osr.SpatialReference()
    s.ImportFromEPSG(epsg)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def ring_bytes(xy):
    xy = np.asarray(xy, dtype="<f8")
    if not (xy[0] == xy[-1]).all():
        xy = np.vstack([xy, xy[:1]])
    return struct.pack("<I", len(xy)) + xy.tobytes()


def polygon_wkb(rings):
    return struct.pack("<BII", 1, 3, len(rings)) + b"".join(ring_bytes(r) for r in rings)


def multipolygon_wkb(polys):
    return struct.pack("<BII", 1, 6, len(polys)) + b"".join(polygon_wkb(p) for p in polys)


def blob(rng, cx, cy, r, n, rough=0.25):
    """A star-shaped (hence simple) ring of n vertices around (cx, cy)."""
    ang = np.sort(rng.uniform(0, 2 * math.pi, n))
    k = np.arange(1, 6)
    phase = rng.uniform(0, 2 * math.pi, 5)
    amp = rng.uniform(0, rough / 2, 5) / k
    rad = 1 + (amp[None, :] * np.sin(k[None, :] * ang[:, None] + phase[None, :])).sum(1)
    rad *= 1 + rng.uniform(-rough / 4, rough / 4, n)
    rad = np.clip(rad, 1 - rough, 1 + rough)
    return np.column_stack([cx + r * rad * np.cos(ang), cy + r * rad * np.sin(ang)]), r * (1 - rough)


def wiggly_edge(seed, p0, p1, n, amp):
    """Vertices strictly between p0 and p1, offset sideways; the same seed gives
    the same edge, so neighbouring cells share it exactly."""
    if n <= 0:
        return np.empty((0, 2))
    rng = np.random.RandomState(seed % (2 ** 32))
    t = np.linspace(0, 1, n + 2)[1:-1]
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = p1 - p0
    normal = np.array([-d[1], d[0]]) / np.hypot(*d)
    off = rng.uniform(-amp, amp, n) * np.sin(math.pi * t)
    return p0 + t[:, None] * d + off[:, None] * normal


def grid_cells(x0, y0, w, h, nx, ny, edge_vertices, salt):
    """Cells of an nx × ny grid whose shared edges wiggle identically on both sides."""
    xs = x0 + np.arange(nx + 1) * w / nx
    ys = y0 + np.arange(ny + 1) * h / ny
    amp = 0.15 * min(w / nx, h / ny)

    def hedge(i, j):  # from (xs[i], ys[j]) to (xs[i+1], ys[j])
        border = j in (0, ny)
        return wiggly_edge(salt * 7919 + j * 100003 + i * 17 + 1, (xs[i], ys[j]), (xs[i + 1], ys[j]),
                           edge_vertices, 0 if border else amp)

    def vedge(i, j):  # from (xs[i], ys[j]) to (xs[i], ys[j+1])
        border = i in (0, nx)
        return wiggly_edge(salt * 7919 + i * 100003 + j * 17 + 2 + 50000000, (xs[i], ys[j]),
                           (xs[i], ys[j + 1]), edge_vertices, 0 if border else amp)

    for j in range(ny):
        for i in range(nx):
            ring = np.vstack([[[xs[i], ys[j]]], hedge(i, j), [[xs[i + 1], ys[j]]], vedge(i + 1, j),
                              [[xs[i + 1], ys[j + 1]]], hedge(i, j + 1)[::-1], [[xs[i], ys[j + 1]]],
                              vedge(i, j)[::-1]])
            yield i, j, ring


def create(ds, name, epsg, gtype, fields):
    layer = ds.CreateLayer(name, srs(epsg), gtype, ["SPATIAL_INDEX=YES"])
    for fname, ftype in fields:
        layer.CreateField(ogr.FieldDefn(fname, ftype))
    return layer


def add(layer, wkb, **values):
    f = ogr.Feature(layer.GetLayerDefn())
    for k, v in values.items():
        if v is not None:
            f.SetField(k, v)
    f.SetGeometryDirectly(ogr.CreateGeometryFromWkb(wkb))
    layer.CreateFeature(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--area-km2", type=float, default=100000)
    ap.add_argument("--redlines", type=int, default=20000)
    ap.add_argument("--redline-vertices", type=int, default=5000000, help="total, at least")
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--townships", type=int, default=1300)
    ap.add_argument("--water-sets", type=int, default=300)
    ap.add_argument("--parks", type=int, default=500)
    ap.add_argument("--sources", type=int, default=200000)
    ap.add_argument("--points", type=int, default=1000000)
    ap.add_argument("--parcels", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20261128)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    rng = np.random.RandomState(a.seed)

    side = math.sqrt(a.area_km2) * 1000.0
    x0, y0 = 500000 - side / 2, 3200000 - side / 2  # EPSG:4549, around 120°E 28.9°N

    path = os.path.join(a.outdir, "layers.gpkg")
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)

    # Red lines: star-shaped blobs, some with a hole, some multipart.
    ds.StartTransaction()
    rl = create(ds, "eco_redline", 4549, ogr.wkbMultiPolygon,
                [("code", ogr.OFTString), ("name", ogr.OFTString)])
    # 9 in 10 polygons have ~per vertices, 1 in 10 has 10x: the mean is 1.9x per.
    per = max(16, int(a.redline_vertices / max(1, a.redlines) / 1.9) + 1)
    total_vertices = 0
    for k in range(a.redlines):
        cx, cy = rng.uniform(x0, x0 + side), rng.uniform(y0, y0 + side)
        # ~1.5 km² on average: 20,000 of them cover about 30 % of 100,000 km².
        r = rng.uniform(150, 1100)
        n = int(per * rng.uniform(0.5, 1.5)) if k % 10 else per * 10  # every 10th is large
        outer, inner_r = blob(rng, cx, cy, r, n)
        rings = [outer]
        if k % 7 == 0:
            hole, _ = blob(rng, cx, cy, inner_r * 0.4, max(8, n // 8), rough=0.1)
            rings.append(hole[::-1])
        polys = [rings]
        if k % 11 == 0:
            second, _ = blob(rng, cx + 3.2 * r, cy, r * 0.6, max(8, n // 3))
            polys.append([second])
        total_vertices += sum(len(rr) for p in polys for rr in p)
        add(rl, multipolygon_wkb(polys), code=f"HX{k:06d}", name=f"生态保护红线{k}")
    ds.CommitTransaction()

    # Control units and townships: wiggly grids that tile the area exactly.
    ds.StartTransaction()
    units = create(ds, "control_units", 4549, ogr.wkbPolygon,
                   [("unit_code", ogr.OFTString), ("unit_name", ogr.OFTString), ("unit_type", ogr.OFTString)])
    nu = int(round(math.sqrt(a.units)))
    types = ["优先保护", "重点管控", "一般管控"]
    for i, j, ring in grid_cells(x0, y0, side, side, nu, nu, 12, 1):
        t = int(rng.choice(3, p=[0.3, 0.3, 0.4]))
        add(units, polygon_wkb([ring]), unit_code=f"ZH33{(i * nu + j) % 10000:04d}{t + 1}{j:02d}{i:02d}",
            unit_name=f"管控单元{i}-{j}", unit_type=types[t])
    towns = create(ds, "townships", 4549, ogr.wkbPolygon,
                   [("code", ogr.OFTString), ("name", ogr.OFTString), ("voc_cap_tpa", ogr.OFTReal)])
    nt = int(round(math.sqrt(a.townships)))
    town_caps = {}
    for i, j, ring in grid_cells(x0, y0, side, side, nt, nt, 20, 2):
        cap = round(float(rng.uniform(20, 400)), 2)
        add(towns, polygon_wkb([ring]), code=f"33{j:03d}{i:03d}", name=f"乡镇{i}-{j}", voc_cap_tpa=cap)
    ds.CommitTransaction()

    # Water-source zones: 一级 blob, 二级 and 准保护区 rings around it.
    ds.StartTransaction()
    water = create(ds, "water_source_zones", 4549, ogr.wkbPolygon,
                   [("zone_id", ogr.OFTString), ("name", ogr.OFTString), ("level", ogr.OFTString)])
    for k in range(a.water_sets):
        cx, cy = rng.uniform(x0, x0 + side), rng.uniform(y0, y0 + side)
        r1 = rng.uniform(300, 800)
        ang = np.linspace(0, 2 * math.pi, 96, endpoint=False)
        circle = lambda r: np.column_stack([cx + r * np.cos(ang), cy + r * np.sin(ang)])
        add(water, polygon_wkb([circle(r1)]), zone_id=f"SY{k:04d}-1", name=f"水源{k}一级保护区", level="一级")
        add(water, polygon_wkb([circle(r1 * 3), circle(r1)[::-1]]), zone_id=f"SY{k:04d}-2",
            name=f"水源{k}二级保护区", level="二级")
        add(water, polygon_wkb([circle(r1 * 6), circle(r1 * 3)[::-1]]), zone_id=f"SY{k:04d}-3",
            name=f"水源{k}准保护区", level="准保护区")
    parks = create(ds, "industrial_parks", 4549, ogr.wkbPolygon,
                   [("park_id", ogr.OFTString), ("name", ogr.OFTString)])
    park_centres = []
    for k in range(a.parks):
        cx, cy = rng.uniform(x0, x0 + side), rng.uniform(y0, y0 + side)
        r = rng.uniform(800, 3000)
        ring, _ = blob(rng, cx, cy, r, 64, rough=0.2)
        park_centres.append((cx, cy, r))
        add(parks, polygon_wkb([ring]), park_id=f"YQ{k:04d}", name=f"工业园区{k}")
    ds.CommitTransaction()

    # Pollution sources, EPSG:4490 like a real registry.
    to_geo = osr.CoordinateTransformation(srs(4549), srs(4490))
    ds.StartTransaction()
    src = create(ds, "pollution_sources", 4490, ogr.wkbPoint,
                 [("source_id", ogr.OFTString), ("industry", ogr.OFTString), ("voc_tpa", ogr.OFTReal)])
    xs = rng.uniform(x0, x0 + side, a.sources)
    ys = rng.uniform(y0, y0 + side, a.sources)
    lonlat = to_geo.TransformPoints(np.column_stack([xs, ys]).tolist())
    loads = np.round(rng.exponential(0.3, a.sources), 3)
    inds = rng.choice(len(INDUSTRIES), a.sources, p=WEIGHTS)
    for k in range(a.sources):
        add(src, struct.pack("<BIdd", 1, 1, lonlat[k][0], lonlat[k][1]), source_id=f"PS{k:07d}",
            industry=INDUSTRIES[inds[k]], voc_tpa=float(loads[k]))
    ds.CommitTransaction()
    ds = None

    # Applications: points and parcels in EPSG:4490.
    path = os.path.join(a.outdir, "applications.gpkg")
    if os.path.exists(path):
        os.remove(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    ds.StartTransaction()
    apps = create(ds, "applications", 4490, ogr.wkbUnknown,
                  [("id", ogr.OFTString), ("name", ogr.OFTString), ("industry", ogr.OFTString),
                   ("voc_tpa", ogr.OFTReal)])
    n = a.points + a.parcels
    xs = rng.uniform(x0 - 2000, x0 + side + 2000, n)
    ys = rng.uniform(y0 - 2000, y0 + side + 2000, n)
    inds = rng.choice(len(INDUSTRIES), n, p=WEIGHTS)
    vocs = np.round(rng.exponential(0.5, n), 3)
    missing = rng.uniform(0, 1, n) < 0.03
    sizes = rng.uniform(40, 300, n)
    rot = rng.uniform(0, math.pi, n)
    for k in range(n):
        if k < a.points:
            pts = [(xs[k], ys[k])]
        else:
            c, s = math.cos(rot[k]), math.sin(rot[k])
            hw, hh = sizes[k] / 2, sizes[k] / 3
            pts = [(xs[k] + dx * c - dy * s, ys[k] + dx * s + dy * c)
                   for dx, dy in ((-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh), (-hw, -hh))]
        geo = to_geo.TransformPoints(pts)
        if k < a.points:
            wkb = struct.pack("<BIdd", 1, 1, geo[0][0], geo[0][1])
        else:
            wkb = polygon_wkb([np.array([(p[0], p[1]) for p in geo])])
        add(apps, wkb, id=f"A{k:07d}", name=f"建设项目{k}", industry=INDUSTRIES[inds[k]],
            voc_tpa=None if missing[k] else float(vocs[k]))
        if k % 100000 == 99999:
            ds.CommitTransaction()
            ds.StartTransaction()
    ds.CommitTransaction()
    ds = None

    with open(os.path.join(a.outdir, "industry_classes.csv"), "w", encoding="utf-8") as fh:
        fh.write("industry,class\nC,2\nC3360,3\nC26,3\nC17,3\nC33,2\nC34,2\nC39,1\nC40,1\nC24,1\n")
    with open(os.path.join(a.outdir, "access_list.csv"), "w", encoding="utf-8") as fh:
        fh.write("rule_id,scope,industries,effect,dimension,clause,basis\n"
                 "AL-01,优先保护,C,prohibit,空间布局约束,禁止新建工业项目,合成\n"
                 "AL-02,重点管控,class:3,restrict,空间布局约束,三类工业项目须进入园区,合成\n"
                 "AL-03,一般管控,class:3,prohibit,空间布局约束,禁止新建三类工业项目,合成\n"
                 "AL-04,*,C2641;C26,restrict,环境风险防控,涉危化品项目须编制环境风险应急预案,合成\n"
                 "AL-05,重点管控,C33,restrict,污染物排放管控,新增VOCs排放实施区域削减替代,合成\n"
                 "AL-06,*,,allow,资源开发效率要求,能效须达到国内先进水平,合成\n")
    with open(os.path.join(a.outdir, "rulebook.yaml"), "w", encoding="utf-8") as fh:
        fh.write(f"""rulebook: 1
name: province-scale benchmark (synthetic, seed {a.seed})
working_crs: EPSG:4549
input_crs: EPSG:4490
industry_classes: industry_classes.csv
coverage: units
layers:
  redline:   {{source: layers.gpkg, layer: eco_redline,        key: code,      label: name}}
  units:     {{source: layers.gpkg, layer: control_units,      key: unit_code, label: unit_name, type: unit_type}}
  water:     {{source: layers.gpkg, layer: water_source_zones, key: zone_id,   label: name}}
  parks:     {{source: layers.gpkg, layer: industrial_parks,   key: park_id,   label: name}}
  townships: {{source: layers.gpkg, layer: townships,          key: code,      label: name}}
  sources:   {{source: layers.gpkg, layer: pollution_sources,  key: source_id}}
checks:
  - id: RL-01
    type: overlap
    layer: redline
    outcome: FAIL
    exceptions:
      - industries: [G, D4420, N7721]
        outcome: CONDITIONAL
  - id: WS-01
    type: overlap
    layer: water
    where: "level = '一级'"
    outcome: FAIL
  - id: WS-02
    type: setback
    layer: water
    where: "level IN ('二级', '准保护区')"
    distance: {{C3360: 1000, C26: 1000, C33: 500, default: 0}}
    outcome: FAIL
  - id: AL
    type: access_list
    layer: units
    table: access_list.csv
  - id: CAP-VOC
    type: capacity
    zones: townships
    cap_field: voc_cap_tpa
    points: sources
    load_field: voc_tpa
    attr: voc_tpa
    outcome: CONDITIONAL
  - id: PARK-01
    type: require_within
    layer: parks
    industries: [C3360, "class:3"]
    outcome: FAIL
""")
    print(f"{a.outdir}: {a.redlines} red lines ({total_vertices} vertices), {nu * nu} units, "
          f"{nt * nt} townships, {3 * a.water_sets} water zones, {a.parks} parks, {a.sources} sources, "
          f"{a.points} point + {a.parcels} parcel applications")


if __name__ == "__main__":
    main()
