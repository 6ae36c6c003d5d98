#include "support.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace redline::test {

namespace {

std::string number_text(double v)
{
    std::ostringstream os;
    os.precision(15);
    os << v;
    return os.str();
}

} // namespace

Fixture::Fixture()
{
    GDALAllRegister();
    std::string pattern = (fs::temp_directory_path() / "redline-test-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a temp dir from " + pattern);
    m_dir = pattern;
}

Fixture::~Fixture()
{
    m_worker.reset();
    m_engine.reset();
    std::error_code ec; // a destructor never throws
    fs::remove_all(m_dir, ec);
}

void Fixture::layer(const std::string& name, const std::vector<Feature>& features,
                    const LayerOptions& options)
{
    const std::string gpkg = path("layers.gpkg");
    GDALDataset* ds = nullptr;
    if (fs::exists(gpkg)) {
        ds = GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE);
    } else {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
        if (!driver)
            throw std::runtime_error("GDAL has no GPKG driver");
        ds = driver->Create(gpkg.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    }
    if (!ds)
        throw std::runtime_error("cannot open " + gpkg + " for writing");

    OGRSpatialReference srs;
    OGRSpatialReference* srs_ptr = nullptr;
    if (options.epsg != 0) {
        srs.importFromEPSG(options.epsg);
        srs_ptr = &srs;
    }
    OGRLayer* out = ds->CreateLayer(name.c_str(), srs_ptr, wkbUnknown, nullptr);
    if (!out) {
        GDALClose(ds);
        throw std::runtime_error("cannot create layer " + name);
    }
    // Field types follow the first feature's values.
    if (!features.empty())
        for (const auto& [field, value] : features.front().fields) {
            OGRFieldDefn defn(field.c_str(),
                              std::holds_alternative<double>(value) ? OFTReal : OFTString);
            out->CreateField(&defn);
        }
    for (const auto& f : features) {
        OGRFeature* feature = OGRFeature::CreateFeature(out->GetLayerDefn());
        for (const auto& [field, value] : f.fields) {
            if (const double* d = std::get_if<double>(&value))
                feature->SetField(field.c_str(), *d);
            else
                feature->SetField(field.c_str(), std::get<std::string>(value).c_str());
        }
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkt(f.wkt.c_str(), nullptr, &g) != OGRERR_NONE) {
            OGRFeature::DestroyFeature(feature);
            GDALClose(ds);
            throw std::runtime_error("bad layer WKT: " + f.wkt);
        }
        feature->SetGeometryDirectly(g);
        const OGRErr err = out->CreateFeature(feature);
        OGRFeature::DestroyFeature(feature);
        if (err != OGRERR_NONE) {
            GDALClose(ds);
            throw std::runtime_error("cannot write a feature of " + name);
        }
    }
    GDALClose(ds);

    m_layers_yaml += "  " + name + ": {source: layers.gpkg, layer: " + name;
    if (!options.key.empty())
        m_layers_yaml += ", key: " + options.key;
    if (!options.label.empty())
        m_layers_yaml += ", label: " + options.label;
    if (!options.type.empty())
        m_layers_yaml += ", type: " + options.type;
    m_layers_yaml += "}\n";
}

std::string Fixture::file(const std::string& name, const std::string& text) const
{
    const std::string p = path(name);
    std::ofstream out(p, std::ios::binary);
    out << text;
    if (!out)
        throw std::runtime_error("cannot write " + p);
    return p;
}

void Fixture::rulebook(const std::string& checks_yaml, const std::string& extra)
{
    file("rulebook.yaml", "rulebook: 1\n"
                          "name: unit test\n"
                          "working_crs: EPSG:4549\n"
                          "input_crs: " + input_crs + "\n" +
                              extra + "layers:\n" + m_layers_yaml + "checks:\n" + checks_yaml);
    m_worker.reset();
    m_engine.reset();
}

Engine& Fixture::engine()
{
    if (!m_engine)
        m_engine = std::make_unique<Engine>(rulebook_path());
    return *m_engine;
}

SiteResult Fixture::screen(const std::string& wkt, const std::string& industry,
                           const std::vector<std::pair<std::string, std::string>>& attrs)
{
    Application app;
    app.site_id = "site";
    app.industry = industry;
    app.geometry_text = wkt;
    for (const auto& [k, v] : attrs)
        app.attributes.emplace_back(k, v);
    return screen(app);
}

SiteResult Fixture::screen(const Application& app)
{
    if (!m_worker)
        m_worker = std::make_unique<Engine::Worker>(engine());
    SiteResult r = m_worker->screen(app);
    render(r, Lang::En);
    return r;
}

std::vector<Finding> findings_of(const SiteResult& r, const std::string& rule_id)
{
    std::vector<Finding> out;
    for (const auto& f : r.findings)
        if (f.rule_id == rule_id)
            out.push_back(f);
    return out;
}

std::string square(double x, double y, double side)
{
    const std::string x0 = number_text(x), y0 = number_text(y);
    const std::string x1 = number_text(x + side), y1 = number_text(y + side);
    return "POLYGON((" + x0 + " " + y0 + "," + x1 + " " + y0 + "," + x1 + " " + y1 + "," + x0 +
           " " + y1 + "," + x0 + " " + y0 + "))";
}

std::vector<Feature> edge_case_features(const std::string& key_field,
                                        const std::vector<std::pair<std::string, Value>>& extra)
{
    auto fields = [&](const std::string& key) {
        std::vector<std::pair<std::string, Value>> out{{key_field, key}};
        out.insert(out.end(), extra.begin(), extra.end());
        return out;
    };
    return {
        {square(0, 0, 100), fields("A")},
        {"MULTIPOLYGON(((1000 0,1100 0,1100 100,1000 100,1000 0)),"
         "((1200 0,1300 0,1300 100,1200 100,1200 0)))",
         fields("B")},
        {"POLYGON((2000 0,2300 0,2300 300,2000 300,2000 0),"
         "(2100 100,2200 100,2200 200,2100 200,2100 100))",
         fields("C")},
        {"POLYGON((3000 0,3100 100,3100 0,3000 100,3000 0))", fields("D")},
    };
}

} // namespace redline::test
