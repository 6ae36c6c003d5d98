#include "util/encoding.hpp"

#include "redline/error.hpp"
#include "util/text.hpp"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

namespace redline::encoding {

namespace {

/// Length of the valid UTF-8 sequence at s[i], 0 when invalid, -1 when it
/// is a valid but truncated prefix at the end of `s`.
int sequence_length(std::string_view s, std::size_t i)
{
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80)
        return 1;
    int n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; // overlong
        if (c == 0xED)
            hi = 0x9F; // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F; // > U+10FFFF
    } else
        return 0;
    for (int k = 1; k < n; ++k) {
        if (i + static_cast<std::size_t>(k) >= s.size())
            return -1;
        const unsigned char t = b(i + static_cast<std::size_t>(k));
        if (k == 1 ? (t < lo || t > hi) : (t < 0x80 || t > 0xBF))
            return 0;
    }
    return n;
}

struct Iconv {
    iconv_t cd;
    explicit Iconv(const std::string& from) : cd(iconv_open("UTF-8", from.c_str()))
    {
        if (cd == reinterpret_cast<iconv_t>(-1))
            throw Error("unknown encoding '" + from + "'");
    }
    ~Iconv() { iconv_close(cd); }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;

    /// Converts `in` (advanced past what was consumed) appending to `out`.
    /// Returns false when the input ends inside a sequence (more is needed).
    /// Throws on an invalid sequence, naming `base` + its offset.
    bool convert(std::string_view& in, std::string& out, std::size_t base, const std::string& from)
    {
        std::array<char, 16384> buf;
        while (!in.empty()) {
            char* src = const_cast<char*>(in.data());
            std::size_t src_left = in.size();
            char* dst = buf.data();
            std::size_t dst_left = buf.size();
            const std::size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
            const int err = errno;
            out.append(buf.data(), buf.size() - dst_left);
            const std::size_t consumed = in.size() - src_left;
            base += consumed;
            in.remove_prefix(consumed);
            if (r != static_cast<std::size_t>(-1))
                continue;
            if (err == E2BIG)
                continue;
            if (err == EINVAL)
                return false;
            throw Error("byte " + std::to_string(base) + " is not valid " + from);
        }
        return true;
    }
};

} // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        const int n = sequence_length(s, i);
        if (n <= 0)
            return i;
        i += static_cast<std::size_t>(n);
    }
    return std::nullopt;
}

std::optional<std::size_t> first_invalid_utf8_in_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot read '" + path + "'");
    std::vector<char> buf(1 << 20);
    std::string carry;
    std::size_t base = 0; // file offset of carry[0]
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0)
            break;
        carry.append(buf.data(), got);
        const bool at_end = !in;
        std::size_t i = 0;
        while (i < carry.size()) {
            const int n = sequence_length(carry, i);
            if (n == 0 || (n < 0 && at_end))
                return base + i;
            if (n < 0)
                break; // continue with the next block
            i += static_cast<std::size_t>(n);
        }
        carry.erase(0, i);
        base += i;
    }
    if (!carry.empty())
        return base;
    return std::nullopt;
}

std::string utf8_prefix(std::string_view s, std::size_t max_bytes)
{
    if (s.size() <= max_bytes)
        return std::string(s);
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        --end;
    return std::string(s.substr(0, end));
}

std::string canonical(std::string_view user)
{
    std::string u = to_upper_ascii(trim(user));
    std::string squeezed;
    for (char c : u)
        if (c != '-' && c != '_' && c != ' ')
            squeezed += c;
    if (squeezed == "UTF8" || squeezed == "UTF8BOM" || squeezed == "UTF8SIG")
        return "UTF-8";
    if (squeezed == "GBK" || squeezed == "CP936" || squeezed == "GB2312" || squeezed == "EUCCN" ||
        squeezed == "936" || squeezed == "WINDOWS936")
        return "GBK";
    if (squeezed == "GB18030")
        return "GB18030";
    if (u.empty())
        throw Error("empty encoding name");
    iconv_t cd = iconv_open("UTF-8", u.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1))
        throw Error("unknown encoding '" + std::string(user) + "' (try GBK, GB18030 or UTF-8)");
    iconv_close(cd);
    return u;
}

std::string to_utf8(std::string_view bytes, const std::string& from)
{
    Iconv cd(from);
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 2);
    if (!cd.convert(bytes, out, 0, from))
        throw Error("the text ends inside a " + from + " character");
    return out;
}

void transcode_file(const std::string& src, const std::string& dest, const std::string& from)
{
    std::ifstream in(src, std::ios::binary);
    if (!in)
        throw Error("cannot read '" + src + "'");
    std::ofstream out(dest, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error("cannot write '" + dest + "'");
    Iconv cd(from);
    std::vector<char> buf(1 << 20);
    std::string pending, converted;
    std::size_t base = 0;
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0)
            break;
        pending.append(buf.data(), got);
        std::string_view view(pending);
        converted.clear();
        cd.convert(view, converted, base, from);
        base += pending.size() - view.size();
        pending.erase(0, pending.size() - view.size());
        out.write(converted.data(), static_cast<std::streamsize>(converted.size()));
    }
    if (!pending.empty())
        throw Error("the file ends inside a " + from + " character (byte " + std::to_string(base) + ")");
    out.flush();
    if (!out)
        throw Error("cannot write '" + dest + "'");
}

std::string fold_fullwidth(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c0 = static_cast<unsigned char>(s[i]);
        if (c0 == 0xEF && i + 2 < s.size()) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            const auto c2 = static_cast<unsigned char>(s[i + 2]);
            // U+FF01..U+FF3F = EF BC 81..BF, U+FF40..U+FF5E = EF BD 80..9E
            unsigned cp = 0;
            if (c1 == 0xBC && c2 >= 0x81 && c2 <= 0xBF)
                cp = 0xFF00u + (c2 - 0x80u);
            else if (c1 == 0xBD && c2 >= 0x80 && c2 <= 0x9E)
                cp = 0xFF40u + (c2 - 0x80u);
            if (cp) {
                out += static_cast<char>(cp - 0xFF00u + 0x20u);
                i += 2;
                continue;
            }
        }
        if (c0 == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
            static_cast<unsigned char>(s[i + 2]) == 0x80) { // U+3000 ideographic space
            out += ' ';
            i += 2;
            continue;
        }
        out += s[i];
    }
    return out;
}

namespace {

/// [+-]digits[.digits] (a digit at least), nothing else: what batches'
/// figure columns nearly always hold, and what parse_figure() below would
/// hand to parse_double() unchanged (no full-width forms, blanks, groups,
/// exponent or unit), so parse_double() is asked at once -- the same answer
/// without the copies.
bool plain_decimal(std::string_view s)
{
    std::size_t i = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
    bool digits = false, point = false;
    for (; i < s.size(); ++i) {
        if (s[i] >= '0' && s[i] <= '9')
            digits = true;
        else if (s[i] == '.' && !point)
            point = true;
        else
            return false;
    }
    return digits;
}

} // namespace

std::optional<double> parse_figure(std::string_view raw, std::string_view unit)
{
    if (plain_decimal(raw))
        return parse_double(raw);
    const std::string s = trim(fold_fullwidth(raw));
    if (s.empty())
        return std::nullopt;
    // The numeric prefix: sign, digits with optional thousands groups, a
    // fraction and an exponent.
    std::size_t i = 0;
    std::string number;
    if (s[i] == '+' || s[i] == '-')
        number += s[i++];
    auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    std::size_t int_digits = 0, group = 0;
    bool grouped = false;
    while (i < s.size()) {
        if (digit(i)) {
            number += s[i++];
            ++int_digits;
            ++group;
        } else if (s[i] == ',' && int_digits > 0 && (!grouped ? group <= 3 : group == 3) &&
                   digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4)) {
            grouped = true;
            group = 0;
            ++i;
        } else {
            break;
        }
    }
    if (grouped && group != 3)
        return std::nullopt;
    std::size_t frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
        number += s[i++];
        while (digit(i)) {
            number += s[i++];
            ++frac_digits;
        }
    }
    if (int_digits + frac_digits == 0)
        return std::nullopt;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        std::size_t k = i + 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-'))
            ++k;
        if (digit(k)) {
            number += s.substr(i, k - i);
            i = k;
            while (digit(i))
                number += s[i++];
        }
    }
    auto value = parse_double(number);
    if (!value)
        return std::nullopt;
    std::string suffix = to_lower_ascii(trim(std::string_view(s).substr(i)));
    if (suffix.empty())
        return value;
    const std::string want = to_lower_ascii(trim(unit));
    if (suffix == want)
        return value;
    if (want == "t/a" || want == "t" || want == "t/yr" || want == "tpa") {
        for (const char* alias : {"t", "t/a", "t/yr", "t/y", "tpa", "t/年", "吨", "吨/年", "吨/a",
                                  "吨每年", "吨/每年"})
            if (suffix == alias)
                return value;
    }
    return std::nullopt;
}

} // namespace redline::encoding
