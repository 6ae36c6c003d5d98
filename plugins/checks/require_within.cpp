// `require_within`: the application (of the check's `industries`) must lie
// within `layer`, e.g. electroplating inside an industrial park; and the
// built-in `coverage` check: the site must lie within the rulebook's
// `coverage` layer, else INCOMPLETE (rule id COVERAGE). SPEC §4.
#include "plugins.hpp"

#include "util/text.hpp"

namespace redline::plugins {

namespace {

class RequireWithinCheck : public Check {
public:
    const CheckInfo& info() const override
    {
        static const CheckInfo i{"require_within",
                                 "the site must lie within the layer's features",
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
        Outside o = outside(ws, site, m_subset, tolerances());
        if (o.within)
            return;
        Finding f = make_finding();
        f.layer = m_subset.layer->name();
        if (site.dimension == 2) {
            f.measure = "outside_area";
            f.unit = "m2";
        } else if (site.dimension == 1) {
            f.measure = "outside_length";
            f.unit = "m";
        } else {
            f.measure = "outside";
        }
        f.value = o.amount;
        f.share = o.share;
        f.evidence = evidence_wkb(ws, site, o.piece.get(), o.whole_site);
        out.push_back(std::move(f));
    }

    /// A point site outside every feature (boundary excluded) gets a finding.
    bool do_region(const RegionQuery&, std::vector<RegionPiece>& out) const override
    {
        RegionPiece p = subset_piece(m_subset, m_id, default_outcome());
        p.outside = true;
        out.push_back(std::move(p));
        return true;
    }

    std::string do_describe(const Finding& f, Lang lang) const override
    {
        const bool zh = lang == Lang::Zh;
        if (f.measure == "outside")
            return zh ? cat("不在", m_layer, "范围内") : cat("not within ", m_layer);
        const char* unit = f.measure == "outside_area" ? " m²" : " m";
        const std::string amount = format_number(f.value), share = format_number(f.share, 1);
        return zh ? cat("有 ", amount, unit, "（", share, "%）位于", m_layer, "范围之外")
                  : cat(amount, unit, " (", share, "%) lies outside ", m_layer);
    }

protected:
    std::string m_layer;
    std::string m_where;
    LayerSubset m_subset;
};

class CoverageCheck final : public RequireWithinCheck {
public:
    const CheckInfo& info() const override
    {
        static const CheckInfo i{"coverage",
                                 "the site must lie within the area the rulebook governs",
                                 {{"layer", "the coverage layer", true, ParamKind::Layer}}};
        return i;
    }

private:
    Outcome fallback_outcome() const override { return Outcome::Incomplete; }
    std::string do_describe(const Finding& f, Lang lang) const override
    {
        const bool zh = lang == Lang::Zh;
        if (f.measure == "outside")
            return zh ? "项目位于本规则集管控范围之外，未能完成核查"
                      : "the site lies outside the area this rulebook governs: not checked";
        const std::string share = format_number(f.share, 1);
        return zh ? cat("项目有 ", share, "% 位于本规则集管控范围之外，该部分未能核查")
                  : cat(share, "% of the site lies outside the area this rulebook governs: not checked");
    }
    /// The rulebook states no clause for its own coverage: the words are ours.
    void do_describe_extra(Finding& f, Lang lang) const override
    {
        if (f.clause.empty())
            f.clause = lang == Lang::Zh ? "项目须位于本规则集管控范围内方可完成核查"
                                        : "the site must lie within the area this rulebook governs to be checked";
    }
};

} // namespace

std::unique_ptr<Check> make_require_within()
{
    return std::make_unique<RequireWithinCheck>();
}

std::unique_ptr<Check> make_coverage()
{
    return std::make_unique<CoverageCheck>();
}

} // namespace redline::plugins
