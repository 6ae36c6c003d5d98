#include "redline/industry.hpp"

#include <catch2/catch.hpp>

using namespace redline;

TEST_CASE("the shipped GB/T 4754-2017 table is complete", "[industry]")
{
    const auto& t = IndustryTable::gbt4754_2017();
    CHECK(t.size() == 20 + 97 + 473 + 1381);
    REQUIRE(t.find("C3360") != nullptr);
    CHECK(t.find("C3360")->name == "金属表面处理及热处理加工");
    CHECK(t.find("C4050") != nullptr);
}

TEST_CASE("industry codes normalise to their section letter and never pad", "[industry]")
{
    const auto& t = IndustryTable::gbt4754_2017();
    CHECK(t.normalise("3360") == "C3360");
    CHECK(t.normalise(" c3360 ") == "C3360");
    CHECK(t.normalise("336") == "C336");
    CHECK(t.normalise("33") == "C33");
    CHECK(t.normalise("C") == "C");
    CHECK_FALSE(t.normalise("C9999").has_value());
    CHECK_FALSE(t.normalise("D3360").has_value());
    CHECK_FALSE(t.normalise("3468").has_value()); // 2011 edition 包装专用设备制造
    CHECK_FALSE(t.normalise("").has_value());
}

TEST_CASE("selectors match by code prefix or by class", "[industry]")
{
    const auto& t = IndustryTable::gbt4754_2017();
    IndustryClasses classes;
    classes.add("C33", 2);
    classes.add("C3360", 3);
    Industry plating{"C3360", "", classes.class_of("C3360")};
    Industry doors{"C3312", "", classes.class_of("C3312")};
    CHECK(plating.cls == 3);
    CHECK(doors.cls == 2);
    CHECK(IndustrySelector::parse("C33", t).matches(plating));
    CHECK(IndustrySelector::parse("3360", t).matches(plating));
    CHECK_FALSE(IndustrySelector::parse("C3360", t).matches(doors));
    CHECK(IndustrySelector::parse("class:3", t).matches(plating));
    CHECK_FALSE(IndustrySelector::parse("class:3", t).matches(doors));
    bool known = true;
    IndustrySelector::parse("C3", t, &known);
    CHECK_FALSE(known);
    CHECK_THROWS(IndustrySelector::parse("class:4", t));
    CHECK_THROWS(IndustrySelector::parse("9999", t));
}
