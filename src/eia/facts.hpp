// Facts as typed (CLI, an application's attributes) checked against the
// catalog's vocabulary and normalised: numbers parsed with their unit,
// yes/no folded, lists split and their process words aliased (说明6).
#pragma once

#include "eia/catalog.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace redline::eia {

class KnownFacts {
public:
    /// Throws InputError for an unknown key (listing the accepted ones) or a
    /// value that is not of the fact's kind.
    static KnownFacts parse(const Catalog& catalog, const std::map<std::string, std::string>& raw,
                            bool assume_unused = true);

    std::optional<double> number(const std::string& key) const;
    /// A text, yes/no or list fact's words (normalised); nullptr when absent.
    const std::vector<std::string>* words(const std::string& key) const;
    /// The quantity facts taken as 0 because the (complete) process list names no process that
    /// uses them (the catalog's process_uses), in key order.
    const std::vector<std::string>& assumed() const { return m_assumed; }
    /// A copy with `key` set to `words` (the component's `industry`).
    KnownFacts with(const std::string& key, std::vector<std::string> words) const
    {
        KnownFacts out = *this;
        out.m_words[key] = std::move(words);
        return out;
    }

private:
    std::map<std::string, double> m_numbers;
    std::map<std::string, std::vector<std::string>> m_words;
    std::vector<std::string> m_assumed;

    void assume_unused_quantities(const Catalog& catalog);
};

/// "yes" / "no" for the ways people write them (是/否, y/n, true/false, 1/0,
/// 有/无); nullopt otherwise.
std::optional<std::string> yes_no(const std::string& s);
/// A word of a condition as the facts hold it (yes/no folded for a yes/no
/// fact, process words aliased).
std::string normalise_word(const Catalog::Impl& c, const std::string& fact, const std::string& w);
/// The terms, each checked against 第三条's list (InputError otherwise).
std::set<std::string> check_sensitive(const Catalog& catalog, const std::vector<std::string>& terms);

} // namespace redline::eia
