#include "output/writers.hpp"

#include "output/context_layers.hpp"
#include "output/eia_fields.hpp"
#include "geometry/convert.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <cstdlib>
#include <set>
#include <string_view>

namespace redline {

namespace {

const std::vector<std::string> k_site_fields = {
    "site_id", "verdict", "fail_count", "conditional_count", "incomplete_count", "rule_ids",
    "township", "units", "industry_code", "message"};

void add_field(OGRLayer& layer, const std::string& name, OGRFieldType type)
{
    OGRFieldDefn def(name.c_str(), type);
    gdal::ErrorCapture capture;
    if (layer.CreateField(&def) != OGRERR_NONE)
        throw OutputError("cannot create field '" + name + "' in '" + layer.GetName() +
                          "': " + capture.failures());
}

void create_feature(OGRLayer& layer, OGRFeature& f)
{
    gdal::ErrorCapture capture;
    if (layer.CreateFeature(&f) != OGRERR_NONE)
        throw OutputError(std::string("cannot write to '") + layer.GetName() +
                          "': " + capture.failures());
}

void set_real(OGRFeature& f, int field, double v)
{
    if (std::isnan(v))
        f.SetFieldNull(field);
    else
        f.SetField(field, v);
}

/// Sets a string field unless it already holds `v`: the findings feature is
/// refilled row after row, and much repeats from one row to the next (the
/// site id across a site's findings, a rule's clause and basis).
void set_text(OGRFeature& f, int field, const std::string& v)
{
    if (f.IsFieldSetAndNotNull(field) && v == f.GetFieldAsString(field))
        return;
    f.SetField(field, v.c_str());
}

int field_index(OGRLayer& layer, const char* name)
{
    const int i = layer.GetLayerDefn()->GetFieldIndex(name);
    if (i < 0)
        throw OutputError(std::string("field '") + name + "' missing in '" + layer.GetName() + "'");
    return i;
}

std::string field_stem(const std::string& id)
{
    std::string out;
    for (char c : to_lower_ascii(id))
        out += ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : '_';
    return out;
}

} // namespace

const std::vector<std::string>& site_result_fields()
{
    return k_site_fields;
}

GdalResultWriter::GdalResultWriter(std::string path, GdalSinkOptions options, std::string copy_from)
    : m_options(std::move(options)), m_path(std::move(path)), m_copy_from(std::move(copy_from))
{
}

std::vector<std::string> GdalResultWriter::planned_layers() const
{
    std::vector<std::string> out = {"sites", "findings", "zone_summary", "run_info"};
    if (m_gpkg)
        for (const char* table : {"sites", "findings"})
            for (styles::Kind k : {styles::Kind::Point, styles::Kind::Line, styles::Kind::Polygon})
                out.push_back(std::string(table) + "_" + styles::kind_suffix(k));
    if (m_options.with_context)
        for (const auto& layer : m_engine->layers().all())
            out.push_back("ctx_" + layer->name());
    return out;
}

void GdalResultWriter::begin(const SinkContext& context)
{
    m_engine = &context.engine;
    m_threads = context.threads;
    m_out = std::make_unique<OutputDataset>(m_path, m_options.format, m_options.output,
                                            m_engine->layers().working_srs(), context.lang, m_copy_from);
    m_gpkg = m_out->gpkg();
    m_out->claim(planned_layers());
    m_defaults = m_out->default_options();
    create_result_layers(context);
    if (rows_through_sqlite()) {
        begin_sqlite_rows();
        return;
    }
    m_out->begin_transaction();
}

bool GdalResultWriter::rows_through_sqlite() const
{
    // The OGR path stays for what the SQLite rows would not write exactly as
    // GDAL does: a spatial index GDAL maintains row by row (-lco
    // SPATIAL_INDEX: its triggers call GDAL's own SQL functions), a file in
    // GDAL's virtual file systems (/vsi...), date and datetime input columns
    // (GDAL formats them itself). REDLINE_GPKG_ROWS=ogr chooses it too: the
    // tests compare the two.
    if (!m_gpkg || !m_bulk_index || m_path.rfind("/vsi", 0) == 0)
        return false;
    if (const char* env = std::getenv("REDLINE_GPKG_ROWS"); env && std::string_view(env) == "ogr")
        return false;
    OGRFeatureDefn* defn = m_sites->GetLayerDefn();
    for (int i : m_input_field_index) {
        const OGRFieldType type = defn->GetFieldDefn(i)->GetType();
        if (type == OFTDate || type == OFTDateTime)
            return false;
    }
    return true;
}

namespace {

std::vector<std::string> column_names(OGRLayer& layer)
{
    std::vector<std::string> out;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        out.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    return out;
}

} // namespace

void GdalResultWriter::begin_sqlite_rows()
{
    // A column's number in the INSERT is its OGR field index: m_sf, m_ff and
    // m_input_field_index serve both paths.
    const std::vector<std::string> site_columns = column_names(*m_sites);
    const std::vector<std::string> finding_columns = column_names(*m_findings);
    m_convert.reset(OGRFeature::CreateFeature(m_sites->GetLayerDefn()->Clone()));
    m_sites = m_findings = nullptr;
    m_out->close(); // GDAL creates the tables, their triggers and metadata rows
    m_rows = std::make_unique<gpkg::RowWriter>(m_path);
    m_site_rows = &m_rows->table(m_sites_index.table, m_sites_index.column, site_columns, &m_sites_index);
    m_finding_rows =
        &m_rows->table(m_findings_index.table, m_findings_index.column, finding_columns, &m_findings_index);
}

void GdalResultWriter::end_sqlite_rows()
{
    m_rows->commit();
    m_rows.reset();
    m_site_rows = m_finding_rows = nullptr;
    m_convert.reset();
    m_out->reopen();
    m_sites = m_out->ds().GetLayerByName(m_sites_index.table.c_str());
    m_findings = m_out->ds().GetLayerByName(m_findings_index.table.c_str());
    if (!m_sites || !m_findings)
        throw OutputError("cannot find '" + m_sites_index.table + "' and '" + m_findings_index.table +
                          "' again in '" + m_path + "'");
    m_out->begin_transaction();
}

void GdalResultWriter::bind_input(int field, const std::string& v)
{
    OGRFeature& f = *m_convert;
    const OGRFieldType type = f.GetFieldDefnRef(field)->GetType();
    if (type == OFTString) {
        m_site_rows->text(field, v);
        return;
    }
    f.SetField(field, v.c_str()); // OGR's parsing, warnings and all
    if (!f.IsFieldSetAndNotNull(field))
        m_site_rows->null(field);
    else if (type == OFTInteger)
        m_site_rows->integer(field, f.GetFieldAsInteger(field));
    else if (type == OFTInteger64)
        m_site_rows->integer(field, f.GetFieldAsInteger64(field));
    else
        m_site_rows->real(field, f.GetFieldAsDouble(field)); // NaN: NULL, as SQLite stores it
    f.UnsetField(field);
}

gpkg::BlobGeometry GdalResultWriter::put_geometry(gpkg::TableRows& t, const std::vector<unsigned char>& wkb)
{
    if (!m_out->reprojects())
        return t.geometry(wkb);
    // --t_srs: through OGR's transform as on the OGR path; no geometry when
    // PROJ cannot take it there. The kind and envelope are the working CRS's.
    m_reprojected.clear();
    if (gdal::GeometryPtr g = to_output(wkb_to_ogr(wkb))) {
        m_reprojected.resize(g->WkbSize());
        if (g->exportToWkb(wkbNDR, m_reprojected.data(), wkbVariantIso) != OGRERR_NONE)
            throw OutputError("cannot write a geometry taken to --t_srs");
    }
    t.geometry(m_reprojected);
    return gpkg::geometry_blob(wkb.data(), wkb.size(), 0, m_scratch);
}

namespace {

/// join(r.rule_ids(), ",") into `out`, without a vector of copies a row.
void rule_ids_into(const SiteResult& r, std::string& out)
{
    out.clear();
    bool first = true;
    r.for_each_rule_id([&](std::string_view id) {
        if (!first)
            out += ',';
        out += id;
        first = false;
    });
}

} // namespace

void GdalResultWriter::write_site_row(const SiteResult& r, const Application& app)
{
    gpkg::TableRows& t = *m_site_rows;
    for (std::size_t i = 0; i < m_input_field_index.size() && i < app.attributes.size(); ++i)
        if (const auto& v = app.attributes[i].second)
            bind_input(m_input_field_index[i], *v);
    // The three lists joined into strings kept from row to row: no
    // allocation a row (the GeoPackage path writes a million of them).
    rule_ids_into(r, m_rule_ids);
    join_into(m_townships, r.townships, ";");
    join_into(m_units, r.units, ";");
    const std::string &rule_ids = m_rule_ids, &townships = m_townships, &units = m_units;
    t.text(m_sf.site_id, r.site_id);
    t.text(m_sf.verdict, outcome_name(r.verdict));
    t.integer(m_sf.fail_count, static_cast<int>(r.count(Outcome::Fail)));
    t.integer(m_sf.conditional_count, static_cast<int>(r.count(Outcome::Conditional)));
    t.integer(m_sf.incomplete_count, static_cast<int>(r.count(Outcome::Incomplete)));
    t.text(m_sf.rule_ids, rule_ids);
    t.text(m_sf.township, townships);
    t.text(m_sf.units, units);
    t.text(m_sf.industry_code, r.industry);
    t.text(m_sf.message, r.message);
    std::string category;
    if (m_sf.eia_category >= 0) {
        if (category = eia_fields::category(r); !category.empty())
            t.text(m_sf.eia_category, category);
        if (int item = eia_fields::item(r))
            t.integer(m_sf.eia_item, item);
    }
    if (!r.geometry.empty()) {
        const gpkg::BlobGeometry g = put_geometry(t, r.geometry);
        m_site_kinds.add(g.type);
        OGREnvelope e; // an empty geometry's is OGR's: 0 0 0 0
        if (!g.empty)
            e.MinX = g.min_x, e.MinY = g.min_y, e.MaxX = g.max_x, e.MaxY = g.max_y;
        else
            e.MinX = e.MinY = e.MaxX = e.MaxY = 0;
        m_extent.Merge(e);
    }
    t.insert();
}

void GdalResultWriter::write_finding_rows(const SiteResult& r)
{
    gpkg::TableRows& t = *m_finding_rows;
    for (const Finding& fd : r.findings) {
        t.text(m_ff.site_id, r.site_id);
        t.text(m_ff.rule_id, fd.rule_id);
        t.text(m_ff.check_type, fd.check_type);
        t.text(m_ff.outcome, outcome_name(fd.outcome));
        t.text(m_ff.layer, fd.layer);
        t.text(m_ff.feature_key, fd.feature_key);
        t.text(m_ff.feature_label, fd.feature_label);
        t.text(m_ff.measure, fd.measure);
        t.real(m_ff.value, fd.value);
        t.real(m_ff.threshold, fd.threshold);
        t.text(m_ff.unit, fd.unit);
        t.real(m_ff.share_pct, fd.share);
        t.text(m_ff.dimension, fd.dimension);
        t.text(m_ff.clause, fd.clause);
        t.text(m_ff.basis, fd.basis);
        t.text(m_ff.detail, fd.detail);
        if (!fd.evidence.empty())
            m_finding_kinds.add(put_geometry(t, fd.evidence).type);
        t.insert();
    }
}

void GdalResultWriter::create_result_layers(const SinkContext& context)
{
    // GeoPackage: no index while writing; write_spatial_indexes() bulk-loads
    // one after GDAL has closed the file (gpkg_rtree.hpp says why), unless
    // -lco SPATIAL_INDEX says otherwise.
    // A database: the GiST indexes of sites and findings are built once
    // their rows are in (finish()), not row by row during the COPY.
    m_bulk_index = (m_gpkg || m_out->database()) && !m_out->user_option("SPATIAL_INDEX");
    CPLStringList big(m_defaults);
    if (m_bulk_index)
        big.SetNameValue("SPATIAL_INDEX", m_gpkg ? "NO" : "NONE");
    const SourceInfo& options = context.source;
    m_sites = m_out->create_layer("sites", wkbUnknown, big);
    std::set<std::string> ours;
    for (const auto& f : k_site_fields)
        ours.insert(f);
    const bool eia = eia_fields::enabled(*m_engine);
    if (eia)
        ours.insert({"eia_category", "eia_item"});
    for (std::size_t i = 0; i < options.field_names.size(); ++i) {
        std::string name = options.field_names[i];
        if (ours.count(to_lower_ascii(name)))
            name = "in_" + name; // never shadow a result field
        OGRFieldType type = options.field_types[i];
        if (type != OFTInteger && type != OFTInteger64 && type != OFTReal && type != OFTString &&
            type != OFTDate && type != OFTDateTime)
            type = OFTString;
        add_field(*m_sites, name, type);
        m_input_field_index.push_back(m_sites->GetLayerDefn()->GetFieldCount() - 1);
    }
    add_field(*m_sites, "site_id", OFTString);
    add_field(*m_sites, "verdict", OFTString);
    add_field(*m_sites, "fail_count", OFTInteger);
    add_field(*m_sites, "conditional_count", OFTInteger);
    add_field(*m_sites, "incomplete_count", OFTInteger);
    add_field(*m_sites, "rule_ids", OFTString);
    add_field(*m_sites, "township", OFTString);
    add_field(*m_sites, "units", OFTString);
    add_field(*m_sites, "industry_code", OFTString);
    add_field(*m_sites, "message", OFTString);
    if (eia) {
        add_field(*m_sites, "eia_category", OFTString);
        add_field(*m_sites, "eia_item", OFTInteger);
    }

    m_findings = m_out->create_layer("findings", wkbUnknown, big);
    for (const char* name : {"site_id", "rule_id", "check_type", "outcome", "layer", "feature_key",
                             "feature_label", "measure"})
        add_field(*m_findings, name, OFTString);
    add_field(*m_findings, "value", OFTReal);
    add_field(*m_findings, "threshold", OFTReal);
    add_field(*m_findings, "unit", OFTString);
    add_field(*m_findings, "share_pct", OFTReal);
    for (const char* name : {"dimension", "clause", "basis", "detail"})
        add_field(*m_findings, name, OFTString);

    OGRLayer& s = *m_sites;
    m_sf = {field_index(s, "site_id"), field_index(s, "verdict"), field_index(s, "fail_count"),
            field_index(s, "conditional_count"), field_index(s, "incomplete_count"),
            field_index(s, "rule_ids"), field_index(s, "township"), field_index(s, "units"),
            field_index(s, "industry_code"), field_index(s, "message")};
    if (eia) {
        m_sf.eia_category = field_index(s, "eia_category");
        m_sf.eia_item = field_index(s, "eia_item");
    }
    OGRLayer& f = *m_findings;
    m_ff = {field_index(f, "site_id"), field_index(f, "rule_id"), field_index(f, "check_type"),
            field_index(f, "outcome"), field_index(f, "layer"), field_index(f, "feature_key"),
            field_index(f, "feature_label"), field_index(f, "measure"), field_index(f, "value"),
            field_index(f, "threshold"), field_index(f, "unit"), field_index(f, "share_pct"),
            field_index(f, "dimension"), field_index(f, "clause"), field_index(f, "basis"),
            field_index(f, "detail")};
    m_sites_index = {m_sites->GetName(), m_sites->GetGeometryColumn(), {}};
    m_findings_index = {m_findings->GetName(), m_findings->GetGeometryColumn(), {}};
}

gdal::GeometryPtr GdalResultWriter::to_output(gdal::GeometryPtr g) const
{
    if (g && !m_out->to_output(*g))
        g.reset(); // no geometry rather than one in the wrong CRS
    return g;
}

void GdalResultWriter::create(OGRLayer& layer, OGRFeature& f, gpkg::SpatialIndex* index)
{
    if (m_out->database()) {
        // COPY, not one INSERT a row (about 9 times faster); a PG_USE_COPY
        // the user set wins.
        CPLConfigOptionSetter copy("PG_USE_COPY", "YES", true);
        create_feature(layer, f);
        return;
    }
    create_feature(layer, f);
    const OGRGeometry* g = f.GetGeometryRef();
    if (m_bulk_index && m_gpkg && index && g && !g->IsEmpty()) {
        OGREnvelope e;
        g->getEnvelope(&e);
        index->add(f.GetFID(), e.MinX, e.MinY, e.MaxX, e.MaxY);
    }
}

void GdalResultWriter::write(const SiteResult& r, const Application& app)
{
    if (m_rows) {
        write_site_row(r, app);
        write_finding_rows(r);
        return;
    }
    gdal::FeaturePtr f(OGRFeature::CreateFeature(m_sites->GetLayerDefn()));
    for (std::size_t i = 0; i < m_input_field_index.size() && i < app.attributes.size(); ++i)
        if (const auto& v = app.attributes[i].second)
            f->SetField(m_input_field_index[i], v->c_str());
    f->SetField(m_sf.site_id, r.site_id.c_str());
    f->SetField(m_sf.verdict, std::string(outcome_name(r.verdict)).c_str());
    f->SetField(m_sf.fail_count, static_cast<int>(r.count(Outcome::Fail)));
    f->SetField(m_sf.conditional_count, static_cast<int>(r.count(Outcome::Conditional)));
    f->SetField(m_sf.incomplete_count, static_cast<int>(r.count(Outcome::Incomplete)));
    f->SetField(m_sf.rule_ids, join(r.rule_ids(), ",").c_str());
    f->SetField(m_sf.township, join(r.townships, ";").c_str());
    f->SetField(m_sf.units, join(r.units, ";").c_str());
    f->SetField(m_sf.industry_code, r.industry.c_str());
    f->SetField(m_sf.message, r.message.c_str());
    if (m_sf.eia_category >= 0) {
        if (auto c = eia_fields::category(r); !c.empty())
            f->SetField(m_sf.eia_category, c.c_str());
        if (int item = eia_fields::item(r))
            f->SetField(m_sf.eia_item, item);
    }
    if (!r.geometry.empty()) {
        gdal::GeometryPtr g = wkb_to_ogr(r.geometry);
        m_site_kinds.add(g->getGeometryType());
        OGREnvelope e;
        g->getEnvelope(&e);
        m_extent.Merge(e);
        f->SetGeometryDirectly(to_output(std::move(g)).release());
    }
    if (!m_out->database()) {
        create(*m_sites, *f, &m_sites_index);
        write_findings(r);
        return;
    }
    m_held_sites.push_back(std::move(f));
    write_findings(r);
    if (m_held_sites.size() >= 4096)
        flush_held();
}

void GdalResultWriter::flush_held()
{
    for (auto& f : m_held_sites)
        create(*m_sites, *f, nullptr);
    for (auto& f : m_held_findings)
        create(*m_findings, *f, nullptr);
    m_held_sites.clear();
    m_held_findings.clear();
}

void GdalResultWriter::write_findings(const SiteResult& r)
{
    if (!m_finding)
        m_finding.reset(OGRFeature::CreateFeature(m_findings->GetLayerDefn()));
    OGRFeature* f = m_finding.get();
    for (const Finding& fd : r.findings) {
        f->SetFID(OGRNullFID); // CreateFeature set the previous row's
        set_text(*f, m_ff.site_id, r.site_id);
        set_text(*f, m_ff.rule_id, fd.rule_id);
        set_text(*f, m_ff.check_type, fd.check_type);
        set_text(*f, m_ff.outcome, std::string(outcome_name(fd.outcome)));
        set_text(*f, m_ff.layer, fd.layer);
        set_text(*f, m_ff.feature_key, fd.feature_key);
        set_text(*f, m_ff.feature_label, fd.feature_label);
        set_text(*f, m_ff.measure, fd.measure);
        set_real(*f, m_ff.value, fd.value);
        set_real(*f, m_ff.threshold, fd.threshold);
        set_text(*f, m_ff.unit, fd.unit);
        set_real(*f, m_ff.share_pct, fd.share);
        set_text(*f, m_ff.dimension, fd.dimension);
        set_text(*f, m_ff.clause, fd.clause);
        set_text(*f, m_ff.basis, fd.basis);
        set_text(*f, m_ff.detail, fd.detail);
        if (!fd.evidence.empty()) {
            gdal::GeometryPtr g = wkb_to_ogr(fd.evidence);
            m_finding_kinds.add(g->getGeometryType());
            f->SetGeometryDirectly(to_output(std::move(g)).release());
        } else {
            f->SetGeometryDirectly(nullptr);
        }
        if (m_out->database())
            m_held_findings.emplace_back(f->Clone());
        else
            create(*m_findings, *f, &m_findings_index);
    }
}

void GdalResultWriter::write_zone_summary(const ZoneSummary& summary)
{
    if (!summary.enabled())
        return;
    OGRLayer* zs = m_out->create_layer("zone_summary", wkbMultiPolygon, m_defaults);
    m_zone_summary = zs;
    add_field(*zs, "zone_key", OFTString);
    add_field(*zs, "zone_name", OFTString);
    add_field(*zs, "sites", OFTInteger);
    const std::vector<std::pair<const char*, Outcome>> verdicts = {
        {"pass", Outcome::Pass}, {"conditional", Outcome::Conditional},
        {"incomplete", Outcome::Incomplete}, {"fail", Outcome::Fail}, {"error", Outcome::Error}};
    for (const auto& [name, o] : verdicts)
        add_field(*zs, name, OFTInteger);
    for (const auto& l : summary.loads()) {
        const std::string stem = field_stem(l.check_id);
        for (const char* suffix : {"_existing", "_added", "_cap", "_headroom", "_load_pct"})
            add_field(*zs, stem + suffix, OFTReal);
        m_load_pct_fields.push_back(stem + "_load_pct");
    }
    const Layer& layer = *summary.layer();
    for (std::size_t i = 0; i < layer.size(); ++i) {
        const auto& row = summary.rows()[i];
        gdal::FeaturePtr f(OGRFeature::CreateFeature(zs->GetLayerDefn()));
        f->SetField("zone_key", layer.feature(i).key.c_str());
        f->SetField("zone_name", layer.feature(i).label.c_str());
        f->SetField("sites", static_cast<int>(row.sites));
        for (const auto& [name, o] : verdicts) {
            f->SetField(name, static_cast<int>(row.verdicts(o)));
        }
        for (std::size_t l = 0; l < summary.loads().size(); ++l) {
            const ZoneLoads& loads = summary.loads()[l];
            const std::string stem = field_stem(loads.check_id);
            const double existing = loads.existing[i];
            const double added = row.added[l];
            f->SetField((stem + "_existing").c_str(), existing);
            f->SetField((stem + "_added").c_str(), added);
            if (const auto& cap = loads.caps[i]) {
                f->SetField((stem + "_cap").c_str(), *cap);
                f->SetField((stem + "_headroom").c_str(), *cap - existing - added);
                if (*cap > 0)
                    f->SetField((stem + "_load_pct").c_str(), 100.0 * (existing + added) / *cap);
            }
        }
        gdal::GeometryPtr g(OGRGeometryFactory::forceToMultiPolygon(wkb_to_ogr(layer.feature(i).wkb).release()));
        f->SetGeometryDirectly(to_output(std::move(g)).release());
        create(*zs, *f, nullptr);
    }
}

void GdalResultWriter::write_run_info(const RunInfo& info)
{
    OGRLayer* ri = m_out->create_layer("run_info", wkbNone, m_defaults);
    add_field(*ri, "key", OFTString);
    add_field(*ri, "value", OFTString);
    for (const auto& [k, v] : info) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(ri->GetLayerDefn()));
        f->SetField("key", k.c_str());
        f->SetField("value", v.c_str());
        create(*ri, *f, nullptr);
    }
}

void GdalResultWriter::finish(const RunSummary& run)
{
    m_finding.reset(); // before the dataset closes
    if (m_rows)
        end_sqlite_rows();
    flush_held();
    write_zone_summary(run.zones);
    write_run_info(run.info);
    if (m_out->database()) {
        if (m_bulk_index)
            for (OGRLayer* layer : {m_sites, m_findings})
                m_out->execute("CREATE INDEX " + sql_identifier(std::string(layer->GetName()) + "_" +
                                                                layer->GetGeometryColumn() + "_geom_idx") +
                                   " ON " + sql_identifier(m_out->schema()) + "." + sql_identifier(layer->GetName()) +
                                   " USING GIST (" + sql_identifier(layer->GetGeometryColumn()) + ")",
                               std::string("index ") + layer->GetName());
        write_qgis_extras(); // the same transaction: commit() makes it all visible
        return;
    }
    m_out->commit();
    // GeoPackage builds the deferred spatial indexes of big layers here;
    // views over those layers can only be created afterwards.
    m_out->ds().FlushCache(false);
    m_out->begin_transaction();
    write_qgis_extras();
    m_out->commit();
    m_out->close();
    m_out.reset();
    if (m_bulk_index && m_gpkg) {
        std::vector<gpkg::SpatialIndex> indexes;
        indexes.push_back(std::move(m_sites_index));
        indexes.push_back(std::move(m_findings_index));
        gpkg::write_spatial_indexes(m_path, indexes, m_threads > 1);
    }
}

void GdalResultWriter::commit()
{
    if (!m_out)
        return; // a file: closed at finish(), renamed by write_into_place()
    m_out->commit();
    m_out->close();
    m_out.reset();
}

void GdalResultWriter::write_qgis_extras()
{
    std::vector<ContextLayer> context;
    if (m_options.with_context && m_extent.IsInit()) {
        OGREnvelope e = m_extent;
        const double margin = context_margin(e);
        e.MinX -= margin;
        e.MinY -= margin;
        e.MaxX += margin;
        e.MaxY += margin;
        context = write_context_layers(*m_out, m_engine->layers(), e);
    }
    if (m_gpkg)
        styles::write_layer_styles(m_out->ds(), style_rows(context));
    else if (m_out->database())
        styles::write_database_layer_styles(*m_out, style_rows(context));
    // other formats have no place QGIS reads styles from
}

std::vector<styles::StyleRow> GdalResultWriter::style_rows(const std::vector<ContextLayer>& context)
{
    std::vector<styles::StyleRow> rows;
    const std::string sites = m_sites->GetName(), findings = m_findings->GetName();
    const std::string sites_geom = m_sites->GetGeometryColumn();
    const std::string findings_geom = m_findings->GetGeometryColumn();
    // The mixed tables: styled for the kind QGIS gives them (their first
    // geometry's). In a GeoPackage the views carry one kind each and always
    // fit their style; in a database a row per kind (`type`) does the same
    // for the table itself, the untyped row only for a layer of no type.
    const bool database = m_out->database();
    if (m_site_kinds.first)
        rows.push_back({sites, sites_geom, "redline verdict",
                        "sites by verdict (the first geometry's kind; see the sites_* views)",
                        styles::sites_qml(*m_site_kinds.first), "", !database});
    if (m_finding_kinds.first)
        rows.push_back({findings, findings_geom, "redline outcome",
                        "findings by outcome, the evidence drawn (see the findings_* views)",
                        styles::findings_qml(*m_finding_kinds.first), "", !database});
    for (styles::Kind k : m_site_kinds.all) {
        if (database) {
            rows.push_back({sites, sites_geom, "redline verdict", "sites by verdict", styles::sites_qml(k),
                            styles::kind_type(k), true});
            continue;
        }
        const std::string view = styles::write_kind_view(m_out->ds(), *m_sites, k);
        rows.push_back({view, sites_geom, "redline verdict", "sites by verdict", styles::sites_qml(k)});
    }
    for (styles::Kind k : m_finding_kinds.all) {
        if (database) {
            rows.push_back({findings, findings_geom, "redline outcome", "findings by outcome",
                            styles::findings_qml(k), styles::kind_type(k), true});
            continue;
        }
        const std::string view = styles::write_kind_view(m_out->ds(), *m_findings, k);
        rows.push_back({view, findings_geom, "redline outcome", "findings by outcome", styles::findings_qml(k)});
    }
    if (OGRLayer* zs = m_zone_summary)
        rows.push_back({zs->GetName(), zs->GetGeometryColumn(), "redline load", "townships graduated by load / cap",
                        styles::zone_summary_qml(m_load_pct_fields)});
    for (const ContextLayer& c : context)
        rows.push_back({c.name, c.geometry_column, "redline context",
                        "rulebook layer '" + c.source + "' clipped to the sites",
                        styles::context_qml(c.source, c.kind, c.label_field)});
    return rows;
}

// The helpers above, for the other GDAL writers (writer_diff.cpp).
namespace output {

void add_field(OGRLayer& layer, const std::string& name, OGRFieldType type)
{
    redline::add_field(layer, name, type);
}

void create_feature(OGRLayer& layer, OGRFeature& f)
{
    redline::create_feature(layer, f);
}

} // namespace output

} // namespace redline
