#include "util/text.hpp"

#include "redline/error.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace redline {

std::string trim(std::string_view s)
{
    const char* ws = " \t\r\n\f\v";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos)
        return {};
    auto e = s.find_last_not_of(ws);
    return std::string(s.substr(b, e - b + 1));
}

std::string to_upper_ascii(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string to_lower_ascii(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool ends_with_ci(std::string_view s, std::string_view lower_suffix)
{
    return s.size() >= lower_suffix.size() && to_lower_ascii(s.substr(s.size() - lower_suffix.size())) == lower_suffix;
}

std::optional<long long> parse_int(std::string_view s)
{
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

std::optional<double> parse_double(std::string_view s)
{
    std::string t = trim(s);
    if (t.empty())
        return std::nullopt;
    const char* begin = t.data();
    if (*begin == '+')
        ++begin;
    double v = 0;
    auto [p, ec] = std::from_chars(begin, t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::string format_number(double v, int decimals)
{
    if (!std::isfinite(v))
        return "";
    // std::to_chars rounds the exact binary value as printf's "%.*f" does
    // (to nearest, ties to even: tests compare the two), without printf's
    // locale and multi-precision machinery; findings format 2-3 numbers each.
    char buf[512];
    char* end = buf;
    if (decimals >= 0 && decimals <= 100) {
        const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
        if (r.ec == std::errc())
            end = r.ptr;
    }
    if (end == buf) {
        const int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
        end = buf + std::clamp(n, 0, static_cast<int>(sizeof buf) - 1);
    }
    if (std::find(buf, end, '.') != end) {
        while (end > buf && end[-1] == '0')
            --end;
        if (end > buf && end[-1] == '.')
            --end;
    }
    if (end - buf == 2 && buf[0] == '-' && buf[1] == '0')
        return "0";
    return std::string(buf, end);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep)
{
    std::string out;
    join_into(out, parts, sep);
    return out;
}

void join_into(std::string& out, const std::vector<std::string>& parts, std::string_view sep)
{
    out.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i)
            out += sep;
        out += parts[i];
    }
}

std::vector<std::string> split(std::string_view s, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        auto pos = s.find(sep, start);
        out.emplace_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
        if (pos == std::string_view::npos)
            break;
        start = pos + 1;
    }
    return out;
}

namespace {
// FIPS 180-4 SHA-256.
class Sha256 {
public:
    void update(const unsigned char* data, std::size_t n)
    {
        for (std::size_t i = 0; i < n; ++i) {
            m_block[m_fill++] = data[i];
            if (m_fill == 64) {
                compress();
                m_fill = 0;
            }
        }
        m_bits += static_cast<std::uint64_t>(n) * 8;
    }
    std::string hex()
    {
        std::uint64_t bits = m_bits;
        unsigned char pad = 0x80;
        update(&pad, 1);
        unsigned char zero = 0;
        while (m_fill != 56)
            update(&zero, 1);
        unsigned char len[8];
        for (int i = 0; i < 8; ++i)
            len[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
        update(len, 8);
        std::string out;
        char buf[9];
        for (std::uint32_t h : m_h) {
            std::snprintf(buf, sizeof buf, "%08x", h);
            out += buf;
        }
        return out;
    }

private:
    static std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
    void compress()
    {
        static constexpr std::array<std::uint32_t, 64> k = {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2};
        std::uint32_t w[64];
        for (int i = 0; i < 16; ++i)
            w[i] = (std::uint32_t(m_block[4 * i]) << 24) | (std::uint32_t(m_block[4 * i + 1]) << 16) |
                   (std::uint32_t(m_block[4 * i + 2]) << 8) | std::uint32_t(m_block[4 * i + 3]);
        for (int i = 16; i < 64; ++i) {
            std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = m_h[0], b = m_h[1], c = m_h[2], d = m_h[3], e = m_h[4], f = m_h[5],
                      g = m_h[6], h = m_h[7];
        for (int i = 0; i < 64; ++i) {
            std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            std::uint32_t ch = (e & f) ^ (~e & g);
            std::uint32_t t1 = h + s1 + ch + k[static_cast<std::size_t>(i)] + w[i];
            std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            std::uint32_t mj = (a & b) ^ (a & c) ^ (b & c);
            std::uint32_t t2 = s0 + mj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        m_h[0] += a;
        m_h[1] += b;
        m_h[2] += c;
        m_h[3] += d;
        m_h[4] += e;
        m_h[5] += f;
        m_h[6] += g;
        m_h[7] += h;
    }
    std::array<std::uint32_t, 8> m_h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    unsigned char m_block[64] = {};
    std::size_t m_fill = 0;
    std::uint64_t m_bits = 0;
};
} // namespace

std::string file_modified_utc(const std::string& path)
{
    std::error_code ec;
    auto t = std::filesystem::last_write_time(path, ec);
    if (ec)
        return "";
    auto sys = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        t - std::filesystem::file_time_type::clock::now() + std::chrono::system_clock::now());
    std::time_t tt = std::chrono::system_clock::to_time_t(sys);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
    return buf;
}

std::string sha256_hex(std::string_view bytes)
{
    Sha256 h;
    h.update(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return h.hex();
}

std::string sha256_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot read '" + path + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    return sha256_hex(ss.str());
}

} // namespace redline

namespace redline {

std::string html_escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string redact_password(const std::string& source)
{
    const std::string lower = to_lower_ascii(source);
    std::string out;
    std::size_t copied = 0, at = 0;
    while ((at = lower.find("password", at)) != std::string::npos) {
        const std::size_t eq = lower.find_first_not_of(' ', at + 8);
        const bool keyword = (at == 0 || !std::isalnum(static_cast<unsigned char>(lower[at - 1]))) &&
                             eq != std::string::npos && lower[eq] == '=';
        at += 8;
        if (!keyword)
            continue;
        const std::size_t begin = std::min(lower.find_first_not_of(' ', eq + 1), lower.size());
        std::size_t end = begin;
        if (end < lower.size() && lower[end] == '\'') { // quoted: up to the closing quote
            ++end;
            while (end < lower.size() && lower[end] != '\'')
                end += lower[end] == '\\' ? 2 : 1;
            end = std::min(end + 1, lower.size());
        } else {
            end = std::min(lower.find_first_of(" \t", begin), lower.size());
        }
        out += source.substr(copied, begin - copied) + "***";
        copied = at = end;
    }
    return out + source.substr(std::min(copied, source.size()));
}

} // namespace redline
