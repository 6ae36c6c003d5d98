// Where applications come from: a file or database read through GDAL (with
// CSV's wkt or lon/lat columns), or records built in memory (a server
// request, a test). The pipeline (pipeline.hpp) reads one source.
#pragma once

#include "redline/application.hpp"

#include <ogr_core.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

class OGRSpatialReference;

namespace redline {

/// What a source is, for the outputs' fields and run_info.
struct SourceInfo {
    std::string name;     ///< the path, or what the records are ("request")
    std::string modified; ///< modification time (ISO 8601 UTC), "" when none
    std::vector<std::string> field_names; ///< every input field, in order
    std::vector<OGRFieldType> field_types;
    /// CRS of the coordinates; null = the rulebook's input_crs.
    std::shared_ptr<const OGRSpatialReference> srs;
    std::string id_field = "id";
    std::string industry_field = "industry";
    std::string crs;      ///< the CRS the user named (--crs), "" when none
    std::string encoding; ///< the text encoding read ("UTF-8", "GB18030"...), "" when left to GDAL
    coords::Datum datum = coords::Datum::Wgs84; ///< --coords
    /// What the reader noticed and worked around (an encoding detected...).
    std::vector<std::string> notes;
    /// The rulebook layer the records are features of (--layer-input), "" for an applications source.
    std::string layer_input;
};

class ApplicationSource {
public:
    virtual ~ApplicationSource() = default;
    /// The next record, false at the end. Never throws for a bad record: its
    /// problem goes to Application::read_error (it becomes an ERROR row).
    virtual bool next(Application& out) = 0;
    /// Total records when cheap to know (for progress).
    virtual std::optional<std::size_t> count() const { return std::nullopt; }
    virtual const SourceInfo& info() const = 0;
    /// What only the whole input shows (ids that repeat...), asked once at the end.
    virtual std::vector<std::string> closing_notes() const { return {}; }
};

/// How to read an applications file (the `batch` flags of the same names).
/// Fields left at their defaults are also found under the Chinese names
/// bureaus use (项目编号, 行业代码, 经度, 纬度...: `redline batch --help`).
struct InputOptions {
    std::string id_field = "id";
    std::string name_field = "name";
    std::string industry_field = "industry";
    std::string wkt_field; ///< --wkt-field; "" = wkt, geometry, geom, 几何
    std::string lon_field; ///< --lon-field; "" = lon, lng, longitude, 经度, 东经, x
    std::string lat_field; ///< --lat-field; "" = lat, latitude, 纬度, 北纬, y
    std::string crs;   ///< --crs: overrides the source's CRS and input_crs
    std::string layer; ///< layer (a workbook's sheet) of a multi-layer source (default: the first)
    /// A spreadsheet's header row, 1-based (--header-row); 0 = the first row
    /// naming an industry column among the first 20 (title rows above it are skipped).
    int header_row = 0;
    coords::Datum datum = coords::Datum::Wgs84; ///< --coords
    /// --encoding of a CSV or shapefile (GBK, GB18030, UTF-8...); empty =
    /// detect (UTF-8 unless the bytes are not valid UTF-8, then GB18030).
    std::string encoding;
};

/// Opens any GDAL vector source, or a CSV with a `wkt` column or `lon`/`lat`
/// columns. Throws UsageError when it cannot be read or has no geometry.
std::unique_ptr<ApplicationSource> open_applications(const std::string& path,
                                                     const InputOptions& options);

class Engine;

/// The features of the rulebook layer `layer` (loaded by `engine`) as
/// records (--layer-input): the layer's key as site_id (--id-field names
/// another field when set to other than `id`), industry and name from the
/// fields InputOptions names (default names, Chinese ones included; the
/// layer's label is the name when no name field is found), every field an
/// attribute, each record's Application::origin_layer/origin_key set. The
/// geometry is the engine's (working CRS, repaired). `engine` must outlive
/// the source. Throws UsageError when the layer is not in the rulebook.
std::unique_ptr<ApplicationSource> open_layer_applications(const Engine& engine, const std::string& layer,
                                                           const InputOptions& options);

/// Records given in memory, handed out in order; `index` is set from the position.
class MemorySource final : public ApplicationSource {
public:
    explicit MemorySource(std::vector<Application> apps, SourceInfo info = {});
    bool next(Application& out) override;
    std::optional<std::size_t> count() const override { return m_apps.size(); }
    const SourceInfo& info() const override { return m_info; }

private:
    std::vector<Application> m_apps;
    SourceInfo m_info;
    std::size_t m_next = 0;
};

} // namespace redline
