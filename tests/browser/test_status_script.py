"""theme/static/js/status.js: a page read after the day it was built recomputes its status
badges and days left for the reader's date in Asia/Shanghai; read on the build day it changes
nothing.  The browser's date is set with Playwright's clock before the page loads."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup

from .conftest import DEMO_AS_OF, REPO, SHANGHAI, _built_site

pytestmark = pytest.mark.browser

EXPIRING = "platforms/demo-xc-weidu-digital/"     # 即将到期, until 2026-12-31
ACTIVE = "platforms/demo-xc-yuzhou-ceramics/"     # 有效, until 2027-12-31
PENDING = "platforms/demo-ty-qingxu-agri/"        # 未生效, from 2027-01-01
PUBLICITY = "publicity/demo-xuchang-2026-publicity/"   # 公示中, 2026-11-19 … 11-25
LATER = dt.date(2027, 1, 5)


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI)


def statuses(page) -> list[tuple[str, str]]:
    """Every status badge and days-left text on the page, in document order, with its class."""
    return page.locator(".badge, .days-left").evaluate_all(
        "es => es.map(e => [e.className, e.textContent.trim()])")


def h1_badge(page):
    return page.locator("h1 .badge")


def test_after_valid_until_an_expiring_title_shows_expired(demo_site, visit):
    v = visit(demo_site, when=at(LATER))
    page = v.open(EXPIRING)
    badge = h1_badge(page)
    assert badge.inner_text() == "已过期"
    assert badge.get_attribute("class") == "badge status-expired"
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(74, 74, 74)"   # --neutral, not green
    assert page.locator("p.lead .days-left").inner_text() == "已截止"
    live = page.locator(".as-of-live")
    assert live.is_visible()
    assert "今天是 2027-01-05" in live.inner_text() and "重新计算" in live.inner_text()
    assert "状态计算日期：2026年11月23日" in page.locator("p.as-of").inner_text()   # the build date stays stated
    v.assert_clean()


def test_an_active_title_becomes_expiring_within_90_days(demo_site, visit):
    v = visit(demo_site, when=at(dt.date(2027, 11, 1)))
    page = v.open(ACTIVE)
    assert h1_badge(page).inner_text() == "即将到期"
    assert page.locator("p.lead .days-left").inner_text() == "剩 60 天"
    v.assert_clean()


def test_a_pending_title_becomes_active_on_its_first_day(demo_site, visit):
    v = visit(demo_site, when=at(dt.date(2027, 1, 1), 0, 5))   # five past midnight in Beijing
    page = v.open(PENDING)
    assert h1_badge(page).inner_text() == "有效"
    v.assert_clean()


def test_publicity_closes_and_days_left_recount(demo_site, visit):
    v = visit(demo_site, when=at(dt.date(2026, 11, 25)))
    page = v.open(PUBLICITY)
    assert h1_badge(page).inner_text() == "公示中"
    assert page.locator("dl.facts .days-left").inner_text() == "今天截止"
    v.close()
    v = visit(demo_site, when=at(dt.date(2026, 11, 26)))
    page = v.open(PUBLICITY)
    assert h1_badge(page).inner_text() == "公示已结束"
    assert page.locator("dl.facts .days-left").inner_text() == "已截止"
    page = v.open("publicity/demo-henan-2026-publicity/")   # 2026-12-14 … 12-18: not started on 11-26
    assert h1_badge(page).inner_text() == "公示未开始"
    v.assert_clean()


def test_on_the_build_date_nothing_changes(demo_site, visit):
    raw = visit(demo_site, java_script_enabled=False)
    pages = ["/", "platforms/", EXPIRING, ACTIVE, PENDING, PUBLICITY]
    built = {p: statuses(raw.open(p)) for p in pages}
    # early morning and late evening in Beijing, with the computer's own clock in another zone
    for when, zone in [(at(DEMO_AS_OF, 0, 5), "America/Los_Angeles"),   # 2026-11-22 08:05 in Los Angeles
                       (at(DEMO_AS_OF, 23, 55), "Europe/Berlin")]:       # 2026-11-23 16:55 in Berlin
        v = visit(demo_site, when=when, timezone=zone)
        for p in pages:
            page = v.open(p)
            assert statuses(page) == built[p], f"{p} changed on the build date ({when}, {zone})"
            assert page.locator(".as-of-live").is_hidden()
        v.assert_clean()
        v.close()
    assert any(text == "即将到期" for _, text in built[EXPIRING])


def test_the_date_is_beijing_time_not_the_computers(demo_site, visit):
    """01:00 on 24 November in Beijing is still 23 November in Los Angeles: the page recomputes."""
    v = visit(demo_site, when=at(dt.date(2026, 11, 24), 1, 0), timezone="America/Los_Angeles")
    page = v.open(PUBLICITY)
    assert page.locator("dl.facts .days-left").inner_text() == "剩 1 天"
    assert "今天是 2026-11-24" in page.locator(".as-of-live").inner_text()
    v.assert_clean()


TITLE_ROWS = "#h-recognitions ~ .table-scroll tbody tr"


def titles(page) -> list[str]:
    """A platform page's titles as "programme, window: status", in a fixed order (the page puts
    current titles first, so its order depends on the date)."""
    return sorted(page.locator(TITLE_ROWS).evaluate_all(
        """rs => rs.map(r => r.querySelector('th').textContent.trim() + ', ' +
                        r.querySelector('td:nth-of-type(3)').textContent.trim() + ': ' +
                        r.querySelector('.badge').textContent)"""))


def built_titles(html: str) -> list[str]:
    """The same, from a page as built (no browser needed: no script runs)."""
    def text(el):
        return " ".join(el.get_text().split())
    rows = BeautifulSoup(html, "html.parser").select(TITLE_ROWS)
    return sorted(f"{text(r.th)}, {text(r.select('td')[2])}: {r.select_one('.badge').get_text()}" for r in rows)


@pytest.fixture(scope="session")
def later_site(tmp_path_factory):
    """The demo registry built on LATER: what every page read on LATER should say."""
    server, site = _built_site(tmp_path_factory, REPO / "examples", LATER, "later")
    yield site
    server.shutdown()
    server.server_close()


def test_recomputed_statuses_match_a_build_on_that_day(demo_site, later_site, visit):
    """Every platform page built on 2026-11-23 and read on 2027-01-05 shows, title by title,
    the statuses of the same page built on 2027-01-05 (lifecycle.py's answer)."""
    v = visit(demo_site, when=at(LATER))
    ids = sorted(f.stem for f in (REPO / "examples/platforms").glob("*.yaml"))
    wrong, changed = [], 0
    for pid in ids:
        path = f"platforms/{pid}/"
        got, want = titles(v.open(path)), built_titles(later_site.html(path))
        built = re.findall(r'data-status="(\w+)"', demo_site.html(path))
        changed += built != re.findall(r'data-status="(\w+)"', later_site.html(path))
        if got != want:
            wrong.append(f"{pid}: page shows {got}, a build on {LATER} says {want}")
    assert not wrong, "\n".join(wrong)
    assert changed >= 5   # the comparison covered real changes, not only unchanged pages
    v.assert_clean()


def test_recomputed_rows_keep_the_status_filter_honest(demo_site, visit):
    """A list row carries its status for the filter; after a recompute it follows its badge,
    and a stale working-days count (which needs the holiday calendar) is hidden."""
    v = visit(demo_site, when=at(LATER))
    page = v.open("platforms/")
    row = page.locator('tr.platform-row[data-id="demo-xc-weidu-digital"]')
    assert row.locator(".badge").inner_text() == "已过期"
    assert row.get_attribute("data-status") == "expired"
    page.select_option("select[name=status]", "expiring")
    assert row.is_hidden()
    page = v.open(PUBLICITY)
    assert page.locator(".working-days-left").count() == 1
    assert page.locator(".working-days-left").is_hidden()
    v.assert_clean()


def test_on_the_build_date_the_working_days_count_is_shown(demo_site, visit):
    v = visit(demo_site)
    page = v.open(PUBLICITY)
    assert page.locator(".working-days-left").is_visible()
    assert "个工作日" in page.locator(".working-days-left").inner_text()
    v.assert_clean()
