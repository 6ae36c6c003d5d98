// Reads applications from any GDAL vector source or from a CSV with a
// `wkt` column or `lon`/`lat` columns (UTF-8, with or without BOM).
#pragma once

#include "redline/application.hpp"
#include "redline/gdal.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redline {

struct InputOptions {
    std::string id_field = "id";
    std::string name_field = "name";
    std::string industry_field = "industry";
    std::string crs; ///< --crs: overrides the source's CRS and input_crs
    std::string layer; ///< layer of a multi-layer source (default: the first)
};

class ApplicationReader {
public:
    /// Opens the source; throws UsageError when it cannot be read or has no
    /// geometry (no wkt nor lon/lat column in a CSV).
    ApplicationReader(const std::string& source, const InputOptions& options);

    /// Reads the next record; false at the end. Never throws for a bad
    /// record: problems go to Application::read_error.
    bool next(Application& out);
    /// Total records when cheap to know.
    std::optional<long long> count() const;

    const std::vector<std::string>& field_names() const { return m_names; }
    const std::vector<OGRFieldType>& field_types() const { return m_types; }
    /// CRS of the coordinates (null = the rulebook's input_crs).
    std::shared_ptr<const OGRSpatialReference> srs() const { return m_srs; }
    bool is_csv() const { return m_csv; }

private:
    gdal::DatasetPtr m_ds;
    OGRLayer* m_layer = nullptr;
    bool m_csv = false;
    int m_wkt = -1, m_lon = -1, m_lat = -1;
    int m_id = -1, m_name = -1, m_industry = -1;
    std::vector<std::string> m_names;
    std::vector<OGRFieldType> m_types;
    std::shared_ptr<const OGRSpatialReference> m_srs;
    std::size_t m_next_index = 0;
};

} // namespace redline
