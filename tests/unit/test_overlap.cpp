// `overlap` (SPEC §4): a point overlaps when it intersects (boundary
// included); a line when the intersection is longer than length_tolerance;
// a polygon when the intersection's area is above area_tolerance.
// Touching is never overlapping.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace redline;
using redline::test::Feature;
using redline::test::Fixture;
using redline::test::findings_of;
using redline::test::square;

namespace {

// One layer, features spaced apart along x so that each case meets only the
// features it is about.
//   A   0..100 x 0..100            a plain square
//   B   1000..1100 and 1200..1300  one multipart feature
//   C   2000..2300, hole 2100..2200 x 100..200
//   D   3000..3100                 a bow-tie (self-intersecting) polygon
//   E1  4000..4100, E2 4050..4150  two features overlapping each other
void write_zones(Fixture& fx, const std::string& check_extra = "")
{
    fx.layer("zones",
             {
                 {square(0, 0, 100), {{"code", std::string("A")}}},
                 {"MULTIPOLYGON(((1000 0,1100 0,1100 100,1000 100,1000 0)),"
                  "((1200 0,1300 0,1300 100,1200 100,1200 0)))",
                  {{"code", std::string("B")}}},
                 {"POLYGON((2000 0,2300 0,2300 300,2000 300,2000 0),"
                  "(2100 100,2200 100,2200 200,2100 200,2100 100))",
                  {{"code", std::string("C")}}},
                 {"POLYGON((3000 0,3100 100,3100 0,3000 100,3000 0))", {{"code", std::string("D")}}},
                 {square(4000, 0, 100), {{"code", std::string("E1")}}},
                 {square(4050, 0, 100), {{"code", std::string("E2")}}},
             });
    fx.rulebook("  - id: OV\n"
                "    type: overlap\n"
                "    layer: zones\n"
                "    outcome: FAIL\n" +
                check_extra);
}

struct Expected {
    std::string key;
    std::string measure;
    double value; // NaN = not measured (points)
    double share; // NaN = none
};

struct Case {
    std::string name;
    std::string wkt;
    std::vector<Expected> hits;
};

const double nan = NAN;

const std::vector<Case> k_cases = {
    // polygon sites
    {"a polygon inside a feature overlaps by its whole area", square(10, 10, 20),
     {{"A", "overlap_area", 400, 100}}},
    {"a 100 m square half inside overlaps by 5000 m2, 50 %", square(50, 0, 100),
     {{"A", "overlap_area", 5000, 50}}},
    {"a polygon outside every feature does not overlap", square(500, 0, 100), {}},
    {"a polygon sharing an edge only touches: no overlap", square(100, 0, 100), {}},
    {"a polygon sharing a vertex only touches: no overlap", square(100, 100, 50), {}},
    {"a multipart site overlaps by the area of its parts inside",
     "MULTIPOLYGON(((10 10,20 10,20 20,10 20,10 10)),((500 0,510 0,510 10,500 10,500 0)))",
     {{"A", "overlap_area", 100, 50}}},
    {"a site over both parts of a multipart feature gets one finding with both areas",
     square(1050, 0, 200), {{"B", "overlap_area", 10000, 25}}},
    {"a polygon in the hole of a feature does not overlap it", square(2120, 120, 50), {}},
    {"a polygon filling the hole exactly only touches the feature", square(2100, 100, 100), {}},
    {"a polygon straddling the hole's edge overlaps by the part outside the hole",
     square(2150, 50, 100), {{"C", "overlap_area", 7500, 75}}},
    {"a bow-tie feature repaired by make-valid is found in its left lobe", square(3000, 40, 10),
     {{"D", "overlap_area", 100, 100}}},
    {"a bow-tie feature repaired by make-valid is found in its right lobe", square(3090, 45, 10),
     {{"D", "overlap_area", 100, 100}}},
    {"a polygon over two overlapping features gets one finding per feature",
     square(4025, 25, 50), {{"E1", "overlap_area", 2500, 100}, {"E2", "overlap_area", 1250, 50}}},
    {"a sliver overlap of 0.005 m2 is below the area tolerance",
     "POLYGON((99.99995 0,199.99995 0,199.99995 100,99.99995 100,99.99995 0))", {}},
    // point sites
    {"a point inside a feature overlaps", "POINT(50 50)", {{"A", "intersects", nan, nan}}},
    {"a point on a feature's edge overlaps", "POINT(100 50)", {{"A", "intersects", nan, nan}}},
    {"a point on a feature's vertex overlaps", "POINT(100 100)", {{"A", "intersects", nan, nan}}},
    {"a point outside every feature does not overlap", "POINT(150 50)", {}},
    {"a point in a hole does not overlap", "POINT(2150 150)", {}},
    {"a point on a hole's edge overlaps", "POINT(2150 100)", {{"C", "intersects", nan, nan}}},
    {"a multipoint with one part inside overlaps", "MULTIPOINT((50 50),(500 500))",
     {{"A", "intersects", nan, nan}}},
    // line sites
    {"a line crossing a feature overlaps by the length inside", "LINESTRING(-50 50,150 50)",
     {{"A", "overlap_length", 100, 50}}},
    {"a line wholly inside a feature overlaps by its length", "LINESTRING(10 10,10 90)",
     {{"A", "overlap_length", 80, 100}}},
    {"a line entering a feature by 0.005 m is below the length tolerance",
     "LINESTRING(99.995 50,150 50)", {}},
    {"a line ending on a feature's edge only touches", "LINESTRING(100 50,150 50)", {}},
    {"a line through the hole overlaps by the length outside the hole",
     "LINESTRING(2050 150,2250 150)", {{"C", "overlap_length", 100, 50}}},
    {"a multiline with one part crossing overlaps by that part's length",
     "MULTILINESTRING((50 -10,50 110),(500 0,500 130))", {{"A", "overlap_length", 100, 40}}},
};

} // namespace

TEST_CASE("overlap finds exactly the features a site overlaps, with area, length and share",
          "[overlap]")
{
    const Case c = GENERATE(from_range(k_cases));
    INFO(c.name << "\n  site: " << c.wkt);
    Fixture fx;
    write_zones(fx);
    const SiteResult r = fx.screen(c.wkt, "C3360");
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    const auto found = findings_of(r, "OV");
    REQUIRE(found.size() == c.hits.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        const Finding& f = found[i];
        const Expected& e = c.hits[i];
        CHECK(f.feature_key == e.key);
        CHECK(f.layer == "zones");
        CHECK(f.check_type == "overlap");
        CHECK(f.outcome == Outcome::Fail);
        CHECK(f.measure == e.measure);
        if (std::isnan(e.value))
            CHECK(std::isnan(f.value));
        else
            CHECK(f.value == Approx(e.value).margin(1e-6));
        if (std::isnan(e.share))
            CHECK(std::isnan(f.share));
        else
            CHECK(f.share == Approx(e.share).margin(1e-6));
        CHECK_FALSE(f.evidence.empty());
    }
    CHECK(r.verdict == (c.hits.empty() ? Outcome::Pass : Outcome::Fail));
}

TEST_CASE("overlap measures a line lying on a feature's edge by its intersection length", "[overlap]")
{
    // SPEC §4 defines a line's overlap by measure: its intersection with the
    // feature (boundary included) longer than length_tolerance. A line lying
    // on the edge intersects it along its whole length, so it overlaps; a
    // line merely ending on the edge (touching at a point) does not.
    // (README, "Semantics": the same reading as ST_Length(ST_Intersection).)
    Fixture fx;
    write_zones(fx);
    const SiteResult along = fx.screen("LINESTRING(0 100,100 100)", "C3360");
    REQUIRE(findings_of(along, "OV").size() == 1);
    CHECK(findings_of(along, "OV").at(0).value == Approx(100.0));
    const SiteResult touching = fx.screen("LINESTRING(50 100,50 150)", "C3360");
    CHECK(findings_of(touching, "OV").empty());
}

TEST_CASE("overlap reports the measured units m2 and m", "[overlap]")
{
    Fixture fx;
    write_zones(fx);
    CHECK(findings_of(fx.screen(square(50, 0, 100), "C3360"), "OV").at(0).unit == "m2");
    CHECK(findings_of(fx.screen("LINESTRING(-50 50,150 50)", "C3360"), "OV").at(0).unit == "m");
}

TEST_CASE("overlap's area_tolerance can be raised on the check", "[overlap]")
{
    Fixture fx;
    write_zones(fx, "    area_tolerance: 5000\n");
    // 5000 m² is not *above* a 5000 m² tolerance; 5000.5 m² is.
    CHECK(findings_of(fx.screen(square(50, 0, 100), "C3360"), "OV").empty());
    const auto hit = findings_of(fx.screen("POLYGON((49.995 0,149.995 0,149.995 100,49.995 100,49.995 0))",
                                           "C3360"),
                                 "OV");
    REQUIRE(hit.size() == 1);
    CHECK(hit[0].value == Approx(5000.5));
}

TEST_CASE("overlap's length_tolerance can be raised on the check", "[overlap]")
{
    Fixture fx;
    write_zones(fx, "    length_tolerance: 100\n");
    CHECK(findings_of(fx.screen("LINESTRING(-50 50,150 50)", "C3360"), "OV").empty());
    CHECK(findings_of(fx.screen("LINESTRING(-50 50,100.5 50)", "C3360"), "OV").empty());
    CHECK(findings_of(fx.screen("LINESTRING(10 10,10 95,50 95)", "C3360"), "OV").size() == 1);
}

TEST_CASE("overlap with a where filter only sees the selected features", "[overlap]")
{
    Fixture fx;
    fx.layer("water", {
                          {square(0, 0, 100), {{"zone_id", std::string("W1")}, {"level", std::string("一级")}}},
                          {square(0, 0, 300), {{"zone_id", std::string("W2")}, {"level", std::string("二级")}}},
                      },
             {"zone_id"});
    fx.rulebook("  - id: WS-01\n"
                "    type: overlap\n"
                "    layer: water\n"
                "    where: \"level = '一级'\"\n");
    const auto in_first = findings_of(fx.screen("POINT(50 50)", "C3360"), "WS-01");
    REQUIRE(in_first.size() == 1);
    CHECK(in_first[0].feature_key == "W1");
    CHECK(findings_of(fx.screen("POINT(200 200)", "C3360"), "WS-01").empty());
}

TEST_CASE("overlap keys features by FID when the layer declares no key", "[overlap]")
{
    Fixture fx;
    fx.layer("zones", {{square(0, 0, 100), {{"name", std::string("a")}}},
                       {square(200, 0, 100), {{"name", std::string("b")}}}},
             {""});
    fx.rulebook("  - {id: OV, type: overlap, layer: zones}\n");
    const auto found = findings_of(fx.screen("POINT(250 50)", "C3360"), "OV");
    REQUIRE(found.size() == 1);
    CHECK(found[0].feature_key == "2"); // GeoPackage FIDs start at 1
}

TEST_CASE("overlap makes an empty or unparsable site an ERROR with no findings", "[overlap]")
{
    Fixture fx;
    write_zones(fx);
    for (const std::string wkt : {"POLYGON EMPTY", "POLYGON((0 0,10 0,10", "not a geometry"}) {
        INFO(wkt);
        const SiteResult r = fx.screen(wkt, "C3360");
        CHECK(r.verdict == Outcome::Error);
        CHECK_FALSE(r.error.empty());
        CHECK(r.findings.empty());
    }
}

// The per-site memo (spatial.hpp, OverlapMemo) must be invisible: the same
// answers, pieces and flags however often and in whatever order the checks
// ask, and never an answer for another feature or other tolerances.
TEST_CASE("overlap: the per-site memo answers exactly what a fresh measurement does", "[overlap]")
{
    Fixture fx;
    write_zones(fx);
    const Layer& zones = *fx.engine().layers().find("zones");
    Workspace ws(fx.engine().layers());
    geos::Context& ctx = ws.ctx();
    const Tolerances tight{0.01, 0.01}, loose{1e6, 1e6};
    for (const std::string wkt :
         {"POINT (50 50)", "POINT (100 50)", "POLYGON ((90 10,150 10,150 20,90 20,90 10))",
          "POLYGON ((10 10,20 10,20 20,10 20,10 10))", "LINESTRING (4020 50,4120 50)",
          "POLYGON ((4040 10,4080 10,4080 20,4040 20,4040 10))"}) {
        DYNAMIC_SECTION(wkt)
        {
            geos::GeomPtr g = geos::from_wkt(ctx, wkt);
            const std::vector<unsigned char> wkb = geos::to_wkb(ctx, g.get());
            Site site;
            site.geometry = g.get();
            site.dimension = geos::dimension(ctx, g.get());
            site.size = site.dimension == 2 ? geos::area(ctx, g.get())
                                            : site.dimension == 1 ? geos::length(ctx, g.get()) : 0;
            site.bounds = geos::bounds(ctx, g.get());
            site.wkb = &wkb;
            OverlapMemo memo;
            Site memoised = site;
            memoised.memo = &memo;
            for (int round = 0; round < 2; ++round)
                for (std::size_t i = 0; i < zones.size(); ++i)
                    for (const Tolerances& tol : {tight, loose}) {
                        Overlap fresh = overlap(ws, site, zones, i, tol);
                        Overlap kept = overlap(ws, memoised, zones, i, tol);
                        CHECK(kept.hit == fresh.hit);
                        CHECK(kept.dim == fresh.dim);
                        CHECK(kept.whole_site == fresh.whole_site);
                        CHECK((std::isnan(kept.amount) ? std::isnan(fresh.amount)
                                                       : kept.amount == fresh.amount));
                        REQUIRE(bool(kept.piece) == bool(fresh.piece));
                        if (fresh.piece) {
                            CHECK(geos::to_wkb(ctx, kept.piece.get()) ==
                                  geos::to_wkb(ctx, fresh.piece.get()));
                            // Evidence that is the whole site is the site's own WKB.
                            CHECK(evidence_wkb(ws, memoised, kept.piece.get(), kept.whole_site) ==
                                  geos::to_wkb(ctx, fresh.piece.get()));
                        }
                    }
        }
    }
}
