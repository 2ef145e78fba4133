"""The record model: typed objects built from schema-valid data.

Field names follow ../shared/design/RECORDS.md (the record contract).  Objects
are built only after a record passed its schema, so constructors may trust
shapes; every object keeps its `Source` so rules can point at a line.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .yamlsource import Source

LEVEL_RANK = {"national": 0, "province": 1, "city": 2, "county": 3}
LEVEL_LABELS = {"national": "国家级", "province": "省级", "city": "市级", "county": "县级"}
FUNCTION_LABELS = {"information": "信息服务", "technology": "技术服务", "entrepreneurship": "创业服务",
                   "training": "培训服务", "financing": "融资服务"}
CATEGORY_LABELS = {"comprehensive": "综合性", "specialized": "专业性"}
NOTICE_KIND_LABELS = {"call": "申报通知", "measures": "管理办法", "publicity": "公示", "result": "认定结果",
                      "revocation": "撤销", "re_evaluation": "复评", "other": "其他"}
EVENT_LABELS = {"assessment": "年度考核", "re_evaluation": "复评", "revoked": "撤销称号",
                "renewed": "重新认定", "withdrawn": "主动退出"}
RESULT_LABELS = {"pass": "合格", "fail": "不合格"}


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(slots=True)
class Record:
    id: str
    src: Source

    def line(self, *path) -> int:
        return self.src.line(path)

    @property
    def path(self) -> str:
        return self.src.path


@dataclass(slots=True)
class Validity:
    years: int | None
    starts: str   # announcement_date | next_year
    ends: str     # year_end | anniversary | none


@dataclass(slots=True)
class Programme(Record):
    name: str = ""
    authority: str = ""
    level: str = ""
    region: str | None = None
    measures: str | None = None
    validity: Validity | None = None
    publicity_working_days: int | None = None
    rating: str = "none"
    requires: list[str] = field(default_factory=list)
    name_must_not_contain: list[str] = field(default_factory=list)
    criteria: list[dict] = field(default_factory=list)
    basis: list[dict] = field(default_factory=list)
    summary: str = ""

    kind = "programme"

    @classmethod
    def build(cls, rid: str, src: Source) -> "Programme":
        d = src.data
        v = d["validity"]
        return cls(rid, src, name=d["name"], authority=d["authority"], level=d["level"],
                   region=d.get("region"), measures=d.get("measures"),
                   validity=Validity(v["years"], v["starts"], v["ends"]),
                   publicity_working_days=d.get("publicity_working_days"), rating=d.get("rating", "none"),
                   requires=list(d.get("requires", [])), name_must_not_contain=list(d.get("name_must_not_contain", [])),
                   criteria=list(d.get("criteria", [])), basis=list(d.get("basis", [])), summary=d.get("summary", ""))


@dataclass(slots=True)
class Deadline:
    on: dt.date
    what: str
    starts: dt.date | None = None   # `from:` in YAML


@dataclass(slots=True)
class Notice(Record):
    title: str = ""
    kind_code: str = "other"
    issuer: str = ""
    doc_number: str | None = None
    issued_on: dt.date | None = None
    programmes: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    contact: dict = field(default_factory=dict)
    basis: list[dict] = field(default_factory=list)
    note: str = ""
    body: str = ""
    # 政府信息公开 metadata (CONTRACT-EXTENSIONS.md): optional, None when the source does not print it
    index_number: str | None = None     # 索引号
    topic: str | None = None            # 主题分类
    published_on: dt.date | None = None  # 发布日期 (issued_on is 成文日期)

    kind = "notice"

    @classmethod
    def build(cls, rid: str, src: Source) -> "Notice":
        d = src.data
        return cls(rid, src, title=d["title"], kind_code=d["kind"], issuer=d["issuer"],
                   doc_number=d.get("doc_number"), issued_on=_date(d["issued_on"]),
                   programmes=list(d.get("programmes", [])),
                   deadlines=[Deadline(_date(x["on"]), x["what"], _date(x.get("from"))) for x in d.get("deadlines", [])],
                   attachments=list(d.get("attachments", [])), contact=dict(d.get("contact", {})),
                   basis=list(d.get("basis", [])), note=d.get("note", ""), body=d.get("body", ""),
                   index_number=d.get("index_number"), topic=d.get("topic"), published_on=_date(d.get("published_on")))


@dataclass(slots=True)
class Form(Record):
    title: str = ""
    programme: str | None = None
    format: str = "docx"
    published: bool = True
    unpublished_reason: str = ""
    source_name: str = ""
    cover: dict = field(default_factory=dict)
    blocks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    kind = "form"

    @classmethod
    def build(cls, rid: str, src: Source) -> "Form":
        d = src.data
        return cls(rid, src, title=d["title"], programme=d.get("programme"), format=d["format"],
                   published=d.get("published", True), unpublished_reason=d.get("unpublished_reason", ""),
                   source_name=d.get("source_name", ""), cover=dict(d.get("cover", {})),
                   blocks=list(d["blocks"]), notes=list(d.get("notes", [])))


@dataclass(slots=True)
class Publicity(Record):
    title: str = ""
    programme: str = ""
    notice: str | None = None
    starts_on: dt.date | None = None
    working_days: int | None = None     # as written; see lifecycle for the effective value
    ends_on: dt.date | None = None      # as written
    objections: dict = field(default_factory=dict)
    entries: list[str] = field(default_factory=list)
    outcome: str | None = None

    kind = "publicity"

    @classmethod
    def build(cls, rid: str, src: Source) -> "Publicity":
        d = src.data
        return cls(rid, src, title=d["title"], programme=d["programme"], notice=d.get("notice"),
                   starts_on=_date(d["starts_on"]), working_days=d.get("working_days"),
                   ends_on=_date(d.get("ends_on")), objections=dict(d.get("objections", {})),
                   entries=list(d["entries"]), outcome=d.get("outcome"))


@dataclass(slots=True)
class Event:
    on: dt.date
    type: str
    result: str | None = None
    star: int | None = None
    reason: str = ""
    notice: str | None = None
    revokes: bool | None = None

    @property
    def ends_title(self) -> bool:
        """Does this event end the title from its date? (RECORDS.md: a failed
        assessment or re-evaluation revokes unless the record says otherwise.)"""
        if self.type in ("revoked", "withdrawn"):
            return True
        if self.type in ("assessment", "re_evaluation") and self.result == "fail":
            return self.revokes is not False
        return False


@dataclass(slots=True)
class Recognition:
    programme: str
    on: dt.date
    notice: str | None = None
    star: int | None = None
    events: list[Event] = field(default_factory=list)
    index: int = 0   # position in the platform's list, for line lookups


@dataclass(slots=True)
class Operator:
    name: str
    credit_code: str | None = None
    credit_code_legacy: bool = False
    registered_on: dt.date | None = None


@dataclass(slots=True)
class Platform(Record):
    name: str = ""
    operator: Operator | None = None
    region: str = ""
    category: str | None = None
    functions: list[str] = field(default_factory=list)
    website: str | None = None
    summary: str = ""
    metrics: dict[int, dict] = field(default_factory=dict)
    recognitions: list[Recognition] = field(default_factory=list)

    kind = "platform"

    @classmethod
    def build(cls, rid: str, src: Source) -> "Platform":
        d = src.data
        op = d["operator"]
        recs = []
        for i, r in enumerate(d["recognitions"]):
            events = [Event(_date(e["on"]), e["type"], e.get("result"), e.get("star"), e.get("reason", ""),
                            e.get("notice"), e.get("revokes")) for e in r.get("events", [])]
            recs.append(Recognition(r["programme"], _date(r["on"]), r.get("notice"), r.get("star"), events, i))
        return cls(rid, src, name=d["name"],
                   operator=Operator(op["name"], op.get("credit_code"), op.get("credit_code_legacy", False),
                                     _date(op.get("registered_on"))),
                   region=d["region"], category=d.get("category"), functions=list(d.get("functions", [])),
                   website=d.get("website"), summary=d.get("summary", ""),
                   metrics={int(y): dict(m) for y, m in d.get("metrics", {}).items()}, recognitions=recs)


@dataclass(slots=True)
class HolidayYear(Record):
    holidays: list[dt.date] = field(default_factory=list)
    workdays: list[dt.date] = field(default_factory=list)
    source_text: str = ""

    kind = "calendar"

    @classmethod
    def build(cls, rid: str, src: Source) -> "HolidayYear":
        d = src.data
        return cls(rid, src, holidays=[_date(x) for x in d["holidays"]],
                   workdays=[_date(x) for x in d["workdays"]], source_text=d["source"])


# folder name -> (schema type, class)
FOLDERS = {
    "programmes": ("programme", Programme),
    "notices": ("notice", Notice),
    "forms": ("form", Form),
    "publicity": ("publicity", Publicity),
    "platforms": ("platform", Platform),
    "calendar": ("calendar", HolidayYear),
}
