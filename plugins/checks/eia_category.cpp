// `eia_category`: the EIA category of the application under the 2021
// catalog (SPEC §6.2; src/eia/). The sensitive areas come from the overlay
// (`sensitive` maps layers to 第三条 terms), the facts from the
// application's attributes named like the facts (or as `facts` maps them).
// One INFO finding per site: it never changes the siting verdict.
//
// `reform`: Zhejiang's "区域环评+环境标准" reform. Inside a reform-area
// feature, a project not on the area's negative list (负面清单) drops one
// step (报告书 → 报告表 → 登记表), citing the basis (README "EIA category").
#include "plugins.hpp"

#include "redline/eia.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace redline::plugins {

namespace {

// README "EIA category": where the reform comes from.
const char* const k_reform_basis =
    "浙江省“区域环评+环境标准”改革：改革区域内负面清单外的项目，环境影响报告书简化为报告表、"
    "报告表简化为登记表（浙江省生态环境厅《关于深化环评集成改革优化提升营商环境的指导意见》）";

/// A negative-list entry: a GB/T code prefix ("C33", "3360") or an item ("第67项", "item:67").
struct NegativeEntry {
    std::string code; ///< numeric prefix
    int item = 0;
};

std::optional<int> item_entry(const std::string& s)
{
    std::string t = trim(s);
    if (t.rfind("item:", 0) == 0)
        t = trim(t.substr(5));
    else if (t.rfind("第", 0) == 0 && t.size() > 6 && t.compare(t.size() - 3, 3, "项") == 0)
        t = t.substr(3, t.size() - 6);
    else
        return std::nullopt;
    auto n = parse_int(t);
    return n ? std::optional<int>(static_cast<int>(*n)) : std::nullopt;
}

struct Reform {
    std::string layer, where, field, basis;
    std::vector<NegativeEntry> negative;
    LayerSubset subset;
    std::optional<std::size_t> field_index;
};

class EiaCategoryCheck final : public Check {
public:
    const CheckInfo& info() const override
    {
        static const CheckInfo i{
            "eia_category",
            "the EIA category (报告书/报告表/登记表/不纳入) under the 2021 catalog, as an INFO finding",
            {{"sensitive", "mapping layer: 第三条 term, e.g. {water: 饮用水水源保护区}; a site overlapping "
                           "the layer touches that sensitive area", false, ParamKind::Text},
             {"facts", "mapping fact key: attribute, for applications whose columns are named otherwise "
                       "(default: the attribute named like the fact)", false, ParamKind::Text},
             {"codes_attr", "attribute with further GB/T codes of the project, |-separated (第四条)", false,
              ParamKind::Attr},
             {"reform", "区域环评+环境标准: {layer, where, negative_list: [codes or 第N项], negative_field, "
                        "basis}; inside the layer a project not on the list drops one category",
              false, ParamKind::Text}},
            Drawing::Zone, {}, /*verdict_neutral=*/true};
        return i;
    }

private:
    Outcome fallback_outcome() const override { return Outcome::Info; }

    void do_configure(const Params& p, const ConfigEnv& env) override
    {
        m_catalog = &eia::Catalog::builtin();
        if (default_outcome() != Outcome::Info)
            p.fail("outcome", "an eia_category finding is INFO: it never changes the verdict");
        if (p.has("exceptions"))
            p.fail("exceptions", "an eia_category finding is INFO: it has no exceptions");
        if (p.has("sensitive"))
            for (const auto& e : p.child("sensitive").scalar_entries()) {
                if (!env.rulebook.find_layer(e.key))
                    p.fail("sensitive", "unknown layer '" + e.key + "' (not under `layers:`)");
                if (m_catalog->sensitive_class(e.value).empty())
                    p.fail("sensitive", "'" + e.value + "' is not a sensitive-area term of 第三条; the terms are: " +
                                            join(m_catalog->sensitive_terms(), ", "));
                m_sensitive.push_back({e.key, e.value, {}});
            }
        for (const auto& f : m_catalog->facts())
            if (f.kind != "code") // `industry` is the site's own code
                m_facts.emplace_back(f.key, f.key);
        if (p.has("facts"))
            for (const auto& e : p.child("facts").scalar_entries()) {
                auto it = std::find_if(m_facts.begin(), m_facts.end(), [&](const auto& kv) { return kv.first == e.key; });
                if (it == m_facts.end())
                    p.fail("facts", "unknown fact '" + e.key + "'");
                it->second = e.value;
            }
        m_codes_attr = p.optional_string("codes_attr").value_or("");
        if (p.has("reform"))
            configure_reform(p.child("reform"), env);
    }

    void configure_reform(const Params& r, const ConfigEnv& env)
    {
        Reform out;
        out.layer = layer_param(r, "layer", env);
        out.where = r.optional_string("where").value_or("");
        out.field = r.optional_string("negative_field").value_or("");
        out.basis = r.optional_string("basis").value_or(k_reform_basis);
        for (const auto& s : r.string_list("negative_list"))
            out.negative.push_back(negative_entry(r, "negative_list", s, env.table));
        r.reject_unknown_keys();
        m_reform = std::move(out);
    }

    static NegativeEntry negative_entry(const Params& r, const std::string& key, const std::string& s,
                                        const IndustryTable& table)
    {
        if (auto item = item_entry(s))
            return {"", *item};
        auto code = table.normalise(s);
        if (!code || code->size() < 3)
            r.fail(key, "'" + s + "' is neither a GB/T 4754-2017 code (C3360, 3360, C33) nor an item (第67项)");
        return {code->substr(1), 0};
    }

    void do_prepare(LayerSet& layers) override
    {
        for (auto& s : m_sensitive)
            s.subset = layers.subset(s.layer, "");
        if (m_reform) {
            m_reform->subset = layers.subset(m_reform->layer, m_reform->where);
            if (!m_reform->field.empty())
                m_reform->field_index = m_reform->subset.layer->field(m_reform->field, "negative_field");
        }
    }

    eia::Query query(const Site& site, Workspace& ws) const
    {
        eia::Query q;
        if (!site.industry.code.empty())
            q.codes.push_back(site.industry.code);
        if (!m_codes_attr.empty())
            if (auto more = site.attr(m_codes_attr))
                for (const auto& c : split(*more, '|'))
                    if (auto t = trim(c); !t.empty() && std::find(q.codes.begin(), q.codes.end(), t) == q.codes.end())
                        q.codes.push_back(t);
        for (const auto& [key, attr] : m_facts)
            if (auto v = site.attr(attr))
                q.facts[key] = *v;
        for (const auto& s : m_sensitive)
            if (std::find(q.sensitive.begin(), q.sensitive.end(), s.term) == q.sensitive.end() &&
                !overlaps(ws, site, s.subset, tolerances()).empty())
                q.sensitive.push_back(s.term);
        return q;
    }

    bool on_negative_list(const Reform& reform, std::size_t feature, const eia::Query& q,
                          const eia::Result& r) const
    {
        std::vector<NegativeEntry> list = reform.negative;
        if (reform.field_index)
            if (const auto& v = reform.subset.layer->feature(feature).values[*reform.field_index])
                for (const auto& s : split(*v, '|'))
                    if (auto t = trim(s); !t.empty()) {
                        if (auto item = item_entry(t))
                            list.push_back({"", *item});
                        else if (auto code = table().normalise(t))
                            list.push_back({code->substr(1), 0});
                    }
        for (const auto& e : list) {
            if (e.item != 0 && std::any_of(r.components.begin(), r.components.end(),
                                           [&](const eia::Answer& a) { return a.item == e.item; }))
                return true;
            if (!e.code.empty())
                for (const auto& raw : q.codes)
                    if (auto c = table().normalise(raw); c && c->compare(1, e.code.size(), e.code) == 0)
                        return true;
        }
        return false;
    }

    void apply_reform(const Site& site, Workspace& ws, const eia::Query& q, const eia::Result& r,
                      EiaNote& note, Finding& f) const
    {
        if (!m_reform || (r.category != eia::Category::Report && r.category != eia::Category::Table))
            return;
        for (const Hit& h : overlaps(ws, site, m_reform->subset, tolerances())) {
            if (on_negative_list(*m_reform, h.feature, q, r))
                continue;
            const LayerFeature& area = m_reform->subset.layer->feature(h.feature);
            note.category = eia::category_name(eia::step_down(r.category));
            note.reformed = true;
            f.layer = m_reform->subset.layer->name();
            f.feature_key = area.key;
            f.feature_label = area.label;
            if (f.basis.empty())
                f.basis = m_reform->basis;
            return;
        }
    }

    void do_evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const override
    {
        Finding f = make_finding();
        f.outcome = Outcome::Info;
        f.measure = "eia_category";
        auto note = std::make_shared<EiaNote>();
        const eia::Query q = query(site, ws);
        try {
            const eia::Result r = eia::evaluate(*m_catalog, q, table());
            note->category = note->catalog_category = eia::category_name(r.category);
            note->item_name = r.item_name;
            note->column = r.column;
            note->trigger = r.trigger;
            note->missing = r.missing;
            for (auto c : r.possible)
                note->possible.emplace_back(eia::category_name(c));
            f.item = static_cast<std::uint32_t>(r.item);
            apply_reform(site, ws, q, r, *note, f);
        } catch (const eia::InputError& e) {
            note->category = note->catalog_category = eia::category_name(eia::Category::Unknown);
            note->error = e.what();
        }
        f.eia = std::move(note);
        out.push_back(std::move(f));
    }

    std::string do_describe(const Finding& f, Lang lang) const override
    {
        const EiaNote& n = *f.eia;
        if (!n.error.empty())
            return tr(lang, "环评类别无法判定：", "EIA category undetermined: ") + n.error;
        eia::Answer a;
        a.category = eia::parse_category(n.catalog_category).value_or(eia::Category::Unknown);
        a.item = static_cast<int>(f.item);
        a.item_name = n.item_name;
        a.column = n.column;
        a.trigger = n.trigger;
        for (const auto& p : n.possible)
            a.possible.push_back(eia::parse_category(p).value_or(eia::Category::Unknown));
        std::string s = tr(lang, "环评类别：", "EIA category: ") + eia::summary_line(a, *m_catalog, lang);
        if (n.reformed)
            s += tr(lang,
                    "；位于「" + feature_name(f) + "」（区域环评+环境标准改革区域），不在负面清单内，降为" +
                        eia::category_words(*eia::parse_category(n.category), lang),
                    "; in '" + feature_name(f) + "' (区域环评+环境标准 reform area), not on its negative list: "
                    "one step down to " + eia::category_words(*eia::parse_category(n.category), lang));
        if (!n.missing.empty()) {
            std::vector<std::string> labels;
            for (const auto& key : n.missing) {
                const eia::FactInfo* fi = m_catalog->fact(key);
                labels.push_back(fi ? tr(lang, fi->zh, fi->en) + " (" + key + ")" : key);
            }
            s += tr(lang, "；缺少：", "; missing: ") + join(labels, tr(lang, "、", ", "));
        }
        return s;
    }

    struct SensitiveLayer {
        std::string layer, term;
        LayerSubset subset;
    };
    const eia::Catalog* m_catalog = nullptr;
    std::vector<SensitiveLayer> m_sensitive;
    std::vector<std::pair<std::string, std::string>> m_facts; // fact key → attribute
    std::string m_codes_attr;
    std::optional<Reform> m_reform;
};

} // namespace

std::unique_ptr<Check> make_eia_category()
{
    return std::make_unique<EiaCategoryCheck>();
}

} // namespace redline::plugins
