#!/usr/bin/env python3
"""Rebuild the table of 《建设项目环境影响评价分类管理名录（2021年版）》 from its PDF.

Stdlib only (plus the `pdftotext` program of poppler-utils). The PDF (WPS-made) draws every table
cell's text inside a clip rectangle `x y w h re W* n`; those rectangles are the cells. The words and
their boxes come from `pdftotext -bbox-layout`, whose coordinates (y downward) are the ones the
content streams use after their `1 0 0 -1 0 H cm`. Each word goes to the smallest cell holding its
centre; a cell's text is its words by line then x, all whitespace removed.

    python3 src/data/eia_extract.py PDF            # print the rows as JSON lines
    python3 src/data/eia_extract.py PDF --generate src/data/eia_catalog_2021.json
        # (re)write the catalog JSON: the extracted texts + the hand-encoded rules of eia_rules.py
"""
import html
import json
import re
import subprocess
import sys
import zlib

COLUMNS = ["number", "name", "报告书", "报告表", "登记表", "含义"]


def _objects(data):
    return {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}


def page_cells(path):
    """Per page (in order), the clip rectangles (x, y, w, h) of the table cells."""
    data = open(path, "rb").read()
    objs = _objects(data)
    root = int(re.search(rb"/Root (\d+) 0 R", data[data.rfind(b"trailer"):]).group(1))
    pages = int(re.search(rb"/Pages (\d+) 0 R", objs[root]).group(1))
    kids = re.search(rb"/Kids \[(.*?)\]", objs[pages], re.S).group(1)
    out = []
    for kid in (int(k) for k in re.findall(rb"(\d+) 0 R", kids)):
        contents = int(re.search(rb"/Contents (\d+) 0 R", objs[kid]).group(1))
        raw = re.search(rb"stream\r?\n(.*?)endstream", objs[contents], re.S).group(1)
        stream = zlib.decompress(raw)
        num = rb"(-?[\d.]+)\s+"
        rects = [tuple(float(v) for v in m)
                 for m in re.findall(num * 4 + rb"re\s*W\*\s*n", stream)]
        out.append([r for r in rects if not (r[0] == 0 and r[1] == 0)])
    return out


def page_words(path):
    """Per page, the words (xmin, ymin, xmax, ymax, text) of `pdftotext -bbox-layout`."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", path, "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                      r'yMax="([\d.]+)">(.*?)</word>')
    pages = []
    for page in xml.split("<page ")[1:]:
        pages.append([tuple(map(float, m.groups()[:4])) + (html.unescape(m.group(5)),)
                      for m in word.finditer(page)])
    return pages


def _cell_text(words):
    """Words by line (a line: tops within 3 pt of its first word's), then by x; whitespace removed."""
    lines = []
    for w in sorted(words, key=lambda w: w[1]):
        if lines and w[1] - lines[-1][0][1] < 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    text = "".join(w[4] for line in lines for w in sorted(line, key=lambda w: w[0]))
    return re.sub(r"\s+", "", text)


def _assign(cells, words):
    texts = {}
    for w in words:
        cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
        inside = [r for r in cells if r[0] <= cx <= r[0] + r[2] and r[1] <= cy <= r[1] + r[3]]
        if inside:
            texts.setdefault(min(inside, key=lambda r: r[2] * r[3]), []).append(w)
    return texts


def stray_words(path):
    """Words inside a table's body that no single cell holds whole (should be none)."""
    stray = []
    for pageno, (cells, words) in enumerate(zip(page_cells(path), page_words(path)), 1):
        header = [r for r in cells if r[1] < 90 and r[3] > 20]
        body = [r for r in cells if r not in header and r[1] < 505]
        if len(header) < 5 or not body:
            continue
        top, bottom = min(r[1] for r in body), max(r[1] + r[3] for r in body)
        for w in words:
            if not top < (w[1] + w[3]) / 2 < bottom:
                continue
            if not any(r[0] - 1 <= w[0] and w[2] <= r[0] + r[2] + 1 and r[1] - 1 <= w[1]
                       and w[3] <= r[1] + r[3] + 1 for r in body):
                stray.append((pageno, w[4]))
    return stray


def table_rows(path):
    """The table's rows in order: {"section": text} or {"cells": {column: text}}, with "page"."""
    rows = []
    for pageno, (cells, words) in enumerate(zip(page_cells(path), page_words(path)), 1):
        header = [r for r in cells if r[1] < 90 and r[3] > 20]
        if len(header) < 5:
            continue                      # not a table page
        body = [r for r in cells if r not in header and r[1] < 505]
        edges = sorted(r[0] for r in header)     # 项目类别 (number + name), 报告书, ..., 含义
        if len(edges) != 5:
            raise ValueError(f"page {pageno}: {len(edges)} header cells, expected 5")
        texts = _assign(body, words)
        by_top = {}
        for r in body:
            by_top.setdefault(r[1], []).append(r)
        for top in sorted(by_top):
            row = {"page": pageno, "cells": {}}
            for r in sorted(by_top[top]):
                text = _cell_text(texts.get(r, []))
                if r[2] > 700:
                    row["section"] = text
                else:
                    col = max(i for i, e in enumerate(edges) if r[0] >= e - 1)
                    name = COLUMNS[col + 1] if col else \
                        ("number" if r[0] < edges[0] + 5 else "name")
                    row["cells"][name] = text
            rows.append(row)
    return rows


def catalog(path):
    """Sections and items as the PDF prints them (texts only)."""
    sections, items = [], []
    for row in table_rows(path):
        if "section" in row:
            sections.append(row["section"])
            continue
        c = row["cells"]
        items.append({"number": int(c["number"]), "section": len(sections),
                      "name": c.get("name", ""),
                      "columns": {k: c.get(k, "") for k in ("报告书", "报告表", "登记表")},
                      "sensitive_text": c.get("含义") or None})
    return sections, items


def notes_text(path):
    """The 说明 after the table, as numbered paragraphs (verbatim, whitespace removed)."""
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    tail = text[text.rindex("说明："):]
    tail = re.sub(r"—\s*\d+\s*—", "", tail)
    flat = re.sub(r"\s+", "", tail[len("说明："):])
    parts = re.split(r"(?:(?<=。)|^)(\d)\.", flat)
    notes = []
    for i in range(1, len(parts) - 1, 2):
        notes.append((int(parts[i]), parts[i + 1]))
    return notes


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    if len(argv) >= 4 and argv[2] == "--generate":
        import os
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import eia_rules
        doc = eia_rules.build(argv[1])
        with open(argv[3], "w", encoding="utf-8") as f:
            f.write(eia_rules.dump(doc))
        return 0
    for row in table_rows(argv[1]):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
