// The EIA category columns of the outputs (SPEC §6.2): `eia_category` and
// `eia_item` in `sites`, written only when the rulebook has an
// `eia_category` check, so that other rulebooks' outputs do not change.
#pragma once

#include "redline/check.hpp"
#include "redline/engine.hpp"
#include "redline/finding.hpp"

#include <map>
#include <string>

namespace redline::eia_fields {

inline bool enabled(const Engine& engine)
{
    for (const auto& c : engine.checks())
        if (c->type() == "eia_category")
            return true;
    return false;
}

/// 报告书 / 报告表 / 登记表 / 不纳入 / UNKNOWN; "" when the check did not run (ERROR rows).
inline std::string category(const SiteResult& r)
{
    const Finding* f = r.eia_finding();
    return f ? f->eia->category : std::string();
}

/// The catalog item number; 0 when none.
inline int item(const SiteResult& r)
{
    const Finding* f = r.eia_finding();
    return f ? static_cast<int>(f->item) : 0;
}

/// The order categories are counted and listed in (run_info, summaries).
inline const std::vector<std::string>& categories()
{
    static const std::vector<std::string> all{"报告书", "报告表", "登记表", "不纳入", "UNKNOWN"};
    return all;
}

} // namespace redline::eia_fields
