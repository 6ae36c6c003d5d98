#include "zoning/dissolve.hpp"

#include "redline/error.hpp"
#include "redline/layer.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace redline::zoning {

namespace {

/// A face's answer; faces with equal keys are united.
struct Key {
    std::vector<std::uint32_t> townships, units;
    Outcome verdict = Outcome::Pass;
    std::vector<std::string> rule_ids;
    bool operator<(const Key& o) const
    {
        return std::tie(townships, units, o.verdict, rule_ids) <
               std::tie(o.townships, o.units, verdict, o.rule_ids);
    }
};

Key answer(const Face& f, const std::vector<PieceAnswer>& pieces, const std::vector<std::uint32_t>& everywhere)
{
    std::vector<std::uint32_t> held = f.pieces;
    held.insert(held.end(), everywhere.begin(), everywhere.end());
    std::sort(held.begin(), held.end()); // piece order is finding order: check by check
    Key k;
    k.townships = f.townships;
    k.units = f.units;
    for (std::uint32_t i : held) {
        const auto& [rule, outcome] = pieces[i];
        if (outcome == Outcome::Info)
            continue;
        k.verdict = std::max(k.verdict, outcome);
        if (std::find(k.rule_ids.begin(), k.rule_ids.end(), rule) == k.rule_ids.end())
            k.rule_ids.push_back(rule);
    }
    return k;
}

/// The union of `parts` (consumed).
geos::GeomPtr unite(geos::Context& ctx, std::vector<geos::GeomPtr>& parts)
{
    if (parts.size() == 1)
        return std::move(parts.front());
    std::vector<GEOSGeometry*> raw;
    for (auto& p : parts)
        raw.push_back(p.release());
    GEOSGeometry* coll = GEOSGeom_createCollection_r(ctx.handle(), GEOS_GEOMETRYCOLLECTION, raw.data(),
                                                     static_cast<unsigned>(raw.size()));
    if (!coll)
        for (GEOSGeometry* g : raw)
            GEOSGeom_destroy_r(ctx.handle(), g);
    geos::GeomPtr all = geos::own(ctx, coll, "collection");
    // The faces share their edges exactly: a floating union keeps every
    // vertex (a snap-rounded one would bend edges near the vertices of
    // neighbouring groups).
    return polygonal(ctx, geos::own(ctx, GEOSUnaryUnion_r(ctx.handle(), all.get()), "union"));
}

void add_polygons(geos::Context& ctx, const Engine& engine, const Key& key, const GEOSGeometry* g,
                  double tolerance, ZoningResult& out)
{
    const Layer* townships = engine.township_layer();
    const Layer* units = engine.unit_layer();
    const int n = GEOSGetNumGeometries_r(ctx.handle(), g);
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx.handle(), g, i);
        const double area = geos::area(ctx, part);
        if (area < tolerance)
            continue; // a sliver: below what screening itself tells apart
        ZoningPolygon p;
        p.wkb = geos::to_wkb(ctx, part);
        p.area_m2 = area;
        p.verdict = key.verdict;
        p.rule_ids = key.rule_ids;
        for (std::uint32_t t : key.townships) {
            const LayerFeature& f = townships->feature(t);
            p.townships.push_back(f.label.empty() ? f.key : f.label);
            p.township_keys.push_back(f.key);
        }
        for (std::uint32_t u : key.units)
            p.units.push_back(units->feature(u).key);
        out.polygons.push_back(std::move(p));
    }
}

} // namespace

void dissolve(geos::Context& ctx, const Engine& engine, std::vector<Face>& faces,
              const std::vector<PieceAnswer>& pieces, const std::vector<std::uint32_t>& everywhere,
              double tolerance, ZoningResult& out)
{
    std::map<Key, std::vector<geos::GeomPtr>> groups;
    for (Face& f : faces)
        groups[answer(f, pieces, everywhere)].push_back(std::move(f.geometry));
    faces.clear();
    for (auto& [key, parts] : groups) {
        geos::GeomPtr g = unite(ctx, parts);
        if (g)
            add_polygons(ctx, engine, key, g.get(), tolerance, out);
    }
}

void summarise(ZoningResult& out)
{
    std::map<std::string, std::size_t> rows;
    out.summary.clear();
    out.coverage_km2 = 0;
    for (const ZoningPolygon& p : out.polygons) {
        const std::string key = join(p.township_keys, ";");
        auto [it, added] = rows.emplace(key, out.summary.size());
        if (added) {
            ZoningSummaryRow row;
            row.township_key = key;
            row.township = join(p.townships, ";");
            out.summary.push_back(std::move(row));
        }
        out.summary[it->second].km2[p.verdict] += p.area_m2 / 1e6;
        out.coverage_km2 += p.area_m2 / 1e6;
    }
}

} // namespace redline::zoning
