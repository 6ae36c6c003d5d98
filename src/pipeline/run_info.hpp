// Internal: the run_info table a pipeline run hands its sinks (SPEC §5).
#pragma once

#include "redline/pipeline.hpp"

namespace redline {

class CoordinateAudit;

/// What the run did, beyond the engine and the source.
struct RunFacts {
    const PipelineOptions& options;
    const PipelineResult& result; ///< records, counts, threads, warnings
    const CoordinateAudit* audit; ///< may be null
    double seconds;               ///< from options.started to the end of screening
};

/// tool, version, command, the rulebook and its files' SHA-256, CRSs, the
/// applications, library versions, warnings, counts, every layer's source,
/// features, CRS, modification time and repairs, and the times; in that
/// order. Entries that would only say "nothing unusual" are left out, so
/// that clean runs keep the same run_info.
RunInfo build_run_info(const Engine& engine, const SourceInfo& source, const RunFacts& facts);

/// ISO 8601 UTC, seconds precision ("2026-12-01T08:22:49Z").
std::string utc_text(std::chrono::system_clock::time_point t);

} // namespace redline
