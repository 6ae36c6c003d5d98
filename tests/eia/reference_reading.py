#!/usr/bin/env python3
"""ctest eia_catalog_cases: cases worked by hand from the catalog, answered from
src/data/eia_catalog_2021.json by a small three-valued reading of its conditions (EIA_SCHEMA.md),
so that an encoding which contradicts the catalog's plain words fails. This is a check of the data,
not the product: `redline eia` (src/eia/) is the evaluator.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RANK = ["报告书", "报告表", "登记表"]
class _Unknown:
    def __repr__(self):
        return "U"


U = _Unknown()                               # the third truth value


def t_and(vals):
    vals = list(vals)
    return False if False in vals else (U if U in vals else True)


def t_or(vals):
    vals = list(vals)
    return True if True in vals else (U if U in vals else False)


def t_not(v):
    return U if v is U else (not v)


class Reader:
    def __init__(self, doc):
        self.doc = doc

    def listf(self, facts, key):
        if key not in facts:
            return U
        vals = [v for v in str(facts[key]).split("|") if v]
        if key == "process":
            vals = [self.doc["process_aliases"].get(v, v) for v in vals]
        return vals

    def cond(self, c, facts, sens, item, higher=()):
        if "always" in c:
            return True
        if "all" in c:
            return t_and(self.cond(x, facts, sens, item, higher) for x in c["all"])
        if "any" in c:
            return t_or(self.cond(x, facts, sens, item, higher) for x in c["any"])
        if "not" in c:
            return t_not(self.cond(c["not"], facts, sens, item, higher))
        if "process" in c:
            vals = self.listf(facts, "process")
            return U if vals is U else any(w in vals for w in c["process"])
        if "sensitive" in c:
            terms = item["sensitive"] if c["sensitive"] is True else c["sensitive"]
            return any(t in sens for t in terms)
        if "otherwise" in c:
            exc = self.cond(c["except"], facts, sens, item) if "except" in c else False
            return t_and([t_not(t_or(higher)), t_not(exc)])
        key = c["fact"]
        if "op" in c:
            if key not in facts:
                return U
            x, v = float(facts[key]), c["value"]
            return {">=": x >= v, ">": x > v, "<=": x <= v, "<": x < v, "==": x == v, "!=": x != v}[c["op"]]
        kind = self.doc["facts"][key]["kind"]
        if kind == "list":
            vals = self.listf(facts, key)
            if vals is U:
                return U
            if "only" in c:
                return bool(vals) and all(v in c["only"] for v in vals)
            return any(v in c["in"] for v in vals)
        if key not in facts:
            return U
        return str(facts[key]) in c["in"]

    def item(self, item, code, facts, sens):
        """(category | None | U, column text) for one item that the component maps to."""
        applies = t_and([self.cond(item["scope"], facts, sens, item)]) if item["scope"] else True
        if item["star"] and (code in item["star_codes"] or any(code.startswith(s) for s in item["star_codes"])):
            ib = facts.get("industrial_building")
            applies = t_and([applies, U if ib is None else ib == "yes"])
        seen, result = [], None
        for col in RANK:
            cell = item["columns"][col]
            v = False if cell is None else self.cond(cell["when"], facts, sens, item, seen)
            seen.append(v)
            if v is True and result is None and all(x is False for x in seen[:-1]):
                result = col
        if result is None and U in seen:
            result = U
        elif result is not None and U in seen[:RANK.index(result)]:
            result = U
        if applies is False or (applies is U and result is None):
            return None
        return U if applies is U else result

    def answer(self, code=None, facts=None, sens=()):
        facts = dict(facts or {})
        if "process" in facts:   # the list is complete: a quantity no listed process uses is 0
            words = [w for w in str(facts["process"]).split("|") if w]
            for fact, stems in self.doc.get("process_uses", {}).items():
                if fact not in facts and not any(s in w for w in words for s in stems):
                    facts[fact] = 0
        facts.setdefault("industry", code or "")     # a project-only query: no code, known
        projects = self.listf(facts, "project") if "project" in facts else []
        found = []
        for item in self.doc["items"]:
            by_code = code and any(code.startswith(c) for c in item["codes"])
            by_project = any(p in item["projects"] for p in projects)
            if by_code or by_project:
                found.append((item["number"], self.item(item, code or "", facts, sens)))
        cats = [c for _, c in found]
        if U in cats and not any(c == "报告书" for c in cats):
            return "UNKNOWN", [n for n, c in found if c is U]
        best = min((RANK.index(c), n) for n, c in found if c in RANK) if any(c in RANK for c in cats) else None
        return ("不纳入", []) if best is None else (RANK[best[0]], [best[1]])


# (code, facts, sensitive terms, expected category, expected item or None)
CASES = [
    # Yongkang hardware: electroplating / anodising (说明六) / coating thresholds / cut-weld-assemble only
    ("3311", {"process": "电镀|组装"}, [], "报告书", 66),
    ("3360", {"process": "阳极氧化"}, [], "报告书", 67),
    ("3360", {"process": "化学镀"}, [], "报告书", 67),
    ("3360", {"process": "热镀锌|钝化"}, [], "报告书", 67),
    ("3360", {"process": "热镀锌", "solvent_coating_tpa": 0, "lowvoc_coating_tpa": 0}, [], "报告表", 67),
    # `process` is the complete list: no coating process listed → no coatings used (process_uses)
    ("3360", {"process": "热镀锌"}, [], "报告表", 67),
    ("3311", {"process": "焊接|组装"}, [], "不纳入", None),
    ("3311", {"process": "静电喷涂|组装"}, [], "UNKNOWN", None),   # a coating word: the figures decide
    ("3311", {"process": "静电喷涂|组装", "solvent_coating_tpa": 10}, [], "报告书", 66),
    ("3311", {"solvent_coating_tpa": 12}, [], "报告书", 66),
    ("3389", {"process": "喷漆|组装", "solvent_coating_tpa": 10}, [], "报告书", 66),
    ("3389", {"process": "喷漆|组装", "solvent_coating_tpa": 9.9, "lowvoc_coating_tpa": 0}, [], "报告表", 66),
    ("3389", {"process": "分割|焊接|组装", "solvent_coating_tpa": 0}, [], "不纳入", None),
    ("3389", {"process": "切割|焊接", "solvent_coating_tpa": 0}, [], "不纳入", None),
    ("3389", {"process": "喷漆|组装", "solvent_coating_tpa": 2, "lowvoc_coating_tpa": 5}, [], "报告表", 66),
    ("3389", {"process": "喷涂|组装", "solvent_coating_tpa": 0, "lowvoc_coating_tpa": 5}, [], "不纳入", None),
    ("3389", {"process": "喷涂|组装", "solvent_coating_tpa": 0, "lowvoc_coating_tpa": 10}, [], "报告表", 66),
    ("3389", {"process": "喷涂|组装"}, [], "UNKNOWN", None),
    ("2110", {"process": "喷漆", "solvent_coating_tpa": 3, "industrial_building": "yes"}, [], "报告表", 36),
    ("2110", {"process": "喷漆", "solvent_coating_tpa": 3}, [], "UNKNOWN", None),
    ("2110", {"process": "喷漆", "solvent_coating_tpa": 3, "industrial_building": "no"}, [], "不纳入", None),
    ("2411", {"solvent_coating_tpa": 5, "industrial_building": "yes", "process": "喷漆",
              "lowvoc_coating_tpa": 0, "solvent_adhesive_tpa": 0, "solvent_treating_agent_tpa": 0}, [], "报告表", 40),
    # item 83: only 403 is starred
    ("4011", {"process": "机加工", "lowvoc_coating_tpa": 0, "solvent_coating_tpa": 0}, [], "报告表", 83),
    # gas stations (item 119)
    ("5265", {"in_urban_built_up": "yes", "construction": "新建"}, [], "报告表", 119),
    ("5265", {"in_urban_built_up": "no", "construction": "新建"}, [], "不纳入", None),
    (None, {"project": "加油站", "in_urban_built_up": "no", "construction": "新建"}, ["饮用水水源保护区"], "报告表", 119),
    (None, {"project": "加油站", "in_urban_built_up": "no", "construction": "新建"}, ["永久基本农田"], "不纳入", None),
    # thresholds exactly at / below
    ("4430", {"boiler_fuel": "燃煤", "boiler_tph": 65}, [], "报告表", 91),
    ("4430", {"boiler_fuel": "燃煤", "boiler_tph": 65.1}, [], "报告书", 91),
    ("4430", {"boiler_fuel": "天然气", "boiler_tph": 1}, [], "不纳入", None),
    ("4430", {"boiler_fuel": "天然气", "boiler_tph": 2}, [], "报告表", 91),
    ("8411", {"construction": "新建", "beds": 20}, [], "报告表", 108),
    ("8411", {"construction": "新建", "beds": 19}, [], "登记表", 108),
    ("8411", {"construction": "新建", "beds": 500}, [], "报告书", 108),
    ("0313", {"scale_farm": "yes", "pigs_out_per_year": 5000}, [], "报告书", 3),
    ("0313", {"scale_farm": "yes", "pigs_out_per_year": 4999}, [], "登记表", 3),
    ("0313", {"scale_farm": "yes", "pigs_out_per_year": 4999}, ["以居住为主要功能的区域"], "报告书", 3),
    ("0313", {"scale_farm": "no", "pigs_out_per_year": 100}, [], "不纳入", None),
    (None, {"project": "生活垃圾集中处置", "process": "焚烧", "daily_capacity_t": 10}, [], "报告表", 106),
    (None, {"project": "生活垃圾集中处置", "process": "焚烧", "daily_capacity_t": 9.9}, [], "登记表", 106),
    (None, {"project": "生活垃圾集中处置", "process": "焚烧", "daily_capacity_t": 0.5}, [], "不纳入", None),
    (None, {"project": "污水处理", "construction": "新建", "wastewater_type": "城乡污水",
            "daily_treatment_t": 100000}, [], "报告书", 95),
    ("4620", {"construction": "新建", "wastewater_type": "城乡污水", "daily_treatment_t": 499,
              "project": "污水处理"}, [], "登记表", 95),
    ("4620", {"construction": "新建", "wastewater_type": "城乡污水", "daily_treatment_t": 499}, [], "UNKNOWN", None),
    # sensitive areas count only where the item's 含义 column lists them
    ("1200", {}, ["饮用水水源保护区"], "报告表", 14),
    ("1200", {}, ["永久基本农田"], "登记表", 14),
    ("2710", {"process": "合成"}, [], "报告书", 47),
    ("2720", {"process": "制剂"}, [], "报告表", 47),
    ("4415", {"onshore": "yes", "installed_kw": 50000}, ["自然保护区"], "报告书", 90),
    ("4415", {"onshore": "yes", "installed_kw": 50000}, ["永久基本农田"], "报告表", 90),
    ("4415", {"onshore": "yes", "installed_kw": 50000}, [], "报告表", 90),
    ("4416", {"pv_type": "分布式", "installed_kw": 500, "grid_voltage_kv": 0.4}, [], "登记表", 90),
    ("4416", {"pv_type": "地面集中", "installed_kw": 6000, "grid_voltage_kv": 10}, [], "登记表", 90),
    ("4416", {"pv_type": "地面集中", "installed_kw": 6001, "grid_voltage_kv": 10}, [], "报告表", 90),
    ("4416", {"pv_type": "居民家用"}, [], "不纳入", None),
    ("9999", {}, [], "不纳入", None),            # not a GB/T code (redline refuses it: usage error)
    ("5211", {}, [], "不纳入", None),            # 百货零售: a GB/T code no item covers (第五条)
    ("2319", {"process": "胶印", "solvent_ink_tpa": 10, "industrial_building": "yes"}, [], "报告书", 39),
    ("2319", {"process": "胶印", "solvent_ink_tpa": 0, "lowvoc_ink_tpa": 5, "industrial_building": "yes"}, [],
     "不纳入", None),
    ("2319", {"process": "胶印", "solvent_ink_tpa": 2, "lowvoc_ink_tpa": 5, "industrial_building": "yes"}, [],
     "报告表", 39),
    ("2319", {"process": "激光印刷", "solvent_ink_tpa": 0, "industrial_building": "yes"}, [], "不纳入", None),
    ("1011", {"project": "河道采砂"}, ["自然保护区"], "不纳入", None),
    ("1011", {"project": "采石场", "process": "开采|破碎"}, ["自然保护区"], "报告书", 11),
    ("1011", {"project": "采石场", "process": "开采|破碎"}, ["永久基本农田"], "报告表", 11),
    ("0810", {"process": "矿石破碎|集运"}, [], "报告表", 9),
    ("0810", {"process": "采矿|选矿"}, [], "报告书", 9),
    ("1030", {"product": "井盐"}, [], "报告书", 13),
    ("4411", {"energy": "天然气", "construction": "新建"}, [], "报告表", 87),
    ("4411", {"energy": "燃煤", "construction": "新建"}, [], "报告书", 87),
    ("4411", {"energy": "余热"}, [], "不纳入", None),
    ("4415", {"installed_kw": 20000, "onshore": "yes"}, [], "报告表", 90),
    ("4415", {"installed_kw": 20000}, [], "UNKNOWN", None),
    ("4415", {"installed_kw": 50000, "onshore": "no"}, [], "报告书", 151),
    ("4415", {"installed_kw": 20000, "onshore": "no"}, [], "报告表", 151),
    ("4415", {"installed_kw": 20000, "onshore": "no"}, ["海洋公园"], "报告书", 151),
    ("4419", {"energy": "潮汐能", "installed_kw": 20000, "onshore": "no"}, [], "报告书", 151),
    ("4419", {"energy": "地热", "installed_kw": 20000, "onshore": "yes"}, [], "报告表", 90),
    ("1512", {"process": "发酵", "annual_output_kl": 1000, "industrial_building": "yes"}, [], "报告书", 25),
    ("1512", {"process": "发酵", "annual_output_kl": 999, "industrial_building": "yes"}, [], "报告表", 25),
    ("3041", {}, [], "报告书", 57),
    ("3054", {"process": "熔制|成型"}, [], "报告表", 57),
    ("3054", {"process": "电加热|熔制"}, [], "不纳入", None),
    ("8431", {"construction": "新建"}, [], "报告书", 109),
    ("8431", {"construction": "改建"}, [], "报告表", 109),
    (None, {"project": "铁路", "construction": "新建", "rail_line_type": "专用线", "length_km": 30}, [],
     "报告表", 132),
    (None, {"project": "铁路", "construction": "新建", "rail_line_type": "专用线", "length_km": 30.5}, [],
     "报告书", 132),
    (None, {"project": "等级公路", "construction": "新建", "road_grade": "二级公路", "length_km": 30}, [],
     "报告表", 130),
    (None, {"project": "等级公路", "construction": "新建", "road_grade": "二级公路", "length_km": 31}, [],
     "报告书", 130),
    (None, {"project": "等级公路", "construction": "新建", "road_grade": "三级公路"}, [], "登记表", 130),
    (None, {"project": "人工湖", "volume_m3": 50000, "water_ratio": 0.1}, ["自然保护区"], "报告书", 114),
    (None, {"project": "人工湖", "volume_m3": 49999, "water_ratio": 0.1}, ["自然保护区"], "报告表", 114),
    (None, {"project": "人工湖", "volume_m3": 49999, "water_ratio": 0.1}, [], "登记表", 114),
    (None, {"project": "VOCs治理工程"}, [], "登记表", 100),
    (None, {"project": "海上风电", "installed_kw": 60000}, [], "报告书", 151),
    (None, {"project": "潮汐发电", "installed_kw": 1000}, [], "报告表", 151),
    (None, {"project": "加气站", "in_urban_built_up": "yes", "construction": "新建"}, [], "不纳入", None),
    (None, {"project": "无线通讯"}, [], "登记表", 166),
    # 第四条: a plant of two components takes the higher
    ("3311", {"process": "切割|焊接", "solvent_coating_tpa": 0, "project": "供热工程", "boiler_fuel": "天然气",
              "boiler_tph": 4}, [], "报告表", 91),
    ("3110", {}, [], "报告书", 61),
    # 第四条: several components, the highest
    (None, {"project": "标准厂房"}, ["以居住为主要功能的区域"], "报告表", 97),
    (None, {"project": "宾馆"}, ["以居住为主要功能的区域"], "不纳入", None),
    (None, {"project": "输变电工程", "voltage_kv": 110}, [], "报告表", 161),
    (None, {"project": "输变电工程", "voltage_kv": 35}, [], "不纳入", None),
    (None, {"project": "输变电工程", "voltage_kv": 330}, ["以居住为主要功能的区域"], "报告书", 161),
]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "src", "data", "eia_catalog_2021.json")
    with open(path, encoding="utf-8") as f:
        reader = Reader(json.load(f))
    bad = 0
    for code, facts, sens, cat, item in CASES:
        got, items = reader.answer(code, facts, sens)
        ok = got == cat and (item is None or items == [item])
        if not ok:
            bad += 1
            print(f"FAIL {code} {facts} {sens}: expected {cat} item {item}, got {got} {items}")
    print(f"{len(CASES)} cases, {bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
