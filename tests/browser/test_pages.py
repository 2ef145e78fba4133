"""The pages a person opens, in a real browser: what they read (headings, status badges, the
"状态计算日期" line), that nothing failed to load and nothing was fetched from another host,
and how each page looks at desktop and phone widths (screenshots under /tmp/screenshots/)."""
from __future__ import annotations

import json

import pytest
import yaml

from .conftest import DESKTOP, PHONE, REPO, SCREENSHOTS, SITENAME, visible_texts

pytestmark = pytest.mark.browser

EXPIRING = "platforms/demo-xc-weidu-digital/"   # 许昌 2023 批 title, until 2026-12-31
ACTIVE = "platforms/demo-xc-yuzhou-ceramics/"   # 许昌 2024 批 title, until 2027-12-31
NOTICE = "notices/xuchang-2020-measures/"
PUBLICITY = "publicity/demo-xuchang-2026-publicity/"   # 2026-11-19 … 11-25: open on 2026-11-23
FORM = "forms/xuchang-recommendation-form/"


def record(rel: str) -> dict:
    return yaml.safe_load((REPO / rel).read_text("utf-8"))


def badge(page, scope: str = "h1") -> str:
    return page.locator(f"{scope} .badge").inner_text().strip()


def test_home(demo_site, visit):
    v = visit(demo_site)
    page = v.open("/")
    assert page.title() == f"首页 - {SITENAME}"
    assert page.locator("h1").inner_text() == SITENAME
    assert page.locator("p.as-of").inner_text().strip() == "状态计算日期：2026年11月23日"
    assert page.locator(".as-of-live").is_hidden()
    assert "示例数据" in page.locator(".demo-banner").inner_text()
    # the stylesheet was loaded and applied: the header has the brand colour
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(158, 27, 27)"
    # 公示中的名单: the 2026 许昌 list is open, with 2 days left
    open_list = page.locator("section[aria-labelledby=h-publicity] li", has_text="2026年度许昌市")
    assert open_list.locator(".badge").inner_text() == "公示中"
    assert "剩 2 天" in open_list.inner_text()
    # 90 天内到期: the 2023 许昌 titles end on 2026-12-31
    expiring = page.locator("section[aria-labelledby=h-expiring] li", has_text="许昌市中小企业数字化转型服务平台")
    assert "2026年12月31日" in expiring.inner_text() and "剩 38 天" in expiring.inner_text()
    assert page.locator("nav[aria-label=主导航] a").all_inner_texts() == [
        "首页", "现有平台", "通知公告", "公示名单", "认定项目", "表单下载", "开放数据"]
    v.assert_clean()


def test_platform_page_expiring(demo_site, visit):
    v = visit(demo_site)
    page = v.open(EXPIRING)
    name = record("examples/platforms/demo-xc-weidu-digital.yaml")["name"]
    assert page.locator("h1").inner_text().startswith(name)
    assert badge(page) == "即将到期"
    lead = page.locator("p.lead").inner_text()
    assert "许昌市中小企业公共服务示范平台" in lead and "2026-12-31" in lead and "剩 38 天" in lead
    assert page.locator("p.as-of").inner_text().strip() == "状态计算日期：2026年11月23日"
    assert page.locator("nav.breadcrumb").inner_text().startswith("现有平台")
    assert page.locator("h2").all_inner_texts()[:3] == ["平台简介", "认定记录", "大事记"]
    assert "即将到期" in visible_texts(page, "#h-recognitions ~ .table-scroll .badge")
    v.assert_clean()


def test_platform_page_active(demo_site, visit):
    v = visit(demo_site)
    page = v.open(ACTIVE)
    assert page.locator("h1").inner_text().startswith("禹州市钧瓷产业技术服务平台")
    assert badge(page) == "有效"
    assert "2027-12-31" in page.locator("p.lead").inner_text()
    facts = page.locator("dl.facts").inner_text()
    assert "运营单位" in facts and "统一社会信用代码" in facts
    v.assert_clean()


def test_notice_page(demo_site, visit):
    rec = record("registry/notices/xuchang-2020-measures.yaml")
    v = visit(demo_site)
    page = v.open(NOTICE)
    assert page.locator("h1").inner_text().strip() == rec["title"]
    assert page.title() == f"{rec['title']} - {SITENAME}"
    main = page.locator("main").inner_text()
    assert rec["doc_number"] in main and rec["issuer"] in main
    assert "为贯彻落实《中华人民共和国中小企业促进法》" in main
    v.assert_clean()


def test_publicity_page(demo_site, visit):
    rec = record("examples/publicity/demo-xuchang-2026-publicity.yaml")
    v = visit(demo_site)
    page = v.open(PUBLICITY)
    assert page.locator("h1").inner_text().startswith(rec["title"])
    assert badge(page) == "公示中"
    assert page.locator("#h-entries").inner_text() == f"公示名单（{len(rec['entries'])} 个）"
    assert page.locator("#h-entries ~ .table-scroll tbody tr").count() == len(rec["entries"])
    objections = page.locator("section[aria-labelledby=h-objections]").inner_text()
    assert rec["objections"]["phone"] in objections and "2026年11月25日" in objections
    assert "剩 2 天" in page.locator("dl.facts").first.inner_text()
    v.assert_clean()


def test_platform_list(demo_site, visit):
    current = [p for p in json.loads((demo_site.root / "data/platforms.json").read_text("utf-8"))
               if p["status"] in ("active", "expiring")]
    v = visit(demo_site)
    page = v.open("platforms/")
    assert page.locator("h1").inner_text() == "现有示范平台"
    assert page.locator("main > p strong").first.inner_text() == str(len(current))
    assert page.locator("tr.platform-row").count() == len(current)
    assert sorted(page.locator("tr.platform-row").evaluate_all("rs => rs.map(r => r.dataset.id)")) == sorted(p["id"] for p in current)
    badges = visible_texts(page, "tr.platform-row .badge")
    assert badges.count("有效") == sum(p["status"] == "active" for p in current)
    assert badges.count("即将到期") == sum(p["status"] == "expiring" for p in current)
    assert page.locator("#platform-filters").is_visible()   # the script showed the filters
    v.assert_clean()


def test_form_page(demo_site, visit):
    rec = record("registry/forms/xuchang-recommendation-form.yaml")
    v = visit(demo_site)
    page = v.open(FORM)
    assert page.locator("h1").inner_text().strip() == rec["title"]
    assert page.locator("article.paper").is_visible()
    assert page.get_by_role("button", name="打印本表").is_visible()
    v.assert_clean()


def test_print_button_prints(demo_site, visit):
    v = visit(demo_site)
    v.page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    page = v.open(FORM)
    page.get_by_role("button", name="打印本表").click()
    assert page.evaluate("window.__printed") == 1
    v.assert_clean()


def test_real_registry_pages(real_site, visit):
    """The real registry has programmes, notices and forms but no platforms yet."""
    v = visit(real_site)
    page = v.open("/")
    assert page.locator("h1").inner_text() == SITENAME
    assert page.locator("p.as-of").inner_text().strip() == "状态计算日期：2024年11月20日"
    assert page.locator(".demo-banner").count() == 0
    assert "登记库中还没有平台记录" in page.locator("section[aria-labelledby=h-counts]").inner_text()
    assert page.locator(".days-left").first.inner_text() == "剩 1 天"   # 河南 2024 call, due 2024-11-21
    page = v.open("platforms/")
    assert "没有持有有效称号的平台" in page.locator("main .empty").inner_text()
    assert page.locator("#platform-filters").count() == 0
    page = v.open("notices/")
    assert page.locator("li.notice-item").count() == len(list((REPO / "registry/notices").glob("*.yaml")))
    page = v.open(NOTICE)
    assert page.locator("h1").inner_text().strip() == record("registry/notices/xuchang-2020-measures.yaml")["title"]
    page = v.open(FORM)
    assert page.locator("h1").inner_text().strip() == record("registry/forms/xuchang-recommendation-form.yaml")["title"]
    v.assert_clean()


@pytest.mark.parametrize("which", ["demo", "real"])
def test_every_page_loads_cleanly(which, demo_site, real_site, visit):
    """Every built HTML page: no console or script error, no failed request, nothing from another
    host, an <h1>, and every link to this site points at a file that was built."""
    site = demo_site if which == "demo" else real_site
    v = visit(site)
    pages = sorted(p.relative_to(site.root).as_posix() for p in site.root.rglob("*.html"))
    assert len(pages) > (50 if which == "demo" else 20)
    broken = []
    for rel in pages:
        path = rel[: -len("index.html")] if rel.endswith("/index.html") or rel == "index.html" else rel
        h1s, hrefs = v.open(path).evaluate(
            "() => [document.querySelectorAll('h1').length, [...document.querySelectorAll('a[href]')].map(a => a.href)]")
        assert h1s == 1, f"{rel}: {h1s} <h1> elements"
        for href in hrefs:
            if not href.startswith(site.url + "/"):
                continue
            target = href[len(site.url) + 1:].split("#")[0].split("?")[0]
            file = site.root / target
            if not (file.is_file() or (file / "index.html").is_file()):
                broken.append(f"{rel} -> {href}")
    assert not broken, "links to pages that were not built:\n" + "\n".join(broken)
    v.assert_clean()
    assert v.requests and all(u.startswith(site.url + "/") for u in v.requests)


SHOTS = [("home", "/"), ("platforms", "platforms/"), ("platform", EXPIRING), ("notice", NOTICE),
         ("publicity", PUBLICITY), ("form", FORM), ("notices", "notices/")]
EVERY_KIND = ["/", "platforms/", EXPIRING, "platforms/demo-xc-changge-quality/", "platforms/history/", "notices/", NOTICE,
              "notices/demo-henan-2026-call/", "publicity/", PUBLICITY, "programmes/", "programmes/xuchang-city/",
              "forms/", FORM, "forms/henan-2024-summary-table/", "data/", "about/", "guide-enterprises/",
              "guide-staff/", "404.html"]

# Layout problems a person sees on a phone, found in the page itself: the page scrolls sideways,
# or a table cell is squeezed so narrow that Chinese text stands one character a line.
LAYOUT_JS = """w => {
    const out = [];
    if (document.documentElement.scrollWidth > w) {
        const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-scroll'))
            .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className);
        out.push(`page is ${document.documentElement.scrollWidth}px wide: ${wide}`);
    }
    for (const c of document.querySelectorAll('main th, main td')) {
        if (c.closest('.paper') || !c.offsetParent) continue;
        const head = c.closest('thead');
        if (head && head.getBoundingClientRect().width <= 1) continue;   // visually hidden header
        const text = c.textContent.trim(), width = c.getBoundingClientRect().width;
        if (text.length > 3 && width < 40) out.push(`cell "${text.slice(0, 10)}" is ${Math.round(width)}px wide`);
    }
    for (const e of document.querySelectorAll('main *')) {
        const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (own && e.offsetParent && parseFloat(getComputedStyle(e).fontSize) < 12)
            out.push(`text "${e.textContent.trim().slice(0, 10)}" is smaller than 12px`);
    }
    return out.slice(0, 5);
}"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots(size, demo_site, visit):
    """Full-page screenshots under /tmp/screenshots/ for a person to look at."""
    viewport = DESKTOP if size == "desktop" else PHONE
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    v = visit(demo_site, viewport=viewport)
    for name, path in SHOTS:
        v.open(path).screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
    v.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_layout_on_every_kind_of_page(size, demo_site, visit):
    """No page scrolls sideways (wide tables scroll inside their own box), no table column is
    squeezed to a character or two, no text is smaller than 12px."""
    viewport = DESKTOP if size == "desktop" else PHONE
    v = visit(demo_site, viewport=viewport)
    problems = [f"{path}: {p}" for path in EVERY_KIND for p in v.open(path).evaluate(LAYOUT_JS, viewport["width"])]
    assert not problems, "\n".join(problems)
    v.assert_clean()


def test_phone_platform_cards_keep_table_semantics(demo_site, visit):
    """On a phone each platform is a card, but screen readers still get a table with headers."""
    v = visit(demo_site, viewport=PHONE)
    page = v.open("platforms/")
    table = page.locator("table.platforms")
    assert table.evaluate("t => getComputedStyle(t.querySelector('tr.platform-row')).display") == "block"
    tree = table.aria_snapshot()
    assert '- columnheader "状态"' in tree and '- rowheader "许昌市中小企业数字化转型服务平台"' in tree
    badge = page.locator("tr.platform-row", has_text="许昌市中小企业数字化转型服务平台").locator(".badge")
    box = badge.bounding_box()
    assert badge.inner_text() == "即将到期" and box["x"] + box["width"] <= PHONE["width"]   # in view, not scrolled away
    page.select_option("select[name=status]", "active")   # hidden cards stay hidden in the card layout
    assert page.locator("tr.platform-row").filter(visible=True).count() == page.locator("tr.platform-row[data-status=active]").count()
    v.assert_clean()


def test_the_checks_see_problems(demo_site, visit):
    """The checks above are not vacuous: a request to another host, a missing file and a
    script error on a page are all reported (and the other host is never reached)."""
    v = visit(demo_site)
    page = v.open("/")
    page.evaluate("""() => {
        const img = document.createElement('img'); img.src = 'http://example.com/pixel.png'; document.body.append(img);
        const css = document.createElement('link'); css.rel = 'stylesheet'; css.href = 'theme/css/missing.css'; document.head.append(css);
        setTimeout(() => { throw new Error('boom'); }, 0);
    }""")
    page.wait_for_timeout(500)
    found = "\n".join(v.problems)
    assert "request to another host: http://example.com/pixel.png" in found
    assert "HTTP 404" in found and "missing.css" in found
    assert "boom" in found   # an uncaught error (reported as a console error under the fake clock)
    v.problems.clear()
