// Factories of the built-in check types, one per file in plugins/.
#pragma once

#include "redline/check.hpp"

#include <memory>

namespace redline::plugins {

std::unique_ptr<Check> make_overlap();
std::unique_ptr<Check> make_setback();
std::unique_ptr<Check> make_access_list();
std::unique_ptr<Check> make_capacity();
std::unique_ptr<Check> make_require_within();
std::unique_ptr<Check> make_coverage();
std::unique_ptr<Check> make_eia_category();

/// Zoning: a region piece made of the features of `subset`, in layer order.
inline RegionPiece subset_piece(const LayerSubset& subset, std::string rule_id, Outcome outcome)
{
    RegionPiece p;
    p.rule_id = std::move(rule_id);
    p.outcome = outcome;
    p.layer = subset.layer;
    for (std::uint32_t i = 0; i < subset.layer->size(); ++i)
        if (subset.contains(i))
            p.features.push_back(i);
    return p;
}

} // namespace redline::plugins
