// write_zoning(): the `zoning`, `zoning_summary` and `run_info` layers,
// styled for QGIS, written under a temporary name and renamed into place.
#include "redline/zoning.hpp"

#include "geometry/convert.hpp"
#include "io/gdal.hpp"
#include "output/output_dataset.hpp"
#include "output/styles.hpp"
#include "redline/error.hpp"
#include "redline/layer.hpp"
#include "redline/rulebook.hpp"
#include "redline/version.hpp"
#include "redline/words.hpp"
#include "util/text.hpp"

#include <filesystem>

namespace redline {

namespace {

const Outcome k_verdicts[] = {Outcome::Pass, Outcome::Conditional, Outcome::Incomplete, Outcome::Fail};

OGRLayer* new_layer(OutputDataset& out, const CPLStringList& defaults, const char* name, OGRwkbGeometryType type,
                    const std::vector<std::pair<const char*, OGRFieldType>>& fields)
{
    gdal::ErrorCapture capture;
    OGRLayer* layer = out.create_layer(name, type, defaults);
    for (const auto& [field, kind] : fields) {
        OGRFieldDefn def(field, kind);
        if (layer->CreateField(&def) != OGRERR_NONE)
            throw OutputError(std::string("cannot create field '") + field + "': " + capture.failures());
    }
    return layer;
}

void create(OGRLayer& layer, OGRFeature& f)
{
    gdal::ErrorCapture capture;
    if (layer.CreateFeature(&f) != OGRERR_NONE)
        throw OutputError(std::string("cannot write to '") + layer.GetName() + "': " + capture.failures());
}

std::string verdict_field(Outcome o)
{
    return to_lower_ascii(std::string(outcome_name(o))) + "_km2";
}

OGRLayer* write_polygons(OutputDataset& out, const CPLStringList& defaults, const ZoningResult& z, Lang lang)
{
    OGRLayer* layer = new_layer(out, defaults, "zoning", wkbPolygon,
                                {{"verdict", OFTString}, {"verdict_text", OFTString}, {"rule_ids", OFTString},
                                 {"township", OFTString}, {"township_key", OFTString}, {"units", OFTString},
                                 {"area_km2", OFTReal}, {"industry_code", OFTString}});
    for (const ZoningPolygon& p : z.polygons) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetField("verdict", std::string(outcome_name(p.verdict)).c_str());
        f->SetField("verdict_text", verdict_word(p.verdict, lang).c_str());
        f->SetField("rule_ids", join(p.rule_ids, ",").c_str());
        f->SetField("township", join(p.townships, ";").c_str());
        f->SetField("township_key", join(p.township_keys, ";").c_str());
        f->SetField("units", join(p.units, ";").c_str());
        f->SetField("area_km2", p.area_m2 / 1e6);
        f->SetField("industry_code", z.industry.c_str());
        gdal::GeometryPtr g = wkb_to_ogr(p.wkb);
        if (out.to_output(*g)) // --t_srs; no geometry rather than a wrong one
            f->SetGeometryDirectly(g.release());
        create(*layer, *f);
    }
    return layer;
}

void write_summary(OutputDataset& out, const CPLStringList& defaults, const ZoningResult& z)
{
    std::vector<std::pair<const char*, OGRFieldType>> fields = {{"township_key", OFTString},
                                                                {"township", OFTString}};
    std::vector<std::string> names;
    for (Outcome o : k_verdicts)
        names.push_back(verdict_field(o));
    for (const auto& n : names)
        fields.emplace_back(n.c_str(), OFTReal);
    fields.emplace_back("total_km2", OFTReal);
    OGRLayer* layer = new_layer(out, defaults, "zoning_summary", wkbNone, fields);
    for (const ZoningSummaryRow& row : z.summary) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetField("township_key", row.township_key.c_str());
        f->SetField("township", row.township.c_str());
        double total = 0;
        for (Outcome o : k_verdicts) {
            auto it = row.km2.find(o);
            const double v = it == row.km2.end() ? 0.0 : it->second;
            f->SetField(verdict_field(o).c_str(), v);
            total += v;
        }
        f->SetField("total_km2", total);
        create(*layer, *f);
    }
}

RunInfo zoning_run_info(const Engine& engine, const ZoningResult& z, const ZoningWriteOptions& options)
{
    const Rulebook& rb = engine.rulebook();
    RunInfo info = {{"tool", "redline"},
                    {"version", REDLINE_VERSION},
                    {"command", "zoning"},
                    {"rulebook", rb.path},
                    {"rulebook_name", rb.name},
                    {"rulebook_version", rb.version},
                    {"rulebook_sha256", rb.sha256},
                    {"working_crs", rb.working_crs},
                    {"industry", z.industry},
                    {"industry_name", z.industry_name}};
    for (const auto& [name, value] : z.attributes)
        info.emplace_back("attr." + name, value.value_or(""));
    info.emplace_back("setback_slack_m", format_number(z.slack, 6));
    info.emplace_back("lang", std::string(lang_code(options.lang)));
    info.emplace_back("polygons", std::to_string(z.polygons.size()));
    info.emplace_back("coverage_km2", format_number(z.coverage_km2, 6));
    for (const auto& l : engine.layers().all())
        info.emplace_back("layer." + l->name() + ".features", std::to_string(l->size()));
    info.emplace_back("gdal", GDALVersionInfo("RELEASE_NAME"));
    info.emplace_back("geos", GEOSversion());
    for (const auto& kv : options.extra_info)
        info.push_back(kv);
    return info;
}

void write_run_info(OutputDataset& out, const CPLStringList& defaults, const RunInfo& info)
{
    OGRLayer* layer = new_layer(out, defaults, "run_info", wkbNone, {{"key", OFTString}, {"value", OFTString}});
    for (const auto& [k, v] : info) {
        gdal::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetField("key", k.c_str());
        f->SetField("value", v.c_str());
        create(*layer, *f);
    }
}

/// Through OutputDataset, as batch's and diff's outputs: --t_srs, -lco,
/// --layer-prefix, --overwrite; a `PG:` database in one transaction.
void write_dataset(const std::string& target, const Engine& engine, const ZoningResult& z,
                   const ZoningWriteOptions& options, const std::string& copy_from)
{
    OutputDataset out(target, options.format, options.output, engine.layers().working_srs(), options.lang,
                      copy_from);
    out.claim({"zoning", "zoning_summary", "run_info"});
    const CPLStringList defaults = out.default_options();
    out.begin_transaction();
    OGRLayer* layer = write_polygons(out, defaults, z, options.lang);
    write_summary(out, defaults, z);
    write_run_info(out, defaults, zoning_run_info(engine, z, options));
    const styles::StyleRow style{layer->GetName(), layer->GetGeometryColumn(), "redline zoning",
                                 "verdict of a point site of " + z.industry, styles::zoning_qml()};
    if (out.database()) {
        styles::write_database_layer_styles(out, {style});
        out.commit();
        out.close();
        return;
    }
    out.commit();
    if (out.gpkg())
        styles::write_layer_styles(out.ds(), {style});
    out.close();
}

} // namespace

void write_zoning(const Engine& engine, const ZoningResult& zoning, const std::string& path,
                  const ZoningWriteOptions& options)
{
    if (is_database_output(path)) {
        ZoningWriteOptions db = options;
        db.format = "PostgreSQL";
        write_dataset(path, engine, zoning, db, "");
        return;
    }
    namespace fs = std::filesystem;
    // A layer prefix adds to an existing GeoPackage (copied, then renamed over it).
    std::error_code ec;
    const bool add_to = !options.output.layer_prefix.empty() && EQUAL(options.format.c_str(), "GPKG") &&
                        fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0;
    const std::string tmp = path + ".partial";
    fs::remove(tmp, ec);
    try {
        write_dataset(tmp, engine, zoning, options, add_to ? path : "");
        fs::rename(tmp, path);
    } catch (const fs::filesystem_error& e) {
        fs::remove(tmp, ec);
        throw OutputError("cannot write '" + path + "': " + e.what());
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
}

} // namespace redline
