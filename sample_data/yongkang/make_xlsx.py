#!/usr/bin/python3
"""Writes the two workbooks of the sample with openpyxl (as Excel/WPS would):
applications.xlsx — applications.csv as a bureau's sheet (a title row, Chinese
column titles); applications_template.xlsx — the columns a bureau fills in,
with two example rows and a sheet of instructions. Run from anywhere:
  /usr/bin/python3 sample_data/yongkang/make_xlsx.py"""
import csv
import os

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = os.path.dirname(os.path.abspath(__file__))
TITLES = {"id": "项目编号", "name": "项目名称", "industry": "行业代码", "voc_tpa": "voc_tpa",
          "investment_wan": "投资额（万元）", "wkt": "wkt"}


def title_row(ws, text, width):
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")


def applications():
    with open(os.path.join(HERE, "applications.csv"), encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报项目"
    cols = list(rows[0].keys())
    title_row(ws, "永康市建设项目环境准入申报汇总表（示例数据）", len(cols))
    ws.append([TITLES.get(c, c) for c in cols])
    for r in rows:
        ws.append([r[c] if r[c] != "" else None for c in cols])
    wb.save(os.path.join(HERE, "applications.xlsx"))


def template():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    head = ["项目编号", "项目名称", "行业代码", "经度", "纬度", "voc_tpa", "投资额（万元）"]
    title_row(ws, "建设项目环境准入申报表", len(head))
    ws.append(head)
    ws.append(["示例-001", "永康市某五金制品有限公司年产10万樘钢质门项目", 3312, "120°04′32.47″", "28°52′16.57″",
               1.37, 8000])
    ws.append(["示例-002", "永康市某电镀有限公司表面处理项目", "C3360", 120.0612, 28.9046, 3.2, 1500])
    for col, w in zip("ABCDEFG", (14, 44, 10, 16, 16, 10, 14)):
        ws.column_dimensions[col].width = w
    notes = wb.create_sheet("填表说明")
    for line in [
        ["列", "填写要求"],
        ["项目编号", "每个项目一个编号，不可重复"],
        ["项目名称", "项目全称"],
        ["行业代码", "GB/T 4754-2017 国民经济行业代码，如 3312 或 C3312（填成数字也可）"],
        ["经度、纬度", "CGCS2000 / WGS84 经纬度：十进制度（120.0756850）或度分秒（120°04′32.47″、东经120度4分32.47秒）"],
        ["voc_tpa", "新增挥发性有机物排放量，吨/年（总量核算用；可写 1.5 或 1.5吨）"],
        ["其他列", "原样保留在核查结果中"],
    ]:
        notes.append(line)
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["B"].width = 90
    wb.save(os.path.join(HERE, "applications_template.xlsx"))


applications()
template()
print("wrote applications.xlsx, applications_template.xlsx")
