// Text helpers shared by the engine (src/util/text.cpp): the numbers every
// finding's words carry.
#include "util/text.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

using namespace redline;

namespace {

/// format_number as it was written with printf: "%.*f", trailing zeros and
/// point trimmed, "-0" as "0" (a large buffer: printf's own answer in full).
std::string printf_reference(double v, int decimals)
{
    if (!std::isfinite(v))
        return "";
    std::string s(std::snprintf(nullptr, 0, "%.*f", decimals, v) + 1, '\0');
    s.resize(static_cast<std::size_t>(std::snprintf(s.data(), s.size(), "%.*f", decimals, v)));
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0')
            s.pop_back();
        if (!s.empty() && s.back() == '.')
            s.pop_back();
    }
    if (s == "-0")
        s = "0";
    return s;
}

} // namespace

TEST_CASE("format_number rounds as printf does, ties to even, zeros trimmed", "[text]")
{
    CHECK(format_number(1234.5) == "1234.5");
    CHECK(format_number(1234.0) == "1234");
    CHECK(format_number(0.125) == "0.12");  // an exact tie: to even
    CHECK(format_number(0.375) == "0.38");
    CHECK(format_number(2.5, 0) == "2");
    CHECK(format_number(3.5, 0) == "4");
    CHECK(format_number(0.005) == "0.01"); // 0.005 is a little above the tie in binary
    CHECK(format_number(-0.0) == "0");
    CHECK(format_number(-0.004) == "0");
    CHECK(format_number(-1.5, 0) == "-2");
    CHECK(format_number(1e22, 1) == "10000000000000000000000");
    CHECK(format_number(54.660000000000046, 3) == "54.66");
    CHECK(format_number(std::numeric_limits<double>::quiet_NaN()).empty());
    CHECK(format_number(std::numeric_limits<double>::infinity()).empty());
    // Longer than the 64 bytes printf was once given: written in full now.
    CHECK(format_number(1e100, 2) == printf_reference(1e100, 2));
    CHECK(format_number(-std::numeric_limits<double>::max(), 3) ==
          printf_reference(-std::numeric_limits<double>::max(), 3));
    CHECK(format_number(std::numeric_limits<double>::denorm_min(), 9) == "0");
}

TEST_CASE("format_number agrees with printf on 600,000 values of every magnitude", "[text]")
{
    std::mt19937_64 rng(20261202);
    std::uniform_real_distribution<double> mantissa(-10.0, 10.0);
    std::uniform_int_distribution<int> exponent(-12, 18);
    std::uniform_int_distribution<int> places(0, 9);
    std::uniform_int_distribution<std::int64_t> eighths(-80000, 80000);
    std::size_t differ = 0;
    std::string first;
    for (int i = 0; i < 200000; ++i) {
        const int d = places(rng);
        // measured-looking values, exact binary ties (k/8, k/1024) and integers
        const double values[] = {mantissa(rng) * std::pow(10.0, exponent(rng)),
                                 static_cast<double>(eighths(rng)) / 8.0,
                                 static_cast<double>(eighths(rng)) / 1024.0};
        for (const double v : values)
            if (format_number(v, d) != printf_reference(v, d)) {
                if (differ++ == 0)
                    first = std::to_string(v) + " at " + std::to_string(d) + ": " + format_number(v, d) +
                            " vs " + printf_reference(v, d);
            }
    }
    INFO(first);
    CHECK(differ == 0);
}
