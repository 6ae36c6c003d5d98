// `access_list`: the 生态环境准入清单. For each control unit the site
// overlaps, every table row whose scope matches the unit (its key, its type,
// or `*`) and whose industries match the application raises a finding with
// the row's own rule_id, effect, dimension, clause and basis. SPEC §3-4.
#include "plugins.hpp"

#include "io/csv.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace redline::plugins {

namespace {

const std::vector<std::string> k_dimensions = {"空间布局约束", "污染物排放管控", "环境风险防控",
                                               "资源开发效率要求"};

struct Row {
    std::string rule_id;
    std::string scope;
    IndustrySet industries;
    Outcome outcome;
    std::string effect;
    std::string dimension;
    std::string clause;
    std::string basis;
    int line;
};

class AccessListCheck final : public Check {
public:
    const CheckInfo& info() const override
    {
        static const CheckInfo i{
            "access_list",
            "the access list rows that apply to the control units the site overlaps",
            {{"layer", "the control-unit layer (declare its `type` field for type scopes)", true,
              ParamKind::Layer},
             {"table", "CSV: rule_id,scope,industries,effect,dimension,clause,basis", true,
              ParamKind::File},
             {"where", "OGR SQL filter on the layer", false, ParamKind::Filter}},
            Drawing::Zone,
            "layer"};
        return i;
    }

    std::vector<std::string> files() const override { return {m_table_path}; }

private:
    void do_configure(const Params& p, const ConfigEnv& env) override
    {
        m_layer = layer_param(p, "layer", env);
        m_where = p.optional_string("where").value_or("");
        m_table_path = env.rulebook.resolve(p.string("table"));
        m_warnings = env.warnings;
        std::ifstream in(m_table_path, std::ios::binary);
        if (!in)
            p.fail("table", "cannot open the access list '" + m_table_path + "'");
        std::stringstream ss;
        ss << in.rdbuf();
        CsvTable csv;
        try {
            csv = parse_csv(ss.str());
        } catch (const Error& e) {
            throw RulebookError(m_table_path + ": " + e.what());
        }
        const char* cols[] = {"rule_id", "scope", "industries", "effect", "dimension", "clause", "basis"};
        Columns idx;
        for (std::size_t c = 0; c < idx.size(); ++c) {
            idx[c] = csv.find_column(cols[c]);
            if (idx[c] == CsvTable::npos)
                throw RulebookError(m_table_path, 1, cols[c],
                                    "missing column (need rule_id,scope,industries,effect,dimension,clause,basis)");
        }
        std::set<std::string> ids;
        for (std::size_t r = 0; r < csv.rows.size(); ++r) {
            m_rows.push_back(parse_row(csv.rows[r], idx, static_cast<int>(csv.row_lines[r]), ids, env));
        }
        m_everywhere.clear();
        m_by_scope.clear();
        for (std::uint32_t r = 0; r < m_rows.size(); ++r)
            (m_rows[r].scope == "*" ? m_everywhere : m_by_scope[m_rows[r].scope]).push_back(r);
    }

    /// Rows in a table this long are scanned for each unit; a longer one (a
    /// bureau's list has rows for each of its thousands of units) is looked
    /// up by scope.
    static constexpr std::size_t kScanRows = 32;

    /// The rows whose scope matches `unit` (`*`, its key or its type), in
    /// table order.
    void rows_for(const LayerFeature& unit, std::vector<std::uint32_t>& out) const
    {
        out.clear();
        if (m_rows.size() <= kScanRows) {
            for (std::uint32_t r = 0; r < m_rows.size(); ++r) {
                const std::string& scope = m_rows[r].scope;
                if (scope == "*" || scope == unit.key || scope == unit.type)
                    out.push_back(r);
            }
            return;
        }
        out = m_everywhere;
        for (const std::string* scope : {&unit.key, &unit.type})
            if (const auto it = m_by_scope.find(*scope); it != m_by_scope.end())
                out.insert(out.end(), it->second.begin(), it->second.end());
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
    }

    /// Column positions of rule_id, scope, industries, effect, dimension, clause, basis.
    using Columns = std::array<std::size_t, 7>;

    /// One row of the table; throws RulebookError naming the table, line and column.
    Row parse_row(const std::vector<std::string>& cells, const Columns& idx, int line,
                  std::set<std::string>& ids, const ConfigEnv& env) const
    {
        Row row;
        row.line = line;
        row.rule_id = trim(cells[idx[0]]);
        row.scope = trim(cells[idx[1]]);
        row.effect = to_lower_ascii(trim(cells[idx[3]]));
        row.dimension = trim(cells[idx[4]]);
        row.clause = trim(cells[idx[5]]);
        row.basis = trim(cells[idx[6]]);
        if (row.rule_id.empty())
            throw RulebookError(m_table_path, line, "rule_id", "empty rule_id");
        if (!ids.insert(row.rule_id).second && env.warnings)
            env.warnings->push_back(m_table_path + ":" + std::to_string(line) + ": duplicate rule_id '" +
                                    row.rule_id + "'");
        if (row.scope.empty())
            throw RulebookError(m_table_path, line, "scope", "empty scope (a unit key, a unit type or *)");
        if (row.effect == "prohibit")
            row.outcome = Outcome::Fail;
        else if (row.effect == "restrict")
            row.outcome = Outcome::Conditional;
        else if (row.effect == "allow")
            row.outcome = Outcome::Info;
        else
            throw RulebookError(m_table_path, line, "effect",
                                "'" + row.effect + "' is not prohibit, restrict or allow");
        if (std::find(k_dimensions.begin(), k_dimensions.end(), row.dimension) == k_dimensions.end() &&
            env.warnings)
            env.warnings->push_back(m_table_path + ":" + std::to_string(line) + ": dimension '" +
                                    row.dimension + "' is not one of 空间布局约束 / 污染物排放管控 / "
                                    "环境风险防控 / 资源开发效率要求");
        row.industries = parse_selectors(trim(cells[idx[2]]), row, env);
        return row;
    }

    /// The row's `industries` cell: selectors separated by ';', or * / empty for all.
    IndustrySet parse_selectors(const std::string& sel, const Row& row, const ConfigEnv& env) const
    {
        if (sel.empty() || sel == "*")
            return IndustrySet::everything();
        IndustrySet set;
        for (const auto& item : split(sel, ';')) {
            if (trim(item).empty())
                continue;
            bool known = true;
            try {
                IndustrySelector s = IndustrySelector::parse(item, env.table, &known);
                if (s.is_class() && env.rulebook.industry_classes.empty())
                    throw RulebookError(m_table_path, row.line, "industries",
                                        "'" + item + "' needs `industry_classes` in the rulebook");
                set.add(std::move(s));
            } catch (const RulebookError&) {
                throw;
            } catch (const Error& e) {
                throw RulebookError(m_table_path, row.line, "industries", e.what());
            }
            if (!known && env.warnings)
                env.warnings->push_back(m_table_path + ":" + std::to_string(row.line) + ": rule " +
                                        row.rule_id + ": industry selector '" + trim(item) +
                                        "' is not a GB/T 4754-2017 code");
        }
        return set;
    }

    void do_prepare(LayerSet& layers) override
    {
        m_subset = layers.subset(m_layer, m_where);
        const Layer& layer = *m_subset.layer;
        std::set<std::string> keys;
        std::set<std::string> types = {"优先保护", "重点管控", "一般管控"};
        for (const auto& f : layer.features()) {
            keys.insert(f.key);
            if (!f.type.empty())
                types.insert(f.type);
        }
        for (const auto& row : m_rows) {
            if (row.scope == "*" || keys.count(row.scope))
                continue;
            if (types.count(row.scope)) {
                if (layer.def().type.empty())
                    throw LayerError(m_table_path + ":" + std::to_string(row.line) + ": rule " +
                                     row.rule_id + " is scoped to the unit type '" + row.scope +
                                     "' but layer '" + layer.name() + "' declares no `type` field");
                continue;
            }
            if (m_warnings)
                m_warnings->push_back(m_table_path + ":" + std::to_string(row.line) + ": rule " +
                                      row.rule_id + ": scope '" + row.scope +
                                      "' is neither a unit key of layer '" + layer.name() +
                                      "', a unit type nor *: the row never applies");
        }
    }

    void do_evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const override
    {
        std::vector<std::uint32_t> rows;
        for (Hit& h : overlaps(ws, site, m_subset, tolerances())) {
            const LayerFeature& unit = m_subset.layer->feature(h.feature);
            rows_for(unit, rows);
            for (const std::uint32_t ri : rows) {
                const Row& row = m_rows[ri];
                if (!row.industries.matches(site.industry))
                    continue;
                Finding f = make_finding();
                describe_overlap(f, site, *m_subset.layer, h.feature, h.overlap, ws);
                f.rule_id = row.rule_id;
                f.outcome = row.outcome;
                f.dimension = row.dimension;
                f.clause = row.clause;
                f.basis = row.basis;
                f.item = static_cast<std::uint32_t>(ri);
                out.push_back(std::move(f));
            }
        }
    }

    /// Each row for the industry, on the units its scope names, in row order.
    bool do_region(const RegionQuery& q, std::vector<RegionPiece>& out) const override
    {
        const Layer& layer = *m_subset.layer;
        for (const Row& row : m_rows) {
            if (!row.industries.matches(q.site.industry))
                continue;
            RegionPiece p;
            p.rule_id = row.rule_id;
            p.outcome = row.outcome;
            p.layer = &layer;
            for (std::uint32_t i = 0; i < layer.size(); ++i) {
                const LayerFeature& unit = layer.feature(i);
                if (m_subset.contains(i) &&
                    (row.scope == "*" || row.scope == unit.key || row.scope == unit.type))
                    p.features.push_back(i);
            }
            out.push_back(std::move(p));
        }
        return true;
    }

    /// The row's own effect and clause, whatever an exception made of the finding.
    std::string do_describe(const Finding& f, Lang lang) const override
    {
        const Row& row = m_rows.at(f.item);
        const std::string& name = feature_name(f);
        if (lang == Lang::En)
            return cat("'", name, "' ", row.effect, ": ", row.clause);
        const char* verb = row.effect == "prohibit" ? "禁止" : row.effect == "restrict" ? "限制" : "允许";
        return cat("「", name, "」", verb, "：", row.clause);
    }

    std::string m_layer;
    std::string m_where;
    std::string m_table_path;
    LayerSubset m_subset;
    std::vector<Row> m_rows;
    std::vector<std::uint32_t> m_everywhere;                                 ///< rows scoped `*`
    std::unordered_map<std::string, std::vector<std::uint32_t>> m_by_scope; ///< the others, by scope
    std::vector<std::string>* m_warnings = nullptr;
};

} // namespace

std::unique_ptr<Check> make_access_list()
{
    return std::make_unique<AccessListCheck>();
}

} // namespace redline::plugins
