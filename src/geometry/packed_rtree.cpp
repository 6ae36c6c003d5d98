#include "geometry/packed_rtree.hpp"

#include "geometry/hilbert.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace redline {

namespace {

bool intersects(const geos::Bounds& a, const geos::Bounds& b)
{
    return !(a.maxx < b.minx || a.maxy < b.miny || a.minx > b.maxx || a.miny > b.maxy);
}

} // namespace

PackedRTree::PackedRTree(const std::vector<geos::Bounds>& boxes) : m_items(boxes.size())
{
    if (m_items == 0)
        return;
    std::size_t nodes = m_items, m = m_items;
    m_level_bounds.push_back(nodes);
    do {
        m = (m + k_node_size - 1) / k_node_size;
        nodes += m;
        m_level_bounds.push_back(nodes);
    } while (m != 1);

    geos::Bounds all{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                     std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    for (const auto& b : boxes) {
        all.minx = std::min(all.minx, b.minx);
        all.miny = std::min(all.miny, b.miny);
        all.maxx = std::max(all.maxx, b.maxx);
        all.maxy = std::max(all.maxy, b.maxy);
    }
    const double w = all.maxx - all.minx, h = all.maxy - all.miny;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> order(m_items); // (hilbert, item)
    for (std::size_t i = 0; i < m_items; ++i) {
        const auto& b = boxes[i];
        // A box that is not finite (NaN) sorts first.
        order[i] = {hilbert(hilbert_cell((b.minx + b.maxx) / 2, all.minx, w),
                            hilbert_cell((b.miny + b.maxy) / 2, all.miny, h)),
                    static_cast<std::uint32_t>(i)};
    }
    std::sort(order.begin(), order.end()); // ties by item: the same tree every time

    m_boxes.resize(nodes);
    m_indices.resize(nodes);
    for (std::size_t i = 0; i < m_items; ++i) {
        m_boxes[i] = boxes[order[i].second];
        m_indices[i] = order[i].second;
    }
    std::size_t pos = 0, added = m_items;
    for (std::size_t level = 0; level + 1 < m_level_bounds.size(); ++level) {
        const std::size_t end = m_level_bounds[level];
        while (pos < end) {
            const std::size_t first = pos;
            geos::Bounds b = m_boxes[pos];
            for (std::size_t k = 1; k < k_node_size && pos + k < end; ++k) {
                const auto& c = m_boxes[pos + k];
                b.minx = std::min(b.minx, c.minx);
                b.miny = std::min(b.miny, c.miny);
                b.maxx = std::max(b.maxx, c.maxx);
                b.maxy = std::max(b.maxy, c.maxy);
            }
            pos = std::min(pos + k_node_size, end);
            m_boxes[added] = b;
            m_indices[added] = static_cast<std::uint32_t>(first);
            ++added;
        }
    }
    build_grid(all);
}

void PackedRTree::build_grid(const geos::Bounds& all)
{
    // m_grid.col/row are monotone (bucket_of), so a point in a box lies in a cell of
    // the box's corners' columns and rows: the box is listed there. About
    // two boxes a cell; coarser when big boxes would be listed too often.
    const double w = all.maxx - all.minx, h = all.maxy - all.miny;
    if (!(w > 0) || !(h > 0) || !std::isfinite(w) || !std::isfinite(h))
        return;
    for (std::size_t i = 0; i < m_items; ++i) {
        const geos::Bounds& b = m_boxes[i];
        if (!std::isfinite(b.minx) || !std::isfinite(b.miny) || !std::isfinite(b.maxx) || !std::isfinite(b.maxy))
            return; // what the tree makes of such a box, it alone says
    }
    double cells = static_cast<double>(std::clamp<std::size_t>(m_items / 2, 16, 1u << 22));
    for (;;) {
        m_grid = CellGrid::over(all.minx, all.miny, all.maxx, all.maxy, cells, 8192.0);
        m_cell_start.assign(m_grid.size() + 1, 0);
        std::size_t listed = 0;
        for (std::size_t i = 0; i < m_items; ++i) {
            const geos::Bounds& b = m_boxes[i];
            const std::size_t c0 = m_grid.col(b.minx), c1 = m_grid.col(b.maxx);
            const std::size_t r0 = m_grid.row(b.miny), r1 = m_grid.row(b.maxy);
            listed += (c1 - c0 + 1) * (r1 - r0 + 1);
            for (std::size_t r = r0; r <= r1 && listed <= 8 * m_items + m_cell_start.size(); ++r)
                for (std::size_t c = c0; c <= c1; ++c)
                    ++m_cell_start[r * m_grid.cols + c + 1];
        }
        if (listed <= 8 * m_items + m_cell_start.size())
            break;
        if (cells <= 16) {
            m_grid = CellGrid{};
            m_cell_start.clear();
            return;
        }
        cells = std::max(16.0, cells / 4);
    }
    for (std::size_t c = 1; c < m_cell_start.size(); ++c)
        m_cell_start[c] += m_cell_start[c - 1];
    m_cell_items.resize(m_cell_start.back());
    std::vector<std::uint32_t> fill(m_cell_start.begin(), m_cell_start.end() - 1);
    for (std::size_t i = 0; i < m_items; ++i) { // leaf order: each cell's list too
        const geos::Bounds& b = m_boxes[i];
        for (std::size_t r = m_grid.row(b.miny); r <= m_grid.row(b.maxy); ++r)
            for (std::size_t c = m_grid.col(b.minx); c <= m_grid.col(b.maxx); ++c)
                m_cell_items[fill[r * m_grid.cols + c]++] = static_cast<std::uint32_t>(i);
    }
}

void PackedRTree::query(const geos::Bounds& q, std::vector<std::uint32_t>& out) const
{
    if (m_items == 0)
        return;
    if (q.minx == q.maxx && q.miny == q.maxy && !m_cell_start.empty()) {
        const std::size_t c = m_grid.row(q.miny) * m_grid.cols + m_grid.col(q.minx);
        for (std::uint32_t k = m_cell_start[c]; k < m_cell_start[c + 1]; ++k)
            if (intersects(q, m_boxes[m_cell_items[k]]))
                out.push_back(m_indices[m_cell_items[k]]);
        return;
    }
    // (first position of a run of siblings, its level): at most 16 waiting
    // per level, and 16 levels hold 16^16 items.
    std::size_t stack_pos[k_node_size * 16];
    std::size_t stack_level[k_node_size * 16];
    std::size_t top = 0;
    std::size_t node = m_boxes.size() - 1;
    std::size_t level = m_level_bounds.size() - 1;
    for (;;) {
        const std::size_t end = std::min(node + k_node_size, m_level_bounds[level]);
        for (std::size_t p = node; p < end; ++p) {
            if (!intersects(q, m_boxes[p]))
                continue;
            if (level == 0)
                out.push_back(m_indices[p]);
            else {
                stack_pos[top] = m_indices[p];
                stack_level[top] = level - 1;
                ++top;
            }
        }
        if (top == 0)
            return;
        --top;
        node = stack_pos[top];
        level = stack_level[top];
    }
}

} // namespace redline
