// Internal: `redline diff --report FILE.html` (diff.hpp): the changed records
// grouped by direction, then by rule, the layers' areas added and removed,
// and the records that are ERROR under either rulebook. One self-contained
// file; memory bounded by `max_rows`.
#pragma once

#include "redline/diff.hpp"
#include "redline/sink.hpp"

#include <memory>
#include <string>

namespace redline {

class Engine;

std::unique_ptr<ResultSink> make_diff_report_writer(const std::string& path, const DiffOptions& options,
                                                    const Engine& old_engine, const LayerChanges& layers,
                                                    std::size_t max_rows = 20000);

} // namespace redline
