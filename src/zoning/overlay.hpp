// Internal: the overlay behind compute_zoning(). Faces of one coverage cell
// are split by candidate polygons (the layers' repaired, valid features and
// the drawn setback regions) with OverlayNG in floating precision
// (GEOSIntersection_r / GEOSDifference_r, which fall back to snapping only
// where floating noding fails): a face's edges stay where they are, so the
// faces of neighbouring cells never overlap. A split whose smaller side is
// below the area tolerance is no split, and faces thinner than the sliver
// width are joined to a neighbour (no slivers). Each face
// remembers which features of the label layers (coverage, townships, units)
// it lies in, so that a candidate that is such a feature is decided without
// geometry: the same feature covers it, another one that does not overlap
// it in area (a neighbour in a tiling) misses it.
#pragma once

#include "redline/geos.hpp"
#include "redline/layer.hpp"

#include <cstdint>
#include <functional>
#include <set>
#include <utility>
#include <vector>

namespace redline::zoning {

/// Layer features' polygonal parts, prepared, built on first use; and, for
/// the label layers, which pairs of features overlap in area.
class FeatureCache {
public:
    FeatureCache(geos::Context& ctx, const LayerSet& layers);
    /// Polygonal parts of feature `i` (null: none).
    const GEOSGeometry* geometry(const Layer& layer, std::uint32_t i);
    const GEOSPreparedGeometry* prepared(const Layer& layer, std::uint32_t i);
    /// A copy of `g`'s polygonal parts (null: none).
    geos::GeomPtr polygons(const GEOSGeometry* g);
    /// Whether features `a` and `b` of `layer` overlap in area (a == b: yes).
    bool overlapping(const Layer& layer, std::uint32_t a, std::uint32_t b);
    geos::Context& ctx() { return m_ctx; }

private:
    void load(const Layer& layer, std::uint32_t i);
    const std::set<std::pair<std::uint32_t, std::uint32_t>>& pairs(const Layer& layer);
    struct PerLayer {
        std::vector<char> done;
        std::vector<geos::GeomPtr> geoms;
        std::vector<geos::PreparedPtr> prepared; // destroyed before geoms
        bool pairs_done = false;
        std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
    };
    geos::Context& m_ctx;
    const LayerSet& m_layers;
    std::vector<PerLayer> m_per_layer;
};

/// A polygon to split faces by: a label layer's feature or another
/// geometry (then `layer` is null).
struct Candidate {
    const GEOSGeometry* geometry = nullptr;
    const GEOSPreparedGeometry* prepared = nullptr;
    geos::Bounds bounds;
    const Layer* layer = nullptr;
    std::uint32_t feature = 0;
};

struct Face {
    geos::GeomPtr geometry;
    geos::Bounds bounds;
    std::vector<std::pair<const Layer*, std::uint32_t>> known; ///< label features it lies in
    std::vector<std::uint32_t> pieces; ///< region pieces holding it, ascending
    std::vector<std::uint32_t> townships, units; ///< feature indexes, ascending
};

/// Splits `faces` by the union of `candidates` and calls `inside(face)` for
/// every face inside it (`outside` false) or outside it (`outside` true).
void split_by_union(FeatureCache& cache, std::vector<Face>& faces, const std::vector<Candidate>& candidates,
                    double tolerance, bool outside, const std::function<void(Face&)>& inside);

/// Splits `faces` by each candidate of a label layer in turn (features may
/// overlap) and calls `inside(face, candidate)` for every face inside it.
void split_by_each(FeatureCache& cache, std::vector<Face>& faces, const std::vector<Candidate>& candidates,
                   double tolerance, const std::function<void(Face&, const Candidate&)>& inside);

/// Joins each face thinner than `width` everywhere (or smaller than
/// `tolerance`) to the largest face of the cell it touches: no point of it
/// is farther than width/2 from a boundary, and it would be a sliver.
void merge_slivers(FeatureCache& cache, std::vector<Face>& faces, double width, double tolerance);

/// Polygonal parts of `g` with area, as one geometry; null when none.
geos::GeomPtr polygonal(geos::Context& ctx, geos::GeomPtr g);

bool overlaps(const geos::Bounds& a, const geos::Bounds& b);

} // namespace redline::zoning
