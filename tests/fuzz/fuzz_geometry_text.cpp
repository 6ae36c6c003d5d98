// libFuzzer: a site geometry as text (WKT, GeoJSON, "lon,lat") → parse,
// GCJ-02/BD-09 conversion, WKB and GEOS conversion, validity repair — the
// engine's path for a CSV or --site geometry, minus the layers.
#include "fuzz_common.hpp"

#include "geometry/convert.hpp"
#include "geometry/coords.hpp"
#include "geometry/geometry_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace redline;
    fuzz::scratch();
    static geos::Context ctx;
    const std::string text(reinterpret_cast<const char*>(data), size);
    fuzz::expect_only_redline_errors([&] {
        gdal::GeometryPtr g = parse_text_geometry(text);
        if (!g || g->IsEmpty())
            return;
        coords::to_wgs84(size % 2 ? coords::Datum::Gcj02 : coords::Datum::Bd09, *g);
        if (char* json = g->exportToJson())
            CPLFree(json);
        geos::GeomPtr geom = ogr_to_geos(ctx, *g);
        if (GEOSisValid_r(ctx.handle(), geom.get()) == 0) {
            GEOSGeometry* fixed = GEOSMakeValid_r(ctx.handle(), geom.get());
            if (fixed)
                GEOSGeom_destroy_r(ctx.handle(), fixed);
        }
    });
    return 0;
}
