// redline: screening construction sites against 三线一单 ecological zoning.
// The only place where exceptions become exit codes:
//   0 done, 1 --fail-on matched, 2 usage, 3 rulebook/layer, 4 output, 5 internal.
#include "commands/commands.hpp"
#include "redline/error.hpp"
#include "redline/pipeline.hpp"
#include "util/interrupt.hpp"
#include "redline/version.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    using namespace redline;
    CLI::App app{"redline " REDLINE_VERSION
                 " — screen construction projects against 三线一单 zoning (red lines, control units, "
                 "access lists, water-source zones, load caps)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "redline " REDLINE_VERSION);
    commands::GlobalOptions global;
    app.add_flag("-q,--quiet", global.quiet, "no progress or summary");
    app.add_option("--lang", global.lang, "language of messages: zh (default) or en")
        ->check(CLI::IsMember({"zh", "en"}));

    struct Entry {
        const char* name;
        const char* help;
        std::unique_ptr<commands::Command> command;
        CLI::App* sub = nullptr;
    };
    Entry entries[] = {
        {"check", "screen one site given on the command line", commands::make_check_command()},
        {"batch", "screen every application of a file and write the result layers",
         commands::make_batch_command()},
        {"validate", "load a rulebook and report on its layers and tables",
         commands::make_validate_command()},
        {"checks", "list the check types a rulebook may use, with their parameters",
         commands::make_checks_command()},
        {"serve", "answer checks over HTTP (JSON), the rulebook loaded once",
         commands::make_serve_command()},
        {"eia", "the EIA category (报告书/报告表/登记表) under the 2021 catalog, with item and trigger",
         commands::make_eia_command()},
        {"diff", "screen records under an old and a new rulebook: what the change of zoning changes",
         commands::make_diff_command()},
        {"zoning", "map where an industry may go: the verdict a point site gets, polygon by polygon",
         commands::make_zoning_command()},
    };
    for (auto& e : entries) {
        e.sub = app.add_subcommand(e.name, e.help);
        e.command->setup(*e.sub);
        // Also accepted after the command name: `redline batch -q ...`.
        e.sub->add_flag("-q,--quiet", global.quiet, "no progress or summary");
        e.sub->add_option("--lang", global.lang, "language of messages: zh (default) or en")
            ->check(CLI::IsMember({"zh", "en"}));
    }

    try {
        std::vector<std::string> args = commands::ogr2ogr_spellings(argc, argv); // -lco, -t_srs
        std::vector<char*> args_c;
        for (std::string& a : args)
            args_c.push_back(a.data());
        app.parse(static_cast<int>(args_c.size()), args_c.data());
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        for (auto& e : entries)
            if (e.sub->parsed())
                return e.command->run(global);
    } catch (const Interrupted& e) {
        std::cerr << "redline: " << e.what() << "\n";
        return e.exit_status(); // 130 SIGINT, 143 SIGTERM
    } catch (const UsageError& e) {
        std::cerr << "redline: " << e.what() << "\n";
        return 2;
    } catch (const RulebookError& e) {
        std::cerr << "redline: " << e.what() << "\n";
        return 3;
    } catch (const LayerError& e) {
        std::cerr << "redline: " << e.what() << "\n";
        return 3;
    } catch (const OutputError& e) {
        std::cerr << "redline: " << e.what() << "\n";
        return 4;
    } catch (const std::exception& e) {
        std::cerr << "redline: internal error: " << e.what() << "\n";
        return 5;
    }
    return 2;
}
