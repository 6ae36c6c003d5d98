// Internal: the bucket (band, grid row or column) of a coordinate, shared by
// the point index and the packed R-tree's grid.
#pragma once

#include <cstddef>

namespace redline {

/// floor((v - v0) * scale) clamped to [0, n): monotone in v (each operation
/// rounds monotonically), so whatever lies between two coordinates lies
/// between their buckets; NaN goes to bucket 0. Truncation stands in for
/// floor (the same for the non-negative values that are kept) and needs no
/// call into libm.
inline std::size_t bucket_of(double v, double v0, double scale, std::size_t n)
{
    const double c = (v - v0) * scale;
    if (!(c > 0.0))
        return 0;
    const double last = static_cast<double>(n - 1);
    return c >= last ? n - 1 : static_cast<std::size_t>(c);
}

} // namespace redline
