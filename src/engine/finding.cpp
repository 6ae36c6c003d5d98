#include "redline/finding.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace redline {

std::string_view outcome_name(Outcome o)
{
    switch (o) {
    case Outcome::Pass:
        return "PASS";
    case Outcome::Info:
        return "INFO";
    case Outcome::Conditional:
        return "CONDITIONAL";
    case Outcome::Incomplete:
        return "INCOMPLETE";
    case Outcome::Fail:
        return "FAIL";
    case Outcome::Error:
        return "ERROR";
    }
    return "?";
}

std::optional<Outcome> parse_outcome(std::string_view s)
{
    std::string u = to_upper_ascii(trim(s));
    if (u == "FAIL")
        return Outcome::Fail;
    if (u == "CONDITIONAL")
        return Outcome::Conditional;
    if (u == "INCOMPLETE")
        return Outcome::Incomplete;
    if (u == "INFO")
        return Outcome::Info;
    return std::nullopt;
}

std::size_t SiteResult::count(Outcome o) const
{
    return static_cast<std::size_t>(std::count_if(
        findings.begin(), findings.end(), [o](const Finding& f) { return f.outcome == o; }));
}

const Finding* SiteResult::eia_finding() const
{
    for (const auto& f : findings)
        if (f.eia)
            return &f;
    return nullptr;
}

std::vector<std::string> SiteResult::rule_ids() const
{
    std::vector<std::string> out;
    for_each_rule_id([&out](std::string_view id) { out.emplace_back(id); });
    return out;
}

} // namespace redline
