// The geometric predicates of SPEC §4, shared by every check: "overlaps"
// (with the area/length tolerances), "within a layer" and edge-to-edge
// distance. Each measures in the working CRS.
#pragma once

#include "redline/layer.hpp"
#include "redline/site.hpp"
#include "redline/workspace.hpp"

#include <cmath>
#include <deque>
#include <memory>

namespace redline {

struct Tolerances {
    double area = 0.01;   ///< m²
    double length = 0.01; ///< m
};

struct Overlap {
    bool hit = false;
    int dim = 0;         ///< dimension measured: 0 (intersects), 1 (length), 2 (area)
    double amount = NAN; ///< m² or m; NaN when dim is 0
    /// site ∩ feature (the evidence); set when hit, except when it is the
    /// whole site and the site carries its WKB (evidence_wkb returns that).
    /// Shared: the overlap memo hands the same piece to every check that
    /// asks. Made and freed with the GEOS context of the Engine::Worker that
    /// measured it, and never used by two threads at once (a worker screens
    /// one site at a time, on whichever lane thread runs it).
    std::shared_ptr<GEOSGeometry> piece;
    bool whole_site = false; ///< the part is the whole site
    /// The site is within the (polygonal) feature, boundary aside (GEOS
    /// contains); measured for line and polygon sites only.
    bool contained = false;
};

/// The overlaps measured for one site, so that each (feature, tolerances) is
/// measured once however many checks ask. Owned by the caller of the checks
/// (Engine::Worker: one per thread, cleared for every site).
class OverlapMemo {
public:
    void clear()
    {
        m_entries.clear();
        m_queries_used = 0;
    }
    const Overlap* find(const Layer& layer, std::size_t i, const Tolerances& tol) const;
    const Overlap& add(const Layer& layer, std::size_t i, const Tolerances& tol, Overlap o);
    /// Layer::query(bounds) of the site's bounds, asked of each layer once
    /// per site (the units and townships are asked by several checks).
    const std::vector<std::uint32_t>& candidates(const Layer& layer, const geos::Bounds& bounds);

private:
    struct Query {
        const Layer* layer = nullptr;
        std::vector<std::uint32_t> ids; // kept from site to site: no allocation once warm
    };
    std::deque<Query> m_queries; // grows without moving what candidates() returned
    std::size_t m_queries_used = 0;
    struct Entry {
        const Layer* layer;
        std::size_t feature;
        Tolerances tol;
        Overlap overlap;
    };
    std::vector<Entry> m_entries; // a handful per site: a scan beats hashing
};

/// Whether the site overlaps feature `i` of `layer`: a point intersects it
/// (boundary included); otherwise the intersection, measured in the lower
/// of the two dimensions, exceeds the tolerance. Touching never overlaps.
Overlap overlap(Workspace& ws, const Site& site, const Layer& layer, std::size_t i,
                const Tolerances& tol);

/// Every feature of `subset` the site overlaps, in layer order.
struct Hit {
    std::size_t feature;
    Overlap overlap;
};
std::vector<Hit> overlaps(Workspace& ws, const Site& site, const LayerSubset& subset,
                          const Tolerances& tol);

struct Outside {
    bool within = true;
    double amount = NAN; ///< area m² / length m outside; NaN for points
    double share = 0;    ///< % of the site outside
    geos::GeomPtr piece; ///< the part outside (set when not within; as Overlap::piece for a whole site)
    bool whole_site = false; ///< the part is the whole site
    /// The site is within the (polygonal) feature, boundary aside (GEOS
    /// contains); measured for line and polygon sites only.
    bool contained = false;
};

/// Evidence WKB for a measured piece (null: none): the site's own WKB when
/// the piece is the whole site and the site carries it.
std::vector<unsigned char> evidence_wkb(Workspace& ws, const Site& site, const GEOSGeometry* piece,
                                        bool whole_site);

/// Whether the site is within `subset`: a point intersects one of its
/// features; a line or polygon has no part outside the union of the
/// features it overlaps longer/larger than the tolerance.
Outside outside(Workspace& ws, const Site& site, const LayerSubset& subset, const Tolerances& tol);

/// Edge-to-edge distance (0 inside) and the shortest line's WKB.
struct Distance {
    double metres = 0;
    std::vector<unsigned char> line; ///< LINESTRING site->feature, or POINT when 0
};
/// The shortest line is computed only when the distance is below `line_below`
/// (a setback draws it for the features too close, and only for them).
Distance distance(Workspace& ws, const Site& site, const Layer& layer, std::size_t i,
                  double line_below = INFINITY);

/// Zoning: a polygon containing every point closer than `metres` to `g`
/// (edge to edge, 0 inside), whose boundary lies between `metres + slack/2`
/// and `metres + slack` of `g` -- on the safe side of a setback: never
/// smaller than the open set it draws. Built exactly from its pieces (`g`'s
/// polygons, a rectangle per segment, at each vertex the wedge of directions
/// in which the vertex is the nearest point, arcs drawn with chords beyond
/// the distance), not with GEOS's buffer, whose input simplification can move
/// a boundary by up to 1% of the distance. Null when `metres` <= 0.
geos::GeomPtr within_distance(geos::Context& ctx, const GEOSGeometry* g, double metres, double slack);

} // namespace redline
