#include "redline/layer.hpp"

#include "geometry/convert.hpp"
#include "geometry/feature_index.hpp"
#include "geometry/packed_rtree.hpp"
#include "geometry/valid_proof.hpp"
#include "redline/error.hpp"
#include "io/gdal.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>
#include <set>
#include <unordered_set>

namespace redline {

struct Layer::RTree {
    explicit RTree(const std::vector<geos::Bounds>& boxes) : tree(boxes) {}
    PackedRTree tree;
};

namespace {

OGRLayer* pick_layer(GDALDataset& ds, const LayerDef& def)
{
    OGRLayer* layer = def.layer.empty() ? ds.GetLayer(0) : ds.GetLayerByName(def.layer.c_str());
    if (!layer) {
        std::vector<std::string> names;
        for (int i = 0; i < ds.GetLayerCount(); ++i)
            names.emplace_back(ds.GetLayer(i)->GetName());
        throw LayerError("layer '" + def.name + "': no layer '" + def.layer + "' in " +
                         def.source + " (it has: " + join(names, ", ") + ")");
    }
    return layer;
}

void apply_filter(OGRLayer& layer, const std::string& where, const LayerDef& def)
{
    if (where.empty())
        return;
    gdal::ErrorCapture capture;
    if (layer.SetAttributeFilter(where.c_str()) != OGRERR_NONE)
        throw LayerError("layer '" + def.name + "': bad filter \"" + where + "\"" +
                         (capture.has_failure() ? ": " + capture.failures() : ""));
}

std::string field_text(OGRFeature& f, int i)
{
    if (!f.IsFieldSetAndNotNull(i))
        return {};
    return f.GetFieldAsString(i);
}

struct Repair {
    std::string reason; ///< empty when the geometry was valid
    bool emptied = false;
    std::unique_ptr<const FeatureIndex> index; ///< for point queries (polygons)
};

/// Checks a feature's geometry, repairs it with make-valid (keeping the
/// parts of its own dimension), fills its dimension and bounds and packs
/// its rings for point queries.
Repair check_and_repair(geos::Context& ctx, LayerFeature& lf)
{
    Repair r;
    geos::GeomPtr gg = geos::from_wkb(ctx, lf.wkb);
    const int dim = geos::dimension(ctx, gg.get());
    // The proof answers most features (rings that never meet) for a
    // fraction of IsValidOp's cost; GEOS answers the rest.
    if (!proven_valid(ctx, gg.get()) && !geos::predicate(ctx, GEOSisValid_r(ctx.handle(), gg.get()), "isValid")) {
        char* reason = GEOSisValidReason_r(ctx.handle(), gg.get());
        r.reason = reason ? reason : "invalid";
        if (reason)
            GEOSFree_r(ctx.handle(), reason);
        geos::GeomPtr fixed = geos::own(ctx, GEOSMakeValid_r(ctx.handle(), gg.get()), "make-valid");
        gg = geos::keep_dimension(ctx, fixed.get(), dim);
        if (geos::is_empty(ctx, gg.get())) {
            r.emptied = true;
            return r;
        }
        lf.wkb = geos::to_wkb(ctx, gg.get());
    }
    lf.dimension = geos::dimension(ctx, gg.get());
    lf.bounds = geos::bounds(ctx, gg.get());
    r.index = FeatureIndex::build(ctx, gg.get());
    return r;
}

/// Threads to use: `wanted`, or every core when 0.
unsigned thread_count(unsigned wanted)
{
    return wanted > 0 ? wanted : std::max(1u, std::thread::hardware_concurrency());
}

/// Runs fn(context, i) for i in [0, n) on at most `wanted` threads (0: every core).
template <typename Fn>
void parallel_for(std::size_t n, unsigned wanted, Fn fn)
{
    const std::size_t threads = std::max<std::size_t>(1, std::min<std::size_t>(thread_count(wanted), n / 64 + 1));
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> errors(threads);
    auto work = [&](std::size_t t) {
        try {
            geos::Context tctx;
            for (std::size_t i = next++; i < n; i = next++)
                fn(tctx, i);
        } catch (...) {
            errors[t] = std::current_exception();
            next = n;
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool)
        th.join();
    for (auto& e : errors)
        if (e)
            std::rethrow_exception(e);
}

} // namespace

Layer::Layer(LayerDef def, std::size_t index) : m_def(std::move(def)), m_index(index) {}
Layer::~Layer() = default;

std::unique_ptr<Layer> Layer::load(const LayerDef& def, const OGRSpatialReference& working,
                                   std::size_t index, unsigned threads)
{
    std::unique_ptr<Layer> out(new Layer(def, index));
    gdal::DatasetPtr ds = gdal::open_vector(def.source, "layer '" + def.name + "'");
    OGRLayer* layer = pick_layer(*ds, def);
    out->m_modified = file_modified_utc(def.source);

    const OGRSpatialReference* srs = layer->GetSpatialRef();
    // GeoPackage writes a layer without a CRS as srs_id 0/-1, read back as
    // "Undefined geographic/cartesian SRS": that is no CRS either.
    if (srs && srs->GetName() && std::string(srs->GetName()).rfind("Undefined ", 0) == 0)
        srs = nullptr;
    if (!srs)
        throw LayerError("layer '" + def.name + "' (" + def.source +
                         ") has no CRS: redline never guesses one; assign it (e.g. ogr2ogr -a_srs)");
    OGRSpatialReference source_srs(*srs);
    source_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    out->m_source_crs = gdal::srs_label(source_srs);
    gdal::TransformPtr ct;
    if (!source_srs.IsSame(&working)) {
        ct = gdal::make_transform(source_srs, working);
        out->m_reprojected = true;
    }
    out->read_features(*layer, ct.get());
    out->repair_and_index(threads);
    return out;
}

std::string Layer::who(const LayerFeature& lf) const
{
    return "FID " + std::to_string(lf.fid) + (m_def.key.empty() ? "" : " (" + m_def.key + "=" + lf.key + ")");
}

void Layer::read_features(OGRLayer& layer, OGRCoordinateTransformation* ct)
{
    const LayerDef& def = m_def;
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        m_field_names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    auto required = [&](const std::string& field, const char* role) -> int {
        if (field.empty())
            return -1;
        int i = defn->GetFieldIndex(field.c_str());
        if (i < 0)
            throw LayerError("layer '" + def.name + "': its " + role + " field '" + field +
                             "' does not exist (fields: " + join(m_field_names, ", ") + ")");
        return i;
    };
    const int key_i = required(def.key, "key");
    const int label_i = required(def.label, "label");
    const int type_i = required(def.type, "type");
    apply_filter(layer, def.where, def);

    // The count when the driver knows it without a scan (a GeoPackage or a
    // shapefile without a filter): the features then never move while read.
    const GIntBig expected = def.where.empty() ? layer.GetFeatureCount(FALSE) : -1;
    std::unordered_set<std::string> keys;
    if (expected > 0) {
        m_features.reserve(static_cast<std::size_t>(expected));
        keys.reserve(static_cast<std::size_t>(expected));
    }
    std::set<std::string> reported_duplicates;
    layer.ResetReading();
    gdal::ErrorCapture capture;
    const int nfields = defn->GetFieldCount();
    for (gdal::FeaturePtr f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature())) {
        LayerFeature lf;
        lf.fid = f->GetFID();
        lf.key = key_i >= 0 ? field_text(*f, key_i) : std::to_string(lf.fid);
        lf.label = label_i >= 0 ? field_text(*f, label_i) : std::string();
        lf.type = type_i >= 0 ? field_text(*f, type_i) : std::string();
        lf.values.reserve(static_cast<std::size_t>(nfields));
        for (int i = 0; i < nfields; ++i) {
            if (f->IsFieldSetAndNotNull(i))
                lf.values.emplace_back(f->GetFieldAsString(i));
            else
                lf.values.emplace_back(std::nullopt);
        }
        if (key_i >= 0 && lf.key.empty())
            m_issues.push_back({lf.key, who(lf) + ": missing key"});
        else if (!keys.insert(lf.key).second && reported_duplicates.insert(lf.key).second)
            m_issues.push_back({lf.key, "duplicate key '" + lf.key + "'"});

        OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) {
            m_issues.push_back({lf.key, who(lf) + ": no geometry; the feature cannot be checked"});
            continue;
        }
        if (ct && g->transform(ct) != OGRERR_NONE) {
            m_issues.push_back(
                {lf.key, who(lf) + ": cannot be transformed to the working CRS; the feature cannot be checked"});
            continue;
        }
        lf.wkb = ogr_to_wkb(*g);
        m_features.push_back(std::move(lf));
    }
    if (capture.has_failure())
        throw LayerError("layer '" + def.name + "': reading failed: " + capture.failures());
}

void Layer::repair_and_index(unsigned threads)
{
    // Validity and repair are the costly part of loading: spread them over
    // the cores, one GEOS context per thread; the results do not depend on
    // the thread count.
    std::vector<Repair> repairs(m_features.size());
    parallel_for(m_features.size(), threads, [&](geos::Context& tctx, std::size_t i) {
        repairs[i] = check_and_repair(tctx, m_features[i]);
    });
    std::vector<geos::Bounds> entries;
    std::vector<LayerFeature> kept;
    kept.reserve(m_features.size());
    m_point_index.reserve(m_features.size());
    for (std::size_t i = 0; i < m_features.size(); ++i) {
        LayerFeature& lf = m_features[i];
        if (!repairs[i].reason.empty()) {
            ++m_repaired;
            m_issues.push_back({lf.key, who(lf) + ": invalid geometry (" + repairs[i].reason +
                                            ") repaired with make-valid"});
            if (repairs[i].emptied) {
                m_issues.push_back({lf.key, who(lf) + ": nothing left after repair"});
                continue;
            }
        }
        entries.push_back(lf.bounds); // item kept.size()
        kept.push_back(std::move(lf));
        m_point_index.push_back(std::move(repairs[i].index));
    }
    m_features = std::move(kept);

    if (!m_features.empty()) {
        geos::Bounds e{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                       std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
        for (const auto& f : m_features) {
            e.minx = std::min(e.minx, f.bounds.minx);
            e.miny = std::min(e.miny, f.bounds.miny);
            e.maxx = std::max(e.maxx, f.bounds.maxx);
            e.maxy = std::max(e.maxy, f.bounds.maxy);
        }
        m_extent = e;
    }
    // Packed once: built and queried much faster than inserts.
    m_rtree = std::make_unique<const RTree>(entries);
}

std::optional<std::size_t> Layer::find_field(const std::string& name) const
{
    for (std::size_t i = 0; i < m_field_names.size(); ++i)
        if (m_field_names[i] == name)
            return i;
    return std::nullopt;
}

std::size_t Layer::field(const std::string& name, const std::string& purpose) const
{
    auto i = find_field(name);
    if (!i)
        throw LayerError("layer '" + m_def.name + "': field '" + name + "' (" + purpose +
                         ") does not exist (fields: " + join(m_field_names, ", ") + ")");
    return *i;
}

std::vector<std::uint32_t> Layer::query(const geos::Bounds& b, double margin) const
{
    std::vector<std::uint32_t> out;
    query_into(b, out, margin);
    return out;
}

void Layer::query_into(const geos::Bounds& b, std::vector<std::uint32_t>& out, double margin) const
{
    out.clear();
    m_rtree->tree.query(geos::Bounds{b.minx - margin, b.miny - margin, b.maxx + margin, b.maxy + margin}, out);
    std::sort(out.begin(), out.end());
}

LayerSet::LayerSet(const Rulebook& rb, unsigned threads)
    : m_working(gdal::srs_from_user(rb.working_crs, "working_crs"))
{
    if (!m_working.IsProjected())
        throw RulebookError(rb.path, 0, "working_crs",
                            "'" + rb.working_crs +
                                "' is not a projected CRS: distances and areas need metres");
    // Layers load side by side (each reads its own GDAL dataset; the big
    // ones also repair in parallel), kept in rulebook order; the first
    // layer in that order that failed says why.
    const std::size_t n = rb.layers.size();
    std::vector<std::unique_ptr<Layer>> loaded(n);
    std::vector<std::exception_ptr> errors(n);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i = next++; i < n; i = next++) {
            try {
                loaded[i] = Layer::load(rb.layers[i], m_working, i, threads);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const std::size_t side_by_side = std::min<std::size_t>(n, thread_count(threads));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < side_by_side; ++t)
        pool.emplace_back(work);
    work();
    for (auto& th : pool)
        th.join();
    for (std::size_t i = 0; i < n; ++i)
        if (errors[i])
            std::rethrow_exception(errors[i]);
    m_layers = std::move(loaded);
}

const Layer* LayerSet::find(const std::string& name) const
{
    for (const auto& l : m_layers)
        if (l->name() == name)
            return l.get();
    return nullptr;
}

const Layer& LayerSet::get(const std::string& name) const
{
    const Layer* l = find(name);
    if (!l)
        throw LayerError("unknown layer '" + name + "'");
    return *l;
}

LayerSubset LayerSet::subset(const std::string& name, const std::string& where)
{
    const Layer& layer = get(name);
    if (where.empty())
        return LayerSubset{&layer, nullptr, ""};
    auto key = std::make_pair(name, where);
    auto it = m_subsets.find(key);
    if (it != m_subsets.end())
        return it->second;

    const LayerDef& def = layer.def();
    gdal::DatasetPtr ds = gdal::open_vector(def.source, "layer '" + def.name + "'");
    OGRLayer* l = pick_layer(*ds, def);
    std::string filter = def.where.empty() ? where : "(" + def.where + ") AND (" + where + ")";
    apply_filter(*l, filter, def);
    l->SetIgnoredFields(nullptr);
    std::map<std::int64_t, std::size_t> by_fid;
    for (std::size_t i = 0; i < layer.size(); ++i)
        by_fid[layer.feature(i).fid] = i;
    auto mask = std::make_shared<std::vector<char>>(layer.size(), 0);
    l->ResetReading();
    gdal::ErrorCapture capture; // some drivers report a bad filter only when reading
    for (gdal::FeaturePtr f(l->GetNextFeature()); f; f.reset(l->GetNextFeature())) {
        auto found = by_fid.find(f->GetFID());
        if (found != by_fid.end())
            (*mask)[found->second] = 1;
    }
    if (capture.has_failure())
        throw LayerError("layer '" + def.name + "': bad filter \"" + where + "\": " +
                         capture.failures());
    LayerSubset s{&layer, mask, where};
    m_subsets.emplace(key, s);
    return s;
}

} // namespace redline
