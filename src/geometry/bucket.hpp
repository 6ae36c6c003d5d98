// Internal: the bucket (band, grid row or column) of a coordinate, shared by
// the point index and the packed R-tree's grid.
#pragma once

#include <algorithm>
#include <cmath>
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

/// A grid of about `cells` cells over a box, as square as the box allows
/// (at most `max_side` a side): the column and row of any coordinate
/// (bucket_of, so monotone; outside the box, the nearest edge's).
struct CellGrid {
    double x0 = 0, y0 = 0, sx = 0, sy = 0;
    std::size_t cols = 0, rows = 0;

    static CellGrid over(double minx, double miny, double maxx, double maxy, double cells, double max_side)
    {
        const double w = maxx - minx, h = maxy - miny;
        CellGrid g;
        g.cols = static_cast<std::size_t>(std::clamp(std::round(std::sqrt(cells * w / h)), 1.0, max_side));
        g.rows = static_cast<std::size_t>(std::clamp(std::round(cells / static_cast<double>(g.cols)), 1.0, max_side));
        g.x0 = minx;
        g.y0 = miny;
        g.sx = static_cast<double>(g.cols) / w;
        g.sy = static_cast<double>(g.rows) / h;
        return g;
    }
    std::size_t col(double x) const { return bucket_of(x, x0, sx, cols); }
    std::size_t row(double y) const { return bucket_of(y, y0, sy, rows); }
    std::size_t size() const { return cols * rows; }
};

} // namespace redline
