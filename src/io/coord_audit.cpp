#include "io/coord_audit.hpp"

#include "geometry/convert.hpp"
#include "geometry/feature_index.hpp"
#include "redline/engine.hpp"
#include "redline/error.hpp"
#include "geometry/geometry_text.hpp"
#include "util/text.hpp"
#include "redline/workspace.hpp"

#include <cmath>

namespace redline {

CoordinateAudit::CoordinateAudit(const Engine& engine, coords::Datum given, std::size_t max_samples)
    : m_engine(engine), m_given(given), m_max(max_samples),
      m_transforms(engine.layers().working_srs())
{
    const Rulebook& rb = engine.rulebook();
    for (const std::string& name : {rb.coverage, rb.unit_layer, rb.township_layer}) {
        if (name.empty())
            continue;
        if (const Layer* l = engine.layers().find(name); l && l->size() > 0) {
            m_coverage = l;
            break;
        }
    }
    if (m_coverage)
        m_ws = std::make_unique<Workspace>(engine.layers());
}

CoordinateAudit::~CoordinateAudit() = default;

bool CoordinateAudit::inside(const OGRSpatialReference& from, coords::LonLat p)
{
    if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::fabs(p.lat) > 90 ||
        std::fabs(p.lon) > 180)
        return false;
    double x = p.lon, y = p.lat;
    if (OGRCoordinateTransformation* ct = m_transforms.from(from)) {
        gdal::ErrorCapture quiet;
        if (!ct->Transform(1, &x, &y) || !std::isfinite(x) || !std::isfinite(y))
            return false;
    }
    geos::Context& ctx = m_ws->ctx();
    geos::GeomPtr point = geos::own(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), x, y), "point");
    for (std::uint32_t i : m_coverage->query(geos::Bounds{x, y, x, y})) {
        // The feature's shared point index when it has one (GEOS's answer).
        if (const FeatureIndex* index = m_coverage->point_index(i)) {
            if (index->intersects({x, y}))
                return true;
            continue;
        }
        if (geos::predicate(ctx,
                            GEOSPreparedIntersects_r(ctx.handle(), m_ws->prepared(*m_coverage, i),
                                                     point.get()),
                            "intersects"))
            return true;
    }
    return false;
}

void CoordinateAudit::add(const Application& app)
{
    if (m_stats.sampled >= m_max || !app.read_error.empty())
        return;
    const OGRSpatialReference& from = app.srs ? *app.srs : m_engine.input_srs();
    if (!from.IsGeographic())
        return;
    try {
        gdal::GeometryPtr g;
        if (app.has_wkb) {
            if (app.wkb.empty())
                return;
            g = wkb_to_ogr(app.wkb);
        } else {
            g = parse_text_geometry(app.geometry_text);
        }
        if (!g || g->IsEmpty())
            return;
        OGREnvelope env;
        g->getEnvelope(&env);
        const coords::LonLat p{(env.MinX + env.MaxX) / 2, (env.MinY + env.MaxY) / 2};
        if (!std::isfinite(p.lon) || !std::isfinite(p.lat))
            return;
        ++m_stats.sampled;
        if (std::fabs(p.lon) <= 90 && std::fabs(p.lat) > 90 && std::fabs(p.lat) <= 180) {
            ++m_stats.range_swapped;
            if (m_swap_examples.size() < 5)
                m_swap_examples.push_back(app.site_id);
        }
        if (!m_coverage)
            return;
        const coords::LonLat swapped{p.lat, p.lon};
        const bool given = inside(from, coords::to_wgs84(m_given, p));
        m_stats.as_given_in += given ? 1 : 0;
        auto tally = [&](Reading& r, bool in) {
            r.in += in ? 1 : 0;
            r.gained += in && !given ? 1 : 0;
            r.lost += !in && given ? 1 : 0;
        };
        tally(m_stats.swapped, inside(from, coords::to_wgs84(m_given, swapped)));
        if (m_given == coords::Datum::Wgs84) {
            tally(m_stats.gcj02, inside(from, coords::gcj02_to_wgs84(p).value));
            tally(m_stats.bd09, inside(from, coords::bd09_to_wgs84(p).value));
        } else {
            tally(m_stats.wgs84, inside(from, p));
        }
    } catch (const Error&) {
        // An unusable record is the engine's to report, not the audit's.
    }
}

namespace {

/// A reading fits better than the one given: it gains points and loses
/// none, or at least five times fewer than it gains.
bool better(const CoordinateAudit::Reading& r)
{
    return r.gained >= 2 && r.gained >= 5 * r.lost;
}

std::string share(std::size_t n, std::size_t of)
{
    return std::to_string(n) + "/" + std::to_string(of);
}

} // namespace

std::vector<std::string> CoordinateAudit::warnings(Lang lang) const
{
    std::vector<std::string> out;
    const Stats& s = m_stats;
    if (s.range_swapped > 0)
        out.push_back(tr(lang,
                         std::to_string(s.range_swapped) + " 条记录的纬度超出 ±90° 而经度在 ±90° 以内：经纬度可能颠倒（如 " +
                             join(m_swap_examples, "、") + "）；这些记录为 ERROR，坐标未作改动",
                         std::to_string(s.range_swapped) +
                             " records have a latitude beyond ±90° and a longitude within ±90°: "
                             "lat/lon swapped? (e.g. " + join(m_swap_examples, ", ") +
                             "); they are ERROR, coordinates left as given"));
    if (!m_coverage || s.sampled == 0)
        return out;
    const std::string cov = m_coverage->name();
    if (better(s.swapped) && s.swapped.in * 2 >= s.sampled)
        out.push_back(tr(lang,
                         "经纬度可能颠倒：抽查的 " + std::to_string(s.sampled) + " 个点中，按原样有 " +
                             share(s.as_given_in, s.sampled) + " 落在管控范围（" + cov +
                             "）内，交换经纬度后有 " + share(s.swapped.in, s.sampled) + "；坐标未作改动",
                         "lat/lon look swapped: of " + std::to_string(s.sampled) +
                             " sampled points, " + share(s.as_given_in, s.sampled) +
                             " lie in the coverage (" + cov + ") as given and " +
                             share(s.swapped.in, s.sampled) +
                             " with lon and lat exchanged; coordinates left as given"));
    auto datum_warning = [&](const Reading& r, const std::string& datum, const std::string& hint_zh,
                             const std::string& hint_en) {
        if (!better(r))
            return;
        out.push_back(tr(lang,
                         "坐标可能是 " + datum + "：抽查的 " + std::to_string(s.sampled) + " 个点中，按原样有 " +
                             share(s.as_given_in, s.sampled) + " 落在管控范围（" + cov + "）内，按 " +
                             datum + " 换算后有 " + share(r.in, s.sampled) + "（多 " +
                             std::to_string(r.gained) + "，少 " + std::to_string(r.lost) + "）；" +
                             hint_zh + "；坐标未作改动",
                         "the coordinates look like " + datum + ": of " + std::to_string(s.sampled) +
                             " sampled points, " + share(s.as_given_in, s.sampled) +
                             " lie in the coverage (" + cov + ") as given and " + share(r.in, s.sampled) +
                             " read as " + datum + " (+" + std::to_string(r.gained) + ", -" +
                             std::to_string(r.lost) + "); " + hint_en + "; coordinates left as given"));
    };
    if (m_given == coords::Datum::Wgs84) {
        // GCJ-02 and BD-09 readings of the same points overlap: report the
        // one that fits best.
        const Reading& best = s.bd09.in > s.gcj02.in && better(s.bd09) ? s.bd09 : s.gcj02;
        const std::string d = &best == &s.bd09 ? "bd09" : "gcj02";
        datum_warning(best, d == "bd09" ? "BD-09（百度）" : "GCJ-02（高德/腾讯）",
                      "如坐标取自网络地图，请加 --coords " + d,
                      "if they come from a web map, rerun with --coords " + d);
    } else {
        datum_warning(s.wgs84, "WGS84/CGCS2000", "请检查 --coords " + coords::datum_name(m_given) + " 是否正确",
                      "check that --coords " + coords::datum_name(m_given) + " is right");
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> CoordinateAudit::run_info() const
{
    std::vector<std::pair<std::string, std::string>> out;
    const Stats& s = m_stats;
    out.emplace_back("coords_check.sampled", std::to_string(s.sampled));
    out.emplace_back("coords_check.coverage_layer", m_coverage ? m_coverage->name() : "");
    out.emplace_back("coords_check.in_coverage_as_given", std::to_string(s.as_given_in));
    out.emplace_back("coords_check.in_coverage_swapped", std::to_string(s.swapped.in));
    if (m_given == coords::Datum::Wgs84) {
        out.emplace_back("coords_check.in_coverage_as_gcj02", std::to_string(s.gcj02.in));
        out.emplace_back("coords_check.in_coverage_as_bd09", std::to_string(s.bd09.in));
    } else {
        out.emplace_back("coords_check.in_coverage_as_wgs84", std::to_string(s.wgs84.in));
    }
    out.emplace_back("coords_check.lat_beyond_90_lon_within_90", std::to_string(s.range_swapped));
    return out;
}

} // namespace redline
