#include "io/input.hpp"

#include "geometry/convert.hpp"
#include "io/columns.hpp"
#include "io/degrees.hpp"
#include "util/encoding.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <filesystem>
#include <unistd.h>

namespace redline {

namespace {

bool is_shapefile(const std::string& source)
{
    return ends_with_ci(source, ".shp") || ends_with_ci(source, ".dbf");
}

/// Spreadsheets: read as text without headers (GDAL would otherwise guess
/// the header and type codes as numbers: 3312 -> 3312.0).
enum class Sheet { None, Xlsx, Ods, Xls };
Sheet spreadsheet_kind(const std::string& source)
{
    if (ends_with_ci(source, ".xlsx") || ends_with_ci(source, ".xlsm"))
        return Sheet::Xlsx;
    if (ends_with_ci(source, ".ods"))
        return Sheet::Ods;
    if (ends_with_ci(source, ".xls"))
        return Sheet::Xls;
    return Sheet::None;
}

/// Sets (and on destruction restores) the config options that make GDAL's
/// XLSX, XLS and ODS drivers read every cell as text, without a header row.
/// (GDAL 3.6's XLSX open options HEADERS/FIELD_TYPES are not always honoured:
/// a sheet whose first row looks like a header still gets one.) The drivers
/// load a sheet when it is first read, so the options stay set until then.
class HeadlessSheetConfig {
public:
    explicit HeadlessSheetConfig(Sheet kind)
    {
        if (kind == Sheet::Xlsx)
            set({"OGR_XLSX_HEADERS", "OGR_XLSX_FIELD_TYPES"});
        else if (kind == Sheet::Xls)
            set({"OGR_XLS_HEADERS", "OGR_XLS_FIELD_TYPES"});
        else if (kind == Sheet::Ods)
            set({"OGR_ODS_HEADERS", "OGR_ODS_FIELD_TYPES"});
    }
    ~HeadlessSheetConfig()
    {
        for (const auto& k : m_keys)
            CPLSetThreadLocalConfigOption(k.c_str(), nullptr);
    }
    HeadlessSheetConfig(const HeadlessSheetConfig&) = delete;
    HeadlessSheetConfig& operator=(const HeadlessSheetConfig&) = delete;

private:
    void set(std::vector<std::string> keys)
    {
        m_keys = std::move(keys);
        CPLSetThreadLocalConfigOption(m_keys[0].c_str(), "DISABLE");
        CPLSetThreadLocalConfigOption(m_keys[1].c_str(), "STRING");
    }
    std::vector<std::string> m_keys;
};

bool blank_row(OGRFeature& f)
{
    for (int i = 0; i < f.GetFieldCount(); ++i)
        if (f.IsFieldSetAndNotNull(i) && !trim(f.GetFieldAsString(i)).empty())
            return false;
    return true;
}

/// An industry code as a spreadsheet holds it: 3312 typed as a number reads
/// back as "3312" or "3312.0"; the code is "3312" (never 33 or a float).
std::string industry_code_text(std::string code)
{
    const auto dot = code.find('.');
    if (dot == std::string::npos || dot == 0)
        return code;
    for (std::size_t i = 0; i < dot; ++i)
        if (code[i] < '0' || code[i] > '9')
            return code;
    for (std::size_t i = dot + 1; i < code.size(); ++i)
        if (code[i] != '0')
            return code;
    return code.substr(0, dot);
}

/// True when a string field of the first features holds bytes that are not
/// UTF-8 (a shapefile without .cpg read without recoding).
bool has_non_utf8_text(OGRLayer* layer)
{
    layer->ResetReading();
    bool bad = false;
    for (int n = 0; n < 2000 && !bad; ++n) {
        gdal::FeaturePtr f(layer->GetNextFeature());
        if (!f)
            break;
        for (int i = 0; i < f->GetFieldCount() && !bad; ++i)
            if (f->IsFieldSetAndNotNull(i) && f->GetFieldDefnRef(i)->GetType() == OFTString)
                bad = encoding::first_invalid_utf8(f->GetFieldAsString(i)).has_value();
    }
    layer->ResetReading();
    return bad;
}

} // namespace

ApplicationReader::~ApplicationReader()
{
    m_gpkg.reset();
    m_ds.reset();
    if (!m_temp.empty()) {
        std::error_code ec;
        std::filesystem::remove(m_temp, ec);
    }
}

void ApplicationReader::open_csv(const std::string& source, const InputOptions& options,
                                 std::vector<std::string>& open_options, std::string& path)
{
    // Every column as text; geometry columns are parsed by redline so a
    // bad value becomes a reason, not a silent null.
    open_options = {"AUTODETECT_TYPE=NO", "KEEP_GEOM_COLUMNS=YES",
                    "GEOM_POSSIBLE_NAMES=redline_no_such_column", "EMPTY_STRING_AS_NULL=NO"};
    const std::string file = source.rfind("CSV:", 0) == 0 ? source.substr(4) : source;
    std::error_code ec;
    if (file.rfind("/vsi", 0) != 0) {
        if (!std::filesystem::exists(file, ec))
            throw UsageError("applications: cannot open " + source + " (no such file)");
        if (std::filesystem::is_regular_file(file, ec) && std::filesystem::file_size(file, ec) == 0 && !ec)
            throw UsageError("applications: " + source +
                             " is empty (0 bytes): a CSV needs at least its header line");
    } else {
        return; // virtual files: left to GDAL as UTF-8
    }
    // GDAL's CSV driver reads bytes as UTF-8: other encodings are transcoded
    // into a temporary UTF-8 copy first.
    std::string enc;
    try {
        if (!options.encoding.empty())
            enc = encoding::canonical(options.encoding);
    } catch (const Error& e) {
        throw UsageError(std::string("--encoding: ") + e.what());
    }
    std::optional<std::size_t> bad;
    if (enc.empty() || enc == "UTF-8") {
        try {
            bad = encoding::first_invalid_utf8_in_file(file);
        } catch (const Error& e) {
            throw UsageError("applications: " + std::string(e.what()));
        }
    }
    if (enc == "UTF-8" && bad)
        throw UsageError("applications: " + source + " is not valid UTF-8 (byte " +
                         std::to_string(*bad) + "); name its encoding with --encoding GBK or GB18030");
    if (enc.empty()) {
        if (!bad) {
            m_encoding = "UTF-8";
            return;
        }
        enc = "GB18030"; // a superset of GBK and GB2312
        m_notes.push_back("applications: " + source + " is not valid UTF-8 (byte " +
                          std::to_string(*bad) +
                          "); read as GB18030/GBK — name the encoding with --encoding if that is wrong");
    }
    m_encoding = enc;
    if (enc == "UTF-8")
        return;
    std::string tmpl = (std::filesystem::temp_directory_path() / "redline-input-XXXXXX.csv").string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = ::mkstemps(name.data(), 4);
    if (fd < 0)
        throw UsageError("applications: cannot create a temporary file to transcode " + source);
    ::close(fd);
    m_temp = name.data();
    try {
        encoding::transcode_file(file, m_temp, enc);
    } catch (const Error& e) {
        throw UsageError("applications: " + source + " cannot be read as " + enc + ": " + e.what() +
                         " (name the encoding with --encoding)");
    }
    path = m_temp;
}

ApplicationReader::ApplicationReader(const std::string& source, const InputOptions& options)
    : m_datum(options.datum)
{
    try {
        open(source, options);
    } catch (...) {
        // The destructor does not run for a half-built reader: remove the
        // transcoded copy here.
        m_gpkg.reset();
        m_ds.reset();
        if (!m_temp.empty()) {
            std::error_code ec;
            std::filesystem::remove(m_temp, ec);
        }
        throw;
    }
}

void ApplicationReader::open(const std::string& source, const InputOptions& options)
{
    open_dataset(source, options);
    bind_fields(source, options);
    if (!options.crs.empty()) {
        m_srs = std::make_shared<OGRSpatialReference>(gdal::srs_from_user(options.crs, "--crs"));
    } else if (!m_csv && m_layer->GetSpatialRef()) {
        auto srs = std::make_shared<OGRSpatialReference>(*m_layer->GetSpatialRef());
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        m_srs = srs;
    }
    if (auto n = count(); n && *n > 0)
        m_seen_ids.reserve(std::min<std::size_t>(*n, std::size_t{1} << 22));
    m_layer->ResetReading();
    if (!m_csv && !m_spreadsheet && !m_columns)
        m_gpkg = gpkg::TableReader::open(*m_ds, *m_layer);
    m_info.name = source;
    m_info.modified = file_modified_utc(source);
    m_info.field_names = m_names;
    m_info.field_types = m_types;
    m_info.srs = m_srs;
    m_info.id_field = options.id_field;
    m_info.industry_field = options.industry_field;
    m_info.crs = options.crs;
    m_info.encoding = m_encoding;
    m_info.datum = options.datum;
    m_info.notes = m_notes;
}

void ApplicationReader::open_dataset(const std::string& source, const InputOptions& options)
{
    m_csv = ends_with_ci(source, ".csv") || source.rfind("CSV:", 0) == 0;
    const Sheet sheet = spreadsheet_kind(source);
    m_spreadsheet = sheet != Sheet::None;
    std::vector<std::string> open_options;
    const HeadlessSheetConfig headless(sheet);
    std::string path = source;
    try {
        if (m_csv) {
            open_csv(source, options, open_options, path);
        } else if (is_shapefile(source) && !options.encoding.empty()) {
            m_encoding = encoding::canonical(options.encoding);
            open_options.push_back("ENCODING=" + m_encoding);
        }
    } catch (const UsageError&) {
        throw;
    } catch (const Error& e) {
        throw UsageError(std::string("--encoding: ") + e.what());
    }
    try {
        m_ds = gdal::open_vector(path, "applications", open_options);
    } catch (const LayerError& e) {
        throw UsageError(e.what());
    }
    m_layer = options.layer.empty() ? m_ds->GetLayer(0) : m_ds->GetLayerByName(options.layer.c_str());
    if (!m_layer) {
        std::vector<std::string> names;
        for (int i = 0; i < m_ds->GetLayerCount(); ++i)
            names.emplace_back(m_ds->GetLayer(i)->GetName());
        throw UsageError("applications: no " + std::string(m_spreadsheet ? "sheet " : "layer ") +
                         (options.layer.empty() ? std::string("in ") : "'" + options.layer + "' in ") +
                         source + (names.empty() ? "" : " (it has: " + join(names, ", ") + ")"));
    }
    if (m_spreadsheet) { // load the sheet now, while `headless` holds
        m_layer->GetLayerDefn();
        gdal::FeaturePtr first(m_layer->GetNextFeature());
        m_layer->ResetReading();
    }
    if (!m_csv && is_shapefile(source) && options.encoding.empty()) {
        // A shapefile without .cpg (and no code page in the .dbf) is read
        // without recoding: GBK bytes would pass through as invalid UTF-8.
        const char* detected = m_layer->GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE");
        if ((!detected || !*detected) && has_non_utf8_text(m_layer)) {
            m_notes.push_back("applications: " + source +
                              " has no .cpg and its text is not UTF-8; read as GB18030/GBK — "
                              "name the encoding with --encoding if that is wrong");
            m_encoding = "GB18030";
            try {
                m_ds = gdal::open_vector(path, "applications", {"ENCODING=GB18030"});
            } catch (const LayerError& e) {
                throw UsageError(e.what());
            }
            m_layer = options.layer.empty() ? m_ds->GetLayer(0)
                                            : m_ds->GetLayerByName(options.layer.c_str());
        }
    }
}

void ApplicationReader::bind_fields(const std::string& source, const InputOptions& options)
{
    OGRFeatureDefn* defn = m_layer->GetLayerDefn();
    m_columns = m_csv || m_spreadsheet || m_layer->GetGeomType() == wkbNone;
    if (m_spreadsheet) {
        read_header_row(source, options);
    } else {
        if (options.header_row > 0)
            throw UsageError("--header-row applies to spreadsheets (.xlsx, .ods, .xls), not " + source);
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            m_names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
            m_types.push_back(defn->GetFieldDefn(i)->GetType());
        }
    }
    const columns::Binding b = columns::bind(m_names, options, m_columns, source);
    m_id = b.id;
    m_name = b.name;
    m_industry = b.industry;
    m_wkt = b.wkt;
    m_lon = b.lon;
    m_lat = b.lat;
}

void ApplicationReader::read_header_row(const std::string& source, const InputOptions& options)
{
    // The rows as GDAL gives them, every cell text; a title above the header
    // (a merged "XX市建设项目申报表" row) is common: the header is the first
    // row that names an industry column, or --header-row.
    const int ncols = m_layer->GetLayerDefn()->GetFieldCount();
    std::vector<std::vector<std::string>> rows;
    m_layer->ResetReading();
    const long long wanted = options.header_row > 0 ? options.header_row : 20;
    for (gdal::FeaturePtr f(m_layer->GetNextFeature()); f && static_cast<long long>(rows.size()) < wanted;
         f.reset(m_layer->GetNextFeature())) {
        std::vector<std::string> cells;
        for (int i = 0; i < ncols; ++i)
            cells.push_back(f->IsFieldSetAndNotNull(i) ? trim(f->GetFieldAsString(i)) : std::string());
        rows.push_back(std::move(cells));
    }
    if (rows.empty())
        throw UsageError("applications: " + source + " (sheet '" + m_layer->GetName() +
                         "') is empty: a sheet needs a header row");
    if (options.header_row > 0) {
        if (static_cast<long long>(rows.size()) < options.header_row)
            throw UsageError("--header-row " + std::to_string(options.header_row) + ": sheet '" +
                             m_layer->GetName() + "' of " + source + " has only " +
                             std::to_string(rows.size()) + " rows");
        m_header_row = options.header_row;
    } else {
        for (std::size_t r = 0; r < rows.size() && m_header_row == 0; ++r)
            if (columns::names_industry(rows[r], options))
                m_header_row = static_cast<long long>(r) + 1;
        if (m_header_row == 0)
            m_header_row = 1;
        if (m_header_row > 1)
            m_notes.push_back("applications: " + source + " (sheet '" + m_layer->GetName() +
                              "'): header read from row " + std::to_string(m_header_row) + " (" +
                              std::to_string(m_header_row - 1) + " title row(s) above it skipped)");
    }
    const auto& header = rows[static_cast<std::size_t>(m_header_row - 1)];
    for (int i = 0; i < ncols; ++i) {
        std::string name = header[static_cast<std::size_t>(i)];
        if (name.empty())
            name = "column_" + std::to_string(i + 1);
        m_names.push_back(name);
        m_types.push_back(OFTString);
    }
}

gdal::FeaturePtr ApplicationReader::next_feature()
{
    for (;;) {
        gdal::FeaturePtr f(m_layer->GetNextFeature());
        if (!f || !m_spreadsheet)
            return f;
        if (++m_rows_read <= m_header_row)
            continue;
        if (!blank_row(*f))
            return f;
        ++m_blank_rows;
    }
}

void ApplicationReader::coordinates_from_columns(const std::string& lon, const std::string& lat,
                                                 Application& out) const
{
    // Decimal degrees pass through as typed (the engine checks their range);
    // anything else must be degrees-minutes-seconds.
    auto one = [&](const std::string& v, degrees::Axis axis, const char* zh, const char* en) -> std::string {
        if (v.empty() || parse_double(v))
            return v;
        if (auto d = degrees::parse(v, axis))
            return degrees::to_text(d->value);
        out.read_error = Text(std::string(zh) + "「" + v + "」既不是十进制度也不是度分秒",
                              std::string(en) + " '" + v + "' is neither decimal degrees nor degrees-minutes-seconds");
        return v;
    };
    const std::string x = one(lon, degrees::Axis::Lon, "经度", "longitude");
    if (!out.read_error.empty())
        return;
    const std::string y = one(lat, degrees::Axis::Lat, "纬度", "latitude");
    if (!out.read_error.empty())
        return;
    out.geometry_text = x + "," + y;
}

std::optional<std::size_t> ApplicationReader::count() const
{
    if (m_csv)
        return std::nullopt;
    GIntBig n = m_layer->GetFeatureCount(FALSE);
    if (n < 0)
        return std::nullopt;
    return static_cast<std::size_t>(n);
}

std::vector<std::string> ApplicationReader::closing_notes() const
{
    std::vector<std::string> out;
    if (m_blank_rows > 0)
        out.push_back("applications: " + std::to_string(m_blank_rows) +
                      " blank spreadsheet rows skipped (no cell filled in)");
    if (m_duplicate_count > 0)
        out.push_back("applications: " + std::to_string(m_duplicate_count) +
                      " records repeat an earlier id (all kept and screened; e.g. " +
                      join(m_duplicate_examples, ", ") + ")");
    return out;
}

std::unique_ptr<ApplicationSource> open_applications(const std::string& path, const InputOptions& options)
{
    return std::make_unique<ApplicationReader>(path, options);
}

MemorySource::MemorySource(std::vector<Application> apps, SourceInfo info)
    : m_apps(std::move(apps)), m_info(std::move(info))
{
}

bool MemorySource::next(Application& out)
{
    if (m_next >= m_apps.size())
        return false;
    out = m_apps[m_next];
    out.index = m_next++;
    return true;
}

bool ApplicationReader::next(Application& out)
{
    gdal::ErrorCapture capture;
    if (m_gpkg)
        return next_from_sqlite(out);
    gdal::FeaturePtr f = next_feature();
    if (!f)
        return false;
    begin_record(out);
    read_feature(*f, out);
    finish_record(out);
    return true;
}

bool ApplicationReader::next_from_sqlite(Application& out)
{
    if (!m_gpkg->next())
        return false;
    begin_record(out);
    out.has_wkb = true;
    if (m_gpkg->geometry(out.wkb) != gpkg::TableReader::Geometry::AskGdal) {
        m_gpkg->attributes(m_names, out.attributes);
    } else if (gdal::FeaturePtr f(m_layer->GetFeature(m_gpkg->fid())); f) {
        read_feature(*f, out);
    } else {
        m_gpkg->attributes(m_names, out.attributes);
        const std::string fid = std::to_string(m_gpkg->fid());
        out.read_error = Text("GDAL 无法读取 fid 为 " + fid + " 的记录的几何",
                              "GDAL cannot read the geometry of the record of fid " + fid);
    }
    finish_record(out);
    return true;
}

void ApplicationReader::begin_record(Application& out)
{
    out = Application{};
    out.index = m_next_index++;
    out.srs = m_srs;
    out.datum = m_datum;
    out.attributes.reserve(m_names.size());
}

void ApplicationReader::read_feature(OGRFeature& f, Application& out) const
{
    for (int i = 0; i < static_cast<int>(m_names.size()); ++i) {
        if (f.IsFieldSetAndNotNull(i))
            out.attributes.emplace_back(m_names[static_cast<std::size_t>(i)], f.GetFieldAsString(i));
        else
            out.attributes.emplace_back(m_names[static_cast<std::size_t>(i)], std::nullopt);
    }
    if (m_columns)
        return;
    out.has_wkb = true;
    if (const OGRGeometry* g = f.GetGeometryRef()) {
        try {
            out.wkb = ogr_to_wkb(*g);
        } catch (const Error& e) {
            out.read_error = Text::same(e.what());
        }
    }
}

void ApplicationReader::finish_record(Application& out)
{
    auto text = [&](int i) -> std::string {
        if (i < 0)
            return std::string();
        const auto& v = out.attributes[static_cast<std::size_t>(i)].second;
        return v ? trim(*v) : std::string();
    };
    out.site_id = text(m_id);
    if (out.site_id.empty())
        out.site_id = "#" + std::to_string(out.index + 1);
    else if (!m_seen_ids.insert(out.site_id)) {
        // Kept: both records are screened and reported; the batch warns.
        if (m_duplicate_examples.size() < 10 &&
            std::find(m_duplicate_examples.begin(), m_duplicate_examples.end(), out.site_id) ==
                m_duplicate_examples.end())
            m_duplicate_examples.push_back(out.site_id);
        ++m_duplicate_count;
    }
    out.name = text(m_name);
    out.industry = industry_code_text(text(m_industry));
    if (m_columns) {
        std::string wkt = text(m_wkt);
        if (!wkt.empty() || m_lon < 0)
            out.geometry_text = wkt;
        else if (!text(m_lon).empty() || !text(m_lat).empty())
            coordinates_from_columns(text(m_lon), text(m_lat), out);
    }
}

} // namespace redline

namespace redline {

namespace {

/// The first point of an ISO or extended (EWKB-style flags) WKB geometry
/// starting at `p`; NaN when the bytes end first.
PositionHint first_point(const unsigned char* p, const unsigned char* end, int depth = 0)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (depth > 8 || end - p < 5)
        return {nan, nan};
    const bool little = p[0] == 1;
    auto u32 = [little](const unsigned char* q) {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v |= static_cast<std::uint32_t>(q[little ? i : 3 - i]) << (8 * i);
        return v;
    };
    auto f64 = [little](const unsigned char* q) {
        unsigned char b[8];
        for (int i = 0; i < 8; ++i)
            b[i] = q[little ? i : 7 - i];
        double d;
        std::memcpy(&d, b, 8);
        return d;
    };
    auto xy = [&](const unsigned char* q) { return end - q >= 16 ? PositionHint{f64(q), f64(q + 8)} : PositionHint{nan, nan}; };
    const std::uint32_t type = u32(p + 1) & 0x0fffffffu; // drop EWKB flags
    p += 5;
    switch (type % 1000) {
    case 1: // point
        return xy(p);
    case 2: // linestring: count, points
        return end - p >= 4 && u32(p) > 0 ? xy(p + 4) : PositionHint{nan, nan};
    case 3: // polygon: rings, points of the first ring
        return end - p >= 8 && u32(p) > 0 && u32(p + 4) > 0 ? xy(p + 8) : PositionHint{nan, nan};
    case 4: case 5: case 6: case 7: // multi*, collection: count, parts
        return end - p >= 4 && u32(p) > 0 ? first_point(p + 4, end, depth + 1) : PositionHint{nan, nan};
    default:
        return {nan, nan};
    }
}

} // namespace

PositionHint position_hint(const Application& app)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (app.has_wkb)
        return first_point(app.wkb.data(), app.wkb.data() + app.wkb.size());
    // "lon,lat", WKT or a GeoJSON geometry: the first two numbers after the
    // first bracket, or from the start.
    const std::string& t = app.geometry_text;
    std::size_t at = t.find_first_of("([");
    if (t.find("coordinates") != std::string::npos)
        at = t.find('[', t.find("coordinates"));
    at = at == std::string::npos ? 0 : at + 1;
    PositionHint out{nan, nan};
    for (double* v : {&out.x, &out.y}) {
        at = t.find_first_of("+-.0123456789", at);
        if (at == std::string::npos)
            return out;
        char* stop = nullptr;
        *v = std::strtod(t.c_str() + at, &stop);
        at = stop && stop > t.c_str() + at ? static_cast<std::size_t>(stop - t.c_str()) : at + 1;
    }
    return out;
}

} // namespace redline
