// Internal: the sinks behind make_gdal_sink(), make_json_sink() and
// make_csv_sink() (sink.hpp); each writes the path it is given (the
// temporary name write_into_place() renames).
#pragma once

#include "io/gdal.hpp"
#include "output/context_layers.hpp"
#include "output/gpkg_rows.hpp"
#include "output/gpkg_rtree.hpp"
#include "output/json_text.hpp"
#include "output/output_dataset.hpp"
#include "output/styles.hpp"
#include "redline/sink.hpp"
#include "redline/engine.hpp"
#include "redline/layer.hpp"
#include "redline/source.hpp"

#include <fstream>
#include <optional>
#include <set>

namespace redline {

class GdalResultWriter final : public ResultSink {
public:
    /// `copy_from`: the GeoPackage to add the layers to ("" = a new dataset).
    GdalResultWriter(std::string path, GdalSinkOptions options, std::string copy_from = "");
    /// Creates the dataset and its layers; throws OutputError.
    void begin(const SinkContext& context) override;
    void write(const SiteResult& r, const Application& app) override;
    /// Writes zone_summary and run_info, the QGIS styles, closes the file and
    /// bulk-loads the GeoPackage spatial index; throws OutputError. A
    /// database stays in its transaction until commit().
    void finish(const RunSummary& summary) override;
    /// Commits a database's transaction (a file is renamed by write_into_place()).
    void commit() override;
    /// Drops the file's dataset; rolls a database's transaction back.
    void abandon() noexcept override
    {
        m_rows.reset(); // rolls back
        m_out.reset();
    }

private:
    void create_result_layers(const SinkContext& context);
    /// Every layer this run may write, for OutputDataset::claim().
    std::vector<std::string> planned_layers() const;
    void write_findings(const SiteResult& r);
    void write_zone_summary(const ZoneSummary& summary);
    void write_run_info(const RunInfo& info);
    void write_qgis_extras(); ///< views, ctx_ layers, layer_styles (styles.hpp)
    std::vector<styles::StyleRow> style_rows(const std::vector<ContextLayer>& context);
    /// Creates the feature; notes its envelope for the GeoPackage spatial index.
    void create(OGRLayer& layer, OGRFeature& f, gpkg::SpatialIndex* index);
    /// Writes the held sites, then the held findings (a database).
    void flush_held();
    /// `g` taken to the output CRS (null when PROJ cannot take it there).
    gdal::GeometryPtr to_output(gdal::GeometryPtr g) const;
    /// Whether this run's sites and findings rows go through SQLite (gpkg_rows.hpp).
    bool rows_through_sqlite() const;
    /// GDAL closes the file it created; m_rows opens it for the rows.
    void begin_sqlite_rows();
    void write_site_row(const SiteResult& r, const Application& app);
    void write_finding_rows(const SiteResult& r);
    /// Binds input value `v` to sites column `field` as OGR's SetField(const char*) converts it.
    void bind_input(int field, const std::string& v);
    /// Commits the rows and opens the file with GDAL again for the rest.
    void end_sqlite_rows();
    /// Gives row `t` geometry `wkb` in the output CRS; returns its kind and
    /// envelope in the working CRS.
    gpkg::BlobGeometry put_geometry(gpkg::TableRows& t, const std::vector<unsigned char>& wkb);
    const Engine* m_engine = nullptr;
    GdalSinkOptions m_options;
    std::string m_path;
    std::string m_copy_from;
    std::unique_ptr<OutputDataset> m_out;
    bool m_gpkg = false;       ///< GeoPackage: views and layer_styles
    bool m_bulk_index = false; ///< GeoPackage: sites/findings get a bulk-loaded index at the end
    unsigned m_threads = 1;    ///< SinkContext::threads: the two indexes packed side by side when > 1
    CPLStringList m_defaults;  ///< redline's creation options for this driver (-lco wins)
    OGRLayer* m_sites = nullptr;
    OGRLayer* m_findings = nullptr;
    OGRLayer* m_zone_summary = nullptr;
    gpkg::SpatialIndex m_sites_index, m_findings_index;
    /// One findings feature, refilled for every finding (every field is set
    /// each time): 2 findings a site make creating one per row count.
    gdal::FeaturePtr m_finding;
    /// A database: sites and findings held back and written 4,096 sites at a
    /// time, each table in one go. GDAL's PostgreSQL driver runs one COPY at
    /// a time per connection: alternating tables row by row ends and restarts
    /// it for every row (the province case: over 13 minutes, against 2.5).
    std::vector<gdal::FeaturePtr> m_held_sites, m_held_findings;
    std::vector<int> m_input_field_index; ///< input field -> sites field index
    /// A GeoPackage: sites and findings rows written through SQLite (null: through OGR).
    std::unique_ptr<gpkg::RowWriter> m_rows;
    gpkg::TableRows* m_site_rows = nullptr;
    gpkg::TableRows* m_finding_rows = nullptr;
    /// Of the sites' layout: a number or date given as text, converted by OGR itself.
    gdal::FeaturePtr m_convert;
    std::vector<unsigned char> m_reprojected, m_scratch; ///< put_geometry()'s (--t_srs)
    std::string m_rule_ids, m_townships, m_units;       ///< write_site_row()'s, reused row after row
    /// Field indexes of the result fields (SetField by name costs a search).
    struct SiteFields {
        int site_id, verdict, fail_count, conditional_count, incomplete_count, rule_ids, township,
            units, industry_code, message;
        int eia_category = -1, eia_item = -1; ///< -1: the rulebook has no eia_category check
    } m_sf{};
    struct FindingFields {
        int site_id, rule_id, check_type, outcome, layer, feature_key, feature_label, measure,
            value, threshold, unit, share_pct, dimension, clause, basis, detail;
    } m_ff{};
    // What the QGIS styles need to know: the geometry kinds written (the first
    // one is the kind QGIS gives a mixed layer) and the sites' extent.
    struct KindsSeen {
        std::set<styles::Kind> all;
        std::optional<styles::Kind> first;
        void add(OGRwkbGeometryType type)
        {
            if (auto k = styles::kind_of(type)) {
                all.insert(*k);
                if (!first)
                    first = k;
            }
        }
    } m_site_kinds, m_finding_kinds;
    OGREnvelope m_extent;
    std::vector<std::string> m_load_pct_fields;
};

/// The `--json` array, one site_json() element per site, into a file of its
/// own or onto a stream the caller owns.
class JsonResultWriter final : public ResultSink {
public:
    /// `t_srs`: the CRS of the geometries ("" = the applications' CRS).
    explicit JsonResultWriter(std::string path, std::string t_srs = "");
    JsonResultWriter(std::ostream& out, int indent);
    void begin(const SinkContext& context) override;
    void write(const SiteResult& r, const Application& app) override;
    void finish(const RunSummary& summary) override;
    void abandon() noexcept override { m_file.close(); }
    bool own_thread() const override { return true; }
    bool needs_input_geometry() const override { return true; }

private:
    std::string m_path; ///< "" = m_stream
    std::ofstream m_file;
    std::ostream* m_out = nullptr;
    int m_indent = -1;
    std::string m_t_srs;
    gdal::TransformPtr m_to_input; ///< working CRS -> the applications' CRS (or t_srs)
    gdal::TransformPtr m_input_to_output; ///< the applications' CRS -> t_srs (null: none)
    JsonText m_text;
    bool m_first = true;
};

class CsvResultWriter final : public ResultSink {
public:
    explicit CsvResultWriter(std::string path) : m_path(std::move(path)) {}
    void begin(const SinkContext& context) override;
    void write(const SiteResult& r, const Application& app) override;
    void finish(const RunSummary& summary) override;
    void abandon() noexcept override { m_out.close(); }

private:
    std::string m_path;
    std::ofstream m_out;
    bool m_eia = false; ///< eia_category, eia_item columns (the rulebook has the check)
};

/// One site as a JSON object (the `--json` element and `check --format json`);
/// `to_input` takes evidence from the working CRS to the input CRS (null: same).
std::string site_json(const SiteResult& r, const Application& app,
                      OGRCoordinateTransformation* to_input, int indent = -1);

/// The transformation from the engine's working CRS to the CRS the source's
/// coordinates are in; null when they are the same.
gdal::TransformPtr to_input_transform(const Engine& engine, const SourceInfo& source);

/// Field and feature helpers other GDAL writers share (writer_gdal.cpp; the
/// dataset and its layers come from OutputDataset); throw OutputError.
namespace output {
void add_field(OGRLayer& layer, const std::string& name, OGRFieldType type);
void create_feature(OGRLayer& layer, OGRFeature& f);
} // namespace output

} // namespace redline
