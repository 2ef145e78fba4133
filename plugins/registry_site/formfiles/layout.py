"""What a form's blocks mean on paper, whatever the file format.

The block language (docs-notes/CONTRACT-EXTENSIONS.md, "form") says *what* a form holds;
this module decides the few things both renderers (docx_form, xlsx_form) and the tests
must agree on:

- the header grid of a table with grouped columns (`header_grid`): which cell spans
  which rows and columns, e.g. 对所受服务的总体评价 over 很满意 / 基本满意 / 不满意;
- relative column widths (`column_weight`), from the label: names and contents are wide,
  yes/no and numbers narrow;
- the lines of a signature block (`signature_lines`): stamp places such as （盖章）, labelled
  lines such as 申报单位（盖章）： and 法定代表人（签字）：, and the date line;
- cover fields (`cover_field`): 填报日期 gets 年 月 日 blanks, 申请单位名称（盖章） its seal mark;
- the numbered notes (`numbered_notes`): 注：1.… 2.… as the sources print them;
- which blocks form one bordered grid on paper (`grid_runs`).

Pure Python; no file format here.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

CHECKBOX = "☐"
DATE_BLANKS = "　　　年　　月　　日"
GRID_KINDS = ("fields", "table", "checkboxes", "text")
BLOCK_KINDS = ("heading", "paragraph", "fields", "table", "checkboxes", "text", "signature", "page_break")


def kind(block: dict) -> str:
    """The block's kind: its one key (heading, paragraph, fields, table, …)."""
    (name,) = block.keys()
    return name


def display_width(text: str) -> int:
    """Width in half-width units: a Chinese character counts 2, a Latin letter or digit 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# -- table headers ----------------------------------------------------------------------------
@dataclass(frozen=True)
class HeaderCell:
    label: str
    row: int          # 0-based header row
    col: int          # 0-based leaf column
    rowspan: int
    colspan: int

    @property
    def grouped(self) -> bool:
        return self.colspan > 1


def _label(column) -> str:
    return column if isinstance(column, str) else column["label"]


def _depth(column) -> int:
    if isinstance(column, str):
        return 1
    return 1 + max(_depth(c) for c in column["children"])


def _leaves(column) -> list[str]:
    if isinstance(column, str):
        return [column]
    return [leaf for c in column["children"] for leaf in _leaves(c)]


def leaves(columns: list) -> list[str]:
    """The bottom header labels, left to right: one per column of the table body."""
    return [leaf for c in columns for leaf in _leaves(c)]


def header_depth(columns: list) -> int:
    """Number of header rows (1 without grouped columns, 2 with 对所受服务的总体评价 over 很满意…)."""
    return max(_depth(c) for c in columns)


def header_grid(columns: list) -> list[HeaderCell]:
    """Every header cell with its position and spans, row by row, left to right.

    A plain column spans all header rows below its own; a group spans its children."""
    depth = header_depth(columns)
    cells: list[HeaderCell] = []

    def place(column, row: int, col: int) -> int:
        if isinstance(column, str):
            cells.append(HeaderCell(column, row, col, depth - row, 1))
            return 1
        width = 0
        for child in column["children"]:
            width += place(child, row + 1, col + width)
        cells.append(HeaderCell(column["label"], row, col, 1, width))
        return width

    col = 0
    for c in columns:
        col += place(c, 0, col)
    return sorted(cells, key=lambda h: (h.row, h.col))


WIDE_ENDINGS = ("名称", "内容", "单位", "简述", "学校", "工作", "产品", "意见", "备注", "地址")
NARROW = ("序号", "年龄", "数量", "职务", "性质", "年度")


def column_weight(label: str) -> float:
    """Relative width of a column, from its header label (a wide name column, a narrow 序号)."""
    if label in NARROW or label.startswith("是否") and display_width(label) <= 8:
        return 2.0 if label == "序号" else 3.0
    if label.endswith(WIDE_ENDINGS):
        return 6.0 if display_width(label) <= 12 else 7.0
    if label in ("很满意", "基本满意", "不满意", "满意"):
        return 2.3 + 0.25 * len(label)
    return max(3.0, min(display_width(label) / 2.5, 5.0))


def weights(labels: list[str]) -> list[float]:
    return [column_weight(x) for x in labels]


# -- label/value grids (fields) -------------------------------------------------------------
def field_rows(fields: dict) -> list[list[dict]]:
    """The items of a fields block in rows: {label, unit, span}, each taking 2 × span grid columns
    (a label cell and a value cell over 2 × span − 1 columns), `columns` items of span 1 a row.

    An item that does not fit in what is left of a row starts the next one; the last value cell
    of a row that is not full is widened to the row's end, so every row spans the whole grid."""
    per_row = 2 * (fields.get("columns") or 2)
    rows: list[list[dict]] = []
    row: list[dict] = []
    used = 0
    for raw in fields["items"]:
        item = {"label": raw, "unit": "", "span": 1} if isinstance(raw, str) else \
            {"label": raw["label"], "unit": raw.get("unit", ""), "span": raw.get("span", 1)}
        item["span"] = min(item["span"], per_row // 2)
        if row and used + 2 * item["span"] > per_row:
            row[-1]["span"] += (per_row - used) // 2
            rows.append(row)
            row, used = [], 0
        row.append(item)
        used += 2 * item["span"]
    if row:
        row[-1]["span"] += (per_row - used) // 2
        rows.append(row)
    return rows


def value_columns(item: dict) -> int:
    """Grid columns under an item's value cell (2 × span − 1)."""
    return 2 * item["span"] - 1


# -- cover, signature, notes ------------------------------------------------------------------
SEAL_SUFFIXES = ("（盖章）", "(盖章)")


def cover_field(label: str) -> tuple[str, str]:
    """(label, text in the blank) for a cover line: 填报日期：　年　月　日, 申请单位名称：……（盖章）."""
    for suffix in SEAL_SUFFIXES:
        if label.endswith(suffix):
            return label[: -len(suffix)], "（盖章）"
    if label.endswith("日期"):
        return label, DATE_BLANKS
    return label, ""


@dataclass(frozen=True)
class SignatureLines:
    label: str                 # e.g. 县（市、区）工业和信息化主管部门推荐意见
    stamps: list[str]          # stamp places printed as they are: （盖章）, （被核查单位盖章）, （章）
    labelled: list[str]        # lines to sign or stamp after a label: 申报单位（盖章）：, 法定代表人（签字）：
    date: str                  # 年　月　日, or 日　　期：　年　月　日 after labelled lines; "" without a date


def signature_lines(sig: dict) -> SignatureLines:
    seal = sig.get("seal")
    captions = ["（盖章）"] if seal is True else list(seal or [])
    stamps = [c for c in captions if c.startswith(("（", "("))]
    labelled = [c + "：" for c in captions if not c.startswith(("（", "("))]
    if sig.get("signer"):
        labelled.append(sig["signer"] + "：")
    date = ""
    if sig.get("date"):
        date = ("日　　期：" + DATE_BLANKS) if labelled else DATE_BLANKS.strip("　")
    return SignatureLines(sig.get("label", ""), stamps, labelled, date)


def numbered_notes(notes: list[str]) -> list[str]:
    """注：1.… then 2.… — the way the 汇总表 prints 注1–注4."""
    return [("注：" if i == 1 else "") + f"{i}.{text}" for i, text in enumerate(notes, 1)]


def heading_text_level(block_value) -> tuple[str, int]:
    if isinstance(block_value, str):
        return block_value, 1
    return block_value["text"], block_value.get("level", 1)


def text_label_on_top(label: str) -> bool:
    """A writing area whose label ends with a colon (推荐意见：) is one wide cell with the label on
    top, as the sources print it; otherwise the label sits in a cell on the left."""
    return label.endswith(("：", ":"))


def grid_runs(blocks: list[dict]) -> list[tuple[str, list[dict]]]:
    """Split the blocks into ("grid", [...]) runs printed as one bordered grid and single
    ("flow", [block]) items printed as paragraphs.

    A run holds consecutive fields/table/checkboxes/text blocks, a level-2 or 3 heading that
    opens or continues one (一、平台基本情况 is a row of the 申请表), and a signature without its
    own label right after a writing area (the （盖章） 年 月 日 of 推荐意见, inside its cell)."""
    runs: list[tuple[str, list[dict]]] = []
    current: list[dict] = []

    def close():
        if current:
            runs.append(("grid", list(current)))
            current.clear()

    for i, block in enumerate(blocks):
        k = kind(block)
        nxt = kind(blocks[i + 1]) if i + 1 < len(blocks) else None
        if k in GRID_KINDS:
            current.append(block)
        elif k == "heading" and heading_text_level(block[k])[1] >= 2 and nxt in GRID_KINDS:
            current.append(block)
        elif (k == "signature" and current and kind(current[-1]) == "text" and not block[k].get("label")
              and text_label_on_top(current[-1]["text"]["label"])):
            current.append(block)
        else:
            close()
            runs.append(("flow", [block]))
    close()
    return runs
