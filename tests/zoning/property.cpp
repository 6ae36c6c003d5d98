// The zoning property test (issue 13): for every industry the access list
// names (one code per selector) and a few it does not, with and without the
// attributes the checks read, compute_zoning() is screened back with the
// real engine:
//   - random points inside every polygon, at least `margin` from its
//     boundary, each get the polygon's verdict, rule ids, townships, units;
//   - the polygons do not overlap (pairwise intersections below the area
//     tolerance);
//   - their union is the coverage: the symmetric difference is at most the
//     area tolerance per polygon (slivers below it are not made).
//
//   zoning_property RULEBOOK ACCESS_LIST [--points N] [--margin M] [--seed S]
#include "redline/check.hpp"
#include "redline/engine.hpp"
#include "redline/industry.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/zoning.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace redline;

namespace {

struct Args {
    std::string rulebook, access_list;
    std::size_t points = 3000;
    double margin = 0.05;
    unsigned seed = 13;
};

/// The selectors of the access list's `industries` column (third).
std::vector<std::string> selectors(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    std::set<std::string> seen;
    std::vector<std::string> out;
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string cell;
        for (int i = 0; i < 3 && std::getline(ss, cell, ','); ++i) {
        }
        std::stringstream cs(cell);
        std::string sel;
        while (std::getline(cs, sel, ';'))
            if (!sel.empty() && seen.insert(sel).second)
                out.push_back(sel);
    }
    return out;
}

Industry industry_of(const std::string& code, const Rulebook& rb)
{
    const auto& table = IndustryTable::gbt4754_2017();
    return Industry{code, table.find(code)->name, rb.industry_classes.class_of(code)};
}

/// One 小类 code per selector, then three codes no row names.
std::vector<std::string> industries(const Args& a, const Rulebook& rb)
{
    const auto& table = IndustryTable::gbt4754_2017();
    std::vector<IndustrySelector> sels;
    std::vector<std::string> out;
    for (const auto& s : selectors(a.access_list)) {
        sels.push_back(IndustrySelector::parse(s, table));
        for (const auto& [code, e] : table.entries())
            if (e.level == 4 && sels.back().matches(industry_of(code, rb))) {
                if (std::find(out.begin(), out.end(), code) == out.end())
                    out.push_back(code);
                break;
            }
    }
    std::set<char> sections;
    for (const auto& [code, e] : table.entries()) {
        if (e.level != 4 || sections.count(code[0]) || sections.size() == 3)
            continue;
        const Industry ind = industry_of(code, rb);
        if (std::none_of(sels.begin(), sels.end(), [&](const auto& s) { return s.matches(ind); })) {
            sections.insert(code[0]);
            out.push_back(code);
        }
    }
    return out;
}

struct Failures {
    std::size_t count = 0;
    std::map<std::string, std::size_t> by_kind;
    void fail(const std::string& kind, const std::string& what)
    {
        ++count;
        if (++by_kind[kind] <= 15)
            std::cerr << "FAIL " << what << "\n";
    }
};

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ",") + x;
    return s;
}

/// Random points inside `poly`, at least `margin` from its boundary.
std::vector<std::pair<double, double>> sample(geos::Context& ctx, const GEOSGeometry* poly, std::size_t n,
                                              double margin, std::mt19937_64& rng)
{
    std::vector<std::pair<double, double>> out;
    geos::PreparedPtr prep = geos::prepare(ctx, poly);
    geos::GeomPtr boundary = geos::own(ctx, GEOSBoundary_r(ctx.handle(), poly), "boundary");
    geos::PreparedPtr bprep = geos::prepare(ctx, boundary.get());
    const geos::Bounds b = geos::bounds(ctx, poly);
    std::uniform_real_distribution<double> ux(b.minx, b.maxx), uy(b.miny, b.maxy);
    for (std::size_t tries = 0; out.size() < n && tries < 400 * n; ++tries) {
        const double x = ux(rng), y = uy(rng);
        geos::GeomPtr p = geos::own(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), x, y), "point");
        if (!GEOSPreparedContains_r(ctx.handle(), prep.get(), p.get()))
            continue;
        double d = 0;
        GEOSPreparedDistance_r(ctx.handle(), bprep.get(), p.get(), &d);
        if (d >= margin)
            out.emplace_back(x, y);
    }
    return out;
}

struct Tally {
    std::size_t points = 0, unsampled = 0;
};

void screen_points(const Engine& engine, const ZoningResult& z, const Attributes& attrs, const Args& a,
                   std::mt19937_64& rng, Failures& f, Tally& t)
{
    geos::Context ctx;
    Engine::Worker worker(engine, false);
    auto srs = std::make_shared<OGRSpatialReference>(engine.layers().working_srs());
    double total = 0;
    for (const auto& p : z.polygons)
        total += p.area_m2;
    for (std::size_t i = 0; i < z.polygons.size(); ++i) {
        const ZoningPolygon& zp = z.polygons[i];
        geos::GeomPtr g = geos::from_wkb(ctx, zp.wkb);
        const auto n = 3 + static_cast<std::size_t>(static_cast<double>(a.points) * zp.area_m2 / total);
        auto pts = sample(ctx, g.get(), n, a.margin, rng);
        if (pts.empty())
            ++t.unsampled;
        for (const auto& [x, y] : pts) {
            Application app;
            app.site_id = "p";
            app.industry = z.industry;
            app.attributes = attrs;
            app.srs = srs;
            std::ostringstream wkt;
            wkt.precision(17);
            wkt << "POINT (" << x << " " << y << ")";
            app.geometry_text = wkt.str();
            SiteResult r = worker.screen(app);
            ++t.points;
            std::vector<std::string> got = r.rule_ids(), want = zp.rule_ids;
            std::sort(got.begin(), got.end());
            std::sort(want.begin(), want.end());
            if (r.verdict != zp.verdict || got != want || r.townships != zp.townships || r.units != zp.units)
                f.fail("verdict", z.industry + " " + wkt.str() + ": polygon " + std::to_string(i) + " says " +
                       std::string(outcome_name(zp.verdict)) + " [" + joined(zp.rule_ids) + "] " +
                       joined(zp.townships) + " " + joined(zp.units) + ", screening says " +
                       std::string(outcome_name(r.verdict)) + " [" + joined(r.rule_ids()) + "] " +
                       joined(r.townships) + " " + joined(r.units));
        }
    }
}

/// No overlaps; the union is the coverage.
void check_partition(const Engine& engine, const ZoningResult& z, Failures& f)
{
    geos::Context ctx;
    const double tol = engine.rulebook().area_tolerance;
    std::vector<geos::GeomPtr> gs;
    std::vector<geos::Bounds> bs;
    for (const auto& p : z.polygons) {
        gs.push_back(geos::from_wkb(ctx, p.wkb));
        bs.push_back(geos::bounds(ctx, gs.back().get()));
    }
    for (std::size_t i = 0; i < gs.size(); ++i)
        for (std::size_t j = i + 1; j < gs.size(); ++j) {
            if (bs[i].maxx < bs[j].minx || bs[j].maxx < bs[i].minx || bs[i].maxy < bs[j].miny ||
                bs[j].maxy < bs[i].miny)
                continue;
            geos::GeomPtr x = geos::intersection(ctx, gs[i].get(), gs[j].get());
            if (geos::area(ctx, x.get()) > tol)
                f.fail("overlap", z.industry + ": polygons " + std::to_string(i) + " and " + std::to_string(j) +
                       " overlap by " + std::to_string(geos::area(ctx, x.get())) + " m2");
        }
    std::vector<const GEOSGeometry*> parts;
    for (const auto& g : gs)
        parts.push_back(g.get());
    geos::GeomPtr all = geos::union_all(ctx, parts);
    const Layer& cov = engine.layers().get(engine.rulebook().coverage);
    std::vector<geos::GeomPtr> cs;
    std::vector<const GEOSGeometry*> cparts;
    for (const auto& feat : cov.features()) {
        cs.push_back(geos::from_wkb(ctx, feat.wkb));
        cparts.push_back(cs.back().get());
    }
    geos::GeomPtr coverage = geos::union_all(ctx, cparts);
    geos::GeomPtr sym = geos::own(ctx, GEOSSymDifference_r(ctx.handle(), all.get(), coverage.get()), "symdiff");
    const double bound = engine.rulebook().area_tolerance * static_cast<double>(z.polygons.size() + 1);
    const double diff = geos::area(ctx, sym.get());
    if (!(diff <= bound))
        f.fail("union", z.industry + ": union differs from the coverage by " + std::to_string(diff) + " m2 (bound " +
               std::to_string(bound) + ")");
}

Args parse(int argc, char** argv)
{
    Args a;
    if (argc < 3)
        throw std::runtime_error("usage: zoning_property RULEBOOK ACCESS_LIST [--points N] [--margin M]");
    a.rulebook = argv[1];
    a.access_list = argv[2];
    for (int i = 3; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--points")
            a.points = std::stoul(argv[i + 1]);
        else if (k == "--margin")
            a.margin = std::stod(argv[i + 1]);
        else if (k == "--seed")
            a.seed = static_cast<unsigned>(std::stoul(argv[i + 1]));
    }
    return a;
}

} // namespace

int main(int argc, char** argv)
{
    const Args a = parse(argc, argv);
    Engine engine(a.rulebook);
    std::mt19937_64 rng(a.seed);
    Failures f;
    Tally t;
    const std::vector<Attributes> variants = {{}, {{"voc_tpa", "0.5"}}, {{"voc_tpa", "40"}}};
    const auto codes = industries(a, engine.rulebook());
    std::size_t runs = 0;
    for (std::size_t i = 0; i < codes.size(); ++i)
        for (std::size_t v = 0; v < variants.size(); ++v) {
            // Every industry without and with one figure; the first few with all.
            if (v != 0 && v != 1 + i % 2 && i >= 4)
                continue;
            ZoningResult z = compute_zoning(engine, {codes[i], variants[v]}, {});
            screen_points(engine, z, variants[v], a, rng, f, t);
            check_partition(engine, z, f);
            ++runs;
            std::cout << codes[i] << (variants[v].empty() ? "" : " voc_tpa=" + *variants[v][0].second) << ": "
                      << z.polygons.size() << " polygons\n";
        }
    std::cout << runs << " zonings of " << codes.size() << " industries, " << t.points
              << " points screened, " << t.unsampled << " polygons too thin to sample at margin " << a.margin
              << " m, " << f.count << " failures\n";
    return f.count == 0 && t.points > 1000 ? 0 : 1;
}
