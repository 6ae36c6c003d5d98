// `capacity` (SPEC §4): for each zone the site overlaps, existing load (sum
// over the source points intersecting the zone, boundary included) plus the
// application's figure must not exceed the zone's cap.
#include "support.hpp"

#include <catch2/catch.hpp>

using namespace redline;
using redline::test::Feature;
using redline::test::Fixture;
using redline::test::findings_of;
using redline::test::square;

namespace {

// T1 0..1000 (cap 10 t/a) and T2 1000..2000 (cap 5 t/a) share the edge
// x = 1000. Sources: 4 t/a in T1, 2 t/a on the shared edge (counts for both),
// 1 t/a in T2, 100 t/a outside both. Existing load: T1 6, T2 3.
void write_townships(Fixture& fx)
{
    fx.layer("townships",
             {
                 {square(0, 0, 1000), {{"code", std::string("T1")}, {"name", std::string("东城街道")}, {"voc_cap_tpa", 10.0}}},
                 {square(1000, 0, 1000), {{"code", std::string("T2")}, {"name", std::string("西城街道")}, {"voc_cap_tpa", 5.0}}},
             },
             {"code", "name"});
    fx.layer("sources",
             {
                 {"POINT(500 500)", {{"source_id", std::string("S1")}, {"voc_tpa", 4.0}}},
                 {"POINT(1000 500)", {{"source_id", std::string("S2")}, {"voc_tpa", 2.0}}},
                 {"POINT(1500 500)", {{"source_id", std::string("S3")}, {"voc_tpa", 1.0}}},
                 {"POINT(3000 3000)", {{"source_id", std::string("S4")}, {"voc_tpa", 100.0}}},
             },
             {"source_id"});
    fx.rulebook("  - id: CAP-VOC\n"
                "    type: capacity\n"
                "    zones: townships\n"
                "    cap_field: voc_cap_tpa\n"
                "    points: sources\n"
                "    load_field: voc_tpa\n"
                "    attr: voc_tpa\n"
                "    outcome: CONDITIONAL\n");
}

struct Expected {
    std::string key;
    double load;
    double cap;
};

struct Case {
    std::string name;
    std::string wkt;
    std::string added;
    std::vector<Expected> hits;
};

const std::vector<Case> k_cases = {
    {"existing plus added equal to the cap is no finding", "POINT(200 200)", "4", {}},
    {"existing 6 + added 4.5 exceeds T1's cap of 10 (the source on the edge counts)", "POINT(200 200)",
     "4.5", {{"T1", 10.5, 10}}},
    {"existing 3 + added 2 equal to T2's cap of 5 is no finding", "POINT(1200 200)", "2", {}},
    {"existing 3 + added 2.5 exceeds T2's cap of 5 (the source on the edge counts)", "POINT(1200 200)",
     "2.5", {{"T2", 5.5, 5}}},
    {"a site straddling two townships is checked against each cap", square(900, 0, 200), "3",
     {{"T2", 6, 5}}},
    {"a site straddling two townships can exceed both caps", square(900, 0, 200), "5",
     {{"T1", 11, 10}, {"T2", 8, 5}}},
    {"a site outside every township has no cap to exceed", "POINT(3000 3000)", "50", {}},
    {"a zero figure cannot exceed a cap with headroom", "POINT(200 200)", "0", {}},
};

} // namespace

TEST_CASE("capacity compares existing plus added load with each overlapped zone's cap", "[capacity]")
{
    const Case c = GENERATE(from_range(k_cases));
    INFO(c.name << "\n  site: " << c.wkt << " voc_tpa=" << c.added);
    Fixture fx;
    write_townships(fx);
    const SiteResult r = fx.screen(c.wkt, "C2614", {{"voc_tpa", c.added}});
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    const auto found = findings_of(r, "CAP-VOC");
    REQUIRE(found.size() == c.hits.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        CHECK(found[i].feature_key == c.hits[i].key);
        CHECK(found[i].layer == "townships");
        CHECK(found[i].check_type == "capacity");
        CHECK(found[i].outcome == Outcome::Conditional);
        CHECK(found[i].value == Approx(c.hits[i].load));
        CHECK(found[i].threshold == Approx(c.hits[i].cap));
        CHECK(found[i].unit == "t/a");
    }
    CHECK(r.verdict == (c.hits.empty() ? Outcome::Pass : Outcome::Conditional));
}

TEST_CASE("capacity without the application's figure is INCOMPLETE with an empty key", "[capacity]")
{
    Fixture fx;
    write_townships(fx);
    const std::vector<std::vector<std::pair<std::string, std::string>>> inputs = {
        {},                       // attribute absent
        {{"voc_tpa", ""}},        // blank
        {{"voc_tpa", "   "}},     // whitespace only
        {{"voc_tpa", "a lot"}},   // not a number
        {{"other", "3"}},         // another attribute only
    };
    for (const auto& attrs : inputs) {
        INFO((attrs.empty() ? std::string("(none)") : attrs[0].first + "='" + attrs[0].second + "'"));
        const SiteResult r = fx.screen("POINT(200 200)", "C2614", attrs);
        REQUIRE(r.verdict != Outcome::Error);
        const auto found = findings_of(r, "CAP-VOC");
        REQUIRE(found.size() == 1);
        CHECK(found[0].outcome == Outcome::Incomplete);
        CHECK(found[0].feature_key.empty());
        CHECK(r.verdict == Outcome::Incomplete);
    }
}

TEST_CASE("capacity's INCOMPLETE keeps its outcome when the check's outcome is FAIL", "[capacity]")
{
    Fixture fx;
    write_townships(fx);
    fx.rulebook("  - {id: CAP, type: capacity, zones: townships, cap_field: voc_cap_tpa, points: sources,"
                " load_field: voc_tpa, attr: voc_tpa, outcome: FAIL}\n");
    const SiteResult missing = fx.screen("POINT(200 200)", "C2614");
    CHECK(missing.verdict == Outcome::Incomplete);
    const SiteResult over = fx.screen("POINT(200 200)", "C2614", {{"voc_tpa", "4.001"}});
    REQUIRE(findings_of(over, "CAP").size() == 1);
    CHECK(findings_of(over, "CAP")[0].outcome == Outcome::Fail);
    CHECK(over.verdict == Outcome::Fail);
}

namespace {

struct EdgeCase {
    std::string name;
    std::string wkt;
    std::vector<std::string> zones; // keys of the zones whose cap is exceeded
};

// The shared boundary-case layer (support.hpp) with every cap 0: a site
// adding 1 t/a exceeds the cap of each zone it overlaps.
const std::vector<EdgeCase> k_edge_cases = {
    {"a polygon inside a zone", square(10, 10, 20), {"A"}},
    {"a polygon outside every zone", square(500, 0, 100), {}},
    {"a polygon sharing an edge", square(100, 0, 100), {}},
    {"a polygon sharing a vertex", square(100, 100, 50), {}},
    {"a point on an edge", "POINT(100 50)", {"A"}},
    {"a point on a vertex", "POINT(100 100)", {"A"}},
    {"a multipart site with one part in a zone",
     "MULTIPOLYGON(((10 10,20 10,20 20,10 20,10 10)),((500 0,510 0,510 10,500 10,500 0)))", {"A"}},
    {"a multipart site with a part in each part of a multipart zone",
     "MULTIPOLYGON(((1010 10,1020 10,1020 20,1010 20,1010 10)),((1210 10,1220 10,1220 20,1210 20,1210 10)))",
     {"B"}},
    {"a polygon in a zone's hole", square(2120, 120, 50), {}},
    {"a point in a zone's hole", "POINT(2150 150)", {}},
    {"a polygon in the left lobe of a repaired bow-tie", square(3000, 40, 10), {"D"}},
    {"a polygon in the right lobe of a repaired bow-tie", square(3090, 45, 10), {"D"}},
    {"a line crossing a zone", "LINESTRING(-50 50,150 50)", {"A"}},
    {"a line ending on a zone's edge", "LINESTRING(100 50,150 50)", {}},
};

} // namespace

TEST_CASE("capacity finds zones by the shared overlap rules on boundary cases", "[capacity]")
{
    const EdgeCase c = GENERATE(from_range(k_edge_cases));
    INFO(c.name << "\n  site: " << c.wkt);
    Fixture fx;
    fx.layer("zones", redline::test::edge_case_features("code", {{"cap", 0.0}}));
    fx.layer("sources", {{"POINT(9000 9000)", {{"code", std::string("S1")}, {"load", 1.0}}}});
    fx.rulebook("  - {id: CAP, type: capacity, zones: zones, cap_field: cap, points: sources,"
                " load_field: load, attr: voc}\n");
    const SiteResult r = fx.screen(c.wkt, "C2614", {{"voc", "1"}});
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    std::vector<std::string> keys;
    for (const auto& f : findings_of(r, "CAP")) {
        keys.push_back(f.feature_key);
        CHECK(f.value == Approx(1));
        CHECK(f.threshold == 0);
    }
    CHECK(keys == c.zones);
}

TEST_CASE("capacity makes an empty or unparsable site an ERROR", "[capacity]")
{
    Fixture fx;
    write_townships(fx);
    for (const std::string wkt : {"POINT EMPTY", "POINT(1 2"}) {
        INFO(wkt);
        const SiteResult r = fx.screen(wkt, "C2614", {{"voc_tpa", "1"}});
        CHECK(r.verdict == Outcome::Error);
        CHECK(r.findings.empty());
    }
}

// Loads are sums of many decimal figures, and binary floating point makes
// 0.1 + 0.2 come out as 0.30000000000000004: a sum that is exactly at the cap
// on paper must not exceed it by that noise (and must not depend on the order
// the sources are added in). A load exceeds its cap by more than 1e-9.
TEST_CASE("capacity: a load exactly at the cap is not over it, whatever the rounding", "[capacity]")
{
    Fixture fx;
    fx.layer("townships", {{square(0, 0, 1000), {{"code", std::string("T")}, {"cap", 0.3}}}});
    fx.layer("sources",
             {
                 {"POINT(100 100)", {{"source_id", std::string("S1")}, {"load", 0.1}}},
                 {"POINT(200 200)", {{"source_id", std::string("S2")}, {"load", 0.2}}},
             },
             {"source_id"});
    fx.rulebook("  - {id: CAP, type: capacity, zones: townships, cap_field: cap, points: sources,"
                " load_field: load, attr: added, outcome: CONDITIONAL}\n");
    REQUIRE(0.1 + 0.2 > 0.3); // the noise this is about
    CHECK(findings_of(fx.screen("POINT(500 500)", "C3360", {{"added", "0"}}), "CAP").empty());
    // 0.1 + 0.2 existing, then 0.1 added vs a cap of 0.4 would be the same story:
    // over by a millionth of a tonne is over.
    auto over = findings_of(fx.screen("POINT(500 500)", "C3360", {{"added", "0.000001"}}), "CAP");
    REQUIRE(over.size() == 1);
    CHECK(over[0].value == Approx(0.300001));
    CHECK(over[0].threshold == Approx(0.3));
}
