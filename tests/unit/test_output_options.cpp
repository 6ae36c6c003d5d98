// The output options every GDAL output takes (output/output_dataset.hpp):
// layer names with the prefix, -lco over redline's defaults, the output CRS,
// existing layers refused or replaced; and the password redaction of
// connection strings (util/text.hpp). GeoPackages on /vsimem/.
#include "output/output_dataset.hpp"

#include "redline/error.hpp"
#include "util/text.hpp"

#include <catch2/catch.hpp>

#include <cpl_vsi.h>

using namespace redline;

namespace {

OGRSpatialReference epsg(int code)
{
    OGRSpatialReference srs;
    srs.importFromEPSG(code);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

struct MemFile {
    std::string path;
    explicit MemFile(const std::string& name) : path("/vsimem/" + name) { VSIUnlink(path.c_str()); }
    ~MemFile() { VSIUnlink(path.c_str()); }
};

/// A GeoPackage at `path` holding layer `name` (closed).
void make_gpkg_with(const std::string& path, const std::string& name)
{
    OutputDataset out(path, "GPKG", {}, epsg(4549), Lang::En);
    out.create_layer(name, wkbPoint);
    out.close();
}

} // namespace

TEST_CASE("redact_password hides a libpq password, bare or quoted, and nothing else")
{
    CHECK(redact_password("PG:dbname=x password=s3cret host=h") == "PG:dbname=x password=*** host=h");
    CHECK(redact_password("PG:password = 'a b\\'c' dbname=x") == "PG:password = *** dbname=x");
    CHECK(redact_password("PG:dbname=x PASSWORD=s") == "PG:dbname=x PASSWORD=***");
    CHECK(redact_password("PG:dbname=x password=") == "PG:dbname=x password=***");
    CHECK(redact_password("/data/password_list.gpkg") == "/data/password_list.gpkg");
    CHECK(redact_password("PG:dbname=mypassword") == "PG:dbname=mypassword");
    CHECK(redact_password("") == "");
}

TEST_CASE("an output layer is named prefix + name and made with -lco over redline's defaults")
{
    MemFile f("names.gpkg");
    OutputOptions o;
    o.layer_prefix = "r2024_";
    o.layer_options = {"GEOMETRY_NAME=shape"};
    OutputDataset out(f.path, "GPKG", o, epsg(4549), Lang::En);
    CHECK(out.name("sites") == "r2024_sites");
    CHECK(out.user_option("geometry_name"));
    CHECK_FALSE(out.user_option("FID"));
    CPLStringList defaults;
    defaults.SetNameValue("GEOMETRY_NAME", "geom"); // the user's shape wins
    defaults.SetNameValue("FID", "gid");            // not given by the user: used
    OGRLayer* layer = out.create_layer("sites", wkbPoint, defaults);
    CHECK(std::string(layer->GetName()) == "r2024_sites");
    CHECK(std::string(layer->GetGeometryColumn()) == "shape");
    CHECK(std::string(layer->GetFIDColumn()) == "gid");
    CHECK(layer->GetSpatialRef()->GetAuthorityCode(nullptr) == std::string("4549"));
    OGRLayer* table = out.create_layer("run_info", wkbNone);
    CHECK(table->GetSpatialRef() == nullptr);
    CHECK(out.default_options().Count() == 0); // a file: GDAL's own names
}

TEST_CASE("the output CRS (--t_srs) takes geometries from working_crs; the same CRS is no transform")
{
    MemFile f("tsrs.gpkg");
    OutputOptions o;
    o.t_srs = "EPSG:4490";
    OutputDataset out(f.path, "GPKG", o, epsg(4549), Lang::En);
    CHECK(out.srs().GetAuthorityCode(nullptr) == std::string("4490"));
    OGRPoint p(507383.784, 3195003.794); // YK2026-0002 in EPSG:4549
    REQUIRE(out.to_output(p));
    CHECK(p.getX() == Approx(120.0756850).margin(1e-7));
    CHECK(p.getY() == Approx(28.8712688).margin(1e-7));

    MemFile g("same.gpkg");
    o.t_srs = "EPSG:4549";
    OutputDataset same(g.path, "GPKG", o, epsg(4549), Lang::En);
    OGRPoint q(507383.784, 3195003.794);
    REQUIRE(same.to_output(q));
    CHECK(q.getX() == 507383.784); // untouched, bit for bit
}

TEST_CASE("an output CRS (--t_srs) PROJ cannot read is a usage error")
{
    MemFile f("bad.gpkg");
    OutputOptions o;
    o.t_srs = "EPSG:999999";
    CHECK_THROWS_AS(OutputDataset(f.path, "GPKG", o, epsg(4549), Lang::En), UsageError);
}

TEST_CASE("claim refuses every existing layer among those to write, naming them, unless --overwrite")
{
    MemFile base("claim.gpkg"), copy("claim-copy.gpkg");
    make_gpkg_with(base.path, "p_sites");
    OutputOptions o;
    o.layer_prefix = "p_";
    {
        OutputDataset out(copy.path, "GPKG", o, epsg(4549), Lang::En, base.path);
        try {
            out.claim({"sites", "findings"});
            FAIL("an existing p_sites was not refused");
        } catch (const OutputError& e) {
            const std::string m = e.what();
            CHECK(m.find("'p_sites'") != std::string::npos);
            CHECK(m.find("p_findings") == std::string::npos); // not there: not named
            CHECK(m.find("--overwrite") != std::string::npos);
        }
        CHECK_NOTHROW(out.claim({"findings", "zone_summary"})); // none exists
    }
    o.overwrite = true;
    OutputDataset out(copy.path, "GPKG", o, epsg(4549), Lang::En, base.path);
    REQUIRE_NOTHROW(out.claim({"sites"}));
    CHECK(out.ds().GetLayerByName("p_sites") == nullptr); // dropped, to be written anew
    CHECK_NOTHROW(out.create_layer("sites", wkbPoint));
}
