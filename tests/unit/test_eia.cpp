// The EIA evaluator (src/eia/) on a small catalog in the schema of
// docs/eia_catalog.md whose items copy the shapes of the 2021 catalog's
// (items 3, 36, 66, 67, 119 as printed, plus column patterns the real
// catalog has elsewhere). test_eia_catalog.cpp runs the same kinds of case
// against the real catalog compiled in.
#include "redline/eia.hpp"

#include <catch2/catch.hpp>

using namespace redline;
using eia::Category;

namespace {

const char* const k_catalog = R"json({
  "catalog": "测试名录",
  "source": "unit test",
  "facts": {
    "process": {"kind": "list", "zh": "工艺", "en": "processes"},
    "industrial_building": {"kind": "yesno", "zh": "在工业建筑中生产", "en": "in an industrial building"},
    "solvent_coating_tpa": {"kind": "number", "unit": "t/a", "zh": "年用溶剂型涂料（含稀释剂）", "en": "solvent coatings"},
    "lowvoc_coating_tpa": {"kind": "number", "unit": "t/a", "zh": "年用非溶剂型低VOCs含量涂料", "en": "low-VOC coatings"},
    "pigs_out_per_year": {"kind": "number", "unit": "头", "zh": "年出栏生猪", "en": "pigs out per year"},
    "scale_farm": {"kind": "yesno", "zh": "规模化", "en": "scale farm"},
    "annual_output_m3": {"kind": "number", "unit": "m3", "zh": "年产", "en": "output per year"},
    "construction": {"kind": "text", "values": ["新建", "扩建", "改建"], "zh": "建设性质", "en": "construction"},
    "in_urban_built_up": {"kind": "yesno", "zh": "城市建成区", "en": "in the built-up area"},
    "project": {"kind": "text", "zh": "项目类型", "en": "project type"}
  },
  "sensitive_terms": {"一": ["自然保护区", "饮用水水源保护区"], "二": ["生态保护红线管控范围", "永久基本农田"],
                      "三": ["以居住为主要功能的区域", "文物保护单位"]},
  "process_aliases": {"化学镀": "电镀", "阳极氧化": "电镀"},
  "notes": [],
  "sections": [],
  "items": [
    {"number": 3, "section": 2, "name": "牲畜饲养；家禽饲养；其他畜牧业", "code_text": "031；032；039",
     "codes": ["031", "032", "039"], "projects": [], "star": false, "scope": null,
     "columns": {
       "报告书": {"text": "年出栏生猪5000头及以上的规模化畜禽养殖；涉及环境敏感区的规模化畜禽养殖",
                 "when": {"all": [{"fact": "scale_farm", "in": ["是"]},
                                  {"any": [{"fact": "pigs_out_per_year", "op": ">=", "value": 5000}, {"sensitive": true}]}]}},
       "报告表": null,
       "登记表": {"text": "其他（规模化以下的除外）", "when": {"otherwise": true, "except": {"fact": "scale_farm", "in": ["否"]}}}},
     "sensitive_text": "第三条（一）中的全部区域；第三条（三）中的全部区域",
     "sensitive": ["自然保护区", "饮用水水源保护区", "以居住为主要功能的区域", "文物保护单位"]},
    {"number": 30, "section": 15, "name": "锯材加工", "code_text": "2011", "codes": ["2011"], "projects": [],
     "star": false, "scope": null,
     "columns": {"报告书": null,
       "报告表": {"text": "年产10万立方米及以上的", "when": {"fact": "annual_output_m3", "op": ">=", "value": 100000}},
       "登记表": {"text": "其他", "when": {"otherwise": true}}},
     "sensitive_text": null, "sensitive": []},
    {"number": 36, "section": 16, "name": "家具制造业21*", "code_text": "211*；212*", "codes": ["211", "212"],
     "projects": [], "star": true, "scope": null,
     "columns": {
       "报告书": {"text": "有电镀工艺的；年用溶剂型涂料（含稀释剂）10吨及以上的",
                 "when": {"any": [{"process": ["电镀"]}, {"fact": "solvent_coating_tpa", "op": ">=", "value": 10}]}},
       "报告表": {"text": "年用溶剂型涂料（含稀释剂）10吨以下的，或年用非溶剂型低VOCs含量涂料10吨及以上的",
                 "when": {"any": [{"all": [{"fact": "solvent_coating_tpa", "op": ">", "value": 0},
                                           {"fact": "solvent_coating_tpa", "op": "<", "value": 10}]},
                                  {"fact": "lowvoc_coating_tpa", "op": ">=", "value": 10}]}},
       "登记表": {"text": "其他", "when": {"otherwise": true}}},
     "sensitive_text": null, "sensitive": []},
    {"number": 65, "section": 29, "name": "有色金属压延加工（不含仅切割的）", "code_text": "325", "codes": ["325"],
     "projects": [], "star": false, "scope": {"not": {"process_only": ["切割"]}},
     "columns": {"报告书": null, "报告表": {"text": "全部", "when": {"always": true}}, "登记表": null},
     "sensitive_text": null, "sensitive": []},
    {"number": 66, "section": 30, "name": "结构性金属制品制造331等", "code_text": "331；334",
     "codes": ["331", "334"], "projects": [], "star": false, "scope": null,
     "columns": {
       "报告书": {"text": "有电镀工艺的；年用溶剂型涂料（含稀释剂）10吨及以上的",
                 "when": {"any": [{"process": ["电镀"]}, {"fact": "solvent_coating_tpa", "op": ">=", "value": 10}]}},
       "报告表": {"text": "其他（仅分割、焊接、组装的除外；年用非溶剂型低VOCs含量涂料10吨以下的除外）",
                 "when": {"otherwise": true, "except": {"any": [{"process_only": ["分割", "焊接", "组装"]},
                     {"all": [{"fact": "lowvoc_coating_tpa", "op": ">", "value": 0}, {"fact": "lowvoc_coating_tpa", "op": "<", "value": 10}]}]}}},
       "登记表": null},
     "sensitive_text": null, "sensitive": []},
    {"number": 67, "section": 30, "name": "金属表面处理及热处理加工", "code_text": "336", "codes": ["336"],
     "projects": [], "star": false, "scope": null,
     "columns": {
       "报告书": {"text": "有电镀工艺的；有钝化工艺的热镀锌",
                 "when": {"any": [{"process": ["电镀"]}, {"all": [{"process": ["热镀锌"]}, {"process": ["钝化"]}]}]}},
       "报告表": {"text": "其他（年用非溶剂型低VOCs含量涂料10吨以下的除外）",
                 "when": {"otherwise": true, "except": {"all": [{"fact": "lowvoc_coating_tpa", "op": ">", "value": 0},
                                                            {"fact": "lowvoc_coating_tpa", "op": "<", "value": 10}]}}},
       "登记表": null},
     "sensitive_text": null, "sensitive": []},
    {"number": 119, "section": 52, "name": "加油、加气站", "code_text": "", "codes": [], "projects": ["加油站", "加气站"],
     "star": false, "scope": null,
     "columns": {"报告书": null,
       "报告表": {"text": "城市建成区新建、扩建加油站；涉及环境敏感区的",
                 "when": {"any": [{"all": [{"fact": "project", "in": ["加油站"]}, {"fact": "in_urban_built_up", "in": ["是"]},
                                           {"fact": "construction", "in": ["新建", "扩建"]}]}, {"sensitive": true}]}},
       "登记表": null},
     "sensitive_text": "第三条（一）中的全部区域", "sensitive": ["自然保护区", "饮用水水源保护区"]},
    {"number": 140, "section": 50, "name": "水污染治理", "code_text": "7721", "codes": ["7721"], "projects": [],
     "star": false, "scope": null,
     "columns": {"报告书": null, "报告表": null, "登记表": {"text": "全部", "when": {"always": true}}},
     "sensitive_text": null, "sensitive": []}
  ]
})json";

const eia::Catalog& catalog()
{
    static const eia::Catalog c = eia::Catalog::from_json(k_catalog);
    return c;
}

eia::Result run(std::vector<std::string> codes, std::map<std::string, std::string> facts = {},
                std::vector<std::string> sensitive = {})
{
    eia::Query q;
    q.codes = std::move(codes);
    q.facts = std::move(facts);
    q.sensitive = std::move(sensitive);
    return eia::evaluate(catalog(), q);
}

std::vector<std::string> keys(std::initializer_list<const char*> k) { return {k.begin(), k.end()}; }

} // namespace

TEST_CASE("eia: 报告书+报告表 item: electroplating decides 报告书 whatever else is unknown", "[eia]")
{
    auto r = run({"C3360"}, {{"process", "电镀"}});
    CHECK(r.category == Category::Report);
    CHECK(r.item == 67);
    CHECK(r.column == "报告书");
    CHECK(r.trigger == "有电镀工艺的；有钝化工艺的热镀锌");
    CHECK(r.missing.empty());
    REQUIRE(r.components.size() == 1);
    CHECK(r.components[0].code == "C3360");
}

TEST_CASE("eia: 化学镀 and 阳极氧化 count as 电镀 (说明6)", "[eia]")
{
    CHECK(run({"3360"}, {{"process", "阳极氧化"}}).category == Category::Report);
    CHECK(run({"3360"}, {{"process", "喷砂|化学镀"}}).category == Category::Report);
}

TEST_CASE("eia: 热镀锌 is 报告书 only with 钝化", "[eia]")
{
    CHECK(run({"3360"}, {{"process", "热镀锌|钝化"}, {"lowvoc_coating_tpa", "0"}}).category == Category::Report);
    auto r = run({"3360"}, {{"process", "热镀锌"}, {"lowvoc_coating_tpa", "0"}});
    CHECK(r.category == Category::Table);
    CHECK(r.column == "报告表");
    CHECK(r.trigger == "其他（年用非溶剂型低VOCs含量涂料10吨以下的除外）");
}

TEST_CASE("eia: an absent process makes a 报告书+报告表 item UNKNOWN, naming process only", "[eia]")
{
    auto r = run({"C3360"}, {{"lowvoc_coating_tpa", "0"}});
    CHECK(r.category == Category::Unknown);
    CHECK(r.missing == keys({"process"}));
    CHECK(r.possible == std::vector<Category>{Category::Report, Category::Table});
    CHECK(r.item == 67);
    CHECK(r.column.empty());
}

TEST_CASE("eia: the 10 t threshold: 10 is 报告书, 9.99 is 报告表, 10.01 报告书", "[eia]")
{
    const std::map<std::string, std::string> base{{"process", "喷漆"}};
    auto at = [&](const char* v) {
        auto f = base;
        f["solvent_coating_tpa"] = v;
        f["lowvoc_coating_tpa"] = "0";
        return run({"C3311"}, f);
    };
    CHECK(at("10").category == Category::Report);
    CHECK(at("10.01").category == Category::Report);
    CHECK(at("9.99").category == Category::Table);
    CHECK(at("10吨").category == Category::Report);
}

TEST_CASE("eia: 仅分割、焊接、组装 is excluded from item 66's 报告表: 不纳入 (第五条)", "[eia]")
{
    auto r = run({"C3311"}, {{"process", "焊接|组装"}, {"solvent_coating_tpa", "0"}, {"lowvoc_coating_tpa", "0"}});
    CHECK(r.category == Category::None);
    CHECK(r.item == 66);
    CHECK(r.column.empty());
    CHECK(r.trigger.find("第五条") != std::string::npos);
    // One process beyond them and it is 报告表.
    CHECK(run({"C3311"}, {{"process", "焊接|喷粉"}, {"solvent_coating_tpa", "0"}, {"lowvoc_coating_tpa", "0"}})
              .category == Category::Table);
}

TEST_CASE("eia: 年用低VOCs涂料10吨以下 concerns only projects that use it (> 0)", "[eia]")
{
    const std::map<std::string, std::string> f{{"process", "喷漆"}, {"solvent_coating_tpa", "0"}};
    auto with = [&](const char* v) {
        auto g = f;
        g["lowvoc_coating_tpa"] = v;
        return run({"C3340"}, g).category;
    };
    CHECK(with("0") == Category::Table);   // uses none: the exception does not concern it
    CHECK(with("9.5") == Category::None);  // uses less than 10 t: excluded
    CHECK(with("10") == Category::Table);  // 10 t: not "以下"
    // Unknown low-VOC figure: the exception may or may not apply.
    auto r = run({"C3340"}, f);
    CHECK(r.category == Category::Unknown);
    CHECK(r.missing == keys({"lowvoc_coating_tpa"}));
    CHECK(r.possible == std::vector<Category>{Category::Table, Category::None});
}

TEST_CASE("eia: all three columns, a `*` item: 报告书, 报告表 at 0 < x < 10, 登记表 otherwise", "[eia]")
{
    std::map<std::string, std::string> f{{"industrial_building", "是"}, {"process", "喷漆"},
                                         {"lowvoc_coating_tpa", "0"}};
    f["solvent_coating_tpa"] = "12";
    CHECK(run({"C2110"}, f).category == Category::Report);
    f["solvent_coating_tpa"] = "9.9";
    CHECK(run({"C2110"}, f).category == Category::Table);
    f["solvent_coating_tpa"] = "0";
    auto r = run({"C2110"}, f);
    CHECK(r.category == Category::Registration);
    CHECK(r.item == 36);
    CHECK(r.trigger == "其他");
    f["lowvoc_coating_tpa"] = "10";
    CHECK(run({"C2120"}, f).category == Category::Table);
}

TEST_CASE("eia: a `*` item needs industrial_building: absent UNKNOWN, no → 不纳入", "[eia]")
{
    const std::map<std::string, std::string> f{{"process", "电镀"}};
    auto r = run({"C2110"}, f);
    CHECK(r.category == Category::Unknown);
    CHECK(r.missing == keys({"industrial_building"}));
    CHECK(r.possible == std::vector<Category>{Category::Report, Category::None});
    auto g = f;
    g["industrial_building"] = "no";
    CHECK(run({"C2110"}, g).category == Category::None);
    g["industrial_building"] = "yes";
    CHECK(run({"C2110"}, g).category == Category::Report);
}

TEST_CASE("eia: 报告表+登记表 item: the threshold exactly at, just below, and unknown", "[eia]")
{
    CHECK(run({"C2011"}, {{"annual_output_m3", "100000"}}).category == Category::Table);
    CHECK(run({"C2011"}, {{"annual_output_m3", "99999"}}).category == Category::Registration);
    auto r = run({"C2011"});
    CHECK(r.category == Category::Unknown);
    CHECK(r.missing == keys({"annual_output_m3"}));
    CHECK(r.possible == std::vector<Category>{Category::Table, Category::Registration});
}

TEST_CASE("eia: 登记表 only item is decided with no facts at all", "[eia]")
{
    auto r = run({"N7721"});
    CHECK(r.category == Category::Registration);
    CHECK(r.item == 140);
    CHECK(r.column == "登记表");
    CHECK(r.missing.empty());
}

TEST_CASE("eia: 报告表 only item by project type: 加油站 in the built-up area, new", "[eia]")
{
    auto r = run({}, {{"project", "加油站"}, {"in_urban_built_up", "是"}, {"construction", "新建"}});
    CHECK(r.category == Category::Table);
    CHECK(r.item == 119);
    REQUIRE(r.components.size() == 1);
    CHECK(r.components[0].project == "加油站");
    CHECK(run({}, {{"project", "加油站"}, {"in_urban_built_up", "否"}, {"construction", "新建"}}).category ==
          Category::None);
    CHECK(run({}, {{"project", "加油站"}, {"in_urban_built_up", "是"}, {"construction", "改建"}}).category ==
          Category::None);
    auto u = run({}, {{"project", "加油站"}, {"construction", "扩建"}});
    CHECK(u.category == Category::Unknown);
    CHECK(u.missing == keys({"in_urban_built_up"}));
}

TEST_CASE("eia: a sensitive area counts only when the item's 含义 column lists it", "[eia]")
{
    const std::map<std::string, std::string> f{
        {"project", "加气站"}, {"in_urban_built_up", "否"}, {"construction", "新建"}};
    // class (一): listed for item 119
    CHECK(run({}, f, {"饮用水水源保护区"}).category == Category::Table);
    CHECK(run({}, f, {"自然保护区"}).category == Category::Table);
    // class (二) and (三): not listed for item 119
    CHECK(run({}, f, {"生态保护红线管控范围"}).category == Category::None);
    CHECK(run({}, f, {"以居住为主要功能的区域"}).category == Category::None);
    // item 3 lists class (三) in full
    const std::map<std::string, std::string> farm{{"scale_farm", "是"}, {"pigs_out_per_year", "800"}};
    CHECK(run({"A0313"}, farm, {"文物保护单位"}).category == Category::Report);
    CHECK(run({"A0313"}, farm, {"永久基本农田"}).category == Category::Registration);
    CHECK(run({"A0313"}, farm).category == Category::Registration);
}

TEST_CASE("eia: an item without a 含义 column ignores sensitive areas", "[eia]")
{
    CHECK(run({"N7721"}, {}, {"饮用水水源保护区"}).category == Category::Registration);
}

TEST_CASE("eia: 其他（规模化以下的除外）: a farm below scale is not in the catalog", "[eia]")
{
    CHECK(run({"A0313"}, {{"scale_farm", "否"}}).category == Category::None);
    CHECK(run({"A0313"}, {{"scale_farm", "是"}, {"pigs_out_per_year", "5000"}}).category == Category::Report);
    CHECK(run({"A0313"}, {{"scale_farm", "是"}, {"pigs_out_per_year", "4999"}}).category ==
          Category::Registration);
    // Scale farm unknown: 报告书 (with ≥ 5000), 登记表 or nothing.
    auto r = run({"A0313"}, {{"pigs_out_per_year", "6000"}});
    CHECK(r.category == Category::Unknown);
    CHECK(r.missing == keys({"scale_farm"}));
}

TEST_CASE("eia: scope exclusion of the 项目类别: 仅切割 is out, absent process UNKNOWN", "[eia]")
{
    CHECK(run({"C3251"}, {{"process", "切割"}}).category == Category::None);
    CHECK(run({"C3251"}, {{"process", "切割|轧制"}}).category == Category::Table);
    auto r = run({"C3251"});
    CHECK(r.category == Category::Unknown);
    CHECK(r.missing == keys({"process"}));
    CHECK(r.possible == std::vector<Category>{Category::Table, Category::None});
}

TEST_CASE("eia: composites take the highest (第四条); a decided 报告书 needs no other fact", "[eia]")
{
    // 3360 with 电镀 is 报告书: 3311's unknown coating figures cannot change that.
    auto r = run({"C3311", "C3360"}, {{"process", "电镀|焊接"}});
    CHECK(r.category == Category::Report);
    CHECK(r.item == 66); // 3311 with 电镀 is also 报告书 under item 66, and comes first
    CHECK(r.missing.empty());
    auto s = run({"C2011", "C3360"}, {{"process", "电镀"}});
    CHECK(s.category == Category::Report);
    CHECK(s.item == 67);
    CHECK(s.code == "C3360");
    CHECK(s.missing.empty());
    REQUIRE(s.components.size() == 2);
    CHECK(s.components[0].category == Category::Unknown); // 2011 alone is undecided...
    CHECK(s.components[0].missing == keys({"annual_output_m3"}));
    // ...and when the other is lower, its missing facts are the project's.
    auto t = run({"C2011", "N7721"});
    CHECK(t.category == Category::Unknown);
    CHECK(t.missing == keys({"annual_output_m3"}));
    CHECK(t.possible == std::vector<Category>{Category::Table, Category::Registration});
}

TEST_CASE("eia: a code no item covers is 不纳入 (第五条)", "[eia]")
{
    auto r = run({"C3511"});
    CHECK(r.category == Category::None);
    CHECK(r.item == 0);
    CHECK(r.trigger.find("第五条") != std::string::npos);
    CHECK(run({"C3511", "N7721"}).category == Category::Registration);
}

TEST_CASE("eia: unknown codes, facts, values and terms are usage errors naming what is accepted", "[eia]")
{
    CHECK_THROWS_AS(run({"C9999"}), eia::InputError);
    CHECK_THROWS_AS(run({"C"}), eia::InputError);
    CHECK_THROWS_AS(run({}), eia::InputError);
    CHECK_THROWS_WITH(run({"C3360"}, {{"voc", "1"}}), Catch::Contains("solvent_coating_tpa"));
    CHECK_THROWS_WITH(run({"C3360"}, {{"solvent_coating_tpa", "很多"}}), Catch::Contains("not a number"));
    CHECK_THROWS_WITH(run({"C3360"}, {{"industrial_building", "maybe"}}), Catch::Contains("yes/no"));
    CHECK_THROWS_WITH(run({"C3360"}, {{"construction", "拆除"}}), Catch::Contains("新建"));
    CHECK_THROWS_WITH(run({}, {{"project", "洗衣店"}}), Catch::Contains("加油站"));
    CHECK_THROWS_WITH(run({"C3360"}, {}, {"湿地"}), Catch::Contains("饮用水水源保护区"));
}

TEST_CASE("eia: 0 is a value, an absent fact is unknown", "[eia]")
{
    CHECK(run({"C2011"}, {{"annual_output_m3", "0"}}).category == Category::Registration);
    CHECK(run({"C2011"}, {}).category == Category::Unknown);
}

TEST_CASE("eia: a catalog that names an undeclared fact or term does not load", "[eia]")
{
    std::string bad = k_catalog;
    const std::string key = R"("fact": "annual_output_m3")";
    bad.replace(bad.find(key), key.size(), R"("fact": "annual_outputs")");
    CHECK_THROWS_WITH(eia::Catalog::from_json(bad), Catch::Contains("item 30"));
    CHECK_THROWS_WITH(eia::Catalog::from_json("{"), Catch::Contains("not valid JSON"));
}

TEST_CASE("eia: JSON has SPEC §6.2's fields; text names item, column, trigger and missing facts", "[eia]")
{
    auto r = run({"C3360", "C2011"}, {{"lowvoc_coating_tpa", "0"}});
    const std::string j = eia::to_json(r, -1);
    CHECK(j.find(R"({"category":"UNKNOWN","item":67,"item_name":"金属表面处理及热处理加工","column":null,)"
                 R"("trigger":null,"missing":["process"],"components":[{"code":"C3360","project":null,)") == 0);
    CHECK(j.find(R"("catalog":"测试名录"})") != std::string::npos);
    const std::string zh = eia::to_text(r, catalog(), Lang::Zh);
    CHECK(zh.find("环评类别：无法确定（可能为报告书、报告表）") == 0);
    CHECK(zh.find("--fact process=…  工艺") != std::string::npos);
    const std::string en = eia::to_text(r, catalog(), Lang::En);
    CHECK(en.find("EIA category: undetermined (possibly full report (报告书), report form (报告表))") == 0);
    auto d = run({"C3360", "C2011"}, {{"process", "热镀锌"}, {"lowvoc_coating_tpa", "0"}});
    CHECK(d.category == Category::Table);
    const std::string dz = eia::to_text(d, catalog(), Lang::Zh);
    CHECK(dz.find("名录第67项「金属表面处理及热处理加工」报告表栏：其他") != std::string::npos);
    CHECK(dz.find("第四条") != std::string::npos);
}

TEST_CASE("eia: the reform steps down one category and no further", "[eia]")
{
    CHECK(eia::step_down(Category::Report) == Category::Table);
    CHECK(eia::step_down(Category::Table) == Category::Registration);
    CHECK(eia::step_down(Category::Registration) == Category::Registration);
    CHECK(eia::step_down(Category::None) == Category::None);
    CHECK(eia::step_down(Category::Unknown) == Category::Unknown);
}
