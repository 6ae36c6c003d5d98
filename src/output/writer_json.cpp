#include "output/writers.hpp"

#include "geometry/convert.hpp"
#include "redline/error.hpp"
#include "output/json_text.hpp"
#include "util/text.hpp"

#include <nlohmann/json.hpp>

namespace redline {

namespace {

void number_or_null(JsonText& j, double v)
{
    if (std::isnan(v))
        j.null();
    else
        j.value(v);
}

void geometry_or_null(JsonText& j, const std::vector<unsigned char>& wkb,
                      OGRCoordinateTransformation* ct)
{
    if (wkb.empty()) {
        j.null();
        return;
    }
    gdal::GeometryPtr g = wkb_to_ogr(wkb);
    if (ct && g->transform(ct) != OGRERR_NONE) {
        j.null();
        return;
    }
    j.geometry(*g);
}

void render_site_json(JsonText& j, const SiteResult& r, const Application& app,
                      OGRCoordinateTransformation* to_input, OGRCoordinateTransformation* input_to_output = nullptr)
{
    j.begin_object();
    j.key("site_id").value(r.site_id);
    j.key("index").value(r.index);
    j.key("verdict").value(outcome_name(r.verdict));
    j.key("industry").value(app.industry);
    j.key("industry_code").value(r.industry);
    j.key("fail_count").value(r.count(Outcome::Fail));
    j.key("conditional_count").value(r.count(Outcome::Conditional));
    j.key("incomplete_count").value(r.count(Outcome::Incomplete));
    j.key("rule_ids").strings(r.rule_ids());
    j.key("township").strings(r.townships);
    j.key("units").strings(r.units);
    j.key("message").value(r.message);
    if (const Finding* e = r.eia_finding()) { // SPEC §6.2: only with an eia_category check
        j.key("eia_category").value(e->eia->category);
        j.key("eia_item");
        if (e->item)
            j.value(static_cast<int>(e->item));
        else
            j.null();
    }
    if (!r.error.empty())
        j.key("error").value(r.error);
    j.key("attributes").begin_object();
    for (const auto& [k, v] : app.attributes) {
        j.key(k);
        if (v)
            j.value(*v);
        else
            j.null();
    }
    j.end_object();
    // Findings often share their evidence (every finding of a point site is
    // the point; access-list rows of one unit share the overlap): transform
    // and format each distinct evidence once.
    std::vector<std::pair<const std::vector<unsigned char>*, std::string>> rendered;
    auto evidence = [&](const std::vector<unsigned char>& wkb) {
        for (const auto& [known, text] : rendered)
            if (*known == wkb) {
                j.raw(text);
                return;
            }
        JsonText one;
        geometry_or_null(one, wkb, to_input);
        j.raw(one.str());
        rendered.emplace_back(&wkb, one.take());
    };
    j.key("findings").begin_array();
    for (const Finding& f : r.findings) {
        j.begin_object();
        j.key("rule_id").value(f.rule_id);
        j.key("check_type").value(f.check_type);
        j.key("outcome").value(outcome_name(f.outcome));
        j.key("layer").value(f.layer);
        j.key("feature_key").value(f.feature_key);
        j.key("feature_label").value(f.feature_label);
        j.key("measure").value(f.measure);
        number_or_null(j.key("value"), f.value);
        number_or_null(j.key("threshold"), f.threshold);
        j.key("unit").value(f.unit);
        number_or_null(j.key("share_pct"), f.share);
        j.key("dimension").value(f.dimension);
        j.key("clause").value(f.clause);
        j.key("basis").value(f.basis);
        j.key("detail").value(f.detail);
        j.key("evidence");
        evidence(f.evidence);
        j.end_object();
    }
    j.end_array();
    // The site as given, in its input CRS (GCJ-02/BD-09 already converted).
    geometry_or_null(j.key("geometry"), r.input_geometry, input_to_output);
    j.end_object();
}

} // namespace

std::string site_json(const SiteResult& r, const Application& app,
                      OGRCoordinateTransformation* to_input, int indent)
{
    JsonText j;
    render_site_json(j, r, app, to_input);
    if (indent < 0)
        return j.take();
    // Pretty-printed for a person (`check --format json`): one site, so the
    // cost of a DOM round trip does not matter.
    return nlohmann::ordered_json::parse(j.str()).dump(indent, ' ', false,
                                                       nlohmann::json::error_handler_t::replace);
}

gdal::TransformPtr to_input_transform(const Engine& engine, const SourceInfo& source)
{
    const OGRSpatialReference& input = source.srs ? *source.srs : engine.input_srs();
    if (input.IsSame(&engine.layers().working_srs()))
        return nullptr;
    return gdal::make_transform(engine.layers().working_srs(), input);
}

JsonResultWriter::JsonResultWriter(std::string path, std::string t_srs)
    : m_path(std::move(path)), m_t_srs(std::move(t_srs))
{
}

JsonResultWriter::JsonResultWriter(std::ostream& out, int indent) : m_out(&out), m_indent(indent) {}

void JsonResultWriter::begin(const SinkContext& context)
{
    if (!m_path.empty()) {
        m_file.open(m_path, std::ios::binary);
        if (!m_file)
            throw OutputError("cannot create '" + m_path + "'");
        m_out = &m_file;
    }
    m_to_input = to_input_transform(context.engine, context.source);
    if (!m_t_srs.empty()) {
        // --t_srs: the evidence from working_crs, the site as given from its
        // CRS, both to t_srs.
        OGRSpatialReference out;
        try {
            out = gdal::srs_from_user(m_t_srs, "--t_srs");
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
        const OGRSpatialReference& working = context.engine.layers().working_srs();
        const OGRSpatialReference& input = context.source.srs ? *context.source.srs : context.engine.input_srs();
        m_to_input = out.IsSame(&working) ? nullptr : gdal::make_transform(working, out);
        m_input_to_output = out.IsSame(&input) ? nullptr : gdal::make_transform(input, out);
    }
    *m_out << "[";
}

void JsonResultWriter::write(const SiteResult& r, const Application& app)
{
    *m_out << (m_first ? "\n" : ",\n");
    m_first = false;
    if (m_indent >= 0) {
        *m_out << site_json(r, app, m_to_input.get(), m_indent);
        return;
    }
    m_text.clear();
    render_site_json(m_text, r, app, m_to_input.get(), m_input_to_output.get());
    *m_out << m_text.str();
}

void JsonResultWriter::finish(const RunSummary&)
{
    *m_out << (m_first ? "]\n" : "\n]\n");
    if (m_path.empty()) {
        m_out->flush();
        if (!*m_out)
            throw OutputError("cannot write the JSON output");
        return;
    }
    m_file.close();
    if (!m_file)
        throw OutputError("cannot write the JSON output");
}

} // namespace redline
