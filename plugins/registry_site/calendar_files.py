"""Calendar files (.ics, RFC 5545) so staff and enterprises can put dates in their calendars:

    notices/<id>.ics     one all-day event per deadline of the notice (a deadline with `from:` is a
                         window from that day to its `on` day); only for notices that set deadlines
    publicity/<id>.ics   one all-day event for the publicity period (公示期), first to last working day

Written with the `icalendar` package (properties, escaping, CRLF).  Its content lines are folded
here (`fold`), to exactly the octets icalendar folds them to: 75 octets at most, never inside a
Chinese character nor after a lone backslash; icalendar weighs the line one character at a time,
which was a third of the calendars' time in a clean build (tests/site/test_calendar_fold.py).
All-day events use DATE values, so no time zone is involved; DTEND is exclusive (the day after
the last day), as RFC 5545 3.6.1 says for all-day events.

Reproducible, like every file of the build (no clock is read):
  UID      derived from the record's permanent URL and the deadline's place in the record,
           e.g. notices/henan-2024-recommendation-call/deadlines/1@sme.example.gov.cn — a calendar
           that imported the file once recognises the same event again (a corrected date or text
           updates it instead of adding a second one);
  DTSTAMP  from the record: the notice's 发布日期 (published_on) or else its 成文日期 (issued_on),
           the publicity list's first day; midnight in China, written in UTC as RFC 5545 requires.
The host in the UID is SITEURL's, or "localhost" for a local build (as the Atom feed's ids).
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:   # views imports this module (ics_path) lazily; no cycle at import time
    from icalendar import Calendar, Event    # imported when a file is written: a rebuild that
                                             # writes none spares the 40 ms
    from .views import NoticeView, PublicityView, Site

CHINA = ZoneInfo("Asia/Shanghai")
MEDIA_TYPE = "text/calendar"
ONE_DAY = dt.timedelta(days=1)


def ics_path(page_url: str) -> str:
    """The calendar file beside a record's page: notices/<id>/ -> notices/<id>.ics."""
    return page_url.rstrip("/") + ".ics"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def stamp(day: dt.date) -> dt.datetime:
    """Midnight of a day in China, in UTC (DTSTAMP must be UTC)."""
    return dt.datetime.combine(day, dt.time(), CHINA).astimezone(dt.timezone.utc)


def _host(settings) -> str:
    return (settings.get("SITEURL") or "").split("//")[-1].split("/")[0] or "localhost"


def _page(settings, url: str) -> str | None:
    """The page's absolute address, when the build has one (publishconf.py); None for a local build."""
    base = (settings.get("SITEURL") or "").rstrip("/")
    return f"{base}/{url}" if base.startswith(("http://", "https://")) else None


def _calendar(settings, name: str, what: str) -> Calendar:
    from icalendar import Calendar
    cal = Calendar()
    cal.add("prodid", f"-//{settings.get('SITENAME', '')}//{what}//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)              # RFC 7986
    cal.add("x-wr-calname", name)      # the same, for clients that read only this one
    return cal


def _event(uid: str, stamped: dt.date, first: dt.date, last: dt.date, summary: str, description: str,
           url: str | None) -> Event:
    from icalendar import Event
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp(stamped))
    ev.add("dtstart", first)
    ev.add("dtend", last + ONE_DAY)    # exclusive
    ev.add("summary", summary)
    ev.add("description", description)
    if url:
        ev.add("url", url)
    ev.add("transp", "TRANSPARENT")    # a date to remember, not a meeting that fills the day
    return ev


def notice_calendar(n: "NoticeView", settings) -> Calendar:
    """One event per deadline, in the record's order."""
    cal = _calendar(settings, f"{n.title}（时间节点）", "通知时间节点")
    url = _page(settings, n.url)
    issued = n.issuer + (f"（{n.doc_number}）" if n.doc_number else "") + f"，{cn_date(n.issued_on)}"
    for i, d in enumerate(n.deadlines, 1):
        when = f"{cn_date(d.starts)}至{cn_date(d.on)}" if d.starts else f"{cn_date(d.on)}截止"
        lines = [d.what, when, f"通知：{n.title}", f"发文机关：{issued}"]
        if url:
            lines.append(f"详见：{url}")
        summary = ("期间：" if d.starts else "截止：") + d.what
        cal.add_component(_event(f"{n.url}deadlines/{i}@{_host(settings)}", n.published_on or n.issued_on,
                                 d.starts or d.on, d.on, summary, "\n".join(lines), url))
    return cal


def publicity_calendar(p: "PublicityView", settings) -> Calendar:
    """The publicity period, its first to its last working day (weekends inside it included)."""
    cal = _calendar(settings, f"{p.title}（公示期）", "公示期")
    url = _page(settings, p.url)
    lines = [p.title,
             f"公示期：{cn_date(p.starts_on)}至{cn_date(p.ends_on)}，共 {p.working_days} 个工作日"
             f"（按{p.calendar_source}的法定工作日推算）",
             f"认定项目：{p.programme.title}"]
    o = p.objections or {}
    ways = [f"{label}：{o[key]}" for key, label in (("phone", "电话"), ("email", "电子邮箱"), ("address", "地址"), ("note", "说明"))
            if o.get(key)]
    if ways:
        lines.append("对名单有异议的，请在公示期内以书面形式提出：" + "；".join(ways))
    if url:
        lines.append(f"详见：{url}")
    cal.add_component(_event(f"{p.url}period@{_host(settings)}", p.starts_on, p.starts_on, p.ends_on,
                             f"公示期：{p.title}", "\n".join(lines), url))
    return cal


def fold(line: bytes) -> bytes:
    """A content line (UTF-8) folded as icalendar's Contentline.to_ical folds it: pieces of at most
    74 octets (the fold's space makes 75), cut between characters, and a piece of more than one
    character that would end in a backslash or a caret (an escape cut in two) leaves it to the
    next one."""
    if len(line) < 75:
        return line
    pieces, start, end = [], 0, len(line)
    while end - start > 74:
        cut = start + 74
        while line[cut] & 0xC0 == 0x80:        # inside a character: cut before it
            cut -= 1
        if line[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def to_ical(cal: "Calendar") -> bytes:
    """What cal.to_ical() gives (RFC 5545 3.1)."""
    return b"\r\n".join(fold(line.encode("utf-8")) for line in cal.content_lines() if line) + b"\r\n"


def notice_ics(n: "NoticeView", settings) -> bytes:
    """notices/<id>.ics, written with the notice's page (generator.py: keyed by the same view)."""
    return to_ical(notice_calendar(n, settings))


def publicity_ics(p: "PublicityView", settings) -> bytes:
    """publicity/<id>.ics, written with the list's first page when its inputs changed."""
    return to_ical(publicity_calendar(p, settings))


def publicity_ics_inputs(p: "PublicityView") -> tuple:
    """Every field of the view publicity_calendar reads (with the settings, which are in the build
    cache's global key): the calendar's own key, so that a change to a platform the list names
    rewrites the page, not the calendar (tests/site/test_cache_keys.py checks that no other
    field changes it)."""
    return (p.id, p.url, p.title, p.programme.title, p.starts_on, p.ends_on, p.working_days, p.calendar_source,
            p.objections)
