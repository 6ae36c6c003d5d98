// Reads applications from any GDAL vector source or from a CSV with a
// `wkt` column or `lon`/`lat` columns (UTF-8, with or without BOM).
#pragma once

#include "redline/application.hpp"
#include "redline/source.hpp"
#include "io/gdal.hpp"
#include "io/gpkg_input.hpp"
#include "util/string_set.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redline {


/// The file source behind open_applications() (source.hpp).
class ApplicationReader final : public ApplicationSource {
public:
    /// Opens the source; throws UsageError when it cannot be read or has no
    /// geometry (no wkt nor lon/lat column in a CSV).
    ApplicationReader(const std::string& source, const InputOptions& options);

    /// Reads the next record; false at the end. Never throws for a bad
    /// record: problems go to Application::read_error.
    bool next(Application& out) override;
    /// Total records when cheap to know.
    std::optional<std::size_t> count() const override;
    const SourceInfo& info() const override { return m_info; }
    /// "applications: N records repeat an earlier id ..." when some do.
    std::vector<std::string> closing_notes() const override;

    const std::vector<std::string>& field_names() const { return m_names; }
    const std::vector<OGRFieldType>& field_types() const { return m_types; }
    /// CRS of the coordinates (null = the rulebook's input_crs).
    std::shared_ptr<const OGRSpatialReference> srs() const { return m_srs; }
    bool is_csv() const { return m_csv; }
    /// What the reader noticed and worked around (an encoding detected, ...):
    /// printed as warnings and kept in run_info.
    const std::vector<std::string>& notes() const { return m_notes; }
    /// Ids seen more than once so far (every record is kept), and how many
    /// records repeat an earlier id.
    const std::vector<std::string>& duplicate_ids() const { return m_duplicate_examples; }
    std::size_t duplicate_count() const { return m_duplicate_count; }
    /// The encoding the text was read in ("UTF-8", "GB18030"...; empty when
    /// left to the driver).
    const std::string& encoding() const { return m_encoding; }
    /// True when the records are read through SQLite (gpkg_input.hpp), not
    /// OGR: a plain GeoPackage table, unless REDLINE_GPKG_READ=ogr.
    bool reads_through_sqlite() const { return m_gpkg != nullptr; }
    ~ApplicationReader() override;
    ApplicationReader(const ApplicationReader&) = delete;
    ApplicationReader& operator=(const ApplicationReader&) = delete;

private:
    void open(const std::string& source, const InputOptions& options);
    /// Opens the dataset and picks the layer (re-opening a GBK shapefile as GB18030).
    void open_dataset(const std::string& source, const InputOptions& options);
    /// Finds the id, name, industry and geometry fields.
    void bind_fields(const std::string& source, const InputOptions& options);
    /// A spreadsheet read without headers: finds the header row (or takes
    /// --header-row) and names the columns from it.
    void read_header_row(const std::string& source, const InputOptions& options);
    /// The next feature that is not a blank spreadsheet row.
    gdal::FeaturePtr next_feature();
    /// The next record through SQLite (m_gpkg), a record GDAL must read
    /// itself asked of GDAL by fid.
    bool next_from_sqlite(Application& out);
    /// What every record starts with: index, CRS, datum.
    void begin_record(Application& out);
    /// The attributes and (for a vector source) the geometry of feature `f`.
    void read_feature(OGRFeature& f, Application& out) const;
    /// From the attributes: site id (and the duplicates' books), name,
    /// industry and the geometry of wkt / lon,lat columns.
    void finish_record(Application& out);
    /// lon,lat text from the two columns, decimal or degrees-minutes-seconds.
    void coordinates_from_columns(const std::string& lon, const std::string& lat, Application& out) const;
    void open_csv(const std::string& source, const InputOptions& options,
                  std::vector<std::string>& open_options, std::string& path);
    SourceInfo m_info;
    std::vector<std::string> m_notes;
    std::string m_encoding;
    std::string m_temp; ///< a UTF-8 copy of a non-UTF-8 CSV, removed on destruction
    coords::Datum m_datum = coords::Datum::Wgs84;
    StringSet m_seen_ids;
    std::vector<std::string> m_duplicate_examples;
    std::size_t m_duplicate_count = 0;
    gdal::DatasetPtr m_ds;
    OGRLayer* m_layer = nullptr;
    std::unique_ptr<gpkg::TableReader> m_gpkg; ///< set when the rows are read through SQLite
    bool m_csv = false;
    bool m_columns = false;     ///< the geometry comes from wkt or lon/lat columns
    bool m_spreadsheet = false; ///< XLSX/ODS/XLS read without headers: rows up to m_header_row skipped
    long long m_header_row = 0; ///< 1-based row of the header within the sheet's rows
    std::size_t m_blank_rows = 0;
    long long m_rows_read = 0;
    int m_wkt = -1, m_lon = -1, m_lat = -1;
    int m_id = -1, m_name = -1, m_industry = -1;
    std::vector<std::string> m_names;
    std::vector<OGRFieldType> m_types;
    std::shared_ptr<const OGRSpatialReference> m_srs;
    std::size_t m_next_index = 0;
};

} // namespace redline
