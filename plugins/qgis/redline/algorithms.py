"""redline:screen, redline:check and redline:validate."""
import csv
import glob
import html
import json
import os
import re
import uuid

from qgis.core import (QgsProcessing, QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingFeatureSourceDefinition,
                       QgsProcessingLayerPostProcessorInterface, QgsProviderRegistry,
                       QgsProcessingOutputBoolean, QgsProcessingOutputMultipleLayers,
                       QgsProcessingOutputNumber, QgsProcessingOutputString,
                       QgsProcessingParameterDefinition, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterField,
                       QgsProcessingParameterFile, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterGeometry, QgsProcessingParameterNumber,
                       QgsProcessingParameterString, QgsProcessingUtils, QgsSettings,
                       QgsVectorLayer, QgsWkbTypes, NULL)
from qgis.PyQt.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime, QVariant
from qgis.PyQt.QtGui import QIcon

from . import binary, server

PLUGIN_DIR = os.path.dirname(__file__)
VERDICTS = ["PASS", "CONDITIONAL", "INCOMPLETE", "FAIL", "ERROR"]
COORDS = ["wgs84", "gcj02", "bd09"]
LANGS = ["zh", "en"]
# Layers of the result GeoPackage loaded into the project, bottom to top.
LOAD_ORDER = ["findings_polygon", "findings_line", "findings_point",
              "sites_polygon", "sites_line", "sites_point"]


def tr(text):
    return QCoreApplication.translate("redline", text)


def ui_is_chinese():
    locale = QgsSettings().value("locale/userLocale", "") or ""
    return str(locale).lower().startswith("zh")


def help_text(name):
    """The algorithm's help, in the interface's language first, then the other one."""
    parts = []
    for lang in (["zh", "en"] if ui_is_chinese() else ["en", "zh"]):
        path = os.path.join(PLUGIN_DIR, "help", "%s.%s.html" % (name, lang))
        try:
            with open(path, encoding="utf-8") as fh:
                parts.append(fh.read())
        except OSError:
            pass
    return "<hr/>".join(parts)


class StyleLoader(QgsProcessingLayerPostProcessorInterface):
    """Applies the GeoPackage's default style (layer_styles) to a layer Processing loads."""

    keep = []  # QGIS holds no Python reference to post-processors: keep them alive here

    @classmethod
    def create(cls):
        pp = cls()
        cls.keep.append(pp)
        del cls.keep[:-64]
        return pp

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if isinstance(layer, QgsVectorLayer):
            message, ok = layer.loadDefaultStyle()
            if not ok and feedback is not None:
                feedback.pushWarning(tr("No default style for {}: {}").format(layer.name(), message))
            layer.triggerRepaint()


def gpkg_layers(path):
    """{name: feature count} of a GeoPackage's layers (tables and views)."""
    from osgeo import ogr
    ds = ogr.Open(path)
    if ds is None:
        return {}
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayer(i)
        out[lyr.GetName()] = lyr.GetFeatureCount()
    ds = None
    return out


def verdict_counts(path):
    from osgeo import ogr
    counts = {v: 0 for v in VERDICTS}
    ds = ogr.Open(path)
    if ds is None:
        return counts
    sql = ds.ExecuteSQL("SELECT verdict, COUNT(*) FROM sites GROUP BY verdict")
    if sql is not None:
        for f in sql:
            counts[f.GetField(0)] = f.GetField(1)
        ds.ReleaseResultSet(sql)
    ds = None
    return counts


def load_styled(gpkg, context, output_name, prefix=""):
    """Asks Processing to load the non-empty sites_*/findings_* views, each with its style."""
    counts = gpkg_layers(gpkg)
    loaded = []
    for name in LOAD_ORDER:
        if counts.get(name, 0) <= 0:
            continue
        uri = "%s|layername=%s" % (gpkg, name)
        details = QgsProcessingContext.LayerDetails(prefix + name, context.project(), output_name)
        details.setPostProcessor(StyleLoader.create())
        context.addLayerToLoadOnCompletion(uri, details)
        loaded.append(uri)
    return loaded


def remove_leftovers(path):
    """Removes what a killed redline may have left beside `path` (its temporary siblings)."""
    folder, base = os.path.split(os.path.abspath(path))
    stem, ext = os.path.splitext(base)
    for tmp in glob.glob(os.path.join(folder, "." + glob.escape(stem) + ".redline-tmp*")):
        m = re.search(r"\.redline-tmp(\d+)", tmp)
        if m and _alive(int(m.group(1))):
            continue  # another redline run is writing it
        try:
            os.remove(tmp)
        except OSError:
            pass


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except (ProcessLookupError, PermissionError, OSError):
        return False


SPREADSHEETS = {"CSV", "XLSX", "XLS", "ODS"}


def ogr_string():
    from osgeo import ogr
    return ogr.OFTString


def ogr_type(field):
    """The OGR type batch gives an input field (integers, reals, dates, else text)."""
    from osgeo import ogr
    t = field.type()
    if t == QVariant.Int:
        return ogr.OFTInteger
    if t == QVariant.LongLong:
        return ogr.OFTInteger64
    if t == QVariant.Double:
        return ogr.OFTReal
    if t == QVariant.Date:
        return ogr.OFTDate
    if t == QVariant.DateTime:
        return ogr.OFTDateTime
    return ogr.OFTString


def plain(value):
    """A feature attribute as a Python value: None, int, float, bool or str."""
    if value is None or value == NULL:
        return None
    if isinstance(value, QVariant):
        if value.isNull():
            return None
        value = value.value()
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (QDate, QDateTime, QTime)):
        return value.toString(Qt.ISODate)
    return str(value)


def text_of(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def industry_code_text(code):
    """As batch reads an industry code: 3312.0 (a spreadsheet number) is 3312."""
    m = re.match(r"^(\d+)\.0*$", code)
    return m.group(1) if m else code


def write_server_gpkg(output, srs_text, input_fields, rows, answers, client, what):
    from . import provider
    info = [("redline", "plugin %s (server mode)" % provider.plugin_version()),
            ("command", what), ("server", client.url),
            ("rulebook_name", client.rulebook.get("name", "")),
            ("rulebook_version", client.rulebook.get("version", "")),
            ("rulebook_sha256", client.rulebook.get("sha256", "")),
            ("input_crs", client.info.get("input_crs", "")),
            ("working_crs", client.info.get("working_crs", "")),
            ("output_crs", srs_text), ("sites", len(answers)),
            ("finished", __import__("datetime").datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"))]
    try:
        server.write_gpkg(output, srs_text, input_fields, list(zip(rows, answers)), info)
    except Exception as e:  # noqa: BLE001
        raise QgsProcessingException(tr("Cannot write “{}”: {}").format(output, e))


class RedlineAlgorithm(QgsProcessingAlgorithm):
    HELP = ""

    def createInstance(self):  # noqa: N802
        return type(self)()

    def group(self):
        return ""

    def groupId(self):  # noqa: N802
        return ""

    def icon(self):
        return QIcon(os.path.join(PLUGIN_DIR, "icon.svg"))

    def shortHelpString(self):  # noqa: N802
        return help_text(self.HELP or self.name())

    SERVER_MODE = False  # True: answered by a `redline serve` URL when one is set

    def canExecute(self):  # noqa: N802
        if self.SERVER_MODE and server.configured_url()[0]:
            return (True, "")
        info = binary.resolve()
        return (info.ok, info.error or "")

    def server_client(self, feedback):
        """A connected server.Client when a server URL is set (server mode), else None."""
        if not self.SERVER_MODE:
            return None
        url, origin = server.configured_url()
        if not url:
            return None
        client = server.Client(url, origin, feedback)
        client.connect()
        return client

    def add_rulebook(self):
        self.addParameter(QgsProcessingParameterFile(
            "RULEBOOK", tr("Rulebook / 规则集 (rulebook.yaml; optional with a redline "
                           "server)") if self.SERVER_MODE
            else tr("Rulebook / 规则集 (rulebook.yaml)"),
            fileFilter="redline rulebook (*.yaml *.yml *.YAML *.YML)", optional=self.SERVER_MODE))

    def server_rulebook_note(self, client, parameters, context, feedback):
        """Warns when a RULEBOOK given in server mode is not the file the server loaded."""
        path = self.parameterAsFile(parameters, "RULEBOOK", context)
        if not path or not os.path.isfile(path):
            return
        import hashlib
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        theirs = (client.rulebook or {}).get("sha256") or ""
        if theirs and digest != theirs:
            feedback.pushWarning(tr(
                "The rulebook “{}” is not the one the redline server loaded (“{}” {}): the "
                "server's rulebook is used.").format(path, client.rulebook.get("name", ""),
                                                     client.rulebook.get("version", "")))

    def add_language(self):
        p = QgsProcessingParameterEnum("LANGUAGE", tr("Language of messages / 消息语言"),
                                       options=["中文 (zh)", "English (en)"], defaultValue=0)
        p.setFlags(p.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(p)

    def rulebook(self, parameters, context):
        path = self.parameterAsFile(parameters, "RULEBOOK", context)
        if not path and self.SERVER_MODE:
            raise QgsProcessingException(tr(
                "No rulebook given: a local redline run needs RULEBOOK (or set a redline server "
                "URL in Processing ▸ Options ▸ Providers ▸ redline)."))
        if not path or not os.path.isfile(path):
            raise QgsProcessingException(tr("The rulebook “{}” does not exist.").format(path))
        return os.path.abspath(path)

    def global_args(self, parameters, context):
        lang = LANGS[self.parameterAsEnum(parameters, "LANGUAGE", context)]
        return ["--lang", lang]


class ScreenAlgorithm(RedlineAlgorithm):
    SERVER_MODE = True

    def name(self):
        return "screen"

    def displayName(self):  # noqa: N802
        return tr("Screen sites (batch) / 批量筛查")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource(
            "INPUT", tr("Project sites / 建设项目"), [QgsProcessing.TypeVector]))
        self.add_rulebook()
        self.addParameter(QgsProcessingParameterField(
            "ID_FIELD", tr("Project id field / 项目编号字段 (empty: id, 项目编号…)"),
            parentLayerParameterName="INPUT", optional=True))
        self.addParameter(QgsProcessingParameterField(
            "INDUSTRY_FIELD", tr("Industry code field / 行业代码字段 (empty: industry, 行业代码…)"),
            parentLayerParameterName="INPUT", optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            "COORDS", tr("Datum of lon/lat coordinates / 坐标系"),
            options=["WGS84 / CGCS2000", "GCJ-02 (高德, 腾讯)", "BD-09 (百度)"], defaultValue=0))
        threads = QgsProcessingParameterNumber(
            "THREADS", tr("Threads (0: every core) / 线程数"), QgsProcessingParameterNumber.Integer,
            defaultValue=0, minValue=0, maxValue=1024)
        threads.setFlags(threads.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(threads)
        self.add_language()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", tr("Result GeoPackage / 结果 GeoPackage"), "GeoPackage (*.gpkg *.GPKG)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "REPORT", tr("HTML report / HTML 报告"), "HTML (*.html *.htm)", optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputMultipleLayers("OUTPUT_LAYERS", tr("Result layers")))
        self.addOutput(QgsProcessingOutputNumber("SITES", tr("Sites screened")))
        for v in VERDICTS:
            self.addOutput(QgsProcessingOutputNumber(v, tr("Sites with verdict {}").format(v)))

    def direct_source(self, parameters, context):
        """(path, layer name) of an unfiltered GDAL file layer, else (None, None)."""
        value = parameters.get("INPUT")
        if isinstance(value, QgsProcessingFeatureSourceDefinition):
            if value.selectedFeaturesOnly or value.featureLimit != -1:
                return None, None
            if getattr(value, "filterExpression", ""):
                return None, None
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        if layer is None or layer.providerType() != "ogr" or layer.subsetString():
            return None, None
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        path = parts.get("path") or ""
        if parts.get("subset"):
            return None, None
        if os.path.isfile(path):
            path = os.path.abspath(path)
        elif not path.startswith("/vsi"):
            return None, None
        return path, parts.get("layerName") or ""

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        client = self.server_client(feedback)
        if client is not None:
            return self.process_on_server(client, parameters, context, feedback)
        info = binary.require()
        rulebook = self.rulebook(parameters, context)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if not output:
            raise QgsProcessingException(tr("No output GeoPackage given."))
        if not output.lower().endswith(".gpkg"):
            output += ".gpkg"
        report = self.parameterAsFileOutput(parameters, "REPORT", context)

        # A layer read by GDAL from a file (GeoPackage, CSV, shapefile, GeoJSON...) with no filter
        # goes to redline as it is: redline reads it exactly as `redline batch` does (a CSV's
        # WKT, lon/lat columns, encodings, bad records as ERROR rows). Anything else (memory
        # layers, other providers, "selected features only", a subset or feature limit) is
        # exported to a temporary GeoPackage, whose feature count redline knows for progress.
        path, layer_name = self.direct_source(parameters, context)
        if not path:
            path, layer_name = self.parameterAsCompatibleSourceLayerPathAndLayerName(
                parameters, "INPUT", context, ["gpkg"], "gpkg", feedback)
        if feedback.isCanceled():
            return {}
        if not path:
            raise QgsProcessingException(self.invalidSourceError(parameters, "INPUT"))

        args = self.global_args(parameters, context) + ["batch", rulebook, path, "-o", output]
        if layer_name:
            args += ["--layer", layer_name]
        for param, flag in (("ID_FIELD", "--id-field"), ("INDUSTRY_FIELD", "--industry-field")):
            field = self.parameterAsString(parameters, param, context)
            if field:
                args += [flag, field]
        coords = COORDS[self.parameterAsEnum(parameters, "COORDS", context)]
        if coords != "wgs84":
            args += ["--coords", coords]
        threads = self.parameterAsInt(parameters, "THREADS", context)
        if threads > 0:
            args += ["--threads", str(threads)]
        if report:
            args += ["--report", report]
        if info.progress_lines:
            args += ["--progress", "lines"]

        feedback.setProgress(0)
        result = binary.run(info, args, feedback, progress=info.progress_lines)
        if result.canceled:
            for p in (output, report):
                if p:
                    remove_leftovers(p)
            raise QgsProcessingException(tr("Canceled: redline was stopped and wrote no output."))
        if result.exit_code != 0 or not os.path.isfile(output):
            raise QgsProcessingException(binary.failure_message(result, "batch"))
        feedback.setProgress(100)

        counts = verdict_counts(output)
        feedback.pushInfo("  ".join("%s %d" % (v, counts.get(v, 0)) for v in VERDICTS))
        loaded = load_styled(output, context, "OUTPUT_LAYERS")
        results = {"OUTPUT": output, "OUTPUT_LAYERS": loaded,
                   "SITES": sum(counts.values())}
        results.update({v: counts.get(v, 0) for v in VERDICTS})
        if report:
            results["REPORT"] = report
        return results

    def process_on_server(self, client, parameters, context, feedback):
        """Server mode: the features go to the server in pages; the GeoPackage is written here."""
        self.server_rulebook_note(client, parameters, context, feedback)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if not output:
            raise QgsProcessingException(tr("No output GeoPackage given."))
        if not output.lower().endswith(".gpkg"):
            output += ".gpkg"
        if self.parameterAsFileOutput(parameters, "REPORT", context):
            feedback.pushWarning(tr("REPORT: the HTML report needs the local redline executable; "
                                    "with a redline server only the GeoPackage is written."))
        source = self.parameterAsSource(parameters, "INPUT", context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, "INPUT"))
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        storage = ""
        if layer is not None and layer.dataProvider() is not None:
            storage = (layer.dataProvider().storageType() or "").upper()
        fields = source.fields()
        names = [f.name() for f in fields]
        id_i = server.find_field(names, "id", self.parameterAsString(parameters, "ID_FIELD", context))
        ind_i = server.find_field(names, "industry",
                                  self.parameterAsString(parameters, "INDUSTRY_FIELD", context))
        if ind_i < 0:
            raise QgsProcessingException(tr(
                "redline: no industry field in the input (set “Industry code field”; fields: {})")
                .format(", ".join(names)))
        # As batch: a CSV or spreadsheet, or a layer without geometry, gives its sites as WKT or
        # lon/lat columns (sent as they are, so bad records get batch's own messages); any other
        # layer gives its geometries, in the layer's CRS.
        columns = (source.wkbType() == QgsWkbTypes.NoGeometry or storage in SPREADSHEETS or
                   "SPREADSHEET" in storage or "EXCEL" in storage)
        wkt_i = lon_i = lat_i = -1
        if columns:
            wkt_i = server.find_field(names, "wkt")
            lon_i = server.find_field(names, "lon")
            lat_i = server.find_field(names, "lat")
        crs = None
        if not columns and source.sourceCrs().isValid():
            crs = source.sourceCrs().authid() or source.sourceCrs().toWkt()
        coords = COORDS[self.parameterAsEnum(parameters, "COORDS", context)]
        lang = LANGS[self.parameterAsEnum(parameters, "LANGUAGE", context)]

        input_fields = [(f.name(), ogr_type(f)) for f in fields]
        rows, features = [], []
        total = max(1, source.featureCount())
        for n, feat in enumerate(source.getFeatures()):
            if feedback.isCanceled():
                raise QgsProcessingException(tr("Canceled: nothing was written."))
            attrs = feat.attributes()
            values = [plain(v) for v in attrs]
            props = {}
            for name, v in zip(names, values):
                props[name] = v if isinstance(v, (int, float, bool)) or v is None else str(v)
            site_id = text_of(values[id_i]) if id_i >= 0 else ""
            props["id"] = site_id or "#%d" % (n + 1)
            props["industry"] = industry_code_text(text_of(values[ind_i]))
            geometry = None
            if columns:
                wkt = text_of(values[wkt_i]) if wkt_i >= 0 else ""
                if wkt or lon_i < 0:
                    geometry = wkt or None
                else:
                    lon = text_of(values[lon_i])
                    lat = text_of(values[lat_i]) if lat_i >= 0 else ""
                    if lon or lat:
                        geometry = "%s,%s" % (lon, lat)
            else:
                g = feat.geometry()
                if g is not None and not g.isNull():
                    geometry = json.loads(g.asJson(17))
            features.append({"type": "Feature", "geometry": geometry, "properties": props})
            rows.append(values)
            if n % 1000 == 0:
                feedback.setProgress(5.0 * n / total)
        feedback.pushInfo(tr("{} sites to the redline server {}").format(len(features), client.url))

        def progress(done, count):
            feedback.setProgress(5 + 90.0 * done / max(1, count))

        try:
            results = client.check(features, crs, coords, lang, progress)
        except server.Canceled:
            raise QgsProcessingException(tr("Canceled: nothing was written."))
        out_crs = crs or client.info.get("input_crs") or ""
        write_server_gpkg(output, out_crs, input_fields, rows, results, client, "screen")
        feedback.setProgress(100)
        counts = verdict_counts(output)
        feedback.pushInfo("  ".join("%s %d" % (v, counts.get(v, 0)) for v in VERDICTS))
        loaded = load_styled(output, context, "OUTPUT_LAYERS")
        results = {"OUTPUT": output, "OUTPUT_LAYERS": loaded, "SITES": sum(counts.values())}
        results.update({v: counts.get(v, 0) for v in VERDICTS})
        return results


class CheckAlgorithm(RedlineAlgorithm):
    SERVER_MODE = True

    def name(self):
        return "check"

    def displayName(self):  # noqa: N802
        return tr("Check one site / 单个项目核查")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterGeometry(
            "SITE", tr("Site: a point, line or parcel (WKT or drawn) / 项目选址")))
        self.addParameter(QgsProcessingParameterString(
            "INDUSTRY", tr("Industry code (GB/T 4754-2017) / 行业代码, e.g. C3360")))
        self.addParameter(QgsProcessingParameterString(
            "ATTRS", tr("Attributes NAME=VALUE, one per line or ';'-separated / 项目属性, "
                        "e.g. voc_tpa=1.37"), multiLine=True, optional=True))
        self.add_rulebook()
        site_id = QgsProcessingParameterString("SITE_ID", tr("Site id / 项目编号"),
                                               defaultValue="site", optional=True)
        site_id.setFlags(site_id.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(site_id)
        self.add_language()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", tr("Result GeoPackage / 结果 GeoPackage"), "GeoPackage (*.gpkg *.GPKG)",
            defaultValue=QgsProcessing.TEMPORARY_OUTPUT))
        self.addOutput(QgsProcessingOutputMultipleLayers("OUTPUT_LAYERS", tr("Result layers")))
        self.addOutput(QgsProcessingOutputString("VERDICT", tr("Verdict / 结论")))
        self.addOutput(QgsProcessingOutputString("MESSAGE", tr("Message / 说明")))
        self.addOutput(QgsProcessingOutputNumber("FINDINGS_COUNT", tr("Number of findings")))
        self.addOutput(QgsProcessingOutputString("FINDINGS", tr("Findings (JSON array)")))
        self.addOutput(QgsProcessingOutputString("RESULT_JSON", tr("Whole result (JSON)")))

    @staticmethod
    def parse_attrs(text):
        attrs = []
        for item in re.split(r"[;\n]", text or ""):
            item = item.strip()
            if not item:
                continue
            if "=" not in item:
                raise QgsProcessingException(
                    tr("Attribute “{}” is not NAME=VALUE (e.g. voc_tpa=1.37).").format(item))
            name, value = (s.strip() for s in item.split("=", 1))
            if not name:
                raise QgsProcessingException(tr("Attribute “{}” has no name.").format(item))
            if name.lower() in ("id", "industry", "wkt"):
                raise QgsProcessingException(
                    tr("“{}” cannot be an attribute name (it is a field of the site itself).")
                    .format(name))
            attrs.append((name, value))
        return attrs

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        client = self.server_client(feedback)
        if client is None:
            info = binary.require()
            rulebook = self.rulebook(parameters, context)
        else:
            self.server_rulebook_note(client, parameters, context, feedback)
        geom = self.parameterAsGeometry(parameters, "SITE", context)
        if geom is None or geom.isNull() or geom.isEmpty():
            raise QgsProcessingException(tr("No site geometry given."))
        crs = self.parameterAsGeometryCrs(parameters, "SITE", context)
        industry = self.parameterAsString(parameters, "INDUSTRY", context).strip()
        if not industry:
            raise QgsProcessingException(tr("No industry code given."))
        attrs = self.parse_attrs(self.parameterAsString(parameters, "ATTRS", context))
        site_id = self.parameterAsString(parameters, "SITE_ID", context).strip() or "site"
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if not output.lower().endswith(".gpkg"):
            output += ".gpkg"
        if client is not None:
            # Server mode: the site as a one-feature collection, the same fields a local run has.
            props = {"id": site_id, "industry": industry}
            props.update(dict(attrs))
            wkt = geom.asWkt(17)
            props["wkt"] = wkt
            req_crs = (crs.authid() or crs.toWkt()) if crs is not None and crs.isValid() else None
            try:
                answers = client.check([{"type": "Feature", "geometry": wkt, "properties": props}],
                                       req_crs, "wgs84",
                                       LANGS[self.parameterAsEnum(parameters, "LANGUAGE", context)])
            except server.Canceled:
                raise QgsProcessingException(tr("Canceled: nothing was written."))
            input_fields = [(n, ogr_string()) for n in ["id", "industry"] + [n for n, _ in attrs]
                            + ["wkt"]]
            values = [site_id, industry] + [v for _, v in attrs] + [wkt]
            write_server_gpkg(output, req_crs or client.info.get("input_crs") or "", input_fields,
                              [values], answers, client, "check")
            return self.check_results(answers[0], output, context, feedback)

        # The site becomes a one-record batch: the same engine as `redline check`, and the same
        # styled GeoPackage as `redline:screen`.
        tmp = os.path.join(QgsProcessingUtils.tempFolder(), "redline-check-" + uuid.uuid4().hex)
        os.makedirs(tmp, exist_ok=True)
        site_csv = os.path.join(tmp, "site.csv")
        site_json = os.path.join(tmp, "site.json")
        with open(site_csv, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "industry"] + [n for n, _ in attrs] + ["wkt"])
            w.writerow([site_id, industry] + [v for _, v in attrs] + [geom.asWkt(17)])
        args = self.global_args(parameters, context) + [
            "-q", "batch", rulebook, site_csv, "-o", output, "--json", site_json,
            "--wkt-field", "wkt", "--threads", "1"]
        if crs is not None and crs.isValid():
            args += ["--crs", crs.authid() or crs.toWkt()]
        result = binary.run(info, args, feedback)
        try:
            if result.canceled:
                remove_leftovers(output)
                raise QgsProcessingException(tr("Canceled: redline was stopped and wrote no output."))
            if result.exit_code != 0 or not os.path.isfile(site_json):
                raise QgsProcessingException(binary.failure_message(result, "check"))
            with open(site_json, encoding="utf-8") as fh:
                data = json.load(fh)
        finally:
            for p in (site_csv, site_json):
                try:
                    os.remove(p)
                except OSError:
                    pass
            try:
                os.rmdir(tmp)
            except OSError:
                pass
        site = data[0] if isinstance(data, list) else data
        return self.check_results(site, output, context, feedback)

    def check_results(self, site, output, context, feedback):
        findings = site.get("findings") or []
        feedback.pushInfo("%s: %s" % (site.get("verdict"), site.get("message", "")))
        for f in findings:
            feedback.pushInfo("  %s %s %s %s" % (f.get("rule_id"), f.get("outcome"),
                                                 f.get("feature_label") or f.get("feature_key") or "",
                                                 f.get("detail") or f.get("clause") or ""))
        loaded = load_styled(output, context, "OUTPUT_LAYERS")
        return {"OUTPUT": output, "OUTPUT_LAYERS": loaded, "VERDICT": site.get("verdict"),
                "MESSAGE": site.get("message", ""), "FINDINGS_COUNT": len(findings),
                "FINDINGS": json.dumps(findings, ensure_ascii=False),
                "RESULT_JSON": json.dumps(site, ensure_ascii=False)}


class ValidateAlgorithm(RedlineAlgorithm):
    def name(self):
        return "validate"

    def displayName(self):  # noqa: N802
        return tr("Validate a rulebook / 规则集校验")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(
            "RULEBOOK", tr("Rulebook / 规则集 (rulebook.yaml)"),
            fileFilter="redline rulebook (*.yaml *.yml *.YAML *.YML)"))
        self.add_language()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", tr("Validation report / 校验报告"), "HTML (*.html *.htm)",
            defaultValue=QgsProcessing.TEMPORARY_OUTPUT))
        self.addOutput(QgsProcessingOutputBoolean("VALID", tr("The rulebook loads")))
        self.addOutput(QgsProcessingOutputString("TEXT", tr("Report text")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        info = binary.require()
        rulebook = self.rulebook(parameters, context)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        args = self.global_args(parameters, context) + ["validate", rulebook]
        result = binary.run(info, args, feedback)
        if result.canceled:
            raise QgsProcessingException(tr("Canceled."))
        valid = result.exit_code == 0
        if result.exit_code not in (0, 3):
            raise QgsProcessingException(binary.failure_message(result, "validate"))
        text = "\n".join(result.stdout)
        lang = LANGS[self.parameterAsEnum(parameters, "LANGUAGE", context)]
        title = ("redline validate: " + os.path.basename(rulebook))
        status = (("规则集加载成功" if lang == "zh" else "The rulebook loads")
                  if valid else ("规则集无法加载" if lang == "zh" else "The rulebook cannot be loaded"))
        page = ['<!DOCTYPE html>', '<html lang="%s"><head><meta charset="utf-8">' % lang,
                '<title>%s</title>' % html.escape(title),
                '<style>body{font-family:sans-serif;margin:1.5em}pre{background:#f6f6f6;'
                'padding:1em;white-space:pre-wrap}.ok{color:#1a9850}.bad{color:#d7191c}</style>',
                '</head><body>', '<h1>%s</h1>' % html.escape(title),
                '<p class="%s"><b>%s</b> (redline %s, exit %d)</p>'
                % ("ok" if valid else "bad", html.escape(status), html.escape(info.version or ""),
                   result.exit_code)]
        if text:
            page.append('<pre id="report">%s</pre>' % html.escape(text))
        if result.stderr:
            page.append('<pre id="errors" class="bad">%s</pre>'
                        % html.escape("\n".join(result.stderr)))
        page.append('</body></html>')
        with open(output, "w", encoding="utf-8") as fh:
            fh.write("\n".join(page) + "\n")
        if not valid:
            feedback.reportError(status, False)
        return {"OUTPUT": output, "VALID": valid, "TEXT": text}
