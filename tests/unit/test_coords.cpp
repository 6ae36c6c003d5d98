// GCJ-02 / BD-09 ↔ WGS84 (src/coords.cpp) and the batch coordinate audit
// (src/coord_audit.cpp).
//
// Reference pairs: the published example of github.com/wandergis/coordtransform
// (README: wgs84togcj02(116.404, 39.915) = [116.41024449916938, 39.91640428150164],
// gcj02tobd09(116.404, 39.915) = [116.41036949371029, 39.92133699351021]), and
// forward pairs computed with the same public formulas over a grid covering
// China, whose inverses must come back to < 1e-7° (about 1 cm).
#include "support.hpp"

#include "io/coord_audit.hpp"
#include "geometry/coords.hpp"
#include "geometry/geometry_text.hpp"
#include "util/text.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace redline;
using namespace redline::coords;

TEST_CASE("wgs84 to gcj02 reproduces the published coordtransform pair", "[coords]")
{
    LonLat g = wgs84_to_gcj02({116.404, 39.915});
    CHECK(g.lon == Approx(116.41024449916938).margin(1e-12));
    CHECK(g.lat == Approx(39.91640428150164).margin(1e-12));
}

TEST_CASE("gcj02 to bd09 reproduces the published coordtransform pair", "[coords]")
{
    LonLat b = gcj02_to_bd09({116.404, 39.915});
    CHECK(b.lon == Approx(116.41036949371029).margin(1e-12));
    CHECK(b.lat == Approx(39.92133699351021).margin(1e-12));
}

TEST_CASE("the gcj02 offset at Yongkang is about +0.0046 lon, -0.0029 lat, ~550 m", "[coords]")
{
    LonLat w{120.0756850, 28.8712688};
    LonLat g = wgs84_to_gcj02(w);
    CHECK(g.lon - w.lon == Approx(0.00464).margin(0.0003));
    CHECK(g.lat - w.lat == Approx(-0.00290).margin(0.0003));
    const double dx = (g.lon - w.lon) * 111320 * std::cos(w.lat * M_PI / 180);
    const double dy = (g.lat - w.lat) * 110574;
    CHECK(std::hypot(dx, dy) == Approx(550).margin(30));
}

TEST_CASE("gcj02 and bd09 inverses round-trip to < 1e-7 degrees over China", "[coords]")
{
    double worst_gcj = 0, worst_bd = 0, worst_res = 0;
    int worst_iter = 0;
    for (double lon = 73.5; lon <= 135; lon += 1.7) {
        for (double lat = 18.2; lat <= 53.5; lat += 1.3) {
            const LonLat w{lon, lat};
            Inverse gi = gcj02_to_wgs84(wgs84_to_gcj02(w));
            Inverse bi = bd09_to_wgs84(wgs84_to_bd09(w));
            worst_gcj = std::max({worst_gcj, std::fabs(gi.value.lon - lon), std::fabs(gi.value.lat - lat)});
            worst_bd = std::max({worst_bd, std::fabs(bi.value.lon - lon), std::fabs(bi.value.lat - lat)});
            worst_res = std::max({worst_res, gi.residual_deg, bi.residual_deg});
            worst_iter = std::max(worst_iter, gi.iterations);
        }
    }
    INFO("worst gcj02 round trip " << worst_gcj << " deg, bd09 " << worst_bd << " deg, residual "
                                   << worst_res << " deg, iterations " << worst_iter);
    CHECK(worst_gcj < 1e-7);
    CHECK(worst_bd < 1e-7);
    CHECK(worst_res < 1e-9);
    CHECK(worst_iter <= 10);
}

TEST_CASE("the bd09 inverse is exact where the public one-step formula is not", "[coords]")
{
    // The public closed form bd09togcj02(116.404, 39.915) gives
    // [116.39762729119315, 39.90865673957631]; the iteration refines it.
    Inverse g = bd09_to_gcj02({116.404, 39.915});
    CHECK(g.value.lon == Approx(116.39762729119315).margin(2e-5));
    CHECK(g.value.lat == Approx(39.90865673957631).margin(2e-5));
    LonLat back = gcj02_to_bd09(g.value);
    CHECK(std::fabs(back.lon - 116.404) < 1e-10);
    CHECK(std::fabs(back.lat - 39.915) < 1e-10);
}

TEST_CASE("outside China gcj02 leaves coordinates unchanged", "[coords]")
{
    LonLat p{2.35, 48.85};
    LonLat g = wgs84_to_gcj02(p);
    CHECK(g.lon == p.lon);
    CHECK(g.lat == p.lat);
    CHECK(gcj02_to_wgs84(p).value.lon == p.lon);
}

TEST_CASE("datum names parse case-insensitively and reject others", "[coords]")
{
    CHECK(parse_datum("GCJ-02") == Datum::Gcj02);
    CHECK(parse_datum("bd09") == Datum::Bd09);
    CHECK(parse_datum("CGCS2000") == Datum::Wgs84);
    CHECK_FALSE(parse_datum("mars").has_value());
}

TEST_CASE("a geometry converts from gcj02 vertex by vertex, curves and collections included",
          "[coords]")
{
    auto g = parse_text_geometry(
        "GEOMETRYCOLLECTION(POINT(120.08 28.87),LINESTRING Z(120.08 28.87 5,120.09 28.88 6))");
    REQUIRE(to_wgs84(Datum::Gcj02, *g));
    auto* gc = g->toGeometryCollection();
    const OGRPoint* p = gc->getGeometryRef(0)->toPoint();
    LonLat expect = gcj02_to_wgs84({120.08, 28.87}).value;
    CHECK(p->getX() == Approx(expect.lon).margin(1e-12));
    CHECK(p->getY() == Approx(expect.lat).margin(1e-12));
    const OGRLineString* l = gc->getGeometryRef(1)->toLineString();
    CHECK(l->getZ(1) == 6); // Z untouched
}

TEST_CASE("screening with --coords gcj02 lands on the wgs84 site", "[coords]")
{
    // A 100 m zone around a point; the applicant's GCJ-02 copy of that point
    // (550 m off) misses it unless converted.
    test::Fixture fx;
    fx.input_crs = "EPSG:4490";
    OGRSpatialReference geo, gk;
    geo.importFromEPSG(4490);
    gk.importFromEPSG(4549);
    geo.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    gk.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    auto ct = gdal::make_transform(geo, gk);
    double x = 120.0756850, y = 28.8712688;
    ct->Transform(1, &x, &y);
    fx.layer("zones", {{test::square(x - 50, y - 50, 100), {{"code", std::string("Z")}}}});
    fx.rulebook("  - id: OV\n    type: overlap\n    layer: zones\n    outcome: FAIL\n");
    LonLat g = wgs84_to_gcj02({120.0756850, 28.8712688});
    Application app;
    app.site_id = "s";
    app.industry = "C3312";
    app.geometry_text = format_number(g.lon, 9) + "," + format_number(g.lat, 9);
    Engine::Worker w(fx.engine());
    CHECK(w.screen(app).verdict == Outcome::Pass); // taken as WGS84: 550 m off
    app.datum = Datum::Gcj02;
    CHECK(w.screen(app).verdict == Outcome::Fail);
    app.datum = Datum::Bd09;
    app.geometry_text = format_number(wgs84_to_bd09({120.0756850, 28.8712688}).lon, 9) + "," +
                        format_number(wgs84_to_bd09({120.0756850, 28.8712688}).lat, 9);
    CHECK(w.screen(app).verdict == Outcome::Fail);
}

namespace {

/// A 2 km coverage square at Yongkang (EPSG:4549) and `n` random WGS84
/// points inside it.
struct AuditScene {
    test::Fixture fx;
    std::vector<LonLat> points;
    explicit AuditScene(int n)
    {
        fx.input_crs = "EPSG:4490";
        OGRSpatialReference geo, gk;
        geo.importFromEPSG(4490);
        gk.importFromEPSG(4549);
        geo.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        gk.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        auto to_gk = gdal::make_transform(geo, gk);
        auto to_geo = gdal::make_transform(gk, geo);
        double x0 = 120.05, y0 = 28.88;
        to_gk->Transform(1, &x0, &y0);
        fx.layer("units", {{test::square(x0, y0, 2000), {{"code", std::string("U1")}}}});
        fx.rulebook("  - id: OV\n    type: overlap\n    layer: units\n    outcome: CONDITIONAL\n",
                    "coverage: units\n");
        std::mt19937 rng(42);
        std::uniform_real_distribution<double> u(10, 1990);
        for (int i = 0; i < n; ++i) {
            double x = x0 + u(rng), y = y0 + u(rng);
            to_geo->Transform(1, &x, &y);
            points.push_back({x, y});
        }
    }
    static Application app(const std::string& id, LonLat p)
    {
        Application a;
        a.site_id = id;
        a.industry = "C3312";
        a.geometry_text = "POINT(" + format_number(p.lon, 9) + " " + format_number(p.lat, 9) + ")";
        return a;
    }
};

} // namespace

TEST_CASE("the audit warns about gcj02 points given as wgs84, and is quiet for wgs84", "[coords]")
{
    AuditScene scene(200);
    CoordinateAudit clean(scene.fx.engine(), Datum::Wgs84);
    CoordinateAudit mars(scene.fx.engine(), Datum::Wgs84);
    CoordinateAudit told(scene.fx.engine(), Datum::Gcj02);
    int i = 0;
    for (const LonLat& p : scene.points) {
        clean.add(AuditScene::app("c" + std::to_string(i), p));
        mars.add(AuditScene::app("m" + std::to_string(i), wgs84_to_gcj02(p)));
        told.add(AuditScene::app("t" + std::to_string(i), wgs84_to_gcj02(p)));
        ++i;
    }
    CHECK(clean.stats().as_given_in == 200);
    CHECK(clean.warnings(Lang::En).empty());
    CHECK(told.stats().as_given_in == 200);
    CHECK(told.warnings(Lang::En).empty());
    INFO("gcj02 points in coverage as given: " << mars.stats().as_given_in << ", converted: "
                                               << mars.stats().gcj02.in);
    CHECK(mars.stats().as_given_in < 190);
    CHECK(mars.stats().gcj02.in == 200);
    auto w = mars.warnings(Lang::En);
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("--coords gcj02") != std::string::npos);
    CHECK(w[0].find("coordinates left as given") != std::string::npos);
}

TEST_CASE("the audit warns about swapped lat/lon", "[coords]")
{
    AuditScene scene(50);
    CoordinateAudit audit(scene.fx.engine(), Datum::Wgs84);
    int i = 0;
    for (const LonLat& p : scene.points)
        audit.add(AuditScene::app("s" + std::to_string(i++), LonLat{p.lat, p.lon}));
    CHECK(audit.stats().range_swapped == 50);
    CHECK(audit.stats().swapped.in == 50);
    auto w = audit.warnings(Lang::En);
    REQUIRE(w.size() == 2);
    CHECK(w[0].find("lat/lon swapped?") != std::string::npos);
    CHECK(w[1].find("lat/lon look swapped") != std::string::npos);
}

TEST_CASE("a swapped point is an ERROR whose reason suggests the swap", "[coords]")
{
    AuditScene scene(1);
    Engine::Worker w(scene.fx.engine());
    SiteResult r = w.screen(AuditScene::app("x", LonLat{28.88, 120.05}));
    render(r, Lang::Zh);
    CHECK(r.verdict == Outcome::Error);
    INFO(r.error);
    CHECK((r.error.find("经纬度可能颠倒") != std::string::npos || r.error.find("swapped?") != std::string::npos));
}
