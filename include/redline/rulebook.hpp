// The rulebook (YAML, `rulebook: 1`): what to check, against which layers.
// Loading it parses and resolves paths only; layers are opened by LayerSet
// and checks are configured by the Engine.
#pragma once

#include "redline/industry.hpp"
#include "redline/params.hpp"

#include <optional>
#include <string>
#include <vector>

namespace redline {

struct LayerDef {
    std::string name;   ///< the rulebook's name for it, e.g. "redline"
    std::string source; ///< GDAL source, resolved against the rulebook's folder
    std::string layer;  ///< layer within the source (empty = the first)
    std::string key;    ///< feature key field (empty = FID)
    std::string label;  ///< human label field (optional)
    std::string type;   ///< unit type field (optional; used by access_list)
    std::string where;  ///< OGR SQL filter applied at load (optional)
    int line = 0;
};

struct CheckSpec {
    std::string id;
    std::string type;
    Params params;
};

struct Rulebook {
    std::string path; ///< as given
    std::string dir;  ///< its folder: relative paths resolve from here
    std::string name;
    std::string version; ///< the zoning's own version/date label (optional)
    std::string sha256;
    std::string working_crs;
    std::string input_crs;
    double area_tolerance = 0.01;   ///< m²
    double length_tolerance = 0.01; ///< m
    std::string industry_classes_path; ///< resolved; empty when not set
    IndustryClasses industry_classes;
    std::string coverage; ///< layer name; empty = no coverage check
    std::string township_layer; ///< layer whose features name a site's township(s)
    std::string unit_layer;     ///< layer whose features name a site's control unit(s)
    std::vector<LayerDef> layers;
    std::vector<CheckSpec> checks;

    const LayerDef* find_layer(const std::string& name) const;
    /// A path from the rulebook, resolved against its folder (GDAL
    /// connection strings and /vsi paths are left alone).
    std::string resolve(const std::string& relative) const;
};

/// Reads and checks the rulebook's structure; throws RulebookError naming
/// file, line and key.
Rulebook load_rulebook(const std::string& path);

} // namespace redline
