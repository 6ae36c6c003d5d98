// Outcomes, findings and the per-site result the engine returns.
//
// A finding carries what its check measured (value, threshold, share, the
// feature, the evidence) and which check made it; its words (`detail`, the
// site's `message` and `error`) are empty until render() (engine.hpp) writes
// them in the language asked for. Rendering again in another language
// overwrites them.
#pragma once

#include "redline/lang.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

class Check;

/// Ordered by severity: a site's verdict is its most severe finding.
/// INFO findings (e.g. an access-list `allow`) never change a verdict.
enum class Outcome { Pass = 0, Info = 1, Conditional = 2, Incomplete = 3, Fail = 4, Error = 5 };

std::string_view outcome_name(Outcome o);
/// "FAIL", "CONDITIONAL", "INCOMPLETE", "INFO" (case-insensitive); nullopt otherwise.
std::optional<Outcome> parse_outcome(std::string_view s);

/// What the `eia_category` check found (SPEC §6.2), beyond the finding's
/// own fields: its catalog item number is Finding::item (0 = none); when a
/// reform area stepped the category down, the area is the finding's
/// layer/feature.
struct EiaNote {
    std::string category;  ///< 报告书 / 报告表 / 登记表 / 不纳入 / UNKNOWN (after the reform)
    std::string catalog_category; ///< the catalog's own answer (before the reform)
    std::string item_name;
    std::string column;    ///< the column that decided it ("" if none)
    std::string trigger;   ///< its text, or the basis of 不纳入
    std::vector<std::string> missing;  ///< UNKNOWN: the facts that would decide it
    std::vector<std::string> possible; ///< UNKNOWN: the categories still possible
    std::string error;     ///< a fact or code the catalog does not accept (then UNKNOWN)
    bool reformed = false; ///< stepped down by the 区域环评+环境标准 reform
};

struct Finding {
    std::string rule_id;    ///< check id, or the access-list row's rule_id
    std::string check_type; ///< overlap, setback, ... coverage
    Outcome outcome = Outcome::Fail;
    std::string layer;
    std::string feature_key;
    std::string feature_label;
    std::string measure;    ///< what `value` measures, e.g. overlap_area, distance
    double value = NAN;     ///< NaN = not measured
    double threshold = NAN; ///< NaN = none
    std::string unit;       ///< m2, m, t/a, %
    double share = NAN;     ///< % of the site concerned (overlap, outside)
    std::string dimension;  ///< access-list dimension
    std::string clause;
    std::string basis;
    std::vector<unsigned char> evidence; ///< WKB in the working CRS (may be empty)

    // What the check needs to put it in words (Check::describe), beyond the above.
    const Check* check = nullptr; ///< the check that made it; not owned, lives as long as the Engine
    std::uint32_t item = 0;       ///< the check's own item (the access-list row)
    double base = NAN;            ///< load: the existing part of `value`
    double added = NAN;           ///< load: the application's part of `value`
    std::string input;            ///< missing_input: the value given, when one was (not a number...)
    std::shared_ptr<const EiaNote> eia; ///< eia_category's answer (null for other checks)

    std::string detail; ///< a sentence with the figures, written by render()
};

struct SiteResult {
    std::size_t index = 0; ///< 0-based position in the input
    std::string site_id;
    Outcome verdict = Outcome::Pass;
    Text reason;       ///< why the record is ERROR, in both languages
    std::string error; ///< `reason` in the rendered language (render())
    std::string industry; ///< canonical code when resolved
    std::vector<Finding> findings;
    std::vector<std::string> townships; ///< labels (or keys) of the townships the site overlaps
    std::vector<std::string> township_keys;
    std::vector<std::string> units;     ///< keys of the control units the site overlaps
    std::vector<unsigned char> geometry; ///< WKB in the working CRS (empty for most ERRORs)
    std::vector<unsigned char> input_geometry; ///< WKB as given, in the input CRS (JSON output)
    std::string message; ///< the one-line verdict with its reasons (render())

    std::size_t count(Outcome o) const;
    /// The eia_category check's finding (the first), or nullptr.
    const Finding* eia_finding() const;
    /// Distinct rule ids of non-INFO findings, in finding order.
    std::vector<std::string> rule_ids() const;
    /// Calls `each(std::string_view id)` for each of rule_ids(), in order,
    /// copying nothing (the GeoPackage writer joins them a million times).
    template <class Each> void for_each_rule_id(Each&& each) const;
};

template <class Each> void SiteResult::for_each_rule_id(Each&& each) const
{
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const Finding& f = findings[i];
        if (f.outcome == Outcome::Info)
            continue;
        bool seen = false;
        for (std::size_t j = 0; j < i && !seen; ++j)
            seen = findings[j].outcome != Outcome::Info && findings[j].rule_id == f.rule_id;
        if (!seen)
            each(std::string_view(f.rule_id));
    }
}

} // namespace redline
