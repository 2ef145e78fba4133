"""Read one YAML record file into JSON-like data, keeping the line of every field.

PyYAML's own constructors lose line numbers and silently turn `no`, `on` and
`010` into booleans and octal numbers.  We compose the node tree with the C
parser (fast) and build the values ourselves, so that:

* every value has a line (`Source.line(path)`), for messages a clerk can follow;
* mapping keys are always their literal text (`on:` stays "on", `2023:` stays "2023");
* scalars YAML would re-type implicitly remember how they were written
  (`Source.implicit`), so a later type error can say "加引号" instead of a riddle;
* dates become ISO strings (JSON Schema validates them with format "date"),
  so the validated data is plain JSON whatever the YAML said.

YAML traps that are always wrong in a record (duplicate keys, tabs, a BOM,
non-UTF-8 bytes, an empty file, several documents) are reported here.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from sys import intern      # field names: the same few hundred in every record (one string each, and
                            # marshal, which the parse cache uses, writes an interned string once)

import yaml

from .problems import Problems, field_path

class _CachedResolver(yaml.resolver.Resolver):
    """PyYAML's YAML 1.1 tag resolution, memoised: the C parser asks the (Python) resolver
    about every scalar, and records repeat the same keys and values thousands of times."""

    _memo: dict = {}

    def resolve(self, kind, value, implicit):
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._memo.get(key)
        if tag is None:
            if len(self._memo) > 100_000:
                self._memo.clear()
            tag = self._memo[key] = super().resolve(kind, value, implicit)
        return tag


try:  # the C parser (libyaml) is ~10x faster; fall back for platforms without it
    from yaml.cyaml import CParser

    class _Loader(CParser, yaml.constructor.SafeConstructor, _CachedResolver):
        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            _CachedResolver.__init__(self)
except ImportError:  # pragma: no cover
    class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                  yaml.constructor.SafeConstructor, _CachedResolver):
        def __init__(self, stream):
            yaml.SafeLoader.__init__(self, stream)

BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
STR_TAG = "tag:yaml.org,2002:str"

ID_RE = re.compile(r"^[a-z0-9-]{3,80}$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ODD_BREAKS = {"\x85", "\u2028", "\u2029"}
_BOOL_TRUE = {"yes", "true", "on", "y"}


class Source:
    """A loaded file: its data and where each field came from.

    The lines are worked out only when asked for (a problem to report): a registry without
    problems never needs them, and leaving them out makes a load a fifth faster and its
    result (sent back by parallel loading, kept by the parse cache) a third of the size.
    `text` is what the file held, to read the lines from then; or `reader` gives it, when asked
    (a build that took the file's data from the parse cache by the digest of its bytes has not
    read it: parsecache.py)."""

    __slots__ = ("path", "data", "_lines", "_implicit", "text", "reader")

    def __init__(self, path: str, data=None, lines: dict | None = None, implicit: dict | None = None,
                 text: str | None = None, reader=None):
        self.path = path
        self.data = data
        self._lines = lines
        # path -> (tag, literal text) for plain scalars YAML typed as non-text; or a function
        # giving them, called when asked (the parse cache reads them only for a schema error)
        self._implicit = {} if implicit is None else implicit
        self.text = text
        self.reader = reader

    @property
    def implicit(self) -> dict:
        if callable(self._implicit):
            self._implicit = self._implicit()
        return self._implicit

    @implicit.setter
    def implicit(self, value: dict) -> None:
        self._implicit = value

    @property
    def lines(self) -> dict[tuple, int]:
        if self._lines is None:
            self._lines = {}
            if self.text is None and self.reader is not None:
                self.text, self.reader = self.reader(), None
            if self.text is not None:
                full = load_text(self.text, self.path, Problems(), lines=True)
                if full is not None:
                    self._lines = full._lines
        return self._lines

    @lines.setter
    def lines(self, value: dict) -> None:
        self._lines = value

    def line(self, path=()) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        lines = self.lines
        path = tuple(path)
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return lines.get((), 1)


def load_file(path: Path, problems: Problems, display: str | None = None) -> Source | None:
    """Load `path`; on any problem report it and return None (or a partial Source)."""
    return load_bytes(path.read_bytes(), problems, display or str(path))


def load_bytes(raw: bytes, problems: Problems, shown: str) -> Source | None:
    """A record file's bytes; `shown` is the path problems name."""
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.add(shown, 1, "", "文件以字节顺序标记（BOM）开头。请用“UTF-8（无 BOM）”重新保存。",
                     rule="yaml.bom")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(shown, line, "", "文件不是 UTF-8 编码（可能是 GBK）。请用“UTF-8（无 BOM）”重新保存。",
                     rule="yaml.encoding")
        return None
    return load_text(text, shown, problems)


def load_text(text: str, shown: str, problems: Problems, lines: bool = False) -> Source | None:
    """`lines=False`: the lines are left for later (Source.lines), unless a problem of the file
    itself needs them now."""
    src = Source(shown, lines={}, text=text)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        problems.add(shown, 1, "", "文件是空的：没有任何字段。请填写记录内容，或删除这个文件。", rule="yaml.empty")
        return None
    tab_found = False
    for number, ln in enumerate(text.splitlines() if "\t" in text else (), 1):
        indent = ln[: len(ln) - len(ln.lstrip(" \t"))]
        if "\t" in indent:
            problems.add(shown, number, "", "行首有制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。",
                         rule="yaml.tab")
            tab_found = True
    if tab_found:
        return None
    odd_breaks = False
    for number, ln in enumerate(text.split("\n") if ("\x85" in text or "\u2028" in text or "\u2029" in text) else (), 1):
        # YAML reads NEL, LINE/PARAGRAPH SEPARATOR as line breaks (a value may silently split in two,
        # and libyaml's line numbers no longer match the editor's); they come from pasted web/Word text
        for ch in sorted(set(ln) & _ODD_BREAKS):
            problems.add(shown, number, "", f"这一行含有看不见的特殊换行符（U+{ord(ch):04X}），常见于从网页或 Word "
                         "复制的文字。请删除它，需要换行时直接回车。", rule="yaml.line-break")
            odd_breaks = True
    if odd_breaks:
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problems.add(shown, line, "", f"YAML 语法错误：{_explain(exc, text)}。请检查这一行的冒号、引号和缩进。",
                     rule="yaml.syntax")
        return None
    except yaml.reader.ReaderError as exc:  # a control character; libyaml counts its position in UTF-8 bytes
        line = text.encode("utf-8")[: exc.position].count(b"\n") + 1
        problems.add(shown, line, "", f"YAML 语法错误：含有不允许的控制字符（#x{exc.character:04x}），"
                     "常见于从网页或 Word 复制的文字。请删除这个字符。", rule="yaml.syntax")
        return None
    except yaml.YAMLError as exc:
        problems.add(shown, 1, "", f"YAML 语法错误：{exc}", rule="yaml.syntax")
        return None
    if node is None:
        problems.add(shown, 1, "", "文件是空的：没有任何字段。", rule="yaml.empty")
        return None
    try:
        # no anchor, so no alias: a plain tree, with fewer values than characters
        if not lines and "&" not in text and len(text) <= MAX_VALUES:
            try:
                src.data = _build_plain(node, src.implicit)
                src.lines = None
                return src
            except _Irregular:       # a duplicate or complex key: the full walk reports it
                src.implicit.clear()
        src.data = _build(node, (), src, problems)
    except _TooLarge:
        problems.add(shown, 1, "", f"文件展开后超过 {MAX_VALUES} 个值（可能是大量锚点引用 *）。请直接写出内容，不要用锚点。",
                     rule="yaml.too-large")
        return None
    return src


def _explain(exc: yaml.MarkedYAMLError, text: str = "") -> str:
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if "cannot start any token" in problem:
        # libyaml does not name the character (the pure-Python parser does): read it at the mark
        mark, ch = exc.problem_mark, ""
        lines = text.splitlines()
        if mark is not None and mark.line < len(lines) and mark.column < len(lines[mark.line]):
            ch = lines[mark.line][mark.column]
        if ch == "\t" or "'\\t'" in problem:
            return "出现了制表符（Tab）"
        shown = f"“{ch}”" if ch else "这个符号"
        return f"{shown}不能作为文字的开头（以 @、`、% 等符号开头的文字请加引号）"
    if context.startswith("expected a single document in the stream"):
        return "一个文件只能有一条记录（去掉多余的 ---）"
    known = {
        "mapping values are not allowed": "这里不能出现“键: 值”（冒号后面的文字含冒号时请加引号）",
        "found undefined alias": "引用了未定义的锚点",
        "did not find expected ',' or '}'": "花括号 { } 没有配对，或两项之间缺少逗号",
        "did not find expected ',' or ']'": "方括号 [ ] 没有配对，或两项之间缺少逗号",
        "found unexpected end of stream": "文件在引号或括号闭合之前就结束了（引号没有配对？）",
        "found unknown escape character": "双引号里的反斜杠“\\”后面跟了不认识的字符（写反斜杠本身请改用单引号）",
        "did not find expected '-' indicator": "列表项（- 开头）的缩进不一致",
        "did not find expected key": "缩进不一致，或引号、括号后面多了文字",
        "did not find expected node content": "这里缺少内容（列表或字段的值不完整）",
    }
    for en, zh in known.items():
        if problem.startswith(en):
            return zh
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return "缩进不一致或缺少冒号"
    return problem or str(exc)


MAX_VALUES = 200_000   # a record has hundreds; a "billion laughs" alias bomb has billions


class _TooLarge(Exception):
    pass


def _build(node, path: tuple, src: Source, problems: Problems, active: frozenset = frozenset()):
    if len(src.lines) > MAX_VALUES:
        raise _TooLarge
    src.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in active:  # `&a [*a]`: an alias inside its own anchor would never end
            problems.add(src.path, node.start_mark.line + 1, field_path(path),
                         "锚点（&）在自身内部被引用（*），形成了循环。请去掉这个引用。", rule="yaml.alias-cycle")
            return None
        active = active | {id(node)}
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.add(src.path, key_node.start_mark.line + 1, field_path(path),
                             "字段名必须是简单的文字。", rule="yaml.key")
                continue
            key = intern(key_node.value)  # literal text: `on:` is "on", `2023:` is "2023"
            key_path = path + (key,)
            if key in out:
                problems.add(src.path, key_node.start_mark.line + 1, field_path(key_path),
                             f"字段“{key}”重复出现（第 {src.lines[key_path]} 行已有）。请合并为一处。",
                             rule="yaml.duplicate-key")
                continue
            src.lines[key_path] = key_node.start_mark.line + 1
            out[key] = _build(value_node, key_path, src, problems, active)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), src, problems, active) for i, item in enumerate(node.value)]
    return _scalar(node, path, src.implicit)


class _Irregular(Exception):
    pass


def _build_plain(node, implicit: dict, path: tuple = ()):
    """_build without lines, for a tree without aliases (so without cycles, and no larger than
    its text); anything _build would report raises _Irregular."""
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Irregular
            key = intern(key_node.value)
            if key in out:
                raise _Irregular
            out[key] = _build_plain(value_node, implicit, path + (key,))
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build_plain(item, implicit, path + (i,)) for i, item in enumerate(node.value)]
    if node.style or node.tag == STR_TAG:
        return node.value
    return _scalar(node, path, implicit)


def _yaml11_int(text: str):
    """An int as YAML 1.1 reads it (PyYAML's resolver): 1_000, 0x1F, 0b101, 010 (octal!), 1:30."""
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    try:
        if t.startswith("0x"):
            return sign * int(t[2:], 16)
        if t.startswith("0b"):
            return sign * int(t[2:], 2)
        if ":" in t:
            value = 0
            for part in t.split(":"):
                value = value * 60 + int(part)
            return sign * value
        if len(t) > 1 and t.startswith("0"):
            return sign * int(t, 8)
        return sign * int(t)
    except ValueError:
        return text


def _scalar(node: yaml.ScalarNode, path: tuple, implicit: dict):
    text, tag = node.value, node.tag
    if node.style or tag == STR_TAG:  # quoted or block scalar (style "'|>"): text as written
        return text
    if tag == NULL_TAG:
        return None
    if tag == BOOL_TAG:
        implicit[path] = (tag, text)
        return text.lower() in _BOOL_TRUE
    if tag == INT_TAG:
        implicit[path] = (tag, text)
        return _yaml11_int(text)
    if tag == FLOAT_TAG:
        implicit[path] = (tag, text)
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            return text  # .inf/.nan spellings: keep the text; the schema will object
        return value
    if tag == TIMESTAMP_TAG:
        implicit[path] = (tag, text)
        m = _DATE_RE.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d).isoformat()
            except ValueError:
                return text  # not a real date: the schema's date format reports it
        return text  # a date with a time: the schema's date format reports it
    return text
