// `redline diff` (diff.hpp, SPEC §6.4): records screened under an old and a
// new rulebook in one pipeline pass, compared record by record; the layers
// both rulebooks name compared area by area; existing enterprises screened
// straight from a rulebook layer (--layer-input) without counting their own
// load twice.
#include "support.hpp"

#include "redline/diff.hpp"
#include "redline/pipeline.hpp"
#include "redline/source.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace redline;
using redline::test::Fixture;
using redline::test::square;

namespace {

const std::string k_checks = "  - {id: RL, type: overlap, layer: redline}\n";

void redline_layer(Fixture& fx, const std::vector<std::pair<std::string, std::string>>& features)
{
    std::vector<test::Feature> fs;
    for (const auto& [key, wkt] : features)
        fs.push_back({wkt, {{"code", key}}});
    fx.layer("redline", fs, {"code"});
}

Application app(const std::string& id, const std::string& wkt, const std::string& industry = "C3360")
{
    Application a;
    a.site_id = id;
    a.industry = industry;
    a.geometry_text = wkt;
    a.attributes = {{"id", id}, {"industry", industry}};
    return a;
}

/// Collects compare_results() of every record, as the diff outputs see them.
class ChangeSink final : public ResultSink {
public:
    void write(const SiteResult&, const Application&) override { FAIL("write() without a baseline"); }
    void write_compared(const SiteResult& o, const SiteResult& n, const Application&) override
    {
        auto c = compare_results(o, n);
        counts.add(o, n, c ? &*c : nullptr);
        if (c)
            changes.push_back(*c);
    }
    std::vector<RecordChange> changes;
    DiffCounts counts;
};

ChangeSink run_diff(const Engine& old_engine, const Engine& new_engine, std::vector<Application> apps,
                    unsigned threads = 1)
{
    SourceInfo info;
    info.name = "memory";
    info.field_names = {"id", "industry"};
    info.field_types = {OFTString, OFTString};
    MemorySource source(std::move(apps), info);
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(std::make_unique<ChangeSink>());
    PipelineOptions options;
    options.baseline = &old_engine;
    options.threads = threads;
    options.chunk_size = 7; // several chunks, lanes meeting mid-chunk
    run_pipeline(new_engine, source, sinks, options);
    return std::move(static_cast<ChangeSink&>(*sinks.front()));
}

/// One record through both engines.
std::optional<RecordChange> one(Fixture& before, Fixture& after, const Application& a)
{
    ChangeSink s = run_diff(before.engine(), after.engine(), {a});
    REQUIRE(s.counts.records == 1);
    if (s.changes.empty())
        return std::nullopt;
    return s.changes.front();
}

double area_of(const LayerChanges& l, const std::string& layer, bool added)
{
    double a = 0;
    for (const auto& c : l.areas)
        if (c.layer == layer && c.added == added)
            a += c.area_m2;
    return a;
}

} // namespace

TEST_CASE("diff: a red line grown over a site makes it stricter, with the finding added", "[diff]")
{
    Fixture before, after;
    redline_layer(before, {{"R1", square(0, 0, 100)}});
    redline_layer(after, {{"R1", square(0, 0, 300)}});
    before.rulebook(k_checks);
    after.rulebook(k_checks);
    auto c = one(before, after, app("A", "POINT(200 200)"));
    REQUIRE(c);
    CHECK(c->old_verdict == Outcome::Pass);
    CHECK(c->new_verdict == Outcome::Fail);
    CHECK(c->direction == Direction::Stricter);
    CHECK(c->added == std::vector<std::string>{"RL:R1"});
    CHECK(c->removed.empty());
    CHECK(c->changed.empty());
    const LayerChanges l = compare_layers(before.engine(), after.engine());
    CHECK(area_of(l, "redline", true) == Approx(300.0 * 300 - 100.0 * 100));
    CHECK(area_of(l, "redline", false) == 0);
    CHECK(l.compared == std::vector<std::string>{"redline"});
}

TEST_CASE("diff: a red line shrunk away from a site makes it looser, with the finding removed", "[diff]")
{
    Fixture before, after;
    redline_layer(before, {{"R1", square(0, 0, 300)}});
    redline_layer(after, {{"R1", square(0, 0, 100)}});
    before.rulebook(k_checks);
    after.rulebook(k_checks);
    auto c = one(before, after, app("A", "POINT(200 200)"));
    REQUIRE(c);
    CHECK(c->direction == Direction::Looser);
    CHECK(c->removed == std::vector<std::string>{"RL:R1"});
    const LayerChanges l = compare_layers(before.engine(), after.engine());
    CHECK(area_of(l, "redline", false) == Approx(80000.0));
    CHECK(area_of(l, "redline", true) == 0);
    // A site inside both the old and the new red line: unchanged.
    CHECK_FALSE(one(before, after, app("B", "POINT(50 50)")));
}

TEST_CASE("diff: an access-list row changed from restrict to prohibit changes the outcome of the same key",
          "[diff]")
{
    auto write = [](Fixture& fx, const std::string& effect) {
        fx.layer("units", {{square(0, 0, 100), {{"unit_code", std::string("ZH001")}, {"unit_type", std::string("一般管控")}}}},
                 {"unit_code", "", "unit_type"});
        fx.file("access_list.csv", "rule_id,scope,industries,effect,dimension,clause,basis\n"
                                   "AL-1,ZH001,C33," + effect + ",空间布局约束,金属制品,依据\n");
        fx.rulebook("  - {id: AL, type: access_list, layer: units, table: access_list.csv}\n");
    };
    Fixture before, after;
    write(before, "restrict");
    write(after, "prohibit");
    auto c = one(before, after, app("A", "POINT(50 50)"));
    REQUIRE(c);
    CHECK(c->old_verdict == Outcome::Conditional);
    CHECK(c->new_verdict == Outcome::Fail);
    CHECK(c->direction == Direction::Stricter);
    CHECK(c->added.empty());
    CHECK(c->removed.empty());
    REQUIRE(c->changed.size() == 1);
    CHECK(c->changed[0].text() == "AL-1:ZH001:CONDITIONAL\u2192FAIL");
    CHECK(c->rules() == std::vector<std::string>{"AL-1"});
    // Another industry is not concerned by the row: unchanged.
    CHECK_FALSE(one(before, after, app("B", "POINT(50 50)", "C1311")));
    // No polygon moved.
    CHECK(compare_layers(before.engine(), after.engine()).areas.empty());
}

TEST_CASE("diff: a layer added with its check adds findings and is listed as added", "[diff]")
{
    Fixture before, after;
    redline_layer(before, {{"R1", square(0, 0, 100)}});
    redline_layer(after, {{"R1", square(0, 0, 100)}});
    after.layer("water", {{square(500, 0, 100), {{"zone_id", std::string("W1")}}}}, {"zone_id"});
    before.rulebook(k_checks);
    after.rulebook(k_checks + "  - {id: WS, type: overlap, layer: water}\n");
    auto c = one(before, after, app("A", "POINT(550 50)"));
    REQUIRE(c);
    CHECK(c->direction == Direction::Stricter);
    CHECK(c->added == std::vector<std::string>{"WS:W1"});
    CHECK_FALSE(one(before, after, app("B", "POINT(50 50)"))); // FAIL under both, same finding
    const LayerChanges l = compare_layers(before.engine(), after.engine());
    CHECK(l.layers_added == std::vector<std::string>{"water"});
    CHECK(l.layers_removed.empty());
    CHECK(l.areas.empty()); // the red line is the same feature in both
}

TEST_CASE("diff: identical rulebooks change nothing, ERROR records included", "[diff]")
{
    Fixture before, after;
    for (Fixture* fx : {&before, &after}) {
        redline_layer(*fx, {{"R1", square(0, 0, 100)}, {"R2", "POLYGON((3000 0,3100 100,3100 0,3000 100,3000 0))"}});
        fx->rulebook(k_checks);
    }
    std::vector<Application> apps;
    for (int i = 0; i < 30; ++i)
        apps.push_back(app("A" + std::to_string(i), "POINT(" + std::to_string(i * 110) + " 50)"));
    apps.push_back(app("BAD", "POINT(nonsense)"));
    ChangeSink s = run_diff(before.engine(), after.engine(), apps, 3);
    CHECK(s.changes.empty());
    CHECK(s.counts.records == 31);
    CHECK(s.counts.unchanged == 31);
    CHECK(s.counts.errors == 1);
    const LayerChanges l = compare_layers(before.engine(), after.engine());
    CHECK(l.areas.empty()); // the bow-tie, repaired the same way in both, cancels out
    CHECK(l.compared == std::vector<std::string>{"redline"});
}

TEST_CASE("diff: a record whose verdict stays FAIL but whose findings change is `same`", "[diff]")
{
    Fixture before, after;
    redline_layer(before, {{"R1", square(0, 0, 100)}, {"R2", square(1000, 0, 100)}});
    redline_layer(after, {{"R1", square(-500, 0, 100)}, {"R2", square(0, 0, 1100)}});
    before.rulebook(k_checks);
    after.rulebook(k_checks);
    auto c = one(before, after, app("A", "POINT(50 50)"));
    REQUIRE(c);
    CHECK(c->old_verdict == Outcome::Fail);
    CHECK(c->new_verdict == Outcome::Fail);
    CHECK(c->direction == Direction::Same);
    CHECK(c->added == std::vector<std::string>{"RL:R2"});
    CHECK(c->removed == std::vector<std::string>{"RL:R1"});
}

TEST_CASE("diff: a record that is ERROR under the new rulebook only is a change, stricter, and counted", "[diff]")
{
    Fixture before, after;
    redline_layer(before, {{"R1", square(0, 0, 100)}});
    redline_layer(after, {{"R1", square(0, 0, 100)}});
    after.input_crs = "EPSG:4490"; // the new rulebook reads coordinates as lon/lat: 500 is no latitude
    before.rulebook(k_checks);
    after.rulebook(k_checks);
    ChangeSink s = run_diff(before.engine(), after.engine(), {app("A", "POINT(500 500)")});
    REQUIRE(s.changes.size() == 1);
    CHECK(s.changes[0].old_verdict == Outcome::Pass);
    CHECK(s.changes[0].new_verdict == Outcome::Error);
    CHECK(s.changes[0].direction == Direction::Stricter);
    CHECK(s.counts.errors == 1);
    CHECK(s.counts.stricter == 1);
}

TEST_CASE("diff: the changes do not depend on the thread count", "[diff]")
{
    Fixture before, after;
    redline_layer(before, {{"R1", square(0, 0, 1000)}, {"R2", square(2000, 0, 500)}});
    redline_layer(after, {{"R1", square(0, 0, 1200)}, {"R2", square(2100, 0, 300)}, {"R3", square(4000, 0, 300)}});
    before.rulebook(k_checks);
    after.rulebook(k_checks);
    std::vector<Application> apps;
    for (int i = 0; i < 200; ++i)
        apps.push_back(app("A" + std::to_string(i), "POINT(" + std::to_string((i * 37) % 4500) + " " +
                                                        std::to_string((i * 53) % 1300) + ")"));
    auto texts = [](const ChangeSink& s) {
        std::vector<std::string> out;
        for (const auto& c : s.changes)
            out.push_back(c.site_id + " " + std::string(direction_name(c.direction)) + " +" +
                          std::to_string(c.added.size()) + " -" + std::to_string(c.removed.size()));
        return out;
    };
    const ChangeSink one_thread = run_diff(before.engine(), after.engine(), apps, 1);
    const ChangeSink four = run_diff(before.engine(), after.engine(), apps, 4);
    CHECK(one_thread.changes.size() > 10);
    CHECK(texts(one_thread) == texts(four));
    CHECK(one_thread.counts.stricter == four.counts.stricter);
    CHECK(one_thread.counts.looser == four.counts.looser);
}

TEST_CASE("layer input: a rulebook layer's features are records keyed by the layer's key", "[diff][layer_input]")
{
    Fixture fx;
    fx.layer("townships", {{square(0, 0, 1000), {{"code", std::string("T1")}, {"voc_cap_tpa", 10.0}}}}, {"code"});
    fx.layer("sources",
             {{"POINT(100 100)", {{"source_id", std::string("S1")}, {"name", std::string("甲厂")},
                                  {"industry", std::string("C3360")}, {"voc_tpa", 6.0}}},
              {"POINT(200 200)", {{"source_id", std::string("S2")}, {"name", std::string("乙厂")},
                                  {"industry", std::string("C3360")}, {"voc_tpa", 3.0}}}},
             {"source_id", "name"});
    fx.rulebook("  - {id: CAP, type: capacity, zones: townships, cap_field: voc_cap_tpa, points: sources,\n"
                "     load_field: voc_tpa, attr: voc_tpa, outcome: CONDITIONAL}\n",
                "township_layer: townships\n");
    auto source = open_layer_applications(fx.engine(), "sources", {});
    Application a;
    REQUIRE(source->next(a));
    CHECK(a.site_id == "S1");
    CHECK(a.name == "甲厂");
    CHECK(a.industry == "C3360");
    CHECK(a.origin_layer == "sources");
    CHECK(source->info().id_field == "source_id");
    // Its own 6 t/a is already in T1's existing 9 t/a: 3 + 6 = 9 <= 10, no finding.
    const SiteResult own = fx.screen(a);
    CHECK(own.verdict == Outcome::Pass);
    // The same plant as a new application would add 6 to 9: over the cap.
    Application fresh = a;
    fresh.origin_layer.clear();
    fresh.origin_key.clear();
    const SiteResult added = fx.screen(fresh);
    REQUIRE(added.findings.size() == 1);
    CHECK(added.findings[0].value == Approx(15.0));
    CHECK(added.findings[0].base == Approx(9.0));
    // The zone summary adds the new application's load, not the existing plant's own.
    ZoneSummary zones(fx.engine());
    zones.add(own, a);
    zones.add(added, fresh);
    REQUIRE(zones.rows().size() == 1);
    CHECK(zones.rows()[0].sites == 2);
    CHECK(zones.rows()[0].added == std::vector<double>{6.0});
    CHECK(zones.loads()[0].existing == std::vector<double>{9.0});
    REQUIRE(source->next(a));
    CHECK(a.site_id == "S2");
    CHECK_FALSE(source->next(a));
    CHECK_THROWS_AS(open_layer_applications(fx.engine(), "nope", {}), UsageError);
}
