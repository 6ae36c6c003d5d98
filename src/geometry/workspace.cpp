#include "redline/workspace.hpp"

namespace redline {

Workspace::Workspace(const LayerSet& layers)
{
    m_caches.resize(layers.all().size());
    for (const auto& l : layers.all()) {
        m_caches[l->index()].geoms.resize(l->size());
        m_caches[l->index()].prepared.resize(l->size());
    }
}

const GEOSGeometry* Workspace::geometry(const Layer& layer, std::size_t i)
{
    auto& slot = m_caches[layer.index()].geoms[i];
    if (!slot)
        slot = geos::from_wkb(m_ctx, layer.feature(i).wkb);
    return slot.get();
}

const GEOSPreparedGeometry* Workspace::prepared(const Layer& layer, std::size_t i)
{
    auto& slot = m_caches[layer.index()].prepared[i];
    if (!slot)
        slot = geos::prepare(m_ctx, geometry(layer, i));
    return slot.get();
}

} // namespace redline
