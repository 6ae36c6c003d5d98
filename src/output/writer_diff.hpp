// Internal: `redline diff`'s GDAL dataset and JSON file (diff.hpp). Each
// writes the path it is given (the temporary name write_into_place() renames).
#pragma once

#include "redline/diff.hpp"
#include "redline/sink.hpp"

#include <memory>
#include <string>

namespace redline {

class Engine;

/// changes, errors, layer_changes and run_info, styled for QGIS (a GeoPackage's
/// layer_styles and views, a database's layer_styles), through OutputDataset so
/// --t_srs, -lco, --layer-prefix and --overwrite apply; `copy_from`: the
/// GeoPackage added to ("" = a new dataset).
std::unique_ptr<ResultSink> make_diff_gdal_writer(const std::string& path, const DiffOptions& options,
                                                  const Engine& old_engine, const LayerChanges& layers,
                                                  DiffCounts& counts, const std::string& copy_from = "");
/// A JSON array, one object per changed record.
std::unique_ptr<ResultSink> make_diff_json_writer(const std::string& path);

/// The run_info a diff adds to the pipeline's (the new rulebook's): the old
/// rulebook, the layers compared, the counts.
RunInfo diff_run_info(const RunInfo& base, const Engine& old_engine, const DiffOptions& options,
                      const LayerChanges& layers, const DiffCounts& counts);

} // namespace redline
