#include "redline/engine.hpp"

#include "redline/check.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/spatial.hpp"
#include "redline/words.hpp"
#include "redline/workspace.hpp"
#include "geometry/convert.hpp"
#include "io/gdal.hpp"
#include "geometry/coords.hpp"
#include "redline/error.hpp"
#include "geometry/geometry_text.hpp"
#include "geometry/valid_proof.hpp"
#include "util/text.hpp"

#include <ogr_api.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iterator>
#include <unordered_map>

namespace redline {

struct Engine::Impl {
    Rulebook rulebook;
    std::unique_ptr<LayerSet> layers;
    std::vector<std::unique_ptr<Check>> checks; ///< COVERAGE first, then the rulebook's
    std::vector<std::string> warnings;
    OGRSpatialReference input_srs;
    const Layer* townships = nullptr;
    const Layer* units = nullptr;

    explicit Impl(const std::string& path) : rulebook(load_rulebook(path)) {}
    void configure_checks();
};

namespace {

/// The rulebook's CRS `key` (input_crs, working_crs), as a RulebookError when unusable.
OGRSpatialReference rulebook_srs(const Rulebook& rb, const std::string& value, const char* key)
{
    try {
        return gdal::srs_from_user(value, key);
    } catch (const RulebookError&) {
        throw;
    } catch (const Error& e) {
        throw RulebookError(rb.path, 0, key, e.what());
    }
}

} // namespace

void Engine::Impl::configure_checks()
{
    ConfigEnv env{rulebook, IndustryTable::gbt4754_2017(), &warnings};
    const CheckRegistry& registry = CheckRegistry::builtin();
    if (!rulebook.coverage.empty()) {
        YAML::Node n;
        n["id"] = "COVERAGE";
        n["type"] = "coverage";
        n["layer"] = rulebook.coverage;
        auto c = registry.create("coverage");
        c->configure(CheckSpec{"COVERAGE", "coverage", Params(n, rulebook.path, "coverage")}, env);
        checks.push_back(std::move(c));
    }
    for (const CheckSpec& spec : rulebook.checks) {
        auto c = registry.create(spec.type);
        if (!c)
            spec.params.fail("type", "unknown check type '" + spec.type + "' (known: " +
                                         join(registry.names(), ", ") + ")");
        c->configure(spec, env);
        checks.push_back(std::move(c));
    }
}

Engine::Engine(const std::string& rulebook_path, unsigned threads) : m_impl(std::make_unique<Impl>(rulebook_path))
{
    gdal::initialise();
    Impl& m = *m_impl;
    m.input_srs = rulebook_srs(m.rulebook, m.rulebook.input_crs, "input_crs");
    rulebook_srs(m.rulebook, m.rulebook.working_crs, "working_crs");
    // Configure every check before touching a layer: rulebook mistakes are
    // reported without waiting for data to load.
    m.configure_checks();
    m.layers = std::make_unique<LayerSet>(m.rulebook, threads);
    for (auto& c : m.checks)
        c->prepare(*m.layers);
    if (!m.rulebook.township_layer.empty())
        m.townships = m.layers->find(m.rulebook.township_layer);
    if (!m.rulebook.unit_layer.empty())
        m.units = m.layers->find(m.rulebook.unit_layer);
}

Engine::~Engine() = default;

const Rulebook& Engine::rulebook() const { return m_impl->rulebook; }
const LayerSet& Engine::layers() const { return *m_impl->layers; }
const std::vector<std::unique_ptr<Check>>& Engine::checks() const { return m_impl->checks; }
const std::vector<std::string>& Engine::warnings() const { return m_impl->warnings; }
const OGRSpatialReference& Engine::input_srs() const { return m_impl->input_srs; }
const Layer* Engine::township_layer() const { return m_impl->townships; }
const Layer* Engine::unit_layer() const { return m_impl->units; }

/// At most this many distinct codes are kept resolved per lane (a file of
/// free-text codes cannot grow the memo without bound).
constexpr std::size_t k_industries_kept = 4096;

struct Engine::Worker::State {
    explicit State(const Engine& engine, bool keep)
        : ws(engine.layers()), transforms(engine.layers().working_srs()), keep_input_geometry(keep)
    {
    }
    Workspace ws;
    OverlapMemo memo;
    gdal::TransformsTo transforms; ///< to the working CRS
    bool keep_input_geometry;
    bool timing = false;
    Timings timings;
    /// Industries resolved so far, by the code as the record gives it: a
    /// batch names a few dozen codes a million times, and resolving one
    /// (trim, two table lookups, the class's prefixes, the name) costs more
    /// than finding it here. Codes that do not resolve are not kept (their
    /// record is an ERROR, thrown again each time).
    std::unordered_map<std::string, Industry> industries;
    /// The checks' findings for the site being screened, kept from site to
    /// site: the result gets them in one allocation of their exact count
    /// instead of regrowing (moving ~0.5 KB findings) as checks add them.
    std::vector<Finding> findings;
};

void Engine::Worker::enable_timings()
{
    m_state->timing = true;
    m_state->timings.checks.assign(m_engine.checks().size(), 0.0);
}

const Engine::Worker::Timings& Engine::Worker::timings() const
{
    return m_state->timings;
}

Engine::Worker::Worker(const Engine& engine, bool keep_input_geometry)
    : m_engine(engine), m_state(std::make_unique<State>(engine, keep_input_geometry))
{
}

Engine::Worker::~Worker() = default;

namespace {

/// Finds the first non-finite coordinate of a geometry.
class FiniteCheck final : public OGRDefaultConstGeometryVisitor {
public:
    using OGRDefaultConstGeometryVisitor::visit;
    void visit(const OGRPoint* p) override
    {
        if (!p->IsEmpty() && (!std::isfinite(p->getX()) || !std::isfinite(p->getY())))
            finite = false;
    }
    // A curve's vertex with a NaN would reach visit(OGRPoint) as an empty
    // point (OGR's reading of NaN): the curves' own coordinates are read.
    void visit(const OGRLineString* c) override { curve(*c); }
    void visit(const OGRLinearRing* c) override { curve(*c); }
    void visit(const OGRCircularString* c) override { curve(*c); }
    bool finite = true;

private:
    void curve(const OGRSimpleCurve& c)
    {
        for (int i = 0; i < c.getNumPoints() && finite; ++i)
            finite = std::isfinite(c.getX(i)) && std::isfinite(c.getY(i));
    }
};

bool is_finite(const OGRGeometry& g)
{
    FiniteCheck check;
    g.accept(&check);
    return check.finite;
}

/// The geographic bounds problem of a geometry in degrees, or none.
class RangeCheck final : public OGRDefaultConstGeometryVisitor {
public:
    using OGRDefaultConstGeometryVisitor::visit;
    void visit(const OGRPoint* p) override
    {
        if (p->IsEmpty() || !problem.empty())
            return;
        if (std::fabs(p->getY()) > 90) {
            const std::string y = format_number(p->getY(), 6);
            problem = Text("纬度 " + y + " 超出 ±90°", "latitude " + y + " is beyond ±90°");
            if (std::fabs(p->getX()) <= 90 && std::fabs(p->getY()) <= 180)
                problem = problem + Text("（经纬度可能颠倒）", " (lat/lon swapped?)");
        } else if (std::fabs(p->getX()) > 180) {
            const std::string x = format_number(p->getX(), 6);
            problem = Text("经度 " + x + " 超出 ±180°", "longitude " + x + " is beyond ±180°");
        }
    }
    Text problem;
};

/// The application's industry, resolved in GB/T 4754-2017 and the
/// rulebook's classes; throws RecordError.
Industry resolve_industry(const Application& app, const Rulebook& rb)
{
    const IndustryTable& table = IndustryTable::gbt4754_2017();
    const std::string raw_code = trim(app.industry);
    if (raw_code.empty())
        throw RecordError(Text("缺少行业代码", "the industry code is missing"));
    auto code = table.normalise(raw_code);
    if (!code)
        throw RecordError(Text("行业代码「" + raw_code + "」不在 GB/T 4754-2017 中",
                               "industry code '" + raw_code + "' is not in GB/T 4754-2017"));
    Industry industry;
    industry.code = *code;
    industry.name = table.find(*code)->name;
    industry.cls = rb.industry_classes.class_of(*code);
    return industry;
}

/// The application's geometry as given, checked: present, not empty,
/// finite, within ±180/±90 when geographic; throws RecordError.
gdal::GeometryPtr read_geometry(const Application& app, const OGRSpatialReference& from)
{
    gdal::GeometryPtr g;
    if (app.has_wkb) {
        if (app.wkb.empty())
            throw RecordError(Text("记录没有几何", "the record has no geometry"));
        g = wkb_to_ogr(app.wkb);
    } else {
        g = parse_text_geometry(app.geometry_text);
    }
    if (g->IsEmpty())
        throw RecordError(Text("几何为空（EMPTY）", "the geometry is empty"));
    if (!is_finite(*g))
        throw RecordError(Text("几何含非有限坐标（NaN 或无穷）",
                               "the geometry has a non-finite coordinate (NaN or infinity)"));
    if (from.IsGeographic()) {
        RangeCheck range;
        g->accept(&range);
        if (!range.problem.empty())
            throw RecordError(Text("坐标超出范围：", "coordinates out of range: ") + range.problem);
    }
    return g;
}

/// --coords gcj02|bd09: web-map coordinates back to WGS84/CGCS2000 before
/// anything is measured or reported.
void undo_web_datum(const Application& app, const OGRSpatialReference& from, OGRGeometry& g)
{
    if (app.datum == coords::Datum::Wgs84)
        return;
    const std::string name = coords::datum_name(app.datum);
    if (!from.IsGeographic())
        throw RecordError(Text("--coords " + name + " 仅适用于经纬度坐标",
                               "--coords " + name + " applies to geographic (lon/lat) coordinates only"));
    if (!coords::to_wgs84(app.datum, g))
        throw RecordError(Text("无法从 " + name + " 转换坐标", "cannot convert the coordinates from " + name));
}

/// `geom` valid (repaired, keeping its dimension); its WKB into `wkb`.
geos::GeomPtr valid_geos(geos::Context& ctx, geos::GeomPtr geom, int& dim, std::vector<unsigned char>& wkb)
{
    dim = geos::dimension(ctx, geom.get());
    // (The proof answers most parcels, GEOS the rest: valid_proof.hpp.)
    if (!proven_valid(ctx, geom.get()) && !geos::predicate(ctx, GEOSisValid_r(ctx.handle(), geom.get()), "isValid")) {
        geos::GeomPtr fixed = geos::own(ctx, GEOSMakeValid_r(ctx.handle(), geom.get()), "make-valid");
        geom = geos::keep_dimension(ctx, fixed.get(), dim);
        if (geos::is_empty(ctx, geom.get()))
            throw RecordError(Text("几何无效且无法修复", "the geometry is invalid and cannot be repaired"));
    }
    wkb = geos::to_wkb(ctx, geom.get());
    return geom;
}

/// `g` in GEOS, valid (repaired, keeping its dimension); its WKB into `wkb`.
geos::GeomPtr to_valid_geos(geos::Context& ctx, const OGRGeometry& g, int& dim,
                            std::vector<unsigned char>& wkb)
{
    if (g.getGeometryType() == wkbPoint) {
        // Most applications are 2D points: no WKB round trip into GEOS, and
        // a finite point is valid. OGR's NDR WKB of a 2D point is GEOS's.
        const OGRPoint* p = g.toPoint();
        dim = 0;
        wkb = ogr_to_wkb(g);
        return geos::own(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), p->getX(), p->getY()), "point");
    }
    return valid_geos(ctx, ogr_to_geos(ctx, g), dim, wkb);
}

/// The rings of a 2D Polygon (type 3) or MultiPolygon (6) in NDR ISO WKB,
/// as (offset of the ring's point count, point count); false when the
/// bytes are anything else or a ring is not closed (GEOS would refuse it).
bool polygon_rings(const std::vector<unsigned char>& w, std::vector<std::pair<std::size_t, std::uint32_t>>& rings)
{
    auto u32 = [&](std::size_t at, std::uint32_t& v) {
        if (at + 4 > w.size())
            return false;
        std::memcpy(&v, w.data() + at, 4);
        return true;
    };
    std::size_t at = 0;
    auto polygon = [&]() {
        std::uint32_t type = 0, n = 0;
        if (at + 1 > w.size() || w[at] != 1 || !u32(at + 1, type) || type != 3 || !u32(at + 5, n) || n == 0)
            return false;
        at += 9;
        for (std::uint32_t r = 0; r < n; ++r) {
            std::uint32_t points = 0;
            if (!u32(at, points) || points < 4 || at + 4 + 16 * std::size_t{points} > w.size())
                return false;
            const unsigned char* first = w.data() + at + 4;
            if (std::memcmp(first, first + 16 * std::size_t{points - 1}, 16) != 0)
                return false;
            rings.emplace_back(at, points);
            at += 4 + 16 * std::size_t{points};
        }
        return true;
    };
    std::uint32_t type = 0, parts = 1;
    if (w.size() < 9 || w[0] != 1 || !u32(1, type))
        return false;
    if (type == 6) {
        if (!u32(5, parts) || parts == 0)
            return false;
        at = 9;
    } else if (type != 3) {
        return false;
    }
    for (std::uint32_t k = 0; k < parts; ++k)
        if (!polygon())
            return false;
    return at == w.size();
}

/// The common case of a parcel without an OGRGeometry: a 2D Polygon or
/// MultiPolygon read by GDAL (NDR ISO WKB, as ogr_to_wkb writes it), finite,
/// in range, no web datum. Each ring transformed with the call
/// OGRSimpleCurve::transform makes (x, y and zeros for z), in place in a
/// copy of the WKB: the bytes ogr_to_wkb writes of the transformed OGR
/// geometry. Empty when the record needs the general path (which also says
/// what is wrong with a bad one).
std::vector<unsigned char> fast_polygon_wkb(const Application& app, const OGRSpatialReference& from,
                                            gdal::TransformsTo& transforms)
{
    std::vector<std::pair<std::size_t, std::uint32_t>> rings;
    if (!app.has_wkb || app.datum != coords::Datum::Wgs84 || !polygon_rings(app.wkb, rings))
        return {};
    std::vector<unsigned char> out = app.wkb;
    OGRCoordinateTransformation* ct = transforms.from(from);
    const bool geographic = from.IsGeographic();
    std::vector<double> x, y, z;
    for (const auto& [at, n] : rings) {
        x.resize(n);
        y.resize(n);
        for (std::uint32_t i = 0; i < n; ++i) {
            std::memcpy(&x[i], out.data() + at + 4 + 16 * std::size_t{i}, 8);
            std::memcpy(&y[i], out.data() + at + 12 + 16 * std::size_t{i}, 8);
            if (!std::isfinite(x[i]) || !std::isfinite(y[i]) ||
                (geographic && (std::fabs(y[i]) > 90 || std::fabs(x[i]) > 180)))
                return {}; // the general path says which (read_geometry)
        }
        if (ct) {
            z.assign(n, 0.0);
            gdal::ErrorCapture capture;
            if (!ct->Transform(static_cast<int>(n), x.data(), y.data(), z.data()))
                return {};
        }
        for (std::uint32_t i = 0; i < n; ++i) {
            if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
                return {};
            std::memcpy(out.data() + at + 4 + 16 * std::size_t{i}, &x[i], 8);
            std::memcpy(out.data() + at + 12 + 16 * std::size_t{i}, &y[i], 8);
        }
    }
    return out;
}

/// Keys (and labels) of the features of `layer` the site overlaps.
void zones_of(Workspace& ws, const Site& site, const Layer* layer, const Tolerances& tol,
              std::vector<std::string>* keys, std::vector<std::string>* labels)
{
    if (!layer)
        return;
    for (const Hit& h : overlaps(ws, site, LayerSubset{layer, nullptr, ""}, tol)) {
        const LayerFeature& f = layer->feature(h.feature);
        keys->push_back(f.key);
        if (labels)
            labels->push_back(f.label.empty() ? f.key : f.label);
    }
}

/// The common case without an OGRGeometry: a 2D point read by GDAL (NDR
/// ISO WKB, as ogr_to_wkb writes it), finite, in range, no web datum. The
/// same transformation call OGRPoint::transform makes; its WKB is what
/// exportToWkb writes. Null when the record needs the general path (which
/// also says what is wrong with a bad one).
geos::GeomPtr fast_point(const Application& app, const OGRSpatialReference& from,
                         gdal::TransformsTo& transforms, bool keep_input, geos::Context& ctx, SiteResult& r)
{
    const std::vector<unsigned char>& w = app.wkb;
    if (!app.has_wkb || w.size() != 21 || w[0] != 1 || w[1] != 1 || w[2] != 0 || w[3] != 0 || w[4] != 0 ||
        app.datum != coords::Datum::Wgs84)
        return nullptr;
    double x = 0, y = 0, z = 0;
    std::memcpy(&x, w.data() + 5, 8);
    std::memcpy(&y, w.data() + 13, 8);
    if (!std::isfinite(x) || !std::isfinite(y))
        return nullptr;
    if (from.IsGeographic() && (std::fabs(y) > 90 || std::fabs(x) > 180))
        return nullptr;
    if (OGRCoordinateTransformation* ct = transforms.from(from)) {
        gdal::ErrorCapture capture;
        if (!ct->Transform(1, &x, &y, &z) || !std::isfinite(x) || !std::isfinite(y))
            return nullptr;
    }
    if (keep_input)
        r.input_geometry = w;
    r.geometry.resize(21);
    std::memcpy(r.geometry.data(), w.data(), 5);
    std::memcpy(r.geometry.data() + 5, &x, 8);
    std::memcpy(r.geometry.data() + 13, &y, 8);
    return geos::own(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), x, y), "point");
}

} // namespace

SiteResult Engine::Worker::screen(const Application& app)
{
    SiteResult r;
    r.index = app.index;
    r.site_id = app.site_id;
    try {
        screen_site(app, r);
    } catch (const RecordError& e) {
        r.findings.clear();
        r.verdict = Outcome::Error;
        r.reason = e.reason();
    } catch (const Error& e) {
        // A GEOS/GDAL failure on one record must not stop the run.
        r.findings.clear();
        r.verdict = Outcome::Error;
        r.reason = Text("几何运算失败：", "geometry operation failed: ") + Text::same(e.what());
    }
    return r;
}

void Engine::Worker::screen_site(const Application& app, SiteResult& r)
{
    const Impl& engine = *m_engine.m_impl;
    State& st = *m_state;
    using Clock = std::chrono::steady_clock;
    const Clock::time_point started = st.timing ? Clock::now() : Clock::time_point{};
    if (!app.read_error.empty())
        throw RecordError(app.read_error);
    // Industry first: a record without a valid code is unusable.
    auto known = st.industries.find(app.industry);
    if (known == st.industries.end()) {
        if (st.industries.size() >= k_industries_kept)
            st.industries.clear();
        known = st.industries.emplace(app.industry, resolve_industry(app, engine.rulebook)).first;
    }
    const Industry& industry = known->second;
    r.industry = industry.code;

    const OGRSpatialReference& from = app.srs ? *app.srs : engine.input_srs;
    geos::Context& ctx = st.ws.ctx();
    int dim = 0;
    geos::GeomPtr geom = fast_point(app, from, st.transforms, st.keep_input_geometry, ctx, r);
    if (!geom)
        if (std::vector<unsigned char> wkb = fast_polygon_wkb(app, from, st.transforms); !wkb.empty()) {
            if (st.keep_input_geometry)
                r.input_geometry = app.wkb;
            geom = valid_geos(ctx, geos::from_wkb(ctx, wkb), dim, r.geometry);
        }
    if (!geom) {
        gdal::GeometryPtr g = read_geometry(app, from);
        undo_web_datum(app, from, *g);
        if (st.keep_input_geometry) {
            r.input_geometry.resize(g->WkbSize());
            if (g->exportToWkb(wkbNDR, r.input_geometry.data(), wkbVariantIso) != OGRERR_NONE)
                r.input_geometry.clear();
        }
        if (OGRCoordinateTransformation* ct = st.transforms.from(from)) {
            gdal::ErrorCapture capture;
            if (g->transform(ct) != OGRERR_NONE || !is_finite(*g))
                throw RecordError(Text("无法转换到工作坐标系 ", "cannot transform to the working CRS ") +
                                  Text::same(engine.rulebook.working_crs));
        }
        geom = to_valid_geos(ctx, *g, dim, r.geometry);
    }
    Site site;
    site.id = app.site_id;
    site.industry = industry;
    site.geometry = geom.get();
    site.wkb = &r.geometry;
    site.dimension = dim;
    site.size = dim == 2 ? geos::area(ctx, geom.get()) : dim == 1 ? geos::length(ctx, geom.get()) : 0;
    site.bounds = geos::bounds(ctx, geom.get());
    site.attributes = &app.attributes;
    site.origin_layer = app.origin_layer;
    site.origin_key = app.origin_key;
    st.memo.clear();
    site.memo = &st.memo;

    Clock::time_point t = started;
    auto lap = [&](double& into) {
        const Clock::time_point now = Clock::now();
        into += std::chrono::duration<double>(now - t).count();
        t = now;
    };
    if (st.timing)
        lap(st.timings.prepare); // since screen_site began (records that are ERROR are not timed)
    st.findings.clear();
    for (std::size_t c = 0; c < engine.checks.size(); ++c) {
        engine.checks[c]->evaluate(site, st.ws, st.findings);
        if (st.timing)
            lap(st.timings.checks[c]);
    }
    r.findings.reserve(st.findings.size());
    std::move(st.findings.begin(), st.findings.end(), std::back_inserter(r.findings));
    const Tolerances tol{engine.rulebook.area_tolerance, engine.rulebook.length_tolerance};
    zones_of(st.ws, site, engine.townships, tol, &r.township_keys, &r.townships);
    zones_of(st.ws, site, engine.units, tol, &r.units, nullptr);
    if (st.timing)
        lap(st.timings.zones);

    r.verdict = Outcome::Pass;
    for (const auto& f : r.findings)
        if (f.outcome != Outcome::Info && f.outcome > r.verdict)
            r.verdict = f.outcome;
}

namespace {

std::string compose_message(const SiteResult& r, Lang lang)
{
    // Put together in place, in the one language asked for.
    const bool zh = lang == Lang::Zh;
    std::string out = verdict_word(r.verdict, lang);
    if (r.verdict == Outcome::Error)
        return out.append(zh ? "：" : ": ").append(r.error);
    const std::size_t shown = 6;
    std::size_t parts = 0;
    for (const auto& f : r.findings) {
        if (f.outcome == Outcome::Info)
            continue;
        if (++parts <= shown)
            out.append(parts == 1 ? (zh ? "：" : ": ") : (zh ? "；" : "; "))
                .append(f.rule_id)
                .append(" ")
                .append(f.detail);
    }
    if (parts == 0)
        return out.append(zh ? "：未触及任何管控规则" : ": no rule is triggered");
    if (parts > shown)
        out.append(zh ? cat("；等 ", std::to_string(parts), " 项") : cat("; ", std::to_string(parts - shown), " more"));
    return out;
}

} // namespace

void render(SiteResult& r, Lang lang)
{
    for (Finding& f : r.findings)
        if (f.check)
            f.check->describe(f, lang);
    r.error = r.reason.in(lang);
    r.message = compose_message(r, lang);
}

} // namespace redline
