"""The JSON Schemas in registry/schema/: valid, faithful to the record contract
(RECORDS.md + CONTRACT-EXTENSIONS.md), and explained in Chinese when a record fails them."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from sme_testkit import REPO
from sme_registry.problems import Problems
from sme_registry.registry import schemas
from sme_registry.schemas import RECORD_TYPES, SCHEMA_DIR
from sme_registry.yamlsource import load_text

RECORDS_MD = Path("/work/shared/design/RECORDS.md")
FOLDER_KIND = {"programmes": "programme", "notices": "notice", "forms": "form", "publicity": "publicity",
               "platforms": "platform"}


def check(kind: str, text: str):
    problems = Problems()
    src = load_text(text, f"{kind}.yaml", problems)
    assert src is not None, problems.sorted()
    ok = schemas().check(kind, src, problems)
    return ok, problems.sorted()


def props(kind: str) -> dict:
    return schemas().raw[f"{kind}.schema.json"]["properties"]


# -- the schema files ------------------------------------------------------------------------------
def test_schema_dir_is_the_repository_one():
    assert SCHEMA_DIR == REPO / "registry" / "schema"


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.schema.json")), ids=lambda p: p.name)
def test_schema_files_are_valid_draft_2020_12(path):
    schema = json.loads(path.read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for v in node.values():
            yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_every_record_type_has_a_schema_and_every_ref_resolves():
    raw = schemas().raw
    assert {f"{k}.schema.json" for k in RECORD_TYPES} <= set(raw)
    for name, schema in raw.items():
        for ref in _refs(schema):
            file, _, pointer = ref.partition("#")
            node = raw[file] if file else schema
            for part in [x for x in pointer.split("/") if x]:
                node = node[part]
            assert isinstance(node, dict), (name, ref)
    assert schemas().validators.keys() == set(RECORD_TYPES)


# -- faithful to the contract ---------------------------------------------------------------------
CONTRACT_FIELDS = {
    "programme": ["name", "authority", "level", "region", "measures", "validity", "publicity_working_days", "rating",
                  "requires", "name_must_not_contain", "criteria", "basis", "summary"],
    "notice": ["title", "kind", "issuer", "doc_number", "issued_on", "programmes", "deadlines", "attachments",
               "contact", "body", "note", "basis"],
    "form": ["title", "programme", "format", "cover", "blocks", "notes", "published", "unpublished_reason", "source_name"],
    "publicity": ["title", "programme", "starts_on", "working_days", "ends_on", "objections", "entries", "outcome"],
    "platform": ["name", "operator", "region", "category", "functions", "website", "summary", "metrics", "recognitions"],
    "calendar": ["holidays", "workdays", "source"],
}
CONTRACT_REQUIRED = {
    "programme": {"name", "authority", "level", "validity"},
    "notice": {"title", "kind", "issuer", "issued_on"},
    "form": {"title", "format", "blocks"},
    "publicity": {"title", "programme", "starts_on", "entries"},
    "platform": {"name", "operator", "region", "recognitions"},
}


@pytest.mark.parametrize("kind", sorted(CONTRACT_FIELDS))
def test_contract_field_names(kind):
    assert set(CONTRACT_FIELDS[kind]) <= set(props(kind))


@pytest.mark.parametrize("kind", sorted(CONTRACT_REQUIRED))
def test_contract_required_fields(kind):
    assert set(schemas().raw[f"{kind}.schema.json"]["required"]) == CONTRACT_REQUIRED[kind]


def test_contract_nested_names_and_enums():
    raw = schemas().raw
    common = raw["common.schema.json"]["$defs"]
    assert common["level"]["enum"] == ["national", "province", "city", "county"]
    assert common["function"]["enum"] == ["information", "technology", "entrepreneurship", "training", "financing"]
    assert common["category"]["enum"] == ["comprehensive", "specialized"]
    p = props("programme")
    assert set(p["validity"]["properties"]) == {"years", "starts", "ends"}
    assert p["validity"]["properties"]["starts"]["enum"] == ["announcement_date", "next_year"]
    assert p["validity"]["properties"]["ends"]["enum"] == ["year_end", "anniversary", "none"]
    assert p["rating"]["enum"] == ["none", "stars"]
    assert props("notice")["kind"]["enum"] == ["call", "measures", "publicity", "result", "revocation",
                                               "re_evaluation", "other"]
    assert props("form")["format"]["enum"] == ["docx", "xlsx"]
    plat = raw["platform.schema.json"]
    assert {"name", "credit_code", "credit_code_legacy", "registered_on"} == set(plat["properties"]["operator"]["properties"])
    assert {"programme", "notice", "on", "star", "events"} == set(plat["$defs"]["recognition"]["properties"])
    event = plat["$defs"]["event"]["properties"]
    assert event["type"]["enum"] == ["assessment", "re_evaluation", "revoked", "renewed", "withdrawn"]
    assert event["result"]["enum"] == ["pass", "fail"]
    assert "revokes" in event


def contract_examples():
    text = RECORDS_MD.read_text("utf-8")
    return re.findall(r"## (\w+)/<id>\.yaml.*?```yaml\n(.*?)```", text, re.S)


@pytest.mark.skipif(not RECORDS_MD.exists(), reason="the shared design folder is not here")
def test_the_contract_examples_pass_the_schemas():
    examples = contract_examples()
    assert [f for f, _ in examples] == ["programmes", "notices", "forms", "publicity", "platforms"]
    for folder, body in examples:
        ok, problems = check(FOLDER_KIND[folder], body)
        assert ok, (folder, problems)


# -- messages in Chinese ---------------------------------------------------------------------------
FORM = """\
title: 许昌市中小企业公共服务示范平台推荐表
format: docx
blocks:
  - text: {label: 推荐意见, lines: 6}
"""
PLATFORM = """\
name: 许昌市中小企业技术创新服务平台
operator: {name: 许昌智造科技服务有限公司}
region: "411002"
recognitions: []
"""


def one(kind, text):
    ok, problems = check(kind, text)
    assert not ok and len(problems) == 1, problems
    return problems[0]


def test_valid_minimal_records():
    assert check("form", FORM) == (True, [])
    assert check("platform", PLATFORM) == (True, [])


def test_message_enum_lists_the_options():
    p = one("form", FORM.replace("format: docx", "format: pdf"))
    assert (p.line, p.field) == (2, "format") and "“pdf”不是允许的取值" in p.message and "docx、xlsx" in p.message


def test_message_type():
    p = one("form", FORM.replace("lines: 6", "lines: 6.5"))
    assert (p.line, p.field) == (4, "blocks[0].text.lines") and "整数" in p.message and "数字" in p.message
    assert "加引号" not in p.message   # quoting would not help: an integer is wanted
    p = one("form", FORM.replace("lines: 6", "lines: 六行"))
    assert "应填写整数，现在是文字" in p.message


def test_message_empty_value():
    p = one("platform", PLATFORM.replace("name: 许昌市中小企业技术创新服务平台", "name:"))
    assert (p.line, p.field) == (1, "name") and "不能为空" in p.message
    p = one("platform", PLATFORM.replace("name: 许昌市中小企业技术创新服务平台", 'name: ""'))
    assert "不能为空" in p.message


def test_message_minimum_and_maximum():
    p = one("form", FORM.replace("lines: 6", "lines: 0"))
    assert "不能小于 1（现在是 0）" in p.message
    p = one("form", FORM.replace("lines: 6", "lines: 61"))
    assert "不能大于 60（现在是 61）" in p.message


def test_message_share_written_as_a_percentage():
    text = PLATFORM + "metrics:\n  2023: {discounted_service_share: 35}\n"
    p = one("platform", text)
    assert (p.line, p.field) == (6, "metrics.2023.discounted_service_share")
    assert "不能大于 1" in p.message and "35%" in p.message
    p = one("platform", PLATFORM + "metrics:\n  2023: {discounted_service_share: 35%}\n")
    assert "小数" in p.message


def test_message_metrics_year_key():
    p = one("platform", PLATFORM + "metrics:\n  23: {total_assets: 520}\n")
    assert "“23”" in p.message and "四位年份" in p.message
    assert (p.line, p.field) == (6, "metrics.23")   # the key's own line, not the `metrics:` line


def test_message_unknown_metric():
    p = one("platform", PLATFORM + "metrics:\n  2023: {total_asset: 520}\n")
    assert p.line == 6 and "未知字段“total_asset”" in p.message and "“total_assets”" in p.message


def test_message_unique_items():
    p = one("platform", PLATFORM + "functions: [training, training]\n")
    assert p.field == "functions" and "重复" in p.message


def test_message_min_items_and_const():
    p = one("form", FORM + "  - table: {columns: [], rows: 3}\n")
    assert p.field == "blocks[1].table.columns" and "至少要有 1 项" in p.message
    p = one("form", FORM + "  - page_break: false\n")
    assert p.field == "blocks[1].page_break" and "只能写 true" in p.message and "加引号" not in p.message


def test_message_block_with_two_kinds():
    p = one("form", FORM + "  - {heading: 甲, paragraph: 乙}\n")
    assert p.line == 5 and "每个版块只能有一种" in p.message


def test_message_criterion_shape():
    prog = """\
name: 许昌市中小企业公共服务示范平台
authority: 许昌市工业和信息化局
level: city
region: "411000"
validity: {years: 3, starts: next_year, ends: year_end}
criteria:
  - {metric: total_assets, clause: "第七条（二）"}
"""
    ok, problems = check("programme", prog)
    assert not ok and problems and all(p.line == 7 for p in problems)
    assert any("metric 加 min 或 max" in p.message for p in problems)
    ok, problems = check("programme", prog.replace('clause: "第七条（二）"', 'min: 50, clause: "第七条（二）"'))
    assert ok, problems
    ok, problems = check("programme", prog.replace('{metric: total_assets, clause: "第七条（二）"}',
                                                   "{metric: total_assets, min: 50}"))
    assert not ok and any("clause" in p.message for p in problems)


def test_region_required_below_national_level_only():
    prog = """\
name: 国家中小企业公共服务示范平台
authority: 工业和信息化部
level: national
validity: {years: 3, starts: next_year, ends: year_end}
"""
    assert check("programme", prog) == (True, [])
    p = one("programme", prog.replace("level: national", "level: province"))
    assert "缺少必填字段“region”" in p.message


def test_a_date_in_a_text_field_is_text():
    """`what: 2024-11-18` is read as a date by YAML; it is kept as the text written."""
    notice = """\
title: 关于开展认定工作的通知
kind: call
issuer: 许昌市工业和信息化局
issued_on: 2024-11-11
deadlines:
  - {on: 2024-11-18, what: 2024-11-18}
"""
    assert check("notice", notice) == (True, [])


def test_every_schema_type_error_message_is_chinese():
    """No jsonschema English leaks through for the common mistakes."""
    cases = [("form", FORM.replace("blocks:", "blocks: 无\nx:")), ("platform", PLATFORM.replace("[]", "{}")),
             ("platform", PLATFORM.replace('"411002"', '"41100"'))]
    for kind, text in cases:
        ok, problems = check(kind, text)
        assert not ok
        for p in problems:
            assert re.search(r"[\u4e00-\u9fff]", p.message) and "is not" not in p.message, p
