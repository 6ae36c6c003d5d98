// Internal: a stable radix sort by a 64-bit key, for the large sorts of a
// run's closing (the GeoPackage R-tree packing sorts millions of centres).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace redline {

/// An unsigned key that orders as the double does: -0.0 and +0.0 are one
/// key (they compare equal), negatives before positives. (NaNs, which do not
/// compare, get keys beyond the infinities on their sign's side.)
inline std::uint64_t ordered_key(double d)
{
    d += 0.0; // -0.0 becomes +0.0
    std::uint64_t u = 0;
    std::memcpy(&u, &d, sizeof u);
    return (u >> 63) != 0 ? ~u : u | (std::uint64_t{1} << 63);
}

/// Sorts `v` by key(element), a std::uint64_t, stably: elements with equal
/// keys keep their order. So sorting (x, position) pairs that start in
/// position order by ordered_key(x) gives std::sort's order of the pairs.
/// Least significant byte first, a pass skipped when every key has the same
/// byte there; short inputs go to std::stable_sort.
template <typename T, typename Key>
void radix_sort(std::vector<T>& v, Key key)
{
    const std::size_t n = v.size();
    if (n < 2048) {
        std::stable_sort(v.begin(), v.end(), [&key](const T& a, const T& b) { return key(a) < key(b); });
        return;
    }
    std::vector<std::uint64_t> keys(n), keys_out(n);
    for (std::size_t i = 0; i < n; ++i)
        keys[i] = key(v[i]);
    std::vector<std::array<std::size_t, 256>> counts(8);
    for (auto& c : counts)
        c.fill(0);
    for (const std::uint64_t k : keys)
        for (unsigned b = 0; b < 8; ++b)
            ++counts[b][(k >> (8 * b)) & 0xFF];
    std::vector<T> out(n);
    for (unsigned b = 0; b < 8; ++b) {
        std::array<std::size_t, 256>& c = counts[b];
        if (std::find(c.begin(), c.end(), n) != c.end())
            continue; // one bucket holds them all: this byte does not reorder
        std::size_t at = 0;
        for (std::size_t& slot : c) {
            const std::size_t here = slot;
            slot = at;
            at += here;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t to = c[(keys[i] >> (8 * b)) & 0xFF]++;
            keys_out[to] = keys[i];
            out[to] = std::move(v[i]);
        }
        keys.swap(keys_out);
        v.swap(out);
    }
}

} // namespace redline
