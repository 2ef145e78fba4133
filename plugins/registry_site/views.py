"""View models: what each page shows, computed once from a validated Registry and an "as of" date.

Pure Python (no Pelican), so tests can check what a page will say without building
it.  Every status comes from sme_registry.lifecycle; templates only format.
Objects are SimpleNamespace-like dataclasses so templates read `p.name`, and
open data (opendata.py) serialises the same objects: one computation, two outputs.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import pickle
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial

from sme_registry import criteria as crit
from sme_registry import lifecycle, regions
from sme_registry.records import (CATEGORY_LABELS, EVENT_LABELS, FUNCTION_LABELS, LEVEL_LABELS, LEVEL_RANK,
                                  NOTICE_KIND_LABELS, RESULT_LABELS)
from sme_registry.registry import Registry

from . import markdown_safe

FORMAT_LABELS = {"docx": "Word 文档（.docx）", "xlsx": "Excel 表格（.xlsx）"}
STARTS_TEXT = {"announcement_date": "自公告之日起", "next_year": "自公告次年 1 月 1 日起"}
ENDS_TEXT = {"year_end": "至公告年份加有效年数当年的 12 月 31 日", "anniversary": "至满有效年数的前一天",
             "none": "无固定期限，以考核、复评结果为准"}


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


@dataclass(slots=True)
class Link:
    id: str
    title: str
    url: str


@dataclass(slots=True)
class RegionView:
    code: str
    name: str
    full_name: str
    province: str
    city: str


@dataclass(slots=True)
class EventView:
    on: dt.date
    type: str
    type_label: str
    result: str | None
    result_label: str
    star: int | None
    reason: str
    notice: Link | None
    ends_title: bool


@dataclass(slots=True)
class RecognitionView:
    programme: Link
    level: str
    level_label: str
    notice: Link | None
    announced_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    ended_on: dt.date | None          # revocation/withdrawal/failed check, if any (ever)
    status: str
    status_label: str
    days_left: int | None
    star: int | None
    events: list[EventView]


@dataclass(slots=True)
class PlatformView:
    id: str
    url: str
    name: str
    operator: dict
    region: RegionView
    category: str | None
    category_label: str
    functions: list[str]
    function_labels: list[str]
    website: str | None
    summary_html: str
    summary_text: str
    status: str | None
    status_label: str
    headline: RecognitionView | None
    recognitions: list[RecognitionView]
    timeline: list[tuple]          # (date, text, notice Link | None, recognition programme name)
    metrics: dict
    publicity: list[Link] = field(default_factory=list)
    # a digest of everything the view is made from (platform_inputs), b"" when unknown; what the
    # build cache names the view by, instead of pickling it (buildcache.view_digest)
    inputs: bytes = field(default=b"", repr=False, compare=False)
    # what the lists and counts read of the recognitions, so that they need not make a view taken
    # from the previous build (LazyPlatformView): (programme id, level, status) of each recognition
    # in the order shown, and the headline's last valid day
    marks: tuple = field(default=(), repr=False, compare=False)
    until: dt.date | None = field(default=None, repr=False, compare=False)

    @property
    def current(self) -> bool:
        return self.status in lifecycle.CURRENT


# What a platform's view is first made with when its inputs are those it had in the previous
# build (the build cache keeps them: platform_summaries): the fields the lists, the counts, the
# keys, the search index's and the open data's patches read.  Everything else is made on demand.
SUMMARY_FIELDS = ("name", "region", "status", "functions", "marks", "until")


class LazyPlatformView(PlatformView):
    """A platform's view whose inputs are those it had in the previous build.  It starts with the
    fields of SUMMARY_FIELDS as that build saved them, and is made whole (`_make`: the same
    _platform_view a new view comes from) the first time anything else is read, by a page that
    shows it, say.  A rebuild after one change made ten thousand views only to read their summaries
    (0.24 s at 10,000 platforms); now it makes those a change reaches, and those its pages show."""
    __slots__ = ("_make", "_summary")

    def __getattr__(self, name: str):
        # only for an attribute not set yet (or none of that name)
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            make = object.__getattribute__(self, "_make")
        except AttributeError:
            make = None
        if make is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self._make = None
        whole = make()
        for f in _MADE_ON_DEMAND:
            setattr(self, f, getattr(whole, f))
        return object.__getattribute__(self, name)


@dataclass(slots=True)
class DeadlineView:
    on: dt.date
    starts: dt.date | None
    what: str
    days_left: int
    notice: Link


@dataclass(slots=True)
class NoticeView:
    id: str
    url: str
    title: str
    kind: str
    kind_label: str
    issuer: str
    doc_number: str | None
    issued_on: dt.date
    year: int
    programmes: list[Link]
    deadlines: list[DeadlineView]
    attachments: list["FormView"]
    contact: dict
    basis: list[dict]
    note: str
    body_html: str
    excerpt: str
    open: bool                      # has a deadline today or later
    index_number: str | None = None   # 索引号 (政府信息公开 metadata; None: the source does not print it)
    topic: str | None = None          # 主题分类
    published_on: dt.date | None = None  # 发布日期 (issued_on is 成文日期)
    inputs: bytes = b""               # notice_inputs: what the view is made from, for the build cache

    @property
    def metadata(self) -> list[tuple[str, str, object]]:
        """The 政府信息公开 block in the portals' order: (label, kind, value), kind "date" or "text";
        absent values are left out."""
        rows = [("索引号", "text", self.index_number), ("主题分类", "text", self.topic),
                ("发文机关", "text", self.issuer), ("成文日期", "date", self.issued_on),
                ("标题", "text", self.title), ("发文字号", "text", self.doc_number),
                ("发布日期", "date", self.published_on)]
        return [r for r in rows if r[2]]

    @property
    def ics_url(self) -> str | None:
        """notices/<id>.ics, the deadlines as calendar events; None when the notice sets no deadline."""
        from .calendar_files import ics_path
        return ics_path(self.url) if self.deadlines else None


@dataclass(slots=True)
class PublicityView:
    id: str
    url: str
    title: str
    programme: Link
    notice: Link | None
    starts_on: dt.date
    ends_on: dt.date
    working_days: int
    calendar_source: str
    status: str
    status_label: str
    days_left: int | None            # calendar days to the last day, when open or upcoming
    working_days_left: int | None
    objections: dict
    entries: list[PlatformView]
    outcome: Link | None


@dataclass(slots=True)
class FormView:
    id: str
    url: str
    title: str
    programme: Link | None
    format: str
    format_label: str
    published: bool
    unpublished_reason: str
    source_name: str
    cover: dict
    blocks: list[dict]
    notes: list[str]
    notices: list[Link] = field(default_factory=list)
    file_size: int | None = None     # bytes of the download, set when the generator writes it

    @staticmethod
    def _files():
        from . import formfiles   # the file renderers (python-docx, openpyxl): loaded when a form needs them
        return formfiles

    @property
    def file_url(self) -> str | None:
        """forms/<id>.docx or forms/<id>.xlsx; None for a form that is not published."""
        return self._files().path(self.id, self.format) if self.published else None

    @property
    def file_name(self) -> str:
        """The name the download is saved under (the `download` attribute): the Chinese title."""
        return self._files().file_name(self)

    @property
    def media_type(self) -> str:
        return self._files().MEDIA_TYPES[self.format]

    @property
    def size_text(self) -> str:
        if self.file_size is None:
            return ""
        kb = f"{self.file_size / 1024:.0f}" if self.file_size >= 10240 else f"{self.file_size / 1024:.1f}"
        return kb + "\u00a0KB"   # no line break inside "23 KB"

    @property
    def download_label(self) -> str:
        """下载 Word 文档（.docx，24 KB）"""
        kind = {"docx": "Word 文档", "xlsx": "Excel 表格"}[self.format]
        size = f"，{self.size_text}" if self.size_text else ""
        return f"下载 {kind}（.{self.format}{size}）"

    def field_rows(self, fields: dict) -> list[list[dict]]:
        """A fields block in rows, spans packed as the downloads pack them (formfiles.layout)."""
        return self._files().layout.field_rows(fields)

    def numbered_notes(self) -> list[str]:
        """注：1.… 2.… as the sources print them."""
        return self._files().layout.numbered_notes(self.notes)

    def signature_lines(self, sig: dict):
        return self._files().layout.signature_lines(sig)

    def cover_fields(self) -> list[tuple[str, str]]:
        """(label, text in the blank): 填报日期 → 年 月 日, 申请单位名称（盖章） → （盖章）."""
        return [self._files().layout.cover_field(x) for x in (self.cover or {}).get("fields") or []]

    def paper_runs(self) -> list[tuple[str, list[dict]]]:
        """The blocks as the paper shows them: ("grid", [...]) drawn as one bordered grid, ("flow", [block])."""
        return self._files().layout.grid_runs(self.blocks)


@dataclass(slots=True)
class CriterionView:
    text: str
    clause: str
    condition: str                  # 适用于… (function / category), or ""


@dataclass(slots=True)
class ProgrammeView:
    id: str
    url: str
    name: str
    authority: str
    level: str
    level_label: str
    region: RegionView | None
    measures: Link | None
    basis: list[dict]
    summary_html: str
    validity_text: str
    validity_years: int | None
    publicity_working_days: int | None
    rating: str
    requires: list[Link]
    name_must_not_contain: list[str]
    criteria: list[CriterionView]
    notices: list[NoticeView] = field(default_factory=list)
    platforms_current: list[PlatformView] = field(default_factory=list)
    platforms_past: list[PlatformView] = field(default_factory=list)
    forms: list[FormView] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


@dataclass(slots=True)
class Site:
    as_of: dt.date
    title: str
    demo: bool
    programmes: list[ProgrammeView]
    platforms: list[PlatformView]
    notices: list[NoticeView]
    publicity: list[PublicityView]
    forms: list[FormView]
    by_id: dict = field(default_factory=dict)
    _current: list | None = field(default=None, init=False, repr=False, compare=False)
    # a digest of what the platforms' inputs read besides their files (build_site)
    platform_context: bytes = field(default=b"", repr=False, compare=False)

    @property
    def current_platforms(self):
        """Current titles, grouped by place (region code), then by name (sorted once: the list
        pages and the site map both ask)."""
        if self._current is None:
            self._current = sorted((p for p in self.platforms if p.current), key=lambda p: (p.region.code, p.name, p.id))
        return self._current

    @property
    def history_platforms(self):
        """Everything not current, history never hidden: pending, then expired/revoked, then candidates."""
        order = {"pending": 0, "expired": 1, "revoked": 1, None: 2}
        rows = [p for p in self.platforms if not p.current]
        return sorted(rows, key=lambda p: (order[p.status], p.region.code, p.name, p.id))

    @property
    def open_deadlines(self):
        rows = [d for n in self.notices for d in n.deadlines if d.days_left >= 0]
        return sorted(rows, key=lambda d: (d.on, d.notice.id))

    @property
    def open_publicity(self):
        return [p for p in self.publicity if p.status in ("open", "upcoming")]

    @property
    def expiring(self):
        # `until`, not the headline: a view taken from the previous build is not made for this
        rows = [(p.until, p) for p in self.platforms if p.status == "expiring" and p.until is not None]
        return [p for _, p in sorted(rows, key=lambda r: (r[0], r[1].id))]


@dataclass(slots=True)
class Pager:
    base: str          # e.g. "platforms/"
    number: int        # 1-based
    count: int         # number of pages
    total: int         # number of items
    per_page: int = 40

    @property
    def offset(self) -> int:
        """Items before this page (for running numbers such as 序号)."""
        return (self.number - 1) * self.per_page

    def url(self, n: int) -> str:
        return self.base if n == 1 else f"{self.base}page/{n}/"

    @property
    def window(self) -> list[int | None]:
        """Pages to link: first, last and two around the current one; None marks a gap."""
        keep = {1, self.count} | set(range(self.number - 2, self.number + 3))
        out, last = [], 0
        for n in sorted(k for k in keep if 1 <= k <= self.count):
            if n - last > 1:
                out.append(None)
            out.append(n)
            last = n
        return out


PLATFORM_EXCERPT = 100   # characters of a platform's summary in lists and descriptions
NOTICE_EXCERPT = 120     # of a notice's text

# A record's view, shown on several pages: pickled once per build for their cache keys (buildcache.py)
SHARED = (PlatformView, LazyPlatformView, NoticeView, PublicityView, ProgrammeView, FormView)
# the fields of a platform's view that a LazyPlatformView makes when first asked
_MADE_ON_DEMAND = tuple(f.name for f in dataclasses.fields(PlatformView)
                        if f.name not in {"id", "url", "publicity", "inputs", *SUMMARY_FIELDS})


def region_view(code: str) -> RegionView:
    """One view per code, shared by every record in that place (ten thousand platforms, a few
    hundred places)."""
    view = _REGION_VIEWS.get(code)
    if view is None:
        view = _REGION_VIEWS[code] = _region_view(code)
    return view


_REGION_VIEWS: dict[str, RegionView] = {}


def _region_view(code: str) -> RegionView:
    r = regions.lookup(code)
    if r is None:
        return RegionView(code, code, code, "", "")
    province = regions.lookup(code[:2] + "0000")
    city = regions.lookup(code[:4] + "00") if r.level == "county" else (r if r.level == "city" else None)
    return RegionView(code, r.name, r.full_name, province.name if province else "",
                      city.name if city and city.name != (province.name if province else "") else "")


def validity_text(prog) -> str:
    v = prog.validity
    if v.years is None or v.ends == "none":
        return f"{STARTS_TEXT[v.starts]}生效，{ENDS_TEXT['none']}"
    return f"有效期 {v.years} 年：{STARTS_TEXT[v.starts]}，{ENDS_TEXT[v.ends]}"


def criterion_view(c: dict) -> CriterionView:
    cond = []
    if c.get("when_function"):
        cond.append(f"具有{FUNCTION_LABELS[c['when_function']]}功能的平台")
    if c.get("when_category"):
        cond.append(f"{CATEGORY_LABELS[c['when_category']]}平台")
    return CriterionView(crit.describe(c), c.get("clause", ""), "、".join(cond))


def build_site(reg: Registry, as_of: dt.date, previous: dict | None = None) -> Site:
    """All view models for one build.  Linear in the number of records.  `previous`: the platform
    summaries the build cache kept from the previous build (platform_summaries), when it had the
    same code and "as of" date: a platform whose inputs are unchanged gets a LazyPlatformView."""
    progs = reg.programmes
    prog_link = {pid: Link(pid, p.name, f"programmes/{pid}/") for pid, p in progs.items()}
    notice_link = {nid: Link(nid, n.title, f"notices/{nid}/") for nid, n in reg.notices.items()}

    # the publicity lists naming each platform, in their order: its view shows them, its inputs cover them
    pub_links = {uid: Link(uid, pub.title, f"publicity/{uid}/") for uid, pub in reg.publicity.items()}
    naming: dict[str, list[Link]] = {}
    for uid, pub in reg.publicity.items():
        for e in pub.entries:
            if e in reg.platforms:
                naming.setdefault(e, []).append(pub_links[uid])
    # What every platform's inputs read besides its own file (platform_inputs): when that is what it
    # was in the previous build, a platform whose file is unchanged has the inputs it had then
    # (a rebuild need not work out ten thousand digests: 0.04 s).
    context = hashlib.blake2b(pickle.dumps((as_of.toordinal(),
                                            sorted((k, v) for k, v in reg.digests.items() if k.startswith("programme:")),
                                            [(link.id, link.title) for link in notice_link.values()],
                                            [(uid, pub.title, pub.entries) for uid, pub in reg.publicity.items()]),
                                           protocol=5), digest_size=20).digest()
    previous = previous or {}
    saved, same_context = previous.get("platforms", {}), previous.get("context") == context
    digests = reg.digests
    plan = {}       # platform id -> (its inputs, the previous build's summary when they are the same)
    for pid, pl in reg.platforms.items():
        old, own = saved.get(pid), digests.get(f"platform:{pid}")
        if same_context and own is not None and old is not None and old[0] == own:
            plan[pid] = (old[1], old)
            continue
        inputs = platform_inputs(pid, pl, reg, as_of, notice_link, naming.get(pid, ()))
        plan[pid] = (inputs, old if inputs and old is not None and old[1] == inputs else None)
    # a clean build of a large registry renders its Markdown on all the cores first
    markdown_safe.prerender([(pl.summary, PLATFORM_EXCERPT) for pid, pl in reg.platforms.items() if plan[pid][1] is None]
                            + [(n.body, NOTICE_EXCERPT) for n in reg.notices.values()])

    # forms first: notices list their attachments
    forms = {}
    for fid, f in sorted(reg.forms.items()):
        forms[fid] = FormView(fid, f"forms/{fid}/", f.title, prog_link.get(f.programme), f.format,
                              FORMAT_LABELS[f.format], f.published, f.unpublished_reason, f.source_name,
                              f.cover, f.blocks, f.notes)

    notices = []
    for nid, n in reg.notices.items():
        link = notice_link[nid]
        deadlines = [DeadlineView(d.on, d.starts, d.what, (d.on - as_of).days, link) for d in n.deadlines]
        attachments = [forms[a] for a in n.attachments if a in forms]
        body_html = markdown_safe.render(n.body)
        for form in attachments:
            form.notices.append(link)
        notices.append(NoticeView(nid, link.url, n.title, n.kind_code, NOTICE_KIND_LABELS[n.kind_code], n.issuer,
                                  n.doc_number, n.issued_on, n.issued_on.year,
                                  [prog_link[p] for p in n.programmes if p in prog_link], deadlines, attachments,
                                  n.contact, n.basis, n.note, body_html,
                                  markdown_safe.plain(n.body, NOTICE_EXCERPT, html=body_html), any(d.days_left >= 0 for d in deadlines),
                                  n.index_number, n.topic, n.published_on))
    notices.sort(key=lambda n: (n.issued_on, n.id), reverse=True)

    platforms = []
    for pid, pl in sorted(reg.platforms.items()):
        inputs, summary = plan[pid]
        if summary is None:
            view = _platform_view(pid, pl, progs, prog_link, notice_link, as_of)
        else:
            view = _lazy_view(pid, summary, partial(_platform_view, pid, pl, progs, prog_link, notice_link, as_of))
        view.publicity = naming.get(pid, [])
        view.inputs = inputs
        platforms.append(view)
    by_platform = {p.id: p for p in platforms}

    publicity = []
    for uid, pub in reg.publicity.items():
        prog = progs[pub.programme]
        n = lifecycle.publicity_days(pub, prog)
        end = reg.calendar.last_working_day(pub.starts_on, n)
        st = lifecycle.publicity_status(pub.starts_on, end, as_of)
        link = pub_links[uid]
        entries = [by_platform[e] for e in pub.entries if e in by_platform]
        # the outcome is shown once its notice is out (as of the build date), never before
        out_notice = reg.notices.get(pub.outcome) if pub.outcome else None
        outcome = notice_link[pub.outcome] if out_notice and out_notice.issued_on <= as_of else None
        wleft = None
        if st != "closed":
            wleft = reg.calendar.working_days_between(max(as_of, pub.starts_on), end)
        publicity.append(PublicityView(uid, link.url, pub.title, prog_link[pub.programme], notice_link.get(pub.notice),
                                       pub.starts_on, end, n, reg.calendar.source_of(pub.starts_on.year), st,
                                       lifecycle.PUBLICITY_LABELS[st], (end - as_of).days if st != "closed" else None,
                                       wleft, pub.objections, entries, outcome))
    publicity.sort(key=lambda p: (p.starts_on, p.id), reverse=True)

    programmes = []
    for pid, p in progs.items():
        programmes.append(ProgrammeView(
            pid, prog_link[pid].url, p.name, p.authority, p.level, LEVEL_LABELS[p.level],
            region_view(p.region) if p.region else None, notice_link.get(p.measures), p.basis,
            markdown_safe.render(p.summary), validity_text(p), p.validity.years, p.publicity_working_days, p.rating,
            [prog_link[r] for r in p.requires if r in prog_link], p.name_must_not_contain,
            [criterion_view(c) for c in p.criteria]))
    programmes.sort(key=lambda p: (LEVEL_RANK[p.level], p.region.code if p.region else "", p.id))
    prog_view = {p.id: p for p in programmes}
    for n in notices:
        for link in n.programmes:
            prog_view[link.id].notices.append(n)
    for f in forms.values():
        if f.programme:
            prog_view[f.programme.id].forms.append(f)
    for pl in platforms:
        seen = set()
        for prog_id, _level, status in pl.marks:
            pv = prog_view[prog_id]
            pv.counts[status] += 1
            if prog_id in seen:
                continue
            seen.add(prog_id)
            (pv.platforms_current if status in lifecycle.CURRENT else pv.platforms_past).append(pl)
    site = Site(as_of, reg.title, reg.demo, programmes, platforms, notices, publicity, list(forms.values()))
    site.platform_context = context
    site.by_id = {"platform": by_platform, "programme": prog_view, "notice": {n.id: n for n in notices},
                  "publicity": {p.id: p for p in publicity}, "form": forms}
    return site


def platform_inputs(pid: str, pl, reg: Registry, as_of: dt.date, notice_link: dict, publicity) -> bytes:
    """A digest of everything build_site makes a platform's view from, or b"" when a file's digest
    is unknown.  It stands for the view in the build cache's keys (ten thousand views pickled
    were most of a rebuild's keying), and a view whose inputs are those of the previous build
    is not made unless a page shows it (LazyPlatformView), so it must cover every input:
      - the platform's own file (its record: names, operator, region, recognitions, events,
        metrics, summary) and the "as of" date (statuses, days left, stars);
      - the file of each programme it is recognised under (name, level, validity rules:
        lifecycle.window, status and headline read nothing else);
      - the notices it links to, as they appear in the view (title, or None when missing);
      - the publicity lists naming it (`publicity`: their links, in order).
    The code, the region table (python-stdnum) and the Markdown renderer are in the build
    cache's global key.  tests/site/test_view_inputs.py checks, edit by edit, that a view
    never changes while this digest stays the same."""
    digests = reg.digests
    own = digests.get(f"platform:{pid}")
    if own is None:
        return b""
    programmes, notices = [], []       # one pass over the recognitions (ten thousand platforms a build)
    for rec in pl.recognitions:
        programmes.append(digests.get(f"programme:{rec.programme}"))
        n = notice_link.get(rec.notice)
        notices.append((n.id, n.title) if n else None)
        for e in rec.events:
            n = notice_link.get(e.notice)
            notices.append((n.id, n.title) if n else None)
    if None in programmes:
        return b""
    parts = (own, as_of.toordinal(), programmes, notices, [(link.id, link.title) for link in publicity])
    return hashlib.blake2b(pickle.dumps(parts, protocol=5), digest_size=20).digest()


def _platform_view(pid: str, pl, progs: dict, prog_link: dict, notice_link: dict, as_of: dt.date) -> PlatformView:
    """A platform's view, but for the publicity lists naming it and its inputs (build_site)."""
    recs = []
    timeline = []
    known = []
    for rec in pl.recognitions:
        prog = progs[rec.programme]
        w = lifecycle.window(rec, prog, as_of)
        st = lifecycle.status(rec, prog, as_of, w)
        known.append((st, w))
        ended = lifecycle.ending_event(rec)
        events = [EventView(e.on, e.type, EVENT_LABELS[e.type], e.result, RESULT_LABELS.get(e.result, ""),
                            e.star, e.reason, notice_link.get(e.notice), e.ends_title) for e in rec.events]
        recs.append(RecognitionView(prog_link[rec.programme], prog.level, LEVEL_LABELS[prog.level],
                                    notice_link.get(rec.notice), rec.on, w.valid_from, w.valid_until,
                                    ended.on if ended else None, st, lifecycle.STATUS_LABELS[st],
                                    lifecycle.days_left(w.valid_until, as_of) if st in lifecycle.CURRENT else None,
                                    lifecycle.current_star(rec, as_of), events))
        timeline.append((rec.on, f"认定为{prog.name}" + (f"（{rec.star}星）" if rec.star else ""),
                         notice_link.get(rec.notice), prog.name))
        for e in events:
            text = e.type_label + (f"：{e.result_label}" if e.result_label else "")
            if e.star:
                text += f"，评为{e.star}星"
            if e.reason:
                text += f"（{e.reason}）"
            timeline.append((e.on, text, e.notice, prog.name))
    head = lifecycle.headline(pl, progs, as_of, known)
    head_view = recs[head[0].index] if head else None
    # newest first: most important current titles at the top of the page
    recs_sorted = sorted(recs, key=lambda r: (r.status not in lifecycle.CURRENT, LEVEL_RANK[r.level],
                                              -r.announced_on.toordinal()))
    op = pl.operator
    summary_html = markdown_safe.render(pl.summary)
    return PlatformView(
        pid, f"platforms/{pid}/", pl.name,
        {"name": op.name, "credit_code": op.credit_code, "credit_code_legacy": op.credit_code_legacy,
         "registered_on": op.registered_on},
        region_view(pl.region), pl.category, CATEGORY_LABELS.get(pl.category, ""), list(pl.functions),
        [FUNCTION_LABELS[f] for f in pl.functions], pl.website, summary_html,
        markdown_safe.plain(pl.summary, PLATFORM_EXCERPT, html=summary_html), head[1] if head else None,
        lifecycle.STATUS_LABELS[head[1]] if head else "候选（尚无认定）", head_view, recs_sorted,
        sorted(timeline, key=lambda t: t[0]), {y: pl.metrics[y] for y in sorted(pl.metrics)},
        marks=tuple((r.programme.id, r.level, r.status) for r in recs_sorted),
        until=head_view.valid_until if head_view else None)


def _lazy_view(pid: str, summary: tuple, make) -> LazyPlatformView:
    """A view started from the previous build's summary of it (platform_summaries), `make` making the rest."""
    _own, _inputs, name, region, status, functions, marks, until = summary
    view = LazyPlatformView.__new__(LazyPlatformView)
    view.id, view.url, view.name, view.region, view.status = pid, f"platforms/{pid}/", name, region_view(region), status
    view.functions, view.marks, view.until = list(functions), marks, dt.date.fromordinal(until) if until else None
    view._make, view._summary = make, summary      # the next build's summary too (platform_summaries)
    return view


def platform_summaries(site: Site, digests: dict[str, bytes]) -> dict:
    """What the next build starts a platform's view from when its inputs are still these
    (LazyPlatformView): for each platform, its file's digest (`digests`: Registry.digests), its
    inputs and SUMMARY_FIELDS; and what the inputs read besides the platform's file (build_site's
    `context`).  Plain values: the build cache marshals them."""
    return {"context": site.platform_context,
            "platforms": {p.id: p._summary if type(p) is LazyPlatformView else
                          (digests.get(f"platform:{p.id}"), p.inputs, p.name, p.region.code, p.status,
                           tuple(p.functions), p.marks, p.until.toordinal() if p.until else 0)
                          for p in site.platforms if p.inputs}}


def notice_inputs(n: NoticeView, reg: Registry, as_of: dt.date, attachments: list[bytes]) -> bytes:
    """A digest of everything build_site makes a notice's view from (as platform_inputs is for a
    platform), or b"" when its file's digest is unknown:
      - the notice's own file (title, issuer, dates, deadlines, contact, basis, text) and the
        "as of" date (days left, open or not);
      - its programmes, as the view links them (id and name, in order);
      - the digests of its attachments' views (`attachments`, buildcache.view_digest: a form's
        view holds its file's size, which the build knows only once the form files are made, and
        the notices that attach it).
    tests/site/test_view_inputs.py checks, edit by edit, that a view never changes while this
    digest stays the same."""
    own = reg.digests.get(f"notice:{n.id}")
    if own is None:
        return b""
    parts = (own, as_of.toordinal(), [(link.id, link.title) for link in n.programmes], attachments)
    return hashlib.blake2b(pickle.dumps(parts, protocol=5), digest_size=20).digest()


def set_notice_inputs(site: Site, reg: Registry, digest) -> None:
    """Every notice view's inputs, once its attachments' views are complete (`digest`: of a view)."""
    for n in site.notices:
        n.inputs = notice_inputs(n, reg, site.as_of, [digest(f) for f in n.attachments])


def facets(platforms: list[PlatformView], titles: dict[str, str]) -> dict:
    """Values for the platform filters, with counts, in a stable order (`titles`: the programmes'
    names by id).  From each view's `marks`, not its recognitions: a view taken from the previous
    build is not made for this (LazyPlatformView)."""
    # plain dicts, not Counters: ten thousand platforms make a Counter's += a third of the time
    prog: dict = {}
    level: dict = {}
    region: dict = {}
    function: dict = {}
    status: dict = {}
    current = lifecycle.CURRENT
    for p in platforms:
        is_current = p.status in current
        for pid, lvl, st in p.marks:
            if not is_current or st in current:
                prog[pid] = prog.get(pid, 0) + 1
                level[lvl] = level.get(lvl, 0) + 1
        place = (p.region.code[:2] + "0000", p.region.province)
        region[place] = region.get(place, 0) + 1
        for f in p.functions:
            function[f] = function.get(f, 0) + 1
        status[p.status] = status.get(p.status, 0) + 1
    return {
        "programme": [(k, titles[k], v) for k, v in sorted(prog.items())],
        "level": [(k, LEVEL_LABELS[k], level[k]) for k in sorted(level, key=LEVEL_RANK.get)],
        "region": [(code, name, v) for (code, name), v in sorted(region.items())],
        "function": [(k, FUNCTION_LABELS[k], function[k]) for k in FUNCTION_LABELS if function.get(k)],
        "status": [(k, lifecycle.STATUS_LABELS.get(k, "候选"), status[k]) for k in sorted(status, key=str)],
    }


def notices_by_year(notices: list[NoticeView]) -> list[tuple[int, list[NoticeView]]]:
    """Newest year first; the notices keep their order (newest first) within a year."""
    groups = defaultdict(list)
    for n in notices:
        groups[n.year].append(n)
    return sorted(groups.items(), reverse=True)


def notice_facets(notices: list[NoticeView]) -> dict:
    kinds, issuers, progs = Counter(), Counter(), Counter()
    names = {}
    for n in notices:
        kinds[n.kind] += 1
        issuers[n.issuer] += 1
        for p in n.programmes:
            progs[p.id] += 1
            names[p.id] = p.title
    return {
        "kind": [(k, NOTICE_KIND_LABELS[k], v) for k, v in sorted(kinds.items())],
        "issuer": [(k, k, v) for k, v in sorted(issuers.items())],
        "programme": [(k, names[k], v) for k, v in sorted(progs.items())],
    }
