// `capacity`: pollutant load caps. For each zone the site overlaps, the
// existing load (sum of `load_field` over the `points` that intersect the
// zone, boundary included) plus the application's `attr` is compared with
// the zone's `cap_field`; a finding when it exceeds the cap. Without the
// application's figure the check is INCOMPLETE. SPEC §4.
#include "plugins.hpp"
#include "geometry/feature_index.hpp"

#include "util/encoding.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <unordered_map>

namespace redline::plugins {

/// t/a (or whatever the unit): far below any figure a permit states, far
/// above the rounding error of summing a township's sources.
constexpr double k_load_noise = 1e-9;

namespace {

class CapacityCheck final : public Check {
public:
    const CheckInfo& info() const override
    {
        static const CheckInfo i{
            "capacity",
            "existing load plus the application's exceeds a zone's cap",
            {{"zones", "zone layer (e.g. townships)", true, ParamKind::Layer},
             {"cap_field", "zone field with the cap", true, ParamKind::Field},
             {"points", "layer of existing sources", true, ParamKind::Layer},
             {"load_field", "source field with the existing load", true, ParamKind::Field},
             {"attr", "the application's attribute with its own load", true, ParamKind::Attr},
             {"unit", "unit of the loads", false, ParamKind::Text, "t/a"},
             {"where", "OGR SQL filter on the zones", false, ParamKind::Filter},
             {"points_where", "OGR SQL filter on the sources", false, ParamKind::Filter}},
            Drawing::Zone};
        return i;
    }

    std::optional<ZoneLoads> zone_loads() const override
    {
        return ZoneLoads{m_id, m_zones, m_attr, m_unit, m_existing, m_caps, m_points};
    }

private:
    void do_configure(const Params& p, const ConfigEnv& env) override
    {
        m_zones = layer_param(p, "zones", env);
        m_points = layer_param(p, "points", env);
        m_cap_field = p.string("cap_field");
        m_load_field = p.string("load_field");
        m_attr = p.string("attr");
        m_unit = p.optional_string("unit").value_or("t/a");
        m_where = p.optional_string("where").value_or("");
        m_points_where = p.optional_string("points_where").value_or("");
    }

    void do_prepare(LayerSet& layers) override
    {
        m_subset = layers.subset(m_zones, m_where);
        LayerSubset points = layers.subset(m_points, m_points_where);
        const Layer& zones = *m_subset.layer;
        const std::size_t cap_i = zones.field(m_cap_field, "cap_field");
        const std::size_t load_i = points.layer->field(m_load_field, "load_field");
        m_caps.assign(zones.size(), std::nullopt);
        for (std::size_t z = 0; z < zones.size(); ++z)
            if (const auto& v = zones.feature(z).values[cap_i])
                m_caps[z] = encoding::parse_figure(*v, m_unit);
        std::vector<double> loads(points.layer->size(), 0.0);
        for (std::size_t s = 0; s < points.layer->size(); ++s)
            if (const auto& v = points.layer->feature(s).values[load_i])
                loads[s] = encoding::parse_figure(*v, m_unit).value_or(0.0);

        Workspace ws(layers);
        geos::Context& ctx = ws.ctx();
        m_existing.assign(zones.size(), 0.0);
        for (std::size_t z = 0; z < zones.size(); ++z) {
            if (!m_subset.contains(z))
                continue;
            const FeatureIndex* index = zones.point_index(z);
            // A single point (its bounds are its coordinates) is answered on
            // the zone's shared index, as GEOS would; anything else by GEOS.
            auto inside = [&](std::uint32_t s) {
                const LayerFeature& pf = points.layer->feature(s);
                const geos::Bounds& b = pf.bounds;
                if (index && pf.dimension == 0 && b.minx == b.maxx && b.miny == b.maxy &&
                    std::isfinite(b.minx) && std::isfinite(b.miny))
                    return index->intersects({b.minx, b.miny});
                return geos::predicate(ctx,
                                       GEOSPreparedIntersects_r(ctx.handle(), ws.prepared(zones, z),
                                                                ws.geometry(*points.layer, s)),
                                       "intersects");
            };
            for (std::uint32_t s : points.layer->query(zones.feature(z).bounds)) {
                if (points.contains(s) && inside(s)) {
                    m_existing[z] += loads[s];
                    m_own[points.layer->feature(s).key].emplace_back(z, loads[s]);
                }
            }
        }
    }

    void do_evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const override
    {
        auto raw = site.attr(m_attr);
        if (!raw) {
            out.push_back(incomplete());
            return;
        }
        // People type figures: "１２.５吨" is 12.5 t/a (see encoding::parse_figure).
        auto added = encoding::parse_figure(*raw, m_unit);
        if (!added) {
            out.push_back(incomplete(*raw));
            return;
        }
        for (Hit& h : overlaps(ws, site, m_subset, tolerances())) {
            const LayerFeature& zone = m_subset.layer->feature(h.feature);
            const auto& cap = m_caps[h.feature];
            const double existing = m_existing[h.feature] - own_load(site, h.feature);
            // Over the cap by more than floating-point noise: a sum of many
            // decimal figures (0.1 + 0.2 = 0.30000000000000004) that is at the
            // cap on paper is at the cap, whatever order it was added in.
            // (Asked before a finding is made: most zones have headroom.)
            if (cap && !(existing + *added > *cap + k_load_noise))
                continue;
            Finding f = make_finding();
            f.layer = m_subset.layer->name();
            f.feature_key = zone.key;
            f.feature_label = zone.label;
            f.unit = m_unit;
            f.evidence = evidence_wkb(ws, site, h.overlap.piece.get(), h.overlap.whole_site);
            if (!cap) {
                f.outcome = Outcome::Incomplete;
                f.measure = "missing_input";
                f.value = existing + *added;
                out.push_back(std::move(f));
                continue;
            }
            f.measure = "load";
            f.value = existing + *added;
            f.threshold = *cap;
            f.base = existing;
            f.added = *added;
            out.push_back(std::move(f));
        }
    }

    /// An existing source screened as a record (--layer-input of the points
    /// layer) is already in the zone's existing load: its own part, to leave out.
    double own_load(const Site& site, std::size_t zone) const
    {
        if (site.origin_layer != m_points)
            return 0;
        auto it = m_own.find(site.origin_key);
        double own = 0;
        if (it != m_own.end())
            for (const auto& [z, load] : it->second)
                if (z == zone)
                    own += load;
        return own;
    }

    /// Without a usable figure: INCOMPLETE everywhere. Otherwise the zones
    /// the figure takes over their cap, and INCOMPLETE on zones without one.
    bool do_region(const RegionQuery& q, std::vector<RegionPiece>& out) const override
    {
        auto raw = q.site.attr(m_attr);
        auto added = raw ? encoding::parse_figure(*raw, m_unit) : std::nullopt;
        if (!added) {
            RegionPiece p;
            p.rule_id = m_id;
            p.outcome = Outcome::Incomplete;
            p.missing_input = true;
            p.everywhere = true;
            out.push_back(std::move(p));
            return true;
        }
        RegionPiece over, no_cap;
        over.rule_id = no_cap.rule_id = m_id;
        over.outcome = default_outcome();
        no_cap.outcome = Outcome::Incomplete;
        no_cap.missing_input = true;
        over.layer = no_cap.layer = m_subset.layer;
        for (std::uint32_t z = 0; z < m_subset.layer->size(); ++z) {
            if (!m_subset.contains(z))
                continue;
            if (!m_caps[z])
                no_cap.features.push_back(z);
            else if (m_existing[z] + *added > *m_caps[z] + k_load_noise)
                over.features.push_back(z);
        }
        out.push_back(std::move(over));
        out.push_back(std::move(no_cap));
        return true;
    }

    std::string do_describe(const Finding& f, Lang lang) const override
    {
        const bool zh = lang == Lang::Zh;
        if (f.measure == "missing_input" && f.feature_key.empty()) {
            if (f.input.empty())
                return zh ? cat("缺少申报的 ", m_attr, "（", m_unit, "），无法核算总量")
                          : cat("the application gives no ", m_attr, " (", m_unit, "): the load cap cannot be checked");
            return zh ? cat(m_attr, " 的值「", f.input, "」不是数字，无法核算总量")
                      : cat(m_attr, " = '", f.input, "' is not a number: the load cap cannot be checked");
        }
        const std::string& name = feature_name(f);
        if (f.measure == "missing_input")
            return zh ? cat("「", name, "」未设定 ", m_cap_field, "，无法核算总量")
                      : cat("'", name, "' has no ", m_cap_field, ": the load cap cannot be checked");
        const std::string base = format_number(f.base, 3), added = format_number(f.added, 3),
                          value = format_number(f.value, 3), cap = format_number(f.threshold, 3),
                          headroom = format_number(f.threshold - f.base, 3);
        return zh ? cat("「", name, "」现有 ", base, " + 新增 ", added, " = ", value, " ", m_unit, "，超过上限 ", cap,
                        "（余量 ", headroom, "）")
                  : cat("'", name, "': existing ", base, " + added ", added, " = ", value, " ", m_unit,
                        " exceeds the cap ", cap, " (headroom ", headroom, ")");
    }

    std::string m_zones, m_points, m_cap_field, m_load_field, m_attr, m_unit, m_where, m_points_where;
    LayerSubset m_subset;
    std::vector<std::optional<double>> m_caps;
    std::vector<double> m_existing;
    /// Source key -> (zone, load) for each zone it counts in (own_load()).
    std::unordered_map<std::string, std::vector<std::pair<std::size_t, double>>> m_own;
};

} // namespace

std::unique_ptr<Check> make_capacity()
{
    return std::make_unique<CapacityCheck>();
}

} // namespace redline::plugins
