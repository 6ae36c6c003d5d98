// redline batch RULEBOOK APPLICATIONS -o OUT.gpkg [--json F] [--csv F] ...
// Option parsing, then one run_pipeline() call (pipeline.hpp).
#include "commands/commands.hpp"

#include "geometry/coords.hpp"
#include "io/columns.hpp"
#include "io/gdal.hpp"
#include "redline/error.hpp"
#include "redline/pipeline.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <cpl_progress.h>

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace redline::commands {

namespace {

class BatchCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("rulebook", m_rulebook, "rulebook YAML")->required();
        app.add_option("applications", m_applications,
                       "applications: any GDAL vector source, or CSV with wkt or lon/lat "
                       "(or --layer-input NAME instead)");
        app.add_option("-o,--output", m_output,
                       "output dataset (GeoPackage by default), or a database: PG:\"dbname=... host=...\"")
            ->required();
        app.add_option("-f,--format", m_gdal.format, "GDAL vector driver of the output (PostgreSQL for PG:)");
        add_output_options(app, m_gdal.output);
        app.add_option("--json", m_json, "also write one JSON object per site");
        app.add_option("--csv", m_csv, "also write the sites table as CSV");
        app.add_option("--xlsx", m_xlsx,
                       "also write the sites and their findings as an Excel workbook (Chinese column "
                       "titles; English with --lang en)");
        app.add_option("--report", m_report,
                       "also write a self-contained HTML report (A4; --lang en for English)");
        app.add_option("--threads", m_threads,
                       "threads that load the layers and screen (default: every core); with 2 or more, the outputs "
                       "are written on threads of their own while they screen")
            ->check(CLI::Range(1, 1024));
        add_input_options(app, m_input, m_coords);
        add_layer_input_option(app, m_layer_input);
        app.add_flag("--with-context", m_gdal.with_context,
                     "also write the rulebook's layers clipped to the sites (ctx_<layer>)");
        add_fail_on_option(app, m_fail_on);
        app.add_option("--progress", m_progress,
                       "auto (a bar on a terminal, nothing otherwise), bar, lines (\"progress 0.4213\" lines "
                       "on stdout, for programs such as the QGIS plugin) or none")
            ->check(CLI::IsMember({"auto", "bar", "lines", "none"}));
        app.add_flag("--profile", m_profile,
                     "print the time of each stage (read, prepare, each check, render, each output, close) "
                     "per application on stderr: a CPU budget with --threads 1");
    }

    int run(const GlobalOptions& global) override
    {
        check_fail_on(m_fail_on);
        check_output(m_output, m_gdal);
        m_input.datum = datum_option(m_coords);
        install_interrupt_handlers(m_cancel);
        PipelineOptions options;
        options.lang = global.language();
        options.threads = static_cast<unsigned>(m_threads);
        options.cancel = &m_cancel;
        options.profile = m_profile;
        Engine engine(m_rulebook, options.threads);
        const auto loaded = std::chrono::steady_clock::now();
        if (!global.quiet)
            for (const auto& w : engine.warnings())
                std::cerr << "redline: warning: " << w << "\n";

        std::unique_ptr<ApplicationSource> source = open_input(engine, m_applications, m_layer_input, m_input);
        check_datum(*source, engine);
        const bool lines = m_progress == "lines";
        const bool progress =
            !lines && m_progress != "none" && !global.quiet && (m_progress == "bar" || ::isatty(STDOUT_FILENO));
        if (progress)
            options.progress = [](double fraction, const std::string&) {
                GDALTermProgress(fraction, nullptr, nullptr);
            };
        if (lines)
            options.progress = [](double fraction, const std::string&) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "progress %.4f\n", fraction);
                std::cout << buf << std::flush;
            };
        PipelineResult result;
        try {
            result = run_pipeline(engine, *source, sinks(), options);
        } catch (const Cancelled& c) {
            if (progress)
                std::cout << "\n";
            throw Interrupted(c.reason()); // every temporary output is already removed
        }
        if (!global.quiet)
            summarise(result, engine, options, loaded);
        if (m_profile)
            print_budget(result, secs_since(options.started, loaded), sink_labels());
        return fail_on_status(m_fail_on, result.worst);
    }

private:
    /// --coords gcj02|bd09 applies to lon/lat only: say so before screening.
    void check_datum(const ApplicationSource& source, const Engine& engine) const
    {
        if (m_input.datum == coords::Datum::Wgs84)
            return;
        const OGRSpatialReference& from = source.info().srs ? *source.info().srs : engine.input_srs();
        if (!from.IsGeographic())
            throw UsageError("--coords " + coords::datum_name(m_input.datum) +
                             " needs geographic (lon/lat) coordinates; the applications are in " +
                             gdal::srs_label(from));
    }

    static void check_output(const std::string& output, const GdalSinkOptions& gdal)
    {
        check_output_options(gdal.output);
        if (EQUAL(gdal.format.c_str(), "PostgreSQL") && !is_database_output(output))
            throw UsageError("-f PostgreSQL writes to a database: -o PG:\"dbname=... host=...\"");
    }

    /// The outputs asked for, in the order they are finished and renamed; a
    /// database last, so that its commit comes after every file is in place
    /// (a failure before leaves the database as it was).
    std::vector<std::unique_ptr<ResultSink>> sinks() const
    {
        std::vector<std::unique_ptr<ResultSink>> out;
        const bool database = is_database_output(m_output);
        if (!database)
            out.push_back(make_gdal_sink(m_output, m_gdal));
        if (!m_json.empty())
            out.push_back(make_json_sink(m_json, m_gdal.output));
        if (!m_csv.empty())
            out.push_back(make_csv_sink(m_csv));
        if (!m_xlsx.empty())
            out.push_back(make_xlsx_sink(m_xlsx));
        if (!m_report.empty())
            out.push_back(make_report_sink(m_report));
        if (database)
            out.push_back(make_gdal_sink(m_output, m_gdal));
        return out;
    }

    static double secs_since(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
    {
        return std::chrono::duration<double>(b - a).count();
    }

    /// The stages' times, in seconds and µs per application (--profile).
    /// What each sink of sinks() writes, in the same order.
    std::vector<std::string> sink_labels() const
    {
        const bool database = is_database_output(m_output);
        const std::string main = database ? "write PostgreSQL (" + redact_password(m_output) + ")"
                                          : "write " + m_gdal.format + " (" + m_output + ")";
        std::vector<std::string> out;
        if (!database)
            out.push_back(main);
        for (const auto& [flag, path] : {std::pair<const char*, const std::string*>{"JSON", &m_json}, {"CSV", &m_csv},
                                         {"XLSX", &m_xlsx}, {"report", &m_report}})
            if (!path->empty())
                out.push_back(std::string("write ") + flag + " (" + *path + ")");
        if (database)
            out.push_back(main);
        return out;
    }

    static void print_budget(const PipelineResult& r, double layers, const std::vector<std::string>& sinks)
    {
        const double n = r.records > 0 ? static_cast<double>(r.records) : 1.0;
        auto row = [&](const std::string& stage, double s) {
            std::string name = stage;
            name.resize(std::max<std::size_t>(name.size() + 1, 40), ' ');
            std::cerr << "  " << name << format_number(s, 3) << " s  " << format_number(1e6 * s / n, 2)
                      << " µs/application\n";
        };
        std::cerr << "redline: time by stage (" << r.records << " applications, " << r.threads << " threads)\n";
        row("layers (load, repair, index)", layers);
        double sum = 0;
        std::size_t k = 0;
        for (const auto& [stage, s] : r.budget) {
            const bool sink = stage.rfind("sink ", 0) == 0 && k < sinks.size();
            row(sink ? sinks[k++] : stage, s);
            sum += s;
        }
        row("all stages above but layers", sum);
    }

    void summarise(const PipelineResult& r, const Engine&, const PipelineOptions& options,
                   std::chrono::steady_clock::time_point loaded) const
    {
        for (const auto& w : r.warnings)
            std::cerr << "redline: warning: " << w << "\n";
        auto secs = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
        const auto now = std::chrono::steady_clock::now();
        std::cout << "redline: " << r.records << " applications screened in "
                  << format_number(secs(options.started, now), 2) << " s (" << r.threads
                  << " threads; layers " << format_number(secs(options.started, loaded), 2)
                  << " s, screening and writing " << format_number(r.screening_seconds, 2)
                  << " s, closing the outputs " << format_number(r.closing_seconds, 2) << " s)\n";
        for (Outcome o : {Outcome::Pass, Outcome::Conditional, Outcome::Incomplete, Outcome::Fail,
                          Outcome::Error}) {
            std::string name(outcome_name(o));
            name.resize(12, ' ');
            auto it = r.counts.find(o);
            std::cout << "  " << name << (it == r.counts.end() ? 0 : it->second) << "\n";
        }
        if (!r.eia_counts.empty()) { // the rulebook has an eia_category check
            std::vector<std::string> parts;
            for (const char* c : {"报告书", "报告表", "登记表", "不纳入", "UNKNOWN"})
                if (auto it = r.eia_counts.find(c); it != r.eia_counts.end())
                    parts.push_back(std::string(c) + " " + std::to_string(it->second));
            std::cout << "  EIA         " << join(parts, ", ") << "\n";
        }
        std::vector<std::string> paths{redact_password(m_output)};
        for (const std::string* p : {&m_json, &m_csv, &m_xlsx, &m_report})
            if (!p->empty())
                paths.push_back(*p);
        std::cout << "wrote " << join(paths, ", ") << "\n";
    }

    std::string m_rulebook;
    std::string m_applications;
    std::string m_layer_input;
    std::string m_output, m_json, m_csv, m_xlsx, m_report;
    GdalSinkOptions m_gdal;
    InputOptions m_input;
    int m_threads = 0;
    std::string m_fail_on;
    std::string m_coords;
    std::string m_progress = "auto";
    bool m_profile = false;
    CancelToken m_cancel; ///< SIGINT/SIGTERM cancel it; lives as long as the command
};

} // namespace

std::unique_ptr<Command> make_batch_command()
{
    return std::make_unique<BatchCommand>();
}

} // namespace redline::commands
