// The applications of a GeoPackage table read through SQLite
// (src/io/gpkg_input.cpp, issue 15) against the OGR path
// (REDLINE_GPKG_READ=ogr): every Application the same, field by field,
// on GeoPackages written by GDAL and then edited by SQL the way other
// tools and hands leave them.
#include "support.hpp"

#include "io/gdal.hpp"
#include "io/input.hpp"
#include "output/gpkg_rtree.hpp"
#include "util/string_set.hpp"

#include <catch2/catch.hpp>

#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <unordered_set>

#include <unistd.h>

using namespace redline;
namespace fs = std::filesystem;

namespace {

/// Sets REDLINE_GPKG_READ for its lifetime (unset: the SQLite path).
class ReadPath {
public:
    explicit ReadPath(const char* value)
    {
        if (value)
            ::setenv("REDLINE_GPKG_READ", value, 1);
        else
            ::unsetenv("REDLINE_GPKG_READ");
    }
    ~ReadPath() { ::unsetenv("REDLINE_GPKG_READ"); }
    ReadPath(const ReadPath&) = delete;
    ReadPath& operator=(const ReadPath&) = delete;
};

struct Read {
    std::vector<Application> apps;
    bool sqlite = false;
    std::size_t duplicates = 0;
};

Read read_all(const std::string& path, const char* env, const std::string& layer = {})
{
    const ReadPath guard(env);
    InputOptions options;
    options.layer = layer;
    ApplicationReader reader(path, options);
    Read r;
    r.sqlite = reader.reads_through_sqlite();
    for (Application a; reader.next(a);)
        r.apps.push_back(a);
    Application after;
    CHECK_FALSE(reader.next(after)); // the end stays the end
    r.duplicates = reader.duplicate_count();
    return r;
}

std::string hex(const std::vector<unsigned char>& b)
{
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (unsigned char c : b) {
        s += digits[c >> 4];
        s += digits[c & 15];
    }
    return s;
}

/// Both paths, record by record; the SQLite one must be the one taken.
void same_both_ways(const std::string& path, const std::string& layer = {})
{
    const Read fast = read_all(path, nullptr, layer);
    const Read slow = read_all(path, "ogr", layer);
    CHECK(fast.sqlite);
    CHECK_FALSE(slow.sqlite);
    REQUIRE(fast.apps.size() == slow.apps.size());
    CHECK(fast.duplicates == slow.duplicates);
    for (std::size_t i = 0; i < fast.apps.size(); ++i) {
        const Application& a = fast.apps[i];
        const Application& b = slow.apps[i];
        INFO("record " << i << " id " << b.site_id);
        CHECK(a.index == b.index);
        CHECK(a.site_id == b.site_id);
        CHECK(a.name == b.name);
        CHECK(a.industry == b.industry);
        CHECK(a.geometry_text == b.geometry_text);
        CHECK(a.has_wkb == b.has_wkb);
        CHECK(hex(a.wkb) == hex(b.wkb));
        CHECK(a.read_error.zh == b.read_error.zh);
        CHECK(a.read_error.en == b.read_error.en);
        REQUIRE((a.srs == nullptr) == (b.srs == nullptr));
        CHECK((!a.srs || a.srs->IsSame(b.srs.get())));
        REQUIRE(a.attributes.size() == b.attributes.size());
        for (std::size_t k = 0; k < a.attributes.size(); ++k) {
            INFO("field " << b.attributes[k].first);
            CHECK(a.attributes[k].first == b.attributes[k].first);
            CHECK(a.attributes[k].second.has_value() == b.attributes[k].second.has_value());
            CHECK(a.attributes[k].second.value_or("<null>") == b.attributes[k].second.value_or("<null>"));
        }
    }
}

void sql(const std::string& path, const std::string& statements)
{
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    gpkg::DbPtr db(raw);
    char* message = nullptr;
    const int rc = sqlite3_exec(db.get(), statements.c_str(), nullptr, nullptr, &message);
    INFO((message ? message : ""));
    sqlite3_free(message);
    REQUIRE(rc == SQLITE_OK);
}

struct Field {
    const char* name;
    OGRFieldType type;
    OGRFieldSubType sub = OFSTNone;
};

Field field(const char* name, OGRFieldType type, OGRFieldSubType sub = OFSTNone)
{
    return Field{name, type, sub};
}

/// A GeoPackage of the given fields and features (WKT; "" = no geometry).
struct Fixture {
    fs::path dir = fs::temp_directory_path() / ("redline-gpkg-read-" + std::to_string(::getpid()));
    Fixture() { fs::create_directories(dir); }
    ~Fixture()
    {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    std::string make(const std::string& name, const std::string& table, const std::vector<Field>& fields,
                     const std::vector<std::pair<std::vector<const char*>, std::string>>& rows)
    {
        gdal::initialise();
        const std::string path = (dir / name).string();
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        REQUIRE(drv);
        gdal::DatasetPtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        REQUIRE(ds);
        OGRSpatialReference srs;
        srs.importFromEPSG(4490);
        // No R-tree: its triggers call GDAL's SQL functions, which the
        // edits by plain SQLite below cannot.
        const char* no_index[] = {"SPATIAL_INDEX=NO", nullptr};
        OGRLayer* layer = ds->CreateLayer(table.c_str(), &srs, wkbUnknown, const_cast<char**>(no_index));
        REQUIRE(layer);
        for (const auto& f : fields) {
            OGRFieldDefn d(f.name, f.type);
            d.SetSubType(f.sub);
            REQUIRE(layer->CreateField(&d) == OGRERR_NONE);
        }
        for (const auto& [values, wkt] : rows) {
            gdal::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            for (std::size_t i = 0; i < values.size(); ++i)
                if (values[i])
                    f->SetField(static_cast<int>(i), values[i]);
            if (!wkt.empty()) {
                OGRGeometry* g = nullptr;
                REQUIRE(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g) == OGRERR_NONE);
                f->SetGeometryDirectly(g);
            }
            REQUIRE(layer->CreateFeature(f.get()) == OGRERR_NONE);
        }
        return path;
    }
};

const std::vector<Field> typed_fields = {
    field("id", OFTString),      field("name", OFTString),  field("industry", OFTString),
    field("n", OFTInteger),      field("big", OFTInteger64), field("r", OFTReal),
    field("flag", OFTInteger, OFSTBoolean), field("small", OFTInteger, OFSTInt16),
    field("f32", OFTReal, OFSTFloat32), field("note", OFTString, OFSTJSON)};

} // namespace

TEST_CASE("a GeoPackage table reads the same through SQLite as through OGR, geometry by geometry",
          "[gpkg_read]")
{
    Fixture fx;
    using V = std::vector<const char*>;
    const std::string path = fx.make("geoms.gpkg", "applications", typed_fields, {
        {V{"A1", "点", "C3312", "7", "1099511627776", "0.1", "1", "12", "0.1", "{}"}, "POINT (120.1 28.9)"},
        {V{"A2", "面 with hole", "C2411", "-3", "-5", "1e-300", "0", "-7", "3.4e38", nullptr},
         "POLYGON ((120 28,121 28,121 29,120 29,120 28),(120.2 28.2,120.4 28.2,120.4 28.4,120.2 28.2))"},
        {V{"A3", "多面", "3312", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
         "MULTIPOLYGON (((120 28,120.1 28,120.1 28.1,120 28)),((121 29,121.1 29,121.1 29.1,121 29)))"},
        {V{" A4 ", "线", "3312.0", "0", "0", "-0.0", nullptr, nullptr, nullptr, ""}, "LINESTRING (120 28,121 29)"},
        {V{"A5", "多点", "C3312", "1", "1", "123456789012345678", nullptr, nullptr, nullptr, nullptr},
         "MULTIPOINT ((120 28),(121 29))"},
        {V{"A6", "集合", "C3312", "1", "1", "2.5", nullptr, nullptr, nullptr, nullptr},
         "GEOMETRYCOLLECTION (POINT (120 28),LINESTRING (120 28,121 29))"},
        {V{"A7", "三维点", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT Z (120 28 55)"},
        {V{"A8", "空面", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POLYGON EMPTY"},
        {V{"A9", "空点", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT EMPTY"},
        {V{"A10", "无几何", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, ""},
        {V{"A11", "曲线", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr},
         "CIRCULARSTRING (120 28,120.5 28.5,121 28)"},
        {V{"A12", "三维面", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr},
         "POLYGON Z ((120 28 1,121 28 2,121 29 3,120 28 1))"},
        {V{"A1", "重复的编号", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT (120.3 28.3)"},
        {V{"", "no id", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT (120.3 28.3)"},
        {V{"A15", "big-endian", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT (120.3 28.3)"},
        {V{"A16", "garbage blob", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT (1 2)"},
        {V{"A17", "trailing bytes", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT (1 2)"},
        {V{"A18", "deleted", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT (1 2)"},
        {V{"A19", "after the gap", "C3312", "1", "1", "1", nullptr, nullptr, nullptr, nullptr}, "POINT (1 2)"},
    });
    // A big-endian blob (XDR WKB, header flag 0), a blob that is no
    // GeoPackage geometry, one with bytes after its WKB, and a fid gap.
    sql(path, "UPDATE applications SET geom = X'4750000000000000'||"
              "X'0000000001405E133333333333403C4CCCCCCCCCCD' WHERE id = 'A15';"
              "UPDATE applications SET geom = X'DEADBEEF' WHERE id = 'A16';"
              "UPDATE applications SET geom = geom || X'00000000' WHERE id = 'A17';"
              "DELETE FROM applications WHERE id = 'A18';");
    same_both_ways(path);
    const Read fast = read_all(path, nullptr);
    REQUIRE(fast.apps.size() == 18);
    CHECK(fast.apps[3].site_id == "A4");
    CHECK(fast.apps[3].industry == "3312");
    CHECK(fast.apps[12].site_id == "A1");
    CHECK(fast.duplicates == 1);
    CHECK(fast.apps[13].site_id == "#14");
    CHECK(fast.apps[9].wkb.empty());
    CHECK(fast.apps[17].site_id == "A19");
}

TEST_CASE("values SQLite stores in a column of another type read as GDAL reads them", "[gpkg_read]")
{
    Fixture fx;
    using V = std::vector<const char*>;
    std::vector<std::pair<V, std::string>> rows;
    for (int i = 0; i < 14; ++i)
        rows.push_back({V{"B", "名", "C3312", "1", "1", "1", "1", "1", "1", "x"}, "POINT (120 28)"});
    const std::string path = fx.make("types.gpkg", "apps", typed_fields, rows);
    sql(path, "UPDATE apps SET r = 'abc', n = '17x', big = 'text', flag = 2, small = 40000, f32 = 'x' WHERE fid = 1;"
              "UPDATE apps SET r = '12.5', n = 3.7, big = 2.5e30, note = 42 WHERE fid = 2;"
              "UPDATE apps SET id = 1.5, name = X'E5908D00FF', industry = 3312 WHERE fid = 3;"
              "UPDATE apps SET r = 1e400, f32 = -1e400, n = 2147483648, big = -9223372036854775808 WHERE fid = 4;"
              "UPDATE apps SET r = 5e-324, f32 = 0.30000001192092896, flag = -1, small = -40000 WHERE fid = 5;"
              "UPDATE apps SET r = 0.1 + 0.2, note = '  spaced  ', name = '' WHERE fid = 6;"
              "UPDATE apps SET r = 1e15, f32 = 1e16, id = NULL WHERE fid = 7;"
              "UPDATE apps SET r = 123456789012345.6, id = '' WHERE fid = 8;"
              "UPDATE apps SET r = -1.5e-7, n = NULL, big = NULL, flag = NULL WHERE fid = 9;"
              "UPDATE apps SET r = X'01', n = X'3132' WHERE fid = 10;"
              "UPDATE apps SET geom = 'POINT (1 2)' WHERE fid = 11;"
              "UPDATE apps SET geom = X'' WHERE fid = 12;"
              "UPDATE apps SET geom = X'47500003' WHERE fid = 13;");
    same_both_ways(path);
}

TEST_CASE("reals in random bit patterns read through SQLite as OGR formats them", "[gpkg_read]")
{
    Fixture fx;
    const std::string path = fx.make("reals.gpkg", "reals", typed_fields, {});
    std::mt19937_64 random(15);
    std::string statements = "BEGIN;";
    for (int i = 0; i < 3000; ++i) {
        std::uint64_t bits = random();
        if (i % 3 == 1)
            bits &= 0xC0FFFFFFFFFFFFFFull; // exponents near 1
        double v;
        std::memcpy(&v, &bits, 8);
        if (!std::isfinite(v))
            v = static_cast<double>(i) / 7.0;
        const double small = static_cast<double>(static_cast<std::int64_t>(bits % 2000001) - 1000000) / 1000.0;
        char row[256];
        std::snprintf(row, sizeof row,
                      "INSERT INTO reals (geom, id, r, f32, n) VALUES (X'47500001E61100000101000000000000000000F03F"
                      "000000000000F03F', 'R%d', %.17g, %.17g, %lld);",
                      i, v, small, static_cast<long long>(bits >> 33));
        statements += row;
    }
    statements += "COMMIT;";
    sql(path, statements);
    same_both_ways(path);
}

TEST_CASE("a table name with spaces and quotes, chosen with --layer, reads through SQLite", "[gpkg_read]")
{
    Fixture fx;
    using V = std::vector<const char*>;
    const std::string path = fx.make("names.gpkg", "my \"odd\" 'table'", typed_fields,
                                     {{V{"C1", "甲", "C3312"}, "POINT (120 28)"},
                                      {V{"C2", "乙", "C3312"}, "POINT (121 29)"}});
    same_both_ways(path, "my \"odd\" 'table'");
}

TEST_CASE("sources the SQLite path does not reproduce are read through OGR", "[gpkg_read]")
{
    Fixture fx;
    using V = std::vector<const char*>;
    SECTION("a Date or DateTime field")
    {
        for (auto type : {OFTDate, OFTDateTime}) {
            const std::string path = fx.make(type == OFTDate ? "date.gpkg" : "datetime.gpkg", "apps",
                                             {field("id", OFTString), field("industry", OFTString), field("filed", type)},
                                             {{V{"D1", "C3312", "2026-03-01"}, "POINT (120 28)"}});
            const Read r = read_all(path, nullptr);
            CHECK_FALSE(r.sqlite);
            REQUIRE(r.apps.size() == 1);
            CHECK(r.apps[0].attributes[2].second.value_or("") != "");
        }
    }
    SECTION("a view")
    {
        const std::string path = fx.make("view.gpkg", "apps", {field("id", OFTString), field("industry", OFTString)},
                                         {{V{"E1", "C3312"}, "POINT (120 28)"}});
        sql(path, "CREATE VIEW v AS SELECT fid, geom, id, industry FROM apps;"
                  "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('v', 'features', 'v', 4490);"
                  "INSERT INTO gpkg_geometry_columns VALUES ('v', 'geom', 'GEOMETRY', 4490, 0, 0);");
        const Read r = read_all(path, nullptr, "v");
        CHECK_FALSE(r.sqlite);
        REQUIRE(r.apps.size() == 1);
        CHECK(r.apps[0].site_id == "E1");
    }
    SECTION("a table whose fid is not its rowid")
    {
        const std::string path = fx.make("rowid.gpkg", "apps", {field("id", OFTString), field("industry", OFTString)},
                                         {{V{"G1", "C3312"}, "POINT (120 28)"}, {V{"G2", "C3312"}, "POINT (121 29)"}});
        for (const std::string table : {"desc_key", "no_rowid"}) {
            sql(path, "CREATE TABLE " + table + " (fid INTEGER PRIMARY KEY" +
                          (table == "desc_key" ? " DESC" : "") + ", geom BLOB, id TEXT, industry TEXT)" +
                          (table == "no_rowid" ? " WITHOUT ROWID" : "") + ";"
                          "INSERT INTO " + table + " SELECT fid, geom, id, industry FROM apps;"
                          "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('" +
                          table + "', 'features', '" + table + "', 4490);"
                          "INSERT INTO gpkg_geometry_columns VALUES ('" + table + "', 'geom', 'GEOMETRY', 4490, 0, 0);");
            INFO(table);
            const Read r = read_all(path, nullptr, table);
            CHECK_FALSE(r.sqlite);
            REQUIRE(r.apps.size() == 2);
            CHECK(r.apps[0].site_id == "G1");
        }
    }
    SECTION("REDLINE_GPKG_READ=ogr")
    {
        const std::string path = fx.make("plain.gpkg", "apps", {field("id", OFTString), field("industry", OFTString)},
                                         {{V{"F1", "C3312"}, "POINT (120 28)"}});
        CHECK(read_all(path, nullptr).sqlite);
        CHECK_FALSE(read_all(path, "ogr").sqlite);
    }
}

TEST_CASE("the reader's set of ids answers as std::unordered_set does, across growth", "[gpkg_read]")
{
    StringSet set;
    std::unordered_set<std::string> reference;
    CHECK(set.insert(""));
    CHECK_FALSE(set.insert(""));
    reference.insert("");
    std::mt19937_64 random(7);
    for (int i = 0; i < 200000; ++i) {
        // Short ids repeat often; some long, some with NUL bytes and non-ASCII.
        std::string id = "YK" + std::to_string(random() % 150000);
        if (i % 97 == 0)
            id = std::string(300, 'x') + std::to_string(i % 13);
        if (i % 89 == 0)
            id = std::string("编号\0", 7) + std::to_string(i % 7);
        INFO(i);
        REQUIRE(set.insert(id) == reference.insert(id).second);
    }
    CHECK(set.size() == reference.size());
    StringSet reserved;
    reserved.reserve(1000);
    for (int i = 0; i < 5000; ++i)
        REQUIRE(reserved.insert(std::to_string(i % 2500)) == (i < 2500));
}
