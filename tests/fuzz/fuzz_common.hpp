// Shared by the libFuzzer targets: a scratch directory holding the files a
// rulebook may name (an empty layers.gpkg — rulebook loading only checks
// that it exists —, an access list and an industry-class table), and the
// rule of every target: a redline::Error is an expected answer to bad
// input; any other exception is a bug (main() would report "internal
// error", exit 5), so it aborts and libFuzzer records the input.
#pragma once

#include "redline/check.hpp"
#include "redline/error.hpp"
#include "io/gdal.hpp"
#include "redline/industry.hpp"
#include "redline/rulebook.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace redline::fuzz {

inline const std::string& scratch()
{
    // Never destroyed: the atexit cleanup below runs after static destructors.
    static const std::string& dir = *new std::string([] {
        std::string pattern = (std::filesystem::temp_directory_path() / "redline-fuzz-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            std::abort();
        std::ofstream(pattern + "/layers.gpkg").put('\0');
        std::ofstream(pattern + "/access.csv")
            << "rule_id,scope,industries,effect,dimension,clause,basis\n"
               "A1,*,C33;class:3,prohibit,空间布局约束,禁止,依据\n";
        std::ofstream(pattern + "/classes.csv") << "industry,class\nC3360,3\nC26,3\n";
        gdal::initialise();
        IndustryTable::gbt4754_2017(); // build the table outside the timed runs
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratch(), ec);
        });
        return pattern;
    }());
    return dir;
}

inline void write_file(const std::string& path, const uint8_t* data, size_t size)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

/// Loads the rulebook and configures every check, as the Engine does before
/// it touches a layer.
inline void load_and_configure(const std::string& path)
{
    Rulebook rb = load_rulebook(path);
    std::vector<std::string> warnings;
    ConfigEnv env{rb, IndustryTable::gbt4754_2017(), &warnings};
    for (const CheckSpec& spec : rb.checks)
        if (auto c = CheckRegistry::builtin().create(spec.type))
            c->configure(spec, env);
}

/// Runs `body`; redline errors are fine, anything else aborts.
template <class F>
void expect_only_redline_errors(F body)
{
    try {
        body();
    } catch (const redline::Error&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "non-redline exception: %s\n", e.what());
        std::abort();
    }
}

} // namespace redline::fuzz
