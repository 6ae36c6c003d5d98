// The one place for the words of verdicts, outcomes and measures, in both
// languages, used by every output and by check types' descriptions.
#pragma once

#include "redline/finding.hpp"
#include "redline/lang.hpp"

#include <string>

namespace redline {

/// A verdict in words: 通过 / PASS, 有条件通过 / CONDITIONAL, 信息不全 /
/// INCOMPLETE, 不通过 / FAIL, 错误 / ERROR (INFO reads as a pass).
std::string verdict_word(Outcome verdict, Lang lang);
/// A finding's outcome in words: as verdict_word(), but INFO is 提示 / INFO.
std::string outcome_word(Outcome outcome, Lang lang);
/// What a finding's `measure` is ("距离" / "distance"); unknown names as given.
std::string measure_word(const std::string& measure, Lang lang);
/// A unit as printed: "m2" is "m²"; others as given.
std::string unit_text(const std::string& unit);
/// A measured value with its unit ("748.76 m", "5386.21 m²"); "—" for NaN.
std::string format_amount(double value, const std::string& unit);

} // namespace redline
