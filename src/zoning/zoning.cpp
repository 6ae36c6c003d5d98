// compute_zoning(): every check's region (Check::region), overlaid cell by
// cell (each feature of the coverage layer: the work stays local, memory
// stays bounded), faces labelled by the pieces holding them, verdicts
// combined as SPEC §4, faces with the same answer dissolved.
#include "redline/zoning.hpp"

#include "redline/check.hpp"
#include "redline/error.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/workspace.hpp"
#include "zoning/dissolve.hpp"
#include "zoning/overlay.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

namespace redline {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// A drawn geometry of a piece.
struct Drawn {
    geos::GeomPtr geometry;
    geos::PreparedPtr prepared; // destroyed before geometry
    geos::Bounds bounds;
};

struct Piece {
    RegionPiece region;
    std::size_t check = 0;
    std::vector<char> mask; ///< region.features as a mask over region.layer
    std::vector<Drawn> drawn;
};

Industry resolve(const Engine& engine, const std::string& raw)
{
    const IndustryTable& table = IndustryTable::gbt4754_2017();
    auto code = table.normalise(raw);
    if (!code)
        throw UsageError("industry code '" + raw + "' is not in GB/T 4754-2017");
    Industry industry;
    industry.code = *code;
    industry.name = table.find(*code)->name;
    industry.cls = engine.rulebook().industry_classes.class_of(*code);
    return industry;
}

class Zoner {
public:
    Zoner(const Engine& engine, const ZoningRequest& request, const ZoningOptions& options)
        : m_engine(engine), m_options(options), m_ws(engine.layers()),
          m_cache(m_ws.ctx(), engine.layers()),
          m_tol(engine.rulebook().area_tolerance)
    {
        m_result.industry = request.industry;
        m_result.attributes = request.attributes;
        m_result.slack = options.slack;
        m_domain = domain_layer();
        m_townships = engine.township_layer();
        m_units = engine.unit_layer();
    }

    ZoningResult run(const Site& site);

private:
    const Layer* domain_layer() const;
    void collect_pieces(const Site& site);
    void add_piece(RegionPiece region, std::size_t check);
    void overlay_cell(std::uint32_t c);
    std::vector<zoning::Face> make_cell(std::uint32_t c);
    std::vector<zoning::Candidate> layer_candidates(const Layer& layer, const std::vector<char>* mask,
                                                    const geos::Bounds& b);
    std::vector<zoning::Candidate> candidates(const Piece& p, const geos::Bounds& b);
    void dissolve();
    void summarise();
    bool is_label_layer(const Layer* l) const { return l && (l == m_domain || l == m_townships || l == m_units); }
    void time(const std::string& stage, double s);

    const Engine& m_engine;
    ZoningOptions m_options;
    Workspace m_ws;
    zoning::FeatureCache m_cache;
    double m_tol;
    const Layer* m_domain = nullptr;
    const Layer* m_townships = nullptr;
    const Layer* m_units = nullptr;
    std::vector<Piece> m_pieces;
    std::vector<std::uint32_t> m_everywhere; ///< pieces holding every face
    std::vector<zoning::Face> m_faces;
    std::map<std::string, std::size_t> m_budget_index;
    ZoningResult m_result;
};

const Layer* Zoner::domain_layer() const
{
    const Rulebook& rb = m_engine.rulebook();
    if (!rb.coverage.empty())
        return &m_engine.layers().get(rb.coverage);
    if (m_engine.unit_layer())
        return m_engine.unit_layer();
    throw RulebookError(rb.path, 0, "coverage",
                        "zoning needs the area the rulebook governs: set `coverage` (or declare control units)");
}

void Zoner::time(const std::string& stage, double s)
{
    auto [it, added] = m_budget_index.emplace(stage, m_result.budget.size());
    if (added)
        m_result.budget.emplace_back(stage, 0.0);
    m_result.budget[it->second].second += s;
}

void Zoner::add_piece(RegionPiece region, std::size_t check)
{
    if (region.outcome == Outcome::Info || region.outcome == Outcome::Pass)
        return; // never changes a verdict, never listed in rule_ids
    Piece p;
    p.check = check;
    if (region.layer) {
        p.mask.assign(region.layer->size(), 0);
        for (std::uint32_t i : region.features)
            p.mask[i] = 1;
    }
    for (const geos::GeomPtr& g : region.geometries) {
        if (!g)
            continue;
        Drawn d;
        d.geometry = m_cache.polygons(g.get());
        if (!d.geometry)
            continue;
        d.prepared = geos::prepare(m_ws.ctx(), d.geometry.get());
        d.bounds = geos::bounds(m_ws.ctx(), d.geometry.get());
        p.drawn.push_back(std::move(d));
    }
    region.geometries.clear();
    p.region = std::move(region);
    if (p.region.everywhere)
        m_everywhere.push_back(static_cast<std::uint32_t>(m_pieces.size()));
    m_pieces.push_back(std::move(p));
}

void Zoner::collect_pieces(const Site& site)
{
    const auto& checks = m_engine.checks();
    for (std::size_t c = 0; c < checks.size(); ++c) {
        const Clock::time_point t = Clock::now();
        std::vector<RegionPiece> out;
        RegionQuery q{site, m_ws, m_options.slack};
        if (!checks[c]->region(q, out))
            throw RulebookError("check " + checks[c]->id() + ": check type '" + checks[c]->type() +
                                "' cannot say where it applies (no Check::do_region), so zoning "
                                "cannot map it");
        for (RegionPiece& p : out)
            add_piece(std::move(p), c);
        time("region " + checks[c]->id(), seconds_since(t));
    }
}

std::vector<zoning::Candidate> Zoner::layer_candidates(const Layer& layer, const std::vector<char>* mask,
                                                       const geos::Bounds& b)
{
    std::vector<zoning::Candidate> out;
    for (std::uint32_t j : layer.query(b)) {
        if (mask && !(*mask)[j])
            continue;
        const GEOSGeometry* geom = m_cache.geometry(layer, j);
        if (!geom)
            continue;
        out.push_back({geom, m_cache.prepared(layer, j), layer.feature(j).bounds, is_label_layer(&layer) ? &layer : nullptr, j});
    }
    return out;
}

std::vector<zoning::Candidate> Zoner::candidates(const Piece& p, const geos::Bounds& b)
{
    std::vector<zoning::Candidate> out;
    if (p.region.layer)
        out = layer_candidates(*p.region.layer, &p.mask, b);
    for (const Drawn& d : p.drawn)
        if (zoning::overlaps(d.bounds, b))
            out.push_back({d.geometry.get(), d.prepared.get(), d.bounds, nullptr, 0});
    return out;
}

std::vector<zoning::Face> Zoner::make_cell(std::uint32_t c)
{
    geos::Context& ctx = m_ws.ctx();
    const GEOSGeometry* own = m_cache.geometry(*m_domain, c);
    if (!own)
        return {};
    geos::GeomPtr g = geos::clone(ctx, own);
    // Coverage features that overlap: the area goes to the first one.
    for (std::uint32_t j : m_domain->query(m_domain->feature(c).bounds))
        if (j < c && m_cache.overlapping(*m_domain, c, j))
            g = zoning::polygonal(ctx, geos::own(ctx, GEOSDifference_r(ctx.handle(), g.get(),
                                                                       m_cache.geometry(*m_domain, j)),
                                                 "difference"));
    if (!g || geos::area(ctx, g.get()) < m_tol)
        return {};
    std::vector<zoning::Face> faces(1);
    faces[0].bounds = geos::bounds(ctx, g.get());
    faces[0].geometry = std::move(g);
    faces[0].known.emplace_back(m_domain, c);
    return faces;
}

void Zoner::overlay_cell(std::uint32_t c)
{
    Clock::time_point t = Clock::now();
    std::vector<zoning::Face> faces = make_cell(c);
    if (faces.empty())
        return;
    const geos::Bounds b = faces[0].bounds;
    time("cells", seconds_since(t));
    for (auto [layer, field] : {std::pair{m_townships, &zoning::Face::townships},
                                std::pair{m_units, &zoning::Face::units}}) {
        if (!layer)
            continue;
        t = Clock::now();
        zoning::split_by_each(m_cache, faces, layer_candidates(*layer, nullptr, b), m_tol,
                              [field = field](zoning::Face& f, const zoning::Candidate& cand) {
                                  (f.*field).push_back(cand.feature);
                              });
        time(layer == m_townships ? "townships" : "units", seconds_since(t));
    }
    const auto& checks = m_engine.checks();
    for (std::uint32_t i = 0; i < m_pieces.size(); ++i) {
        const Piece& p = m_pieces[i];
        if (p.region.everywhere)
            continue;
        t = Clock::now();
        zoning::split_by_union(m_cache, faces, candidates(p, b), m_tol, p.region.outside,
                               [i](zoning::Face& f) { f.pieces.push_back(i); });
        time("overlay " + checks[p.check]->id(), seconds_since(t));
    }
    t = Clock::now();
    zoning::merge_slivers(m_cache, faces, m_options.sliver_width, m_tol);
    time("slivers", seconds_since(t));
    for (zoning::Face& f : faces)
        m_faces.push_back(std::move(f));
}

void Zoner::dissolve()
{
    std::vector<zoning::PieceAnswer> pieces;
    for (const Piece& p : m_pieces)
        pieces.emplace_back(p.region.rule_id, p.region.outcome);
    zoning::dissolve(m_ws.ctx(), m_engine, m_faces, pieces, m_everywhere, m_tol, m_result);
    m_faces.clear();
}

void Zoner::summarise()
{
    zoning::summarise(m_result);
}

ZoningResult Zoner::run(const Site& site)
{
    collect_pieces(site);
    const std::size_t n = m_domain->size();
    for (std::uint32_t c = 0; c < n; ++c) {
        if (m_options.cancel && m_options.cancel->cancelled())
            throw Cancelled(m_options.cancel->reason());
        overlay_cell(c);
        if (m_options.progress && (c % 16 == 0 || c + 1 == n))
            m_options.progress(0.9 * (c + 1) / static_cast<double>(n), "overlay");
    }
    const Clock::time_point t = Clock::now();
    dissolve();
    summarise();
    time("dissolve", seconds_since(t));
    if (m_options.progress)
        m_options.progress(1.0, "done");
    return std::move(m_result);
}

} // namespace

ZoningResult compute_zoning(const Engine& engine, const ZoningRequest& request,
                            const ZoningOptions& options)
{
    ZoningRequest req = request;
    const Industry industry = resolve(engine, request.industry);
    req.industry = industry.code;
    Site site;
    site.id = "zoning";
    site.industry = industry;
    site.attributes = &req.attributes;
    Zoner zoner(engine, req, options);
    ZoningResult r = zoner.run(site);
    r.industry_name = industry.name;
    return r;
}

} // namespace redline
