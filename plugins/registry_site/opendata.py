"""Open data: the registry as JSON and CSV, from the same view models as the pages.

Statuses are the codes pending|active|expiring|expired|revoked (platforms) and
upcoming|open|closed (publicity), computed for the build's "as of" date.  Files
are written one record per line: small, diff-friendly, and byte-identical for the
same commit and date.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .views import NoticeView, PlatformView, PublicityView, Site
from .output import emit

# (file, field, meaning) — shown on /data/ and checked by a test against the files
FIELD_DOCS = [
    ("platforms.json", "id", "平台编号（永久不变，也是网址 /platforms/<id>/ 的一部分）"),
    ("platforms.json", "name", "平台名称"),
    ("platforms.json", "operator.name", "运营单位名称"),
    ("platforms.json", "operator.credit_code", "运营单位统一社会信用代码（未知时为 null）"),
    ("platforms.json", "region", "所在县（市、区）的 GB/T 2260 行政区划代码"),
    ("platforms.json", "region_name", "所在地全称"),
    ("platforms.json", "category", "平台类别：comprehensive 综合性，specialized 专业性（未知时为 null）"),
    ("platforms.json", "functions", "服务功能：information、technology、entrepreneurship、training、financing"),
    ("platforms.json", "status", "平台当前状态（最重要的一项认定）：pending 未生效、active 有效、expiring 即将到期（90 天内）、expired 已过期、revoked 已撤销；尚无认定时为 null"),
    ("platforms.json", "recognitions[].programme", "认定项目编号"),
    ("platforms.json", "recognitions[].notice", "公布认定的通知编号（未知时为 null）"),
    ("platforms.json", "recognitions[].announced_on", "公告日期"),
    ("platforms.json", "recognitions[].valid_from", "有效期开始日"),
    ("platforms.json", "recognitions[].valid_until", "有效期截止日（无固定期限时为 null）"),
    ("platforms.json", "recognitions[].star", "星级（仅星级评定）"),
    ("platforms.json", "recognitions[].status", "该项认定的状态，取值同 status"),
    ("platforms.json", "recognitions[].events", "考核、复评、撤销等事件：on 日期、type 类型、result 结果、star 星级、reason 原因、notice 通知编号"),
    ("notices.json", "id / title / kind / issuer / doc_number / issued_on", "通知编号、标题、类别（call 申报通知等）、发文机关、发文字号、成文日期"),
    ("notices.json", "programmes / attachments", "相关认定项目编号；附件表单编号"),
    ("notices.json", "deadlines[]", "截止事项：on 截止日期、from 开始日期、what 事项"),
    ("notices.json", "index_number / topic / published_on", "政府信息公开的索引号、主题分类、发布日期（原文未载明时为 null）"),
    ("publicity.json", "id / title / programme", "公示编号、标题、认定项目编号"),
    ("publicity.json", "starts_on / ends_on / working_days", "公示第一天、最后一天（按中国法定工作日推算）、工作日数"),
    ("publicity.json", "status", "upcoming 公示未开始、open 公示中、closed 公示已结束"),
    ("publicity.json", "entries", "公示的平台编号，按公布顺序"),
    ("publicity.json", "outcome", "结果通知编号（尚未公布时为 null）"),
]

CSV_COLUMNS = ["id", "name", "operator_name", "operator_credit_code", "region", "region_name", "category",
               "functions", "status", "programme", "valid_from", "valid_until", "star"]
CSV_HEADER = ["编号", "平台名称", "运营单位", "统一社会信用代码", "行政区划代码", "所在地", "平台类别",
              "服务功能", "状态", "主要认定项目", "有效期起", "有效期止", "星级"]


def _d(day):
    return day.isoformat() if day else None


def platform_record(p: PlatformView) -> dict:
    return {
        "id": p.id, "name": p.name,
        "operator": {"name": p.operator["name"], "credit_code": p.operator["credit_code"]},
        "region": p.region.code, "region_name": p.region.full_name,
        "category": p.category, "functions": p.functions, "status": p.status,
        "recognitions": [{
            "programme": r.programme.id, "notice": r.notice.id if r.notice else None,
            "announced_on": _d(r.announced_on), "valid_from": _d(r.valid_from), "valid_until": _d(r.valid_until),
            "star": r.star, "status": r.status,
            "events": [{"on": _d(e.on), "type": e.type, "result": e.result, "star": e.star,
                        "reason": e.reason or None, "notice": e.notice.id if e.notice else None} for e in r.events],
        } for r in sorted(p.recognitions, key=lambda r: (r.announced_on, r.programme.id))],
    }


def notice_record(n: NoticeView) -> dict:
    return {"id": n.id, "title": n.title, "kind": n.kind, "issuer": n.issuer, "doc_number": n.doc_number,
            "issued_on": _d(n.issued_on), "programmes": [p.id for p in n.programmes],
            "deadlines": [{"on": _d(d.on), "from": _d(d.starts), "what": d.what} for d in n.deadlines],
            "attachments": [a.id for a in n.attachments],
            "index_number": n.index_number, "topic": n.topic, "published_on": _d(n.published_on)}


def publicity_record(p: PublicityView) -> dict:
    return {"id": p.id, "title": p.title, "programme": p.programme.id, "starts_on": _d(p.starts_on),
            "ends_on": _d(p.ends_on), "working_days": p.working_days, "status": p.status,
            "entries": [e.id for e in p.entries], "outcome": p.outcome.id if p.outcome else None}


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _join(lines: list[str]) -> str:
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def dumps_lines(records: list[dict]) -> str:
    return _join([_line(r) for r in records])


def previous_lines(text: str) -> dict[str, str]:
    """A platforms.json or notices.json as write_lists wrote it: each record's id -> its line.  (A
    line never holds a newline: json.dumps escapes them; ids are [a-z0-9-], schema common.schema.json.)"""
    found = {}
    for line in text.split("\n")[1:-2]:
        line = line.removesuffix(",")
        if line.startswith('{"id":"'):
            found[line[7:line.index('"', 7)]] = line
    return found


def previous_rows(text: str) -> dict[str, str]:
    """A platforms.csv as platforms_csv wrote it: each platform's id -> its row, "\\r\\n" included.
    Empty when a field holds a line break: the rows could not be told apart by their ends (the
    piece cut inside a quoted field has an odd number of quotes)."""
    rows = text.removeprefix("\ufeff").split("\r\n")[1:-1]
    if any(row.count('"') % 2 for row in rows):
        return {}
    return {row[:row.index(",")]: row + "\r\n" for row in rows if "," in row}


def _csv_fields(p: PlatformView) -> list:
    h = p.headline
    return [p.id, p.name, p.operator["name"], p.operator["credit_code"] or "", p.region.code,
            p.region.full_name, p.category_label, "、".join(p.function_labels), p.status_label,
            h.programme.title if h else "", _d(h.valid_from) if h else "", _d(h.valid_until) or "" if h else "",
            h.star or "" if h else ""]


def platforms_csv(platforms: list[PlatformView], kept: dict[str, str] | None = None) -> str:
    """`kept`: a previous build's row of each platform whose view is unchanged (previous_rows)."""
    kept = kept or {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for p in platforms:
        row = kept.get(p.id)
        if row is not None:
            buf.write(row)
            continue
        w.writerow(_csv_fields(p))
    return "\ufeff" + buf.getvalue()   # BOM: Excel opens UTF-8 correctly


def _csv_row(p: PlatformView) -> str:
    """The platform's row of platforms.csv, without its "\r\n"."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(_csv_fields(p))
    return buf.getvalue()[:-2]


def write(out: Path, rel: str, text: str) -> str:
    return emit(out, rel, text)


def platform_json(p: PlatformView) -> str:
    """platforms/<id>.json: one platform's record (the build writes it with the platform's page)."""
    return pretty(platform_record(p)) + "\n"


_STRING = json.encoder.encode_basestring       # the C encoder's, as json.dumps(ensure_ascii=False) uses
_CONSTANTS = {None: "null", True: "true", False: "false"}


def pretty(value, pad: str = "") -> str:
    """json.dumps(value, ensure_ascii=False, indent=1), byte for byte (tests/site/test_opendata.py).
    With an indent, json.dumps takes its pure-Python encoder, a generator for every value: ten
    thousand platform files spent twice as long in it as here."""
    if type(value) is str:
        return _STRING(value)
    if type(value) is dict and all(type(k) is str for k in value):
        if not value:
            return "{}"
        inner = pad + " "
        return "{\n" + ",\n".join(f"{inner}{_STRING(k)}: {pretty(v, inner)}" for k, v in value.items()) + f"\n{pad}}}"
    if type(value) is list:
        if not value:
            return "[]"
        inner = pad + " "
        return "[\n" + ",\n".join(inner + pretty(v, inner) for v in value) + f"\n{pad}]"
    if value is None or type(value) is bool:
        return _CONSTANTS[value]
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + pad)   # anything else, as json does


# The files of data/ whose lines a rebuild may keep (write_lists' `previous`): the views their
# lines are made from.
KEPT_LINES = {"data/platforms.json": "platforms", "data/platforms.csv": "platforms", "data/notices.json": "notices"}


@dataclass(slots=True)
class Previous:
    """A file of KEPT_LINES as the previous build published it (`data`, which the caller checked
    against the build cache's record of it), the ids of the records that build made it from, in
    its order, and those whose view has the same inputs now: their lines may be kept."""
    data: bytes
    ids: list[str]
    unchanged: set[str]


def _spliced(previous: Previous, views: list, line, sep: bytes, comma: bool) -> bytes | None:
    """The file again from its published bytes, only the lines of the records whose view changed
    made again (`line(view)`), when it holds the same records in the same order: the usual
    rebuild, with no Python work for each line kept (the open data's stage after one change 0.12–0.16
    → 0.06–0.08 s at 10,000 platforms).  The file is one line before the records' (JSON "[", the CSV
    header), a line each, separated by `sep`, then for JSON "]" (and every line but the last ends
    in ",": `comma`).  None when the records or their order differ, or when a line break inside a
    field (a quoted CSV field) makes the lines not the records."""
    ids = [v.id for v in views]
    if previous.ids != ids or previous.data.count(sep) != len(ids) + (2 if comma else 1):
        return None
    parts = previous.data.split(sep)
    unchanged, last = previous.unchanged, len(ids)
    for i, v in enumerate(views, 1):
        if v.id not in unchanged:
            parts[i] = line(v).encode("utf-8") + (b"," if comma and i < last else b"")
    return sep.join(parts)


def _json_lines(views: list, record, previous: Previous | None) -> str | bytes:
    make = lambda v: _line(record(v))
    if previous is None:
        return _join([make(v) for v in views])
    spliced = _spliced(previous, views, make, b"\n", comma=True)
    if spliced is not None:
        return spliced
    kept = {rid: line for rid, line in previous_lines(previous.data.decode("utf-8")).items() if rid in previous.unchanged}
    return _join([kept.get(v.id) or make(v) for v in views])


def _csv_lines(platforms: list[PlatformView], previous: Previous | None) -> str | bytes:
    if previous is None:
        return platforms_csv(platforms)
    spliced = _spliced(previous, platforms, _csv_row, b"\r\n", comma=False)
    if spliced is not None:
        return spliced
    rows = previous_rows(previous.data.decode("utf-8"))
    return platforms_csv(platforms, {rid: row for rid, row in rows.items() if rid in previous.unchanged})


def write_lists(site: Site, out: Path, previous: dict[str, Previous] | None = None) -> list[str]:
    """data/: every platform, notice and publicity list in one file each.  `previous`: for a file
    of KEPT_LINES, what the previous build published (a rebuild makes only the lines of the records
    whose view changed)."""
    previous = previous or {}
    return [
        write(out, "data/platforms.json", _json_lines(site.platforms, platform_record, previous.get("data/platforms.json"))),
        write(out, "data/platforms.csv", _csv_lines(site.platforms, previous.get("data/platforms.csv"))),
        write(out, "data/notices.json", _json_lines(site.notices, notice_record, previous.get("data/notices.json"))),
        write(out, "data/publicity.json", dumps_lines([publicity_record(p) for p in site.publicity])),
    ]


def write_all(site: Site, out: Path) -> list[str]:
    written = write_lists(site, out)
    for p in site.platforms:
        write(out, f"platforms/{p.id}.json", platform_json(p))
    return written
