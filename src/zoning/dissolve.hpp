// Internal: from labelled faces to the answer: each face's verdict and rule
// ids (SPEC §4 over the pieces holding it), faces with the same answer
// united and split into polygons, and the summary.
#pragma once

#include "redline/zoning.hpp"
#include "zoning/overlay.hpp"

#include <string>
#include <utility>
#include <vector>

namespace redline::zoning {

/// What a region piece says: its rule id and outcome.
using PieceAnswer = std::pair<std::string, Outcome>;

/// Fills out.polygons from `faces` (consumed). `everywhere`: pieces holding
/// every face. Polygons below `tolerance` m² are dropped (slivers).
void dissolve(geos::Context& ctx, const Engine& engine, std::vector<Face>& faces,
              const std::vector<PieceAnswer>& pieces, const std::vector<std::uint32_t>& everywhere,
              double tolerance, ZoningResult& out);

/// Fills out.summary and out.coverage_km2 from out.polygons.
void summarise(ZoningResult& out);

} // namespace redline::zoning
