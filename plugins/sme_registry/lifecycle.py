"""Validity windows and statuses as of a date: the one place that decides them.

Everything that shows or checks a status (validator, site, open data, CLI) asks
this module.  Rules (RECORDS.md, "What the status of a recognition is"):

* the window follows the programme's `validity`: starts on the announcement date or on
  1 January after it (`next_year`); ends on 31 December of announcement year + years
  (`year_end`, e.g. a national title announced in December 2020 is valid
  2021-01-01..2023-12-31), the day before the n-th anniversary of the start
  (`anniversary`), or never (`none`: valid until revoked, e.g. Jiangsu star ratings);
* a `renewed` event restarts the window from its date under the same rule;
* `pending` before the start, `active`, `expiring` when ≤ 90 days are left, `expired` after
  the end, `revoked` from a revocation, withdrawal or failed assessment/re-evaluation on
  (unless the event says `revokes: false`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .records import LEVEL_RANK, Platform, Programme, Publicity, Recognition
from .workdays import WorkdayCalendar

EXPIRING_DAYS = 90

STATUS_LABELS = {"pending": "未生效", "active": "有效", "expiring": "即将到期", "expired": "已过期", "revoked": "已撤销"}
PUBLICITY_LABELS = {"upcoming": "公示未开始", "open": "公示中", "closed": "公示已结束"}
CURRENT = ("active", "expiring")


@dataclass(frozen=True, slots=True)
class Window:
    valid_from: dt.date
    valid_until: dt.date | None   # None: no fixed end


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: the anniversary falls on 1 March, so the
        # window's last day is 28 February (民法典第二百零二条: 没有对应日的，月末日为期间的最后一日)
        return dt.date(day.year + years, 3, 1)


def window_from(announced: dt.date, programme: Programme) -> Window:
    v = programme.validity
    start = dt.date(announced.year + 1, 1, 1) if v.starts == "next_year" else announced
    if v.ends == "none" or v.years is None:
        return Window(start, None)
    if v.ends == "year_end":
        return Window(start, dt.date(announced.year + v.years, 12, 31))
    return Window(start, _add_years(start, v.years) - dt.timedelta(days=1))


def window(rec: Recognition, programme: Programme, as_of: dt.date | None = None) -> Window:
    """The recognition's current window: from the latest renewal on or before `as_of`."""
    announced = rec.on
    for ev in rec.events:
        if ev.type == "renewed" and (as_of is None or ev.on <= as_of):
            announced = ev.on
    return window_from(announced, programme)


def ending_event(rec: Recognition, as_of: dt.date | None = None):
    """The first event that ended the title (on or before `as_of`), if any."""
    for ev in rec.events:
        if ev.ends_title and (as_of is None or ev.on <= as_of):
            return ev
    return None


def _previous_window(rec: Recognition, programme: Programme, as_of: dt.date) -> Window | None:
    """The window the latest renewal on or before `as_of` replaced, if there was a renewal."""
    starts = [rec.on] + [ev.on for ev in rec.events if ev.type == "renewed" and ev.on <= as_of]
    return window_from(starts[-2], programme) if len(starts) > 1 else None


def status(rec: Recognition, programme: Programme, as_of: dt.date, current: Window | None = None) -> str:
    """`current`: window(rec, programme, as_of), when the caller has it."""
    if ending_event(rec, as_of):
        return "revoked"
    w = window(rec, programme, as_of) if current is None else current
    if as_of < w.valid_from:
        # renewed before the previous window ended (e.g. in December, valid from 1 January):
        # the title is held without a gap, so it is active, not pending
        prev = _previous_window(rec, programme, as_of)
        if prev and prev.valid_from <= as_of and (prev.valid_until is None or as_of <= prev.valid_until):
            return "active"
        return "pending"
    if w.valid_until is None:
        return "active"
    if as_of > w.valid_until:
        return "expired"
    if (w.valid_until - as_of).days <= EXPIRING_DAYS:
        return "expiring"
    return "active"


def days_left(until: dt.date | None, as_of: dt.date) -> int | None:
    return None if until is None else (until - as_of).days


def current_star(rec: Recognition, as_of: dt.date) -> int | None:
    star = rec.star
    for ev in rec.events:
        if ev.on <= as_of and ev.type == "re_evaluation" and ev.result == "pass" and ev.star:
            star = ev.star
    return star


_STATUS_ORDER = {"active": 0, "expiring": 0, "pending": 1, "expired": 2, "revoked": 2}


def headline(platform: Platform, programmes: dict[str, Programme], as_of: dt.date, known: list | None = None):
    """(recognition, status) of the platform's most important recognition: a current one
    first (highest level, then latest end), else a pending one, else the most recent.
    `known`: each recognition's (status, window) as of that date, when the caller has them."""
    best, best_key = None, None
    for i, rec in enumerate(platform.recognitions):
        prog = programmes.get(rec.programme)
        if prog is None:
            continue
        st, w = known[i] if known is not None else (status(rec, prog, as_of), window(rec, prog, as_of))
        end = w.valid_until or dt.date.max
        key = (_STATUS_ORDER[st], LEVEL_RANK.get(prog.level, 9) if st in CURRENT else 0,
               -end.toordinal(), -rec.on.toordinal())
        if best_key is None or key < best_key:
            best, best_key = (rec, st), key
    return best


# -- publicity ---------------------------------------------------------------------------
def publicity_days(pub: Publicity, programme: Programme | None) -> int | None:
    if pub.working_days:
        return pub.working_days
    return programme.publicity_working_days if programme else None


def publicity_end(pub: Publicity, programme: Programme | None, calendar: WorkdayCalendar) -> dt.date | None:
    """The computed last day of the objection period (may raise workdays.UnknownYear)."""
    n = publicity_days(pub, programme)
    if n is None:
        return pub.ends_on
    return calendar.last_working_day(pub.starts_on, n)


def publicity_status(starts_on: dt.date, ends_on: dt.date, as_of: dt.date) -> str:
    if as_of < starts_on:
        return "upcoming"
    if as_of > ends_on:
        return "closed"
    return "open"
