// The bulk-loaded GeoPackage RTree (src/gpkg_rtree.cpp): SQLite's own
// rtreecheck() accepts it, GDAL sees and uses it, and every window query
// answers exactly what a scan of the envelopes answers.
#include "output/gpkg_rtree.hpp"

#include "io/gdal.hpp"

#include <catch2/catch.hpp>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <set>

namespace {

struct TempFile {
    std::string path;
    explicit TempFile(const std::string& name)
        : path((std::filesystem::temp_directory_path() / name).string())
    {
        std::filesystem::remove(path);
    }
    ~TempFile() { std::filesystem::remove(path); }
};

/// A GeoPackage with one unindexed layer "t" holding `wkts`; returns the
/// envelopes of its non-empty geometries.
std::vector<redline::gpkg::Envelope> make_gpkg(const std::string& path, const std::vector<std::string>& wkts)
{
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    redline::gdal::DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    REQUIRE(ds);
    CPLStringList opts;
    opts.SetNameValue("SPATIAL_INDEX", "NO");
    OGRLayer* layer = ds->CreateLayer("t", nullptr, wkbUnknown, opts.List());
    REQUIRE(layer);
    redline::gpkg::SpatialIndex out;
    REQUIRE(ds->StartTransaction(FALSE) == OGRERR_NONE);
    for (const auto& w : wkts) {
        redline::gdal::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        OGRGeometry* g = nullptr;
        REQUIRE(OGRGeometryFactory::createFromWkt(w.c_str(), nullptr, &g) == OGRERR_NONE);
        f->SetGeometryDirectly(g);
        REQUIRE(layer->CreateFeature(f.get()) == OGRERR_NONE);
        if (!g->IsEmpty()) {
            OGREnvelope e;
            g->getEnvelope(&e);
            out.add(f->GetFID(), e.MinX, e.MinY, e.MaxX, e.MaxY);
            // Rounded outwards: the single-precision box holds the double one.
            const auto& b = out.envelopes.back();
            CHECK((b.min_x <= e.MinX && b.max_x >= e.MaxX && b.min_y <= e.MinY && b.max_y >= e.MaxY));
        }
    }
    REQUIRE(ds->CommitTransaction() == OGRERR_NONE);
    return out.envelopes;
}

std::string rtreecheck(const std::string& path)
{
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT rtreecheck('rtree_t_geom')", -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    std::string out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

/// fids GDAL returns for a window (through the RTree), and what a scan says.
void check_windows(const std::string& path, const std::vector<redline::gpkg::Envelope>& envelopes,
                   const std::vector<OGREnvelope>& windows)
{
    redline::gdal::DatasetPtr ds(
        static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayerByName("t");
    OGRLayer* has = ds->ExecuteSQL("SELECT HasSpatialIndex('t', 'geom')", nullptr, nullptr);
    REQUIRE(has);
    redline::gdal::FeaturePtr row(has->GetNextFeature());
    CHECK(row->GetFieldAsInteger(0) == 1);
    row.reset();
    ds->ReleaseResultSet(has);
    for (const OGREnvelope& w : windows) {
        // The RTree itself (what QGIS asks when it draws a window).
        std::string sql = "SELECT id FROM rtree_t_geom WHERE maxx >= " + std::to_string(w.MinX) +
                          " AND minx <= " + std::to_string(w.MaxX) + " AND maxy >= " +
                          std::to_string(w.MinY) + " AND miny <= " + std::to_string(w.MaxY);
        std::set<GIntBig> got;
        OGRLayer* rs = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
        REQUIRE(rs);
        for (auto& f : *rs)
            got.insert(f->GetFieldAsInteger64(0));
        ds->ReleaseResultSet(rs);
        // Exact envelopes: the float RTree may only add neighbours within its rounding.
        std::set<GIntBig> want, near;
        for (const auto& e : envelopes) {
            if (e.max_x >= w.MinX && e.min_x <= w.MaxX && e.max_y >= w.MinY && e.min_y <= w.MaxY)
                want.insert(e.fid);
            const double tol = 1e-3 * (1 + std::max(std::abs(w.MaxX), std::abs(w.MaxY)));
            if (e.max_x >= w.MinX - tol && e.min_x <= w.MaxX + tol && e.max_y >= w.MinY - tol &&
                e.min_y <= w.MaxY + tol)
                near.insert(e.fid);
        }
        for (GIntBig fid : want)
            CHECK(got.count(fid) == 1);
        for (GIntBig fid : got)
            CHECK(near.count(fid) == 1);
        // GDAL's spatial filter goes through the same index.
        layer->SetSpatialFilterRect(w.MinX, w.MinY, w.MaxX, w.MaxY);
        std::set<GIntBig> filtered;
        for (auto& f : *layer)
            filtered.insert(f->GetFID());
        layer->SetSpatialFilter(nullptr);
        // GDAL also tests the geometries themselves: never more than the envelopes
        // say, and everything when the window covers the whole layer.
        for (GIntBig fid : filtered)
            CHECK(want.count(fid) == 1);
        if (w.MinX <= 0 && w.MaxX >= 1000)
            CHECK(filtered == want);
    }
}

} // namespace

TEST_CASE("gpkg_rtree: tree sizes from empty to several levels", "[gpkg]")
{
    // 0 rows, 1 row, exactly one full node (51 cells at the default page size),
    // one more than that, and enough for three levels.
    for (int n : {0, 1, 51, 52, 3000, 20000}) {
        DYNAMIC_SECTION("rows " << n)
        {
            TempFile tmp("redline_rtree_" + std::to_string(n) + ".gpkg");
            std::mt19937 rng(static_cast<unsigned>(n) + 7);
            std::uniform_real_distribution<double> x(500000, 600000), y(3000000, 3100000), s(0, 2000);
            std::vector<std::string> wkts;
            for (int i = 0; i < n; ++i) {
                const double x0 = x(rng), y0 = y(rng);
                if (i % 3 == 0) { // points: zero-size boxes
                    wkts.push_back("POINT (" + std::to_string(x0) + " " + std::to_string(y0) + ")");
                } else {
                    const double w = s(rng), h = s(rng);
                    wkts.push_back("POLYGON ((" + std::to_string(x0) + " " + std::to_string(y0) + "," +
                                   std::to_string(x0 + w) + " " + std::to_string(y0) + "," +
                                   std::to_string(x0 + w) + " " + std::to_string(y0 + h) + "," +
                                   std::to_string(x0) + " " + std::to_string(y0) + "))");
                }
            }
            auto envelopes = make_gpkg(tmp.path, wkts);
            std::vector<redline::gpkg::SpatialIndex> idx{{"t", "geom", envelopes}};
            redline::gpkg::write_spatial_indexes(tmp.path, idx, n % 2 == 0); // packed here or beside
            CHECK(rtreecheck(tmp.path) == "ok");
            std::vector<OGREnvelope> windows;
            for (int k = 0; k < 25; ++k) {
                OGREnvelope w;
                w.MinX = x(rng);
                w.MinY = y(rng);
                w.MaxX = w.MinX + s(rng) * 5;
                w.MaxY = w.MinY + s(rng) * 5;
                windows.push_back(w);
            }
            OGREnvelope all;
            all.MinX = 0;
            all.MinY = 0;
            all.MaxX = 1e7;
            all.MaxY = 1e7;
            windows.push_back(all);
            check_windows(tmp.path, envelopes, windows);
        }
    }
}

TEST_CASE("gpkg_rtree: empty geometries, touching windows, later edits keep the index", "[gpkg]")
{
    TempFile tmp("redline_rtree_edit.gpkg");
    auto envelopes = make_gpkg(tmp.path, {"POINT (10 10)", "POLYGON EMPTY", "LINESTRING (0 0,5 5)",
                                          "POLYGON ((20 20,30 20,30 30,20 20))"});
    REQUIRE(envelopes.size() == 3); // the empty polygon has no entry
    std::vector<redline::gpkg::SpatialIndex> idx{{"t", "geom", envelopes}};
    redline::gpkg::write_spatial_indexes(tmp.path, idx, true);
    CHECK(rtreecheck(tmp.path) == "ok");
    OGREnvelope touch; // touches the line's envelope corner and the point exactly
    touch.MinX = 5;
    touch.MinY = 5;
    touch.MaxX = 10;
    touch.MaxY = 10;
    check_windows(tmp.path, envelopes, {touch});

    // An edit through GDAL fires the triggers this index was given.
    {
        redline::gdal::DatasetPtr ds(static_cast<GDALDataset*>(
            GDALOpenEx(tmp.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr)));
        REQUIRE(ds);
        OGRLayer* layer = ds->GetLayerByName("t");
        redline::gdal::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkt("POINT (100 100)", nullptr, &g);
        f->SetGeometryDirectly(g);
        REQUIRE(layer->CreateFeature(f.get()) == OGRERR_NONE);
        redline::gpkg::SpatialIndex added;
        added.add(f->GetFID(), 100, 100, 100, 100);
        envelopes.push_back(added.envelopes.front());
        REQUIRE(layer->DeleteFeature(1) == OGRERR_NONE); // the point at (10, 10)
        envelopes.erase(envelopes.begin());
    }
    CHECK(rtreecheck(tmp.path) == "ok");
    OGREnvelope all;
    all.MinX = -1;
    all.MinY = -1;
    all.MaxX = 1000;
    all.MaxY = 1000;
    check_windows(tmp.path, envelopes, {all, touch});
}

TEST_CASE("gpkg_rtree: rows without a geometry in runs and alone, first and last", "[gpkg]")
{
    // The `_rowid` table names a rowid only where the fids jump (rows left
    // out of the index); elsewhere SQLite numbers on. Its rows must be
    // exactly the indexed fids, whatever the pattern of the gaps, across the
    // 8,192-row statements.
    for (int pattern = 0; pattern < 4; ++pattern) {
        DYNAMIC_SECTION("pattern " << pattern)
        {
            TempFile tmp("redline_rtree_gaps_" + std::to_string(pattern) + ".gpkg");
            const int n = 20000;
            std::vector<std::string> wkts;
            for (int i = 0; i < n; ++i) {
                const int fid = i + 1;
                const bool empty = pattern == 0   ? (fid == 1 || fid == n || fid == 8193 || fid == 8194)
                                   : pattern == 1 ? fid % 3 == 0
                                   : pattern == 2 ? (fid > 8000 && fid <= 8400) || fid % 1000 == 1
                                                  : false;
                wkts.push_back(empty ? std::string("POINT EMPTY")
                                     : "POINT (" + std::to_string(fid % 150) + " " + std::to_string(fid / 150) + ")");
            }
            auto envelopes = make_gpkg(tmp.path, wkts);
            std::vector<redline::gpkg::SpatialIndex> idx{{"t", "geom", envelopes}};
            redline::gpkg::write_spatial_indexes(tmp.path, idx, pattern % 2 == 0);
            CHECK(rtreecheck(tmp.path) == "ok");

            std::vector<std::int64_t> want;
            for (const auto& e : envelopes)
                want.push_back(e.fid);
            std::vector<std::int64_t> got;
            sqlite3* db = nullptr;
            REQUIRE(sqlite3_open_v2(tmp.path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
            sqlite3_stmt* s = nullptr;
            REQUIRE(sqlite3_prepare_v2(db, "SELECT rowid FROM rtree_t_geom_rowid ORDER BY rowid", -1, &s, nullptr) ==
                    SQLITE_OK);
            while (sqlite3_step(s) == SQLITE_ROW)
                got.push_back(sqlite3_column_int64(s, 0));
            sqlite3_finalize(s);
            sqlite3_close(db);
            CHECK(got == want);
            CHECK(want.size() == static_cast<std::size_t>(pattern == 0   ? n - 4
                                                          : pattern == 1 ? n - n / 3
                                                          : pattern == 2 ? n - 400 - 20 + 1
                                                                         : n));
            OGREnvelope all;
            all.MinX = -1;
            all.MinY = -1;
            all.MaxX = 1000;
            all.MaxY = 1000;
            check_windows(tmp.path, envelopes, {all});
        }
    }
}
