// The library pipeline (pipeline.hpp, sink.hpp): records in memory through
// run_pipeline() into sinks; words chosen at render time; one figure parser
// for the capacity check and the zone summary; cancellation and failing
// sinks leave nothing behind; check types' declared parameters drive the
// rulebook's key checking.
#include "support.hpp"

#include "redline/check.hpp"
#include "redline/error.hpp"
#include "redline/pipeline.hpp"

#include "pipeline/stages.hpp"

#include <catch2/catch.hpp>
#include <ogr_geometry.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace redline;
using redline::test::Fixture;
using redline::test::square;

namespace {

// Two townships with VOC caps, one source, a red line in T1.
void write_scene(Fixture& fx)
{
    fx.layer("townships",
             {
                 {square(0, 0, 1000), {{"code", std::string("T1")}, {"name", std::string("东城街道")}, {"voc_cap_tpa", 10.0}}},
                 {square(1000, 0, 1000), {{"code", std::string("T2")}, {"name", std::string("西城街道")}, {"voc_cap_tpa", 5.0}}},
             },
             {"code", "name"});
    fx.layer("sources", {{"POINT(500 500)", {{"source_id", std::string("S1")}, {"voc_tpa", 4.0}}}},
             {"source_id"});
    fx.layer("redline", {{square(100, 100, 100), {{"code", std::string("R1")}, {"name", std::string("东山红线")}}}},
             {"code", "name"});
    fx.rulebook("  - id: RL\n"
                "    type: overlap\n"
                "    layer: redline\n"
                "  - id: CAP-VOC\n"
                "    type: capacity\n"
                "    zones: townships\n"
                "    cap_field: voc_cap_tpa\n"
                "    points: sources\n"
                "    load_field: voc_tpa\n"
                "    attr: voc_tpa\n"
                "    outcome: CONDITIONAL\n",
                "township_layer: townships\n");
}

Application app(const std::string& id, const std::string& wkt, const std::string& voc)
{
    Application a;
    a.site_id = id;
    a.industry = "C3360";
    a.geometry_text = wkt;
    a.attributes = {{"id", id}, {"industry", "C3360"}, {"voc_tpa", voc}};
    return a;
}

SourceInfo info_for_apps()
{
    SourceInfo info;
    info.name = "memory";
    info.field_names = {"id", "industry", "voc_tpa"};
    info.field_types = {OFTString, OFTString, OFTString};
    return info;
}

/// Runs the pipeline over `apps` into one MemorySink; returns it.
MemorySink run(const Engine& engine, std::vector<Application> apps, PipelineOptions options = {})
{
    MemorySource source(std::move(apps), info_for_apps());
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(std::make_unique<MemorySink>());
    run_pipeline(engine, source, sinks, options);
    return std::move(static_cast<MemorySink&>(*sinks.front()));
}

/// Records what the pipeline asks of it; throws from write() when told to.
class ProbeSink final : public ResultSink {
public:
    explicit ProbeSink(std::vector<std::string>& log, int fail_at = -1) : m_log(log), m_fail_at(fail_at) {}
    void begin(const SinkContext& c) override
    {
        m_log.push_back("begin " + std::string(lang_code(c.lang)) + " " + c.source.name);
    }
    void write(const SiteResult& r, const Application&) override
    {
        if (m_written++ == m_fail_at)
            throw OutputError("disk full");
        m_log.push_back("write " + r.site_id);
    }
    void finish(const RunSummary& s) override
    {
        m_log.push_back("finish " + std::to_string(s.zones.rows().size()) + " zones");
        for (const auto& [k, v] : s.info)
            if (k == "records")
                m_log.push_back("records " + v);
    }
    void commit() override { m_log.push_back("commit"); }
    void abandon() noexcept override { m_log.push_back("abandon"); }

private:
    std::vector<std::string>& m_log;
    int m_fail_at;
    int m_written = 0;
};

std::string zone_added(const ZoneSummary& z, std::size_t row)
{
    std::ostringstream s;
    s.precision(6);
    s << std::fixed << z.rows().at(row).added.at(0);
    return s.str();
}

} // namespace

TEST_CASE("the zone summary adds '１２.５吨' as 12.5, like the capacity check reads it", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    MemorySource source({app("a", "POINT(600 600)", "１２.５吨"), app("b", "POINT(600 600)", "12.5")},
                        info_for_apps());
    ZoneSummary summary(fx.engine());
    Engine::Worker w(fx.engine());
    Application a;
    while (source.next(a))
        summary.add(w.screen(a), a);
    CHECK(zone_added(summary, 0) == "25.000000");
    CHECK(zone_added(summary, 1) == "0.000000");
}

TEST_CASE("one engine renders the same result in Chinese and in English", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    Engine::Worker w(fx.engine());
    SiteResult r = w.screen(app("a", "POINT(150 150)", "7"));
    REQUIRE(r.verdict == Outcome::Fail);
    REQUIRE(r.findings.size() == 2);
    CHECK(r.findings[0].detail.empty()); // measured, not yet worded
    CHECK(r.message.empty());

    render(r, Lang::Zh);
    CHECK(r.findings[0].detail == "位于「东山红线」内");
    CHECK(r.findings[1].detail == "「东城街道」现有 4 + 新增 7 = 11 t/a，超过上限 10（余量 6）");
    CHECK(r.message.rfind("不通过：RL 位于「东山红线」内；CAP-VOC ", 0) == 0);

    render(r, Lang::En);
    CHECK(r.findings[0].detail == "lies in '东山红线'");
    CHECK(r.findings[1].detail == "'东城街道': existing 4 + added 7 = 11 t/a exceeds the cap 10 (headroom 6)");
    CHECK(r.message.rfind("FAIL: RL lies in '东山红线'; CAP-VOC ", 0) == 0);
}

TEST_CASE("an unusable record's reason is rendered in the language asked for", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    Engine::Worker w(fx.engine());
    Application a = app("bad", "POINT(1 1)", "1");
    a.industry = "";
    SiteResult r = w.screen(a);
    REQUIRE(r.verdict == Outcome::Error);
    render(r, Lang::Zh);
    CHECK(r.error == "缺少行业代码");
    CHECK(r.message == "错误：缺少行业代码");
    render(r, Lang::En);
    CHECK(r.error == "the industry code is missing");
    CHECK(r.message == "ERROR: the industry code is missing");
}

TEST_CASE("the pipeline hands every record to every sink in input order, at any thread count", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    std::vector<Application> apps;
    for (int i = 0; i < 300; ++i)
        apps.push_back(app("s" + std::to_string(i), "POINT(" + std::to_string(10 + (i * 37) % 1900) + " 150)",
                           i % 7 == 0 ? "" : std::to_string(i % 5)));
    apps[5].geometry_text = "POINT(nonsense)";
    PipelineOptions one;
    one.threads = 1;
    one.chunk_size = 64;
    PipelineOptions four = one;
    four.threads = 4;
    MemorySink a = run(fx.engine(), apps, one);
    MemorySink b = run(fx.engine(), apps, four);
    REQUIRE(a.results.size() == apps.size());
    REQUIRE(b.results.size() == apps.size());
    for (std::size_t i = 0; i < apps.size(); ++i) {
        CHECK(a.results[i].site_id == apps[i].site_id);
        CHECK(a.results[i].index == i);
        CHECK(a.results[i].message == b.results[i].message);
        CHECK(a.results[i].findings.size() == b.results[i].findings.size());
    }
    CHECK(a.results[5].verdict == Outcome::Error);
    CHECK(a.results[5].message.rfind("错误：无法解析几何 WKT", 0) == 0);
    auto value = [](const RunInfo& info, const std::string& key) {
        for (const auto& [k, v] : info)
            if (k == key)
                return v;
        return std::string("(absent)");
    };
    CHECK(value(a.info, "records") == "300");
    CHECK(value(a.info, "applications") == "memory");
    CHECK(value(a.info, "threads") == "1");
    CHECK(value(b.info, "threads") == "4");
    CHECK(value(a.info, "count_error") == "1");
}

TEST_CASE("sinks begin, write, finish and commit in turn", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    std::vector<std::string> log;
    MemorySource source({app("a", "POINT(600 600)", "1"), app("b", "POINT(1600 600)", "1")}, info_for_apps());
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(std::make_unique<ProbeSink>(log));
    PipelineOptions options;
    options.lang = Lang::En;
    options.threads = 1;
    PipelineResult r = run_pipeline(fx.engine(), source, sinks, options);
    CHECK(r.records == 2);
    CHECK(r.counts[Outcome::Pass] == 2);
    CHECK(log == std::vector<std::string>{"begin en memory", "write a", "write b", "finish 2 zones",
                                          "records 2", "commit"});
}

TEST_CASE("a sink that fails abandons every sink and the error reaches the caller", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    for (unsigned threads : {1u, 3u}) {
        std::vector<std::string> log_a, log_b;
        std::vector<Application> apps;
        for (int i = 0; i < 50; ++i)
            apps.push_back(app("s" + std::to_string(i), "POINT(600 600)", "1"));
        MemorySource source(apps, info_for_apps());
        std::vector<std::unique_ptr<ResultSink>> sinks;
        sinks.push_back(std::make_unique<ProbeSink>(log_a));
        sinks.push_back(std::make_unique<ProbeSink>(log_b, 3));
        PipelineOptions options;
        options.threads = threads;
        options.chunk_size = 8;
        CHECK_THROWS_AS(run_pipeline(fx.engine(), source, sinks, options), OutputError);
        CHECK(log_a.back() == "abandon");
        CHECK(log_b.back() == "abandon");
        CHECK(std::count(log_a.begin(), log_a.end(), "commit") == 0);
    }
}

TEST_CASE("a source that fails mid-run (read ahead on its own thread or not) abandons every sink", "[pipeline]")
{
    // The records it gave before failing were screened; the failure, not a
    // truncated output, reaches the caller, and no thread is left waiting.
    class BrokenSource final : public ApplicationSource {
    public:
        bool next(Application& out) override
        {
            if (m_given == 20)
                throw LibraryError("read failed at record 21");
            out = app("s" + std::to_string(m_given++), "POINT(600 600)", "1");
            return true;
        }
        const SourceInfo& info() const override { return m_info; }

    private:
        SourceInfo m_info = info_for_apps();
        int m_given = 0;
    };
    Fixture fx;
    write_scene(fx);
    for (unsigned threads : {1u, 2u, 3u}) {
        std::vector<std::string> log;
        BrokenSource source;
        std::vector<std::unique_ptr<ResultSink>> sinks;
        sinks.push_back(std::make_unique<ProbeSink>(log));
        PipelineOptions options;
        options.threads = threads;
        options.chunk_size = 8;
        CHECK_THROWS_WITH(run_pipeline(fx.engine(), source, sinks, options), Catch::Contains("record 21"));
        CHECK(log.back() == "abandon");
        CHECK(std::count(log.begin(), log.end(), "commit") == 0);
        if (threads == 1) // in turn: the two chunks before the failure were written
            CHECK(std::count(log.begin(), log.end(), "write s15") == 1);
    }
}

TEST_CASE("a cancelled pipeline throws Cancelled and leaves no file under the final name", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    CancelToken cancel;
    std::vector<Application> apps;
    for (int i = 0; i < 100; ++i)
        apps.push_back(app("s" + std::to_string(i), "POINT(600 600)", "1"));
    MemorySource source(apps, info_for_apps());
    const std::string out = fx.path("out.json");
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(make_json_sink(out));
    PipelineOptions options;
    options.threads = 2;
    options.chunk_size = 10;
    options.cancel = &cancel;
    options.progress = [&](double fraction, const std::string&) {
        if (fraction > 0.25)
            cancel.cancel(15);
    };
    try {
        run_pipeline(fx.engine(), source, sinks, options);
        FAIL("not cancelled");
    } catch (const Cancelled& c) {
        CHECK(c.reason() == 15);
    }
    CHECK_FALSE(std::filesystem::exists(out));
    for (const auto& e : std::filesystem::directory_iterator(fx.path("")))
        CHECK(e.path().filename().string().find("redline-tmp") == std::string::npos);
}

TEST_CASE("a JSON sink on a stream writes one array element per site", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    std::ostringstream text;
    MemorySource source({app("a", "POINT(150 150)", "1"), app("b", "POINT(1600 600)", "")}, info_for_apps());
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(make_json_sink(text));
    PipelineOptions options;
    options.lang = Lang::En;
    run_pipeline(fx.engine(), source, sinks, options);
    const std::string s = text.str();
    CHECK(s.front() == '[');
    CHECK(s.find("\"site_id\":\"a\"") < s.find("\"site_id\":\"b\""));
    CHECK(s.find("lies in '东山红线'") != std::string::npos);
    CHECK(s.find("the application gives no voc_tpa (t/a)") != std::string::npos);
}

TEST_CASE("an unknown key in a check is refused with the keys that type accepts", "[pipeline][rulebook]")
{
    Fixture fx;
    write_scene(fx);
    fx.rulebook("  - id: RL\n    type: overlap\n    layer: redline\n    wher: \"code = 'R1'\"\n");
    try {
        Engine engine(fx.rulebook_path());
        FAIL("accepted");
    } catch (const RulebookError& e) {
        const std::string m = e.what();
        CHECK_THAT(m, Catch::Contains("checks[0].wher"));
        CHECK_THAT(m, Catch::Contains("unknown key"));
        CHECK_THAT(m, Catch::Contains("accepted: id, type, outcome, clause, basis, industries, exceptions, "
                                      "area_tolerance, length_tolerance, layer, where"));
    }
}

TEST_CASE("a missing required parameter is named from the type's declaration", "[pipeline][rulebook]")
{
    Fixture fx;
    write_scene(fx);
    fx.rulebook("  - id: SB\n    type: setback\n    layer: redline\n");
    try {
        Engine engine(fx.rulebook_path());
        FAIL("accepted");
    } catch (const RulebookError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("checks[0].distance: required key is missing"));
    }
}

TEST_CASE("every built-in check type declares its parameters and how its evidence is drawn", "[pipeline]")
{
    const auto infos = CheckRegistry::builtin().infos();
    std::vector<std::string> names;
    for (const auto& i : infos) {
        names.push_back(i.name);
        CHECK_FALSE(i.description.empty());
        CHECK_FALSE(i.params.empty());
        for (const auto& p : i.params)
            CHECK_FALSE(p.description.empty());
    }
    CHECK(names == std::vector<std::string>{"overlap", "setback", "access_list", "capacity", "require_within",
                                            "coverage", "eia_category"});
    CHECK(CheckRegistry::builtin().info("setback")->drawing == Drawing::Line);
    CHECK(CheckRegistry::builtin().info("access_list")->drawing == Drawing::Zone);
    CHECK(CheckRegistry::builtin().info("access_list")->unit_layer_param == "layer");
    CHECK(CheckRegistry::builtin().info("overlap")->drawing == Drawing::Piece);
    CHECK_FALSE(CheckRegistry::builtin().info("nonsense"));
}

TEST_CASE("with profile on, the pipeline times every stage, each check by its id", "[pipeline]")
{
    Fixture fx;
    write_scene(fx);
    PipelineOptions options;
    options.threads = 1;
    options.profile = true;
    MemorySource source({app("a", "POINT(150 150)", "1"), app("b", "POINT(1600 600)", "2")}, info_for_apps());
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(std::make_unique<MemorySink>());
    PipelineResult r = run_pipeline(fx.engine(), source, sinks, options);
    std::vector<std::string> stages;
    for (const auto& [stage, seconds] : r.budget) {
        stages.push_back(stage);
        CHECK(seconds >= 0);
    }
    CHECK(stages == std::vector<std::string>{"read", "prepare (industry, geometry)", "check RL (overlap)",
                                             "check CAP-VOC (capacity)", "zones (townships, units)", "render (words)",
                                             "sink 1 writes", "zone summary, audit, counts", "close (finish, commit)"});
    options.profile = false;
    MemorySource again({app("a", "POINT(150 150)", "1")}, info_for_apps());
    CHECK(run_pipeline(fx.engine(), again, sinks, options).budget.empty());
}

TEST_CASE("a cancelled batch into a GeoPackage leaves no file, its rows half written through SQLite", "[pipeline][gpkg_rows]")
{
    // The sites and findings rows go through SQLite (gpkg_rows.hpp) in
    // batches: some are in the temporary file when the run is cancelled.
    Fixture fx;
    write_scene(fx);
    CancelToken cancel;
    std::vector<Application> apps;
    for (int i = 0; i < 1000; ++i)
        apps.push_back(app("s" + std::to_string(i), "POINT(600 600)", "1"));
    MemorySource source(apps, info_for_apps());
    const std::string out = fx.path("out.gpkg");
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(make_gdal_sink(out));
    PipelineOptions options;
    options.threads = 2;
    options.chunk_size = 10;
    options.cancel = &cancel;
    options.progress = [&](double fraction, const std::string&) {
        if (fraction > 0.5)
            cancel.cancel(15);
    };
    CHECK_THROWS_AS(run_pipeline(fx.engine(), source, sinks, options), Cancelled);
    CHECK_FALSE(std::filesystem::exists(out));
    for (const auto& e : std::filesystem::directory_iterator(fx.path("")))
        CHECK(e.path().filename().string().find("redline-tmp") == std::string::npos);
}

namespace {

/// `wkt` as the NDR ISO WKB a GDAL reader hands over.
std::vector<unsigned char> wkb_of(const std::string& wkt)
{
    OGRGeometry* g = nullptr;
    REQUIRE(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g) == OGRERR_NONE);
    std::vector<unsigned char> out(static_cast<std::size_t>(g->WkbSize()));
    REQUIRE(g->exportToWkb(wkbNDR, out.data(), wkbVariantIso) == OGRERR_NONE);
    OGRGeometryFactory::destroyGeometry(g);
    return out;
}

} // namespace

TEST_CASE("a polygon handed over as WKB is screened as its WKT is, the bad ones too", "[pipeline]")
{
    // Parcels read from a GeoPackage skip OGR's geometry (fast_polygon_wkb):
    // the same results as the general path, which the WKT takes, for good
    // polygons and multipolygons, with and without a reprojection, and the
    // same results for a ring left open or crossing itself; an ERROR row for
    // a NaN (saying so: OGR reads a NaN vertex as an empty point), a
    // latitude beyond 90° and a truncated blob.
    for (const std::string crs : {"EPSG:4549", "EPSG:4490"}) {
        Fixture fx;
        fx.input_crs = crs;
        write_scene(fx);
        const bool lonlat = crs == "EPSG:4490";
        auto at = [&](double x, double y) {
            return lonlat ? std::to_string(119.5 + x / 1e5) + " " + std::to_string(29.0 + y / 1e5)
                          : std::to_string(x) + " " + std::to_string(y);
        };
        const std::vector<std::string> wkts = {
            "POLYGON((" + at(150, 150) + ", " + at(260, 150) + ", " + at(260, 260) + ", " + at(150, 150) + "))",
            "POLYGON((" + at(0, 0) + ", " + at(900, 0) + ", " + at(900, 900) + ", " + at(0, 900) + ", " + at(0, 0) +
                "), (" + at(100, 100) + ", " + at(300, 100) + ", " + at(300, 300) + ", " + at(100, 100) + "))",
            "MULTIPOLYGON(((" + at(50, 50) + ", " + at(120, 50) + ", " + at(120, 120) + ", " + at(50, 50) + ")), ((" +
                at(1500, 500) + ", " + at(1600, 500) + ", " + at(1600, 600) + ", " + at(1500, 500) + ")))",
            "POLYGON((" + at(0, 0) + ", " + at(50, 0) + ", " + at(50, 50) + ", " + at(0, 40) + "))", // not closed
            "POLYGON((" + at(0, 0) + ", " + at(50, 50) + ", " + at(50, 0) + ", " + at(0, 50) + ", " + at(0, 0) + "))",
        };
        std::vector<Application> by_wkb, by_wkt;
        for (std::size_t i = 0; i < wkts.size(); ++i) {
            by_wkt.push_back(app("p" + std::to_string(i), wkts[i], "1"));
            Application a = app("p" + std::to_string(i), "", "1");
            a.has_wkb = true;
            a.wkb = wkb_of(wkts[i]);
            by_wkb.push_back(a);
        }
        MemorySink a = run(fx.engine(), by_wkb);
        MemorySink b = run(fx.engine(), by_wkt);
        REQUIRE(a.results.size() == b.results.size());
        for (std::size_t i = 0; i < a.results.size(); ++i) {
            INFO(crs << " " << wkts[i]);
            CHECK(a.results[i].verdict == b.results[i].verdict);
            CHECK(a.results[i].message == b.results[i].message);
            CHECK(a.results[i].geometry == b.results[i].geometry);
            CHECK(a.results[i].findings.size() == b.results[i].findings.size());
        }
        if (!lonlat)
            CHECK(a.results[0].verdict == Outcome::Fail); // in the red line

        std::vector<Application> bad(3, by_wkb[0]);
        const double nan = std::nan("");
        std::memcpy(bad[0].wkb.data() + 13 + 16, &nan, 8); // the second vertex's x
        const double lat = 95;
        std::memcpy(bad[1].wkb.data() + 13 + 8, &lat, 8); // the first vertex's y
        bad[2].wkb.resize(bad[2].wkb.size() - 8);
        MemorySink c = run(fx.engine(), bad);
        REQUIRE(c.results.size() == bad.size());
        for (const SiteResult& r : c.results) {
            INFO(r.message);
            CHECK(r.verdict == Outcome::Error);
            CHECK(r.message.rfind("错误：", 0) == 0);
        }
        CHECK(c.results[0].message == "错误：几何含非有限坐标（NaN 或无穷）");
        if (lonlat)
            CHECK(c.results[1].message.find("纬度 95") != std::string::npos);
    }
}

TEST_CASE("the lane pool runs each lane once a job, job after job, on threads of lower priority", "[pipeline]")
{
    pipeline::LanePool pool(3);
    REQUIRE(pool.size() == 3);
    errno = 0;
    const int caller = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    for (int round = 0; round < 50; ++round) {
        std::mutex m;
        std::multiset<std::size_t> lanes;
        std::set<std::thread::id> threads;
        std::set<int> nice;
        pool.run([&](std::size_t lane) {
            const int n = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
            std::lock_guard lock(m);
            lanes.insert(lane);
            threads.insert(std::this_thread::get_id());
            nice.insert(n);
        });
        // run() returned: every lane ran exactly once, each on its own thread, none on the caller's
        CHECK(lanes == std::multiset<std::size_t>{0, 1, 2});
        CHECK(threads.size() == 3);
        CHECK(threads.count(std::this_thread::get_id()) == 0);
        CHECK(nice == std::set<int>{std::min(19, caller + 3)});
    }
    // the caller's own priority is left as it was
    CHECK(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())) == caller);
}

TEST_CASE("the lane pool hands a lane's exception to the caller once, and goes on working", "[pipeline]")
{
    pipeline::LanePool pool(2);
    std::atomic<int> ran{0};
    auto failing = [&](std::size_t lane) {
        ++ran;
        if (lane == 1)
            throw std::runtime_error("lane 1 failed");
    };
    CHECK_THROWS_WITH(pool.run(failing), "lane 1 failed");
    CHECK(ran == 2); // the other lane finished its part before run() returned
    ran = 0;
    CHECK_NOTHROW(pool.run([&](std::size_t) { ++ran; }));
    CHECK(ran == 2);
}
