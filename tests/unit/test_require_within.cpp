// `require_within` (SPEC §4): for the check's industries, a finding when the
// site is not within the layer: a point must intersect a feature; a line or
// polygon must have no part outside the union of the features it overlaps.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace redline;
using redline::test::Feature;
using redline::test::Fixture;
using redline::test::findings_of;
using redline::test::square;

namespace {

// P1 0..100 and P2 100..200 share the edge x = 100; P3 500..600 stands apart.
void write_parks(Fixture& fx, const std::string& extra_check = "", const std::string& extra_top = "")
{
    fx.layer("parks",
             {
                 {square(0, 0, 100), {{"park_id", std::string("P1")}}},
                 {square(100, 0, 100), {{"park_id", std::string("P2")}}},
                 {square(500, 0, 100), {{"park_id", std::string("P3")}}},
             },
             {"park_id"});
    fx.rulebook("  - id: PARK-01\n"
                "    type: require_within\n"
                "    layer: parks\n"
                "    industries: [C3360]\n"
                "    outcome: FAIL\n" +
                    extra_check,
                extra_top);
}

struct Case {
    std::string name;
    std::string wkt;
    bool found;
    std::string measure; // when found
    double value;        // NaN for points
    double share;
};

const double nan = NAN;

const std::vector<Case> k_cases = {
    {"a point in a park is within", "POINT(50 50)", false, "", 0, 0},
    {"a point on a park's edge is within", "POINT(0 50)", false, "", 0, 0},
    {"a point outside every park is not within", "POINT(300 50)", true, "outside", nan, 100},
    {"a polygon wholly in a park is within", square(10, 10, 50), false, "", 0, 0},
    {"a polygon equal to a park is within", square(0, 0, 100), false, "", 0, 0},
    {"a polygon straddling two adjacent parks is within their union", square(50, 0, 100), false, "", 0,
     0},
    {"a polygon half outside reports 5000 m2, 50 % outside", square(150, 0, 100), true, "outside_area",
     5000, 50},
    {"a polygon over a park and beyond reports the part outside",
     "POLYGON((-50 0,100 0,100 100,-50 100,-50 0))", true, "outside_area", 5000, 100.0 / 3},
    {"a polygon outside every park is wholly outside", square(300, 0, 100), true, "outside_area", 10000,
     100},
    {"a polygon touching a park along an edge is wholly outside", square(200, 0, 100), true,
     "outside_area", 10000, 100},
    {"a multipart polygon with a part in each of two distant parks is within",
     "MULTIPOLYGON(((10 10,20 10,20 20,10 20,10 10)),((510 10,520 10,520 20,510 20,510 10)))", false, "",
     0, 0},
    {"a line across two adjacent parks is within", "LINESTRING(10 50,190 50)", false, "", 0, 0},
    {"a line half outside reports its length outside", "LINESTRING(150 50,250 50)", true,
     "outside_length", 50, 50},
};

} // namespace

TEST_CASE("require_within finds sites not within the layer, with the part outside", "[require_within]")
{
    const Case c = GENERATE(from_range(k_cases));
    INFO(c.name << "\n  site: " << c.wkt);
    Fixture fx;
    write_parks(fx);
    const SiteResult r = fx.screen(c.wkt, "C3360");
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    const auto found = findings_of(r, "PARK-01");
    if (!c.found) {
        CHECK(found.empty());
        CHECK(r.verdict == Outcome::Pass);
        return;
    }
    REQUIRE(found.size() == 1);
    const Finding& f = found[0];
    CHECK(f.check_type == "require_within");
    CHECK(f.feature_key.empty());
    CHECK(f.layer == "parks");
    CHECK(f.outcome == Outcome::Fail);
    CHECK(f.measure == c.measure);
    if (std::isnan(c.value))
        CHECK(std::isnan(f.value));
    else
        CHECK(f.value == Approx(c.value).margin(1e-6));
    CHECK(f.share == Approx(c.share).margin(1e-6));
    CHECK_FALSE(f.evidence.empty());
    CHECK(r.verdict == Outcome::Fail);
}

TEST_CASE("require_within does not apply to an industry outside its `industries`", "[require_within]")
{
    Fixture fx;
    write_parks(fx);
    for (const std::string industry : {"C3312", "C1311", "C336"}) {
        INFO(industry);
        const SiteResult r = fx.screen("POINT(300 50)", industry);
        REQUIRE(r.verdict != Outcome::Error);
        CHECK(findings_of(r, "PARK-01").empty());
        CHECK(r.verdict == Outcome::Pass);
    }
}

TEST_CASE("require_within applies to an industry of a `class:N` selector", "[require_within]")
{
    Fixture fx;
    fx.file("classes.csv", "industry,class\nC26,3\nC2619,2\n");
    fx.layer("parks", {{square(0, 0, 100), {{"park_id", std::string("P1")}}}}, {"park_id"});
    fx.rulebook("  - {id: PARK-01, type: require_within, layer: parks, industries: [C3360, \"class:3\"]}\n",
                "industry_classes: classes.csv\n");
    CHECK(findings_of(fx.screen("POINT(300 50)", "C2614"), "PARK-01").size() == 1);
    CHECK(findings_of(fx.screen("POINT(300 50)", "C3360"), "PARK-01").size() == 1);
    // The longest prefix (C2619 -> class 2) decides the class.
    CHECK(findings_of(fx.screen("POINT(300 50)", "C2619"), "PARK-01").empty());
    CHECK(findings_of(fx.screen("POINT(50 50)", "C2614"), "PARK-01").empty());
}

TEST_CASE("require_within ignores slivers outside below the area tolerance", "[require_within]")
{
    Fixture fx;
    write_parks(fx);
    // 0.00005 m × 100 m = 0.005 m² outside: within; 0.0002 m × 100 m = 0.02 m²: not.
    CHECK(findings_of(fx.screen("POLYGON((-0.00005 0,100 0,100 100,-0.00005 100,-0.00005 0))", "C3360"),
                      "PARK-01")
              .empty());
    const auto out = findings_of(
        fx.screen("POLYGON((-0.0002 0,100 0,100 100,-0.0002 100,-0.0002 0))", "C3360"), "PARK-01");
    REQUIRE(out.size() == 1);
    CHECK(out[0].value == Approx(0.02).epsilon(1e-6));
}

namespace {

struct EdgeCase {
    std::string name;
    std::string wkt;
    bool within;
};

// The shared boundary-case layer (support.hpp): A square, B multipart,
// C with a hole, D a repaired bow-tie.
const std::vector<EdgeCase> k_edge_cases = {
    {"a polygon inside a feature", square(10, 10, 20), true},
    {"a polygon outside every feature", square(500, 0, 100), false},
    {"a polygon sharing an edge", square(100, 0, 100), false},
    {"a polygon sharing a vertex", square(100, 100, 50), false},
    {"a point on an edge", "POINT(100 50)", true},
    {"a point on a vertex", "POINT(100 100)", true},
    {"a multipart site with one part outside",
     "MULTIPOLYGON(((10 10,20 10,20 20,10 20,10 10)),((500 0,510 0,510 10,500 10,500 0)))", false},
    {"a multipart site with a part in each part of a multipart feature",
     "MULTIPOLYGON(((1010 10,1020 10,1020 20,1010 20,1010 10)),((1210 10,1220 10,1220 20,1210 20,1210 10)))",
     true},
    {"a polygon spanning the gap between the parts of a multipart feature", square(1050, 0, 200), false},
    {"a polygon in a feature's hole", square(2120, 120, 50), false},
    {"a point in a feature's hole", "POINT(2150 150)", false},
    {"a polygon in the left lobe of a repaired bow-tie", square(3000, 40, 10), true},
    {"a polygon in the right lobe of a repaired bow-tie", square(3090, 45, 10), true},
    {"a line inside a feature", "LINESTRING(10 10,10 90)", true},
    {"a line crossing a feature's edge", "LINESTRING(-50 50,150 50)", false},
};

} // namespace

TEST_CASE("require_within applies the shared within rules on boundary cases", "[require_within]")
{
    const EdgeCase c = GENERATE(from_range(k_edge_cases));
    INFO(c.name << "\n  site: " << c.wkt);
    Fixture fx;
    fx.layer("parks", redline::test::edge_case_features("park_id"), {"park_id"});
    fx.rulebook("  - {id: PARK-01, type: require_within, layer: parks, industries: [C3360]}\n");
    const SiteResult r = fx.screen(c.wkt, "C3360");
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    CHECK(findings_of(r, "PARK-01").size() == (c.within ? 0u : 1u));
}

TEST_CASE("require_within makes an empty or unparsable site an ERROR", "[require_within]")
{
    Fixture fx;
    write_parks(fx);
    for (const std::string wkt : {"LINESTRING EMPTY", "LINESTRING(0 0,"}) {
        INFO(wkt);
        const SiteResult r = fx.screen(wkt, "C3360");
        CHECK(r.verdict == Outcome::Error);
        CHECK(r.findings.empty());
    }
}
