// The answer in words (a planner's sentences, Chinese or English) and as
// SPEC §6.2's JSON.
#include "eia/catalog.hpp"

#include "redline/industry.hpp"
#include "util/text.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

namespace redline::eia {

std::string_view category_name(Category c)
{
    switch (c) {
    case Category::None: return "不纳入";
    case Category::Registration: return "登记表";
    case Category::Table: return "报告表";
    case Category::Report: return "报告书";
    case Category::Unknown: return "UNKNOWN";
    }
    return "UNKNOWN";
}

std::optional<Category> parse_category(std::string_view s)
{
    for (Category c : {Category::None, Category::Registration, Category::Table, Category::Report,
                       Category::Unknown})
        if (category_name(c) == s)
            return c;
    return std::nullopt;
}

std::string category_words(Category c, Lang lang)
{
    switch (c) {
    case Category::None: return tr(lang, "不纳入环评管理", "not subject to EIA (不纳入)");
    case Category::Registration: return tr(lang, "登记表", "registration form (登记表)");
    case Category::Table: return tr(lang, "报告表", "report form (报告表)");
    case Category::Report: return tr(lang, "报告书", "full report (报告书)");
    case Category::Unknown: return tr(lang, "无法确定", "undetermined");
    }
    return {};
}

Category step_down(Category c)
{
    switch (c) {
    case Category::Report: return Category::Table;
    case Category::Table: return Category::Registration;
    default: return c;
    }
}

namespace {

nlohmann::ordered_json answer_json(const Answer& a, bool component)
{
    nlohmann::ordered_json j;
    auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s); };
    if (component) {
        j["code"] = text_or_null(a.code);
        j["project"] = text_or_null(a.project);
    }
    j["category"] = std::string(category_name(a.category));
    j["item"] = a.item == 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(a.item);
    j["item_name"] = text_or_null(a.item_name);
    j["column"] = text_or_null(a.column);
    j["trigger"] = text_or_null(a.category == Category::Unknown ? std::string() : a.trigger);
    j["missing"] = a.missing;
    return j;
}

/// "第67项「金属表面处理及热处理加工」" / "item 67 「...」".
std::string item_words(const Answer& a, Lang lang)
{
    const std::string n = std::to_string(a.item);
    return tr(lang, "名录第" + n + "项「" + a.item_name + "」", "catalog item " + n + " 「" + a.item_name + "」");
}

std::string what(const Answer& a, Lang lang)
{
    if (!a.project.empty())
        return tr(lang, "项目类型「" + a.project + "」", "project type 「" + a.project + "」");
    const auto* e = IndustryTable::gbt4754_2017().find(a.code);
    return a.code + (e ? " " + e->name : std::string());
}

std::string possible_words(const Answer& a, Lang lang)
{
    std::vector<std::string> words;
    for (Category c : a.possible)
        words.push_back(category_words(c, lang));
    return join(words, tr(lang, "、", ", "));
}

} // namespace

std::string to_json(const Result& r, int indent)
{
    nlohmann::ordered_json j = answer_json(r, false);
    auto& comps = j["components"] = nlohmann::ordered_json::array();
    for (const auto& c : r.components)
        comps.push_back(answer_json(c, true));
    j["assumed"] = r.assumed;
    j["catalog"] = r.catalog;
    return j.dump(indent);
}

std::string summary_line(const Answer& a, const Catalog&, Lang lang)
{
    std::string out = category_words(a.category, lang);
    if (a.category == Category::Unknown) {
        out += tr(lang, "（可能为" + possible_words(a, lang) + "）", " (possibly " + possible_words(a, lang) + ")");
        if (a.item)
            out += tr(lang, "：", ": ") + item_words(a, lang);
        return out;
    }
    if (a.item == 0)
        return out + tr(lang, "：", ": ") + tr(lang, a.trigger, "the catalog does not list it (第五条)");
    out += tr(lang, "：", ": ") + item_words(a, lang);
    if (a.column.empty())
        return out + tr(lang, "各栏均不适用，按第五条不纳入", ": no column applies, not subject to EIA (第五条)");
    return out + tr(lang, a.column + "栏：", ", column " + a.column + ": ") + a.trigger;
}

namespace {

void answer_lines(std::ostream& os, const Answer& a, Lang lang)
{
    if (a.project.empty())
        os << tr(lang, "行业代码：", "industry:   ") << what(a, lang) << "\n";
    else
        os << tr(lang, "项目类型：", "project:    ") << a.project << "\n";
    if (a.item) {
        os << tr(lang, "名录项目：第", "item:       ") << a.item << tr(lang, "项 ", " ") << a.item_name;
        if (a.category != Category::Unknown && a.column.empty())
            os << tr(lang, "（各栏均不适用）", " (no column applies)");
        os << "\n";
    }
    if (!a.column.empty())
        os << tr(lang, "所在栏目：", "column:     ") << a.column << "\n";
    if (a.category != Category::Unknown)
        os << tr(lang, "判定依据：", "trigger:    ")
           << (a.column.empty() ? tr(lang, a.trigger, "not listed by the catalog: not subject to EIA (第五条)")
                                : a.trigger)
           << "\n";
}

} // namespace

std::string to_text(const Result& r, const Catalog& catalog, Lang lang)
{
    std::ostringstream os;
    os << tr(lang, "环评类别：", "EIA category: ") << category_words(r.category, lang);
    if (r.category == Category::Unknown)
        os << tr(lang, "（可能为" + possible_words(r, lang) + "）", " (possibly " + possible_words(r, lang) + ")");
    os << "\n";
    answer_lines(os, r, lang);
    if (r.components.size() > 1) {
        os << tr(lang, "各行业代码（建设内容涉及两个及以上项目类别的，按其中单项等级最高的确定，第四条）：\n",
                 "each component (several categories: the highest one applies, 第四条):\n");
        for (const auto& c : r.components)
            os << "  · " << what(c, lang) << tr(lang, "：", ": ") << summary_line(c, catalog, lang) << "\n";
    }
    if (!r.missing.empty()) {
        os << tr(lang, "缺少以下事实，补充后可确定类别：\n", "facts needed to decide it:\n");
        for (const auto& key : r.missing) {
            const FactInfo* f = catalog.fact(key);
            std::string label = f ? tr(lang, f->zh, f->en) : key;
            if (f && !f->unit.empty())
                label += tr(lang, "（" + f->unit + "）", " (" + f->unit + ")");
            os << "  --fact " << key << "=…  " << label << "\n";
        }
    }
    if (!r.assumed.empty()) {
        std::vector<std::string> labels;
        for (const auto& key : r.assumed) {
            const FactInfo* f = catalog.fact(key);
            labels.push_back(f ? tr(lang, f->zh, f->en) : key);
        }
        os << tr(lang, "按所列工艺（完整列出）推定为 0：", "taken as 0 from the (complete) process list: ")
           << join(labels, tr(lang, "、", ", ")) << "\n";
    }
    os << tr(lang, "（", "(") << r.catalog << tr(lang, "）", ")") << "\n";
    return os.str();
}

} // namespace redline::eia
