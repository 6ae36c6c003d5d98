#include "commands/commands.hpp"

#include <cctype>

#include "geometry/coords.hpp"
#include "io/columns.hpp"
#include "io/gdal.hpp"
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

void add_output_options(CLI::App& app, OutputOptions& output)
{
    app.add_option("--t_srs,--t-srs", output.t_srs,
                   "CRS the output geometries are written in, e.g. EPSG:4490 (default: the rulebook's "
                   "working_crs); measured distances and areas stay as computed in working_crs");
    app.add_option("--lco", output.layer_options,
                   "NAME=VALUE layer creation option for the GDAL driver, e.g. GEOMETRY_NAME=shape "
                   "(repeatable; -lco as in ogr2ogr)");
    app.add_option("--layer-prefix", output.layer_prefix,
                   "prepend this to every layer/table name (letters, digits, _) so that several runs share "
                   "one database or GeoPackage; an existing GeoPackage is added to");
    app.add_flag("--overwrite", output.overwrite,
                 "replace existing layers/tables of the names written (refused otherwise)");
}

void check_output_options(const OutputOptions& output)
{
    for (const std::string& o : output.layer_options)
        if (o.find('=') == std::string::npos || o.front() == '=')
            throw UsageError("-lco takes NAME=VALUE, not '" + o + "'");
    for (char c : output.layer_prefix)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
            throw UsageError("--layer-prefix takes letters, digits and '_', not '" + output.layer_prefix + "'");
    if (!output.t_srs.empty()) {
        try {
            gdal::initialise();
            gdal::srs_from_user(output.t_srs, "--t_srs");
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
    }
}

std::vector<std::string> ogr2ogr_spellings(int argc, char** argv)
{
    std::vector<std::string> out;
    for (int i = 0; i < argc; ++i) {
        const std::string a = argv[i];
        out.push_back(a == "-lco" || a == "-t_srs" || a == "-overwrite" ? "-" + a : a);
    }
    return out;
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

void add_input_options(CLI::App& app, InputOptions& input, std::string& coords)
{
        app.add_option("--id-field", input.id_field, "application id field (default id)");
        app.add_option("--industry-field", input.industry_field,
                       "industry code field (default industry)");
        app.add_option("--name-field", input.name_field, "name field (default name)");
        add_crs_option(app, input.crs, "applications'");
        app.add_option("--layer,--sheet", input.layer,
                       "layer of a multi-layer applications source; the sheet of a workbook");
        app.add_option("--wkt-field", input.wkt_field, "column with the site as WKT (attribute tables)");
        app.add_option("--lon-field", input.lon_field,
                       "column with the longitude: decimal or degrees-minutes-seconds (119°37′03.3″)");
        app.add_option("--lat-field", input.lat_field, "column with the latitude (as --lon-field)");
        app.add_option("--header-row", input.header_row,
                       "a spreadsheet's header row, 1-based (default: the first row naming an industry "
                       "column; title rows above it are skipped)")
            ->check(CLI::Range(1, 1000000));
        app.footer("Columns found without flags (case, blanks and full-width forms ignored):\n" +
                   columns::help_text() +
                   "Coordinates in columns may be decimal degrees or degrees-minutes-seconds "
                   "(119°37′03.30″, 119°37'03.30\"E, 东经119度37分3.3秒); an industry code a "
                   "spreadsheet stored as a number (3312.0) reads as 3312.");
        add_coords_option(app, coords);
        app.add_option("--encoding", input.encoding,
                       "text encoding of a CSV or shapefile: UTF-8, GBK, GB18030... "
                       "(default: UTF-8, or GB18030 when the bytes are not UTF-8)");
}

void add_layer_input_option(CLI::App& app, std::string& layer)
{
    app.add_option("--layer-input", layer,
                   "screen the features of this layer of the rulebook instead of an applications file "
                   "(e.g. sources: existing enterprises, keyed by the layer's key; README \"Existing "
                   "enterprises\")");
}

std::unique_ptr<ApplicationSource> open_input(const Engine& engine, const std::string& applications,
                                              const std::string& layer_input, const InputOptions& input)
{
    if (applications.empty() == layer_input.empty())
        throw UsageError("give either APPLICATIONS or --layer-input NAME");
    if (!layer_input.empty())
        return open_layer_applications(engine, layer_input, input);
    return open_applications(applications, input);
}

} // namespace redline::commands
