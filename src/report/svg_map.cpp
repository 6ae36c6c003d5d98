// One site's map as inline SVG (report.hpp, SiteMap). Everything is drawn in
// the working CRS (projected, metres), so the scale bar is exact and north is
// grid north. Large constraint features (a township, a control unit) are
// clipped to the view and thinned to the pixel, so a section stays small
// whatever the size of the feature it hit.
#include "report/report.hpp"

#include "geometry/convert.hpp"
#include "redline/check.hpp"
#include "redline/layer.hpp"
#include "io/gdal.hpp"
#include "util/text.hpp"

#include <ogr_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace redline {

namespace {

constexpr double k_width = 640;
constexpr double k_height = 400;
constexpr double k_pad = 12;
constexpr double k_min_extent_m = 800; ///< a point site still shows its surroundings
constexpr double k_inner_w = k_width - 2 * k_pad;
constexpr double k_inner_h = k_height - 2 * k_pad;

std::string outcome_colour(Outcome o)
{
    switch (o) {
    case Outcome::Pass: return "#2e9e44";
    case Outcome::Info: return "#4a7fb5";
    case Outcome::Conditional: return "#f0a202";
    case Outcome::Incomplete: return "#7b8fa6";
    case Outcome::Fail: return "#d7191c";
    case Outcome::Error: return "#c51b7d";
    }
    return "#555555";
}

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

struct Box {
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    bool empty() const { return !(minx <= maxx && miny <= maxy); }
    double width() const { return maxx - minx; }
    double height() const { return maxy - miny; }
    void add(const Box& b)
    {
        minx = std::min(minx, b.minx);
        miny = std::min(miny, b.miny);
        maxx = std::max(maxx, b.maxx);
        maxy = std::max(maxy, b.maxy);
    }
    bool disjoint(const Box& b) const
    {
        return b.minx > maxx || b.maxx < minx || b.miny > maxy || b.maxy < miny;
    }
    bool contains(const Box& b) const
    {
        return b.minx >= minx && b.maxx <= maxx && b.miny >= miny && b.maxy <= maxy;
    }
};

Box envelope(const OGRGeometry& g)
{
    Box b;
    if (g.IsEmpty())
        return b;
    OGREnvelope e;
    g.getEnvelope(&e);
    b.minx = e.MinX;
    b.miny = e.MinY;
    b.maxx = e.MaxX;
    b.maxy = e.MaxY;
    return b;
}

/// World (metres) to SVG pixels, y down.
struct View {
    Box world;
    double scale = 1; ///< px per metre
    double x(double wx) const { return k_pad + (wx - world.minx) * scale; }
    double y(double wy) const { return k_pad + (world.maxy - wy) * scale; }
};

/// SVG path data and point markers for a geometry, thinned to half a pixel.
struct Shapes {
    std::string d;
    std::vector<std::pair<double, double>> points;
    bool has_area = false;
    bool has_line = false;
};

void add_curve(const OGRSimpleCurve& c, const View& v, bool close, Shapes& out)
{
    const int n = c.getNumPoints();
    if (n == 0)
        return;
    double lx = 0, ly = 0;
    for (int i = 0; i < n; ++i) {
        const double px = v.x(c.getX(i)), py = v.y(c.getY(i));
        if (i > 0 && i < n - 1 && std::hypot(px - lx, py - ly) < 0.5)
            continue;
        out.d += (i == 0 ? "M" : "L") + num(px) + " " + num(py);
        lx = px;
        ly = py;
    }
    if (close)
        out.d += "Z";
}

void add_geometry(const OGRGeometry& g, const View& v, Shapes& out)
{
    switch (wkbFlatten(g.getGeometryType())) {
    case wkbPoint: {
        const auto& p = *g.toPoint();
        if (!p.IsEmpty())
            out.points.emplace_back(v.x(p.getX()), v.y(p.getY()));
        break;
    }
    case wkbLineString:
        add_curve(*g.toLineString(), v, false, out);
        out.has_line = true;
        break;
    case wkbPolygon:
        for (const auto* ring : *g.toPolygon())
            add_curve(*ring, v, true, out);
        out.has_area = true;
        break;
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon:
    case wkbGeometryCollection:
        for (const auto* part : *g.toGeometryCollection())
            add_geometry(*part, v, out);
        break;
    default: {
        // Curves and the like: stroke them to their linear form first.
        gdal::GeometryPtr linear(g.getLinearGeometry());
        if (linear && wkbFlatten(linear->getGeometryType()) != wkbFlatten(g.getGeometryType()))
            add_geometry(*linear, v, out);
        break;
    }
    }
}

/// `g` cut to `clip` when it reaches outside it; null when nothing is left.
gdal::GeometryPtr clipped(const OGRGeometry& g, const Box& clip)
{
    const Box b = envelope(g);
    if (b.empty() || clip.disjoint(b))
        return nullptr;
    if (clip.contains(b))
        return gdal::GeometryPtr(g.clone());
    OGRLinearRing ring;
    ring.addPoint(clip.minx, clip.miny);
    ring.addPoint(clip.maxx, clip.miny);
    ring.addPoint(clip.maxx, clip.maxy);
    ring.addPoint(clip.minx, clip.maxy);
    ring.addPoint(clip.minx, clip.miny);
    OGRPolygon rect;
    rect.addRing(&ring);
    gdal::ErrorCapture quiet;
    gdal::GeometryPtr out(g.Intersection(&rect));
    if (!out || out->IsEmpty())
        return nullptr;
    return out;
}

/// Where to write a feature's label: a point on its (clipped) surface.
std::optional<std::pair<double, double>> label_point(const OGRGeometry& g, const View& v)
{
    gdal::ErrorCapture quiet;
    OGRGeometryH h = OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
    if (!h)
        return std::nullopt;
    gdal::GeometryPtr p(OGRGeometry::FromHandle(h));
    if (p->IsEmpty() || wkbFlatten(p->getGeometryType()) != wkbPoint)
        return std::nullopt;
    return std::make_pair(v.x(p->toPoint()->getX()), v.y(p->toPoint()->getY()));
}

/// Approximate width in px of an 11px label: CJK glyphs are square, the rest about half.
double text_width(const std::string& s)
{
    double w = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            w += c >= 0xE0 ? 11.0 : 6.2;
    return w;
}

/// 1, 2 or 5 times a power of ten, at most `target`.
double nice_length(double target)
{
    const double p = std::pow(10.0, std::floor(std::log10(target)));
    for (double m : {5.0, 2.0, 1.0})
        if (m * p <= target)
            return m * p;
    return p;
}

std::string draw(const Shapes& s, const std::string& cls, const std::string& colour,
                 double radius)
{
    std::string out;
    if (!s.d.empty())
        out += "<path class=\"" + cls + (s.has_area ? "" : " line") + "\" d=\"" + s.d +
               "\" style=\"--c:" + colour + "\"/>";
    for (const auto& [x, y] : s.points)
        out += "<circle class=\"" + cls + "\" cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" +
               num(radius) + "\" style=\"--c:" + colour + "\"/>";
    return out;
}

/// A constraint feature a finding names.
struct Drawn {
    const Layer* layer;
    std::size_t feature;
    Outcome outcome;
    bool zone; ///< a zone the site lies in (unit, township): outline only
};

/// A finding's evidence geometry.
struct Evidence {
    gdal::GeometryPtr geometry;
    Outcome outcome;
    bool is_distance; ///< a setback's shortest line, not a piece of the site
};

/// What a site's map shows besides the site itself.
struct Contents {
    std::vector<Drawn> hits;
    std::vector<const Layer*> context;
    std::vector<Evidence> evidence;
};

/// The view, and the box the features are clipped to (a margin beyond it).
struct Frame {
    View view;
    Box clip;
};

/// A feature's label, at the point it would like to be written.
struct Label {
    std::string text;
    double x, y;
};

/// The features the findings name (most severe outcome first), and the
/// layers named without a feature (require_within, coverage): context.
/// `by_key(layer, key)` gives the indices of the layer's features with that key.
template <class ByKey>
Contents collect(const SiteResult& r, bool site_is_point, const LayerSet& layers, ByKey&& by_key)
{
    Contents c;
    std::set<std::pair<const Layer*, std::size_t>> seen;
    std::vector<const Finding*> by_severity;
    for (const auto& f : r.findings)
        by_severity.push_back(&f);
    std::stable_sort(by_severity.begin(), by_severity.end(),
                     [](const Finding* a, const Finding* b) { return a->outcome > b->outcome; });
    for (const Finding* f : by_severity) {
        const Layer* layer = f->layer.empty() ? nullptr : layers.find(f->layer);
        if (layer && !f->feature_key.empty()) {
            for (std::size_t i : by_key(*layer, f->feature_key))
                if (seen.emplace(layer, i).second)
                    c.hits.push_back({layer, i, f->outcome,
                                      f->check && f->check->info().drawing == Drawing::Zone});
        }
        if (layer && std::find(c.context.begin(), c.context.end(), layer) == c.context.end())
            c.context.push_back(layer);
        if (!f->evidence.empty()) {
            // A point site's point evidence is the site itself: drawn once, as the site.
            if (site_is_point && f->evidence.size() == r.geometry.size())
                continue;
            try {
                c.evidence.push_back({wkb_to_ogr(f->evidence), f->outcome,
                                      f->check && f->check->info().drawing == Drawing::Line});
            } catch (const std::exception&) {
            }
        }
    }
    return c;
}

/// `b` grown about its centre to at least `w` by `h`.
void grow_to(Box& b, double w, double h)
{
    const double cx = (b.minx + b.maxx) / 2, cy = (b.miny + b.maxy) / 2;
    w = std::max(w, b.width());
    h = std::max(h, b.height());
    b = Box{cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

/// The view: the site and its evidence, then any hit feature small
/// enough not to shrink them to a dot; at least k_min_extent_m across.
/// Nothing when there is nothing to frame.
std::optional<Frame> frame_for(const OGRGeometry& site, const Contents& c)
{
    Box world = envelope(site);
    for (const auto& e : c.evidence)
        world.add(envelope(*e.geometry));
    if (world.empty())
        return std::nullopt;
    grow_to(world, k_min_extent_m, k_min_extent_m);
    const double core = std::max(world.width(), world.height());
    for (const auto& h : c.hits) {
        const auto& b = h.layer->feature(h.feature).bounds;
        if (b.maxx - b.minx <= 3 * core && b.maxy - b.miny <= 3 * core)
            world.add(Box{b.minx, b.miny, b.maxx, b.maxy});
    }
    const double margin = 0.08 * std::max(world.width(), world.height());
    world = Box{world.minx - margin, world.miny - margin, world.maxx + margin, world.maxy + margin};
    grow_to(world, world.height() * k_inner_w / k_inner_h, world.width() * k_inner_h / k_inner_w);
    const Box clip{world.minx - margin, world.miny - margin, world.maxx + margin,
                   world.maxy + margin};
    return Frame{View{world, k_inner_w / world.width()}, clip};
}

/// The `<svg>` start tag, the clip path, the background and the opening of
/// the clipped group the map is drawn in.
std::string svg_start(const SiteResult& r, Lang lang)
{
    std::string out = "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                      num(k_width) + " " + num(k_height) + "\" role=\"img\" aria-label=\"" +
                      html_escape(tr(lang, "项目 ", "site ") + r.site_id) + "\">";
    out += "<defs><clipPath id=\"clip-" + std::to_string(r.index) + "\"><rect x=\"" + num(k_pad) +
           "\" y=\"" + num(k_pad) + "\" width=\"" + num(k_inner_w) + "\" height=\"" +
           num(k_inner_h) + "\"/></clipPath></defs>";
    out += "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"" + num(k_width) + "\" height=\"" +
           num(k_height) + "\"/>";
    out += "<g clip-path=\"url(#clip-" + std::to_string(r.index) + ")\">";
    return out;
}

/// Context: the features in view of every layer a finding names, hit or not.
std::string draw_context(const std::vector<const Layer*>& context, const Frame& f)
{
    std::string out;
    const Box& world = f.view.world;
    for (const Layer* layer : context) {
        const geos::Bounds q{world.minx, world.miny, world.maxx, world.maxy};
        std::size_t drawn = 0;
        for (auto i : layer->query(q)) {
            if (++drawn > 200)
                break;
            gdal::GeometryPtr g = clipped(*wkb_to_ogr(layer->feature(i).wkb), f.clip);
            if (!g)
                continue;
            Shapes s;
            add_geometry(*g, f.view, s);
            out += draw(s, "ctx", "#8a8a8a", 3);
        }
    }
    return out;
}

/// The features hit: zones first, then the least severe, so the worst is on
/// top. Each one drawn puts its label at the front of `candidates`.
std::string draw_hits(const std::vector<Drawn>& hits, const Frame& f,
                      std::vector<Label>& candidates)
{
    std::vector<const Drawn*> order;
    for (const auto& h : hits)
        order.push_back(&h);
    std::stable_sort(order.begin(), order.end(), [](const Drawn* a, const Drawn* b) {
        return a->zone != b->zone ? a->zone : a->outcome < b->outcome;
    });
    std::string out;
    for (const Drawn* h : order) {
        const LayerFeature& lf = h->layer->feature(h->feature);
        gdal::GeometryPtr g = clipped(*wkb_to_ogr(lf.wkb), f.clip);
        if (!g)
            continue;
        Shapes s;
        add_geometry(*g, f.view, s);
        out += draw(s, h->zone ? "hit zone" : "hit", outcome_colour(h->outcome), 5);
        if (auto p = label_point(*g, f.view))
            candidates.insert(candidates.begin(),
                              Label{lf.label.empty() ? lf.key : lf.label, p->first, p->second});
    }
    return out;
}

/// The `<text>` of the candidates that find room, in their order: each
/// where it would like to be or a little above or below, never over the
/// site or a label already placed.
std::string place_labels(const std::vector<Label>& candidates, const OGRGeometry& site,
                         const View& v)
{
    std::string labels;
    std::vector<Box> placed; // labels never cover the site
    {
        const Box e = envelope(site);
        placed.push_back(Box{v.x(e.minx) - 7, v.y(e.maxy) - 7, v.x(e.maxx) + 7, v.y(e.miny) + 7});
    }
    for (const Label& l : candidates) {
        const double w = text_width(l.text);
        // Slide the label inside the frame rather than lose it at an edge.
        const double x = std::clamp(l.x, k_pad + w / 2 + 4, k_width - k_pad - w / 2 - 4);
        for (double dy : {0.0, 15.0, -15.0, 30.0, -30.0}) {
            const Box b{x - w / 2 - 2, l.y + dy - 11, x + w / 2 + 2, l.y + dy + 3};
            if (b.miny < k_pad || b.maxy > k_height - k_pad)
                continue;
            if (std::any_of(placed.begin(), placed.end(),
                            [&](const Box& o) { return !o.disjoint(b); }))
                continue;
            placed.push_back(b);
            labels += "<text class=\"lbl\" x=\"" + num(x) + "\" y=\"" + num(l.y + dy) + "\">" +
                      html_escape(l.text) + "</text>";
            break;
        }
    }
    return labels;
}

/// The site, then its evidence over it: the pieces of a line site that
/// overlap are highlighted on the line itself.
std::string draw_site_and_evidence(const OGRGeometry& site, bool site_is_point, Outcome verdict,
                                   const std::vector<Evidence>& evidence, const Frame& f)
{
    const bool site_is_line = !site_is_point && site.getDimension() == 1;
    std::string site_svg;
    {
        Shapes s;
        add_geometry(site, f.view, s);
        site_svg = draw(s, "site", outcome_colour(verdict), 6);
    }
    std::string out;
    if (site_is_line)
        out += site_svg;
    for (const Evidence& e : evidence) {
        gdal::GeometryPtr g = clipped(*e.geometry, f.clip);
        if (!g)
            continue;
        Shapes s;
        add_geometry(*g, f.view, s);
        out += draw(s, e.is_distance ? "ev dist" : "ev", outcome_colour(e.outcome), 8);
    }
    if (!site_is_line)
        out += site_svg;
    return out;
}

/// Scale bar (metres), bottom left.
std::string scale_bar(const View& v)
{
    const double len = nice_length(v.world.width() / 4);
    const double bar = len * v.scale;
    const double bx = k_pad + 14, by = k_height - k_pad - 18;
    std::string out = "<g class=\"scale\"><rect class=\"halo\" x=\"" + num(bx - 8) + "\" y=\"" +
                      num(by - 18) + "\" width=\"" + num(bar + 62) + "\" height=\"32\"/>";
    for (int i = 0; i < 4; ++i)
        out += "<rect x=\"" + num(bx + bar * i / 4) + "\" y=\"" + num(by) + "\" width=\"" +
               num(bar / 4) + "\" height=\"6\" class=\"" + (i % 2 ? "w" : "k") + "\"/>";
    out += "<text x=\"" + num(bx) + "\" y=\"" + num(by - 4) + "\">0</text><text x=\"" +
           num(bx + bar / 2) + "\" y=\"" + num(by - 4) + "\">" + format_number(len / 2, 1) +
           "</text><text x=\"" + num(bx + bar) + "\" y=\"" + num(by - 4) + "\">" +
           format_number(len, 0) + "</text><text class=\"unit\" x=\"" + num(bx + bar + 10) +
           "\" y=\"" + num(by + 6) + "\">m</text></g>";
    return out;
}

/// North arrow (grid north of the working CRS), top right.
std::string north_arrow(Lang lang)
{
    const double nx = k_width - k_pad - 26, ny = k_pad + 12;
    return "<g class=\"north\"><circle class=\"halo\" cx=\"" + num(nx) + "\" cy=\"" +
           num(ny + 20) + "\" r=\"22\"/><path d=\"M" + num(nx) + " " + num(ny + 4) + "L" +
           num(nx + 8) + " " + num(ny + 32) + "L" + num(nx) + " " + num(ny + 26) +
           "Z\" class=\"k\"/><path d=\"M" + num(nx) + " " + num(ny + 4) + "L" + num(nx - 8) + " " +
           num(ny + 32) + "L" + num(nx) + " " + num(ny + 26) + "Z\" class=\"w\"/><text x=\"" +
           num(nx) + "\" y=\"" + num(ny + 2) + "\">" + tr(lang, "北", "N") + "</text></g>";
}

} // namespace

const std::vector<std::size_t>& SiteMap::features_by_key(const Layer& layer, const std::string& key)
{
    auto [it, fresh] = m_keys.try_emplace(&layer);
    if (fresh)
        for (std::size_t i = 0; i < layer.size(); ++i)
            it->second[layer.feature(i).key].push_back(i);
    static const std::vector<std::size_t> none;
    auto f = it->second.find(key);
    return f == it->second.end() ? none : f->second;
}

std::string SiteMap::svg(const SiteResult& r)
{
    if (r.geometry.empty())
        return "";
    const Lang lang = m_lang;
    gdal::GeometryPtr site;
    try {
        site = wkb_to_ogr(r.geometry);
    } catch (const std::exception&) {
        return "";
    }
    const bool site_is_point = wkbFlatten(site->getGeometryType()) == wkbPoint;
    const Contents c = collect(r, site_is_point, m_engine.layers(),
                               [this](const Layer& layer, const std::string& key)
                                   -> const std::vector<std::size_t>& {
                                   return features_by_key(layer, key);
                               });
    const std::optional<Frame> f = frame_for(*site, c);
    if (!f)
        return "";

    std::string out = svg_start(r, lang);
    out += draw_context(c.context, *f);
    std::vector<Label> candidates; // most severe first: they win the space
    out += draw_hits(c.hits, *f, candidates);
    const std::string labels = place_labels(candidates, *site, f->view);
    out += draw_site_and_evidence(*site, site_is_point, r.verdict, c.evidence, *f);
    out += labels + "</g>";
    out += scale_bar(f->view);
    out += north_arrow(lang);
    out += "<text class=\"crs\" x=\"" + num(k_width - k_pad - 4) + "\" y=\"" +
           num(k_height - k_pad - 6) + "\">" +
           html_escape(gdal::srs_label(m_engine.layers().working_srs())) + "</text>";
    out += "<rect class=\"frame\" x=\"" + num(k_pad) + "\" y=\"" + num(k_pad) + "\" width=\"" +
           num(k_inner_w) + "\" height=\"" + num(k_inner_h) + "\"/></svg>";
    return out;
}

} // namespace redline
