// open_layer_applications() (source.hpp): a rulebook layer's features as
// records, e.g. the registry of existing enterprises screened against
// today's rules (`batch`/`diff --layer-input sources`).
#include "redline/source.hpp"

#include "io/columns.hpp"
#include "redline/engine.hpp"
#include "redline/error.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

class LayerSource final : public ApplicationSource {
public:
    LayerSource(const Engine& engine, const Layer& layer, const InputOptions& options);
    bool next(Application& out) override;
    std::optional<std::size_t> count() const override { return m_layer.size(); }
    const SourceInfo& info() const override { return m_info; }

private:
    const Layer& m_layer;
    SourceInfo m_info;
    columns::Binding m_columns;
    std::optional<std::size_t> m_id; ///< --id-field, else the layer's key
    std::size_t m_next = 0;
};

LayerSource::LayerSource(const Engine& engine, const Layer& layer, const InputOptions& options)
    : m_layer(layer)
{
    const LayerDef& def = layer.def();
    m_columns = columns::bind(layer.field_names(), options, false, "layer '" + def.name + "'");
    if (options.id_field != "id") {
        m_id = layer.find_field(options.id_field);
        if (!m_id)
            throw UsageError("--id-field '" + options.id_field + "' is not a field of layer '" + def.name + "'");
    }
    m_info.name = "layer:" + def.name + " (" + def.source + (def.layer.empty() ? "" : ", " + def.layer) + ")";
    m_info.modified = layer.modified();
    m_info.field_names = layer.field_names();
    m_info.field_types.assign(m_info.field_names.size(), OFTString);
    auto working = std::make_shared<OGRSpatialReference>(engine.layers().working_srs());
    working->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    m_info.srs = working;
    m_info.id_field = m_id ? options.id_field : (def.key.empty() ? "fid" : def.key);
    m_info.industry_field = m_columns.industry >= 0 ? layer.field_names()[static_cast<std::size_t>(m_columns.industry)]
                                                    : options.industry_field;
    m_info.crs = engine.rulebook().working_crs;
    m_info.layer_input = def.name;
}

bool LayerSource::next(Application& out)
{
    if (m_next >= m_layer.size())
        return false;
    const LayerFeature& f = m_layer.feature(m_next);
    out = Application{};
    out.index = m_next++;
    auto value = [&](int column) -> std::string {
        if (column < 0)
            return "";
        const auto& v = f.values[static_cast<std::size_t>(column)];
        return v ? trim(*v) : "";
    };
    out.site_id = m_id ? value(static_cast<int>(*m_id)) : f.key;
    if (out.site_id.empty())
        out.site_id = f.key;
    out.name = m_columns.name >= 0 ? value(m_columns.name) : f.label;
    out.industry = value(m_columns.industry);
    for (std::size_t i = 0; i < m_layer.field_names().size(); ++i)
        out.attributes.emplace_back(m_layer.field_names()[i], f.values[i]);
    out.wkb = f.wkb;
    out.has_wkb = true;
    out.srs = m_info.srs;
    out.origin_layer = m_layer.name();
    out.origin_key = f.key;
    return true;
}

} // namespace

std::unique_ptr<ApplicationSource> open_layer_applications(const Engine& engine, const std::string& layer,
                                                           const InputOptions& options)
{
    const Layer* l = engine.layers().find(layer);
    if (!l) {
        std::vector<std::string> names;
        for (const auto& x : engine.layers().all())
            names.push_back(x->name());
        throw UsageError("--layer-input '" + layer + "' is not a layer of the rulebook (it has: " + join(names, ", ") +
                         ")");
    }
    return std::make_unique<LayerSource>(engine, *l, options);
}

} // namespace redline
