// A site as checks see it: the application's resolved industry, its
// geometry in the working CRS and its attributes.
#pragma once

#include "redline/geos.hpp"
#include "redline/industry.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace redline {

using Attributes = std::vector<std::pair<std::string, std::optional<std::string>>>;

class OverlapMemo; // spatial.hpp

struct Site {
    std::string id;
    Industry industry;
    const GEOSGeometry* geometry = nullptr; ///< working CRS; owned by the caller
    /// `geometry` as WKB when the caller has it (evidence that is the whole
    /// site is then copied, not re-encoded); may be null.
    const std::vector<unsigned char>* wkb = nullptr;
    int dimension = 0;  ///< 0 point, 1 line, 2 polygon (highest part)
    double size = 0;    ///< area m² (polygons) or length m (lines); 0 for points
    geos::Bounds bounds;
    const Attributes* attributes = nullptr;
    /// Overlaps already measured for this site (several checks and the
    /// township/unit columns ask about the same features); null: none kept.
    OverlapMemo* memo = nullptr;
    /// Application::origin_layer / origin_key: the rulebook layer feature the
    /// site is (--layer-input), empty for an application.
    std::string origin_layer;
    std::string origin_key;

    /// The named attribute, or nullopt when absent, null or blank.
    std::optional<std::string> attr(const std::string& name) const;
};

} // namespace redline
