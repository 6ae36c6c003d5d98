// The packed R-tree of the layers (src/geometry/packed_rtree.hpp) against a
// scan of every box: the same items, touching boxes included.
#include "geometry/packed_rtree.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using redline::PackedRTree;
using redline::geos::Bounds;

namespace {

std::vector<std::uint32_t> scan(const std::vector<Bounds>& boxes, const Bounds& q)
{
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = 0; i < boxes.size(); ++i) {
        const Bounds& b = boxes[i];
        if (!(q.maxx < b.minx || q.maxy < b.miny || q.minx > b.maxx || q.miny > b.maxy))
            out.push_back(i);
    }
    return out;
}

std::vector<std::uint32_t> query(const PackedRTree& t, const Bounds& q)
{
    std::vector<std::uint32_t> out;
    t.query(q, out);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("packed R-tree: empty, one box, touching edges and corners", "[packed_rtree]")
{
    PackedRTree none(std::vector<Bounds>{});
    CHECK(query(none, Bounds{0, 0, 1, 1}).empty());

    PackedRTree one(std::vector<Bounds>{Bounds{0, 0, 10, 10}});
    CHECK(query(one, Bounds{5, 5, 5, 5}) == std::vector<std::uint32_t>{0});
    CHECK(query(one, Bounds{10, 10, 11, 11}) == std::vector<std::uint32_t>{0}); // corner touches
    CHECK(query(one, Bounds{10, 0, 20, 5}) == std::vector<std::uint32_t>{0});   // edge touches
    CHECK(query(one, Bounds{10.000001, 0, 20, 5}).empty());
    CHECK(query(one, Bounds{-5, -5, -0.000001, 20}).empty());

    // A grid of unit squares sharing edges: a point on a shared corner is in four.
    std::vector<Bounds> grid;
    for (int y = 0; y < 40; ++y)
        for (int x = 0; x < 40; ++x)
            grid.push_back(Bounds{double(x), double(y), double(x + 1), double(y + 1)});
    PackedRTree g(grid);
    CHECK(query(g, Bounds{7, 9, 7, 9}) == scan(grid, Bounds{7, 9, 7, 9}));
    CHECK(query(g, Bounds{7, 9, 7, 9}).size() == 4);
    CHECK(query(g, Bounds{-1, -1, 41, 41}).size() == grid.size());
}

TEST_CASE("packed R-tree: random boxes and points equal a scan", "[packed_rtree]")
{
    std::mt19937_64 rng(20261201);
    for (std::size_t n : {2u, 15u, 16u, 17u, 255u, 256u, 257u, 5000u}) {
        std::uniform_real_distribution<double> pos(0, 1000), size(0, 30);
        std::vector<Bounds> boxes;
        for (std::size_t i = 0; i < n; ++i) {
            const double x = pos(rng), y = pos(rng);
            const bool point = i % 7 == 0; // degenerate boxes: point features
            boxes.push_back(Bounds{x, y, point ? x : x + size(rng), point ? y : y + size(rng)});
        }
        boxes.push_back(boxes.front()); // a duplicate box
        PackedRTree t(boxes);
        CHECK(t.size() == boxes.size());
        for (int k = 0; k < 400; ++k) {
            const double x = pos(rng), y = pos(rng), w = k % 2 ? 0 : size(rng) * 3;
            const Bounds q{x, y, x + w, y + w};
            REQUIRE(query(t, q) == scan(boxes, q));
        }
        const Bounds& b = boxes[n / 2]; // exactly on a box's corner
        const Bounds corner{b.maxx, b.maxy, b.maxx, b.maxy};
        CHECK(query(t, corner) == scan(boxes, corner));
    }
}

TEST_CASE("packed R-tree: a point is answered by the grid as by a scan, on every corner and edge",
          "[packed_rtree]")
{
    // Point queries read the grid of cells: every box's corners, the
    // middles of its edges, points beyond the extent, and layers whose boxes
    // are huge (a coarser grid), on a line (no grid) or not finite.
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> pos(-500, 500), size(0, 40);
    auto check_points = [](const std::vector<Bounds>& boxes) {
        PackedRTree t(boxes);
        std::size_t hits = 0;
        for (const Bounds& b : boxes)
            for (double x : {b.minx, (b.minx + b.maxx) / 2, b.maxx, std::nextafter(b.maxx, 1e300)})
                for (double y : {b.miny, (b.miny + b.maxy) / 2, b.maxy, std::nextafter(b.miny, -1e300)}) {
                    const Bounds q{x, y, x, y};
                    const auto got = query(t, q);
                    REQUIRE(got == scan(boxes, q));
                    hits += got.size();
                }
        for (double x : {-1e9, 0.0, 1e9})
            for (double y : {-1e9, 1e9})
                CHECK(query(t, Bounds{x, y, x, y}) == scan(boxes, Bounds{x, y, x, y}));
        return hits;
    };
    std::vector<Bounds> small, huge, line, odd;
    for (int i = 0; i < 3000; ++i) {
        const double x = pos(rng), y = pos(rng);
        small.push_back(Bounds{x, y, x + size(rng), y + size(rng)});
        huge.push_back(Bounds{x, y, x + 400 + size(rng), y + 400 + size(rng)});
        line.push_back(Bounds{x, 5, x + size(rng), 5});
    }
    odd = small;
    odd[17] = Bounds{NAN, NAN, NAN, NAN};
    CHECK(check_points(small) > 0);
    CHECK(check_points(huge) > 0);
    CHECK(check_points(line) > 0);
    CHECK(check_points(odd) > 0);
}
