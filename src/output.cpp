#include "redline/output.hpp"

#include "writers.hpp"

#include "redline/error.hpp"
#include "redline/report.hpp"

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

} // namespace

OutputSet::OutputSet(const Engine& engine, OutputOptions options)
    : m_engine(engine), m_options(std::move(options))
{
    try {
        if (!m_options.path.empty())
            m_gdal = std::make_unique<GdalResultWriter>(engine, m_options,
                                                        temporary_name(m_options.path));
        if (!m_options.json.empty())
            m_json = std::make_unique<JsonResultWriter>(engine, m_options,
                                                        temporary_name(m_options.json));
        if (!m_options.csv.empty())
            m_csv = std::make_unique<CsvResultWriter>(m_options, temporary_name(m_options.csv));
        if (!m_options.report.empty())
            m_report = std::make_unique<ReportWriter>(engine, temporary_name(m_options.report));
    } catch (...) {
        abandon();
        throw;
    }
}

OutputSet::~OutputSet()
{
    // Unfinished (an exception is unwinding): leave nothing half-written.
    if (m_gdal || m_json || m_csv || m_report)
        abandon();
}

void OutputSet::close_writers() noexcept
{
    m_gdal.reset();
    m_json.reset();
    m_csv.reset();
    m_report.reset();
}

std::array<const std::string*, 4> OutputSet::path_options() const noexcept
{
    return {&m_options.path, &m_options.json, &m_options.csv, &m_options.report};
}

void OutputSet::abandon() noexcept
{
    close_writers();
    for (const std::string* p : path_options())
        if (!p->empty())
            remove_quietly(temporary_name(*p));
}

void OutputSet::write_json(const SiteResult& r, const Application& app)
{
    if (m_json)
        m_json->write(r, app);
}

void OutputSet::write(const SiteResult& r, const Application& app)
{
    if (m_gdal)
        m_gdal->write(r, app);
    if (m_csv)
        m_csv->write(r, app);
    if (m_report)
        m_report->write(r, app);
}

void OutputSet::finish(const ZoneSummary& summary, const RunInfo& info)
{
    if (m_gdal)
        m_gdal->finish(summary, info);
    if (m_json)
        m_json->finish();
    if (m_csv)
        m_csv->finish();
    if (m_report)
        m_report->finish(summary, info);
    close_writers();
    for (const std::string* p : path_options())
        if (!p->empty())
            move_into_place(temporary_name(*p), *p);
}

std::vector<std::string> OutputSet::paths() const
{
    std::vector<std::string> out;
    for (const std::string* p : path_options())
        if (!p->empty())
            out.push_back(*p);
    return out;
}

} // namespace redline
