// Where results go. The pipeline (pipeline.hpp) hands every screened and
// rendered site to each sink, in input order, then finishes them:
//
//   begin(context)      before the first site: create files, read the input's fields
//   write(result, app)  once per input record, in input order
//   finish(summary)     after the last: zone summary and run_info, close
//   commit()            after every sink finished: make the output visible
//   abandon()           instead of finish/commit when the run failed or was
//                       cancelled: leave nothing half-written
//
// A sink is used from one thread at a time (the pipeline may run it on a
// thread of its own when own_thread() says so). Every method but abandon()
// may throw (OutputError for outputs that cannot be written).
//
// File sinks write under a temporary name and are renamed into place by
// commit() (write_into_place()), so an interrupted run never leaves a
// half-written file under the final name.
#pragma once

#include "redline/application.hpp"
#include "redline/finding.hpp"
#include "redline/lang.hpp"

#include <array>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace redline {

class Engine;
class Layer;
struct SourceInfo;

/// run_info: (key, value) in a fixed order (SPEC §5).
using RunInfo = std::vector<std::pair<std::string, std::string>>;

/// Loads per zone that a check knows (capacity), for the zone summary.
struct ZoneLoads {
    std::string check_id;
    std::string zones_layer;
    std::string attr; ///< the application attribute adding to the load
    std::string unit;
    std::vector<double> existing;             ///< by feature index
    std::vector<std::optional<double>> caps;  ///< by feature index
    /// The layer of the existing sources: a record that is one of its
    /// features (Application::origin_layer) is already in `existing` and adds nothing.
    std::string points_layer;
};

/// Counts by verdict and loads added against caps, per township.
class ZoneSummary {
public:
    explicit ZoneSummary(const Engine& engine);
    void add(const SiteResult& r, const Application& app);
    bool enabled() const { return m_layer != nullptr; }
    const Layer* layer() const { return m_layer; }

    struct Row {
        std::size_t sites = 0;
        /// Sites by verdict, indexed by the Outcome's value (an array, not a
        /// map: the writer adds to it a million times, and a map's nodes
        /// were the zone summary's cache misses).
        std::array<std::size_t, static_cast<std::size_t>(Outcome::Error) + 1> by_verdict{};
        std::size_t verdicts(Outcome o) const { return by_verdict[static_cast<std::size_t>(o)]; }
        std::vector<double> added; ///< per load check: the figures of this batch's applications
    };
    const std::vector<Row>& rows() const { return m_rows; }
    const std::vector<ZoneLoads>& loads() const { return m_loads; }

private:
    const Layer* m_layer = nullptr;
    std::unordered_map<std::string, std::size_t> m_by_key;
    std::vector<Row> m_rows;
    std::vector<ZoneLoads> m_loads;
    std::vector<double> m_figures;      ///< per load: the site's figure (scratch)
};

/// What a sink knows when it begins; valid until finish() or abandon() returns.
struct SinkContext {
    const Engine& engine;
    const SourceInfo& source;
    Lang lang; ///< the language results are rendered in
    /// The run's thread count (PipelineOptions::threads, 0 resolved to the
    /// cores): a sink that could do work side by side does so only when > 1.
    unsigned threads = 1;
};

/// What a sink gets when the run is over.
struct RunSummary {
    const ZoneSummary& zones;
    const RunInfo& info;
};

class ResultSink {
public:
    virtual ~ResultSink() = default;
    virtual void begin(const SinkContext&) {}
    virtual void write(const SiteResult& r, const Application& app) = 0;
    /// Instead of write() when the pipeline also screens under a baseline
    /// engine (PipelineOptions::baseline): the record's result under it and
    /// under the main engine. By default writes the main result.
    virtual void write_compared(const SiteResult& baseline, const SiteResult& r, const Application& app)
    {
        (void)baseline;
        write(r, app);
    }
    virtual void finish(const RunSummary&) {}
    virtual void commit() {}
    virtual void abandon() noexcept {}
    /// Whether writing this sink is worth a thread of its own (a big file).
    virtual bool own_thread() const { return false; }
    /// Whether it needs SiteResult::input_geometry (the site as given).
    virtual bool needs_input_geometry() const { return false; }
};

/// Collects every result in memory, with its application (tests, a server
/// answering one request).
class MemorySink final : public ResultSink {
public:
    void write(const SiteResult& r, const Application& app) override;
    void finish(const RunSummary& summary) override { info = summary.info; }
    bool needs_input_geometry() const override { return true; }

    std::vector<SiteResult> results;
    std::vector<Application> applications;
    RunInfo info;
};

/// Builds a file sink that writes `temporary_path`.
using FileSinkFactory = std::function<std::unique_ptr<ResultSink>(const std::string& temporary_path)>;
/// A file sink written under a temporary name beside `path` (created at
/// begin()) and renamed to `path` at commit(); abandon() removes it.
std::unique_ptr<ResultSink> write_into_place(const std::string& path, FileSinkFactory make);

/// What users of ogr2ogr expect of every output (SPEC §5): the same for the
/// GeoPackage, a database and any GDAL format; `t_srs` also for JSON.
struct OutputOptions {
    /// CRS geometries are written in ("" = the rulebook's working_crs);
    /// measured values (distances, areas) stay as computed in working_crs.
    std::string t_srs;
    /// NAME=VALUE creation options for every layer written (-lco); redline's
    /// own defaults for a driver give way to a name given here.
    std::vector<std::string> layer_options;
    /// Prepended to every layer and table name (sites -> PREFIX + sites),
    /// styles and run_info included, so runs can share one database or
    /// GeoPackage; with a prefix an existing GeoPackage is added to.
    std::string layer_prefix;
    /// Replace existing layers/tables of the names written; without it an
    /// existing one is refused, naming it (OutputError).
    bool overwrite = false;
};

struct GdalSinkOptions {
    std::string format = "GPKG"; ///< a GDAL vector driver
    bool with_context = false;   ///< also ctx_<layer>: the rulebook's layers clipped to the sites
    OutputOptions output;
};
/// Whether `path` names a database (a `PG:` connection) rather than a file.
bool is_database_output(const std::string& path);
/// sites, findings, zone_summary and run_info (SPEC §5), styled for QGIS in a
/// GeoPackage; written into place. A `PG:` path (format PostgreSQL) writes
/// tables in one transaction instead, committed at commit() and rolled back
/// at abandon(), with the styles in the database's `layer_styles` table.
std::unique_ptr<ResultSink> make_gdal_sink(const std::string& path, GdalSinkOptions options = {});
/// A JSON array, one object per site (SPEC §5), written into place.
std::unique_ptr<ResultSink> make_json_sink(const std::string& path);
/// The same, geometries in `output.t_srs` when it is given.
std::unique_ptr<ResultSink> make_json_sink(const std::string& path, const OutputOptions& output);
/// The same array on a stream the caller owns (which must outlive the
/// sink); `indent` < 0 writes one line per site.
std::unique_ptr<ResultSink> make_json_sink(std::ostream& out, int indent = -1);
/// The sites table as CSV (UTF-8 with BOM), written into place.
std::unique_ptr<ResultSink> make_csv_sink(const std::string& path);
/// The sites table (the application's columns first) and a findings sheet
/// as an Excel workbook, with Chinese column titles (English with Lang::En)
/// and verdicts in words; written into place.
std::unique_ptr<ResultSink> make_xlsx_sink(const std::string& path);
/// A self-contained HTML report (A4), written into place.
std::unique_ptr<ResultSink> make_report_sink(const std::string& path);

/// Field names of the `sites` layer that redline adds.
const std::vector<std::string>& site_result_fields();

} // namespace redline
