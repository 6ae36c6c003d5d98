#include "io/input.hpp"

#include "geometry/convert.hpp"
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

bool ends_with_ci(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() &&
           to_lower_ascii(s.substr(s.size() - suffix.size())) == suffix;
}

int find_field_ci(OGRFeatureDefn* defn, const std::vector<std::string>& names)
{
    for (const auto& n : names)
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            if (to_lower_ascii(defn->GetFieldDefn(i)->GetNameRef()) == n)
                return i;
    return -1;
}

bool is_shapefile(const std::string& source)
{
    return ends_with_ci(source, ".shp") || ends_with_ci(source, ".dbf");
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
        m_seen_ids.reserve(std::min<std::size_t>(*n, std::size_t{1} << 26));
    m_layer->ResetReading();
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
    std::vector<std::string> open_options;
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
    if (!m_layer)
        throw UsageError("applications: no layer " +
                         (options.layer.empty() ? std::string("in ") : "'" + options.layer + "' in ") +
                         source);
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
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        m_names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
        m_types.push_back(defn->GetFieldDefn(i)->GetType());
    }
    auto exact = [&](const std::string& n) { return defn->GetFieldIndex(n.c_str()); };
    m_id = exact(options.id_field);
    m_name = exact(options.name_field);
    m_industry = exact(options.industry_field);
    if (m_industry < 0)
        throw UsageError("applications: no industry field '" + options.industry_field +
                         "' in " + source + " (use --industry-field; fields: " + join(m_names, ", ") + ")");
    if (m_csv) {
        m_wkt = find_field_ci(defn, {"wkt", "geometry", "geom"});
        m_lon = find_field_ci(defn, {"lon", "lng", "longitude", "x"});
        m_lat = find_field_ci(defn, {"lat", "latitude", "y"});
        if (m_wkt < 0 && (m_lon < 0 || m_lat < 0))
            throw UsageError("applications: " + source +
                             " has neither a wkt column nor lon/lat columns (fields: " +
                             join(m_names, ", ") + ")");
    } else if (m_layer->GetGeomType() == wkbNone) {
        throw UsageError("applications: " + source + " has no geometry");
    }
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
    if (m_duplicate_count == 0)
        return {};
    return {"applications: " + std::to_string(m_duplicate_count) +
            " records repeat an earlier id (all kept and screened; e.g. " +
            join(m_duplicate_examples, ", ") + ")"};
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
    gdal::FeaturePtr f(m_layer->GetNextFeature());
    if (!f)
        return false;
    out = Application{};
    out.index = m_next_index++;
    out.srs = m_srs;
    out.datum = m_datum;
    out.attributes.reserve(m_names.size());
    for (int i = 0; i < static_cast<int>(m_names.size()); ++i) {
        if (f->IsFieldSetAndNotNull(i))
            out.attributes.emplace_back(m_names[static_cast<std::size_t>(i)], f->GetFieldAsString(i));
        else
            out.attributes.emplace_back(m_names[static_cast<std::size_t>(i)], std::nullopt);
    }
    auto text = [&](int i) -> std::string {
        return i >= 0 && f->IsFieldSetAndNotNull(i) ? trim(f->GetFieldAsString(i)) : std::string();
    };
    out.site_id = text(m_id);
    if (out.site_id.empty())
        out.site_id = "#" + std::to_string(out.index + 1);
    else if (!m_seen_ids.insert(out.site_id).second) {
        // Kept: both records are screened and reported; the batch warns.
        if (m_duplicate_examples.size() < 10 &&
            std::find(m_duplicate_examples.begin(), m_duplicate_examples.end(), out.site_id) ==
                m_duplicate_examples.end())
            m_duplicate_examples.push_back(out.site_id);
        ++m_duplicate_count;
    }
    out.name = text(m_name);
    out.industry = text(m_industry);
    if (m_csv) {
        std::string wkt = text(m_wkt);
        if (!wkt.empty() || m_lon < 0)
            out.geometry_text = wkt;
        else if (!text(m_lon).empty() || !text(m_lat).empty())
            out.geometry_text = text(m_lon) + "," + text(m_lat);
    } else {
        out.has_wkb = true;
        if (const OGRGeometry* g = f->GetGeometryRef()) {
            try {
                out.wkb = ogr_to_wkb(*g);
            } catch (const Error& e) {
                out.read_error = e.what();
            }
        }
    }
    return true;
}

} // namespace redline

namespace redline {

namespace {

/// X of the first point of an ISO or extended (EWKB-style flags) WKB
/// geometry starting at `p`; NaN when the bytes end first.
double first_x(const unsigned char* p, const unsigned char* end, int depth = 0)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (depth > 8 || end - p < 5)
        return nan;
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
    const std::uint32_t type = u32(p + 1) & 0x0fffffffu; // drop EWKB flags
    p += 5;
    switch (type % 1000) {
    case 1: // point
        return end - p >= 8 ? f64(p) : nan;
    case 2: // linestring: count, points
        return end - p >= 12 && u32(p) > 0 ? f64(p + 4) : nan;
    case 3: // polygon: rings, points of the first ring
        return end - p >= 16 && u32(p) > 0 && u32(p + 4) > 0 ? f64(p + 8) : nan;
    case 4: case 5: case 6: case 7: // multi*, collection: count, parts
        return end - p >= 4 && u32(p) > 0 ? first_x(p + 4, end, depth + 1) : nan;
    default:
        return nan;
    }
}

} // namespace

double position_hint(const Application& app)
{
    if (app.has_wkb)
        return first_x(app.wkb.data(), app.wkb.data() + app.wkb.size());
    // "lon,lat", WKT or a GeoJSON geometry: the first number after the first
    // bracket, or at the start.
    const std::string& t = app.geometry_text;
    std::size_t at = t.find_first_of("([");
    if (t.find("coordinates") != std::string::npos)
        at = t.find('[', t.find("coordinates"));
    at = at == std::string::npos ? 0 : at + 1;
    at = t.find_first_of("+-.0123456789", at);
    if (at == std::string::npos)
        return std::numeric_limits<double>::quiet_NaN();
    return std::strtod(t.c_str() + at, nullptr);
}

} // namespace redline
