// A constraint layer: read once through GDAL, reprojected into the working
// CRS (kept bit for bit when already in it), repaired with make-valid,
// indexed in a packed R-tree. Immutable after loading and shared by every
// thread; per-thread GEOS copies live in a Workspace (workspace.hpp).
#pragma once

#include "redline/geos.hpp"
#include "redline/rulebook.hpp"

#include <ogr_spatialref.h>

class OGRLayer;
class OGRCoordinateTransformation;


#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redline {

class FeatureIndex; // src/geometry/feature_index.hpp (internal)

struct LayerFeature {
    std::int64_t fid = 0;
    std::string key;   ///< the `key` field, or the FID when none is declared
    std::string label; ///< the `label` field (may be empty)
    std::string type;  ///< the `type` field (may be empty)
    std::vector<std::optional<std::string>> values; ///< every field, as text
    std::vector<unsigned char> wkb; ///< repaired geometry in the working CRS
    geos::Bounds bounds;
    int dimension = 2;
};

/// A problem found while loading, reported by `validate`.
struct LayerIssue {
    std::string key;
    std::string what;
};

/// A subset of a layer's features (a check's `where`); null mask = all.
class Layer;
struct LayerSubset {
    const Layer* layer = nullptr;
    std::shared_ptr<const std::vector<char>> mask;
    std::string where;
    bool contains(std::size_t i) const { return !mask || (*mask)[i]; }
};

class Layer {
public:
    /// Loads the layer; throws LayerError (missing source, no CRS, missing
    /// field, bad filter). `index` is its position in the LayerSet. At most
    /// `threads` threads repair it (0: every core).
    static std::unique_ptr<Layer> load(const LayerDef& def, const OGRSpatialReference& working,
                                       std::size_t index, unsigned threads = 0);
    ~Layer();

    const LayerDef& def() const { return m_def; }
    const std::string& name() const { return m_def.name; }
    std::size_t index() const { return m_index; }
    const std::vector<LayerFeature>& features() const { return m_features; }
    const LayerFeature& feature(std::size_t i) const { return m_features[i]; }
    std::size_t size() const { return m_features.size(); }
    /// Feature `i`'s rings packed for point queries, shared by every thread
    /// (polygonal features only; null otherwise: ask GEOS).
    const FeatureIndex* point_index(std::size_t i) const { return m_point_index[i].get(); }

    /// Index of a field of the source layer; throws LayerError naming the
    /// layer and `purpose` when absent.
    std::size_t field(const std::string& name, const std::string& purpose) const;
    std::optional<std::size_t> find_field(const std::string& name) const;
    const std::vector<std::string>& field_names() const { return m_field_names; }

    /// Features whose bounds intersect `b` (grown by `margin`), in layer order.
    std::vector<std::uint32_t> query(const geos::Bounds& b, double margin = 0) const;
    /// The same into `out` (replaced).
    void query_into(const geos::Bounds& b, std::vector<std::uint32_t>& out, double margin = 0) const;

    // What `validate` and run_info report.
    const std::string& source_crs() const { return m_source_crs; }
    bool reprojected() const { return m_reprojected; }
    const std::vector<LayerIssue>& issues() const { return m_issues; }
    std::size_t repaired_count() const { return m_repaired; }
    geos::Bounds extent() const { return m_extent; }
    const std::string& modified() const { return m_modified; }

private:
    Layer(LayerDef def, std::size_t index);
    /// Reads every feature (reprojected by `ct` when set).
    void read_features(OGRLayer& layer, OGRCoordinateTransformation* ct);
    /// Repairs invalid geometries (in parallel), drops the emptied ones,
    /// then builds the extent and the R-tree.
    void repair_and_index(unsigned threads);
    /// A feature's name in messages: "FID 7 (code=R1)".
    std::string who(const LayerFeature& lf) const;
    struct RTree; // Boost.Geometry's, kept out of this header
    LayerDef m_def;
    std::size_t m_index;
    std::vector<LayerFeature> m_features;
    std::vector<std::unique_ptr<const FeatureIndex>> m_point_index; ///< one per feature
    std::vector<std::string> m_field_names;
    std::unique_ptr<const RTree> m_rtree;
    std::string m_source_crs;
    bool m_reprojected = false;
    std::vector<LayerIssue> m_issues;
    std::size_t m_repaired = 0;
    geos::Bounds m_extent;
    std::string m_modified;
};

/// Every layer of a rulebook, each loaded once, plus the `where` subsets
/// checks ask for.
class LayerSet {
public:
    /// Loads every layer of the rulebook, with at most `threads` threads
    /// at a time (0: every core).
    explicit LayerSet(const Rulebook& rb, unsigned threads = 0);
    const Layer& get(const std::string& name) const;
    const Layer* find(const std::string& name) const;
    const std::vector<std::unique_ptr<Layer>>& all() const { return m_layers; }
    const OGRSpatialReference& working_srs() const { return m_working; }
    /// The features of `name` that satisfy `where` (an OGR SQL filter, ANDed
    /// with the layer's own). Computed once per distinct filter.
    LayerSubset subset(const std::string& name, const std::string& where);

private:
    OGRSpatialReference m_working;
    std::vector<std::unique_ptr<Layer>> m_layers;
    std::map<std::pair<std::string, std::string>, LayerSubset> m_subsets;
};

} // namespace redline
