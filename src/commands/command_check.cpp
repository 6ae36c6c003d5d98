// redline check RULEBOOK --site GEOM --industry CODE [--attr NAME=VALUE ...]
#include "commands.hpp"

#include "redline/engine.hpp"
#include "redline/error.hpp"
#include "redline/output.hpp"
#include "redline/report.hpp"
#include "redline/text.hpp"

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
        app.add_option("--crs", m_crs, "CRS of the coordinates (default: the rulebook's input_crs)");
        app.add_option("--coords", m_coords,
                       "datum of lon/lat input: wgs84 (default; also CGCS2000), gcj02 (AMap, Tencent) "
                       "or bd09 (Baidu), converted to WGS84/CGCS2000 with the public formulas")
            ->check(CLI::IsMember({"wgs84", "cgcs2000", "gcj02", "bd09"}, CLI::ignore_case));
        app.add_option("--format", m_format, "text (default) or json")
            ->check(CLI::IsMember({"text", "json"}));
        app.add_option("--fail-on", m_fail_on,
                       "exit 1 when the verdict is this or worse: FAIL, INCOMPLETE, CONDITIONAL");
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

        if (!m_coords.empty())
            app.datum = *coords::parse_datum(m_coords);
        Engine engine(m_rulebook, Engine::Options{global.language()});
        if (app.datum != coords::Datum::Wgs84 && !(srs ? *srs : engine.input_srs()).IsGeographic())
            throw UsageError("--coords " + coords::datum_name(app.datum) +
                             " needs geographic (lon/lat) coordinates; --site is in " +
                             gdal::srs_label(srs ? *srs : engine.input_srs()));
        if (!global.quiet)
            for (const auto& w : engine.warnings())
                std::cerr << "redline: warning: " << w << "\n";
        Engine::Worker worker(engine);
        SiteResult r = worker.screen(app);
        if (m_format == "json") {
            const OGRSpatialReference& input = srs ? *srs : engine.input_srs();
            gdal::TransformPtr ct;
            if (!input.IsSame(&engine.layers().working_srs()))
                ct = gdal::make_transform(engine.layers().working_srs(), input);
            std::cout << site_json(r, app, ct.get(), 2) << "\n";
        } else {
            print_text(std::cout, r, app, global.language());
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
