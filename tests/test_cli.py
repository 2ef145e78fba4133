"""The staff command line (sme_registry.cli): validate, status, new."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sme_testkit import REPO, XC_CODE, line_of
from sme_registry.cli import main
from sme_registry.registry import load_registry
from sme_registry.scaffold import FOLDER

TECH = "registry/platforms/xc-tech-service-center.yaml"
CALL = "registry/notices/xuchang-2024-call.yaml"
JS_REL = "platforms/js-xuanwu-service-hub.yaml"
JS = f"registry/{JS_REL}"


@pytest.fixture
def cwd_registry(small_registry, monkeypatch):
    """The small registry as ./registry, so printed paths are short and exact."""
    monkeypatch.chdir(small_registry.root.parent)
    return small_registry


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def break_three_things(r):
    """Two errors in one platform file and one in a notice (written in another order)."""
    text = r.replace("platforms/xc-tech-service-center.yaml", 'region: "411002"', "region: 411002")
    text = r.replace("platforms/xc-tech-service-center.yaml", XC_CODE, XC_CODE[:-2] + "IO")
    call = r.replace("notices/xuchang-2024-call.yaml", "许工信〔2024〕120号", "许工信〔2022〕120号")
    return text, call


# -- validate ---------------------------------------------------------------------------------
def test_validate_clean(cwd_registry, capsys):
    code, out, _ = run(capsys, "validate", "registry", "--as-of", "2024-11-20")
    assert code == 0
    assert out.strip() == "检查通过：没有错误，没有警告。"


def test_validate_prints_every_problem_sorted_by_file_and_line(cwd_registry, capsys):
    text, call = break_three_things(cwd_registry)
    code, out, _ = run(capsys, "validate", "registry", "--as-of", "2024-11-20")
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 4, out
    assert lines[0].startswith(f"{CALL}:{line_of(call, 'doc_number')}: doc_number: 发文字号的年份 2022")
    assert lines[1].startswith(f"{TECH}:{line_of(text, 'credit_code')}: operator.credit_code: “{XC_CODE[:-2]}IO”格式不对")
    assert lines[2].startswith(f"{TECH}:{line_of(text, 'region: 411002')}: region: “411002”没有加引号")
    assert line_of(text, "credit_code") < line_of(text, "region: 411002")
    assert lines[3] == "发现 3 个错误、0 个警告。错误修正之前不会发布。"
    for ln in lines[:3]:
        assert re.match(r"^registry/[a-z]+/[a-z0-9-]+\.yaml:\d+: [\w.\[\]]+: \S", ln), ln


def test_validate_warnings_only_exit_zero(cwd_registry, capsys):
    text = cwd_registry.replace("platforms/xc-tech-service-center.yaml", "total_assets: 520", "total_assets: 30")
    code, out, _ = run(capsys, "validate", "registry", "--as-of", "2024-11-20")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == (f"{TECH}:{line_of(text, '2020:')}: metrics.2020: 警告: 2020 年指标不符合“资产总额不低于50万元”"
                        "（许昌市中小企业公共服务示范平台，第七条（二）），报送为 30万元。")
    assert lines[1] == "没有错误，1 个警告（警告不妨碍发布，请核对）。"


def test_validate_whole_file_problem_has_no_line(cwd_registry, capsys):
    cwd_registry.write("platforms/Bad_Name.yaml", "name: x\n")
    code, out, _ = run(capsys, "validate", "registry", "--as-of", "2024-11-20")
    assert code == 1
    assert out.splitlines()[0].startswith("registry/platforms/Bad_Name.yaml: 文件名“Bad_Name.yaml”不是合法的编号")


def test_validate_json(cwd_registry, capsys):
    text, call = break_three_things(cwd_registry)
    js = cwd_registry.replace(JS_REL, "    star: 3\n", "")
    code, out, _ = run(capsys, "validate", "registry", "--as-of", "2024-11-20", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert (data["errors"], data["warnings"]) == (3, 1)
    assert [(p["path"], p["line"], p["field"], p["severity"]) for p in data["problems"]] == [
        (CALL, line_of(call, "doc_number"), "doc_number", "error"),
        (JS, line_of(js, "- programme"), "recognitions[0]", "warning"),
        (TECH, line_of(text, "credit_code"), "operator.credit_code", "error"),
        (TECH, line_of(text, "region"), "region", "error"),
    ]
    assert [p["rule"] for p in data["problems"]] == ["notice.doc-year", "recognition.star-missing", "schema.pattern",
                                                     "schema.type"]
    assert all(p["message"] for p in data["problems"])


def test_validate_json_clean(cwd_registry, capsys):
    code, out, _ = run(capsys, "validate", "registry", "--as-of", "2024-11-20", "--format", "json")
    assert code == 0 and json.loads(out) == {"errors": 0, "warnings": 0, "problems": []}


def test_validate_github(cwd_registry, capsys):
    text, call = break_three_things(cwd_registry)
    js = cwd_registry.replace(JS_REL, "    star: 3\n", "")
    code, out, _ = run(capsys, "validate", "registry", "--as-of", "2024-11-20", "--format", "github")
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"::error file={CALL},line={line_of(call, 'doc_number')},title=doc_number::发文字号的年份")
    assert lines[1].startswith(f"::warning file={JS},line={line_of(js, '- programme')},title=recognitions[0]::")
    assert lines[2].startswith(f"::error file={TECH},line={line_of(text, 'credit_code')},title=operator.credit_code::")
    assert lines[3].startswith(f"::error file={TECH},line={line_of(text, 'region')},title=region::")
    assert lines[4] == "发现 3 个错误、1 个警告。错误修正之前不会发布。"
    for ln in lines[:4]:   # one annotation per line: no raw newline or unescaped % in a message
        assert re.match(r"^::(error|warning) file=[^,]+,line=\d+,title=[^:]+::.+$", ln), ln


def test_validate_github_escapes_multiline_messages(cwd_registry, capsys):
    cwd_registry.write("platforms/xc-finance-hub.yaml", "name: 许昌: 平台: 100%\n")
    code, out, _ = run(capsys, "validate", "registry", "--as-of", "2024-11-20", "--format", "github")
    assert code == 1
    annotations = [ln for ln in out.splitlines() if ln.startswith("::")]
    assert annotations and all("\n" not in a for a in annotations)


def test_validate_missing_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "validate", "nowhere")
    assert code == 1 and "登记库目录不存在" in out


def test_bad_as_of_date(cwd_registry, capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "registry", "--as-of", "2024-02-30"])
    assert info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_module_entry_point(cwd_registry):
    """`python -m sme_registry validate` is what `make validate` runs."""
    cwd_registry.replace("platforms/xc-tech-service-center.yaml", 'region: "411002"', "region: 411002")
    env = dict(os.environ, PYTHONPATH=str(REPO / "plugins"))
    proc = subprocess.run([sys.executable, "-m", "sme_registry", "validate", "registry", "--as-of", "2024-11-20"],
                          capture_output=True, text=True, env=env, cwd=cwd_registry.root.parent, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith(f"{TECH}:7: region: “411002”没有加引号")
    proc = subprocess.run([sys.executable, "-m", "sme_registry", "validate", "registry", "--as-of", "2024-11-20",
                           "--format", "json"], capture_output=True, text=True, env=env,
                          cwd=cwd_registry.root.parent, timeout=120)
    assert json.loads(proc.stdout)["errors"] == 1


# -- status -----------------------------------------------------------------------------------------
def sections(out: str) -> dict[str, list[str]]:
    found, current = {}, None
    for ln in out.splitlines():
        if ln.endswith("：") and not ln.startswith(" "):
            current = ln[:-1]
            found[current] = []
        elif current and ln.strip():
            found[current].append(ln.strip())
    return found


def test_status_lists_expiring_title_upcoming_publicity_and_deadline(cwd_registry, capsys):
    code, out, _ = run(capsys, "status", "registry", "--as-of", "2024-11-20", "--within", "60")
    assert code == 0
    assert out.splitlines()[0] == "截至 2024-11-20（往后 60 天，到 2025-01-19）"
    s = sections(out)
    assert s["即将到期的称号"] == ["2024-12-31  剩  41 天  许昌市中小企业技术创新服务平台（许昌市中小企业公共服务示范平台） "
                                "[xc-tech-service-center]"]
    assert s["公示中或即将开始的公示"] == ["2024-12-02 至 2024-12-06  公示未开始  "
                                   "2024年度许昌市中小企业公共服务示范平台拟认定名单公示 [xuchang-2024-publicity]"]
    assert s["即将截止的申报事项"] == ["2024-11-25  剩   5 天  推荐文件及申报材料报送市工业和信息化局中小企业科"
                                "（关于开展2024年度许昌市中小企业公共服务示范平台认定工作的通知） [xuchang-2024-call]"]


def test_status_open_publicity_and_nothing_else(cwd_registry, capsys):
    code, out, _ = run(capsys, "status", "registry", "--as-of", "2024-12-03", "--within", "14")
    assert code == 0
    s = sections(out)
    assert s["即将到期的称号"] == ["（无）"]
    assert len(s["公示中或即将开始的公示"]) == 1 and "公示中" in s["公示中或即将开始的公示"][0]
    assert s["即将截止的申报事项"] == ["（无）"]


def test_status_closed_publicity_is_not_listed(cwd_registry, capsys):
    code, out, _ = run(capsys, "status", "registry", "--as-of", "2024-12-09", "--within", "30")
    assert sections(out)["公示中或即将开始的公示"] == ["（无）"]


def test_status_of_a_registry_with_errors(cwd_registry, capsys):
    cwd_registry.replace("platforms/xc-tech-service-center.yaml", 'region: "411002"', "region: 411002")
    code, out, _ = run(capsys, "status", "registry", "--as-of", "2024-11-20")
    assert code == 1 and "没有加引号" in out


def test_status_with_an_unpublished_calendar_year_does_not_crash(cwd_registry, capsys):
    """A publicity list in a year no calendar knows is an error; status reports it, no traceback."""
    cwd_registry.replace("publicity/xuchang-2024-publicity.yaml", "starts_on: 2024-12-02\nends_on: 2024-12-06",
                         "starts_on: 2027-12-01")
    code, out, _ = run(capsys, "status", "registry", "--as-of", "2024-11-20")
    assert code == 1 and "2027 年的节假日安排未知" in out


# -- new --------------------------------------------------------------------------------------------
def schema_target(path: Path) -> Path:
    first = path.read_text("utf-8").splitlines()[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert m, first
    return (path.parent / m.group(1)).resolve()


def test_new_platform(cwd_registry, capsys):
    code, out, _ = run(capsys, "new", "platform", "--registry", "registry")
    assert code == 0
    path = Path("registry/platforms/new-platform.yaml")
    assert path.is_file() and str(path) in out
    target = schema_target(path)
    assert target.is_file() and target.name == "platform.schema.json"
    assert json.loads(target.read_text("utf-8"))["title"].startswith("平台")
    reg = load_registry(Path("registry"))
    assert "new-platform" in reg.present["platforms"]   # found by the loader
    mine = [p for p in reg.problems.errors if p.path == str(path)]
    assert mine and {p.field for p in mine} >= {"name"}   # to be filled in: the validator says where
    assert not [p for p in mine if p.rule.startswith("yaml.")]   # the template itself is valid YAML


def test_new_takes_a_free_id(cwd_registry, capsys):
    assert run(capsys, "new", "platform", "--registry", "registry")[0] == 0
    assert run(capsys, "new", "platform", "--registry", "registry")[0] == 0
    assert Path("registry/platforms/new-platform-2.yaml").is_file()


def test_new_with_an_id(cwd_registry, capsys):
    code, out, _ = run(capsys, "new", "notice", "--registry", "registry", "--id", "xuchang-2025-call")
    assert code == 0 and Path("registry/notices/xuchang-2025-call.yaml").is_file()


@pytest.mark.parametrize("rid,word", [("xc-finance-hub", "已存在"), ("Bad_Id", "不合法"), ("ab", "不合法")])
def test_new_refuses_a_used_or_bad_id(cwd_registry, capsys, rid, word):
    before = Path("registry/platforms/xc-finance-hub.yaml").read_bytes()
    code, out, err = run(capsys, "new", "platform", "--registry", "registry", "--id", rid)
    assert code == 2 and word in err and err.startswith("错误：")
    assert Path("registry/platforms/xc-finance-hub.yaml").read_bytes() == before   # never overwritten


@pytest.mark.parametrize("kind", sorted(FOLDER))
def test_new_every_type_is_yaml_with_a_real_schema(cwd_registry, capsys, kind):
    code, out, _ = run(capsys, "new", kind, "--registry", "registry")
    assert code == 0
    path = Path("registry") / FOLDER[kind] / f"new-{kind}.yaml"
    assert schema_target(path) == (REPO / "registry" / "schema" / f"{kind}.schema.json").resolve()
    reg = load_registry(Path("registry"))
    assert f"new-{kind}" in reg.present[FOLDER[kind]]
    assert not [p for p in reg.problems.items if p.path == str(path) and p.rule.startswith("yaml.")]


def test_new_in_the_real_registry_layout_points_at_its_schema_folder(tmp_path, monkeypatch):
    """In a registry holding the schemas (registry/schema) the comment is the documented
    ../schema/<type>.schema.json."""
    import datetime as dt

    from sme_registry import scaffold
    schema_dir = tmp_path / "registry" / "schema"
    schema_dir.mkdir(parents=True)
    monkeypatch.setattr(scaffold, "SCHEMA_DIR", schema_dir)
    path = scaffold.new_record(tmp_path / "registry", "platform", None, dt.date(2024, 11, 20))
    assert path.read_text("utf-8").splitlines()[0] == "# yaml-language-server: $schema=../schema/platform.schema.json"
