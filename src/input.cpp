#include "redline/input.hpp"

#include "redline/convert.hpp"
#include "redline/error.hpp"
#include "redline/text.hpp"

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

} // namespace

ApplicationReader::ApplicationReader(const std::string& source, const InputOptions& options)
{
    m_csv = ends_with_ci(source, ".csv") || source.rfind("CSV:", 0) == 0;
    std::vector<std::string> open_options;
    if (m_csv) {
        // Every column as text; geometry columns are parsed by redline so a
        // bad value becomes a reason, not a silent null.
        open_options = {"AUTODETECT_TYPE=NO", "KEEP_GEOM_COLUMNS=YES",
                        "GEOM_POSSIBLE_NAMES=redline_no_such_column", "EMPTY_STRING_AS_NULL=NO"};
    }
    try {
        m_ds = gdal::open_vector(source, "applications", open_options);
    } catch (const LayerError& e) {
        throw UsageError(e.what());
    }
    m_layer = options.layer.empty() ? m_ds->GetLayer(0) : m_ds->GetLayerByName(options.layer.c_str());
    if (!m_layer)
        throw UsageError("applications: no layer " +
                         (options.layer.empty() ? std::string("in ") : "'" + options.layer + "' in ") +
                         source);
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

    if (!options.crs.empty()) {
        m_srs = std::make_shared<OGRSpatialReference>(gdal::srs_from_user(options.crs, "--crs"));
    } else if (!m_csv && m_layer->GetSpatialRef()) {
        auto srs = std::make_shared<OGRSpatialReference>(*m_layer->GetSpatialRef());
        srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        m_srs = srs;
    }
    m_layer->ResetReading();
}

std::optional<long long> ApplicationReader::count() const
{
    if (m_csv)
        return std::nullopt;
    GIntBig n = m_layer->GetFeatureCount(FALSE);
    if (n < 0)
        return std::nullopt;
    return n;
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
