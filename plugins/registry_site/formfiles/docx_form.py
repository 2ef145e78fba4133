"""A form record as an editable Word document (python-docx), laid out like the source.

- A4 portrait, margins 2.54 cm top/bottom and 2.5 cm left/right (a 16 cm text width).
- Fonts named for Chinese text: 宋体 (SimSun) for the body and tables, 黑体 (SimHei) for
  titles and headings, set in every slot of `w:rFonts` (ascii, hAnsi, eastAsia, cs) of the
  document defaults and of each style, with the theme fonts removed, so Word and WPS use
  them for Chinese and Latin text alike; fontTable.xml names their English names and
  GB2312 charset for machines that only know SimSun/SimHei.
- The cover (title lines, fields such as 平台运营单位名称：____, the maker line such as
  河南省工业和信息化厅制) is its own page without a page number; the form's pages are
  numbered “— 1 —” as the sources print them.
- Blocks that make one bordered grid on paper (layout.grid_runs) are consecutive Word
  tables of the same width with nothing between them, so they print as one form grid;
  header rows repeat on every page; blank rows are at least 0.75 cm high to write in.
"""
from __future__ import annotations

import copy
import datetime as dt
import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from . import layout
from .reproducible import AUTHOR, normalise_zip

SONG, HEI = "宋体", "黑体"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
FONT_ALIASES = {SONG: ("SimSun", "02010600030101010101"), HEI: ("SimHei", "02010609060101010101")}
PAGE_W, PAGE_H = 21.0, 29.7
MARGIN_TB, MARGIN_LR = 2.54, 2.5
TEXT_W = PAGE_W - 2 * MARGIN_LR          # 16.0 cm
ROW_H = Cm(0.75)
LINE_H = 0.8                             # cm per written line in a writing area

# paragraph styles added to the template, by name: (style id, font, size pt, alignment, space before/after pt)
FORM_TITLE, COVER_TITLE, COVER_TEXT = "表单标题", "封面标题", "封面文字"
TABLE_TEXT, TABLE_HEAD, FORM_NOTE = "表格文字", "表头文字", "表注"
STYLES = {
    FORM_TITLE: ("FormTitle", HEI, 22, WD_ALIGN_PARAGRAPH.CENTER, (0, 12)),
    COVER_TITLE: ("CoverTitle", HEI, 26, WD_ALIGN_PARAGRAPH.CENTER, (0, 0)),
    COVER_TEXT: ("CoverText", SONG, 16, None, (0, 0)),
    TABLE_TEXT: ("TableText", SONG, 10.5, WD_ALIGN_PARAGRAPH.CENTER, (0, 0)),
    TABLE_HEAD: ("TableHead", HEI, 10.5, WD_ALIGN_PARAGRAPH.CENTER, (0, 0)),
    FORM_NOTE: ("FormNote", SONG, 10.5, None, (0, 0)),
}
STYLE_IDS = {**{name: spec[0] for name, spec in STYLES.items()},
             "Heading 1": "Heading1", "Heading 2": "Heading2", "Heading 3": "Heading3"}
HEADINGS = {1: ("Heading 1", 16, WD_ALIGN_PARAGRAPH.CENTER, (12, 12)),
            2: ("Heading 2", 14, None, (6, 6)),
            3: ("Heading 3", 12, None, (6, 3))}


# -- element order ----------------------------------------------------------------------------
# Word refuses a document ("unreadable content") whose property elements are out of the schema's
# order (ECMA-376 Part 1, wml.xsd), so elements python-docx has no API for are put in their place.
SEQUENCES = {
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"),
    "sectPr": ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
               "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
               "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _put(parent, child) -> None:
    """Put `child` into `parent` in schema order, replacing an element of the same name."""
    seq = SEQUENCES[_local(parent.tag)]
    name = _local(child.tag)
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = seq.index(name)
    for i, existing in enumerate(parent):
        other = _local(existing.tag)
        if other in seq and seq.index(other) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


# -- fonts and styles -------------------------------------------------------------------------
def _style(p, name: str | None):
    """Set a paragraph's style by id (python-docx's lookup by name scans every style: slow)."""
    if name:
        p._p.style = STYLE_IDS[name]
    return p


def _set_fonts(rpr, name: str) -> None:
    """Every script slot of <w:rFonts> set to `name`; theme fonts removed (they would win)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.attrib.pop(qn("w:bidi"), None)


def _style_font(style, font: str, size: float, bold: bool = False) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    color = rpr.find(qn("w:color"))
    if color is not None:
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)
    _set_fonts(rpr, font)


def _paragraph_format(fmt, alignment=None, space=(0, 0), line: float | None = None) -> None:
    if alignment is not None:
        fmt.alignment = alignment
    fmt.space_before, fmt.space_after = Pt(space[0]), Pt(space[1])
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = line


def _setup_styles(doc) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, SONG)
    _set_lang(rpr)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    if spacing is not None:
        ppr.remove(spacing)

    normal = styles["Normal"]
    _style_font(normal, SONG, 12)
    _paragraph_format(normal.paragraph_format, space=(0, 0), line=1.5)
    normal.paragraph_format.widow_control = True

    for name, size, align, space in HEADINGS.values():
        st = styles[name]
        _style_font(st, HEI, size)
        _paragraph_format(st.paragraph_format, align, space, line=1.25)
        st.paragraph_format.keep_with_next = True
        st.paragraph_format.left_indent = Pt(0)
    for name in ("Header", "Footer"):
        _style_font(styles[name], SONG, 10.5)

    for name, (sid, font, size, align, space) in STYLES.items():
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.element.set(qn("w:styleId"), sid)
        st.base_style = normal
        st.quick_style = True
        _style_font(st, font, size)
        _paragraph_format(st.paragraph_format, align, space, line=None if sid.startswith("Table") else 1.5)


def _font_table(doc) -> None:
    """fontTable.xml: 宋体/黑体 with their English names (altName) and the GB2312 charset (86)."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{cn}"><w:altName w:val="{en}"/><w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
        f'<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for cn, (en, panose) in FONT_ALIASES.items())
    close = xml.rindex("</w:fonts>")
    part._blob = (xml[:close] + entries + xml[close:]).encode("utf-8")


def _drop_template_extras(doc) -> None:
    """The template's thumbnail (a picture of an English page) and Word 2010's duplicate styles."""
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del pkg.rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            del doc.part.rels[rid]


def _page_setup(section) -> None:
    section.page_width, section.page_height = Cm(PAGE_W), Cm(PAGE_H)
    section.top_margin = section.bottom_margin = Cm(MARGIN_TB)
    section.left_margin = section.right_margin = Cm(MARGIN_LR)
    section.header_distance = section.footer_distance = Cm(1.5)


def _page_number_footer(section) -> None:
    """“— 1 —” centred, as the sources print page numbers; numbering starts at 1 here."""
    section.footer.is_linked_to_previous = False
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    p.add_run(" —")
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), "1")
    _put(section._sectPr, pg)


# -- table helpers ----------------------------------------------------------------------------
def _borders(table) -> None:
    """Single 0.5 pt black lines around and inside the table, as the sources print them."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for k, v in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            el.set(qn(k), v)
        borders.append(el)
    _put(table._tbl.tblPr, borders)


def _new_table(doc, widths_cm: list[float], rows: int, *, caption: str = "", bordered: bool = True):
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblPr = table._tbl.tblPr
    layout_el = OxmlElement("w:tblLayout")
    layout_el.set(qn("w:type"), "fixed")
    _put(tblPr, layout_el)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    _put(tblPr, width)
    if caption:   # Word's 可选文字 (alt text) title, read by screen readers
        cap = OxmlElement("w:tblCaption")
        cap.set(qn("w:val"), caption)
        _put(tblPr, cap)
    if bordered:
        _borders(table)
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths_cm[i])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _style(cell.paragraphs[0], TABLE_TEXT)
    return table


def _cell_text(cell, text: str, *, style: str = TABLE_TEXT, align=None, bold: bool = False):
    p = cell.paragraphs[0]
    _style(p, style)
    if align is not None:
        p.alignment = align
    if text:
        run = p.add_run(text)
        if bold:
            run.bold = True
    return p


def _row_height(row, cm: float | None = None, exact: bool = False) -> None:
    row.height = Cm(cm) if cm else ROW_H
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trPr.append(el)


def _no_split(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement("w:cantSplit"))


def body_row_height(rows: int) -> float:
    """Blank rows are 0.75 cm to write in; a long list (30 served enterprises) is made a little
    tighter, down to 0.62 cm, so that it fits on one page under its heading and header."""
    usable = PAGE_H - 2 * MARGIN_TB - 4.2
    return round(max(0.62, min(0.75, usable / max(rows, 1))), 2)


def _scale(weights: list[float], total: float = TEXT_W) -> list[float]:
    s = sum(weights)
    widths = [round(total * w / s, 2) for w in weights]
    widths[-1] = round(total - sum(widths[:-1]), 2)
    return widths


# -- the document -----------------------------------------------------------------------------
class _Writer:
    def __init__(self, form):
        self.form = form
        self.doc = Document()
        _drop_template_extras(self.doc)
        _setup_styles(self.doc)
        _font_table(self.doc)
        _page_setup(self.doc.sections[0])
        self.break_pending = False
        # the body holds one empty paragraph from the template: reuse it for the first line
        self._first = self.doc.paragraphs[0] if self.doc.paragraphs else None

    # paragraphs
    def para(self, text: str = "", style: str | None = None, align=None):
        if self._first is not None:
            p, self._first = self._first, None
            if style:
                _style(p, style)
            if text:
                p.add_run(text)
        else:
            p = _style(self.doc.add_paragraph(text), style)
        if align is not None:
            p.alignment = align
        if self.break_pending:
            p.paragraph_format.page_break_before = True
            self.break_pending = False
        return p

    def flush_break_before_table(self) -> None:
        """A page break waiting for a paragraph, but a table comes next: break with a paragraph."""
        if self.break_pending:
            self.break_pending = False
            p = self.para()
            p.paragraph_format.line_spacing = Pt(1)
            p.add_run().add_break(WD_BREAK.PAGE)

    # cover
    def cover(self, cover: dict) -> None:
        lines = cover.get("title_lines") or [self.form.title]
        first = self.para(lines[0], COVER_TITLE)
        first.paragraph_format.space_before = Cm(3.5)
        for line in lines[1:]:
            p = self.para(line, COVER_TITLE)
            p.paragraph_format.space_before = Pt(18)
        if cover.get("subtitle"):
            p = self.para(cover["subtitle"], COVER_TEXT, WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.space_before = Pt(12)
        fields = cover.get("fields") or []
        if fields:
            spacer = self.para()
            spacer.paragraph_format.space_before = Cm(3.0)
            shown = [layout.cover_field(label) for label in fields]
            label_w = min(max(layout.display_width(x + "：") for x, _ in shown) * 0.29 + 0.4, 9.0)
            table = _new_table(self.doc, [label_w, max(6.5, 13.5 - label_w)], len(fields), bordered=False)
            for row, (label, blank) in zip(table.rows, shown):
                _row_height(row, 1.3)
                row.cells[0].vertical_alignment = row.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                for p in (_cell_text(row.cells[0], label + "：", style=COVER_TEXT, align=WD_ALIGN_PARAGRAPH.LEFT),
                          _cell_text(row.cells[1], blank, style=COVER_TEXT,
                                     align=WD_ALIGN_PARAGRAPH.RIGHT if blank.startswith("（") else WD_ALIGN_PARAGRAPH.LEFT)):
                    p.paragraph_format.line_spacing = 1.0   # the text sits on the line it is written on
                _cell_bottom_border(row.cells[1])
        if cover.get("maker"):
            p = self.para(cover["maker"], COVER_TEXT, WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.space_before = Cm(4.0 if fields else 9.0)
        # the form itself starts on a new, numbered page
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _page_number_footer(section)

    # blocks
    def blocks(self, blocks: list[dict]) -> None:
        for run_kind, items in layout.grid_runs(blocks):
            if run_kind == "grid":
                self.grid(items)
            else:
                self.flow(items[0])

    def flow(self, block: dict) -> None:
        k = layout.kind(block)
        value = block[k]
        if k == "heading":
            text, level = layout.heading_text_level(value)
            self.para(text, HEADINGS[level][0])
        elif k == "paragraph":
            p = self.para(value)
            p.paragraph_format.first_line_indent = Pt(24)   # two characters, as Chinese text is set
        elif k == "signature":
            self.signature(layout.signature_lines(value))
        elif k == "page_break":
            self.break_pending = True
        else:  # pragma: no cover - grid kinds never come here
            raise ValueError(k)

    def signature(self, sig: layout.SignatureLines) -> None:
        if sig.label:
            p = self.para(sig.label)
            p.paragraph_format.space_before = Pt(12)
        first = True
        if sig.stamps:
            p = self.para("　　　　".join(sig.stamps), align=WD_ALIGN_PARAGRAPH.RIGHT)
            p.paragraph_format.space_before = Pt(36)
            first = False
        for line in sig.labelled:
            p = self.para(line)
            p.paragraph_format.left_indent = Cm(7.5)
            p.paragraph_format.space_before = Pt(36 if first else 12)
            first = False
        if sig.date:
            p = self.para(sig.date, align=None if sig.labelled else WD_ALIGN_PARAGRAPH.RIGHT)
            if sig.labelled:
                p.paragraph_format.left_indent = Cm(7.5)
            p.paragraph_format.space_before = Pt(12 if not first else 36)
            if not sig.labelled:
                p.paragraph_format.right_indent = Cm(1.0)

    # the grid: consecutive tables of the same width
    def grid(self, items: list[dict]) -> None:
        self.flush_break_before_table()
        label_w = self._label_width(items)
        i = 0
        while i < len(items):
            block = items[i]
            k = layout.kind(block)
            value = block[k]
            nxt = items[i + 1] if i + 1 < len(items) else None
            if k == "heading":
                self.grid_heading(layout.heading_text_level(value)[0])
            elif k == "fields":
                self.fields(value)
            elif k == "table":
                self.table(value)
            elif k == "checkboxes":
                self.checkboxes(value, label_w)
            elif k == "text":
                sig = None
                if nxt is not None and layout.kind(nxt) == "signature":
                    sig = layout.signature_lines(nxt["signature"])
                    i += 1
                self.text_area(value, label_w, sig)
            i += 1

    def _label_width(self, items: list[dict]) -> float:
        for block in items:
            if layout.kind(block) == "table":
                labels = layout.leaves(block["table"]["columns"])
                first = _scale(layout.weights(labels))[0]
                return min(max(first, 2.8), 4.5)
        return 3.5

    def grid_heading(self, text: str) -> None:
        table = _new_table(self.doc, [TEXT_W], 1, caption=text)
        _row_height(table.rows[0])
        p = _cell_text(table.rows[0].cells[0], text, style=TABLE_HEAD, align=WD_ALIGN_PARAGRAPH.LEFT)
        p.paragraph_format.keep_with_next = True

    def fields(self, fields: dict) -> None:
        """One bordered row a line of items: each label as wide as it needs (within limits), the
        values share the rest after their spans, so 注册日期： and 网址及备案号（已建网站的填写）： both fit."""
        for n, items in enumerate(layout.field_rows(fields)):
            labels = [x["label"] + ("" if x["label"].endswith(("：", ":")) else "：") for x in items]
            label_ws = [min(max(layout.display_width(x) * 0.2 + 0.5, 1.6), 5.0) for x in labels]
            spans = [layout.value_columns(x) for x in items]
            mins = [max(1.6, layout.display_width(x["unit"]) * 0.2 + 1.2) for x in items]
            room = TEXT_W - sum(label_ws)
            if room < sum(mins):      # long labels: shrink them to leave room to write
                label_ws = [w * (TEXT_W - sum(mins)) / sum(label_ws) for w in label_ws]
                room = TEXT_W - sum(label_ws)
            spare = room - sum(mins)
            widths = []
            for lw, span, least in zip(label_ws, spans, mins):
                widths += [lw, least + spare * span / sum(spans)]
            widths = [round(w, 2) for w in widths]
            widths[-1] = round(TEXT_W - sum(widths[:-1]), 2)
            table = _new_table(self.doc, widths, 1, caption=fields.get("caption", "") if n == 0 else "")
            row = table.rows[0]
            _row_height(row)
            _no_split(row)
            cells = row.cells
            for k, (item, label) in enumerate(zip(items, labels)):
                _cell_text(cells[2 * k], label, align=WD_ALIGN_PARAGRAPH.LEFT)
                if item.get("unit"):
                    _cell_text(cells[2 * k + 1], item["unit"], align=WD_ALIGN_PARAGRAPH.RIGHT)

    def table(self, t: dict) -> None:
        labels = layout.leaves(t["columns"])
        widths = _scale(layout.weights(labels))
        depth = layout.header_depth(t["columns"])
        caption_rows = 1 if t.get("caption") else 0
        # the header rows and one blank row; the other blank rows are copies of it (fast)
        table = _new_table(self.doc, widths, caption_rows + depth + 1, caption=t.get("caption") or "")
        rows = table.rows
        if caption_rows:
            cap = rows[0].cells[0].merge(rows[0].cells[-1])
            _cell_text(cap, t["caption"], style=TABLE_HEAD, align=WD_ALIGN_PARAGRAPH.LEFT)
            _row_height(rows[0])
            _repeat_header(rows[0])
        for r in range(depth):
            _row_height(rows[caption_rows + r])
            _repeat_header(rows[caption_rows + r])
            _no_split(rows[caption_rows + r])
        for h in layout.header_grid(t["columns"]):
            top = table.cell(caption_rows + h.row, h.col)
            bottom = table.cell(caption_rows + h.row + h.rowspan - 1, h.col + h.colspan - 1)
            cell = top.merge(bottom) if (h.rowspan > 1 or h.colspan > 1) else top
            _cell_text(cell, h.label, style=TABLE_HEAD)
        blank = rows[caption_rows + depth]
        _row_height(blank, body_row_height(t["rows"]))
        _no_split(blank)
        tr = blank._tr
        for _ in range(t["rows"] - 1):
            tr.addnext(copy.deepcopy(tr))
        if t["rows"] == 0:
            tr.getparent().remove(tr)
        after = [x for x in (t.get("footer"), t.get("note")) if x]
        for text in after:
            p = self.para(text, FORM_NOTE)
            p.paragraph_format.space_before = Pt(6)

    def checkboxes(self, c: dict, label_w: float) -> None:
        table = _new_table(self.doc, [label_w, TEXT_W - label_w], 1, caption=c["label"])
        row = table.rows[0]
        _row_height(row)
        _cell_text(row.cells[0], c["label"])
        options = "　".join(f"{layout.CHECKBOX}{o}" for o in c["options"])
        _cell_text(row.cells[1], options, align=WD_ALIGN_PARAGRAPH.LEFT)

    def text_area(self, t: dict, label_w: float, sig: layout.SignatureLines | None) -> None:
        lines = t.get("lines") or 4
        height = lines * LINE_H
        if layout.text_label_on_top(t["label"]):
            table = _new_table(self.doc, [TEXT_W], 1, caption=t["label"])
            row = table.rows[0]
            _no_split(row)
            cell = row.cells[0]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
            _cell_text(cell, t["label"], align=WD_ALIGN_PARAGRAPH.LEFT)
            gap = height
            if sig is not None:
                self._signature_in_cell(cell, sig, gap)
            else:
                _row_height(row, height + 0.8)
        else:
            table = _new_table(self.doc, [label_w, TEXT_W - label_w], 1, caption=t["label"])
            row = table.rows[0]
            _no_split(row)
            _row_height(row, height)
            _cell_text(row.cells[0], t["label"])
            if sig is not None:
                row.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                self._signature_in_cell(row.cells[1], sig, 0.2)

    def _signature_in_cell(self, cell, sig: layout.SignatureLines, gap_cm: float) -> None:
        first = True
        for text in ["　　　　".join(sig.stamps)] if sig.stamps else []:
            p = _style(cell.add_paragraph(text), TABLE_TEXT)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Cm(1.5)
            p.paragraph_format.space_before = Cm(gap_cm)
            first = False
        for line in sig.labelled:
            p = _style(cell.add_paragraph(line), TABLE_TEXT)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.left_indent = Cm(TEXT_W / 2)
            p.paragraph_format.space_before = Cm(gap_cm) if first else Pt(6)
            first = False
        if sig.date:
            p = _style(cell.add_paragraph(sig.date), TABLE_TEXT)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Cm(1.0)
            p.paragraph_format.space_before = Cm(gap_cm) if first else Pt(8)
            p.paragraph_format.space_after = Pt(8)

    def notes(self, notes: list[str]) -> None:
        for i, line in enumerate(layout.numbered_notes(notes)):
            p = self.para(line, FORM_NOTE)
            if i == 0:
                p.paragraph_format.space_before = Pt(6)
            else:
                p.paragraph_format.left_indent = Pt(21)   # under the “1.”, past “注：”

    def properties(self, programme_name: str, when: dt.datetime) -> None:
        props = self.doc.core_properties
        props.title = self.form.title
        props.subject = programme_name
        props.author = AUTHOR
        props.last_modified_by = AUTHOR
        props.keywords = "表单模板"
        props.category = "表单模板"
        props.comments = f"据原文转录：{self.form.source_name}" if self.form.source_name else ""
        props.language = "zh-CN"
        props.revision = 1
        props.created = when.replace(tzinfo=None)
        props.modified = when.replace(tzinfo=None)

    def render(self, programme_name: str, when: dt.datetime) -> bytes:
        form = self.form
        if form.cover:
            self.cover(form.cover)
        else:
            _page_number_footer(self.doc.sections[0])
            self.para(form.title, FORM_TITLE)
        self.blocks(form.blocks)
        if form.notes:
            self.notes(form.notes)     # a page break left pending moves the notes to a new page
        self.break_pending = False     # and one at the very end would only add a blank page
        self.properties(programme_name, when)
        out = io.BytesIO()
        self.doc.save(out)
        return normalise_zip(out.getvalue(), when)


def _cell_bottom_border(cell) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    _put(tcPr, borders)


def render_docx(form, *, programme_name: str = "", when: dt.datetime) -> bytes:
    """The form as DOCX bytes; the same record and `when` give the same bytes."""
    return _Writer(form).render(programme_name, when)

