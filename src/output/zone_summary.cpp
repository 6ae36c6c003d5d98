#include "redline/sink.hpp"

#include "redline/check.hpp"
#include "redline/engine.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "util/encoding.hpp"

#include <algorithm>

namespace redline {

ZoneSummary::ZoneSummary(const Engine& engine)
{
    const std::string& name = engine.rulebook().township_layer;
    if (name.empty())
        return;
    m_layer = engine.layers().find(name);
    if (!m_layer)
        return;
    for (std::size_t i = 0; i < m_layer->size(); ++i)
        m_by_key.emplace(m_layer->feature(i).key, i);
    for (const auto& c : engine.checks())
        if (auto loads = c->zone_loads(); loads && loads->zones_layer == name)
            m_loads.push_back(*loads);
    m_rows.resize(m_layer->size());
    for (auto& row : m_rows)
        row.added.assign(m_loads.size(), 0.0);
}

void ZoneSummary::add(const SiteResult& r, const Application& app)
{
    if (!m_layer || r.township_keys.empty())
        return;
    // Each load's figure, read once for the site however many townships it
    // lies in: the first column of that name, as the capacity check reads it.
    m_figures.assign(m_loads.size(), 0.0);
    for (std::size_t l = 0; l < m_loads.size(); ++l) {
        const ZoneLoads& load = m_loads[l];
        if (!app.origin_layer.empty() && app.origin_layer == load.points_layer)
            continue;
        const auto column = std::find_if(app.attributes.begin(), app.attributes.end(),
                                         [&](const auto& a) { return a.first == load.attr; });
        if (column != app.attributes.end() && column->second)
            // The capacity check's own figure parser: "１２.５吨" adds 12.5 here too.
            m_figures[l] = encoding::parse_figure(*column->second, load.unit).value_or(0.0);
    }
    for (const auto& key : r.township_keys) {
        auto it = m_by_key.find(key);
        if (it == m_by_key.end())
            continue;
        Row& row = m_rows[it->second];
        ++row.sites;
        ++row.by_verdict[static_cast<std::size_t>(r.verdict)];
        for (std::size_t l = 0; l < m_loads.size(); ++l)
            row.added[l] += m_figures[l];
    }
}

} // namespace redline
