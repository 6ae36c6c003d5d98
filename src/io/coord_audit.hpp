// Batch-level sanity checks of application coordinates: swapped lat/lon and
// web-map datums (GCJ-02 / BD-09) given as WGS84/CGCS2000 (or the reverse).
// It only warns — coordinates are never changed behind the user's back.
//
// How: one representative point per record (the centre of its envelope,
// for the first `max_samples` records with geographic coordinates) is
// tested against the rulebook's coverage layer (or its unit or township
// layer) as given, with lon/lat swapped, and read as GCJ-02 / BD-09 (or as
// plain WGS84 when --coords named a web datum). A reading that brings
// points into the coverage while losing none (or five times fewer than it
// gains) is what coordinates in that datum do: real GCJ-02 points sit
// ~550 m off, so those near the coverage's edge fall outside as given.
#pragma once

#include "redline/application.hpp"
#include "geometry/coords.hpp"
#include "redline/check.hpp"
#include "io/gdal.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace redline {

class Engine;
class Layer;
class Workspace;

class CoordinateAudit {
public:
    explicit CoordinateAudit(const Engine& engine, coords::Datum given,
                             std::size_t max_samples = 5000);
    ~CoordinateAudit();
    CoordinateAudit(const CoordinateAudit&) = delete;
    CoordinateAudit& operator=(const CoordinateAudit&) = delete;

    /// Samples one record (never throws; unusable records are skipped).
    void add(const Application& app);

    struct Reading {
        std::size_t in = 0;     ///< sampled points inside the coverage read this way
        std::size_t gained = 0; ///< inside this way but not as given
        std::size_t lost = 0;   ///< inside as given but not this way
    };
    struct Stats {
        std::size_t sampled = 0;       ///< geographic points tested
        std::size_t range_swapped = 0; ///< |lon| <= 90 < |lat| <= 180
        std::size_t as_given_in = 0;
        Reading swapped, gcj02, bd09, wgs84;
    };
    const Stats& stats() const { return m_stats; }
    /// The coverage layer used (null: no coverage test possible).
    const Layer* coverage() const { return m_coverage; }

    /// Human-readable warnings (empty when nothing looks wrong).
    std::vector<std::string> warnings(Lang lang) const;
    /// Key/value pairs for run_info (coords_check.*).
    std::vector<std::pair<std::string, std::string>> run_info() const;

private:
    bool inside(const OGRSpatialReference& from, coords::LonLat p);
    const Engine& m_engine;
    coords::Datum m_given;
    std::size_t m_max;
    const Layer* m_coverage = nullptr;
    std::unique_ptr<Workspace> m_ws;
    gdal::TransformsTo m_transforms; ///< to the working CRS
    Stats m_stats;
    std::vector<std::string> m_swap_examples;
};

} // namespace redline
