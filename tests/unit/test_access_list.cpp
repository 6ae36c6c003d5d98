// `access_list` (SPEC §3-4): for each unit the site overlaps, each row whose
// scope matches the unit (key, type or `*`) and whose industries match the
// application; prohibit -> FAIL, restrict -> CONDITIONAL, allow -> INFO.
#include "support.hpp"

#include "redline/error.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <tuple>

using namespace redline;
using redline::test::Feature;
using redline::test::Fixture;
using redline::test::findings_of;
using redline::test::square;

namespace {

// ZH001 (优先保护) 0..100 and ZH002 (重点管控) 100..200 share the edge x = 100;
// ZH003 (一般管控) 300..400 stands apart.
void write_units(Fixture& fx, const std::string& table)
{
    fx.layer("units",
             {
                 {square(0, 0, 100), {{"unit_code", std::string("ZH001")}, {"unit_type", std::string("优先保护")}}},
                 {square(100, 0, 100), {{"unit_code", std::string("ZH002")}, {"unit_type", std::string("重点管控")}}},
                 {square(300, 0, 100), {{"unit_code", std::string("ZH003")}, {"unit_type", std::string("一般管控")}}},
             },
             {"unit_code", "", "unit_type"});
    fx.file("access_list.csv", table);
    fx.rulebook("  - {id: AL, type: access_list, layer: units, table: access_list.csv}\n");
}

const std::string k_table = "rule_id,scope,industries,effect,dimension,clause,basis\n"
                            "AL-1,ZH001,C33,prohibit,空间布局约束,禁止新建金属制品项目,依据一\n"
                            "AL-2,重点管控,C3360,restrict,污染物排放管控,电镀须倍量替代,依据二\n"
                            "AL-3,*,,allow,资源开发效率要求,鼓励节水,依据三\n"
                            "AL-4,一般管控,C26;3360,prohibit,环境风险防控,禁止化工和电镀,依据四\n";

using Row = std::tuple<std::string, std::string, Outcome>; // rule_id, unit key, outcome

struct Case {
    std::string name;
    std::string wkt;
    std::string industry;
    std::vector<Row> rows;
    Outcome verdict;
};

const std::vector<Case> k_cases = {
    {"a row scoped by unit key applies in that unit: prohibit is FAIL", "POINT(50 50)", "C3360",
     {{"AL-1", "ZH001", Outcome::Fail}, {"AL-3", "ZH001", Outcome::Info}}, Outcome::Fail},
    {"a row scoped by unit type applies in units of that type: restrict is CONDITIONAL", "POINT(150 50)",
     "C3360", {{"AL-2", "ZH002", Outcome::Conditional}, {"AL-3", "ZH002", Outcome::Info}},
     Outcome::Conditional},
    {"a row scoped `*` with empty industries applies to every industry everywhere; allow is INFO and "
     "does not change the verdict",
     "POINT(50 50)", "C1311", {{"AL-3", "ZH001", Outcome::Info}}, Outcome::Pass},
    {"a type-scoped row for C3360 does not apply to C3312", "POINT(150 50)", "C3312",
     {{"AL-3", "ZH002", Outcome::Info}}, Outcome::Pass},
    {"a row matches any of its `;`-separated selectors (C26)", "POINT(350 50)", "C2614",
     {{"AL-3", "ZH003", Outcome::Info}, {"AL-4", "ZH003", Outcome::Fail}}, Outcome::Fail},
    {"a row's numeric selector 3360 is normalised to C3360", "POINT(350 50)", "C3360",
     {{"AL-3", "ZH003", Outcome::Info}, {"AL-4", "ZH003", Outcome::Fail}}, Outcome::Fail},
    {"a site straddling two units gets the rows of both, each with its unit key", square(50, 0, 100),
     "C3360",
     {{"AL-1", "ZH001", Outcome::Fail},
      {"AL-3", "ZH001", Outcome::Info},
      {"AL-2", "ZH002", Outcome::Conditional},
      {"AL-3", "ZH002", Outcome::Info}},
     Outcome::Fail},
    {"a point on the shared edge of two units is in both", "POINT(100 50)", "C3360",
     {{"AL-1", "ZH001", Outcome::Fail},
      {"AL-3", "ZH001", Outcome::Info},
      {"AL-2", "ZH002", Outcome::Conditional},
      {"AL-3", "ZH002", Outcome::Info}},
     Outcome::Fail},
    {"a polygon touching a neighbouring unit along the edge is only in its own", square(100, 0, 100),
     "C3360", {{"AL-2", "ZH002", Outcome::Conditional}, {"AL-3", "ZH002", Outcome::Info}},
     Outcome::Conditional},
    {"a site outside every unit gets no rows", "POINT(250 50)", "C3360", {}, Outcome::Pass},
};

std::vector<Row> sorted(std::vector<Row> rows)
{
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::vector<Finding> access_rows(const SiteResult& r)
{
    std::vector<Finding> out;
    for (const auto& f : r.findings)
        if (f.check_type == "access_list")
            out.push_back(f);
    return out;
}

} // namespace

TEST_CASE("access_list applies the rows whose scope and industries match each unit overlapped",
          "[access_list]")
{
    const Case c = GENERATE(from_range(k_cases));
    INFO(c.name << "\n  site: " << c.wkt << " industry " << c.industry);
    Fixture fx;
    write_units(fx, k_table);
    const SiteResult r = fx.screen(c.wkt, c.industry);
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    std::vector<Row> got;
    for (const auto& f : access_rows(r)) {
        got.emplace_back(f.rule_id, f.feature_key, f.outcome);
        CHECK(f.layer == "units");
    }
    CHECK(sorted(got) == sorted(c.rows));
    CHECK(r.verdict == c.verdict);
}

TEST_CASE("access_list findings carry the row's dimension, clause and basis", "[access_list]")
{
    Fixture fx;
    write_units(fx, k_table);
    const SiteResult r = fx.screen("POINT(150 50)", "C3360");
    const auto al2 = findings_of(r, "AL-2");
    REQUIRE(al2.size() == 1);
    CHECK(al2[0].check_type == "access_list");
    CHECK(al2[0].feature_key == "ZH002");
    CHECK(al2[0].dimension == "污染物排放管控");
    CHECK(al2[0].clause == "电镀须倍量替代");
    CHECK(al2[0].basis == "依据二");
    // INFO rows are reported but are not among the site's rule ids.
    CHECK(findings_of(r, "AL-3").size() == 1);
    CHECK(r.rule_ids() == std::vector<std::string>{"AL-2"});
}

TEST_CASE("access_list needs the layer's type field for a row scoped to a unit type",
          "[access_list]")
{
    Fixture fx;
    fx.layer("units", {{square(0, 0, 100), {{"unit_code", std::string("ZH001")}}}}, {"unit_code"});
    fx.file("access_list.csv", "rule_id,scope,industries,effect,dimension,clause,basis\n"
                               "AL-1,重点管控,,prohibit,空间布局约束,x,y\n");
    fx.rulebook("  - {id: AL, type: access_list, layer: units, table: access_list.csv}\n");
    CHECK_THROWS_AS(fx.engine(), LayerError);
}

TEST_CASE("access_list rejects an unknown effect naming the table and its line", "[access_list]")
{
    Fixture fx;
    write_units(fx, "rule_id,scope,industries,effect,dimension,clause,basis\n"
                    "AL-1,*,,allow,空间布局约束,x,y\n"
                    "AL-2,*,,forbid,空间布局约束,x,y\n");
    CHECK_THROWS_AS(fx.engine(), RulebookError);
    CHECK_THROWS_WITH(fx.engine(), Catch::Contains("access_list.csv:3") && Catch::Contains("effect") &&
                                       Catch::Contains("forbid"));
}

namespace {

struct EdgeCase {
    std::string name;
    std::string wkt;
    std::vector<std::string> units; // keys of the units whose `*` row applies
};

// The shared boundary-case layer (support.hpp): A square, B multipart,
// C with a hole, D a repaired bow-tie.
const std::vector<EdgeCase> k_edge_cases = {
    {"a polygon inside a unit", square(10, 10, 20), {"A"}},
    {"a polygon outside every unit", square(500, 0, 100), {}},
    {"a polygon sharing an edge", square(100, 0, 100), {}},
    {"a polygon sharing a vertex", square(100, 100, 50), {}},
    {"a point on an edge", "POINT(100 50)", {"A"}},
    {"a point on a vertex", "POINT(100 100)", {"A"}},
    {"a multipart site with one part in a unit",
     "MULTIPOLYGON(((10 10,20 10,20 20,10 20,10 10)),((500 0,510 0,510 10,500 10,500 0)))", {"A"}},
    {"a multipart site with a part in each part of a multipart unit",
     "MULTIPOLYGON(((1010 10,1020 10,1020 20,1010 20,1010 10)),((1210 10,1220 10,1220 20,1210 20,1210 10)))",
     {"B"}},
    {"a polygon in a unit's hole", square(2120, 120, 50), {}},
    {"a point in a unit's hole", "POINT(2150 150)", {}},
    {"a polygon in the left lobe of a repaired bow-tie", square(3000, 40, 10), {"D"}},
    {"a polygon in the right lobe of a repaired bow-tie", square(3090, 45, 10), {"D"}},
    {"a line crossing a unit", "LINESTRING(-50 50,150 50)", {"A"}},
    {"a line ending on a unit's edge", "LINESTRING(100 50,150 50)", {}},
};

} // namespace

TEST_CASE("access_list finds units by the shared overlap rules on boundary cases", "[access_list]")
{
    const EdgeCase c = GENERATE(from_range(k_edge_cases));
    INFO(c.name << "\n  site: " << c.wkt);
    Fixture fx;
    fx.layer("units", redline::test::edge_case_features("unit_code"), {"unit_code"});
    fx.file("access_list.csv", "rule_id,scope,industries,effect,dimension,clause,basis\n"
                               "AL-ANY,*,,prohibit,空间布局约束,全域禁止,依据\n");
    fx.rulebook("  - {id: AL, type: access_list, layer: units, table: access_list.csv}\n");
    const SiteResult r = fx.screen(c.wkt, "C3360");
    INFO("error: " << r.error);
    REQUIRE(r.verdict != Outcome::Error);
    std::vector<std::string> keys;
    for (const auto& f : findings_of(r, "AL-ANY"))
        keys.push_back(f.feature_key);
    CHECK(keys == c.units);
    CHECK(r.verdict == (c.units.empty() ? Outcome::Pass : Outcome::Fail));
}

TEST_CASE("access_list makes an empty or unparsable site an ERROR", "[access_list]")
{
    Fixture fx;
    write_units(fx, k_table);
    for (const std::string wkt : {"POLYGON EMPTY", "POLYGON((0 0,10 0"}) {
        INFO(wkt);
        const SiteResult r = fx.screen(wkt, "C3360");
        CHECK(r.verdict == Outcome::Error);
        CHECK(access_rows(r).empty());
    }
}

TEST_CASE("a long access list (looked up by scope) applies the same rows, in table order, as a scan",
          "[access_list]")
{
    // 400 rows cycling through unit keys, unit types, `*`, a key no unit has
    // and industries that do and do not match: past the length at which the
    // check stops scanning the table for each unit.
    const std::vector<std::string> scopes = {"ZH001", "重点管控", "*", "ZH003", "ZH999", "优先保护", "ZH002", "一般管控"};
    const std::vector<std::string> industries = {"", "C33", "C26", "C3360;C1311"};
    const std::vector<std::string> effects = {"allow", "restrict", "prohibit"};
    std::string table = "rule_id,scope,industries,effect,dimension,clause,basis\n";
    struct Spec {
        std::string id, scope, industries, effect;
    };
    std::vector<Spec> specs;
    for (int k = 0; k < 400; ++k) {
        const Spec s{"R" + std::to_string(k), scopes[k % scopes.size()], industries[(k / 3) % industries.size()],
                     effects[(k / 5) % effects.size()]};
        specs.push_back(s);
        table += s.id + "," + s.scope + "," + s.industries + "," + s.effect + ",空间布局约束,条款" +
                 std::to_string(k) + ",依据\n";
    }
    // The rows a scan would apply in a unit (key, type) to an industry, in order.
    auto expected = [&](const std::string& key, const std::string& type, const std::string& industry) {
        std::vector<std::string> out;
        for (const Spec& s : specs) {
            if (s.scope != "*" && s.scope != key && s.scope != type)
                continue;
            const bool any = s.industries.empty();
            const bool c33 = industry.rfind("C33", 0) == 0 && s.industries.find("C33") != std::string::npos;
            const bool c26 = industry.rfind("C26", 0) == 0 && s.industries.find("C26") != std::string::npos;
            const bool exact = s.industries.find(industry) != std::string::npos;
            if (any || c33 || c26 || exact)
                out.push_back(s.id + "@" + key);
        }
        return out;
    };
    Fixture fx;
    write_units(fx, table);
    struct Probe {
        std::string wkt, industry;
        std::vector<std::pair<std::string, std::string>> units; // (key, type) in the order overlapped
    };
    const std::vector<Probe> probes = {
        {"POINT(50 50)", "C3360", {{"ZH001", "优先保护"}}},
        {"POINT(350 50)", "C2614", {{"ZH003", "一般管控"}}},
        {"POINT(150 50)", "C1311", {{"ZH002", "重点管控"}}},
        {square(50, 0, 100), "C3360", {{"ZH001", "优先保护"}, {"ZH002", "重点管控"}}},
    };
    for (const Probe& p : probes) {
        INFO(p.wkt << " " << p.industry);
        const SiteResult r = fx.screen(p.wkt, p.industry);
        REQUIRE(r.verdict != Outcome::Error);
        std::vector<std::string> got, want;
        for (const auto& f : access_rows(r))
            got.push_back(f.rule_id + "@" + f.feature_key);
        for (const auto& [key, type] : p.units)
            for (const std::string& e : expected(key, type, p.industry))
                want.push_back(e);
        CHECK(got.size() > 50);
        CHECK(got == want);
    }
}
