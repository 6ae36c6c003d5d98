// Internal: the three writers behind OutputSet (output.hpp).
#pragma once

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
    const Engine& m_engine;
    const OutputOptions& m_options;
    gdal::DatasetPtr m_ds;
    OGRLayer* m_sites = nullptr;
    OGRLayer* m_findings = nullptr;
    std::vector<int> m_input_field_index; ///< input field -> sites field index
    bool m_in_transaction = false;
    // What the QGIS styles need to know: the geometry kinds written (the first
    // one is the kind QGIS gives a mixed layer) and the sites' extent.
    std::set<styles::Kind> m_site_kinds, m_finding_kinds;
    std::optional<styles::Kind> m_site_first, m_finding_first;
    OGREnvelope m_extent;
    std::vector<std::string> m_load_pct_fields;
};

/// The `--json` array; the elements are rendered by SiteRenderer.
class JsonResultWriter {
public:
    explicit JsonResultWriter(const std::string& path);
    void write(const std::string& site);
    void finish();

private:
    std::ofstream m_out;
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
