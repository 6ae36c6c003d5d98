#include "eia/facts.hpp"

#include "util/encoding.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace redline::eia {

namespace {

std::string accepted_facts(const Catalog& catalog)
{
    std::vector<std::string> keys;
    for (const auto& f : catalog.facts())
        if (f.kind != "code") // `industry` comes from --industry
            keys.push_back(f.key);
    return join(keys, ", ");
}

/// `|`-separated, as SPEC §6.2 says; 、，,；; also separate words, as
/// spreadsheets write them.
std::vector<std::string> split_words(const std::string& value)
{
    std::string s = value;
    for (const char* sep : {"、", "，", "；", ",", ";"})
        for (std::size_t at = s.find(sep); at != std::string::npos; at = s.find(sep, at))
            s.replace(at, std::string_view(sep).size(), "|");
    std::vector<std::string> out;
    for (const auto& part : split(s, '|'))
        if (auto w = trim(part); !w.empty() && w != "无" && to_lower_ascii(w) != "none")
            out.push_back(w);
    return out;
}

std::vector<std::string> parse_words(const Catalog& catalog, const FactInfo& f, const std::string& raw)
{
    const std::string value = trim(raw);
    if (f.kind == "yesno") {
        auto yn = yes_no(value);
        if (!yn)
            throw InputError("fact " + f.key + " (" + f.zh + "): '" + raw + "' is not yes/no (是/否)");
        return {*yn};
    }
    if (f.kind == "list") {
        std::vector<std::string> out;
        for (const auto& w : split_words(value)) {
            out.push_back(w);
            const std::string alias = normalise_word(catalog.impl(), f.key, w);
            if (alias != w)
                out.push_back(alias);
        }
        return out;
    }
    if (!f.values.empty() && std::find(f.values.begin(), f.values.end(), value) == f.values.end())
        throw InputError("fact " + f.key + " (" + f.zh + "): '" + raw + "' is not one of " +
                         join(f.values, ", "));
    return {value};
}

} // namespace

std::optional<std::string> yes_no(const std::string& s)
{
    const std::string v = to_lower_ascii(trim(s));
    for (const char* y : {"yes", "y", "true", "1", "是", "有"})
        if (v == y)
            return "yes";
    for (const char* n : {"no", "n", "false", "0", "否", "无"})
        if (v == n)
            return "no";
    return std::nullopt;
}

std::string normalise_word(const Catalog::Impl& c, const std::string& fact, const std::string& w)
{
    auto it = c.fact_index.find(fact);
    if (it != c.fact_index.end() && c.facts[it->second].kind == "yesno")
        return yes_no(w).value_or(w);
    if (fact == "process")
        if (auto a = c.aliases.find(w); a != c.aliases.end())
            return a->second;
    return w;
}

KnownFacts KnownFacts::parse(const Catalog& catalog, const std::map<std::string, std::string>& raw,
                             bool assume_unused)
{
    KnownFacts out;
    for (const auto& [key, value] : raw) {
        const FactInfo* f = catalog.fact(key);
        if (!f)
            throw InputError("unknown fact '" + key + "'; the facts are: " + accepted_facts(catalog));
        if (f->kind == "code")
            throw InputError("the fact " + key + " is the industry code: give it as --industry");
        if (f && f->kind == "number") {
            auto v = encoding::parse_figure(value, f->unit);
            if (!v)
                throw InputError("fact " + key + " (" + f->zh + "): '" + value + "' is not a number" +
                                 (f->unit.empty() ? std::string() : " of " + f->unit));
            out.m_numbers[key] = *v;
            continue;
        }
        out.m_words[key] = parse_words(catalog, *f, value);
    }
    if (assume_unused)
        out.assume_unused_quantities(catalog);
    return out;
}

void KnownFacts::assume_unused_quantities(const Catalog& catalog)
{
    const auto* process = words("process");
    if (!process)
        return;
    for (const auto& entry : catalog.impl().process_uses) {
        const std::string& fact = entry.first;
        const std::vector<std::string>& stems = entry.second; // not a structured binding: clang 14 lambdas
        if (m_numbers.count(fact))
            continue;
        const bool used = std::any_of(process->begin(), process->end(), [&](const std::string& w) {
            return std::any_of(stems.begin(), stems.end(),
                               [&](const std::string& s) { return w.find(s) != std::string::npos; });
        });
        if (!used) {
            m_numbers[fact] = 0;
            m_assumed.push_back(fact);
        }
    }
}

std::optional<double> KnownFacts::number(const std::string& key) const
{
    auto it = m_numbers.find(key);
    return it == m_numbers.end() ? std::nullopt : std::optional<double>(it->second);
}

const std::vector<std::string>* KnownFacts::words(const std::string& key) const
{
    auto it = m_words.find(key);
    return it == m_words.end() ? nullptr : &it->second;
}

std::set<std::string> check_sensitive(const Catalog& catalog, const std::vector<std::string>& terms)
{
    std::set<std::string> out;
    for (const auto& raw : terms) {
        const std::string t = trim(raw);
        if (catalog.sensitive_class(t).empty())
            throw InputError("'" + raw + "' is not a sensitive-area term of 第三条; the terms are: " +
                             join(catalog.sensitive_terms(), ", "));
        out.insert(t);
    }
    return out;
}

} // namespace redline::eia
