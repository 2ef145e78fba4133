"""What a visitor reads on each page: statuses, dates, days left, links, empty states.

The demo registry (examples/) is built at several "as of" dates; the real registry
(registry/, no platforms yet) at 2024-11-20.  Expected values are written out by hand
from the records (examples/README.md explains the demo data), not recomputed with the
site's own code.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sme_registry.registry import load_registry

from sitekit import EXAMPLES, REGISTRY

STATUS_LABELS = {"pending": "未生效", "active": "有效", "expiring": "即将到期", "expired": "已过期", "revoked": "已撤销"}
PUBLICITY_LABELS = {"upcoming": "公示未开始", "open": "公示中", "closed": "公示已结束"}


def squash(text: str) -> str:
    return " ".join(text.split())


def ids(folder: str, *registries: Path) -> set[str]:
    return {p.stem for r in registries for p in (r / folder).glob("*.yaml")}


def row_of(soup, platform_id: str):
    rows = soup.select(f'tr.platform-row[data-id="{platform_id}"]')
    assert len(rows) <= 1, f"{platform_id} listed {len(rows)} times"
    return rows[0] if rows else None


def listed_ids(soup) -> list[str]:
    return [tr["data-id"] for tr in soup.select("tr.platform-row")]


def headline_badge(soup):
    badge = soup.select_one("h1 span.badge[data-status]")
    assert badge is not None, "no status badge in the page heading"
    return badge


def recognition_rows(soup) -> list:
    section = soup.find("section", attrs={"aria-labelledby": "h-recognitions"})
    assert section is not None
    return section.select("tbody tr")


def links_in(el) -> list[str]:
    return [a["href"] for a in el.find_all("a", href=True)]


def points_to(href: str, path: str) -> bool:
    """A (relative or absolute) link ends at the site path `path` (e.g. "forms/x/")."""
    return re.sub(r"^(\.\./)+|^\./", "", href).lstrip("/").endswith(path)


# -- permanent URLs ------------------------------------------------------------------------
@pytest.mark.parametrize("folder", ["platforms", "notices", "publicity", "programmes", "forms"])
def test_every_record_has_its_permanent_url(demo, folder):
    records = ids(folder, REGISTRY, EXAMPLES)
    assert records, f"no {folder} records to check"
    for rid in sorted(records):
        url = f"/{folder}/{rid}/"
        assert demo.exists(url), f"{url} missing"
        assert demo.page(url).find("h1").get_text(strip=True), f"{url} has no heading"
    for rid in sorted(ids(folder, REGISTRY)):
        assert demo.exists(f"/{folder}/{rid}/")


def test_real_registry_has_its_record_pages(real):
    for folder in ["notices", "programmes", "forms"]:
        for rid in ids(folder, REGISTRY):
            assert real.exists(f"/{folder}/{rid}/"), f"/{folder}/{rid}/ missing"
    # the demo records never leak into the real site
    assert not any(p.name.startswith("demo-") for p in real.root.rglob("*"))


# -- "as of" date and demo banner on every page ---------------------------------------------
@pytest.mark.parametrize("which,as_of,text", [("registry", "2024-11-20", "2024年11月20日"),
                                              ("examples", "2024-11-20", "2024年11月20日"),
                                              ("examples", "2026-11-23", "2026年11月23日")])
def test_every_page_states_its_as_of_date(built, which, as_of, text):
    site = built(which, as_of)
    pages = site.html_files()
    assert len(pages) > 20
    for path in pages:
        url = site.url_of(path)
        soup = site.page(url)
        assert soup.body.get("data-as-of") == as_of, url
        stamp = soup.select("p.as-of time[datetime]")
        assert len(stamp) == 1, url
        assert stamp[0]["datetime"] == as_of, url
        assert stamp[0].get_text(strip=True) == text, url


def test_demo_banner_on_every_demo_page(demo):
    for path in demo.html_files():
        soup = demo.page(demo.url_of(path))
        banner = soup.select_one(".demo-banner")
        assert banner is not None and "示例数据" in banner.get_text(), demo.url_of(path)
        # shown before the page's own content
        assert banner.find_next("main") is not None, demo.url_of(path)


def test_no_demo_banner_on_real_pages(real):
    for path in real.html_files():
        soup = real.page(real.url_of(path))
        assert soup.select_one(".demo-banner") is None, real.url_of(path)
        outside_main = squash(soup.body.get_text(" ").replace(soup.find("main").get_text(" "), ""))
        assert "示例数据" not in outside_main, real.url_of(path)


# -- status labels ---------------------------------------------------------------------------
@pytest.mark.parametrize("as_of", ["2024-11-20", "2026-11-23"])
def test_every_badge_says_its_status_in_chinese(built, as_of):
    site = built("examples", as_of)
    seen_platform, seen_publicity = set(), set()
    for path in site.html_files():
        for badge in site.page(site.url_of(path)).select("span.badge[data-status]"):
            status, text = badge["data-status"], badge.get_text(strip=True)
            if "publicity-" + status in badge.get("class", []):
                assert text == PUBLICITY_LABELS[status], (site.url_of(path), status, text)
                seen_publicity.add(status)
            elif status == "candidate":
                assert text == "候选"
            else:
                assert text == STATUS_LABELS[status], (site.url_of(path), status, text)
                seen_platform.add(status)
    # the demo data exercises every status at these dates
    assert seen_platform == set(STATUS_LABELS)
    assert seen_publicity == ({"upcoming", "closed"} if as_of == "2024-11-20" else set(PUBLICITY_LABELS))


# -- home ------------------------------------------------------------------------------------
def test_home_lists_open_calls_with_days_left(demo):
    section = demo.main("/").find("section", attrs={"aria-labelledby": "h-calls"})
    items = section.select("ul.deadlines li")
    days = [li.find("time")["datetime"] for li in items]
    assert "2024-11-21" in days
    assert "2024-11-18" not in days          # passed two days before the "as of" date
    assert days == sorted(days)
    henan = items[days.index("2024-11-21")]
    assert henan.select_one(".days-left").get_text(strip=True) == "剩 1 天"
    assert any(points_to(h, "notices/henan-2024-recommendation-call/") for h in links_in(henan))
    assert all(d >= "2024-11-20" for d in days)


def test_home_lists_open_and_upcoming_publicity_with_last_day(built):
    site = built("examples", "2026-11-23")
    section = site.main("/").find("section", attrs={"aria-labelledby": "h-publicity"})
    items = {li.find("a")["href"].rstrip("/").rsplit("/", 1)[-1]: li for li in section.select("li")}
    assert set(items) == {"demo-xuchang-2026-publicity", "demo-henan-2026-publicity"}
    xc = items["demo-xuchang-2026-publicity"]
    assert xc.select_one("span.badge")["data-status"] == "open"
    assert xc.select_one("span.badge").get_text(strip=True) == "公示中"
    assert "2026年11月25日" in xc.get_text()
    assert xc.select_one(".days-left").get_text(strip=True) == "剩 2 天"
    ha = items["demo-henan-2026-publicity"]
    assert ha.select_one("span.badge").get_text(strip=True) == "公示未开始"
    assert "2026年12月18日" in ha.get_text()


def test_home_counts_active_titles_per_programme(demo):
    data = demo.json("/data/platforms.json")
    expected, expiring = {}, {}
    for p in data:
        for r in p["recognitions"]:
            if r["status"] in ("active", "expiring"):
                expected[r["programme"]] = expected.get(r["programme"], 0) + 1
            if r["status"] == "expiring":
                expiring[r["programme"]] = expiring.get(r["programme"], 0) + 1
    section = demo.main("/").find("section", attrs={"aria-labelledby": "h-counts"})
    shown = {}
    for li in section.select("ul.counts li"):
        prog = li.find("a")["href"].rstrip("/").rsplit("/", 1)[-1]
        shown[prog] = int(li.select_one(".count").get_text(strip=True))
        note = li.select_one(".note")
        assert (note.get_text(strip=True) if note else "") == (
            f"其中 {expiring[prog]} 个即将到期" if expiring.get(prog) else ""), prog
    assert shown == {pid: expected.get(pid, 0) for pid in ids("programmes", REGISTRY)}
    # by hand, from examples/README.md: 2024-11-20
    assert shown["xuchang-city"] == 2 and shown["national"] == 3


def test_home_lists_titles_expiring_soon(demo):
    section = demo.main("/").find("section", attrs={"aria-labelledby": "h-expiring"})
    hrefs = [a["href"] for a in section.find_all("a")]
    shown = [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs]
    assert set(shown) == {"demo-ty-xiaodian-tech", "demo-ha-luolong-mfg", "demo-ha-wancheng-info", "demo-xc-jianan-tech"}
    assert shown[0] == "demo-ty-xiaodian-tech"          # soonest first: 2024-12-14
    text = squash(section.get_text(" "))
    assert "2024年12月14日" in text and "剩 24 天" in text and "剩 41 天" in text


def test_home_lists_latest_notices(demo):
    section = demo.main("/").find("section", attrs={"aria-labelledby": "h-notices"})
    shown = [li.find("a")["href"].rstrip("/").rsplit("/", 1)[-1] for li in section.select("li.notice-item")]
    notices = sorted(demo.json("/data/notices.json"), key=lambda n: (n["issued_on"], n["id"]), reverse=True)
    assert 5 <= len(shown) <= 10
    assert shown == [n["id"] for n in notices[: len(shown)]]


def test_real_home_empty_states(real):
    main = real.main("/")
    counts = [int(c.get_text()) for c in main.select("ul.counts .count")]
    assert len(counts) == len(ids("programmes", REGISTRY)) and set(counts) == {0}
    assert "登记库中还没有平台记录" in real.text("/")
    calls = main.find("section", attrs={"aria-labelledby": "h-calls"})
    assert [t["datetime"] for t in calls.select("li time")] == ["2024-11-21"]
    assert "剩 1 天" in calls.get_text()
    publicity = main.find("section", attrs={"aria-labelledby": "h-publicity"})
    assert publicity.select("li") == [] and "目前没有正在公示" in publicity.get_text()


# -- /platforms/ -----------------------------------------------------------------------------
def test_platform_list_shows_current_titles_only(demo):
    data = {p["id"]: p for p in demo.json("/data/platforms.json")}
    soup = demo.paged("/platforms/")
    shown = listed_ids(soup)
    assert len(shown) == len(set(shown))
    assert set(shown) == {pid for pid, p in data.items() if p["status"] in ("active", "expiring")}
    for pid in ["demo-xc-info-legacy", "demo-xc-jianan-startup", "demo-xc-yuzhou-ceramics", "demo-xc-changge-quality"]:
        assert pid not in shown   # expired, revoked, pending, candidate


def test_platform_rows_carry_filter_attributes(demo):
    data = {p["id"]: p for p in demo.json("/data/platforms.json")}
    soup = demo.paged("/platforms/")
    for tr in soup.select("tr.platform-row"):
        p = data[tr["data-id"]]
        assert tr["data-status"] == p["status"]
        assert tr["data-province"] == p["region"][:2] + "0000"
        assert tr["data-functions"].split() == p["functions"]
        # a current platform is filtered by the titles it holds now
        current = [r for r in p["recognitions"] if r["status"] in ("active", "expiring")]
        assert set(tr["data-programmes"].split()) == {r["programme"] for r in current}, p["id"]
        assert tr["data-levels"].split()
    row = row_of(soup, "demo-xc-jianan-tech")
    assert row["data-province"] == "410000" and row["data-functions"] == "technology"
    assert row["data-programmes"] == "xuchang-city"        # its provincial title is still pending
    assert row["data-levels"] == "city"
    row = row_of(soup, "demo-ty-yingze-service")
    assert set(row["data-programmes"].split()) == {"taiyuan-city", "national", "shanxi-province"}
    assert set(row["data-levels"].split()) == {"city", "national", "province"}


def test_platform_row_shows_programme_level_region_functions_window_status(demo):
    row = row_of(demo.paged("/platforms/"), "demo-ha-wancheng-info")
    text = squash(row.get_text(" "))
    assert "河南省中小企业公共服务示范平台" in text
    assert "省级" in text
    assert "河南省南阳市宛城区" in text
    assert squash(row.find_all("td")[3].get_text(" ")) == "—"      # functions not published
    assert "2022-01-01 至 2024-12-31" in text
    badge = row.select_one("span.badge[data-status]")
    assert badge["data-status"] == "expiring" and badge.get_text(strip=True) == "即将到期"
    xc = squash(row_of(demo.paged("/platforms/"), "demo-xc-jianan-tech").get_text(" "))
    assert "许昌市中小企业公共服务示范平台" in xc and "市级" in xc and "技术服务" in xc


def test_platform_filters_offer_each_facet(demo):
    form = demo.paged("/platforms/").find("form", id="platform-filters")
    assert form is not None
    selects = {s["name"]: [o["value"] for o in s.find_all("option") if o["value"]] for s in form.find_all("select")}
    assert set(selects) == {"programme", "level", "region", "function", "status"}
    assert set(selects["status"]) == {"active", "expiring"}
    assert {"410000", "140000", "320000"} <= set(selects["region"])
    assert {"national", "province", "city"} <= set(selects["level"])
    assert "xuchang-city" in selects["programme"]
    assert "technology" in selects["function"]


def test_platform_history_lists_expired_and_revoked(demo):
    soup = demo.paged("/platforms/history/")
    shown = {tr["data-id"]: tr["data-status"] for tr in soup.select("tr.platform-row")}
    data = {p["id"]: p["status"] for p in demo.json("/data/platforms.json")}
    past = {pid: st for pid, st in data.items() if st in ("expired", "revoked")}
    assert {pid: st for pid, st in shown.items() if st in ("expired", "revoked")} == past
    assert shown["demo-xc-info-legacy"] == "expired"
    assert shown["demo-xc-jianan-startup"] == "revoked"
    assert row_of(soup, "demo-xc-jianan-startup").select_one("span.badge").get_text(strip=True) == "已撤销"
    assert "2023-01-01 至 2025-12-31" in squash(row_of(soup, "demo-xc-jianan-startup").get_text(" "))
    # the history never lists a platform that holds a title now
    assert not set(shown) & set(listed_ids(demo.paged("/platforms/")))
    assert not {st for st in shown.values()} & {"active", "expiring"}


def test_validity_boundary_2024_12_31_to_2025_01_01(built):
    """A title valid to 2024-12-31 is 即将到期 on that day and 已过期 the day after."""
    before, after = built("examples", "2024-12-31"), built("examples", "2025-01-01")
    pid = "demo-ha-wancheng-info"
    url = f"/platforms/{pid}/"

    badge = headline_badge(before.page(url))
    assert (badge["data-status"], badge.get_text(strip=True)) == ("expiring", "即将到期")
    assert "今天截止" in before.text(url)
    assert pid in listed_ids(before.paged("/platforms/"))
    assert pid not in listed_ids(before.paged("/platforms/history/"))

    badge = headline_badge(after.page(url))
    assert (badge["data-status"], badge.get_text(strip=True)) == ("expired", "已过期")
    assert pid not in listed_ids(after.paged("/platforms/"))
    assert pid in listed_ids(after.paged("/platforms/history/"))
    assert "2022-01-01 至 2024-12-31" in squash(recognition_rows(after.page(url))[0].get_text(" "))

    # a platform whose next title starts on 2025-01-01 changes headline, not status class
    jt = "/platforms/demo-xc-jianan-tech/"
    assert headline_badge(before.page(jt))["data-status"] == "expiring"
    assert headline_badge(after.page(jt))["data-status"] == "active"
    rows = {squash(r.find("th").get_text(" ")): r.select_one("span.badge")["data-status"]
            for r in recognition_rows(after.page(jt))}
    assert rows == {"许昌市中小企业公共服务示范平台": "expired", "河南省中小企业公共服务示范平台": "active"}


def test_real_platform_list_is_empty_with_a_message(real):
    soup = real.paged("/platforms/")
    assert listed_ids(soup) == []
    assert "登记库中没有持有有效称号的平台" in real.text("/platforms/")
    history = real.paged("/platforms/history/")
    assert listed_ids(history) == []
    empty = history.select_one("main .empty")
    assert empty is not None and "没有" in empty.get_text() and "已过期" in empty.get_text()


# -- /platforms/<id>/ ------------------------------------------------------------------------
def test_platform_page_recognitions_timeline_and_facts(demo):
    url = "/platforms/demo-xc-jianan-tech/"
    soup = demo.page(url)
    badge = headline_badge(soup)
    assert (badge["data-status"], badge.get_text(strip=True)) == ("expiring", "即将到期")
    assert "剩 41 天" in demo.text(url)

    rows = recognition_rows(soup)
    assert len(rows) == 2
    texts = [squash(r.get_text(" ")) for r in rows]
    assert "许昌市中小企业公共服务示范平台" in texts[0] and "2022-01-01 至 2024-12-31" in texts[0]
    assert rows[0].select_one("span.badge[data-status]").get_text(strip=True) == "即将到期"
    assert "河南省中小企业公共服务示范平台" in texts[1] and "2025-01-01 至 2027-12-31" in texts[1]
    assert rows[1].select_one("span.badge[data-status]")["data-status"] == "pending"
    assert rows[1].select_one("span.badge[data-status]").get_text(strip=True) == "未生效"

    timeline = soup.select("ol.timeline li")
    assert [li.find("time")["datetime"] for li in timeline] == ["2021-12-20", "2023-03-20", "2024-03-22", "2024-12-27"]
    linked = [h for li in timeline for h in links_in(li)]
    for nid in ["demo-xuchang-2021-recognition", "demo-xuchang-2022-assessment",
                "demo-xuchang-2023-assessment", "demo-henan-2024-result"]:
        assert any(points_to(h, f"notices/{nid}/") for h in linked), nid
    assert "年度考核：合格" in squash(timeline[1].get_text(" "))

    facts = squash(soup.select_one("dl.facts").get_text(" "))
    assert "许昌建安示例技术服务有限公司" in facts
    assert "91411003MA0000002K" in facts
    assert "技术服务" in facts and "专业性" in facts and "建安区" in facts
    assert "面向建安区装备制造企业提供检验检测" in demo.text(url)


def test_revoked_platform_page(demo):
    url = "/platforms/demo-xc-jianan-startup/"
    badge = headline_badge(demo.page(url))
    assert (badge["data-status"], badge.get_text(strip=True)) == ("revoked", "已撤销")
    assert "称号于" in demo.text(url) and "终止" in demo.text(url)
    assert "主动退出" in demo.text(url)


def test_candidate_platform_page(demo):
    soup = demo.page("/platforms/demo-xc-changge-quality/")
    assert headline_badge(soup).get_text(strip=True) == "候选"
    assert "尚无认定" in demo.text("/platforms/demo-xc-changge-quality/")
    assert any(points_to(h, "publicity/demo-xuchang-2026-publicity/") for h in links_in(demo.main("/platforms/demo-xc-changge-quality/")))


def test_star_rating_shown(demo):
    url = "/platforms/demo-js-xuanwu-tech/"
    rows = recognition_rows(demo.page(url))
    js = [r for r in rows if "江苏省中小企业公共服务星级平台" in r.get_text()]
    assert js and js[0].select_one(".stars") is not None
    assert "长期" in js[0].get_text()           # no fixed end: valid until re-evaluated


# -- notices -----------------------------------------------------------------------------------
def test_notice_list_grouped_by_year_with_filters(demo):
    soup = demo.paged("/notices/")
    groups = soup.select("section.year-group")
    years = [int(re.match(r"(\d{4})", g.find("h2").get_text(strip=True)).group(1)) for g in groups]
    assert years == sorted(years, reverse=True) and len(set(years)) > 3   # newest year first
    notices = {n["id"]: n for n in demo.json("/data/notices.json")}
    seen = []
    for year, group in zip(years, groups):
        for li in group.select("li.notice-item"):
            nid = li.find("a")["href"].rstrip("/").rsplit("/", 1)[-1]
            seen.append(nid)
            assert notices[nid]["issued_on"].startswith(str(year)), nid
            assert li["data-kind"] == notices[nid]["kind"]
            assert li["data-issuer"] == notices[nid]["issuer"]
            assert li["data-programmes"].split() == notices[nid]["programmes"]
    assert sorted(seen) == sorted(ids("notices", REGISTRY, EXAMPLES))
    form = soup.find("form", id="notice-filters")
    assert {s["name"] for s in form.find_all("select")} == {"kind", "issuer", "programme"}


def test_measures_notice_full_text(demo):
    url = "/notices/xuchang-2020-measures/"
    text = demo.text(url)
    assert "许工信〔2020〕154号" in text
    prose = squash(demo.main(url).select_one(".prose").get_text(" "))
    assert "第七条" in prose and "50万元" in prose
    seventh = prose[prose.index("第七条"): prose.index("第八条")]
    assert "资产总额不低于50万元" in seventh
    assert "第二十" in prose                      # the text runs to the last articles
    assert "2020年11月6日" in text
    attachments = demo.main(url).select("ol.attachments li a")
    assert [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in attachments] == [
        "xuchang-recommendation-form", "xuchang-application-report", "xuchang-authenticity-statement"]


def test_henan_call_deadlines_days_left_and_attachments(built):
    for site in [built("registry", "2024-11-20"), built("examples", "2024-11-20")]:
        url = "/notices/henan-2024-recommendation-call/"
        rows = site.main(url).select("table.deadlines-table tbody tr")
        got = [(r.find("time")["datetime"], r.select_one(".days-left").get_text(strip=True)) for r in rows]
        assert got == [("2024-11-18", "已截止"), ("2024-11-21", "剩 1 天")]
        links = site.main(url).select("ol.attachments li a")
        assert [a["href"] for a in links] == ["../../forms/henan-2024-onsite-verification/",
                                              "../../forms/henan-2024-summary-table/",
                                              "../../forms/henan-2024-recommendation-form/"]
        for a in links:
            assert site.exists("/forms/" + a["href"].split("forms/")[1])
        assert "gxjzxqyk2965056@163.com" in site.text(url)


def test_unpublished_forms_are_marked(real):
    reg = load_registry(REGISTRY)
    unpublished = {fid for fid, f in reg.forms.items() if not f.published}
    assert unpublished and unpublished != set(reg.forms)
    # the forms list
    for tr in real.main("/forms/").select("tbody tr"):
        fid = tr.find("a")["href"].rstrip("/").rsplit("/", 1)[-1]
        assert ("未公布" in tr.get_text()) == (fid in unpublished), fid
    # each form page
    for fid, f in reg.forms.items():
        text = real.text(f"/forms/{fid}/")
        assert ("未公布" in text) == (fid in unpublished), fid
        if fid in unpublished:
            assert f.unpublished_reason in text
    # and where a notice attaches them
    url = "/notices/jiangsu-2019-star-re-evaluation/"
    for li in real.main(url).select("ol.attachments li"):
        fid = li.find("a")["href"].rstrip("/").rsplit("/", 1)[-1]
        assert ("未公布" in li.get_text()) == (fid in unpublished), fid


def test_published_form_page_is_printable(real):
    text = real.text("/forms/henan-2024-recommendation-form/")
    assert "河南省中小企业公共服务示范平台推荐表" in text
    assert real.main("/forms/henan-2024-recommendation-form/").select_one("article.paper") is not None


# -- publicity ---------------------------------------------------------------------------------
def test_publicity_list(demo):
    reg = load_registry(EXAMPLES)
    rows = demo.paged("/publicity/").select("tbody tr")
    shown = {r.find("a")["href"].rstrip("/").rsplit("/", 1)[-1]: r for r in rows}
    assert set(shown) == set(reg.publicity)
    ty = shown["demo-taiyuan-2024-publicity"]
    assert [t["datetime"] for t in ty.find_all("time")] == ["2024-09-30", "2024-10-11"]
    assert ty.select_one("span.badge").get_text(strip=True) == "公示已结束"
    assert shown["demo-henan-2024-publicity"].select_one("span.badge").get_text(strip=True) == "公示未开始"


def test_publicity_page_open(demo_2026):
    url = "/publicity/demo-xuchang-2026-publicity/"
    soup = demo_2026.page(url)
    badge = soup.select_one("h1 span.badge[data-status]")
    assert (badge["data-status"], badge.get_text(strip=True)) == ("open", "公示中")
    text = demo_2026.text(url)
    assert "2026年11月19日 至 2026年11月25日" in text
    assert "共 5 个工作日" in text
    assert "最后一天 2026年11月25日" in text
    assert "剩 2 天" in text and "还有 3 个工作日" in text
    objections = squash(soup.find("section", attrs={"aria-labelledby": "h-objections"}).get_text(" "))
    assert "2026年11月25日 前" in objections
    assert "0374-0000000" in objections and "xc-gongshi@example.gov.cn" in objections
    assert "许昌市示例路1号" in objections
    entries = soup.find("section", attrs={"aria-labelledby": "h-entries"}).select("tbody tr")
    assert [tr.find("a")["href"] for tr in entries] == ["../../platforms/demo-xc-weidu-digital/",
                                                         "../../platforms/demo-xc-changge-quality/"]
    assert "尚未公布" in squash(soup.select_one("dl.facts").get_text(" "))


def test_publicity_page_closed_with_outcome(demo_2026):
    url = "/publicity/demo-henan-2024-publicity/"
    soup = demo_2026.page(url)
    badge = soup.select_one("h1 span.badge[data-status]")
    assert (badge["data-status"], badge.get_text(strip=True)) == ("closed", "公示已结束")
    text = demo_2026.text(url)
    assert "公示期已于 2024年12月20日 结束" in text
    assert "剩余" not in squash(soup.select_one("dl.facts").get_text(" "))
    facts = soup.select_one("dl.facts")
    assert any(points_to(h, "notices/demo-henan-2024-result/") for h in links_in(facts))


def test_publicity_last_working_day_skips_national_day(demo):
    text = demo.text("/publicity/demo-taiyuan-2024-publicity/")
    assert "2024年9月30日 至 2024年10月11日" in text
    assert "最后一天 2024年10月11日" in text


@pytest.mark.parametrize("as_of,status,label,extra", [
    ("2026-11-18", "upcoming", "公示未开始", "2026年11月25日 前"),
    ("2026-11-19", "open", "公示中", "剩 6 天"),
    ("2026-11-25", "open", "公示中", "今天截止"),
    ("2026-11-26", "closed", "公示已结束", "公示期已于 2026年11月25日 结束"),
])
def test_publicity_status_before_during_after(built, as_of, status, label, extra):
    site = built("examples", as_of)
    url = "/publicity/demo-xuchang-2026-publicity/"
    badge = site.page(url).select_one("h1 span.badge[data-status]")
    assert (badge["data-status"], badge.get_text(strip=True)) == (status, label)
    assert extra in site.text(url)
    record = {p["id"]: p for p in site.json("/data/publicity.json")}["demo-xuchang-2026-publicity"]
    assert record["status"] == status
    home = site.main("/").find("section", attrs={"aria-labelledby": "h-publicity"})
    on_home = any(points_to(h, "publicity/demo-xuchang-2026-publicity/") for h in links_in(home))
    assert on_home == (status != "closed")


# -- programmes --------------------------------------------------------------------------------
def test_programme_page_rules_notices_platforms(demo):
    url = "/programmes/xuchang-city/"
    soup = demo.page(url)
    facts = squash(soup.select_one("dl.facts").get_text(" "))
    assert "许昌市工业和信息化局" in facts
    assert "市级" in facts
    assert "有效期 3 年" in facts and "12 月 31 日" in facts
    assert "5 个工作日" in facts
    assert any(points_to(h, "notices/xuchang-2020-measures/") for h in links_in(soup.select_one("dl.facts")))
    criteria = [[squash(td.get_text(" ")) for td in tr.find_all("td")]
                for tr in soup.find("section", attrs={"aria-labelledby": "h-criteria"}).select("tbody tr")]
    assert ["资产总额不低于50万元", "所有平台", "第七条（二）"] in criteria
    assert any(c[2] == "第八条（四）" and "培训" in c[1] for c in criteria)
    notices = soup.find("section", attrs={"aria-labelledby": "h-notices"})
    assert any(points_to(h, "notices/xuchang-2020-measures/") for h in links_in(notices))
    assert any(points_to(h, "notices/demo-xuchang-2021-recognition/") for h in links_in(notices))
    current = soup.find("section", attrs={"aria-labelledby": "h-platforms"}).select("table")[0]
    data = demo.json("/data/platforms.json")
    expected = {p["id"] for p in data
                if any(r["programme"] == "xuchang-city" and r["status"] in ("active", "expiring") for r in p["recognitions"])}
    assert set(listed_ids(current)) == expected
    assert "demo-xc-jianan-tech" in expected


def test_programme_prerequisite_and_stars(real):
    facts = real.page("/programmes/shanxi-province/").select_one("dl.facts")
    assert "前置条件" in facts.get_text()
    assert any(points_to(h, "programmes/taiyuan-city/") for h in links_in(facts))
    assert "星级评定" in real.text("/programmes/jiangsu-star/")
    assert "无固定期限" in real.text("/programmes/jiangsu-star/")
    assert "没有持有该称号的平台" in real.text("/programmes/xuchang-city/")
