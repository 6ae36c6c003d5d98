// Record by record: what a change of rulebook changed for one site (diff.hpp).
#include "redline/diff.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace redline {

namespace {

/// Each finding key of a result with its strictest outcome, and the keys in finding order.
struct KeyedFindings {
    std::map<std::string, Outcome> outcome;
    std::vector<std::string> order;
};

KeyedFindings keyed(const SiteResult& r)
{
    KeyedFindings out;
    for (const Finding& f : r.findings) {
        std::string key = finding_key(f);
        auto [it, fresh] = out.outcome.emplace(key, f.outcome);
        if (fresh)
            out.order.push_back(std::move(key));
        else
            it->second = std::max(it->second, f.outcome);
    }
    return out;
}

} // namespace

std::string_view direction_name(Direction d)
{
    switch (d) {
    case Direction::Stricter:
        return "stricter";
    case Direction::Looser:
        return "looser";
    case Direction::Same:
        break;
    }
    return "same";
}

std::string OutcomeChange::text() const
{
    return key + ":" + std::string(outcome_name(before)) + "\u2192" + std::string(outcome_name(after));
}

std::string finding_key(const Finding& f)
{
    return f.rule_id + ":" + f.feature_key;
}

std::vector<std::string> RecordChange::rules() const
{
    std::vector<std::string> out;
    std::set<std::string> seen;
    auto note = [&](const std::string& key) {
        std::string rule = key.substr(0, key.find(':'));
        if (seen.insert(rule).second)
            out.push_back(std::move(rule));
    };
    for (const auto& k : added)
        note(k);
    for (const auto& k : removed)
        note(k);
    for (const auto& c : changed)
        note(c.key);
    return out;
}

std::optional<RecordChange> compare_results(const SiteResult& old_result, const SiteResult& new_result)
{
    const KeyedFindings before = keyed(old_result);
    const KeyedFindings after = keyed(new_result);
    RecordChange c;
    c.index = new_result.index;
    c.site_id = new_result.site_id;
    c.old_verdict = old_result.verdict;
    c.new_verdict = new_result.verdict;
    c.direction = c.new_verdict > c.old_verdict   ? Direction::Stricter
                  : c.new_verdict < c.old_verdict ? Direction::Looser
                                                  : Direction::Same;
    for (const std::string& key : after.order) {
        auto it = before.outcome.find(key);
        const Outcome now = after.outcome.at(key);
        if (it == before.outcome.end())
            c.added.push_back(key);
        else if (it->second != now)
            c.changed.push_back({key, it->second, now});
    }
    for (const std::string& key : before.order)
        if (!after.outcome.count(key))
            c.removed.push_back(key);
    if (c.old_verdict == c.new_verdict && c.added.empty() && c.removed.empty() && c.changed.empty())
        return std::nullopt;
    return c;
}

void DiffCounts::add(const SiteResult& old_result, const SiteResult& new_result, const RecordChange* change)
{
    ++records;
    if (old_result.verdict == Outcome::Error || new_result.verdict == Outcome::Error)
        ++errors;
    if (!change)
        ++unchanged;
    else if (change->direction == Direction::Stricter)
        ++stricter;
    else if (change->direction == Direction::Looser)
        ++looser;
    else
        ++same;
}

} // namespace redline
