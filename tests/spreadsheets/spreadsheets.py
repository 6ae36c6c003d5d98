#!/usr/bin/python3
"""Application lists as bureaus keep them, end to end: workbooks written by a
real spreadsheet writer (openpyxl, as Excel/WPS save them), not by GDAL —
Chinese headers under a title row, industry codes stored as numbers, degrees-
minutes-seconds in the common forms, two sheets, explicit column flags, an
empty sheet, ambiguous columns — screened by `redline batch` and compared
with the same applications given as a plain CSV with decimal lon/lat. Also
`--xlsx` out (Chinese column titles, a findings sheet), an ODS and a DBF
attribute table (written by GDAL), and the README's template."""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RB = os.path.join(ROOT, "sample_data/yongkang/rulebook.yaml")
SAMPLE = os.path.join(ROOT, "sample_data/yongkang/applications.csv")

ap = argparse.ArgumentParser()
ap.add_argument("--redline", required=True)
REDLINE = ap.parse_args().redline
failures = []


def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def redline(*args):
    return subprocess.run([REDLINE, "-q", *args], capture_output=True, text=True)


def batch(tmp, apps, *flags, tag="out"):
    js = os.path.join(tmp, tag + ".json")
    p = redline("batch", RB, apps, "-o", os.path.join(tmp, tag + ".gpkg"), "--json", js, *flags)
    if p.returncode != 0:
        return p, None
    with open(js, encoding="utf-8") as fh:
        return p, json.load(fh)


def verdicts(results):
    return [(r["site_id"], r["verdict"], r["message"]) for r in results]


# ---- the applications: the sample's point sites ----
rows = []
with open(SAMPLE, encoding="utf-8-sig") as fh:
    for r in csv.DictReader(fh):
        parts = r["wkt"][6:-1].split() if r["wkt"].startswith("POINT(") else []
        if len(parts) == 2 and len(rows) < 40 and r["id"] and r["industry"]:
            try:
                lon, lat = float(parts[0]), float(parts[1])
            except ValueError:
                continue
            rows.append({"id": r["id"], "name": r["name"], "industry": r["industry"],
                         "voc_tpa": r["voc_tpa"], "lon": lon, "lat": lat})
assert len(rows) == 40


def dms_parts(v):
    """(degrees, minutes, seconds rounded to 0.001) of |v| and the decimal they stand for."""
    a = abs(v)
    d = int(a)
    m = int((a - d) * 60)
    s = round(((a - d) * 60 - m) * 60, 3)
    if s >= 60:
        s, m = 0.0, m + 1
    if m >= 60:
        m, d = 0, d + 1
    dec = d + m / 60.0 + s / 3600.0
    return d, m, s, (-dec if v < 0 else dec)


FORMS = [
    lambda d, m, s, ax: f"{d}°{m:02d}′{s:06.3f}″",
    lambda d, m, s, ax: f"{d}°{m}'{s}\"" + ("E" if ax == "lon" else "N"),
    lambda d, m, s, ax: f"{d}度{m}分{s}秒",
    lambda d, m, s, ax: ("东经" if ax == "lon" else "北纬") + f"{d}°{m}′{s}″",
    lambda d, m, s, ax: ("E " if ax == "lon" else "N ") + f"{d}° {m}′ {s}″",
    lambda d, m, s, ax: "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{d}°{m}′{s}″"),
]


def sheet_values(r, i):
    """The row as a bureau's sheet holds it, and the decimal lon/lat it means."""
    code = r["industry"][1:] if r["industry"][:1].isalpha() else r["industry"]
    # Excel turns a code typed without its letter into a number: 3312 or 3312.0
    numeric = code.isdigit() and len(code) == 4
    code_cell = (int(code) if i % 3 == 0 else float(code) if i % 3 == 1 else r["industry"]) if numeric \
        else r["industry"]
    if i % 4 == 3:  # decimal degrees, as numbers
        return code_cell, r["lon"], r["lat"], r["lon"], r["lat"]
    form = FORMS[i % len(FORMS)]
    dl, ml, sl, lon = dms_parts(r["lon"])
    dt, mt, st, lat = dms_parts(r["lat"])
    return code_cell, form(dl, ml, sl, "lon"), form(dt, mt, st, "lat"), lon, lat


def write_twin_csv(path, data):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "industry", "voc_tpa", "lon", "lat"])
        for r, (code, _, _, lon, lat) in data:
            # The code as the sheet holds it: a number reads as its digits (3312.0 -> 3312).
            code = str(int(code)) if isinstance(code, (int, float)) else code
            w.writerow([r["id"], r["name"], code, r["voc_tpa"], repr(lon), repr(lat)])


with tempfile.TemporaryDirectory() as tmp:
    data = [(r, sheet_values(r, i)) for i, r in enumerate(rows)]
    twin = os.path.join(tmp, "twin.csv")
    write_twin_csv(twin, data)
    p, expected = batch(tmp, twin, tag="twin")
    expect(p.returncode == 0 and len(expected) == 40, "the decimal CSV twin screens 40 sites")

    # 1. Chinese headers under a title row, numeric codes, DMS; a second sheet.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报项目"
    ws.append(["永康市建设项目环境准入申报汇总表（2026年第一批）"])
    ws.merge_cells("A1:F1")
    ws.append(["项目编号", "项目名称", "行业代码", "voc_tpa", "经度", "纬度"])
    for r, (code, lon, lat, _, _) in data:
        ws.append([r["id"], r["name"], code, float(r["voc_tpa"]) if r["voc_tpa"] else None, lon, lat])
    ws2 = wb.create_sheet("第二批")
    ws2.append(["项目编号", "项目名称", "行业代码", "voc_tpa", "经度", "纬度"])
    for r, (code, lon, lat, _, _) in data[:5]:
        ws2.append([r["id"] + "-B", r["name"], code, r["voc_tpa"], lon, lat])
    book = os.path.join(tmp, "申报.xlsx")
    wb.save(book)

    p, got = batch(tmp, book, "--xlsx", os.path.join(tmp, "结果.xlsx"), tag="book")
    expect(p.returncode == 0, f"a workbook with Chinese headers is screened without flags ({p.stderr.strip()})")
    if got is not None:
        diff = [(a, b) for a, b in zip(verdicts(got), verdicts(expected)) if a != b]
        expect(not diff and len(got) == len(expected),
               "Chinese headers, numeric codes and DMS give the decimal CSV's verdicts and messages, site by site"
               + (f": first difference {diff[0]}" if diff else ""))
        expect([r["industry_code"] for r in got[:3]] == [r["industry_code"] for r in expected[:3]],
               "codes stored as numbers (3312, 3312.0) are read as the 4-digit code")
    p2 = subprocess.run([REDLINE, "batch", RB, book, "-o", os.path.join(tmp, "n.gpkg")],
                        capture_output=True, text=True)
    expect("header read from row 2" in p2.stderr, "the title row is reported as skipped")

    p, got = batch(tmp, book, "--sheet", "第二批", tag="sheet2")
    expect(p.returncode == 0 and got is not None and [r["site_id"] for r in got] ==
           [r["id"] + "-B" for r in rows[:5]], "--sheet picks the second sheet")
    p, _ = batch(tmp, book, "--sheet", "第三批", tag="nosheet")
    expect(p.returncode == 2 and "申报项目, 第二批" in p.stderr, "an unknown sheet lists the sheets")

    # 2. --xlsx out: Chinese titles, one row per site, a findings sheet.
    out = openpyxl.load_workbook(os.path.join(tmp, "结果.xlsx"))
    expect(out.sheetnames == ["项目", "核查结果"], f"--xlsx sheets: {out.sheetnames}")
    head = [c.value for c in next(out["项目"].iter_rows(max_row=1))]
    expect(head[:6] == ["项目编号（申报）", "项目名称", "行业代码（申报）", "voc_tpa", "经度", "纬度"] and
           "核查结论" in head and "说明" in head, f"--xlsx header: {head}")
    body = list(out["项目"].iter_rows(min_row=2, values_only=True))
    expect(len(body) == 40, f"--xlsx: one row per application ({len(body)})")
    vi = head.index("核查结论")
    expect({b[vi] for b in body} <= {"通过", "有条件通过", "信息不全", "不通过", "错误"},
           "verdicts in words a planner reads")
    nfind = sum(len(r["findings"]) for r in expected)
    expect(out["核查结果"].max_row - 1 == nfind, f"findings sheet: {out['核查结果'].max_row - 1} rows, {nfind} findings")
    p, _ = batch(tmp, book, "--xlsx", os.path.join(tmp, "en.xlsx"), "--lang", "en", tag="en")
    en = openpyxl.load_workbook(os.path.join(tmp, "en.xlsx"))
    expect(en.sheetnames == ["sites", "findings"] and
           "verdict" in [c.value for c in next(en["sites"].iter_rows(max_row=1))], "--xlsx --lang en: English titles")

    # 3. Other names with flags; --header-row with two title rows.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["附件2"])
    ws.append(["建设项目清单"])
    ws.append(["编码", "项目", "行业", "voc_tpa", "X坐标", "Y坐标"])
    for r, (code, lon, lat, _, _) in data:
        ws.append([r["id"], r["name"], code, r["voc_tpa"], lon, lat])
    flagged = os.path.join(tmp, "flags.xlsx")
    wb.save(flagged)
    p, _ = batch(tmp, flagged, tag="noflags")
    expect(p.returncode == 2 and "no industry field" in p.stderr, "unknown column names need flags (exit 2)")
    p, got = batch(tmp, flagged, "--id-field", "编码", "--industry-field", "行业", "--name-field", "项目",
                   "--lon-field", "X坐标", "--lat-field", "Y坐标", "--header-row", "3", tag="flags")
    expect(p.returncode == 0 and got is not None and verdicts(got) == verdicts(expected),
           f"--id/--industry/--lon/--lat-field and --header-row 3 read the same sites ({p.stderr.strip()})")

    # 4. Ambiguous columns, an empty sheet, bad coordinates.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目编号", "行业代码", "经度", "lng", "纬度"])
    ws.append(["A", "C3312", 120.07, 120.07, 28.87])
    amb = os.path.join(tmp, "amb.xlsx")
    wb.save(amb)
    p, _ = batch(tmp, amb, tag="amb")
    expect(p.returncode == 2 and "'经度' and 'lng'" in p.stderr and "--lon-field" in p.stderr,
           f"two possible lon columns: a usage error naming both ({p.stderr.strip()})")
    p, got = batch(tmp, amb, "--lon-field", "lng", tag="amb2")
    expect(p.returncode == 0, "... and --lon-field settles it")

    wb = openpyxl.Workbook()
    wb.active.title = "空表"
    empty = os.path.join(tmp, "empty.xlsx")
    wb.save(empty)
    p, _ = batch(tmp, empty, tag="empty")
    expect(p.returncode == 2 and "empty" in p.stderr, f"an empty sheet is a usage error ({p.stderr.strip()})")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目编号", "行业代码", "经度", "纬度"])
    bad = [("M60", "120°60′00″", "28°52′16″"), ("S60", "120°04′60″", "28°52′16″"),
           ("TXT", "东门外", "28.87"), ("LATLON", "北纬28°52′", "120°04′")]
    for id_, lon, lat in bad:
        ws.append([id_, 3312, lon, lat])
    ws.append([None, None, None, None])
    ws.append(["NEG", 3312, "-120°04′32″", "28°52′16″"])
    ws.append(["OK", 3312, "120°04′", "28°52′"])
    badf = os.path.join(tmp, "bad.xlsx")
    wb.save(badf)
    p, got = batch(tmp, badf, tag="bad")
    expect(p.returncode == 0 and got is not None and len(got) == 6,
           "bad coordinates are ERROR rows, a blank row is skipped, the run goes on")
    if got:
        by = {r["site_id"]: r for r in got}
        for id_, lon, _ in bad:
            expect(by[id_]["verdict"] == "ERROR" and ("「" + lon + "」") in by[id_]["message"],
                   f"{id_}: ERROR naming the value: {by[id_]['message']}")
        expect(by["NEG"]["verdict"] == "INCOMPLETE" and "COVERAGE" in by["NEG"]["message"],
               f"a negative longitude is read (and lies outside the coverage): {by['NEG']['message']}")
        expect(by["OK"]["verdict"] != "ERROR", f"degrees and minutes without seconds: {by['OK']['message']}")

    # 5. ODS and a DBF attribute table (written by GDAL: openpyxl writes only XLSX).
    ods = os.path.join(tmp, "申报.ods")
    subprocess.run(["ogr2ogr", "-f", "ODS", ods, twin, "-nln", "申报"], check=True)
    p, got = batch(tmp, ods, tag="ods")
    expect(p.returncode == 0 and got is not None and verdicts(got) == verdicts(expected), "an ODS sheet")
    dbf = os.path.join(tmp, "apps.dbf")
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", dbf, twin, "-lco", "ENCODING=UTF-8"], check=True)
    p, got = batch(tmp, dbf, tag="dbf")
    expect(p.returncode == 0 and got is not None and verdicts(got) == verdicts(expected),
           f"a DBF table without geometry takes lon/lat columns ({p.stderr.strip()})")

    # 6. The template and the sample as a workbook (sample_data/yongkang/).
    tpl = os.path.join(ROOT, "sample_data/yongkang/applications_template.xlsx")
    p, got = batch(tmp, tpl, tag="tpl")
    expect(p.returncode == 0 and got is not None and len(got) >= 1, f"the template screens ({p.stderr.strip()})")
    sx = os.path.join(ROOT, "sample_data/yongkang/applications.xlsx")
    p, got = batch(tmp, sx, tag="sx")
    _, csvres = batch(tmp, SAMPLE, tag="scsv")
    expect(p.returncode == 0 and got is not None and verdicts(got) == verdicts(csvres),
           "sample_data's applications.xlsx screens as applications.csv does")

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("ok: spreadsheets")
