"""Check records against the JSON Schemas in registry/schema/ and explain failures in Chinese.

The schemas are the single definition of each record's shape: the YAML language
server uses them in the editor, this module uses them at validation.

Two validators, both draft 2020-12: jsonschema-rs (compiled Rust) accepts the valid
records — 10,000 platforms in 0.06 s, where the pure-Python jsonschema takes ~10 s,
mostly resolving $refs — and jsonschema explains the rare invalid one keyword by
keyword, in Chinese.  A type error on a value that YAML re-typed (`no` read as a
boolean, `411002` read as a number) becomes advice to quote it.  Should the two ever
disagree, the record is still rejected with jsonschema-rs's own message.
"""
from __future__ import annotations

import difflib
import hashlib
import json
from functools import cached_property
from importlib import metadata
from pathlib import Path

import jsonschema_rs

from .problems import Problems, field_path
from .yamlsource import BOOL_TAG, FLOAT_TAG, INT_TAG, TIMESTAMP_TAG, Source

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "registry" / "schema"
RECORD_TYPES = ("programme", "notice", "form", "publicity", "platform", "calendar", "registry")

_TYPE_NAMES = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true 或 false",
               "array": "列表", "object": "带字段的内容", "null": "空"}
_IMPLICIT_NAMES = {BOOL_TAG: "是/否（布尔值）", INT_TAG: "数字", FLOAT_TAG: "小数",
                   TIMESTAMP_TAG: "日期"}


def _actual_type(value) -> str:
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, (int, float)):
        return "数字"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    return "带字段的内容"


def _accepts_text(kw: str, expected) -> bool:
    """Would quoting the value help?  Only where the schema wants text: "加引号" is wrong advice
    for `lines: 6.5` (an integer is wanted) or `page_break: false` (only true is allowed)."""
    if kw == "type":
        return "string" in (expected if isinstance(expected, list) else [expected])
    if kw == "enum":
        return any(isinstance(option, str) for option in expected)
    if kw == "const":
        return isinstance(expected, str)
    return True


class SchemaSet:
    """The compiled validators, one per record type (loaded once per process)."""

    def __init__(self, schema_dir: Path = SCHEMA_DIR):
        self.schema_dir = schema_dir
        texts = {p.name: p.read_bytes() for p in sorted(schema_dir.glob("*.schema.json"))}
        self.raw = {name: json.loads(text) for name, text in texts.items()}
        # what a record passing them depends on (the parse cache remembers which records did)
        h = hashlib.blake2b(digest_size=16)
        h.update(f"jsonschema-rs={metadata.version('jsonschema-rs')}|".encode())
        for name, text in texts.items():
            h.update(name.encode() + b"\0" + text + b"\0")
        self.digest = h.digest()

    @cached_property
    def fast(self) -> dict:
        base = "file:///registry/schema/"
        registry = jsonschema_rs.Registry([(base + name, schema) for name, schema in self.raw.items()])
        return {kind: jsonschema_rs.Draft202012Validator(
                    self.raw[f"{kind}.schema.json"], registry=registry, base_uri=f"{base}{kind}.schema.json",
                    validate_formats=True)
                for kind in RECORD_TYPES}

    @cached_property
    def validators(self) -> dict:
        """The pure-Python validators, which explain an invalid record: imported only then (they
        take a twentieth of a second to import, in every build and validation)."""
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        registry = Registry().with_resources((name, Resource.from_contents(schema)) for name, schema in self.raw.items())
        out = {}
        for kind in RECORD_TYPES:
            schema = self.raw[f"{kind}.schema.json"]
            out[kind] = Draft202012Validator(
                schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
        return out

    def check(self, kind: str, src: Source, problems: Problems) -> bool:
        """Report every schema problem of one record; True when there is none."""
        if self.fast[kind].is_valid(src.data):  # the fast path: most records are fine
            return True
        found = False
        said = set()   # one message per field: a bad date fails both its pattern and its format
        for error in self.validators[kind].iter_errors(src.data):
            for path, message in self._explain(error, src):
                if path in said and error.validator != "required":
                    continue
                said.add(path)
                problems.add(src.path, src.line(path), field_path(path), message, rule=f"schema.{error.validator}")
                found = True
        if not found:  # the validators disagree: never let the record through
            for error in self.fast[kind].iter_errors(src.data):
                path = tuple(error.instance_path)
                problems.add(src.path, src.line(path), field_path(path), f"不符合格式要求：{error.message}",
                             rule="schema")
        return False

    # -- messages ---------------------------------------------------------------------
    def _explain(self, error, src: Source):
        path = tuple(error.absolute_path)
        schema = error.schema if isinstance(error.schema, dict) else {}
        value = error.instance
        hint = schema.get("x-message")
        kw = error.validator

        trap = src.implicit.get(path)
        if trap and kw in ("type", "enum", "pattern", "format", "const", "oneOf") and not isinstance(value, str) \
                and _accepts_text(kw, error.validator_value):
            tag, text = trap
            kind = _IMPLICIT_NAMES.get(tag, "其他类型")
            options = schema.get("enum")
            if options is not None and text not in options:  # quoting `no` would not make it a valid choice
                yield path, f"“{text}”被 YAML 读成了{kind}，也不是这里允许的取值。可选：{'、'.join(map(str, options))}。"
                return
            yield path, (f"“{text}”没有加引号，YAML 把它读成了{kind}。"
                         f"如果要填写的是文字或代码，请加引号写成 \"{text}\"。")
            return
        if kw == "additionalProperties":
            allowed = sorted(schema.get("properties", {}))
            extra = [k for k in value if k not in schema.get("properties", {})]
            for key in extra:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                tip = f"是不是想写“{close[0]}”？" if close else f"可用的字段：{'、'.join(allowed)}。"
                yield path + (key,), f"未知字段“{key}”。{tip}"
            return
        if kw == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            desc = schema.get("properties", {}).get(missing, {}).get("description", "")
            desc = f"（{desc.split('，')[0].split('：')[0]}）" if desc else ""
            yield path, f"缺少必填字段“{missing}”{desc}。请补上。"
            return
        if kw == "type":
            expected = error.validator_value
            expected = expected if isinstance(expected, list) else [expected]
            names = "或".join(_TYPE_NAMES.get(t, t) for t in expected if t != "null")
            if value is None:
                yield path, f"这里不能为空，应填写{names}。" + (hint + "。" if hint else "")
            else:
                yield path, f"这里应填写{names}，现在是{_actual_type(value)}。" + (hint + "。" if hint else "")
            return
        if kw == "enum":
            options = "、".join(str(o) for o in error.validator_value)
            desc = schema.get("description", "")
            yield path, f"“{value}”不是允许的取值。可选：{options}。" + (f"（{desc}）" if desc else "")
            return
        if kw == "format" and error.validator_value == "date":
            yield path, f"“{value}”不是日历上存在的日期。日期要写成 YYYY-MM-DD，例如 2024-11-11。"
            return
        if "propertyNames" in error.relative_schema_path and isinstance(value, str) and hint:
            # a bad key (`23:` for a year): point at the key's own line, not at the mapping's
            yield path + (value,), f"“{value}”格式不对：{hint}。"
            return
        if kw in ("pattern", "propertyNames") and hint:
            yield path, f"“{value}”格式不对：{hint}。"
            return
        if kw == "minimum":
            yield path, f"不能小于 {error.validator_value}（现在是 {value}）。" + (hint + "。" if hint else "")
            return
        if kw == "maximum":
            yield path, f"不能大于 {error.validator_value}（现在是 {value}）。" + (hint + "。" if hint else "")
            return
        if kw == "minLength":
            yield path, "这里不能为空。"
            return
        if kw == "minItems":
            yield path, f"至少要有 {error.validator_value} 项。"
            return
        if kw == "uniqueItems":
            yield path, "列表中有重复的项，请删去重复的。"
            return
        if kw == "const":
            yield path, f"这里只能写 {json.dumps(error.validator_value, ensure_ascii=False)}。"
            return
        if hint:
            yield path, hint + "。"
            return
        yield path, f"不符合格式要求：{error.message}"
