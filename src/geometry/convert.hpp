// The one crossing between OGR and GEOS geometries: through 2D WKB, so no
// GEOS handle ever reaches GDAL and no OGR object reaches GEOS.
#pragma once

#include "io/gdal.hpp"
#include "redline/geos.hpp"

#include <vector>

namespace redline {

/// 2D, linear (curves stroked) ISO WKB of an OGR geometry; Z and M dropped.
std::vector<unsigned char> ogr_to_wkb(const OGRGeometry& g);
geos::GeomPtr ogr_to_geos(geos::Context& ctx, const OGRGeometry& g);
/// An OGR geometry from WKB (e.g. a GEOS result); throws LibraryError.
gdal::GeometryPtr wkb_to_ogr(const std::vector<unsigned char>& wkb);

} // namespace redline
