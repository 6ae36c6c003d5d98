// Text encodings of application inputs (Chinese spreadsheets are often
// saved in GBK/GB18030) and tolerant parsing of figures typed by people
// (full-width digits, a unit after the number). Transcoding uses glibc's
// iconv.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace redline::encoding {

/// Offset of the first byte that is not part of valid UTF-8 (overlongs,
/// surrogates and code points above U+10FFFF are invalid), or nullopt.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);
/// The same over a whole file, streamed; throws Error when unreadable.
std::optional<std::size_t> first_invalid_utf8_in_file(const std::string& path);

/// The longest prefix of `s` of at most `max_bytes` that does not cut a
/// UTF-8 sequence.
std::string utf8_prefix(std::string_view s, std::size_t max_bytes);

/// The iconv name for a user's --encoding ("gbk", "GB2312", "cp936",
/// "gb18030", "utf8", "UTF-8"...): "GBK", "GB18030", "UTF-8", or the name
/// upper-cased when iconv knows it. Throws Error naming it otherwise.
std::string canonical(std::string_view user);

/// `bytes` in encoding `from` as UTF-8; throws Error naming the byte offset
/// of the first sequence that is not valid in `from`.
std::string to_utf8(std::string_view bytes, const std::string& from);
/// Transcodes the file `src` (encoding `from`) to UTF-8 into `dest`,
/// streaming; throws Error naming the byte offset of a bad sequence.
void transcode_file(const std::string& src, const std::string& dest, const std::string& from);

/// Full-width ASCII (U+FF01..U+FF5E, e.g. "１２．５") and the ideographic
/// space to their ASCII forms; everything else unchanged.
std::string fold_fullwidth(std::string_view s);

/// A figure typed by a person: "12.5", "１２．５", "12.5吨", "1,234.5 t/a",
/// "12.5 吨/年". Full-width forms are folded, thousands separators (groups
/// of exactly three digits) dropped, and a trailing unit is accepted only
/// when it is `unit` itself or, for a unit of tonnes (t, t/a), one of its
/// Chinese or English spellings (吨, 吨/年, t, t/a, t/yr, tpa). Anything
/// else — another unit ("kg", "万吨"), two numbers, text — is nullopt: a
/// wrong number is worse than an unchecked rule.
std::optional<double> parse_figure(std::string_view s, std::string_view unit = "t/a");

} // namespace redline::encoding
