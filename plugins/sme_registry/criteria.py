"""Programme criteria checked against a platform's reported figures.

A criterion is `{metric, min|max, clause}`, optionally limited to a function
(`when_function`) or category (`when_category`), or a combination (`any_of`,
`all_of`).  RECORDS.md: a criterion is checked against the latest reported year
before the recognition; a missing metric is "not reported", never a pass.
`years_registered` and `functions_count` are computed, not written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .records import Platform

PASS, FAIL, NOT_REPORTED, NOT_APPLICABLE = "pass", "fail", "not_reported", "not_applicable"
RESULT_LABELS = {PASS: "符合", FAIL: "不符合", NOT_REPORTED: "未报送", NOT_APPLICABLE: "不适用"}

METRIC_LABELS = {
    "years_registered": ("注册登记年限", "年"),
    "total_assets": ("资产总额", "万元"),
    "service_staff": ("服务人员", "人"),
    "qualified_staff_share": ("大专及以上学历和中级及以上职称人员占比", ""),
    "partner_institutions": ("集聚服务机构", "家"),
    "discounted_service_share": ("优惠服务占比", ""),
    "enterprises_served": ("年服务企业数", "家"),
    "satisfaction": ("用户满意度", ""),
    "functions_count": ("服务功能数", "项"),
    "training_person_times": ("年培训人次", "人次"),
    "financing_arranged": ("帮助中小企业融资总额", "万元"),
    "new_guarantees": ("年新增担保额", "万元"),
    "information_offline_enterprises": ("信息服务线下年服务企业数", "家"),
    "information_activities": ("信息服务年活动次数", "次"),
    "technology_activities": ("技术服务年活动次数", "次"),
    "entrepreneurship_activities": ("创业服务年活动次数", "次"),
    "financing_activities": ("融资服务年活动次数", "次"),
}
SHARE_METRICS = {"qualified_staff_share", "discounted_service_share", "satisfaction"}


def format_value(metric: str, value) -> str:
    if value is None:
        return "未报送"
    if metric in SHARE_METRICS:
        return f"{value * 100:g}%"
    unit = METRIC_LABELS.get(metric, ("", ""))[1]
    return f"{value:g}{unit}" if isinstance(value, (int, float)) else str(value)


def describe(criterion: dict) -> str:
    """A criterion in words: 资产总额不低于50万元."""
    if "any_of" in criterion:
        return "或".join(f"（{describe(c)}）" for c in criterion["any_of"])
    if "all_of" in criterion:
        return "且".join(f"（{describe(c)}）" for c in criterion["all_of"])
    m = criterion["metric"]
    label = METRIC_LABELS[m][0]
    parts = []
    if "min" in criterion:
        parts.append(f"不低于{format_value(m, criterion['min'])}")
    if "max" in criterion:
        parts.append(f"不高于{format_value(m, criterion['max'])}")
    return label + "、".join(parts)


@dataclass
class Outcome:
    criterion: dict
    result: str
    value: object = None              # the figure compared (for a single metric)
    parts: list["Outcome"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return describe(self.criterion)


def metrics_before(platform: Platform, day: dt.date) -> tuple[int | None, dict]:
    """The latest reported year strictly before `day`'s year, and its figures."""
    years = [y for y in platform.metrics if y < day.year]
    if not years:
        return None, {}
    y = max(years)
    return y, platform.metrics[y]


def figures(platform: Platform, day: dt.date) -> tuple[int | None, dict]:
    year, reported = metrics_before(platform, day)
    values = dict(reported)
    op = platform.operator
    if op and op.registered_on:
        years = day.year - op.registered_on.year - ((day.month, day.day) < (op.registered_on.month, op.registered_on.day))
        values["years_registered"] = years
    if platform.functions:
        values["functions_count"] = len(platform.functions)
    return year, values


def evaluate(criterion: dict, values: dict, functions: list[str], category: str | None) -> Outcome:
    fn = criterion.get("when_function")
    if fn and fn not in functions:
        return Outcome(criterion, NOT_APPLICABLE)
    cat = criterion.get("when_category")
    if cat:
        if category is None:
            return Outcome(criterion, NOT_REPORTED)
        if category != cat:
            return Outcome(criterion, NOT_APPLICABLE)
    if "any_of" in criterion or "all_of" in criterion:
        combine_any = "any_of" in criterion
        parts = [evaluate(c, values, functions, category) for c in criterion.get("any_of") or criterion["all_of"]]
        results = {p.result for p in parts if p.result != NOT_APPLICABLE}
        if not results:
            result = NOT_APPLICABLE
        elif combine_any:
            result = PASS if PASS in results else (NOT_REPORTED if NOT_REPORTED in results else FAIL)
        else:
            result = FAIL if FAIL in results else (NOT_REPORTED if NOT_REPORTED in results else PASS)
        return Outcome(criterion, result, parts=parts)
    value = values.get(criterion["metric"])
    if value is None:
        return Outcome(criterion, NOT_REPORTED)
    ok = ("min" not in criterion or value >= criterion["min"]) and ("max" not in criterion or value <= criterion["max"])
    return Outcome(criterion, PASS if ok else FAIL, value)


def check_platform(criteria: list[dict], platform: Platform, day: dt.date) -> tuple[int | None, list[Outcome]]:
    year, values = figures(platform, day)
    return year, [evaluate(c, values, platform.functions, platform.category) for c in criteria]
