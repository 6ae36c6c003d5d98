// The redline commands. Each has setup (declares its CLI options, no I/O)
// and run (does the work and returns the exit status); main() maps
// exceptions to exit codes.
#pragma once

#include "redline/application.hpp"
#include "redline/finding.hpp"
#include "redline/lang.hpp"
#include "redline/source.hpp"
#include "redline/sink.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace redline::commands {

struct GlobalOptions {
    bool quiet = false;
    std::string lang = "zh";
    Lang language() const { return lang == "en" ? Lang::En : Lang::Zh; }
};

class Command {
public:
    virtual ~Command() = default;
    /// Declares the subcommand's options on `app`.
    virtual void setup(CLI::App& app) = 0;
    /// Runs it; returns the exit status. Throws redline::Error subclasses.
    virtual int run(const GlobalOptions& global) = 0;
};

std::unique_ptr<Command> make_check_command();
std::unique_ptr<Command> make_batch_command();
std::unique_ptr<Command> make_validate_command();
std::unique_ptr<Command> make_checks_command();
std::unique_ptr<Command> make_serve_command();
std::unique_ptr<Command> make_eia_command();
std::unique_ptr<Command> make_diff_command();
std::unique_ptr<Command> make_zoning_command();

// Option groups that several commands take (options.cpp), declared once so
// that their spelling and help never drift apart.
void add_crs_option(CLI::App& app, std::string& crs, const char* what);
void add_coords_option(CLI::App& app, std::string& coords);
void add_fail_on_option(CLI::App& app, std::string& fail_on);
/// The applications reader's flags (batch, diff): --id-field ... --encoding, --coords.
void add_input_options(CLI::App& app, InputOptions& input, std::string& coords);
/// --layer-input NAME (batch, diff).
void add_layer_input_option(CLI::App& app, std::string& layer);
/// The records: the APPLICATIONS file, or the rulebook layer --layer-input
/// names (exactly one of them; UsageError otherwise).
std::unique_ptr<ApplicationSource> open_input(const Engine& engine, const std::string& applications,
                                              const std::string& layer_input, const InputOptions& input);
/// --t_srs, --lco (also -lco), --layer-prefix, --overwrite: what users of
/// ogr2ogr expect of every output a command writes (sink.hpp OutputOptions).
void add_output_options(CLI::App& app, OutputOptions& output);
/// Validates them (throws UsageError): -lco NAME=VALUE, a prefix of
/// letters, digits and '_', a CRS PROJ understands.
void check_output_options(const OutputOptions& output);
/// The command line with ogr2ogr's one-dash spellings (-lco, -t_srs,
/// -overwrite) turned into the options above; for main() before parsing.
std::vector<std::string> ogr2ogr_spellings(int argc, char** argv);

/// The --coords value as a datum (WGS84 when not given).
coords::Datum datum_option(const std::string& coords);

/// Exit status for --fail-on: 1 when `worst` is `fail_on` or more severe.
int fail_on_status(const std::string& fail_on, Outcome worst);
/// Validates a --fail-on value (throws UsageError).
void check_fail_on(const std::string& fail_on);

} // namespace redline::commands
