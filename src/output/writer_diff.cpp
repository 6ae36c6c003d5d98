// `redline diff`'s outputs through the GDAL writing machinery (writers.hpp:
// output::create_layer...) and its JSON file. See diff.hpp.
#include "output/writer_diff.hpp"

#include "geometry/convert.hpp"
#include "output/output_dataset.hpp"
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
                   const LayerChanges& layers, DiffCounts& counts, std::string copy_from)
        : m_path(std::move(path)), m_options(options), m_old(old_engine), m_layers(layers), m_counts(counts),
          m_copy_from(std::move(copy_from))
    {
    }
    void begin(const SinkContext& context) override;
    void write(const SiteResult&, const Application&) override { needs_both(); }
    void write_compared(const SiteResult& old_result, const SiteResult& new_result, const Application& app) override;
    void finish(const RunSummary& summary) override;
    void commit() override;
    void abandon() noexcept override
    {
        if (m_out)
            m_out->rollback();
        m_out.reset();
    }

private:
    void write_change(const RecordChange& c, const SiteResult& o, const SiteResult& n, const Application& app);
    void write_error(const SiteResult& o, const SiteResult& n, const Application& app);
    void set_geometry(OGRFeature& f, const SiteResult& o, const SiteResult& n, Kinds* kinds) const;
    void write_layer_changes();
    void write_run_info(const RunInfo& info);
    std::vector<styles::StyleRow> style_rows();
    std::vector<std::string> planned_layers() const;
    OGRLayer* layer(const char* name, OGRwkbGeometryType type, const std::vector<const char*>& text_fields);

    std::string m_path;
    DiffOptions m_options;
    const Engine& m_old;
    const LayerChanges& m_layers;
    DiffCounts& m_counts;
    std::string m_copy_from;
    const Engine* m_new = nullptr;
    std::unique_ptr<OutputDataset> m_out;
    CPLStringList m_defaults;
    OGRLayer* m_changes = nullptr;
    OGRLayer* m_errors = nullptr;
    Kinds m_kinds;
};

std::vector<std::string> DiffGdalWriter::planned_layers() const
{
    std::vector<std::string> out = {"changes", "errors", "layer_changes", "run_info"};
    if (m_out->gpkg())
        for (styles::Kind k : {styles::Kind::Point, styles::Kind::Line, styles::Kind::Polygon})
            out.push_back(std::string("changes_") + styles::kind_suffix(k));
    return out;
}

OGRLayer* DiffGdalWriter::layer(const char* name, OGRwkbGeometryType type, const std::vector<const char*>& fields)
{
    OGRLayer* l = m_out->create_layer(name, type, m_defaults);
    for (const char* f : fields)
        output::add_field(*l, f, OFTString);
    return l;
}

void DiffGdalWriter::begin(const SinkContext& context)
{
    m_new = &context.engine;
    m_out = std::make_unique<OutputDataset>(m_path, m_options.gdal.format, m_options.gdal.output,
                                            m_new->layers().working_srs(), context.lang, m_copy_from);
    m_out->claim(planned_layers());
    m_defaults = m_out->default_options();
    m_changes = layer("changes", wkbUnknown,
                      {"site_id", "name", "industry_code", "old_verdict", "new_verdict", "direction",
                       "findings_added", "findings_removed", "findings_changed", "rule_ids", "township", "units",
                       "old_message", "new_message"});
    m_errors = layer("errors", wkbUnknown,
                     {"site_id", "name", "old_verdict", "new_verdict", "old_error", "new_error"});
    m_out->begin_transaction();
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

void DiffGdalWriter::set_geometry(OGRFeature& f, const SiteResult& o, const SiteResult& n, Kinds* kinds) const
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
    if (m_out->to_output(*g)) // --t_srs; no geometry rather than a wrong one
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
        gdal::GeometryPtr g = wkb_to_ogr(a.wkb);
        if (m_out->to_output(*g))
            f->SetGeometryDirectly(g.release());
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

/// changes by direction (GeoPackage: a view per geometry kind; a database: a
/// row per kind, as QGIS's postgres provider picks them), layer_changes by change.
std::vector<styles::StyleRow> DiffGdalWriter::style_rows()
{
    std::vector<styles::StyleRow> rows;
    const bool database = m_out->database();
    const std::string changes = m_changes->GetName(), geom = m_changes->GetGeometryColumn();
    const std::string what = "changed records: stricter red, looser green";
    if (m_kinds.first)
        rows.push_back({changes, geom, "redline change", what, styles::changes_qml(*m_kinds.first), "", !database});
    for (styles::Kind k : m_kinds.all) {
        if (database)
            rows.push_back({changes, geom, "redline change", what, styles::changes_qml(k), styles::kind_type(k), true});
        else
            rows.push_back({styles::write_kind_view(m_out->ds(), *m_changes, k), geom, "redline change", what,
                            styles::changes_qml(k)});
    }
    if (OGRLayer* lc = m_out->ds().GetLayerByName(m_out->name("layer_changes").c_str()))
        rows.push_back({lc->GetName(), lc->GetGeometryColumn(), "redline layer change",
                        "area added (red) and removed (green) per layer", styles::layer_changes_qml()});
    return rows;
}

void DiffGdalWriter::finish(const RunSummary& summary)
{
    write_layer_changes();
    write_run_info(summary.info);
    if (m_out->database()) {
        styles::write_database_layer_styles(*m_out, style_rows()); // committed by commit()
        return;
    }
    m_out->commit();
    m_out->ds().FlushCache(false);
    if (m_out->gpkg()) { // layer_styles and views are GeoPackage things
        m_out->begin_transaction();
        styles::write_layer_styles(m_out->ds(), style_rows());
        m_out->commit();
    }
    m_out->close();
    m_out.reset();
}

void DiffGdalWriter::commit()
{
    if (!m_out)
        return; // a file: closed at finish(), renamed into place
    m_out->commit();
    m_out->close();
    m_out.reset();
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
                                                  DiffCounts& counts, const std::string& copy_from)
{
    return std::make_unique<DiffGdalWriter>(path, options, old_engine, layers, counts, copy_from);
}

std::unique_ptr<ResultSink> make_diff_json_writer(const std::string& path)
{
    return std::make_unique<DiffJsonWriter>(path);
}

} // namespace redline
