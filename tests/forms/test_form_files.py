"""The editable downloads (issue 5): every published form's DOCX/XLSX, opened with python-docx and
openpyxl as Word and Excel would, says what its record says — titles, every column, grouped headers
as merged cells, the blank rows asked for, numbered notes, cover, seals and dates — on A4 in 宋体/黑体,
and the same record gives the same bytes.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import os
import subprocess
import sys
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from formkit import docx_problems, leaf_labels, xlsx_problems, zip_times
from sitekit import REGISTRY, REPO

from registry_site import formfiles
from sme_registry.registry import load_registry

SOURCE_DAY = {"henan-province": dt.date(2024, 11, 11), "xuchang-city": dt.date(2020, 11, 6),
              "taiyuan-city": dt.date(2023, 3, 15)}   # issue dates of the notices that attach the forms


def published(reg):
    return sorted(fid for fid, f in reg.forms.items() if f.published)


PUBLISHED = published(load_registry(REGISTRY))


def site_file(site, reg, fid) -> bytes:
    f = reg.forms[fid]
    return site.file(f"/forms/{fid}.{f.format}").read_bytes()


def test_every_published_form_has_its_file_and_no_other(real_site, real_registry):
    reg = real_registry
    assert len(published(reg)) >= 8
    for fid, f in reg.forms.items():
        for fmt in ("docx", "xlsx"):
            exists = real_site.exists(f"/forms/{fid}.{fmt}")
            assert exists == (f.published and f.format == fmt), (fid, fmt)
    written = sorted(p.name for p in (real_site.root / "forms").glob("*.*") if p.suffix in (".docx", ".xlsx"))
    assert written == sorted(f"{fid}.{reg.forms[fid].format}" for fid in published(reg))


@pytest.mark.parametrize("fid", PUBLISHED)
def test_file_is_faithful_to_its_record(real_site, real_registry, fid):
    f = real_registry.forms[fid]
    data = site_file(real_site, real_registry, fid)
    problems = docx_problems(data, f) if f.format == "docx" else xlsx_problems(data, f)
    assert problems == [], f"{fid}: " + "; ".join(problems)


def test_formats_follow_the_records(real_site, real_registry):
    for fid in published(real_registry):
        data = site_file(real_site, real_registry, fid)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
        if real_registry.forms[fid].format == "docx":
            assert "word/document.xml" in names, fid
            assert not any("thumbnail" in n for n in names), fid   # no picture of an English template page
        else:
            assert "xl/workbook.xml" in names, fid


# -- the forms the issue names, checked by hand against the sources ------------------------------
def test_henan_recommendation_form_by_hand(real_site, real_registry):
    doc = Document(io.BytesIO(site_file(real_site, real_registry, "henan-2024-recommendation-form")))
    texts = [p.text for p in doc.paragraphs]
    assert "河南省工业和信息化厅制" in texts                     # the maker line on the cover
    assert texts.index("河南省中小企业公共服务示范平台") < texts.index("推荐表") < texts.index("河南省工业和信息化厅制")
    survey = next(t for t in doc.tables if any(c.text == "抽样企业名称" for c in t.rows[0].cells))
    top = [c.text for c in survey.rows[0].cells]
    assert top.count("对所受服务的总体评价") == 3              # one cell over three columns
    assert [c.text for c in survey.rows[1].cells][-3:] == ["很满意", "基本满意", "不满意"]
    assert len(survey.rows) - 2 >= 10                          # 随机抽取，不少于10家
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert "☐上门拜访　☐电话询问　☐网络互动　☐书面征求　☐其他" in cells
    opinion = next(c for t in doc.tables for r in t.rows for c in r.cells if c.text.startswith("县（市、区）工业和信息化主管部门推荐意见"))
    assert "（盖章）" in opinion.text and "年" in opinion.text.split("（盖章）")[1]


def test_xuchang_application_report_lists(real_site, real_registry):
    doc = Document(io.BytesIO(site_file(real_site, real_registry, "xuchang-application-report")))

    def rows_under(first_header: str) -> int:
        t = next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)
        header = 2 if any(c.text == "满意" for c in t.rows[1].cells) else 1
        return len(t.rows) - header

    assert rows_under("姓名") >= 10                  # 备注：不少于10人
    assert rows_under("序号") in (19, 30)            # equipment list (19 rows as printed), served enterprises
    served = [t for t in doc.tables if len(t.columns) > 1 and t.rows[0].cells[1].text == "服务企业名称"]
    assert len(served) == 1 and len(served[0].rows) - 2 >= 30   # 服务的中小企业名单（30家以上）
    assert "上一年度共服务企业____家" in [p.text for p in doc.paragraphs]
    assert "许昌市工业和信息化局制" in [p.text for p in doc.paragraphs]


def test_henan_summary_table_by_hand(real_site, real_registry):
    wb = load_workbook(io.BytesIO(site_file(real_site, real_registry, "henan-2024-summary-table")))
    ws = wb.active
    header = [c.value for c in ws[3]]
    assert header == ["序号", "平台名称", "运营单位名称", "平台类别", "所在县区", "注册登记时间", "资产总额", "服务人员数量",
                      "集聚服务机构数量", "优惠服务占比", "年服务企业数", "是否现场核查", "是否与单位主要负责人面谈", "备注"]
    notes = [ws.cell(row=r, column=1).value for r in range(14, 18)]
    assert notes[0] == "注：1.平台名称中不得含有“示范”字样。"
    assert notes[2].startswith("3.所在地具体到县（市、区）") and "年服务企业数量不低于80家" in notes[2]
    assert notes[3] == "4.现场核查、与单位主要负责人面谈需由属地工业和信息化主管部门完成。"
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape"
    assert ws["A2"].value == "工业和信息化主管部门：（盖章）"
    # 是/否 offered in the yes/no columns
    assert sorted(str(dv.sqref) for dv in ws.data_validations.dataValidation) == ["L4:L13", "M4:M13"]


def test_docx_fonts_are_set_for_chinese(real_site, real_registry):
    data = site_file(real_site, real_registry, "xuchang-authenticity-statement")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("word/styles.xml").decode()
        fonts = z.read("word/fontTable.xml").decode()
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    assert 'w:asciiTheme' not in styles.split("</w:docDefaults>")[0]
    assert 'w:eastAsia="zh-CN"' in styles
    assert '<w:font w:name="宋体"><w:altName w:val="SimSun"/>' in fonts
    assert '<w:font w:name="黑体"><w:altName w:val="SimHei"/>' in fonts


# -- reproducible ---------------------------------------------------------------------------------
def test_two_renders_are_identical_and_dated_by_the_source(real_site, real_registry):
    for fid in published(real_registry):
        f = real_registry.forms[fid]
        day = SOURCE_DAY[f.programme]
        a = formfiles.render(f, programme_name=real_registry.programmes[f.programme].name, day=day)
        b = formfiles.render(f, programme_name=real_registry.programmes[f.programme].name, day=day)
        assert a == b, fid
        assert a == site_file(real_site, real_registry, fid), f"{fid}: the site's file differs from a fresh render"
        assert zip_times(a) == {(day.year, day.month, day.day, 0, 0, 0)}, fid
        if f.format == "docx":
            props = Document(io.BytesIO(a)).core_properties
        else:
            props = load_workbook(io.BytesIO(a)).properties
            props.last_modified_by = props.lastModifiedBy
        created, modified = (x.replace(tzinfo=None) for x in (props.created, props.modified))
        assert created == modified == dt.datetime(day.year, day.month, day.day), fid
        assert props.last_modified_by == formfiles.reproducible.AUTHOR


def test_another_process_and_hash_seed_give_the_same_bytes(tmp_path, real_site, real_registry):
    script = (
        "import sys, datetime as dt\n"
        "from pathlib import Path\n"
        "from sme_registry.registry import load_registry\n"
        "from registry_site import formfiles\n"
        "reg = load_registry(Path(sys.argv[1]))\n"
        "for fid in sys.argv[3:]:\n"
        "    f = reg.forms[fid]\n"
        "    day = dt.date.fromisoformat({'henan-province': '2024-11-11', 'xuchang-city': '2020-11-06',\n"
        "                                 'taiyuan-city': '2023-03-15'}[f.programme])\n"
        "    data = formfiles.render(f, programme_name=reg.programmes[f.programme].name, day=day)\n"
        "    (Path(sys.argv[2]) / f'{fid}.{f.format}').write_bytes(data)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "PYTHONHASHSEED": "12345"}
    fids = published(real_registry)
    done = subprocess.run([sys.executable, "-c", script, str(REGISTRY), str(tmp_path), *fids],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for fid in fids:
        f = real_registry.forms[fid]
        assert (tmp_path / f"{fid}.{f.format}").read_bytes() == site_file(real_site, real_registry, fid), fid


# -- the checks can fail --------------------------------------------------------------------------
def _changed(form, **changes):
    """A copy of a form record with its blocks changed by `changes` (block index -> new block)."""
    other = copy.deepcopy(form)
    for index, block in changes.items():
        other.blocks[int(index.lstrip("b"))] = block
    return other


def test_docx_check_finds_a_file_from_another_record(real_registry):
    form = real_registry.forms["henan-2024-recommendation-form"]
    i = next(i for i, b in enumerate(form.blocks) if "table" in b)
    t = form.blocks[i]["table"]
    fewer_rows = _changed(form, **{f"b{i}": {"table": {**t, "rows": 9}}})
    flat = _changed(form, **{f"b{i}": {"table": {**t, "columns": leaf_labels(t["columns"])}}})
    renamed = _changed(form, **{f"b{i}": {"table": {**t, "columns": [*t["columns"][:-1], {"label": "总体评价",
                                                                                             "children": ["满意", "基本满意", "不满意"]}]}}})
    for other, expect in [(fewer_rows, "9 blank rows"), (flat, "table with columns"), (renamed, "table with columns")]:
        problems = docx_problems(formfiles.render(other, day=dt.date(2024, 11, 11)), form)
        assert any(expect in p for p in problems), (expect, problems)
    no_maker = copy.deepcopy(form)
    no_maker.cover = {**form.cover, "maker": ""}
    assert any("maker" in p for p in docx_problems(formfiles.render(no_maker), form))
    no_seal = _changed(form, **{f"b{len(form.blocks) - 1}": {"signature": {"date": True}}})
    assert any("（盖章）" in p for p in docx_problems(formfiles.render(no_seal), form))


def test_xlsx_check_finds_a_file_from_another_record(real_registry):
    form = real_registry.forms["henan-2024-summary-table"]
    i = next(i for i, b in enumerate(form.blocks) if "table" in b)
    t = form.blocks[i]["table"]
    grouped = _changed(form, **{f"b{i}": {"table": {**t, "columns": [*t["columns"][:11], {
        "label": "核查情况", "children": ["是否现场核查", "是否与单位主要负责人面谈"]}, "备注"]}}})
    fewer = _changed(form, **{f"b{i}": {"table": {**t, "rows": 4}}})
    three_notes = copy.deepcopy(form)
    three_notes.notes = form.notes[:3]
    for other, expect in [(grouped, "header '"), (fewer, "4 table rows"), (three_notes, "notes")]:
        problems = xlsx_problems(formfiles.render(other), form)
        assert any(expect in p for p in problems), (expect, problems)
    # and a grouped header in an xlsx is a merged cell over its children
    assert xlsx_problems(formfiles.render(grouped), grouped) == []


def test_docx_check_finds_a_grouped_header_that_is_not_merged(real_site, real_registry):
    """The same text in three separate cells is not a grouped header: Word must merge the cell."""
    form = real_registry.forms["henan-2024-recommendation-form"]
    doc = Document(io.BytesIO(site_file(real_site, real_registry, form.id)))
    tc = next(c._tc for t in doc.tables for r in t.rows for c in r.cells if c.text == "对所受服务的总体评价")
    assert tc.grid_span == 3
    tc.tcPr.grid_span = 1
    for _ in range(2):
        tc.addnext(copy.deepcopy(tc))
    out = io.BytesIO()
    doc.save(out)
    problems = docx_problems(out.getvalue(), form)
    assert any("'对所受服务的总体评价'" in p and "1×1" in p for p in problems), problems


def test_word_property_order_is_checked(real_site, real_registry):
    """Word rejects misordered table properties; the check sees them (LibreOffice would not)."""
    form = real_registry.forms["xuchang-recommendation-form"]
    doc = Document(io.BytesIO(site_file(real_site, real_registry, form.id)))
    tblPr = doc.tables[0]._tbl.tblPr
    width = tblPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblW")
    tblPr.remove(width)
    tblPr.append(width)            # tblW after tblBorders/tblLayout: out of order
    out = io.BytesIO()
    doc.save(out)
    assert any("<w:tblPr> children out of schema order" in p for p in docx_problems(out.getvalue(), form))
