// Topology of the control units (环境管控单元): they should tile the governed
// area — no two units overlapping, no gap inside the coverage. `validate`
// reports both, with areas and locations; screening is not affected.
#pragma once

#include "redline/layer.hpp"
#include "redline/rulebook.hpp"

#include <string>
#include <vector>

namespace redline {

struct UnitProblem {
    std::string keys;  ///< "A × B" for an overlap; the enclosing context for a gap
    double area = 0;   ///< m² (working CRS)
    double x = 0, y = 0;     ///< a point inside it, working CRS
    double lon = 0, lat = 0; ///< the same point, geographic (NaN when unknown)
};

struct UnitAudit {
    std::string units;    ///< layer audited (empty: none to audit)
    std::string coverage; ///< layer whose area the units should cover ("" = their own outline)
    std::vector<UnitProblem> overlaps;
    std::vector<UnitProblem> gaps;
    double overlap_area = 0;
    double gap_area = 0;
};

/// Audits the rulebook's unit layer (`unit_layer`, else the layer of the
/// first access_list check) against its coverage layer: pairwise overlaps
/// above the area tolerance, and gaps (the coverage minus the union of the
/// units; when the units are the coverage, the holes their union encloses).
/// Throws LibraryError on a GEOS failure.
UnitAudit audit_units(const Rulebook& rb, const LayerSet& layers);

} // namespace redline
