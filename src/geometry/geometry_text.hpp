// Parsing a site geometry given as text: WKT, a GeoJSON geometry object or
// "lon,lat". Used by the engine (CSV and `check --site` inputs) and by the
// fuzz targets. Never crashes on any input: every problem is a RecordError
// whose reason a planner can read, in both languages (what() is the English).
#pragma once

#include "io/gdal.hpp"

#include <string>

namespace redline {

/// Parses `raw` (surrounding blanks ignored). Throws RecordError (empty,
/// unparsable, trailing text). The result may be empty or hold non-finite
/// coordinates: the caller checks those.
gdal::GeometryPtr parse_text_geometry(const std::string& raw);

} // namespace redline
