#include "geometry/feature_index.hpp"

#include "geometry/exact.hpp"

#include "redline/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

// The arithmetic below and in exact.hpp replicates GEOS 3.11.1 operation
// for operation (algorithm/RayCrossingCounter.cpp,
// algorithm/CGAlgorithmsDD.{h,cpp}, math/DD.cpp, algorithm/Distance.cpp,
// geom/LineSegment.cpp): the results must be the ones GEOS gives, not
// merely close. The file is compiled with -ffp-contract=off
// (CMakeLists.txt) so that no multiply-add is fused.

namespace redline {

namespace {

using Point = FeatureIndex::Point;
using exact::boxes_meet;
using exact::orientation_index;
using exact::segments_may_meet;
using Crossings = exact::Crossings<Point>;

constexpr std::size_t kChunk = 16; // segments per leaf
constexpr std::size_t kFanout = 8; // children per node

// ---- Distance::pointToSegment, LineSegment::closestPoint --------------------

double point_distance(Point a, Point b) // Coordinate::distance
{
    const double dx = a.x - b.x, dy = a.y - b.y;
    return std::sqrt(dx * dx + dy * dy);
}

double point_to_segment(Point p, Point A, Point B)
{
    if (A.x == B.x && A.y == B.y)
        return point_distance(p, A);
    const double r = ((p.x - A.x) * (B.x - A.x) + (p.y - A.y) * (B.y - A.y)) /
                     ((B.x - A.x) * (B.x - A.x) + (B.y - A.y) * (B.y - A.y));
    if (r <= 0.0)
        return point_distance(p, A);
    if (r >= 1.0)
        return point_distance(p, B);
    const double s = ((A.y - p.y) * (B.x - A.x) - (A.x - p.x) * (B.y - A.y)) /
                     ((B.x - A.x) * (B.x - A.x) + (B.y - A.y) * (B.y - A.y));
    return std::fabs(s) * std::sqrt(((B.x - A.x) * (B.x - A.x) + (B.y - A.y) * (B.y - A.y)));
}

Point closest_point(Point p, Point p0, Point p1)
{
    double factor = 0;
    if (p.x == p0.x && p.y == p0.y) {
        factor = 0.0;
    } else if (p.x == p1.x && p.y == p1.y) {
        factor = 1.0;
    } else {
        const double dx = p1.x - p0.x, dy = p1.y - p0.y;
        const double len2 = dx * dx + dy * dy;
        factor = ((p.x - p0.x) * dx + (p.y - p0.y) * dy) / len2;
    }
    if (factor > 0 && factor < 1) // LineSegment::project(factor)
        return {p0.x + factor * (p1.x - p0.x), p0.y + factor * (p1.y - p0.y)};
    return point_distance(p0, p) < point_distance(p1, p) ? p0 : p1;
}

// ---- reading the rings --------------------------------------------------------

/// The ring's coordinates, or false when it is empty.
bool ring_points(geos::Context& ctx, const GEOSGeometry* ring, std::vector<Point>& out)
{
    out.clear();
    const GEOSCoordSequence* seq = ring ? GEOSGeom_getCoordSeq_r(ctx.handle(), ring) : nullptr;
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n))
        throw LibraryError("GEOS ring coordinates: " + ctx.last_error());
    if (n < 2)
        return false;
    out.resize(n);
    static_assert(sizeof(Point) == 2 * sizeof(double));
    if (!GEOSCoordSeq_copyToBuffer_r(ctx.handle(), seq, &out.front().x, 0, 0))
        throw LibraryError("GEOS ring coordinates: " + ctx.last_error());
    return true;
}

double box_distance(const double minx, const double miny, const double maxx, const double maxy,
                    Point p)
{
    const double dx = std::max({minx - p.x, 0.0, p.x - maxx});
    const double dy = std::max({miny - p.y, 0.0, p.y - maxy});
    return std::sqrt(dx * dx + dy * dy);
}

} // namespace

struct FeatureIndex::Best {
    double distance = std::numeric_limits<double>::infinity();
    std::uint32_t segment = std::numeric_limits<std::uint32_t>::max();
};

std::unique_ptr<const FeatureIndex> FeatureIndex::build(geos::Context& ctx, const GEOSGeometry* g)
{
    GEOSContextHandle_t h = ctx.handle();
    const int type = GEOSGeomTypeId_r(h, g);
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
        return nullptr;
    std::unique_ptr<FeatureIndex> out(new FeatureIndex());
    std::vector<Point> ring;
    const int parts = type == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, g);
    for (int k = 0; k < parts; ++k) {
        const GEOSGeometry* poly = type == GEOS_POLYGON ? g : GEOSGetGeometryN_r(h, g, k);
        if (!ring_points(ctx, GEOSGetExteriorRing_r(h, poly), ring))
            return nullptr;
        out->add_ring(ring);
        const int holes = GEOSGetNumInteriorRings_r(h, poly);
        for (int i = 0; i < holes; ++i) {
            if (!ring_points(ctx, GEOSGetInteriorRingN_r(h, poly, i), ring))
                return nullptr;
            out->add_ring(ring);
        }
    }
    if (out->m_pts.size() >= std::numeric_limits<std::uint32_t>::max() || out->m_chunks.empty())
        return nullptr;
    out->build_levels();
    out->build_bands();
    out->build_grid();
    return out;
}

void FeatureIndex::add_ring(const std::vector<Point>& ring)
{
    const std::size_t base = m_pts.size();
    m_pts.insert(m_pts.end(), ring.begin(), ring.end());
    const std::size_t segments = ring.size() - 1;
    std::vector<Box>& leaves = m_levels.empty() ? m_levels.emplace_back() : m_levels.front();
    for (std::size_t s = 0; s < segments; s += kChunk) {
        const std::size_t count = std::min(kChunk, segments - s);
        Box b{ring[s].x, ring[s].y, ring[s].x, ring[s].y};
        for (std::size_t j = s + 1; j <= s + count; ++j) {
            b.minx = std::min(b.minx, ring[j].x);
            b.miny = std::min(b.miny, ring[j].y);
            b.maxx = std::max(b.maxx, ring[j].x);
            b.maxy = std::max(b.maxy, ring[j].y);
        }
        m_chunks.push_back({static_cast<std::uint32_t>(base + s), static_cast<std::uint32_t>(count)});
        leaves.push_back(b);
    }
}

void FeatureIndex::build_levels()
{
    // Chunks follow the rings, so runs of consecutive chunks are compact.
    while (m_levels.back().size() > 1) {
        const std::vector<Box>& below = m_levels.back();
        std::vector<Box> level;
        level.reserve((below.size() + kFanout - 1) / kFanout);
        for (std::size_t i = 0; i < below.size(); i += kFanout) {
            Box b = below[i];
            for (std::size_t j = i + 1; j < std::min(i + kFanout, below.size()); ++j) {
                b.minx = std::min(b.minx, below[j].minx);
                b.miny = std::min(b.miny, below[j].miny);
                b.maxx = std::max(b.maxx, below[j].maxx);
                b.maxy = std::max(b.maxy, below[j].maxy);
            }
            level.push_back(b);
        }
        m_levels.push_back(std::move(level));
    }
    m_all = m_levels.back().front();
    for (auto& level : m_levels)
        level.shrink_to_fit();
    m_pts.shrink_to_fit();
    m_chunks.shrink_to_fit();
}

void FeatureIndex::build_bands()
{
    const Box& all = m_all;
    std::size_t segments = 0;
    for (const Chunk& c : m_chunks)
        segments += c.count;
    // About 4 segments a band; fewer bands when long segments would be
    // listed too often (at most 8 listings a segment on average).
    std::size_t bands = std::clamp<std::size_t>(segments / 4, 1, 1u << 20);
    for (;;) {
        m_band_y0 = all.miny;
        m_band_scale = all.maxy > all.miny ? static_cast<double>(bands) / (all.maxy - all.miny) : 0.0;
        m_band_start.assign(bands + 2, 0);
        for (const Chunk& c : m_chunks)
            for (std::uint32_t j = c.first; j < c.first + c.count; ++j) {
                const auto [lo, hi] = std::minmax(m_pts[j].y, m_pts[j + 1].y);
                for (std::size_t b = band_of(lo); b <= band_of(hi); ++b)
                    ++m_band_start[b + 1];
            }
        std::size_t total = 0;
        for (std::size_t b = 0; b <= bands; ++b)
            total += m_band_start[b + 1];
        if (total <= 8 * segments + 64 || bands == 1)
            break;
        bands = std::max<std::size_t>(1, bands / 4);
    }
    for (std::size_t b = 1; b < m_band_start.size(); ++b)
        m_band_start[b] += m_band_start[b - 1];
    m_band_segs.resize(m_band_start.back());
    std::vector<std::uint32_t> fill(m_band_start.begin(), m_band_start.end() - 1);
    for (const Chunk& c : m_chunks) // in ring order, each band's list too
        for (std::uint32_t j = c.first; j < c.first + c.count; ++j) {
            const auto [lo, hi] = std::minmax(m_pts[j].y, m_pts[j + 1].y);
            for (std::size_t b = band_of(lo); b <= band_of(hi); ++b)
                m_band_segs[fill[b]++] = j;
        }
    m_band_start.shrink_to_fit();
}

namespace {

constexpr std::uint8_t kCellMixed = 0, kCellInterior = 1, kCellExterior = 2;

} // namespace

void FeatureIndex::build_grid()
{
    // Why a cell's answer is GEOS's. m_grid.col/row are monotone (bucket_of), so a
    // point of segment s lies in a cell of columns col(s.minx)..col(s.maxx)
    // and rows row(s.miny)..row(s.maxy): every such cell is marked mixed,
    // and an unmarked cell (the points mapping to it: a rectangle) holds no
    // boundary point, so all of it is interior or all exterior. Which one is
    // the parity of the crossings of one point of it (below: the rows'
    // sweep). And GEOS agrees at every such point p: for a segment that
    // straddles p.y, p is off its box in x, so (RayCrossingCounter) either
    // both ends are left of p (skipped) or both right, and then
    // orientationIndexFilter's two products have opposite signs and it
    // returns the sign of their difference, which has no cancellation:
    // the true side, without the double-double stage.
    const Box& all = m_all;
    const double w = all.maxx - all.minx, h = all.maxy - all.miny;
    std::size_t segments = 0;
    for (const Chunk& c : m_chunks)
        segments += c.count;
    if (!(w > 0) || !(h > 0) || !std::isfinite(w) || !std::isfinite(h))
        return;
    const double target = static_cast<double>(std::clamp<std::size_t>(8 * segments, 64, 1u << 22));
    m_grid = CellGrid::over(all.minx, all.miny, all.maxx, all.maxy, target, 4096.0);
    std::vector<std::uint8_t> cells(m_grid.size(), kCellExterior);
    // marked_cols() narrows a sloping segment's columns row by row when a
    // column is far wider than the rounding of its x.
    const double magnitude = std::max({std::abs(all.minx), std::abs(all.maxx), 1.0});
    const bool fine_cols = w / static_cast<double>(m_grid.cols) > 1e-6 * magnitude;
    // Mark: stop (no grid) when long segments would mark the cells over and over.
    std::size_t work = 0;
    const std::size_t budget = 32 * cells.size() + 8 * segments;
    for (const Chunk& c : m_chunks)
        for (std::uint32_t j = c.first; j < c.first + c.count; ++j) {
            const Point a = m_pts[j], b = m_pts[j + 1];
            const std::size_t r0 = m_grid.row(std::min(a.y, b.y)), r1 = m_grid.row(std::max(a.y, b.y));
            const bool sloping = fine_cols && r1 - r0 >= 2;
            for (std::size_t r = r0; r <= r1; ++r) {
                const auto [lo, hi] = marked_cols(a, b, r, sloping);
                std::fill_n(cells.begin() + static_cast<std::ptrdiff_t>(r * m_grid.cols + lo), hi - lo + 1, kCellMixed);
                work += hi - lo + 1;
            }
            if (work > budget) {
                m_grid = CellGrid{};
                return;
            }
        }
    // Each row: one y of it; a segment that the ray from a point of an
    // unmarked cell at that y crosses (RayCrossingCounter's rule) lies, at
    // that y, right of the cell exactly when the first column it marks in
    // the row is: count per column, then sum from the right.
    std::vector<std::uint8_t> flips(m_grid.cols + 1);
    for (std::size_t r = 0; r < m_grid.rows; ++r) {
        const double y = m_grid.y0 + (static_cast<double>(r) + 0.5) / m_grid.sy;
        std::uint8_t* row = cells.data() + r * m_grid.cols;
        if (!(y >= all.miny && y <= all.maxy) || m_grid.row(y) != r) {
            std::fill_n(row, m_grid.cols, kCellMixed); // no point of its own: ask the bands
            continue;
        }
        std::fill(flips.begin(), flips.end(), 0);
        const std::size_t b = band_of(y);
        for (std::uint32_t k = m_band_start[b]; k < m_band_start[b + 1]; ++k) {
            const Point p1 = m_pts[m_band_segs[k]], p2 = m_pts[m_band_segs[k] + 1];
            if ((p1.y > y && p2.y <= y) || (p2.y > y && p1.y <= y))
                flips[marked_cols(p1, p2, r, fine_cols).first] ^= 1;
        }
        std::uint8_t parity = 0;
        for (std::size_t col = m_grid.cols; col-- > 0;) {
            parity ^= flips[col + 1];
            if (row[col] != kCellMixed)
                row[col] = parity ? kCellInterior : kCellExterior;
        }
    }
    m_cells = std::move(cells);
}

std::size_t FeatureIndex::decided_cells() const
{
    return static_cast<std::size_t>(
        std::count_if(m_cells.begin(), m_cells.end(), [](std::uint8_t c) { return c != kCellMixed; }));
}

std::pair<std::size_t, std::size_t> FeatureIndex::marked_cols(Point a, Point b, std::size_t r, bool fine) const
{
    // Its box's columns, or (a sloping segment over several rows and
    // columns) those of its x over row r's y-range, a little wider.
    const std::size_t c0 = m_grid.col(std::min(a.x, b.x)), c1 = m_grid.col(std::max(a.x, b.x));
    if (!fine || c1 - c0 < 2)
        return {c0, c1};
    const std::size_t r0 = m_grid.row(std::min(a.y, b.y)), r1 = m_grid.row(std::max(a.y, b.y));
    if (r1 - r0 < 2)
        return {c0, c1};
    // The rows' y-bounds are rounded: widen them by a millionth of a row,
    // and the columns found by one on each side (x rounds far less).
    const double pad = 1e-6 / m_grid.sy;
    const double miny = std::min(a.y, b.y), maxy = std::max(a.y, b.y);
    const double ylo = std::max(miny, m_grid.y0 + static_cast<double>(r) / m_grid.sy - pad);
    const double yhi = std::min(maxy, m_grid.y0 + static_cast<double>(r + 1) / m_grid.sy + pad);
    const double minx = std::min(a.x, b.x), maxx = std::max(a.x, b.x);
    auto x_at = [&](double y) { return std::clamp(a.x + (y - a.y) * ((b.x - a.x) / (b.y - a.y)), minx, maxx); };
    const double xa = x_at(ylo), xb = x_at(yhi);
    const std::size_t lo = m_grid.col(std::min(xa, xb)), hi = m_grid.col(std::max(xa, xb));
    return {std::max(c0, lo == 0 ? 0 : lo - 1), std::min(c1, hi + 1)};
}

PointLocation FeatureIndex::locate(Point p) const
{
    const Box& all = m_all;
    if (p.y < all.miny || p.y > all.maxy || p.x > all.maxx)
        return PointLocation::exterior;
    if (!m_cells.empty()) {
        const std::uint8_t cell = m_cells[m_grid.row(p.y) * m_grid.cols + m_grid.col(p.x)];
        if (cell == kCellInterior)
            return PointLocation::interior;
        if (cell == kCellExterior)
            return PointLocation::exterior;
    }
    return locate_in_band(p);
}

PointLocation FeatureIndex::locate_in_band(Point p) const
{
    // IndexedPointInAreaLocator: count every segment whose y-range holds
    // p.y (the others never count); they all sit in p.y's band. Outside
    // the feature's box nothing counts: exterior.
    const Box& all = m_all;
    if (p.y < all.miny || p.y > all.maxy || p.x > all.maxx)
        return PointLocation::exterior;
    Crossings c{p};
    const std::size_t b = band_of(p.y);
    for (std::uint32_t k = m_band_start[b]; k < m_band_start[b + 1]; ++k) {
        const std::uint32_t j = m_band_segs[k];
        c.add(m_pts[j], m_pts[j + 1]);
        if (c.on_segment)
            return PointLocation::boundary; // whatever else crosses
    }
    return c.count % 2 == 1 ? PointLocation::interior : PointLocation::exterior;
}

void FeatureIndex::nearest_in(std::size_t level, std::size_t node, Point p, Best& best) const
{
    if (level == 0) {
        const Chunk& ch = m_chunks[node];
        for (std::uint32_t j = ch.first; j < ch.first + ch.count; ++j) {
            const double d = point_to_segment(p, m_pts[j], m_pts[j + 1]);
            // DistanceOp keeps the first segment, in ring order, at the least distance.
            if (d < best.distance || (d == best.distance && j < best.segment))
                best = {d, j};
        }
        return;
    }
    const std::vector<Box>& below = m_levels[level - 1];
    const std::size_t first = node * kFanout;
    const std::size_t end = std::min(first + kFanout, below.size());
    std::array<std::pair<double, std::size_t>, kFanout> order;
    std::size_t n = 0;
    for (std::size_t i = first; i < end; ++i)
        order[n++] = {box_distance(below[i].minx, below[i].miny, below[i].maxx, below[i].maxy, p), i};
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
    for (std::size_t k = 0; k < n; ++k) {
        // A box's distance bounds its segments' from below, but both are
        // rounded: skip a box only when it is clearly farther, so that no
        // segment at (or rounding to) the least distance is ever skipped.
        const double lb = order[k].first;
        if (lb - 1e-6 - 1e-9 * lb > best.distance)
            break;
        nearest_in(level - 1, order[k].second, p, best);
    }
}

FeatureIndex::Best FeatureIndex::search(Point p) const
{
    Best best;
    nearest_in(m_levels.size() - 1, 0, p, best);
    return best;
}

double FeatureIndex::distance(Point p) const
{
    if (intersects(p))
        return 0.0;
    return search(p).distance;
}

FeatureIndex::Nearest FeatureIndex::nearest(Point p) const
{
    if (intersects(p))
        return {0.0, p};
    const Best best = search(p);
    return {best.distance, closest_point(p, m_pts[best.segment], m_pts[best.segment + 1])};
}

bool FeatureIndex::clear_of(std::size_t level, std::size_t node, const std::vector<Point>& ring,
                            const Box& box) const
{
    if (level == 0) {
        const Chunk& ch = m_chunks[node];
        for (std::uint32_t j = ch.first; j < ch.first + ch.count; ++j) {
            const Point a = m_pts[j], b = m_pts[j + 1];
            if (!boxes_meet(std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.x, b.x), std::max(a.y, b.y),
                            box.minx, box.miny, box.maxx, box.maxy))
                continue;
            for (std::size_t e = 0; e + 1 < ring.size(); ++e)
                if (segments_may_meet(a, b, ring[e], ring[e + 1]))
                    return false;
            // No edge is met: a vertex of the feature inside the polygon
            // means a whole ring of it is.
            if (a.x >= box.minx && a.x <= box.maxx && a.y >= box.miny && a.y <= box.maxy) {
                Crossings c{a};
                for (std::size_t e = 0; e + 1 < ring.size() && !c.on_segment; ++e)
                    c.add(ring[e], ring[e + 1]);
                if (c.on_segment || c.count % 2 == 1)
                    return false;
            }
        }
        return true;
    }
    const std::vector<Box>& below = m_levels[level - 1];
    const std::size_t first = node * kFanout;
    const std::size_t end = std::min(first + kFanout, below.size());
    for (std::size_t i = first; i < end; ++i)
        if (boxes_meet(below[i].minx, below[i].miny, below[i].maxx, below[i].maxy, box.minx, box.miny,
                       box.maxx, box.maxy) &&
            !clear_of(level - 1, i, ring, box))
            return false;
    return true;
}

std::uint8_t FeatureIndex::box_cells(const Box& box) const
{
    // The polygon lies in its box, the box in the cells of its corners'
    // rows and columns (monotone): when they are all interior (exterior),
    // so is all of the polygon, its boundary included.
    if (m_cells.empty())
        return kCellMixed;
    const std::size_t c0 = m_grid.col(box.minx), c1 = m_grid.col(box.maxx);
    const std::size_t r0 = m_grid.row(box.miny), r1 = m_grid.row(box.maxy);
    if ((c1 - c0 + 1) * (r1 - r0 + 1) > 64)
        return kCellMixed;
    const std::uint8_t first = m_cells[r0 * m_grid.cols + c0];
    for (std::size_t r = r0; r <= r1; ++r)
        for (std::size_t c = c0; c <= c1; ++c)
            if (m_cells[r * m_grid.cols + c] != first)
                return kCellMixed;
    return first;
}

RingRelation FeatureIndex::relate_ring(const std::vector<Point>& ring) const
{
    if (ring.size() < 4)
        return RingRelation::unknown;
    Box box{ring[0].x, ring[0].y, ring[0].x, ring[0].y};
    for (const Point& p : ring) {
        box.minx = std::min(box.minx, p.x);
        box.miny = std::min(box.miny, p.y);
        box.maxx = std::max(box.maxx, p.x);
        box.maxy = std::max(box.maxy, p.y);
    }
    const Box& all = m_all;
    if (!boxes_meet(all.minx, all.miny, all.maxx, all.maxy, box.minx, box.miny, box.maxx, box.maxy))
        return RingRelation::outside;
    if (const auto cells = box_cells(box); cells != kCellMixed)
        return cells == kCellInterior ? RingRelation::inside : RingRelation::outside;
    // Every vertex located (the last repeats the first): all of one kind,
    // interior or exterior, may prove inside or apart; any exterior one
    // proves "not inside" whatever the others are.
    const PointLocation first = locate(ring[0]);
    bool same = first != PointLocation::boundary;
    bool exterior = first == PointLocation::exterior;
    for (std::size_t k = 1; k + 1 < ring.size(); ++k) {
        const PointLocation at = locate(ring[k]);
        same = same && at == first;
        exterior = exterior || at == PointLocation::exterior;
        if (!same && exterior)
            return RingRelation::not_inside;
    }
    if (same && clear_of(m_levels.size() - 1, 0, ring, box))
        return first == PointLocation::interior ? RingRelation::inside : RingRelation::outside;
    return exterior ? RingRelation::not_inside : RingRelation::unknown;
}

} // namespace redline
