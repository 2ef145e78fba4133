"""The eligibility self-check in a real browser (issue 8): an enterprise fills /programmes/<id>/check/
and sees, criterion by criterion, the verdict the validator (sme_registry.criteria) gives for the
same figures; nothing it types leaves the page.

The enterprises are not written here: the qualifying and failing ones are the demo platforms whose
recognitions the validator finds all met / short of a threshold (examples/), filled with the figures
of the year before their recognition; on the real registry an enterprise is made from the
programme's own thresholds (exactly met, then 10% short).  The expected verdicts are computed by
criteria.py from the records."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from registry_site.eligibility import RESULTS
from sme_registry import criteria as crit
from sme_registry.registry import load_registry

from .conftest import PHONE, REPO, SCREENSHOTS
from .test_a11y import run_axe

pytestmark = pytest.mark.browser
PROGRAMMES = ["xuchang-city", "henan-province"]


@pytest.fixture(scope="module")
def demo_records():
    return load_registry(REPO / "examples")


@pytest.fixture(scope="module")
def real_records():
    return load_registry(REPO / "registry")


def flatten(outcomes: list[crit.Outcome], prefix: str = "") -> dict[str, str]:
    found = {}
    for i, o in enumerate(outcomes):
        path = f"{prefix}{i}"
        found[path] = o.result
        found.update(flatten(o.parts, path + "."))
    return found


def enterprise_from_platform(pl, rec, prog) -> dict:
    _, reported = crit.metrics_before(pl, rec.on)
    return {"registered_on": pl.operator.registered_on, "day": rec.on, "category": pl.category,
            "functions": list(pl.functions), "figures": dict(reported), "name": pl.name,
            "expected": flatten(crit.check_platform(prog.criteria, pl, rec.on)[1])}


def demo_enterprises(records, pid: str) -> tuple[dict, dict]:
    """(qualifying, failing): the first demo platforms (by id) the validator finds meeting every
    criterion of `pid` / short of one, at their recognition."""
    prog, qualifying, failing = records.programmes[pid], None, None
    for _, pl in sorted(records.platforms.items()):
        for rec in pl.recognitions:
            if rec.programme != pid or not pl.metrics or crit.metrics_before(pl, rec.on)[0] is None:
                continue
            results = {o.result for o in crit.check_platform(prog.criteria, pl, rec.on)[1]}
            if results <= {crit.PASS, crit.NOT_APPLICABLE} and qualifying is None:
                qualifying = enterprise_from_platform(pl, rec, prog)
            if crit.FAIL in results and failing is None:
                failing = enterprise_from_platform(pl, rec, prog)
    assert qualifying and failing, f"examples/ needs a qualifying and a failing platform for {pid}"
    return qualifying, failing


def typed(metric: str, value) -> str:
    """A figure as a person types it: shares in percent (0.83 -> 83), no float noise."""
    d = Decimal(repr(value)) * (100 if metric in crit.SHARE_METRICS else 1)
    return format(d.normalize(), "f")


def fill(page, e: dict):
    if e.get("registered_on"):
        page.fill("#registered-on", e["registered_on"].isoformat())
    page.fill("#check-day", e["day"].isoformat())
    if e.get("category") and page.locator("input[name=category]").count():
        page.check(f"input[name=category][value={e['category']}]")
    for f in e.get("functions", []):
        if page.locator(f"input[data-function][value={f}]").count():
            page.check(f"input[data-function][value={f}]")
    for metric, value in e["figures"].items():
        field = page.locator(f"#m-{metric}")   # a function's figures are asked when it is ticked
        if field.count() and field.is_visible() and value is not None:
            field.fill(typed(metric, value))
    if e.get("name") and page.locator("#platform-name").count():
        page.fill("#platform-name", e["name"])
    page.click("form[data-eligibility] button[type=submit]")


def shown_results(page) -> dict[str, str]:
    return page.eval_on_selector_all("#check-results [data-path][data-result]",
                                     "els => Object.fromEntries(els.map(e => [e.dataset.path, e.dataset.result]))")


def check_verdicts(page, expected: dict[str, str], other_failures: int = 0):
    assert shown_results(page) == expected
    rows = page.eval_on_selector_all("#check-results tbody > tr", """rs => rs.map(r => ({path: r.dataset.path,
        verdict: r.cells[3].innerText.trim(), gap: r.cells[4].innerText.trim(), visible: r.offsetParent !== null}))""")
    assert rows and all(r["visible"] for r in rows)
    for r in rows:
        result = expected[r["path"]]
        assert r["verdict"] == RESULTS[result], r
        if result == crit.PASS:
            assert r["gap"] == "", r
        elif result in (crit.FAIL, crit.NOT_REPORTED):   # what is missing
            assert r["gap"], r
    summary = page.inner_text("#check-summary")
    top = [expected[r["path"]] for r in rows]
    if crit.FAIL in top:
        assert f"有 {top.count(crit.FAIL) + other_failures} 项条件不符合" in summary
    return rows


@pytest.mark.parametrize("pid", PROGRAMMES)
def test_demo_enterprises_get_the_validators_verdicts_and_nothing_leaves_the_page(pid, demo_site, demo_records, visit):
    qualifying, failing = demo_enterprises(demo_records, pid)
    prog = demo_records.programmes[pid]
    v = visit(demo_site)
    page = v.open(f"programmes/{pid}/check/")
    page.wait_for_load_state("networkidle")
    loaded = list(v.requests)
    resources = page.evaluate("performance.getEntriesByType('resource').length")
    url = page.url

    assert page.is_visible("#check-empty") and page.is_hidden("#check-table")   # the empty state
    fill(page, qualifying)
    check_verdicts(page, qualifying["expected"])
    assert {r for path, r in qualifying["expected"].items() if "." not in path} <= {crit.PASS, crit.NOT_APPLICABLE}
    assert "符合全部可核对的条件" in page.inner_text("#check-summary")
    if prog.name_must_not_contain:
        assert page.inner_text("#req-name .verdict") == RESULTS[crit.PASS]

    page.click("form[data-eligibility] button[type=reset]")
    page.wait_for_function("() => !document.getElementById('check-empty').hidden")
    assert page.input_value("#check-day") == demo_site.as_of.isoformat()   # back to today
    failing = dict(failing, name=(failing["name"] + "示范") if prog.name_must_not_contain else failing["name"])
    fill(page, failing)
    rows = check_verdicts(page, failing["expected"], other_failures=1 if prog.name_must_not_contain else 0)
    short = [r for r in rows if failing["expected"][r["path"]] == crit.FAIL]
    assert short and any("还差" in r["gap"] or r["gap"].startswith("满") for r in short), short
    if prog.name_must_not_contain:
        assert page.inner_text("#req-name .verdict") == RESULTS[crit.FAIL]
        assert "示范" in page.inner_text("#req-name .gap")
    # Enter in a field "submits": still no request, and nothing typed in the address
    page.focus("form[data-eligibility] input[data-metric]")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert v.requests == loaded, f"requests after the page loaded: {v.requests[len(loaded):]}"
    assert page.evaluate("performance.getEntriesByType('resource').length") == resources
    assert page.url == url
    v.assert_clean()


def threshold_enterprise(prog, as_of: dt.date, scale: float) -> dict:
    """An enterprise made from the programme's thresholds: every figure at its minimum (or maximum)
    times `scale`, registered exactly the minimum number of years before the check day."""
    figures, years = {}, 0
    nodes = [n for c in prog.criteria for n in _walk(c) if "metric" in n]
    for n in nodes:
        bound = n.get("min", n.get("max"))
        if n["metric"] == "years_registered":
            years = max(years, bound)
        elif n["metric"] != "functions_count":
            figures[n["metric"]] = max(figures.get(n["metric"], 0), bound * scale)
    registered = as_of.replace(year=as_of.year - (int(years) if scale >= 1 else int(years) - 1))
    functions = sorted({n["when_function"] for c in prog.criteria for n in _walk(c) if n.get("when_function")})[:2]
    e = {"registered_on": registered, "day": as_of, "category": "comprehensive", "functions": functions,
         "figures": figures}
    values = dict(figures)
    values.update(crit.figures(SimpleNamespace(metrics={}, functions=functions,
                                               operator=SimpleNamespace(registered_on=registered)), as_of)[1])
    e["expected"] = flatten([crit.evaluate(c, values, functions, "comprehensive") for c in prog.criteria])
    return e


def _walk(c):
    yield c
    for part in c.get("any_of") or c.get("all_of") or []:
        yield from _walk(part)


@pytest.mark.parametrize("pid", PROGRAMMES)
def test_thresholds_met_exactly_pass_and_short_of_them_fail(pid, real_site, real_records, visit):
    prog = real_records.programmes[pid]
    v = visit(real_site)
    page = v.open(f"programmes/{pid}/check/")
    loaded = list(v.requests)
    met = threshold_enterprise(prog, real_site.as_of, 1)
    assert crit.FAIL not in met["expected"].values() and crit.PASS in met["expected"].values()
    fill(page, met)
    check_verdicts(page, met["expected"])
    page.click("form[data-eligibility] button[type=reset]")
    short = threshold_enterprise(prog, real_site.as_of, 0.9)
    assert crit.FAIL in short["expected"].values()
    fill(page, short)
    check_verdicts(page, short["expected"])
    assert v.requests == loaded
    v.assert_clean()


def test_missing_and_wrong_figures_are_named(demo_site, visit):
    v = visit(demo_site)
    page = v.open("programmes/xuchang-city/check/")
    page.fill("#m-total_assets", "五十")
    page.check("input[data-function][value=training]")
    assert page.get_attribute("#m-total_assets", "aria-invalid") == "true"
    row = page.locator("#check-results tr[data-path='1']")
    assert row.locator("td").nth(2).inner_text() == RESULTS[crit.NOT_REPORTED]
    assert "请用数字填写“资产总额”" in row.locator("td").nth(3).inner_text()
    assert page.is_visible("#fs-training") and page.is_hidden("#fs-financing")   # only the ticked function's figures
    assert "请选择平台类别" in page.locator("#check-results tr[data-path='9'] td").nth(3).inner_text()
    assert "还有" in page.inner_text("#check-summary")
    v.assert_clean()


def test_the_check_works_from_the_keyboard(demo_site, visit):
    v = visit(demo_site)
    page = v.open("programmes/henan-province/check/")
    page.focus("#platform-name")
    page.keyboard.type("许昌市检验检测服务平台")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "registered-on"
    # Chromium's date field takes the digits in its own locale's order (m/d/y here, y/m/d in a zh-CN Chromium)
    page.keyboard.type("03082016")
    if page.input_value("#registered-on") != "2016-03-08":
        page.focus("#registered-on")
        page.keyboard.type("20160308")
    assert page.input_value("#registered-on") == "2016-03-08"
    for _ in range(20):                 # on through the date fields to the first figure
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.metric !== undefined"):
            break
    assert page.evaluate("document.activeElement.id") == "m-total_assets"
    page.keyboard.type("199")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "h-results"
    assert page.is_visible("#check-table")
    row = page.locator("#check-results tr[data-path='1'] td")
    assert row.nth(2).inner_text() == RESULTS[crit.FAIL] and row.nth(3).inner_text() == "还差1万元"
    # ticking a function with the space bar asks for that function's figures
    page = v.open("programmes/xuchang-city/check/")
    assert page.is_hidden("#fs-training")
    page.focus("input[data-function][value=training]")
    page.keyboard.press("Space")
    assert page.is_checked("input[data-function][value=training]") and page.is_visible("#fs-training")
    page.keyboard.press("Space")
    assert page.is_hidden("#fs-training")
    v.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone", "high-contrast"])
def test_filled_check_page_passes_axe_and_is_photographed(size, demo_site, demo_records, visit, axe_js):
    v = visit(demo_site, **({"viewport": PHONE} if size == "phone" else {}))
    page = v.open("programmes/xuchang-city/check/")
    if size == "high-contrast":   # the 适老化 mode (reading.js), with every verdict colour on screen
        page.click(".reading-bar button[data-contrast]")
    _, failing = demo_enterprises(demo_records, "xuchang-city")
    fill(page, failing)
    violations = [x for x in run_axe(page, axe_js) if x["impact"] in ("serious", "critical")]
    assert not violations, violations
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"eligibility-xuchang-{size}.png"), full_page=True)
    v.assert_clean()


@pytest.mark.parametrize("pid", ["shanxi-province", "national"])
def test_programmes_without_criteria_pass_axe(pid, demo_site, visit, axe_js):
    v = visit(demo_site)
    page = v.open(f"programmes/{pid}/check/")
    assert page.locator("form").filter(has=page.locator("input[data-metric]")).count() == 0
    violations = [x for x in run_axe(page, axe_js) if x["impact"] in ("serious", "critical")]
    assert not violations, violations
    v.assert_clean()
