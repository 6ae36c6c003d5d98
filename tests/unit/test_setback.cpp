// `setback` (SPEC §4): a finding per feature whose edge-to-edge distance
// from the site (0 inside) is strictly less than the distance for the
// application's industry; longest prefix wins; no finding when it is 0.
#include "support.hpp"

#include <catch2/catch.hpp>

using namespace redline;
using redline::test::Feature;
using redline::test::Fixture;
using redline::test::findings_of;
using redline::test::square;

namespace {

// W1 is the square 0..100 x 0..100; W2 a far-away square, W3 (准保护区,
// filtered out by `where`) sits right next to the sites.
void write_water(Fixture& fx, const std::string& distance)
{
    fx.layer("water", {
                          {square(0, 0, 100), {{"zone_id", std::string("W1")}, {"level", std::string("二级")}}},
                          {square(5000, 0, 100), {{"zone_id", std::string("W2")}, {"level", std::string("二级")}}},
                          {square(0, -300, 100), {{"zone_id", std::string("W3")}, {"level", std::string("一级")}}},
                      },
             {"zone_id"});
    fx.rulebook("  - id: WS-02\n"
                "    type: setback\n"
                "    layer: water\n"
                "    where: \"level = '二级'\"\n"
                "    distance: " +
                distance + "\n"
                "    outcome: FAIL\n");
}

const std::string k_distances = "{C3360: 1000, C33: 500, default: 0}";

struct Case {
    std::string name;
    std::string wkt;
    std::string industry;
    bool found;
    double distance;  // when found
    double threshold; // when found
};

const std::vector<Case> k_cases = {
    {"a site exactly at the 500 m threshold is not closer than it", "POINT(600 50)", "C3312", false, 0, 0},
    {"a site 499.5 m from a 二级 zone fails when the minimum is 500 m", "POINT(599.5 50)", "C3312", true,
     499.5, 500},
    {"a site 500.5 m away passes a 500 m minimum", "POINT(600.5 50)", "C3312", false, 0, 0},
    {"the distance is measured edge to edge from a corner", "POINT(400 400)", "C3312", true,
     424.26406871192853, 500},
    {"a polygon site is measured from its nearest edge", square(599.5, 0, 100), "C3312", true, 499.5, 500},
    {"a polygon site exactly 500 m away passes", square(600, 20, 50), "C3312", false, 0, 0},
    {"a line site is measured from its nearest point", "LINESTRING(599.5 -500,599.5 500)", "C3312", true,
     499.5, 500},
    {"a site inside the zone is at distance 0", "POINT(50 50)", "C3312", true, 0, 500},
    {"a polygon site overlapping the zone is at distance 0", square(50, 50, 100), "C3312", true, 0, 500},
    {"the longest prefix wins: C3360 needs 1000 m, not C33's 500 m", "POINT(600 50)", "C3360", true, 500,
     1000},
    {"C3360 passes at exactly 1000 m", "POINT(1100 50)", "C3360", false, 0, 0},
    {"C3360 given without its section letter is normalised", "POINT(1099 50)", "3360", true, 999, 1000},
    {"an industry matching only `default: 0` has no setback, even inside", "POINT(50 50)", "C1311", false,
     0, 0},
};

} // namespace

TEST_CASE("setback finds features strictly closer than the industry's minimum distance", "[setback]")
{
    const Case c = GENERATE(from_range(k_cases));
    INFO(c.name << "\n  site: " << c.wkt << " industry " << c.industry);
    Fixture fx;
    write_water(fx, k_distances);
    const SiteResult r = fx.screen(c.wkt, c.industry);
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    const auto found = findings_of(r, "WS-02");
    if (!c.found) {
        CHECK(found.empty());
        CHECK(r.verdict == Outcome::Pass);
        return;
    }
    REQUIRE(found.size() == 1);
    CHECK(found[0].feature_key == "W1");
    CHECK(found[0].check_type == "setback");
    CHECK(found[0].measure == "distance");
    CHECK(found[0].unit == "m");
    CHECK(found[0].value == Approx(c.distance).margin(1e-9));
    CHECK(found[0].threshold == c.threshold);
    CHECK(found[0].outcome == Outcome::Fail);
    CHECK_FALSE(found[0].evidence.empty());
    CHECK(r.verdict == Outcome::Fail);
}

TEST_CASE("setback with distance 0 for every industry never raises a finding", "[setback]")
{
    Fixture fx;
    write_water(fx, "0");
    for (const std::string wkt : {"POINT(50 50)", "POINT(100 50)", "POINT(101 50)"}) {
        INFO(wkt);
        const SiteResult r = fx.screen(wkt, "C3360");
        REQUIRE(r.verdict != Outcome::Error);
        CHECK(findings_of(r, "WS-02").empty());
    }
}

TEST_CASE("setback with a single number applies it to every industry", "[setback]")
{
    Fixture fx;
    write_water(fx, "300");
    for (const std::string industry : {"C3360", "C1311", "A0111"}) {
        INFO(industry);
        const auto found = findings_of(fx.screen("POINT(399 50)", industry), "WS-02");
        REQUIRE(found.size() == 1);
        CHECK(found[0].value == Approx(299));
        CHECK(found[0].threshold == 300);
        CHECK(findings_of(fx.screen("POINT(400 50)", industry), "WS-02").empty());
    }
}

TEST_CASE("setback prefers the longest prefix whatever the key order", "[setback]")
{
    Fixture fx;
    write_water(fx, "{C33: 500, default: 200, C3360: 1000, C: 300}");
    const auto plating = findings_of(fx.screen("POINT(900 50)", "C3360"), "WS-02");
    REQUIRE(plating.size() == 1);
    CHECK(plating[0].threshold == 1000);
    const auto doors = findings_of(fx.screen("POINT(500 50)", "C3312"), "WS-02");
    REQUIRE(doors.size() == 1);
    CHECK(doors[0].threshold == 500);
    const auto rice = findings_of(fx.screen("POINT(350 50)", "C1311"), "WS-02");
    REQUIRE(rice.size() == 1);
    CHECK(rice[0].threshold == 300);
    const auto farm = findings_of(fx.screen("POINT(250 50)", "A0111"), "WS-02");
    REQUIRE(farm.size() == 1);
    CHECK(farm[0].threshold == 200);
}

TEST_CASE("setback raises one finding per feature closer than the threshold", "[setback]")
{
    Fixture fx;
    fx.layer("water", {
                          {square(0, 0, 100), {{"zone_id", std::string("W1")}}},
                          {square(300, 0, 100), {{"zone_id", std::string("W2")}}},
                          {square(1000, 0, 100), {{"zone_id", std::string("W3")}}},
                      },
             {"zone_id"});
    fx.rulebook("  - {id: SB, type: setback, layer: water, distance: 150}\n");
    // 100 m from W1, 100 m from W2, 700 m from W3.
    const auto found = findings_of(fx.screen("POINT(200 50)", "C3360"), "SB");
    REQUIRE(found.size() == 2);
    CHECK(found[0].feature_key == "W1");
    CHECK(found[0].value == Approx(100));
    CHECK(found[1].feature_key == "W2");
    CHECK(found[1].value == Approx(100));
}

TEST_CASE("setback ignores features left out by `where`", "[setback]")
{
    Fixture fx;
    write_water(fx, k_distances);
    // 250 m from W3 (一级, filtered out) and 550 m from W1.
    const SiteResult r = fx.screen("POINT(50 -550)", "C3312");
    REQUIRE(r.verdict != Outcome::Error);
    CHECK(findings_of(r, "WS-02").empty());
}

TEST_CASE("setback accepts a class:N key from industry_classes", "[setback]")
{
    Fixture fx;
    fx.file("classes.csv", "industry,class\nC3360,3\nC33,2\n");
    fx.layer("water", {{square(0, 0, 100), {{"zone_id", std::string("W1")}}}}, {"zone_id"});
    fx.rulebook("  - id: SB\n"
                "    type: setback\n"
                "    layer: water\n"
                "    distance: {\"class:3\": 800, default: 100}\n",
                "industry_classes: classes.csv\n");
    const auto plating = findings_of(fx.screen("POINT(799 50)", "C3360"), "SB");
    REQUIRE(plating.size() == 1);
    CHECK(plating[0].threshold == 800);
    CHECK(findings_of(fx.screen("POINT(799 50)", "C3312"), "SB").empty());
    CHECK(findings_of(fx.screen("POINT(199 50)", "C3312"), "SB").size() == 1);
}

namespace {

struct EdgeCase {
    std::string name;
    std::string wkt;
    std::vector<std::pair<std::string, double>> hits; // key, distance
};

// The shared boundary-case layer (support.hpp) with a 10 m setback for
// every industry: touching is distance 0, hence closer than 10 m.
const std::vector<EdgeCase> k_edge_cases = {
    {"a polygon inside a feature", square(10, 10, 20), {{"A", 0}}},
    {"a polygon far from every feature", square(500, 0, 100), {}},
    {"a polygon sharing an edge is at distance 0", square(100, 0, 100), {{"A", 0}}},
    {"a polygon sharing a vertex is at distance 0", square(100, 100, 50), {{"A", 0}}},
    {"a point on an edge", "POINT(100 50)", {{"A", 0}}},
    {"a point 5 m away", "POINT(105 50)", {{"A", 5}}},
    {"a point exactly 10 m away", "POINT(110 50)", {}},
    {"a multipart site is measured from its nearest part",
     "MULTIPOLYGON(((500 0,510 0,510 10,500 10,500 0)),((103 0,113 0,113 10,103 10,103 0)))", {{"A", 3}}},
    {"a multipart feature gives one finding, from its nearest part", "POINT(1105 50)", {{"B", 5}}},
    {"a point between the parts of a multipart feature, 50 m from each", "POINT(1150 50)", {}},
    {"a polygon in a feature's hole, 20 m from its edge", square(2120, 120, 50), {}},
    {"a point in a feature's hole, 5 m from its edge", "POINT(2150 105)", {{"C", 5}}},
    {"a point 5 m right of a repaired bow-tie", "POINT(3105 50)", {{"D", 5}}},
    {"a polygon in a lobe of a repaired bow-tie", square(3000, 40, 10), {{"D", 0}}},
    {"a line 4 m from a feature", "LINESTRING(104 -50,104 150)", {{"A", 4}}},
};

} // namespace

TEST_CASE("setback measures edge to edge on boundary cases", "[setback]")
{
    const EdgeCase c = GENERATE(from_range(k_edge_cases));
    INFO(c.name << "\n  site: " << c.wkt);
    Fixture fx;
    fx.layer("water", redline::test::edge_case_features("zone_id"), {"zone_id"});
    fx.rulebook("  - {id: SB, type: setback, layer: water, distance: 10}\n");
    const SiteResult r = fx.screen(c.wkt, "C3360");
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    const auto found = findings_of(r, "SB");
    REQUIRE(found.size() == c.hits.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        CHECK(found[i].feature_key == c.hits[i].first);
        CHECK(found[i].value == Approx(c.hits[i].second).margin(1e-9));
        CHECK(found[i].threshold == 10);
    }
}

TEST_CASE("setback makes an empty or unparsable site an ERROR", "[setback]")
{
    Fixture fx;
    write_water(fx, k_distances);
    for (const std::string wkt : {"MULTIPOINT EMPTY", "POINT(a b)"}) {
        INFO(wkt);
        const SiteResult r = fx.screen(wkt, "C3360");
        CHECK(r.verdict == Outcome::Error);
        CHECK(r.findings.empty());
    }
}
