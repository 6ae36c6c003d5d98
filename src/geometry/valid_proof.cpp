#include "geometry/valid_proof.hpp"

#include "geometry/exact.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace redline {

namespace {

struct XY {
    double x = 0, y = 0;
};

struct Box {
    double minx, miny, maxx, maxy;
    bool covers(const Box& o) const
    {
        return o.minx >= minx && o.maxx <= maxx && o.miny >= miny && o.maxy <= maxy;
    }
    bool meets(const Box& o) const { return exact::boxes_meet(minx, miny, maxx, maxy, o.minx, o.miny, o.maxx, o.maxy); }
};

/// A closed ring: points [first, first + count) of the geometry's points,
/// the last equal to the first.
struct Ring {
    std::size_t first = 0, count = 0;
    Box box{};
};

/// A polygon: its shell and holes, rings [shell, end).
struct Part {
    std::size_t shell = 0, end = 0;
};

/// A run of consecutive segments of a ring: those starting at points
/// [first, first + count), their box.
struct Run {
    Box box;
    std::uint32_t first, count;
    std::uint32_t ring;
};

constexpr std::size_t kRun = 8; // segments per run

class Proof {
public:
    /// Reads the rings; false when the geometry is not one the proof takes
    /// (another type, an empty part or ring, too many points).
    bool read(geos::Context& ctx, const GEOSGeometry* g)
    {
        GEOSContextHandle_t h = ctx.handle();
        const int type = GEOSGeomTypeId_r(h, g);
        if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
            return false;
        const int parts = type == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, g);
        if (parts < 1)
            return false;
        for (int k = 0; k < parts; ++k) {
            const GEOSGeometry* poly = type == GEOS_POLYGON ? g : GEOSGetGeometryN_r(h, g, k);
            if (!poly || GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON)
                return false;
            Part part{m_rings.size(), 0};
            if (!add_ring(ctx, GEOSGetExteriorRing_r(h, poly)))
                return false;
            const int holes = GEOSGetNumInteriorRings_r(h, poly);
            if (holes < 0)
                return false;
            for (int i = 0; i < holes; ++i)
                if (!add_ring(ctx, GEOSGetInteriorRingN_r(h, poly, i)))
                    return false;
            part.end = m_rings.size();
            m_parts.push_back(part);
        }
        return m_pts.size() < std::numeric_limits<std::uint32_t>::max();
    }

    bool rings_simple() const
    {
        for (const Ring& r : m_rings)
            if (!ring_simple(r))
                return false;
        return true;
    }

    /// No two segments meet, but consecutive ones of a ring at their
    /// shared vertex (checked by ring_simple). Runs of consecutive segments
    /// (compact, as rings are) sorted on x and swept: each run against
    /// itself and the runs starting within its x-range, then segment
    /// against segment within runs whose boxes meet.
    bool segments_apart() const
    {
        std::vector<Run> runs;
        runs.reserve(m_pts.size() / kRun + m_rings.size());
        for (std::uint32_t r = 0; r < m_rings.size(); ++r) {
            const Ring& ring = m_rings[r];
            const std::size_t segments = ring.count - 1;
            for (std::size_t s = 0; s < segments; s += kRun) {
                Run run{box_of(ring.first + s), static_cast<std::uint32_t>(ring.first + s),
                        static_cast<std::uint32_t>(std::min(kRun, segments - s)), r};
                for (std::uint32_t a = run.first + 1; a < run.first + run.count; ++a) {
                    const Box b = box_of(a);
                    run.box.minx = std::min(run.box.minx, b.minx);
                    run.box.miny = std::min(run.box.miny, b.miny);
                    run.box.maxx = std::max(run.box.maxx, b.maxx);
                    run.box.maxy = std::max(run.box.maxy, b.maxy);
                }
                runs.push_back(run);
            }
        }
        std::sort(runs.begin(), runs.end(), [](const Run& u, const Run& v) {
            return u.box.minx < v.box.minx || (u.box.minx == v.box.minx && u.first < v.first);
        });
        // A budget of segment pairs: beyond it (a comb of long segments,
        // say) GEOS's monotone chains do better, and the proof gives up.
        std::size_t budget = 64 * m_pts.size() + 4096;
        for (std::size_t k = 0; k < runs.size(); ++k) {
            const Run& u = runs[k];
            for (std::size_t j = k; j < runs.size() && runs[j].box.minx <= u.box.maxx; ++j)
                if (runs[j].box.meets(u.box) && !runs_apart(u, runs[j], j == k, budget))
                    return false;
        }
        return true;
    }

    /// The rings being apart: each hole inside its shell, no hole inside
    /// another of its polygon, no shell inside another part but in one of
    /// its holes (IsValidOp's checkHolesInShell, checkHolesNotNested,
    /// checkShellsNotNested, each asking where a ring's first vertex lies).
    bool nesting_valid() const
    {
        for (const Part& part : m_parts) {
            const Ring& shell = m_rings[part.shell];
            for (std::size_t h = part.shell + 1; h < part.end; ++h) {
                const Ring& hole = m_rings[h];
                if (!shell.box.covers(hole.box) || !inside(m_pts[hole.first], shell))
                    return false;
                for (std::size_t o = part.shell + 1; o < part.end; ++o)
                    if (o != h && m_rings[o].box.covers(hole.box) && !outside(m_pts[hole.first], m_rings[o]))
                        return false;
            }
        }
        for (std::size_t i = 0; i < m_parts.size(); ++i) {
            const Ring& shell = m_rings[m_parts[i].shell];
            for (std::size_t j = 0; j < m_parts.size(); ++j) {
                if (i == j)
                    continue;
                const Part& other = m_parts[j];
                const Ring& other_shell = m_rings[other.shell];
                if (!shell.box.meets(other_shell.box) || outside(m_pts[shell.first], other_shell))
                    continue;
                // Inside the other shell: valid only inside one of its holes.
                bool in_hole = false;
                for (std::size_t h = other.shell + 1; h < other.end && !in_hole; ++h)
                    in_hole = m_rings[h].box.covers(shell.box) && inside(m_pts[shell.first], m_rings[h]);
                if (!in_hole)
                    return false;
            }
        }
        return true;
    }

    std::size_t parts() const { return m_parts.size(); }
    std::size_t rings() const { return m_rings.size(); }

private:
    bool add_ring(geos::Context& ctx, const GEOSGeometry* ring)
    {
        GEOSContextHandle_t h = ctx.handle();
        const GEOSCoordSequence* seq = ring ? GEOSGeom_getCoordSeq_r(h, ring) : nullptr;
        unsigned n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 4)
            return false;
        const std::size_t first = m_pts.size();
        m_pts.resize(first + n);
        static_assert(sizeof(XY) == 2 * sizeof(double));
        if (!GEOSCoordSeq_copyToBuffer_r(h, seq, &m_pts[first].x, 0, 0))
            return false;
        Ring r{first, n, {m_pts[first].x, m_pts[first].y, m_pts[first].x, m_pts[first].y}};
        for (std::size_t i = first; i < first + n; ++i) {
            const XY p = m_pts[i];
            if (!std::isfinite(p.x) || !std::isfinite(p.y))
                return false;
            r.box.minx = std::min(r.box.minx, p.x);
            r.box.miny = std::min(r.box.miny, p.y);
            r.box.maxx = std::max(r.box.maxx, p.x);
            r.box.maxy = std::max(r.box.maxy, p.y);
        }
        m_rings.push_back(r);
        return true;
    }

    /// Closed, no consecutive points equal, no fold at any vertex (the two
    /// segments at it collinear in GEOS's orientation unless they run on
    /// opposite sides of it along each axis, which makes their envelopes
    /// meet in the vertex alone: GEOS's collinear intersection is then
    /// that one point).
    bool ring_simple(const Ring& r) const
    {
        const XY* p = &m_pts[r.first];
        const std::size_t n = r.count;
        if (p[0].x != p[n - 1].x || p[0].y != p[n - 1].y)
            return false;
        for (std::size_t i = 0; i + 1 < n; ++i)
            if (p[i].x == p[i + 1].x && p[i].y == p[i + 1].y)
                return false;
        auto opposite = [](double before, double at, double after) {
            return (before < at && after > at) || (before > at && after < at) || (before == at && after == at);
        };
        for (std::size_t i = 0; i + 1 < n; ++i) {
            const XY& prev = p[i == 0 ? n - 2 : i - 1];
            const XY& at = p[i];
            const XY& next = p[i + 1];
            if (exact::orientation_index(prev, at, next) == 0 &&
                !(opposite(prev.x, at.x, next.x) && opposite(prev.y, at.y, next.y)))
                return false;
        }
        return true;
    }

    /// The box of the segment from point a to a + 1.
    Box box_of(std::size_t a) const
    {
        const XY p = m_pts[a], q = m_pts[a + 1];
        return {std::min(p.x, q.x), std::min(p.y, q.y), std::max(p.x, q.x), std::max(p.y, q.y)};
    }

    /// No segment of run u meets one of run v (each pair once when they
    /// are the same run), but consecutive ones at their shared vertex.
    bool runs_apart(const Run& u, const Run& v, bool same, std::size_t& budget) const
    {
        for (std::uint32_t a = u.first; a < u.first + u.count; ++a) {
            const Box sa = box_of(a);
            if (!same && !sa.meets(v.box))
                continue;
            for (std::uint32_t b = same ? a + 1 : v.first; b < v.first + v.count; ++b) {
                if (!sa.meets(box_of(b)))
                    continue;
                if (budget-- == 0)
                    return false;
                if (u.ring == v.ring && adjacent(m_rings[u.ring], a, b))
                    continue;
                if (exact::segments_may_meet(m_pts[a], m_pts[a + 1], m_pts[b], m_pts[b + 1]))
                    return false;
            }
        }
        return true;
    }

    /// Segments a and b of ring r are consecutive (the first and last too).
    static bool adjacent(const Ring& r, std::uint32_t a, std::uint32_t b)
    {
        const std::uint32_t lo = std::min(a, b), hi = std::max(a, b);
        return hi - lo == 1 || (lo == r.first && hi == r.first + r.count - 2);
    }

    /// RayCrossingCounter over the ring's segments.
    exact::Crossings<XY> crossings(XY p, const Ring& r) const
    {
        exact::Crossings<XY> c{p};
        for (std::size_t i = r.first; i + 1 < r.first + r.count && !c.on_segment; ++i)
            c.add(m_pts[i], m_pts[i + 1]);
        return c;
    }
    bool inside(XY p, const Ring& r) const
    {
        const auto c = crossings(p, r);
        return !c.on_segment && c.count % 2 == 1;
    }
    bool outside(XY p, const Ring& r) const
    {
        const auto c = crossings(p, r);
        return !c.on_segment && c.count % 2 == 0;
    }

    std::vector<XY> m_pts;
    std::vector<Ring> m_rings;
    std::vector<Part> m_parts;
};

} // namespace

bool proven_valid(geos::Context& ctx, const GEOSGeometry* g)
{
    Proof proof;
    // Parts and holes are compared pairwise: beyond a few hundred, GEOS's
    // indexed testers do better.
    if (!proof.read(ctx, g) || proof.parts() > 256 || proof.rings() > 1024)
        return false;
    return proof.rings_simple() && proof.segments_apart() && proof.nesting_valid();
}

} // namespace redline
