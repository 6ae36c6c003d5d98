// redline checks [--format json]: every check type with its parameters, as
// the types declare them (CheckInfo); the same declarations drive the
// rulebook's key checking.
#include "commands/commands.hpp"

#include "redline/check.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace redline::commands {

namespace {

std::string_view drawing_name(Drawing d)
{
    switch (d) {
    case Drawing::Piece: return "piece";
    case Drawing::Zone: return "zone";
    case Drawing::Line: return "line";
    }
    return "?";
}

nlohmann::ordered_json params_json(const std::vector<ParamInfo>& params)
{
    auto out = nlohmann::ordered_json::array();
    for (const auto& p : params)
        out.push_back({{"name", p.name},
                       {"kind", std::string(param_kind_name(p.kind))},
                       {"required", p.required},
                       {"default", p.default_value},
                       {"description", p.description}});
    return out;
}

void print_params(std::ostream& os, const std::vector<ParamInfo>& params)
{
    for (const auto& p : params) {
        std::string head = "    " + p.name;
        head.resize(std::max<std::size_t>(head.size() + 1, 22), ' ');
        std::string kind(param_kind_name(p.kind));
        kind.resize(std::max<std::size_t>(kind.size() + 1, 11), ' ');
        os << head << (p.required ? "required  " : "optional  ") << kind << p.description << (p.default_value.empty() ? "" : " (default: " + p.default_value + ")")
           << "\n";
    }
}

class ChecksCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("--format", m_format, "text (default) or json")
            ->check(CLI::IsMember({"text", "json"}));
    }

    int run(const GlobalOptions&) override
    {
        const auto infos = CheckRegistry::builtin().infos();
        if (m_format == "json") {
            nlohmann::ordered_json j;
            j["common"] = params_json(common_params());
            auto& types = j["types"] = nlohmann::ordered_json::array();
            for (const auto& i : infos)
                types.push_back({{"name", i.name},
                                 {"description", i.description},
                                 {"drawing", std::string(drawing_name(i.drawing))},
                                 {"params", params_json(i.params)}});
            std::cout << j.dump(2) << "\n";
            return 0;
        }
        for (const auto& i : infos) {
            std::cout << i.name << " — " << i.description << "\n";
            print_params(std::cout, i.params);
            std::cout << "\n";
        }
        std::cout << "every check also takes:\n";
        print_params(std::cout, common_params());
        return 0;
    }

private:
    std::string m_format = "text";
};

} // namespace

std::unique_ptr<Command> make_checks_command()
{
    return std::make_unique<ChecksCommand>();
}

} // namespace redline::commands
