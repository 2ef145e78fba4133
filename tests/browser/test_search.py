"""The search page in a real browser: typed queries, the results a person sees, filters, the URL,
the empty state, the keyboard, and the same results as the Python search over the same files.

What each query must find comes from tests/search/queries.yaml (labelled by hand); what the
page shows in full is compared with registry_site.search_query, which the quality test measures."""
from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
import yaml

from registry_site.search_query import SiteSearch

from .conftest import PHONE, REPO, SCREENSHOTS
from .test_a11y import run_axe

pytestmark = pytest.mark.browser

QUERIES = yaml.safe_load((REPO / "tests/search/queries.yaml").read_text("utf-8"))
KINDS = ("platform", "notice", "publicity", "form")


def wait_for_results(page):
    page.wait_for_function("""() => { const s = document.getElementById('search-status');
        return s && /找到|没有|部分|文字/.test(s.textContent) && !/正在搜索/.test(s.textContent); }""")
    return page.locator("#search-status").inner_text()


def shown(page) -> dict[str, list[str]]:
    """Result links per type as the page lists them (hidden 'more' rows included), as site paths."""
    out = {k: [] for k in KINDS}
    for kind in KINDS:
        hrefs = page.eval_on_selector_all(f'ol[data-kind="{kind}"] li > a',
                                          "els => els.map(a => new URL(a.href).pathname.replace(/^\\//, ''))")
        out[kind] = hrefs
    return out


def search_requests(v) -> list[str]:
    """The index files and the search engine (lunr.js, search-core.js) the page fetched."""
    return [u for u in v.requests if ("/search/" in u and u.endswith(".json")) or u.endswith(("lunr.min.js", "search-core.js"))]


def test_typing_in_the_header_box_finds_places_in_traditional_characters(demo_site, visit):
    v = visit(demo_site)
    page = v.open("/")
    assert search_requests(v) == []            # nothing of the index loads with an ordinary page
    page.fill("#site-q", "許昌")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    status = wait_for_results(page)
    assert status.startswith("找到") and "示范平台" in status
    assert parse_qs(urlsplit(page.url).query)["q"] == ["許昌"]
    assert page.input_value("#q") == "許昌"
    platforms = shown(page)["platform"]
    for url in ("platforms/demo-xc-weidu-service/", "platforms/demo-xc-info-legacy/"):
        assert url in platforms[:10]
    marks = page.locator('ol[data-kind="platform"] li > a mark').all_inner_texts()
    assert "许昌" in marks                      # the simplified text is highlighted for the traditional query
    # the badge of a result shows its status as the platform page does
    badge = page.locator('ol[data-kind="platform"] li', has=page.locator('a[href$="platforms/demo-xc-info-legacy/"]')).locator(".badge")
    assert badge.inner_text() == "已过期"
    assert page.title().startswith("“許昌”的搜索结果 - ")
    v.assert_clean()


def test_every_labelled_query_shows_its_records_and_the_python_results(demo_site, visit):
    python = SiteSearch(demo_site.root)
    v = visit(demo_site)
    page = v.open("search/")
    assert search_requests(v) == []            # the page itself loads no index until someone searches
    for q in QUERIES:
        page.fill("#q", q["query"])
        page.press("#q", "Enter")
        wait_for_results(page)
        got = shown(page)
        found, relaxed = python.find(q["query"])
        # the page lists the first 20 of each type (more on request), fetching only their entries
        want = {kind: [python.entry(h)["u"] for h in hits[:20]] for kind, hits in found.items()}
        assert got == want, q["query"]
        for url in q["expect"]:
            kind = {"platforms": "platform", "notices": "notice", "publicity": "publicity", "forms": "form"}[url.split("/")[0]]
            assert url in got[kind][:10], (q["query"], url)
        assert ("大部分" in page.locator("#search-status").inner_text()) == relaxed, q["query"]
    v.assert_clean()


def test_a_query_downloads_only_what_it_needs(demo_site, visit):
    v = visit(demo_site)
    page = v.open("search/?q=" + quote("现场核查") + "&type=form")
    wait_for_results(page)
    loaded = [u for u in search_requests(v) if u.endswith(".json")]
    assert any(u.endswith("search/manifest.json") for u in loaded)
    assert all("/search/form/" in u or u.endswith("manifest.json") for u in loaded), loaded
    assert any(u.endswith("theme/js/lunr.min.js") for u in v.requests)
    assert shown(page)["form"] == ["forms/henan-2024-onsite-verification/"]
    v.assert_clean()


def test_filters_narrow_the_results_and_stay_in_the_url(demo_site, visit):
    v = visit(demo_site)
    page = v.open("search/?q=" + quote("许昌"))
    wait_for_results(page)
    everything = shown(page)
    assert everything["notice"] and everything["platform"]
    page.select_option("select[name=type]", "platform")
    page.wait_for_function("() => !document.querySelector('ol[data-kind=notice]')")
    wait_for_results(page)
    assert parse_qs(urlsplit(page.url).query) == {"q": ["许昌"], "type": ["platform"]}
    assert shown(page)["platform"] == everything["platform"] and not shown(page)["notice"]
    page.select_option("select[name=status]", "expiring")
    page.wait_for_function("() => [...document.querySelectorAll('ol[data-kind=platform] .badge')].every(b => b.dataset.status === 'expiring')")
    wait_for_results(page)
    badges = page.locator('ol[data-kind="platform"] .badge').all_inner_texts()
    assert badges and set(badges) == {"即将到期"}
    assert len(badges) < len(everything["platform"])
    assert parse_qs(urlsplit(page.url).query)["status"] == ["expiring"]
    # the shared link opens the same filtered list
    again = visit(demo_site).open(page.url.replace(demo_site.url + "/", ""))
    wait_for_results(again)
    assert again.locator('ol[data-kind="platform"] .badge').all_inner_texts() == badges
    assert again.locator("select[name=status]").input_value() == "expiring"
    # a programme filter: forms of the Henan programme only
    page.goto(demo_site("search/?q=" + quote("表") + "&programme=henan-province"))
    wait_for_results(page)
    forms = shown(page)["form"]
    assert forms and all(u.startswith("forms/henan-") for u in forms), forms
    v.assert_clean()


def test_no_result_says_so_and_suggests_what_to_do(demo_site, visit):
    v = visit(demo_site, viewport=PHONE)
    page = v.open("search/?q=" + quote("没有这样的平台名称"))
    status = wait_for_results(page)
    assert "没有找到与“没有这样的平台名称”相关的结果" in status
    tips = page.locator(".search-empty").inner_text()
    assert "更短的词" in tips and "现有平台" in tips
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-empty-phone.png"), full_page=True)
    page.fill("#q", "——")
    page.press("#q", "Enter")
    assert "没有可以搜索的文字" in wait_for_results(page)
    v.assert_clean()


def test_keyboard_only_search_more_results_and_back_button(demo_site, visit):
    v = visit(demo_site)
    page = v.open("search/")
    page.focus("#q")
    page.keyboard.type("市")
    page.keyboard.press("Enter")
    wait_for_results(page)
    more = page.locator('button.more[data-kind="notice"]')
    assert more.count() == 1                   # 34 notices hold 市: 20 shown, the rest behind the button
    visible_before = page.locator('ol[data-kind="notice"] li:visible').count()
    assert visible_before == 20
    total = int(page.locator("#group-notice .count").inner_text().strip("（）"))
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('ol[data-kind=notice] li').length === {min(total, 40)}")
    python = SiteSearch(demo_site.root)
    found, _ = python.find("市")
    assert shown(page)["notice"] == [python.entry(h)["u"] for h in found["notice"][:40]]
    focused = page.evaluate("document.activeElement.closest('li') && [...document.activeElement.closest('ol').children].indexOf(document.activeElement.closest('li'))")
    assert focused == 20                       # focus moves to the first newly shown result
    # a second search, then Back: the first query and its results come back
    page.fill("#q", "钧瓷")
    page.press("#q", "Enter")
    wait_for_results(page)
    assert shown(page)["platform"] == ["platforms/demo-xc-yuzhou-ceramics/"]
    page.go_back()
    page.wait_for_function("() => document.getElementById('q').value === '市'")
    wait_for_results(page)
    assert len(shown(page)["notice"]) == 20
    v.assert_clean()


def test_search_results_pass_axe(demo_site, visit, axe_js):
    v = visit(demo_site)
    page = v.open("search/?q=" + quote("许昌"))
    wait_for_results(page)
    bad = [f"{i['id']} ({i['impact']}): {i['help']}" for i in run_axe(page, axe_js) if i["impact"] in ("serious", "critical")]
    assert not bad, bad
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-results-desktop.png"))


def test_search_on_the_real_registry_with_no_platforms_yet(real_site, visit):
    v = visit(real_site)
    page = v.open("search/?q=" + quote("许工信〔2020〕154号"))
    wait_for_results(page)
    assert shown(page)["notice"][:1] == ["notices/xuchang-2020-measures/"]
    page.fill("#q", "推荐表")
    page.press("#q", "Enter")
    wait_for_results(page)
    forms = shown(page)["form"]
    assert {"forms/henan-2024-recommendation-form/", "forms/xuchang-recommendation-form/",
            "forms/taiyuan-2023-recommendation-form/"} <= set(forms)
    assert shown(page)["platform"] == []
    v.assert_clean()
