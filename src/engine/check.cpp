#include "redline/check.hpp"

#include "redline/error.hpp"
#include "redline/rulebook.hpp"
#include "util/text.hpp"

namespace redline {

std::string_view param_kind_name(ParamKind kind)
{
    switch (kind) {
    case ParamKind::Layer: return "layer";
    case ParamKind::Filter: return "filter";
    case ParamKind::Field: return "field";
    case ParamKind::Attr: return "attribute";
    case ParamKind::File: return "file";
    case ParamKind::Number: return "number";
    case ParamKind::Text: return "text";
    case ParamKind::Distance: return "distance";
    }
    return "?";
}

const std::vector<ParamInfo>& common_params()
{
    static const std::vector<ParamInfo> params{
        {"id", "the rule id findings cite", true, ParamKind::Text, ""},
        {"type", "the check type", true, ParamKind::Text, ""},
        {"outcome", "FAIL, CONDITIONAL, INCOMPLETE or INFO", false, ParamKind::Text, "the type's"},
        {"clause", "the clause findings cite", false, ParamKind::Text, ""},
        {"basis", "the legal basis findings cite", false, ParamKind::Text, ""},
        {"industries", "industry selectors the check applies to", false, ParamKind::Text, "every industry"},
        {"exceptions", "[{industries, outcome, clause, basis}]: the first match replaces the outcome",
         false, ParamKind::Text, ""},
        {"area_tolerance", "m²: overlaps up to this are not overlaps", false, ParamKind::Number,
         "the rulebook's"},
        {"length_tolerance", "m: overlaps up to this are not overlaps", false, ParamKind::Number,
         "the rulebook's"},
    };
    return params;
}

void Check::configure(const CheckSpec& spec, const ConfigEnv& env)
{
    const Params& p = spec.params;
    m_id = spec.id;
    m_table = &env.table;
    // The declared parameters decide which keys exist: a typo is named with
    // the keys it could have meant; a required key is checked before the
    // type reads anything.
    std::vector<std::string> accepted;
    for (const auto& i : common_params())
        accepted.push_back(i.name);
    for (const auto& i : info().params)
        accepted.push_back(i.name);
    p.reject_keys_not_in(accepted);
    for (const auto& i : info().params)
        if (i.required && !p.has(i.name))
            p.fail(i.name, "required key is missing");
    p.string("id");
    p.string("type");
    m_outcome = fallback_outcome();
    if (auto o = p.optional_string("outcome")) {
        auto parsed = parse_outcome(*o);
        if (!parsed)
            p.fail("outcome", "'" + *o + "' is not FAIL, CONDITIONAL, INCOMPLETE or INFO");
        m_outcome = *parsed;
    }
    m_clause = p.optional_string("clause").value_or("");
    m_basis = p.optional_string("basis").value_or("");
    if (p.has("industries"))
        m_industries = parse_industries(p, "industries", env);
    m_tol.area = p.optional_number("area_tolerance").value_or(env.rulebook.area_tolerance);
    m_tol.length = p.optional_number("length_tolerance").value_or(env.rulebook.length_tolerance);
    for (const Params& e : p.children("exceptions")) {
        Exception ex;
        ex.industries = parse_industries(e, "industries", env);
        std::string o = e.string("outcome");
        auto parsed = parse_outcome(o);
        if (!parsed)
            e.fail("outcome", "'" + o + "' is not FAIL, CONDITIONAL, INCOMPLETE or INFO");
        ex.outcome = *parsed;
        ex.clause = e.optional_string("clause").value_or("");
        ex.basis = e.optional_string("basis").value_or("");
        e.reject_unknown_keys();
        m_exceptions.push_back(std::move(ex));
    }
    do_configure(p, env);
    p.reject_unknown_keys();
}

void Check::prepare(LayerSet& layers)
{
    try {
        do_prepare(layers);
    } catch (const LayerError& e) {
        throw LayerError("check " + m_id + ": " + e.what());
    }
}

IndustrySet Check::parse_industries(const Params& p, const std::string& key,
                                    const ConfigEnv& env) const
{
    IndustrySet set;
    std::vector<std::string> items = p.string_list(key);
    if (items.empty())
        p.fail(key, "expected at least one industry selector");
    for (const auto& item : items) {
        bool known = true;
        try {
            IndustrySelector s = IndustrySelector::parse(item, env.table, &known);
            if (s.is_class() && env.rulebook.industry_classes.empty())
                p.fail(key, "'" + item + "' needs `industry_classes` in the rulebook");
            set.add(std::move(s));
        } catch (const RulebookError&) {
            throw;
        } catch (const Error& e) {
            p.fail(key, e.what());
        }
        if (!known && env.warnings)
            env.warnings->push_back(p.file() + ":" + std::to_string(p.line(key)) + ": " +
                                    p.path() + "." + key + ": '" + item +
                                    "' is not a GB/T 4754-2017 code (used as a prefix)");
    }
    return set;
}

Finding Check::make_finding() const
{
    Finding f;
    f.rule_id = m_id;
    f.check_type = type();
    f.outcome = m_outcome;
    f.clause = m_clause;
    f.basis = m_basis;
    f.check = this;
    return f;
}

Finding Check::incomplete(std::string given) const
{
    Finding f = make_finding();
    f.outcome = Outcome::Incomplete;
    f.measure = "missing_input";
    f.input = std::move(given);
    return f;
}

const std::string& Check::feature_name(const Finding& f)
{
    return f.feature_label.empty() ? f.feature_key : f.feature_label;
}

void Check::describe(Finding& f, Lang lang) const
{
    f.detail = do_describe(f, lang);
    do_describe_extra(f, lang);
}

std::string Check::layer_param(const Params& p, const std::string& key, const ConfigEnv& env)
{
    std::string name = p.string(key);
    if (!env.rulebook.find_layer(name))
        p.fail(key, "unknown layer '" + name + "' (not under `layers:`)");
    return name;
}

void Check::describe_overlap(Finding& f, const Site& site, const Layer& layer,
                             std::size_t feature, const Overlap& o, Workspace& ws) const
{
    const LayerFeature& lf = layer.feature(feature);
    f.layer = layer.name();
    f.feature_key = lf.key;
    f.feature_label = lf.label;
    if (o.dim == 2) {
        f.measure = "overlap_area";
        f.unit = "m2";
    } else if (o.dim == 1) {
        f.measure = "overlap_length";
        f.unit = "m";
    } else {
        f.measure = "intersects";
    }
    f.value = o.amount;
    if (o.dim > 0 && o.dim == site.dimension && site.size > 0)
        f.share = 100.0 * o.amount / site.size;
    f.evidence = evidence_wkb(ws, site, o.piece.get(), o.whole_site);
}

void Check::evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const
{
    if (!m_industries.matches(site.industry))
        return;
    const std::size_t first = out.size();
    do_evaluate(site, ws, out);
    for (const auto& ex : m_exceptions) {
        if (!ex.industries.matches(site.industry))
            continue;
        // The first matching exception replaces the outcome (and the clause
        // and basis it cites) of every finding except missing inputs.
        for (std::size_t i = first; i < out.size(); ++i) {
            Finding& f = out[i];
            if (f.measure == "missing_input")
                continue;
            f.outcome = ex.outcome;
            if (!ex.clause.empty())
                f.clause = ex.clause;
            if (!ex.basis.empty())
                f.basis = ex.basis;
        }
        break;
    }
}

bool Check::region(const RegionQuery& q, std::vector<RegionPiece>& out) const
{
    if (!m_industries.matches(q.site.industry))
        return true;
    const std::size_t first = out.size();
    if (!do_region(q, out))
        return false;
    // As evaluate(): the first matching exception replaces every outcome but
    // a missing input's.
    for (const auto& ex : m_exceptions) {
        if (!ex.industries.matches(q.site.industry))
            continue;
        for (std::size_t i = first; i < out.size(); ++i)
            if (!out[i].missing_input)
                out[i].outcome = ex.outcome;
        break;
    }
    return true;
}

void CheckRegistry::add(const std::string& name, CheckFactory factory)
{
    for (const auto& [n, f] : m_factories)
        if (n == name)
            throw Error("check type '" + name + "' registered twice");
    m_factories.emplace_back(name, std::move(factory));
}

std::unique_ptr<Check> CheckRegistry::create(const std::string& name) const
{
    for (const auto& [n, f] : m_factories)
        if (n == name)
            return f();
    return nullptr;
}

std::vector<std::string> CheckRegistry::names() const
{
    std::vector<std::string> out;
    for (const auto& [n, f] : m_factories)
        out.push_back(n);
    return out;
}

std::vector<CheckInfo> CheckRegistry::infos() const
{
    std::vector<CheckInfo> out;
    for (const auto& [n, f] : m_factories)
        out.push_back(f()->info());
    return out;
}

std::optional<CheckInfo> CheckRegistry::info(const std::string& name) const
{
    if (auto c = create(name))
        return c->info();
    return std::nullopt;
}

const CheckRegistry& CheckRegistry::builtin()
{
    static const CheckRegistry registry = [] {
        CheckRegistry r;
        register_builtin_checks(r);
        return r;
    }();
    return registry;
}

} // namespace redline
