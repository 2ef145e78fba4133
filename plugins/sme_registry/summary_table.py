"""A programme's summary table (汇总表) filled from the platform records, for staff.

    table = summary_table(reg, "henan-province", 2024)                 # platforms recognised in 2024
    table = summary_table(reg, "henan-province", publicity="demo-henan-2024-publicity")
    data = to_xlsx(table, day)                                          # the filled workbook

The table is the programme's published xlsx form with a table (henan-2024-summary-table
for henan-province), rendered as the download is, with one row per platform.  Each
column is filled from the records when its label names something they hold:

    平台名称            platform name
    运营单位名称        operator name
    平台类别            service functions, as 汇总表注2 asks (信息、技术、培训、创业、融资);
                        the category (综合性/专业性) when the functions are unknown
    所在县区            the county (with its city for a provincial or national table)
    注册登记时间        operator.registered_on
    资产总额 …          the figures of the latest year reported before YEAR (上年末, 注3):
                        total_assets, service_staff, partner_institutions,
                        discounted_service_share, enterprises_served
    备注                the figures' year when it is not YEAR − 1

Everything else (是否现场核查, 是否与单位主要负责人面谈) is left blank for the bureau, and a
value the record does not know is left blank, never guessed (RECORDS.md).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from . import criteria, regions
from .records import CATEGORY_LABELS, FUNCTION_LABELS, Form, Platform, Programme
from .registry import Registry

METRIC_COLUMNS = {
    "资产总额": "total_assets",
    "上年末资产总额": "total_assets",
    "服务人员数量": "service_staff",
    "服务人员数": "service_staff",
    "集聚服务机构数量": "partner_institutions",
    "集聚服务机构数": "partner_institutions",
    "优惠服务占比": "discounted_service_share",
    "年服务企业数": "enterprises_served",
    "年服务企业数量": "enterprises_served",
    "用户满意度": "satisfaction",
}
REGION_COLUMNS = ("所在县区", "所在县（市、区）", "所在地", "所在地区")
YEAR_IN_TITLE = re.compile(r"(\d{4})年度")


class SummaryTableError(Exception):
    """Something a clerk must fix or choose; the message says what, in Chinese."""


@dataclass
class SummaryTable:
    form: Form                         # the form as it will be written (title year adjusted)
    programme: Programme
    year: int
    source: str                        # where the rows come from, in words
    platforms: list[Platform]
    columns: list[str]                 # the table's column labels
    rows: list[dict]                   # {column label: value}, one per platform
    blank_columns: list[str]           # columns no record can fill (left for the bureau)
    missing: list[tuple[str, list[str]]] = field(default_factory=list)   # (platform name, columns it leaves blank)
    figures_year: dict[str, int | None] = field(default_factory=dict)    # platform id -> year of its figures
    title_changed_from: str = ""       # the source title, when its year was changed to YEAR


def _table_block(form: Form) -> dict | None:
    for block in form.blocks:
        if "table" in block:
            return block["table"]
    return None


def _leaves(columns: list) -> list[str]:
    out = []
    for c in columns:
        out.extend([c] if isinstance(c, str) else _leaves(c["children"]))
    return out


def find_form(reg: Registry, programme_id: str, form_id: str | None = None) -> Form:
    """The programme's summary table: the form named, or its one published xlsx form with a table."""
    if form_id:
        form = reg.forms.get(form_id)
        if form is None:
            raise SummaryTableError(f"没有编号为“{form_id}”的表单（registry/forms/{form_id}.yaml）。")
        candidates = [form]
    else:
        candidates = [f for f in reg.forms.values() if f.programme == programme_id and f.format == "xlsx"]
        if not candidates:
            raise SummaryTableError(f"认定项目“{programme_id}”没有 Excel 格式的汇总表表单。可以用 --form 指定表单编号。")
    usable = [f for f in candidates if f.published and _table_block(f)]
    if not usable:
        f = candidates[0]
        why = f"：{f.unpublished_reason}" if not f.published and f.unpublished_reason else "。"
        raise SummaryTableError(f"表单“{f.title}”（{f.id}）未公布或没有表格，不能填写{why}")
    if len(usable) > 1:
        names = "、".join(f"{f.id}（{f.title}）" for f in sorted(usable, key=lambda f: f.id))
        raise SummaryTableError(f"认定项目“{programme_id}”有多个汇总表：{names}。请用 --form 指定一个。")
    return usable[0]


def select_platforms(reg: Registry, programme: Programme, year: int | None, publicity_id: str | None,
                     platform_ids: list[str] | None) -> tuple[list[Platform], str, int]:
    """The platforms to list, a description of where they come from, and the year."""
    if platform_ids:
        unknown = [p for p in platform_ids if p not in reg.platforms]
        if unknown:
            raise SummaryTableError("没有这些平台记录：" + "、".join(unknown) + "（registry/platforms/<编号>.yaml）。")
        if year is None:
            raise SummaryTableError("请用 --year 写明年度，例如 --year 2024。")
        return [reg.platforms[p] for p in platform_ids], "命令行指定的平台", year
    if publicity_id:
        pub = reg.publicity.get(publicity_id)
        if pub is None:
            raise SummaryTableError(f"没有编号为“{publicity_id}”的公示名单（publicity/{publicity_id}.yaml）。")
        if pub.programme != programme.id:
            raise SummaryTableError(f"公示名单“{pub.title}”属于认定项目“{pub.programme}”，不是“{programme.id}”。")
        year = year or pub.starts_on.year
        return [reg.platforms[e] for e in pub.entries if e in reg.platforms], f"公示名单：{pub.title}", year
    if year is None:
        raise SummaryTableError("请用 --year 写明年度（例如 --year 2024），或用 --publicity 指定公示名单。")
    chosen = []
    for pl in sorted(reg.platforms.values(), key=lambda p: (p.region, p.name, p.id)):
        if any(r.programme == programme.id and r.on.year == year for r in pl.recognitions):
            chosen.append(pl)
    if not chosen:
        raise SummaryTableError(f"登记库中没有 {year} 年认定为“{programme.name}”的平台。"
                                "可以用 --publicity 按公示名单填写，或用 --platform 逐个指定平台。")
    return chosen, f"{year} 年认定为{programme.name}的平台", year


def region_text(code: str, programme: Programme) -> str:
    r = regions.lookup(code)
    if r is None:
        return ""
    if programme.level in ("city", "county") or r.level != "county":
        return r.name
    city = regions.lookup(code[:4] + "00")
    city_name = city.name if city and city.name not in ("市辖区", "县", "省直辖县级行政区划") else ""
    if programme.level == "national":
        province = regions.lookup(code[:2] + "0000")
        return (province.name if province else "") + (city_name if city_name != (province.name if province else "") else "") + r.name
    return city_name + r.name


def category_text(pl: Platform) -> str:
    if pl.functions:
        return "、".join(FUNCTION_LABELS[f].removesuffix("服务") for f in pl.functions)
    return CATEGORY_LABELS.get(pl.category, "")


def row_for(pl: Platform, programme: Programme, year: int, columns: list[str]) -> tuple[dict, list[str], int | None]:
    """(values by column, columns this record leaves blank, year of the figures used)."""
    fig_year, figures = criteria.metrics_before(pl, dt.date(year, 1, 1))
    values: dict = {}
    blank: list[str] = []
    for label in columns:
        value = None
        known = True
        if label == "平台名称":
            value = pl.name
        elif label in ("运营单位名称", "运营单位"):
            value = pl.operator.name
        elif label in ("统一社会信用代码", "运营单位统一社会信用代码"):
            value = pl.operator.credit_code
        elif label == "平台类别":
            value = category_text(pl) or None
        elif label in REGION_COLUMNS:
            value = region_text(pl.region, programme) or None
        elif label in ("注册登记时间", "注册时间", "注册日期", "成立时间"):
            value = pl.operator.registered_on
        elif label in METRIC_COLUMNS:
            value = figures.get(METRIC_COLUMNS[label])
        elif label in ("网址", "平台网址"):
            value = pl.website
        else:
            known = False
        if value is not None:
            values[label] = value
        elif known:
            blank.append(label)
    if "备注" in columns and fig_year is not None and fig_year != year - 1 and any(
            METRIC_COLUMNS.get(c) in figures for c in columns):
        values["备注"] = f"资产等数据为{fig_year}年度"
    return values, blank, fig_year


def summary_table(reg: Registry, programme_id: str, year: int | None = None, *, publicity: str | None = None,
                  platforms: list[str] | None = None, form_id: str | None = None) -> SummaryTable:
    programme = reg.programmes.get(programme_id)
    if programme is None:
        known = "、".join(sorted(reg.programmes))
        raise SummaryTableError(f"没有编号为“{programme_id}”的认定项目。现有：{known}。")
    form = find_form(reg, programme_id, form_id)
    chosen, source, year = select_platforms(reg, programme, year, publicity, platforms)
    columns = _leaves(_table_block(form)["columns"])
    rows, missing, years = [], [], {}
    for pl in chosen:
        values, blank, fig_year = row_for(pl, programme, year, columns)
        rows.append(values)
        years[pl.id] = fig_year
        if blank:
            missing.append((pl.name, blank))
    fillable = {"序号", "平台名称", "运营单位名称", "运营单位", "统一社会信用代码", "运营单位统一社会信用代码", "平台类别",
                "注册登记时间", "注册时间", "注册日期", "成立时间", "网址", "平台网址", "备注",
                *REGION_COLUMNS, *METRIC_COLUMNS}
    blank_columns = [c for c in columns if c not in fillable]
    # the title names the year of its call (推荐2024年度…); a table for another year says that year
    title, changed = form.title, ""
    years_in_title = YEAR_IN_TITLE.findall(title)
    if len(years_in_title) == 1 and int(years_in_title[0]) != year:
        changed = title
        title = YEAR_IN_TITLE.sub(f"{year}年度", title)
    filled = dataclasses.replace(form, title=title)
    return SummaryTable(filled, programme, year, source, chosen, columns, rows, blank_columns, missing, years, changed)


def to_xlsx(table: SummaryTable, day: dt.date | None = None) -> bytes:
    """The filled workbook, laid out as the site's download of the same form."""
    from registry_site import formfiles   # the renderer lives with the site's downloads (python-docx, openpyxl)
    return formfiles.render(table.form, programme_name=table.programme.name, day=day, rows=table.rows)


def report(table: SummaryTable, path: str) -> str:
    """What was written, what is blank and why: for the clerk, in Chinese."""
    lines = [f"已生成 {path}：{table.form.title}，{len(table.rows)} 个平台（{table.source}）。"]
    if table.title_changed_from:
        lines.append(f"表名中的年度已按 {table.year} 年填写（原表名：{table.title_changed_from}）。")
    for i, pl in enumerate(table.platforms, 1):
        y = table.figures_year.get(pl.id)
        note = f"资产等数据取自 {y} 年度" if y else "没有报送年度数据"
        lines.append(f"  {i}. {pl.name}（{pl.id}）：{note}")
    if table.blank_columns:
        lines.append("留空，由主管部门填写：" + "、".join(table.blank_columns) + "。")
    for name, cols in table.missing:
        lines.append(f"记录中没有，已留空：{name} 的 " + "、".join(cols) + "。")
    return "\n".join(lines)
