#include "redline/rulebook.hpp"

#include "redline/error.hpp"
#include "io/gdal.hpp"
#include "util/text.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace redline {

const LayerDef* Rulebook::find_layer(const std::string& layer_name) const
{
    for (const auto& l : layers)
        if (l.name == layer_name)
            return &l;
    return nullptr;
}

std::string Rulebook::resolve(const std::string& relative) const
{
    if (relative.empty() || relative.rfind("/vsi", 0) == 0 || relative.rfind("PG:", 0) == 0 ||
        relative.find("://") != std::string::npos)
        return relative;
    fs::path p(relative);
    if (p.is_absolute())
        return relative;
    return (fs::path(dir) / p).lexically_normal().string();
}

namespace {

/// The rulebook file as a YAML mapping; its SHA-256 into `rb`.
YAML::Node read_yaml(const std::string& path, Rulebook& rb)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw RulebookError(path, 0, "", "cannot open the rulebook");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    rb.sha256 = sha256_hex(text);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw RulebookError(path, e.mark.line + 1, "", "YAML syntax error: " + e.msg);
    }
    if (!root || !root.IsMap())
        throw RulebookError(path, 1, "", "the rulebook must be a YAML mapping");
    return root;
}

/// "" when `path` exists, else what is wrong with it: not found, or a name
/// the system refuses (too long, ...), which std::filesystem would throw.
std::string missing_file(const std::string& path)
{
    std::error_code ec;
    if (fs::exists(path, ec))
        return "";
    return "file not found: " + path + (ec && ec != std::errc::no_such_file_or_directory ? " (" + ec.message() + ")" : "");
}

/// rulebook, name, version, the CRSs, the tolerances, industry_classes.
void read_header(const Params& top, Rulebook& rb)
{
    auto version = top.optional_string("rulebook");
    if (!version)
        top.fail("rulebook", "required key is missing (write `rulebook: 1`)");
    if (*version != "1")
        top.fail("rulebook", "unsupported rulebook version '" + *version + "' (this is version 1)");

    rb.name = top.optional_string("name").value_or(fs::path(rb.path).stem().string());
    rb.version = top.optional_string("version").value_or("");
    rb.working_crs = top.string("working_crs");
    rb.input_crs = top.optional_string("input_crs").value_or(rb.working_crs);
    for (const char* key : {"working_crs", "input_crs"}) {
        if (!top.has(key))
            continue;
        try {
            OGRSpatialReference srs = gdal::srs_from_user(top.string(key), key);
            if (std::string(key) == "working_crs" && !srs.IsProjected())
                top.fail(key, "'" + top.string(key) +
                                  "' is not a projected CRS: distances and areas need metres");
        } catch (const RulebookError&) {
            throw;
        } catch (const Error&) {
            top.fail(key, "cannot understand the CRS '" + top.string(key) + "'");
        }
    }
    rb.area_tolerance = top.optional_number("area_tolerance").value_or(0.01);
    rb.length_tolerance = top.optional_number("length_tolerance").value_or(0.01);
    if (rb.area_tolerance < 0)
        top.fail("area_tolerance", "must not be negative");
    if (rb.length_tolerance < 0)
        top.fail("length_tolerance", "must not be negative");

    if (auto ic = top.optional_string("industry_classes")) {
        rb.industry_classes_path = rb.resolve(*ic);
        if (const std::string problem = missing_file(rb.industry_classes_path); !problem.empty())
            top.fail("industry_classes", problem);
        rb.industry_classes =
            IndustryClasses::load(rb.industry_classes_path, IndustryTable::gbt4754_2017());
    }
}

/// `layers:`, in file order.
void read_layers(const Params& top, Rulebook& rb)
{
    Params layers = top.child("layers");
    for (const std::string& name : layers.keys()) {
        Params lp = layers.child(name);
        LayerDef def;
        def.name = name;
        def.line = lp.line();
        def.source = rb.resolve(lp.string("source"));
        def.layer = lp.optional_string("layer").value_or("");
        def.key = lp.optional_string("key").value_or("");
        def.label = lp.optional_string("label").value_or("");
        def.type = lp.optional_string("type").value_or("");
        def.where = lp.optional_string("where").value_or("");
        lp.reject_unknown_keys();
        bool remote = def.source.rfind("PG:", 0) == 0 || def.source.rfind("/vsi", 0) == 0 ||
                      def.source.find("://") != std::string::npos;
        if (const std::string problem = remote ? std::string() : missing_file(def.source); !problem.empty())
            lp.fail("source", problem);
        rb.layers.push_back(std::move(def));
    }
    if (rb.layers.empty())
        top.fail("layers", "at least one layer is needed");
}

/// coverage, township_layer and unit_layer: names of declared layers
/// (`townships` and `units` by default when declared).
void read_roles(const Params& top, Rulebook& rb)
{
    if (auto cov = top.optional_string("coverage")) {
        if (!rb.find_layer(*cov))
            top.fail("coverage", "unknown layer '" + *cov + "'");
        rb.coverage = *cov;
    }
    auto pick = [&](const std::string& key, const std::string& fallback) -> std::string {
        if (auto v = top.optional_string(key)) {
            if (!rb.find_layer(*v))
                top.fail(key, "unknown layer '" + *v + "'");
            return *v;
        }
        return rb.find_layer(fallback) ? fallback : std::string();
    };
    rb.township_layer = pick("township_layer", "townships");
    rb.unit_layer = pick("unit_layer", "units");
}

/// `checks:` with unique ids; their own keys are read when each is configured.
void read_checks(const Params& top, Rulebook& rb)
{
    std::vector<std::string> seen_ids;
    for (Params& cp : top.children("checks")) {
        std::string id = cp.string("id");
        std::string type = cp.string("type");
        for (const auto& s : seen_ids)
            if (s == id)
                cp.fail("id", "duplicate check id '" + id + "'");
        if (id == "COVERAGE")
            cp.fail("id", "'COVERAGE' is reserved for the coverage check");
        seen_ids.push_back(id);
        rb.checks.push_back(CheckSpec{id, type, cp});
    }
    if (rb.checks.empty() && rb.coverage.empty())
        top.fail("checks", "the rulebook has no checks");
}

} // namespace

Rulebook load_rulebook(const std::string& path)
{
    gdal::initialise();
    Rulebook rb;
    rb.path = path;
    rb.dir = fs::path(path).parent_path().string();
    if (rb.dir.empty())
        rb.dir = ".";
    const YAML::Node root = read_yaml(path, rb);
    Params top(root, path, "");
    read_header(top, rb);
    read_layers(top, rb);
    read_roles(top, rb);
    read_checks(top, rb);
    top.reject_unknown_keys();
    return rb;
}

} // namespace redline
