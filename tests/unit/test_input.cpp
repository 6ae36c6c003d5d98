// Messy application input (src/input.cpp, src/encoding.cpp,
// src/geometry_text.cpp): encodings, empty files, duplicate ids, figures
// typed by people, geometry text that is not what it should be.
#include "support.hpp"

#include "util/encoding.hpp"
#include "redline/error.hpp"
#include "geometry/geometry_text.hpp"
#include "geometry/convert.hpp"
#include "io/input.hpp"
#include "engine/layer_audit.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

#include <ogrsf_frmts.h>

#include <iconv.h>

#include <filesystem>
#include <fstream>

using namespace redline;
namespace fs = std::filesystem;

namespace {

std::string gbk(const std::string& utf8)
{
    // iconv the other way, for fixtures.
    iconv_t cd = iconv_open("GBK", "UTF-8");
    REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
    std::string in = utf8, out(utf8.size() * 2 + 16, '\0');
    char* src = in.data();
    char* dst = out.data();
    std::size_t src_left = in.size(), dst_left = out.size();
    REQUIRE(iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<std::size_t>(-1));
    iconv_close(cd);
    out.resize(out.size() - dst_left);
    return out;
}

std::vector<Application> read_all(const std::string& path, InputOptions opt = {})
{
    ApplicationReader reader(path, opt);
    std::vector<Application> out;
    Application a;
    while (reader.next(a))
        out.push_back(a);
    return out;
}

std::string attr(const Application& a, const std::string& name)
{
    for (const auto& [k, v] : a.attributes)
        if (k == name)
            return v.value_or("<null>");
    return "<absent>";
}

} // namespace

TEST_CASE("utf-8 validation finds the first bad byte and rejects overlongs and surrogates",
          "[input]")
{
    using encoding::first_invalid_utf8;
    CHECK_FALSE(first_invalid_utf8("永康 abc").has_value());
    CHECK(first_invalid_utf8("ab\xD3\xC0") == 2u);          // GBK 永
    CHECK(first_invalid_utf8("\xC0\xAF") == 0u);            // overlong '/'
    CHECK(first_invalid_utf8("\xED\xA0\x80") == 0u);        // surrogate
    CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0u);    // > U+10FFFF
    CHECK(first_invalid_utf8("abc\xE6\xB0") == 3u);         // truncated
    CHECK(encoding::utf8_prefix("永康市", 4) == "永");
}

TEST_CASE("gbk bytes transcode to utf-8 and a bad sequence names its offset", "[input]")
{
    CHECK(encoding::to_utf8(gbk("永康市,五金"), "GBK") == "永康市,五金");
    CHECK(encoding::canonical("gbk") == "GBK");
    CHECK(encoding::canonical("cp936") == "GBK");
    CHECK(encoding::canonical("utf8") == "UTF-8");
    CHECK_THROWS_WITH(encoding::canonical("klingon"), Catch::Contains("klingon"));
    CHECK_THROWS_WITH(encoding::to_utf8("ab\xFF", "GBK"), Catch::Contains("byte 2"));
}

TEST_CASE("figures with full-width digits or a tonne unit parse; other units do not", "[input]")
{
    using encoding::parse_figure;
    CHECK(parse_figure("１２．５吨") == 12.5);
    CHECK(parse_figure("12.5吨") == 12.5);
    CHECK(parse_figure("12.5 t/a") == 12.5);
    CHECK(parse_figure(" 1,234.5 吨/年 ") == 1234.5);
    CHECK(parse_figure("－３") == -3);
    CHECK(parse_figure("1.5e2") == 150);
    CHECK(parse_figure("0.8", "m3/d") == 0.8);
    CHECK(parse_figure("0.8 m3/d", "m3/d") == 0.8);
    CHECK_FALSE(parse_figure("12.5 kg").has_value());
    CHECK_FALSE(parse_figure("1.5万吨").has_value());
    CHECK_FALSE(parse_figure("12吨 3吨").has_value());
    CHECK_FALSE(parse_figure("1,23").has_value());
    CHECK_FALSE(parse_figure("abc").has_value());
    CHECK_FALSE(parse_figure("").has_value());
    CHECK_FALSE(parse_figure("吨").has_value());
    CHECK_FALSE(parse_figure("nan").has_value());
}

TEST_CASE("plain decimal figures parse as the full parser parses them", "[input]")
{
    // parse_figure() answers [+-]digits[.digits] at once; a trailing blank
    // sends the same text through the whole parser, which trims it.
    using encoding::parse_figure;
    for (const char* s : {"0", "7", "-0", "+5", "-3", "12.5", "0.013", "1.", ".5", "-.5", "+.5", "007",
                          "123456789012345678901234567890", "1.7976931348623157", "0.0000000000000000001",
                          ".", "-", "+", "+-1", "--1", "1..2", "1.2.3", "-", ""})
        CHECK(parse_figure(s) == parse_figure(std::string(s) + " "));
    CHECK(parse_figure("0.013") == 0.013);
    CHECK(parse_figure("-.5") == -0.5);
    CHECK(parse_figure("1.") == 1.0);
    CHECK_FALSE(parse_figure(".").has_value());
    CHECK_FALSE(parse_figure("1..2").has_value());
    // Every string of up to five characters of "0.+-5": 3,906 of them.
    const std::string alphabet = "0.+-5";
    std::vector<std::string> all{""};
    for (int len = 1; len <= 5; ++len) {
        const std::size_t from = all.size();
        for (std::size_t k = 0; k < from; ++k)
            if (all[k].size() == static_cast<std::size_t>(len - 1))
                for (char c : alphabet)
                    all.push_back(all[k] + c);
    }
    std::size_t differ = 0;
    for (const auto& s : all)
        differ += parse_figure(s) != parse_figure(s + " ");
    CHECK(all.size() == 3906);
    CHECK(differ == 0);
}

TEST_CASE("a gbk csv is detected, transcoded and read with its chinese intact", "[input]")
{
    test::Fixture fx;
    const std::string path = fx.file("gbk.csv", gbk("id,name,industry,wkt\nA1,永康五金厂,C3312,POINT(120 29)\n"));
    ApplicationReader reader(path, InputOptions{});
    CHECK(reader.encoding() == "GB18030");
    REQUIRE(reader.notes().size() == 1);
    CHECK(reader.notes()[0].find("not valid UTF-8") != std::string::npos);
    Application a;
    REQUIRE(reader.next(a));
    CHECK(a.name == "永康五金厂");
    CHECK(a.geometry_text == "POINT(120 29)");
    CHECK_FALSE(reader.next(a));
}

TEST_CASE("an explicit encoding GBK is honoured and UTF-8 on gbk bytes is a usage error", "[input]")
{
    test::Fixture fx;
    const std::string path = fx.file("gbk.csv", gbk("id,name,industry,lon,lat\nA1,永康,C3312,120,29\n"));
    InputOptions opt;
    opt.encoding = "GBK";
    auto apps = read_all(path, opt);
    REQUIRE(apps.size() == 1);
    CHECK(apps[0].name == "永康");
    CHECK(apps[0].geometry_text == "120,29");
    opt.encoding = "UTF-8";
    CHECK_THROWS_AS(ApplicationReader(path, opt), UsageError);
    opt.encoding = "EBCDIC-klingon";
    CHECK_THROWS_AS(ApplicationReader(path, opt), UsageError);
}

TEST_CASE("a reader that fails after transcoding leaves no temporary copy behind", "[input]")
{
    // Regression (found by the messy-input test after fuzzing): the copy
    // leaked when the constructor threw, e.g. for a missing column.
    test::Fixture fx;
    // A temp dir of this test's own: tests running in parallel (ctest -j)
    // make and remove their transcoded copies in the shared one.
    const std::string own_tmp = fx.path("tmp");
    fs::create_directories(own_tmp);
    const char* old_tmpdir = std::getenv("TMPDIR");
    const std::string saved = old_tmpdir ? old_tmpdir : "";
    ::setenv("TMPDIR", own_tmp.c_str(), 1);
    struct Restore {
        const char* had;
        std::string value;
        ~Restore() { had ? ::setenv("TMPDIR", value.c_str(), 1) : ::unsetenv("TMPDIR"); }
    } restore{old_tmpdir, saved};
    REQUIRE(fs::temp_directory_path() == fs::path(own_tmp));
    auto count = [] {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
            n += e.path().filename().string().rfind("redline-input-", 0) == 0 ? 1 : 0;
        return n;
    };
    const std::size_t before = count();
    const std::string path = fx.file("nocol.csv", gbk("id,name,wkt\nA1,永康,POINT(1 2)\n"));
    CHECK_THROWS_AS(ApplicationReader(path, InputOptions{}), UsageError);
    const std::string bad = fx.file("bad.csv", "id,industry,wkt\nA,\xFF\xFF,POINT(1 2)\n");
    CHECK_THROWS_AS(ApplicationReader(bad, InputOptions{}), UsageError);
    CHECK(count() == before);
}

TEST_CASE("a header-only csv has zero records and a zero-byte csv is a usage error", "[input]")
{
    test::Fixture fx;
    CHECK(read_all(fx.file("header.csv", "id,name,industry,wkt\n")).empty());
    CHECK_THROWS_WITH(ApplicationReader(fx.file("zero.csv", ""), InputOptions{}),
                      Catch::Contains("empty (0 bytes)"));
}

TEST_CASE("missing columns are a usage error naming the columns present", "[input]")
{
    test::Fixture fx;
    CHECK_THROWS_WITH(ApplicationReader(fx.file("a.csv", "id,name,wkt\nA,B,POINT(1 2)\n"), InputOptions{}),
                      Catch::Contains("no industry field") && Catch::Contains("id, name, wkt"));
    CHECK_THROWS_WITH(ApplicationReader(fx.file("b.csv", "id,industry,x_coord\nA,C3312,1\n"), InputOptions{}),
                      Catch::Contains("neither a wkt column nor lon/lat") &&
                          Catch::Contains("id, industry, x_coord"));
}

TEST_CASE("duplicate ids are kept, counted and named", "[input]")
{
    test::Fixture fx;
    const std::string path =
        fx.file("d.csv", "id,industry,lon,lat,extra\nA,C3312,120,29,x\nA,C3312,120,29,y\nB,C3312,1,2,z\nA,C3312,1,2,w\n");
    ApplicationReader reader(path, InputOptions{});
    std::vector<Application> apps;
    Application a;
    while (reader.next(a))
        apps.push_back(a);
    REQUIRE(apps.size() == 4);
    CHECK(reader.duplicate_count() == 2);
    CHECK(reader.duplicate_ids() == std::vector<std::string>{"A"});
    CHECK(attr(apps[1], "extra") == "y"); // extra columns are carried
}

TEST_CASE("a gbk shapefile without .cpg is detected and read as gb18030", "[input]")
{
    test::Fixture fx;
    const std::string shp = fx.path("gbk.shp");
    {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
        REQUIRE(drv);
        gdal::DatasetPtr ds(drv->Create(shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        OGRSpatialReference srs;
        srs.importFromEPSG(4490);
        char** lco = CSLSetNameValue(nullptr, "ENCODING", "CP936");
        OGRLayer* l = ds->CreateLayer("gbk", &srs, wkbPoint, lco);
        CSLDestroy(lco);
        for (const char* n : {"id", "name", "industry"}) {
            OGRFieldDefn fd(n, OFTString);
            l->CreateField(&fd);
        }
        OGRFeature f(l->GetLayerDefn());
        f.SetField("id", "A1");
        f.SetField("name", "永康五金厂");
        f.SetField("industry", "C3312");
        OGRPoint p(120.07, 28.87);
        f.SetGeometry(&p);
        REQUIRE(l->CreateFeature(&f) == OGRERR_NONE);
    }
    fs::remove(fx.path("gbk.cpg"));
    ApplicationReader reader(shp, InputOptions{});
    CHECK(reader.encoding() == "GB18030");
    REQUIRE(reader.notes().size() == 1);
    Application a;
    REQUIRE(reader.next(a));
    CHECK(a.name == "永康五金厂");
    InputOptions opt;
    opt.encoding = "GBK";
    auto apps = read_all(shp, opt);
    REQUIRE(apps.size() == 1);
    CHECK(apps[0].name == "永康五金厂");
}

TEST_CASE("geometry text: every malformed form is a RecordError, never a crash", "[input]")
{
    for (const char* bad : {"", "   ", "POINT(", "POINT(1 2", "POINT(1 2) junk", "POLYGON((0 0,1 1))x",
                            "{", "{\"type\":\"Point\"}", "{\"type\":\"Nope\",\"coordinates\":[1,2]}",
                            "1,", ",2", "1,2,3", "1;2", "-", "LINESTRING(1 2,)", "GEOMETRYCOLLECTION(",
                            "\xD3\xC0\xBF\xB5", "POINT(1e999 2)", "12.5吨,3"}) {
        INFO("input: " << bad);
        try {
            auto g = parse_text_geometry(bad);
            CHECK(g != nullptr); // parsed (e.g. an infinite coordinate): the engine checks it
        } catch (const RecordError&) {
            SUCCEED();
        }
    }
    CHECK_THROWS_WITH(parse_text_geometry("POINT(1 2) junk"), Catch::Contains("trailing"));
    CHECK(parse_text_geometry(" 120.5 , 29 ")->toPoint()->getX() == 120.5);
}

TEST_CASE("a long unparsable wkt is shortened at a character boundary in the message", "[input]")
{
    std::string text = "永康永康永康永康永康永康永康永康永康永康永康永康永康永康永康永康永康永康永康永康永康";
    try {
        parse_text_geometry("POINTX" + text);
        FAIL("should throw");
    } catch (const RecordError& e) {
        CHECK_FALSE(encoding::first_invalid_utf8(e.what()).has_value());
    }
}

TEST_CASE("mixed, measured, 3D and collection sites are screened in 2D, never dropped", "[input]")
{
    test::Fixture fx;
    fx.layer("zones", {{test::square(0, 0, 100), {{"code", std::string("A")}}}});
    fx.rulebook("  - id: OV\n    type: overlap\n    layer: zones\n    outcome: FAIL\n");
    CHECK(fx.screen("POINT ZM (10 10 5 7)", "C3312").verdict == Outcome::Fail);
    CHECK(fx.screen("LINESTRING M (10 10 1,20 20 2)", "C3312").verdict == Outcome::Fail);
    CHECK(fx.screen("GEOMETRYCOLLECTION(POINT(500 500),POLYGON((10 10,20 10,20 20,10 20,10 10)))", "C3312")
              .verdict == Outcome::Fail);
    CHECK(fx.screen("GEOMETRYCOLLECTION(POINT(500 500),LINESTRING(600 600,700 700))", "C3312").verdict ==
          Outcome::Pass);
    CHECK(fx.screen("GEOMETRYCOLLECTION EMPTY", "C3312").verdict == Outcome::Error);
    CHECK(fx.screen("CURVEPOLYGON(CIRCULARSTRING(10 10,30 30,10 10))", "C3312").verdict == Outcome::Fail);
    // A very large parcel (40 km square) is screened like any other.
    CHECK(fx.screen(test::square(-20000, -20000, 40000), "C3312").verdict == Outcome::Fail);
}

TEST_CASE("validate's unit audit reports overlapping units and gaps with areas and locations",
          "[layers]")
{
    test::Fixture fx;
    // Coverage 0..300 x 0..100; units A 0..110, B 100..200 (10 m overlap
    // with A), C 250..300: a 50 m gap between B and C.
    fx.layer("area", {{"POLYGON((0 0,300 0,300 100,0 100,0 0))", {{"code", std::string("ALL")}}}});
    fx.layer("units", {{"POLYGON((0 0,110 0,110 100,0 100,0 0))", {{"code", std::string("A")}}},
                       {"POLYGON((100 0,200 0,200 100,100 100,100 0))", {{"code", std::string("B")}}},
                       {"POLYGON((250 0,300 0,300 100,250 100,250 0))", {{"code", std::string("C")}}}});
    fx.rulebook("  - id: OV\n    type: overlap\n    layer: units\n    outcome: CONDITIONAL\n",
                "coverage: area\nunit_layer: units\n");
    UnitAudit a = audit_units(fx.engine().rulebook(), fx.engine().layers());
    CHECK(a.units == "units");
    CHECK(a.coverage == "area");
    REQUIRE(a.overlaps.size() == 1);
    CHECK(a.overlaps[0].keys == "A × B");
    CHECK(a.overlaps[0].area == Approx(1000));
    CHECK(a.overlaps[0].x == Approx(105).margin(5));
    REQUIRE(a.gaps.size() == 1);
    CHECK(a.gaps[0].area == Approx(5000));
    CHECK(a.gaps[0].x == Approx(225).margin(25));
}

TEST_CASE("units that are their own coverage report the holes they enclose", "[layers]")
{
    test::Fixture fx;
    fx.layer("units", {{"POLYGON((0 0,100 0,100 100,0 100,0 0),(40 40,60 40,60 60,40 60,40 40))",
                        {{"code", std::string("A")}}},
                       {"POLYGON((100 0,200 0,200 100,100 100,100 0))", {{"code", std::string("B")}}}});
    fx.rulebook("  - id: OV\n    type: overlap\n    layer: units\n    outcome: CONDITIONAL\n",
                "coverage: units\n");
    UnitAudit a = audit_units(fx.engine().rulebook(), fx.engine().layers());
    CHECK(a.overlaps.empty());
    REQUIRE(a.gaps.size() == 1);
    CHECK(a.gaps[0].area == Approx(400));
    CHECK(a.gaps[0].keys == "enclosed");
}

TEST_CASE("mistyped rulebook values are errors naming file, line and key", "[rulebook]")
{
    const std::string head = "rulebook: 1\nworking_crs: EPSG:4549\nlayers:\n"
                             "  zones: {source: layers.gpkg, layer: zones, key: code}\n";
    struct Case {
        std::string yaml, key;
    };
    const std::vector<Case> cases = {
        {head + "area_tolerance: abc\nchecks:\n  - {id: OV, type: overlap, layer: zones}\n", "area_tolerance"},
        {head + "checks:\n  - {id: SB, type: setback, layer: zones, distance: {C33: far}}\n", "distance"},
        {head + "checks:\n  - {id: OV, type: overlap, layer: [zones, zones]}\n", "layer"},
        {head + "checks:\n  - {id: AL, type: access_list, layer: zones, table: missing.csv}\n", "table"},
        {head + "industry_classes: nope.csv\nchecks:\n  - {id: OV, type: overlap, layer: zones}\n",
         "industry_classes"},
        {head + "checks: {id: OV}\n", "checks"},
        {head + "checks:\n  - just a string\n", "checks"},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        test::Fixture fx;
        fx.layer("zones", {{test::square(0, 0, 10), {{"code", std::string("A")}}}});
        fx.file("rulebook.yaml", c.yaml);
        try {
            Engine engine(fx.rulebook_path());
            FAIL("loaded");
        } catch (const RulebookError& e) {
            CHECK_THAT(e.what(), Catch::Contains(fx.rulebook_path() + ":") && Catch::Contains(c.key));
        } catch (const LayerError& e) {
            FAIL(std::string("LayerError: ") + e.what());
        }
    }
}

TEST_CASE("the position hint is the first point of any geometry form, NaN without one", "[input]")
{
    using P = std::pair<double, double>;
    auto pair = [](PositionHint h) { return P{h.x, h.y}; };
    auto from_wkt = [&](const char* wkt) {
        OGRGeometry* g = nullptr;
        REQUIRE(OGRGeometryFactory::createFromWkt(wkt, nullptr, &g) == OGRERR_NONE);
        Application a;
        a.has_wkb = true;
        a.wkb = ogr_to_wkb(*g);
        OGRGeometryFactory::destroyGeometry(g);
        return pair(position_hint(a));
    };
    CHECK(from_wkt("POINT (120.5 30)") == P{120.5, 30});
    CHECK(from_wkt("POINT Z (120.5 30 7)") == P{120.5, 30});
    CHECK(from_wkt("LINESTRING (119 30, 121 31)") == P{119, 30});
    CHECK(from_wkt("POLYGON ((118.25 30, 119 30, 119 31, 118.25 30))") == P{118.25, 30});
    CHECK(from_wkt("MULTIPOLYGON (((117 30, 119 30, 119 31, 117 30)), ((1 1, 2 1, 2 2, 1 1)))") == P{117, 30});
    CHECK(from_wkt("GEOMETRYCOLLECTION (MULTIPOINT ((116 1)), POINT (2 2))") == P{116, 1});
    CHECK(std::isnan(from_wkt("POLYGON EMPTY").first));
    CHECK(std::isnan(from_wkt("MULTIPOINT EMPTY").second));

    // Big-endian WKB, as another writer may give it.
    Application be;
    be.has_wkb = true;
    be.wkb = {0, 0, 0, 0, 1, 0x40, 0x5e, 0, 0, 0, 0, 0, 0, 0x40, 0x3e, 0, 0, 0, 0, 0, 0};
    CHECK(pair(position_hint(be)) == P{120.0, 30.0});
    be.wkb.resize(17); // cut short inside y
    CHECK(std::isnan(position_hint(be).x));
    be.wkb.resize(9);
    CHECK(std::isnan(position_hint(be).x));
    be.wkb.clear();
    CHECK(std::isnan(position_hint(be).y));

    auto from_text = [&](const char* text) {
        Application a;
        a.geometry_text = text;
        return pair(position_hint(a));
    };
    CHECK(from_text("120.25,30.5") == P{120.25, 30.5});
    CHECK(from_text("POINT(-71.5 42)") == P{-71.5, 42});
    CHECK(from_text("MULTIPOLYGON (((117 30, 119 30, 119 31, 117 30)))") == P{117, 30});
    CHECK(from_text(R"({"type": "Point", "coordinates": [121.75, 29]})") == P{121.75, 29});
    CHECK(std::isnan(from_text("").first));
    CHECK(std::isnan(from_text("POINT EMPTY").first));
    CHECK(std::isnan(from_text("120.5").second));
}
