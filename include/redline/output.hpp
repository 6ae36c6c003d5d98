// Everything a batch writes: the GDAL dataset (sites, findings,
// zone_summary, run_info), JSON and CSV. Files are written under a
// temporary name and renamed into place by finish(); an unfinished
// OutputSet removes its temporary files.
#pragma once

#include "redline/application.hpp"
#include "redline/engine.hpp"
#include "redline/finding.hpp"

#include <array>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace redline {

using RunInfo = std::vector<std::pair<std::string, std::string>>;

/// Counts by verdict and loads against caps, per township.
class ZoneSummary {
public:
    explicit ZoneSummary(const Engine& engine);
    void add(const SiteResult& r, const Application& app);
    bool enabled() const { return m_layer != nullptr; }
    const Layer* layer() const { return m_layer; }

    struct Row {
        std::size_t sites = 0;
        std::map<Outcome, std::size_t> by_verdict;
        std::vector<double> added; ///< per load check
    };
    const std::vector<Row>& rows() const { return m_rows; }
    const std::vector<ZoneLoads>& loads() const { return m_loads; }

private:
    const Layer* m_layer = nullptr;
    std::map<std::string, std::size_t> m_by_key;
    std::vector<Row> m_rows;
    std::vector<ZoneLoads> m_loads;
};

struct OutputOptions {
    std::string path;           ///< -o
    std::string format = "GPKG"; ///< -f, a GDAL vector driver
    std::string json;           ///< --json
    std::string csv;            ///< --csv
    std::string report;         ///< --report (HTML)
    bool with_context = false;  ///< --with-context: ctx_<layer> clipped to the sites
    std::vector<std::string> field_names; ///< the applications' fields
    std::vector<OGRFieldType> field_types;
    std::shared_ptr<const OGRSpatialReference> input_srs; ///< null = rulebook input_crs
};

class GdalResultWriter;
class JsonResultWriter;
class CsvResultWriter;
class ReportWriter;

class OutputSet {
public:
    /// Creates every output under a temporary name; throws OutputError.
    OutputSet(const Engine& engine, OutputOptions options);
    ~OutputSet();
    /// Writes one site to every output but the JSON one.
    void write(const SiteResult& r, const Application& app);
    /// Whether there is a JSON output (--json).
    bool has_json() const { return m_json != nullptr; }
    /// Renders and writes one site to the JSON output. write() and
    /// write_json() touch different files: a batch runs them on two threads
    /// (each always from the same one, sites in input order).
    void write_json(const SiteResult& r, const Application& app);
    /// Writes zone_summary and run_info, closes everything and renames the
    /// files into place; throws OutputError.
    void finish(const ZoneSummary& summary, const RunInfo& info);
    /// The final paths written, for the summary line.
    std::vector<std::string> paths() const;

private:
    /// Closes every writer and removes the temporary files.
    void abandon() noexcept;
    /// Destroys the writers (closing their files, still under temporary names).
    void close_writers() noexcept;
    /// Every output path option (main, --json, --csv, --report), empty or not.
    std::array<const std::string*, 4> path_options() const noexcept;
    const Engine& m_engine;
    OutputOptions m_options;
    std::unique_ptr<GdalResultWriter> m_gdal;
    std::unique_ptr<JsonResultWriter> m_json;
    std::unique_ptr<CsvResultWriter> m_csv;
    std::unique_ptr<ReportWriter> m_report;
};

/// One site as a JSON object (the `--json` element and `check --format json`);
/// `to_input` takes evidence from the working CRS to the input CRS (null: same).
std::string site_json(const SiteResult& r, const Application& app,
                      OGRCoordinateTransformation* to_input, int indent = -1);

/// Field names of the `sites` layer that redline adds.
const std::vector<std::string>& site_result_fields();

} // namespace redline
