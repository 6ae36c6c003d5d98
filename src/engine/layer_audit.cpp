#include "engine/layer_audit.hpp"

#include "io/gdal.hpp"
#include "redline/check.hpp"
#include "redline/workspace.hpp"

#include <algorithm>
#include <cmath>

namespace redline {

namespace {

/// Polygons of `g` as separate geometries.
std::vector<geos::GeomPtr> polygons_of(geos::Context& ctx, const GEOSGeometry* g)
{
    std::vector<geos::GeomPtr> out;
    const int n = GEOSGetNumGeometries_r(ctx.handle(), g);
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx.handle(), g, i);
        if (GEOSGeomTypeId_r(ctx.handle(), part) == GEOS_POLYGON)
            out.push_back(geos::clone(ctx, part));
        else if (GEOSGeomTypeId_r(ctx.handle(), part) == GEOS_MULTIPOLYGON ||
                 GEOSGeomTypeId_r(ctx.handle(), part) == GEOS_GEOMETRYCOLLECTION)
            for (auto& p : polygons_of(ctx, part))
                out.push_back(std::move(p));
    }
    return out;
}

class Locator {
public:
    explicit Locator(const OGRSpatialReference& working)
    {
        if (working.IsProjected()) {
            std::unique_ptr<OGRSpatialReference> geo(working.CloneGeogCS());
            if (geo) {
                geo->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
                gdal::ErrorCapture quiet;
                try {
                    m_ct = gdal::make_transform(working, *geo);
                } catch (...) {
                    m_ct.reset();
                }
            }
        }
        m_geographic = working.IsGeographic();
    }
    UnitProblem place(geos::Context& ctx, const GEOSGeometry* g, std::string keys)
    {
        UnitProblem p;
        p.keys = std::move(keys);
        p.area = geos::area(ctx, g);
        geos::GeomPtr pt = geos::own(ctx, GEOSPointOnSurface_r(ctx.handle(), g), "point on surface");
        GEOSGeomGetX_r(ctx.handle(), pt.get(), &p.x);
        GEOSGeomGetY_r(ctx.handle(), pt.get(), &p.y);
        p.lon = p.lat = std::nan("");
        if (m_geographic) {
            p.lon = p.x;
            p.lat = p.y;
        } else if (m_ct) {
            double x = p.x, y = p.y;
            if (m_ct->Transform(1, &x, &y)) {
                p.lon = x;
                p.lat = y;
            }
        }
        return p;
    }

private:
    gdal::TransformPtr m_ct;
    bool m_geographic = false;
};

} // namespace

namespace {

/// The control-unit layer: the rulebook's `unit_layer`, else the layer the
/// first check that reads units names (CheckInfo::unit_layer_param).
std::string unit_layer_name(const Rulebook& rb)
{
    if (!rb.unit_layer.empty())
        return rb.unit_layer;
    for (const auto& c : rb.checks) {
        auto info = CheckRegistry::builtin().info(c.type);
        if (!info || info->unit_layer_param.empty())
            continue;
        if (auto l = c.params.optional_string(info->unit_layer_param))
            return *l;
    }
    return {};
}

/// Pairs of units that overlap by more than `tol`, each placed on the map;
/// returns the polygons of the units (for the gaps).
std::vector<const GEOSGeometry*> find_overlaps(Workspace& ws, const Layer& units, double tol,
                                               Locator& locator, UnitAudit& out)
{
    geos::Context& ctx = ws.ctx();
    // Every pair whose bounds meet, refined by the prepared predicate.
    std::vector<const GEOSGeometry*> polys;
    for (std::size_t i = 0; i < units.size(); ++i) {
        if (units.feature(i).dimension != 2)
            continue;
        polys.push_back(ws.geometry(units, i));
        for (std::uint32_t j : units.query(units.feature(i).bounds)) {
            if (j <= i || units.feature(j).dimension != 2)
                continue;
            if (!geos::predicate(ctx,
                                 GEOSPreparedIntersects_r(ctx.handle(), ws.prepared(units, i),
                                                          ws.geometry(units, j)),
                                 "intersects"))
                continue;
            geos::GeomPtr piece = geos::intersection(ctx, ws.geometry(units, i), ws.geometry(units, j));
            geos::GeomPtr areal = geos::keep_dimension(ctx, piece.get(), 2);
            const double a = geos::area(ctx, areal.get());
            if (a <= tol)
                continue;
            out.overlap_area += a;
            out.overlaps.push_back(locator.place(ctx, areal.get(),
                                                 units.feature(i).key + " × " + units.feature(j).key));
        }
    }
    return polys;
}

/// Gaps: the coverage minus the units, or (without a coverage) the holes
/// the units enclose.
void find_gaps(Workspace& ws, const std::vector<const GEOSGeometry*>& polys, const Layer* coverage,
               double tol, Locator& locator, UnitAudit& out)
{
    geos::Context& ctx = ws.ctx();
    geos::GeomPtr all = geos::union_all(ctx, polys);
    std::vector<geos::GeomPtr> gaps;
    if (coverage) {
        std::vector<const GEOSGeometry*> cov;
        for (std::size_t i = 0; i < coverage->size(); ++i)
            if (coverage->feature(i).dimension == 2)
                cov.push_back(ws.geometry(*coverage, i));
        geos::GeomPtr area = geos::union_all(ctx, cov);
        geos::GeomPtr rest = geos::difference(ctx, area.get(), all.get());
        gaps = polygons_of(ctx, rest.get());
    } else {
        for (auto& poly : polygons_of(ctx, all.get())) {
            const int holes = GEOSGetNumInteriorRings_r(ctx.handle(), poly.get());
            for (int h = 0; h < holes; ++h) {
                const GEOSGeometry* ring = GEOSGetInteriorRingN_r(ctx.handle(), poly.get(), h);
                geos::GeomPtr shell = geos::clone(ctx, ring);
                gaps.push_back(geos::own(ctx, GEOSGeom_createPolygon_r(ctx.handle(), shell.release(), nullptr, 0),
                                         "hole polygon"));
            }
        }
    }
    for (auto& g : gaps) {
        const double a = geos::area(ctx, g.get());
        if (a <= tol)
            continue;
        out.gap_area += a;
        out.gaps.push_back(locator.place(ctx, g.get(), coverage ? "in " + coverage->name() : "enclosed"));
    }
}

} // namespace

UnitAudit audit_units(const Rulebook& rb, const LayerSet& layers)
{
    UnitAudit out;
    const std::string unit_name = unit_layer_name(rb);
    const Layer* units = unit_name.empty() ? nullptr : layers.find(unit_name);
    if (!units || units->size() == 0)
        return out;
    out.units = units->name();
    const Layer* coverage = rb.coverage.empty() ? nullptr : layers.find(rb.coverage);
    if (coverage == units)
        coverage = nullptr;
    out.coverage = coverage ? coverage->name() : "";
    Workspace ws(layers);
    Locator locator(layers.working_srs());
    const auto polys = find_overlaps(ws, *units, rb.area_tolerance, locator, out);
    find_gaps(ws, polys, coverage, rb.area_tolerance, locator, out);
    auto by_area = [](const UnitProblem& a, const UnitProblem& b) { return a.area > b.area; };
    std::stable_sort(out.overlaps.begin(), out.overlaps.end(), by_area);
    std::stable_sort(out.gaps.begin(), out.gaps.end(), by_area);
    return out;
}

} // namespace redline
