"""Server mode: redline:screen and redline:check answered by a `redline serve` instance.

The URL comes from the Processing setting REDLINE_SERVER (Processing ▸ Options ▸ Providers ▸
redline ▸ redline server URL), else the REDLINE_SERVER environment variable; empty = run the
local executable. The features go to POST /v1/check as GeoJSON FeatureCollections, in pages
within the server's limits (500 features and ~0.9 MB a page to start with; a 413 answer makes
the pages smaller; a 503 answer is retried after its Retry-After), in input order, and the
results become the same GeoPackage `redline batch` writes: `sites` and `findings` (same field
names and types), the sites_*/findings_* views by geometry kind, and the same default styles
in `layer_styles` (styles/*.qml are batch's own).

Only the Python standard library (http.client, json) and GDAL's Python bindings are used; each
request runs in a helper thread so that Cancel is honoured at once.
"""
import datetime
import http.client
import json
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse

from qgis.core import QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

SETTING = "REDLINE_SERVER"
ENV = "REDLINE_SERVER"
PAGE_FEATURES = 500
PAGE_BYTES = 900 * 1024  # the server's default --max-body is 1 MiB
TIMEOUT = 600  # seconds for one page
MAX_RETRIES = 8  # 503 answers per request
PLUGIN_DIR = os.path.dirname(__file__)

SITE_FIELDS = ["site_id", "verdict", "fail_count", "conditional_count", "incomplete_count",
               "rule_ids", "township", "units", "industry_code", "message"]
FINDING_TEXT = ["site_id", "rule_id", "check_type", "outcome", "layer", "feature_key",
                "feature_label", "measure"]
FINDING_FIELDS = FINDING_TEXT + ["value", "threshold", "unit", "share_pct", "dimension",
                                 "clause", "basis", "detail"]
FINDING_REAL = {"value", "threshold", "share_pct"}

# The column names redline batch recognises (src/io/columns.cpp), tier by tier.
ALIASES = {
    "id": [["id"], ["项目编号", "申报编号", "项目代码"], ["编号"], ["序号"]],
    "industry": [["industry"], ["行业代码", "行业类别代码", "国民经济行业代码", "国民经济行业分类代码"],
                 ["行业类别"]],
    "wkt": [["wkt"], ["geometry", "geom", "几何"]],
    "lon": [["lon", "lng", "longitude", "经度", "东经"], ["x"]],
    "lat": [["lat", "latitude", "纬度", "北纬"], ["y"]],
}

# The views batch creates: the rows of a table whose GeoPackage geometry is of one kind.
_KIND_CODES = {
    "point": "'01','04','E9','EC','D1','D4','B9','BC'",
    "line": "'02','05','EA','ED','D2','D5','BA','BD'",
    "polygon": "'03','06','EB','EE','D3','D6','BB','BE'",
}
_VIEW_SQL = ('CREATE VIEW "{view}" AS SELECT * FROM "{table}" WHERE hex(substr("geom", 10 + '
             'CASE hex(substr("geom",4,1)) WHEN \'03\' THEN 32 WHEN \'05\' THEN 48 WHEN \'07\' '
             'THEN 48 WHEN \'09\' THEN 64 WHEN \'13\' THEN 32 WHEN \'15\' THEN 48 WHEN \'17\' '
             'THEN 48 WHEN \'19\' THEN 64 ELSE 0 END, 1)) IN ({codes})')
_VIEW_TEXT = {"sites": "rows of sites whose geometry is a {} (a view, for QGIS styles)",
              "findings": "rows of findings whose geometry is a {} (a view, for QGIS styles)"}
_STYLE = {"sites": ("redline verdict", "sites by verdict"),
          "findings": ("redline outcome", "findings by outcome")}


def tr(text):
    return QCoreApplication.translate("redline", text)


def configured_url():
    """(url, origin); url '' when no server is set (the local executable is used)."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        value = ProcessingConfig.getSetting(SETTING)
    except Exception:  # Processing not initialised (a bare script)
        value = None
    if value and str(value).strip():
        return str(value).strip(), tr("the Processing setting “redline server URL” "
                                      "(Processing ▸ Options ▸ Providers ▸ redline)")
    value = os.environ.get(ENV, "").strip()
    if value:
        return value, tr("the environment variable {}").format(ENV)
    return "", ""


def validate_url(value):
    """The Processing setting's validator: empty, or an http(s) URL with a host."""
    value = (value or "").strip()
    if not value:
        return
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(tr("The redline server URL is http://HOST:PORT/ or https://HOST/ "
                            "(got “{}”).").format(value))


def fold(name):
    """columns.cpp's fold(): trimmed, full-width ASCII folded, ASCII lower-cased."""
    out = []
    for ch in str(name).strip():
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        elif o == 0x3000:
            ch = " "
        out.append(ch.lower() if ch.isascii() else ch)
    return "".join(out).strip()


def find_field(names, role, given=""):
    """The index of the field playing `role` (given by the user, else by batch's aliases), or -1.
    Raises when a given field is missing or two fields of one tier could both be it."""
    if given:
        for i, n in enumerate(names):
            if fold(n) == fold(given):
                return i
        raise QgsProcessingException(tr("redline: no field “{}” in the input (fields: {}).")
                                     .format(given, ", ".join(names)))
    for tier in ALIASES[role]:
        hits = [i for i, n in enumerate(names) if any(fold(n) == fold(a) for a in tier)]
        if len(hits) > 1:
            raise QgsProcessingException(tr(
                "redline: fields “{}” and “{}” could both be the {} field: choose one in the "
                "algorithm's parameters.").format(names[hits[0]], names[hits[1]], role))
        if hits:
            return hits[0]
    return -1


class Client:
    """A redline serve instance at `url` (its base: /v1/... is appended)."""

    def __init__(self, url, origin, feedback):
        self.url = url.strip()
        self.origin = origin
        self.feedback = feedback
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise QgsProcessingException(self._bad(tr("not an http:// or https:// URL")))
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.base = parts.path.rstrip("/")
        self.page_features = PAGE_FEATURES
        self.page_bytes = PAGE_BYTES
        self.rulebook = {}
        self.info = {}

    def _bad(self, why):
        return tr("redline: the redline server “{}” ({}) cannot be used: {}. Check the URL and "
                  "that `redline serve` runs there, or clear the setting to run the local "
                  "redline executable.").format(self.url, self.origin, why)

    # -- one request, in a helper thread so that Cancel needs no wait ------------------------
    def request(self, method, path, body=None, query=""):
        target = self.base + path + (("?" + query) if query else "")
        box = {}
        conn_box = {}

        def work():
            try:
                if self.scheme == "https":
                    conn = http.client.HTTPSConnection(self.host, self.port, timeout=TIMEOUT,
                                                       context=ssl.create_default_context())
                else:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
                conn_box["conn"] = conn
                headers = {"Accept": "application/json", "User-Agent": "redline-qgis"}
                if body is not None:
                    headers["Content-Type"] = "application/json"
                conn.request(method, target, body=body, headers=headers)
                resp = conn.getresponse()
                box["status"] = resp.status
                box["headers"] = {k.lower(): v for k, v in resp.getheaders()}
                box["data"] = resp.read()
                conn.close()
            except Exception as e:  # noqa: BLE001 (reported to the caller)
                box["error"] = e

        t = threading.Thread(target=work, name="redline-http", daemon=True)
        t.start()
        while t.is_alive():
            t.join(0.05)
            if self.feedback is not None and self.feedback.isCanceled():
                conn = conn_box.get("conn")
                if conn is not None and conn.sock is not None:
                    try:
                        conn.sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                raise Canceled()
        if "error" in box:
            e = box["error"]
            if isinstance(e, (ConnectionRefusedError, socket.gaierror, socket.timeout,
                              TimeoutError, OSError, http.client.HTTPException)):
                why = str(e) or type(e).__name__
                raise QgsProcessingException(self._bad(tr("it cannot be reached ({})").format(why)))
            raise QgsProcessingException(self._bad(str(e)))
        return box["status"], box["headers"], box["data"]

    def json_request(self, method, path, body=None, query=""):
        """(status, headers, parsed JSON or None), retrying 503 answers after Retry-After."""
        for attempt in range(MAX_RETRIES + 1):
            status, headers, data = self.request(method, path, body, query)
            if status == 503 and attempt < MAX_RETRIES:
                try:
                    wait = float(headers.get("retry-after", "1"))
                except ValueError:
                    wait = 1.0
                wait = max(0.2, min(wait, 30.0))
                if self.feedback is not None:
                    self.feedback.pushInfo(tr("The redline server is busy (503): trying again in "
                                              "{:g} s").format(wait))
                end = time.time() + wait
                while time.time() < end:
                    if self.feedback is not None and self.feedback.isCanceled():
                        raise Canceled()
                    time.sleep(0.05)
                continue
            try:
                doc = json.loads(data.decode("utf-8")) if data else None
            except (UnicodeDecodeError, ValueError):
                doc = None
            return status, headers, doc
        return status, headers, None

    def problem(self, status, doc, what):
        """The message for an error answer (a problem object when the server is redline)."""
        if isinstance(doc, dict) and ("title" in doc or "detail" in doc):
            text = doc.get("detail") or doc.get("title") or ""
            if doc.get("field"):
                text += " (%s)" % doc["field"]
        else:
            text = tr("HTTP status {} with no problem object").format(status)
        return tr("redline: the redline server “{}” refused {} (HTTP {}): {}").format(
            self.url, what, status, text)

    # -- the API -------------------------------------------------------------------------------
    def connect(self):
        """GET /v1/health (and /v1/rulebook): a ready redline server, or the clear message."""
        status, _, doc = self.json_request("GET", "/v1/health")
        if status == 503:
            raise QgsProcessingException(self._bad(tr("it is not ready (503: still loading or "
                                                      "too busy)")))
        if status != 200 or not isinstance(doc, dict) or "rulebook" not in doc:
            raise QgsProcessingException(self._bad(tr(
                "GET {}/v1/health answered HTTP {} without redline's health object: is it a "
                "redline serve URL?").format(self.base, status)))
        if doc.get("status") != "ready":
            raise QgsProcessingException(self._bad(tr("its status is “{}”, not ready")
                                                   .format(doc.get("status"))))
        self.rulebook = doc.get("rulebook") or {}
        status, _, info = self.json_request("GET", "/v1/rulebook")
        self.info = info if status == 200 and isinstance(info, dict) else {}
        if self.feedback is not None:
            self.feedback.pushInfo(tr("redline server {}: rulebook “{}” {} (sha256 {})").format(
                self.url, self.rulebook.get("name", ""), self.rulebook.get("version", ""),
                (self.rulebook.get("sha256") or "")[:12]))
        return self.rulebook

    def check(self, features, crs, coords, lang, progress=None):
        """The site objects for `features` (GeoJSON Feature dicts), in order, in pages."""
        results = []
        i = 0
        total = len(features)
        while i < total:
            # A page: at most page_features features and about page_bytes bytes.
            n, size = 0, 0
            encoded = []
            while i + n < total and n < self.page_features:
                text = json.dumps(features[i + n], ensure_ascii=False, separators=(",", ":"))
                if n > 0 and size + len(text.encode("utf-8")) > self.page_bytes:
                    break
                encoded.append(text)
                size += len(text.encode("utf-8")) + 1
                n += 1
            head = {"type": "FeatureCollection"}
            if crs:
                head["crs"] = crs
            if coords and coords != "wgs84":
                head["coords"] = coords
            body = (json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' +
                    ",".join(encoded) + "]}").encode("utf-8")
            status, _, doc = self.json_request("POST", "/v1/check", body, "lang=" + lang)
            if status == 413 and n > 1:
                # Over the server's --max-features or --max-body: smaller pages from now on.
                detail = doc.get("detail", "") if isinstance(doc, dict) else ""
                m = re.search(r"at most (\d+) per request", detail)
                if m and int(m.group(1)) < n:
                    self.page_features = max(1, int(m.group(1)))
                else:
                    self.page_features = max(1, n // 2)
                    self.page_bytes = max(1024, size // 2)
                if self.feedback is not None:
                    self.feedback.pushInfo(tr("The redline server takes fewer features per "
                                              "request: pages of {} from now on")
                                           .format(self.page_features))
                continue
            if status != 200 or not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
                raise QgsProcessingException(self.problem(
                    status, doc, tr("features {}-{}").format(i + 1, i + n)))
            page = doc["results"]
            if len(page) != n:
                raise QgsProcessingException(tr(
                    "redline: the redline server “{}” answered {} results for {} features")
                    .format(self.url, len(page), n))
            page.sort(key=lambda r: r.get("index", 0))  # input order (the server keeps it)
            results.extend(page)
            i += n
            if progress is not None:
                progress(i, total)
        return results


class Canceled(Exception):
    pass


# ------------------------------------------------------------------------------------------
# The GeoPackage
# ------------------------------------------------------------------------------------------
def _kind(geom):
    from osgeo import ogr
    if geom is None:
        return None
    flat = ogr.GT_Flatten(geom.GetGeometryType())
    if flat in (ogr.wkbPoint, ogr.wkbMultiPoint):
        return "point"
    if flat in (ogr.wkbLineString, ogr.wkbMultiLineString):
        return "line"
    if flat in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        return "polygon"
    return None


def _geometry(value):
    from osgeo import ogr
    if not value:
        return None
    try:
        g = ogr.CreateGeometryFromJson(json.dumps(value))
    except Exception:  # noqa: BLE001
        return None
    return g


def _style(name):
    with open(os.path.join(PLUGIN_DIR, "styles", name + ".qml"), encoding="utf-8") as fh:
        return fh.read()


def write_gpkg(path, srs_text, input_fields, sites, run_info):
    """Writes batch's layers to `path` (replaced).

    input_fields: [(name, ogr type)]; sites: [(input values list, site object)];
    srs_text: the CRS of the site and evidence geometries (EPSG:..., WKT); run_info: [(k, v)].
    """
    from osgeo import gdal, ogr, osr
    gdal.UseExceptions()
    srs = None
    if srs_text:
        srs = osr.SpatialReference()
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        if srs.SetFromUserInput(srs_text) != 0:
            srs = None
    tmp = path + ".redline-part.gpkg"
    for p in (tmp,):
        if os.path.exists(p):
            os.remove(p)
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(tmp)
    try:
        # No spatial index while writing; built at the end (much faster for big outputs).
        sites_l = ds.CreateLayer("sites", srs, ogr.wkbUnknown, ["SPATIAL_INDEX=NO"])
        # eia_category, eia_item: as batch, only when the rulebook has an eia_category check
        eia = any("eia_category" in site for _, site in sites)
        ours = set(SITE_FIELDS) | ({"eia_category", "eia_item"} if eia else set())
        for name, ftype in input_fields:
            if name.lower() in ours:
                name = "in_" + name  # never shadow a result field (as batch does)
            sites_l.CreateField(ogr.FieldDefn(name, ftype))
        for name in SITE_FIELDS:
            t = ogr.OFTInteger if name.endswith("_count") else ogr.OFTString
            sites_l.CreateField(ogr.FieldDefn(name, t))
        if eia:
            sites_l.CreateField(ogr.FieldDefn("eia_category", ogr.OFTString))
            sites_l.CreateField(ogr.FieldDefn("eia_item", ogr.OFTInteger))
        find_l = ds.CreateLayer("findings", srs, ogr.wkbUnknown, ["SPATIAL_INDEX=NO"])
        for name in FINDING_FIELDS:
            find_l.CreateField(ogr.FieldDefn(name, ogr.OFTReal if name in FINDING_REAL
                                             else ogr.OFTString))
        n_in = len(input_fields)
        kinds = {"sites": set(), "findings": set()}
        first_kind = {}
        ds.StartTransaction()
        sdefn, fdefn = sites_l.GetLayerDefn(), find_l.GetLayerDefn()
        # Fields by index: OGR's Python SetField(name) looks the name up field by field.
        finding_slots = [(k, name, name in FINDING_REAL)
                         for k, name in enumerate(FINDING_FIELDS) if k > 0]
        for values, site in sites:
            f = ogr.Feature(sdefn)
            for k in range(n_in):
                v = values[k]
                if v is not None:
                    f.SetFieldString(k, v if isinstance(v, str) else
                                     ("%.17g" % v if isinstance(v, float) else str(v)))
            f.SetFieldString(n_in + 0, site.get("site_id", ""))
            f.SetFieldString(n_in + 1, site.get("verdict", ""))
            f.SetFieldInteger64(n_in + 2, int(site.get("fail_count") or 0))
            f.SetFieldInteger64(n_in + 3, int(site.get("conditional_count") or 0))
            f.SetFieldInteger64(n_in + 4, int(site.get("incomplete_count") or 0))
            f.SetFieldString(n_in + 5, ",".join(site.get("rule_ids") or []))
            f.SetFieldString(n_in + 6, ";".join(site.get("township") or []))
            f.SetFieldString(n_in + 7, ";".join(site.get("units") or []))
            f.SetFieldString(n_in + 8, site.get("industry_code") or "")
            f.SetFieldString(n_in + 9, site.get("message") or "")
            if eia:
                if site.get("eia_category"):
                    f.SetFieldString(n_in + 10, site["eia_category"])
                if site.get("eia_item"):
                    f.SetFieldInteger64(n_in + 11, int(site["eia_item"]))
            g = _geometry(site.get("geometry"))
            if g is not None:
                k = _kind(g)
                if k:
                    kinds["sites"].add(k)
                    first_kind.setdefault("sites", k)
                f.SetGeometryDirectly(g)
            sites_l.CreateFeature(f)
            for fd in site.get("findings") or []:
                ff = ogr.Feature(fdefn)
                ff.SetFieldString(0, site.get("site_id", ""))
                for k, name, real in finding_slots:
                    v = fd.get(name)
                    if v is None:
                        continue
                    if real:
                        try:
                            ff.SetField(k, float(v))
                        except (TypeError, ValueError):
                            pass
                    else:
                        ff.SetFieldString(k, str(v))
                g = _geometry(fd.get("evidence"))
                if g is not None:
                    k = _kind(g)
                    if k:
                        kinds["findings"].add(k)
                        first_kind.setdefault("findings", k)
                    ff.SetGeometryDirectly(g)
                find_l.CreateFeature(ff)
        ds.CommitTransaction()
        for table in ("sites", "findings"):
            ds.ExecuteSQL("SELECT CreateSpatialIndex('%s', 'geom')" % table)

        info = ds.CreateLayer("run_info", None, ogr.wkbNone)
        info.CreateField(ogr.FieldDefn("key", ogr.OFTString))
        info.CreateField(ogr.FieldDefn("value", ogr.OFTString))
        ds.StartTransaction()
        for k, v in run_info:
            f = ogr.Feature(info.GetLayerDefn())
            f.SetField("key", str(k))
            f.SetField("value", "" if v is None else str(v))
            info.CreateFeature(f)
        ds.CommitTransaction()

        # The styles table, through OGR so that GDAL registers it in gpkg_contents.
        styles = ds.CreateLayer("layer_styles", None, ogr.wkbNone, ["FID=id"])
        for name, t, width in (("f_table_catalog", ogr.OFTString, 256),
                               ("f_table_schema", ogr.OFTString, 256),
                               ("f_table_name", ogr.OFTString, 256),
                               ("f_geometry_column", ogr.OFTString, 256),
                               ("styleName", ogr.OFTString, 30), ("styleQML", ogr.OFTString, 0),
                               ("styleSLD", ogr.OFTString, 0), ("useAsDefault", ogr.OFTInteger, 0),
                               ("description", ogr.OFTString, 0), ("owner", ogr.OFTString, 30),
                               ("ui", ogr.OFTString, 30), ("update_time", ogr.OFTDateTime, 0)):
            d = ogr.FieldDefn(name, t)
            if width:
                d.SetWidth(width)
            if name == "useAsDefault":
                d.SetSubType(ogr.OFSTBoolean)
            styles.CreateField(d)
        now = datetime.datetime.utcnow()
        rows = []
        for table in ("sites", "findings"):
            kind = first_kind.get(table, "polygon")
            name, text = _STYLE[table]
            rows.append((table, _style("%s_%s" % (table, kind)), name,
                         "%s (the first geometry's kind; see the %s_* views)" % (text, table)))
            for kind in ("point", "line", "polygon"):
                rows.append(("%s_%s" % (table, kind), _style("%s_%s" % (table, kind)), name, text))
        ds.StartTransaction()
        for table, qml, name, text in rows:
            f = ogr.Feature(styles.GetLayerDefn())
            for k, v in (("f_table_catalog", ""), ("f_table_schema", ""), ("f_table_name", table),
                         ("f_geometry_column", "geom"), ("styleName", name), ("styleQML", qml),
                         ("styleSLD", ""), ("useAsDefault", 1), ("description", text),
                         ("owner", ""), ("ui", "")):
                f.SetField(k, v)
            f.SetField("update_time", now.year, now.month, now.day, now.hour, now.minute,
                       now.second + now.microsecond / 1e6, 100)  # 100: UTC, written ...Z
            styles.CreateFeature(f)
        ds.CommitTransaction()

        # The views by geometry kind, registered as batch registers them.
        srs_id = 0
        r = ds.ExecuteSQL("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'sites'")
        if r is not None:
            row = r.GetNextFeature()
            if row is not None:
                srs_id = row.GetField(0)
            ds.ReleaseResultSet(r)
        for table in ("sites", "findings"):
            for kind in ("point", "line", "polygon"):
                view = "%s_%s" % (table, kind)
                ds.ExecuteSQL(_VIEW_SQL.format(view=view, table=table, codes=_KIND_CODES[kind]))
                ds.ExecuteSQL("INSERT INTO gpkg_contents (table_name, data_type, identifier, "
                              "description, srs_id) VALUES ('%s', 'features', '%s', '%s', %d)"
                              % (view, view, _VIEW_TEXT[table].format(kind), srs_id))
                ds.ExecuteSQL("INSERT INTO gpkg_geometry_columns (table_name, column_name, "
                              "geometry_type_name, srs_id, z, m) VALUES ('%s', 'geom', "
                              "'GEOMETRY', %d, 0, 0)" % (view, srs_id))
    except Exception:
        ds = None
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    ds = None
    os.replace(tmp, path)
