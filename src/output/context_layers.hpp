// Internal: `batch --with-context` writes the rulebook's layers, clipped to
// the screened extent, next to the results, so the GeoPackage alone is a
// complete map.
#pragma once

#include "redline/layer.hpp"
#include "output/output_dataset.hpp"
#include "output/styles.hpp"

#include <gdal_priv.h>

#include <string>
#include <vector>

namespace redline {

struct ContextLayer {
    std::string name;            ///< "ctx_<rulebook layer name>"
    std::string source;          ///< the rulebook layer's name
    styles::Kind kind;
    std::string geometry_column;
    std::string label_field;     ///< the layer's label field, or empty
};

/// The margin added around the sites' extent: 2 km or a tenth of the
/// extent's larger side, whichever is larger (setbacks reach 1 km and more).
double context_margin(const OGREnvelope& sites);

/// Writes `ctx_<name>` for every layer of `layers` that has features within
/// `extent` (already grown by the margin), each clipped to it, typed as the
/// multi-geometry of the kind most of its features have, with the source's
/// fields as text; named, optioned and in the CRS as `out` says. Throws
/// OutputError.
std::vector<ContextLayer> write_context_layers(OutputDataset& out, const LayerSet& layers,
                                               const OGREnvelope& extent);

} // namespace redline
