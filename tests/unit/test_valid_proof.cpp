// proven_valid (src/geometry/valid_proof.hpp): a geometry it proves valid
// must be one GEOS 3.11's isValid calls valid; what it cannot prove goes to
// GEOS. Every case asserts that, and which of them the proof should take.
#include "geometry/valid_proof.hpp"
#include "redline/geos.hpp"

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace redline;

namespace {

bool geos_valid(geos::Context& ctx, const GEOSGeometry* g)
{
    return geos::predicate(ctx, GEOSisValid_r(ctx.handle(), g), "isValid");
}

/// The proof's answer on `wkt`, checked against GEOS: proven means valid.
bool proven(geos::Context& ctx, const std::string& wkt)
{
    geos::GeomPtr g = geos::from_wkt(ctx, wkt);
    const bool p = proven_valid(ctx, g.get());
    if (p) {
        INFO(wkt);
        CHECK(geos_valid(ctx, g.get()));
    }
    return p;
}

} // namespace

TEST_CASE("valid polygons whose rings never meet are proven", "[valid_proof]")
{
    geos::Context ctx;
    CHECK(proven(ctx, "POLYGON((0 0,10 0,10 10,0 10,0 0))"));
    CHECK(proven(ctx, "POLYGON((0 0,0 10,10 10,10 0,0 0))")); // clockwise
    CHECK(proven(ctx, "POLYGON((0 0,10 0,5 8,0 0))"));        // the fewest points
    // Collinear vertices running straight on (a vertex mid-edge), vertical too.
    CHECK(proven(ctx, "POLYGON((0 0,5 0,10 0,10 5,10 10,0 10,0 0))"));
    CHECK(proven(ctx, "POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2),(6 6,6 8,8 8,8 6,6 6))"));
    // Parts apart; an island in a part's lake.
    CHECK(proven(ctx, "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((2 0,3 0,3 1,2 1,2 0)))"));
    CHECK(proven(ctx, "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(2 2,8 2,8 8,2 8,2 2)),"
                      "((4 4,6 4,6 6,4 6,4 4)))"));
    // Parts whose boxes overlap, neither inside the other.
    CHECK(proven(ctx, "MULTIPOLYGON(((0 0,10 0,10 1,1 1,1 10,0 10,0 0)),((2 2,10 2,10 10,2 10,2 2)))"));
}

TEST_CASE("rings that touch are left to GEOS, valid or not", "[valid_proof]")
{
    geos::Context ctx;
    // Valid (GEOS): a hole touching the shell at a point, parts touching at a
    // point, a repeated point; not proven.
    const char* valid[] = {
        "POLYGON((0 0,10 0,10 10,0 10,0 0),(0 5,5 3,5 7,0 5))",
        "POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,4 2,4 4,2 4,2 2),(4 4,6 4,6 6,4 6,4 4))",
        "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 1,2 1,2 2,1 2,1 1)))",
        "POLYGON((0 0,10 0,10 0,10 10,0 10,0 0))",
    };
    for (const char* wkt : valid) {
        INFO(wkt);
        CHECK(geos_valid(ctx, geos::from_wkt(ctx, wkt).get()));
        CHECK_FALSE(proven(ctx, wkt));
    }
    // Invalid (GEOS): none may be proven.
    const char* invalid[] = {
        "POLYGON((0 0,10 10,10 0,0 10,0 0))",                              // bow-tie
        "POLYGON((0 0,10 0,10 10,10 20,10 10,0 10,0 0))",                  // spike out
        "POLYGON((0 0,10 0,10 10,10 5,0 10,0 0))",                         // fold back along an edge
        "POLYGON((0 0,10 0,20 0,0 0))",                                    // collapsed
        "POLYGON((0 0,10 0,10 10,5 0,0 10,0 0))",                          // shell touches itself
        "POLYGON((0 0,10 0,10 10,0 10,0 0),(20 20,22 20,22 22,20 22,20 20))", // hole outside
        "POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,9 1,9 9,1 9,1 1),(2 2,3 2,3 3,2 3,2 2))", // nested holes
        "POLYGON((0 0,10 0,10 10,0 10,0 0),(5 5,15 5,15 6,5 6,5 5))",      // hole crossing the shell
        "POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,4 2,4 4,2 4,2 2),(2 2,4 2,4 4,2 4,2 2))", // the same hole twice
        "POLYGON((0 0,10 0,10 10,0 10,0 0),(0 0,5 2,5 5,0 0),(0 0,2 5,5 5,0 0))", // holes cutting the interior
        "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)),((2 2,4 2,4 4,2 4,2 2)))", // a part inside another
        "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)),((5 5,15 5,15 15,5 15,5 5)))", // parts overlapping
        "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)),((10 0,20 0,20 10,10 10,10 0)))", // sharing an edge
    };
    for (const char* wkt : invalid) {
        INFO(wkt);
        CHECK_FALSE(geos_valid(ctx, geos::from_wkt(ctx, wkt).get()));
        CHECK_FALSE(proven(ctx, wkt));
    }
    // Other types and empties are not the proof's.
    CHECK_FALSE(proven(ctx, "POINT(1 2)"));
    CHECK_FALSE(proven(ctx, "LINESTRING(0 0,1 1)"));
    CHECK_FALSE(proven(ctx, "POLYGON EMPTY"));
    CHECK_FALSE(proven(ctx, "MULTIPOLYGON EMPTY"));
    CHECK_FALSE(proven(ctx, "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),EMPTY)"));
}

TEST_CASE("random polygons on a coarse grid: every proof is GEOS's answer", "[valid_proof]")
{
    // Vertices on a 7 x 7 lattice, in random order, with random holes:
    // collinear edges, shared vertices, touching and crossing rings galore,
    // the cases where a proof would go wrong.
    geos::Context ctx;
    std::mt19937_64 rng(20261201);
    std::uniform_int_distribution<int> coord(0, 6), count(3, 7), holes(0, 2), parts(1, 3);
    auto ring = [&](int n, int scale, int dx, int dy) {
        std::ostringstream s;
        s << "(";
        int x0 = 0, y0 = 0;
        for (int k = 0; k < n; ++k) {
            const int x = coord(rng) * scale + dx, y = coord(rng) * scale + dy;
            if (k == 0)
                x0 = x, y0 = y;
            s << x << " " << y << ",";
        }
        s << x0 << " " << y0 << ")";
        return s.str();
    };
    int proofs = 0, valid = 0, tried = 0;
    for (int n = 0; n < 20000; ++n) {
        std::ostringstream wkt;
        const int np = parts(rng);
        wkt << "MULTIPOLYGON(";
        for (int p = 0; p < np; ++p) {
            wkt << (p ? "," : "") << "(" << ring(count(rng), 6, 0, 0);
            for (int h = holes(rng); h > 0; --h)
                wkt << "," << ring(count(rng), 1, 12, 12);
            wkt << ")";
        }
        wkt << ")";
        GEOSGeometry* raw = GEOSGeomFromWKT_r(ctx.handle(), wkt.str().c_str());
        if (!raw)
            continue; // a ring GEOS will not build
        geos::GeomPtr g = geos::own(ctx, raw, "wkt");
        ++tried;
        const bool v = geos_valid(ctx, g.get());
        const bool p = proven_valid(ctx, g.get());
        valid += v;
        proofs += p;
        if (p && !v)
            FAIL_CHECK("proven but invalid: " << wkt.str());
    }
    WARN(tried << " polygons, " << valid << " valid, " << proofs << " proven");
    CHECK(proofs > 50);
}

TEST_CASE("random star polygons with holes: proven when GEOS says valid and nothing touches",
          "[valid_proof]")
{
    geos::Context ctx;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> jitter(0.3, 1.0), unit(0, 1);
    int proofs = 0, valid = 0, invalid = 0;
    for (int n = 0; n < 3000; ++n) {
        const int k = 3 + static_cast<int>(unit(rng) * 200);
        const bool scramble = n % 4 == 0; // every fourth: vertices out of order
        std::vector<double> angles(k);
        for (int i = 0; i < k; ++i)
            angles[i] = 2 * M_PI * (i + unit(rng) * 0.9) / k;
        if (scramble)
            std::shuffle(angles.begin(), angles.end(), rng);
        std::ostringstream wkt;
        wkt.precision(17);
        wkt << "POLYGON((";
        for (int i = 0; i <= k; ++i) {
            const double a = angles[i % k], r = 1000 * (i % k == 0 ? 1.0 : jitter(rng));
            wkt << (i ? "," : "") << (i == k ? 1000 * std::cos(angles[0]) : r * std::cos(a)) << " "
                << (i == k ? 1000 * std::sin(angles[0]) : r * std::sin(a));
        }
        wkt << ")";
        // A small hole at the centre, inside every star (radii >= 300).
        if (n % 2)
            wkt << ",(-50 -50,-50 50,50 50,50 -50,-50 -50)";
        wkt << ")";
        geos::GeomPtr g = geos::from_wkt(ctx, wkt.str());
        const bool v = geos_valid(ctx, g.get());
        const bool p = proven_valid(ctx, g.get());
        valid += v;
        invalid += !v;
        proofs += p;
        if (p && !v)
            FAIL_CHECK("proven but invalid: " << wkt.str());
        if (v && !scramble)
            CHECK(p); // a star's rings never meet
    }
    CHECK(invalid > 100);
    CHECK(proofs > 1000);
    CHECK(valid >= proofs);
}

// CI runs it on the sample's layers; by hand, on others:
// REDLINE_VALID_LAYERS=/work/benchdata/full/layers.gpkg build/tests/redline_tests "[valid_proof_layers]".
TEST_CASE("on real layers, every feature proven valid is valid to GEOS", "[valid_proof][valid_proof_layers]")
{
    const char* env_path = std::getenv("REDLINE_VALID_LAYERS");
    const std::string path = env_path && *env_path ? env_path : REDLINE_SAMPLE_GPKG;
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    geos::Context ctx;
    std::size_t polygons = 0, proofs = 0;
    for (int l = 0; l < ds->GetLayerCount(); ++l)
        for (auto& f : *ds->GetLayer(l)) {
            const OGRGeometry* og = f->GetGeometryRef();
            if (!og || og->IsEmpty())
                continue;
            const auto type = wkbFlatten(og->getGeometryType());
            if (type != wkbPolygon && type != wkbMultiPolygon)
                continue;
            std::vector<unsigned char> wkb(static_cast<std::size_t>(og->WkbSize()));
            og->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            geos::GeomPtr g = geos::from_wkb(ctx, wkb);
            ++polygons;
            if (proven_valid(ctx, g.get())) {
                ++proofs;
                INFO(ds->GetLayer(l)->GetName() << " fid " << f->GetFID());
                CHECK(geos_valid(ctx, g.get()));
            }
        }
    WARN(polygons << " polygons in " << path << ", " << proofs << " proven valid");
    CHECK(polygons > 0);
    CHECK(proofs > polygons / 2);
}
