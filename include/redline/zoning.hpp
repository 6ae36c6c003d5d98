// Siting guidance (SPEC §6.3): where may an industry go. For one industry
// code and attribute values, polygons covering the rulebook's coverage, each
// with the verdict a point site of that industry gets anywhere inside it
// (the verdict run_pipeline() gives such a site), the rule ids deciding it,
// its township(s) and control unit(s).
//
//   redline::Engine engine("rulebook.yaml");
//   redline::ZoningRequest req{"C3360", {{"voc_tpa", "3"}}};
//   redline::ZoningResult z = redline::compute_zoning(engine, req, {});
//   redline::write_zoning(engine, z, "zoning.gpkg", {});
//
// Every check contributes its region (Check::region, check.hpp); the regions
// are overlaid cell by cell (each feature of the coverage layer) with GEOS
// OverlayNG, verdicts combined as SPEC §4, slivers joined to a neighbour and
// faces with the same answer dissolved.
#pragma once

#include "redline/engine.hpp"
#include "redline/finding.hpp"
#include "redline/pipeline.hpp"
#include "redline/sink.hpp"
#include "redline/site.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace redline {

struct ZoningRequest {
    std::string industry;  ///< GB/T 4754-2017 code (normalised: 3360 = C3360)
    Attributes attributes; ///< the application attributes (name, value), as `check --attr`
};

struct ZoningOptions {
    /// m: how far beyond its distance a setback's drawn buffer may reach
    /// (never short of it: the map errs on the strict side).
    double slack = 0.02;
    /// m: a face thinner than this everywhere is joined to its largest
    /// neighbour (a sliver where two layers' boundaries nearly coincide).
    double sliver_width = 0.01;
    ProgressFn progress;                 ///< may be empty
    const CancelToken* cancel = nullptr; ///< may be null; Cancelled is thrown
};

struct ZoningPolygon {
    std::vector<unsigned char> wkb; ///< POLYGON in the working CRS
    Outcome verdict = Outcome::Pass;
    /// Distinct rule ids of the non-INFO findings a point inside gets, in
    /// check order (as SiteResult::rule_ids()).
    std::vector<std::string> rule_ids;
    std::vector<std::string> townships;     ///< labels (or keys), as SiteResult::townships
    std::vector<std::string> township_keys;
    std::vector<std::string> units;         ///< keys, as SiteResult::units
    double area_m2 = 0;
};

struct ZoningSummaryRow {
    std::string township_key; ///< ";"-joined when a polygon lies in several; "" = none
    std::string township;
    std::map<Outcome, double> km2; ///< by verdict
};

struct ZoningResult {
    std::string industry;      ///< the canonical code
    std::string industry_name;
    Attributes attributes;
    std::vector<ZoningPolygon> polygons; ///< by township, unit, verdict
    std::vector<ZoningSummaryRow> summary; ///< by township key
    double coverage_km2 = 0;
    double slack = 0;
    /// (stage, seconds): "region <id>" and "overlay <id>" per check, then
    /// cells, townships, units, dissolve.
    std::vector<std::pair<std::string, double>> budget;
};

/// Throws UsageError for an unknown industry code, RulebookError when the
/// rulebook has no layer to cover (no `coverage`, no control units) or a
/// check type cannot say where it applies (naming it), Cancelled.
ZoningResult compute_zoning(const Engine& engine, const ZoningRequest& request,
                            const ZoningOptions& options);

struct ZoningWriteOptions {
    std::string format = "GPKG"; ///< a GDAL vector driver (PostgreSQL for a `PG:` path)
    Lang lang = Lang::Zh;
    /// --t_srs, -lco, --layer-prefix, --overwrite, as for batch (sink.hpp).
    OutputOptions output;
    /// run_info rows after the tool's own (command, timings...).
    RunInfo extra_info;
};

/// Writes `zoning` (polygons), `zoning_summary` and `run_info`, styled for
/// QGIS (a GeoPackage's or a database's layer_styles); a file under a
/// temporary name renamed into place, a `PG:` database in one transaction.
/// Throws OutputError.
void write_zoning(const Engine& engine, const ZoningResult& zoning, const std::string& path,
                  const ZoningWriteOptions& options);

/// A self-contained HTML page: the map (SVG) and the summary table. Throws
/// OutputError.
void write_zoning_report(const Engine& engine, const ZoningResult& zoning, const std::string& path,
                         Lang lang);

} // namespace redline
