// `redline diff`'s outputs through the GDAL writing machinery (writers.hpp:
// output::create_layer...) and its JSON file. See diff.hpp.
#include "output/writer_diff.hpp"

#include "geometry/convert.hpp"
#include "output/writers.hpp"
#include "redline/error.hpp"
#include "redline/rulebook.hpp"
#include "util/text.hpp"

namespace redline {

namespace {

std::vector<std::string> change_texts(const RecordChange& c)
{
    std::vector<std::string> out;
    for (const auto& ch : c.changed)
        out.push_back(ch.text());
    return out;
}

/// The geometry kinds written: QGIS gives a mixed table the kind of its first geometry.
struct Kinds {
    std::set<styles::Kind> all;
    std::optional<styles::Kind> first;
};

[[noreturn]] void needs_both()
{
    throw OutputError("the diff outputs need each record screened under both rulebooks");
}

class DiffGdalWriter final : public ResultSink {
public:
    DiffGdalWriter(std::string path, const DiffOptions& options, const Engine& old_engine,
                   const LayerChanges& layers, DiffCounts& counts)
        : m_path(std::move(path)), m_options(options), m_old(old_engine), m_layers(layers), m_counts(counts)
    {
    }
    void begin(const SinkContext& context) override;
    void write(const SiteResult&, const Application&) override { needs_both(); }
    void write_compared(const SiteResult& old_result, const SiteResult& new_result, const Application& app) override;
    void finish(const RunSummary& summary) override;
    void abandon() noexcept override { m_ds.reset(); }

private:
    void write_change(const RecordChange& c, const SiteResult& o, const SiteResult& n, const Application& app);
    void write_error(const SiteResult& o, const SiteResult& n, const Application& app);
    void write_layer_changes();
    void write_run_info(const RunInfo& info);
    void write_styles();
    OGRLayer* layer(const char* name, OGRwkbGeometryType type, const std::vector<const char*>& text_fields);

    std::string m_path;
    DiffOptions m_options;
    const Engine& m_old;
    const LayerChanges& m_layers;
    DiffCounts& m_counts;
    const Engine* m_new = nullptr;
    gdal::DatasetPtr m_ds;
    OGRLayer* m_changes = nullptr;
    OGRLayer* m_errors = nullptr;
    Kinds m_kinds;
    bool m_in_transaction = false;
};

OGRLayer* DiffGdalWriter::layer(const char* name, OGRwkbGeometryType type, const std::vector<const char*>& fields)
{
    const OGRSpatialReference* srs = type == wkbNone ? nullptr : &m_new->layers().working_srs();
    OGRLayer* l = output::create_layer(*m_ds, name, type, srs, m_options.gdal);
    for (const char* f : fields)
        output::add_field(*l, f, OFTString);
    return l;
}

void DiffGdalWriter::begin(const SinkContext& context)
{
    m_new = &context.engine;
    m_ds = output::create_dataset(m_path, m_options.gdal);
    m_changes = layer("changes", wkbUnknown,
                      {"site_id", "name", "industry_code", "old_verdict", "new_verdict", "direction",
                       "findings_added", "findings_removed", "findings_changed", "rule_ids", "township", "units",
                       "old_message", "new_message"});
    m_errors = layer("errors", wkbUnknown,
                     {"site_id", "name", "old_verdict", "new_verdict", "old_error", "new_error"});
    m_in_transaction = m_ds->StartTransaction(FALSE) == OGRERR_NONE;
}

void DiffGdalWriter::write_compared(const SiteResult& o, const SiteResult& n, const Application& app)
{
    const std::optional<RecordChange> c = compare_results(o, n);
    m_counts.add(o, n, c ? &*c : nullptr);
    if (c)
        write_change(*c, o, n, app);
    if (o.verdict == Outcome::Error || n.verdict == Outcome::Error)
        write_error(o, n, app);
}

void set_geometry(OGRFeature& f, const SiteResult& o, const SiteResult& n, Kinds* kinds)
{
    const auto& wkb = n.geometry.empty() ? o.geometry : n.geometry;
    if (wkb.empty())
        return;
    gdal::GeometryPtr g = wkb_to_ogr(wkb);
    if (kinds)
        if (auto k = styles::kind_of(g->getGeometryType())) {
            kinds->all.insert(*k);
            if (!kinds->first)
                kinds->first = k;
        }
    f.SetGeometryDirectly(g.release());
}

void DiffGdalWriter::write_change(const RecordChange& c, const SiteResult& o, const SiteResult& n,
                                  const Application& app)
{
    gdal::FeaturePtr f(OGRFeature::CreateFeature(m_changes->GetLayerDefn()));
    f->SetField("site_id", c.site_id.c_str());
    f->SetField("name", app.name.c_str());
    f->SetField("industry_code", (n.industry.empty() ? o.industry : n.industry).c_str());
    f->SetField("old_verdict", std::string(outcome_name(c.old_verdict)).c_str());
    f->SetField("new_verdict", std::string(outcome_name(c.new_verdict)).c_str());
    f->SetField("direction", std::string(direction_name(c.direction)).c_str());
    f->SetField("findings_added", join(c.added, ",").c_str());
    f->SetField("findings_removed", join(c.removed, ",").c_str());
    f->SetField("findings_changed", join(change_texts(c), ",").c_str());
    f->SetField("rule_ids", join(c.rules(), ",").c_str());
    f->SetField("township", join(n.townships, ";").c_str());
    f->SetField("units", join(n.units, ";").c_str());
    f->SetField("old_message", o.message.c_str());
    f->SetField("new_message", n.message.c_str());
    set_geometry(*f, o, n, &m_kinds);
    output::create_feature(*m_changes, *f);
}

void DiffGdalWriter::write_error(const SiteResult& o, const SiteResult& n, const Application& app)
{
    gdal::FeaturePtr f(OGRFeature::CreateFeature(m_errors->GetLayerDefn()));
    f->SetField("site_id", n.site_id.c_str());
    f->SetField("name", app.name.c_str());
    f->SetField("old_verdict", std::string(outcome_name(o.verdict)).c_str());
    f->SetField("new_verdict", std::string(outcome_name(n.verdict)).c_str());
    f->SetField("old_error", o.error.c_str());
    f->SetField("new_error", n.error.c_str());
    set_geometry(*f, o, n, nullptr);
    output::create_feature(*m_errors, *f);
}

void DiffGdalWriter::write_layer_changes()
{
    OGRLayer* l = layer("layer_changes", wkbPolygon, {"layer", "change"});
    output::add_field(*l, "area_m2", OFTReal);
    for (const AreaChange& a : m_layers.areas) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(l->GetLayerDefn()));
        f->SetField("layer", a.layer.c_str());
        f->SetField("change", a.added ? "added" : "removed");
        f->SetField("area_m2", a.area_m2);
        f->SetGeometryDirectly(wkb_to_ogr(a.wkb).release());
        output::create_feature(*l, *f);
    }
}

void DiffGdalWriter::write_run_info(const RunInfo& base)
{
    OGRLayer* ri = layer("run_info", wkbNone, {"key", "value"});
    for (const auto& [k, v] : diff_run_info(base, m_old, m_options, m_layers, m_counts)) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(ri->GetLayerDefn()));
        f->SetField("key", k.c_str());
        f->SetField("value", v.c_str());
        output::create_feature(*ri, *f);
    }
}

void DiffGdalWriter::write_styles()
{
    if (!EQUAL(m_ds->GetDriver()->GetDescription(), "GPKG"))
        return; // layer_styles and views are GeoPackage things
    std::vector<styles::StyleRow> rows;
    const std::string geom = m_changes->GetGeometryColumn();
    if (m_kinds.first)
        rows.push_back({"changes", geom, "redline change", "changed records: stricter red, looser green",
                        styles::changes_qml(*m_kinds.first)});
    for (styles::Kind k : m_kinds.all)
        rows.push_back({styles::write_kind_view(*m_ds, *m_changes, k), geom, "redline change",
                        "changed records: stricter red, looser green", styles::changes_qml(k)});
    if (OGRLayer* lc = m_ds->GetLayerByName("layer_changes"))
        rows.push_back({"layer_changes", lc->GetGeometryColumn(), "redline layer change",
                        "area added (red) and removed (green) per layer", styles::layer_changes_qml()});
    styles::write_layer_styles(*m_ds, rows);
}

void DiffGdalWriter::finish(const RunSummary& summary)
{
    write_layer_changes();
    write_run_info(summary.info);
    gdal::ErrorCapture capture;
    if (m_in_transaction && m_ds->CommitTransaction() != OGRERR_NONE)
        throw OutputError("cannot commit the output: " + capture.failures());
    m_in_transaction = false;
    m_ds->FlushCache(false);
    write_styles();
    m_ds->FlushCache(true);
    m_ds.reset();
    if (capture.has_failure())
        throw OutputError("cannot close the output: " + capture.failures());
}

class DiffJsonWriter final : public ResultSink {
public:
    explicit DiffJsonWriter(std::string path) : m_path(std::move(path)) {}
    void begin(const SinkContext& context) override
    {
        m_file.open(m_path, std::ios::binary);
        if (!m_file)
            throw OutputError("cannot create '" + m_path + "'");
        m_to_input = to_input_transform(context.engine, context.source);
        m_file << "[";
    }
    void write(const SiteResult&, const Application&) override { needs_both(); }
    void write_compared(const SiteResult& o, const SiteResult& n, const Application& app) override;
    void finish(const RunSummary&) override
    {
        m_file << (m_first ? "]\n" : "\n]\n");
        m_file.close();
        if (!m_file)
            throw OutputError("cannot write the JSON output");
    }
    void abandon() noexcept override { m_file.close(); }
    bool needs_input_geometry() const override { return true; }

private:
    std::string m_path;
    std::ofstream m_file;
    gdal::TransformPtr m_to_input;
    bool m_first = true;
};

void DiffJsonWriter::write_compared(const SiteResult& o, const SiteResult& n, const Application& app)
{
    const std::optional<RecordChange> c = compare_results(o, n);
    if (!c)
        return;
    JsonText j;
    j.begin_object();
    j.key("site_id").value(c->site_id);
    j.key("index").value(c->index);
    j.key("old_verdict").value(outcome_name(c->old_verdict));
    j.key("new_verdict").value(outcome_name(c->new_verdict));
    j.key("direction").value(direction_name(c->direction));
    j.key("findings_added").strings(c->added);
    j.key("findings_removed").strings(c->removed);
    j.key("findings_changed").strings(change_texts(*c));
    j.key("rule_ids").strings(c->rules());
    j.key("old").raw(site_json(o, app, m_to_input.get()));
    j.key("new").raw(site_json(n, app, m_to_input.get()));
    j.end_object();
    m_file << (m_first ? "\n" : ",\n") << j.str();
    m_first = false;
}

} // namespace

RunInfo diff_run_info(const RunInfo& base, const Engine& old_engine, const DiffOptions& options,
                      const LayerChanges& layers, const DiffCounts& counts)
{
    RunInfo info = base;
    const Rulebook& rb = old_engine.rulebook();
    info.emplace_back("old_rulebook", rb.path);
    info.emplace_back("old_rulebook_name", rb.name);
    info.emplace_back("old_rulebook_version", rb.version);
    info.emplace_back("old_rulebook_sha256", rb.sha256);
    if (!options.layer_input.empty())
        info.emplace_back("layer_input", options.layer_input);
    info.emplace_back("layers_compared", join(layers.compared, ","));
    info.emplace_back("layers_added", join(layers.layers_added, ","));
    info.emplace_back("layers_removed", join(layers.layers_removed, ","));
    info.emplace_back("changed", std::to_string(counts.stricter + counts.looser + counts.same));
    info.emplace_back("unchanged", std::to_string(counts.unchanged));
    info.emplace_back("stricter", std::to_string(counts.stricter));
    info.emplace_back("looser", std::to_string(counts.looser));
    info.emplace_back("same", std::to_string(counts.same));
    info.emplace_back("errors", std::to_string(counts.errors));
    return info;
}

std::unique_ptr<ResultSink> make_diff_gdal_writer(const std::string& path, const DiffOptions& options,
                                                  const Engine& old_engine, const LayerChanges& layers,
                                                  DiffCounts& counts)
{
    return std::make_unique<DiffGdalWriter>(path, options, old_engine, layers, counts);
}

std::unique_ptr<ResultSink> make_diff_json_writer(const std::string& path)
{
    return std::make_unique<DiffJsonWriter>(path);
}

} // namespace redline
