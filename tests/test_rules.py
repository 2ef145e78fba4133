"""Semantic rules (sme_registry.rules): for every rule a failing and a passing record,
asserting the file, the line and the key part of the message."""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from sme_testkit import XC_CODE, credit_code, describe, line_of, wrong_check
from sme_registry import rules
from sme_registry.problems import ERROR, WARNING
from sme_registry.workdays import LIBRARY_YEARS

TECH = "platforms/xc-tech-service-center.yaml"
FIN = "platforms/xc-finance-hub.yaml"
JS = "platforms/js-xuanwu-service-hub.yaml"
CALL = "notices/xuchang-2024-call.yaml"
RESULT = "notices/xuchang-2021-recognition.yaml"
PUB = "publicity/xuchang-2024-publicity.yaml"
FORM = "forms/xuchang-recommendation-form.yaml"
TABLE = "forms/xuchang-2024-summary-table.yaml"
XC = "programmes/xuchang-city.yaml"
HENAN = "programmes/henan-province.yaml"
JIANGSU = "programmes/jiangsu-star.yaml"
NATIONAL = "programmes/national.yaml"


def test_every_rule_is_run_and_tested():
    """The rule list is the one the validator runs; this file has tests named for each."""
    names = [r.__name__ for r in rules.RULES]
    assert names == ["rule_references", "rule_notice_dates", "rule_programmes", "rule_regions",
                     "rule_credit_codes", "rule_recognitions", "rule_forbidden_words", "rule_prerequisites",
                     "rule_publicity", "rule_criteria", "rule_personal_data", "rule_forms", "rule_calendar"]
    tested = {name for name in globals() if name.startswith("test_")}
    for name in names:
        short = name.removeprefix("rule_")
        assert any(t.startswith(f"test_{short}_") for t in tested), f"no test for {name}"
    for name in names:  # each rule cites where it comes from
        assert getattr(rules, name).__doc__.strip()


def clean(r, reg):
    assert reg.problems.items == [], describe(reg)


# == rule_references ==========================================================================
@pytest.mark.parametrize("rel,old,new,field,what,folder,target", [
    (XC, 'region: "411000"\n', 'region: "411000"\nmeasures: xuchang-2099-measures\n', "measures", "管理办法通知", "notices", "xuchang-2099-measures"),
    (HENAN, "requires: [xuchang-city]", "requires: [xuchang-cty]", "requires[0]", "前置认定项目", "programmes", "xuchang-cty"),
    (CALL, "programmes: [xuchang-city, henan-province]", "programmes: [xuchang-city, henan-provice]",
     "programmes[1]", "认定项目", "programmes", "henan-provice"),
    (CALL, "attachments: [xuchang-recommendation-form, xuchang-2024-summary-table]",
     "attachments: [xuchang-recommendation-form, xuchang-2024-summary]", "attachments[1]", "附件表单", "forms", "xuchang-2024-summary"),
    (FORM, "programme: xuchang-city", "programme: xuchang", "programme", "认定项目", "programmes", "xuchang"),
    (PUB, "notice: xuchang-2024-call", "notice: xuchang-2024-cal", "notice", "通知", "notices", "xuchang-2024-cal"),
    (PUB, "entries: [xc-tech-service-center, xc-finance-hub]", "entries: [xc-tech-service-center, xc-finance-hb]",
     "entries[1]", "平台", "platforms", "xc-finance-hb"),
    (PUB, "entries: [", "outcome: xuchang-2024-recognition\nentries: [", "outcome", "结果通知", "notices", "xuchang-2024-recognition"),
    (TECH, "programme: henan-province", "programme: henan-provinc", "recognitions[1].programme", "认定项目", "programmes", "henan-provinc"),
    (TECH, "notice: xuchang-2021-recognition", "notice: xuchang-2021-recog", "recognitions[0].notice", "通知", "notices", "xuchang-2021-recog"),
    (TECH, "{on: 2023-02-20, type: assessment, result: pass}",
     "{on: 2023-02-20, type: assessment, result: pass, notice: xuchang-2022-assessment}",
     "recognitions[0].events[0].notice", "通知", "notices", "xuchang-2022-assessment"),
])
def test_references_unresolved(small_registry, rel, old, new, field, what, folder, target):
    text = small_registry.replace(rel, old, new)
    reg = small_registry.load()
    p = small_registry.only(reg, rule="ref.unresolved")
    assert small_registry.is_file(p, rel)
    assert p.field == field
    assert p.line == line_of(text, target)
    assert f"引用的{what}“{target}”不存在" in p.message and f"{folder}/" in p.message and f"{target}.yaml" in p.message


def test_references_unresolved_publicity_programme(small_registry):
    text = small_registry.replace(PUB, "programme: xuchang-city", "programme: xuchang-cty")
    reg = small_registry.load()
    p = small_registry.only(reg, rule="ref.unresolved")
    assert small_registry.is_file(p, PUB) and (p.field, p.line) == ("programme", line_of(text, "xuchang-cty"))
    assert "“xuchang-cty”不存在" in p.message


@pytest.mark.parametrize("rel,old,new", [
    (XC, 'region: "411000"\n', 'region: "411000"\nmeasures: xuchang-2021-recognition\n'),
    (PUB, "entries: [", "outcome: xuchang-2021-recognition\nentries: ["),
    (TECH, "{on: 2023-02-20, type: assessment, result: pass}",
     "{on: 2023-02-20, type: assessment, result: pass, notice: xuchang-2024-call}"),
])
def test_references_resolved(small_registry, rel, old, new):
    small_registry.replace(rel, old, new)
    reg = small_registry.load()
    assert small_registry.find(reg, rule="ref.unresolved") == []


def test_references_to_a_broken_record_are_not_reported_twice(small_registry):
    small_registry.write(CALL, "title: [未写完\n", dedent_text=False)
    reg = small_registry.load()
    assert [p.rule for p in reg.problems.errors] == ["yaml.syntax"], describe(reg)


def test_references_self_requirement(small_registry):
    text = small_registry.replace(HENAN, "requires: [xuchang-city]", "requires: [henan-province]")
    reg = small_registry.load()
    p = small_registry.only(reg, rule="ref.self")
    assert small_registry.is_file(p, HENAN) and (p.line, p.field) == (line_of(text, "requires"), "requires[0]")
    assert "自身" in p.message


# == rule_notice_dates ========================================================================
def test_notice_dates_doc_number_year_mismatch(small_registry):
    text = small_registry.replace(CALL, "许工信〔2024〕120号", "许工信〔2022〕120号")
    p = small_registry.only(small_registry.load(), rule="notice.doc-year")
    assert small_registry.is_file(p, CALL) and (p.line, p.field) == (line_of(text, "doc_number"), "doc_number")
    assert "2022" in p.message and "2024-10-28" in p.message


@pytest.mark.parametrize("number", ["许工信〔2024〕120号", "许工信〔2023〕120号", "豫工信办企业〔2024〕208号"])
def test_notice_dates_doc_number_year_ok(small_registry, number):
    """The year in 〔〕 is the issue year or the year before (a number reserved in December)."""
    small_registry.replace(CALL, "许工信〔2024〕120号", number)
    clean(small_registry, small_registry.load())


@pytest.mark.parametrize("number", ["许工信[2024]120号", "许工信（2024）120号", "许工信〔24〕120号", "许工信〔2024〕120",
                                    "〔2024〕120号", "许工信〔2024〕第120号"])
def test_notice_dates_doc_number_format_is_a_schema_error(small_registry, number):
    text = small_registry.replace(CALL, "许工信〔2024〕120号", number)
    p = small_registry.only(small_registry.load(), file=CALL)
    assert (p.rule, p.line, p.field) == ("schema.pattern", line_of(text, "doc_number"), "doc_number")
    assert f"“{number}”" in p.message and "〔" in p.message


def test_notice_dates_deadline_before_issue(small_registry):
    text = small_registry.replace(CALL, "{on: 2024-11-25, what", "{on: 2024-10-20, what")
    p = small_registry.only(small_registry.load(), rule="notice.deadline-before-issue")
    assert small_registry.is_file(p, CALL)
    assert (p.line, p.field) == (line_of(text, "2024-10-20"), "deadlines[0].on")
    assert "2024-10-20" in p.message and "2024-10-28" in p.message


def test_notice_dates_deadline_on_issue_day_is_fine(small_registry):
    small_registry.replace(CALL, "{on: 2024-11-25, what", "{on: 2024-10-28, what")
    clean(small_registry, small_registry.load())


def test_notice_dates_window_start_after_end(small_registry):
    text = small_registry.replace(CALL, "{on: 2024-11-25, what", "{from: 2024-11-30, on: 2024-11-25, what")
    p = small_registry.only(small_registry.load(), rule="notice.deadline-window")
    assert (p.line, p.field) == (line_of(text, "2024-11-30"), "deadlines[0].from")
    small_registry.replace(CALL, "from: 2024-11-30", "from: 2024-11-01")
    clean(small_registry, small_registry.load())


def test_notice_dates_published_before_issue(small_registry):
    """发布日期 (published_on) before 成文日期 (issued_on): a document is public only after it is formed."""
    text = small_registry.replace(CALL, "issued_on: 2024-10-28\n", "issued_on: 2024-10-28\npublished_on: 2024-10-27\n")
    p = small_registry.only(small_registry.load(), rule="notice.published-before-issue")
    assert small_registry.is_file(p, CALL) and p.severity == ERROR
    assert (p.line, p.field) == (line_of(text, "published_on"), "published_on")
    assert "发布日期 2024-10-27 早于成文日期 2024-10-28" in p.message


@pytest.mark.parametrize("published", ["2024-10-28", "2024-11-01"])
def test_notice_dates_published_on_or_after_issue(small_registry, published):
    small_registry.replace(CALL, "issued_on: 2024-10-28\n",
                           f"issued_on: 2024-10-28\npublished_on: {published}\nindex_number: 11410000MB1234567X/2024-00012\n"
                           "topic: 工业、交通/中小企业\n")
    reg = small_registry.load()
    clean(small_registry, reg)
    n = reg.notices["xuchang-2024-call"]
    assert (n.published_on, n.index_number, n.topic) == (dt.date.fromisoformat(published),
                                                         "11410000MB1234567X/2024-00012", "工业、交通/中小企业")


@pytest.mark.parametrize("line,field,words", [
    ("index_number: 许昌 2024 12", "index_number", ["索引号", "不含空格"]),
    ("index_number: \"\"", "index_number", ["索引号"]),
    ("topic: \"\"", "topic", ["不能为空"]),
    ("topic: 2024", "topic", ["加引号"]),
    ("topic: " + "工业" * 31, "topic", ["主题分类", "60"]),
    ("published_on: 2024-02-30", "published_on", ["2024-02-30", "日期"]),
])
def test_notice_dates_metadata_fields_explained_in_chinese(small_registry, line, field, words):
    text = small_registry.replace(CALL, "issued_on: 2024-10-28\n", f"issued_on: 2024-10-28\n{line}\n")
    p = small_registry.only(small_registry.load(), file=CALL)
    assert (p.line, p.field) == (line_of(text, line.split(":")[0] + ":"), field)
    for word in words:
        assert word in p.message, p.message


def test_notice_dates_html_in_body_is_a_warning(small_registry):
    text = small_registry.replace(CALL, "  请于11月25日前", '  <script>alert("x")</script>请于11月25日前')
    reg = small_registry.load()
    p = small_registry.only(reg, rule="markdown.html")
    assert (p.severity, p.line, p.field) == (WARNING, line_of(text, "body: |"), "body")
    assert reg.ok


# == rule_programmes ==========================================================================
def test_programmes_validity_inconsistent(small_registry):
    text = small_registry.replace(JIANGSU, "  ends: none", "  ends: year_end")
    p = small_registry.only(small_registry.load(), rule="programme.validity")
    assert small_registry.is_file(p, JIANGSU) and (p.line, p.field) == (line_of(text, "validity:"), "validity")
    assert "years: null" in p.message and "ends: none" in p.message


def test_programmes_national_has_no_region(small_registry):
    text = small_registry.replace(NATIONAL, "level: national\n", 'level: national\nregion: "100000"\n')
    p = small_registry.only(small_registry.load(), rule="programme.region")
    assert (p.line, p.field) == (line_of(text, "region"), "region") and "国家级" in p.message


def test_programmes_unknown_region(small_registry):
    text = small_registry.replace(XC, 'region: "411000"', 'region: "411099"')
    reg = small_registry.load()
    p = small_registry.only(reg, rule="region.unknown", file=XC)
    assert (p.line, p.field) == (line_of(text, "411099"), "region") and "“411099”不存在" in p.message


def test_programmes_region_of_the_wrong_level(small_registry):
    text = small_registry.replace(XC, 'region: "411000"', 'region: "410000"')
    p = small_registry.only(small_registry.load(), rule="programme.region-level")
    assert (p.line, p.field) == (line_of(text, "410000"), "region")
    assert "市级认定项目" in p.message and "河南省" in p.message


def test_programmes_region_passing(small_registry):
    """A county-level programme may use a county code; a province programme a province code."""
    small_registry.write("programmes/weidu-district.yaml", """\
        name: 魏都区中小企业公共服务示范平台
        authority: 许昌市魏都区工业和信息化局
        level: county
        region: "411002"
        validity: {years: 2, starts: announcement_date, ends: anniversary}
        """)
    clean(small_registry, small_registry.load())


# == rule_regions =============================================================================
def test_regions_unknown_code(small_registry):
    text = small_registry.replace(FIN, 'region: "411002"', 'region: "411099"')
    p = small_registry.only(small_registry.load(), rule="region.unknown")
    assert small_registry.is_file(p, FIN) and (p.line, p.field, p.severity) == (line_of(text, "411099"), "region", ERROR)
    assert "“411099”不存在" in p.message and "GB/T 2260" in p.message


def test_regions_abolished_code_is_a_warning(small_registry):
    text = small_registry.replace(TECH, 'region: "411002"', 'region: "411023"')
    reg = small_registry.load()
    p = small_registry.only(reg, rule="region.abolished")
    assert small_registry.is_file(p, TECH) and (p.line, p.severity) == (line_of(text, "411023"), WARNING)
    assert "许昌县" in p.message and "2016" in p.message
    assert reg.ok


def test_regions_city_code_for_a_platform_is_a_warning(small_registry):
    text = small_registry.replace(FIN, 'region: "411002"', 'region: "411000"')
    reg = small_registry.load()
    p = small_registry.only(reg, rule="region.level")
    assert (p.line, p.severity) == (line_of(text, "411000"), WARNING) and "县（市、区）" in p.message
    assert reg.ok


def test_regions_platform_outside_the_programme_region(small_registry):
    text = small_registry.replace(TECH, 'region: "411002"', 'region: "140105"')
    reg = small_registry.load()
    found = small_registry.find(reg, rule="region.outside-programme")
    assert [(p.line, p.field) for p in found] == [
        (line_of(text, "programme: xuchang-city"), "recognitions[0].programme"),
        (line_of(text, "programme: henan-province"), "recognitions[1].programme"),
    ]
    assert "山西省太原市小店区" in found[0].message and "许昌市中小企业公共服务示范平台" in found[0].message
    assert "（河南省许昌市）" in found[0].message and "（河南省）" in found[1].message


def test_regions_inside_the_programme_region(small_registry):
    small_registry.replace(TECH, 'region: "411002"', 'region: "411082"')   # 长葛市, a county-level city of 许昌
    clean(small_registry, small_registry.load())


# == rule_credit_codes ========================================================================
def test_credit_codes_wrong_check_character(small_registry):
    bad = wrong_check(XC_CODE)
    text = small_registry.replace(TECH, XC_CODE, bad)
    reg = small_registry.load()
    p = small_registry.only(reg, rule="credit-code.check")
    assert small_registry.is_file(p, TECH)
    assert (p.line, p.field, p.severity) == (line_of(text, "credit_code"), "operator.credit_code", ERROR)
    assert f"“{bad}”" in p.message and f"应为 {XC_CODE[-1]}" in p.message and "credit_code_legacy" in p.message


def test_credit_codes_legacy_is_only_a_warning(small_registry):
    bad = wrong_check(XC_CODE)
    text = small_registry.replace(TECH, f'credit_code: "{XC_CODE}"', f'credit_code: "{bad}"\n  credit_code_legacy: true')
    reg = small_registry.load()
    p = small_registry.only(reg, rule="credit-code.legacy")
    assert (p.line, p.severity) == (line_of(text, bad), WARNING)
    assert f"应为 {XC_CODE[-1]}" in p.message
    assert reg.ok


def test_credit_codes_valid_and_unknown_pass(small_registry):
    small_registry.replace(FIN, f'  credit_code: "{credit_code("91411002MA45QWER7")}"\n', "")
    clean(small_registry, small_registry.load())


def test_credit_codes_letters_outside_the_alphabet_are_a_schema_error(small_registry):
    text = small_registry.replace(TECH, XC_CODE, XC_CODE[:-2] + "IO")
    p = small_registry.only(small_registry.load(), file=TECH)
    assert (p.rule, p.line) == ("schema.pattern", line_of(text, "credit_code")) and "18 位" in p.message


# == rule_recognitions ========================================================================
def test_recognitions_star_on_a_programme_without_stars(small_registry):
    text = small_registry.replace(TECH, "    on: 2021-12-20\n", "    on: 2021-12-20\n    star: 2\n")
    p = small_registry.only(small_registry.load(), rule="recognition.star")
    assert (p.line, p.field) == (line_of(text, "star: 2"), "recognitions[0].star")
    assert "不评星级" in p.message


@pytest.mark.parametrize("star,word", [(0, "不能小于 1"), (6, "不能大于 5")])
def test_recognitions_star_out_of_range(small_registry, star, word):
    text = small_registry.replace(JS, "star: 3", f"star: {star}")
    p = small_registry.only(small_registry.load(), file=JS)
    assert (p.line, p.field) == (line_of(text, f"star: {star}"), "recognitions[0].star")
    assert word in p.message and "1 到 5" in p.message


def test_recognitions_missing_star_is_a_warning(small_registry):
    text = small_registry.replace(JS, "    star: 3\n", "")
    reg = small_registry.load()
    p = small_registry.only(reg, rule="recognition.star-missing")
    assert (p.line, p.severity) == (line_of(text, "- programme: jiangsu-star"), WARNING)
    assert reg.ok


def test_recognitions_stars_pass(small_registry):
    """Baseline: a 3-star rating re-evaluated to 4 stars is fine."""
    reg = small_registry.load()
    clean(small_registry, reg)
    assert reg.platforms["js-xuanwu-service-hub"].recognitions[0].star == 3


def test_recognitions_event_before_recognition(small_registry):
    text = small_registry.replace(TECH, "{on: 2023-02-20, type", "{on: 2021-12-01, type")
    p = small_registry.only(small_registry.load(), rule="event.before-recognition")
    assert (p.line, p.field) == (line_of(text, "2021-12-01"), "recognitions[0].events[0].on")
    assert "2021-12-01" in p.message and "2021-12-20" in p.message


def test_recognitions_events_out_of_order(small_registry):
    text = small_registry.replace(TECH, "{on: 2024-02-26, type", "{on: 2022-02-26, type")
    p = small_registry.only(small_registry.load(), rule="event.order")
    assert (p.line, p.field) == (line_of(text, "2022-02-26"), "recognitions[0].events[1].on")
    assert "2022-02-26" in p.message and "2023-02-20" in p.message


def test_recognitions_events_on_the_same_day_are_in_order(small_registry):
    small_registry.replace(TECH, "{on: 2024-02-26, type: assessment, result: pass}",
                           "{on: 2023-02-20, type: assessment, result: pass}")
    clean(small_registry, small_registry.load())


def test_recognitions_event_star_without_stars(small_registry):
    text = small_registry.replace(TECH, "{on: 2023-02-20, type: assessment, result: pass}",
                                  "{on: 2023-02-20, type: re_evaluation, result: pass, star: 2}")
    p = small_registry.only(small_registry.load(), rule="event.star")
    assert (p.line, p.field) == (line_of(text, "star: 2"), "recognitions[0].events[0].star")


def test_recognitions_revoked_event_has_no_result(small_registry):
    text = small_registry.replace(TECH, "{on: 2024-02-26, type: assessment, result: pass}",
                                  "{on: 2024-02-26, type: revoked, result: fail, reason: 年度考核不合格}")
    p = small_registry.only(small_registry.load(), rule="event.result")
    assert (p.line, p.field) == (line_of(text, "type: revoked"), "recognitions[0].events[1].result")


def test_recognitions_assessment_needs_a_result(small_registry):
    text = small_registry.replace(TECH, "{on: 2024-02-26, type: assessment, result: pass}",
                                  "{on: 2024-02-26, type: assessment}")
    p = small_registry.only(small_registry.load(), file=TECH)
    assert (p.rule, p.line) == ("schema.required", line_of(text, "2024-02-26"))
    assert "result" in p.message


def test_recognitions_duplicate(small_registry):
    text = small_registry.replace(TECH, "  - programme: henan-province\n    on: 2022-12-15\n",
                                  "  - programme: henan-province\n    on: 2022-12-15\n"
                                  "  - programme: henan-province\n    on: 2022-12-15\n")
    p = small_registry.only(small_registry.load(), rule="recognition.duplicate")
    assert p.field == "recognitions[2]"
    assert p.line == len(text.splitlines()) - 1 and "第 2 条" in p.message


# == rule_forbidden_words =====================================================================
def test_forbidden_words_in_a_recognised_platform_name(small_registry):
    text = small_registry.replace(TECH, "name: 许昌市中小企业技术创新服务平台", "name: 许昌市中小企业技术创新示范平台")
    reg = small_registry.load()
    found = small_registry.find(reg, rule="name.forbidden-word")
    assert found and all(small_registry.is_file(p, TECH) for p in found)
    assert {(p.line, p.field) for p in found} == {(line_of(text, "示范平台"), "name")}
    assert "不得含有“示范”" in found[0].message and "许昌市中小企业技术创新示范平台" in found[0].message


def test_forbidden_words_in_a_candidate_on_a_publicity_list(small_registry):
    text = small_registry.replace(FIN, "name: 许昌市中小企业融资服务平台", "name: 许昌市中小企业融资服务示范平台")
    p = small_registry.only(small_registry.load(), rule="name.forbidden-word")
    assert small_registry.is_file(p, FIN) and p.line == line_of(text, "示范")
    assert "许昌市中小企业公共服务示范平台" in p.message


def test_forbidden_words_apply_only_to_programmes_that_forbid_them(small_registry):
    small_registry.replace(JS, "name: 南京市玄武区中小企业综合服务平台", "name: 南京市玄武区中小企业公共服务示范平台")
    clean(small_registry, small_registry.load())


# == rule_prerequisites =======================================================================
SHANXI = {
    "programmes/taiyuan-city.yaml": """\
        name: 太原市市级中小企业公共服务示范平台
        authority: 太原市工业和信息化局
        level: city
        region: "140100"
        validity: {years: 3, starts: next_year, ends: year_end}
        """,
    "programmes/shanxi-province.yaml": """\
        name: 山西省省级中小企业公共服务示范平台
        authority: 山西省小企业发展促进局
        level: province
        region: "140000"
        validity: {years: 3, starts: announcement_date, ends: anniversary}
        requires: [taiyuan-city]   # 并工信字〔2023〕26号 二、2
        """,
}
TY = "platforms/ty-xiaodian-startup-hub.yaml"


def ty_platform(city: str | None, events: str = "") -> str:
    city_rec = f"  - programme: taiyuan-city\n    on: {city}\n{events}" if city else ""
    return f"""\
name: 太原市小店区中小企业创业服务平台
operator:
  name: 太原晋创企业服务有限公司
  credit_code: "{credit_code('91140105MA0KABCD1')}"
region: "140105"
recognitions:
{city_rec}  - programme: shanxi-province
    on: 2023-06-30
"""


@pytest.fixture
def shanxi(small_registry):
    for rel, text in SHANXI.items():
        small_registry.write(rel, text)
    return small_registry


@pytest.mark.parametrize("city,events,why", [
    (None, "", "no city title at all"),
    ("2023-05-20", "", "the city title of 2023 starts on 2024-01-01: pending on 2023-06-30"),
    ("2019-12-20", "", "the city title of 2019 expired on 2022-12-31"),
    ("2020-12-25", "    events:\n      - {on: 2023-03-01, type: revoked, reason: 年度考核不合格}\n", "revoked before"),
])
def test_prerequisites_provincial_title_without_an_active_city_title(shanxi, city, events, why):
    text = ty_platform(city, events)
    shanxi.write(TY, text, dedent_text=False)
    reg = shanxi.load()
    p = shanxi.only(reg, rule="recognition.prerequisite")
    assert shanxi.is_file(p, TY), why
    assert (p.line, p.field) == (line_of(text, "programme: shanxi-province"), f"recognitions[{1 if city else 0}].programme")
    assert "山西省省级中小企业公共服务示范平台" in p.message and "太原市市级中小企业公共服务示范平台" in p.message
    assert "2023-06-30" in p.message


@pytest.mark.parametrize("city,events", [
    ("2020-12-25", ""),   # 2021-01-01..2023-12-31: active on 2023-06-30
    ("2020-12-25", "    events:\n      - {on: 2023-09-01, type: revoked, reason: 年度考核不合格}\n"),  # revoked only later
    ("2020-12-25", "    events:\n      - {on: 2023-03-01, type: assessment, result: fail, revokes: false}\n"),
])
def test_prerequisites_provincial_title_with_an_active_city_title(shanxi, city, events):
    shanxi.write(TY, ty_platform(city, events), dedent_text=False)
    clean(shanxi, shanxi.load())


def test_prerequisites_henan_requires_xuchang(small_registry):
    """Baseline: the Henan title of 2022-12-15 needs the Xuchang title (active 2022-01-01..2024-12-31)."""
    text = small_registry.replace(TECH, "    on: 2021-12-20\n", "    on: 2022-12-20\n")
    p = small_registry.only(small_registry.load(), rule="recognition.prerequisite")
    assert p.line == line_of(text, "programme: henan-province")


@pytest.mark.parametrize("city,ok", [("2020-12-25", True), ("2023-05-20", False)])
def test_prerequisites_on_a_publicity_list(shanxi, city, ok):
    text = ty_platform(city).replace("  - programme: shanxi-province\n    on: 2023-06-30\n", "")
    shanxi.write(TY, text, dedent_text=False)
    pub = """\
        title: 2023年山西省省级中小企业公共服务示范平台拟认定名单公示
        programme: shanxi-province
        starts_on: 2023-06-01
        working_days: 5
        ends_on: 2023-06-07
        entries: [ty-xiaodian-startup-hub]
        """
    shanxi.write("publicity/shanxi-2023-publicity.yaml", pub)
    reg = shanxi.load()
    if ok:
        clean(shanxi, reg)
    else:
        p = shanxi.only(reg, rule="publicity.prerequisite")
        assert shanxi.is_file(p, "publicity/shanxi-2023-publicity.yaml")
        assert (p.line, p.field) == (line_of(pub, "entries"), "entries[0]")
        assert "2023-06-01" in p.message and "太原市小店区中小企业创业服务平台" in p.message


# == rule_publicity ===========================================================================
def publicity(starts_on: str, ends_on: str | None, extra: str = "") -> str:
    ends = f"ends_on: {ends_on}\n" if ends_on else ""
    return f"""\
title: 2024年度许昌市中小企业公共服务示范平台拟认定名单公示
programme: xuchang-city
starts_on: {starts_on}
{ends}{extra}entries: [xc-tech-service-center]
"""


def test_publicity_ends_on_over_national_day(small_registry):
    """5 working days from Monday 2024-09-30: 09-30, then 国庆 10-01..10-07 off, 10-08..10-11."""
    assert len(chinese_calendar.get_workdays(dt.date(2024, 9, 30), dt.date(2024, 10, 11))) == 5
    assert chinese_calendar.is_workday(dt.date(2024, 10, 11))
    text = publicity("2024-09-30", "2024-10-04")   # five calendar days: wrong
    small_registry.write(PUB, text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="publicity.ends-on")
    assert small_registry.is_file(p, PUB)
    assert (p.line, p.field, p.severity) == (line_of(text, "ends_on"), "ends_on", ERROR)
    assert "应为 2024-10-11" in p.message and "5 个工作日" in p.message and "不是 2024-10-04" in p.message


def test_publicity_ends_on_over_national_day_correct(small_registry):
    small_registry.write(PUB, publicity("2024-09-30", "2024-10-11"), dedent_text=False)
    clean(small_registry, small_registry.load())


def test_publicity_adjusted_saturday_counts(small_registry):
    """2024-10-12 was a Saturday worked in exchange for 国庆: it is the 5th day from 10-08."""
    assert dt.date(2024, 10, 12).weekday() == 5 and chinese_calendar.is_workday(dt.date(2024, 10, 12))
    small_registry.write(PUB, publicity("2024-10-08", "2024-10-12"), dedent_text=False)
    clean(small_registry, small_registry.load())
    text = publicity("2024-10-08", "2024-10-14")
    small_registry.write(PUB, text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="publicity.ends-on")
    assert p.line == line_of(text, "ends_on") and "应为 2024-10-12" in p.message


def test_publicity_working_days_on_the_list_win(small_registry):
    small_registry.write(PUB, publicity("2024-12-02", "2024-12-10", "working_days: 7\n"), dedent_text=False)
    clean(small_registry, small_registry.load())
    text = publicity("2024-12-02", "2024-12-06", "working_days: 7\n")
    small_registry.write(PUB, text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="publicity.ends-on")
    assert "应为 2024-12-10" in p.message and "7 个工作日" in p.message


def test_publicity_days_unknown(small_registry):
    text = publicity("2024-12-02", None).replace("programme: xuchang-city", "programme: henan-province")
    small_registry.write(PUB, text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="publicity.days")
    assert p.line == line_of(text, "starts_on") and "working_days" in p.message


def test_publicity_start_not_a_working_day_is_a_warning(small_registry):
    text = publicity("2024-10-01", "2024-10-12")
    small_registry.write(PUB, text, dedent_text=False)
    reg = small_registry.load()
    p = small_registry.only(reg, rule="publicity.start-not-workday")
    assert (p.line, p.severity) == (line_of(text, "starts_on"), WARNING) and "2024-10-01" in p.message
    assert reg.ok


CAL_2027 = """\
# yaml-language-server: $schema=../schema/calendar.schema.json
holidays: [2027-01-01, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
workdays: [2027-02-20]
source: 国务院办公厅关于2027年部分节假日安排的通知（测试用）
"""


def test_publicity_year_the_calendar_does_not_know(small_registry):
    assert 2027 not in LIBRARY_YEARS, "chinesecalendar now covers 2027: pick a later year for this test"
    text = publicity("2027-02-03", "2027-02-16")
    small_registry.write(PUB, text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="calendar.unknown-year")
    assert small_registry.is_file(p, PUB) and (p.line, p.field, p.severity) == (line_of(text, "starts_on"), "starts_on", ERROR)
    assert "2027 年的节假日安排未知" in p.message and "registry/calendar/2027.yaml" in p.message


def test_publicity_year_from_the_registry_calendar(small_registry):
    """With calendar/2027.yaml the file's holidays are skipped: 02-03, 02-04, 02-12, 02-15, 02-16."""
    small_registry.write("calendar/2027.yaml", CAL_2027, dedent_text=False)
    small_registry.write(PUB, publicity("2027-02-03", "2027-02-16"), dedent_text=False)
    reg = small_registry.load()
    clean(small_registry, reg)
    # weekends alone would give 2027-02-09: the file's dates are really used
    small_registry.write(PUB, publicity("2027-02-03", "2027-02-09"), dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="publicity.ends-on")
    assert "应为 2027-02-16" in p.message
    # and its 调休 Saturday counts
    small_registry.write(PUB, publicity("2027-02-19", "2027-02-25", "working_days: 5\n"), dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="publicity.ends-on")
    assert "应为 2027-02-24" in p.message


def test_publicity_crossing_into_an_unknown_year(small_registry):
    text = publicity("2026-12-28", None, "working_days: 10\n")
    small_registry.write(PUB, text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="calendar.unknown-year")
    assert p.line == line_of(text, "starts_on") and "2027" in p.message


def test_publicity_outcome_before_the_period_ends(small_registry):
    small_registry.write("notices/xuchang-2024-recognition.yaml", """\
        title: 关于公布2024年度许昌市中小企业公共服务示范平台名单的通知
        kind: result
        issuer: 许昌市工业和信息化局
        issued_on: 2024-12-05
        programmes: [xuchang-city]
        """)
    text = small_registry.replace(PUB, "entries: [", "outcome: xuchang-2024-recognition\nentries: [")
    reg = small_registry.load()
    p = small_registry.only(reg, rule="publicity.outcome-date")
    assert (p.line, p.field) == (line_of(text, "outcome"), "outcome") and "2024-12-06" in p.message
    # both entries lack a recognition with that notice: a warning each
    warned = small_registry.find(reg, rule="publicity.entry-not-recognised")
    assert [w.field for w in warned] == ["entries[0]", "entries[1]"]
    assert all(w.severity == WARNING and w.line == line_of(text, "entries") for w in warned)


def test_publicity_outcome_after_the_period(small_registry):
    small_registry.write("notices/xuchang-2024-recognition.yaml", """\
        title: 关于公布2024年度许昌市中小企业公共服务示范平台名单的通知
        kind: result
        issuer: 许昌市工业和信息化局
        issued_on: 2024-12-16
        programmes: [xuchang-city]
        """)
    small_registry.replace(PUB, "entries: [xc-tech-service-center, xc-finance-hub]",
                           "outcome: xuchang-2024-recognition\nentries: [xc-finance-hub]")
    small_registry.replace(FIN, "recognitions: []", "recognitions:\n  - {programme: xuchang-city, "
                                                   "notice: xuchang-2024-recognition, on: 2024-12-16}")
    clean(small_registry, small_registry.load())


# == rule_criteria ============================================================================
def test_criteria_figure_below_the_minimum_is_a_warning(small_registry):
    text = small_registry.replace(TECH, "total_assets: 520", "total_assets: 30")
    reg = small_registry.load()
    p = small_registry.only(reg, rule="criteria.fail")
    assert small_registry.is_file(p, TECH)
    assert (p.line, p.field, p.severity) == (line_of(text, "2020:"), "metrics.2020", WARNING)
    assert "资产总额不低于50万元" in p.message and "第七条（二）" in p.message and "报送为 30万元" in p.message
    assert "2020 年" in p.message
    assert reg.ok   # warnings alone do not stop publication


def test_criteria_missing_metric_is_not_reported(small_registry):
    text = small_registry.replace(TECH, "service_staff: 18, ", "")
    reg = small_registry.load()
    p = small_registry.only(reg, rule="criteria.not_reported")
    assert (p.line, p.severity) == (line_of(text, "2020:"), WARNING)
    assert "未报送" in p.message and "服务人员不低于8人" in p.message and "第七条（三）" in p.message
    assert reg.ok


def test_criteria_years_registered_is_computed(small_registry):
    small_registry.replace(TECH, "registered_on: 2015-06-01", "registered_on: 2021-06-01")
    p = small_registry.only(small_registry.load(), rule="criteria.fail")
    assert "注册登记年限不低于1年" in p.message and "报送为 0年" in p.message and "第七条（一）" in p.message


def test_criteria_use_the_latest_year_before_the_recognition(small_registry):
    """2021 figures (the recognition's own year) and older 2019 figures are not used; 2020 is."""
    small_registry.replace(TECH, "  2020: {", "  2019: {total_assets: 1}\n  2021: {total_assets: 1}\n  2020: {")
    clean(small_registry, small_registry.load())


def test_criteria_per_function_rule_applies_only_to_that_function(small_registry):
    small_registry.replace(TECH, "functions: [technology, training]", "functions: [technology]")
    small_registry.replace(TECH, ", training_person_times: 900", "")
    clean(small_registry, small_registry.load())
    small_registry.replace(TECH, "functions: [technology]", "functions: [technology, training]")
    p = small_registry.only(small_registry.load(), rule="criteria.not_reported")
    assert "年培训人次不低于600人次" in p.message and "第八条（四）" in p.message


def test_criteria_without_figures_nothing_is_invented(small_registry):
    small_registry.replace(TECH, "metrics:\n  2020: {total_assets: 520, service_staff: 18, enterprises_served: 120, "
                                 "training_person_times: 900}\n", "")
    clean(small_registry, small_registry.load())


# == rule_personal_data =======================================================================
def test_personal_data_mobile_number_in_a_summary(small_registry):
    text = small_registry.replace(TECH, "服务热线：0374-2965056。", "联系人手机：13812345678。")
    reg = small_registry.load()
    p = small_registry.only(reg, rule="privacy.mobile")
    assert small_registry.is_file(p, TECH)
    assert (p.line, p.field, p.severity) == (line_of(text, "summary: |"), "summary", ERROR)
    assert "手机号码" in p.message and "办公电话" in p.message


@pytest.mark.parametrize("written", ["+86 13812345678", "+8613812345678", "86-13812345678", "（13812345678）"])
def test_personal_data_mobile_number_with_country_code(small_registry, written):
    small_registry.replace(TECH, "服务热线：0374-2965056。", f"联系人手机：{written}。")
    assert small_registry.find(small_registry.load(), rule="privacy.mobile"), written


def test_personal_data_mobile_number_as_a_contact_phone(small_registry):
    text = small_registry.replace(CALL, '{phone: "0374-2965056", email', '{phone: "13812345678", email')
    p = small_registry.only(small_registry.load(), rule="privacy.mobile")
    assert small_registry.is_file(p, CALL) and (p.line, p.field) == (line_of(text, "13812345678"), "contact.phone")


def test_personal_data_id_card_number(small_registry):
    text = small_registry.replace(TECH, "服务热线：0374-2965056。", "负责人身份证号：11010519491231002X。")
    p = small_registry.only(small_registry.load(), rule="privacy.id-card")
    assert (p.line, p.field, p.severity) == (line_of(text, "summary: |"), "summary", ERROR)
    assert "身份证" in p.message


@pytest.mark.parametrize("fine", ["服务热线：0374-2965056。", "电话：2965056。", "电话：0374-29650561。",
                                  "账号：110105194912310021。", "服务企业 13812 家。", "邮箱：gxjzxqyk2965056@163.com。"])
def test_personal_data_office_contacts_are_fine(small_registry, fine):
    small_registry.replace(TECH, "服务热线：0374-2965056。", fine)
    clean(small_registry, small_registry.load())


# == rule_forms ===============================================================================
def test_forms_unpublished_with_blocks(small_registry):
    text = small_registry.replace(TABLE, "blocks: []", "blocks:\n  - heading: 汇总表")
    p = small_registry.only(small_registry.load(), rule="form.unpublished-blocks")
    assert small_registry.is_file(p, TABLE) and (p.line, p.field) == (line_of(text, "blocks:"), "blocks")
    assert "published: false" in p.message


def test_forms_unpublished_without_a_reason(small_registry):
    text = small_registry.replace(TABLE, "unpublished_reason: 原文列为附件2但未附内容，无法据实转录。\n", "")
    p = small_registry.only(small_registry.load(), rule="form.unpublished-reason")
    assert (p.line, p.field) == (line_of(text, "published: false"), "unpublished_reason")
    assert "unpublished_reason" in p.message


def test_forms_published_without_blocks(small_registry):
    text = small_registry.text(FORM)
    text = text[: text.index("blocks:")] + "blocks: []\n"
    small_registry.write(FORM, text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="form.empty")
    assert (p.line, p.field) == (line_of(text, "blocks:"), "blocks") and "published: false" in p.message


def test_forms_passing(small_registry):
    reg = small_registry.load()
    clean(small_registry, reg)
    assert reg.forms["xuchang-2024-summary-table"].published is False
    assert reg.forms["xuchang-recommendation-form"].published is True


@pytest.mark.parametrize("block", ["  - {heading: 甲, paragraph: 乙}", "  - {}", "  - table: {columns: [序号]}",
                                   "  - page_break: false", "  - 段落"])
def test_forms_block_shape_is_checked_by_the_schema(small_registry, block):
    text = small_registry.replace(FORM, "  - text: {label: 对区域中小企业发展的影响和作用, lines: 6}", block)
    found = small_registry.find(small_registry.load(), file=FORM)
    assert found and {p.line for p in found} == {line_of(text, block.strip())}
    assert all(p.field.startswith("blocks[1]") for p in found)


# == rule_calendar ============================================================================
def test_calendar_date_outside_its_year(small_registry):
    text = CAL_2027.replace("workdays: [2027-02-20]", "workdays: [2026-02-20]")
    small_registry.write("calendar/2027.yaml", text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="calendar.year")
    assert (p.line, p.field) == (line_of(text, "workdays"), "workdays[0]") and "2026-02-20" in p.message


def test_calendar_day_both_off_and_worked(small_registry):
    text = CAL_2027.replace("workdays: [2027-02-20]", "workdays: [2027-02-20, 2027-02-05]")
    small_registry.write("calendar/2027.yaml", text, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="calendar.both")
    assert (p.line, p.field) == (line_of(text, "workdays"), "workdays[1]") and "2027-02-05" in p.message


def test_calendar_weekday_listed_as_workday_is_a_warning(small_registry):
    text = CAL_2027.replace("workdays: [2027-02-20]", "workdays: [2027-02-20, 2027-02-17]")
    small_registry.write("calendar/2027.yaml", text, dedent_text=False)
    reg = small_registry.load()
    p = small_registry.only(reg, rule="calendar.workday-weekday")
    assert (p.severity, p.field) == (WARNING, "workdays[1]") and reg.ok


def test_calendar_valid_file(small_registry):
    small_registry.write("calendar/2027.yaml", CAL_2027, dedent_text=False)
    reg = small_registry.load()
    clean(small_registry, reg)
    assert reg.calendar.source_of(2027) == "registry/calendar/2027.yaml"


def test_calendar_file_name_is_a_year(small_registry):
    small_registry.write("calendar/next-year.yaml", CAL_2027, dedent_text=False)
    p = small_registry.only(small_registry.load(), rule="registry.id")
    assert "四位年份" in p.message
