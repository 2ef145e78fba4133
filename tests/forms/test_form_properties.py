"""Any form a clerk may write in the block language (the form schema) renders — no traceback stops
the site build — and the DOCX says what the record says; the XLSX too when it has one table.

Examples per test: SME_PROPERTY_EXAMPLES (default 120) / 8; about ten seconds.
"""
from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formkit import docx_problems, xlsx_problems

from registry_site import formfiles

EXAMPLES = max(10, int(os.environ.get("SME_PROPERTY_EXAMPLES", "120")) // 8)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SUFFIXES = ["", "名称", "日期", "数量", "占比", "情况说明"]


class Labels:
    """Unique Chinese labels (a record repeats none where it matters), with the endings that
    change the layout: …名称 wide, …日期 a date, 是否… yes/no."""

    def __init__(self, draw):
        self.draw, self.n = draw, 0

    def __call__(self, suffixes=SUFFIXES) -> str:
        self.n += 1
        prefix = self.draw(st.sampled_from(["项目", "是否核查", "服务", "其中：大专及以上学历和中级及以上技术职称的专业人员"]))
        return f"{prefix}{'甲乙丙丁戊己庚辛壬癸'[self.n % 10]}{self.n}{self.draw(st.sampled_from(suffixes))}"


@st.composite
def columns(draw, labels, depth=2):
    cols = []
    for _ in range(draw(st.integers(1, 6))):
        if depth > 1 and draw(st.integers(0, 4)) == 0:
            cols.append({"label": labels(), "children": draw(columns(labels, depth - 1))})
        else:
            cols.append(labels())
    return cols


@st.composite
def block(draw, labels):
    k = draw(st.sampled_from(["heading", "paragraph", "fields", "table", "checkboxes", "text", "signature",
                              "page_break"]))
    if k == "heading":
        level = draw(st.sampled_from([None, 1, 2, 3]))
        return {"heading": labels() if level is None else {"text": labels(), "level": level}}
    if k == "paragraph":
        return {"paragraph": labels() + "，____（单位名称）____符合要求。"}
    if k == "fields":
        items = []
        for _ in range(draw(st.integers(1, 9))):
            unit = draw(st.sampled_from(["", "万元", "台（套）", "%"]))
            span = draw(st.integers(1, 4))
            items.append(labels() if not unit and span == 1 else {"label": labels(), "unit": unit, "span": span})
        out = {"items": items}
        if draw(st.booleans()):
            out["columns"] = draw(st.integers(1, 4))
        return {"fields": out}
    if k == "table":
        t = {"columns": draw(columns(labels)), "rows": draw(st.integers(0, 35))}
        for key in ("caption", "note", "footer"):
            if draw(st.integers(0, 3)) == 0:
                t[key] = labels()
        return {"table": t}
    if k == "checkboxes":
        return {"checkboxes": {"label": labels(), "options": [labels([""]) for _ in range(draw(st.integers(1, 6)))]}}
    if k == "text":
        return {"text": {"label": labels(["", "：", "意见："]), "lines": draw(st.integers(1, 12))}}
    if k == "signature":
        sig = {"date": draw(st.booleans())}
        seal = draw(st.sampled_from(["true", "list", "none"]))
        if seal == "true":
            sig["seal"] = True
        elif seal == "list":
            sig["seal"] = draw(st.lists(st.sampled_from(["（盖章）", "（章）", "（被核查单位盖章）", "申报单位（盖章）"]),
                                        min_size=1, max_size=2, unique=True))
        if draw(st.booleans()):
            sig["signer"] = "法定代表人（签字）"
        if draw(st.integers(0, 3)) == 0:
            sig["label"] = labels()
        return {"signature": sig}
    return {"page_break": True}


@st.composite
def forms(draw, fmt):
    labels = Labels(draw)
    cover = {}
    if fmt == "docx" and draw(st.booleans()):
        cover = {"title_lines": [labels([""]) for _ in range(draw(st.integers(1, 3)))],
                 "fields": draw(st.lists(st.sampled_from(["平台运营单位名称", "推荐县（市、区）", "填报日期",
                                                          "申请单位名称（盖章）"]), max_size=4, unique=True)),
                 "maker": labels([""]) + "制"}
    blocks = [draw(block(labels)) for _ in range(draw(st.integers(1, 10)))]
    notes = [labels([""]) + "。" for _ in range(draw(st.integers(0, 4)))]
    return SimpleNamespace(id="prop-form", title="表单" + labels([""]), format=fmt, cover=cover, blocks=blocks,
                           notes=notes, source_name="附件1")


@SETTINGS
@given(forms("docx"))
def test_any_docx_form_renders_faithfully(form):
    data = formfiles.render(form, day=dt.date(2024, 11, 11))
    assert docx_problems(data, form) == []
    assert formfiles.render(form, day=dt.date(2024, 11, 11)) == data


@SETTINGS
@given(forms("xlsx"))
def test_any_xlsx_form_renders(form):
    data = formfiles.render(form, day=dt.date(2024, 11, 11))
    tables = [b for b in form.blocks if "table" in b]
    if len(tables) == 1:
        assert xlsx_problems(data, form) == []
    assert formfiles.render(form, day=dt.date(2024, 11, 11)) == data
