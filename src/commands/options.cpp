#include "commands/commands.hpp"

#include "geometry/coords.hpp"
#include "redline/error.hpp"

namespace redline::commands {

void add_crs_option(CLI::App& app, std::string& crs, const char* what)
{
    app.add_option("--crs", crs, std::string("CRS of the ") + what +
                                     " coordinates (default: the rulebook's input_crs)");
}

void add_coords_option(CLI::App& app, std::string& coords)
{
    app.add_option("--coords", coords,
                   "datum of lon/lat input: wgs84 (default; also CGCS2000), gcj02 (AMap, Tencent) "
                   "or bd09 (Baidu), converted to WGS84/CGCS2000 with the public formulas")
        ->check(CLI::IsMember({"wgs84", "cgcs2000", "gcj02", "bd09"}, CLI::ignore_case));
}

void add_fail_on_option(CLI::App& app, std::string& fail_on)
{
    app.add_option("--fail-on", fail_on,
                   "exit 1 when a verdict is this or worse: FAIL, INCOMPLETE, CONDITIONAL");
}

coords::Datum datum_option(const std::string& coords)
{
    return coords.empty() ? coords::Datum::Wgs84 : *coords::parse_datum(coords);
}

void check_fail_on(const std::string& fail_on)
{
    if (fail_on.empty())
        return;
    auto o = parse_outcome(fail_on);
    if (!o || *o == Outcome::Info)
        throw UsageError("--fail-on takes FAIL, INCOMPLETE or CONDITIONAL, not '" + fail_on + "'");
}

int fail_on_status(const std::string& fail_on, Outcome worst)
{
    if (fail_on.empty())
        return 0;
    return worst >= *parse_outcome(fail_on) ? 1 : 0;
}

} // namespace redline::commands
