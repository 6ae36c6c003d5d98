// OGC API - Processes 1.0 Part 1 (Core) for `redline serve`: the landing
// page, /conformance, /api (an OpenAPI 3.0 document of every path), the one
// process `check` and its synchronous execution (SPEC §6.1).
#include "serve/ogc.hpp"

#include <nlohmann/json.hpp>

namespace redline::serve {

using json = nlohmann::ordered_json;

namespace {

const char* const k_conformance[] = {
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/ogc-process-description",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/oas30",
};

json link(const std::string& href, const std::string& rel, const std::string& type, const std::string& title)
{
    return {{"href", href}, {"rel", rel}, {"type", type}, {"title", title}};
}

json schema_site()
{
    return {{"oneOf",
             {{{"type", "object"}, {"description", "a GeoJSON geometry"}},
              {{"type", "string"}, {"description", "WKT, or \"lon,lat\""}},
              {{"type", "array"}, {"items", {{"type", "number"}}}, {"minItems", 2}, {"maxItems", 2}}}}};
}

json check_inputs()
{
    return {
        {"site", {{"title", "site"}, {"description", "the site: a GeoJSON geometry, WKT or [lon, lat]"},
                  {"minOccurs", 1}, {"maxOccurs", 1}, {"schema", schema_site()}}},
        {"industry", {{"title", "industry"}, {"description", "GB/T 4754-2017 code, e.g. C3360 or 3360"},
                      {"minOccurs", 0}, {"maxOccurs", 1}, {"schema", {{"type", "string"}}}}},
        {"attrs", {{"title", "attributes"}, {"description", "attributes the checks read, e.g. {\"voc_tpa\": 1.2}"},
                   {"minOccurs", 0}, {"maxOccurs", 1}, {"schema", {{"type", "object"}}}}},
        {"id", {{"title", "site id"}, {"minOccurs", 0}, {"maxOccurs", 1}, {"schema", {{"type", "string"}}}}},
        {"crs", {{"title", "CRS of the coordinates"}, {"description", "default: the rulebook's input_crs"},
                 {"minOccurs", 0}, {"maxOccurs", 1}, {"schema", {{"type", "string"}}}}},
        {"coords", {{"title", "datum of lon/lat"}, {"minOccurs", 0}, {"maxOccurs", 1},
                    {"schema", {{"type", "string"}, {"enum", {"wgs84", "cgcs2000", "gcj02", "bd09"}}}}}},
    };
}

json process_summary()
{
    return {{"id", "check"},
            {"title", "三线一单 site check"},
            {"description", "screens one site against the rulebook's red lines, setbacks, access list, load caps and "
                            "parks; the verdict and every finding with its clause, basis and evidence"},
            {"version", "1.0.0"},
            {"jobControlOptions", {"sync-execute"}},
            {"outputTransmission", {"value"}},
            {"links", {link("/processes/check", "self", "application/json", "process description"),
                       link("/processes/check/execution", "http://www.opengis.net/def/rel/ogc/1.0/execute",
                            "application/json", "execute")}}};
}

json op(const std::string& summary, const std::string& id, bool body = false)
{
    json o{{"summary", summary},
           {"operationId", id},
           {"responses",
            {{"200", {{"description", "OK"}, {"content", {{"application/json", json::object()}}}}},
             {"default", {{"description", "a problem object"},
                          {"content", {{"application/problem+json", json::object()}}}}}}}};
    if (body)
        o["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    return o;
}

json lang_param()
{
    return {{"name", "lang"}, {"in", "query"}, {"required", false},
            {"schema", {{"type", "string"}, {"enum", {"zh", "en"}}}}};
}

} // namespace

std::string landing_json(const std::string& title)
{
    json j{{"title", "redline: " + title},
           {"description", "三线一单 screening service (redline serve)"},
           {"links",
            {link("/", "self", "application/json", "this document"),
             link("/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
             link("/conformance", "http://www.opengis.net/def/rel/ogc/1.0/conformance", "application/json",
                  "conformance classes"),
             link("/processes", "http://www.opengis.net/def/rel/ogc/1.0/processes", "application/json",
                  "processes")}}};
    return j.dump();
}

std::string conformance_json()
{
    json list = json::array();
    for (const char* c : k_conformance)
        list.push_back(c);
    return json{{"conformsTo", list}}.dump();
}

std::string processes_json()
{
    return json{{"processes", {process_summary()}},
                {"links", {link("/processes", "self", "application/json", "processes")}}}
        .dump();
}

std::string process_json()
{
    json j = process_summary();
    j["inputs"] = check_inputs();
    j["outputs"] = {{"result", {{"title", "the verdict and findings"},
                                {"description", "the object `redline check --format json` prints"},
                                {"schema", {{"type", "object"}, {"contentMediaType", "application/json"}}}}}};
    return j.dump();
}

std::string openapi_json(const std::string& title)
{
    auto param = [](const char* name, const char* in, bool required, const char* type) {
        return json{{"name", name}, {"in", in}, {"required", required}, {"schema", {{"type", type}}}};
    };
    json paths = json::object();
    auto get = [&](const char* path, const std::string& summary, const std::string& id) {
        paths[path]["get"] = op(summary, id);
    };
    get("/", "landing page", "getLandingPage");
    get("/conformance", "conformance classes", "getConformance");
    get("/api", "this document", "getAPI");
    get("/processes", "processes", "getProcesses");
    get("/processes/{processId}", "a process description", "getProcessDescription");
    paths["/processes/{processId}"]["parameters"] = json::array({param("processId", "path", true, "string")});
    paths["/processes/{processId}/execution"]["post"] =
        op("execute a process synchronously: {inputs, response: raw|document}", "execute", true);
    paths["/processes/{processId}/execution"]["parameters"] =
        json::array({param("processId", "path", true, "string"), lang_param()});
    get("/v1/health", "ready once the layers are loaded", "health");
    paths["/v1/check"]["post"] = op("screen a site object, a GeoJSON Feature or a FeatureCollection", "check", true);
    paths["/v1/check"]["parameters"] = json::array({lang_param()});
    get("/v1/rulebook", "the rulebook: layers, checks, attributes", "rulebook");
    get("/v1/industries", "GB/T 4754-2017 codes by code or name", "industries");
    paths["/v1/industries"]["parameters"] =
        json::array({param("q", "query", false, "string"), param("limit", "query", false, "integer")});
    get("/v1/layers/{name}", "a rulebook layer as GeoJSON in input_crs", "layer");
    paths["/v1/layers/{name}"]["parameters"] =
        json::array({param("name", "path", true, "string"), param("bbox", "query", false, "string")});
    paths["/v1/reload"]["post"] = op("load the rulebook again (refused when it does not load)", "reload");
    json doc = json::object();
    doc["openapi"] = "3.0.3";
    doc["info"] = {{"title", "redline serve: " + title}, {"version", "1.0.0"},
                   {"description", "三线一单 screening: SPEC §6.1"}};
    doc["paths"] = paths;
    return doc.dump();
}

bool execution_inputs(const std::string& body, std::string& check_body, bool& raw, std::string& error)
{
    json j;
    try {
        j = json::parse(body);
    } catch (const json::parse_error& e) {
        error = std::string("the body is not JSON: ") + e.what();
        return false;
    }
    if (!j.is_object() || !j.contains("inputs") || !j["inputs"].is_object()) {
        error = "the body is {\"inputs\": {\"site\": ..., \"industry\": ...}, \"response\": \"raw\"|\"document\"}";
        return false;
    }
    const std::string response = j.value("response", "raw");
    if (response != "raw" && response != "document") {
        error = "response is raw or document";
        return false;
    }
    raw = response == "raw";
    check_body = j["inputs"].dump();
    return true;
}

} // namespace redline::serve
