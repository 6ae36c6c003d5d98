#include "redline/spatial.hpp"

#include "redline/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace redline {

std::optional<std::string> Site::attr(const std::string& name) const
{
    if (!attributes)
        return std::nullopt;
    for (const auto& [k, v] : *attributes)
        if (k == name) {
            if (!v || trim(*v).empty())
                return std::nullopt;
            return v;
        }
    return std::nullopt;
}

const Overlap* OverlapMemo::find(const Layer& layer, std::size_t i, const Tolerances& tol) const
{
    for (const Entry& e : m_entries)
        if (e.layer == &layer && e.feature == i && e.tol.area == tol.area && e.tol.length == tol.length)
            return &e.overlap;
    return nullptr;
}

const Overlap& OverlapMemo::add(const Layer& layer, std::size_t i, const Tolerances& tol, Overlap o)
{
    m_entries.push_back(Entry{&layer, i, tol, std::move(o)});
    return m_entries.back().overlap;
}

std::vector<unsigned char> evidence_wkb(Workspace& ws, const Site& site, const GEOSGeometry* piece,
                                        bool whole_site)
{
    if (!piece)
        return {};
    if (whole_site && site.wkb)
        return *site.wkb;
    return geos::to_wkb(ws.ctx(), piece);
}

namespace {

Overlap copy(geos::Context& ctx, const Overlap& o)
{
    Overlap out;
    out.hit = o.hit;
    out.dim = o.dim;
    out.amount = o.amount;
    out.whole_site = o.whole_site;
    if (o.piece)
        out.piece = geos::clone(ctx, o.piece.get());
    return out;
}

Overlap measure_overlap(Workspace& ws, const Site& site, const Layer& layer, std::size_t i,
                        const Tolerances& tol);

} // namespace

Overlap overlap(Workspace& ws, const Site& site, const Layer& layer, std::size_t i,
                const Tolerances& tol)
{
    if (!site.memo)
        return measure_overlap(ws, site, layer, i, tol);
    if (const Overlap* known = site.memo->find(layer, i, tol))
        return copy(ws.ctx(), *known);
    return copy(ws.ctx(), site.memo->add(layer, i, tol, measure_overlap(ws, site, layer, i, tol)));
}

namespace {

Overlap measure_overlap(Workspace& ws, const Site& site, const Layer& layer, std::size_t i,
                        const Tolerances& tol)
{
    geos::Context& ctx = ws.ctx();
    Overlap out;
    const GEOSPreparedGeometry* prep = ws.prepared(layer, i);
    if (!geos::predicate(ctx, GEOSPreparedIntersects_r(ctx.handle(), prep, site.geometry),
                         "intersects"))
        return out;
    const int fdim = layer.feature(i).dimension;
    out.dim = std::min(site.dimension, fdim);
    if (out.dim == 0) {
        out.hit = true;
        out.whole_site = site.dimension == 0;
        out.piece = out.whole_site ? geos::clone(ctx, site.geometry)
                                   : geos::intersection(ctx, site.geometry, ws.geometry(layer, i));
        return out;
    }
    geos::GeomPtr piece;
    if (fdim == 2 && geos::predicate(ctx, GEOSPreparedContains_r(ctx.handle(), prep, site.geometry),
                                     "contains")) {
        // Strictly inside: the overlap is the site itself, no overlay needed.
        piece = geos::clone(ctx, site.geometry);
        // (keep_dimension below drops the lower parts of a mixed collection)
        out.whole_site = GEOSGeomTypeId_r(ctx.handle(), site.geometry) != GEOS_GEOMETRYCOLLECTION;
    } else {
        piece = geos::intersection(ctx, site.geometry, ws.geometry(layer, i));
    }
    out.amount = out.dim == 2 ? geos::area(ctx, piece.get()) : geos::length(ctx, piece.get());
    out.hit = out.amount > (out.dim == 2 ? tol.area : tol.length);
    if (out.hit)
        out.piece = geos::keep_dimension(ctx, piece.get(), out.dim);
    return out;
}

} // namespace

std::vector<Hit> overlaps(Workspace& ws, const Site& site, const LayerSubset& subset,
                          const Tolerances& tol)
{
    std::vector<Hit> hits;
    for (std::uint32_t i : subset.layer->query(site.bounds)) {
        if (!subset.contains(i))
            continue;
        Overlap o = overlap(ws, site, *subset.layer, i, tol);
        if (o.hit)
            hits.push_back(Hit{i, std::move(o)});
    }
    return hits;
}

Outside outside(Workspace& ws, const Site& site, const LayerSubset& subset, const Tolerances& tol)
{
    geos::Context& ctx = ws.ctx();
    Outside out;
    const Layer& layer = *subset.layer;
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t i : layer.query(site.bounds))
        if (subset.contains(i))
            candidates.push_back(i);

    if (site.dimension == 0) {
        for (std::uint32_t i : candidates)
            if (geos::predicate(ctx,
                                GEOSPreparedIntersects_r(ctx.handle(), ws.prepared(layer, i),
                                                         site.geometry),
                                "intersects"))
                return out;
        out.within = false;
        out.share = 100;
        out.piece = geos::clone(ctx, site.geometry);
        out.whole_site = true;
        return out;
    }

    // SPEC §4: the part outside is the site minus the union of the features
    // it overlaps. Subtract the features themselves, not the overlap pieces:
    // a piece's new vertices lie a hair off a line site, and a line minus
    // almost-collinear sublines is almost the whole line.
    std::vector<const GEOSGeometry*> inside;
    for (std::uint32_t i : candidates) {
        if (layer.feature(i).dimension == 2 &&
            geos::predicate(ctx,
                            GEOSPreparedContains_r(ctx.handle(), ws.prepared(layer, i),
                                                   site.geometry),
                            "contains"))
            return out; // wholly inside one feature
        if (overlap(ws, site, layer, i, tol).hit)
            inside.push_back(ws.geometry(layer, i));
    }
    geos::GeomPtr rest;
    if (inside.empty()) {
        rest = geos::clone(ctx, site.geometry);
    } else if (inside.size() == 1) {
        rest = geos::difference(ctx, site.geometry, inside.front());
    } else {
        geos::GeomPtr all = geos::union_all(ctx, inside);
        rest = geos::difference(ctx, site.geometry, all.get());
    }
    const bool area = site.dimension == 2;
    out.amount = area ? geos::area(ctx, rest.get()) : geos::length(ctx, rest.get());
    out.within = out.amount <= (area ? tol.area : tol.length);
    out.share = site.size > 0 ? 100.0 * out.amount / site.size : 0;
    if (!out.within)
        out.piece = geos::keep_dimension(ctx, rest.get(), site.dimension);
    return out;
}

Distance distance(Workspace& ws, const Site& site, const Layer& layer, std::size_t i,
                  double line_below)
{
    geos::Context& ctx = ws.ctx();
    Distance d;
    const GEOSPreparedGeometry* prep = ws.prepared(layer, i);
    if (GEOSPreparedDistance_r(ctx.handle(), prep, site.geometry, &d.metres) != 1)
        throw LibraryError("GEOS prepared distance failed: " + ctx.last_error());
    if (!(d.metres < line_below))
        return d;
    GEOSCoordSequence* seq = GEOSPreparedNearestPoints_r(ctx.handle(), prep, site.geometry);
    if (!seq)
        throw LibraryError("GEOS nearest points failed: " + ctx.last_error());
    // seq[0] is on the feature, seq[1] on the site: draw site -> feature.
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    GEOSCoordSeq_getXY_r(ctx.handle(), seq, 0, &x0, &y0);
    GEOSCoordSeq_getXY_r(ctx.handle(), seq, 1, &x1, &y1);
    GEOSCoordSeq_destroy_r(ctx.handle(), seq);
    GEOSGeometry* raw = nullptr;
    if (d.metres == 0) {
        raw = GEOSGeom_createPointFromXY_r(ctx.handle(), x1, y1);
    } else {
        GEOSCoordSequence* line = GEOSCoordSeq_create_r(ctx.handle(), 2, 2);
        GEOSCoordSeq_setXY_r(ctx.handle(), line, 0, x1, y1);
        GEOSCoordSeq_setXY_r(ctx.handle(), line, 1, x0, y0);
        raw = GEOSGeom_createLineString_r(ctx.handle(), line);
    }
    geos::GeomPtr g = geos::own(ctx, raw, "nearest line");
    d.line = geos::to_wkb(ctx, g.get());
    return d;
}

namespace {

/// `g`'s segments as two-point lines and its points, into `out` (owned).
void collect_segments(geos::Context& ctx, const GEOSGeometry* g, std::vector<GEOSGeometry*>& out)
{
    GEOSContextHandle_t h = ctx.handle();
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POINT) {
        if (!geos::is_empty(ctx, g))
            out.push_back(geos::clone(ctx, g).release());
        return;
    }
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, g);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(h, seq, &n);
        for (unsigned i = 0; i + 1 < n; ++i) {
            double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            GEOSCoordSeq_getXY_r(h, seq, i, &x0, &y0);
            GEOSCoordSeq_getXY_r(h, seq, i + 1, &x1, &y1);
            GEOSCoordSequence* s = GEOSCoordSeq_create_r(h, 2, 2);
            GEOSCoordSeq_setXY_r(h, s, 0, x0, y0);
            GEOSCoordSeq_setXY_r(h, s, 1, x1, y1);
            out.push_back(geos::own(ctx, GEOSGeom_createLineString_r(h, s), "segment").release());
        }
        return;
    }
    if (type == GEOS_POLYGON) {
        if (geos::is_empty(ctx, g))
            return;
        collect_segments(ctx, GEOSGetExteriorRing_r(h, g), out);
        for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); ++i)
            collect_segments(ctx, GEOSGetInteriorRingN_r(h, g, i), out);
        return;
    }
    for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i)
        collect_segments(ctx, GEOSGetGeometryN_r(h, g, i), out);
}

} // namespace

geos::GeomPtr within_distance(geos::Context& ctx, const GEOSGeometry* g, double metres, double slack)
{
    if (!(metres > 0))
        return nullptr;
    GEOSContextHandle_t h = ctx.handle();
    // GEOS puts the arc vertices of a round cap on the radius r, at most
    // (pi/2)/q apart; a chord's nearest point to the centre is then at
    // least r cos(pi/(4q)). Chords beyond metres + slack/2, vertices at r <=
    // metres + slack.
    const double inner = metres + slack / 2;
    const double half_step = std::acos(inner / (metres + slack));
    const int quadsegs = std::clamp(static_cast<int>(std::ceil(M_PI / (4 * half_step))), 8, 4096);
    const double radius = inner / std::cos(M_PI / (4 * quadsegs));
    std::vector<GEOSGeometry*> parts;
    collect_segments(ctx, g, parts);
    GEOSGeometry* coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                     static_cast<unsigned>(parts.size()));
    if (!coll) {
        for (GEOSGeometry* p : parts)
            GEOSGeom_destroy_r(h, p);
    }
    geos::GeomPtr segments = geos::own(ctx, coll, "segments");
    struct ParamsDeleter {
        GEOSContextHandle_t h;
        void operator()(GEOSBufferParams* p) const noexcept { GEOSBufferParams_destroy_r(h, p); }
    };
    std::unique_ptr<GEOSBufferParams, ParamsDeleter> params(GEOSBufferParams_create_r(h), ParamsDeleter{h});
    if (!params)
        throw LibraryError("GEOS buffer parameters: " + ctx.last_error());
    GEOSBufferParams_setQuadrantSegments_r(h, params.get(), quadsegs);
    GEOSBufferParams_setEndCapStyle_r(h, params.get(), GEOSBUF_CAP_ROUND);
    GEOSBufferParams_setJoinStyle_r(h, params.get(), GEOSBUF_JOIN_ROUND);
    geos::GeomPtr band =
        geos::own(ctx, GEOSBufferWithParams_r(h, segments.get(), params.get(), radius), "buffer");
    if (geos::dimension(ctx, g) < 2)
        return band;
    geos::GeomPtr area = geos::keep_dimension(ctx, g, 2);
    return geos::own(ctx, GEOSUnion_r(h, band.get(), area.get()), "union");
}

} // namespace redline
