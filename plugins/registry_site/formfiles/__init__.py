"""Downloadable form files: a form record rendered as an editable DOCX or XLSX.

    data = formfiles.render(form, programme_name="河南省中小企业公共服务示范平台", day=notice_date)
    formfiles.file_name(form)        # 河南省中小企业公共服务示范平台推荐表.docx (the download name)
    formfiles.path(form_id, "docx")  # forms/henan-2024-recommendation-form.docx (the site path)

`form` is anything with the form record's fields (sme_registry.records.Form or the
site's FormView): title, format, cover, blocks, notes, source_name.  One module per idea:

- layout.py        what the blocks mean on paper (header grids, widths, signature lines, notes)
- docx_form.py     Word documents (python-docx): 推荐表, 申请报告, 声明, 说明
- xlsx_form.py     Excel workbooks (openpyxl): 汇总表
- reproducible.py  fixed zip entry times and document properties: the same record, the same bytes

docs-notes/FORMS.md explains the choices (fonts, page setup, PDFs).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .docx_form import render_docx
from ..output import emit
from .reproducible import stamp
from .xlsx_form import render_xlsx

SUFFIXES = ("docx", "xlsx")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILENAME_FORBIDDEN = str.maketrans({c: "_" for c in '<>:"/\\|?*'})


def render(form, *, programme_name: str = "", day: dt.date | None = None, rows: list[dict] | None = None) -> bytes:
    """The form's file (DOCX or XLSX after `form.format`), dated `day` (document properties and
    zip entries); `rows` fills an XLSX table's body (see xlsx_form.render_xlsx)."""
    when = stamp(day)
    if form.format == "docx":
        if rows:
            raise ValueError("rows can only fill a table of an xlsx form")
        return render_docx(form, programme_name=programme_name, when=when)
    if form.format == "xlsx":
        return render_xlsx(form, programme_name=programme_name, when=when, rows=rows)
    raise ValueError(f"unknown form format {form.format!r}")


def file_name(form) -> str:
    """The name a download is saved under: the form's Chinese title and its extension."""
    return f"{form.title.translate(FILENAME_FORBIDDEN).strip()}.{form.format}"


def path(form_id: str, fmt: str) -> str:
    """The file's path in the site: forms/<id>.docx or forms/<id>.xlsx."""
    if fmt not in SUFFIXES:
        raise ValueError(f"unknown form format {fmt!r}")
    return f"forms/{form_id}.{fmt}"


class FormFileError(Exception):
    """A form's file could not be made; the message says which form, in Chinese."""


def source_day(form_view, notices_by_id: dict) -> dt.date | None:
    """The date written into a form's file: the earliest notice that attaches it (its source)."""
    days = [notices_by_id[link.id].issued_on for link in form_view.notices if link.id in notices_by_id]
    return min(days) if days else None


def write_all(forms: list, notices_by_id: dict, out: Path) -> list[str]:
    """Write forms/<id>.docx|xlsx for every published form (the site's FormViews) into `out`;
    set each form's `file_size`; return the site paths written, for the sitemap."""
    written = []
    for f in forms:
        if not f.published:
            continue
        try:
            data = render(f, programme_name=f.programme.title if f.programme else "",
                          day=source_day(f, notices_by_id))
        except Exception as exc:   # a record the renderer cannot lay out: stop the build, say which
            raise FormFileError(f"表单“{f.title}”（forms/{f.id}.yaml）无法生成 {f.format} 文件：{exc}") from exc
        emit(out, f.file_url, data)
        f.file_size = len(data)
        written.append(f.file_url)
    return written
