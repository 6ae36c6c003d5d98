// The site verdict (SPEC §4): ERROR > FAIL > INCOMPLETE > CONDITIONAL > PASS;
// exceptions replace a check's outcome; `industries` restricts a check;
// COVERAGE and INCOMPLETE findings; unusable records become ERROR.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <ogr_geometry.h>

#include <cmath>
#include <limits>

using namespace redline;
using redline::test::Feature;
using redline::test::Fixture;
using redline::test::findings_of;
using redline::test::square;

namespace {

// redline R1 0..100; a CONDITIONAL zone K1 200..300; one township over
// everything (cap 10 t/a, no sources) so that a missing figure is
// INCOMPLETE; coverage -1000..2000.
void write_rulebook(Fixture& fx)
{
    fx.layer("redline", {{square(0, 0, 100), {{"code", std::string("R1")}, {"name", std::string("红线一")}}}},
             {"code", "name"});
    fx.layer("cond", {{square(200, 0, 100), {{"code", std::string("K1")}}}});
    fx.layer("townships", {{square(-5000, -5000, 10000), {{"code", std::string("T1")}, {"cap", 10.0}}}});
    fx.layer("sources", {{"POINT(-4000 -4000)", {{"code", std::string("S1")}, {"load", 1.0}}}});
    fx.layer("units", {{square(-1000, -1000, 3000), {{"code", std::string("ZH1")}}}});
    fx.rulebook("  - id: RL-01\n"
                "    type: overlap\n"
                "    layer: redline\n"
                "    outcome: FAIL\n"
                "    clause: 生态保护红线内禁止开发性、生产性建设活动\n"
                "    basis: 自然资发〔2022〕142号\n"
                "    exceptions:\n"
                "      - industries: [G54, D4420]\n"
                "        outcome: CONDITIONAL\n"
                "        clause: 有限人为活动\n"
                "      - industries: [G]\n"
                "        outcome: INFO\n"
                "        basis: 另一依据\n"
                "  - id: K-01\n"
                "    type: overlap\n"
                "    layer: cond\n"
                "    outcome: CONDITIONAL\n"
                "  - id: CAP\n"
                "    type: capacity\n"
                "    zones: townships\n"
                "    cap_field: cap\n"
                "    points: sources\n"
                "    load_field: load\n"
                "    attr: voc\n"
                "    outcome: CONDITIONAL\n"
                "  - id: ONLY-C33\n"
                "    type: overlap\n"
                "    layer: redline\n"
                "    industries: [C33]\n"
                "    outcome: CONDITIONAL\n",
                "coverage: units\n");
}

struct Case {
    std::string name;
    std::string wkt;
    std::string industry;
    bool with_figure;
    Outcome verdict;
};

const std::vector<Case> k_cases = {
    {"a site that triggers nothing passes", "POINT(1000 1000)", "C1311", true, Outcome::Pass},
    {"a CONDITIONAL finding alone makes the site CONDITIONAL", "POINT(250 50)", "C1311", true,
     Outcome::Conditional},
    {"INCOMPLETE is stricter than CONDITIONAL", "POINT(250 50)", "C1311", false, Outcome::Incomplete},
    {"a missing figure alone makes the site INCOMPLETE", "POINT(1000 1000)", "C1311", false,
     Outcome::Incomplete},
    {"FAIL is stricter than INCOMPLETE and CONDITIONAL", square(50, 0, 200), "C1311", false,
     Outcome::Fail},
    {"FAIL is stricter than CONDITIONAL", square(50, 0, 200), "C1311", true, Outcome::Fail},
    {"ERROR is stricter than everything: an unparsable site over the red line", "POLYGON((50 50,60 50",
     "C1311", false, Outcome::Error},
};

} // namespace

TEST_CASE("the verdict is the strictest finding: ERROR > FAIL > INCOMPLETE > CONDITIONAL > PASS",
          "[verdict]")
{
    const Case c = GENERATE(from_range(k_cases));
    INFO(c.name << "\n  site: " << c.wkt);
    Fixture fx;
    write_rulebook(fx);
    std::vector<std::pair<std::string, std::string>> attrs;
    if (c.with_figure)
        attrs.emplace_back("voc", "1");
    const SiteResult r = fx.screen(c.wkt, c.industry, attrs);
    INFO("error: " << r.error);
    CHECK(r.verdict == c.verdict);
    CHECK(r.count(c.verdict) >= (c.verdict == Outcome::Pass || c.verdict == Outcome::Error ? 0u : 1u));
}

TEST_CASE("the verdict counts are the findings by outcome", "[verdict]")
{
    Fixture fx;
    write_rulebook(fx);
    const SiteResult r = fx.screen(square(50, 0, 200), "C3312");
    CHECK(r.verdict == Outcome::Fail);
    CHECK(r.count(Outcome::Fail) == 1);        // RL-01
    CHECK(r.count(Outcome::Conditional) == 2); // K-01, ONLY-C33
    CHECK(r.count(Outcome::Incomplete) == 1);  // CAP
    CHECK(r.rule_ids() == std::vector<std::string>{"RL-01", "K-01", "CAP", "ONLY-C33"});
}

TEST_CASE("the first matching exception replaces the outcome and clause of a check", "[verdict]")
{
    Fixture fx;
    write_rulebook(fx);
    auto rl01 = [&](const std::string& industry) {
        const SiteResult r = fx.screen("POINT(50 50)", industry, {{"voc", "1"}});
        INFO(industry << " error: " << r.error);
        REQUIRE(r.verdict != Outcome::Error);
        const auto found = findings_of(r, "RL-01");
        REQUIRE(found.size() == 1);
        return std::make_pair(found[0], r.verdict);
    };
    {
        const auto [f, verdict] = rl01("C3360");
        CHECK(f.outcome == Outcome::Fail);
        CHECK(f.clause == "生态保护红线内禁止开发性、生产性建设活动");
        CHECK(f.basis == "自然资发〔2022〕142号");
        CHECK(verdict == Outcome::Fail);
    }
    for (const std::string industry : {"G5411", "D4420", "4420"}) {
        INFO(industry);
        const auto [f, verdict] = rl01(industry);
        CHECK(f.outcome == Outcome::Conditional);
        CHECK(f.clause == "有限人为活动");
        CHECK(f.basis == "自然资发〔2022〕142号"); // not replaced: the exception gives none
        CHECK(verdict == Outcome::Conditional);
    }
    {
        // G55 matches only the second exception: INFO, which leaves the verdict alone.
        const auto [f, verdict] = rl01("G5511");
        CHECK(f.outcome == Outcome::Info);
        CHECK(f.clause == "生态保护红线内禁止开发性、生产性建设活动");
        CHECK(f.basis == "另一依据");
        CHECK(verdict == Outcome::Pass);
    }
}

TEST_CASE("a check with `industries` applies only to those industries", "[verdict]")
{
    Fixture fx;
    write_rulebook(fx);
    CHECK(findings_of(fx.screen("POINT(50 50)", "C3312", {{"voc", "1"}}), "ONLY-C33").size() == 1);
    CHECK(findings_of(fx.screen("POINT(50 50)", "3312", {{"voc", "1"}}), "ONLY-C33").size() == 1);
    CHECK(findings_of(fx.screen("POINT(50 50)", "C3360", {{"voc", "1"}}), "ONLY-C33").size() == 1);
    CHECK(findings_of(fx.screen("POINT(50 50)", "C1311", {{"voc", "1"}}), "ONLY-C33").empty());
    CHECK(findings_of(fx.screen("POINT(50 50)", "C34", {{"voc", "1"}}), "ONLY-C33").empty());
}

TEST_CASE("a site outside the coverage layer gets an INCOMPLETE COVERAGE finding", "[verdict][coverage]")
{
    Fixture fx;
    write_rulebook(fx);
    {
        const SiteResult r = fx.screen("POINT(5000 5000)", "C1311", {{"voc", "1"}});
        const auto cov = findings_of(r, "COVERAGE");
        REQUIRE(cov.size() == 1);
        CHECK(cov[0].outcome == Outcome::Incomplete);
        CHECK(cov[0].check_type == "coverage");
        CHECK(cov[0].feature_key.empty());
        CHECK(cov[0].share == Approx(100));
        CHECK(r.verdict == Outcome::Incomplete);
    }
    {
        // 1950..2050: half of the 100 m square lies beyond x = 2000.
        const SiteResult r = fx.screen(square(1950, 0, 100), "C1311", {{"voc", "1"}});
        const auto cov = findings_of(r, "COVERAGE");
        REQUIRE(cov.size() == 1);
        CHECK(cov[0].value == Approx(5000));
        CHECK(cov[0].share == Approx(50));
        CHECK(r.verdict == Outcome::Incomplete);
    }
    {
        const SiteResult r = fx.screen(square(1900, 0, 100), "C1311", {{"voc", "1"}});
        CHECK(findings_of(r, "COVERAGE").empty());
        CHECK(r.verdict == Outcome::Pass);
    }
    {
        const SiteResult r = fx.screen("POINT(2000 500)", "C1311", {{"voc", "1"}});
        CHECK(findings_of(r, "COVERAGE").empty()); // on the boundary is within
    }
}

TEST_CASE("a missing input is INCOMPLETE, never a pass", "[verdict]")
{
    Fixture fx;
    write_rulebook(fx);
    const SiteResult r = fx.screen("POINT(1000 1000)", "C1311");
    const auto cap = findings_of(r, "CAP");
    REQUIRE(cap.size() == 1);
    CHECK(cap[0].outcome == Outcome::Incomplete);
    CHECK(cap[0].feature_key.empty());
    CHECK(r.verdict == Outcome::Incomplete);
    CHECK(r.count(Outcome::Incomplete) == 1);
}

namespace {

struct ErrorCase {
    std::string name;
    std::string geometry;
    std::string industry;
    std::string reason; // a fragment of the English reason
};

const std::vector<ErrorCase> k_errors = {
    {"an unparsable WKT", "POLYGON((0 0,10 0,10", "C3360", "WKT"},
    {"text that is no geometry at all", "somewhere near the river", "C3360", "WKT"},
    {"trailing text after the WKT", "POINT(50 50) and more", "C3360", "trailing"},
    {"an empty polygon", "POLYGON EMPTY", "C3360", "empty"},
    {"an empty point", "POINT EMPTY", "C3360", "empty"},
    {"an empty geometry collection", "GEOMETRYCOLLECTION EMPTY", "C3360", "empty"},
    {"no geometry text", "", "C3360", "geometry"},
    {"a NaN coordinate", "POINT(nan 50)", "C3360", ""},
    {"a missing industry code", "POINT(50 50)", "", "industry code is missing"},
    {"a blank industry code", "POINT(50 50)", "   ", "industry code is missing"},
    {"an unknown industry code, named", "POINT(50 50)", "C9999", "C9999"},
    {"a GB/T 4754-2011 code that 2017 dropped, named", "POINT(50 50)", "3468", "3468"},
};

} // namespace

TEST_CASE("an unusable record is ERROR with its reason and no findings", "[verdict][error]")
{
    const ErrorCase c = GENERATE(from_range(k_errors));
    INFO(c.name << ": '" << c.geometry << "' industry '" << c.industry << "'");
    Fixture fx;
    write_rulebook(fx);
    const SiteResult r = fx.screen(c.geometry, c.industry, {{"voc", "1"}});
    CHECK(r.verdict == Outcome::Error);
    CHECK(r.findings.empty());
    CHECK_FALSE(r.error.empty());
    CHECK_THAT(r.error, Catch::Contains(c.reason));
}

TEST_CASE("a record with a NaN coordinate in its WKB is ERROR naming the non-finite coordinate",
          "[verdict][error]")
{
    Fixture fx;
    write_rulebook(fx);
    OGRPoint p(std::numeric_limits<double>::quiet_NaN(), 50);
    Application app;
    app.site_id = "nan";
    app.industry = "C3360";
    app.wkb.resize(static_cast<std::size_t>(p.WkbSize()));
    REQUIRE(p.exportToWkb(wkbNDR, app.wkb.data()) == OGRERR_NONE);
    app.has_wkb = true;
    const SiteResult r = fx.screen(app);
    CHECK(r.verdict == Outcome::Error);
    CHECK(r.findings.empty());
    CHECK_THAT(r.error, Catch::Contains("non-finite"));
}

TEST_CASE("a latitude of 95 degrees is an ERROR when input_crs is EPSG:4490", "[verdict][error]")
{
    Fixture fx;
    fx.input_crs = "EPSG:4490";
    write_rulebook(fx);
    for (const std::string geometry : {"POINT(120 95)", "120,95", "LINESTRING(120 28,120 95)"}) {
        INFO(geometry);
        const SiteResult r = fx.screen(geometry, "C3360", {{"voc", "1"}});
        CHECK(r.verdict == Outcome::Error);
        CHECK(r.findings.empty());
        CHECK_THAT(r.error, Catch::Contains("95"));
    }
    // A sound WGS-range point is reprojected and screened (far from every layer: COVERAGE).
    const SiteResult ok = fx.screen("POINT(120.1 28.9)", "C3360", {{"voc", "1"}});
    INFO("error: " << ok.error);
    CHECK(ok.verdict == Outcome::Incomplete);
    CHECK(findings_of(ok, "COVERAGE").size() == 1);
}

TEST_CASE("a record's industry code is normalised before screening", "[verdict]")
{
    Fixture fx;
    write_rulebook(fx);
    const SiteResult r = fx.screen("POINT(1000 1000)", " c3360 ", {{"voc", "1"}});
    CHECK(r.verdict == Outcome::Pass);
    CHECK(r.industry == "C3360");
}

TEST_CASE("rule_ids lists each non-INFO rule once, in finding order; for_each_rule_id the same", "[verdict]")
{
    auto finding = [](std::string id, Outcome o) {
        Finding f;
        f.rule_id = std::move(id);
        f.outcome = o;
        return f;
    };
    SiteResult r;
    CHECK(r.rule_ids().empty());
    r.findings = {finding("AL-07", Outcome::Info), finding("RL-01", Outcome::Fail),
                  finding("AL-07", Outcome::Conditional), finding("RL-01", Outcome::Conditional),
                  finding("CAP", Outcome::Incomplete), finding("AL-09", Outcome::Info),
                  finding("AL-07", Outcome::Fail)};
    const std::vector<std::string> expected{"RL-01", "AL-07", "CAP"}; // AL-07's INFO row does not place it
    CHECK(r.rule_ids() == expected);
    std::vector<std::string> seen;
    r.for_each_rule_id([&](std::string_view id) { seen.emplace_back(id); });
    CHECK(seen == expected);
    r.findings = {finding("AL-09", Outcome::Info)};
    CHECK(r.rule_ids().empty()); // INFO only: no rule counts against the site
}
