// Area by area: what a change of rulebook changed in each layer both
// rulebooks name (diff.hpp). added = new − old, removed = old − new, with
// the features that are identical in both cancelled first, so a province's
// unchanged red lines cost a hash lookup, not an overlay.
#include "redline/diff.hpp"

#include "geometry/convert.hpp"
#include "io/gdal.hpp"
#include "redline/engine.hpp"
#include "redline/error.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"

#include <map>

namespace redline {

namespace {

/// 1 mm: the grid of the fallback overlay when the exact one fails.
constexpr double k_snap_grid = 0.001;

/// A layer's polygon features in the new working CRS: their WKB and bounds.
struct Polygons {
    std::vector<std::vector<unsigned char>> wkb;
    std::vector<geos::Bounds> bounds;
};

Polygons polygons_of(const Layer& layer, OGRCoordinateTransformation* ct)
{
    Polygons out;
    for (const LayerFeature& f : layer.features()) {
        if (f.dimension != 2 || f.wkb.empty())
            continue;
        if (!ct) {
            out.wkb.push_back(f.wkb);
            out.bounds.push_back(f.bounds);
            continue;
        }
        gdal::GeometryPtr g = wkb_to_ogr(f.wkb);
        if (g->transform(ct) != OGRERR_NONE)
            throw LibraryError("cannot reproject layer '" + layer.name() + "' for the comparison");
        OGREnvelope e;
        g->getEnvelope(&e);
        out.wkb.push_back(ogr_to_wkb(*g));
        out.bounds.push_back({e.MinX, e.MinY, e.MaxX, e.MaxY});
    }
    return out;
}

bool meet(const geos::Bounds& a, const geos::Bounds& b)
{
    return a.minx <= b.maxx && b.minx <= a.maxx && a.miny <= b.maxy && b.miny <= a.maxy;
}

/// a − b, exactly; when GEOS cannot, on a 1 mm grid (OverlayNG snap-rounding).
geos::GeomPtr robust_difference(geos::Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b)
{
    try {
        return geos::difference(ctx, a, b);
    } catch (const LibraryError&) {
        ctx.clear_error();
        return geos::own(ctx, GEOSDifferencePrec_r(ctx.handle(), a, b, k_snap_grid), "difference (1 mm grid)");
    }
}

/// The union of the features of `mine` that are not in `theirs` (geometry
/// for geometry), minus every feature of `theirs` near them.
geos::GeomPtr only_in(geos::Context& ctx, const Polygons& mine, const Polygons& theirs)
{
    std::map<std::vector<unsigned char>, int> unmatched;
    for (const auto& w : theirs.wkb)
        ++unmatched[w];
    std::vector<geos::GeomPtr> own_parts, other_parts;
    std::vector<geos::Bounds> own_bounds;
    for (std::size_t i = 0; i < mine.wkb.size(); ++i) {
        auto it = unmatched.find(mine.wkb[i]);
        if (it != unmatched.end() && it->second > 0) {
            --it->second; // the same feature in both: nothing changed there
            continue;
        }
        own_parts.push_back(geos::from_wkb(ctx, mine.wkb[i]));
        own_bounds.push_back(mine.bounds[i]);
    }
    if (own_parts.empty())
        return nullptr;
    for (std::size_t j = 0; j < theirs.wkb.size(); ++j)
        for (const geos::Bounds& b : own_bounds)
            if (meet(b, theirs.bounds[j])) {
                other_parts.push_back(geos::from_wkb(ctx, theirs.wkb[j]));
                break;
            }
    auto raw = [](const std::vector<geos::GeomPtr>& v) {
        std::vector<const GEOSGeometry*> out;
        for (const auto& g : v)
            out.push_back(g.get());
        return out;
    };
    geos::GeomPtr own_union = geos::union_all(ctx, raw(own_parts));
    if (other_parts.empty())
        return own_union;
    geos::GeomPtr other_union = geos::union_all(ctx, raw(other_parts));
    return robust_difference(ctx, own_union.get(), other_union.get());
}

/// The polygons of `g` (a difference may leave lines and points on shared
/// edges), each at least `tolerance` m², as AreaChange rows.
void add_pieces(geos::Context& ctx, const GEOSGeometry* g, const std::string& layer, bool added,
                double tolerance, std::vector<AreaChange>& out)
{
    if (!g)
        return;
    geos::GeomPtr polys = geos::keep_dimension(ctx, g, 2);
    const int n = GEOSGetNumGeometries_r(ctx.handle(), polys.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx.handle(), polys.get(), i);
        if (geos::is_empty(ctx, part))
            continue;
        const double a = geos::area(ctx, part);
        if (a < tolerance)
            continue;
        out.push_back({layer, added, a, geos::to_wkb(ctx, part)});
    }
}

} // namespace

LayerChanges compare_layers(const Engine& old_engine, const Engine& new_engine)
{
    LayerChanges out;
    const Rulebook& nb = new_engine.rulebook();
    const Rulebook& ob = old_engine.rulebook();
    for (const LayerDef& d : nb.layers)
        if (!ob.find_layer(d.name))
            out.layers_added.push_back(d.name);
    for (const LayerDef& d : ob.layers)
        if (!nb.find_layer(d.name))
            out.layers_removed.push_back(d.name);

    const OGRSpatialReference& to = new_engine.layers().working_srs();
    const OGRSpatialReference& from = old_engine.layers().working_srs();
    gdal::TransformPtr ct;
    if (!from.IsSame(&to))
        ct = gdal::make_transform(from, to);
    geos::Context ctx;
    for (const auto& layer : new_engine.layers().all()) {
        const Layer* before = old_engine.layers().find(layer->name());
        if (!before)
            continue;
        const Polygons now = polygons_of(*layer, nullptr);
        const Polygons then = polygons_of(*before, ct.get());
        if (now.wkb.empty() && then.wkb.empty())
            continue; // points or lines: no area to compare
        out.compared.push_back(layer->name());
        const double tol = nb.area_tolerance;
        add_pieces(ctx, only_in(ctx, now, then).get(), layer->name(), true, tol, out.areas);
        add_pieces(ctx, only_in(ctx, then, now).get(), layer->name(), false, tol, out.areas);
    }
    return out;
}

} // namespace redline
