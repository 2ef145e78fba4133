"""The YAML loader and the folder loader: every trap a clerk can fall into is reported
with the file, the line and a Chinese message that says what to do."""
from __future__ import annotations

import re

import pytest

from sme_testkit import BASE, FIN_CODE, XC_CODE, describe, line_of
from sme_registry.problems import ERROR, Problems
from sme_registry.yamlsource import load_text

CJK = re.compile(r"[\u4e00-\u9fff]")
PLATFORM = "platforms/xc-finance-hub.yaml"
TECH = "platforms/xc-tech-service-center.yaml"
CALL = "notices/xuchang-2024-call.yaml"


def load_one(text: str):
    problems = Problems()
    src = load_text(text, "x.yaml", problems)
    return src, problems.sorted()


# -- the baseline -------------------------------------------------------------------------
def test_small_registry_is_valid(small_registry):
    """The fixture validates with no problem at all: every test that breaks it counts."""
    reg = small_registry.load()
    assert reg.problems.items == [], describe(reg)
    assert reg.ok
    assert sorted(reg.programmes) == ["henan-province", "jiangsu-star", "national", "xuchang-city"]
    assert sorted(reg.platforms) == ["js-xuanwu-service-hub", "xc-finance-hub", "xc-tech-service-center"]
    assert sorted(reg.notices) == ["xuchang-2021-recognition", "xuchang-2024-call"]
    assert sorted(reg.forms) == ["xuchang-2024-summary-table", "xuchang-recommendation-form"]
    assert sorted(reg.publicity) == ["xuchang-2024-publicity"]


def test_records_keep_their_values(small_registry):
    reg = small_registry.load()
    pl = reg.platforms["xc-tech-service-center"]
    assert pl.operator.credit_code == XC_CODE
    assert pl.region == "411002"
    assert pl.metrics == {2020: {"total_assets": 520, "service_staff": 18, "enterprises_served": 120,
                                 "training_person_times": 900}}
    assert [r.programme for r in pl.recognitions] == ["xuchang-city", "henan-province"]
    assert [str(e.on) for e in pl.recognitions[0].events] == ["2023-02-20", "2024-02-26"]
    n = reg.notices["xuchang-2024-call"]
    assert str(n.deadlines[0].on) == "2024-11-25"
    assert n.attachments == ["xuchang-recommendation-form", "xuchang-2024-summary-table"]


def test_every_field_has_its_line(small_registry):
    reg = small_registry.load()
    pl = reg.platforms["xc-tech-service-center"]
    text = BASE[TECH]
    assert pl.line("operator", "credit_code") == line_of(text, "credit_code:")
    assert pl.line("recognitions", 1, "programme") == line_of(text, "programme: henan-province")
    assert pl.line("recognitions", 0, "events", 1, "on") == line_of(text, "2024-02-26")
    assert pl.line("metrics", "2020") == line_of(text, "2020: {")
    # a path that does not exist falls back to its nearest ancestor
    assert pl.line("recognitions", 1, "nonexistent") == line_of(text, "programme: henan-province")


# -- keys and implicit types ---------------------------------------------------------------
def test_on_key_stays_text():
    src, problems = load_one("deadlines:\n  - {on: 2024-11-18, what: 报送}\non: 1\nyes: 2\n2023: {a: 1}\n")
    assert problems == []
    assert src.data == {"deadlines": [{"on": "2024-11-18", "what": "报送"}], "on": 1, "yes": 2, "2023": {"a": 1}}
    assert True not in src.data


def test_dates_become_iso_text_and_quoted_values_stay_text():
    src, problems = load_one('a: 2024-01-05\nb: "no"\nc: \'010\'\nd: |\n  yes\ne: no\nf: 010\ng: 0.35\nh: ~\n')
    assert problems == []
    assert src.data == {"a": "2024-01-05", "b": "no", "c": "010", "d": "yes\n", "e": False, "f": 8,
                        "g": 0.35, "h": None}


# -- YAML traps in one file ------------------------------------------------------------------
def test_duplicate_key_points_at_the_second_occurrence(empty_registry):
    text = """\
        name: 许昌市中小企业融资服务平台
        operator:
          name: 许昌普惠金融服务有限公司
        region: "411002"
        recognitions: []
        name: 许昌市融资服务平台
        """
    empty_registry.write(PLATFORM, text)
    reg = empty_registry.load()
    p = empty_registry.only(reg, rule="yaml.duplicate-key")
    assert (p.line, p.field, p.severity) == (6, "name", ERROR)
    assert "重复" in p.message and "第 1 行" in p.message
    assert p.format().endswith(f"xc-finance-hub.yaml:6: name: {p.message}")


def test_nested_duplicate_key(empty_registry):
    empty_registry.write(PLATFORM, """\
        name: 许昌市中小企业融资服务平台
        operator:
          name: 许昌普惠金融服务有限公司
          name: 许昌普惠金融
        region: "411002"
        recognitions: []
        """)
    p = empty_registry.only(empty_registry.load(), rule="yaml.duplicate-key")
    assert (p.line, p.field) == (4, "operator.name")
    assert "第 3 行" in p.message


def test_tab_indentation(empty_registry):
    empty_registry.write(PLATFORM, "name: 许昌市中小企业融资服务平台\noperator:\n\tname: 许昌普惠金融服务有限公司\n"
                                   "region: \"411002\"\nrecognitions: []\n", dedent_text=False)
    reg = empty_registry.load()
    p = empty_registry.only(reg, file=PLATFORM)
    assert (p.rule, p.line) == ("yaml.tab", 3)
    assert "制表符" in p.message and "空格" in p.message


# Free text: quoting fixes it.  An enum: quoting `no` would not make it valid, so the choices are listed.
@pytest.mark.parametrize("rel,old,new,field,literal,advice", [
    (TECH, "type: assessment, result: pass}\n      - {on: 2024-02-26",
     "type: assessment, result: no}\n      - {on: 2024-02-26", "recognitions[0].events[0].result", "no",
     "可选：pass、fail"),
    (TECH, "type: assessment, result: pass}\n      - {on: 2024-02-26",
     "type: yes, result: pass}\n      - {on: 2024-02-26", "recognitions[0].events[0].type", "yes",
     "可选：assessment、re_evaluation、revoked、renewed、withdrawn"),
    ("programmes/xuchang-city.yaml", "level: city", "level: on", "level", "on", "可选：national、province、city、county"),
    ("forms/xuchang-recommendation-form.yaml", "format: docx", "format: off", "format", "off", "可选：docx、xlsx"),
    (TECH, "name: 许昌市中小企业技术创新服务平台", "name: yes", "name", "yes", '请加引号写成 "yes"'),
])
def test_unquoted_yes_no_on_where_text_is_expected(small_registry, rel, old, new, field, literal, advice):
    text = small_registry.replace(rel, old, new)
    reg = small_registry.load()
    p = small_registry.only(reg, file=rel, field=field)
    assert p.line == line_of(text, new.splitlines()[0])
    assert f"“{literal}”" in p.message and "布尔值" in p.message and advice in p.message
    assert p.severity == ERROR


@pytest.mark.parametrize("rel,old,new,field,literal", [
    (PLATFORM, 'region: "411002"', "region: 411002", "region", "411002"),
    (CALL, '{phone: "0374-2965056", email', "{phone: 2965056, email", "contact.phone", "2965056"),
    ("programmes/xuchang-city.yaml", 'region: "411000"', "region: 010000", "region", "010000"),
    (PLATFORM, f'credit_code: "{FIN_CODE}"', "credit_code: 914110020000000001", "operator.credit_code",
     "914110020000000001"),
])
def test_unquoted_numbers_where_text_is_expected(small_registry, rel, old, new, field, literal):
    text = small_registry.replace(rel, old, new)
    reg = small_registry.load()
    p = small_registry.only(reg, file=rel, field=field)
    assert p.line == line_of(text, new)
    assert "加引号" in p.message and "数字" in p.message
    assert f"“{literal}”" in p.message and f'"{literal}"' in p.message  # quotes the literal as written


def test_leading_zero_literal_is_quoted_as_written():
    """`010000` is YAML 1.1 octal (4096): the message must show what the clerk wrote."""
    src, problems = load_one("region: 010000\n")
    assert problems == [] and src.data == {"region": 4096}
    assert src.implicit[("region",)][1] == "010000"


@pytest.mark.parametrize("bad", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31"])
def test_dates_that_do_not_exist(small_registry, bad):
    text = small_registry.replace(TECH, "on: 2022-12-15", f"on: {bad}")
    reg = small_registry.load()
    p = small_registry.only(reg, file=TECH)
    assert (p.field, p.line) == ("recognitions[1].on", line_of(text, bad))
    assert f"“{bad}”" in p.message and "日期" in p.message


def test_date_with_a_time_is_not_a_date(small_registry):
    text = small_registry.replace(CALL, "issued_on: 2024-10-28", "issued_on: 2024-10-28 09:30:00")
    reg = small_registry.load()
    found = small_registry.find(reg, file=CALL)
    assert found and not reg.ok
    for p in found:
        assert (p.field, p.line) == ("issued_on", line_of(text, "issued_on"))
        assert "YYYY-MM-DD" in p.message and "“2024-10-28 09:30:00”" in p.message


@pytest.mark.parametrize("bad", ["9999-12-20", "0201-12-20", "1899-12-31", "2100-01-01"])
def test_dates_outside_the_plausible_years(small_registry, bad):
    """A year typo (0201 for 2021) is reported, and the far end of the calendar (9999, where
    `next_year` has no 1 January) never reaches the lifecycle as a crash."""
    text = small_registry.replace(TECH, "on: 2021-12-20", f"on: {bad}")
    reg = small_registry.load()
    p = small_registry.only(reg, file=TECH, line=line_of(text, bad))
    assert p.field == "recognitions[0].on"
    assert f"“{bad}”" in p.message and "1900–2099" in p.message


def test_gbk_file(small_registry):
    small_registry.write(TECH, BASE[TECH].encode("gbk"))
    reg = small_registry.load()
    p = small_registry.only(reg, file=TECH)
    assert (p.rule, p.line) == ("yaml.encoding", 2)   # line 1 is the ASCII schema comment
    assert "UTF-8" in p.message and "GBK" in p.message
    assert "xc-tech-service-center" not in reg.platforms


def test_utf8_bom(small_registry):
    small_registry.write(TECH, b"\xef\xbb\xbf" + BASE[TECH].encode("utf-8"))
    reg = small_registry.load()
    p = small_registry.only(reg, file=TECH)
    assert (p.rule, p.line, p.severity) == ("yaml.bom", 1, ERROR)
    assert "BOM" in p.message


@pytest.mark.parametrize("content", ["", "\n\n", "# yaml-language-server: $schema=../schema/platform.schema.json\n# 待填写\n",
                                     "   \n# 只有注释\n"])
def test_empty_and_comment_only_files(small_registry, content):
    small_registry.write(TECH, content, dedent_text=False)
    reg = small_registry.load()
    p = small_registry.only(reg, file=TECH)
    assert (p.rule, p.line) == ("yaml.empty", 1)
    assert "空" in p.message


@pytest.mark.parametrize("content", ["- 许昌\n- 平台\n", "许昌市中小企业融资服务平台\n"])
def test_a_record_is_a_mapping(small_registry, content):
    small_registry.write(PLATFORM, content, dedent_text=False)
    p = small_registry.only(small_registry.load(), file=PLATFORM)
    assert (p.rule, p.line) == ("yaml.not-mapping", 1)
    assert "字段" in p.message


@pytest.mark.parametrize("name", ["Upper.yaml", "a_b.yaml", "ab.yaml", "许昌.yaml", "x" * 81 + ".yaml"])
def test_file_name_that_is_not_an_id(small_registry, name):
    small_registry.write(f"platforms/{name}", BASE[PLATFORM], dedent_text=False)
    reg = small_registry.load()
    p = small_registry.only(reg, file=f"platforms/{name}")
    assert (p.rule, p.line, p.severity) == ("registry.id", 0, ERROR)
    assert name in p.message and "小写" in p.message
    assert p.format() == f"{p.path}: {p.message}"   # a whole-file problem: no line shown


def test_yml_extension(small_registry):
    small_registry.write("platforms/xc-new-platform.yml", BASE[PLATFORM], dedent_text=False)
    reg = small_registry.load()
    p = small_registry.only(reg, file="platforms/xc-new-platform.yml")
    assert (p.rule, p.line) == ("registry.extension", 0)
    assert ".yaml" in p.message and ".yml" in p.message


def test_unknown_field_suggests_the_right_one(small_registry):
    rel = "forms/xuchang-recommendation-form.yaml"
    text = small_registry.replace(rel, "programme: xuchang-city", "programe: xuchang-city")
    reg = small_registry.load()
    p = small_registry.only(reg, file=rel)
    assert (p.rule, p.line, p.field) == ("schema.additionalProperties", line_of(text, "programe:"), "programe")
    assert "未知字段“programe”" in p.message and "“programme”" in p.message


def test_unknown_field_without_a_close_match_lists_the_fields(small_registry):
    text = small_registry.replace(PLATFORM, "recognitions: []", "recognitions: []\n备注: 无")
    p = small_registry.only(small_registry.load(), file=PLATFORM)
    assert (p.line, p.field) == (line_of(text, "备注"), "备注")
    assert "未知字段“备注”" in p.message and "recognitions" in p.message


@pytest.mark.parametrize("rel,line_text,field", [
    (CALL, "issuer: 许昌市工业和信息化局\n", "issuer"),
    (PLATFORM, 'region: "411002"\n', "region"),
    ("programmes/xuchang-city.yaml", 'region: "411000"\n', "region"),   # required below national level
    ("publicity/xuchang-2024-publicity.yaml", "starts_on: 2024-12-02\n", "starts_on"),
])
def test_missing_required_field(small_registry, rel, line_text, field):
    small_registry.replace(rel, line_text, "")
    reg = small_registry.load()
    p = small_registry.only(reg, file=rel, rule="schema.required")
    assert p.line == 2   # the record's first line (after the schema comment)
    assert f"缺少必填字段“{field}”" in p.message


def test_missing_required_nested_field(small_registry):
    text = small_registry.replace(PLATFORM, "  name: 许昌普惠金融服务有限公司\n", "  registered_on: 2016-03-01\n")
    p = small_registry.only(small_registry.load(), file=PLATFORM, rule="schema.required")
    assert (p.line, p.field) == (line_of(text, "operator:"), "operator")
    assert "缺少必填字段“name”" in p.message


@pytest.mark.parametrize("text,line,hint", [
    ("name: 许昌: 平台\nregion: \"411002\"\n", 1, "冒号"),
    ("name: 许昌市平台\nrecognitions: [\n", 3, ""),
    ("name: 许昌市平台\noperator:\n  name: 甲\n name: 乙\n", 4, ""),
    ("name: '许昌市平台\nregion: \"411002\"\n", 3, ""),
    ("name: 许昌市平台\n---\nname: 乙\n", 2, "一个文件只能有一条记录"),
    ("name: @许昌市平台\n", 1, "@"),
    ("name: *anchor\n", 1, "锚点"),
])
def test_yaml_syntax_errors(small_registry, text, line, hint):
    small_registry.write(PLATFORM, text, dedent_text=False)
    reg = small_registry.load()
    p = small_registry.only(reg, file=PLATFORM)
    assert (p.rule, p.line, p.severity) == ("yaml.syntax", line, ERROR)
    assert p.message.startswith("YAML 语法错误")
    assert hint in p.message


def test_mapping_value_error_is_explained_in_chinese():
    """libyaml's 'mapping values are not allowed in this context' gets the Chinese advice."""
    _, problems = load_one("title: 关于印发《办法》的通知: 附件\n")
    (p,) = problems
    assert "冒号后面的文字含冒号时请加引号" in p.message
    assert "not allowed" not in p.message


def test_a_character_that_cannot_start_a_value_is_not_called_a_tab():
    """`@`, backquote and `%` cannot start a plain value; the message must not blame a Tab."""
    for ch in "@`%":
        _, problems = load_one(f"name: {ch}许昌\n")
        (p,) = problems
        assert "制表符" not in p.message, p.message
        assert ch in p.message and "加引号" in p.message


def test_control_character(small_registry):
    small_registry.write(PLATFORM, "name: 许昌市平台\nregion: \"41\x0b1002\"\n", dedent_text=False)
    p = small_registry.only(small_registry.load(), file=PLATFORM)
    assert (p.rule, p.line) == ("yaml.syntax", 2)
    assert CJK.search(p.message.split("：", 1)[1]), p.message   # explained, not only libyaml's English


@pytest.mark.parametrize("text,line,hint", [
    ("programmes: [xuchang-city, henan-province\n", 2, "方括号"),
    ("contact: {phone: \"0374-2965056\"\n", 2, "花括号"),
    ("title: \"关于开展认定工作的通知\n", 2, "引号"),
    ("title: \"C:\\认定\"\n", 1, "反斜杠"),
    ("deadlines:\n  - {on: 2024-11-18, what: 报送}\n - {on: 2024-11-21, what: 报送}\n", 3, "缩进"),
])
def test_common_syntax_errors_are_explained_in_chinese(text, line, hint):
    _, problems = load_one(text)
    (p,) = problems
    assert p.line == line and hint in p.message, p.message
    assert not re.search(r"did not find|found unexpected|unknown escape", p.message), p.message


@pytest.mark.parametrize("ch", ["\x85", "\u2028", "\u2029"])
def test_invisible_line_breaks_from_pasted_text(small_registry, ch):
    """YAML would read U+2028 and friends as line breaks, splitting a value in two and numbering
    lines differently from the editor: reported on the line the clerk sees."""
    text = BASE[TECH].replace("面向许昌市装备制造业", f"面向许昌市{ch}装备制造业")
    small_registry.write(TECH, text, dedent_text=False)
    p = small_registry.only(small_registry.load(), file=TECH)
    assert (p.rule, p.line) == ("yaml.line-break", line_of(text, "面向许昌市"))
    assert f"U+{ord(ch):04X}" in p.message


def test_recursive_alias_is_an_error_not_a_crash():
    _, problems = load_one("name: 许昌市平台\nfunctions: &f [*f]\n")
    (p,) = problems
    assert p.line == 2 and "锚点" in p.message


def test_non_scalar_key():
    src, problems = load_one("? [a, b]\n: 1\nname: 许昌\n")
    (p,) = problems
    assert (p.rule, p.line) == ("yaml.key", 1)
    assert src.data == {"name": "许昌"}


def test_several_problems_are_all_reported(small_registry):
    """Validation never stops at the first problem."""
    small_registry.replace(PLATFORM, 'region: "411002"', "region: 411002")
    small_registry.write("platforms/Bad.yaml", BASE[PLATFORM], dedent_text=False)
    small_registry.write(TECH, "")
    small_registry.replace(CALL, "issuer: 许昌市工业和信息化局\n", "")
    reg = small_registry.load()
    assert {p.rule for p in reg.problems.errors} >= {"schema.type", "registry.id", "yaml.empty", "schema.required"}


def test_duplicate_id_across_layers_and_extends(tmp_path, small_registry):
    """A demo registry extends the real one; a record with the same id is reported."""
    demo = tmp_path / "examples"
    (demo / "platforms").mkdir(parents=True)
    (demo / "registry.yaml").write_text("title: 示例\ndemo: true\nextends: ../registry\n", "utf-8")
    (demo / "platforms" / "xc-finance-hub.yaml").write_text(BASE[PLATFORM], "utf-8")
    from sme_registry.registry import load_registry
    reg = load_registry(demo, as_of=None)
    assert reg.demo and reg.title == "示例"
    dup = [p for p in reg.problems.errors if p.rule == "registry.duplicate-id"]
    assert len(dup) == 1 and "xc-finance-hub" in dup[0].message
    assert "xuchang-city" in reg.programmes   # read from the base layer


def test_missing_registry_folder(tmp_path):
    from sme_registry.registry import load_registry
    reg = load_registry(tmp_path / "nowhere")
    (p,) = reg.problems.errors
    assert p.rule == "registry.missing" and "不存在" in p.message


def test_unknown_folder_is_a_warning(small_registry):
    small_registry.write("platform/xc-extra.yaml", BASE[PLATFORM], dedent_text=False)
    reg = small_registry.load()
    p = small_registry.only(reg, rule="registry.folder")
    assert p.severity == "warning" and "platform" in p.message
    assert reg.ok
