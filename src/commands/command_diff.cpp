// redline diff OLD_RULEBOOK NEW_RULEBOOK [APPLICATIONS] -o OUT.gpkg [--json F] [--report F] ...
// Both rulebooks loaded, the layers compared, then one run_pipeline() pass
// that screens every record under both (PipelineOptions::baseline). SPEC §6.4.
#include "commands/commands.hpp"

#include "redline/diff.hpp"
#include "redline/error.hpp"
#include "redline/pipeline.hpp"
#include "util/interrupt.hpp"
#include "util/text.hpp"

#include <cpl_progress.h>

#include <iostream>
#include <map>
#include <unistd.h>

namespace redline::commands {

namespace {

class DiffCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("old_rulebook", m_old, "the rulebook in force until now (YAML)")->required();
        app.add_option("new_rulebook", m_new, "the updated rulebook (YAML)")->required();
        app.add_option("applications", m_applications,
                       "records to screen under both: any GDAL vector source, or CSV with wkt or lon/lat "
                       "(or --layer-input NAME instead)");
        app.add_option("-o,--output", m_diff.output, "output dataset: changes, errors, layer_changes, run_info (or a database: PG:\"dbname=...\")")
            ->required();
        app.add_option("-f,--format", m_diff.gdal.format, "GDAL vector driver of the output (PostgreSQL for PG:)");
        add_output_options(app, m_diff.gdal.output);
        app.add_option("--json", m_diff.json, "also write one JSON object per changed record");
        app.add_option("--report", m_diff.report,
                       "also write an HTML report of the changed records by direction and rule (--lang en for English)");
        app.add_option("--threads", m_threads, "threads that load the layers and screen (default: every core)")
            ->check(CLI::Range(1, 1024));
        add_input_options(app, m_input, m_coords);
        add_layer_input_option(app, m_diff.layer_input);
        app.add_option("--progress", m_progress, "auto (a bar on a terminal), bar or none")
            ->check(CLI::IsMember({"auto", "bar", "none"}));
    }

    int run(const GlobalOptions& global) override
    {
        m_input.datum = datum_option(m_coords);
        check_output_options(m_diff.gdal.output);
        if (EQUAL(m_diff.gdal.format.c_str(), "PostgreSQL") && !is_database_output(m_diff.output))
            throw UsageError("-f PostgreSQL writes to a database: -o PG:\"dbname=... host=...\"");
        install_interrupt_handlers(m_cancel);
        PipelineOptions options;
        options.lang = global.language();
        options.threads = static_cast<unsigned>(m_threads);
        options.cancel = &m_cancel;
        options.command = "diff";
        const Engine old_engine(m_old, options.threads);
        const Engine new_engine(m_new, options.threads);
        m_diff.old_rulebook = m_old;
        if (!global.quiet)
            for (const Engine* e : {&old_engine, &new_engine})
                for (const auto& w : e->warnings())
                    std::cerr << "redline: warning: " << w << "\n";
        std::unique_ptr<ApplicationSource> source = open_input(new_engine, m_applications, m_diff.layer_input, m_input);
        const auto loaded = std::chrono::steady_clock::now();
        const LayerChanges layers = compare_layers(old_engine, new_engine);
        const auto compared = std::chrono::steady_clock::now();
        options.baseline = &old_engine;
        const bool bar = m_progress != "none" && !global.quiet && (m_progress == "bar" || ::isatty(STDOUT_FILENO));
        if (bar)
            options.progress = [](double fraction, const std::string&) { GDALTermProgress(fraction, nullptr, nullptr); };
        DiffCounts counts;
        PipelineResult result;
        try {
            result = run_pipeline(new_engine, *source, make_diff_sinks(m_diff, old_engine, layers, counts), options);
        } catch (const Cancelled& c) {
            if (bar)
                std::cout << "\n";
            throw Interrupted(c.reason());
        }
        if (!global.quiet)
            summarise(global.language(), result, counts, layers, options.started, loaded, compared);
        return 0;
    }

private:
    void summarise(Lang lang, const PipelineResult& r, const DiffCounts& c, const LayerChanges& layers,
                   std::chrono::steady_clock::time_point started, std::chrono::steady_clock::time_point loaded,
                   std::chrono::steady_clock::time_point compared) const
    {
        for (const auto& w : r.warnings)
            std::cerr << "redline: warning: " << w << "\n";
        auto secs = [](auto a, auto b) { return format_number(std::chrono::duration<double>(b - a).count(), 2); };
        const auto now = std::chrono::steady_clock::now();
        const std::size_t changed = c.stricter + c.looser + c.same;
        const std::string n = std::to_string(c.records);
        std::cout << tr(lang,
                        "redline: " + n + " 条记录在两版规则下筛查，用时 " + secs(started, now) + " 秒（" +
                            std::to_string(r.threads) + " 线程；加载规则库 " + secs(started, loaded) + " 秒，图层比对 " +
                            secs(loaded, compared) + " 秒，筛查与写出 " + format_number(r.screening_seconds, 2) + " 秒）",
                        "redline: " + n + " records screened under both rulebooks in " + secs(started, now) + " s (" +
                            std::to_string(r.threads) + " threads; rulebooks " + secs(started, loaded) +
                            " s, layers compared " + secs(loaded, compared) + " s, screening and writing " +
                            format_number(r.screening_seconds, 2) + " s)")
                  << "\n";
        std::cout << tr(lang,
                        "变化 " + std::to_string(changed) + " 条：趋严 " + std::to_string(c.stricter) + "，放宽 " +
                            std::to_string(c.looser) + "，结论不变、依据变化 " + std::to_string(c.same) + "；无变化 " +
                            std::to_string(c.unchanged) + "；任一规则库下为错误记录 " + std::to_string(c.errors),
                        std::to_string(changed) + " changed: " + std::to_string(c.stricter) + " stricter, " +
                            std::to_string(c.looser) + " looser, " + std::to_string(c.same) +
                            " same verdict with other findings; " + std::to_string(c.unchanged) + " unchanged; " +
                            std::to_string(c.errors) + " ERROR under either rulebook")
                  << "\n";
        std::map<std::string, std::pair<double, double>> area;
        for (const AreaChange& a : layers.areas)
            (a.added ? area[a.layer].first : area[a.layer].second) += a.area_m2;
        for (const auto& [name, ar] : area)
            std::cout << tr(lang, "  图层 " + name + "：新增 " + format_number(ar.first / 1e4, 2) + " 公顷，调出 " +
                                      format_number(ar.second / 1e4, 2) + " 公顷",
                            "  layer " + name + ": " + format_number(ar.first / 1e4, 2) + " ha added, " +
                                format_number(ar.second / 1e4, 2) + " ha removed")
                      << "\n";
        for (const auto& name : layers.layers_added)
            std::cout << tr(lang, "  新增图层 " + name, "  layer added: " + name) << "\n";
        for (const auto& name : layers.layers_removed)
            std::cout << tr(lang, "  删除图层 " + name, "  layer removed: " + name) << "\n";
        std::vector<std::string> paths{m_diff.output};
        for (const std::string* p : {&m_diff.json, &m_diff.report})
            if (!p->empty())
                paths.push_back(*p);
        std::cout << tr(lang, "已写出 ", "wrote ") << join(paths, ", ") << "\n";
    }

    std::string m_old, m_new, m_applications;
    DiffOptions m_diff;
    InputOptions m_input;
    int m_threads = 0;
    std::string m_coords;
    std::string m_progress = "auto";
    CancelToken m_cancel;
};

} // namespace

std::unique_ptr<Command> make_diff_command()
{
    return std::make_unique<DiffCommand>();
}

} // namespace redline::commands
