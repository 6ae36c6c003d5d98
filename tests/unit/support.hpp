// A small fixture for engine-level unit tests: constraint layers from inline
// WKT (EPSG:4549, metres) in a GeoPackage in a fresh temp dir, a rulebook
// YAML beside it, and one call that screens a site given as WKT.
//
// Coordinates are plain metres near the origin: the rulebook's working and
// input CRS are both EPSG:4549, so nothing is reprojected and every number
// in a test is the number the engine measures.
#pragma once

#include "redline/engine.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace redline::test {

/// A field value: text, or a number (written as a Real field).
using Value = std::variant<std::string, double>;

struct Feature {
    std::string wkt;
    std::vector<std::pair<std::string, Value>> fields;
};

struct LayerOptions {
    std::string key = "code"; ///< declared `key` (empty = none, features keyed by FID)
    std::string label;        ///< declared `label` (optional)
    std::string type;         ///< declared `type` (optional)
    int epsg = 4549;          ///< 0 = write the layer without a CRS
};

class Fixture {
public:
    Fixture();
    ~Fixture();
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    /// Writes layer `name` to layers.gpkg and declares it in the rulebook as
    /// `name: {source: layers.gpkg, layer: name, key: ..., label: ..., type: ...}`.
    void layer(const std::string& name, const std::vector<Feature>& features,
               const LayerOptions& options = {});
    /// Writes a text file (an access list, a raw rulebook...) in the temp dir;
    /// returns its path.
    std::string file(const std::string& name, const std::string& text) const;
    /// Writes rulebook.yaml: the header (working/input CRS, `extra` top-level
    /// lines), every declared layer, then `checks_yaml` under `checks:`.
    void rulebook(const std::string& checks_yaml, const std::string& extra = "");

    /// The engine for rulebook.yaml (built on first use).
    Engine& engine();
    /// Screens one application; `attrs` are its attributes as name=value.
    SiteResult screen(const std::string& wkt, const std::string& industry,
                      const std::vector<std::pair<std::string, std::string>>& attrs = {});

    std::string path(const std::string& name) const { return (m_dir / name).string(); }
    std::string rulebook_path() const { return path("rulebook.yaml"); }

    /// CRS of site coordinates written into the rulebook (default EPSG:4549).
    std::string input_crs = "EPSG:4549";

private:
    std::filesystem::path m_dir;
    std::string m_layers_yaml;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<Engine::Worker> m_worker;
};

/// The findings of `r` with rule id `rule_id`, in finding order.
std::vector<Finding> findings_of(const SiteResult& r, const std::string& rule_id);

/// A square polygon WKT with corner (x, y) and side `side`.
std::string square(double x, double y, double side);

} // namespace redline::test
