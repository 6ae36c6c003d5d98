// Internal: the three writers behind OutputSet (output.hpp).
#pragma once

#include "gpkg_rtree.hpp"
#include "redline/json_text.hpp"
#include "redline/output.hpp"
#include "redline/styles.hpp"

#include <optional>
#include <set>

namespace redline {

class GdalResultWriter {
public:
    GdalResultWriter(const Engine& engine, const OutputOptions& options, const std::string& path);
    void write(const SiteResult& r, const Application& app);
    void finish(const ZoneSummary& summary, const RunInfo& info);

private:
    void write_findings(const SiteResult& r);
    void write_qgis_extras(); ///< views, ctx_ layers, layer_styles (styles.hpp)
    /// Creates the feature; notes its envelope for the GeoPackage spatial index.
    void create(OGRLayer& layer, OGRFeature& f, gpkg::SpatialIndex* index);
    const Engine& m_engine;
    const OutputOptions& m_options;
    std::string m_path;
    gdal::DatasetPtr m_ds;
    bool m_gpkg = false; ///< GeoPackage: sites/findings get a bulk-loaded index at the end
    OGRLayer* m_sites = nullptr;
    OGRLayer* m_findings = nullptr;
    gpkg::SpatialIndex m_sites_index, m_findings_index;
    /// One findings feature, refilled for every finding (every field is set
    /// each time): 2 findings a site make creating one per row count.
    gdal::FeaturePtr m_finding;
    std::vector<int> m_input_field_index; ///< input field -> sites field index
    /// Field indexes of the result fields (SetField by name costs a search).
    struct SiteFields {
        int site_id, verdict, fail_count, conditional_count, incomplete_count, rule_ids, township,
            units, industry_code, message;
    } m_sf{};
    struct FindingFields {
        int site_id, rule_id, check_type, outcome, layer, feature_key, feature_label, measure,
            value, threshold, unit, share_pct, dimension, clause, basis, detail;
    } m_ff{};
    bool m_in_transaction = false;
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

/// The `--json` array, one site_json() element per site.
class JsonResultWriter {
public:
    JsonResultWriter(const Engine& engine, const OutputOptions& options, const std::string& path);
    void write(const SiteResult& r, const Application& app);
    void finish();

private:
    std::ofstream m_out;
    gdal::TransformPtr m_to_input; ///< working CRS -> the applications' CRS
    JsonText m_text;
    bool m_first = true;
};

class CsvResultWriter {
public:
    CsvResultWriter(const OutputOptions& options, const std::string& path);
    void write(const SiteResult& r, const Application& app);
    void finish();

private:
    std::ofstream m_out;
};

} // namespace redline
