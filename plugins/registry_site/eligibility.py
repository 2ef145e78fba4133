"""The eligibility self-check (/programmes/<id>/check/): what the page and its script need.

One definition: the criteria published here are the programme record's `criteria`, unchanged,
as the validator reads them (sme_registry.rules.rule_criteria -> criteria.evaluate).  The build
writes them, with the labels and units to show, as `programmes/<id>/criteria.json` and embeds the
same JSON in the check page (a data attribute of the form), where theme/static/js/eligibility.js
evaluates them exactly as criteria.evaluate does (tests/site/test_eligibility.py runs both over
generated inputs).  The page therefore requests nothing after loading, and nothing the enterprise
types leaves the browser.

The reference dates follow the validator: `years_registered` is whole years from the operator's
registration date to the day of the check (criteria.figures), and figures are those of the latest
year before that day's year (criteria.metrics_before), i.e. the year before the application.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from sme_registry import criteria as crit
from sme_registry.records import CATEGORY_LABELS, FUNCTION_LABELS

from . import views
from .output import emit

COMPUTED = {"years_registered", "functions_count"}   # criteria.figures computes these, nobody types them
# The enterprise's words for the four outcomes (the validator says 未报送 to staff; here nothing is 'reported')
RESULTS = {crit.PASS: "符合", crit.FAIL: "不符合", crit.NOT_REPORTED: "未填写", crit.NOT_APPLICABLE: "不适用"}
FORMAT_VERSION = 1


@dataclass
class Row:
    """One criterion (or a part of an any_of/all_of) as the results table shows it."""
    path: str                 # "3" or "3.0.1": where the script writes its verdict
    text: str                 # criteria.describe
    scope: str                # 具有培训服务功能的平台 / 综合性平台 / ""
    clause: str
    note: str
    combine: str              # "any_of" | "all_of" | ""
    parts: list["Row"] = field(default_factory=list)


@dataclass
class MetricInput:
    metric: str
    label: str
    unit: str                 # 万元, 人 …; "%" for shares
    share: bool


@dataclass
class FunctionGroup:
    function: str
    label: str
    metrics: list[MetricInput]


@dataclass
class CheckPage:
    programme: str
    document: dict            # criteria.json, the same bytes as embedded in the page
    json: str
    rows: list[Row]
    base_metrics: list[MetricInput]        # the year's figures every platform gives
    function_groups: list[FunctionGroup]   # figures asked only of a platform with that function
    asks_registration: bool
    asks_functions: bool
    asks_category: bool
    functions: dict
    categories: dict

    @property
    def has_criteria(self) -> bool:
        return bool(self.rows)

    @property
    def title(self) -> str:
        """申报条件自查, or 申报须知 where the sources give no checkable condition."""
        return "申报条件自查" if self.rows else "申报须知"

    @property
    def json_attribute(self) -> Markup:
        """The JSON for a single-quoted attribute: & ' < > escaped, double quotes kept as they are
        (a third of the bytes of Jinja's escaping, which turns every " into &#34;)."""
        return Markup(self.json.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;"))


def _walk(criterion: dict, function: str | None = None):
    """(metric, the when_function it is asked under) for every metric in a criterion, in order."""
    function = criterion.get("when_function") or function
    if "metric" in criterion:
        yield criterion["metric"], function
    for part in criterion.get("any_of") or criterion.get("all_of") or []:
        yield from _walk(part, function)


def _keys(criterion: dict, key: str):
    if criterion.get(key):
        yield criterion[key]
    for part in criterion.get("any_of") or criterion.get("all_of") or []:
        yield from _keys(part, key)


def _row(criterion: dict, path: str) -> Row:
    view = views.criterion_view(criterion)
    combine = "any_of" if "any_of" in criterion else ("all_of" if "all_of" in criterion else "")
    parts = [_row(c, f"{path}.{i}") for i, c in enumerate(criterion.get(combine) or [])] if combine else []
    return Row(path, view.text, view.condition, view.clause, criterion.get("note", ""), combine, parts)


def _metric_input(metric: str) -> MetricInput:
    label, unit = crit.METRIC_LABELS[metric]
    share = metric in crit.SHARE_METRICS
    return MetricInput(metric, label, "%" if share else unit, share)


def _metric_doc(metric: str) -> dict:
    """label and unit (money in 万元); share: true for a fraction (0.8 = 80%); computed: true for a
    figure the check computes (years_registered from the registration date, functions_count)."""
    label, unit = crit.METRIC_LABELS[metric]
    doc = {"label": label, "unit": unit}
    if metric in crit.SHARE_METRICS:
        doc["share"] = True
    if metric in COMPUTED:
        doc["computed"] = True
    return doc


def document(programme: views.ProgrammeView, criteria: list[dict]) -> dict:
    """criteria.json: the record's criteria unchanged, plus what the script shows with them."""
    metrics = list(dict.fromkeys(m for c in criteria for m, _ in _walk(c)))
    return {
        "format": FORMAT_VERSION,
        "programme": programme.id,
        "name": programme.name,
        "criteria": criteria,
        "metrics": {m: _metric_doc(m) for m in metrics},
        "results": RESULTS,
        "requires": [{"id": link.id, "name": link.title} for link in programme.requires],
        "name_must_not_contain": list(programme.name_must_not_contain),
    }


def check_page(programme: views.ProgrammeView, criteria: list[dict]) -> CheckPage:
    doc = document(programme, criteria)
    # A figure asked under one function only goes in that function's fieldset; any other in the
    # fieldset of the year's figures.  Each figure has one input.
    asked: dict[str, set] = {}
    for c in criteria:
        for metric, function in _walk(c):
            if metric not in COMPUTED:
                asked.setdefault(metric, set()).add(function)
    base, by_function = [], {}
    for metric, functions in asked.items():
        only = next(iter(functions)) if len(functions) == 1 else None
        (by_function.setdefault(only, []) if only else base).append(_metric_input(metric))
    groups = [FunctionGroup(f, FUNCTION_LABELS[f], by_function[f]) for f in FUNCTION_LABELS if f in by_function]
    asks_functions = any(True for c in criteria for _ in _keys(c, "when_function")) or "functions_count" in doc["metrics"]
    asks_category = any(True for c in criteria for _ in _keys(c, "when_category"))
    return CheckPage(
        programme.id, doc, json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
        [_row(c, str(i)) for i, c in enumerate(criteria)], base, groups,
        asks_registration="years_registered" in doc["metrics"], asks_functions=asks_functions,
        asks_category=asks_category, functions=dict(FUNCTION_LABELS) if asks_functions else {},
        categories=dict(CATEGORY_LABELS) if asks_category else {})


def write_json(out: Path, page: CheckPage) -> str:
    """programmes/<id>/criteria.json (UTF-8, the bytes the check page embeds)."""
    url = f"programmes/{page.programme}/criteria.json"
    return emit(out, url, page.json + "\n")
