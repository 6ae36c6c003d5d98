// `setback`: a finding per feature of `layer` (after `where`) closer to the
// site, edge to edge, than the distance that applies to the application's
// industry (longest code prefix wins, then a class:N key, then `default`).
// No finding when that distance is 0. SPEC §4.
#include "plugins.hpp"

#include "redline/error.hpp"
#include "util/text.hpp"

namespace redline::plugins {

namespace {

class SetbackCheck final : public Check {
public:
    const CheckInfo& info() const override
    {
        static const CheckInfo i{
            "setback",
            "the site is closer to a feature than the industry's minimum distance",
            {{"layer", "layer name", true, ParamKind::Layer},
             {"where", "OGR SQL filter on the layer", false, ParamKind::Filter},
             {"distance", "metres: a number, or {selector: metres, ..., default: metres}", true,
              ParamKind::Distance}},
            Drawing::Line};
        return i;
    }

    /// The minimum distance for an industry (0 = no setback).
    double threshold(const Industry& industry) const
    {
        const Rule* best = nullptr;
        for (const auto& r : m_rules) {
            if (!r.selector.matches(industry))
                continue;
            // Code prefixes beat classes; among prefixes the longest wins.
            if (!best || (r.selector.is_class() ? 0 : 1 + r.selector.specificity()) >
                             (best->selector.is_class() ? 0 : 1 + best->selector.specificity()))
                best = &r;
        }
        return best ? best->metres : m_default;
    }

private:
    struct Rule {
        IndustrySelector selector;
        double metres;
    };

    void do_configure(const Params& p, const ConfigEnv& env) override
    {
        m_layer = layer_param(p, "layer", env);
        m_where = p.optional_string("where").value_or("");
        if (auto single = [&]() -> std::optional<double> {
                try {
                    return p.optional_number("distance");
                } catch (const RulebookError&) {
                    return std::nullopt;
                }
            }()) {
            m_default = *single;
            if (m_default < 0)
                p.fail("distance", "must not be negative");
            return;
        }
        Params d = p.child("distance");
        for (const auto& e : d.scalar_entries()) {
            auto metres = parse_double(e.value);
            if (!metres || *metres < 0)
                d.fail(e.key, "expected a distance in metres, not '" + e.value + "'");
            if (e.key == "default") {
                m_default = *metres;
                continue;
            }
            bool known = true;
            try {
                m_rules.push_back(Rule{IndustrySelector::parse(e.key, env.table, &known), *metres});
            } catch (const Error& err) {
                d.fail(e.key, err.what());
            }
            if (m_rules.back().selector.is_class() && env.rulebook.industry_classes.empty())
                d.fail(e.key, "'" + e.key + "' needs `industry_classes` in the rulebook");
            if (!known && env.warnings)
                env.warnings->push_back(d.file() + ":" + std::to_string(e.line) + ": " + d.path() +
                                        "." + e.key + ": not a GB/T 4754-2017 code (used as a prefix)");
        }
    }

    void do_prepare(LayerSet& layers) override { m_subset = layers.subset(m_layer, m_where); }

    void do_evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const override
    {
        const double t = threshold(site.industry);
        if (t <= 0)
            return;
        const Layer& layer = *m_subset.layer;
        for (std::uint32_t i : layer.query(site.bounds, t)) {
            if (!m_subset.contains(i))
                continue;
            Distance d = distance(ws, site, layer, i, t);
            if (!(d.metres < t))
                continue;
            const LayerFeature& lf = layer.feature(i);
            Finding f = make_finding();
            f.layer = layer.name();
            f.feature_key = lf.key;
            f.feature_label = lf.label;
            f.measure = "distance";
            f.value = d.metres;
            f.threshold = t;
            f.unit = "m";
            f.evidence = std::move(d.line);
            out.push_back(std::move(f));
        }
    }

    /// The open set closer than the industry's distance, drawn on the safe
    /// side (within_distance: the drawn boundary lies up to `slack` beyond).
    bool do_region(const RegionQuery& q, std::vector<RegionPiece>& out) const override
    {
        const double t = threshold(q.site.industry);
        if (t <= 0)
            return true;
        RegionPiece p;
        p.rule_id = m_id;
        p.outcome = default_outcome();
        const Layer& layer = *m_subset.layer;
        for (std::uint32_t i = 0; i < layer.size(); ++i)
            if (m_subset.contains(i))
                p.geometries.push_back(within_distance(q.ws.ctx(), q.ws.geometry(layer, i), t, q.slack));
        out.push_back(std::move(p));
        return true;
    }

    std::string do_describe(const Finding& f, Lang lang) const override
    {
        const std::string& name = feature_name(f);
        const bool zh = lang == Lang::Zh;
        const std::string minimum = format_number(f.threshold);
        if (f.value == 0)
            return zh ? cat("位于「", name, "」内（须距离 ≥ ", minimum, " m）")
                      : cat("inside '", name, "' (minimum distance ", minimum, " m)");
        const std::string distance = format_number(f.value);
        return zh ? cat("距「", name, "」", distance, " m，小于 ", minimum, " m")
                  : cat(distance, " m from '", name, "', less than ", minimum, " m");
    }

    std::string m_layer;
    std::string m_where;
    LayerSubset m_subset;
    std::vector<Rule> m_rules;
    double m_default = 0;
};

} // namespace

std::unique_ptr<Check> make_setback()
{
    return std::make_unique<SetbackCheck>();
}

} // namespace redline::plugins
