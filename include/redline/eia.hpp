// The EIA category of a project under 《建设项目环境影响评价分类管理名录（2021年版）》
// (SPEC §6.2): 报告书 / 报告表 / 登记表 / 不纳入, with the item, the column and
// the trigger text that decided it -- or UNKNOWN, with the facts that would
// decide it, when a missing fact could change the answer. Never a guess.
//
//   const redline::eia::Catalog& c = redline::eia::Catalog::builtin();
//   redline::eia::Query q;
//   q.codes = {"C3360"};
//   q.facts = {{"process", "电镀|喷漆"}};
//   redline::eia::Result r = redline::eia::evaluate(c, q);   // r.category == Category::Report
//
// The catalog is data (src/data/eia_catalog_2021.json, compiled in; schema and
// reading rules in docs/eia_catalog.md): the evaluator encodes no item. Catalog
// objects are immutable and cheap to copy (shared); evaluate() is thread-safe.
#pragma once

#include "redline/error.hpp"
#include "redline/lang.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {
class IndustryTable;
}

namespace redline::eia {

/// Ordered: a project takes its highest category (第四条). Unknown is not
/// a category of the catalog: a missing fact could change the answer.
enum class Category { None = 0, Registration = 1, Table = 2, Report = 3, Unknown = 4 };

/// "不纳入", "登记表", "报告表", "报告书", "UNKNOWN".
std::string_view category_name(Category c);
/// The category in `lang` ("报告表" / "report form (报告表)").
std::string category_words(Category c, Lang lang);
/// The inverse of category_name(); nullopt otherwise.
std::optional<Category> parse_category(std::string_view s);
/// One step down (报告书 → 报告表 → 登记表; 登记表 and 不纳入 stay): Zhejiang's
/// "区域环评+环境标准" reform inside a reform area. Unknown stays Unknown.
Category step_down(Category c);

/// A fact, a code or a sensitive-area term the catalog does not know, or a
/// value that is not of the fact's kind. A usage error (exit 2); what()
/// lists what is accepted.
class InputError : public UsageError {
public:
    using UsageError::UsageError;
};

/// A fact a condition may use (the catalog's `facts`, SPEC §6.2's table).
struct FactInfo {
    std::string key;                 ///< e.g. "solvent_coating_tpa"
    std::string kind;                ///< number, yesno, text, list, code (`industry`: set per component)
    std::string unit;                ///< numbers: t/a, kW...; "" otherwise
    std::string zh;                  ///< the catalog's words
    std::string en;
    std::vector<std::string> values; ///< text facts: the accepted values ("" = any)
};

/// An item of the catalog as printed.
struct ItemInfo {
    int number = 0;
    int section = 0;
    std::string name;      ///< 项目类别
    std::string code_text; ///< the code(s) as printed
    bool star = false;     ///< `*`: produced in an industrial building
};

class Catalog {
public:
    /// The 2021 catalog compiled into redline. Throws Error when the build
    /// has no catalog or it does not load (a defect of the build).
    static const Catalog& builtin();
    /// Parses and validates a catalog in the schema of docs/eia_catalog.md
    /// (every fact and sensitive term a condition names must be declared).
    /// Throws Error naming the item and what is wrong.
    static Catalog from_json(std::string_view text);
    /// The same from a file; throws Error when unreadable.
    static Catalog from_file(const std::string& path);

    const std::string& title() const;  ///< "建设项目环境影响评价分类管理名录（2021年版）"
    const std::string& source() const; ///< 生态环境部令第16号...
    const std::vector<FactInfo>& facts() const;
    const FactInfo* fact(std::string_view key) const;
    /// Every sensitive-area term of 第三条, class (一) first, in catalog order.
    const std::vector<std::string>& sensitive_terms() const;
    /// "一", "二" or "三" for a term; "" when unknown.
    std::string sensitive_class(std::string_view term) const;
    /// nullptr when there is no such item.
    const ItemInfo* item(int number) const;
    std::size_t item_count() const;
    /// The `project` values items map to or conditions read, sorted.
    std::vector<std::string> projects() const;

    struct Impl; ///< src/eia/catalog.hpp
    const Impl& impl() const { return *m_impl; }

private:
    explicit Catalog(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
    std::shared_ptr<const Impl> m_impl;
};

/// What is known about a project.
struct Query {
    /// GB/T 4754-2017 codes, with or without the section letter ("C3360",
    /// "3360", a 中类 "336"); each is one component.
    std::vector<std::string> codes;
    /// Fact key → value as typed ("10", "10吨", "电镀|喷漆", "是"). An absent
    /// key is unknown; "0" is a value.
    std::map<std::string, std::string> facts;
    /// 第三条 terms the site touches (the complete list: an absent term is
    /// not touched).
    std::vector<std::string> sensitive;
};

/// One answer: the project's, or one component's.
struct Answer {
    std::string code;    ///< component: canonical code ("C3360"); "" for the project's answer
    std::string project; ///< component: the `project` value it stands for, when it is one
    Category category = Category::None;
    int item = 0;           ///< the deciding item (UNKNOWN: the undecided one); 0 = none
    std::string item_name;
    std::string column;     ///< 报告书 / 报告表 / 登记表; "" when no column decided
    std::string trigger;    ///< the deciding column's text, or the basis of 不纳入
    std::vector<std::string> missing;  ///< fact keys that could change the category
    std::vector<Category> possible;    ///< UNKNOWN: the categories still possible, highest first
};

struct Result : Answer {
    std::vector<Answer> components; ///< one per code (then one for `project`), in order
    std::string catalog;            ///< the catalog's title
    /// Quantity facts not given and taken as 0 because the process list (complete, SPEC §6.2)
    /// names no process that uses them, e.g. no coating process → no coatings used.
    std::vector<std::string> assumed;
};

/// The category of the project. Throws InputError for an unknown code,
/// fact key, fact value or sensitive term (listing the accepted ones), or
/// when the query names neither a code nor a `project`. Thread-safe.
Result evaluate(const Catalog& catalog, const Query& query,
                const IndustryTable& table);
/// The same with the GB/T 4754-2017 table compiled in.
Result evaluate(const Catalog& catalog, const Query& query);

/// SPEC §6.2's JSON object, as text (indent < 0: one line).
std::string to_json(const Result& result, int indent = 2);
/// The answer in sentences, for a planner: category, item, column, trigger
/// per component, missing facts with their names in `lang`.
std::string to_text(const Result& result, const Catalog& catalog, Lang lang);
/// One line: "报告表（第67项 金属表面处理及热处理加工，报告表栏：…）".
std::string summary_line(const Answer& answer, const Catalog& catalog, Lang lang);

} // namespace redline::eia
