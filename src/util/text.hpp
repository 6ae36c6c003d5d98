// Small text helpers shared across the engine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

std::string trim(std::string_view s);
std::string to_upper_ascii(std::string_view s);
std::string to_lower_ascii(std::string_view s);
/// Whether `s` ends with `lower_suffix` (given in lower case), ignoring ASCII case: ".shp" matches "A.SHP".
bool ends_with_ci(std::string_view s, std::string_view lower_suffix);
/// The whole string as an integer, or nullopt.
std::optional<long long> parse_int(std::string_view s);
/// The whole (trimmed) string as a finite double, or nullopt.
std::optional<double> parse_double(std::string_view s);
/// A number with at most `decimals` digits after the point, trailing zeros trimmed.
std::string format_number(double v, int decimals = 2);
/// `s` with &, <, >, " and ' escaped for HTML and XML text and attribute values.
std::string html_escape(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
/// The pieces (strings, views, literals) one after another, in one
/// allocation: a finding's sentence is made of ten or so.
template <class... Pieces> std::string cat(const Pieces&... pieces)
{
    const std::string_view views[] = {std::string_view(pieces)...};
    std::size_t size = 0;
    for (const std::string_view v : views)
        size += v.size();
    std::string out;
    out.reserve(size);
    for (const std::string_view v : views)
        out.append(v);
    return out;
}
/// join() into `out`, whose storage is reused (no allocation once it is large enough).
void join_into(std::string& out, const std::vector<std::string>& parts, std::string_view sep);
std::vector<std::string> split(std::string_view s, char sep);
/// A file's modification time as ISO 8601 UTC ("" when it cannot be read).
std::string file_modified_utc(const std::string& path);
/// Lower-case hex SHA-256 of a file's bytes; throws Error if unreadable.
std::string sha256_file(const std::string& path);
std::string sha256_hex(std::string_view bytes);

/// A data source name as it may be shown or stored: a connection string's
/// `password=...` (PG:, libpq keywords) replaced by `password=***`.
std::string redact_password(const std::string& source);

} // namespace redline
