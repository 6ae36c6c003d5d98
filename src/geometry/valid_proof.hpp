// Internal: a proof that a polygonal geometry is valid, so that loading a
// layer asks GEOS's IsValidOp only about the features it cannot prove.
//
// IsValidOp (GEOS 3.11) finds a polygon invalid for a non-finite or
// unclosed ring, a ring of fewer than four distinct points, two segments
// meeting anywhere but at the shared vertex of consecutive segments of one
// ring, a hole outside its shell, a hole inside another hole, a part of a
// multipolygon inside another part, or an interior cut in two by touching
// rings. proven_valid() accepts a geometry only when none of that can
// happen for a reason it checks exactly:
//   - every coordinate finite, every ring closed, no two consecutive points
//     equal, at least four points, no ring folding back on itself
//     (consecutive segments collinear and overlapping);
//   - no two segments of any of its rings meet at all, except consecutive
//     ones of a ring at their shared vertex (so no ring touches itself or
//     another ring, and the interior is connected); the test of a pair is
//     the one LineIntersector::computeIntersect starts with (envelopes,
//     then the four orientations, CGAlgorithmsDD's exact arithmetic:
//     exact.hpp), so a pair proven apart is a pair GEOS finds apart;
//   - the rings being apart, a ring lies wholly inside or outside another,
//     and its first vertex tells which (RayCrossingCounter, as GEOS's
//     PolygonTopologyAnalyzer::isRingNested asks it): each hole inside its
//     shell, no hole inside another, no part's shell inside another part
//     unless inside one of that part's holes.
// Anything else (a touch, a repeated point, an empty ring, a geometry too
// irregular for the sweep's budget) is "not proven": the caller asks GEOS,
// so the answer is GEOS's either way.
#pragma once

#include "redline/geos.hpp"

namespace redline {

/// True when `g`, a Polygon or MultiPolygon, is proven valid (then GEOS's
/// isValid is true); false when it is not proven (ask GEOS) or is another
/// type.
bool proven_valid(geos::Context& ctx, const GEOSGeometry* g);

} // namespace redline
