#include "writers.hpp"

#include "redline/convert.hpp"
#include "redline/error.hpp"
#include "redline/text.hpp"

#include <nlohmann/json.hpp>

namespace redline {

namespace {

nlohmann::json number_or_null(double v)
{
    return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
}

nlohmann::json evidence_json(const std::vector<unsigned char>& wkb, OGRCoordinateTransformation* ct)
{
    if (wkb.empty())
        return nullptr;
    gdal::GeometryPtr g = wkb_to_ogr(wkb);
    if (ct && g->transform(ct) != OGRERR_NONE)
        return nullptr;
    char* text = g->exportToJson();
    if (!text)
        return nullptr;
    nlohmann::json out = nlohmann::json::parse(text, nullptr, false);
    CPLFree(text);
    return out.is_discarded() ? nlohmann::json(nullptr) : out;
}

} // namespace

std::string site_json(const SiteResult& r, const Application& app, const Engine& engine,
                      OGRCoordinateTransformation* to_input, int indent)
{
    (void)engine;
    nlohmann::ordered_json o;
    o["site_id"] = r.site_id;
    o["index"] = r.index;
    o["verdict"] = outcome_name(r.verdict);
    o["industry"] = app.industry;
    o["industry_code"] = r.industry;
    o["fail_count"] = r.count(Outcome::Fail);
    o["conditional_count"] = r.count(Outcome::Conditional);
    o["incomplete_count"] = r.count(Outcome::Incomplete);
    o["rule_ids"] = r.rule_ids();
    o["township"] = r.townships;
    o["units"] = r.units;
    o["message"] = r.message;
    if (!r.error.empty())
        o["error"] = r.error;
    nlohmann::ordered_json attrs = nlohmann::ordered_json::object();
    for (const auto& [k, v] : app.attributes)
        attrs[k] = v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
    o["attributes"] = attrs;
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    for (const Finding& f : r.findings) {
        nlohmann::ordered_json j;
        j["rule_id"] = f.rule_id;
        j["check_type"] = f.check_type;
        j["outcome"] = outcome_name(f.outcome);
        j["layer"] = f.layer;
        j["feature_key"] = f.feature_key;
        j["feature_label"] = f.feature_label;
        j["measure"] = f.measure;
        j["value"] = number_or_null(f.value);
        j["threshold"] = number_or_null(f.threshold);
        j["unit"] = f.unit;
        j["share_pct"] = number_or_null(f.share);
        j["dimension"] = f.dimension;
        j["clause"] = f.clause;
        j["basis"] = f.basis;
        j["detail"] = f.detail;
        j["evidence"] = evidence_json(f.evidence, to_input);
        findings.push_back(std::move(j));
    }
    o["findings"] = std::move(findings);
    if (r.input_geojson.empty()) {
        o["geometry"] = nullptr;
    } else {
        auto g = nlohmann::ordered_json::parse(r.input_geojson, nullptr, false);
        o["geometry"] = g.is_discarded() ? nlohmann::ordered_json(nullptr) : g;
    }
    return o.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

JsonResultWriter::JsonResultWriter(const Engine& engine, const OutputOptions& options,
                                   const std::string& path)
    : m_engine(engine), m_out(path, std::ios::binary)
{
    if (!m_out)
        throw OutputError("cannot create '" + path + "'");
    const OGRSpatialReference& input = options.input_srs ? *options.input_srs : engine.input_srs();
    if (!input.IsSame(&engine.layers().working_srs()))
        m_to_input = gdal::make_transform(engine.layers().working_srs(), input);
    m_out << "[";
}

void JsonResultWriter::write(const SiteResult& r, const Application& app)
{
    m_out << (m_first ? "\n" : ",\n") << site_json(r, app, m_engine, m_to_input.get());
    m_first = false;
}

void JsonResultWriter::finish()
{
    m_out << (m_first ? "]\n" : "\n]\n");
    m_out.close();
    if (!m_out)
        throw OutputError("cannot write the JSON output");
}

} // namespace redline
