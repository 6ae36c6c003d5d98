#!/usr/bin/python3
"""The `--report FILE.html` of the sample batch, opened in headless Debian
Chromium: the DOM has exactly one `section.site` per expected site (the
non-PASS sites of the JSON output, in input order, within the report's limit),
the screenshot is not blank, the document is self-contained and prints on A4.

  report_test.py --redline build/redline CASE
CASE: chromium | english | limit
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RB = "sample_data/yongkang/rulebook.yaml"
APPS = "sample_data/yongkang/applications.csv"
SECTION_LIMIT = 500  # ReportLimits::sections
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--hide-scrollbars"]
VERDICT_RGB = {"PASS": (0x2e, 0x9e, 0x44), "CONDITIONAL": (0xf0, 0xa2, 0x02),
               "INCOMPLETE": (0x7b, 0x8f, 0xa6), "FAIL": (0xd7, 0x19, 0x1c),
               "ERROR": (0xc5, 0x1b, 0x7d)}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run_batch(redline, tmp, apps=APPS, lang=None):
    out = {k: os.path.join(tmp, "o." + k) for k in ("gpkg", "json", "html")}
    cmd = [redline] + (["--lang", lang] if lang else []) + [
        "-q", "batch", RB, apps, "-o", out["gpkg"], "--json", out["json"], "--report", out["html"]]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr))
    with open(out["json"], encoding="utf-8") as fh:
        sites = json.load(fh)
    with open(out["html"], encoding="utf-8") as fh:
        doc = fh.read()
    leftovers = [f for f in os.listdir(tmp) if "redline-tmp" in f]
    if leftovers:
        fail("temporary files left behind: %s" % leftovers)
    return out, sites, doc


class Sections(html.parser.HTMLParser):
    """section.site elements in document order, with what each contains."""

    def __init__(self):
        super().__init__()
        self.sites = []  # [site id, {tag/class counts}]
        self.depth = 0   # section nesting inside the current site section
        self.external = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "html":
            self.lang = a.get("lang")
        for k in ("src", "href", "xlink:href"):
            v = a.get(k)
            if v and not v.startswith("#") and not v.startswith("data:"):
                self.external.append((tag, k, v))
        if tag in ("script", "link", "iframe", "object", "embed", "img"):
            self.external.append((tag, "", ""))
        if tag == "section":
            if self.depth:
                self.depth += 1
            elif "site" in classes:
                self.sites.append([a.get("data-site-id"), {}])
                self.depth = 1
            return
        if self.depth:
            counts = self.sites[-1][1]
            for key in [tag] + ["%s.%s" % (tag, c) for c in classes]:
                counts[key] = counts.get(key, 0) + 1

    def handle_endtag(self, tag):
        if tag == "section" and self.depth:
            self.depth -= 1


def parse(doc):
    p = Sections()
    p.feed(doc)
    p.close()
    return p


def expected_sections(sites):
    ids = [s["site_id"] for s in sites if s["verdict"] != "PASS"]
    return ids[:SECTION_LIMIT]


def check_sections(doc, sites, where):
    p = parse(doc)
    got = [sid for sid, _ in p.sites]
    want = expected_sections(sites)
    if got != want:
        missing = [s for s in want if s not in got]
        extra = [s for s in got if s not in want]
        fail("%s: %d section.site, expected %d (missing %s, unexpected %s)"
             % (where, len(got), len(want), missing[:5], extra[:5]))
    by_id = {s["site_id"]: s for s in sites}
    for sid, counts in p.sites:
        s = by_id[sid]
        if s["geometry"] is not None:
            for what in ("svg", "g.scale", "g.north", "path.site" if s["geometry"]["type"] != "Point"
                         else "circle.site"):
                if not counts.get(what):
                    fail("%s: the section of %s has no %s" % (where, sid, what))
        # one findings row (tbody) per finding
        if counts.get("tbody.finding", 0) != len(s["findings"]):
            fail("%s: the section of %s has %d findings, the JSON %d"
                 % (where, sid, counts.get("tbody.finding", 0), len(s["findings"])))
    return p


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG (what Chromium writes)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail("unexpected PNG format: depth %d, colour type %d" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, [[tuple(r[x * bpp:x * bpp + 3]) for x in range(w)] for r in rows]


def chromium(args, tmp, timeout=180):
    if not os.path.exists(CHROMIUM):
        fail("Debian chromium is not installed (bash .ci/setup --tests installs it)")
    profile = tempfile.mkdtemp(dir=tmp, prefix="chromium-")
    p = subprocess.run([CHROMIUM] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args,
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        fail("chromium exited %d: %s" % (p.returncode, p.stderr[-2000:]))
    return p.stdout


def case_chromium(redline, tmp):
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if not fonts.strip():
        fail("no font with Chinese glyphs: the report would show boxes (install fonts-noto-cjk)")
    out, sites, doc = run_batch(redline, tmp)
    p = check_sections(doc, sites, "report file")
    if p.external:
        fail("the report is not self-contained: %s" % p.external[:5])
    if p.lang != "zh-CN":
        fail("<html lang> is %r, expected zh-CN by default" % p.lang)
    for needed in ("三线一单选址筛查报告", "@page", "size: A4", "Noto Sans CJK SC",
                   "永康市生态环境分区管控", "SHA-256"):
        if needed not in doc:
            fail("the report does not contain %r" % needed)
    url = "file://" + out["html"]

    dom = chromium(["--dump-dom", url], tmp)
    check_sections(dom, sites, "Chromium DOM")

    shot = os.path.join(tmp, "report.png")
    chromium(["--window-size=1000,1600", "--screenshot=" + shot, url], tmp)
    w, h, px = png_pixels(shot)
    colours = {}
    for row in px[::2]:
        for c in row[::2]:
            colours[c] = colours.get(c, 0) + 1
    total = sum(colours.values())
    top = max(colours.values())
    if len(colours) < 50 or top > 0.97 * total:
        fail("the screenshot looks blank: %d colours, the commonest covers %.1f%%"
             % (len(colours), 100.0 * top / total))
    for verdict, rgb in VERDICT_RGB.items():
        near = sum(n for c, n in colours.items() if max(abs(c[k] - rgb[k]) for k in range(3)) <= 6)
        if near < 20:
            fail("the screenshot shows no %s colour #%02x%02x%02x (the verdict bar)"
                 % ((verdict,) + rgb))

    pdf = os.path.join(tmp, "report.pdf")
    chromium(["--no-pdf-header-footer", "--print-to-pdf=" + pdf, url], tmp)
    with open(pdf, "rb") as fh:
        data = fh.read()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    if not boxes:
        fail("the printed PDF has no readable page size")
    for bw, bh in boxes:
        if abs(float(bw) - 595.3) > 2 or abs(float(bh) - 841.9) > 2:
            fail("a printed page is %s x %s pt, not A4" % (bw.decode(), bh.decode()))
    want = len(expected_sections(sites))
    if len(boxes) <= want:
        fail("%d printed pages for %d site sections: each section should start a page"
             % (len(boxes), want))
    print("ok: %d sections, %d colours in the screenshot, %d A4 pages"
          % (want, len(colours), len(boxes)))


def case_english(redline, tmp):
    _, sites, doc = run_batch(redline, tmp, lang="en")
    p = check_sections(doc, sites, "English report")
    if p.lang != "en":
        fail("<html lang> is %r with --lang en" % p.lang)
    for needed in ("Siting screening report", "Layers used", "measured", "threshold", "clause",
                   "basis", "Site details"):
        if needed not in doc:
            fail("the English report does not contain %r" % needed)
    for zh in ("三线一单选址筛查报告", "所用图层", "量测值"):
        if zh in doc:
            fail("the English report still has the Chinese heading %r" % zh)
    print("ok: %d sections in English" % len(p.sites))


def case_limit(redline, tmp):
    """More non-PASS sites than the limit: the first SECTION_LIMIT get a section, and the
    report says how many are left out."""
    src = os.path.join(ROOT, APPS)
    with open(src, encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    header, rows = lines[0], lines[1:]
    apps = os.path.join(tmp, "many.csv")
    n = 0
    with open(apps, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        while n < 2 * SECTION_LIMIT + 100:
            for r in rows:
                fh.write("X%05d" % n + r[r.index(","):] + "\n")
                n += 1
    _, sites, doc = run_batch(redline, tmp, apps=apps)
    nonpass = sum(1 for s in sites if s["verdict"] != "PASS")
    if nonpass <= SECTION_LIMIT:
        fail("the test batch has only %d non-PASS sites" % nonpass)
    p = check_sections(doc, sites, "large report")
    if len(p.sites) != SECTION_LIMIT:
        fail("%d sections, expected the limit %d" % (len(p.sites), SECTION_LIMIT))
    skipped = nonpass - SECTION_LIMIT
    if ("另有 %d 个项目未列详情" % skipped) not in doc or "上限 %d" % SECTION_LIMIT not in doc:
        fail("the report does not state the limit and the %d sites left out" % skipped)
    print("ok: %d of %d non-PASS sites detailed, the rest stated" % (SECTION_LIMIT, nonpass))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redline", required=True)
    ap.add_argument("case", choices=["chromium", "english", "limit"])
    a = ap.parse_args()
    redline = os.path.abspath(a.redline)
    tmp = tempfile.mkdtemp(prefix="redline-report-")
    try:
        {"chromium": case_chromium, "english": case_english, "limit": case_limit}[a.case](
            redline, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
