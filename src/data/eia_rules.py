"""The hand-encoded reading of 《建设项目环境影响评价分类管理名录（2021年版）》 (see docs/eia_catalog.md).

eia_extract.py takes the texts from the PDF; this module adds what a reader has to decide: the codes,
the `project` values, the scope and the structured `when` of each column, the fact vocabulary and the
sensitive-area terms. `build(pdf)` returns the catalog document; the JSON written from it is the
checked-in source of truth (src/data/eia_catalog_2021.json).
"""
import csv
import json
import os
import re

import eia_extract

HERE = os.path.dirname(os.path.abspath(__file__))
YES, NO = "yes", "no"

# ---------------------------------------------------------------------------------------- COND DSL
ALWAYS = {"always": True}
SENS = {"sensitive": True}


def S(*terms): return {"sensitive": list(terms)}
def P(*words): return {"process": list(words)}
def ONLY(key, *values): return {"fact": key, "only": list(values)}   # added shape, see docs
def F(key, op, value): return {"fact": key, "op": op, "value": value}
def GE(key, v): return F(key, ">=", v)
def GT(key, v): return F(key, ">", v)
def LE(key, v): return F(key, "<=", v)
def LT(key, v): return F(key, "<", v)
def EQ(key, v): return F(key, "==", v)
def IN(key, *values): return {"fact": key, "in": list(values)}
def ALL(*c): return {"all": list(c)}
def ANY(*c): return {"any": list(c)}
def NOT(c): return {"not": c}


def OTHER(exc=None):
    return {"otherwise": True, "except": exc} if exc else {"otherwise": True}


def USES_LT(key, n):
    """年用X N吨以下的: only projects that use X."""
    return ALL(GT(key, 0), LT(key, n))


def RANGE(key, lo, hi):
    """"hi以下lo及以上": lo <= x < hi (以下 is the complement of the hi及以上 beside it)."""
    return ALL(GE(key, lo), LT(key, hi))


def YESF(key): return IN(key, YES)
def NOF(key): return IN(key, NO)


_GBT = None


def gbt_codes():
    global _GBT
    if _GBT is None:
        with open(os.path.join(HERE, "gbt4754_2017.csv"), encoding="utf-8") as f:
            _GBT = {r["numeric_code"]: r["name"] for r in csv.DictReader(f) if r["numeric_code"]}
    return _GBT


def IND(*codes):
    """The component's GB/T code is one of these (each expanded to itself and every code under it)."""
    out = []
    for c in codes:
        if c not in gbt_codes():
            raise ValueError(f"{c} is not a GB/T 4754-2017 code")
        out += sorted(k for k in gbt_codes() if k.startswith(c))
    return IN("industry", *out)


# the recurring columns of the manufacturing sections
# 仅分割、焊接、组装 (切割 taken as 分割's synonym)
CUT_WELD_ASSEMBLE = ONLY("process", "分割", "切割", "焊接", "组装")
COAT_BOOK = ANY(P("电镀"), GE("solvent_coating_tpa", 10))            # 有电镀工艺的；年用溶剂型涂料10吨及以上的
COAT_TABLE = ANY(USES_LT("solvent_coating_tpa", 10), GE("lowvoc_coating_tpa", 10))
# the exception "年用非溶剂型低VOCs含量涂料10吨以下的除外": a project that uses low-VOC coatings (> 0, < 10 t)
# and no solvent-based coating (one that also uses solvent-based coatings is not the one exempted)
LOWVOC_SMALL = ALL(GT("lowvoc_coating_tpa", 0), LT("lowvoc_coating_tpa", 10), NOT(GT("solvent_coating_tpa", 0)))
ADHESIVE = ANY(GE("solvent_adhesive_tpa", 10), GE("solvent_treating_agent_tpa", 3))
ORE_ONLY = ONLY("process", "矿石破碎", "集运", "矿区修复治理工程")
PHYS = ONLY("process", "物理分离", "物理提纯", "混合", "分装")

# ---------------------------------------------------------------------------------- the 173 items
# b/t/d: the 报告书/报告表/登记表 column's `when` (None where the cell is "/"); scope: the 项目类别's
# exclusions; projects: `project` values; codes: for items printed without a code, the GB/T class
# whose name is the item's (documented in docs/eia_catalog.md).
R = {}
R[1] = dict(projects=["农产品基地", "药材基地"], t=SENS, d=OTHER())
R[2] = dict(projects=["经济林基地", "原料林基地"], t=IN("project", "原料林基地"), d=OTHER())
R[3] = dict(b=ANY(ALL(YESF("scale_farm"), GE("pigs_out_per_year", 5000)),
                  ALL(YESF("scale_farm"), GE("pigs_stock", 2500), EQ("pigs_out_per_year", 0)),
                  ALL(YESF("scale_farm"), SENS)),
            d=OTHER(NOF("scale_farm")))
R[4] = dict(b=ANY(ALL(GE("sea_area_mu", 1000), NOT(IN("farming_mode", "底播养殖", "藻类养殖"))),
                  IN("farming_mode", "围海养殖")),
            t=ANY(ALL(IN("farming_mode", "网箱养殖", "海洋牧场", "苔茷养殖"), RANGE("sea_area_mu", 300, 1000)),
                  ALL(IN("farming_mode", "水产养殖基地", "工厂化养殖", "高位池养殖"),
                      RANGE("sea_area_mu", 100, 1000)),
                  ALL(IN("farming_mode", "底播养殖", "藻类养殖"), GE("sea_area_mu", 1500)),
                  SENS),
            d=OTHER())
R[5] = dict(t=ANY(IN("farming_mode", "网箱养殖", "围网投饵养殖"), SENS), d=OTHER())
R[6] = dict(b=P("煤炭开采"),
            t=P("煤炭洗选", "配煤", "煤炭储存", "集运", "风井场地", "瓦斯抽放站", "矿区修复治理工程",
                "煤矿火烧区治理工程"))
R[7] = dict(b=ANY(P("新区块开发", "页岩油开采"), SENS), t=OTHER())
R[8] = dict(b=ANY(P("新区块开发"), ALL(P("煤层气开采"), GE("annual_output_m3", 1e8)), SENS), t=OTHER())
R[9] = dict(b=NOT(ORE_ONLY), t=ORE_ONLY)
R[10] = dict(b=NOT(ORE_ONLY), t=ORE_ONLY)
R[11] = dict(scope=NOT(IN("project", "河道采砂")), b=ALL(SENS, NOT(ORE_ONLY)), t=OTHER())
R[12] = dict(b=NOT(ORE_ONLY), t=ORE_ONLY)
R[13] = dict(b=IN("product", "井盐"), t=IN("product", "湖盐", "海盐"))
R[14] = dict(t=SENS, d=OTHER())
R[15] = dict(t=ANY(P("发酵"), GE("annual_processing_t", 10000)))
R[16] = dict(t=NOT(ONLY("process", "分装", "调和")))
R[17] = dict(b=ALL(IN("product", "原糖"), GE("daily_processing_t", 1000)), t=OTHER(ONLY("process", "分装")))
R[18] = dict(b=ANY(GE("slaughter_pigs_per_year", 100000), GE("slaughter_cattle_per_year", 10000),
                   GE("slaughter_sheep_per_year", 150000), GE("slaughter_poultry_per_year", 10000000)),
             t=ANY(P("屠宰"), ALL(P("肉类加工"), GE("annual_processing_t", 20000))),
             d=P("肉类加工"))
R[19] = dict(t=ANY(IND("1363"), GE("annual_processing_t", 100000), SENS))
R[20] = dict(b=ALL(IND("1391"), P("发酵"), IN("product", "淀粉", "淀粉糖")),
             t=ALL(ANY(ALL(IND("1391"), ANY(ALL(NOT(P("发酵")), IN("product", "淀粉", "淀粉糖")),
                                           IN("product", "淀粉制品"))),
                       IND("1392")),
                   NOT(ONLY("process", "分装"))))
R[21] = dict(t=NOT(ONLY("process", "分装")))
R[22] = dict(t=NOT(ONLY("process", "混合", "分装")))
R[23] = dict(b=ANY(ALL(P("发酵"), ANY(IND("1461"), ALL(IND("1469"), IN("product", "柠檬酸", "赖氨酸", "酵母")))),
                   ALL(P("发酵"), IND("1462"), GE("annual_output_t", 20000))),
             t=OTHER(ONLY("process", "混合", "分装")))
R[24] = dict(b=ALL(P("发酵"), IND("1495")),
             t=ALL(ANY(IND("1491", "1492", "1493", "1494", "1499"), ALL(IND("1495"), NOT(P("发酵")))),
                   NOT(ONLY("process", "混合", "分装"))))
R[25] = dict(b=ALL(P("发酵"), NOT(LT("annual_output_kl", 1000))), t=OTHER(ONLY("process", "勾兑")))
R[26] = dict(t=P("发酵", "原汁生产"))
R[27] = dict(t=ALWAYS)
R[28] = dict(b=ANY(P("洗毛", "脱胶", "缫丝", "前处理", "染色", "印花"), ALL(P("涂层"), YESF("organic_solvent"))),
             t=ANY(P("喷墨印花", "数码印花", "喷水织造", "水刺无纺布织造"),
                   ALL(P("后整理"), YESF("organic_solvent"))))
R[29] = dict(b=P("染色", "印花"), t=P("喷墨印花", "数码印花", "洗水", "砂洗"))
R[30] = dict(b=P("鞣制", "染色"), t=OTHER(IND("192", "193")))
R[31] = dict(t=ALL(ALWAYS, NOT(ANY(ALL(IND("1941"), NOT(P("水洗"))), IND("1942")))))
R[32] = dict(t=ANY(P("橡胶硫化", "塑料注塑"), ADHESIVE))
R[33] = dict(b=COAT_BOOK, t=ANY(COAT_TABLE, P("木片烘干", "水煮", "染色")))
R[34] = dict(b=GE("annual_output_m3", 200000), t=OTHER())
R[35] = dict(b=COAT_BOOK, t=ANY(P("胶合"), COAT_TABLE))
R[36] = dict(b=COAT_BOOK, t=OTHER(ANY(ONLY("process", "分割", "切割", "组装"), LOWVOC_SMALL)))
R[37] = dict(b=NOT(IND("2222", "2223")), t=ANY(IND("2222"), ALL(IND("2223"), P("涂布", "浸渍", "印刷", "粘胶"))))
R[38] = dict(t=P("涂布", "浸渍", "印刷", "粘胶"))
R[39] = dict(b=GE("solvent_ink_tpa", 10),
             t=OTHER(ANY(ONLY("process", "激光印刷"),
                         ALL(GT("lowvoc_ink_tpa", 0), LT("lowvoc_ink_tpa", 10), NOT(GT("solvent_ink_tpa", 0))))))
R[40] = dict(b=COAT_BOOK, t=ANY(P("橡胶硫化", "塑料注塑"), COAT_TABLE, ADHESIVE))
R[41] = dict(b=COAT_BOOK, t=COAT_TABLE)
R[42] = dict(b=NOT(ANY(PHYS, IND("2524", "2529"))),
             t=ANY(ALL(PHYS, YESF("wastewater_or_vocs")), IND("2524", "2529")))
R[43] = dict(b=IND("2541"), t=IND("2542"))
R[44] = dict(b=NOT(PHYS), t=ALL(PHYS, YESF("wastewater_or_vocs")))
R[45] = dict(b=ALL(IND("2621", "2622", "2624"), YESF("chemical_reaction")), t=OTHER())
SOAP = ALL(IND("2681"), IN("product", "肥皂", "皂粒"))
R[46] = dict(b=ALL(ANY(ALL(SOAP, IN("raw_material", "油脂"), NOT(P("连续皂化", "油脂水解"))),
                       ALL(IND("2684"), IN("product", "香料"))),
                   NOT(ONLY("process", "混合", "分装"))),
             t=ANY(ALL(SOAP, P("连续皂化", "油脂水解")),
                   ALL(IND("2681"), IN("product", "合成洗衣粉"), P("高塔喷粉")),
                   ALL(IND("2684"), IN("product", "香精"), P("热反应")),
                   ALL(IND("2682"), IN("product", "烫发剂", "染发剂"))))
R[47] = dict(b=ALL(NOT(ONLY("process", "复配", "分装")), NOT(IND("2720"))),
             t=ANY(ALL(ONLY("process", "复配", "分装"), P("复配"), YESF("wastewater_or_vocs")), IND("2720")))
R[48] = dict(b=P("提炼"), t=OTHER(ONLY("process", "切片", "制干", "打包")))
R[49] = dict(t=ANY(ALL(IND("2770"), NOT(ONLY("process", "组装", "分装"))), ALL(IND("2780"), P("有机合成反应"))))
R[50] = dict(b=NOT(ANY(ONLY("process", "纺丝"), IND("2825"))), t=ANY(ONLY("process", "纺丝"), IND("2825")))
R[51] = dict(b=ALL(IND("2831"), NOT(ONLY("process", "纺丝"))), t=ONLY("process", "纺丝"))
R[52] = dict(b=ANY(IND("2911"), ALL(IND("2914"), NOT(P("常压连续脱硫")))), t=OTHER())
R[53] = dict(b=ANY(IN("raw_material", "再生塑料"), P("电镀"), GE("solvent_adhesive_tpa", 10),
                   GE("solvent_coating_tpa", 10)),
             t=OTHER(LOWVOC_SMALL))
R[54] = dict(b=ALL(IND("3011"), NOT(IN("project", "水泥粉磨站"))), t=ANY(IN("project", "水泥粉磨站"), IND("3012")))
R[55] = dict(t=IND("3021", "3022"))
R[56] = dict(t=NOT(ALL(IN("raw_material", "石材板材"), ONLY("process", "切割", "打磨", "成型"))))
R[57] = dict(b=IND("3041"),
             t=ANY(IND("3042", "3049"),
                   ALL(IND("305"), NOT(P("电加热")), NOT(ONLY("process", "切割", "打磨", "成型")))))
R[58] = dict(t=ALWAYS)
R[59] = dict(b=YESF("high_pollution_fuel"),
             t=ALL(NOF("high_pollution_fuel"),
                   ANY(IND("3071"), ALL(IND("3072"), GE("annual_output_pieces", 1500000)),
                       ALL(IND("3074"), GE("annual_output_pieces", 2500000)))))
R[60] = dict(b=ANY(IND("3081"), ALL(IND("3091"), P("焙烧"))), t=OTHER())
R[61] = dict(b=ALWAYS)
R[62] = dict(b=ALWAYS)
R[63] = dict(b=ALL(P("冷轧"), GE("annual_output_t", 500000)), t=OTHER())
R[64] = dict(b=NOT(P("单质金属混配重熔")), t=OTHER())
R[65] = dict(t=ALWAYS)
R[66] = dict(b=COAT_BOOK, t=OTHER(ANY(CUT_WELD_ASSEMBLE, LOWVOC_SMALL)))
R[67] = dict(codes=["336"], b=ANY(P("电镀"), ALL(P("热镀锌"), P("钝化")), GE("solvent_coating_tpa", 10)),
             t=OTHER(LOWVOC_SMALL))
R[68] = dict(b=ALL(IND("3391", "3392"), GE("annual_output_t", 100000)), t=OTHER(CUT_WELD_ASSEMBLE))
R[69] = dict(b=COAT_BOOK, t=OTHER(ANY(CUT_WELD_ASSEMBLE, LOWVOC_SMALL)))
R[70] = dict(b=COAT_BOOK, t=OTHER(ANY(CUT_WELD_ASSEMBLE, LOWVOC_SMALL)))
R[71] = dict(b=ANY(ALL(IND("361", "3620"), NOT(ONLY("process", "组装"))), COAT_BOOK), t=OTHER(LOWVOC_SMALL))
R[72] = dict(b=ANY(IND("3711", "3712", "3713", "3720"), IN("product", "发动机"), COAT_BOOK), t=OTHER(LOWVOC_SMALL))
R[73] = dict(b=ANY(P("造船", "拆船", "修船"), COAT_BOOK),
             t=OTHER(ANY(ONLY("process", "组装"), IN("product", "木船"), LOWVOC_SMALL)))
R[74] = dict(b=COAT_BOOK, t=OTHER(LOWVOC_SMALL))
R[75] = dict(b=ANY(ALL(ANY(IND("3751"), ALL(IND("3752"), IN("product", "发动机"))), NOT(ONLY("process", "组装"))),
                   COAT_BOOK),
             t=OTHER(LOWVOC_SMALL))
R[76] = dict(b=COAT_BOOK, t=OTHER(ANY(CUT_WELD_ASSEMBLE, LOWVOC_SMALL)))
R[77] = dict(b=ANY(IND("3843"), ALL(IND("3825"), IN("product", "太阳能电池片")), COAT_BOOK),
             t=OTHER(ANY(CUT_WELD_ASSEMBLE, LOWVOC_SMALL)))
R[78] = dict(t=ALL(ANY(IN("product", "显示器件", "集成电路"), YESF("organic_solvent"), P("酸洗")),
                   NOT(CUT_WELD_ASSEMBLE)))
R[79] = dict(t=NOT(CUT_WELD_ASSEMBLE))
R[80] = dict(t=ALL(ANY(IND("3973", "3974"), YESF("organic_solvent"), P("酸洗")), NOT(CUT_WELD_ASSEMBLE)))
R[81] = dict(b=ALL(IND("3985"), IN("product", "半导体材料", "电子化工材料")),
             t=ALL(ANY(IND("3982"), ALL(IND("3985"), NOT(IN("product", "电子化工材料"))),
                       YESF("organic_solvent"), P("酸洗")),
                   NOT(CUT_WELD_ASSEMBLE)))
R[82] = dict(t=NOT(CUT_WELD_ASSEMBLE))
R[83] = dict(b=COAT_BOOK, t=OTHER(ANY(CUT_WELD_ASSEMBLE, LOWVOC_SMALL)))
R[84] = dict(b=COAT_BOOK, t=COAT_TABLE)
R[85] = dict(scope=NOT(ANY(IN("raw_material", "危险废物"), ONLY("process", "分拣", "破碎"))),
             b=IN("raw_material", "废电池", "废油"),
             t=ANY(IN("raw_material", "废弃电器电子产品", "废机动车", "废电机", "废电线电缆", "废钢", "废铁",
                      "金属和金属化合物矿灰及残渣", "有色金属废料与碎屑", "废塑料", "废轮胎", "废船"),
                   ALL(P("水洗"), NOT(IN("raw_material", "农业废旧秧盘", "农业薄膜")))))
R[86] = dict(b=COAT_BOOK, t=COAT_TABLE)
R[87] = dict(b=NOT(ANY(ALL(IN("construction", "改建"), IN("project", "发电机组节能改造")), ONLY("energy", "燃气", "天然气"),
                       ONLY("energy", "余热", "余压", "余气", "煤矿瓦斯"))),
             t=ANY(ONLY("energy", "燃气", "天然气"), ONLY("energy", "余气", "煤矿瓦斯")))
R[88] = dict(b=ANY(ALL(GE("installed_kw", 1000),
                       NOT(ALL(IN("construction", "改建", "扩建"), IN("project", "增效扩容")))),
                   IN("project", "抽水蓄能电站"), SENS),
             t=OTHER())
R[89] = dict(b=ONLY("energy", "生活垃圾", "污泥"), t=IN("energy", "农林生物质", "沼气", "垃圾填埋气"))
# 4415 and 4419 offshore (onshore = no) are item 151's, which takes those codes too
R[90] = dict(scope=NOT(ANY(ALL(IND("4416"), IN("pv_type", "居民家用")),
                           ALL(IND("4415", "4419"), NOF("onshore")))),
             b=ALL(IND("4415"), SENS, GE("installed_kw", 50000)),
             t=ANY(ALL(IND("4419"), IN("energy", "地热")), ALL(IND("4416"), IN("pv_type", "太阳能热")),
                   ALL(IN("pv_type", "地面集中"), GT("installed_kw", 6000), GE("grid_voltage_kv", 10)),
                   IND("4415")),
             d=IN("pv_type", "地面集中", "分布式"))
R[91] = dict(codes=["443"], projects=["供热工程"],
             b=ALL(IN("boiler_fuel", "燃煤", "燃油"), GT("boiler_tph", 65)),
             t=ANY(ALL(IN("boiler_fuel", "燃煤", "燃油"), GT("boiler_tph", 0), LE("boiler_tph", 65)),
                   ALL(IN("boiler_fuel", "天然气"), GT("boiler_tph", 1)),
                   IN("boiler_fuel", "其他高污染燃料")))
R[92] = dict(scope=NOT(IN("project", "供应工程")), b=IND("4513"))
R[93] = dict(scope=NOT(IN("project", "供应工程")), t=ALWAYS)
R[94] = dict(scope=NOT(IN("project", "供应工程", "村庄供应工程")), t=ALWAYS)
NEW_EXT = IN("construction", "新建", "扩建")
R[95] = dict(codes=["462"], projects=["污水处理", "污水处理厂", "污水处理工程", "再生水"],
             b=ALL(NEW_EXT, ANY(ALL(IN("wastewater_type", "城乡污水"), GE("daily_treatment_t", 100000)),
                                IN("wastewater_type", "工业废水集中处理"))),
             t=ALL(NEW_EXT, ANY(ALL(IN("wastewater_type", "城乡污水"), RANGE("daily_treatment_t", 500, 100000)),
                                ALL(IN("wastewater_type", "其他工业废水"),
                                    NOT(ALL(YESF("indirect_discharge"), NOF("heavy_metals")))))),
             d=OTHER(ANY(ALL(IN("construction", "改建"), IN("project", "提标改造")),
                         IN("project", "化粪池", "化粪池中水回用", "沉淀池"))))
R[96] = dict(t=ALWAYS)
LIVE5 = ["以居住为主要功能的区域", "以医疗卫生为主要功能的区域", "以文化教育为主要功能的区域",
         "以科研为主要功能的区域", "以行政办公为主要功能的区域"]
R[97] = dict(codes=["7010"], projects=["房地产开发", "住宅", "商业综合体", "宾馆", "酒店", "办公用房", "标准厂房"],
             t="ITEM97")          # filled in below from the item's sensitive terms
R[98] = dict(projects=["专业实验室", "研发基地", "试验基地", "P3生物安全实验室", "P4生物安全实验室", "转基因实验室"],
             b=IN("project", "P3生物安全实验室", "P4生物安全实验室", "转基因实验室"),
             t=OTHER(NOF("lab_emissions")))
R[99] = dict(projects=["地质勘查", "油气资源勘探", "二氧化碳地质封存"], t=ALWAYS)
R[100] = dict(projects=["大气污染治理工程", "脱硫工程", "脱硝工程", "除尘工程", "VOCs治理工程"], d=ALWAYS)
R[101] = dict(projects=["危险废物利用", "危险废物处置"],
              b=NOT(ANY(YESF("internal_reuse"), ONLY("process", "收集", "贮存"))), t=OTHER())
R[102] = dict(projects=["医疗废物处置", "医疗废物集中处置", "病死及病害动物无害化处理"],
              b=ALL(IN("project", "医疗废物集中处置"), NOT(ONLY("process", "收集", "贮存"))), t=OTHER())
R[103] = dict(projects=["一般工业固体废物处置", "一般工业固体废物综合利用", "污水处理污泥处置",
                        "建筑施工废弃物处置", "建筑施工废弃物综合利用"],
              b=ALL(IN("project", "一般工业固体废物处置", "一般工业固体废物综合利用", "污水处理污泥处置"),
                    ANY(P("填埋"), ALL(P("焚烧"), NOT(ALL(P("水泥窑协同处置"), IN("construction", "改建")))))),
              t=OTHER())
R[104] = dict(projects=["地质灾害治理工程", "泥石流治理工程"],
              scope=NOT(IN("project", "应急治理工程", "应急排危除险工程")),
              t=ALL(SENS, IN("project", "泥石流治理工程"), IN("scale", "特大型")),
              d=OTHER(ALL(NOT(SENS), IN("scale", "小型"))))
R[105] = dict(projects=["生活垃圾转运站", "餐厨废弃物转运站", "垃圾转运站"], t=GE("daily_capacity_t", 150))
R[106] = dict(projects=["生活垃圾集中处置", "餐厨废弃物集中处置", "生活垃圾处置", "餐厨垃圾处置"], scope=NOT(IN("project", "生活垃圾发电")),
              b=ANY(P("填埋"), GE("daily_capacity_t", 50)),
              t=RANGE("daily_capacity_t", 10, 50), d=RANGE("daily_capacity_t", 1, 10))
R[107] = dict(projects=["粪便处置工程"], t=GE("daily_treatment_t", 50))
R[108] = dict(b=ALL(NEW_EXT, GE("beds", 500)), t=OTHER(LT("beds", 20)), d=LT("beds", 20))
R[109] = dict(b=IN("construction", "新建"), t=OTHER())
R[110] = dict(projects=["学校", "福利院", "养老院"], scope=GE("building_area_m2", 5000),
              t=ANY(ALL(IN("construction", "新建"), SENS), ALL(IN("project", "学校"), YESF("chem_bio_lab"))))
R[111] = dict(projects=["批发市场", "零售市场"], scope=GE("building_area_m2", 5000), t=SENS)
R[112] = dict(projects=["高尔夫球场", "滑雪场", "狩猎场", "赛车场", "跑马场", "射击场", "水上运动中心"],
              b=IN("project", "高尔夫球场"), t=SENS, d=OTHER())
R[113] = dict(projects=["展览馆", "博物馆", "美术馆", "影剧院", "音乐厅", "文化馆", "图书馆", "档案馆", "纪念馆",
                        "体育场", "体育馆"],
              scope=NOT(IN("project", "村庄文化体育场所")), t=SENS)
LAKE = IN("project", "人工湖", "人工湿地")
R[114] = dict(projects=["公园", "动物园", "主题公园", "人工湖", "人工湿地"],
              scope=NOT(IN("project", "城市公园", "植物园", "村庄公园")),
              b=ANY(ALL(IN("project", "主题公园"), IN("scale", "特大型", "大型")),
                    ALL(LAKE, ANY(GE("volume_m3", 5e6), ALL(SENS, RANGE("volume_m3", 5e4, 5e6)),
                                  GE("water_ratio", 0.25)))),
              t=ANY(IN("project", "公园", "动物园", "主题公园"),
                    ALL(LAKE, NOT(SENS), RANGE("volume_m3", 5e4, 5e6)),
                    ALL(LAKE, SENS, LT("volume_m3", 5e4))),
              d=ALL(LAKE, NOT(SENS), LT("volume_m3", 5e4)))
R[115] = dict(projects=["旅游开发", "缆车", "索道"], t=IN("project", "缆车", "索道"), d=OTHER())
R[116] = dict(projects=["影视基地"], b=SENS, t=OTHER())
R[117] = dict(projects=["胶片洗印厂"], t=ALWAYS)
R[118] = dict(projects=["驾驶员训练基地", "公交枢纽", "长途客运站", "大型停车场", "机动车检测场"], t=SENS)
R[119] = dict(codes=["5265", "5266"], projects=["加油站", "加气站", "加油加气站"],
              t=ANY(ALL(YESF("in_urban_built_up"), NEW_EXT, ANY(IN("project", "加油站", "加油加气站"), IND("5265"))),
                    SENS))
R[120] = dict(projects=["洗车场", "危险化学品运输车辆清洗场"], t=IN("project", "危险化学品运输车辆清洗场"))
R[121] = dict(codes=["8111", "8112", "8113"], projects=["汽车维修", "摩托车维修", "汽车维修场所", "摩托车维修场所"],
              t=ALL(GE("floor_area_m2", 5000), ANY(GT("solvent_coating_tpa", 0), GE("lowvoc_coating_tpa", 10))))
R[122] = dict(codes=["8080"], projects=["殡仪馆", "陵园", "公墓"], t=ANY(IN("project", "殡仪馆"), SENS))
R[123] = dict(projects=["动物医院"], t=YESF("animal_surgery"))
R[124] = dict(projects=["水库"], b=ANY(GE("volume_m3", 1e7), SENS), t=OTHER())
R[125] = dict(projects=["灌区工程"], b=SENS, t=OTHER(IN("project", "高标准农田", "节水改造工程")))
R[126] = dict(projects=["引水工程", "跨流域调水", "水库配套引水工程"],
              b=ANY(IN("project", "跨流域调水"), IN("river_scale", "大型", "中型"),
                    ALL(IN("river_scale", "小型"), GE("water_ratio", 0.25)),
                    "ITEM126"),
              t=OTHER())
R[127] = dict(projects=["防洪除涝工程"], b=ALL(IN("construction", "新建"), IN("scale", "大型", "中型")),
              t=OTHER(IN("project", "小型沟渠护坡", "城镇排涝河流水闸", "城镇排涝泵站")),
              d=IN("project", "城镇排涝河流水闸", "城镇排涝泵站"))
R[128] = dict(projects=["河湖整治"], scope=NOT(IN("project", "农村塘堰", "农村水渠")), b=SENS, t=OTHER())
R[129] = dict(projects=["地下水开采"], scope=NOT(IN("project", "农村分散式家庭生活自用水井")),
              b=ANY(GE("daily_water_m3", 10000),
                    ALL(SENS, NOT(ALL(IN("construction", "改建"), YESF("supply_unchanged"))))),
              t=OTHER())
HIGH_ROAD = IN("road_grade", "高速公路", "一级公路", "二级公路")
LOW_ROAD = ALL(NOT(SENS), IN("road_grade", "三级公路", "四级公路"))
R[130] = dict(projects=["等级公路", "公路"],
              scope=NOT(ANY(IN("project", "公路维护", "生命救援工程", "应急保通工程", "国防交通保障项目"),
                            ALL(IN("road_grade", "四级公路"), IN("construction", "改建", "扩建")))),
              b=ALL(IN("construction", "新建"), HIGH_ROAD, ANY(GT("length_km", 30), SENS)),
              t=OTHER(ANY(IN("project", "配套设施"), LOW_ROAD)),
              d=ANY(IN("project", "配套设施"), LOW_ROAD))
R[131] = dict(projects=["城市道路", "城市桥梁", "城市隧道"],
              scope=NOT(ANY(IN("road_grade", "支路"), IN("project", "道路维护", "人行天桥", "人行地道"))),
              t=ANY(ALL(IN("construction", "新建"), IN("road_grade", "快速路", "主干路")),
                    IN("project", "城市桥梁", "城市隧道")),
              d=OTHER())
SHORT_LINE = ALL(IN("rail_line_type", "联络线", "专用线"), LE("length_km", 30))
R[132] = dict(projects=["铁路"], scope=IN("construction", "新建", "增建", "扩建"),
              b=ANY(NOT(SHORT_LINE), SENS), t=SHORT_LINE)
R[133] = dict(projects=["铁路"], scope=IN("construction", "改建"),
              b=ALL(P("电气化改造"), GE("length_km", 200), NOT(YESF("alignment_unchanged"))), t=OTHER())
R[134] = dict(projects=["铁路枢纽"], b=ALL(SENS, IN("construction", "新建")),
              t=OTHER(ALL(NOF("new_land"), IN("construction", "改建"))))
R[135] = dict(projects=["城市轨道交通"],
              scope=NOT(ALL(IN("project", "停车场"), IN("construction", "改建"), NOF("new_land"))), b=ALWAYS)
R[136] = dict(projects=["机场"],
              b=ANY(IN("construction", "新建", "迁建"),
                    ALL(IN("construction", "扩建"), IN("project", "飞行区"), YESF("traffic_increase"))),
              t=OTHER())
R[137] = dict(projects=["导航台站", "供油工程", "维修保障工程", "机场配套工程"],
              t=ANY(IN("project", "供油工程"), SENS), d=OTHER())
R[138] = dict(projects=["油气码头", "液体化工码头"],
              b=ANY(IN("construction", "新建"),
                    ALL(IN("construction", "扩建"), ANY(YESF("capacity_increase"), YESF("cargo_change")))),
              t=OTHER())
R[139] = dict(projects=["干散货码头", "件杂码头", "多用途码头", "通用码头"],
              b=ANY(ALL(IN("port_type", "内河"), GE("berth_dwt", 1000)),
                    ALL(IN("port_type", "沿海"), GE("berth_dwt", 10000)), SENS),
              t=OTHER())
R[140] = dict(projects=["集装箱码头"],
              b=ANY(ALL(IN("port_type", "内河"), GE("berth_dwt", 3000)),
                    ALL(IN("port_type", "沿海"), GE("berth_dwt", 30000)), YESF("dangerous_goods"), SENS),
              t=OTHER())
R[141] = dict(projects=["滚装码头", "客运码头", "工作船码头", "游艇码头"], b=SENS, t=OTHER())
R[142] = dict(projects=["铁路轮渡码头"], b=SENS, t=OTHER())
R[143] = dict(projects=["航道工程", "水运辅助工程", "防波堤", "船闸", "通航建筑物"],
              b=ANY(ALL(IN("project", "航道工程"), NEW_EXT), ALL(SENS, IN("project", "防波堤", "船闸", "通航建筑物"))),
              t=OTHER())
R[144] = dict(projects=["航电枢纽工程"], b=ALWAYS)
R[145] = dict(projects=["中心渔港码头"], b=SENS, t=OTHER())
R[146] = dict(projects=["城市管网", "城镇管网", "管廊"],
              scope=NOT(ANY(IN("project", "给水管道", "光纤"),
                            ALL(IN("project", "天然气管道"), LE("pressure_mpa", 1.6)))),
              t=ALL(IN("construction", "新建"), SENS), d=OTHER())
R[147] = dict(projects=["原油管线", "成品油管线", "天然气管线"],
              scope=NOT(IN("project", "城市天然气管线", "城镇燃气管线", "厂区内管道")),
              b=SENS, t=OTHER())
R[148] = dict(projects=["危险化学品输送管线"], scope=NOT(IN("project", "厂区内管道")), b=SENS, t=OTHER())
# "（不含加油站的油库；不含加气站的气库）" needs no scope: a station is item 119 (5265/5266), never 594
R[149] = dict(b=ANY(ALL(IN("project", "油库", "油品码头后方配套油库"), GE("volume_m3", 200000)),
                    IN("project", "地下油库", "地下气库")),
              t=OTHER())
OFFSHORE_EXEMPT = ANY(IN("project", "海洋油气勘探工程"),
                      ALL(IN("project", "海洋油气调整井工程"), NOT(SENS), YESF("within_approved_discharge")),
                      IN("project", "原地弃置工程"))
R[150] = dict(projects=["海洋油气开发", "海洋油气勘探工程", "海洋油气调整井工程", "油气集输管道", "油气电（光）缆工程",
                        "原地弃置工程", "海洋矿产资源开发", "天然气水合物开发", "海砂开采", "矿盐卤水开发",
                        "海床底温泉开发", "海底地下水开发"],
              b=ANY(ALL(IN("project", "海洋油气开发"), P("新区块开发")),
                    ALL(IN("project", "海洋油气开发"),
                        ANY(GE("daily_discharge_m3", 1000), GE("annual_output_t", 200000))),
                    ALL(IN("project", "油气集输管道", "油气电（光）缆工程"), ANY(GE("length_km", 20), SENS)),
                    IN("project", "海洋矿产资源开发", "天然气水合物开发", "海砂开采", "矿盐卤水开发",
                       "海床底温泉开发", "海底地下水开发")),
              t=OTHER(OFFSHORE_EXEMPT), d=OFFSHORE_EXEMPT)
# by `project` when no code says otherwise, or by code 4419 + energy / code 4415
OCEAN_POWER = ANY(ALL(NOT(IND("4415")), IN("project", "潮汐发电", "波浪发电", "温差发电", "海洋生物质能")),
                  ALL(IND("4419"), IN("energy", "潮汐能", "波浪能", "温差能", "海洋生物质能")))
OFFSHORE_WIND = ANY(IND("4415"), ALL(NOT(IND("4419")), IN("project", "海上风电")))
R[151] = dict(codes=["4415", "4419"], scope=ANY(NOT(IND("4415", "4419")), NOF("onshore")),
              projects=["潮汐发电", "波浪发电", "温差发电", "海洋生物质能", "海上风电", "海上地热发电",
                        "海上太阳能发电"],
              b=ANY(ALL(OCEAN_POWER, GE("installed_kw", 20000)), ALL(OFFSHORE_WIND, GE("installed_kw", 50000)), SENS),
              t=ANY(OCEAN_POWER, IN("project", "海上地热发电", "海上太阳能发电"), ALL(IND("4419"), IN("energy", "地热")),
                    OFFSHORE_WIND))
R[152] = dict(projects=["海底隧道工程", "海底电（光）缆工程", "海底管道工程", "原地弃置工程"],
              b=ANY(IN("project", "海底隧道工程"),
                    ALL(IN("project", "海底电（光）缆工程", "海底管道工程"), GE("length_km", 20)),
                    ALL(IN("project", "海底管道工程"), IN("pipe_medium", "有毒有害及危险品"), GE("length_km", 1)),
                    ALL(IN("project", "海底电（光）缆工程", "海底管道工程"), SENS)),
              t=OTHER(ALL(IN("project", "原地弃置工程"), NOT(IN("pipe_medium", "有毒有害及危险品")))),
              d=ALL(IN("project", "原地弃置工程"), NOT(IN("pipe_medium", "有毒有害及危险品"))))
R[153] = dict(projects=["跨海桥梁"], b=ANY(ALL(NOF("single_span"), GE("length_km", 0.1)), SENS), t=OTHER())
R[154] = dict(projects=["围填海工程", "海上堤坝工程"],
              b=ANY(IN("project", "围填海工程"), ALL(IN("project", "海上堤坝工程"), GE("length_km", 0.5))),
              t=OTHER())
R[155] = dict(projects=["海上娱乐及运动", "海上景观开发"],
              b=GE("daily_discharge_m3", 200), t=LT("daily_discharge_m3", 200))
R[156] = dict(projects=["海洋人工鱼礁"], b=GE("volume_m3", 50000),
              t=ANY(RANGE("volume_m3", 5000, 50000), SENS), d=OTHER())
R[157] = dict(projects=["海上物资储藏设施", "海底物资储藏设施", "海上油气化学品仓储储运", "粉煤灰储藏工程",
                        "废弃物储藏工程", "海洋空间资源利用工程"],
              b=ANY(IN("project", "海上物资储藏设施", "海底物资储藏设施", "海上油气化学品仓储储运"),
                    ALL(IN("project", "粉煤灰储藏工程", "废弃物储藏工程", "海洋空间资源利用工程"),
                        GE("throughput_t", 500000))),
              t=OTHER())
R[158] = dict(projects=["海洋生态修复工程"],
              b=ANY(ALL(P("清淤", "滩涂垫高"), GE("works_m3", 100000)),
                    ALL(SENS, P("堤坝拆除", "临时围堰", "改变水动力"))),
              t=ANY(ALL(P("清淤", "滩涂垫高"), LT("works_m3", 100000)), SENS),
              d=ANY(ALL(NOT(SENS), P("退围还海", "退养还海", "退堤还海", "近岸构筑物拆除")),
                    P("种植红树林", "种植海草床", "种植碱蓬", "修复移植珊瑚礁", "修复移植牡蛎礁")))
R[159] = dict(projects=["排海工程"],
              b=ANY(IN("wastewater_type", "低放射性废液"),
                    ALL(IN("wastewater_type", "城镇生活污水"), GE("daily_discharge_m3", 100000)),
                    ALL(IN("wastewater_type", "工业废水"), GE("daily_discharge_m3", 5000))),
              t=OTHER())
R[160] = dict(projects=["其他海洋工程"],
              b=ANY(ALL(P("疏浚", "取土", "取沙", "水下开挖"), GE("works_m3", 100000)),
                    ALL(P("爆破挤淤", "水下炸礁", "爆破"), GE("blasting_m3", 2000))),
              t=OTHER())
R[161] = dict(projects=["输变电工程", "变电站", "输电线路"], b=ANY(GE("voltage_kv", 500), ALL(SENS, GE("voltage_kv", 330))),
              t=OTHER(LT("voltage_kv", 100)))
R[162] = dict(projects=["广播电台", "差转台"],
              b=ANY(ALL(IN("band", "中波"), GE("power_kw", 50)), ALL(IN("band", "短波"), GE("power_kw", 100)), SENS),
              t=OTHER())
R[163] = dict(projects=["电视塔台"], b=ALL(SENS, GE("power_kw", 100)), t=OTHER())
R[164] = dict(projects=["卫星地球上行站"], b=SENS, t=OTHER())
R[165] = dict(projects=["雷达"], b=SENS, t=OTHER())
R[166] = dict(projects=["无线通讯", "通信基站"], d=ALWAYS)
NUCLEAR = ["核动力厂", "核电厂", "核热电厂", "核供汽供热厂", "反应堆", "研究堆", "实验堆", "临界装置", "次临界装置",
           "核燃料生产设施", "核燃料加工设施", "核燃料贮存设施", "核燃料后处理设施", "放射性污染治理项目"]
NEW_EXT_RET = IN("construction", "新建", "扩建", "退役")
R[167] = dict(projects=NUCLEAR,
              b=ALL(NEW_EXT_RET, NOT(IN("project", "次临界装置"))),
              t=ANY(YESF("nuclear_major_change"), ALL(IN("project", "次临界装置"), NEW_EXT_RET)),
              d=YESF("nonradioactive_auxiliary"))
R[168] = dict(projects=["放射性废物贮存设施", "放射性废物处理设施", "放射性废物处置设施", "独立放射性废物贮存设施"],
              b=ANY(ALL(NEW_EXT_RET, NOT(IN("project", "独立放射性废物贮存设施"))),
                    ALL(IN("project", "放射性废物处置设施"), IN("construction", "关闭"))),
              t=IN("project", "独立放射性废物贮存设施"))
R[169] = dict(projects=["铀矿开采", "铀矿冶炼", "提铀"], b=NEW_EXT_RET, t=OTHER())
R[170] = dict(projects=["铀矿地质勘查", "铀矿退役治理"], t=ALWAYS)
R[171] = dict(projects=["伴生放射性矿"], b=P("采选", "冶炼"), t=OTHER())
ISOTOPES = ALL(P("生产放射性同位素"), NOT(P("制备PET用放射性药物")))
REBUILD = IN("construction", "改建", "扩建")
DECOMMISSION = ANY(IN("project", "核技术利用项目退役"), IN("construction", "退役"))
R[172] = dict(projects=["核技术利用"], scope=NOT(DECOMMISSION),
              b=ALL(ANY(ISOTOPES, P("使用Ⅰ类放射源", "销售Ⅰ类射线装置", "建造Ⅰ类射线装置", "使用Ⅰ类射线装置",
                                    "甲级非密封放射性物质工作场所")),
                    NOT(ALL(REBUILD, YESF("within_license"), LE("scale_increase_ratio", 0.5)))),
              t=ALL(ANY(P("制备PET用放射性药物", "医疗使用Ⅰ类放射源", "使用Ⅱ类放射源", "使用Ⅲ类放射源",
                          "生产Ⅱ类射线装置", "使用Ⅱ类射线装置", "野外放射性同位素示踪试验"),
                        ALL(P("乙级非密封放射性物质工作场所", "丙级非密封放射性物质工作场所"),
                            NOT(P("医疗机构使用植入治疗用放射性粒子源")))),
                    NOT(ALL(REBUILD, YESF("within_license")))),
              d=P("销售Ⅰ类放射源", "销售Ⅱ类放射源", "销售Ⅲ类放射源", "销售Ⅳ类放射源", "销售Ⅴ类放射源",
                  "使用Ⅳ类放射源", "使用Ⅴ类放射源", "医疗机构使用植入治疗用放射性粒子源", "销售非密封放射性物质",
                  "销售Ⅱ类射线装置", "生产Ⅲ类射线装置", "销售Ⅲ类射线装置", "使用Ⅲ类射线装置"))
SOURCES = P("使用Ⅰ类放射源", "医疗使用Ⅰ类放射源", "使用Ⅱ类放射源", "使用Ⅲ类放射源")
R[173] = dict(projects=["核技术利用", "核技术利用项目退役"], scope=DECOMMISSION,
              b=ANY(ISOTOPES, P("甲级非密封放射性物质工作场所")),
              t=ANY(P("制备PET用放射性药物", "乙级非密封放射性物质工作场所"),
                    ALL(SOURCES, YESF("contaminated")),
                    ALL(P("使用Ⅰ类射线装置", "使用Ⅱ类射线装置"), YESF("contaminated"),
                        NOT(P("X射线装置", "粒子能量不高于10兆电子伏的电子加速器")))),
              d=ANY(P("丙级非密封放射性物质工作场所"), ALL(SOURCES, NOF("contaminated"))))

# -------------------------------------------------------------------------------- fact vocabulary
def _f(kind, zh, en, unit=None, values=None):
    d = {"kind": kind, "zh": zh, "en": en}
    if unit:
        d["unit"] = unit
    if values:
        d["values"] = values
    return d


YN = [YES, NO]
FACTS = {
    # SPEC §6.2
    "construction": _f("text", "建设性质", "type of construction",
                       values=["新建", "扩建", "改建", "增建", "迁建", "退役", "关闭"]),
    "process": _f("list", "工艺（本名录用语，完整列出）", "processes (the catalog's words, complete list)"),
    "industrial_building": _f("yesno", "在工业建筑中生产", "production in an industrial building", values=YN),
    "solvent_coating_tpa": _f("number", "年用溶剂型涂料（含稀释剂）", "solvent-based coatings (incl. thinners) used per year", "t/a"),
    "lowvoc_coating_tpa": _f("number", "年用非溶剂型低VOCs含量涂料", "non-solvent low-VOC coatings used per year", "t/a"),
    "powder_coating_tpa": _f("number", "年用粉末涂料", "powder coatings used per year", "t/a"),
    "solvent_adhesive_tpa": _f("number", "年用溶剂型胶粘剂", "solvent-based adhesives used per year", "t/a"),
    "solvent_treating_agent_tpa": _f("number", "年用溶剂型处理剂", "solvent-based treating agents used per year", "t/a"),
    "raw_material": _f("list", "原料", "raw materials"),
    "product": _f("list", "产品", "products"),
    "annual_output_t": _f("number", "年产量", "annual output", "t/a"),
    "annual_output_m3": _f("number", "年产量（年生产能力）", "annual output (capacity)", "m3/a"),
    "annual_processing_t": _f("number", "年加工量", "annual quantity processed", "t/a"),
    "pigs_out_per_year": _f("number", "年出栏生猪（其他畜禽折合猪）", "pigs sold per year (other livestock as pig equivalents)", "head/a"),
    "scale_farm": _f("yesno", "规模化畜禽养殖", "large-scale livestock farm", values=YN),
    "farming_mode": _f("list", "养殖方式", "aquaculture mode",
                       values=["围海养殖", "网箱养殖", "海洋牧场", "苔茷养殖", "水产养殖基地", "工厂化养殖",
                               "高位池养殖", "底播养殖", "藻类养殖", "围网投饵养殖", "池塘养殖"]),
    "onshore": _f("yesno", "陆上", "onshore", values=YN),
    "installed_kw": _f("number", "总装机容量", "total installed capacity", "kW"),
    "pv_type": _f("text", "太阳能发电类型（光伏：地面集中 / 分布式 / 居民家用；或太阳能热发电）",
                  "solar power type (PV: ground-mounted / distributed / household, or solar thermal)",
                  values=["地面集中", "分布式", "居民家用", "太阳能热"]),
    "grid_voltage_kv": _f("number", "接入电压等级", "grid connection voltage", "kV"),
    "boiler_fuel": _f("list", "锅炉燃料", "boiler fuel", values=["燃煤", "燃油", "天然气", "其他高污染燃料"]),
    "boiler_tph": _f("number", "锅炉总容量", "total boiler capacity", "t/h"),
    "beds": _f("number", "住院床位", "in-patient beds", "张"),
    "in_urban_built_up": _f("yesno", "位于城市建成区", "in an urban built-up area", values=YN),
    "building_type": _f("text", "建筑类型", "building type"),
    "floor_area_m2": _f("number", "营业面积", "business floor area", "m2"),
    "wastewater_type": _f("text", "污水（废水）类型", "wastewater type",
                          values=["城乡污水", "工业废水集中处理", "其他工业废水", "自建自用生活污水", "低放射性废液",
                                  "城镇生活污水", "工业废水"]),
    "daily_treatment_t": _f("number", "日处理量", "daily treatment capacity", "t/d"),
    "project": _f("list", "项目类型", "project type (items named by type rather than code)"),
    # added for the catalog
    "industry": _f("code", "行业代码（由 --industry 给出）", "GB/T 4754 code of the component (from --industry)"),
    "pigs_stock": _f("number", "存栏生猪（其他畜禽折合猪）", "pigs on hand (other livestock as pig equivalents)", "head"),
    "sea_area_mu": _f("number", "用海面积", "sea area used", "亩"),
    "daily_processing_t": _f("number", "日加工能力", "daily processing capacity", "t/d"),
    "slaughter_pigs_per_year": _f("number", "年屠宰生猪", "pigs slaughtered per year", "head/a"),
    "slaughter_cattle_per_year": _f("number", "年屠宰肉牛", "beef cattle slaughtered per year", "head/a"),
    "slaughter_sheep_per_year": _f("number", "年屠宰肉羊", "sheep slaughtered per year", "head/a"),
    "slaughter_poultry_per_year": _f("number", "年屠宰禽类", "poultry slaughtered per year", "head/a"),
    "annual_output_kl": _f("number", "年生产能力", "annual capacity", "kL/a"),
    "annual_output_pieces": _f("number", "年产量（件）", "annual output (pieces)", "piece/a"),
    "organic_solvent": _f("yesno", "使用有机溶剂", "uses organic solvents", values=YN),
    "wastewater_or_vocs": _f("yesno", "产生废水或挥发性有机物", "produces wastewater or VOCs", values=YN),
    "chemical_reaction": _f("yesno", "化学方法生产（发生化学反应）", "chemical process (a chemical reaction takes place)", values=YN),
    "high_pollution_fuel": _f("yesno", "使用高污染燃料", "uses high-pollution fuels", values=YN),
    "solvent_ink_tpa": _f("number", "年用溶剂油墨", "solvent inks used per year", "t/a"),
    "lowvoc_ink_tpa": _f("number", "年用低VOCs含量油墨", "low-VOC inks used per year", "t/a"),
    "energy": _f("list", "发电能源或燃料", "energy source or fuel of power generation",
                 values=["燃煤", "燃油", "燃气", "天然气", "余热", "余压", "余气", "煤矿瓦斯", "生活垃圾", "污泥", "农林生物质",
                         "沼气", "垃圾填埋气", "地热", "太阳能热", "潮汐能", "波浪能", "温差能", "海洋生物质能"]),
    "indirect_discharge": _f("yesno", "出水间接排入地表水体", "effluent discharged indirectly to surface water", values=YN),
    "heavy_metals": _f("yesno", "排放重金属", "discharges heavy metals", values=YN),
    "lab_emissions": _f("yesno", "产生实验废气、废水、危险废物", "produces laboratory waste gas, wastewater or hazardous waste", values=YN),
    "internal_reuse": _f("yesno", "产生单位内部回收再利用", "recycled inside the unit that produces it", values=YN),
    "scale": _f("text", "工程规模", "size class", values=["特大型", "大型", "中型", "小型"]),
    "daily_capacity_t": _f("number", "日转运（处置）能力", "daily transfer (disposal) capacity", "t/d"),
    "building_area_m2": _f("number", "建筑面积", "building floor area", "m2"),
    "chem_bio_lab": _f("yesno", "有化学、生物实验室", "has chemistry or biology laboratories", values=YN),
    "volume_m3": _f("number", "容积（库容、总容量、投放量）", "volume (storage, capacity, amount placed)", "m3"),
    "water_ratio": _f("number", "年补水（引水）量占引水断面天然年径流量的比例", "annual intake as a share of the natural annual runoff at the intake", "ratio"),
    "river_scale": _f("text", "引水河流规模", "size of the river drawn from", values=["大型", "中型", "小型"]),
    "animal_surgery": _f("yesno", "设有动物颅腔、胸腔或腹腔手术设施", "has cranial, thoracic or abdominal surgery facilities for animals", values=YN),
    "daily_water_m3": _f("number", "日取水量", "daily water withdrawal", "m3/d"),
    "supply_unchanged": _f("yesno", "不新增供水规模、不改变供水对象", "neither adds supply capacity nor changes whom it supplies", values=YN),
    "road_grade": _f("text", "道路等级", "road class",
                     values=["高速公路", "一级公路", "二级公路", "三级公路", "四级公路", "快速路", "主干路", "次干路", "支路"]),
    "length_km": _f("number", "长度", "length", "km"),
    "rail_line_type": _f("text", "铁路线路类型", "railway line type", values=["联络线", "专用线", "其他"]),
    "alignment_unchanged": _f("yesno", "线路和站场不发生调整", "line and stations unchanged", values=YN),
    "new_land": _f("yesno", "新增占地", "takes new land", values=YN),
    "traffic_increase": _f("yesno", "增加航空业务量", "increases air traffic", values=YN),
    "capacity_increase": _f("yesno", "岸线、水工构筑物、吞吐量或储运量增加", "shoreline, marine structures, throughput or storage increase", values=YN),
    "cargo_change": _f("yesno", "装卸货种变化", "change of the cargoes handled", values=YN),
    "port_type": _f("text", "港口类型", "port type", values=["内河", "沿海"]),
    "berth_dwt": _f("number", "单个泊位吨级", "berth size", "DWT"),
    "dangerous_goods": _f("yesno", "涉及危险品、化学品", "handles dangerous goods or chemicals", values=YN),
    "pipe_medium": _f("text", "海底管道输送介质", "medium carried by a subsea pipeline",
                      values=["输水", "天然气", "无毒无害物质", "有毒有害及危险品"]),
    "pressure_mpa": _f("number", "设计压力", "design pressure", "MPa"),
    "daily_discharge_m3": _f("number", "污水日排放量", "daily wastewater discharge", "m3/d"),
    "within_approved_discharge": _f("yesno", "排污量未超出原环评批复排放总量", "discharge within the total approved by the earlier EIA", values=YN),
    "single_span": _f("yesno", "单跨", "single span", values=YN),
    "throughput_t": _f("number", "吞吐（储）量", "throughput (storage)", "t (万立方米 counted as 万吨)"),
    "works_m3": _f("number", "工程量", "volume of works", "m3"),
    "blasting_m3": _f("number", "爆破挤淤、炸礁（岩）量", "volume blasted", "m3"),
    "voltage_kv": _f("number", "电压等级", "voltage class", "kV"),
    "power_kw": _f("number", "发射功率", "transmitter power", "kW"),
    "band": _f("text", "波段", "band", values=["中波", "短波"]),
    "nuclear_major_change": _f("yesno", "主生产工艺或安全重要构筑物的重大变更，但源项不显著增加",
                               "major change of the main process or safety-important structures, source term not significantly increased", values=YN),
    "nonradioactive_auxiliary": _f("yesno", "核设施控制区范围内新增的不带放射性的实验室、试验装置、维修车间、仓库、办公设施等",
                                   "new non-radioactive laboratories, test rigs, workshops, stores or offices inside a nuclear facility's controlled area", values=YN),
    "within_license": _f("yesno", "在已许可场所增加不超出已许可活动种类和不高于已许可范围等级的核素或射线装置",
                         "adds nuclides or ray devices within the licensed site, activity types and classes", values=YN),
    "scale_increase_ratio": _f("number", "新增规模占原环评规模的比例", "added scale as a share of the earlier EIA's scale", "ratio"),
    "contaminated": _f("yesno", "场所存在污染", "the site is contaminated", values=YN),
}

SENSITIVE_TERMS = {
    "一": ["国家公园", "自然保护区", "风景名胜区", "世界文化和自然遗产地", "海洋特别保护区", "饮用水水源保护区"],
    "二": ["生态保护红线管控范围", "永久基本农田", "基本草原", "森林公园", "地质公园", "海洋公园", "重要湿地", "天然林",
          "重点保护野生动物栖息地", "重点保护野生植物生长繁殖地", "重要水生生物的自然产卵场", "索饵场", "越冬场",
          "洄游通道", "天然渔场", "水土流失重点预防区", "水土流失重点治理区", "沙化土地封禁保护区", "封闭及半封闭海域"],
    "三": LIVE5 + ["文物保护单位"],
}
# words of the 含义 cells that are not the terms themselves
SENSITIVE_WORDS = {"重点治理区": "水土流失重点治理区", "基本农田保护区": "永久基本农田",
                   "以居住": "以居住为主要功能的区域", "医疗卫生": "以医疗卫生为主要功能的区域",
                   "文化教育": "以文化教育为主要功能的区域", "科研": "以科研为主要功能的区域",
                   "行政办公": "以行政办公为主要功能的区域"}


def expand_sensitive(text):
    """The sensitive_terms a 含义 cell names, in sensitive_terms order."""
    if not text:
        return []
    found = set()
    for part in re.split(r"(?=第三条（)", text):
        m = re.match(r"第三条（([一二三])）中的", part)
        if not m:
            continue
        cls, rest = m.group(1), part[m.end():]
        if rest.startswith("全部区域"):
            found |= set(SENSITIVE_TERMS[cls])
            continue
        for term in SENSITIVE_TERMS[cls]:
            if term in rest:
                found.add(term)
        for word, term in SENSITIVE_WORDS.items():
            if word in rest:
                found.add(term)
    order = [t for c in "一二三" for t in SENSITIVE_TERMS[c]]
    return [t for t in order if t in found]


PROCESS_ALIASES = {"化学镀": "电镀", "阳极氧化": "电镀",
                   # the PDF prints 报告书 of item 172 with a Latin I; the words here use Ⅰ
                   "使用I类放射源": "使用Ⅰ类放射源", "销售I类射线装置": "销售Ⅰ类射线装置",
                   "建造I类射线装置": "建造Ⅰ类射线装置", "使用I类射线装置": "使用Ⅰ类射线装置"}
# The `process` fact is the complete list of the project's processes (SPEC §6.2). A quantity
# below is used only by a process whose word contains one of these stems: when `process` is given
# and none of its words does, the quantity is 0 (a project that coats nothing uses no coatings).
# Stems, not words, so that any coating word (静电喷涂, 浸漆, 烤漆...) keeps the figure unknown.
COATING = ["涂", "漆", "喷粉", "喷塑", "浸塑", "电泳"]
PROCESS_USES = {
    "solvent_coating_tpa": COATING, "lowvoc_coating_tpa": COATING, "powder_coating_tpa": COATING,
    "solvent_adhesive_tpa": ["胶", "粘", "黏", "贴合", "复合"],
    "solvent_treating_agent_tpa": ["处理剂", "胶", "粘", "黏"],
    "solvent_ink_tpa": ["印", "墨"], "lowvoc_ink_tpa": ["印", "墨"],
}
CN_NUM = "一二三四五六七八九十"


def _strip_parens(text):
    out, depth = [], 0
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def name_codes(name):
    """(code_text, codes, star_codes) of a 项目类别 cell."""
    tokens = re.findall(r"(\d{2,4})(\*?)", _strip_parens(name))
    code_text = "；".join(c + s for c, s in tokens)
    return code_text, [c for c, _ in tokens], [c for c, s in tokens if s]


def parse_section(text):
    m = re.match(r"([一二三四五六七八九十]+)、(.*)$", text)
    body = m.group(2)
    codes = re.findall(r"\d{2,4}", body)
    return {"name": re.sub(r"\s*\d{2,4}", "", body), "code": "、".join(codes), "codes": codes, "text": text}


def _resolve(cond, item):
    if cond == "ITEM97":
        base = [t for t in item["sensitive"] if t not in LIVE5]
        return ANY(S(*base), ALL(IN("project", "标准厂房"), S(*LIVE5)))
    if cond == "ITEM126":
        base = [t for t in item["sensitive"] if t != "饮用水水源保护区"]
        return ANY(S(*base), ALL(S("饮用水水源保护区"), NOT(IN("project", "水库配套引水工程"))))
    if isinstance(cond, dict):
        return {k: _resolve(v, item) for k, v in cond.items()}
    if isinstance(cond, list):
        return [_resolve(v, item) for v in cond]
    return cond


def build(pdf):
    sections, items = eia_extract.catalog(pdf)
    doc = {"catalog": "建设项目环境影响评价分类管理名录（2021年版）",
           "source": "生态环境部令第16号, 2020-11-30, in force 2021-01-01",
           "schema_additions": ["COND {fact: KEY, only: [...]}: the list fact is given, not empty, and every "
                                "entry is one of these (after process_aliases for `process`) — the catalog's "
                                "仅/单纯/单独 (e.g. 仅分割、焊接、组装)",
                                "fact `industry` (kind code, compared like text): the GB/T 4754 numeric code of the "
                                "component being evaluated, known and empty for a component given by project only",
                                "yes/no facts take the values yes / no",
                                "item `star_codes`: the codes printed with `*` (item 83 stars only 403)",
                                "process_uses {FACT: [stems]}: when `process` is given and none of its words "
                                "contains a stem of FACT, an absent FACT is 0 (the list is complete)",
                                "section `codes`, `text`"],
           "facts": FACTS, "sensitive_terms": SENSITIVE_TERMS, "process_aliases": PROCESS_ALIASES,
           "process_uses": PROCESS_USES,
           "notes": [{"id": "说明" + CN_NUM[n - 1], "text": t} for n, t in eia_extract.notes_text(pdf)]}
    doc["sections"] = []
    for i, text in enumerate(sections, 1):
        doc["sections"].append(dict(number=i, **parse_section(text)))
    out = []
    for it in items:
        rule = R[it["number"]]
        code_text, codes, star_codes = name_codes(it["name"])
        item = {"number": it["number"], "section": it["section"], "name": it["name"],
                "code_text": code_text, "codes": codes or rule.get("codes", []),
                "projects": rule.get("projects", []), "star": bool(star_codes), "star_codes": star_codes,
                "scope": rule.get("scope")}
        item["sensitive_text"] = it["sensitive_text"]
        item["sensitive"] = expand_sensitive(it["sensitive_text"])
        cols = {}
        for col, key in (("报告书", "b"), ("报告表", "t"), ("登记表", "d")):
            text = it["columns"][col]
            when = rule.get(key)
            if (text == "/") != (when is None):
                raise ValueError(f"item {it['number']} {col}: text {text!r} vs rule {when!r}")
            cols[col] = None if when is None else {"text": text, "when": _resolve(when, item)}
        item["columns"] = cols
        out.append(item)
    doc["items"] = out
    return doc


def dump(doc):
    """One item per block, conditions on one line each: diffable by hand."""
    head = {k: v for k, v in doc.items() if k != "items"}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    parts = []
    for item in doc["items"]:
        fields = [f'  "{k}": {json.dumps(v, ensure_ascii=False)}' for k, v in item.items() if k != "columns"]
        cols = [f'   "{c}": {json.dumps(v, ensure_ascii=False)}' for c, v in item["columns"].items()]
        fields.append('  "columns": {\n' + ",\n".join(cols) + "\n  }")
        parts.append(" {\n" + ",\n".join(fields) + "\n }")
    return text + ',\n "items": [\n' + ",\n".join(parts) + "\n ]\n}\n"


# ------------------------------------------------------------------------ docs/eia_catalog.md tables
def _words(c, key, acc):
    if isinstance(c, dict):
        if c.get("fact") == key:
            acc.update(c.get("in", []) + c.get("only", []))
        if key == "process" and "process" in c:
            acc.update(c["process"])
        for v in c.values():
            _words(v, key, acc)
    elif isinstance(c, list):
        for v in c:
            _words(v, key, acc)


def _conds(item):
    return [item["scope"]] + [c["when"] for c in item["columns"].values() if c]


def doc_tables(doc):
    """{"mapping": markdown, "words": markdown} for docs/eia_catalog.md (between its markers)."""
    rows = ["| item | 项目类别 | codes | `project` values mapping to the item | further `project` words its conditions read |",
            "|---|---|---|---|---|"]
    for it in doc["items"]:
        if it["code_text"] and not it["projects"]:
            continue
        acc = set()
        _words(_conds(it), "project", acc)
        other = sorted(acc - set(it["projects"]))
        name = it["name"] if len(it["name"]) <= 34 else it["name"][:33] + "…"
        rows.append(f"| {it['number']} | {name} | {', '.join(it['codes']) or '—'} | "
                    f"{'、'.join(it['projects']) or '—'} | {'、'.join(other) or '—'} |")
    words = ["| item | `process` words | `project` words (coded items) | `product` / `raw_material` / `energy` / "
             "`farming_mode` / `boiler_fuel` words |", "|---|---|---|---|"]
    for it in doc["items"]:
        p, o, j = set(), set(), set()
        _words(_conds(it), "process", p)
        for k in ("product", "raw_material", "energy", "farming_mode", "boiler_fuel"):
            _words(_conds(it), k, o)
        if not it["projects"]:
            _words(_conds(it), "project", j)
        if p or o or j:
            words.append(f"| {it['number']} | {'、'.join(sorted(p)) or '—'} | {'、'.join(sorted(j)) or '—'} | "
                         f"{'、'.join(sorted(o)) or '—'} |")
    return {"mapping": "\n".join(rows), "words": "\n".join(words)}


def replace_doc_tables(text, tables):
    for name, table in tables.items():
        start, end = f"<!-- table:{name} -->", f"<!-- /table:{name} -->"
        i, k = text.index(start) + len(start), text.index(end)
        text = text[:i] + "\n" + table + "\n" + text[k:]
    return text


if __name__ == "__main__":
    import sys
    # python3 src/data/eia_rules.py JSON DOC: rewrite DOC's generated tables from JSON
    with open(sys.argv[1], encoding="utf-8") as f:
        catalog_doc = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        md = f.read()
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(replace_doc_tables(md, doc_tables(catalog_doc)))
