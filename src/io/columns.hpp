// Which column of an applications table is the id, the name, the industry
// code, the WKT or the longitude/latitude: the name the user gave (--id-field,
// --lon-field...), else the default English names and the Chinese ones
// bureaus use (项目编号, 行业代码, 经度, 纬度...). Names are compared without
// case, surrounding blanks or full-width forms. Two columns that could both
// be the same thing are a usage error naming both, never a guess.
#pragma once

#include "redline/source.hpp"

#include <string>
#include <vector>

namespace redline::columns {

enum class Role { Id, Name, Industry, Wkt, Lon, Lat };

/// The names recognised for a role, in tiers: the first tier with a match
/// decides; two matches in one tier are ambiguous.
struct Aliases {
    Role role;
    const char* label; ///< "id", "industry", "lon"...
    std::vector<std::vector<std::string>> tiers;
};
const std::vector<Aliases>& aliases();

/// One line per role, for --help and the README: "industry: industry, 行业代码, ...".
std::string help_text();

struct Binding {
    int id = -1, name = -1, industry = -1, wkt = -1, lon = -1, lat = -1; ///< column indexes; -1 = none
};

/// Binds the roles to `names` (the table's header). `coordinates`: the
/// geometry comes from columns (wkt, or lon and lat, are required). Throws
/// UsageError naming the source and the columns it has.
Binding bind(const std::vector<std::string>& names, const InputOptions& options, bool coordinates,
             const std::string& source);

/// Whether `names` could be a header row: one of them is the industry
/// column (--industry-field, or one of its default names). Never throws.
bool names_industry(const std::vector<std::string>& names, const InputOptions& options);

/// A column name folded for comparison (full-width to ASCII, trimmed, lower-case ASCII).
std::string fold(const std::string& name);

} // namespace redline::columns
