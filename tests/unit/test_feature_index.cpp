// FeatureIndex (src/geometry/feature_index.hpp): point sites answered on a
// shared, immutable index of a polygon's rings must give GEOS 3.11's own
// answers -- GEOSPreparedIntersects, GEOSPreparedContains, the distance of
// GEOSPreparedDistance bit for bit and the nearest point of
// GEOSPreparedNearestPoints. Every case below asserts the expected location
// and, through agree(), that GEOS itself says the same on that very point.
#include "geometry/feature_index.hpp"
#include "redline/geos.hpp"

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace redline;
using P = FeatureIndex::Point;

namespace {

/// A polygon as GEOS prepares it and as the index packs it.
struct Target {
    geos::Context& ctx;
    geos::GeomPtr geom;
    geos::PreparedPtr prep;
    std::unique_ptr<const FeatureIndex> index;

    Target(geos::Context& c, geos::GeomPtr g)
        : ctx(c), geom(std::move(g)), prep(geos::prepare(ctx, geom.get())),
          index(FeatureIndex::build(ctx, geom.get()))
    {
    }
    Target(geos::Context& c, const std::string& wkt) : Target(c, geos::from_wkt(c, wkt)) {}

    /// What differs between the index and GEOS at `p` (empty: nothing).
    std::string disagreement(P p) const
    {
        GEOSContextHandle_t h = ctx.handle();
        geos::GeomPtr pt = geos::own(ctx, GEOSGeom_createPointFromXY_r(h, p.x, p.y), "point");
        std::string out;
        const bool gi = geos::predicate(ctx, GEOSPreparedIntersects_r(h, prep.get(), pt.get()), "i");
        const bool gc = geos::predicate(ctx, GEOSPreparedContains_r(h, prep.get(), pt.get()), "c");
        if (gi != index->intersects(p))
            out += " intersects";
        if (gc != index->contains(p))
            out += " contains";
        double gd = 0;
        REQUIRE(GEOSPreparedDistance_r(h, prep.get(), pt.get(), &gd) == 1);
        const FeatureIndex::Nearest n = index->nearest(p);
        if (!(gd == n.distance) || !(index->distance(p) == gd))
            out += " distance";
        if (gd > 0) {
            GEOSCoordSequence* seq = GEOSPreparedNearestPoints_r(h, prep.get(), pt.get());
            REQUIRE(seq != nullptr);
            double x = 0, y = 0;
            GEOSCoordSeq_getXY_r(h, seq, 0, &x, &y);
            GEOSCoordSeq_destroy_r(h, seq);
            if (!(x == n.point.x && y == n.point.y))
                out += " nearest";
        }
        return out;
    }
    PointLocation locate(P p) const { return index->locate(p); }
};

#define AGREES(t, p) CHECK((t).disagreement(p) == "")

} // namespace

TEST_CASE("a point on a polygon's vertex is on its boundary and GEOS agrees", "[feature_index]")
{
    geos::Context ctx;
    Target t(ctx, "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))");
    for (P p : {P{0, 0}, P{10, 0}, P{10, 10}, P{0, 10}}) {
        CHECK(t.locate(p) == PointLocation::boundary);
        CHECK(t.index->intersects(p));
        CHECK_FALSE(t.index->contains(p));
        CHECK(t.index->distance(p) == 0);
        AGREES(t, p);
    }
}

TEST_CASE("a point on a horizontal, a vertical and a sloping edge is on the boundary", "[feature_index]")
{
    geos::Context ctx;
    Target t(ctx, "POLYGON((0 0, 10 0, 10 10, 5 15, 0 10, 0 0))");
    for (P p : {P{3, 0}, P{10, 4}, P{0, 7}, P{7.5, 12.5}, P{2.5, 12.5}}) {
        CHECK(t.locate(p) == PointLocation::boundary);
        AGREES(t, p);
    }
    CHECK(t.locate({5, 14}) == PointLocation::interior);
    CHECK(t.locate({5, 15.5}) == PointLocation::exterior);
    // On the ray through a vertex (the half-open crossing rule).
    for (P p : {P{-1, 10}, P{-1, 0}, P{-1, 15}, P{4, 10}, P{5, 10}, P{11, 10}}) {
        CHECK(t.locate(p) == (p.x > 0 && p.x < 10 ? PointLocation::interior : PointLocation::exterior));
        AGREES(t, p);
    }
}

TEST_CASE("a point in a hole is exterior, on the hole's boundary boundary", "[feature_index]")
{
    geos::Context ctx;
    Target t(ctx, "POLYGON((0 0, 30 0, 30 30, 0 30, 0 0), (10 10, 20 10, 20 20, 10 20, 10 10))");
    CHECK(t.locate({15, 15}) == PointLocation::exterior);
    CHECK(t.index->distance({15, 15}) == 5);
    CHECK(t.locate({10, 15}) == PointLocation::boundary);
    CHECK(t.locate({20, 20}) == PointLocation::boundary);
    CHECK(t.locate({5, 15}) == PointLocation::interior);
    for (P p : {P{15, 15}, P{10, 15}, P{20, 20}, P{5, 15}, P{15, 12}, P{12, 10}})
        AGREES(t, p);
}

TEST_CASE("the vertex two parts of a multipolygon share is boundary, each part's inside interior",
          "[feature_index]")
{
    geos::Context ctx;
    Target t(ctx, "MULTIPOLYGON(((0 0, 10 0, 10 10, 0 10, 0 0)), ((10 10, 20 10, 20 20, 10 20, 10 10)))");
    CHECK(t.locate({10, 10}) == PointLocation::boundary);
    CHECK(t.locate({5, 5}) == PointLocation::interior);
    CHECK(t.locate({15, 15}) == PointLocation::interior);
    CHECK(t.locate({15, 5}) == PointLocation::exterior);
    CHECK(t.index->distance({15, 5}) == 5);
    for (P p : {P{10, 10}, P{5, 5}, P{15, 15}, P{15, 5}, P{5, 15}, P{-3, 10}, P{25, 10}})
        AGREES(t, p);
}

TEST_CASE("a point one ulp inside or outside an edge is interior or exterior as GEOS says",
          "[feature_index]")
{
    geos::Context ctx;
    // A sloping edge from (0,0) to (3,1) (x = 3y is exact for few values) and
    // coordinates of a real CRS's magnitude.
    Target t(ctx, "POLYGON((500000.1 3000000.7, 500003.3 3000001.9, 500001.3 3000010.1, 500000.1 3000000.7))");
    const P a{500000.1, 3000000.7}, b{500003.3, 3000001.9};
    for (double s : {0.25, 0.5, 0.75, 1.0 / 3}) {
        const P m{a.x + s * (b.x - a.x), a.y + s * (b.y - a.y)}; // a hair off the edge
        for (int dx = -2; dx <= 2; ++dx)
            for (int dy = -2; dy <= 2; ++dy) {
                P q = m;
                for (int k = 0; k < std::abs(dx); ++k)
                    q.x = std::nextafter(q.x, dx > 0 ? INFINITY : -INFINITY);
                for (int k = 0; k < std::abs(dy); ++k)
                    q.y = std::nextafter(q.y, dy > 0 ? INFINITY : -INFINITY);
                AGREES(t, q);
            }
    }
    // Right of the edge is outside: one ulp below a vertex is exterior.
    CHECK(t.locate({b.x, std::nextafter(b.y, 0.0)}) == PointLocation::exterior);
    CHECK(t.locate({std::nextafter(b.x, 0.0), b.y}) == PointLocation::interior);
}

TEST_CASE("near-degenerate orientations (Kettner's grid near 0.5, 0.5) agree with GEOS's double-double",
          "[feature_index]")
{
    // Points a few ulps off the line y = x, on which an edge lies: the plain
    // double determinant gets many of them wrong (Kettner et al., "Classroom
    // examples of robustness problems"); GEOS's filter then double-double
    // decides, and so must the index.
    geos::Context ctx;
    Target t(ctx, "POLYGON((-12 -12, 24 24, 24 -12, -12 -12))");
    const double u = std::ldexp(1.0, -53);
    std::size_t inside = 0, on = 0, outside = 0, differ = 0;
    for (int i = 0; i < 64; ++i)
        for (int j = 0; j < 64; ++j) {
            const P p{0.5 + i * u, 0.5 + j * u};
            differ += t.disagreement(p).empty() ? 0 : 1;
            const PointLocation l = t.locate(p);
            (l == PointLocation::interior ? inside : l == PointLocation::boundary ? on : outside) += 1;
        }
    CHECK(differ == 0);
    CHECK(inside > 0);
    CHECK(on > 0);
    CHECK(outside > 0);
}

TEST_CASE("the distance is GEOS's bit for bit, exactly at a setback too", "[feature_index]")
{
    geos::Context ctx;
    Target t(ctx, "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))");
    CHECK(t.index->distance({600, 50}) == 500); // exactly at 500 m: a setback of 500 passes
    CHECK(t.index->distance({-300, -400}) == 500);
    const FeatureIndex::Nearest n = t.index->nearest({600, 50});
    CHECK(n.point.x == 100);
    CHECK(n.point.y == 50);
    for (P p : {P{600, 50}, P{-300, -400}, P{50.5, 100.25}, P{1e5, -7}, P{100.000001, 50}})
        AGREES(t, p);
    // The nearest point of a point level with a vertex is that vertex (first segment wins).
    const FeatureIndex::Nearest c = t.index->nearest({103, 103});
    CHECK(c.point.x == 100);
    CHECK(c.point.y == 100);
}

TEST_CASE("a rectangle answers like GEOS's rectangle shortcuts", "[feature_index]")
{
    geos::Context ctx;
    Target t(ctx, "POLYGON((0 0, 0 10, 20 10, 20 0, 0 0))");
    for (P p : {P{0, 5}, P{20, 10}, P{10, 0}, P{10, 5}, P{-1e-300, 5}, P{20, 10.000000001}, P{25, 15}}) {
        AGREES(t, p);
    }
    CHECK(t.locate({10, 5}) == PointLocation::interior);
    CHECK(t.locate({20, 3}) == PointLocation::boundary);
}

TEST_CASE("degenerate rings (repeated vertices, a collapsed spike) still agree with GEOS", "[feature_index]")
{
    geos::Context ctx;
    Target t(ctx, "POLYGON((0 0, 0 0, 10 0, 10 0, 10 10, 5 10, 5 20, 5 10, 0 10, 0 0))");
    REQUIRE(t.index);
    for (P p : {P{0, 0}, P{5, 15}, P{5, 10}, P{5, 5}, P{5, 25}, P{4, 15}, P{10, 0}, P{-2, 0}})
        AGREES(t, p);
    CHECK(t.locate({5, 15}) == PointLocation::boundary);
}

TEST_CASE("a flat ring and a comb of long teeth (bands listing a segment many times) agree with GEOS",
          "[feature_index]")
{
    geos::Context ctx;
    Target flat(ctx, "POLYGON((0 0, 10 0, 5 0, 0 0))");
    REQUIRE(flat.index);
    for (P p : {P{3, 0}, P{10, 0}, P{11, 0}, P{5, 1e-300}, P{5, -1}})
        AGREES(flat, p);
    CHECK(flat.locate({3, 0}) == PointLocation::boundary);
    // 40 teeth 1000 high and 1 wide: every tooth's sides span all of y.
    std::ostringstream wkt;
    wkt << "POLYGON((0 0";
    for (int i = 0; i < 40; ++i)
        wkt << ", " << 2 * i << " 1000, " << 2 * i + 1 << " 1000, " << 2 * i + 1 << " 1, " << 2 * i + 2 << " 1";
    wkt << ", 80 0, 0 0))";
    Target comb(ctx, wkt.str());
    REQUIRE(comb.index);
    for (double y : {0.0, 0.5, 1.0, 1.5, 500.0, 999.999, 1000.0, 1000.5})
        for (double x : {-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 39.5, 40.0, 79.0, 79.5, 80.0, 81.0})
            AGREES(comb, (P{x, y}));
    CHECK(comb.locate({0.5, 500}) == PointLocation::interior);
    CHECK(comb.locate({1.5, 500}) == PointLocation::exterior);
    CHECK(comb.locate({1.5, 1}) == PointLocation::boundary);
}

TEST_CASE("the cell grid answers like GEOS on a lattice through its cell lines, vertices and edges",
          "[feature_index]")
{
    // Most points are answered by their cell alone; a lattice of 201 x 201
    // points over (and beyond) each feature's box hits cells of every kind,
    // their edges and corners, the feature's vertices and its edges (every
    // coordinate below is a multiple of 0.5 or 0.25, as the lattice's).
    geos::Context ctx;
    std::ostringstream star;
    star << "POLYGON((";
    for (int i = 0; i <= 24; ++i) {
        const double a = 2 * 3.141592653589793 * (i % 24) / 24, r = i % 2 ? 40 : 100;
        star << (i ? ", " : "") << std::round(r * std::cos(a) * 4) / 4 << " " << std::round(r * std::sin(a) * 4) / 4;
    }
    star << "))";
    for (const std::string& wkt :
         {std::string("POLYGON((0 0, 0 100, 100 100, 100 0, 0 0), (25 25, 75 25, 75 75, 25 75, 25 25))"),
          std::string("MULTIPOLYGON(((0 0, 50 0, 50 50, 0 50, 0 0)), ((50 50, 100 50, 100 100, 50 100, 50 50)))"),
          std::string("POLYGON((0 0, 100 0, 100 10, 10 10, 10 20, 100 20, 100 30, 10 30, 10 40, 100 40, 100 50, "
                      "0 50, 0 0))"),
          star.str()}) {
        Target t(ctx, wkt);
        REQUIRE(t.index);
        CHECK(t.index->decided_cells() > 0);
        std::size_t differ = 0, interior = 0, boundary = 0, exterior = 0;
        for (int i = 0; i <= 200; ++i)
            for (int j = 0; j <= 200; ++j) {
                const P p{-125 + 1.25 * i, -125 + 1.25 * j};
                differ += t.disagreement(p).empty() ? 0 : 1;
                const PointLocation l = t.locate(p);
                (l == PointLocation::interior ? interior : l == PointLocation::boundary ? boundary : exterior) += 1;
            }
        INFO(wkt);
        CHECK(differ == 0);
        CHECK(interior > 0);
        CHECK(boundary > 0);
        CHECK(exterior > 0);
    }
}

TEST_CASE("points, lines, collections and empty geometries get no index", "[feature_index]")
{
    geos::Context ctx;
    for (const char* wkt : {"POINT(1 2)", "LINESTRING(0 0, 1 1)", "POLYGON EMPTY", "MULTIPOLYGON EMPTY",
                            "GEOMETRYCOLLECTION(POLYGON((0 0, 1 0, 1 1, 0 0)))"}) {
        geos::GeomPtr g = geos::from_wkt(ctx, wkt);
        CHECK_FALSE(FeatureIndex::build(ctx, g.get()));
    }
}

namespace {

/// Adversarial points for one polygon: random in (and around) its bounds,
/// its vertices, segment points computed in double (midpoints and
/// interpolations, a hair off the segment), those moved 1-2 ulps, points
/// a tiny distance off a segment's side, and points level with a vertex.
class Adversary {
public:
    explicit Adversary(std::uint64_t seed) : m_rng(seed) {}

    P next(const std::vector<P>& v, const geos::Bounds& b)
    {
        std::uniform_real_distribution<double> u(0, 1);
        const std::size_t i = std::uniform_int_distribution<std::size_t>(0, v.size() - 2)(m_rng);
        const P a = v[i], c = v[i + 1];
        const double w = b.maxx - b.minx, h = b.maxy - b.miny;
        switch (std::uniform_int_distribution<int>(0, 7)(m_rng)) {
        case 0:
            return {b.minx - 0.1 * w + 1.2 * w * u(m_rng), b.miny - 0.1 * h + 1.2 * h * u(m_rng)};
        case 1:
            return a;
        case 2:
            return {(a.x + c.x) / 2, (a.y + c.y) / 2};
        case 3: {
            const double t = u(m_rng);
            return {a.x + t * (c.x - a.x), a.y + t * (c.y - a.y)};
        }
        case 4: {
            P p{a.x + 0.5 * (c.x - a.x), a.y + 0.5 * (c.y - a.y)};
            const int k = std::uniform_int_distribution<int>(0, 3)(m_rng);
            p.x = std::nextafter(p.x, k & 1 ? INFINITY : -INFINITY);
            p.y = std::nextafter(p.y, k & 2 ? INFINITY : -INFINITY);
            return p;
        }
        case 5: { // a tiny distance off the segment, either side
            const double len = std::hypot(c.x - a.x, c.y - a.y);
            if (!(len > 0))
                return a;
            const double t = u(m_rng), d = std::pow(10.0, -12 + 12 * u(m_rng)) * (u(m_rng) < 0.5 ? -1 : 1);
            return {a.x + t * (c.x - a.x) - d * (c.y - a.y) / len, a.y + t * (c.y - a.y) + d * (c.x - a.x) / len};
        }
        case 6: // level with a vertex: the ray runs through it
            return {b.minx - 0.1 * w + 1.2 * w * u(m_rng), a.y};
        default: // farther away: a setback's distances
            return {b.minx - 2 * w + 5 * w * u(m_rng), b.miny - 2 * h + 5 * h * u(m_rng)};
        }
    }

private:
    std::mt19937_64 m_rng;
};

std::vector<P> all_vertices(geos::Context& ctx, const GEOSGeometry* g)
{
    std::vector<P> out;
    GEOSContextHandle_t h = ctx.handle();
    auto ring = [&](const GEOSGeometry* r) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, r);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(h, seq, &n);
        for (unsigned i = 0; i < n; ++i) {
            P p;
            GEOSCoordSeq_getXY_r(h, seq, i, &p.x, &p.y);
            out.push_back(p);
        }
    };
    const int parts = GEOSGetNumGeometries_r(h, g);
    for (int k = 0; k < parts; ++k) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(h, g, k);
        ring(GEOSGetExteriorRing_r(h, poly));
        for (int i = 0; i < GEOSGetNumInteriorRings_r(h, poly); ++i)
            ring(GEOSGetInteriorRingN_r(h, poly, i));
    }
    return out;
}

std::size_t env_count(const char* name, std::size_t fallback)
{
    const char* v = std::getenv(name);
    return v && *v ? static_cast<std::size_t>(std::stoull(v)) : fallback;
}

} // namespace

// CI runs it on the sample's polygon layers; a manual run takes more points
// and other layers: REDLINE_PIP_LAYERS=/work/benchdata/full/layers.gpkg
// REDLINE_PIP_POINTS=1000000 build/redline_tests "[feature_index_property]".
TEST_CASE("the index agrees with GEOS's prepared predicates on adversarial points of real layers",
          "[feature_index][feature_index_property]")
{
    const char* env_path = std::getenv("REDLINE_PIP_LAYERS");
    const std::string path = env_path && *env_path ? env_path : REDLINE_SAMPLE_GPKG;
    const std::size_t points = env_count("REDLINE_PIP_POINTS", 200000);
    const std::size_t per_feature = env_count("REDLINE_PIP_PER_FEATURE", 20);
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    geos::Context ctx;
    // Every polygon of every layer, each layer sampled evenly.
    std::vector<std::unique_ptr<Target>> targets;
    for (int l = 0; l < ds->GetLayerCount(); ++l) {
        OGRLayer* layer = ds->GetLayer(l);
        if (wkbFlatten(layer->GetGeomType()) != wkbMultiPolygon && wkbFlatten(layer->GetGeomType()) != wkbPolygon)
            continue;
        const GIntBig n = layer->GetFeatureCount();
        const GIntBig want = static_cast<GIntBig>(points / per_feature / 8 + 1);
        const GIntBig step = std::max<GIntBig>(1, n / want);
        GIntBig k = 0;
        for (auto& f : *layer) {
            if (k++ % step != 0 || !f->GetGeometryRef() || f->GetGeometryRef()->IsEmpty())
                continue;
            std::vector<unsigned char> wkb(static_cast<std::size_t>(f->GetGeometryRef()->WkbSize()));
            f->GetGeometryRef()->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            targets.push_back(std::make_unique<Target>(ctx, geos::from_wkb(ctx, wkb)));
            REQUIRE(targets.back()->index);
        }
    }
    REQUIRE(!targets.empty());
    Adversary adversary(20261201);
    std::map<std::string, std::size_t> differences;
    std::size_t tried = 0;
    std::string first;
    for (std::size_t r = 0; tried < points; ++r) {
        const Target& t = *targets[r % targets.size()];
        const std::vector<P> v = all_vertices(ctx, t.geom.get());
        const geos::Bounds b = geos::bounds(ctx, t.geom.get());
        for (std::size_t j = 0; j < per_feature && tried < points; ++j, ++tried) {
            const P p = adversary.next(v, b);
            const std::string d = t.disagreement(p);
            if (!d.empty()) {
                ++differences[d];
                if (first.empty()) {
                    std::ostringstream os;
                    os.precision(17);
                    os << "POINT(" << p.x << " " << p.y << "):" << d;
                    first = os.str();
                }
            }
        }
    }
    std::string tally;
    for (const auto& [what, n] : differences)
        tally += what + ": " + std::to_string(n) + ";";
    INFO(tried << " points on " << targets.size() << " polygons of " << path << "; differences" << tally
               << " first " << first);
    WARN(tried << " points on " << targets.size() << " polygons, " << differences.size() << " kinds of difference");
    CHECK(differences.empty());
}

// ---- relate_ring: a polygon site's shell against the feature --------------

namespace {

std::vector<P> shell_of(geos::Context& ctx, const std::string& wkt)
{
    geos::GeomPtr g = geos::from_wkt(ctx, wkt);
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), GEOSGetExteriorRing_r(ctx.handle(), g.get()));
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n);
    std::vector<P> ring(n);
    for (unsigned i = 0; i < n; ++i)
        GEOSCoordSeq_getXY_r(ctx.handle(), seq, i, &ring[i].x, &ring[i].y);
    return ring;
}

/// relate_ring's answer, checked against GEOS: a proven `inside` must be
/// GEOS contains, a proven `outside` GEOS not intersecting, a proven
/// `not_inside` GEOS not containing.
RingRelation related(const Target& t, const std::string& site_wkt)
{
    geos::GeomPtr site = geos::from_wkt(t.ctx, site_wkt);
    const RingRelation r = t.index->relate_ring(shell_of(t.ctx, site_wkt));
    GEOSContextHandle_t h = t.ctx.handle();
    if (r == RingRelation::inside)
        CHECK(geos::predicate(t.ctx, GEOSPreparedContains_r(h, t.prep.get(), site.get()), "c"));
    if (r == RingRelation::outside)
        CHECK_FALSE(geos::predicate(t.ctx, GEOSPreparedIntersects_r(h, t.prep.get(), site.get()), "i"));
    if (r == RingRelation::not_inside)
        CHECK_FALSE(geos::predicate(t.ctx, GEOSPreparedContains_r(h, t.prep.get(), site.get()), "c"));
    return r;
}

} // namespace

TEST_CASE("a polygon site is proven inside or apart only when the boundaries never meet", "[feature_index]")
{
    geos::Context ctx;
    const Target t(ctx, "MULTIPOLYGON(((0 0,100 0,100 100,0 100,0 0),(40 40,60 40,60 60,40 60,40 40)),"
                        "((200 0,300 0,300 100,200 100,200 0)))");
    CHECK(related(t, "POLYGON((10 10,20 10,20 20,10 20,10 10))") == RingRelation::inside);
    CHECK(related(t, "POLYGON((110 10,120 10,120 20,110 20,110 10))") == RingRelation::outside);
    CHECK(related(t, "POLYGON((45 45,55 45,55 55,45 55,45 45))") == RingRelation::outside); // in the hole
    // Touching from inside (a shared edge, a vertex on the edge): unknown
    // (GEOS contains may be true); crossing out: not inside.
    CHECK(related(t, "POLYGON((0 10,20 10,20 20,0 20,0 10))") == RingRelation::unknown);
    CHECK(related(t, "POLYGON((10 10,20 0,30 10,20 20,10 10))") == RingRelation::unknown);
    CHECK(related(t, "POLYGON((90 10,110 10,110 20,90 20,90 10))") == RingRelation::not_inside);
    // Touching from outside, at a corner: not inside (GEOS: intersects, not contains).
    CHECK(related(t, "POLYGON((100 100,110 100,110 110,100 110,100 100))") == RingRelation::not_inside);
    // A vertex on the boundary first, the next outside: not inside.
    CHECK(related(t, "POLYGON((100 10,120 10,120 20,100 20,100 10))") == RingRelation::not_inside);
    // The site holds the hole whole: not inside, though every vertex is.
    CHECK(related(t, "POLYGON((30 30,70 30,70 70,30 70,30 30))") == RingRelation::unknown);
    // The site holds a whole part of the feature: not apart, though every vertex is outside.
    CHECK(related(t, "POLYGON((150 -50,350 -50,350 150,150 150,150 -50))") == RingRelation::not_inside);
    // Far away: the boxes alone say apart.
    CHECK(related(t, "POLYGON((1000 1000,1010 1000,1010 1010,1000 1010,1000 1000))") == RingRelation::outside);
}

TEST_CASE("random quadrilateral sites: every proven relation is GEOS's", "[feature_index]")
{
    geos::Context ctx;
    // A star with 60 spikes and a hole: long, thin boundary to meet.
    std::ostringstream wkt;
    wkt.precision(17);
    wkt << "POLYGON((";
    for (int k = 0; k <= 120; ++k) {
        const double a = 2 * M_PI * (k % 120) / 120, r = k % 2 ? 400 : 1000;
        wkt << (k ? "," : "") << r * std::cos(a) << " " << r * std::sin(a);
    }
    wkt << "),(-100 -100,100 -100,100 100,-100 100,-100 -100))";
    const Target t(ctx, wkt.str());
    std::mt19937_64 rng(15);
    std::uniform_real_distribution<double> pos(-1100, 1100), size(1, 150), skew(-20, 20);
    std::map<RingRelation, int> seen;
    for (int n = 0; n < 3000; ++n) {
        const double x = pos(rng), y = pos(rng), w = size(rng), h = size(rng);
        std::ostringstream s;
        s.precision(17);
        s << "POLYGON((" << x << " " << y << "," << x + w << " " << y + skew(rng) << "," << x + w + skew(rng) << " "
          << y + h << "," << x << " " << y + h << "," << x << " " << y << "))";
        geos::GeomPtr g = geos::from_wkt(ctx, s.str());
        if (!geos::predicate(ctx, GEOSisValid_r(ctx.handle(), g.get()), "valid"))
            continue;
        ++seen[related(t, s.str())];
    }
    // Each answer came up, so each proof was checked against GEOS.
    CHECK(seen[RingRelation::inside] > 100);
    CHECK(seen[RingRelation::outside] > 100);
    CHECK(seen[RingRelation::not_inside] > 100);
    CHECK(seen[RingRelation::unknown] > 10);
}
