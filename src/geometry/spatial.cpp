#include "redline/spatial.hpp"

#include "geometry/feature_index.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>

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

const std::vector<std::uint32_t>& OverlapMemo::candidates(const Layer& layer, const geos::Bounds& bounds)
{
    for (std::size_t k = 0; k < m_queries_used; ++k)
        if (m_queries[k].layer == &layer)
            return m_queries[k].ids;
    if (m_queries_used == m_queries.size())
        m_queries.emplace_back();
    Query& q = m_queries[m_queries_used++];
    q.layer = &layer;
    layer.query_into(bounds, q.ids);
    return q.ids;
}

namespace {

/// The features of `layer` whose boxes meet the site's: from the memo when
/// the site has one (asked once per layer), else from the layer.
const std::vector<std::uint32_t>& candidates_of(const Site& site, const Layer& layer,
                                                std::vector<std::uint32_t>& scratch)
{
    if (site.memo)
        return site.memo->candidates(layer, site.bounds);
    layer.query_into(site.bounds, scratch);
    return scratch;
}

} // namespace

std::vector<unsigned char> evidence_wkb(Workspace& ws, const Site& site, const GEOSGeometry* piece,
                                        bool whole_site)
{
    // A part that is the whole site is the site's own WKB: such a part
    // carries no GEOS copy when the site has its WKB (measure_overlap, outside).
    if (whole_site && site.wkb)
        return *site.wkb;
    if (!piece)
        return {};
    return geos::to_wkb(ws.ctx(), piece);
}

namespace {

/// The coordinates of a point site (a single, finite POINT), which is
/// answered on the layers' shared FeatureIndex; nullopt for any other site.
std::optional<FeatureIndex::Point> site_point(geos::Context& ctx, const Site& site)
{
    GEOSContextHandle_t h = ctx.handle();
    if (site.dimension != 0 || GEOSGeomTypeId_r(h, site.geometry) != GEOS_POINT ||
        geos::is_empty(ctx, site.geometry))
        return std::nullopt;
    FeatureIndex::Point p;
    if (GEOSGeomGetX_r(h, site.geometry, &p.x) != 1 || GEOSGeomGetY_r(h, site.geometry, &p.y) != 1 ||
        !std::isfinite(p.x) || !std::isfinite(p.y))
        return std::nullopt;
    return p;
}

/// The shell of a polygon site without holes (its WKB: 2D, little-endian,
/// one ring), which the layers' shared index can relate to a polygonal
/// feature; empty for any other site.
std::vector<FeatureIndex::Point> site_shell(const Site& site)
{
    std::vector<FeatureIndex::Point> ring;
    if (site.dimension != 2 || !site.wkb)
        return ring;
    const std::vector<unsigned char>& w = *site.wkb;
    auto u32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        std::memcpy(&v, w.data() + at, 4);
        return v;
    };
    if (w.size() < 13 || w[0] != 1 || u32(1) != 3 || u32(5) != 1)
        return ring;
    const std::uint32_t n = u32(9);
    if (n < 4 || w.size() != 13 + 16 * static_cast<std::size_t>(n))
        return ring;
    ring.resize(n);
    std::memcpy(ring.data(), w.data() + 13, 16 * static_cast<std::size_t>(n));
    return ring;
}

/// GEOSPreparedIntersects of the site and feature `i`: on the shared index
/// for a point site, else on this thread's prepared copy.
bool site_intersects(Workspace& ws, const Site& site, const Layer& layer, std::size_t i)
{
    geos::Context& ctx = ws.ctx();
    if (const FeatureIndex* index = layer.point_index(i))
        if (const auto p = site_point(ctx, site))
            return index->intersects(*p);
    return geos::predicate(
        ctx, GEOSPreparedIntersects_r(ctx.handle(), ws.prepared(layer, i), site.geometry), "intersects");
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
        return *known; // the piece shared, not copied
    return site.memo->add(layer, i, tol, measure_overlap(ws, site, layer, i, tol));
}

namespace {

Overlap measure_overlap(Workspace& ws, const Site& site, const Layer& layer, std::size_t i,
                        const Tolerances& tol)
{
    geos::Context& ctx = ws.ctx();
    Overlap out;
    const int fdim = layer.feature(i).dimension;
    // A line or polygon site asks "inside?" first: most are inside the big
    // features (units, townships) they touch, and contains rejects on the
    // envelopes when they are not; inside implies intersecting. A point
    // site is answered on the layer's shared index (site_intersects).
    // A polygon site is first related to the feature on its shared index,
    // which proves "inside" or "apart" when their boundaries never meet;
    // GEOS answers the rest.
    RingRelation proven = RingRelation::unknown;
    if (fdim == 2 && site.dimension == 2)
        if (const FeatureIndex* index = layer.point_index(i))
            if (const auto shell = site_shell(site); !shell.empty())
                proven = index->relate_ring(shell);
    if (proven == RingRelation::outside)
        return out;
    // (not_inside: a vertex of the site is outside the feature, so GEOS
    // contains is false and need not be asked.)
    out.contained = proven == RingRelation::inside ||
                    (proven == RingRelation::unknown && fdim == 2 && site.dimension > 0 &&
                     geos::predicate(ctx, GEOSPreparedContains_r(ctx.handle(), ws.prepared(layer, i), site.geometry),
                                     "contains"));
    // Polygons whose boundaries may meet (the index could not tell) almost
    // always intersect: the overlay below says so without GEOS's prepared
    // intersects first, and an empty overlay is "apart", as intersects
    // would have said.
    const bool overlay_decides = (proven == RingRelation::unknown || proven == RingRelation::not_inside) &&
                                 fdim == 2 && site.dimension == 2 && layer.point_index(i) != nullptr;
    if (!out.contained && !overlay_decides && !site_intersects(ws, site, layer, i))
        return out;
    out.dim = std::min(site.dimension, fdim);
    if (out.dim == 0) {
        out.hit = true;
        out.whole_site = site.dimension == 0;
        if (!(out.whole_site && site.wkb)) // else the evidence is the site's WKB
            out.piece = out.whole_site ? geos::clone(ctx, site.geometry)
                                       : geos::intersection(ctx, site.geometry, ws.geometry(layer, i));
        return out;
    }
    geos::GeomPtr piece;
    if (out.contained) {
        // Strictly inside: the overlap is the site itself, no overlay needed.
        piece = geos::clone(ctx, site.geometry);
        // (keep_dimension below drops the lower parts of a mixed collection)
        out.whole_site = GEOSGeomTypeId_r(ctx.handle(), site.geometry) != GEOS_GEOMETRYCOLLECTION;
    } else {
        piece = geos::intersection(ctx, site.geometry, ws.geometry(layer, i));
        if (overlay_decides && geos::is_empty(ctx, piece.get()))
            return Overlap{};
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
    std::vector<std::uint32_t> scratch;
    for (std::uint32_t i : candidates_of(site, *subset.layer, scratch)) {
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
    std::vector<std::uint32_t> scratch;
    for (std::uint32_t i : candidates_of(site, layer, scratch))
        if (subset.contains(i))
            candidates.push_back(i);

    if (site.dimension == 0) {
        for (std::uint32_t i : candidates)
            if (site_intersects(ws, site, layer, i))
                return out;
        out.within = false;
        out.share = 100;
        if (!site.wkb) // else the evidence is the site's WKB
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
        const Overlap o = overlap(ws, site, layer, i, tol); // measured once (the memo)
        if (o.contained)
            return out; // wholly inside one feature
        if (o.hit)
            inside.push_back(ws.geometry(layer, i));
    }
    // One feature after the other, not the site minus their union: a
    // difference clips the feature to the site's envelope first (OverlayNG),
    // a union of big features does not (two control units of a few thousand
    // vertices cost ~1 ms to unite, the differences ~50 µs). Along a boundary
    // two features share, what the first leaves is a hair off the second's
    // edge: slivers of ~1e-9 m², far below the area tolerance.
    geos::GeomPtr rest = geos::clone(ctx, site.geometry);
    for (const GEOSGeometry* f : inside) {
        rest = geos::difference(ctx, rest.get(), f);
        if (geos::is_empty(ctx, rest.get()))
            break;
    }
    const bool area = site.dimension == 2;
    out.amount = area ? geos::area(ctx, rest.get()) : geos::length(ctx, rest.get());
    out.within = out.amount <= (area ? tol.area : tol.length);
    out.share = site.size > 0 ? 100.0 * out.amount / site.size : 0;
    if (!out.within)
        out.piece = geos::keep_dimension(ctx, rest.get(), site.dimension);
    return out;
}

namespace {

/// The shortest line's WKB: a POINT at the site when `metres` is 0, else
/// the LINESTRING from the site's point to the feature's.
std::vector<unsigned char> shortest_line(geos::Context& ctx, double metres, double site_x, double site_y,
                                         double feature_x, double feature_y)
{
    GEOSGeometry* raw = nullptr;
    if (metres == 0) {
        raw = GEOSGeom_createPointFromXY_r(ctx.handle(), site_x, site_y);
    } else {
        GEOSCoordSequence* line = GEOSCoordSeq_create_r(ctx.handle(), 2, 2);
        GEOSCoordSeq_setXY_r(ctx.handle(), line, 0, site_x, site_y);
        GEOSCoordSeq_setXY_r(ctx.handle(), line, 1, feature_x, feature_y);
        raw = GEOSGeom_createLineString_r(ctx.handle(), line);
    }
    geos::GeomPtr g = geos::own(ctx, raw, "nearest line");
    return geos::to_wkb(ctx, g.get());
}

} // namespace

Distance distance(Workspace& ws, const Site& site, const Layer& layer, std::size_t i,
                  double line_below)
{
    geos::Context& ctx = ws.ctx();
    Distance d;
    if (const FeatureIndex* index = layer.point_index(i))
        if (const auto p = site_point(ctx, site)) {
            const FeatureIndex::Nearest n = index->nearest(*p);
            d.metres = n.distance;
            if (d.metres < line_below)
                d.line = shortest_line(ctx, d.metres, p->x, p->y, n.point.x, n.point.y);
            return d;
        }
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
    d.line = shortest_line(ctx, d.metres, x1, y1, x0, y0);
    return d;
}

namespace {

struct XY {
    double x = 0, y = 0;
};

/// A ring or line's vertices (a ring without its closing repeat), no
/// consecutive duplicates.
std::vector<XY> vertices(geos::Context& ctx, const GEOSGeometry* line, bool ring)
{
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), line);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n);
    std::vector<XY> out;
    for (unsigned i = 0; i < n; ++i) {
        XY p;
        GEOSCoordSeq_getXY_r(ctx.handle(), seq, i, &p.x, &p.y);
        if (out.empty() || p.x != out.back().x || p.y != out.back().y)
            out.push_back(p);
    }
    if (ring && out.size() > 1 && out.front().x == out.back().x && out.front().y == out.back().y)
        out.pop_back();
    return out;
}

/// Builds the pieces of the set of points within `radius` of a polyline:
/// a rectangle per segment (both sides) and, at each vertex, the wedge of
/// the directions in which the vertex is the nearest point (its normal
/// cone), arc vertices at most `step` radians apart. Every point within the
/// radius has its nearest point inside a segment (a rectangle holds it) or
/// at a vertex (the wedge holds it), however short the segments.
class Pieces {
public:
    Pieces(geos::Context& ctx, double radius, double step) : m_ctx(ctx), m_r(radius), m_step(step) {}
    ~Pieces()
    {
        for (GEOSGeometry* g : m_out)
            GEOSGeom_destroy_r(m_ctx.handle(), g);
    }
    Pieces(const Pieces&) = delete;
    Pieces& operator=(const Pieces&) = delete;

    void polyline(const std::vector<XY>& v, bool ring)
    {
        const std::size_t n = v.size();
        if (n == 1)
            return wedge(v[0], 0, 2 * M_PI);
        for (std::size_t i = 0; i + 1 < n || (ring && i < n); ++i)
            rectangle(v[i], v[(i + 1) % n]);
        for (std::size_t i = 0; i < n; ++i) {
            const bool has_prev = ring || i > 0, has_next = ring || i + 1 < n;
            const XY& p = v[i];
            const XY* prev = has_prev ? &v[(i + n - 1) % n] : nullptr;
            const XY* next = has_next ? &v[(i + 1) % n] : nullptr;
            cone(p, prev, next);
        }
    }

    /// The union of the pieces (consumed).
    geos::GeomPtr unite()
    {
        GEOSGeometry* coll = GEOSGeom_createCollection_r(m_ctx.handle(), GEOS_GEOMETRYCOLLECTION, m_out.data(),
                                                         static_cast<unsigned>(m_out.size()));
        if (!coll)
            throw LibraryError("GEOS collection: " + m_ctx.last_error());
        m_out.clear();
        geos::GeomPtr all = geos::own(m_ctx, coll, "collection");
        return geos::own(m_ctx, GEOSUnaryUnion_r(m_ctx.handle(), all.get()), "union");
    }

private:
    void polygon(const std::vector<XY>& ring)
    {
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(m_ctx.handle(), static_cast<unsigned>(ring.size() + 1), 2);
        for (std::size_t i = 0; i <= ring.size(); ++i) {
            const XY& p = ring[i % ring.size()];
            GEOSCoordSeq_setXY_r(m_ctx.handle(), seq, static_cast<unsigned>(i), p.x, p.y);
        }
        GEOSGeometry* shell = GEOSGeom_createLinearRing_r(m_ctx.handle(), seq);
        GEOSGeometry* poly = shell ? GEOSGeom_createPolygon_r(m_ctx.handle(), shell, nullptr, 0) : nullptr;
        if (!poly)
            throw LibraryError("GEOS polygon: " + m_ctx.last_error());
        m_out.push_back(poly);
    }

    void rectangle(const XY& a, const XY& b)
    {
        const double dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
        const double nx = -dy / len * m_r, ny = dx / len * m_r;
        polygon({{a.x + nx, a.y + ny}, {a.x - nx, a.y - ny}, {b.x - nx, b.y - ny}, {b.x + nx, b.y + ny}});
    }

    /// The normal cone at `p`: directions d with d.(prev-p) <= 0 and d.(next-p) <= 0.
    void cone(const XY& p, const XY* prev, const XY* next)
    {
        if (!prev && !next)
            return wedge(p, 0, 2 * M_PI);
        auto angle = [&](const XY* q) { return std::atan2(q->y - p.y, q->x - p.x); };
        if (!prev || !next) { // a line's end: the half-disc away from its segment
            const double a = angle(prev ? prev : next);
            return wedge(p, a + M_PI / 2, M_PI);
        }
        const double a = angle(prev), b = angle(next);
        // The cone runs from the normal of one edge to the other's, round
        // the side opposite to the smaller angle between the edges.
        double between = std::remainder(b - a, 2 * M_PI); // (-pi, pi]
        const double span = M_PI - std::fabs(between);
        if (span <= 1e-12)
            return; // straight on: the two rectangles meet
        const double start = between > 0 ? b + M_PI / 2 : a + M_PI / 2;
        wedge(p, start, span);
    }

    /// The sector of the disc at `c` from angle `start`, counter-clockwise over `span`.
    void wedge(const XY& c, double start, double span)
    {
        const int k = std::max(1, static_cast<int>(std::ceil(span / m_step)));
        std::vector<XY> ring;
        const bool full = span >= 2 * M_PI - 1e-12;
        if (!full)
            ring.push_back(c);
        for (int j = 0; j <= k - (full ? 1 : 0); ++j) {
            const double t = start + span * j / k;
            ring.push_back({c.x + m_r * std::cos(t), c.y + m_r * std::sin(t)});
        }
        polygon(ring);
    }

    geos::Context& m_ctx;
    double m_r;
    double m_step;
    std::vector<GEOSGeometry*> m_out;
};

void collect(geos::Context& ctx, const GEOSGeometry* g, Pieces& pieces)
{
    GEOSContextHandle_t h = ctx.handle();
    if (geos::is_empty(ctx, g))
        return;
    switch (GEOSGeomTypeId_r(h, g)) {
    case GEOS_POINT:
    case GEOS_LINESTRING:
        return pieces.polyline(vertices(ctx, g, false), false);
    case GEOS_LINEARRING:
        return pieces.polyline(vertices(ctx, g, true), true);
    case GEOS_POLYGON:
        pieces.polyline(vertices(ctx, GEOSGetExteriorRing_r(h, g), true), true);
        for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); ++i)
            pieces.polyline(vertices(ctx, GEOSGetInteriorRingN_r(h, g, i), true), true);
        return;
    default:
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i)
            collect(ctx, GEOSGetGeometryN_r(h, g, i), pieces);
    }
}

} // namespace

geos::GeomPtr within_distance(geos::Context& ctx, const GEOSGeometry* g, double metres, double slack)
{
    if (!(metres > 0))
        return nullptr;
    // Arc vertices on the radius r, at most `step` apart: a chord's nearest
    // point to the centre is then at r cos(step/2). Chords beyond
    // metres + slack/2, vertices (and the rectangles' sides) at r <= metres + slack.
    const double inner = metres + slack / 2;
    const double step = std::max(2 * std::acos(inner / (metres + slack)), 1e-4);
    const double radius = inner / std::cos(step / 2);
    Pieces pieces(ctx, radius, step);
    collect(ctx, g, pieces);
    geos::GeomPtr band = pieces.unite();
    if (geos::dimension(ctx, g) < 2)
        return band;
    geos::GeomPtr area = geos::keep_dimension(ctx, g, 2);
    return geos::own(ctx, GEOSUnion_r(ctx.handle(), band.get(), area.get()), "union");
}

} // namespace redline
