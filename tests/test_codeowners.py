"""CODEOWNERS generated from the programmes (sme_registry.codeowners, `codeowners` subcommand)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

from sme_testkit import REPO, dedent
from sme_registry.cli import main

MAPPING = """\
    maintainers: ["@sme-registry/maintainers"]
    programmes:
      xuchang-city: ["@xc-gxj/sme"]
      henan-province: "@henan-gxt/sme"
    authorities:
      江苏省工业和信息化厅: ["@js-gxt/sme", "star-office@example.gov.cn"]
    """

EXPECTED_RULES = """\
* @sme-registry/maintainers
registry/programmes/henan-province.yaml @henan-gxt/sme
registry/programmes/jiangsu-star.yaml @js-gxt/sme star-office@example.gov.cn
registry/programmes/xuchang-city.yaml @xc-gxj/sme
registry/notices/xuchang-2021-recognition.yaml @xc-gxj/sme
registry/notices/xuchang-2024-call.yaml @henan-gxt/sme @xc-gxj/sme
registry/forms/xuchang-2024-summary-table.yaml @henan-gxt/sme @xc-gxj/sme
registry/forms/xuchang-recommendation-form.yaml @henan-gxt/sme @xc-gxj/sme
registry/publicity/xuchang-2024-publicity.yaml @xc-gxj/sme
registry/platforms/js-xuanwu-service-hub.yaml @js-gxt/sme star-office@example.gov.cn
registry/platforms/xc-finance-hub.yaml @xc-gxj/sme
registry/platforms/xc-tech-service-center.yaml @henan-gxt/sme @xc-gxj/sme
"""


@pytest.fixture
def repo(small_registry, monkeypatch):
    """A repository root holding ./registry and ./codeowners.yaml, as the working directory."""
    root = small_registry.root.parent
    (root / "codeowners.yaml").write_text(dedent(MAPPING), "utf-8")
    monkeypatch.chdir(root)
    return small_registry


def run(capsys, *argv):
    code = main(["codeowners", "registry", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def rules(text: str) -> str:
    return "".join(ln + "\n" for ln in text.splitlines() if ln and not ln.startswith("#"))


def test_each_record_gets_the_owners_of_its_programmes(repo, capsys):
    code, out, _ = run(capsys)
    assert code == 0, out
    text = (repo.root.parent / "CODEOWNERS").read_text("utf-8")
    assert rules(text) == EXPECTED_RULES
    assert "已写入 CODEOWNERS（12 条规则）" in out
    # the national programme has no owners: it falls to the maintainers' default line
    assert "national" not in text


def test_header_says_generated_and_how_to_regenerate(repo, capsys):
    run(capsys)
    head = (repo.root.parent / "CODEOWNERS").read_text("utf-8").splitlines()[:5]
    assert all(ln.startswith("#") for ln in head)
    assert "自动生成，请勿手工修改" in head[0]
    assert any("make codeowners" in ln for ln in head)
    assert any("codeowners.yaml" in ln for ln in head)


def test_sections_keep_the_record_folders_in_order(repo, capsys):
    run(capsys)
    text = (repo.root.parent / "CODEOWNERS").read_text("utf-8")
    heads = [ln for ln in text.splitlines() if ln in ("# 认定项目", "# 通知", "# 表单", "# 公示名单", "# 平台")]
    assert heads == ["# 认定项目", "# 通知", "# 表单", "# 公示名单", "# 平台"]


def test_check_passes_when_current_and_fails_when_stale(repo, capsys):
    code, out, err = run(capsys, "--check")
    assert code == 1 and "CODEOWNERS 不存在" in err and "make codeowners" in err
    assert run(capsys)[0] == 0
    code, out, err = run(capsys, "--check")
    assert (code, err) == (0, "") and "一致" in out
    # a new platform recognised by Jiangsu: its file needs a line, so the committed file is stale
    repo.write("platforms/js-new-hub.yaml", repo.text("platforms/js-xuanwu-service-hub.yaml")
               .replace("南京市玄武区中小企业综合服务平台", "南京市中小企业数字化服务平台"), dedent_text=False)
    code, out, err = run(capsys, "--check")
    assert code == 1
    assert "CODEOWNERS 已过期" in err and "请运行 make codeowners" in err
    assert "+registry/platforms/js-new-hub.yaml @js-gxt/sme star-office@example.gov.cn" in out
    # a changed mapping also makes it stale
    run(capsys)
    (repo.root.parent / "codeowners.yaml").write_text(dedent(MAPPING).replace("@xc-gxj/sme", "@xuchang/sme"), "utf-8")
    assert run(capsys, "--check")[0] == 1


def test_check_never_writes(repo, capsys):
    run(capsys, "--check")
    assert not (repo.root.parent / "CODEOWNERS").exists()


def test_output_is_deterministic(repo, capsys):
    run(capsys)
    first = (repo.root.parent / "CODEOWNERS").read_bytes()
    # the same mapping written in another order, run in fresh interpreters with other hash seeds
    (repo.root.parent / "codeowners.yaml").write_text(dedent("""\
        authorities:
          江苏省工业和信息化厅: ["star-office@example.gov.cn", "@js-gxt/sme"]
        programmes:
          henan-province: ["@henan-gxt/sme"]
          xuchang-city: ["@xc-gxj/sme", "@xc-gxj/sme"]
        maintainers: ["@sme-registry/maintainers"]
        """), "utf-8")
    for seed in ("1", "777"):
        (repo.root.parent / "CODEOWNERS").unlink()
        env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "sme_registry", "codeowners", "registry"],
                              cwd=repo.root.parent, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert (repo.root.parent / "CODEOWNERS").read_bytes() == first


def test_platform_on_a_publicity_list_only_is_owned_by_that_programme(repo, capsys):
    run(capsys)
    line = [ln for ln in (repo.root.parent / "CODEOWNERS").read_text("utf-8").splitlines()
            if ln.startswith("registry/platforms/xc-finance-hub.yaml")]
    assert line == ["registry/platforms/xc-finance-hub.yaml @xc-gxj/sme"]


def test_without_owners_only_the_header(repo, capsys):
    (repo.root.parent / "codeowners.yaml").write_text("maintainers: []\nprogrammes: {}\nauthorities: {}\n", "utf-8")
    assert run(capsys)[0] == 0
    text = (repo.root.parent / "CODEOWNERS").read_text("utf-8")
    assert rules(text) == ""
    assert "暂无按认定项目分配的规则" in text


@pytest.mark.parametrize("mapping,message", [
    ("programmes: {xuchang: ['@a/b']}", "programmes.xuchang：登记库中没有这个认定项目编号"),
    ("authorities: {许昌市工信局: ['@a/b']}", "authorities.许昌市工信局：登记库中没有这个认定机关"),
    ("programmes: {xuchang-city: ['xuchang team']}", "“xuchang team”不是 Git 账号或团队"),
    ("maintainer: ['@a']", "未知的项“maintainer”"),
    ("programmes: [xuchang-city]", "programmes：要写成“名称: [审核人]”的对照"),
    ("programmes: {xuchang-city: ['@a'}", "不是有效的 YAML"),
])
def test_mapping_mistakes_are_explained(repo, capsys, mapping, message):
    (repo.root.parent / "codeowners.yaml").write_text(mapping + "\n", "utf-8")
    code, out, err = run(capsys)
    assert code == 2
    assert message in err
    assert not (repo.root.parent / "CODEOWNERS").exists()


def test_registry_errors_write_nothing(repo, capsys):
    repo.replace("platforms/xc-finance-hub.yaml", "name: 许昌市中小企业融资服务平台", "nmae: 许昌市中小企业融资服务平台")
    code, out, err = run(capsys)
    assert code == 1 and "make validate" in err
    assert not (repo.root.parent / "CODEOWNERS").exists()


def test_gitea_rules_are_regular_expressions_matching_their_files(repo, capsys):
    assert run(capsys, "--flavour", "gitea")[0] == 0
    text = (repo.root.parent / "CODEOWNERS").read_text("utf-8")
    lines = rules(text).splitlines()
    assert lines[0] == ".* @sme-registry/maintainers"
    assert "FLAVOUR=gitea" in text
    assert lines[1:] == EXPECTED_RULES.splitlines()[1:]
    for ln in lines[1:]:
        pattern = ln.split()[0]
        assert re.fullmatch(pattern, pattern)           # Gitea anchors each rule: ^rule$
        assert (repo.root.parent / pattern).is_file()   # GitHub and GitLab: a path from the root


def test_shipped_codeowners_is_current():
    """The committed CODEOWNERS matches registry/ and codeowners.yaml (the CI runs the same check)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    done = subprocess.run([sys.executable, "-m", "sme_registry", "codeowners", "registry", "--check"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
