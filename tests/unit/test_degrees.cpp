// Coordinates and column names as spreadsheets hold them (io/degrees.hpp,
// io/columns.hpp): degrees-minutes-seconds in the common forms, exactly and
// at the boundaries; Chinese column names, tiers and ambiguity.
#include "io/columns.hpp"
#include "io/degrees.hpp"
#include "redline/error.hpp"

#include <catch2/catch.hpp>

using namespace redline;
using degrees::Axis;

namespace {

double lon(const std::string& s)
{
    auto p = degrees::parse(s, Axis::Lon);
    REQUIRE(p);
    return p->value;
}

bool refused(const std::string& s, Axis axis = Axis::Lon)
{
    return !degrees::parse(s, axis).has_value();
}

} // namespace

TEST_CASE("degrees-minutes-seconds convert exactly in every common form", "[degrees]")
{
    const double want = 119.0 + 37.0 / 60.0 + 3.30 / 3600.0;
    for (const char* s : {"119°37′03.30″", "119°37'03.30\"", "119°37'03.30\"E", "119度37分03.30秒",
                          "东经119°37′03.30″", "E 119° 37′ 3.3″", "119°37′3.3″ E", "１１９°３７′０３.３０″",
                          "119°37’03.30”", "119°37'03.30''", " 119º37′03.30″ "})
        CHECK(lon(s) == want);
    CHECK(degrees::parse("119°37′03.30″", Axis::Lon)->dms);
    CHECK_FALSE(degrees::parse("119.6176", Axis::Lon)->dms);
    CHECK(lon("119.6176") == 119.6176);
}

TEST_CASE("seconds may be missing, and so may minutes", "[degrees]")
{
    CHECK(lon("119°37′") == 119.0 + 37.0 / 60.0);
    CHECK(lon("119°37.5′") == 119.0 + 37.5 / 60.0);
    CHECK(lon("119°") == 119.0);
    CHECK(lon("119度") == 119.0);
}

TEST_CASE("60 minutes or 60 seconds are refused; 59.999 seconds is not", "[degrees]")
{
    CHECK(refused("119°60′00″"));
    CHECK(refused("119°37′60″"));
    CHECK(refused("119°37′60.0″"));
    CHECK(lon("119°37′59.999″") == 119.0 + 37.0 / 60.0 + 59.999 / 3600.0);
    CHECK(lon("119°59′59.999″") < 120.0);
}

TEST_CASE("west and south are negative, given once", "[degrees]")
{
    CHECK(lon("-119°37′03.30″") == -(119.0 + 37.0 / 60.0 + 3.30 / 3600.0));
    CHECK(lon("119°37′03.30″W") == -(119.0 + 37.0 / 60.0 + 3.30 / 3600.0));
    CHECK(lon("西经119°37′") == -(119.0 + 37.0 / 60.0));
    auto s = degrees::parse("南纬29°05′", Axis::Lat);
    REQUIRE(s);
    CHECK(s->value == -(29.0 + 5.0 / 60.0));
    CHECK(refused("-119°37′W"));     // two signs
    CHECK(refused("东经119°37′E"));   // two hemispheres
}

TEST_CASE("a hemisphere of the other axis, text, or a fraction before the last part is refused", "[degrees]")
{
    CHECK(refused("北纬29°05′", Axis::Lon));
    CHECK(refused("119°37′E", Axis::Lat));
    CHECK(refused("东门外"));
    CHECK(refused(""));
    CHECK(refused("119°37′03.30″ 附近"));
    CHECK(refused("119.5°37′"));
    CHECK(refused("119 37 03"));      // numbers without their marks
    CHECK(refused("181°00′", Axis::Lon));
    CHECK(refused("91°00′", Axis::Lat));
}

TEST_CASE("decimal degrees are written back as the same double", "[degrees]")
{
    for (double v : {119.0 + 37.0 / 60.0 + 3.30 / 3600.0, 120.075685, -0.1, 28.8712688})
        CHECK(std::stod(degrees::to_text(v)) == v);
}

TEST_CASE("Chinese column names are recognised without flags", "[columns]")
{
    InputOptions o;
    auto b = columns::bind({"序号", "项目编号", "项目名称", "行业代码", "经度", "纬度"}, o, true, "t.xlsx");
    CHECK(b.id == 1); // 项目编号 is a better id than 序号
    CHECK(b.name == 2);
    CHECK(b.industry == 3);
    CHECK(b.lon == 4);
    CHECK(b.lat == 5);
    CHECK(b.wkt == -1);
    auto c = columns::bind({"ID", " Industry ", "ＬＯＮ", "Lat"}, o, true, "t.csv");
    CHECK(c.id == 0);
    CHECK(c.industry == 1);
    CHECK(c.lon == 2);
    CHECK(c.lat == 3);
}

TEST_CASE("two columns that could both be the longitude are a usage error naming both", "[columns]")
{
    InputOptions o;
    CHECK_THROWS_WITH(columns::bind({"行业代码", "经度", "lng", "纬度"}, o, true, "t.xlsx"),
                      Catch::Contains("'经度' and 'lng'") && Catch::Contains("--lon-field"));
    o.lon_field = "lng";
    CHECK(columns::bind({"行业代码", "经度", "lng", "纬度"}, o, true, "t.xlsx").lon == 2);
}

TEST_CASE("a column named by a flag must exist", "[columns]")
{
    InputOptions o;
    o.industry_field = "行业";
    CHECK_THROWS_AS(columns::bind({"行业代码", "经度", "纬度"}, o, true, "t.xlsx"), UsageError);
    o.industry_field = "industry";
    o.lat_field = "Y坐标";
    CHECK_THROWS_WITH(columns::bind({"行业代码", "经度", "纬度"}, o, true, "t.xlsx"),
                      Catch::Contains("no column 'Y坐标' (--lat-field)"));
}
