"""The list filters (theme/static/js/filters.js) in a real browser.

What a filter should show is worked out here from the records themselves (the open data
data/platforms.json, which carries every recognition's status, and the YAML notices), not from
the data attributes the script reads: a wrong attribute in a template must fail these tests."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from .conftest import DEMO_AS_OF, REPO, _built_site, visible_texts

pytestmark = pytest.mark.browser

CURRENT = ("active", "expiring")
LEVELS = {f.stem: yaml.safe_load(f.read_text("utf-8"))["level"] for f in (REPO / "registry/programmes").glob("*.yaml")}


def current_platforms(site) -> list[dict]:
    data = json.loads((site.root / "data/platforms.json").read_text("utf-8"))
    return [p for p in data if p["status"] in CURRENT]


def matches(p: dict, key: str, value: str) -> bool:
    """Does a current platform match one filter?  Programme and level look at its current titles only."""
    titles = [r for r in p["recognitions"] if r["status"] in CURRENT]
    return {
        "programme": lambda: any(r["programme"] == value for r in titles),
        "level": lambda: any(LEVELS[r["programme"]] == value for r in titles),
        "region": lambda: p["region"][:2] + "0000" == value,
        "function": lambda: value in p["functions"],
        "status": lambda: p["status"] == value,
    }[key]()


def expected_ids(site, **selection) -> set[str]:
    return {p["id"] for p in current_platforms(site) if all(matches(p, k, v) for k, v in selection.items() if v)}


def shown_ids(page) -> set[str]:
    return set(page.locator("tr.platform-row").filter(visible=True).evaluate_all("rs => rs.map(r => r.dataset.id)"))


def query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def options(page, form: str, name: str) -> list[tuple[str, str]]:
    return page.locator(f"{form} select[name={name}] option").evaluate_all(
        "os => os.filter(o => o.value).map(o => [o.value, o.textContent])")


def count_in_label(label: str) -> int:
    return int(re.search(r"（(\d+)）$", label).group(1))


def test_every_single_filter_shows_exactly_the_matching_platforms(demo_site, visit):
    v = visit(demo_site)
    page = v.open("platforms/")
    everyone = expected_ids(demo_site)
    assert shown_ids(page) == everyone and len(everyone) == 19
    wrong = []
    for name in ("programme", "level", "region", "function", "status"):
        for value, label in options(page, "#platform-filters", name):
            page.select_option(f"#platform-filters select[name={name}]", value)
            want, got = expected_ids(demo_site, **{name: value}), shown_ids(page)
            if got != want:
                wrong.append(f"{name}={value}: shown {sorted(got)}, expected {sorted(want)}")
            if count_in_label(label) != len(want):
                wrong.append(f"{name}={value}: option says {label}, but {len(want)} platforms match")
            if query(page) != {name: value}:
                wrong.append(f"{name}={value}: URL query is {query(page)}")
            if page.locator("#platform-filters .filter-result").inner_text() != f"筛选出 {len(want)} 个平台。":
                wrong.append(f"{name}={value}: result line {page.locator('#platform-filters .filter-result').inner_text()!r}")
        page.select_option(f"#platform-filters select[name={name}]", "")
        assert shown_ids(page) == everyone
    assert not wrong, "\n".join(wrong)
    v.assert_clean()


def test_programme_status_and_province_together_kept_in_the_url(demo_site, visit):
    v = visit(demo_site)
    page = v.open("platforms/")
    total = page.locator("tr.platform-row").count()
    page.select_option("select[name=programme]", "xuchang-city")
    page.select_option("select[name=status]", "expiring")
    page.select_option("select[name=region]", "410000")
    want = expected_ids(demo_site, programme="xuchang-city", status="expiring", region="410000")
    assert want == {"demo-xc-weidu-digital"}   # demo-xc-weidu-service's 许昌 title has expired
    assert shown_ids(page) == want
    assert query(page) == {"programme": "xuchang-city", "status": "expiring", "region": "410000"}
    assert set(visible_texts(page, "tr.platform-row .badge")) == {"即将到期"}

    page.reload()
    assert page.locator("select[name=programme]").input_value() == "xuchang-city"
    assert page.locator("select[name=status]").input_value() == "expiring"
    assert page.locator("select[name=region]").input_value() == "410000"
    assert shown_ids(page) == want
    assert page.locator(".filter-result").inner_text() == "筛选出 1 个平台。"

    page.get_by_role("button", name="清除筛选").click()
    page.wait_for_function("() => !location.search")
    assert page.locator("tr.platform-row").filter(visible=True).count() == total
    assert [page.locator(f"select[name={n}]").input_value() for n in ("programme", "status", "region")] == ["", "", ""]
    assert page.locator(".filter-result").inner_text() == ""
    v.assert_clean()


def test_a_shared_link_opens_filtered_and_unknown_values_are_ignored(demo_site, visit):
    v = visit(demo_site)
    page = v.open("platforms/?region=140000&status=active")
    assert shown_ids(page) == expected_ids(demo_site, region="140000", status="active")
    assert len(shown_ids(page)) == 3
    page = v.open("platforms/?status=bogus&programme=%22%5D")
    assert shown_ids(page) == expected_ids(demo_site)
    assert page.locator("select[name=status]").input_value() == ""
    v.assert_clean()


def test_without_javascript_no_filters_and_every_row(demo_site, visit):
    v = visit(demo_site, java_script_enabled=False)
    page = v.open("platforms/")
    assert page.locator("#platform-filters").is_hidden()
    assert "筛选需要浏览器启用 JavaScript" in page.locator("main").inner_text()
    assert page.locator("tr.platform-row").filter(visible=True).count() == 19
    page = v.open("forms/xuchang-recommendation-form/")
    assert page.get_by_role("button", name="打印本表").count() == 0   # it could do nothing
    v.assert_clean()


@pytest.fixture(scope="session")
def paged_site(tmp_path_factory):
    """The demo site with 5 platforms a page, so /platforms/ is paginated and the filters
    search the open data instead of the rows on the page."""
    from registry_site.generator import RegistryGenerator

    paginate = RegistryGenerator._paginate

    def five_platforms_a_page(self, writer, base, template, items, *args, **kwargs):
        if base in ("platforms/", "notices/"):
            kwargs["per_page"] = 5
        return paginate(self, writer, base, template, items, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(RegistryGenerator, "_paginate", five_platforms_a_page)
        server, site = _built_site(tmp_path_factory, REPO / "examples", DEMO_AS_OF, "paged")
    yield site
    server.shutdown()
    server.server_close()


def test_paginated_list_filters_over_all_pages(paged_site, visit):
    v = visit(paged_site)
    page = v.open("platforms/")
    assert page.locator("tr.platform-row").count() == 5
    pager = page.locator("nav.pager")
    assert pager.is_visible() and "共 4 页" in pager.inner_text()
    first_page = shown_ids(page)

    page.select_option("select[name=programme]", "taiyuan-city")
    page.wait_for_function("() => document.querySelector('.filter-result').textContent.startsWith('筛选出')")
    want = expected_ids(paged_site, programme="taiyuan-city")
    assert shown_ids(page) == want and len(want) == 4
    assert pager.is_hidden()   # the results are every matching platform, not one page of them
    assert page.locator(".filter-result").inner_text() == f"筛选出 {len(want)} 个平台。"
    assert query(page) == {"programme": "taiyuan-city"}
    # the rows link to the platform pages
    page.locator("tr.platform-row a").first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith(paged_site("platforms/demo-ty-"))
    page.go_back()
    page.wait_for_function("() => document.querySelector('.filter-result').textContent.startsWith('筛选出')")
    assert shown_ids(page) == want

    page.get_by_role("button", name="清除筛选").click()
    page.wait_for_function("() => !location.search")
    assert shown_ids(page) == first_page and pager.is_visible()
    v.assert_clean()


def notices() -> list[dict]:
    files = list((REPO / "examples/notices").glob("*.yaml")) + list((REPO / "registry/notices").glob("*.yaml"))
    return [{"id": f.stem, **yaml.safe_load(f.read_text("utf-8"))} for f in files]


def shown_notices(page) -> set[str]:
    return set(page.locator("li.notice-item").filter(visible=True).evaluate_all(
        "ls => ls.map(l => l.querySelector('a').getAttribute('href').split('/').filter(Boolean).pop())"))


def test_notice_filters(demo_site, visit):
    records = notices()
    v = visit(demo_site)
    page = v.open("notices/")
    assert shown_notices(page) == {n["id"] for n in records}
    assert page.locator("#notice-filters").is_visible()

    page.select_option("#notice-filters select[name=kind]", "revocation")
    want = {n["id"] for n in records if n["kind"] == "revocation"}
    assert shown_notices(page) == want and len(want) == 2
    assert query(page) == {"kind": "revocation"}
    assert page.locator("#notice-filters .filter-result").inner_text() == "筛选出 2 份通知。"
    # a year with no matching notice is hidden, heading and all
    years = {str(n["issued_on"].year) for n in records if n["id"] in want}
    assert {h.removesuffix(" 年") for h in visible_texts(page, ".year-group h2")} == years

    page.select_option("#notice-filters select[name=kind]", "")
    page.select_option("#notice-filters select[name=issuer]", "许昌市工业和信息化局")
    page.select_option("#notice-filters select[name=programme]", "xuchang-city")
    want = {n["id"] for n in records if n["issuer"] == "许昌市工业和信息化局" and "xuchang-city" in n["programmes"]}
    assert shown_notices(page) == want and want
    page.reload()
    assert shown_notices(page) == want

    page.get_by_role("button", name="清除筛选").click()
    page.wait_for_function("() => !location.search")
    assert shown_notices(page) == {n["id"] for n in records}
    assert page.locator(".year-group").filter(visible=True).count() == page.locator(".year-group").count()
    v.assert_clean()


def test_paginated_notice_list_filters_over_all_pages(paged_site, visit):
    records = notices()
    v = visit(paged_site)
    page = v.open("notices/")
    assert page.locator("li.notice-item").count() == 5
    pager = page.locator("nav.pager")
    assert pager.is_visible()

    page.select_option("#notice-filters select[name=issuer]", "太原市工业和信息化局")
    page.wait_for_function("() => document.querySelector('#notice-filters .filter-result').textContent.startsWith('筛选出')")
    want = {n["id"] for n in records if n["issuer"] == "太原市工业和信息化局"}
    assert len(want) > 5   # more than one page's worth: the filter must look beyond page 1
    assert shown_notices(page) == want and pager.is_hidden()
    assert page.locator("#notice-filters .filter-result").inner_text() == f"筛选出 {len(want)} 份通知。"
    # newest first, grouped by year
    years = [int(h.removesuffix(" 年")) for h in visible_texts(page, ".year-group h2")]
    assert years == sorted({n["issued_on"].year for n in records if n["id"] in want}, reverse=True)
    assert query(page) == {"issuer": "太原市工业和信息化局"}

    page.get_by_role("button", name="清除筛选").click()
    page.wait_for_function("() => !location.search")
    assert page.locator("li.notice-item").count() == 5 and pager.is_visible()
    v.assert_clean()
