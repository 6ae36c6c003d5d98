// `overlap`: a finding per feature of `layer` (after `where`) the site
// overlaps, with the overlap piece as evidence. SPEC §4.
#include "plugins.hpp"

#include "util/text.hpp"

#include <cmath>

namespace redline::plugins {

namespace {

class OverlapCheck final : public Check {
public:
    const CheckInfo& info() const override
    {
        static const CheckInfo i{"overlap",
                                 "the site overlaps a feature of the layer (area, length or point)",
                                 {{"layer", "layer name", true, ParamKind::Layer},
                                  {"where", "OGR SQL filter on the layer", false, ParamKind::Filter}}};
        return i;
    }

private:
    void do_configure(const Params& p, const ConfigEnv& env) override
    {
        m_layer = layer_param(p, "layer", env);
        m_where = p.optional_string("where").value_or("");
    }

    void do_prepare(LayerSet& layers) override { m_subset = layers.subset(m_layer, m_where); }

    void do_evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const override
    {
        for (Hit& h : overlaps(ws, site, m_subset, tolerances())) {
            Finding f = make_finding();
            describe_overlap(f, site, *m_subset.layer, h.feature, h.overlap, ws);
            out.push_back(std::move(f));
        }
    }

    /// A point site in a feature (boundary included) gets a finding.
    bool do_region(const RegionQuery&, std::vector<RegionPiece>& out) const override
    {
        out.push_back(subset_piece(m_subset, m_id, default_outcome()));
        return true;
    }

    std::string do_describe(const Finding& f, Lang lang) const override
    {
        const std::string& name = feature_name(f);
        const bool zh = lang == Lang::Zh;
        if (f.measure == "overlap_area") {
            const std::string area = format_number(f.value);
            if (std::isnan(f.share))
                return zh ? cat("与「", name, "」重叠 ", area, " m²") : cat("overlaps '", name, "' by ", area, " m²");
            const std::string share = format_number(f.share, 1);
            return zh ? cat("与「", name, "」重叠 ", area, " m²（占项目 ", share, "%）")
                      : cat("overlaps '", name, "' by ", area, " m² (", share, "% of the site)");
        }
        if (f.measure == "overlap_length") {
            const std::string length = format_number(f.value);
            return zh ? cat("穿越「", name, "」", length, " m") : cat("crosses '", name, "' for ", length, " m");
        }
        return zh ? cat("位于「", name, "」内") : cat("lies in '", name, "'");
    }

    std::string m_layer;
    std::string m_where;
    LayerSubset m_subset;
};

} // namespace

std::unique_ptr<Check> make_overlap()
{
    return std::make_unique<OverlapCheck>();
}

} // namespace redline::plugins
