// Outcomes, findings and the per-site result the engine returns.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

/// Ordered by severity: a site's verdict is its most severe finding.
/// INFO findings (e.g. an access-list `allow`) never change a verdict.
enum class Outcome { Pass = 0, Info = 1, Conditional = 2, Incomplete = 3, Fail = 4, Error = 5 };

std::string_view outcome_name(Outcome o);
/// "FAIL", "CONDITIONAL", "INCOMPLETE", "INFO" (case-insensitive); nullopt otherwise.
std::optional<Outcome> parse_outcome(std::string_view s);

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
    std::string detail;     ///< a human sentence with the figures (in the run's language)
    std::vector<unsigned char> evidence; ///< WKB in the working CRS (may be empty)
};

struct SiteResult {
    std::size_t index = 0; ///< 0-based position in the input
    std::string site_id;
    Outcome verdict = Outcome::Pass;
    std::string error; ///< why the record is ERROR
    std::string industry; ///< canonical code when resolved
    std::vector<Finding> findings;
    std::vector<std::string> townships; ///< labels (or keys) of the townships the site overlaps
    std::vector<std::string> township_keys;
    std::vector<std::string> units;     ///< keys of the control units the site overlaps
    std::vector<unsigned char> geometry; ///< WKB in the working CRS (empty for most ERRORs)
    std::vector<unsigned char> input_geometry; ///< WKB as given, in the input CRS (JSON output)
    std::string message;

    std::size_t count(Outcome o) const;
    /// Distinct rule ids of non-INFO findings, in finding order.
    std::vector<std::string> rule_ids() const;
};

} // namespace redline
