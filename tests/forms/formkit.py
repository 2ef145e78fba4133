"""Read a generated DOCX/XLSX back the way a clerk's Word or Excel would, and compare it with the
form record it came from.

`docx_problems(data, form)` and `xlsx_problems(data, form)` return a list of differences in words
(empty when the file is faithful); the tests assert the list is empty, and other tests feed them a
file made from a changed record to show that they do find differences.  The expectations are
worked out here from the record itself (columns, groups, rows, notes, seals), not taken from the
renderer's own layout helpers.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

CHECKBOX = "☐"
DATE_RE = re.compile(r"年\s*月\s*日")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def kind(block: dict) -> str:
    (k,) = block
    return k


# -- what the record asks for -------------------------------------------------------------------
def leaf_labels(columns: list) -> list[str]:
    out = []
    for c in columns:
        out += [c] if isinstance(c, str) else leaf_labels(c["children"])
    return out


def depth(columns: list) -> int:
    return max(1 if isinstance(c, str) else 1 + depth(c["children"]) for c in columns)


def expected_header_cells(columns: list) -> list[tuple[str, int, int, int, int]]:
    """(label, row, col, rowspan, colspan) for every header cell, 0-based, from the record."""
    total = depth(columns)
    out = []

    def walk(cols, row, col):
        for c in cols:
            if isinstance(c, str):
                out.append((c, row, col, total - row, 1))
                col += 1
            else:
                n = len(leaf_labels(c["children"]))
                out.append((c["label"], row, col, 1, n))
                walk(c["children"], row + 1, col)
                col += n
        return col

    walk(columns, 0, 0)
    return out


def seal_texts(sig: dict) -> list[str]:
    seal = sig.get("seal")
    texts = ["（盖章）"] if seal is True else list(seal or [])
    if sig.get("signer"):
        texts.append(sig["signer"])
    return texts


def note_lines(notes: list[str]) -> list[str]:
    return [("注：" if i == 1 else "") + f"{i}.{n}" for i, n in enumerate(notes, 1)]


# -- DOCX ---------------------------------------------------------------------------------------
# ECMA-376 Part 1 (wml.xsd): the order of property elements.  Word rejects a file whose properties
# are out of order ("Word found unreadable content"); LibreOffice and python-docx do not care, so
# the order is checked here.
SCHEMA_ORDER = {
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
             "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange".split(),
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark "
            "headers cellIns cellDel cellMerge tcPrChange".split(),
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
              "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings "
              "sectPrChange".split(),
    "tblBorders": "top left start bottom right end insideH insideV".split(),
}


def order_problems(root) -> list[str]:
    out = []
    for name, seq in SCHEMA_ORDER.items():
        for el in root.iter(qn(f"w:{name}")):
            names = [c.tag.rsplit("}", 1)[-1] for c in el]
            unknown = [n for n in names if n not in seq]
            ranks = [seq.index(n) for n in names if n in seq]
            if unknown or ranks != sorted(ranks):
                out.append(f"<w:{name}> children out of schema order: {names}")
    return sorted(set(out))


@dataclass
class GridCell:
    text: str
    row: int
    col: int
    colspan: int
    rowspan: int = 1


def _tc_text(tc) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))


def docx_grid(tbl) -> tuple[list[list[GridCell]], list]:
    """A Word table as a grid: grid[r][c] is the cell covering (r, c), merged cells resolved
    (w:gridSpan across, w:vMerge down); also the <w:tr> elements."""
    trs = tbl.findall(qn("w:tr"))
    grid: list[list[GridCell]] = []
    for r, tr in enumerate(trs):
        row: list[GridCell] = []
        for tc in tr.findall(qn("w:tc")):
            tcPr = tc.find(qn("w:tcPr"))
            span, vmerge = 1, None
            if tcPr is not None:
                gs = tcPr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = int(gs.get(qn("w:val")))
                vm = tcPr.find(qn("w:vMerge"))
                if vm is not None:
                    vmerge = vm.get(qn("w:val")) or "continue"
            col = len(row)
            if vmerge == "continue" and r > 0 and col < len(grid[r - 1]):
                cell = grid[r - 1][col]
                cell.rowspan += 1
            else:
                cell = GridCell(_tc_text(tc), r, col, span)
            row.extend([cell] * span)
        grid.append(row)
    return grid, trs


def _row_height_cm(tr) -> float:
    trPr = tr.find(qn("w:trPr"))
    h = trPr.find(qn("w:trHeight")) if trPr is not None else None
    return int(h.get(qn("w:val"))) / 567 if h is not None else 0.0


def _find_table(grids, t: dict):
    """The Word table that is this table block: (grid, trs, first header row) or None."""
    leaves = leaf_labels(t["columns"])
    d = depth(t["columns"])
    for grid, trs in grids:
        if not grid or len(grid[0]) != len(leaves):
            continue
        for k in (0, 1):
            bottom = k + d - 1
            if bottom < len(grid) and [c.text for c in grid[bottom]] == leaves:
                return grid, trs, k
    return None


def docx_problems(data: bytes, form) -> list[str]:
    doc = Document(io.BytesIO(data))
    problems: list[str] = []
    body = doc.element.body
    paragraphs = [p for p in doc.paragraphs]
    para_texts = [p.text for p in paragraphs]
    grids = [docx_grid(t._tbl) for t in doc.tables]
    cell_texts = [c.text for grid, _ in grids for row in grid for c in row]
    everything = "\n".join(para_texts + cell_texts)
    ordered = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]   # document order

    problems += order_problems(body)
    if doc.core_properties.title != form.title:
        problems.append(f"document title {doc.core_properties.title!r} != {form.title!r}")

    # page: A4 portrait, sensible margins
    for s in doc.sections:
        if abs(s.page_width - Cm(21)) > Cm(0.05) or abs(s.page_height - Cm(29.7)) > Cm(0.05):
            problems.append("page is not A4 portrait")
        for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin):
            if not Cm(1.9) <= m <= Cm(3.8):
                problems.append(f"margin {m.cm:.2f} cm out of 1.9–3.8 cm")

    # fonts: 宋体 in the defaults, 黑体 in the headings, east-Asian slot set, no theme fonts
    styles = doc.styles.element
    rfonts = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    if rfonts is None or rfonts.get(qn("w:eastAsia")) != "宋体" or rfonts.get(qn("w:ascii")) != "宋体":
        problems.append("document default font is not 宋体 (w:eastAsia/w:ascii)")
    for name in ("Heading 1", "Heading 2"):
        rf = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        if rf is None or rf.get(qn("w:eastAsia")) != "黑体" or rf.get(qn("w:eastAsiaTheme")):
            problems.append(f"style {name} is not 黑体")
    for el in styles.iter(qn("w:rFonts")):
        if any(el.get(qn(a)) for a in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme")):
            if el.getparent().getparent().tag == qn("w:rPrDefault"):
                problems.append("theme fonts left in the document defaults")

    # cover: title lines, fields, maker; the form starts on a new section/page
    cover = form.cover or {}
    if cover:
        for line in cover.get("title_lines") or [form.title]:
            if line not in para_texts:
                problems.append(f"cover title line {line!r} missing")
        for field in cover.get("fields") or []:
            label = field.removesuffix("（盖章）")
            if not any(squash(t).startswith(squash(label) + "：") for t in cell_texts):
                problems.append(f"cover field {field!r} missing")
            if field.endswith("（盖章）") and "（盖章）" not in cell_texts:
                problems.append(f"cover field {field!r} lost its （盖章）")
            if field.endswith("日期") and not any(DATE_RE.search(t) for t in cell_texts):
                problems.append(f"cover field {field!r} has no 年 月 日")
        if cover.get("maker") and cover["maker"] not in para_texts:
            problems.append(f"maker line {cover['maker']!r} missing")
        if len(doc.sections) < 2:
            problems.append("the cover is not a page of its own")
    elif form.title not in para_texts:
        problems.append("form title missing")

    for block in form.blocks:
        k = kind(block)
        v = block[k]
        if k == "heading":
            text = v if isinstance(v, str) else v["text"]
            if text not in para_texts and text not in cell_texts:
                problems.append(f"heading {text!r} missing")
        elif k == "paragraph":
            if v not in para_texts:
                problems.append(f"paragraph {v[:20]!r}… missing")
        elif k == "checkboxes":
            want = "".join(f"{CHECKBOX}{o}" for o in v["options"])
            rows = [row for grid, _ in grids for row in grid]
            if not any(v["label"] in [c.text for c in row] and any(squash(c.text) == want for c in row) for row in rows):
                problems.append(f"checkboxes {v['label']!r} ({want}) missing")
        elif k == "text":
            hits = [(grid, trs, r) for grid, trs in grids for r, row in enumerate(grid)
                    if any(c.text.split("\n")[0] == v["label"] for c in row)]
            if not hits:
                problems.append(f"writing area {v['label']!r} missing")
            else:
                grid, trs, r = hits[0]
                lines = v.get("lines") or 4
                if _row_height_cm(trs[r]) < lines * 0.6 and not v["label"].endswith(("：", ":")):
                    problems.append(f"writing area {v['label']!r} lower than {lines} lines")
        elif k == "fields":
            for item in v["items"]:
                label = item if isinstance(item, str) else item["label"]
                unit = "" if isinstance(item, str) else item.get("unit", "")
                found = False
                for grid, _ in grids:
                    for row in grid:
                        for i, c in enumerate(row):
                            if squash(c.text) in (squash(label) + "：", squash(label)):
                                after = [x for x in row[i + 1:] if x is not c]
                                if not unit or (after and after[0].text == unit):
                                    found = True
                if not found:
                    problems.append(f"field {label!r}{' (' + unit + ')' if unit else ''} missing")
        elif k == "table":
            hit = _find_table(grids, v)
            leaves = leaf_labels(v["columns"])
            if hit is None:
                problems.append(f"table with columns {leaves} missing")
                continue
            grid, trs, top = hit
            d = depth(v["columns"])
            if v.get("caption") and (top == 0 or grid[top - 1][0].text != v["caption"]):
                problems.append(f"table caption {v['caption']!r} missing")
            for label, r, c, rs, cs in expected_header_cells(v["columns"]):
                cell = grid[top + r][c]
                if cell.text != label or cell.row != top + r or cell.col != c or (cell.rowspan, cell.colspan) != (rs, cs):
                    problems.append(f"header {label!r}: found {cell.text!r} spanning {cell.rowspan}×{cell.colspan}, "
                                    f"expected {rs}×{cs}")
            body = grid[top + d:]
            if len(body) != v["rows"]:
                problems.append(f"table {leaves[:2]}…: {len(body)} blank rows, the record asks for {v['rows']}")
            if any(c.text for row in body for c in row):
                problems.append(f"table {leaves[:2]}…: blank rows are not blank")
            for i in range(top, top + d):
                trPr = trs[i].find(qn("w:trPr"))
                if trPr is None or trPr.find(qn("w:tblHeader")) is None:
                    problems.append(f"table {leaves[:2]}…: header row {i} does not repeat on new pages")
            for extra in (v.get("footer"), v.get("note")):
                if extra and extra not in para_texts:
                    problems.append(f"table line {extra!r} missing")
        elif k == "signature":
            for text in seal_texts(v):
                if not any(text in t for t in para_texts + cell_texts):
                    problems.append(f"signature line {text!r} missing")
            if v.get("label") and v["label"] not in everything:
                problems.append(f"signature label {v['label']!r} missing")
            if v.get("date"):
                seals = [i for i, t in enumerate(ordered) if any(x in t for x in seal_texts(v))]
                start = seals[0] if seals else 0
                if not any(DATE_RE.search(t) for t in ordered[start:]):
                    problems.append("date line 年 月 日 missing after the seal")

    want_notes = note_lines(form.notes)
    got_notes = [t for t in para_texts if t in want_notes]
    if got_notes != want_notes:
        problems.append(f"notes {got_notes} != {want_notes}")
    return problems


# -- XLSX ---------------------------------------------------------------------------------------
def xlsx_problems(data: bytes, form, *, title: str | None = None, filled_rows: int = 0) -> list[str]:
    """Differences between a workbook and its record; `title` when a summary table changed the
    year in it, `filled_rows` rows of data expected before the blank ones."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    problems: list[str] = []
    title = title or form.title
    if wb.properties.title != title:
        problems.append(f"workbook title {wb.properties.title!r} != {title!r}")
    origin = {}
    spans = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                origin[(r, c)] = (rng.min_row, rng.min_col)
        spans[(rng.min_row, rng.min_col)] = (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1)

    def value(r, c):
        r0, c0 = origin.get((r, c), (r, c))
        return ws.cell(row=r0, column=c0).value

    if squash(str(ws["A1"].value)) != squash(title):
        problems.append(f"A1 {ws['A1'].value!r} is not the title")
    texts = [str(cell.value) for row in ws.iter_rows() for cell in row if cell.value is not None]
    for block in form.blocks:
        k = kind(block)
        v = block[k]
        if k == "paragraph" and v not in texts:
            problems.append(f"line {v!r} missing")
        if k != "table":
            continue
        leaves = leaf_labels(v["columns"])
        n, d = len(leaves), depth(v["columns"])
        bottom = next((r for r in range(1, ws.max_row + 1)
                       if [value(r, c) for c in range(1, n + 1)] == leaves), None)
        if bottom is None:
            problems.append(f"header row {leaves} missing")
            continue
        top = bottom - d + 1
        for label, r, c, rs, cs in expected_header_cells(v["columns"]):
            cell_origin = (top + r, 1 + c)
            got_value = ws.cell(row=top + r, column=1 + c).value
            got_span = spans.get(cell_origin, (1, 1))
            if got_value != label or got_span != (rs, cs):
                problems.append(f"header {label!r}: found {got_value!r} spanning {got_span}, expected {(rs, cs)}")
            font = ws.cell(row=top + r, column=1 + c).font
            if font.name != "黑体":
                problems.append(f"header {label!r} font {font.name!r} is not 黑体")
        body = bottom + 1
        r = body   # table rows: bordered, unmerged, and (past the filled ones) blank in column A
        while r <= ws.max_row and ws.cell(row=r, column=1).border.left.style:
            if any((r, c) in origin for c in range(1, n + 1)):
                break
            if r - body >= filled_rows and ws.cell(row=r, column=1).value not in (None, ""):
                break
            r += 1
        rows = r - body
        want = max(v["rows"], filled_rows)
        if rows != want:
            problems.append(f"{rows} table rows, expected {want}")
        blank = [r for r in range(body + filled_rows, body + rows)
                 if any(ws.cell(row=r, column=c).value not in (None, "") for c in range(1, n + 1))]
        if blank:
            problems.append(f"rows {blank} should be blank")
        if ws.freeze_panes != f"A{body}":
            problems.append(f"freeze panes {ws.freeze_panes!r}, expected below the header (A{body})")
        if (ws.print_title_rows or "").replace("$", "") != f"{top}:{bottom}":
            problems.append(f"print titles {ws.print_title_rows!r}, expected {top}:{bottom}")
        for c, label in enumerate(leaves, 1):
            w = ws.column_dimensions[get_column_letter(c)].width
            if w is None or w < 5:
                problems.append(f"column {label!r} too narrow ({w})")
            elif math.ceil(width(label) / max(w - 1, 1)) > 4:
                problems.append(f"column {label!r} ({w}) too narrow for its header")
            elif label.endswith("名称") and w < 15:
                problems.append(f"name column {label!r} ({w}) too narrow for a name")
    want_notes = note_lines(form.notes)
    got_notes = [t for t in texts if t in want_notes]
    if got_notes != want_notes:
        problems.append(f"notes {got_notes} != {want_notes}")
    # printing: A4, fitted to one page wide, the print area covers everything written
    ps = ws.page_setup
    if str(ps.paperSize) != "9":
        problems.append(f"paper size {ps.paperSize!r} is not A4 (9)")
    if ps.fitToWidth != 1 or not ws.sheet_properties.pageSetUpPr.fitToPage:
        problems.append("not fitted to one page wide")
    area = ws.print_area
    last_row = max(r for row in ws.iter_rows() for cell in row if cell.value is not None for r in [cell.row])
    last_col = max(cell.column for row in ws.iter_rows() for cell in row if cell.value is not None)
    m = re.fullmatch(r"'?[^!]*'?!?\$?A\$?1:\$?([A-Z]+)\$?(\d+)", (area or "").split(",")[0])
    if not m:
        problems.append(f"print area {area!r} not set")
    else:
        col_letters, row_num = m.groups()
        col_num = column_index_from_string(col_letters)
        if int(row_num) < last_row or col_num < last_col:
            problems.append(f"print area {area!r} does not cover row {last_row}, column {last_col}")
    return problems


def zip_times(data: bytes) -> set:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.date_time for i in z.infolist()}
