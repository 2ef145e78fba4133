"""China's working-day calendar (sme_registry.workdays)."""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from sme_registry.records import HolidayYear
from sme_registry.workdays import LIBRARY_YEARS, UnknownYear, WorkdayCalendar
from sme_registry.yamlsource import Source

D = dt.date.fromisoformat
CAL = WorkdayCalendar()


def year_file(year: int, holidays=(), workdays=()) -> HolidayYear:
    return HolidayYear(str(year), Source(f"calendar/{year}.yaml"), holidays=[D(x) for x in holidays],
                       workdays=[D(x) for x in workdays], source_text="国务院办公厅通知")


@pytest.mark.parametrize("start,count,end", [
    ("2024-11-20", 1, "2024-11-20"),   # the first day counts when it is a working day
    ("2024-11-22", 2, "2024-11-25"),   # Friday + Monday
    ("2024-11-23", 1, "2024-11-25"),   # starts on a Saturday: Monday is day 1
    ("2024-11-24", 5, "2024-11-29"),
    ("2024-12-02", 5, "2024-12-06"),
    ("2024-11-18", 10, "2024-11-29"),
])
def test_last_working_day_over_weekends(start, count, end):
    assert CAL.last_working_day(D(start), count) == D(end)


@pytest.mark.parametrize("start,count,end", [
    # 国庆 2024: 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 worked
    ("2024-09-30", 5, "2024-10-11"),
    ("2024-09-29", 2, "2024-09-30"),   # the 调休 Sunday is day 1
    ("2024-10-08", 5, "2024-10-12"),   # the 调休 Saturday is day 5
    ("2024-10-01", 1, "2024-10-08"),
    # 春节 2024: 02-10..02-17 off; Sunday 02-04 and Sunday 02-18 worked
    ("2024-02-08", 3, "2024-02-18"),
    ("2024-02-04", 1, "2024-02-04"),
    ("2024-02-10", 2, "2024-02-19"),
    # 元旦 across the year: 2024-12-30 Mon, 12-31 Tue, 2025-01-01 off, 01-02 Thu
    ("2024-12-30", 3, "2025-01-02"),
])
def test_last_working_day_over_holidays_and_adjusted_days(start, count, end):
    assert CAL.last_working_day(D(start), count) == D(end)
    # cross-check with the library directly: exactly `count` working days in [start, end]
    assert len(chinese_calendar.get_workdays(D(start), D(end))) == count
    assert chinese_calendar.is_workday(D(end))


def test_is_workday():
    assert CAL.is_workday(D("2024-10-12"))        # Saturday, 调休
    assert not CAL.is_workday(D("2024-10-07"))    # Monday, 国庆
    assert not CAL.is_workday(D("2024-11-23"))    # an ordinary Saturday
    assert CAL.is_workday(D("2024-11-22"))


def test_working_days_between():
    assert CAL.working_days_between(D("2024-09-30"), D("2024-10-11")) == 5
    assert CAL.working_days_between(D("2024-10-08"), D("2024-10-12")) == 5
    assert CAL.working_days_between(D("2024-10-01"), D("2024-10-07")) == 0
    assert CAL.working_days_between(D("2024-10-02"), D("2024-10-01")) == 0


def test_unknown_year():
    year = LIBRARY_YEARS.stop   # the first year the library does not know
    with pytest.raises(UnknownYear) as info:
        CAL.is_workday(dt.date(year, 3, 1))
    assert info.value.year == year
    with pytest.raises(UnknownYear):
        CAL.last_working_day(dt.date(LIBRARY_YEARS.start - 1, 3, 1), 1)
    assert not CAL.covers(year) and CAL.covers(2024)
    assert CAL.source_of(year) == ""
    assert CAL.source_of(2024).startswith("chinesecalendar")


def test_period_running_into_an_unknown_year():
    last = LIBRARY_YEARS.stop - 1
    with pytest.raises(UnknownYear) as info:
        CAL.last_working_day(dt.date(last, 12, 28), 10)
    assert info.value.year == last + 1


def test_registry_calendar_year():
    cal = WorkdayCalendar([year_file(2027, holidays=["2027-01-01", "2027-02-05", "2027-02-08"],
                                     workdays=["2027-02-20"])])
    assert cal.covers(2027) and cal.source_of(2027) == "registry/calendar/2027.yaml"
    assert not cal.is_workday(D("2027-01-01"))      # Friday, a holiday in the file
    assert cal.is_workday(D("2027-01-04"))          # Monday
    assert not cal.is_workday(D("2027-01-02"))      # Saturday
    assert cal.is_workday(D("2027-02-20"))          # Saturday, 调休 in the file
    assert cal.last_working_day(D("2027-02-04"), 3) == D("2027-02-10")   # 02-04, (05 off), 02-09, 02-10
    assert cal.last_working_day(D("2027-02-19"), 2) == D("2027-02-20")
    with pytest.raises(UnknownYear):
        cal.is_workday(D("2028-01-03"))


def test_registry_calendar_year_wins_over_the_library():
    """Staff may correct or add a year before the package does: the file is used as written."""
    cal = WorkdayCalendar([year_file(2024, holidays=["2024-11-20"], workdays=["2024-11-23"])])
    assert not cal.is_workday(D("2024-11-20"))
    assert cal.is_workday(D("2024-11-23"))


def test_registry_calendar_year_replaces_the_whole_year():
    cal = WorkdayCalendar([year_file(2024)])
    # with an empty file, 2024's National Day is an ordinary week: the file is the whole truth
    assert cal.is_workday(D("2024-10-07"))
    assert not cal.is_workday(D("2024-10-12"))
