// The built-in sinks' factories, MemorySink, and the rename-into-place
// policy that wraps every file sink (sink.hpp).
#include "redline/sink.hpp"

#include "output/writers.hpp"
#include "redline/error.hpp"
#include "report/report.hpp"

#include <cpl_string.h>

#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace redline {

namespace {

/// A sibling of `path` to write into before the final rename.
std::string temporary_name(const std::string& path)
{
    fs::path p(path);
    return (p.parent_path() / ("." + p.stem().string() + ".redline-tmp" +
                               std::to_string(::getpid()) + p.extension().string()))
        .string();
}

void remove_quietly(const std::string& path)
{
    std::error_code ec;
    fs::remove_all(path, ec);
}

void move_into_place(const std::string& from, const std::string& to)
{
    std::error_code ec;
    if (fs::is_directory(to, ec))
        fs::remove_all(to, ec);
    fs::rename(from, to, ec);
    if (ec)
        throw OutputError("cannot rename '" + from + "' to '" + to + "': " + ec.message());
}

/// Writes the inner sink's file under a temporary name; commit() renames it.
class IntoPlaceSink final : public ResultSink {
public:
    IntoPlaceSink(std::string path, FileSinkFactory make) : m_path(std::move(path)), m_make(std::move(make)) {}
    ~IntoPlaceSink() override
    {
        if (!m_committed)
            abandon();
    }
    void begin(const SinkContext& context) override
    {
        m_temporary = temporary_name(m_path);
        m_inner = m_make(m_temporary);
        m_inner->begin(context);
    }
    void write(const SiteResult& r, const Application& app) override { m_inner->write(r, app); }
    void write_compared(const SiteResult& baseline, const SiteResult& r, const Application& app) override
    {
        m_inner->write_compared(baseline, r, app);
    }
    void finish(const RunSummary& summary) override
    {
        m_inner->finish(summary);
        m_inner.reset(); // closed, still under the temporary name
    }
    void commit() override
    {
        move_into_place(m_temporary, m_path);
        m_committed = true;
    }
    void abandon() noexcept override
    {
        if (m_inner)
            m_inner->abandon();
        m_inner.reset();
        if (!m_temporary.empty() && !m_committed)
            remove_quietly(m_temporary);
    }
    bool own_thread() const override { return m_inner && m_inner->own_thread(); }
    bool needs_input_geometry() const override { return m_inner && m_inner->needs_input_geometry(); }

private:
    std::string m_path;
    FileSinkFactory m_make;
    std::string m_temporary;
    std::unique_ptr<ResultSink> m_inner;
    bool m_committed = false;
};

} // namespace

void MemorySink::write(const SiteResult& r, const Application& app)
{
    results.push_back(r);
    applications.push_back(app);
}

std::unique_ptr<ResultSink> write_into_place(const std::string& path, FileSinkFactory make)
{
    return std::make_unique<IntoPlaceSink>(path, std::move(make));
}

bool is_database_output(const std::string& path)
{
    return path.size() >= 3 && EQUALN(path.c_str(), "PG:", 3);
}

std::unique_ptr<ResultSink> make_gdal_sink(const std::string& path, GdalSinkOptions options)
{
    if (is_database_output(path)) {
        // No file to rename: the writer's one transaction is what makes the
        // run all or nothing.
        options.format = "PostgreSQL";
        return std::make_unique<GdalResultWriter>(path, options);
    }
    // A layer prefix adds to an existing GeoPackage (a copy of it is
    // written, then renamed over it, so a failed run leaves it as it was).
    std::error_code ec;
    const bool add_to = !options.output.layer_prefix.empty() && EQUAL(options.format.c_str(), "GPKG") &&
                        fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0;
    const std::string copy_from = add_to ? path : "";
    return write_into_place(path, [options, copy_from](const std::string& tmp) {
        return std::make_unique<GdalResultWriter>(tmp, options, copy_from);
    });
}

std::unique_ptr<ResultSink> make_json_sink(const std::string& path)
{
    return write_into_place(path, [](const std::string& tmp) { return std::make_unique<JsonResultWriter>(tmp); });
}

std::unique_ptr<ResultSink> make_json_sink(const std::string& path, const OutputOptions& output)
{
    const std::string t_srs = output.t_srs;
    return write_into_place(path, [t_srs](const std::string& tmp) {
        return std::make_unique<JsonResultWriter>(tmp, t_srs);
    });
}

std::unique_ptr<ResultSink> make_json_sink(std::ostream& out, int indent)
{
    return std::make_unique<JsonResultWriter>(out, indent);
}

std::unique_ptr<ResultSink> make_csv_sink(const std::string& path)
{
    return write_into_place(path, [](const std::string& tmp) { return std::make_unique<CsvResultWriter>(tmp); });
}

std::unique_ptr<ResultSink> make_report_sink(const std::string& path)
{
    return write_into_place(path, [](const std::string& tmp) { return std::make_unique<ReportWriter>(tmp); });
}

} // namespace redline
