"""A form record as an editable Excel workbook (openpyxl): tables such as the 汇总表.

One sheet, laid out like the source: the title over the whole width, the fixed lines
(工业和信息化主管部门：（盖章）), the table with its header rows (grouped headers are merged
cells), at least the record's number of blank rows, and the numbered notes (注：1.… 2.…)
under it.  The workbook is ready to fill in and print:

- every cell in 宋体 (the workbook's default font is 宋体 11, charset GB2312), titles and
  headers in 黑体;
- column widths from the header labels (names wide, 序号 narrow), headers wrap;
- the header rows are frozen and repeat on every printed page; the print area covers the
  title to the last note; A4, landscape when the table is wide, fitted to one page wide,
  page numbers in the footer;
- blank rows carry the column's format where the label says it (注册登记时间 a date,
  …占比 a percentage) and 是否… columns offer 是/否.

`render_xlsx(form, rows=[...])` fills the first table's body with values keyed by column
label (the staff command `summary-table` uses it); rows beyond the record's count are added.
"""
from __future__ import annotations

import datetime as dt
import io
import math
from copy import copy
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.named_styles import NamedStyleList
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.writer.excel import ExcelWriter

from . import layout
from .reproducible import AUTHOR, normalise_zip

SONG, HEI = "宋体", "黑体"
BODY = Font(name=SONG, sz=11, family=3, charset=134)
BOLD = Font(name=SONG, sz=11, family=3, charset=134, b=True)
HEAD = Font(name=HEI, sz=11, family=3, charset=134)
TITLE = Font(name=HEI, sz=18, family=3, charset=134)
SUBHEAD = Font(name=HEI, sz=13, family=3, charset=134)
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=False)
ROW_PT = 24          # a blank row: room to write by hand (≈ 0.85 cm)
LINE_PT = 14.5       # one line of 11-point text
PORTRAIT_UNITS = 95  # about the widths (in Excel's character units) that fit across portrait A4
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _workbook() -> Workbook:
    """A workbook whose default font (the Normal style, font 0) is 宋体 11, not Calibri."""
    wb = Workbook()
    wb._fonts = IndexedList([BODY])
    wb._named_styles = NamedStyleList()
    wb.add_named_style(NamedStyle(name="Normal", font=copy(BODY), border=copy(DEFAULT_BORDER), builtinId=0))
    wb.calculation = CalcProperties(fullCalcOnLoad=False)
    return wb


def column_width(label: str) -> float:
    """Excel column width (character units) for a column of this header label: names wide enough
    for a name on two lines, short figures narrow; headers wrap.  The 14 columns of the Henan
    汇总表 come to ~140 units, printed on landscape A4 at about 90 %."""
    return max(_base_width(label), min(math.ceil(layout.display_width(label) / 4) + 2, 30.0))  # header ≤ 4 lines


def _base_width(label: str) -> float:
    if label == "序号":
        return 5.0
    if label == "备注":
        return 10.0
    if label.endswith(("名称", "内容", "简述")):
        return 18.0
    if label.startswith("是否"):
        return min(max(7.0, layout.display_width(label) / 3), 9.0)
    if "时间" in label or "日期" in label or label.endswith("类别") or label.startswith("所在"):
        return 12.0
    return min(max(8.0, layout.display_width(label) / 2 + 2), 12.0)


def lines_needed(text: str, width_units: float) -> int:
    """Lines a wrapped text takes in a cell of this width (a Chinese character ≈ 2 units)."""
    per_line = max(int(width_units) - 1, 2)
    return max(1, math.ceil(layout.display_width(text) / per_line))


def column_format(label: str) -> str | None:
    if "时间" in label or "日期" in label:
        return DATE_FORMAT
    if label.endswith("占比") or label.endswith("比例"):
        return "0%"
    return None


class _Sheet:
    def __init__(self, form, ws, width: int):
        self.form = form
        self.ws = ws
        self.width = width          # sheet columns in use
        self.row = 1                # next row to write
        self.freeze: int | None = None
        self.title_rows: tuple[int, int] | None = None
        self.widths = [10.0] * width

    # helpers
    def span(self, row: int, first: int, last: int):
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        return self.ws.cell(row=row, column=first)

    def line(self, text: str, font=BODY, align=LEFT, height: float | None = None, box: bool = False):
        """One text line over the whole width."""
        r = self.row
        cell = self.span(r, 1, self.width)
        cell.value = text
        cell.font, cell.alignment = font, align
        total = sum(self.widths)
        lines = lines_needed(text, total * (11 / font.sz if font.sz else 1))
        self.ws.row_dimensions[r].height = height or max(ROW_PT * 0.8, lines * LINE_PT * font.sz / 11 + 6)
        if box:
            self.box(r, r, 1, self.width)
        self.row += 1
        return cell

    def box(self, r1: int, r2: int, c1: int, c2: int) -> None:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.ws.cell(row=r, column=c).border = BOX

    # blocks
    def title(self) -> None:
        lines = (self.form.cover or {}).get("title_lines") or [self.form.title]
        self.line("".join(lines) if len("".join(lines)) < 40 else self.form.title, TITLE, CENTER, height=36)

    def heading(self, value) -> None:
        text, level = layout.heading_text_level(value)
        self.line(text, SUBHEAD if level == 1 else HEAD, CENTER if level == 1 else LEFT)

    def paragraph(self, text: str) -> None:
        self.line(text, BODY, LEFT)

    def table(self, t: dict, values: list[dict] | None, first_table: bool) -> None:
        labels = layout.leaves(t["columns"])
        n = len(labels)
        if t.get("caption"):
            r = self.row
            cell = self.span(r, 1, n)
            cell.value, cell.font, cell.alignment = t["caption"], HEAD, LEFT
            self.box(r, r, 1, n)
            self.ws.row_dimensions[r].height = ROW_PT
            self.row += 1
        top = self.row
        depth = layout.header_depth(t["columns"])
        need = [1.0] * depth
        for h in layout.header_grid(t["columns"]):
            r, c = top + h.row, 1 + h.col
            if h.rowspan > 1 or h.colspan > 1:
                self.ws.merge_cells(start_row=r, start_column=c, end_row=r + h.rowspan - 1, end_column=c + h.colspan - 1)
            cell = self.ws.cell(row=r, column=c)
            cell.value, cell.font, cell.alignment = h.label, HEAD, CENTER
            width = sum(self.widths[h.col: h.col + h.colspan])
            per_row = lines_needed(h.label, width) / h.rowspan
            for k in range(h.row, h.row + h.rowspan):
                need[k] = max(need[k], per_row)
        self.box(top, top + depth - 1, 1, n)
        for k in range(depth):
            self.ws.row_dimensions[top + k].height = max(ROW_PT, math.ceil(need[k]) * LINE_PT + 6)
        body = top + depth
        if first_table:
            self.freeze = body
            self.title_rows = (top, body - 1)
        values = values or []
        count = max(t["rows"], len(values))
        formats = [column_format(x) for x in labels]
        for i in range(count):
            r = body + i
            row_values = values[i] if i < len(values) else {}
            tallest = 1
            for j, label in enumerate(labels):
                cell = self.ws.cell(row=r, column=1 + j)
                value = row_values.get(label)
                if value is None and label == "序号" and i < len(values):
                    value = i + 1
                cell.value = value
                cell.font = BODY
                cell.alignment = CENTER if not isinstance(value, str) or layout.display_width(value) <= 12 else LEFT
                cell.border = BOX
                if formats[j]:
                    cell.number_format = formats[j]
                if isinstance(value, str):
                    tallest = max(tallest, lines_needed(value, self.widths[j]))
            self.ws.row_dimensions[r].height = max(ROW_PT, tallest * LINE_PT + 6)
        last = body + count - 1
        for j, label in enumerate(labels):
            if label.startswith("是否") and count:
                dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                                    errorTitle="请选择", error="请填写“是”或“否”。")
                col = get_column_letter(1 + j)
                dv.add(f"{col}{body}:{col}{last}")
                self.ws.add_data_validation(dv)
        self.row = last + 1
        for text in (t.get("footer"), t.get("note")):
            if text:
                self.line(text, BODY, LEFT)

    def fields(self, fields: dict) -> None:
        for items in layout.field_rows(fields):
            r, c = self.row, 1
            per = max(1, self.width // (2 * (fields.get("columns") or 2)))
            for k, item in enumerate(items):
                label = self.ws.cell(row=r, column=c)
                label.value, label.font, label.alignment = item["label"] + "：", BODY, LEFT
                span_cols = per * (2 * item["span"] - 1) + (per - 1)
                end = min(self.width, c + span_cols) if k < len(items) - 1 else self.width
                end = max(end, c + 1)
                value = self.span(r, c + 1, end)
                if item.get("unit"):
                    value.value, value.alignment = item["unit"], RIGHT
                value.font = BODY
                self.box(r, r, c, end)
                c = end + 1
                if c > self.width:
                    break
            self.ws.row_dimensions[r].height = ROW_PT
            self.row += 1

    def checkboxes(self, c: dict) -> None:
        r = self.row
        label = self.ws.cell(row=r, column=1)
        label.value, label.font, label.alignment = c["label"], BODY, CENTER
        options = self.span(r, 2, self.width)
        options.value = "　".join(f"{layout.CHECKBOX}{o}" for o in c["options"])
        options.font, options.alignment = BODY, LEFT
        self.box(r, r, 1, self.width)
        self.ws.row_dimensions[r].height = ROW_PT
        self.row += 1

    def text(self, t: dict, sig: layout.SignatureLines | None) -> None:
        lines = t.get("lines") or 4
        r1 = self.row
        r2 = r1 + lines - 1
        label = self.ws.cell(row=r1, column=1)
        if layout.text_label_on_top(t["label"]):
            area = self.span(r1, 1, self.width)
            area.value, area.font, area.alignment = t["label"], BODY, LEFT_TOP
            first_area_row = r1 + 1
        else:
            self.ws.merge_cells(start_row=r1, start_column=1, end_row=r2, end_column=1)
            label.value, label.font, label.alignment = t["label"], BODY, CENTER
            first_area_row = r1
        if first_area_row <= r2:
            self.ws.merge_cells(start_row=first_area_row, start_column=1 if first_area_row > r1 else 2,
                                end_row=r2, end_column=self.width)
        for r in range(r1, r2 + 1):
            self.ws.row_dimensions[r].height = ROW_PT
        self.box(r1, r2, 1, self.width)
        self.row = r2 + 1
        if sig is not None:
            self.signature(sig, box=True)

    def signature(self, sig: layout.SignatureLines, box: bool = False) -> None:
        if sig.label:
            self.line(sig.label, BODY, LEFT, box=box)
        if sig.stamps:
            self.line("　　　　".join(sig.stamps) + "　　", BODY, RIGHT, box=box)
        for text in sig.labelled:
            r = self.row
            half = max(2, self.width // 2 + 1)
            cell = self.span(r, half, self.width)
            cell.value, cell.font, cell.alignment = text, BODY, LEFT
            self.ws.row_dimensions[r].height = ROW_PT
            if box:
                self.box(r, r, 1, self.width)
            self.row += 1
        if sig.date:
            self.line(sig.date + "　　", BODY, RIGHT, box=box)

    def page_break(self) -> None:
        self.ws.row_breaks.append(Break(id=self.row - 1))

    def notes(self, notes: list[str]) -> None:
        for text in layout.numbered_notes(notes):
            self.line(text, BODY, LEFT)


def _sheet_columns(form) -> list[str] | None:
    """The leaf labels of the widest table (they set the sheet's columns), or None."""
    best = None
    for block in form.blocks:
        if layout.kind(block) == "table":
            labels = layout.leaves(block["table"]["columns"])
            if best is None or len(labels) > len(best):
                best = labels
    return best


def sheet_title(title: str) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\."""
    name = title.translate(SHEET_FORBIDDEN).strip("'") or "表单"
    return name[:31]


def render_xlsx(form, *, programme_name: str = "", when: dt.datetime, rows: list[dict] | None = None) -> bytes:
    """The form as XLSX bytes; the same record, `when` and rows give the same bytes.

    rows: values for the first table's body, each a {column label: value} mapping
    (str, int, float or datetime.date; None leaves the cell blank)."""
    wb = _workbook()
    ws = wb.active
    ws.title = sheet_title(form.title)
    labels = _sheet_columns(form)
    widths = [column_width(x) for x in labels] if labels else [10.0] * 8
    for block in form.blocks:   # a label and its value need 2 sheet columns at least; a fields grid 2 an item
        need = 2 * (block["fields"].get("columns") or 2) if layout.kind(block) == "fields" else 2
        widths += [10.0] * max(0, need - len(widths))
    sheet = _Sheet(form, ws, len(widths))
    sheet.widths = widths
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w

    sheet.title()
    first_table = True
    runs = form.blocks
    i = 0
    while i < len(runs):
        block = runs[i]
        k = layout.kind(block)
        value = block[k]
        if k == "heading":
            sheet.heading(value)
        elif k == "paragraph":
            sheet.paragraph(value)
        elif k == "table":
            sheet.table(value, rows if first_table else None, first_table)
            first_table = False
        elif k == "fields":
            sheet.fields(value)
        elif k == "checkboxes":
            sheet.checkboxes(value)
        elif k == "text":
            sig = None
            nxt = runs[i + 1] if i + 1 < len(runs) else None
            if (nxt is not None and layout.kind(nxt) == "signature" and not nxt["signature"].get("label")
                    and layout.text_label_on_top(value["label"])):
                sig = layout.signature_lines(nxt["signature"])
                i += 1
            sheet.text(value, sig)
        elif k == "signature":
            sheet.signature(layout.signature_lines(value))
        elif k == "page_break":
            sheet.page_break()
        i += 1
    if form.notes:
        sheet.notes(form.notes)
    last_row = sheet.row - 1

    # printing and viewing
    if sheet.freeze:
        ws.freeze_panes = f"A{sheet.freeze}"
    if sheet.title_rows:
        ws.print_title_rows = f"{sheet.title_rows[0]}:{sheet.title_rows[1]}"
    ws.print_area = f"A1:{get_column_letter(sheet.width)}{last_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(widths) > PORTRAIT_UNITS else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5     # inches (1.27 cm)
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = SONG

    props = wb.properties
    props.title = form.title
    props.subject = programme_name
    props.creator = AUTHOR
    props.lastModifiedBy = AUTHOR
    props.keywords = "表单模板"
    props.category = "表单模板"
    props.description = f"据原文转录：{form.source_name}" if form.source_name else None
    props.language = "zh-CN"
    props.created = when.replace(tzinfo=None)
    props.modified = when.replace(tzinfo=None)
    props.lastPrinted = None

    out = io.BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()   # not save_workbook(): it stamps "modified" with the clock
    return normalise_zip(out.getvalue(), when)
