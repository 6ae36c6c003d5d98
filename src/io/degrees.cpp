#include "io/degrees.hpp"

#include "util/encoding.hpp"
#include "util/text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace redline::degrees {

namespace {

/// Hemisphere words, longest first so that 东经 is taken before a bare 东.
struct Hemisphere {
    std::string_view text;
    Axis axis;
    int sign;
};
constexpr std::array<Hemisphere, 12> k_hemispheres{{
    {"东经", Axis::Lon, 1}, {"西经", Axis::Lon, -1}, {"北纬", Axis::Lat, 1}, {"南纬", Axis::Lat, -1},
    {"东", Axis::Lon, 1},   {"西", Axis::Lon, -1},   {"北", Axis::Lat, 1},   {"南", Axis::Lat, -1},
    {"E", Axis::Lon, 1},    {"W", Axis::Lon, -1},    {"N", Axis::Lat, 1},    {"S", Axis::Lat, -1},
}};

/// Unit marks after each number: degrees, minutes, seconds.
constexpr std::array<std::string_view, 3> k_degree_marks{"°", "度", "º"};
constexpr std::array<std::string_view, 5> k_minute_marks{"′", "'", "分", "’", "‘"};
constexpr std::array<std::string_view, 6> k_second_marks{"″", "\"", "秒", "”", "“", "''"};

bool take(std::string_view& s, std::string_view prefix)
{
    if (s.substr(0, prefix.size()) != prefix)
        return false;
    s.remove_prefix(prefix.size());
    return true;
}

template <std::size_t N>
bool take_any(std::string_view& s, const std::array<std::string_view, N>& marks)
{
    // Longest first: '' (two apostrophes) is a seconds mark, ' a minutes mark.
    std::string_view best;
    for (auto m : marks)
        if (s.substr(0, m.size()) == m && m.size() > best.size())
            best = m;
    if (best.empty())
        return false;
    s.remove_prefix(best.size());
    return true;
}

void skip_blanks(std::string_view& s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
}

/// An unsigned decimal number at the start of `s`.
std::optional<double> take_number(std::string_view& s)
{
    std::size_t n = 0;
    bool dot = false;
    while (n < s.size() && ((s[n] >= '0' && s[n] <= '9') || (s[n] == '.' && !dot))) {
        dot = dot || s[n] == '.';
        ++n;
    }
    if (n == 0 || (n == 1 && s[0] == '.'))
        return std::nullopt;
    auto v = parse_double(s.substr(0, n));
    s.remove_prefix(n);
    return v;
}

/// Takes one hemisphere word for `axis`; 0 when none is there, -2 for one of the other axis.
int take_hemisphere(std::string_view& s, Axis axis)
{
    for (const auto& h : k_hemispheres)
        if (s.substr(0, h.text.size()) == h.text) {
            s.remove_prefix(h.text.size());
            return h.axis == axis ? h.sign : -2;
        }
    return 0;
}

} // namespace

std::optional<Parsed> parse(std::string_view raw, Axis axis)
{
    const std::string folded = trim(encoding::fold_fullwidth(raw));
    std::string_view s = folded;
    int sign = 1, hemispheres = 0;
    if (int h = take_hemisphere(s, axis)) {
        if (h == -2)
            return std::nullopt;
        sign = h;
        ++hemispheres;
        skip_blanks(s);
    }
    if (take(s, "-")) {
        if (hemispheres)
            return std::nullopt;
        sign = -1;
    } else {
        take(s, "+");
    }
    std::array<double, 3> parts{0, 0, 0};
    int given = 0;
    bool marked = false;
    for (int part = 0; part < 3; ++part) {
        skip_blanks(s);
        auto v = take_number(s);
        if (!v)
            break;
        skip_blanks(s);
        const bool mark = part == 0   ? take_any(s, k_degree_marks)
                          : part == 1 ? take_any(s, k_minute_marks)
                                      : take_any(s, k_second_marks);
        // Only the last number given may carry a fraction; a number without
        // its mark ends the value (decimal degrees), unless it follows one.
        if (!mark && part > 0)
            return std::nullopt;
        parts[part] = *v;
        ++given;
        marked = marked || mark;
        if (!mark)
            break;
    }
    if (given == 0)
        return std::nullopt;
    skip_blanks(s);
    if (int h = take_hemisphere(s, axis)) {
        if (h == -2 || hemispheres)
            return std::nullopt;
        sign = sign * h;
        if (sign != h) // "-119°E": two signs
            return std::nullopt;
        skip_blanks(s);
    }
    if (!s.empty())
        return std::nullopt;
    for (int part = 0; part + 1 < given; ++part)
        if (parts[part] != std::floor(parts[part])) // 119.5°37′: a fraction before the last part
            return std::nullopt;
    if (parts[1] >= 60 || parts[2] >= 60)
        return std::nullopt;
    Parsed out;
    out.value = sign * (parts[0] + parts[1] / 60.0 + parts[2] / 3600.0);
    out.dms = marked && given > 1;
    const double limit = axis == Axis::Lon ? 180 : 90;
    if (!std::isfinite(out.value) || std::fabs(out.value) > limit)
        return std::nullopt;
    return out;
}

std::string to_text(double degrees)
{
    char buf[64];
    for (int precision = 12; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, degrees);
        if (std::strtod(buf, nullptr) == degrees)
            break;
    }
    return buf;
}

} // namespace redline::degrees
