"""The eligibility self-check (/programmes/<id>/check/, issue 8).

One definition: the criteria the check pages evaluate are the programme records' criteria, as the
validator reads them, published as programmes/<id>/criteria.json and embedded in the page; and the
browser's copy of criteria.evaluate (theme/static/js/eligibility.js) gives the same verdict as the
Python one on every generated input (node runs the script).  The browser tests
(tests/browser/test_eligibility.py) fill the pages.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from sitekit import REPO, Site
from sme_registry import criteria as crit
from sme_registry.records import CATEGORY_LABELS, FUNCTION_LABELS
from sme_registry.registry import load_registry

NODE = shutil.which("node")
SCRIPT = REPO / "theme" / "static" / "js" / "eligibility.js"
RUNNER = Path(__file__).with_name("eligibility_parity.js")
METRICS = sorted(crit.METRIC_LABELS)
FUNCTIONS = sorted(FUNCTION_LABELS)
CATEGORIES = sorted(CATEGORY_LABELS)


@pytest.fixture(scope="module")
def records():
    return load_registry(REPO / "registry")


def embedded(site: Site, pid: str) -> dict:
    form = site.page(f"/programmes/{pid}/check/").find("form", attrs={"data-eligibility": True})
    assert form is not None, f"/programmes/{pid}/check/ has no self-check form"
    return json.loads(form["data-eligibility"])


# -- one definition ------------------------------------------------------------------------------
def test_every_programme_publishes_its_record_criteria(real, records):
    assert records.programmes
    for pid, prog in records.programmes.items():
        doc = real.json(f"/programmes/{pid}/criteria.json")
        assert doc["programme"] == pid and doc["name"] == prog.name
        assert doc["criteria"] == prog.criteria, f"{pid}: criteria.json is not the record's criteria"
        assert doc["requires"] == [{"id": r, "name": records.programmes[r].name} for r in prog.requires]
        assert doc["name_must_not_contain"] == prog.name_must_not_contain
        for metric, info in doc["metrics"].items():
            assert (info["label"], info["unit"]) == crit.METRIC_LABELS[metric]
            assert info.get("share", False) == (metric in crit.SHARE_METRICS)
        if prog.criteria:   # the page embeds the same document (no request needed to get it)
            assert embedded(real, pid) == doc


def test_published_criteria_are_what_the_validator_checks(real, records):
    """The JSON read back and evaluated in Python gives what the record's criteria give."""
    rng = random.Random(8)
    for pid, prog in records.programmes.items():
        doc = real.json(f"/programmes/{pid}/criteria.json")
        for _ in range(50):
            values, functions, category = random_inputs(rng)
            ours = [tree(crit.evaluate(c, values, functions, category)) for c in doc["criteria"]]
            theirs = [tree(crit.evaluate(c, values, functions, category)) for c in prog.criteria]
            assert ours == theirs


# -- the pages -----------------------------------------------------------------------------------
def walk(criterion):
    yield criterion
    for part in criterion.get("any_of") or criterion.get("all_of") or []:
        yield from walk(part)


@pytest.mark.parametrize("pid", ["xuchang-city", "henan-province"])
def test_check_page_asks_for_every_figure_and_lists_every_criterion(real, records, pid):
    prog = records.programmes[pid]
    main = real.main(f"/programmes/{pid}/check/")
    nodes = [n for c in prog.criteria for n in walk(c)]
    metrics = {n["metric"] for n in nodes if "metric" in n}
    typed = {el["id"][2:] for el in main.select("input[data-metric]")}
    assert typed == metrics - {"years_registered", "functions_count"}
    for el in main.select("input[data-metric]"):   # every input is labelled with its unit, shares in percent
        label, unit = crit.METRIC_LABELS[el["id"][2:]]
        unit = "%" if el["id"][2:] in crit.SHARE_METRICS else unit
        assert [lab.get_text() for lab in main.find_all("label", attrs={"for": el["id"]})] == [f"{label}（{unit}）"]
    assert (main.select_one("#registered-on") is not None) == ("years_registered" in metrics)
    assert bool(main.select("input[data-function]")) == any("when_function" in n or n.get("metric") == "functions_count" for n in nodes)
    assert bool(main.select("input[name=category]")) == any("when_category" in n for n in nodes)
    rows = main.select("table.check-table > tbody > tr")
    assert [r["data-path"] for r in rows] == [str(i) for i in range(len(prog.criteria))]
    for row, c in zip(rows, prog.criteria):
        assert row.find_all("td")[-1].get_text() == c["clause"]
        if "metric" in c:
            assert row.th.get_text() == crit.describe(c)
        parts = row.select("[data-path]")
        assert len(parts) == len(list(walk(c))) - 1
    # nothing typed can be sent: the form submits nowhere and has no action
    form = main.select_one("form[data-eligibility]")
    assert form["method"] == "dialog" and not form.get("action")
    assert "不会离开本机" in main.select_one(".privacy-note").get_text()


@pytest.mark.parametrize("pid", ["xuchang-city", "henan-province", "shanxi-province", "jiangsu-star", "national", "taiyuan-city"])
def test_check_page_lists_prerequisites_and_forms_to_download(real, records, pid):
    prog = records.programmes[pid]
    main = real.main(f"/programmes/{pid}/check/")
    hrefs = [a["href"] for a in main.select("section[aria-labelledby=h-next] a")]
    forms = sorted(fid for fid, f in records.forms.items() if f.programme == pid)
    assert sorted(h.split("/")[-2] for h in hrefs if "/forms/" in h) == forms
    prereq = main.select_one("section[aria-labelledby=h-prereq]")
    for r in prog.requires:
        assert records.programmes[r].name in prereq.get_text()
        assert any(a["href"].endswith(f"programmes/{r}/check/") for a in prereq.find_all("a"))
    if not prog.requires:
        assert "没有要求先持有其他称号" in prereq.get_text()
    # the programme page links here
    assert real.page(f"/programmes/{pid}/").find("a", href=re.compile(r"check/$")) is not None


@pytest.mark.parametrize("pid", ["national", "jiangsu-star", "shanxi-province", "taiyuan-city"])
def test_programmes_without_criteria_say_so_honestly(real, records, pid):
    prog = records.programmes[pid]
    assert not prog.criteria
    page = real.page(f"/programmes/{pid}/check/")
    text = real.text(f"/programmes/{pid}/check/")
    assert "没有列出本项目可核对的认定条件" in text and "不能在线自查" in text
    assert page.find("h1").get_text() == f"{prog.name}：申报须知"   # not called a self-check it is not
    for b in prog.basis:
        assert b["doc_number"] in text
    assert page.find("form", attrs={"data-eligibility": True}) is None
    assert not [s for s in page.find_all("script", src=True) if "eligibility" in s["src"]]


# -- the browser's copy gives the same verdicts ----------------------------------------------------
def tree(o: crit.Outcome) -> dict:
    return {"result": o.result, "value": o.value, "parts": [tree(p) for p in o.parts]}


def random_criterion(rng: random.Random, depth: int = 0) -> dict:
    c: dict = {}
    if rng.random() < 0.25:
        c["when_function"] = rng.choice(FUNCTIONS)
    if rng.random() < 0.2:
        c["when_category"] = rng.choice(CATEGORIES)
    if depth < 2 and rng.random() < 0.3:
        c[rng.choice(["any_of", "all_of"])] = [random_criterion(rng, depth + 1) for _ in range(rng.randint(2, 3))]
    else:
        c["metric"] = rng.choice(METRICS)
        bound = rng.choice([0, 1, 2, 5, 8, 15, 50, 80, 200, 600, 5000, 10000, 0.2, 0.8, 0.35, 1.5])
        kind = rng.random()
        if kind < 0.7:
            c["min"] = bound
        elif kind < 0.85:
            c["max"] = bound
        else:
            c["min"], c["max"] = bound, bound * 2 + 1
    if rng.random() < 0.5:
        c["clause"] = "第七条"
    return c


def near(rng: random.Random, x: float):
    return rng.choice([x, x + 1, x - 1, x * 2, x / 2, 0, x + 0.01, x - 0.01, round(x * 1.1, 2), 10 ** rng.randint(0, 5)])


def random_inputs(rng: random.Random, criteria: list[dict] | None = None):
    bounds = [n.get("min", n.get("max")) for c in criteria or [] for n in walk(c) if "metric" in n]
    values = {}
    for m in METRICS:
        r = rng.random()
        if r < 0.6:
            values[m] = near(rng, rng.choice(bounds) if bounds else rng.choice([1, 5, 50, 0.2, 0.8, 10000]))
        elif r < 0.65:
            values[m] = None
    functions = sorted(rng.sample(FUNCTIONS, rng.randint(0, len(FUNCTIONS))))
    category = rng.choice([None, *CATEGORIES])
    return values, functions, category


def run_node(cases: dict, script: Path = SCRIPT) -> dict:
    if NODE is None:
        pytest.skip("node is missing: install Node.js (make test does)")
    proc = subprocess.run([NODE, str(RUNNER), str(script)], input=json.dumps(cases), capture_output=True,
                          text=True, check=True, timeout=120)
    return json.loads(proc.stdout)


def python_figures(reported: dict, registered_on: str | None, day: str, functions: list[str]) -> dict:
    d = dt.date.fromisoformat(day)
    platform = SimpleNamespace(metrics={d.year - 1: reported}, functions=functions,
                               operator=SimpleNamespace(registered_on=dt.date.fromisoformat(registered_on) if registered_on else None))
    return crit.figures(platform, d)[1]


def python_anniversary(start: str, years: float) -> str:
    """The first day on which criteria.figures counts at least `years` whole years."""
    s = dt.date.fromisoformat(start)
    d = dt.date(s.year + int(years) - 1, 1, 1) if years >= 1 else s
    while python_figures({}, start, d.isoformat(), [])["years_registered"] < years:
        d += dt.timedelta(days=1)
    return d.isoformat()


def make_cases(seed: int = 20241120, n: int = 3000) -> tuple[dict, dict]:
    rng = random.Random(seed)
    reg = load_registry(REPO / "registry")
    real_criteria = [c for p in reg.programmes.values() for c in p.criteria]
    evaluate = []
    for i in range(n):
        if i % 3 == 0 and real_criteria:   # the records' own criteria, with figures around their thresholds
            criterion = rng.choice(real_criteria)
            values, functions, category = random_inputs(rng, [criterion])
        else:
            criterion = random_criterion(rng)
            values, functions, category = random_inputs(rng, [criterion])
        evaluate.append({"criterion": criterion, "values": values, "functions": functions, "category": category})
    days = [dt.date(2024, 2, 29), dt.date(2020, 2, 29), dt.date(2023, 12, 31), dt.date(2024, 1, 1), dt.date(2024, 11, 20)]
    figures = []
    for _ in range(600):
        reg_on = rng.choice(days + [dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 9500))])
        day = rng.choice(days + [reg_on + dt.timedelta(days=rng.randint(-400, 4000))])
        reported = {m: v for m, v in random_inputs(rng)[0].items() if v is not None}
        figures.append({"reported": reported, "registered_on": reg_on.isoformat() if rng.random() < 0.9 else None,
                        "day": day.isoformat(), "functions": sorted(rng.sample(FUNCTIONS, rng.randint(0, 3)))})
    anniversary = [{"from": rng.choice(days + [dt.date(2015, 6, 1), dt.date(2019, 3, 1), dt.date(2021, 2, 28)]).isoformat(),
                    "years": rng.choice([1, 2, 3, 1.5])} for _ in range(60)]
    parse = [{"text": t, "share": s} for t in ["83", "80", "20.1", "0", "1,200", "１２０", "85%", " 12 ", "abc", "1.2.3", "-5", "", "7.", ".5", "0.35"]
             for s in (False, True)]
    cases = {"evaluate": evaluate, "figures": figures, "anniversary": anniversary, "parse": parse}
    expected = {
        "evaluate": [tree(crit.evaluate(c["criterion"], c["values"], c["functions"], c["category"])) for c in evaluate],
        "figures": [python_figures(c["reported"], c["registered_on"], c["day"], c["functions"]) for c in figures],
        "anniversary": [python_anniversary(c["from"], c["years"]) for c in anniversary],
        "parse": [python_parse(c["text"], c["share"]) for c in parse],
    }
    return cases, expected


def python_parse(text: str, share: bool):
    import unicodedata
    t = re.sub(r"[,，\s]", "", unicodedata.normalize("NFKC", text)).removesuffix("%")
    if t == "":
        return None
    if not re.fullmatch(r"\d+(\.\d+)?", t):
        return "NaN"
    return float(Decimal(t) / 100) if share else float(t)


def mismatches(got: dict, expected: dict, cases: dict) -> list[str]:
    bad = []
    for key in expected:
        for i, (g, e) in enumerate(zip(got[key], expected[key], strict=True)):
            if g != e:
                bad.append(f"{key}[{i}]: {json.dumps(cases[key][i], ensure_ascii=False)}\n  python {e}\n  node   {g}")
    return bad


@pytest.fixture(scope="module")
def generated():
    return make_cases()


def test_browser_copy_gives_the_same_verdicts_as_the_validator(generated):
    cases, expected = generated
    results = [e["result"] for e in expected["evaluate"]]
    # the generated inputs reach every outcome, nested ones too
    assert {crit.PASS, crit.FAIL, crit.NOT_REPORTED, crit.NOT_APPLICABLE} <= set(results)
    assert sum(1 for c in cases["evaluate"] if "any_of" in c["criterion"] or "all_of" in c["criterion"]) > 300
    bad = mismatches(run_node(cases), expected, cases)
    assert not bad, f"{len(bad)} differences between eligibility.js and criteria.py:\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("mutation", [
    (">= c.min", "> c.min"),                          # a threshold met exactly must pass
    ("seen[NR] ? NR : FAIL", "FAIL"),                 # any_of with a missing figure is not a failure
    ("t[2] < f[2]", "t[2] <= f[2]"),                  # the anniversary day counts as a whole year
    ('"e-2"', '"e-3"'),                                # shares are typed in percent
])
def test_parity_check_catches_a_broken_copy(generated, tmp_path, mutation):
    """The comparison above can fail: each small slip in a copy of the script is caught."""
    old, new = mutation
    source = SCRIPT.read_text("utf-8")
    assert source.count(old) == 1, old
    broken = tmp_path / "eligibility.js"
    broken.write_text(source.replace(old, new), "utf-8")
    cases, expected = generated
    assert mismatches(run_node(cases, broken), expected, cases)
