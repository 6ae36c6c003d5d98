// Loading a rulebook (SPEC §3): every mistake is a RulebookError naming the
// file, the line and the key; a layer that cannot be used is a LayerError.
// Both mean exit status 3.
#include "support.hpp"

#include "redline/error.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace redline;
using redline::test::Feature;
using redline::test::Fixture;
using redline::test::square;

namespace {

void write_zones(Fixture& fx)
{
    fx.layer("zones", {{square(0, 0, 100), {{"code", std::string("A")}, {"name", std::string("甲")}}}});
}

// Lines 1-6 of every rulebook below; the checks start on line 7.
const std::string k_head = "rulebook: 1\n"                                             // 1
                           "name: errors\n"                                            // 2
                           "working_crs: EPSG:4549\n"                                  // 3
                           "layers:\n"                                                 // 4
                           "  zones: {source: layers.gpkg, layer: zones, key: code}\n" // 5
                           "checks:\n";                                                // 6

/// The message of the RulebookError that loading `yaml` throws ("" if none).
std::string rulebook_error(Fixture& fx, const std::string& yaml)
{
    fx.file("rulebook.yaml", yaml);
    try {
        Engine engine(fx.rulebook_path());
    } catch (const RulebookError& e) {
        return e.what();
    }
    return "";
}

struct Case {
    std::string name;
    std::string yaml;
    int line;
    std::string key;
    std::string detail; // a word the message must contain
};

const std::vector<Case> k_cases = {
    {"an unknown check type", k_head + "  - id: OV\n    type: overlapp\n    layer: zones\n", 8,
     "checks[0].type", "overlapp"},
    {"a missing parameter", k_head + "  - id: OV\n    type: overlap\n", 7, "checks[0].layer", "missing"},
    {"a setback without its distance", k_head + "  - id: SB\n    type: setback\n    layer: zones\n", 7,
     "checks[0].distance", "missing"},
    {"an unknown layer", k_head + "  - id: OV\n    type: overlap\n    layer: zone\n", 9,
     "checks[0].layer", "zone"},
    {"an unknown key (a typo) in a check",
     k_head + "  - id: OV\n    type: overlap\n    layer: zones\n    outcom: FAIL\n", 10,
     "checks[0].outcom", "unknown key"},
    {"an unknown key (a typo) in a layer",
     "rulebook: 1\nname: errors\nworking_crs: EPSG:4549\nlayers:\n"
     "  zones: {source: layers.gpkg, layer: zones, key: code, lable: name}\n"
     "checks:\n  - {id: OV, type: overlap, layer: zones}\n",
     5, "lable", "unknown key"},
    {"an unknown top-level key", k_head + "  - {id: OV, type: overlap, layer: zones}\ncoverrage: zones\n",
     8, "coverrage", "unknown key"},
    {"an unknown outcome", k_head + "  - id: OV\n    type: overlap\n    layer: zones\n    outcome: FAILED\n",
     10, "checks[0].outcome", "FAILED"},
    {"an unknown industry in `industries`",
     k_head + "  - id: OV\n    type: overlap\n    layer: zones\n    industries: [X99]\n", 10,
     "checks[0].industries", "X99"},
    {"a class selector without industry_classes",
     k_head + "  - id: OV\n    type: overlap\n    layer: zones\n    industries: [\"class:3\"]\n", 10,
     "checks[0].industries", "industry_classes"},
    {"a duplicate check id",
     k_head + "  - {id: OV, type: overlap, layer: zones}\n  - {id: OV, type: overlap, layer: zones}\n", 8,
     "checks[1].id", "duplicate"},
    {"an unknown key in an exception",
     k_head + "  - id: OV\n    type: overlap\n    layer: zones\n    exceptions:\n"
              "      - industries: [G]\n        outcome: CONDITIONAL\n        clase: x\n",
     13, "clase", "unknown key"},
    {"a layer source that does not exist",
     "rulebook: 1\nname: errors\nworking_crs: EPSG:4549\nlayers:\n"
     "  zones: {source: nowhere.gpkg, layer: zones, key: code}\n"
     "checks:\n  - {id: OV, type: overlap, layer: zones}\n",
     5, "source", "nowhere.gpkg"},
    {"a layer source whose name the system refuses (too long): an error, not a crash",
     "rulebook: 1\nname: errors\nworking_crs: EPSG:4549\nlayers:\n"
     "  zones: {source: " + std::string(300, 'n') + ".gpkg, layer: zones, key: code}\n"
     "checks:\n  - {id: OV, type: overlap, layer: zones}\n",
     5, "source", "file not found"},
    {"an unsupported rulebook version", "rulebook: 2\n" + k_head.substr(12) +
                                            "  - {id: OV, type: overlap, layer: zones}\n",
     1, "rulebook", "version"},
};

} // namespace

TEST_CASE("rulebook errors name the file, the line and the key", "[rulebook]")
{
    const Case c = GENERATE(from_range(k_cases));
    INFO(c.name << "\n" << c.yaml);
    Fixture fx;
    write_zones(fx);
    const std::string message = rulebook_error(fx, c.yaml);
    INFO("message: " << message);
    REQUIRE_FALSE(message.empty());
    CHECK_THAT(message, Catch::Contains(fx.rulebook_path() + ":" + std::to_string(c.line) + ":"));
    CHECK_THAT(message, Catch::Contains(c.key));
    CHECK_THAT(message, Catch::Contains(c.detail));
}

TEST_CASE("an input_crs that cannot be understood names the file, the line and the key",
          "[rulebook]")
{
    // The engine reports it with line 0 ("rulebook.yaml: input_crs: ...").
    Fixture fx;
    write_zones(fx);
    const std::string message =
        rulebook_error(fx, "rulebook: 1\nname: errors\nworking_crs: EPSG:4549\ninput_crs: EPSG:1234567\n"
                           "layers:\n  zones: {source: layers.gpkg, layer: zones, key: code}\n"
                           "checks:\n  - {id: OV, type: overlap, layer: zones}\n");
    INFO("message: " << message);
    REQUIRE_FALSE(message.empty());
    CHECK_THAT(message, Catch::Contains(fx.rulebook_path() + ":4:"));
    CHECK_THAT(message, Catch::Contains("input_crs"));
    CHECK_THAT(message, Catch::Contains("EPSG:1234567"));
}

TEST_CASE("a working_crs that is not projected is a RulebookError", "[rulebook]")
{
    Fixture fx;
    write_zones(fx);
    const std::string message =
        rulebook_error(fx, "rulebook: 1\nname: errors\nworking_crs: EPSG:4490\n"
                           "layers:\n  zones: {source: layers.gpkg, layer: zones, key: code}\n"
                           "checks:\n  - {id: OV, type: overlap, layer: zones}\n");
    INFO("message: " << message);
    CHECK_THAT(message, Catch::Contains(fx.rulebook_path()) && Catch::Contains("working_crs"));
}

TEST_CASE("a YAML syntax error names the file and the line", "[rulebook]")
{
    Fixture fx;
    write_zones(fx);
    // The flow mapping on line 9 is never closed.
    const std::string message =
        rulebook_error(fx, k_head + "  - id: OV\n    type: overlap\n    layer: {zones\n");
    INFO("message: " << message);
    REQUIRE_FALSE(message.empty());
    CHECK_THAT(message, Catch::Contains(fx.rulebook_path() + ":"));
    CHECK_THAT(message, Catch::Contains("YAML"));
    CHECK_THAT(message, Catch::Matches(".*rulebook\\.yaml:(9|10):.*"));
}

TEST_CASE("a missing rulebook file is a RulebookError naming it", "[rulebook]")
{
    Fixture fx;
    const std::string missing = fx.path("no-such-rulebook.yaml");
    CHECK_THROWS_AS(Engine(missing), RulebookError);
    CHECK_THROWS_WITH(Engine(missing), Catch::Contains(missing));
}

TEST_CASE("rulebook and layer errors are both redline errors (exit status 3)", "[rulebook]")
{
    Fixture fx;
    write_zones(fx);
    fx.file("rulebook.yaml", k_head + "  - {id: OV, type: overlapp, layer: zones}\n");
    CHECK_THROWS_AS(Engine(fx.rulebook_path()), Error);
    fx.file("rulebook.yaml",
            "rulebook: 1\nworking_crs: EPSG:4549\nlayers:\n"
            "  zones: {source: layers.gpkg, layer: zones, key: nope}\n"
            "checks:\n  - {id: OV, type: overlap, layer: zones}\n");
    CHECK_THROWS_AS(Engine(fx.rulebook_path()), Error);
}

TEST_CASE("a layer without a CRS is a LayerError naming the layer", "[rulebook][layer]")
{
    // A CSV with a WKT column has no CRS at all.
    Fixture fx;
    fx.file("zones.csv", "WKT,code\n\"POLYGON((0 0,10 0,10 10,0 10,0 0))\",A\n");
    fx.file("rulebook.yaml", "rulebook: 1\nworking_crs: EPSG:4549\nlayers:\n"
                             "  zones: {source: zones.csv, key: code}\n"
                             "checks:\n  - {id: OV, type: overlap, layer: zones}\n");
    CHECK_THROWS_AS(Engine(fx.rulebook_path()), LayerError);
    CHECK_THROWS_WITH(Engine(fx.rulebook_path()),
                      Catch::Contains("zones") && Catch::Contains("no CRS"));
}

TEST_CASE("a GeoPackage layer written without a CRS is a LayerError, never read as degrees",
          "[rulebook][layer]")
{
    // GDAL gives such a layer the placeholder "Undefined geographic SRS"
    // (srs_id 0); the engine takes it for lon/lat and reprojects metres as
    // degrees. With coordinates inside ±90/±180 nothing fails at all.
    Fixture fx;
    redline::test::LayerOptions options;
    options.epsg = 0;
    fx.layer("zones", {{square(0, 0, 10), {{"code", std::string("A")}}}}, options);
    fx.rulebook("  - {id: OV, type: overlap, layer: zones}\n");
    CHECK_THROWS_AS(fx.engine(), LayerError);
    CHECK_THROWS_WITH(fx.engine(), Catch::Contains("zones") && Catch::Contains("CRS"));
}

TEST_CASE("a declared field that the layer lacks is a LayerError naming it", "[rulebook][layer]")
{
    struct FieldCase {
        std::string declaration;
        std::string field;
    };
    const auto c = GENERATE(values<FieldCase>({
        {"key: nope", "nope"},
        {"key: code, label: title", "title"},
        {"key: code, type: unit_type", "unit_type"},
    }));
    INFO(c.declaration);
    Fixture fx;
    write_zones(fx);
    fx.file("rulebook.yaml", "rulebook: 1\nworking_crs: EPSG:4549\nlayers:\n"
                             "  zones: {source: layers.gpkg, layer: zones, " +
                                 c.declaration +
                                 "}\n"
                                 "checks:\n  - {id: OV, type: overlap, layer: zones}\n");
    CHECK_THROWS_AS(Engine(fx.rulebook_path()), LayerError);
    CHECK_THROWS_WITH(Engine(fx.rulebook_path()),
                      Catch::Contains("zones") && Catch::Contains(c.field));
}

TEST_CASE("a layer name missing from its source is a LayerError listing what it has", "[rulebook][layer]")
{
    Fixture fx;
    write_zones(fx);
    fx.file("rulebook.yaml", "rulebook: 1\nworking_crs: EPSG:4549\nlayers:\n"
                             "  zones: {source: layers.gpkg, layer: zonez, key: code}\n"
                             "checks:\n  - {id: OV, type: overlap, layer: zones}\n");
    CHECK_THROWS_AS(Engine(fx.rulebook_path()), LayerError);
    CHECK_THROWS_WITH(Engine(fx.rulebook_path()),
                      Catch::Contains("zonez") && Catch::Contains("zones"));
}

TEST_CASE("a check's field that the layer lacks is a LayerError naming the check", "[rulebook][layer]")
{
    Fixture fx;
    write_zones(fx);
    fx.layer("sources", {{"POINT(50 50)", {{"code", std::string("S1")}, {"voc", 1.0}}}});
    fx.rulebook("  - {id: CAP, type: capacity, zones: zones, cap_field: voc_cap, points: sources,"
                " load_field: voc, attr: voc}\n");
    CHECK_THROWS_AS(fx.engine(), LayerError);
    CHECK_THROWS_WITH(fx.engine(), Catch::Contains("CAP") && Catch::Contains("voc_cap"));
}

TEST_CASE("a bad `where` filter on a layer is a LayerError", "[rulebook][layer]")
{
    Fixture fx;
    write_zones(fx);
    fx.file("rulebook.yaml", "rulebook: 1\nworking_crs: EPSG:4549\nlayers:\n"
                             "  zones: {source: layers.gpkg, layer: zones, key: code, where: \"no_such_field = 1\"}\n"
                             "checks:\n  - {id: OV, type: overlap, layer: zones}\n");
    CHECK_THROWS_AS(Engine(fx.rulebook_path()), LayerError);
}

TEST_CASE("a bad `where` filter on a check is a LayerError, never an empty subset",
          "[rulebook][layer]")
{
    // LayerSet::subset reads the filtered features without capturing GDAL
    // errors: SQLite's "no such column" leaves the subset empty and the
    // check silently passes every site.
    Fixture fx;
    write_zones(fx);
    fx.rulebook("  - {id: OV, type: overlap, layer: zones, where: \"no_such_field = 1\"}\n");
    CHECK_THROWS_AS(fx.engine(), LayerError);
}

TEST_CASE("a check's `where` filter on a layer selects by attribute", "[rulebook][layer]")
{
    Fixture fx;
    write_zones(fx);
    fx.rulebook("  - {id: OV, type: overlap, layer: zones, where: \"name = '甲'\"}\n"
                "  - {id: NONE, type: overlap, layer: zones, where: \"name = '乙'\"}\n");
    const SiteResult r = fx.screen("POINT(50 50)", "C3360");
    CHECK(redline::test::findings_of(r, "OV").size() == 1);
    CHECK(redline::test::findings_of(r, "NONE").empty());
}

TEST_CASE("a valid rulebook loads its layers and checks", "[rulebook]")
{
    Fixture fx;
    write_zones(fx);
    fx.rulebook("  - {id: OV, type: overlap, layer: zones}\n"
                "  - {id: SB, type: setback, layer: zones, distance: {C33: 500, default: 0}}\n",
                "area_tolerance: 0.5\n");
    Engine& engine = fx.engine();
    CHECK(engine.rulebook().area_tolerance == 0.5);
    CHECK(engine.rulebook().length_tolerance == 0.01);
    REQUIRE(engine.checks().size() == 2);
    CHECK(engine.checks()[0]->id() == "OV");
    CHECK(engine.checks()[1]->type() == "setback");
    CHECK(engine.layers().get("zones").size() == 1);
    CHECK(engine.layers().get("zones").feature(0).key == "A");
    CHECK_FALSE(engine.layers().get("zones").reprojected());
}

TEST_CASE("an invalid layer geometry is repaired and reported, never skipped", "[rulebook][layer]")
{
    Fixture fx;
    fx.layer("zones", {{"POLYGON((0 0,100 100,100 0,0 100,0 0))", {{"code", std::string("BOW")}}}});
    fx.rulebook("  - {id: OV, type: overlap, layer: zones}\n");
    const Layer& zones = fx.engine().layers().get("zones");
    REQUIRE(zones.size() == 1);
    CHECK(zones.repaired_count() == 1);
    REQUIRE_FALSE(zones.issues().empty());
    CHECK(zones.issues()[0].key == "BOW");
}

TEST_CASE("a layer's problems are each named by FID and key, in the order found", "[rulebook][layer]")
{
    Fixture fx;
    fx.layer("zones", {{"POLYGON((0 0,100 100,100 0,0 100,0 0))", {{"code", std::string("BOW")}}},
                       {"POLYGON((0 0,10 0,10 10,0 10,0 0))", {{"code", std::string("")}}},
                       {"POLYGON((20 0,30 0,30 10,20 10,20 0))", {{"code", std::string("A")}}},
                       {"POLYGON((40 0,50 0,50 10,40 10,40 0))", {{"code", std::string("A")}}},
                       {"POLYGON EMPTY", {{"code", std::string("E")}}},
                       {"POLYGON((60 0,70 0,70 10,60 10,60 0))", {{"code", std::string("A")}}}});
    fx.rulebook("  - {id: OV, type: overlap, layer: zones}\n");
    const Layer& zones = fx.engine().layers().get("zones");
    CHECK(zones.size() == 5); // the empty one cannot be checked; the repeated keys are kept
    CHECK(zones.repaired_count() == 1);
    std::vector<std::string> what;
    for (const auto& i : zones.issues())
        what.push_back(i.key + " | " + i.what);
    const std::vector<std::string> expected{
        " | FID 2 (code=): missing key",
        "A | duplicate key 'A'", // once, however often it repeats
        "E | FID 5 (code=E): no geometry; the feature cannot be checked",
        "BOW | FID 1 (code=BOW): invalid geometry (Self-intersection[50 50]) repaired with make-valid",
    };
    CHECK(what == expected);
}

TEST_CASE("the sample's layers load the same on one thread as on four", "[rulebook][layer]")
{
    // --threads bounds the threads that load the layers: what they load,
    // repair and report must not depend on it.
    const std::string rulebook =
        (std::filesystem::path(REDLINE_SAMPLE_GPKG).parent_path() / "rulebook.yaml").string();
    const Engine one(rulebook, 1);
    const Engine four(rulebook, 4);
    CHECK(one.warnings() == four.warnings());
    const auto& a = one.layers().all();
    const auto& b = four.layers().all();
    REQUIRE(a.size() == b.size());
    REQUIRE(a.size() > 3);
    for (std::size_t l = 0; l < a.size(); ++l) {
        INFO(a[l]->name());
        CHECK(a[l]->name() == b[l]->name());
        REQUIRE(a[l]->size() == b[l]->size());
        CHECK(a[l]->repaired_count() == b[l]->repaired_count());
        CHECK(a[l]->issues().size() == b[l]->issues().size());
        std::size_t differ = 0;
        for (std::size_t i = 0; i < a[l]->size(); ++i)
            differ += a[l]->feature(i).key == b[l]->feature(i).key && a[l]->feature(i).wkb == b[l]->feature(i).wkb ? 0 : 1;
        CHECK(differ == 0);
    }
}
