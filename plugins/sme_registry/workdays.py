"""China's official working-day calendar.

Publicity periods (公示期) count working days: weekends and public holidays are
skipped and adjusted working days (调休) count.  The `chinesecalendar` package
knows the State Council's arrangements up to the year it was released for; a
later year is read from registry/calendar/<year>.yaml (RECORDS.md, "publicity").
A date in a year that neither covers is an error, never a guess.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar

LIBRARY_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


class UnknownYear(Exception):
    """No holiday arrangement is known for this year."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


class WorkdayCalendar:
    def __init__(self, extra_years=()):
        # year -> (holidays, workdays) from registry/calendar/<year>.yaml
        self.extra: dict[int, tuple[frozenset, frozenset]] = {}
        # day -> is it a working day: publicity periods of one season cover the same days, and the
        # rules and the view models both count them (chinesecalendar checks each date it is asked)
        self._known: dict[dt.date, bool] = {}
        for y in extra_years:
            self.extra[int(y.id)] = (frozenset(y.holidays), frozenset(y.workdays))

    def covers(self, year: int) -> bool:
        return year in self.extra or year in LIBRARY_YEARS

    def source_of(self, year: int) -> str:
        if year in self.extra:
            return f"registry/calendar/{year}.yaml"
        return f"chinesecalendar {chinese_calendar.__version__}" if year in LIBRARY_YEARS else ""

    def is_workday(self, day: dt.date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: dt.date) -> bool:
        if day.year in self.extra:  # the registry's own file wins: staff can add a year before the package does
            holidays, workdays = self.extra[day.year]
            if day in workdays:
                return True
            if day in holidays:
                return False
            return day.weekday() < 5
        if day.year in LIBRARY_YEARS:
            return chinese_calendar.is_workday(day)
        raise UnknownYear(day.year)

    def last_working_day(self, start: dt.date, count: int) -> dt.date:
        """The last day of a period of `count` working days beginning on `start`
        (`start` counts when it is a working day)."""
        day, seen = start, 0
        while True:
            if self.is_workday(day):
                seen += 1
                if seen == count:
                    return day
            day += dt.timedelta(days=1)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end], both included."""
        n, day = 0, start
        while day <= end:
            n += self.is_workday(day)
            day += dt.timedelta(days=1)
        return n
