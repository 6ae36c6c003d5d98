// write_zoning_report(): one self-contained HTML page -- the map of the
// polygons (SVG, coloured by verdict, simplified for the screen) and the
// summary table (km² per verdict per township).
#include "redline/zoning.hpp"

#include "redline/error.hpp"
#include "redline/geos.hpp"
#include "redline/rulebook.hpp"
#include "redline/words.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace redline {

namespace {

const Outcome k_verdicts[] = {Outcome::Pass, Outcome::Conditional, Outcome::Incomplete, Outcome::Fail};

const char* colour(Outcome o)
{
    switch (o) {
    case Outcome::Pass: return "#1a9850";
    case Outcome::Conditional: return "#f5a623";
    case Outcome::Incomplete: return "#7890b0";
    default: return "#d7191c";
    }
}

/// Appends the rings of polygon `g` as SVG path commands.
void rings(geos::Context& ctx, const GEOSGeometry* g, const geos::Bounds& b, double scale, std::ostream& out)
{
    auto ring = [&](const GEOSGeometry* r) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), r);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n);
        for (unsigned i = 0; i < n; ++i) {
            double x = 0, y = 0;
            GEOSCoordSeq_getXY_r(ctx.handle(), seq, i, &x, &y);
            out << (i ? 'L' : 'M') << format_number((x - b.minx) * scale, 1) << ','
                << format_number((b.maxy - y) * scale, 1);
        }
        out << 'Z';
    };
    ring(GEOSGetExteriorRing_r(ctx.handle(), g));
    for (int i = 0; i < GEOSGetNumInteriorRings_r(ctx.handle(), g); ++i)
        ring(GEOSGetInteriorRingN_r(ctx.handle(), g, i));
}

std::string svg_map(const ZoningResult& z)
{
    geos::Context ctx;
    std::vector<geos::GeomPtr> geoms;
    geos::Bounds b{1e300, 1e300, -1e300, -1e300};
    for (const ZoningPolygon& p : z.polygons) {
        geoms.push_back(geos::from_wkb(ctx, p.wkb));
        const geos::Bounds pb = geos::bounds(ctx, geoms.back().get());
        b = {std::min(b.minx, pb.minx), std::min(b.miny, pb.miny), std::max(b.maxx, pb.maxx),
             std::max(b.maxy, pb.maxy)};
    }
    if (geoms.empty())
        return {};
    const double width = 900;
    const double scale = width / std::max(b.maxx - b.minx, 1.0);
    const double height = (b.maxy - b.miny) * scale;
    std::ostringstream out;
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << format_number(width, 0) << ' '
        << format_number(height, 0) << "\" width=\"100%\">";
    for (std::size_t i = 0; i < geoms.size(); ++i) {
        // Half a pixel of the map: invisible, and the page stays small.
        geos::GeomPtr s = geos::own(ctx, GEOSTopologyPreserveSimplify_r(ctx.handle(), geoms[i].get(), 0.5 / scale),
                                    "simplify");
        if (GEOSGeomTypeId_r(ctx.handle(), s.get()) != GEOS_POLYGON)
            continue;
        const ZoningPolygon& p = z.polygons[i];
        out << "<path fill-rule=\"evenodd\" fill=\"" << colour(p.verdict)
            << "\" fill-opacity=\"0.75\" stroke=\"#333\" stroke-width=\"0.3\" d=\"";
        rings(ctx, s.get(), b, scale, out);
        out << "\"><title>" << html_escape(std::string(outcome_name(p.verdict)) + " " + join(p.rule_ids, ",") +
                                           " " + join(p.townships, ";") + " " + join(p.units, ";"))
            << "</title></path>";
    }
    out << "</svg>";
    return out.str();
}

std::string summary_table(const ZoningResult& z, Lang lang)
{
    std::ostringstream out;
    out << "<table><tr><th>" << tr(lang, "乡镇", "township") << "</th>";
    for (Outcome o : k_verdicts)
        out << "<th><span class=\"sw\" style=\"background:" << colour(o) << "\"></span>"
            << html_escape(verdict_word(o, lang)) << " km²</th>";
    out << "<th>" << tr(lang, "合计 km²", "total km²") << "</th></tr>";
    std::map<Outcome, double> all;
    for (const ZoningSummaryRow& row : z.summary) {
        out << "<tr><td>" << html_escape(row.township.empty() ? tr(lang, "（无乡镇）", "(none)") : row.township)
            << "</td>";
        double total = 0;
        for (Outcome o : k_verdicts) {
            auto it = row.km2.find(o);
            const double v = it == row.km2.end() ? 0.0 : it->second;
            all[o] += v;
            total += v;
            out << "<td class=\"n\">" << format_number(v, 3) << "</td>";
        }
        out << "<td class=\"n\">" << format_number(total, 3) << "</td></tr>";
    }
    out << "<tr class=\"sum\"><td>" << tr(lang, "合计", "total") << "</td>";
    for (Outcome o : k_verdicts)
        out << "<td class=\"n\">" << format_number(all[o], 3) << "</td>";
    out << "<td class=\"n\">" << format_number(z.coverage_km2, 3) << "</td></tr></table>";
    return out.str();
}

} // namespace

void write_zoning_report(const Engine& engine, const ZoningResult& z, const std::string& path, Lang lang)
{
    std::ostringstream page;
    std::string attrs;
    for (const auto& [k, v] : z.attributes)
        attrs += (attrs.empty() ? "" : "，") + k + " = " + v.value_or("");
    page << "<!DOCTYPE html><html lang=\"" << lang_code(lang) << "\"><head><meta charset=\"utf-8\"><title>"
         << html_escape(tr(lang, "选址指引 ", "Siting guidance ") + z.industry) << "</title><style>"
         << "body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em;color:#222}"
         << "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px}"
         << "td.n{text-align:right}tr.sum td{font-weight:bold}"
         << ".sw{display:inline-block;width:1em;height:1em;margin-right:4px;vertical-align:middle}"
         << "</style></head><body><h1>" << html_escape(tr(lang, "选址指引：", "Siting guidance: ") + z.industry + " " + z.industry_name)
         << "</h1><p>" << html_escape(engine.rulebook().name) << "</p><p>"
         << html_escape(tr(lang, "申报参数：", "attributes: ") + (attrs.empty() ? tr(lang, "无", "none") : attrs))
         << "</p><p>"
         << html_escape(tr(lang, "每个多边形内任一点位的核查结论均为其颜色所示（点位项目）。",
                           "Every point site inside a polygon gets the verdict its colour shows."))
         << "</p>" << svg_map(z) << "<h2>" << tr(lang, "各乡镇面积（km²）", "Area by township (km²)") << "</h2>"
         << summary_table(z, lang) << "</body></html>\n";
    const std::string tmp = path + ".partial";
    {
        std::ofstream out(tmp, std::ios::binary);
        out << page.str();
        if (!out)
            throw OutputError("cannot write '" + path + "'");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw OutputError("cannot write '" + path + "': " + ec.message());
}

} // namespace redline
