// The streaming JSON writer behind --json: every string escaped, invalid
// UTF-8 replaced, doubles that read back as doubles, GeoJSON geometries.
#include "output/json_text.hpp"

#include "io/gdal.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

using redline::JsonText;

namespace {

redline::gdal::GeometryPtr wkt(const char* text)
{
    OGRGeometry* g = nullptr;
    REQUIRE(OGRGeometryFactory::createFromWkt(text, nullptr, &g) == OGRERR_NONE);
    return redline::gdal::GeometryPtr(g);
}

std::string geojson(const char* text)
{
    JsonText j;
    j.geometry(*wkt(text));
    return j.take();
}

} // namespace

TEST_CASE("json_text: objects, arrays and separators", "[json]")
{
    JsonText j;
    j.begin_object();
    j.key("a").value(1);
    j.key("b").begin_array().value("x").null().value(true).end_array();
    j.key("c").begin_object().end_object();
    j.key("d").strings({"p", "q"});
    j.end_object();
    CHECK(j.str() == R"({"a":1,"b":["x",null,true],"c":{},"d":["p","q"]})");
    CHECK(nlohmann::json::parse(j.str())["d"][1] == "q");
}

TEST_CASE("json_text: string escaping and invalid UTF-8", "[json]")
{
    CHECK(redline::json_quote("生态保护红线") == "\"生态保护红线\"");
    CHECK(redline::json_quote("a\"b\\c") == R"("a\"b\\c")");
    CHECK(redline::json_quote("l1\nl2\tx\r") == R"("l1\nl2\tx\r")");
    CHECK(redline::json_quote(std::string("\x01\x1f", 2)) == R"("\u0001\u001f")");
    CHECK(redline::json_quote(std::string("nul\0x", 5)) == R"("nul\u0000x")");
    // GBK bytes that are not UTF-8, a lone continuation byte, a truncated
    // sequence, an encoded surrogate and an overlong '/': each bad byte is U+FFFD.
    CHECK(redline::json_quote("\xC9\xFA") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(redline::json_quote("a\x80" "b") == "\"a\xEF\xBF\xBD" "b\"");
    CHECK(redline::json_quote("\xE7\x94") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(redline::json_quote("\xED\xA0\x80").find("\xED") == std::string::npos);
    CHECK(redline::json_quote("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(redline::json_quote("\xF0\x9F\x98\x80") == "\"\xF0\x9F\x98\x80\""); // 4-byte kept
    // Whatever the bytes, the result parses.
    CHECK_NOTHROW(nlohmann::json::parse(redline::json_quote("\xFF\xFE\x00\x7F\xC3")));
}

TEST_CASE("json_text: a byte that needs escaping is found at any offset of a long string", "[json]")
{
    // Long strings take the 8-bytes-at-a-time path: put each special byte
    // sequence at every offset of an ASCII string and compare with the
    // escaping of the sequence alone.
    const std::vector<std::string> specials = {
        "\"", "\\", "\n", std::string(1, '\0'), "\x01", "\x1f", " ", "\x7f", "~",
        "\x80", "\xC3\xA9", "生", "\xE7\x94", "\xED\xA0\x80", "\xE0\x80\x80", "\xEF\xBF\xBF",
        "\xF0\x9F\x98\x80", "\xF4\x90\x80\x80", "\xFF"};
    for (const std::string& special : specials) {
        const std::string alone = redline::json_quote(special);
        const std::string inner = alone.substr(1, alone.size() - 2);
        for (std::size_t at = 0; at < 20; ++at) {
            const std::string prefix(at, 'a'), suffix(19 - at, 'z');
            INFO("offset " << at << ", sequence of " << special.size() << " bytes");
            CHECK(redline::json_quote(prefix + special + suffix) == "\"" + prefix + inner + suffix + "\"");
        }
    }
    // Runs of Chinese with ASCII and a bad byte in between.
    CHECK(redline::json_quote("生态保护红线 (ecological red line) 禁止开发\xC9") ==
          "\"生态保护红线 (ecological red line) 禁止开发\xEF\xBF\xBD\"");
}

TEST_CASE("json_text: numbers read back exactly and as doubles", "[json]")
{
    auto text = [](double v) {
        JsonText j;
        j.value(v);
        return j.take();
    };
    CHECK(text(1000.0) == "1000.0");
    CHECK(text(0.0) == "0.0");
    CHECK(text(-2.5) == "-2.5");
    CHECK(text(std::numeric_limits<double>::quiet_NaN()) == "null");
    CHECK(text(std::numeric_limits<double>::infinity()) == "null");
    for (double v : {0.1, 1.0 / 3.0, 5206.228084123, 1e-300, 1.7976931348623157e308, 73.748}) {
        auto parsed = nlohmann::json::parse(text(v));
        CHECK(parsed.is_number_float());
        CHECK(parsed.get<double>() == v);
    }
    JsonText j;
    j.value(std::size_t{18446744073709551615u});
    CHECK(j.str() == "18446744073709551615");
}

TEST_CASE("json_text: GeoJSON geometries", "[json]")
{
    CHECK(geojson("POINT (120.0528745 28.8549915)") ==
          R"({"type":"Point","coordinates":[120.0528745,28.8549915]})");
    CHECK(geojson("POINT Z (1 2 3)") == R"({"type":"Point","coordinates":[1.0,2.0,3.0]})");
    CHECK(geojson("LINESTRING (0 0,1 1)") ==
          R"({"type":"LineString","coordinates":[[0.0,0.0],[1.0,1.0]]})");
    CHECK(geojson("POLYGON ((0 0,4 0,4 4,0 0),(1 1,2 1,2 2,1 1))") ==
          R"({"type":"Polygon","coordinates":[[[0.0,0.0],[4.0,0.0],[4.0,4.0],[0.0,0.0]],)"
          R"([[1.0,1.0],[2.0,1.0],[2.0,2.0],[1.0,1.0]]]})");
    CHECK(geojson("MULTIPOINT ((0 0),(1 2))") ==
          R"({"type":"MultiPoint","coordinates":[[0.0,0.0],[1.0,2.0]]})");
    CHECK(geojson("MULTIPOLYGON (((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))") ==
          R"({"type":"MultiPolygon","coordinates":[[[[0.0,0.0],[1.0,0.0],[1.0,1.0],[0.0,0.0]]],)"
          R"([[[5.0,5.0],[6.0,5.0],[6.0,6.0],[5.0,5.0]]]]})");
    CHECK(geojson("GEOMETRYCOLLECTION (POINT (1 2),LINESTRING (0 0,1 1))") ==
          R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1.0,2.0]},)"
          R"({"type":"LineString","coordinates":[[0.0,0.0],[1.0,1.0]]}]})");
    CHECK(geojson("POINT EMPTY") == R"({"type":"Point","coordinates":[]})");
    // Curves are stroked to line strings.
    auto arc = nlohmann::json::parse(geojson("CIRCULARSTRING (0 0,1 1,2 0)"));
    CHECK(arc["type"] == "LineString");
    CHECK(arc["coordinates"].size() > 3);
    // 15 significant digits, like OGR's own GeoJSON.
    CHECK(geojson("POINT (120.05287449999999 3000000.123456789)") ==
          R"({"type":"Point","coordinates":[120.0528745,3000000.12345679]})");
    // A geometry inside an object takes its separators like any value.
    JsonText j;
    j.begin_object().key("a").value(1).key("g");
    j.geometry(*wkt("POINT (1 2)"));
    j.end_object();
    CHECK(j.str() == R"({"a":1,"g":{"type":"Point","coordinates":[1.0,2.0]}})");
}
