"""The shipped registry/: it validates, and it says what the four source documents say
(../shared/seeds/INDEX.md): the six programmes, the four notices with their document
numbers, dates, deadlines and attachments, and the attachments the sources do not include."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from sme_testkit import REPO
from sme_registry import lifecycle
from sme_registry.registry import load_registry
from sme_registry.rules import today_shanghai

REGISTRY = REPO / "registry"
EXAMPLES = REPO / "examples"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def reg():
    return load_registry(REGISTRY, as_of=D("2024-11-20"))


@pytest.mark.parametrize("as_of", ["2019-04-16", "2020-11-06", "2023-03-15", "2024-11-20", "2024-12-31",
                                   "2025-01-01", None])
def test_validates_without_errors(as_of):
    day = D(as_of) if as_of else today_shanghai()
    r = load_registry(REGISTRY, as_of=day)
    assert r.problems.errors == [], "\n".join(p.format() for p in r.problems.errors)


def test_no_warnings_either(reg):
    """Only a reported figure below a threshold may stand as a warning (the authority's decision
    is published anyway); anything else the validator warns about is to be fixed."""
    other = [p for p in reg.problems.warnings if not p.rule.startswith("criteria.")]
    assert other == [], "\n".join(p.format() for p in other)


def test_every_record_file_was_loaded(reg):
    for folder in ("programmes", "notices", "forms", "publicity", "platforms"):
        directory = REGISTRY / folder
        names = sorted(p.name[:-5] for p in directory.glob("*.yaml")) if directory.is_dir() else []
        assert sorted(reg.table(folder)) == names, folder


@pytest.mark.parametrize("path", sorted(p for p in REGISTRY.glob("*/*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_record_starts_with_its_schema_comment(path):
    first = path.read_text("utf-8").splitlines()[0]
    kind = {"programmes": "programme", "notices": "notice", "forms": "form", "publicity": "publicity",
            "platforms": "platform", "calendar": "calendar"}[path.parent.name]
    assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json"
    assert (path.parent / f"../schema/{kind}.schema.json").resolve().is_file()


# -- programmes -------------------------------------------------------------------------------------
def test_the_six_programmes(reg):
    assert sorted(reg.programmes) == ["henan-province", "jiangsu-star", "national", "shanxi-province",
                                      "taiyuan-city", "xuchang-city"]
    p = reg.programmes
    assert (p["national"].level, p["national"].region) == ("national", None)
    assert (p["henan-province"].level, p["henan-province"].region) == ("province", "410000")
    assert (p["jiangsu-star"].level, p["jiangsu-star"].region) == ("province", "320000")
    assert (p["shanxi-province"].level, p["shanxi-province"].region) == ("province", "140000")
    assert (p["taiyuan-city"].level, p["taiyuan-city"].region) == ("city", "140100")
    assert (p["xuchang-city"].level, p["xuchang-city"].region) == ("city", "411000")
    assert p["xuchang-city"].authority == "许昌市工业和信息化局"
    assert p["taiyuan-city"].name == "太原市市级中小企业公共服务示范平台"   # 并工信字〔2023〕26号 一、4


def test_programme_rules_from_the_sources(reg):
    p = reg.programmes
    assert p["xuchang-city"].publicity_working_days == 5            # 许工信〔2020〕154号 第十一条（四）
    assert p["xuchang-city"].measures == "xuchang-2020-measures"
    assert p["shanxi-province"].requires == ["taiyuan-city"]          # 并工信字〔2023〕26号 二、2
    assert p["jiangsu-star"].rating == "stars"
    assert (p["jiangsu-star"].validity.years, p["jiangsu-star"].validity.ends) == (None, "none")
    assert "示范" in p["henan-province"].name_must_not_contain       # 汇总表注1
    for pid in ("national", "henan-province", "taiyuan-city", "xuchang-city", "shanxi-province"):
        assert p[pid].validity.years == 3, pid


def test_validity_facts_from_the_sources(reg):
    p = reg.programmes
    # henan-2024-recommendation-call 二、: 2021年公告的示范平台于2024年12月31日到期
    assert lifecycle.window_from(D("2021-12-20"), p["henan-province"]).valid_until == D("2024-12-31")
    # INDEX.md: national titles announced in December 2020 are valid 2021-01-01 .. 2023-12-31
    assert lifecycle.window_from(D("2020-12-15"), p["national"]) == lifecycle.Window(D("2021-01-01"), D("2023-12-31"))
    # 并工信字〔2023〕26号 一、2: city titles from before the end of 2020 may re-apply in 2023 (their term ends)
    assert lifecycle.window_from(D("2020-12-20"), p["taiyuan-city"]).valid_until == D("2023-12-31")


def criteria_of(prog):
    return {(c["metric"], c.get("min")) for c in prog.criteria if "metric" in c and "when_function" not in c
            and "when_category" not in c}


def test_criteria_thresholds_from_the_sources(reg):
    # 2024 Henan 汇总表注3
    assert criteria_of(reg.programmes["henan-province"]) == {
        ("years_registered", 2), ("total_assets", 200), ("service_staff", 15), ("partner_institutions", 5),
        ("discounted_service_share", 0.2), ("enterprises_served", 80)}
    # 许工信〔2020〕154号 第七条
    assert criteria_of(reg.programmes["xuchang-city"]) == {
        ("years_registered", 1), ("total_assets", 50), ("service_staff", 8), ("qualified_staff_share", 0.8),
        ("partner_institutions", 5), ("discounted_service_share", 0.2), ("enterprises_served", 50),
        ("satisfaction", 0.8)}
    xc = reg.programmes["xuchang-city"].criteria
    assert {"when_function": "training", "metric": "training_person_times", "min": 600, "clause": "第八条（四）"} in xc
    assert all(c.get("clause") for c in xc)


# -- notices ----------------------------------------------------------------------------------------
NOTICES = {
    "henan-2024-recommendation-call": (None, "2024-11-11", "call", ["henan-province"]),
    "xuchang-2020-measures": ("许工信〔2020〕154号", "2020-11-06", "measures", ["xuchang-city"]),
    "taiyuan-2023-call": ("并工信字〔2023〕26号", "2023-03-15", "call", ["taiyuan-city", "shanxi-province"]),
    "jiangsu-2019-star-re-evaluation": ("苏工信中小〔2019〕224号", "2019-04-16", "re_evaluation", ["jiangsu-star"]),
}


def test_the_four_notices(reg):
    assert sorted(reg.notices) == sorted(NOTICES)
    for nid, (number, issued, kind, programmes) in NOTICES.items():
        n = reg.notices[nid]
        assert (n.doc_number, n.issued_on, n.kind_code, n.programmes) == (number, D(issued), kind, programmes), nid
        assert n.title and n.issuer and n.body


def test_issuers(reg):
    assert reg.notices["xuchang-2020-measures"].issuer == "许昌市工业和信息化局"
    assert reg.notices["taiyuan-2023-call"].issuer == "太原市工业和信息化局"
    assert reg.notices["jiangsu-2019-star-re-evaluation"].issuer == "江苏省工业和信息化厅"


def test_deadlines_from_the_sources(reg):
    n = reg.notices
    assert [d.on for d in n["henan-2024-recommendation-call"].deadlines] == [D("2024-11-18"), D("2024-11-21")]
    assert {d.on for d in n["taiyuan-2023-call"].deadlines} == {D("2023-03-23")}
    js = n["jiangsu-2019-star-re-evaluation"].deadlines
    assert any(d.starts == D("2019-04-20") and d.on == D("2019-05-10") for d in js)   # 系统开放 4月20日至5月10日
    assert D("2019-05-20") in {d.on for d in js}


def test_office_contacts(reg):
    call = reg.notices["henan-2024-recommendation-call"]
    assert call.contact == {"phone": "2965056", "email": "gxjzxqyk2965056@163.com"}


@pytest.mark.parametrize("nid", sorted(NOTICES))
def test_every_attachment_resolves_to_a_form(reg, nid):
    n = reg.notices[nid]
    assert len(n.attachments) == 3
    for fid in n.attachments:
        assert fid in reg.forms, fid
        assert reg.forms[fid].programme in n.programmes, fid


def test_attachment_order_follows_the_sources(reg):
    for nid in NOTICES:
        names = [reg.forms[f].source_name for f in reg.notices[nid].attachments]
        numbers = [int(m.group(1)) for m in (re.match(r"附件(\d)", s) for s in names) if m]
        assert numbers == [1, 2, 3], (nid, names)


# -- forms ------------------------------------------------------------------------------------------
UNPUBLISHED = {"jiangsu-2019-star-platform-list", "jiangsu-2019-re-evaluation-form",
               "jiangsu-2019-re-evaluation-summary", "taiyuan-2023-summary-table"}


def test_unpublished_forms_are_marked(reg):
    assert {fid for fid, f in reg.forms.items() if not f.published} == UNPUBLISHED
    for fid in UNPUBLISHED:
        f = reg.forms[fid]
        assert f.blocks == [] and f.unpublished_reason and "未附" in f.unpublished_reason, fid
        assert f.title and f.format in ("docx", "xlsx")


def test_published_forms_have_content(reg):
    for fid, f in reg.forms.items():
        if f.published:
            assert f.blocks, fid


def test_summary_tables_are_spreadsheets(reg):
    assert reg.forms["henan-2024-summary-table"].format == "xlsx"
    assert reg.forms["henan-2024-recommendation-form"].format == "docx"
    columns = next(b["table"]["columns"] for b in reg.forms["henan-2024-summary-table"].blocks if "table" in b)
    assert len(columns) == 14   # INDEX.md: 汇总表 with 14 columns


# -- the demo registry ---------------------------------------------------------------------------------
@pytest.mark.skipif(not (EXAMPLES / "registry.yaml").exists(), reason="no examples/ registry")
def test_examples_extend_the_registry_and_validate():
    r = load_registry(EXAMPLES, as_of=D("2024-11-20"))
    assert r.demo is True
    assert r.problems.errors == [], "\n".join(p.format() for p in r.problems.errors)
    assert set(r.programmes) >= set(NOTICES["taiyuan-2023-call"][3])   # read from ../registry
