// Evaluation, three-valued. A fact that is absent makes its leaf unknown;
// a category is UNKNOWN only when the unknown leaves could change it, and
// `missing` names the facts of exactly those leaves (see README "EIA
// category": the reading rules).
//
// Each candidate item yields the set of categories still possible; a
// component (one code) and the project take the highest (第四条): decided
// when the highest floor equals the highest ceiling.
#include "eia/catalog.hpp"
#include "eia/facts.hpp"

#include "redline/industry.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <set>

namespace redline::eia {

namespace {

enum class Tri { F, U, T };

/// A value with, when unknown, the facts whose absence makes it so.
struct Val {
    Tri t = Tri::F;
    std::set<std::string> unk;
};

struct Ctx {
    const Catalog::Impl& c;
    const KnownFacts& facts;
    const std::set<std::string>& sensitive;
    const Item& item;
    const std::vector<Val>* higher = nullptr; ///< the item's higher columns, for `otherwise`
};

Val known(bool b) { return {b ? Tri::T : Tri::F, {}}; }
Val unknown(const std::string& fact) { return {Tri::U, {fact}}; }

Val eval(const Cond& cond, const Ctx& ctx);

Val eval_all_any(const Cond& cond, const Ctx& ctx)
{
    const bool all = cond.kind == Cond::Kind::All;
    const Tri decisive = all ? Tri::F : Tri::T;
    Val out{all ? Tri::T : Tri::F, {}};
    for (const auto& kid : cond.kids) {
        Val v = eval(kid, ctx);
        if (v.t == decisive)
            return {decisive, {}};
        if (v.t == Tri::U) {
            out.t = Tri::U;
            out.unk.insert(v.unk.begin(), v.unk.end());
        }
    }
    return out;
}

bool compare(double a, const std::string& op, double b)
{
    if (op == ">=") return a >= b;
    if (op == ">") return a > b;
    if (op == "<=") return a <= b;
    if (op == "<") return a < b;
    if (op == "==") return a == b;
    return a != b;
}

Val eval_words(const std::string& fact, const std::vector<std::string>& words, const Ctx& ctx)
{
    const auto* given = ctx.facts.words(fact);
    if (!given)
        return unknown(fact);
    for (const auto& w : words)
        if (std::find(given->begin(), given->end(), normalise_word(ctx.c, fact, w)) != given->end())
            return known(true);
    return known(false);
}

/// "仅X、Y的": the list fact is given, not empty, and each entry is one of
/// `words` (an alias entry counts as its word: 化学镀 is 电镀).
Val eval_only(const std::string& fact, const std::vector<std::string>& words, const Ctx& ctx)
{
    const auto* given = ctx.facts.words(fact);
    if (!given)
        return unknown(fact);
    if (given->empty())
        return known(false);
    auto listed = [&](const std::string& g) {
        return std::any_of(words.begin(), words.end(),
                           [&](const std::string& w) { return normalise_word(ctx.c, fact, w) == g; });
    };
    for (const auto& g : *given)
        if (!listed(g) && !listed(normalise_word(ctx.c, fact, g)))
            return known(false);
    return known(true);
}

Val eval_otherwise(const Cond& cond, const Ctx& ctx)
{
    Val out{Tri::T, {}};
    if (ctx.higher)
        for (const auto& h : *ctx.higher) {
            if (h.t == Tri::T)
                return known(false);
            if (h.t == Tri::U) {
                out.t = Tri::U;
                out.unk.insert(h.unk.begin(), h.unk.end());
            }
        }
    if (!cond.kids.empty()) {
        Val ex = eval(cond.kids[0], ctx);
        if (ex.t == Tri::T)
            return known(false);
        if (ex.t == Tri::U) {
            out.t = Tri::U;
            out.unk.insert(ex.unk.begin(), ex.unk.end());
        }
    }
    return out;
}

Val eval(const Cond& cond, const Ctx& ctx)
{
    switch (cond.kind) {
    case Cond::Kind::Always: return known(true);
    case Cond::Kind::All:
    case Cond::Kind::Any: return eval_all_any(cond, ctx);
    case Cond::Kind::Not: {
        Val v = eval(cond.kids[0], ctx);
        if (v.t != Tri::U)
            v.t = v.t == Tri::T ? Tri::F : Tri::T;
        return v;
    }
    case Cond::Kind::Process: return eval_words("process", cond.words, ctx);
    case Cond::Kind::ProcessOnly: return eval_only(cond.fact, cond.words, ctx);
    case Cond::Kind::In: return eval_words(cond.fact, cond.words, ctx);
    case Cond::Kind::Compare: {
        auto v = ctx.facts.number(cond.fact);
        return v ? known(compare(*v, cond.op, cond.value)) : unknown(cond.fact);
    }
    case Cond::Kind::Sensitive: {
        // A term counts only where the item's 含义 column (or the cell) names it.
        const auto& terms = cond.words.empty() ? ctx.item.sensitive : cond.words;
        for (const auto& t : terms)
            if (ctx.sensitive.count(t))
                return known(true);
        return known(false);
    }
    case Cond::Kind::Otherwise: return eval_otherwise(cond, ctx);
    }
    return known(false);
}

/// What one candidate item allows.
struct ItemEval {
    const Item* item = nullptr;
    std::size_t component = 0;
    Val scope;
    std::vector<Val> cols;           ///< in k_columns order; "/" is false
    std::set<Category> possible;
    Category low = Category::None, high = Category::None;
    int decided = -1;                ///< the column that is true, when one is

    /// The unknown facts that could raise this item above `floor`.
    void missing_above(Category floor, std::set<std::string>& out) const
    {
        if (high <= floor)
            return;
        if (scope.t == Tri::U)
            out.insert(scope.unk.begin(), scope.unk.end());
        // Columns below a true one cannot decide anything.
        for (std::size_t i = 0; i < cols.size() && k_columns[i] > floor && cols[i].t != Tri::T; ++i)
            if (cols[i].t == Tri::U)
                out.insert(cols[i].unk.begin(), cols[i].unk.end());
    }
};

/// Whether the item can end in no column at all: every column false at
/// once. A top-level `otherwise` column is false with its higher columns
/// false only when its exception holds, so that must be possible.
bool none_possible(const Item& item, const ItemEval& e, const Ctx& ctx)
{
    for (std::size_t i = 0; i < e.cols.size(); ++i) {
        if (e.cols[i].t != Tri::U)
            continue;
        const Cond& when = item.columns[i].when;
        if (when.kind != Cond::Kind::Otherwise)
            continue;
        if (when.kids.empty() || eval(when.kids[0], ctx).t == Tri::F)
            return false;
    }
    return true;
}

bool code_matches(const std::vector<std::string>& codes, const std::string& numeric)
{
    for (const auto& code : codes)
        if (!numeric.empty() && numeric.compare(0, code.size(), code) == 0)
            return true;
    return false;
}

/// 说明四: a `*` code is production in an industrial building.
Val star_scope(const Item& item, const std::string& numeric, const Ctx& ctx)
{
    if (!code_matches(item.star_codes, numeric))
        return known(true);
    Cond building;
    building.kind = Cond::Kind::In;
    building.fact = "industrial_building";
    building.words = {"yes"};
    return eval(building, ctx);
}

Val both(Val a, Val b)
{
    if (a.t == Tri::F || b.t == Tri::F)
        return known(false);
    if (a.t == Tri::T)
        return b;
    if (b.t == Tri::T)
        return a;
    a.unk.insert(b.unk.begin(), b.unk.end());
    return a;
}

ItemEval eval_item(const Item& item, const std::string& numeric, const Ctx& base)
{
    Ctx ctx = base;
    ItemEval e;
    e.item = &item;
    e.scope = both(star_scope(item, numeric, ctx), item.scope ? eval(*item.scope, ctx) : known(true));
    for (std::size_t i = 0; i < k_columns.size(); ++i) {
        ctx.higher = &e.cols; // `otherwise` reads the columns above
        e.cols.push_back(item.columns[i].present ? eval(item.columns[i].when, ctx) : known(false));
    }
    if (e.scope.t == Tri::F) {
        e.possible = {Category::None};
    } else {
        // A column is possible when it may be true: a higher one that may be
        // true does not exclude it, one that is true does.
        for (std::size_t i = 0; i < e.cols.size() && e.decided < 0; ++i) {
            if (e.cols[i].t == Tri::F)
                continue;
            e.possible.insert(k_columns[i]);
            if (e.cols[i].t == Tri::T)
                e.decided = static_cast<int>(i);
        }
        if (e.scope.t == Tri::U || (e.decided < 0 && none_possible(item, e, ctx)))
            e.possible.insert(Category::None);
    }
    e.low = *e.possible.begin();
    e.high = *e.possible.rbegin();
    return e;
}

const char* const k_article5 = "本名录未作规定的建设项目，不纳入建设项目环境影响评价管理（第五条）";

/// The answer of a set of candidate items (a component's, or every
/// component's for the project): the highest, decided or not.
Answer decide(const std::vector<const ItemEval*>& evals)
{
    Answer a;
    Category low = Category::None, high = Category::None;
    for (const auto* e : evals) {
        low = std::max(low, e->low);
        high = std::max(high, e->high);
    }
    if (low == high) {
        a.category = low;
        a.trigger = k_article5;
        for (const auto* e : evals)
            if (e->low == low) {
                a.item = e->item->info.number;
                a.item_name = e->item->info.name;
                if (low != Category::None) {
                    const auto col = static_cast<std::size_t>(e->decided);
                    a.column = category_name(k_columns[col]);
                    a.trigger = e->item->columns[col].text;
                }
                break;
            }
        return a;
    }
    a.category = Category::Unknown;
    std::set<std::string> missing;
    std::set<Category> possible;
    for (const auto* e : evals) {
        e->missing_above(low, missing);
        for (Category c : e->possible)
            if (c >= low)
                possible.insert(c);
        if (a.item == 0 && e->high > low) {
            a.item = e->item->info.number;
            a.item_name = e->item->info.name;
        }
    }
    a.missing.assign(missing.begin(), missing.end());
    a.possible.assign(possible.rbegin(), possible.rend());
    return a;
}

/// A code no item covers whose subclasses some items do (a 大类 "C33") would read as 不纳入:
/// it is too broad to answer.
void reject_broad_code(const Catalog::Impl& c, const std::string& code)
{
    const std::string numeric = code.substr(1);
    std::vector<std::string> items;
    for (const auto& item : c.items)
        for (const auto& ic : item.codes)
            if (ic.size() > numeric.size() && ic.compare(0, numeric.size(), numeric) == 0) {
                items.push_back(std::to_string(item.info.number));
                break;
            }
    if (!items.empty())
        throw InputError("'" + code + "' is broader than the catalog's items (" + join(items, ", ") +
                         " cover parts of it): give the 中类 or 小类 code");
}

struct Component {
    std::string code;                  ///< canonical; "" for the project's component
    std::vector<std::string> projects; ///< the project component's words
    std::vector<ItemEval> evals;
};

std::vector<Component> components(const Catalog& catalog, const Query& q, const IndustryTable& table,
                                  const KnownFacts& facts)
{
    std::vector<Component> out;
    for (const auto& raw : q.codes) {
        auto canonical = table.normalise(raw);
        if (!canonical)
            throw InputError("'" + raw + "' is not a GB/T 4754-2017 industry code (e.g. C3360 or 3360)");
        if (canonical->size() < 3)
            throw InputError("'" + raw + "' is a 门类 (section): give the 大类, 中类 or 小类 code");
        out.push_back({*canonical, {}, {}});
    }
    if (const auto* project = facts.words("project"); project && !project->empty()) {
        // A component for the project type when a word names an item's type. Other words are
        // descriptive (a condition may read them); alone, a word no item or condition knows is
        // more likely a typo than a project outside the catalog.
        const auto known = catalog.projects();
        bool maps = false;
        for (const auto& w : *project)
            for (const auto& item : catalog.impl().items)
                maps = maps || std::find(item.projects.begin(), item.projects.end(), w) != item.projects.end();
        if (maps)
            out.push_back({"", *project, {}});
        else if (out.empty())
            for (const auto& w : *project)
                if (std::find(known.begin(), known.end(), w) == known.end())
                    throw InputError("unknown project type '" + w + "'; the catalog's types are: " +
                                     join(known, ", "));
    }
    if (out.empty())
        throw InputError("give the industry code(s) (--industry) or the project type (--fact project=...)");
    return out;
}

void facts_read(const Cond& cond, std::set<std::string>& out)
{
    if (!cond.fact.empty())
        out.insert(cond.fact);
    for (const auto& kid : cond.kids)
        facts_read(kid, out);
}

/// The assumed facts (KnownFacts::assumed) that a condition of an evaluated item reads.
std::vector<std::string> assumed_and_read(const KnownFacts& facts, const std::vector<Component>& comps)
{
    std::set<std::string> read;
    for (const auto& comp : comps)
        for (const auto& e : comp.evals) {
            if (e.item->scope)
                facts_read(*e.item->scope, read);
            for (const auto& col : e.item->columns)
                facts_read(col.when, read);
        }
    std::vector<std::string> out;
    for (const auto& f : facts.assumed())
        if (read.count(f))
            out.push_back(f);
    return out;
}

Result evaluate_with(const Catalog& catalog, const Query& query, const IndustryTable& table, bool assume);

} // namespace

Result evaluate(const Catalog& catalog, const Query& query, const IndustryTable& table)
{
    Result r = evaluate_with(catalog, query, table, true);
    // `assumed` names the derived zeros only where they decided something: without them the
    // answer would be another (typically UNKNOWN).
    if (!r.assumed.empty()) {
        const Result strict = evaluate_with(catalog, query, table, false);
        if (strict.category == r.category && strict.item == r.item && strict.column == r.column)
            r.assumed.clear();
    }
    return r;
}

namespace {

Result evaluate_with(const Catalog& catalog, const Query& query, const IndustryTable& table, bool assume)
{
    const Catalog::Impl& c = catalog.impl();
    const KnownFacts facts = KnownFacts::parse(catalog, query.facts, assume);
    const std::set<std::string> sensitive = check_sensitive(catalog, query.sensitive);
    std::vector<Component> comps = components(catalog, query, table, facts);
    for (auto& comp : comps) {
        // The fact `industry` is the component's own code ("" for a project).
        const std::string numeric = comp.code.empty() ? std::string() : comp.code.substr(1);
        const KnownFacts mine = facts.with("industry", {numeric});
        for (const auto& item : c.items) {
            const bool match =
                comp.code.empty()
                    ? std::any_of(comp.projects.begin(), comp.projects.end(),
                                  [&](const std::string& p) {
                                      return std::find(item.projects.begin(), item.projects.end(), p) !=
                                             item.projects.end();
                                  })
                    : code_matches(item.codes, numeric);
            if (match)
                comp.evals.push_back(eval_item(item, numeric, Ctx{c, mine, sensitive, item}));
        }
        if (!comp.code.empty() && comp.evals.empty())
            reject_broad_code(c, comp.code);
    }

    Result r;
    r.catalog = c.title;
    r.assumed = assumed_and_read(facts, comps);
    std::vector<const ItemEval*> all;
    std::vector<std::string> deciding_code; // per entry of `all`
    for (const auto& comp : comps) {
        std::vector<const ItemEval*> mine;
        for (const auto& e : comp.evals)
            mine.push_back(&e);
        Answer a = decide(mine);
        a.code = comp.code;
        a.project = join(comp.projects, "|");
        r.components.push_back(std::move(a));
        all.insert(all.end(), mine.begin(), mine.end());
    }
    static_cast<Answer&>(r) = decide(all);
    // The project's answer names the component that decided it.
    for (const auto& a : r.components)
        if (a.category == r.category && (a.item == r.item || r.item == 0)) {
            r.code = a.code;
            r.project = a.project;
            break;
        }
    return r;
}

} // namespace

Result evaluate(const Catalog& catalog, const Query& query)
{
    return evaluate(catalog, query, IndustryTable::gbt4754_2017());
}

} // namespace redline::eia
