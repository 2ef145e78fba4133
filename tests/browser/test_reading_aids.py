"""Reading aids (theme/static/js/reading.js): text size 大/中/小, the elderly-friendly
high-contrast mode (适老化) and print, kept across pages in the browser's storage, usable
from the keyboard, and passing axe-core's WCAG 2.1 AA rules in the high-contrast mode."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from .conftest import PHONE, SCREENSHOTS
from .test_a11y import run_axe

pytestmark = pytest.mark.browser


def root_font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def pressed(page) -> dict[str, str]:
    return page.eval_on_selector_all(".reading-bar button[aria-pressed]",
                                     "bs => Object.fromEntries(bs.map(b => [b.textContent.trim(), b.getAttribute('aria-pressed')]))")


def test_text_size_is_kept_across_pages_and_can_be_reset(demo_site, visit):
    v = visit(demo_site)
    page = v.open("/")
    assert page.locator(".reading-bar").is_visible()
    normal = root_font_px(page)
    text_size = "parseFloat(getComputedStyle(document.querySelector('main p.lead')).fontSize)"
    lead = page.evaluate(text_size)
    assert pressed(page)["中"] == "true"
    page.click(".reading-bar button:text-is('大')")
    assert root_font_px(page) == pytest.approx(normal * 1.25)
    assert pressed(page)["大"] == "true" and pressed(page)["中"] == "false"
    assert page.evaluate(text_size) == pytest.approx(lead * 1.25, abs=0.5)   # the text grows, not just the root
    page = v.open("notices/xuchang-2020-measures/")      # another page: the choice is kept
    assert root_font_px(page) == pytest.approx(normal * 1.25)
    assert pressed(page)["大"] == "true"
    page.click(".reading-bar button:text-is('小')")
    assert root_font_px(page) == pytest.approx(normal * 0.875)
    page.click(".reading-bar button:text-is('中')")
    assert root_font_px(page) == pytest.approx(normal)
    assert page.evaluate("localStorage.getItem('sme-text-size')") is None
    v.assert_clean()


def test_high_contrast_mode_from_the_keyboard_kept_and_accessible(demo_site, visit, axe_js):
    v = visit(demo_site)
    page = v.open("platforms/")
    toggle = page.locator(".reading-bar button[data-contrast]")
    toggle.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.dataset.contrast") == "high"
    assert toggle.get_attribute("aria-pressed") == "true"
    colours = page.evaluate("""() => { const b = getComputedStyle(document.body), h = getComputedStyle(document.querySelector('.site-header'));
        return [b.color, b.backgroundColor, h.backgroundColor]; }""")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    for path in ("/", "platforms/demo-xc-weidu-digital/", "notices/xuchang-2020-measures/", "search/?q=" + quote("许昌")):
        page = v.open(path)
        assert page.evaluate("document.documentElement.dataset.contrast") == "high", path
        if path.startswith("search/"):
            page.wait_for_selector("ol.search-results li")
        bad = [f"{i['id']}: {i['help']} {i['nodes'][:3]}" for i in run_axe(page, axe_js) if i["impact"] in ("serious", "critical")]
        assert not bad, (path, bad)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "high-contrast-search.png"))
    page.locator(".reading-bar button[data-contrast]").click()
    assert page.evaluate("document.documentElement.dataset.contrast") is None
    assert page.evaluate("localStorage.getItem('sme-contrast')") is None
    v.assert_clean()


def test_print_button_prints_the_page(demo_site, visit):
    v = visit(demo_site, viewport=PHONE)
    v.page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page = v.open("publicity/demo-xuchang-2026-publicity/")
    page.locator(".reading-bar button[data-print]").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert not page.locator(".reading-bar").is_visible()   # the aids are not printed
    v.assert_clean()


def test_without_storage_the_aids_still_work_on_the_page(demo_site, visit):
    """A browser that refuses localStorage (private mode) gets the aids for the page it is on."""
    v = visit(demo_site)
    v.page.add_init_script("Object.defineProperty(window, 'localStorage', {get() { throw new Error('denied'); }});")
    page = v.open("/")
    page.click(".reading-bar button:text-is('大')")
    assert page.evaluate("document.documentElement.dataset.textSize") == "large"
    v.assert_clean()
