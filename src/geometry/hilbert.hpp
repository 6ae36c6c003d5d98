// Internal: the Hilbert curve index of a cell of a 2^16 x 2^16 grid, the
// order in which the packed R-tree lays out its boxes and the pipeline
// screens the sites of a chunk (neighbours on the curve are neighbours on
// the ground, so their features stay in the cache).
#pragma once

#include <cstdint>

namespace redline {

/// Hilbert curve index of (x, y) on a 2^16 grid (Flatbush's hilbert()).
inline std::uint32_t hilbert(std::uint32_t x, std::uint32_t y)
{
    std::uint32_t a = x ^ y;
    std::uint32_t b = 0xFFFF ^ a;
    std::uint32_t c = 0xFFFF ^ (x | y);
    std::uint32_t d = x & (y ^ 0xFFFF);
    std::uint32_t A = a | (b >> 1);
    std::uint32_t B = (a >> 1) ^ a;
    std::uint32_t C = ((c >> 1) ^ (b & (d >> 1))) ^ c;
    std::uint32_t D = ((a & (c >> 1)) ^ (d >> 1)) ^ d;
    a = A; b = B; c = C; d = D;
    A = (a & (a >> 2)) ^ (b & (b >> 2));
    B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
    C ^= (a & (c >> 2)) ^ (b & (d >> 2));
    D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));
    a = A; b = B; c = C; d = D;
    A = (a & (a >> 4)) ^ (b & (b >> 4));
    B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
    C ^= (a & (c >> 4)) ^ (b & (d >> 4));
    D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));
    a = A; b = B; c = C; d = D;
    C ^= (a & (c >> 8)) ^ (b & (d >> 8));
    D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));
    a = C ^ (C >> 1);
    b = D ^ (D >> 1);
    std::uint32_t i0 = x ^ y;
    std::uint32_t i1 = b | (0xFFFF ^ (i0 | a));
    i0 = (i0 | (i0 << 8)) & 0x00FF00FF;
    i0 = (i0 | (i0 << 4)) & 0x0F0F0F0F;
    i0 = (i0 | (i0 << 2)) & 0x33333333;
    i0 = (i0 | (i0 << 1)) & 0x55555555;
    i1 = (i1 | (i1 << 8)) & 0x00FF00FF;
    i1 = (i1 | (i1 << 4)) & 0x0F0F0F0F;
    i1 = (i1 | (i1 << 2)) & 0x33333333;
    i1 = (i1 | (i1 << 1)) & 0x55555555;
    return (i1 << 1) | i0;
}

/// The grid column (or row) of coordinate `v` on an axis from `lo` spanning
/// `size`: clamped to [0, 0xFFFF]; 0 when the span is not positive or `v`
/// is NaN.
inline std::uint32_t hilbert_cell(double v, double lo, double size)
{
    const double u = size > 0 ? (v - lo) / size : 0.0;
    return static_cast<std::uint32_t>((u > 0.0 ? (u < 1.0 ? u : 1.0) : 0.0) * 0xFFFF);
}

} // namespace redline
