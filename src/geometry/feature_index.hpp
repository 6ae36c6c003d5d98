// A polygonal layer feature's rings, packed once when the layer loads and
// shared read-only by every thread, answering the questions a point site
// asks -- where is it (interior, boundary, exterior), how far, which point
// of the feature is nearest -- with the same answers, bit for bit, as the
// GEOS 3.11 prepared polygon the per-thread Workspace would build:
//   - locate: IndexedPointInAreaLocator (every closed ring's segments, the
//     RayCrossingCounter rules, CGAlgorithmsDD::orientationIndex: its
//     double filter then double-double arithmetic, replicated here);
//   - distance: 0 when not exterior, else the least Distance::pointToSegment
//     over every segment (GEOSPreparedDistance);
//   - nearest: LineSegment::closestPoint on the first segment, in ring order,
//     at that distance (GEOSPreparedNearestPoints, i.e. DistanceOp).
// The index: the vertices ring after ring; y-bands listing the segments
// whose y-range meets each band (locate visits only p.y's band); a packed
// box tree over runs of 16 segments (distance, branch and bound); a grid of
// cells over the feature's box, each either met by a segment's box or
// known interior or exterior (locate answers most points with one lookup,
// see build_grid() for why that is GEOS's answer too). Immutable
// after build(), so any number of threads may query it at once.
// Internal to the engine (src/), not public API.
#pragma once

#include "geometry/bucket.hpp"
#include "redline/geos.hpp"

#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace redline {

enum class PointLocation { interior, boundary, exterior };

/// What relate_ring() proves of a simple polygon (a site's shell) and the
/// feature: within its interior, disjoint from it, not within it (a vertex
/// lies in the feature's exterior; whether they meet is left open), or
/// nothing (their boundaries meet somewhere, or a ring of the feature lies
/// in the polygon).
enum class RingRelation { inside, outside, not_inside, unknown };

class FeatureIndex {
public:
    struct Point {
        double x = 0, y = 0;
    };
    struct Nearest {
        double distance = 0; ///< as GEOSPreparedDistance
        Point point;         ///< the feature's point at that distance
    };

    /// The index of a Polygon or MultiPolygon; null for any other geometry
    /// (points, lines, collections) or one with an empty part, which stay
    /// on GEOS. `g` is only read.
    static std::unique_ptr<const FeatureIndex> build(geos::Context& ctx, const GEOSGeometry* g);

    /// Where `p` lies. `p` must be finite.
    PointLocation locate(Point p) const;
    /// GEOSPreparedIntersects of the point.
    bool intersects(Point p) const { return locate(p) != PointLocation::exterior; }
    /// GEOSPreparedContains of the point.
    bool contains(Point p) const { return locate(p) == PointLocation::interior; }
    /// GEOSPreparedDistance to the point: 0 when it intersects.
    double distance(Point p) const;
    /// The distance and the feature's nearest point (the point itself when
    /// it intersects).
    Nearest nearest(Point p) const;

    /// For a simple closed ring (first point = last; a valid polygon's
    /// shell, no holes): `inside` when no segment of the feature meets the
    /// ring's edges, its vertices are all interior and no vertex of the
    /// feature lies in the polygon — then the polygon is within the
    /// feature's interior (GEOS contains); `outside` likewise with every
    /// vertex exterior (GEOS intersects is false); else `not_inside` when
    /// some vertex is exterior (GEOS contains is false: a point of the
    /// polygon lies outside the feature), else `unknown`. Every test is an
    /// exact orientation (the one locate() uses), and any touching gives
    /// `not_inside` or `unknown`, so a proven answer is GEOS's answer.
    RingRelation relate_ring(const std::vector<Point>& ring) const;

    std::size_t vertex_count() const { return m_pts.size(); }
    /// Cells of the grid that answer locate() on their own (0: no grid).
    std::size_t decided_cells() const;

private:
    struct Box {
        double minx, miny, maxx, maxy;
    };
    struct Chunk {
        std::uint32_t first; ///< segments (m_pts[j], m_pts[j + 1]), j in [first, first + count)
        std::uint32_t count;
    };
    struct Best; // the least distance so far and its segment
    FeatureIndex() = default;
    void add_ring(const std::vector<Point>& ring);
    void build_levels();
    void build_bands();
    /// The cell grid (none when marking it would cost too much).
    void build_grid();
    /// The state shared by every cell the box reaches (kCellMixed when they
    /// differ, there is no grid or the box reaches more than 64 cells).
    std::uint8_t box_cells(const Box& box) const;
    /// The columns segment ab marks in row r (one of its box's rows): every
    /// cell of the row holding a point of it is among them.
    std::pair<std::size_t, std::size_t> marked_cols(Point a, Point b, std::size_t r, bool fine) const;
    /// Locate by the bands alone (every segment whose y-range holds p.y).
    PointLocation locate_in_band(Point p) const;
    /// The band of `y`: monotone in y (each operation rounds monotonically),
    /// so a segment listed in bands band_of(ymin)..band_of(ymax) is in the
    /// band of every y it spans.
    std::size_t band_of(double y) const { return bucket_of(y, m_band_y0, m_band_scale, m_band_start.size() - 1); }
    void nearest_in(std::size_t level, std::size_t node, Point p, Best& best) const;
    /// relate_ring's walk of the tree: false as soon as a segment meets the
    /// ring or a vertex of the feature is in the polygon or on its edges.
    bool clear_of(std::size_t level, std::size_t node, const std::vector<Point>& ring, const Box& box) const;
    Best search(Point p) const;

    std::vector<Point> m_pts;   ///< every ring, in geometry order (shell, holes; part by part)
    std::vector<Chunk> m_chunks; ///< runs of at most kChunk segments of one ring, in ring order
    /// A packed tree over the chunks: level 0 holds each chunk's box, level
    /// k + 1 the box of each run of kFanout level-k nodes; the root last.
    std::vector<std::vector<Box>> m_levels;
    Box m_all{}; ///< the root's box, kept here: locate reads it first
    /// For locate: the feature's y-extent cut into equal bands; band b lists
    /// (by first vertex) every segment whose y-range meets it, so the
    /// segments whose y-range holds a point's y are all in its band.
    double m_band_y0 = 0, m_band_scale = 0;
    std::vector<std::uint32_t> m_band_start; ///< band b: m_band_segs[start[b], start[b + 1])
    std::vector<std::uint32_t> m_band_segs;
    /// The grid: m_cells[row * m_grid.cols + col] is kCellMixed when the box of
    /// some segment reaches the cell, else where every point of the cell
    /// lies (kCellInterior, kCellExterior). Empty: no grid.
    CellGrid m_grid;
    std::vector<std::uint8_t> m_cells;
};

} // namespace redline
