// redline eia --industry CODE [...] [--fact KEY=VALUE ...] [--sensitive TERM ...]
//              [--format text|json]
// The EIA category under the 2021 catalog (SPEC §6.2): no rulebook, no site.
#include "commands.hpp"

#include "redline/eia.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <iostream>

namespace redline::commands {

namespace {

class EiaCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("--industry", m_codes,
                       "GB/T 4754-2017 code(s), e.g. C3360 or 3360 (repeatable: a project of several "
                       "categories takes the highest, 第四条)");
        app.add_option("--fact", m_facts,
                       "KEY=VALUE, e.g. process=电镀|喷漆, solvent_coating_tpa=12 (repeatable; "
                       "absent = unknown, 0 = none)");
        app.add_option("--sensitive", m_sensitive,
                       "a 第三条 sensitive-area term the site touches, e.g. 饮用水水源保护区 (repeatable)");
        app.add_option("--format", m_format, "text (default) or json")
            ->check(CLI::IsMember({"text", "json"}));
    }

    int run(const GlobalOptions& global) override
    {
        const eia::Catalog& catalog = eia::Catalog::builtin();
        eia::Query q;
        q.codes = m_codes;
        q.sensitive = m_sensitive;
        for (const auto& kv : m_facts) {
            const auto eq = kv.find('=');
            if (eq == std::string::npos || eq == 0)
                throw UsageError("--fact wants KEY=VALUE, got '" + kv + "'");
            const std::string key = trim(kv.substr(0, eq));
            if (q.facts.count(key))
                throw UsageError("--fact " + key + " is given twice");
            q.facts[key] = kv.substr(eq + 1);
        }
        const eia::Result r = eia::evaluate(catalog, q);
        if (m_format == "json")
            std::cout << eia::to_json(r) << "\n";
        else
            std::cout << eia::to_text(r, catalog, global.language());
        return 0;
    }

private:
    std::vector<std::string> m_codes, m_facts, m_sensitive;
    std::string m_format = "text";
};

} // namespace

std::unique_ptr<Command> make_eia_command()
{
    return std::make_unique<EiaCommand>();
}

} // namespace redline::commands
