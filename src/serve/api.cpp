#include "serve/api.hpp"

#include "serve/assets.hpp"
#include "serve/ogc.hpp"

#include "geometry/convert.hpp"
#include "geometry/coords.hpp"
#include "io/gdal.hpp"
#include "output/json_text.hpp"
#include "output/writers.hpp"
#include "redline/check.hpp"
#include "redline/error.hpp"
#include "redline/industry.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/source.hpp"
#include "util/text.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>

namespace redline::serve {

using json = nlohmann::ordered_json;

namespace {

/// A request the client got wrong: 400 with the field named.
struct BadRequest {
    std::string field;
    std::string detail;
    int status = 400;
};

std::string percent_decode(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%') {
            auto hex = [](char c) -> int {
                return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            };
            const int hi = i + 1 < s.size() ? hex(s[i + 1]) : -1, lo = i + 2 < s.size() ? hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                throw BadRequest{"", "bad percent-encoding in the query"};
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

struct Target {
    std::string path;
    std::map<std::string, std::string> query;
};

Target parse_target(const std::string& target)
{
    Target t;
    const auto q = target.find('?');
    t.path = target.substr(0, q);
    if (q == std::string::npos)
        return t;
    for (const auto& pair : split(target.substr(q + 1), '&')) {
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        t.query[percent_decode(pair.substr(0, eq))] =
            eq == std::string::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    return t;
}

json rulebook_json(const Engine& e)
{
    return {{"name", e.rulebook().name}, {"version", e.rulebook().version}, {"sha256", e.rulebook().sha256}};
}

Response json_response(const json& j, int status = 200)
{
    Response r;
    r.status = status;
    r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

Lang lang_of(const Target& t)
{
    auto it = t.query.find("lang");
    if (it == t.query.end())
        return Lang::Zh;
    if (auto l = parse_lang(it->second))
        return *l;
    throw BadRequest{"lang", "lang must be zh or en, not '" + it->second + "'"};
}

/// An attribute value as `batch` reads a CSV field: text as given, numbers as written.
std::optional<std::string> attribute_text(const json& v, const std::string& field)
{
    if (v.is_null())
        return std::nullopt;
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number())
        return v.dump();
    if (v.is_boolean())
        return v.get<bool>() ? "true" : "false";
    throw BadRequest{field, "an attribute is a string or a number"};
}

/// The site: a GeoJSON geometry object, WKT (or "lon,lat") text, or [lon, lat].
std::string site_text(const json& g, const std::string& field)
{
    if (g.is_object())
        return g.dump();
    if (g.is_string())
        return g.get<std::string>();
    if (g.is_array() && g.size() == 2 && g[0].is_number() && g[1].is_number())
        return g[0].dump() + "," + g[1].dump();
    throw BadRequest{field, "the site is a GeoJSON geometry, WKT text or [lon, lat]"};
}

/// How the request's coordinates are given: crs and coords (datum).
struct Frame {
    std::shared_ptr<const OGRSpatialReference> srs; ///< null = the rulebook's input_crs
    coords::Datum datum = coords::Datum::Wgs84;
};

Frame frame_of(const json& j, const Engine& engine, const std::string& prefix)
{
    Frame f;
    if (j.contains("crs") && !j["crs"].is_null()) {
        if (!j["crs"].is_string())
            throw BadRequest{prefix + "crs", "crs is a string such as EPSG:4490"};
        try {
            f.srs = std::make_shared<OGRSpatialReference>(gdal::srs_from_user(j["crs"].get<std::string>(), "crs"));
        } catch (const Error& e) {
            throw BadRequest{prefix + "crs", e.what()};
        }
    }
    if (j.contains("coords") && !j["coords"].is_null()) {
        auto d = j["coords"].is_string() ? coords::parse_datum(j["coords"].get<std::string>()) : std::nullopt;
        if (!d)
            throw BadRequest{prefix + "coords", "coords is wgs84, cgcs2000, gcj02 or bd09"};
        f.datum = *d;
        const OGRSpatialReference& s = f.srs ? *f.srs : engine.input_srs();
        if (f.datum != coords::Datum::Wgs84 && !s.IsGeographic())
            throw BadRequest{prefix + "coords", "coords " + coords::datum_name(f.datum) +
                                                    " needs geographic (lon/lat) coordinates"};
    }
    return f;
}

/// One application as `check` builds it: id, industry, then the attributes.
Application make_application(const std::string& id, const std::string& industry, std::string geometry,
                             const json* attrs, const std::string& attrs_field, const Frame& frame)
{
    Application app;
    app.site_id = id;
    app.industry = industry;
    app.geometry_text = std::move(geometry);
    app.attributes.emplace_back("id", id);
    app.attributes.emplace_back("industry", industry);
    if (attrs) {
        if (!attrs->is_object())
            throw BadRequest{attrs_field, "attrs is an object of name: value"};
        for (const auto& [k, v] : attrs->items())
            app.attributes.emplace_back(k, attribute_text(v, attrs_field + "." + k));
    }
    app.srs = frame.srs;
    app.datum = frame.datum;
    return app;
}

std::string text_or(const json& j, const char* key, const std::string& fallback, const std::string& field)
{
    if (!j.contains(key) || j[key].is_null())
        return fallback;
    if (j[key].is_string())
        return j[key].get<std::string>();
    if (j[key].is_number())
        return j[key].dump();
    throw BadRequest{field, std::string(key) + " is a string"};
}

/// A GeoJSON Feature: properties.id, properties.industry, every other property an attribute.
Application feature_application(const json& f, const Frame& frame, const std::string& field, std::size_t n)
{
    if (!f.is_object() || f.value("type", "") != "Feature")
        throw BadRequest{field, "expected a GeoJSON Feature"};
    const json props = f.contains("properties") && f["properties"].is_object() ? f["properties"] : json::object();
    json attrs = json::object();
    for (const auto& [k, v] : props.items())
        if (k != "id" && k != "industry")
            attrs[k] = v;
    const std::string id = text_or(props, "id", f.contains("id") && !f["id"].is_null()
                                                    ? (f["id"].is_string() ? f["id"].get<std::string>() : f["id"].dump())
                                                    : "#" + std::to_string(n + 1),
                                   field + ".properties.id");
    const std::string industry = text_or(props, "industry", "", field + ".properties.industry");
    std::string geometry;
    if (f.contains("geometry") && !f["geometry"].is_null())
        geometry = site_text(f["geometry"], field + ".geometry");
    return make_application(id, industry, geometry, &attrs, field + ".properties", frame);
}

/// The applications of a /v1/check body, and whether it was a collection.
std::vector<Application> check_applications(const json& j, const Engine& engine, const ApiLimits& limits,
                                            bool& collection)
{
    if (!j.is_object())
        throw BadRequest{"", "the body is a JSON object: {\"site\": ..., \"industry\": ...}, a Feature or a FeatureCollection"};
    const std::string type = j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : "";
    const Frame frame = frame_of(j, engine, "");
    std::vector<Application> apps;
    collection = type == "FeatureCollection";
    if (collection) {
        if (!j.contains("features") || !j["features"].is_array())
            throw BadRequest{"features", "a FeatureCollection has a features array"};
        const auto& fs = j["features"];
        if (fs.size() > limits.max_features)
            throw BadRequest{"features", std::to_string(fs.size()) + " features: at most " +
                                             std::to_string(limits.max_features) + " per request",
                             413};
        for (std::size_t i = 0; i < fs.size(); ++i)
            apps.push_back(feature_application(fs[i], frame, "features[" + std::to_string(i) + "]", i));
    } else if (type == "Feature") {
        apps.push_back(feature_application(j, frame, "", 0));
    } else {
        if (!j.contains("site"))
            throw BadRequest{"site", "site is required: a GeoJSON geometry, WKT text or [lon, lat]"};
        const std::string id = text_or(j, "id", "site", "id");
        const std::string industry = text_or(j, "industry", "", "industry");
        apps.push_back(make_application(id, industry, site_text(j["site"], "site"),
                                        j.contains("attrs") ? &j["attrs"] : nullptr, "attrs", frame));
    }
    for (std::size_t i = 0; i < apps.size(); ++i)
        apps[i].index = i;
    return apps;
}

/// This thread's screening state for the engine being served (rebuilt after
/// a reload; it keeps its engine alive while it exists): the worker and the
/// transformation back to the rulebook's input_crs (creating a PROJ
/// transformation costs more than screening a point).
struct Slot {
    std::shared_ptr<const Engine> engine; // destroyed after the rest
    std::unique_ptr<Engine::Worker> worker;
    gdal::TransformPtr to_input;
};

Slot& slot_for(const std::shared_ptr<const Engine>& engine)
{
    thread_local Slot slot;
    if (slot.engine != engine) {
        slot.worker.reset();
        slot.to_input.reset();
        slot.engine = engine;
        slot.worker = std::make_unique<Engine::Worker>(*engine, true);
        slot.to_input = to_input_transform(*engine, SourceInfo{});
    }
    return slot;
}

Response check(const Request& req, const Target& t, const Engine& engine,
               const std::shared_ptr<const Engine>& held, const ApiLimits& limits)
{
    if (req.method != "POST")
        throw BadRequest{"", "POST a site", 405};
    const Lang lang = lang_of(t);
    json body;
    try {
        body = json::parse(req.body);
    } catch (const json::parse_error& e) {
        throw BadRequest{"", std::string("the body is not JSON: ") + e.what()};
    }
    bool collection = false;
    std::vector<Application> apps = check_applications(body, engine, limits, collection);
    Slot& slot = slot_for(held);
    std::string results;
    gdal::TransformPtr own; // for a request in another CRS
    if (!apps.empty() && apps.front().srs) {
        SourceInfo info;
        info.srs = apps.front().srs;
        own = to_input_transform(engine, info);
    }
    OGRCoordinateTransformation* ct = apps.empty() || !apps.front().srs ? slot.to_input.get() : own.get();
    for (std::size_t i = 0; i < apps.size(); ++i) {
        SiteResult r = slot.worker->screen(apps[i]);
        render(r, lang);
        results += (i ? "," : "") + site_json(r, apps[i], ct);
    }
    const std::string rb = rulebook_json(engine).dump();
    Response res;
    if (collection)
        res.body = "{\"results\":[" + results + "],\"rulebook\":" + rb + "}";
    else
        res.body = results.substr(0, results.size() - 1) + ",\"rulebook\":" + rb + "}";
    return res;
}

/// The bounds of the box's four corners taken through `ct` (null: the box as it is).
geos::Bounds transformed_bounds(OGRCoordinateTransformation* ct, const geos::Bounds& b)
{
    double xs[4] = {b.minx, b.maxx, b.minx, b.maxx}, ys[4] = {b.miny, b.miny, b.maxy, b.maxy};
    if (ct)
        ct->Transform(4, xs, ys);
    return geos::Bounds{std::min({xs[0], xs[1], xs[2], xs[3]}), std::min({ys[0], ys[1], ys[2], ys[3]}),
                        std::max({xs[0], xs[1], xs[2], xs[3]}), std::max({ys[0], ys[1], ys[2], ys[3]})};
}

/// `to_input`: working CRS -> input_crs (null: the same).
json layer_summary(const Layer& l, OGRCoordinateTransformation* to_input)
{
    json j{{"name", l.name()}, {"features", l.size()}, {"source_crs", l.source_crs()}};
    if (l.size() > 0) {
        const geos::Bounds e = transformed_bounds(to_input, l.extent());
        j["extent"] = {e.minx, e.miny, e.maxx, e.maxy};
    }
    return j;
}

Response rulebook_info(const Engine& engine)
{
    json layers = json::array();
    const gdal::TransformPtr to_input = to_input_transform(engine, SourceInfo{});
    for (const auto& l : engine.layers().all())
        layers.push_back(layer_summary(*l, to_input.get()));
    json checks = json::array();
    json attrs = json::array();
    for (const auto& c : engine.checks())
        checks.push_back({{"id", c->id()}, {"type", c->type()}});
    // The attributes the checks read (ParamKind::Attr), for a form to ask for.
    for (const auto& spec : engine.rulebook().checks)
        if (auto info = CheckRegistry::builtin().info(spec.type))
            for (const auto& p : info->params)
                if (p.kind == ParamKind::Attr)
                    if (auto v = spec.params.optional_string(p.name))
                        attrs.push_back({{"name", *v}, {"check", spec.id}});
    return json_response({{"rulebook", rulebook_json(engine)},
                          {"input_crs", engine.rulebook().input_crs},
                          {"working_crs", engine.rulebook().working_crs},
                          {"layers", layers},
                          {"checks", checks},
                          {"attributes", attrs}});
}

Response industries(const Target& t)
{
    const std::string q = t.query.count("q") ? trim(t.query.at("q")) : "";
    std::size_t limit = 50;
    if (t.query.count("limit")) {
        auto n = parse_int(t.query.at("limit"));
        if (!n || *n < 1 || *n > 5000)
            throw BadRequest{"limit", "limit is a number from 1 to 5000"};
        limit = static_cast<std::size_t>(*n);
    }
    const std::string uq = to_upper_ascii(q);
    json out = json::array();
    for (const auto& [code, e] : IndustryTable::gbt4754_2017().entries()) {
        const bool hit = q.empty() || code.find(uq) != std::string::npos ||
                         code.substr(1).rfind(uq, 0) == 0 || e.name.find(q) != std::string::npos;
        if (!hit)
            continue;
        out.push_back({{"code", code}, {"name", e.name}, {"level", e.level}});
        if (out.size() >= limit)
            break;
    }
    return json_response({{"industries", out}});
}

Response layer_features(const Target& t, const std::string& name, const Engine& engine, const ApiLimits& limits)
{
    const Layer* layer = engine.layers().find(name);
    if (!layer)
        throw BadRequest{"name", "no layer '" + name + "' in the rulebook", 404};
    const gdal::TransformPtr to_input = to_input_transform(engine, SourceInfo{});
    gdal::TransformPtr to_working;
    if (to_input)
        to_working = gdal::make_transform(engine.input_srs(), engine.layers().working_srs());
    std::vector<std::uint32_t> ids;
    if (t.query.count("bbox")) {
        auto parts = split(t.query.at("bbox"), ',');
        std::vector<double> v;
        for (const auto& p : parts)
            if (auto d = parse_double(p))
                v.push_back(*d);
        if (v.size() != 4 || v[0] > v[2] || v[1] > v[3])
            throw BadRequest{"bbox", "bbox is minx,miny,maxx,maxy in the rulebook's input_crs"};
        ids = layer->query(transformed_bounds(to_working.get(), geos::Bounds{v[0], v[1], v[2], v[3]}));
    } else {
        for (std::uint32_t i = 0; i < layer->size(); ++i)
            ids.push_back(i);
    }
    JsonText j;
    j.begin_object().key("type").value("FeatureCollection").key("name").value(name);
    j.key("numberMatched").value(ids.size());
    const std::size_t n = std::min(ids.size(), limits.max_layer_features);
    j.key("numberReturned").value(n).key("features").begin_array();
    for (std::size_t k = 0; k < n; ++k) {
        const LayerFeature& f = layer->feature(ids[k]);
        gdal::GeometryPtr g = wkb_to_ogr(f.wkb);
        if (to_input)
            g->transform(to_input.get());
        j.begin_object().key("type").value("Feature").key("properties").begin_object();
        j.key("key").value(f.key).key("label").value(f.label).key("type").value(f.type).end_object();
        j.key("geometry").geometry(*g).end_object();
    }
    j.end_array().end_object();
    Response r;
    r.body = j.take();
    r.content_type = "application/geo+json; charset=utf-8";
    return r;
}

} // namespace

EngineHolder::EngineHolder(std::string rulebook_path)
    : m_path(std::move(rulebook_path)), m_engine(std::make_shared<const Engine>(m_path))
{
}

std::shared_ptr<const Engine> EngineHolder::get() const
{
    std::lock_guard lock(m_mutex);
    return m_engine;
}

void EngineHolder::reload()
{
    auto fresh = std::make_shared<const Engine>(m_path); // throws: the old one stays
    std::lock_guard lock(m_mutex);
    m_engine = std::move(fresh);
}

Response problem(int status, const std::string& title, const std::string& detail, const std::string& instance,
                 const std::string& field)
{
    json j{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}, {"instance", instance}};
    if (!field.empty())
        j["field"] = field;
    Response r = json_response(j, status);
    r.content_type = "application/problem+json; charset=utf-8";
    return r;
}

namespace {

const char* status_title(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Content";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

Response route(const Request& req, const Target& t, EngineHolder& engines, const ApiLimits& limits)
{
    auto only = [&](const char* method) {
        if (req.method != method)
            throw BadRequest{"", std::string("use ") + method + " for " + t.path, 405};
    };
    const std::shared_ptr<const Engine> held = engines.get();
    const Engine& engine = *held;
    if (t.path == "/v1/health") {
        only("GET");
        return json_response({{"status", "ready"}, {"rulebook", rulebook_json(engine)}});
    }
    if (t.path == "/v1/check")
        return check(req, t, engine, held, limits);
    if (t.path == "/v1/rulebook") {
        only("GET");
        return rulebook_info(engine);
    }
    if (t.path == "/v1/industries") {
        only("GET");
        return industries(t);
    }
    if (t.path.rfind("/v1/layers/", 0) == 0) {
        only("GET");
        return layer_features(t, percent_decode(t.path.substr(11)), engine, limits);
    }
    // A browser asking for / gets the map page; an API client (or ?f=json) the landing page.
    const bool wants_page = t.path == "/" && req.accept.find("text/html") != std::string::npos &&
                            (!t.query.count("f") || t.query.at("f") == "html");
    if (wants_page || t.path.rfind("/static/", 0) == 0) {
        only("GET");
        const std::string path = wants_page ? "/static/index.html" : t.path;
        for (const Asset& a : assets())
            if (a.path == path) {
                Response r;
                r.content_type = std::string(a.content_type);
                r.body = std::string(a.body);
                return r;
            }
        throw BadRequest{"", "no such file: " + t.path, 404};
    }
    if (t.path == "/" || t.path == "/conformance" || t.path == "/api" || t.path == "/processes" ||
        t.path == "/processes/check") {
        only("GET");
        Response r;
        const std::string& title = engine.rulebook().name;
        r.body = t.path == "/"              ? landing_json(title)
                 : t.path == "/conformance" ? conformance_json()
                 : t.path == "/api"         ? openapi_json(title)
                 : t.path == "/processes"   ? processes_json()
                                            : process_json();
        if (t.path == "/api")
            r.content_type = "application/vnd.oai.openapi+json;version=3.0";
        return r;
    }
    if (t.path == "/processes/check/execution") {
        only("POST");
        Request inner = req;
        bool raw = true;
        std::string error;
        if (!execution_inputs(req.body, inner.body, raw, error))
            throw BadRequest{"inputs", error};
        Response r = check(inner, t, engine, held, limits);
        if (!raw && r.status == 200)
            r.body = "{\"result\":" + r.body + "}";
        return r;
    }
    if (t.path.rfind("/processes/", 0) == 0)
        throw BadRequest{"processId", "no such process (there is one: check)", 404};
    if (t.path == "/v1/reload") {
        only("POST");
        try {
            engines.reload();
        } catch (const Error& e) {
            throw BadRequest{"", std::string("the rulebook was not reloaded (the previous one keeps serving): ") +
                                     e.what(),
                             422};
        }
        return json_response({{"status", "reloaded"}, {"rulebook", rulebook_json(*engines.get())}});
    }
    throw BadRequest{"", "no such resource: " + t.path, 404};
}

} // namespace

Response handle(const Request& req, EngineHolder& engines, const ApiLimits& limits)
{
    Target t;
    try {
        t = parse_target(req.target);
        return route(req, t, engines, limits);
    } catch (const BadRequest& b) {
        Response r = problem(b.status, status_title(b.status), b.detail, t.path.empty() ? req.target : t.path, b.field);
        if (b.status == 405)
            r.allow = t.path == "/v1/check" || t.path == "/v1/reload" || t.path == "/processes/check/execution"
                          ? "POST"
                          : "GET";
        return r;
    } catch (const std::exception& e) {
        return problem(500, status_title(500), std::string("internal error: ") + e.what(), t.path);
    }
}

} // namespace redline::serve
