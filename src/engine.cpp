#include "redline/engine.hpp"

#include "redline/convert.hpp"
#include "redline/coords.hpp"
#include "redline/error.hpp"
#include "redline/geometry_text.hpp"
#include "redline/text.hpp"

#include <ogr_api.h>

#include <algorithm>
#include <cmath>

namespace redline {

std::string verdict_word(Outcome verdict, Lang lang)
{
    switch (verdict) {
    case Outcome::Pass:
    case Outcome::Info:
        return tr(lang, "通过", "PASS");
    case Outcome::Conditional:
        return tr(lang, "有条件通过", "CONDITIONAL");
    case Outcome::Incomplete:
        return tr(lang, "信息不全", "INCOMPLETE");
    case Outcome::Fail:
        return tr(lang, "不通过", "FAIL");
    case Outcome::Error:
        return tr(lang, "错误", "ERROR");
    }
    return "?";
}

Engine::Engine(const std::string& rulebook_path, Options options)
    : m_options(options), m_rulebook(load_rulebook(rulebook_path))
{
    gdal::initialise();
    try {
        m_input_srs = gdal::srs_from_user(m_rulebook.input_crs, "input_crs");
    } catch (const RulebookError&) {
        throw;
    } catch (const Error& e) {
        throw RulebookError(m_rulebook.path, 0, "input_crs", e.what());
    }
    try {
        gdal::srs_from_user(m_rulebook.working_crs, "working_crs");
    } catch (const RulebookError&) {
        throw;
    } catch (const Error& e) {
        throw RulebookError(m_rulebook.path, 0, "working_crs", e.what());
    }

    // Configure every check before touching a layer: rulebook mistakes are
    // reported without waiting for data to load.
    ConfigEnv env{m_rulebook, IndustryTable::gbt4754_2017(), m_options.lang, &m_warnings};
    const CheckRegistry& registry = CheckRegistry::builtin();
    if (!m_rulebook.coverage.empty()) {
        YAML::Node n;
        n["id"] = "COVERAGE";
        n["type"] = "coverage";
        n["layer"] = m_rulebook.coverage;
        n["clause"] = tr(m_options.lang, "项目须位于本规则集管控范围内方可完成核查",
                         "the site must lie within the area this rulebook governs to be checked");
        auto c = registry.create("coverage");
        c->configure(CheckSpec{"COVERAGE", "coverage", Params(n, m_rulebook.path, "coverage")}, env);
        m_checks.push_back(std::move(c));
    }
    for (const CheckSpec& spec : m_rulebook.checks) {
        auto c = registry.create(spec.type);
        if (!c)
            spec.params.fail("type", "unknown check type '" + spec.type + "' (known: " +
                                         join(registry.names(), ", ") + ")");
        c->configure(spec, env);
        m_checks.push_back(std::move(c));
    }

    m_layers = std::make_unique<LayerSet>(m_rulebook, m_load_ctx);
    for (auto& c : m_checks)
        c->prepare(*m_layers);
    if (!m_rulebook.township_layer.empty())
        m_townships = m_layers->find(m_rulebook.township_layer);
    if (!m_rulebook.unit_layer.empty())
        m_units = m_layers->find(m_rulebook.unit_layer);
}

Engine::~Engine() = default;

Engine::Worker::Worker(const Engine& engine)
    : m_engine(engine), m_ws(engine.layers()), m_transforms(engine.layers().working_srs())
{
}

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
    bool finite = true;
};

/// The geographic bounds problem of a geometry in degrees, or "".
class RangeCheck final : public OGRDefaultConstGeometryVisitor {
public:
    explicit RangeCheck(Lang lang) : m_lang(lang) {}
    using OGRDefaultConstGeometryVisitor::visit;
    void visit(const OGRPoint* p) override
    {
        if (p->IsEmpty() || !problem.empty())
            return;
        if (std::fabs(p->getY()) > 90)
            problem = tr(m_lang, "纬度 " + format_number(p->getY(), 6) + " 超出 ±90°",
                         "latitude " + format_number(p->getY(), 6) + " is beyond ±90°") +
                      (std::fabs(p->getX()) <= 90 && std::fabs(p->getY()) <= 180
                           ? tr(m_lang, "（经纬度可能颠倒）", " (lat/lon swapped?)")
                           : std::string());
        else if (std::fabs(p->getX()) > 180)
            problem = tr(m_lang, "经度 " + format_number(p->getX(), 6) + " 超出 ±180°",
                         "longitude " + format_number(p->getX(), 6) + " is beyond ±180°");
    }
    std::string problem;

private:
    Lang m_lang;
};

std::string compose_message(const SiteResult& r, Lang lang)
{
    if (r.verdict == Outcome::Error)
        return verdict_word(r.verdict, lang) + tr(lang, "：", ": ") + r.error;
    std::vector<std::string> parts;
    for (const auto& f : r.findings)
        if (f.outcome != Outcome::Info)
            parts.push_back(f.rule_id + " " + f.detail);
    if (parts.empty())
        return verdict_word(r.verdict, lang) +
               tr(lang, "：未触及任何管控规则", ": no rule is triggered");
    const std::size_t shown = 6;
    std::string more;
    if (parts.size() > shown) {
        more = tr(lang, "；等 " + std::to_string(parts.size()) + " 项",
                  "; " + std::to_string(parts.size() - shown) + " more");
        parts.resize(shown);
    }
    return verdict_word(r.verdict, lang) + tr(lang, "：", ": ") + join(parts, tr(lang, "；", "; ")) +
           more;
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
        r.error = e.what();
    } catch (const Error& e) {
        // A GEOS/GDAL failure on one record must not stop the run.
        r.findings.clear();
        r.verdict = Outcome::Error;
        r.error = tr(m_engine.lang(), "几何运算失败：", "geometry operation failed: ") + e.what();
    }
    r.message = compose_message(r, m_engine.lang());
    return r;
}

void Engine::Worker::screen_site(const Application& app, SiteResult& r)
{
    const Lang lang = m_engine.lang();
    if (!app.read_error.empty())
        throw RecordError(app.read_error);

    // Industry first: a record without a valid code is unusable.
    const IndustryTable& table = IndustryTable::gbt4754_2017();
    const std::string raw_code = trim(app.industry);
    if (raw_code.empty())
        throw RecordError(tr(lang, "缺少行业代码", "the industry code is missing"));
    auto code = table.normalise(raw_code);
    if (!code)
        throw RecordError(tr(lang, "行业代码「" + raw_code + "」不在 GB/T 4754-2017 中",
                             "industry code '" + raw_code + "' is not in GB/T 4754-2017"));
    Industry industry;
    industry.code = *code;
    industry.name = table.find(*code)->name;
    industry.cls = m_engine.rulebook().industry_classes.class_of(*code);
    r.industry = industry.code;

    // Geometry: parse, check, reproject, convert.
    gdal::GeometryPtr g;
    if (app.has_wkb) {
        if (app.wkb.empty())
            throw RecordError(tr(lang, "记录没有几何", "the record has no geometry"));
        g = wkb_to_ogr(app.wkb);
    } else {
        g = parse_text_geometry(app.geometry_text, lang);
    }
    if (g->IsEmpty())
        throw RecordError(tr(lang, "几何为空（EMPTY）", "the geometry is empty"));
    FiniteCheck finite;
    g->accept(&finite);
    if (!finite.finite)
        throw RecordError(tr(lang, "几何含非有限坐标（NaN 或无穷）",
                             "the geometry has a non-finite coordinate (NaN or infinity)"));
    const OGRSpatialReference& from = app.srs ? *app.srs : m_engine.input_srs();
    if (from.IsGeographic()) {
        RangeCheck range(lang);
        g->accept(&range);
        if (!range.problem.empty())
            throw RecordError(tr(lang, "坐标超出范围：", "coordinates out of range: ") +
                              range.problem);
    }
    if (app.datum != coords::Datum::Wgs84) {
        // --coords gcj02|bd09: web-map coordinates back to WGS84/CGCS2000
        // before anything is measured or reported.
        if (!from.IsGeographic())
            throw RecordError(tr(lang, "--coords " + coords::datum_name(app.datum) + " 仅适用于经纬度坐标",
                                 "--coords " + coords::datum_name(app.datum) +
                                     " applies to geographic (lon/lat) coordinates only"));
        if (!coords::to_wgs84(app.datum, *g))
            throw RecordError(tr(lang, "无法从 " + coords::datum_name(app.datum) + " 转换坐标",
                                 "cannot convert the coordinates from " + coords::datum_name(app.datum)));
    }
    if (m_engine.m_options.keep_input_geometry) {
        r.input_geometry.resize(g->WkbSize());
        if (g->exportToWkb(wkbNDR, r.input_geometry.data(), wkbVariantIso) != OGRERR_NONE)
            r.input_geometry.clear();
    }
    if (OGRCoordinateTransformation* ct = m_transforms.from(app.srs ? *app.srs : m_engine.m_input_srs)) {
        gdal::ErrorCapture capture;
        if (g->transform(ct) != OGRERR_NONE)
            throw RecordError(tr(lang, "无法转换到工作坐标系 ", "cannot transform to the working CRS ") +
                              m_engine.rulebook().working_crs);
        FiniteCheck after;
        g->accept(&after);
        if (!after.finite)
            throw RecordError(tr(lang, "无法转换到工作坐标系 ", "cannot transform to the working CRS ") +
                              m_engine.rulebook().working_crs);
    }

    geos::Context& ctx = m_ws.ctx();
    geos::GeomPtr geom;
    int dim = 0;
    if (g->getGeometryType() == wkbPoint) {
        // Most applications are 2D points: no WKB round trip into GEOS, and
        // a finite point is valid. OGR's NDR WKB of a 2D point is GEOS's.
        const OGRPoint* p = g->toPoint();
        geom = geos::own(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), p->getX(), p->getY()),
                         "point");
        r.geometry = ogr_to_wkb(*g);
    } else {
        geom = ogr_to_geos(ctx, *g);
        dim = geos::dimension(ctx, geom.get());
        if (!geos::predicate(ctx, GEOSisValid_r(ctx.handle(), geom.get()), "isValid")) {
            geos::GeomPtr fixed =
                geos::own(ctx, GEOSMakeValid_r(ctx.handle(), geom.get()), "make-valid");
            geom = geos::keep_dimension(ctx, fixed.get(), dim);
            if (geos::is_empty(ctx, geom.get()))
                throw RecordError(tr(lang, "几何无效且无法修复",
                                     "the geometry is invalid and cannot be repaired"));
        }
        r.geometry = geos::to_wkb(ctx, geom.get());
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
    m_memo.clear();
    site.memo = &m_memo;

    for (const auto& check : m_engine.checks())
        check->evaluate(site, m_ws, r.findings);

    Tolerances tol{m_engine.rulebook().area_tolerance, m_engine.rulebook().length_tolerance};
    if (m_engine.m_townships) {
        for (const Hit& h : overlaps(m_ws, site, LayerSubset{m_engine.m_townships, nullptr, ""}, tol)) {
            const LayerFeature& f = m_engine.m_townships->feature(h.feature);
            r.township_keys.push_back(f.key);
            r.townships.push_back(f.label.empty() ? f.key : f.label);
        }
    }
    if (m_engine.m_units) {
        for (const Hit& h : overlaps(m_ws, site, LayerSubset{m_engine.m_units, nullptr, ""}, tol))
            r.units.push_back(m_engine.m_units->feature(h.feature).key);
    }

    r.verdict = Outcome::Pass;
    for (const auto& f : r.findings)
        if (f.outcome != Outcome::Info && f.outcome > r.verdict)
            r.verdict = f.outcome;
}

} // namespace redline
