// redline check RULEBOOK --site GEOM --industry CODE [--attr NAME=VALUE ...]
#include "commands.hpp"

#include "geometry/coords.hpp"
#include "io/gdal.hpp"
#include "output/writers.hpp"
#include "redline/error.hpp"
#include "redline/industry.hpp"
#include "redline/pipeline.hpp"
#include "redline/words.hpp"
#include "util/text.hpp"

#include <cmath>

#include <iostream>

namespace redline::commands {

namespace {

// The same figures as a report section's findings table (report.hpp).
std::string describe_value(const Finding& f, Lang lang)
{
    std::string s = tr(lang, "量测：", "measured: ") + measure_word(f.measure, lang);
    if (!std::isnan(f.value))
        s += " " + format_amount(f.value, f.unit);
    if (!std::isnan(f.threshold))
        s += tr(lang, "；阈值：", "; threshold: ") + format_amount(f.threshold, f.unit);
    if (!std::isnan(f.share))
        s += tr(lang, "；占比：", "; share: ") + format_number(f.share, 1) + "%";
    return s;
}

void print_text(std::ostream& os, const SiteResult& r, const Application& app, Lang lang)
{
    os << tr(lang, "项目 ", "site ") << r.site_id << "  " << outcome_name(r.verdict) << " · "
       << verdict_word(r.verdict, lang) << "\n";
    if (!r.industry.empty()) {
        const auto* e = IndustryTable::gbt4754_2017().find(r.industry);
        os << tr(lang, "行业    ", "industry  ") << r.industry << (e ? " " + e->name : "") << "\n";
    } else if (!app.industry.empty()) {
        os << tr(lang, "行业    ", "industry  ") << app.industry << "\n";
    }
    if (!r.townships.empty())
        os << tr(lang, "乡镇    ", "township  ") << join(r.townships, "、") << "\n";
    if (!r.units.empty())
        os << tr(lang, "管控单元 ", "units     ") << join(r.units, "、") << "\n";
    os << tr(lang, "结论    ", "verdict   ") << r.message << "\n";
    std::size_t n = 0;
    for (const auto& f : r.findings) {
        os << "\n  " << ++n << ". [" << outcome_name(f.outcome) << "] " << f.rule_id << " ("
           << f.check_type << ")";
        if (!f.feature_key.empty())
            os << "  " << f.layer << " " << f.feature_key
               << (f.feature_label.empty() ? "" : " " + f.feature_label);
        else if (!f.layer.empty())
            os << "  " << f.layer;
        os << "\n     " << f.detail << "\n     " << describe_value(f, lang) << "\n";
        if (!f.dimension.empty())
            os << tr(lang, "     维度：", "     dimension: ") << f.dimension << "\n";
        if (!f.clause.empty())
            os << tr(lang, "     条款：", "     clause: ") << f.clause << "\n";
        if (!f.basis.empty())
            os << tr(lang, "     依据：", "     basis: ") << f.basis << "\n";
    }
}

class CheckCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("rulebook", m_rulebook, "rulebook YAML")->required();
        app.add_option("--site", m_site, "WKT, a GeoJSON geometry, or lon,lat")->required();
        app.add_option("--industry", m_industry, "GB/T 4754-2017 code, e.g. C3360 or 3360")
            ->required();
        app.add_option("--attr", m_attrs, "NAME=VALUE, e.g. voc_tpa=1.5 (repeatable)");
        app.add_option("--id", m_id, "site id to report (default: site)");
        add_crs_option(app, m_crs, "site's");
        add_coords_option(app, m_coords);
        app.add_option("--format", m_format, "text (default) or json")
            ->check(CLI::IsMember({"text", "json"}));
        add_fail_on_option(app, m_fail_on);
    }

    int run(const GlobalOptions& global) override
    {
        check_fail_on(m_fail_on);
        Application app;
        app.site_id = m_id;
        app.industry = m_industry;
        app.geometry_text = m_site;
        app.attributes.emplace_back("id", m_id);
        app.attributes.emplace_back("industry", m_industry);
        for (const auto& a : m_attrs) {
            auto eq = a.find('=');
            if (eq == std::string::npos || eq == 0)
                throw UsageError("--attr takes NAME=VALUE, not '" + a + "'");
            app.attributes.emplace_back(trim(a.substr(0, eq)), a.substr(eq + 1));
        }
        std::shared_ptr<OGRSpatialReference> srs;
        if (!m_crs.empty()) {
            try {
                srs = std::make_shared<OGRSpatialReference>(gdal::srs_from_user(m_crs, "--crs"));
            } catch (const Error& e) {
                throw UsageError(e.what());
            }
            app.srs = srs;
        }

        app.datum = datum_option(m_coords);
        Engine engine(m_rulebook);
        if (app.datum != coords::Datum::Wgs84 && !(srs ? *srs : engine.input_srs()).IsGeographic())
            throw UsageError("--coords " + coords::datum_name(app.datum) +
                             " needs geographic (lon/lat) coordinates; --site is in " +
                             gdal::srs_label(srs ? *srs : engine.input_srs()));
        if (!global.quiet)
            for (const auto& w : engine.warnings())
                std::cerr << "redline: warning: " << w << "\n";
        // The same path as a batch: one record in memory, one sink that keeps it.
        SourceInfo info;
        info.name = "--site";
        info.srs = srs;
        info.crs = m_crs;
        info.datum = app.datum;
        MemorySource source({app}, info);
        std::vector<std::unique_ptr<ResultSink>> sinks;
        sinks.push_back(std::make_unique<MemorySink>());
        PipelineOptions options;
        options.threads = 1;
        options.lang = global.language();
        options.command = "check";
        run_pipeline(engine, source, sinks, options);
        const auto& kept = static_cast<const MemorySink&>(*sinks.front());
        const SiteResult& r = kept.results.at(0);
        if (m_format == "json") {
            gdal::TransformPtr ct = to_input_transform(engine, info);
            std::cout << site_json(r, kept.applications.at(0), ct.get(), 2) << "\n";
        } else {
            print_text(std::cout, r, kept.applications.at(0), global.language());
        }
        return fail_on_status(m_fail_on, r.verdict);
    }

private:
    std::string m_rulebook, m_site, m_industry, m_id = "site", m_crs, m_format = "text", m_fail_on;
    std::string m_coords;
    std::vector<std::string> m_attrs;
};

} // namespace

std::unique_ptr<Command> make_check_command()
{
    return std::make_unique<CheckCommand>();
}

} // namespace redline::commands
