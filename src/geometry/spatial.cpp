#include "redline/spatial.hpp"

#include "redline/error.hpp"
#include "util/text.hpp"

#include <algorithm>

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

} // namespace redline
