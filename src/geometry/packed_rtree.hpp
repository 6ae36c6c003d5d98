// Internal: a static, packed R-tree of boxes (the layout of Flatbush: the
// boxes sorted by the Hilbert value of their centres, nodes of 16 packed
// level by level in flat arrays). Built once, immutable, shared by every
// thread; a query walks flat arrays without allocating beyond its stack.
// A query by a point (most sites are points) reads a grid of cells over
// the boxes instead: the boxes that reach the point's cell, tested as the
// tree would test them, so the same items come back.
#pragma once

#include "geometry/bucket.hpp"
#include "redline/geos.hpp"

#include <cstdint>
#include <vector>

namespace redline {

class PackedRTree {
public:
    static constexpr std::size_t k_node_size = 16;

    PackedRTree() = default;
    /// Item i is boxes[i].
    explicit PackedRTree(const std::vector<geos::Bounds>& boxes);

    std::size_t size() const { return m_items; }

    /// Appends to `out` the items whose boxes intersect `q` (closed boxes:
    /// touching counts), in no particular order.
    void query(const geos::Bounds& q, std::vector<std::uint32_t>& out) const;

private:
    void build_grid(const geos::Bounds& all);

    std::size_t m_items = 0;
    std::vector<geos::Bounds> m_boxes;        ///< leaves first, then each level up to the root
    std::vector<std::uint32_t> m_indices;     ///< a leaf's item, a node's first child position
    std::vector<std::size_t> m_level_bounds;  ///< end position of each level
    /// The point grid: cell c lists (as leaf positions) every box reaching
    /// it, in m_cell_items[m_cell_start[c], m_cell_start[c + 1]). No cells:
    /// points walk the tree too.
    CellGrid m_grid;
    std::vector<std::uint32_t> m_cell_start;
    std::vector<std::uint32_t> m_cell_items;
};

} // namespace redline
