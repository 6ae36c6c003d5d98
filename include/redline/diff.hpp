// What a change of zoning changes (SPEC §6.4, `redline diff`): the same
// records screened under an old and a new rulebook, compared record by
// record, and each layer the two rulebooks share compared area by area.
//
//   redline::Engine old_engine("2023.yaml"), new_engine("2024.yaml");
//   redline::DiffOptions d;                       // where the outputs go
//   redline::DiffCounts counts;
//   auto sinks = redline::make_diff_sinks(d, compare_layers(old_engine, new_engine), counts);
//   redline::PipelineOptions p;
//   p.baseline = &old_engine;                     // one pass, each record under both
//   redline::run_pipeline(new_engine, *source, sinks, p);
//
// A record is changed when its verdict differs, or its findings do: a
// `rule_id:feature_key` present under one rulebook only, or present under
// both with another outcome (the strictest outcome of that key at the site).
// Words (`detail`) and measures (an overlap that grew) are not compared.
#pragma once

#include "redline/finding.hpp"
#include "redline/sink.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

class Engine;

/// How a changed record's verdict moved, in the order of SPEC §4's verdicts
/// (ERROR > FAIL > INCOMPLETE > CONDITIONAL > PASS).
enum class Direction { Stricter, Looser, Same };
/// "stricter", "looser", "same".
std::string_view direction_name(Direction d);

/// A finding key whose outcome changed: `rule_id:feature_key`, OLD → NEW.
struct OutcomeChange {
    std::string key;
    Outcome before = Outcome::Pass;
    Outcome after = Outcome::Pass;
    /// "key:OLD→NEW", e.g. "AL-YB-01:ZH33078430001:CONDITIONAL→FAIL".
    std::string text() const;
};

/// One changed record (a `changes` row).
struct RecordChange {
    std::size_t index = 0; ///< 0-based position in the input
    std::string site_id;
    Outcome old_verdict = Outcome::Pass;
    Outcome new_verdict = Outcome::Pass;
    Direction direction = Direction::Same;
    std::vector<std::string> added;   ///< keys only under the new rulebook, in its finding order
    std::vector<std::string> removed; ///< keys only under the old rulebook, in its finding order
    std::vector<OutcomeChange> changed; ///< in the new rulebook's finding order
    /// The rule ids (ids before the colon) of added, removed and changed, in that order, distinct.
    std::vector<std::string> rules() const;
};

/// `rule_id:feature_key` of a finding (the key alone identifies a finding across rulebooks).
std::string finding_key(const Finding& f);

/// Compares one record's results (same input record, old and new rulebook);
/// nullopt when nothing changed.
std::optional<RecordChange> compare_results(const SiteResult& old_result, const SiteResult& new_result);

/// The counts of a diff run (run_info, the summary line). unchanged + stricter
/// + looser + same = records; `errors` counts the records that are ERROR
/// under either rulebook (they are also counted in one of the four).
struct DiffCounts {
    std::size_t records = 0, unchanged = 0, stricter = 0, looser = 0, same = 0, errors = 0;
    /// Adds one record (its change, if any).
    void add(const SiteResult& old_result, const SiteResult& new_result, const RecordChange* change);
};

/// Area added to or removed from a layer both rulebooks name: one polygon
/// (single or multi) per (layer, change), in the working CRS.
struct AreaChange {
    std::string layer;
    bool added = true; ///< true: in the new layer only; false: in the old only
    double area_m2 = 0;
    std::vector<unsigned char> wkb; ///< working CRS (the new rulebook's)
};

/// What changed between the rulebooks' layers.
struct LayerChanges {
    /// For each polygon layer both name (in the new rulebook's order): added,
    /// then removed, when not empty. Features identical in both (same key,
    /// same geometry) cancel out before any overlay.
    std::vector<AreaChange> areas;
    std::vector<std::string> layers_added;   ///< named by the new rulebook only
    std::vector<std::string> layers_removed; ///< named by the old rulebook only
    std::vector<std::string> compared;       ///< polygon layers compared (both)
};

/// Compares the layers of two engines (GEOS overlay, in the new rulebook's
/// working CRS; the old layer is reprojected when the CRSs differ). Pieces
/// below the new rulebook's area tolerance are dropped as noise. Throws
/// LibraryError when GEOS fails on both the exact and the snapped overlay.
LayerChanges compare_layers(const Engine& old_engine, const Engine& new_engine);

/// Where `redline diff` writes.
struct DiffOptions {
    std::string output;        ///< changes, errors, layer_changes, run_info (GDAL; -o)
    GdalSinkOptions gdal;      ///< -f and the other output options
    std::string json;          ///< "" = none; one object per changed record
    std::string report;        ///< "" = none; HTML
    std::string old_rulebook;  ///< path, for run_info and the report
    /// The records are features of this layer of the new rulebook (--layer-input), "" = applications.
    std::string layer_input;
};

/// The diff outputs, each written into place: the GDAL dataset (also keeps
/// `counts`, readable once the run is over), the JSON file, the HTML
/// report. They expect write_compared() (PipelineOptions::baseline);
/// write() alone throws OutputError. `layers` must outlive the run.
std::vector<std::unique_ptr<ResultSink>> make_diff_sinks(const DiffOptions& options, const Engine& old_engine,
                                                         const LayerChanges& layers, DiffCounts& counts);

} // namespace redline
