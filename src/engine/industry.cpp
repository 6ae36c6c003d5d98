#include "redline/industry.hpp"

#include "io/csv.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <fstream>
#include <sstream>

namespace redline {

extern const char* const k_gbt4754_2017_csv; // generated from src/data/gbt4754_2017.csv

const IndustryTable& IndustryTable::gbt4754_2017()
{
    static const IndustryTable table = from_csv(k_gbt4754_2017_csv);
    return table;
}

IndustryTable IndustryTable::from_csv(std::string_view text)
{
    IndustryTable t;
    CsvTable csv = parse_csv(text);
    std::size_t code = csv.column("code_with_section");
    std::size_t numeric = csv.column("numeric_code");
    std::size_t name = csv.column("name");
    std::size_t level = csv.column("level");
    for (const auto& row : csv.rows) {
        Entry e;
        e.code = row.at(code);
        e.name = row.at(name);
        e.level = std::stoi(row.at(level));
        if (!row.at(numeric).empty())
            t.m_by_numeric[row.at(numeric)] = e.code;
        t.m_entries[e.code] = std::move(e);
    }
    return t;
}

std::optional<std::string> IndustryTable::normalise(std::string_view input) const
{
    std::string code = to_upper_ascii(trim(input));
    if (code.empty())
        return std::nullopt;
    if (code.front() >= '0' && code.front() <= '9') {
        auto it = m_by_numeric.find(code);
        if (it == m_by_numeric.end())
            return std::nullopt;
        return it->second;
    }
    if (m_entries.count(code) == 0)
        return std::nullopt;
    return code;
}

const IndustryTable::Entry* IndustryTable::find(std::string_view canonical) const
{
    auto it = m_entries.find(canonical);
    return it == m_entries.end() ? nullptr : &it->second;
}

IndustryClasses IndustryClasses::load(const std::string& path, const IndustryTable& table)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw RulebookError(path, 0, "industry_classes", "cannot open the industry class table");
    std::stringstream ss;
    ss << in.rdbuf();
    CsvTable csv = parse_csv(ss.str());
    std::size_t ind = csv.find_column("industry");
    std::size_t cls = csv.find_column("class");
    if (ind == CsvTable::npos || cls == CsvTable::npos)
        throw RulebookError(path, 1, "industry_classes",
                            "the table needs the columns industry,class");
    IndustryClasses out;
    for (std::size_t i = 0; i < csv.rows.size(); ++i) {
        const auto& row = csv.rows[i];
        int line = static_cast<int>(csv.row_lines[i]);
        std::string raw = trim(row.at(ind));
        std::string prefix = to_upper_ascii(raw);
        if (!prefix.empty() && prefix.front() >= '0' && prefix.front() <= '9') {
            auto n = table.normalise(prefix);
            if (!n)
                throw RulebookError(path, line, "industry",
                                    "'" + raw + "' is not a GB/T 4754-2017 code");
            prefix = *n;
        }
        if (prefix.empty())
            throw RulebookError(path, line, "industry", "empty industry prefix");
        auto value = parse_int(trim(row.at(cls)));
        if (!value || *value < 1 || *value > 3)
            throw RulebookError(path, line, "class",
                                "class must be 1, 2 or 3, not '" + row.at(cls) + "'");
        out.add(prefix, static_cast<int>(*value));
    }
    return out;
}

std::optional<int> IndustryClasses::class_of(std::string_view code) const
{
    for (std::size_t len = code.size(); len > 0; --len) {
        auto it = m_classes.find(code.substr(0, len));
        if (it != m_classes.end())
            return it->second;
    }
    return std::nullopt;
}

IndustrySelector IndustrySelector::parse(std::string_view text, const IndustryTable& table,
                                         bool* known)
{
    IndustrySelector s;
    std::string t = trim(text);
    if (known)
        *known = true;
    if (t.rfind("class:", 0) == 0) {
        auto n = parse_int(trim(std::string_view(t).substr(6)));
        if (!n || *n < 1 || *n > 3)
            throw Error("'" + t + "' is not a class selector (class:1, class:2 or class:3)");
        s.m_class = static_cast<int>(*n);
        return s;
    }
    std::string code = to_upper_ascii(t);
    if (code.empty())
        throw Error("empty industry selector");
    if (code.front() >= '0' && code.front() <= '9') {
        auto n = table.normalise(code);
        if (!n)
            throw Error("'" + t + "' has no section letter and is not a GB/T 4754-2017 code");
        code = *n;
    }
    for (char c : code)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            throw Error("'" + t + "' is not an industry code prefix");
    if (code.front() < 'A' || code.front() > 'T')
        throw Error("'" + t + "' does not start with a GB/T 4754-2017 section letter A-T");
    if (known)
        *known = table.find(code) != nullptr;
    s.m_prefix = code;
    return s;
}

bool IndustrySelector::matches(const Industry& industry) const
{
    if (m_class)
        return industry.cls && *industry.cls == *m_class;
    return industry.code.compare(0, m_prefix.size(), m_prefix) == 0;
}

std::string IndustrySelector::text() const
{
    return m_class ? "class:" + std::to_string(*m_class) : m_prefix;
}

IndustrySet IndustrySet::everything()
{
    IndustrySet s;
    s.m_everything = true;
    return s;
}

bool IndustrySet::matches(const Industry& industry) const
{
    if (m_everything)
        return true;
    for (const auto& s : m_selectors)
        if (s.matches(industry))
            return true;
    return false;
}

std::string IndustrySet::text() const
{
    if (m_everything)
        return "*";
    std::string out;
    for (const auto& s : m_selectors) {
        if (!out.empty())
            out += ";";
        out += s.text();
    }
    return out;
}

} // namespace redline
