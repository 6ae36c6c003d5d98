#include "zoning/overlay.hpp"

#include "redline/error.hpp"

namespace redline::zoning {

bool overlaps(const geos::Bounds& a, const geos::Bounds& b)
{
    return a.minx <= b.maxx && b.minx <= a.maxx && a.miny <= b.maxy && b.miny <= a.maxy;
}

geos::GeomPtr polygonal(geos::Context& ctx, geos::GeomPtr g)
{
    if (!g || geos::is_empty(ctx, g.get()))
        return nullptr;
    const int type = GEOSGeomTypeId_r(ctx.handle(), g.get());
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
        g = geos::keep_dimension(ctx, g.get(), 2);
    if (geos::is_empty(ctx, g.get()))
        return nullptr;
    return g;
}

GridCache::GridCache(geos::Context& ctx, const LayerSet& layers, double grid)
    : m_ctx(ctx), m_layers(layers), m_grid(grid), m_per_layer(layers.all().size())
{
}

geos::GeomPtr GridCache::snap(const GEOSGeometry* g)
{
    return polygonal(m_ctx, geos::own(m_ctx, GEOSGeom_setPrecision_r(m_ctx.handle(), g, m_grid, 0),
                                      "snap to the grid"));
}

void GridCache::load(const Layer& layer, std::uint32_t i)
{
    PerLayer& p = m_per_layer[layer.index()];
    if (p.done.empty()) {
        p.done.assign(layer.size(), 0);
        p.geoms.resize(layer.size());
        p.prepared.resize(layer.size());
    }
    if (p.done[i])
        return;
    p.done[i] = 1;
    const LayerFeature& f = layer.feature(i);
    if (f.dimension < 2)
        return; // a point or line feature has no area: no region to draw
    geos::GeomPtr g = geos::from_wkb(m_ctx, f.wkb);
    p.geoms[i] = snap(g.get());
    if (p.geoms[i])
        p.prepared[i] = geos::prepare(m_ctx, p.geoms[i].get());
}

const GEOSGeometry* GridCache::geometry(const Layer& layer, std::uint32_t i)
{
    load(layer, i);
    return m_per_layer[layer.index()].geoms[i].get();
}

const GEOSPreparedGeometry* GridCache::prepared(const Layer& layer, std::uint32_t i)
{
    load(layer, i);
    return m_per_layer[layer.index()].prepared[i].get();
}

const std::set<std::pair<std::uint32_t, std::uint32_t>>& GridCache::pairs(const Layer& layer)
{
    PerLayer& p = m_per_layer[layer.index()];
    if (p.pairs_done)
        return p.pairs;
    for (std::uint32_t i = 0; i < layer.size(); ++i) {
        const GEOSGeometry* a = geometry(layer, i);
        if (!a)
            continue;
        for (std::uint32_t j : layer.query(layer.feature(i).bounds)) {
            const GEOSGeometry* b = j > i ? geometry(layer, j) : nullptr;
            if (b && geos::predicate(m_ctx, GEOSRelatePattern_r(m_ctx.handle(), a, b, "2********"),
                                     "relate"))
                p.pairs.emplace(i, j);
        }
    }
    p.pairs_done = true;
    return p.pairs;
}

bool GridCache::overlapping(const Layer& layer, std::uint32_t a, std::uint32_t b)
{
    if (a == b)
        return true;
    return pairs(layer).count({std::min(a, b), std::max(a, b)}) > 0;
}

namespace {

enum class Relation { Inside, Outside, Split };

struct Cut {
    Relation relation = Relation::Outside;
    geos::GeomPtr in, out;
};

/// How candidate `c` meets face `f`, with the two parts when it splits it.
Cut cut(GridCache& cache, const Face& f, const Candidate& c, double tolerance)
{
    if (!overlaps(f.bounds, c.bounds))
        return {};
    if (c.layer)
        for (const auto& [layer, k] : f.known)
            if (layer == c.layer) {
                if (k == c.feature)
                    return {Relation::Inside, nullptr, nullptr};
                if (!cache.overlapping(*layer, k, c.feature))
                    return {};
            }
    geos::Context& ctx = cache.ctx();
    GEOSContextHandle_t h = ctx.handle();
    if (!geos::predicate(ctx, GEOSPreparedIntersects_r(h, c.prepared, f.geometry.get()), "intersects"))
        return {};
    if (geos::predicate(ctx, GEOSPreparedCovers_r(h, c.prepared, f.geometry.get()), "covers"))
        return {Relation::Inside, nullptr, nullptr};
    Cut out;
    out.in = polygonal(ctx, geos::own(ctx, GEOSIntersectionPrec_r(h, f.geometry.get(), c.geometry,
                                                                  cache.grid()),
                                      "intersection"));
    if (!out.in || geos::area(ctx, out.in.get()) < tolerance)
        return {};
    out.out = polygonal(ctx, geos::own(ctx, GEOSDifferencePrec_r(h, f.geometry.get(), c.geometry,
                                                                 cache.grid()),
                                       "difference"));
    if (!out.out || geos::area(ctx, out.out.get()) < tolerance)
        return {Relation::Inside, nullptr, nullptr};
    out.relation = Relation::Split;
    return out;
}

/// A face with `f`'s labels and geometry `g`.
Face sibling(geos::Context& ctx, const Face& f, geos::GeomPtr g)
{
    Face s;
    s.bounds = geos::bounds(ctx, g.get());
    s.geometry = std::move(g);
    s.known = f.known;
    s.pieces = f.pieces;
    s.townships = f.townships;
    s.units = f.units;
    return s;
}

/// Applies a cut to faces[k]: it keeps the inside part (noted as lying in a
/// label feature), the outside part is appended. Returns whether inside.
bool apply(GridCache& cache, std::vector<Face>& faces, std::size_t k, const Candidate& c, Cut cut)
{
    if (cut.relation == Relation::Outside)
        return false;
    if (cut.relation == Relation::Split) {
        Face rest = sibling(cache.ctx(), faces[k], std::move(cut.out));
        faces[k].bounds = geos::bounds(cache.ctx(), cut.in.get());
        faces[k].geometry = std::move(cut.in);
        faces.push_back(std::move(rest));
    }
    if (c.layer)
        faces[k].known.emplace_back(c.layer, c.feature);
    return true;
}

} // namespace

void split_by_union(GridCache& cache, std::vector<Face>& faces, const std::vector<Candidate>& candidates,
                    double tolerance, bool outside, const std::function<void(Face&)>& inside)
{
    std::vector<char> in(faces.size(), 0);
    for (const Candidate& c : candidates)
        for (std::size_t k = 0; k < faces.size(); ++k) {
            if (in[k])
                continue;
            if (apply(cache, faces, k, c, cut(cache, faces[k], c, tolerance)))
                in[k] = 1;
            in.resize(faces.size(), 0);
        }
    for (std::size_t k = 0; k < faces.size(); ++k)
        if (static_cast<bool>(in[k]) != outside)
            inside(faces[k]);
}

void split_by_each(GridCache& cache, std::vector<Face>& faces, const std::vector<Candidate>& candidates,
                   double tolerance, const std::function<void(Face&, const Candidate&)>& inside)
{
    for (const Candidate& c : candidates) {
        const std::size_t n = faces.size(); // appended parts lie outside c
        for (std::size_t k = 0; k < n; ++k)
            if (apply(cache, faces, k, c, cut(cache, faces[k], c, tolerance)))
                inside(faces[k], c);
    }
}

} // namespace redline::zoning
