#include "geometry/convert.hpp"

#include "redline/error.hpp"

namespace redline {

std::vector<unsigned char> ogr_to_wkb(const OGRGeometry& g)
{
    gdal::GeometryPtr linear;
    const OGRGeometry* src = &g;
    if (g.hasCurveGeometry(TRUE)) {
        linear.reset(g.getLinearGeometry());
        if (!linear)
            throw LibraryError("cannot stroke a curve geometry");
        src = linear.get();
    }
    if (src->Is3D() || src->IsMeasured()) {
        if (!linear) {
            linear.reset(src->clone());
            src = linear.get();
        }
        linear->flattenTo2D();
        linear->setMeasured(FALSE);
    }
    std::vector<unsigned char> wkb(src->WkbSize());
    if (src->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso) != OGRERR_NONE)
        throw LibraryError("cannot export geometry to WKB");
    return wkb;
}

geos::GeomPtr ogr_to_geos(geos::Context& ctx, const OGRGeometry& g)
{
    return geos::from_wkb(ctx, ogr_to_wkb(g));
}

gdal::GeometryPtr wkb_to_ogr(const std::vector<unsigned char>& wkb)
{
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE ||
        !g)
        throw LibraryError("cannot read WKB into OGR");
    return gdal::GeometryPtr(g);
}

} // namespace redline
