// An application record as read from the input, before screening: raw
// fields, the raw industry code and the geometry in one of its input forms.
// Parsing, validation and reprojection happen in the engine (on worker
// threads), so that a bad record becomes an ERROR row, never a stop.
#pragma once

#include "redline/lang.hpp"
#include "redline/site.hpp"

#include <ogr_spatialref.h>

#include <memory>
#include <string>
#include <vector>

namespace redline {

namespace coords {
/// The datum of geographic coordinates: WGS84/CGCS2000, or the web maps' GCJ-02
/// (AMap, Tencent) and BD-09 (Baidu), converted before screening (geometry/coords.hpp).
enum class Datum { Wgs84, Gcj02, Bd09 };
} // namespace coords

struct Application {
    std::size_t index = 0;  ///< 0-based position in the input
    std::string site_id;
    std::string name;
    std::string industry;   ///< as given
    Attributes attributes;  ///< every input field, in input order
    std::string geometry_text;      ///< WKT, GeoJSON geometry or "lon,lat" (text inputs)
    std::vector<unsigned char> wkb; ///< geometry read by GDAL (vector inputs)
    bool has_wkb = false;
    Text read_error;                ///< set by the reader when the record is unusable
    /// CRS of the coordinates; null = the rulebook's input_crs.
    std::shared_ptr<const OGRSpatialReference> srs;
    /// Datum of geographic coordinates (--coords): GCJ-02 / BD-09 are
    /// converted to WGS84/CGCS2000 before reprojection.
    coords::Datum datum = coords::Datum::Wgs84;
    /// When the record is a feature of a rulebook layer (--layer-input, e.g.
    /// an existing enterprise of `sources`): that layer's name and the
    /// feature's key; empty for applications. A check that sums a layer's
    /// features (capacity) leaves the record's own feature out, so that an
    /// existing source's load is not counted twice.
    std::string origin_layer;
    std::string origin_key;
};

/// The first point of the application's geometry as given (input CRS, no
/// parsing beyond what is needed to find it); NaN when there is none.
/// Only a hint for scheduling -- in which order and on which lane sites
/// are screened -- never used for a result.
struct PositionHint {
    double x, y;
};
PositionHint position_hint(const Application& app);

} // namespace redline
