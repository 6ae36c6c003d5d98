// redline validate RULEBOOK: load everything, report what was found.
#include "commands.hpp"

#include "redline/engine.hpp"
#include "redline/text.hpp"

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

    int run(const GlobalOptions& global) override
    {
        Engine engine(m_rulebook, Engine::Options{global.language()});
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
        os << "\nwarnings " << engine.warnings().size() << "\n";
        for (const auto& w : engine.warnings())
            os << "  - " << w << "\n";
        return 0;
    }

private:
    std::string m_rulebook;
    std::size_t m_max_issues = 20;
};

} // namespace

std::unique_ptr<Command> make_validate_command()
{
    return std::make_unique<ValidateCommand>();
}

} // namespace redline::commands
