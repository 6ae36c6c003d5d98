// Internal: the three writers behind OutputSet (output.hpp).
#pragma once

#include "redline/output.hpp"

namespace redline {

class GdalResultWriter {
public:
    GdalResultWriter(const Engine& engine, const OutputOptions& options, const std::string& path);
    void write(const SiteResult& r, const Application& app);
    void finish(const ZoneSummary& summary, const RunInfo& info);

private:
    void write_findings(const SiteResult& r);
    const Engine& m_engine;
    const OutputOptions& m_options;
    gdal::DatasetPtr m_ds;
    OGRLayer* m_sites = nullptr;
    OGRLayer* m_findings = nullptr;
    std::vector<int> m_input_field_index; ///< input field -> sites field index
    bool m_in_transaction = false;
};

class JsonResultWriter {
public:
    JsonResultWriter(const Engine& engine, const OutputOptions& options, const std::string& path);
    void write(const SiteResult& r, const Application& app);
    void finish();

private:
    const Engine& m_engine;
    std::ofstream m_out;
    gdal::TransformPtr m_to_input;
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
