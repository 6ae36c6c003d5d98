#include "output/styles.hpp"

#include "redline/error.hpp"
#include "io/gdal.hpp"
#include "output/output_dataset.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <sstream>

namespace redline::styles {

namespace {

// Style rows carry a fixed update_time (the date these styles were last
// revised) rather than the run's clock: outputs stay reproducible, and a
// style a user later saves as default in QGIS is newer, so it wins.
constexpr const char* k_style_time = "2026-11-28T00:00:00.000Z";

struct Paint {
    std::string fill;    ///< "r,g,b,a"; empty = no fill
    std::string stroke;  ///< "r,g,b,a"
    double width = 0.26; ///< stroke width, mm
    bool dashed = false;
    double size = 3.0;   ///< marker size, mm
    std::string pattern = "solid"; ///< fill style: solid, b_diagonal, ...
};

std::string prop(const char* k, const std::string& v)
{
    return std::string("<prop k=\"") + k + "\" v=\"" + html_escape(v) + "\"/>";
}

std::string num(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

/// One QGIS symbol of kind `k` named `name` (its index in the renderer).
std::string symbol(Kind k, const std::string& name, const Paint& p)
{
    std::string out;
    const std::string stroke_style = p.dashed ? "dash" : "solid";
    switch (k) {
    case Kind::Point:
        out = "<symbol type=\"marker\" name=\"" + name + "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
              "<layer class=\"SimpleMarker\" enabled=\"1\" pass=\"0\" locked=\"0\">" +
              prop("name", "circle") + prop("color", p.fill.empty() ? "0,0,0,0" : p.fill) +
              prop("outline_color", p.stroke) + prop("outline_style", stroke_style) +
              prop("outline_width", num(p.width)) + prop("outline_width_unit", "MM") +
              prop("size", num(p.size)) + prop("size_unit", "MM") + "</layer></symbol>";
        break;
    case Kind::Line:
        out = "<symbol type=\"line\" name=\"" + name + "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
              "<layer class=\"SimpleLine\" enabled=\"1\" pass=\"0\" locked=\"0\">" +
              prop("line_color", p.stroke) + prop("line_style", stroke_style) +
              prop("line_width", num(p.width)) + prop("line_width_unit", "MM") +
              prop("capstyle", "round") + prop("joinstyle", "round") + "</layer></symbol>";
        break;
    case Kind::Polygon:
        out = "<symbol type=\"fill\" name=\"" + name + "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
              "<layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">" +
              prop("color", p.fill.empty() ? "0,0,0,0" : p.fill) +
              prop("style", p.fill.empty() ? "no" : p.pattern) + prop("outline_color", p.stroke) +
              prop("outline_style", stroke_style) + prop("outline_width", num(p.width)) +
              prop("outline_width_unit", "MM") + prop("joinstyle", "miter") + "</layer></symbol>";
        break;
    }
    return out;
}

std::string labeling(const std::string& field, Kind k, double size)
{
    // placement: 6 = around the point, 2 = along lines, 1 = over the centroid
    const char* placement = k == Kind::Point ? "6" : k == Kind::Line ? "2" : "1";
    return "<labeling type=\"simple\"><settings calloutType=\"simple\">"
           "<text-style fieldName=\"" + html_escape(field) + "\" isExpression=\"0\" fontSize=\"" +
           num(size) + "\" fontSizeUnit=\"Point\" textColor=\"30,30,30,255\" textOpacity=\"1\" "
           "fontFamily=\"Noto Sans CJK SC\" namedStyle=\"Regular\" fontWeight=\"50\" "
           "fontItalic=\"0\" multilineHeight=\"1\" previewBkgrdColor=\"255,255,255,255\">"
           "<text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" "
           "bufferColor=\"255,255,255,255\" bufferOpacity=\"1\" bufferJoinStyle=\"128\"/>"
           "</text-style>"
           "<placement placement=\"" + std::string(placement) + "\" dist=\"1\" distUnits=\"MM\" "
           "priority=\"5\" placementFlags=\"10\"/>"
           "<rendering obstacle=\"1\" scaleVisibility=\"0\" displayAll=\"0\" upsidedownLabels=\"0\" "
           "labelPerPart=\"0\" mergeLines=\"0\" limitNumLabels=\"0\" drawLabels=\"1\"/>"
           "</settings></labeling>";
}

std::string document(Kind k, const std::string& renderer, const std::string& label_block)
{
    return std::string("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                       "<qgis version=\"3.22.16-Białowieża\" styleCategories=\"AllStyleCategories\" "
                       "labelsEnabled=\"") +
           (label_block.empty() ? "0" : "1") + "\">\n" + renderer + "\n" + label_block +
           "\n<layerGeometryType>" + std::to_string(static_cast<int>(k)) +
           "</layerGeometryType>\n</qgis>\n";
}

struct Category {
    std::string value;
    std::string label;
    Paint paint;
};

std::string categorized(const std::string& attr, Kind k, const std::vector<Category>& cats)
{
    std::string c = "<categories>", s = "<symbols>";
    for (std::size_t i = 0; i < cats.size(); ++i) {
        const std::string id = std::to_string(i);
        c += "<category render=\"true\" value=\"" + html_escape(cats[i].value) + "\" symbol=\"" +
             id + "\" label=\"" + html_escape(cats[i].label) + "\"/>";
        s += symbol(k, id, cats[i].paint);
    }
    return "<renderer-v2 type=\"categorizedSymbol\" attr=\"" + html_escape(attr) +
           "\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">" + c + "</categories>" + s +
           "</symbols></renderer-v2>";
}

std::string single(Kind k, const Paint& p)
{
    return "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" "
           "forceraster=\"0\"><symbols>" +
           symbol(k, "0", p) + "</symbols></renderer-v2>";
}

// Verdict colours (sites) and outcome colours (findings) share one palette.
const char* const k_green = "26,152,80,255";
const char* const k_amber = "245,166,35,255";
const char* const k_greyblue = "120,144,176,255";
const char* const k_red = "215,25,28,255";
const char* const k_magenta = "255,0,255,255";
const char* const k_blue = "49,130,189,255";

std::string with_alpha(const char* rgba, int alpha)
{
    std::string s(rgba);
    return s.substr(0, s.rfind(',') + 1) + std::to_string(alpha);
}

} // namespace

std::optional<Kind> kind_of(OGRwkbGeometryType type)
{
    switch (wkbFlatten(type)) {
    case wkbPoint:
    case wkbMultiPoint:
        return Kind::Point;
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve:
        return Kind::Line;
    case wkbPolygon:
    case wkbMultiPolygon:
    case wkbCurvePolygon:
    case wkbMultiSurface:
        return Kind::Polygon;
    default:
        return std::nullopt;
    }
}

const char* kind_type(Kind k)
{
    return k == Kind::Point ? "Point" : k == Kind::Line ? "Line" : "Polygon";
}

const char* kind_suffix(Kind k)
{
    return k == Kind::Point ? "point" : k == Kind::Line ? "line" : "polygon";
}

std::string sites_qml(Kind k)
{
    const double w = k == Kind::Line ? 1.2 : 0.3;
    const std::string outline = "50,50,50,255";
    auto paint = [&](const char* colour) {
        Paint p;
        if (k == Kind::Line) {
            p.stroke = colour;
        } else {
            p.fill = k == Kind::Polygon ? with_alpha(colour, 170) : colour;
            p.stroke = k == Kind::Polygon ? colour : outline;
        }
        p.width = k == Kind::Polygon ? 0.6 : w;
        p.size = 3.2;
        return p;
    };
    Paint error; // outlined magenta: no fill, a thick magenta outline
    error.stroke = k_magenta;
    error.width = k == Kind::Line ? 1.2 : 0.8;
    error.dashed = k == Kind::Line;
    error.size = 3.6;
    const std::vector<Category> cats = {{"PASS", "PASS 通过", paint(k_green)},
                                        {"CONDITIONAL", "CONDITIONAL 有条件", paint(k_amber)},
                                        {"INCOMPLETE", "INCOMPLETE 无法判定", paint(k_greyblue)},
                                        {"FAIL", "FAIL 不通过", paint(k_red)},
                                        {"ERROR", "ERROR 记录错误", error}};
    return document(k, categorized("verdict", k, cats), labeling("site_id", k, 7));
}

std::string zoning_qml()
{
    auto paint = [](const char* colour) {
        Paint p;
        p.fill = with_alpha(colour, 150);
        p.stroke = with_alpha(colour, 255);
        p.width = 0.2;
        return p;
    };
    const std::vector<Category> cats = {{"PASS", "PASS 可以布局", paint(k_green)},
                                        {"CONDITIONAL", "CONDITIONAL 有条件布局", paint(k_amber)},
                                        {"INCOMPLETE", "INCOMPLETE 无法判定", paint(k_greyblue)},
                                        {"FAIL", "FAIL 不得布局", paint(k_red)}};
    // Rule ids on the larger polygons only: QGIS leaves out the labels of
    // features smaller than minFeatureSize mm on screen.
    std::string label = labeling("rule_ids", Kind::Polygon, 7);
    const std::string from = "labelPerPart=\"0\"";
    label.replace(label.find(from), from.size(), "labelPerPart=\"0\" minFeatureSize=\"12\"");
    return document(Kind::Polygon, categorized("verdict", Kind::Polygon, cats), label);
}

std::string findings_qml(Kind k)
{
    auto paint = [&](const char* colour) {
        Paint p;
        p.stroke = colour;
        if (k == Kind::Polygon) {
            p.fill = with_alpha(colour, 110); // the overlap piece / the part outside the park
            p.width = 0.5;
        } else if (k == Kind::Line) {
            p.width = 0.8; // the shortest line to the feature
            p.dashed = true;
        } else {
            p.fill = with_alpha(colour, 0);
            p.width = 0.6;
            p.size = 4.5; // a ring around the site: the site itself stays visible
        }
        return p;
    };
    const std::vector<Category> cats = {{"FAIL", "FAIL", paint(k_red)},
                                        {"CONDITIONAL", "CONDITIONAL", paint(k_amber)},
                                        {"INCOMPLETE", "INCOMPLETE", paint(k_greyblue)},
                                        {"INFO", "INFO", paint(k_blue)},
                                        {"PASS", "PASS", paint(k_green)}};
    return document(k, categorized("outcome", k, cats), "");
}

std::string zone_summary_qml(const std::vector<std::string>& load_pct_fields)
{
    if (load_pct_fields.empty()) {
        Paint p;
        p.stroke = "60,60,60,255";
        p.width = 0.5;
        return document(Kind::Polygon, single(Kind::Polygon, p),
                        labeling("zone_name", Kind::Polygon, 8));
    }
    std::string attr;
    if (load_pct_fields.size() == 1) {
        attr = load_pct_fields.front();
    } else {
        attr = "max(";
        for (std::size_t i = 0; i < load_pct_fields.size(); ++i)
            attr += (i ? ", " : "") + ("\"" + load_pct_fields[i] + "\"");
        attr += ")";
    }
    struct Band {
        double lower, upper;
        const char* label;
        const char* colour;
    };
    const std::vector<Band> bands = {{0, 50, "< 50 %", "255,255,204,90"},
                                     {50, 80, "50–80 %", "254,217,118,90"},
                                     {80, 100, "80–100 %", "253,141,60,90"},
                                     {100, 1e9, "> 100 % (over cap)", "227,26,28,90"}};
    std::string ranges = "<ranges>", syms = "<symbols>";
    for (std::size_t i = 0; i < bands.size(); ++i) {
        const std::string id = std::to_string(i);
        ranges += "<range render=\"true\" symbol=\"" + id + "\" lower=\"" + num(bands[i].lower) +
                  "\" upper=\"" + num(bands[i].upper) + "\" label=\"" + html_escape(bands[i].label) +
                  "\"/>";
        Paint p;
        p.fill = bands[i].colour;
        p.stroke = "90,90,90,255";
        p.width = 0.4;
        syms += symbol(Kind::Polygon, id, p);
    }
    const std::string renderer =
        "<renderer-v2 type=\"graduatedSymbol\" attr=\"" + html_escape(attr) +
        "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" "
        "forceraster=\"0\">" + ranges + "</ranges>" + syms + "</symbols>"
        "<mode name=\"manual\"/><rotation/><sizescale/></renderer-v2>";
    return document(Kind::Polygon, renderer, labeling("zone_name", Kind::Polygon, 8));
}

std::string context_qml(const std::string& name, Kind k, const std::string& label_field)
{
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto has = [&](const char* s) { return lower.find(s) != std::string::npos; };
    Paint p;
    std::string label = label_field;
    if (has("red") || has("eco")) { // 生态保护红线: green hatch, dark green edge
        p.fill = "0,140,60,110";
        p.pattern = "b_diagonal";
        p.stroke = "0,110,40,255";
        p.width = 0.5;
    } else if (has("water")) { // 饮用水水源保护区
        p.fill = "80,160,230,90";
        p.stroke = "30,100,200,255";
        p.width = 0.4;
    } else if (has("park")) { // 工业园区
        p.fill = "150,110,200,60";
        p.stroke = "110,60,170,255";
        p.width = 0.6;
    } else if (has("township") || has("town")) { // 乡镇（街道）: boundaries and names
        p.stroke = "40,40,40,255";
        p.width = 0.7;
        p.dashed = true;
    } else if (has("unit")) { // 环境管控单元: thin grey, no label (too many)
        p.fill = "240,240,240,60";
        p.stroke = "150,150,150,255";
        p.width = 0.2;
        label.clear();
    } else { // anything else, e.g. pollution sources: small grey
        p.fill = "120,120,120,160";
        p.stroke = "90,90,90,255";
        p.width = 0.2;
        p.size = 1.4;
        label.clear();
    }
    if (k == Kind::Line && p.stroke.empty())
        p.stroke = "90,90,90,255";
    if (k != Kind::Polygon && label_field.empty())
        label.clear();
    return document(k, single(k, p), label.empty() ? "" : labeling(label, k, 8));
}

std::string changes_qml(Kind k)
{
    auto paint = [&](const char* colour) {
        Paint p;
        if (k == Kind::Line) {
            p.stroke = colour;
            p.width = 1.2;
        } else {
            p.fill = k == Kind::Polygon ? with_alpha(colour, 170) : colour;
            p.stroke = k == Kind::Polygon ? colour : "50,50,50,255";
            p.width = k == Kind::Polygon ? 0.6 : 0.3;
            p.size = 3.4;
        }
        return p;
    };
    const std::vector<Category> cats = {{"stricter", "stricter 趋严", paint(k_red)},
                                        {"looser", "looser 放宽", paint(k_green)},
                                        {"same", "same 结论不变、依据变化", paint(k_amber)}};
    return document(k, categorized("direction", k, cats), labeling("site_id", k, 7));
}

std::string layer_changes_qml()
{
    auto paint = [](const char* colour) {
        Paint p;
        p.fill = with_alpha(colour, 120);
        p.stroke = colour;
        p.width = 0.5;
        p.pattern = "b_diagonal";
        return p;
    };
    const std::vector<Category> cats = {{"added", "added 新增范围", paint(k_red)},
                                        {"removed", "removed 调出范围", paint(k_green)}};
    return document(Kind::Polygon, categorized("change", Kind::Polygon, cats), labeling("layer", Kind::Polygon, 7));
}

namespace {

void write_style_rows(OGRLayer& styles, const std::vector<StyleRow>& rows);

/// `layer_styles` when the GeoPackage has one (a file added to): the rows of
/// the tables about to be styled removed (an earlier run's).
OGRLayer* existing_layer_styles(GDALDataset& ds, const std::vector<StyleRow>& rows)
{
    OGRLayer* layer = ds.GetLayerByName("layer_styles");
    if (!layer || rows.empty())
        return layer;
    std::string names;
    for (const StyleRow& r : rows)
        names += (names.empty() ? "" : ", ") + sql_text(r.table);
    gdal::ErrorCapture capture;
    OGRLayer* result = ds.ExecuteSQL(("DELETE FROM layer_styles WHERE f_table_name IN (" + names + ")").c_str(),
                                     nullptr, nullptr);
    if (result)
        ds.ReleaseResultSet(result);
    if (capture.has_failure())
        throw OutputError("cannot update 'layer_styles': " + capture.failures());
    return layer;
}

} // namespace

void write_layer_styles(GDALDataset& ds, const std::vector<StyleRow>& rows)
{
    gdal::ErrorCapture capture;
    if (OGRLayer* layer = existing_layer_styles(ds, rows)) {
        write_style_rows(*layer, rows);
        return;
    }
    char** options = nullptr;
    options = CSLSetNameValue(options, "FID", "id");
    OGRLayer* layer = ds.CreateLayer("layer_styles", nullptr, wkbNone, options);
    CSLDestroy(options);
    if (!layer)
        throw OutputError("cannot create layer 'layer_styles': " + capture.failures());

    struct Column {
        const char* name;
        OGRFieldType type;
        int width;
        OGRFieldSubType subtype;
    };
    const std::vector<Column> columns = {
        {"f_table_catalog", OFTString, 256, OFSTNone}, {"f_table_schema", OFTString, 256, OFSTNone},
        {"f_table_name", OFTString, 256, OFSTNone},    {"f_geometry_column", OFTString, 256, OFSTNone},
        {"styleName", OFTString, 30, OFSTNone},        {"styleQML", OFTString, 0, OFSTNone},
        {"styleSLD", OFTString, 0, OFSTNone},          {"useAsDefault", OFTInteger, 0, OFSTBoolean},
        {"description", OFTString, 0, OFSTNone},       {"owner", OFTString, 30, OFSTNone},
        {"ui", OFTString, 30, OFSTNone},               {"update_time", OFTDateTime, 0, OFSTNone}};
    for (const Column& c : columns) {
        OGRFieldDefn def(c.name, c.type);
        def.SetWidth(c.width);
        def.SetSubType(c.subtype);
        if (c.type == OFTDateTime)
            def.SetDefault("CURRENT_TIMESTAMP"); // GDAL writes QGIS's strftime(...'Z') default
        if (layer->CreateField(&def) != OGRERR_NONE)
            throw OutputError(std::string("cannot create field '") + c.name +
                              "' in 'layer_styles': " + capture.failures());
    }
    write_style_rows(*layer, rows);
}

namespace {

void write_style_rows(OGRLayer& styles, const std::vector<StyleRow>& rows)
{
    OGRLayer* layer = &styles;
    gdal::ErrorCapture capture;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0;
    float second = 0;
    std::sscanf(k_style_time, "%d-%d-%dT%d:%d:%fZ", &year, &month, &day, &hour, &minute, &second);
    for (const StyleRow& r : rows) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetField("f_table_catalog", "");
        f->SetField("f_table_schema", ""); // NULL here makes QGIS ignore the row
        f->SetField("f_table_name", r.table.c_str());
        f->SetField("f_geometry_column", r.geometry_column.c_str());
        f->SetField("styleName", r.name.c_str());
        f->SetField("styleQML", r.qml.c_str());
        f->SetField("styleSLD", "");
        f->SetField("useAsDefault", 1);
        f->SetField("description", r.description.c_str());
        f->SetField("owner", "");
        f->SetField("ui", "");
        f->SetField(f->GetFieldIndex("update_time"), year, month, day, hour, minute, second, 100);
        if (layer->CreateFeature(f.get()) != OGRERR_NONE)
            throw OutputError("cannot write to 'layer_styles': " + capture.failures());
    }
}

} // namespace

std::string write_kind_view(GDALDataset& ds, OGRLayer& table, Kind k)
{
    const std::string name = std::string(table.GetName()) + "_" + kind_suffix(k);
    const std::string geom = table.GetGeometryColumn();
    auto quote_id = [](const std::string& s) {
        std::string out = "\"";
        for (char c : s)
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    };
    auto quote_text = [](const std::string& s) {
        std::string out = "'";
        for (char c : s)
            out += c == '\'' ? std::string("''") : std::string(1, c);
        return out + "'";
    };
    // GeoPackage geometry blob: "GP", version, flags, srs_id (4 bytes), an
    // envelope whose size the flags give, then ISO WKB: byte order, type.
    // The type's low byte (WKB written little-endian) tells the kind; 2D,
    // Z (1000+), M (2000+) and ZM (3000+) variants are all listed.
    const std::string g = quote_id(geom);
    const std::string envelope = "CASE hex(substr(" + g + ",4,1)) WHEN '03' THEN 32 WHEN '05' THEN 48 "
                                 "WHEN '07' THEN 48 WHEN '09' THEN 64 WHEN '13' THEN 32 WHEN '15' "
                                 "THEN 48 WHEN '17' THEN 48 WHEN '19' THEN 64 ELSE 0 END";
    const char* codes = k == Kind::Point  ? "'01','04','E9','EC','D1','D4','B9','BC'"
                        : k == Kind::Line ? "'02','05','EA','ED','D2','D5','BA','BD'"
                                          : "'03','06','EB','EE','D3','D6','BB','BE'";
    const std::string sql = "CREATE VIEW " + quote_id(name) + " AS SELECT * FROM " +
                            quote_id(table.GetName()) + " WHERE hex(substr(" + g + ", 10 + " +
                            envelope + ", 1)) IN (" + codes + ")";
    gdal::ErrorCapture capture;
    auto run = [&](const std::string& statement) {
        OGRLayer* result = ds.ExecuteSQL(statement.c_str(), nullptr, nullptr);
        if (result)
            ds.ReleaseResultSet(result);
        if (capture.has_failure())
            throw OutputError("cannot create the view '" + name + "': " + capture.failures());
    };
    run(sql);
    run("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "SELECT " + quote_text(name) + ", 'features', " + quote_text(name) + ", " +
        quote_text(std::string("rows of ") + table.GetName() + " whose geometry is a " +
                   kind_suffix(k) + " (a view, for QGIS styles)") +
        ", srs_id FROM gpkg_contents WHERE table_name = " + quote_text(table.GetName()));
    // Declared GEOMETRY: the view's column keeps the table's declared type.
    // QGIS reads each view as a single-kind layer and applies its style.
    run("INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) "
        "SELECT " + quote_text(name) + ", column_name, geometry_type_name, srs_id, z, m "
        "FROM gpkg_geometry_columns WHERE table_name = " + quote_text(table.GetName()));
    return name;
}

namespace {

/// A PostgreSQL text literal; E'' when it holds a backslash, so that it
/// reads the same whatever standard_conforming_strings says.
std::string pg_text(const std::string& s)
{
    if (s.find('\\') == std::string::npos)
        return sql_text(s);
    std::string out = "E'";
    for (char c : s)
        out += c == '\'' ? std::string("''") : c == '\\' ? std::string("\\\\") : std::string(1, c);
    return out + "'";
}

} // namespace

void write_database_layer_styles(OutputDataset& out, const std::vector<StyleRow>& rows)
{
    // QGIS 3.22's own statements (postgres provider, saveStyle).
    out.execute("CREATE TABLE IF NOT EXISTS layer_styles(id SERIAL PRIMARY KEY, f_table_catalog varchar, "
                "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, styleName text, "
                "styleQML xml, styleSLD xml, useAsDefault boolean, description text, owner varchar(63) "
                "DEFAULT CURRENT_USER, ui xml, update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)",
                "create 'layer_styles'");
    out.execute("ALTER TABLE layer_styles ADD COLUMN IF NOT EXISTS type varchar NULL", "update 'layer_styles'");
    if (rows.empty())
        return;
    const std::string where_ours = "f_table_catalog = current_database() AND f_table_schema = " +
                                   pg_text(out.schema()) + " AND f_table_name IN (";
    std::string names;
    for (const StyleRow& r : rows)
        names += (names.empty() ? "" : ", ") + pg_text(r.table);
    out.execute("DELETE FROM layer_styles WHERE " + where_ours + names + ")", "update 'layer_styles'");
    for (const StyleRow& r : rows)
        out.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                    "styleName, styleQML, styleSLD, useAsDefault, description, type) VALUES (current_database(), " +
                        pg_text(out.schema()) + ", " + pg_text(r.table) + ", " + pg_text(r.geometry_column) + ", " +
                        pg_text(r.name) + ", XMLPARSE(DOCUMENT " + pg_text(r.qml) + "), NULL, " +
                        (r.is_default ? "true" : "false") + ", " + pg_text(r.description) + ", " +
                        (r.type.empty() ? std::string("NULL") : pg_text(r.type)) + ")",
                    "write 'layer_styles'");
}

} // namespace redline::styles
