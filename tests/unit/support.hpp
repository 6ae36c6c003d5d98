// A small fixture for engine-level unit tests: constraint layers from inline
// WKT (EPSG:4549, metres) in a GeoPackage in a fresh temp dir, a rulebook
// YAML beside it, and one call that screens a site given as WKT.
//
// Coordinates are plain metres near the origin: the rulebook's working and
// input CRS are both EPSG:4549, so nothing is reprojected and every number
// in a test is the number the engine measures.
#pragma once

#include "redline/check.hpp"
#include "redline/engine.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/spatial.hpp"
#include "redline/workspace.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
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
    LayerOptions(std::string key_field = "code", std::string label_field = "",
                 std::string type_field = "")
        : key(std::move(key_field)), label(std::move(label_field)), type(std::move(type_field))
    {
    }
    std::string key;  ///< declared `key` (empty = none, features keyed by FID)
    std::string label; ///< declared `label` (optional)
    std::string type; ///< declared `type` (optional)
    int epsg = 4549;  ///< 0 = write the layer without a CRS
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
    /// Screens an application as a reader would hand it over (e.g. with WKB).
    SiteResult screen(const Application& app);

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

/// The boundary-case layer every check type is tested against, keyed by
/// `key_field` (plus any `extra` fields on each feature):
///   A  0..100 x 0..100                              a plain square
///   B  1000..1100 and 1200..1300 x 0..100            one multipart feature
///   C  2000..2300 x 0..300, hole 2100..2200 x 100..200
///   D  the bow-tie 3000..3100 x 0..100, crossing at (3050 50): make-valid
///      turns it into two triangles
std::vector<Feature> edge_case_features(const std::string& key_field,
                                        const std::vector<std::pair<std::string, Value>>& extra = {});

} // namespace redline::test
