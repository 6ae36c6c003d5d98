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

#include <algorithm>
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

std::vector<const GEOSGeometry*> raw(const std::vector<geos::GeomPtr>& v)
{
    std::vector<const GEOSGeometry*> out;
    for (const auto& g : v)
        out.push_back(g.get());
    return out;
}

/// The features of `mine` whose geometry is not in `theirs` (each match used once).
std::vector<std::size_t> unmatched_features(const Polygons& mine, const Polygons& theirs)
{
    std::map<std::vector<unsigned char>, int> left;
    for (const auto& w : theirs.wkb)
        ++left[w];
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < mine.wkb.size(); ++i) {
        auto it = left.find(mine.wkb[i]);
        if (it != left.end() && it->second > 0)
            --it->second; // the same feature in both: nothing changed there
        else
            out.push_back(i);
    }
    return out;
}

/// `features` grouped into clusters whose bounds meet (transitively), each
/// cluster in input order, clusters by their first feature: overlays stay local.
std::vector<std::vector<std::size_t>> clusters(const Polygons& p, const std::vector<std::size_t>& features)
{
    std::vector<std::size_t> parent(features.size());
    for (std::size_t i = 0; i < parent.size(); ++i)
        parent[i] = i;
    auto root = [&](std::size_t i) {
        while (parent[i] != i)
            i = parent[i] = parent[parent[i]];
        return i;
    };
    std::vector<std::size_t> by_x(features.size());
    for (std::size_t i = 0; i < by_x.size(); ++i)
        by_x[i] = i;
    std::sort(by_x.begin(), by_x.end(),
              [&](std::size_t a, std::size_t b) { return p.bounds[features[a]].minx < p.bounds[features[b]].minx; });
    for (std::size_t k = 0; k < by_x.size(); ++k)
        for (std::size_t m = k + 1; m < by_x.size(); ++m) {
            const geos::Bounds& a = p.bounds[features[by_x[k]]];
            const geos::Bounds& b = p.bounds[features[by_x[m]]];
            if (b.minx > a.maxx)
                break;
            if (meet(a, b))
                parent[root(by_x[m])] = root(by_x[k]);
        }
    std::map<std::size_t, std::size_t> slot; // root -> cluster
    std::vector<std::vector<std::size_t>> out;
    for (std::size_t i = 0; i < features.size(); ++i) {
        auto [it, fresh] = slot.emplace(root(i), out.size());
        if (fresh)
            out.emplace_back();
        out[it->second].push_back(features[i]);
    }
    return out;
}

/// Where the features of `mine` that are not in `theirs` reach beyond
/// `theirs`: per cluster, its union minus the features of `theirs` near it.
std::vector<geos::GeomPtr> only_in(geos::Context& ctx, const Polygons& mine, const Polygons& theirs)
{
    std::vector<geos::GeomPtr> out;
    for (const auto& cluster : clusters(mine, unmatched_features(mine, theirs))) {
        std::vector<geos::GeomPtr> own, other;
        for (std::size_t i : cluster)
            own.push_back(geos::from_wkb(ctx, mine.wkb[i]));
        for (std::size_t j = 0; j < theirs.wkb.size(); ++j)
            for (std::size_t i : cluster)
                if (meet(mine.bounds[i], theirs.bounds[j])) {
                    other.push_back(geos::from_wkb(ctx, theirs.wkb[j]));
                    break;
                }
        geos::GeomPtr u = geos::union_all(ctx, raw(own));
        out.push_back(other.empty() ? std::move(u)
                                    : robust_difference(ctx, u.get(), geos::union_all(ctx, raw(other)).get()));
    }
    return out;
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
        for (const auto& g : only_in(ctx, now, then))
            add_pieces(ctx, g.get(), layer->name(), true, tol, out.areas);
        for (const auto& g : only_in(ctx, then, now))
            add_pieces(ctx, g.get(), layer->name(), false, tol, out.areas);
    }
    return out;
}

} // namespace redline
