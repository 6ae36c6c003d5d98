#include "redline/words.hpp"

#include "util/text.hpp"

#include <cmath>
#include <map>
#include <utility>

namespace redline {

std::optional<Lang> parse_lang(std::string_view s)
{
    const std::string l = to_lower_ascii(trim(s));
    if (l == "zh")
        return Lang::Zh;
    if (l == "en")
        return Lang::En;
    return std::nullopt;
}

std::string_view lang_code(Lang lang)
{
    return lang == Lang::Zh ? "zh" : "en";
}

std::string verdict_word(Outcome verdict, Lang lang)
{
    switch (verdict) {
    case Outcome::Pass:
    case Outcome::Info:
        return tr(lang, "通过", "PASS");
    case Outcome::Conditional:
        return tr(lang, "有条件通过", "CONDITIONAL");
    case Outcome::Incomplete:
        return tr(lang, "信息不全", "INCOMPLETE");
    case Outcome::Fail:
        return tr(lang, "不通过", "FAIL");
    case Outcome::Error:
        return tr(lang, "错误", "ERROR");
    }
    return "?";
}

std::string outcome_word(Outcome o, Lang lang)
{
    if (o == Outcome::Info)
        return tr(lang, "提示", "INFO");
    return verdict_word(o, lang);
}

std::string measure_word(const std::string& m, Lang lang)
{
    static const std::map<std::string, std::pair<std::string, std::string>> words{
        {"overlap_area", {"重叠面积", "overlap area"}},
        {"overlap_length", {"重叠长度", "overlap length"}},
        {"intersects", {"相交", "intersects"}},
        {"distance", {"距离", "distance"}},
        {"load", {"总量（现有+新增）", "load (existing + added)"}},
        {"outside_area", {"范围外面积", "area outside"}},
        {"outside_length", {"范围外长度", "length outside"}},
        {"outside", {"不在范围内", "outside"}},
        {"missing_input", {"缺少输入", "missing input"}},
        {"eia_category", {"环评类别（名录2021年版）", "EIA category (2021 catalog)"}},
    };
    auto it = words.find(m);
    return it == words.end() ? m : tr(lang, it->second.first, it->second.second);
}

std::string unit_text(const std::string& unit)
{
    return unit == "m2" ? "m²" : unit;
}

std::string format_amount(double v, const std::string& unit)
{
    if (std::isnan(v))
        return "—";
    return format_number(v) + (unit.empty() ? "" : " " + unit_text(unit));
}

} // namespace redline
