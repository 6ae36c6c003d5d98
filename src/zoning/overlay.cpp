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

FeatureCache::FeatureCache(geos::Context& ctx, const LayerSet& layers)
    : m_ctx(ctx), m_layers(layers), m_per_layer(layers.all().size())
{
}

geos::GeomPtr FeatureCache::polygons(const GEOSGeometry* g)
{
    return polygonal(m_ctx, geos::clone(m_ctx, g));
}

void FeatureCache::load(const Layer& layer, std::uint32_t i)
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
    p.geoms[i] = polygons(g.get());
    if (p.geoms[i])
        p.prepared[i] = geos::prepare(m_ctx, p.geoms[i].get());
}

const GEOSGeometry* FeatureCache::geometry(const Layer& layer, std::uint32_t i)
{
    load(layer, i);
    return m_per_layer[layer.index()].geoms[i].get();
}

const GEOSPreparedGeometry* FeatureCache::prepared(const Layer& layer, std::uint32_t i)
{
    load(layer, i);
    return m_per_layer[layer.index()].prepared[i].get();
}

const std::set<std::pair<std::uint32_t, std::uint32_t>>& FeatureCache::pairs(const Layer& layer)
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

bool FeatureCache::overlapping(const Layer& layer, std::uint32_t a, std::uint32_t b)
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
Cut cut(FeatureCache& cache, const Face& f, const Candidate& c, double tolerance)
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
    // Floating OverlayNG: the face's own edges stay where they are, so the
    // faces of neighbouring cells never overlap (snap-rounding, or snapping
    // each layer to a grid on its own, bends shared edges apart by up to a
    // grid step and leaves overlaps along them).
    out.in = polygonal(ctx, geos::own(ctx, GEOSIntersection_r(h, f.geometry.get(), c.geometry), "intersection"));
    if (!out.in || geos::area(ctx, out.in.get()) < tolerance)
        return {};
    out.out = polygonal(ctx, geos::own(ctx, GEOSDifference_r(h, f.geometry.get(), c.geometry), "difference"));
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
bool apply(FeatureCache& cache, std::vector<Face>& faces, std::size_t k, const Candidate& c, Cut cut)
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

void split_by_union(FeatureCache& cache, std::vector<Face>& faces, const std::vector<Candidate>& candidates,
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

void split_by_each(FeatureCache& cache, std::vector<Face>& faces, const std::vector<Candidate>& candidates,
                   double tolerance, const std::function<void(Face&, const Candidate&)>& inside)
{
    for (const Candidate& c : candidates) {
        const std::size_t n = faces.size(); // appended parts lie outside c
        for (std::size_t k = 0; k < n; ++k)
            if (apply(cache, faces, k, c, cut(cache, faces[k], c, tolerance)))
                inside(faces[k], c);
    }
}

namespace {

/// Thinner than `width` everywhere (a negative buffer leaves nothing), or
/// smaller than `tolerance`.
bool is_sliver(geos::Context& ctx, const GEOSGeometry* g, double width, double tolerance)
{
    if (geos::area(ctx, g) < tolerance)
        return true;
    geos::GeomPtr core = geos::own(ctx, GEOSBuffer_r(ctx.handle(), g, -width / 2, 1), "inner buffer");
    return geos::is_empty(ctx, core.get());
}

} // namespace

void merge_slivers(FeatureCache& cache, std::vector<Face>& faces, double width, double tolerance)
{
    geos::Context& ctx = cache.ctx();
    GEOSContextHandle_t h = ctx.handle();
    std::vector<char> sliver(faces.size(), 0);
    for (std::size_t k = 0; k < faces.size(); ++k)
        sliver[k] = faces.size() > 1 && is_sliver(ctx, faces[k].geometry.get(), width, tolerance);
    std::vector<Face> kept;
    for (std::size_t k = 0; k < faces.size(); ++k) {
        if (!sliver[k])
            continue;
        // Into the largest face it touches.
        std::size_t best = faces.size();
        double best_area = 0;
        for (std::size_t m = 0; m < faces.size(); ++m) {
            if (sliver[m] || !overlaps(faces[m].bounds, faces[k].bounds) ||
                !geos::predicate(ctx, GEOSIntersects_r(h, faces[m].geometry.get(), faces[k].geometry.get()),
                                 "intersects"))
                continue;
            const double a = geos::area(ctx, faces[m].geometry.get());
            if (a > best_area) {
                best = m;
                best_area = a;
            }
        }
        if (best == faces.size()) {
            sliver[k] = 0; // nothing to join in this cell: keep it
            continue;
        }
        Face& into = faces[best];
        into.geometry = geos::own(ctx, GEOSUnion_r(h, into.geometry.get(), faces[k].geometry.get()), "union");
        into.bounds = geos::bounds(ctx, into.geometry.get());
    }
    for (std::size_t k = 0; k < faces.size(); ++k)
        if (!sliver[k])
            kept.push_back(std::move(faces[k]));
    faces = std::move(kept);
}

} // namespace redline::zoning
