// GeoPackage rows through SQLite (src/output/gpkg_rows.cpp): the geometry
// blob is byte for byte the one GDAL 3.6 writes, and a table filled by
// RowWriter holds what GDAL would have written, with GDAL's counts, extent
// and triggers around it.
#include "output/gpkg_rows.hpp"

#include "io/gdal.hpp"
#include "redline/error.hpp"
#include "redline/geos.hpp"

#include <catch2/catch.hpp>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<unsigned char>;

struct TempFile {
    std::string path;
    explicit TempFile(const std::string& name) : path((std::filesystem::temp_directory_path() / name).string())
    {
        std::filesystem::remove(path);
    }
    ~TempFile() { std::filesystem::remove(path); }
};

redline::gdal::GeometryPtr from_wkt(const std::string& wkt)
{
    OGRGeometry* g = nullptr;
    REQUIRE(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g) == OGRERR_NONE);
    return redline::gdal::GeometryPtr(g);
}

Bytes wkb_of(const OGRGeometry& g, OGRwkbByteOrder order = wkbNDR)
{
    Bytes out(g.WkbSize());
    REQUIRE(g.exportToWkb(order, out.data(), wkbVariantIso) == OGRERR_NONE);
    return out;
}

/// A GeoPackage at `path` with layer "t" (EPSG:4490, no spatial index) and
/// fields a (String), n (Integer), x (Real); `wkts` written by GDAL when
/// `rows`, else the layer is left empty.
void make_gpkg(const std::string& path, const std::vector<std::string>& wkts, bool rows)
{
    redline::gdal::initialise();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    redline::gdal::DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    REQUIRE(ds);
    OGRSpatialReference srs;
    srs.importFromEPSG(4490);
    CPLStringList opts;
    opts.SetNameValue("SPATIAL_INDEX", "NO");
    OGRLayer* layer = ds->CreateLayer("t", &srs, wkbUnknown, opts.List());
    REQUIRE(layer);
    for (auto [name, type] : {std::pair{"a", OFTString}, {"n", OFTInteger}, {"x", OFTReal}}) {
        OGRFieldDefn def(name, type);
        REQUIRE(layer->CreateField(&def) == OGRERR_NONE);
    }
    if (!rows)
        return;
    REQUIRE(ds->StartTransaction(FALSE) == OGRERR_NONE);
    int i = 0;
    for (const auto& w : wkts) {
        redline::gdal::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        if (!w.empty())
            f->SetGeometryDirectly(from_wkt(w).release());
        f->SetField("a", ("row " + std::to_string(i)).c_str());
        f->SetField("n", i);
        if (i % 2)
            f->SetField("x", 0.1 * i);
        REQUIRE(layer->CreateFeature(f.get()) == OGRERR_NONE);
        ++i;
    }
    REQUIRE(ds->CommitTransaction() == OGRERR_NONE);
}

/// Each row of `sql` as text: every column's typeof() and value (blobs in hex).
std::vector<std::string> query(const std::string& path, const std::string& sql)
{
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    redline::gpkg::DbPtr hold(db);
    sqlite3_stmt* raw = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK);
    redline::gpkg::StmtPtr s(raw);
    std::vector<std::string> out;
    while (sqlite3_step(raw) == SQLITE_ROW) {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(raw); ++c) {
            const int type = sqlite3_column_type(raw, c);
            row += std::to_string(type) + ":";
            if (type == SQLITE_BLOB) {
                const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(raw, c));
                char hex[3];
                for (int k = 0; k < sqlite3_column_bytes(raw, c); ++k) {
                    std::snprintf(hex, sizeof hex, "%02X", b[k]);
                    row += hex;
                }
            } else if (type != SQLITE_NULL) {
                row += reinterpret_cast<const char*>(sqlite3_column_text(raw, c));
            }
            row += "|";
        }
        out.push_back(row);
    }
    return out;
}

Bytes blob_at(const std::string& path, int fid)
{
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    redline::gpkg::DbPtr hold(db);
    sqlite3_stmt* raw = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT geom FROM t WHERE fid = ?", -1, &raw, nullptr) == SQLITE_OK);
    redline::gpkg::StmtPtr s(raw);
    sqlite3_bind_int(raw, 1, fid);
    REQUIRE(sqlite3_step(raw) == SQLITE_ROW);
    const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(raw, 0));
    return Bytes(b, b + sqlite3_column_bytes(raw, 0));
}

const std::vector<std::string> k_geometries = {
    "POINT (120.1 29.2)",
    "POINT (-0.0 1e-300)",
    "MULTIPOINT ((120 29),(121 30),(119.5 31))",
    "LINESTRING (120 29,121 30,120.5 28.75)",
    "POLYGON ((0 0,10 0,10 10,0 10,0 0),(2 2,2 3,3 3,2 2))",
    "MULTIPOLYGON (((0 0,1 0,1 1,0 0)),((5 5,6 5,6 7,5 5)))",
    "MULTILINESTRING ((0 0,1 1),(-3 4,5 -6))",
    "GEOMETRYCOLLECTION (POINT (3 4),LINESTRING (0 0,-1 -2),POLYGON ((0 0,1 0,1 1,0 0)))",
    "GEOMETRYCOLLECTION (POINT EMPTY,LINESTRING (7 8,9 10))",
    "POINT EMPTY",
    "LINESTRING EMPTY",
    "POLYGON EMPTY",
    "MULTIPOLYGON EMPTY",
    "GEOMETRYCOLLECTION EMPTY",
    "MULTIPOINT (EMPTY,(1 2))",
    "POINT Z (1 2 3)",
    "LINESTRING Z (0 0 1,1 1 5)",
    "POLYGON M ((0 0 1,1 0 2,1 1 3,0 0 1))",
};

} // namespace

TEST_CASE("each geometry's blob is byte for byte the one GDAL 3.6 writes into a GeoPackage", "[gpkg_rows]")
{
    TempFile file("redline_gpkg_rows_blob.gpkg");
    make_gpkg(file.path, k_geometries, true);
    for (std::size_t i = 0; i < k_geometries.size(); ++i) {
        INFO(k_geometries[i]);
        const auto g = from_wkt(k_geometries[i]);
        const Bytes expected = blob_at(file.path, static_cast<int>(i + 1));
        Bytes ours;
        for (OGRwkbByteOrder order : {wkbNDR, wkbXDR}) {
            const Bytes wkb = wkb_of(*g, order);
            const redline::gpkg::BlobGeometry info = redline::gpkg::geometry_blob(wkb.data(), wkb.size(), 4490, ours);
            CHECK(ours == expected);
            CHECK(info.empty == bool(g->IsEmpty()));
            CHECK(info.type == g->getGeometryType());
            if (!g->IsEmpty()) {
                OGREnvelope e;
                g->getEnvelope(&e);
                CHECK((info.min_x == e.MinX && info.min_y == e.MinY && info.max_x == e.MaxX && info.max_y == e.MaxY));
            }
        }
    }
}

TEST_CASE("GEOS's WKB of a geometry gives the blob GDAL writes for it", "[gpkg_rows]")
{
    // The engine's geometries come from GEOS: its WKB is what is copied.
    const std::vector<std::string> wkts = {"POINT (120.1 29.2)", "POLYGON ((0 0,10 0,10 10,0 10,0 0),(2 2,2 3,3 3,2 2))",
                                           "MULTIPOLYGON (((0 0,1 0,1 1,0 0)),((5 5,6 5,6 7,5 5)))",
                                           "LINESTRING (120 29,121 30)", "POINT EMPTY", "POLYGON EMPTY"};
    TempFile file("redline_gpkg_rows_geos.gpkg");
    make_gpkg(file.path, wkts, true);
    redline::geos::Context ctx;
    for (std::size_t i = 0; i < wkts.size(); ++i) {
        INFO(wkts[i]);
        const Bytes ogr = wkb_of(*from_wkt(wkts[i]));
        redline::geos::GeomPtr g = redline::geos::from_wkb(ctx, ogr);
        const Bytes wkb = redline::geos::to_wkb(ctx, g.get());
        Bytes ours;
        redline::gpkg::geometry_blob(wkb.data(), wkb.size(), 4490, ours);
        CHECK(ours == blob_at(file.path, static_cast<int>(i + 1)));
    }
}

TEST_CASE("WKB OGR cannot read is an OutputError, not a blob", "[gpkg_rows]")
{
    const Bytes truncated = {1, 2, 0, 0, 0, 5, 0, 0, 0, 0, 0};
    const Bytes wrong_part = wkb_of(*from_wkt("POINT (1 2)"));
    Bytes multi = {1, 4, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0}; // a multipoint holding a line
    Bytes out;
    CHECK_THROWS_AS(redline::gpkg::geometry_blob(truncated.data(), truncated.size(), 0, out), redline::OutputError);
    CHECK_THROWS_AS(redline::gpkg::geometry_blob(multi.data(), multi.size(), 0, out), redline::OutputError);
    CHECK_THROWS_AS(redline::gpkg::geometry_blob(wrong_part.data(), 3, 0, out), redline::OutputError);
}

namespace {

/// What the GDAL-written and the RowWriter-written files must agree on.
std::vector<std::string> comparable(const std::string& path)
{
    std::vector<std::string> out = query(path, "SELECT fid, geom, a, n, x FROM t ORDER BY fid");
    for (const char* sql :
         {"SELECT table_name, feature_count FROM gpkg_ogr_contents ORDER BY table_name",
          "SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents",
          "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
          "SELECT table_name, column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns",
          "SELECT name, seq FROM sqlite_sequence", "PRAGMA integrity_check"})
        for (const auto& row : query(path, sql))
            out.push_back(row);
    return out;
}

void write_rows(const std::string& path, const std::vector<std::string>& wkts, redline::gpkg::SpatialIndex* index)
{
    redline::gpkg::RowWriter rows(path);
    redline::gpkg::TableRows& t = rows.table("t", "geom", {"a", "n", "x"}, index);
    int i = 0;
    for (const auto& w : wkts) {
        if (!w.empty())
            t.geometry(wkb_of(*from_wkt(w)));
        const std::string a = "row " + std::to_string(i);
        t.text(0, a);
        t.integer(1, i);
        if (i % 2)
            t.real(2, 0.1 * i);
        t.insert();
        CHECK(t.rows() == i + 1);
        ++i;
    }
    rows.commit();
}

} // namespace

TEST_CASE("rows written through SQLite read as GDAL's own: values, counts, extent, triggers", "[gpkg_rows]")
{
    CPLConfigOptionSetter date("OGR_CURRENT_DATE", "2026-01-02T03:04:05.678Z", false);
    std::vector<std::string> wkts = k_geometries;
    wkts.insert(wkts.begin() + 3, ""); // a row without a geometry
    wkts.push_back("LINESTRING (120.123456789012345 30.1,120.9876543210987 -30.2)"); // 17 digits in the extent
    const std::size_t first = wkts.size();
    for (int copy = 0; copy < 7; ++copy) // 64-row batches and a short last one
        wkts.insert(wkts.end(), wkts.begin(), wkts.begin() + static_cast<std::ptrdiff_t>(first));
    TempFile by_gdal("redline_gpkg_rows_gdal.gpkg"), by_sqlite("redline_gpkg_rows_sqlite.gpkg");
    make_gpkg(by_gdal.path, wkts, true);
    make_gpkg(by_sqlite.path, wkts, false);
    redline::gpkg::SpatialIndex index{"t", "geom", {}};
    write_rows(by_sqlite.path, wkts, &index);
    CHECK(comparable(by_sqlite.path) == comparable(by_gdal.path));
    CHECK(query(by_sqlite.path, "SELECT last_change FROM gpkg_contents") ==
          std::vector<std::string>{"3:2026-01-02T03:04:05.678Z|"});
    // The index gets every non-empty geometry, with its fid.
    std::size_t non_empty = 0;
    for (const auto& w : wkts)
        non_empty += !w.empty() && !from_wkt(w)->IsEmpty();
    REQUIRE(index.envelopes.size() == non_empty);
    CHECK(index.envelopes.front().fid == 1);
    // GDAL reads it back as it wrote it.
    redline::gdal::DatasetPtr ds(GDALDataset::Open(by_sqlite.path.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayerByName("t");
    REQUIRE(layer);
    CHECK(layer->GetFeatureCount(FALSE) == static_cast<GIntBig>(wkts.size()));
    redline::gdal::FeaturePtr f(layer->GetFeature(6));
    REQUIRE(f);
    CHECK(std::string(f->GetFieldAsString("a")) == "row 5");
    REQUIRE(f->GetGeometryRef());
    CHECK(f->GetGeometryRef()->toPolygon()->getNumInteriorRings() == 1);
}

TEST_CASE("a table given no rows stays as GDAL left it", "[gpkg_rows]")
{
    TempFile by_gdal("redline_gpkg_rows_gdal0.gpkg"), by_sqlite("redline_gpkg_rows_sqlite0.gpkg");
    make_gpkg(by_gdal.path, {}, true);
    make_gpkg(by_sqlite.path, {}, false);
    const auto created = query(by_sqlite.path, "SELECT last_change FROM gpkg_contents");
    write_rows(by_sqlite.path, {}, nullptr);
    CHECK(comparable(by_sqlite.path) == comparable(by_gdal.path));
    CHECK(query(by_sqlite.path, "SELECT last_change FROM gpkg_contents") == created);
}

TEST_CASE("a RowWriter dropped uncommitted leaves the table empty, its triggers in place", "[gpkg_rows]")
{
    TempFile file("redline_gpkg_rows_abandon.gpkg"), reference("redline_gpkg_rows_abandon_ref.gpkg");
    make_gpkg(file.path, {}, false);
    make_gpkg(reference.path, {}, false);
    {
        redline::gpkg::RowWriter rows(file.path);
        redline::gpkg::TableRows& t = rows.table("t", "geom", {"a"}, nullptr);
        for (int i = 0; i < 200; ++i) { // batches inserted, one pending
            t.text(0, "never");
            t.insert();
        }
    }
    CHECK(query(file.path, "SELECT count(*) FROM t") == std::vector<std::string>{"1:0|"});
    CHECK(comparable(file.path) == comparable(reference.path));
}

TEST_CASE("SQLite's refusals are OutputErrors carrying SQLite's message", "[gpkg_rows]")
{
    TempFile file("redline_gpkg_rows_errors.gpkg");
    make_gpkg(file.path, {}, false);
    redline::gpkg::RowWriter rows(file.path);
    CHECK_THROWS_WITH(rows.table("t", "geom", {"no_such"}, nullptr), Catch::Contains("no_such"));
    CHECK_THROWS_WITH(rows.table("nowhere", "geom", {"a"}, nullptr), Catch::Contains("gpkg_geometry_columns"));
    CHECK_THROWS_AS(redline::gpkg::RowWriter("/nonexistent/dir/x.gpkg"), redline::OutputError);
}
