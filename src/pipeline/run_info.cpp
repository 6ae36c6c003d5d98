#include "pipeline/run_info.hpp"
#include "output/eia_fields.hpp"

#include "redline/check.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/version.hpp"
#include "geometry/coords.hpp"
#include "io/coord_audit.hpp"
#include "util/text.hpp"

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>

#include <ctime>

namespace redline {

namespace {

void add_rulebook(RunInfo& info, const Engine& engine)
{
    const Rulebook& rb = engine.rulebook();
    info.emplace_back("rulebook", rb.path);
    info.emplace_back("rulebook_name", rb.name);
    info.emplace_back("rulebook_version", rb.version);
    info.emplace_back("rulebook_sha256", rb.sha256);
    if (!rb.industry_classes_path.empty())
        info.emplace_back("file." + rb.industry_classes_path + ".sha256",
                          sha256_file(rb.industry_classes_path));
    for (const auto& c : engine.checks())
        for (const auto& f : c->files())
            info.emplace_back("file." + f + ".sha256", sha256_file(f));
}

void add_libraries(RunInfo& info)
{
    info.emplace_back("gdal", GDALVersionInfo("RELEASE_NAME"));
    info.emplace_back("geos", GEOSversion());
    info.emplace_back("proj", std::to_string(PROJ_VERSION_MAJOR) + "." + std::to_string(PROJ_VERSION_MINOR) +
                                  "." + std::to_string(PROJ_VERSION_PATCH));
}

void add_layers(RunInfo& info, const Engine& engine)
{
    for (const auto& l : engine.layers().all()) {
        const std::string p = "layer." + l->name() + ".";
        info.emplace_back(p + "source", redact_password(l->def().source) +
                                            (l->def().layer.empty() ? "" : "|layername=" + l->def().layer));
        info.emplace_back(p + "features", std::to_string(l->size()));
        info.emplace_back(p + "crs", l->source_crs());
        info.emplace_back(p + "modified", l->modified());
        info.emplace_back(p + "repaired", std::to_string(l->repaired_count()));
    }
}

} // namespace

std::string utc_text(std::chrono::system_clock::time_point t)
{
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

RunInfo build_run_info(const Engine& engine, const SourceInfo& source, const RunFacts& facts)
{
    const PipelineResult& result = facts.result;
    RunInfo info;
    info.emplace_back("tool", "redline");
    info.emplace_back("version", REDLINE_VERSION);
    info.emplace_back("command", facts.options.command);
    add_rulebook(info, engine);
    info.emplace_back("working_crs", engine.rulebook().working_crs);
    info.emplace_back("input_crs", source.crs.empty() ? engine.rulebook().input_crs : source.crs);
    info.emplace_back("applications", redact_password(source.name));
    info.emplace_back("applications_modified", source.modified);
    info.emplace_back("records", std::to_string(result.records));
    info.emplace_back("id_field", source.id_field);
    info.emplace_back("industry_field", source.industry_field);
    info.emplace_back("lang", std::string(lang_code(facts.options.lang)));
    add_libraries(info);
    // Only when there is something to say, so that clean runs keep the same run_info.
    const bool web_datum = source.datum != coords::Datum::Wgs84;
    if (web_datum)
        info.emplace_back("coords", coords::datum_name(source.datum));
    if (!source.encoding.empty() && source.encoding != "UTF-8")
        info.emplace_back("encoding", source.encoding);
    if (facts.audit && (web_datum || !facts.audit->warnings(Lang::En).empty()))
        for (auto& kv : facts.audit->run_info())
            info.push_back(std::move(kv));
    for (std::size_t i = 0; i < result.warnings.size(); ++i)
        info.emplace_back("warning." + std::to_string(i + 1), result.warnings[i]);
    for (Outcome o : {Outcome::Pass, Outcome::Conditional, Outcome::Incomplete, Outcome::Fail, Outcome::Error}) {
        auto it = result.counts.find(o);
        info.emplace_back("count_" + to_lower_ascii(outcome_name(o)),
                          std::to_string(it == result.counts.end() ? 0 : it->second));
    }
    static const std::pair<const char*, const char*> k_eia_keys[] = {
        {"报告书", "report"}, {"报告表", "table"}, {"登记表", "registration"}, {"不纳入", "none"},
        {"UNKNOWN", "unknown"}};
    if (eia_fields::enabled(engine)) // SPEC §6.2: sites by EIA category
        for (const auto& [name, key] : k_eia_keys) {
            auto it = result.eia_counts.find(name);
            info.emplace_back(std::string("count_eia_") + key,
                              std::to_string(it == result.eia_counts.end() ? 0 : it->second));
        }
    info.emplace_back("threads", std::to_string(result.threads));
    add_layers(info, engine);
    info.emplace_back("started", utc_text(facts.options.started_utc));
    info.emplace_back("finished", utc_text(std::chrono::system_clock::now()));
    info.emplace_back("seconds", format_number(facts.seconds, 3));
    return info;
}

} // namespace redline
