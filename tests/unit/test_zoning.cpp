// Zoning (SPEC §6.3): each check type's region, read back from
// compute_zoning() on inline-WKT layers: the verdict at chosen points, the
// areas, touching features, holes, multipart layers, a setback exactly at
// its distance. (The property test in tests/zoning screens random points of
// the sample's maps with the engine.)
#include "support.hpp"

#include "redline/error.hpp"
#include "redline/zoning.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace redline;
using redline::test::Feature;
using redline::test::Fixture;
using redline::test::square;

namespace {

/// The coverage: one unit 0..4000 x -1000..1000, type 一般管控.
void write_units(Fixture& fx, const std::string& wkt = "POLYGON((-1000 -1000, 4000 -1000, 4000 1000, -1000 1000, -1000 -1000))")
{
    fx.layer("units", {{wkt, {{"unit_code", std::string("U1")}, {"unit_type", std::string("一般管控")}}}},
             {"unit_code", "", "unit_type"});
}

ZoningResult zone(Fixture& fx, const std::string& industry, Attributes attrs = {})
{
    return compute_zoning(fx.engine(), {industry, std::move(attrs)}, {});
}

/// The polygon holding (x, y), or null.
const ZoningPolygon* at(const ZoningResult& z, double x, double y)
{
    geos::Context ctx;
    geos::GeomPtr p = geos::own(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), x, y), "point");
    for (const auto& zp : z.polygons) {
        geos::GeomPtr g = geos::from_wkb(ctx, zp.wkb);
        if (GEOSContains_r(ctx.handle(), g.get(), p.get()) == 1)
            return &zp;
    }
    return nullptr;
}

Outcome verdict_at(const ZoningResult& z, double x, double y)
{
    const ZoningPolygon* p = at(z, x, y);
    REQUIRE(p);
    return p->verdict;
}

double area(const ZoningResult& z, Outcome o)
{
    double a = 0;
    for (const auto& p : z.polygons)
        if (p.verdict == o)
            a += p.area_m2;
    return a;
}

const std::string k_overlap = "  - id: RL\n    type: overlap\n    layer: redline\n    outcome: FAIL\n";

} // namespace

TEST_CASE("zoning: overlap's region is the features, holes and multiparts included", "[zoning]")
{
    Fixture fx;
    write_units(fx);
    fx.layer("redline", test::edge_case_features("code"));
    fx.rulebook(k_overlap, "coverage: units\n");
    const ZoningResult z = zone(fx, "C3360");
    CHECK(verdict_at(z, 50, 50) == Outcome::Fail);      // A
    CHECK(verdict_at(z, 1050, 50) == Outcome::Fail);    // B, first part
    CHECK(verdict_at(z, 1250, 50) == Outcome::Fail);    // B, second part
    CHECK(verdict_at(z, 1150, 50) == Outcome::Pass);    // between B's parts
    CHECK(verdict_at(z, 2150, 150) == Outcome::Pass);   // C's hole
    CHECK(verdict_at(z, 2050, 150) == Outcome::Fail);   // C's ring
    CHECK(verdict_at(z, 3010, 50) == Outcome::Fail);    // D's left triangle
    CHECK(verdict_at(z, 3090, 50) == Outcome::Fail);    // D's right triangle
    CHECK(verdict_at(z, 3050, 20) == Outcome::Pass);    // below D's crossing
    CHECK(at(z, 50, 50)->rule_ids == std::vector<std::string>{"RL"});
    // A + B + C - hole + D's two triangles (bow-tie: 2 x 2500)
    CHECK(area(z, Outcome::Fail) == Approx(10000 + 20000 + 80000 + 5000).margin(0.01));
    CHECK(area(z, Outcome::Fail) + area(z, Outcome::Pass) == Approx(5000.0 * 2000).margin(0.01));
    CHECK(z.coverage_km2 == Approx(10.0).margin(1e-6));
}

TEST_CASE("zoning: touching features leave no sliver between them", "[zoning]")
{
    Fixture fx;
    write_units(fx);
    fx.layer("redline", {{square(0, 0, 100), {{"code", std::string("R1")}}},
                         {square(100, 0, 100), {{"code", std::string("R2")}}},
                         {square(100, 100, 100), {{"code", std::string("R3")}}}});
    fx.rulebook(k_overlap, "coverage: units\n");
    const ZoningResult z = zone(fx, "C3360");
    CHECK(area(z, Outcome::Fail) == Approx(30000).margin(0.01));
    std::size_t fail_polygons = 0;
    for (const auto& p : z.polygons) {
        CHECK(p.area_m2 >= fx.engine().rulebook().area_tolerance);
        fail_polygons += p.verdict == Outcome::Fail;
    }
    CHECK(fail_polygons == 1); // dissolved into one L-shaped polygon
}

TEST_CASE("zoning: a setback exactly at the distance passes, and the map errs on the strict side", "[zoning]")
{
    Fixture fx;
    write_units(fx);
    fx.layer("water", {{"POINT(500 500)", {{"zone_id", std::string("W1")}}},
                       {square(2000, 0, 100), {{"zone_id", std::string("W2")}}}},
             {"zone_id"});
    fx.rulebook("  - id: WS\n    type: setback\n    layer: water\n    distance: {C33: 100, default: 0}\n",
                "coverage: units\n");
    // Screening: exactly 100 m passes, 99.99 m fails.
    CHECK(fx.screen("POINT(600 500)", "C3360").verdict == Outcome::Pass);
    CHECK(fx.screen("POINT(599.99 500)", "C3360").verdict == Outcome::Fail);
    const ZoningResult z = zone(fx, "C3360");
    // The drawn circle contains the open disc: its boundary lies between
    // 100 + slack/2 and 100 + slack from the centre.
    const ZoningPolygon* p = at(z, 500, 500);
    REQUIRE(p);
    CHECK(p->verdict == Outcome::Fail);
    geos::Context ctx;
    geos::GeomPtr g = geos::from_wkb(ctx, p->wkb);
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), GEOSGetExteriorRing_r(ctx.handle(), g.get()));
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n);
    const double slack = z.slack;
    for (unsigned i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(ctx.handle(), seq, i, &x, &y);
        const double r = std::hypot(x - 500, y - 500);
        CHECK(r >= 100 + slack / 2 - 1e-6);
        CHECK(r <= 100 + slack + 1e-6);
    }
    CHECK(p->area_m2 > M_PI * 100 * 100);
    CHECK(p->area_m2 < M_PI * (100 + slack) * (100 + slack));
    CHECK(verdict_at(z, 601, 500) == Outcome::Pass);
    // Around a square: the square, four bands and a full circle's corners,
    // of a radius between 100 and 100 + slack.
    const ZoningPolygon* sq = at(z, 2050, 50);
    REQUIRE(sq);
    auto rounded_square = [](double r) { return 100 * 100 + 4 * 100 * r + M_PI * r * r; };
    CHECK(sq->area_m2 > rounded_square(100 + slack / 2));
    CHECK(sq->area_m2 < rounded_square(100 + slack));
    // No setback for an industry whose distance is 0.
    CHECK(zone(fx, "C1311").polygons.size() == 1);
    CHECK(zone(fx, "C1311").polygons[0].verdict == Outcome::Pass);
}

TEST_CASE("zoning: the access list applies by key, type and *, for the industry's rows only", "[zoning]")
{
    Fixture fx;
    fx.layer("units", {{square(0, 0, 1000), {{"unit_code", std::string("U1")}, {"unit_type", std::string("优先保护")}}},
                       {square(1000, 0, 1000), {{"unit_code", std::string("U2")}, {"unit_type", std::string("重点管控")}}},
                       {square(2000, 0, 1000), {{"unit_code", std::string("U3")}, {"unit_type", std::string("一般管控")}}}},
             {"unit_code", "", "unit_type"});
    fx.file("al.csv", "rule_id,scope,industries,effect,dimension,clause,basis\n"
                      "A1,优先保护,C,prohibit,空间布局约束,no industry,x\n"
                      "A2,U2,C33,restrict,空间布局约束,metal restricted,x\n"
                      "A3,*,C3360,restrict,污染物排放管控,plating,x\n"
                      "A4,U3,C,allow,空间布局约束,welcome,x\n");
    fx.rulebook("  - id: AL\n    type: access_list\n    layer: units\n    table: al.csv\n", "coverage: units\n");
    const ZoningResult z = zone(fx, "C3360");
    REQUIRE(z.polygons.size() == 3);
    CHECK(at(z, 500, 500)->verdict == Outcome::Fail);
    CHECK(at(z, 500, 500)->rule_ids == std::vector<std::string>{"A1", "A3"});
    CHECK(at(z, 1500, 500)->verdict == Outcome::Conditional);
    CHECK(at(z, 1500, 500)->rule_ids == std::vector<std::string>{"A2", "A3"});
    CHECK(at(z, 2500, 500)->rule_ids == std::vector<std::string>{"A3"}); // A4 is INFO
    CHECK(at(z, 2500, 500)->units == std::vector<std::string>{"U3"});
    const ZoningResult food = zone(fx, "C1311");
    CHECK(verdict_at(food, 1500, 500) == Outcome::Pass);
    CHECK(verdict_at(food, 500, 500) == Outcome::Fail);
}

TEST_CASE("zoning: capacity by township, INCOMPLETE without the figure or the cap", "[zoning]")
{
    Fixture fx;
    write_units(fx, "POLYGON((0 0, 3000 0, 3000 1000, 0 1000, 0 0))");
    fx.layer("townships", {{square(0, 0, 1000), {{"code", std::string("T1")}, {"voc_cap_tpa", 10.0}}},
                           {square(1000, 0, 1000), {{"code", std::string("T2")}, {"voc_cap_tpa", 5.0}}},
                           {square(2000, 0, 1000), {{"code", std::string("T3")}}}});
    fx.layer("sources", {{"POINT(500 500)", {{"source_id", std::string("S1")}, {"voc_tpa", 4.0}}},
                         {"POINT(1000 500)", {{"source_id", std::string("S2")}, {"voc_tpa", 2.0}}}},
             {"source_id"});
    fx.rulebook("  - id: CAP\n    type: capacity\n    zones: townships\n    cap_field: voc_cap_tpa\n"
                "    points: sources\n    load_field: voc_tpa\n    attr: voc_tpa\n    outcome: CONDITIONAL\n",
                "coverage: units\n");
    // existing: T1 6, T2 2
    const ZoningResult z = zone(fx, "C3360", {{"voc_tpa", std::string("4")}});
    CHECK(verdict_at(z, 500, 500) == Outcome::Pass);        // 6 + 4 = 10, at the cap
    CHECK(verdict_at(z, 1500, 500) == Outcome::Conditional); // 2 + 4 > 5
    CHECK(verdict_at(z, 2500, 500) == Outcome::Incomplete);  // no cap
    CHECK(at(z, 1500, 500)->townships == std::vector<std::string>{"T2"});
    REQUIRE(z.summary.size() == 3);
    CHECK(z.summary[1].km2.at(Outcome::Conditional) == Approx(1.0));
    const ZoningResult none = zone(fx, "C3360");
    for (const auto& p : none.polygons)
        CHECK(p.verdict == Outcome::Incomplete);
    CHECK(verdict_at(zone(fx, "C3360", {{"voc_tpa", std::string("lots")}}), 500, 500) == Outcome::Incomplete);
}

TEST_CASE("zoning: require_within fails outside the parks, for its industries only", "[zoning]")
{
    Fixture fx;
    write_units(fx);
    fx.layer("parks", {{"MULTIPOLYGON(((0 0, 500 0, 500 500, 0 500, 0 0), (100 100, 200 100, 200 200, 100 200, 100 100)),"
                        "((600 0, 700 0, 700 100, 600 100, 600 0)))",
                        {{"park_id", std::string("P1")}}}},
             {"park_id"});
    fx.rulebook("  - id: PARK\n    type: require_within\n    layer: parks\n    industries: [C3360]\n",
                "coverage: units\n");
    const ZoningResult z = zone(fx, "C3360");
    CHECK(verdict_at(z, 250, 250) == Outcome::Pass);
    CHECK(verdict_at(z, 650, 50) == Outcome::Pass);
    CHECK(verdict_at(z, 150, 150) == Outcome::Fail); // the park's hole
    CHECK(verdict_at(z, 2000, 500) == Outcome::Fail);
    CHECK(area(z, Outcome::Pass) == Approx(500 * 500 - 100 * 100 + 100 * 100).margin(0.01));
    CHECK(zone(fx, "C1311").polygons.size() == 1); // another industry: no region
}

TEST_CASE("zoning: exceptions replace the outcome, missing inputs stay INCOMPLETE", "[zoning]")
{
    Fixture fx;
    write_units(fx);
    fx.layer("redline", {{square(0, 0, 100), {{"code", std::string("R1")}}}});
    fx.rulebook("  - id: RL\n    type: overlap\n    layer: redline\n    outcome: FAIL\n"
                "    exceptions:\n      - industries: [G]\n        outcome: CONDITIONAL\n",
                "coverage: units\n");
    CHECK(verdict_at(zone(fx, "G5411"), 50, 50) == Outcome::Conditional);
    CHECK(verdict_at(zone(fx, "C3360"), 50, 50) == Outcome::Fail);
}

TEST_CASE("zoning: units and townships that only touch split the map along their edge", "[zoning]")
{
    Fixture fx;
    fx.layer("units", {{square(0, 0, 1000), {{"unit_code", std::string("U1")}}},
                       {square(1000, 0, 1000), {{"unit_code", std::string("U2")}}}},
             {"unit_code"});
    fx.layer("townships", {{"POLYGON((0 0, 1500 0, 1500 1000, 0 1000, 0 0))", {{"code", std::string("T1")}}},
                           {"POLYGON((1500 0, 2000 0, 2000 1000, 1500 1000, 1500 0))", {{"code", std::string("T2")}}}});
    fx.rulebook("  - id: RL\n    type: overlap\n    layer: units\n    where: \"unit_code = 'U2'\"\n",
                "coverage: units\n");
    const ZoningResult z = zone(fx, "C3360");
    REQUIRE(z.polygons.size() == 3);
    CHECK(at(z, 1200, 500)->townships == std::vector<std::string>{"T1"});
    CHECK(at(z, 1200, 500)->units == std::vector<std::string>{"U2"});
    CHECK(at(z, 1700, 500)->townships == std::vector<std::string>{"T2"});
    CHECK(at(z, 500, 500)->verdict == Outcome::Pass);
    CHECK(z.coverage_km2 == Approx(2.0));
}

namespace {

/// A check type that does not say where it applies, and one that never changes a verdict.
class Opaque final : public Check {
public:
    explicit Opaque(bool neutral) : m_info("opaque", "test", {}, Drawing::Piece, "", neutral) {}
    const CheckInfo& info() const override { return m_info; }

private:
    void do_configure(const Params&, const ConfigEnv&) override {}
    void do_evaluate(const Site&, Workspace&, std::vector<Finding>&) const override {}
    std::string do_describe(const Finding&, Lang) const override { return {}; }
    CheckInfo m_info;
};

} // namespace

TEST_CASE("zoning: a check type without a region says so; a verdict-neutral one needs none", "[zoning]")
{
    Fixture fx;
    write_units(fx);
    fx.layer("redline", {{square(0, 0, 100), {{"code", std::string("R1")}}}});
    fx.rulebook(k_overlap, "coverage: units\n");
    Workspace ws(fx.engine().layers());
    Site site;
    site.industry = Industry{"C3360", "", std::nullopt};
    std::vector<RegionPiece> out;
    CHECK_FALSE(Opaque(false).region(RegionQuery{site, ws}, out));
    CHECK(Opaque(true).region(RegionQuery{site, ws}, out));
    CHECK(out.empty());
}

TEST_CASE("zoning: progress reaches 1, a cancelled token stops it, an unknown code is a usage error", "[zoning]")
{
    Fixture fx;
    write_units(fx);
    fx.layer("redline", {{square(0, 0, 100), {{"code", std::string("R1")}}}});
    fx.rulebook(k_overlap, "coverage: units\n");
    std::vector<double> seen;
    ZoningOptions options;
    options.progress = [&](double f, const std::string&) { seen.push_back(f); };
    compute_zoning(fx.engine(), {"3360", {}}, options);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back() == 1.0);
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CancelToken cancel;
    cancel.cancel(2);
    options.cancel = &cancel;
    CHECK_THROWS_AS(compute_zoning(fx.engine(), {"C3360", {}}, options), Cancelled);
    CHECK_THROWS_AS(compute_zoning(fx.engine(), {"X9999", {}}, {}), UsageError);
}
