#!/usr/bin/env python3
"""ctest eia_catalog_pdf: src/data/eia_catalog_2021.json against the catalog's PDF.

Re-extracts the table from the PDF (src/data/eia_extract.py: cell clip rectangles + pdftotext word
boxes) and checks, item by item, number, section, name and the three column texts and the 含义 text
(whitespace-normalised); 55 sections, 173 items; the 说明 notes; every code in the GB/T 4754-2017
table; every `when`/`scope` well-formed (known shapes, fact keys, ops, sensitive terms).
docs/eia_catalog.md's generated tables current. Exit 77 (skipped) when pdftotext is absent.

    catalog_vs_pdf.py [--pdf PDF] [--json JSON] [--gbt CSV]
"""
import argparse
import csv
import json
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "src", "data"))

OPS = {">=", ">", "<=", "<", "==", "!="}
COLUMNS = ("报告书", "报告表", "登记表")


def norm(text):
    return re.sub(r"\s+", "", text or "")


class Checker:
    def __init__(self, doc, gbt):
        self.doc, self.gbt, self.errors = doc, gbt, []
        self.terms = {t for ts in doc["sensitive_terms"].values() for t in ts}

    def fail(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def fact(self, where, key, kinds):
        spec = self.doc["facts"].get(key)
        if spec is None:
            self.fail(where, f"unknown fact {key!r}")
        elif spec["kind"] not in kinds:
            self.fail(where, f"fact {key!r} is {spec['kind']}, used as {'/'.join(kinds)}")
        return spec

    def values(self, where, key, spec, values):
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            self.fail(where, f"{key}: values must be a non-empty list of strings")
            return
        allowed = spec.get("values") if spec else None
        if allowed and key != "industry":
            for v in values:
                if v not in allowed:
                    self.fail(where, f"{key}: value {v!r} not among the fact's values {allowed}")
        if key == "industry":
            for v in values:
                if v not in self.gbt:
                    self.fail(where, f"industry code {v!r} not in GB/T 4754-2017")

    def cond(self, where, c, in_column=True):
        if not isinstance(c, dict) or not c:
            self.fail(where, f"COND must be an object: {c!r}")
            return
        keys = set(c)
        if keys == {"always"} and c["always"] is True:
            return
        if keys in ({"all"}, {"any"}):
            items = c[next(iter(keys))]
            if not isinstance(items, list) or len(items) < 1:
                self.fail(where, f"{keys} needs a non-empty list")
                return
            for sub in items:
                self.cond(where, sub, in_column)
            return
        if keys == {"not"}:
            self.cond(where, c["not"], in_column)
            return
        if keys == {"process"}:
            self.values(where, "process", None, c["process"])
            return
        if keys == {"sensitive"}:
            v = c["sensitive"]
            if v is True:
                return
            if not isinstance(v, list) or not v:
                self.fail(where, "sensitive must be true or a non-empty list")
                return
            for t in v:
                if t not in self.terms:
                    self.fail(where, f"sensitive term {t!r} not in sensitive_terms")
            return
        if keys <= {"otherwise", "except"} and c.get("otherwise") is True:
            if not in_column:
                self.fail(where, "otherwise outside a column")
            if "except" in c:
                self.cond(where, c["except"], in_column)
            return
        if "fact" in keys:
            key = c["fact"]
            if keys == {"fact", "op", "value"}:
                self.fact(where, key, ("number",))
                if c["op"] not in OPS:
                    self.fail(where, f"unknown op {c['op']!r}")
                if isinstance(c["value"], bool) or not isinstance(c["value"], (int, float)):
                    self.fail(where, f"value must be a number: {c['value']!r}")
                return
            if keys == {"fact", "in"}:
                spec = self.fact(where, key, ("text", "yesno", "list", "code"))
                self.values(where, key, spec, c["in"])
                return
            if keys == {"fact", "only"}:
                spec = self.fact(where, key, ("list",))
                self.values(where, key, spec, c["only"])
                return
        self.fail(where, f"unknown COND shape {sorted(keys)}")

    def uses_sensitive(self, c):
        if isinstance(c, dict):
            if c.get("sensitive") is True:
                return True
            return any(self.uses_sensitive(v) for v in c.values())
        if isinstance(c, list):
            return any(self.uses_sensitive(v) for v in c)
        return False

    def item(self, item):
        where = f"item {item['number']}"
        for code in item["codes"]:
            if code not in self.gbt:
                self.fail(where, f"code {code!r} not in GB/T 4754-2017")
        if not item["codes"] and not item["projects"]:
            self.fail(where, "neither codes nor projects: nothing maps to it")
        if set(item.get("star_codes", [])) - set(item["codes"]) or item["star"] != bool(item.get("star_codes")):
            self.fail(where, "star / star_codes inconsistent")
        if item["scope"] is not None:
            self.cond(where + " scope", item["scope"], in_column=False)
        for t in item["sensitive"]:
            if t not in self.terms:
                self.fail(where, f"sensitive {t!r} not in sensitive_terms")
        for col in COLUMNS:
            cell = item["columns"].get(col)
            if cell is None:
                continue
            self.cond(f"{where} {col}", cell["when"])
            if self.uses_sensitive(cell["when"]) and not item["sensitive"]:
                self.fail(f"{where} {col}", "uses sensitive: true but the item has no 含义 terms")


def text_numbers(text):
    """The figures a cell prints, with 万/亿 applied, 1/4 and 50% as fractions."""
    out = set()
    for m in re.finditer(r"(\d+(?:\.\d+)?)(?:/(\d+))?(%)?(万|亿)?", text):
        v = float(m.group(1))
        if m.group(2):
            v /= float(m.group(2))
        if m.group(3):
            v /= 100
        v *= {"万": 1e4, "亿": 1e8}.get(m.group(4), 1)
        out.add(round(v, 6))
    return out


def cond_numbers(c):
    if isinstance(c, dict):
        if "op" in c:
            yield c["value"]
        for k, v in c.items():
            if k != "value":
                yield from cond_numbers(v)
    elif isinstance(c, list):
        for v in c:
            yield from cond_numbers(v)


def check_figures(doc, errors):
    """Every non-zero threshold of a condition is a figure its cell prints (kW from 万千瓦/兆瓦)."""
    for item in doc["items"]:
        cells = [("scope", item["name"], item["scope"])]
        cells += [(col, c["text"], c["when"]) for col, c in item["columns"].items() if c]
        for col, text, cond in cells:
            printed = text_numbers(text)
            printed |= {round(v * 1e3, 6) for v in printed if "兆瓦" in text or "万千瓦" in text}
            for v in cond_numbers(cond):
                if v != 0 and round(v, 6) not in printed:
                    errors.append(f"item {item['number']} {col}: threshold {v} not printed in {text!r}")


def compare(doc, sections, items, notes, errors):
    if len(doc["sections"]) != 55 or len(sections) != 55:
        errors.append(f"sections: json {len(doc['sections'])}, pdf {len(sections)}, expected 55")
    for i, (js, ps) in enumerate(zip(doc["sections"], sections), 1):
        if js["number"] != i or norm(js["text"]) != norm(ps):
            errors.append(f"section {i}: json {js['text']!r}, pdf {ps!r}")
    if len(doc["items"]) != 173 or len(items) != 173:
        errors.append(f"items: json {len(doc['items'])}, pdf {len(items)}, expected 173")
    for n, (ji, pi) in enumerate(zip(doc["items"], items), 1):
        where = f"item {n}"
        if ji["number"] != n or pi["number"] != n:
            errors.append(f"{where}: numbers json {ji['number']}, pdf {pi['number']}")
        if ji["section"] != pi["section"]:
            errors.append(f"{where}: section json {ji['section']}, pdf {pi['section']}")
        if norm(ji["name"]) != norm(pi["name"]):
            errors.append(f"{where}: name json {ji['name']!r}, pdf {pi['name']!r}")
        for col in COLUMNS:
            cell = ji["columns"].get(col)
            text = "/" if cell is None else cell["text"]
            if norm(text) != norm(pi["columns"][col]):
                errors.append(f"{where} {col}: json {text!r}, pdf {pi['columns'][col]!r}")
        if norm(ji["sensitive_text"]) != norm(pi["sensitive_text"]):
            errors.append(f"{where} 含义: json {ji['sensitive_text']!r}, pdf {pi['sensitive_text']!r}")
    jn = [(x["id"], norm(x["text"])) for x in doc["notes"]]
    pn = [(n, norm(t)) for n, t in notes]
    if len(jn) != 6 or [t for _, t in jn] != [t for _, t in pn]:
        errors.append(f"说明: json {jn}, pdf {pn}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdf", default=os.path.join(ROOT, "src", "data", "eia_catalog_2021.pdf"))
    ap.add_argument("--json", default=os.path.join(ROOT, "src", "data", "eia_catalog_2021.json"))
    ap.add_argument("--gbt", default=os.path.join(ROOT, "src", "data", "gbt4754_2017.csv"))
    ap.add_argument("--doc", default=os.path.join(ROOT, "docs", "eia_catalog.md"))
    args = ap.parse_args()
    if shutil.which("pdftotext") is None:
        print("SKIP: pdftotext (poppler-utils) is not installed; the catalog cannot be re-extracted")
        return 77
    import eia_extract
    with open(args.json, encoding="utf-8") as f:
        raw = f.read()
    doc = json.loads(raw)
    with open(args.gbt, encoding="utf-8") as f:
        gbt = {r["numeric_code"] for r in csv.DictReader(f) if r["numeric_code"]}
    sections, items = eia_extract.catalog(args.pdf)
    checker = Checker(doc, gbt)
    if ";" in raw or "\\" in raw:
        checker.fail(args.json, "holds an ASCII ; or a backslash: CMake embeds it as a string like the GB/T table")
    for page, word in eia_extract.stray_words(args.pdf):
        checker.fail(f"page {page}", f"word {word!r} lies in no single table cell")
    compare(doc, sections, items, eia_extract.notes_text(args.pdf), checker.errors)
    for item in doc["items"]:
        checker.item(item)
    check_figures(doc, checker.errors)
    for s in doc["sections"]:
        for code in s.get("codes", []):
            if code not in gbt:
                checker.fail(f"section {s['number']}", f"code {code!r} not in GB/T 4754-2017")
    for word, target in doc["process_aliases"].items():
        if not word or not target:
            checker.fail("process_aliases", f"{word!r} -> {target!r}")
    import eia_rules
    with open(args.doc, encoding="utf-8") as f:
        md = f.read()
    if eia_rules.replace_doc_tables(md, eia_rules.doc_tables(doc)) != md:
        checker.fail(args.doc, "generated tables out of date: python3 src/data/eia_rules.py JSON DOC")
    for e in checker.errors:
        print("FAIL", e)
    n_when = sum(1 for i in doc["items"] for c in i["columns"].values() if c)
    print(f"{len(doc['sections'])} sections, {len(doc['items'])} items, {n_when} column conditions, "
          f"{len(checker.errors)} errors")
    return 1 if checker.errors else 0


if __name__ == "__main__":
    sys.exit(main())
