// redline validate RULEBOOK: load everything, report what was found.
#include "commands.hpp"

#include "redline/check.hpp"
#include "redline/engine.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "engine/layer_audit.hpp"
#include "util/text.hpp"

#include <cmath>
#include <iostream>

namespace redline::commands {

namespace {

class ValidateCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("rulebook", m_rulebook, "rulebook YAML")->required();
        app.add_option("--max-issues", m_max_issues, "issues listed per layer (default 20)");
    }

    int run(const GlobalOptions&) override
    {
        Engine engine(m_rulebook);
        const Rulebook& rb = engine.rulebook();
        std::ostream& os = std::cout;
        os << "rulebook  " << rb.path << "\n"
           << "name      " << rb.name << "\n"
           << "sha256    " << rb.sha256 << "\n"
           << "working   " << rb.working_crs << "   input " << rb.input_crs << "\n"
           << "tolerance area " << format_number(rb.area_tolerance, 4) << " m2, length "
           << format_number(rb.length_tolerance, 4) << " m\n";
        if (!rb.industry_classes_path.empty())
            os << "classes   " << rb.industry_classes_path << "\n";
        os << "\nlayers\n";
        for (const auto& l : engine.layers().all()) {
            const auto e = l->extent();
            os << "  " << l->name() << ": " << l->size() << " features from " << l->def().source
               << (l->def().layer.empty() ? "" : " (" + l->def().layer + ")") << "\n"
               << "    crs " << l->source_crs()
               << (l->reprojected() ? " -> " + rb.working_crs + " (reprojected)" : " (kept as is)")
               << "\n"
               << "    extent " << format_number(e.minx) << " " << format_number(e.miny) << ", "
               << format_number(e.maxx) << " " << format_number(e.maxy) << "\n"
               << "    key " << (l->def().key.empty() ? "(FID)" : l->def().key)
               << ", repaired " << l->repaired_count() << ", issues " << l->issues().size()
               << "\n";
            std::size_t shown = 0;
            for (const auto& issue : l->issues()) {
                if (shown++ == m_max_issues) {
                    os << "    ... " << (l->issues().size() - m_max_issues) << " more\n";
                    break;
                }
                os << "    - " << issue.what << "\n";
            }
        }
        os << "\nchecks\n";
        for (const auto& c : engine.checks())
            os << "  " << c->id() << ": " << c->type() << " — " << c->info().description << "\n";
        std::vector<std::string> warnings = engine.warnings();
        for (const auto& l : engine.layers().all())
            if (l->size() == 0)
                warnings.push_back("layer '" + l->name() + "' is empty (" + l->def().source +
                                   "): every check on it finds nothing");
        print_unit_audit(os, audit_units(rb, engine.layers()), warnings);
        os << "\nwarnings " << warnings.size() << "\n";
        for (const auto& w : warnings)
            os << "  - " << w << "\n";
        return 0;
    }

private:
    void print_unit_audit(std::ostream& os, const UnitAudit& a, std::vector<std::string>& warnings) const
    {
        if (a.units.empty())
            return;
        auto where = [](const UnitProblem& p) {
            std::string s = "at " + format_number(p.x, 1) + " " + format_number(p.y, 1);
            if (!std::isnan(p.lon))
                s += " (lon " + format_number(p.lon, 6) + ", lat " + format_number(p.lat, 6) + ")";
            return s;
        };
        os << "\ncontrol units (" << a.units << (a.coverage.empty() ? "" : ", coverage " + a.coverage)
           << ")\n  overlaps " << a.overlaps.size() << ", " << format_number(a.overlap_area, 2)
           << " m2; gaps " << a.gaps.size() << ", " << format_number(a.gap_area, 2) << " m2\n";
        auto list = [&](const std::vector<UnitProblem>& v, const char* what) {
            std::size_t shown = 0;
            for (const auto& p : v) {
                if (shown++ == m_max_issues) {
                    os << "    ... " << (v.size() - m_max_issues) << " more\n";
                    break;
                }
                os << "  - " << what << " " << p.keys << ": " << format_number(p.area, 2) << " m2 "
                   << where(p) << "\n";
            }
        };
        list(a.overlaps, "overlap");
        list(a.gaps, "gap");
        if (!a.overlaps.empty())
            warnings.push_back("control units of '" + a.units + "' overlap " +
                               std::to_string(a.overlaps.size()) + " times (" +
                               format_number(a.overlap_area, 2) + " m2): a site there gets every unit's rules");
        if (!a.gaps.empty())
            warnings.push_back("control units of '" + a.units + "' leave " + std::to_string(a.gaps.size()) +
                               " gaps (" + format_number(a.gap_area, 2) + " m2)" +
                               (a.coverage.empty() ? "" : " inside '" + a.coverage + "'") +
                               ": a site there gets no unit's rules");
    }

    std::string m_rulebook;
    std::size_t m_max_issues = 20;
};

} // namespace

std::unique_ptr<Command> make_validate_command()
{
    return std::make_unique<ValidateCommand>();
}

} // namespace redline::commands
