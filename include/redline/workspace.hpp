// Per-thread state: a GEOS context and this thread's own GEOS copies of the
// layer features it has touched (GEOS geometries and prepared geometries are
// not safe to share between threads). Created once per worker thread.
#pragma once

#include "redline/geos.hpp"
#include "redline/layer.hpp"

#include <vector>

namespace redline {

class Workspace {
public:
    explicit Workspace(const LayerSet& layers);
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    geos::Context& ctx() { return m_ctx; }
    /// This thread's copy of feature `i` of `layer` (built on first use).
    const GEOSGeometry* geometry(const Layer& layer, std::size_t i);
    /// This thread's prepared copy of feature `i` (built on first use).
    const GEOSPreparedGeometry* prepared(const Layer& layer, std::size_t i);

private:
    struct Cache {
        std::vector<geos::GeomPtr> geoms;
        std::vector<geos::PreparedPtr> prepared; // destroyed before geoms
    };
    geos::Context m_ctx; // declared first: destroyed after every cached geometry
    std::vector<Cache> m_caches;
};

} // namespace redline
