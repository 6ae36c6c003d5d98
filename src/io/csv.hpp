// A strict RFC 4180 CSV reader for redline's own tables (access list,
// industry classes, the GB/T 4754 table). Application CSVs go through GDAL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

struct CsvTable {
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows; ///< each padded to header size
    std::vector<std::size_t> row_lines;         ///< 1-based line where each row starts
    std::size_t find_column(std::string_view name) const;
    /// Like find_column but throws Error when absent.
    std::size_t column(std::string_view name) const;
};

/// Parses UTF-8 CSV text (a leading BOM is skipped; CRLF accepted; quoted
/// fields may hold commas, quotes and newlines). Throws Error("line N: ...")
/// on an unterminated quote or a row with more fields than the header.
CsvTable parse_csv(std::string_view text);

} // namespace redline
