// The `eia_category` check (SPEC §6.2) on the 2021 catalog compiled in:
// sensitive areas from the overlay, facts from attributes, an INFO finding
// that never changes the verdict, the 区域环评+环境标准 reform, and the
// eia_category / eia_item columns of the outputs (GeoPackage read back
// through GDAL, CSV, JSON) with the counts in run_info.
#include "support.hpp"

#include "redline/engine.hpp"
#include "redline/error.hpp"
#include "redline/pipeline.hpp"
#include "redline/source.hpp"

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <fstream>
#include <sstream>

using namespace redline;
using redline::test::Fixture;
using redline::test::square;

namespace {

// water 0..1000 (饮用水水源保护区), redline 2000..3000 (生态保护红线管控范围),
// reform areas R1 5000..6000 (negative list from the check: C3360) and
// R2 7000..8000 (its own negative list in a field: 第66项).
void write_scene(Fixture& fx, const std::string& extra_params = "")
{
    fx.layer("water", {{square(0, 0, 1000), {{"code", std::string("W1")}, {"name", std::string("杨溪水库二级保护区")}}}},
             {"code", "name"});
    fx.layer("redline", {{square(2000, 2000, 1000), {{"code", std::string("HX1")}, {"name", std::string("方岩山红线")}}}},
             {"code", "name"});
    fx.layer("reform",
             {{square(5000, 5000, 1000), {{"code", std::string("R1")}, {"name", std::string("经济开发区")}, {"negative", std::string("")}}},
              {square(7000, 7000, 1000), {{"code", std::string("R2")}, {"name", std::string("五金小微园")}, {"negative", std::string("第66项")}}}},
             {"code", "name"});
    fx.rulebook("  - id: EIA\n"
                "    type: eia_category\n"
                "    sensitive: {water: 饮用水水源保护区, redline: 生态保护红线管控范围}\n"
                "    reform: {layer: reform, negative_list: [C3360], negative_field: negative}\n" +
                extra_params);
}

const Finding& eia_of(const SiteResult& r)
{
    const Finding* f = r.eia_finding();
    REQUIRE(f != nullptr);
    return *f;
}

SiteResult screen(Fixture& fx, const std::string& wkt, const std::string& industry,
                  const std::vector<std::pair<std::string, std::string>>& attrs)
{
    SiteResult r = fx.screen(wkt, industry, attrs);
    render(r, Lang::Zh);
    return r;
}

} // namespace

TEST_CASE("eia_category: a gas station in a water-source zone is 报告表, in a red line only 不纳入", "[eia_check]")
{
    Fixture fx;
    write_scene(fx);
    const std::vector<std::pair<std::string, std::string>> facts{{"construction", "改建"}, {"in_urban_built_up", "否"}};
    SiteResult in_water = screen(fx, "POINT(500 500)", "F5265", facts);
    const Finding& f = eia_of(in_water);
    CHECK(f.outcome == Outcome::Info);
    CHECK(f.eia->category == "报告表");
    CHECK(f.item == 119);
    CHECK(in_water.verdict == Outcome::Pass); // INFO never changes the verdict
    CHECK(f.detail.find("第119项") != std::string::npos);
    // 生态保护红线 is not in item 119's 含义 column: it does not raise it.
    CHECK(eia_of(screen(fx, "POINT(2500 2500)", "F5265", facts)).eia->category == "不纳入");
    // Touching the zone is not overlapping it.
    CHECK(eia_of(screen(fx, square(1000, 0, 100), "F5265", facts)).eia->category == "不纳入");
}

TEST_CASE("eia_category: missing facts give UNKNOWN with the facts named, a bad value UNKNOWN with the reason", "[eia_check]")
{
    Fixture fx;
    write_scene(fx);
    SiteResult r = screen(fx, "POINT(9000 9000)", "C3311", {{"process", "喷漆"}});
    const Finding& f = eia_of(r);
    CHECK(f.eia->category == "UNKNOWN");
    CHECK(f.eia->missing == std::vector<std::string>{"lowvoc_coating_tpa", "solvent_coating_tpa"});
    CHECK(f.detail.find("solvent_coating_tpa") != std::string::npos);
    CHECK(r.verdict == Outcome::Pass);
    SiteResult bad = screen(fx, "POINT(9000 9000)", "C3311", {{"solvent_coating_tpa", "很多"}});
    CHECK(eia_of(bad).eia->category == "UNKNOWN");
    CHECK(eia_of(bad).detail.find("很多") != std::string::npos);
}

TEST_CASE("eia_category: the reform drops one step outside the negative list, cites the basis", "[eia_check]")
{
    Fixture fx;
    write_scene(fx);
    const std::vector<std::pair<std::string, std::string>> coating12{
        {"process", "喷漆"}, {"solvent_coating_tpa", "12"}, {"lowvoc_coating_tpa", "0"}};
    // 报告书 → 报告表 in R1 (3311 is not on its list)
    const SiteResult r1 = screen(fx, "POINT(5500 5500)", "C3311", coating12);
    const Finding& down = eia_of(r1);
    CHECK(down.eia->catalog_category == "报告书");
    CHECK(down.eia->category == "报告表");
    CHECK(down.eia->reformed);
    CHECK(down.layer == "reform");
    CHECK(down.feature_key == "R1");
    CHECK(down.basis.find("区域环评+环境标准") != std::string::npos);
    CHECK(down.detail.find("降为报告表") != std::string::npos);
    // 报告表 → 登记表
    const SiteResult r2 = screen(fx, "POINT(5500 5500)", "C3311",
                                 {{"process", "喷漆"}, {"solvent_coating_tpa", "5"}, {"lowvoc_coating_tpa", "0"}});
    const Finding& table = eia_of(r2);
    CHECK(table.eia->catalog_category == "报告表");
    CHECK(table.eia->category == "登记表");
    // Electroplating is on R1's negative list (C3360): it stays 报告书.
    const SiteResult r3 = screen(fx, "POINT(5500 5500)", "C3360", {{"process", "电镀"}});
    const Finding& plating = eia_of(r3);
    CHECK(plating.eia->category == "报告书");
    CHECK_FALSE(plating.eia->reformed);
    // R2's own list names item 66: 3311 stays 报告书 there.
    CHECK(eia_of(screen(fx, "POINT(7500 7500)", "C3311", coating12)).eia->category == "报告书");
    // Outside every reform area: the catalog's answer.
    CHECK(eia_of(screen(fx, "POINT(9000 9000)", "C3311", coating12)).eia->category == "报告书");
}

TEST_CASE("eia_category: facts under other attribute names, further codes from an attribute (第四条)", "[eia_check]")
{
    Fixture fx;
    write_scene(fx, "    facts: {process: 工艺}\n    codes_attr: other_codes\n");
    const SiteResult r = screen(fx, "POINT(9000 9000)", "C3311", {{"工艺", "电镀"}, {"other_codes", "C3360"}});
    const Finding& f = eia_of(r);
    CHECK(f.eia->category == "报告书");
    CHECK(f.item == 66);
}

TEST_CASE("eia_category: rulebook mistakes name the key", "[eia_check]")
{
    Fixture fx;
    write_scene(fx);
    fx.rulebook("  - id: EIA\n    type: eia_category\n    sensitive: {water: 湿地}\n");
    CHECK_THROWS_WITH(Engine(fx.rulebook_path()), Catch::Contains("sensitive") && Catch::Contains("湿地"));
    fx.rulebook("  - id: EIA\n    type: eia_category\n    sensitive: {lakes: 饮用水水源保护区}\n");
    CHECK_THROWS_WITH(Engine(fx.rulebook_path()), Catch::Contains("lakes"));
    fx.rulebook("  - id: EIA\n    type: eia_category\n    outcome: FAIL\n");
    CHECK_THROWS_WITH(Engine(fx.rulebook_path()), Catch::Contains("INFO"));
    fx.rulebook("  - id: EIA\n    type: eia_category\n    reform: {layer: reform, negative_list: [C99]}\n");
    CHECK_THROWS_WITH(Engine(fx.rulebook_path()), Catch::Contains("C99"));
}

TEST_CASE("eia_category: batch writes eia_category and eia_item to the GeoPackage, CSV and JSON, counts to run_info", "[eia_check]")
{
    Fixture fx;
    write_scene(fx);
    auto app = [](const std::string& id, const std::string& wkt, const std::string& industry, const std::string& process) {
        Application a;
        a.site_id = id;
        a.industry = industry;
        a.geometry_text = wkt;
        a.attributes = {{"id", id}, {"industry", industry}, {"process", process}};
        return a;
    };
    SourceInfo info;
    info.name = "memory";
    info.field_names = {"id", "industry", "process"};
    info.field_types = {OFTString, OFTString, OFTString};
    MemorySource source({app("a", "POINT(9000 9000)", "C3360", "电镀"), app("b", "POINT(9000 9000)", "C3311", "喷漆"),
                         app("c", "POINT(9000 9000)", "I6513", "")},
                        info);
    const std::string gpkg = fx.path("out.gpkg"), csv = fx.path("out.csv"), xlsx = fx.path("out.xlsx"),
                      html = fx.path("out.html");
    std::ostringstream json;
    std::vector<std::unique_ptr<ResultSink>> sinks;
    sinks.push_back(make_gdal_sink(gpkg));
    sinks.push_back(make_csv_sink(csv));
    sinks.push_back(make_json_sink(json));
    sinks.push_back(make_xlsx_sink(xlsx));
    sinks.push_back(make_report_sink(html));
    PipelineResult result = run_pipeline(fx.engine(), source, sinks, {});
    CHECK(result.eia_counts == std::map<std::string, std::size_t>{{"报告书", 1}, {"UNKNOWN", 1}, {"不纳入", 1}});

    GDALDatasetUniquePtr ds(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* sites = ds->GetLayerByName("sites");
    REQUIRE(sites);
    std::vector<std::string> got;
    for (auto& f : *sites) {
        std::string row = f->GetFieldAsString("site_id");
        row += " " + std::string(f->GetFieldAsString("eia_category"));
        const int item = f->GetFieldIndex("eia_item");
        row += " " + (f->IsFieldSetAndNotNull(item) ? std::to_string(f->GetFieldAsInteger(item)) : std::string("-"));
        got.push_back(row);
    }
    CHECK(got == std::vector<std::string>{"a 报告书 67", "b UNKNOWN 66", "c 不纳入 -"});
    OGRLayer* run_info = ds->GetLayerByName("run_info");
    REQUIRE(run_info);
    std::map<std::string, std::string> kv;
    for (auto& f : *run_info)
        kv[f->GetFieldAsString("key")] = f->GetFieldAsString("value");
    CHECK(kv["count_eia_report"] == "1");
    CHECK(kv["count_eia_unknown"] == "1");
    CHECK(kv["count_eia_none"] == "1");
    CHECK(kv["count_eia_table"] == "0");

    std::ifstream in(csv);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str().find("message,eia_category,eia_item") != std::string::npos);
    CHECK(text.str().find(",报告书,67\r\n") != std::string::npos);
    CHECK(json.str().find("\"eia_category\":\"UNKNOWN\",\"eia_item\":66") != std::string::npos);

    GDALDatasetUniquePtr book(GDALDataset::Open(xlsx.c_str(), GDAL_OF_VECTOR));
    REQUIRE(book);
    OGRLayer* sheet = book->GetLayerByName("项目");
    REQUIRE(sheet);
    std::vector<std::string> cells;
    for (auto& f : *sheet) {
        std::string cell = f->GetFieldAsString("环评类别"); // GDAL reuses the returned buffer
        cell += "/" + std::string(f->GetFieldAsString("名录项目"));
        cells.push_back(cell);
    }
    CHECK(cells == std::vector<std::string>{"报告书/67", "UNKNOWN/66", "不纳入/"});

    std::ifstream report(html);
    std::stringstream page;
    page << report.rdbuf();
    CHECK(page.str().find("<th>环评类别</th>") != std::string::npos);          // the sites table's column
    CHECK(page.str().find("报告书（第67项）") != std::string::npos);
    CHECK(page.str().find("环评类别（《建设项目环境影响评价分类管理名录（2021年版）》）：报告书 1") != std::string::npos);
}
