#include "output/context_layers.hpp"

#include "geometry/convert.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace redline {

namespace {

OGRwkbGeometryType multi_type(styles::Kind k)
{
    return k == styles::Kind::Point ? wkbMultiPoint
           : k == styles::Kind::Line ? wkbMultiLineString
                                     : wkbMultiPolygon;
}

/// Adds the parts of `g` of kind `k` to `out` (collections are walked).
void collect(const OGRGeometry& g, styles::Kind k, OGRGeometryCollection& out)
{
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    if (t == wkbGeometryCollection || t == wkbMultiPoint || t == wkbMultiLineString ||
        t == wkbMultiPolygon) {
        for (const OGRGeometry* part : *g.toGeometryCollection())
            collect(*part, k, out);
        return;
    }
    if (!g.IsEmpty() && styles::kind_of(t) == k)
        out.addGeometry(&g);
}

} // namespace

double context_margin(const OGREnvelope& sites)
{
    const double side = std::max(sites.MaxX - sites.MinX, sites.MaxY - sites.MinY);
    return std::max(2000.0, 0.1 * side);
}

std::vector<ContextLayer> write_context_layers(OutputDataset& output, const LayerSet& layers,
                                               const OGREnvelope& extent)
{
    std::vector<ContextLayer> written;
    OGRPolygon rect;
    {
        OGRLinearRing ring;
        ring.addPoint(extent.MinX, extent.MinY);
        ring.addPoint(extent.MaxX, extent.MinY);
        ring.addPoint(extent.MaxX, extent.MaxY);
        ring.addPoint(extent.MinX, extent.MaxY);
        ring.addPoint(extent.MinX, extent.MinY);
        rect.addRing(&ring);
    }
    const geos::Bounds box{extent.MinX, extent.MinY, extent.MaxX, extent.MaxY};

    for (const auto& layer : layers.all()) {
        const std::vector<std::uint32_t> hits = layer->query(box);
        if (hits.empty())
            continue;
        std::array<std::size_t, 3> by_kind{};
        for (std::uint32_t i : hits)
            ++by_kind[static_cast<std::size_t>(std::clamp(layer->feature(i).dimension, 0, 2))];
        const auto kind = static_cast<styles::Kind>(
            std::max_element(by_kind.begin(), by_kind.end()) - by_kind.begin());

        OGRLayer* out = output.create_layer("ctx_" + layer->name(), multi_type(kind), output.default_options());
        const std::string name = out->GetName();
        gdal::ErrorCapture capture;
        std::set<std::string> used = {"fid"};
        std::vector<std::string> fields;
        for (const std::string& f : layer->field_names()) {
            std::string field = f;
            while (used.count(to_lower_ascii(field)))
                field = "src_" + field; // never collide with the FID column
            used.insert(to_lower_ascii(field));
            OGRFieldDefn def(field.c_str(), OFTString);
            if (out->CreateField(&def) != OGRERR_NONE)
                throw OutputError("cannot create field '" + field + "' in '" + name +
                                  "': " + capture.failures());
            fields.push_back(field);
        }
        for (std::uint32_t i : hits) {
            const LayerFeature& lf = layer->feature(i);
            gdal::GeometryPtr g = wkb_to_ogr(lf.wkb);
            const bool inside = lf.bounds.minx >= box.minx && lf.bounds.maxx <= box.maxx &&
                                lf.bounds.miny >= box.miny && lf.bounds.maxy <= box.maxy;
            if (!inside)
                g.reset(g->Intersection(&rect));
            if (!g || g->IsEmpty())
                continue;
            auto multi = std::unique_ptr<OGRGeometryCollection>(
                OGRGeometryFactory::createGeometry(multi_type(kind))->toGeometryCollection());
            collect(*g, kind, *multi);
            if (multi->IsEmpty())
                continue;
            gdal::FeaturePtr f(OGRFeature::CreateFeature(out->GetLayerDefn()));
            for (std::size_t v = 0; v < fields.size() && v < lf.values.size(); ++v)
                if (lf.values[v])
                    f->SetField(static_cast<int>(v), lf.values[v]->c_str());
            if (!output.to_output(*multi))
                continue; // PROJ cannot take it to --t_srs: context only, left out
            f->SetGeometryDirectly(multi.release());
            if (out->CreateFeature(f.get()) != OGRERR_NONE)
                throw OutputError("cannot write to '" + name + "': " + capture.failures());
        }
        std::string label;
        if (!layer->def().label.empty()) {
            const auto& names = layer->field_names();
            auto it = std::find(names.begin(), names.end(), layer->def().label);
            if (it != names.end())
                label = fields[static_cast<std::size_t>(it - names.begin())];
        }
        written.push_back({name, layer->name(), kind, out->GetGeometryColumn(), label});
    }
    return written;
}

} // namespace redline
