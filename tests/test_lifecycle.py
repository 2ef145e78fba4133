"""Validity windows and statuses (sme_registry.lifecycle), at and around every boundary."""
from __future__ import annotations

import datetime as dt

import pytest

from sme_registry import lifecycle
from sme_registry.lifecycle import Window, headline, status, window, window_from
from sme_registry.records import Event, Platform, Programme, Publicity, Recognition, Validity
from sme_registry.workdays import WorkdayCalendar
from sme_registry.yamlsource import Source

D = dt.date.fromisoformat


def programme(pid, level="city", years=3, starts="next_year", ends="year_end", **kw) -> Programme:
    return Programme(pid, Source(f"programmes/{pid}.yaml"), name=pid, authority="某厅", level=level,
                     validity=Validity(years, starts, ends), **kw)


NATIONAL = programme("national", "national")
HENAN = programme("henan-province", "province")
XUCHANG = programme("xuchang-city", "city")
SHANXI = programme("shanxi-province", "province", starts="announcement_date", ends="anniversary")
JIANGSU = programme("jiangsu-star", "province", years=None, starts="announcement_date", ends="none", rating="stars")
PROGRAMMES = {p.id: p for p in (NATIONAL, HENAN, XUCHANG, SHANXI, JIANGSU)}


def rec(prog: str, on: str, *events: Event, star=None, index=0) -> Recognition:
    return Recognition(prog, D(on), None, star, list(events), index)


def ev(on: str, type_: str, result=None, star=None, revokes=None) -> Event:
    return Event(D(on), type_, result, star, "", None, revokes)


# -- windows ----------------------------------------------------------------------------------
@pytest.mark.parametrize("announced", ["2020-12-01", "2020-12-31", "2020-01-02"])
def test_national_title_announced_in_2020(announced):
    """A national title announced in (December) 2020 is valid 2021-01-01 .. 2023-12-31."""
    assert window_from(D(announced), NATIONAL) == Window(D("2021-01-01"), D("2023-12-31"))


@pytest.mark.parametrize("announced", ["2021-01-15", "2021-12-20"])
def test_henan_titles_of_2021_end_on_2024_12_31(announced):
    """henan-2024-recommendation-call 二、: 2021年公告的示范平台于2024年12月31日到期."""
    assert window_from(D(announced), HENAN).valid_until == D("2024-12-31")
    assert window_from(D(announced), HENAN).valid_from == D("2022-01-01")


@pytest.mark.parametrize("announced,until", [
    ("2020-05-15", "2023-05-14"),
    ("2020-01-01", "2022-12-31"),
    ("2021-12-31", "2024-12-30"),
    ("2020-02-29", "2023-02-28"),   # no 29 February in 2023: the last day is the month's last day
])
def test_anniversary_rule(announced, until):
    w = window_from(D(announced), SHANXI)
    assert w == Window(D(announced), D(until))


def test_anniversary_windows_follow_each_other_without_a_gap_or_overlap():
    """Three years exactly: the day after the window is the third anniversary."""
    for start in (D("2020-02-29"), D("2019-03-01"), D("2021-08-31")):
        w = window_from(start, SHANXI)
        nxt = window_from(w.valid_until + dt.timedelta(days=1), SHANXI)
        assert nxt.valid_from == w.valid_until + dt.timedelta(days=1)
        assert (w.valid_until + dt.timedelta(days=1)).year == start.year + 3


def test_anniversary_from_next_year():
    prog = programme("p-next", starts="next_year", ends="anniversary")
    assert window_from(D("2020-06-01"), prog) == Window(D("2021-01-01"), D("2023-12-31"))


def test_year_end_from_the_announcement_date():
    prog = programme("p-ann", starts="announcement_date", ends="year_end")
    assert window_from(D("2020-06-01"), prog) == Window(D("2020-06-01"), D("2023-12-31"))


def test_no_fixed_end():
    assert window_from(D("2012-06-30"), JIANGSU) == Window(D("2012-06-30"), None)


# -- statuses around the boundaries ----------------------------------------------------------------
XC_2021 = rec("xuchang-city", "2021-12-20")   # 2022-01-01 .. 2024-12-31


@pytest.mark.parametrize("as_of,expected", [
    ("2021-12-19", "pending"),
    ("2021-12-20", "pending"),      # announced, not yet in force (next_year)
    ("2021-12-31", "pending"),
    ("2022-01-01", "active"),
    ("2024-10-01", "active"),       # 91 days left
    ("2024-10-02", "expiring"),     # 90 days left
    ("2024-10-03", "expiring"),
    ("2024-12-30", "expiring"),
    ("2024-12-31", "expiring"),     # the last day
    ("2025-01-01", "expired"),
    ("2025-01-02", "expired"),
])
def test_status_boundaries(as_of, expected):
    assert status(XC_2021, XUCHANG, D(as_of)) == expected


def test_status_from_the_announcement_day():
    r = rec("shanxi-province", "2020-05-15")
    assert status(r, SHANXI, D("2020-05-14")) == "pending"
    assert status(r, SHANXI, D("2020-05-15")) == "active"
    assert status(r, SHANXI, D("2023-05-14")) == "expiring"
    assert status(r, SHANXI, D("2023-05-15")) == "expired"


@pytest.mark.parametrize("event", [
    ev("2023-02-20", "assessment", "fail"),
    ev("2023-02-20", "re_evaluation", "fail"),
    ev("2023-02-20", "revoked"),
    ev("2023-02-20", "withdrawn"),
])
def test_revocation_from_its_date(event):
    r = rec("xuchang-city", "2021-12-20", ev("2022-02-20", "assessment", "pass"), event)
    assert status(r, XUCHANG, D("2023-02-19")) == "active"
    assert status(r, XUCHANG, D("2023-02-20")) == "revoked"
    assert status(r, XUCHANG, D("2023-02-21")) == "revoked"
    assert status(r, XUCHANG, D("2026-01-01")) == "revoked"   # stays revoked, not "expired"
    assert lifecycle.ending_event(r, D("2023-02-20")) is event
    assert lifecycle.ending_event(r, D("2023-02-19")) is None


def test_failed_assessment_that_does_not_revoke():
    r = rec("xuchang-city", "2021-12-20", ev("2023-02-20", "assessment", "fail", revokes=False))
    assert status(r, XUCHANG, D("2023-02-20")) == "active"
    assert status(r, XUCHANG, D("2025-01-01")) == "expired"


def test_passed_assessment_changes_nothing():
    r = rec("xuchang-city", "2021-12-20", ev("2023-02-20", "assessment", "pass"))
    assert [status(r, XUCHANG, D(d)) for d in ("2023-02-20", "2024-12-31", "2025-01-01")] == \
        ["active", "expiring", "expired"]


def test_revoked_before_it_started():
    r = rec("xuchang-city", "2021-12-20", ev("2021-12-25", "revoked"))
    assert status(r, XUCHANG, D("2021-12-24")) == "pending"
    assert status(r, XUCHANG, D("2021-12-25")) == "revoked"


# -- renewal -------------------------------------------------------------------------------------
def test_renewed_restarts_the_window():
    r = rec("xuchang-city", "2021-12-20", ev("2024-12-16", "renewed"))
    assert window(r, XUCHANG, D("2024-12-15")) == Window(D("2022-01-01"), D("2024-12-31"))
    assert window(r, XUCHANG, D("2025-06-01")) == Window(D("2025-01-01"), D("2027-12-31"))
    assert window(r, XUCHANG) == Window(D("2025-01-01"), D("2027-12-31"))
    assert status(r, XUCHANG, D("2024-12-15")) == "expiring"
    assert status(r, XUCHANG, D("2025-01-01")) == "active"
    assert status(r, XUCHANG, D("2027-10-03")) == "expiring"
    assert status(r, XUCHANG, D("2028-01-01")) == "expired"


def test_renewed_before_the_old_window_ends_keeps_the_title_in_force():
    """Renewed on 2024-12-16, new window from 2025-01-01: between the two the platform still
    holds the 2021 title (to 2024-12-31).  It is not 'pending' in those days."""
    r = rec("xuchang-city", "2021-12-20", ev("2024-12-16", "renewed"))
    for day in ("2024-12-16", "2024-12-20", "2024-12-31"):
        assert status(r, XUCHANG, D(day)) == "active", day
    assert status(r, XUCHANG, D("2024-12-15")) == "expiring"   # before the renewal: the old window


def test_renewal_keeps_a_prerequisite_in_force(small_registry):
    """The same through the validator: a Henan title of 2024-12-20 needs the Xuchang title,
    renewed on 2024-12-16 (new window from 2025-01-01) and so held without a gap."""
    tech = "platforms/xc-tech-service-center.yaml"
    small_registry.replace(tech, "{on: 2024-02-26, type: assessment, result: pass}",
                           "{on: 2024-02-26, type: assessment, result: pass}\n      - {on: 2024-12-16, type: renewed}")
    small_registry.replace(tech, "on: 2022-12-15", "on: 2024-12-20")
    reg = small_registry.load(as_of=D("2024-12-25"))
    assert reg.problems.items == [], [p.format() for p in reg.problems]
    pl = reg.platforms["xc-tech-service-center"]
    assert headline(pl, reg.programmes, D("2024-12-25"))[1] == "active"


def test_renewed_after_expiry_is_pending_until_the_new_window():
    r = rec("xuchang-city", "2021-12-20", ev("2025-03-10", "renewed"))
    assert status(r, XUCHANG, D("2025-02-01")) == "expired"
    assert status(r, XUCHANG, D("2025-06-01")) == "pending"
    assert status(r, XUCHANG, D("2026-01-01")) == "active"


# -- stars ---------------------------------------------------------------------------------------
def test_star_rating_without_end_and_its_re_evaluation():
    r = rec("jiangsu-star", "2012-06-30", ev("2019-05-31", "re_evaluation", "pass", star=4), star=3)
    assert status(r, JIANGSU, D("2012-06-29")) == "pending"
    assert status(r, JIANGSU, D("2012-06-30")) == "active"
    assert status(r, JIANGSU, D("2040-01-01")) == "active"   # never "expiring": no end
    assert lifecycle.current_star(r, D("2019-05-30")) == 3
    assert lifecycle.current_star(r, D("2019-05-31")) == 4


def test_star_rating_revoked_by_a_failed_re_evaluation():
    r = rec("jiangsu-star", "2012-06-30", ev("2019-05-31", "re_evaluation", "fail"), star=3)
    assert status(r, JIANGSU, D("2019-05-30")) == "active"
    assert status(r, JIANGSU, D("2019-05-31")) == "revoked"
    assert lifecycle.current_star(r, D("2020-01-01")) == 3   # a failed re-evaluation sets no star


# -- headline ------------------------------------------------------------------------------------
def platform(*recs: Recognition) -> Platform:
    for i, r in enumerate(recs):
        r.index = i
    return Platform("xc-tech-service-center", Source("platforms/x.yaml"), name="许昌市平台", region="411002",
                    recognitions=list(recs))


def test_headline_prefers_national_over_city():
    city = rec("xuchang-city", "2021-12-20")
    nat = rec("national", "2020-12-20")
    pl = platform(city, nat)
    assert headline(pl, PROGRAMMES, D("2022-06-01")) == (nat, "active")
    pl = platform(nat, city)   # order in the file does not matter
    assert headline(pl, PROGRAMMES, D("2022-06-01")) == (nat, "active")


def test_headline_prefers_a_current_title_to_a_higher_expired_one():
    city = rec("xuchang-city", "2021-12-20")
    nat = rec("national", "2020-12-20")   # ends 2023-12-31
    assert headline(platform(nat, city), PROGRAMMES, D("2024-06-01")) == (city, "active")


def test_headline_prefers_a_current_title_to_a_revoked_one():
    prov = rec("henan-province", "2021-12-20", ev("2023-02-20", "revoked"))
    city = rec("xuchang-city", "2021-12-20")
    assert headline(platform(prov, city), PROGRAMMES, D("2023-06-01")) == (city, "active")


def test_headline_expiring_counts_as_current():
    prov = rec("henan-province", "2021-12-20")   # expiring from 2024-10-02
    city = rec("xuchang-city", "2023-12-20")     # active 2024-01-01 .. 2026-12-31
    assert headline(platform(city, prov), PROGRAMMES, D("2024-11-20")) == (prov, "expiring")


def test_headline_pending_before_expired():
    old = rec("xuchang-city", "2017-12-20")
    new = rec("henan-province", "2024-12-20")
    assert headline(platform(old, new), PROGRAMMES, D("2024-12-25")) == (new, "pending")


def test_headline_most_recent_when_nothing_is_current():
    a = rec("xuchang-city", "2015-12-20")
    b = rec("xuchang-city", "2018-12-20")
    assert headline(platform(a, b), PROGRAMMES, D("2024-06-01")) == (b, "expired")


def test_headline_same_level_latest_end_first():
    a = rec("xuchang-city", "2021-12-20")
    b = rec("xuchang-city", "2022-12-20")
    assert headline(platform(a, b), PROGRAMMES, D("2023-06-01")) == (b, "active")


def test_headline_without_recognitions_or_programmes():
    assert headline(platform(), PROGRAMMES, D("2024-06-01")) is None
    assert headline(platform(rec("unknown-programme", "2021-12-20")), PROGRAMMES, D("2024-06-01")) is None


# -- small helpers -------------------------------------------------------------------------------------
def test_days_left():
    assert lifecycle.days_left(D("2024-12-31"), D("2024-10-02")) == 90
    assert lifecycle.days_left(None, D("2024-10-02")) is None


@pytest.mark.parametrize("as_of,expected", [("2024-12-01", "upcoming"), ("2024-12-02", "open"),
                                            ("2024-12-06", "open"), ("2024-12-07", "closed")])
def test_publicity_status(as_of, expected):
    assert lifecycle.publicity_status(D("2024-12-02"), D("2024-12-06"), D(as_of)) == expected


def test_publicity_days_and_end():
    prog = programme("xuchang-city", publicity_working_days=5)
    pub = Publicity("p-2024", Source("publicity/p.yaml"), title="公示", programme="xuchang-city",
                    starts_on=D("2024-09-30"), entries=[])
    cal = WorkdayCalendar()
    assert lifecycle.publicity_days(pub, prog) == 5
    assert lifecycle.publicity_end(pub, prog, cal) == D("2024-10-11")
    pub.working_days = 7   # 09-30, 10-08..10-11, 10-12 (调休 Saturday), 10-14
    assert lifecycle.publicity_end(pub, prog, cal) == D("2024-10-14")
    pub.working_days = None
    assert lifecycle.publicity_days(pub, None) is None
    pub.ends_on = D("2024-10-09")
    assert lifecycle.publicity_end(pub, None, cal) == D("2024-10-09")   # nothing to compute: as written
