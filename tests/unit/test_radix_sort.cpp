// radix_sort (src/util/radix_sort.hpp): the order std::sort gives (x,
// position) pairs that start in position order, ties, signed zeros,
// negatives and infinities included, below and above the size where it
// hands over to std::stable_sort.
#include "util/radix_sort.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <utility>
#include <vector>

using redline::ordered_key;
using redline::radix_sort;

namespace {

using Pair = std::pair<double, std::uint32_t>;

std::vector<Pair> numbered(const std::vector<double>& xs)
{
    std::vector<Pair> v;
    for (std::size_t i = 0; i < xs.size(); ++i)
        v.emplace_back(xs[i], static_cast<std::uint32_t>(i));
    return v;
}

void check_same_as_std_sort(const std::vector<double>& xs)
{
    std::vector<Pair> expected = numbered(xs), got = numbered(xs);
    std::sort(expected.begin(), expected.end());
    radix_sort(got, [](const Pair& p) { return ordered_key(p.first); });
    REQUIRE(got.size() == expected.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
        differ += got[i].second != expected[i].second;
    CHECK(differ == 0);
}

} // namespace

TEST_CASE("ordered_key orders as the doubles compare", "[radix]")
{
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> ascending{-inf, -1e300, -2.5, -1.0, -std::numeric_limits<double>::denorm_min(), 0.0,
                                        std::numeric_limits<double>::denorm_min(), 1e-300, 1.0, 2.5, 1e300, inf};
    for (std::size_t i = 0; i + 1 < ascending.size(); ++i)
        CHECK(ordered_key(ascending[i]) < ordered_key(ascending[i + 1]));
    CHECK(ordered_key(-0.0) == ordered_key(0.0)); // equal, as they compare
}

TEST_CASE("radix_sort gives std::sort's order of (x, position) pairs", "[radix]")
{
    std::mt19937_64 rng(42);
    for (std::size_t n : {0u, 1u, 2u, 100u, 2047u, 2048u, 5000u, 300000u}) {
        SECTION("n = " + std::to_string(n))
        {
            // Province-like easting centres, many exact ties, signed zeros,
            // negatives and infinities.
            std::uniform_real_distribution<double> east(-4.0e5, 4.0e5);
            std::uniform_int_distribution<int> kind(0, 9);
            std::vector<double> xs;
            for (std::size_t i = 0; i < n; ++i) {
                switch (kind(rng)) {
                case 0: xs.push_back(0.0); break;
                case 1: xs.push_back(-0.0); break;
                case 2: xs.push_back(std::floor(east(rng) / 1e5) * 1e5); break; // a few values, repeated
                case 3: xs.push_back(i % 2 ? std::numeric_limits<double>::infinity()
                                           : -std::numeric_limits<double>::infinity()); break;
                default: xs.push_back(east(rng));
                }
            }
            check_same_as_std_sort(xs);
        }
    }
}

TEST_CASE("radix_sort is stable on keys that agree in every byte but one", "[radix]")
{
    // Keys 0x0100...0 apart: every pass but the top byte's is skipped.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> v;
    for (std::uint32_t i = 0; i < 10000; ++i)
        v.emplace_back(static_cast<std::uint64_t>((i * 7919u) % 5u) << 56, i);
    auto expected = v;
    std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    radix_sort(v, [](const auto& p) { return p.first; });
    CHECK(v == expected);
}
