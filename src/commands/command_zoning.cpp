// redline zoning RULEBOOK --industry CODE [--attr NAME=VALUE ...] -o OUT.gpkg [--report FILE.html]
// Siting guidance (SPEC §6.3): where a point site of the industry gets which verdict.
#include "commands.hpp"

#include "redline/error.hpp"
#include "redline/pipeline.hpp"
#include "redline/words.hpp"
#include "redline/zoning.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <cpl_progress.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace redline::commands {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

class ZoningCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("rulebook", m_rulebook, "rulebook YAML")->required();
        app.add_option("--industry", m_industry, "GB/T 4754-2017 code, e.g. C3360 or 3360")->required();
        app.add_option("--attr", m_attrs, "NAME=VALUE, e.g. voc_tpa=3 (repeatable)");
        app.add_option("-o,--output", m_output, "output GeoPackage (zoning, zoning_summary, run_info)")
            ->required();
        app.add_option("-f,--format", m_format, "GDAL vector format (default GPKG; PostgreSQL for PG:)");
        add_output_options(app, m_output_options);
        app.add_option("--report", m_report, "HTML page: the map and the summary table");
        app.add_option("--progress", m_progress, "auto, bar, lines or none")
            ->check(CLI::IsMember({"auto", "bar", "lines", "none"}));
        app.add_flag("--profile", m_profile, "print the time of each stage (per check) on stderr");
    }

    int run(const GlobalOptions& global) override
    {
        check_output_options(m_output_options);
        if (EQUAL(m_format.c_str(), "PostgreSQL") && !is_database_output(m_output))
            throw UsageError("-f PostgreSQL writes to a database: -o PG:\"dbname=... host=...\"");
        const Clock::time_point started = Clock::now();
        ZoningRequest request;
        request.industry = m_industry;
        for (const auto& a : m_attrs) {
            auto eq = a.find('=');
            if (eq == std::string::npos || eq == 0)
                throw UsageError("--attr takes NAME=VALUE, not '" + a + "'");
            request.attributes.emplace_back(trim(a.substr(0, eq)), a.substr(eq + 1));
        }
        install_interrupt_handlers(m_cancel);
        Engine engine(m_rulebook);
        const double load = seconds_since(started);
        ZoningOptions options;
        options.cancel = &m_cancel;
        set_progress(options, global);
        ZoningResult z;
        try {
            z = compute_zoning(engine, request, options);
        } catch (const Cancelled& c) {
            throw Interrupted(c.reason());
        }
        const double overlay = seconds_since(started) - load;
        ZoningWriteOptions wo;
        wo.format = m_format;
        wo.output = m_output_options;
        wo.lang = global.language();
        wo.extra_info = {{"load_seconds", format_number(load, 3)}, {"zoning_seconds", format_number(overlay, 3)}};
        write_zoning(engine, z, m_output, wo);
        if (!m_report.empty())
            write_zoning_report(engine, z, m_report, global.language());
        const double write = seconds_since(started) - load - overlay;
        if (!global.quiet)
            print_summary(z, global.language());
        if (m_profile)
            print_profile(z, load, overlay, write);
        return 0;
    }

private:
    void set_progress(ZoningOptions& options, const GlobalOptions& global) const
    {
        if (m_progress == "lines")
            options.progress = [](double fraction, const std::string&) {
                std::printf("progress %.4f\n", fraction);
                std::fflush(stdout);
            };
        else if (m_progress != "none" && !global.quiet && (m_progress == "bar" || ::isatty(STDOUT_FILENO)))
            options.progress = [](double fraction, const std::string&) {
                GDALTermProgress(fraction, nullptr, nullptr);
            };
    }

    static void print_summary(const ZoningResult& z, Lang lang)
    {
        std::map<Outcome, double> all;
        for (const auto& row : z.summary)
            for (const auto& [o, km2] : row.km2)
                all[o] += km2;
        std::cout << tr(lang, "行业 ", "industry ") << z.industry << " " << z.industry_name << "\n";
        for (const auto& [o, km2] : all)
            std::cout << "  " << outcome_name(o) << " · " << verdict_word(o, lang) << "  " << format_number(km2, 3)
                      << " km²\n";
        std::cout << tr(lang, "多边形 ", "polygons ") << z.polygons.size() << tr(lang, "，合计 ", ", total ")
                  << format_number(z.coverage_km2, 3) << " km²\n";
    }

    static void print_profile(const ZoningResult& z, double load, double overlay, double write)
    {
        std::cerr << "load layers  " << format_number(load, 3) << " s\n"
                  << "zoning       " << format_number(overlay, 3) << " s\n";
        for (const auto& [stage, s] : z.budget)
            std::cerr << "  " << stage << "  " << format_number(s, 3) << " s\n";
        std::cerr << "write        " << format_number(write, 3) << " s\n";
    }

    std::string m_rulebook, m_industry, m_output, m_report;
    std::vector<std::string> m_attrs;
    std::string m_format = "GPKG";
    OutputOptions m_output_options;
    std::string m_progress = "auto";
    bool m_profile = false;
    CancelToken m_cancel;
};

} // namespace

std::unique_ptr<Command> make_zoning_command()
{
    return std::make_unique<ZoningCommand>();
}

} // namespace redline::commands
