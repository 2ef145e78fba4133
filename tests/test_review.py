"""`review`: what a branch changes in the registry, in words, against a Git revision.

Each test builds a real Git repository in a temporary folder holding the small registry
(tests/conftest.py), commits it as the base on `main`, changes the working tree as staff
would, and reads the report a reviewer reads.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sme_testkit import AS_OF, BASE, REPO, build, credit_code, dedent, line_of
from sme_registry.cli import main
from sme_registry.gitrev import GitError, registry_at
from sme_registry.registry import load_registry
from sme_registry.review import DELETED, as_markdown, as_text, diff_registries

NEW_CODE = credit_code("91411002MA46BXCW8")
OLD_CODE = credit_code("91411002MA47PQRU5")

NEW_PLATFORM = f"""\
    # yaml-language-server: $schema=../schema/platform.schema.json
    name: 许昌市中小企业数字化转型服务平台
    operator:
      name: 许昌数智服务有限公司
      credit_code: "{NEW_CODE}"
    region: "411002"
    recognitions:
      - programme: xuchang-city
        on: 2023-12-20
    """

# a platform that exists at the base only to be deleted on the branch
OLD_PLATFORM = f"""\
    # yaml-language-server: $schema=../schema/platform.schema.json
    name: 许昌市中小企业信息服务平台
    operator:
      name: 许昌信息服务有限公司
      credit_code: "{OLD_CODE}"
    region: "411002"
    recognitions: []
    """

NEW_PUBLICITY = """\
    # yaml-language-server: $schema=../schema/publicity.schema.json
    title: 2024年度许昌市中小企业公共服务示范平台拟认定名单公示（第二批）
    programme: xuchang-city
    starts_on: 2024-12-16
    objections: {phone: "0374-2965056", email: gxjzxqyk2965056@163.com}
    entries: [xc-new-digital]
    """

TECH = "platforms/xc-tech-service-center.yaml"
JS = "platforms/js-xuanwu-service-hub.yaml"


def git(cwd, *args) -> str:
    proc = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                           *args], cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A Git repository with the small registry in registry/ committed on main; cwd is the repository."""
    root = tmp_path / "repo"
    files = dict(BASE)
    files["platforms/xc-info-old.yaml"] = dedent(OLD_PLATFORM)
    r = build(root / "registry", files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "work")
    monkeypatch.chdir(root)
    return r


def staff_changes(r):
    """Add a platform, rename one and give it a new recognition, revoke another's, add a publicity
    list and delete a published platform."""
    r.write("platforms/xc-new-digital.yaml", NEW_PLATFORM)
    r.replace(TECH, "name: 许昌市中小企业技术创新服务平台", "name: 许昌市中小企业技术创新综合服务平台")
    r.replace(TECH, "  - programme: henan-province\n    on: 2022-12-15\n",
              "  - programme: henan-province\n    on: 2022-12-15\n  - programme: national\n    on: 2023-12-20\n")
    r.replace(JS, "      - {on: 2019-05-31, type: re_evaluation, result: pass, star: 4}\n",
              "      - {on: 2019-05-31, type: re_evaluation, result: pass, star: 4}\n"
              "      - {on: 2024-03-01, type: revoked, reason: 复评不合格}\n")
    r.write("publicity/xuchang-2024-publicity-2.yaml", NEW_PUBLICITY)
    r.remove("platforms/xc-info-old.yaml")


def review_of(r, base="main"):
    with registry_at(base, r.root) as snap:
        old = load_registry(snap.root, as_of=AS_OF)
        new = load_registry(r.root, as_of=AS_OF)
        return diff_registries(old, new, AS_OF)


def run(capsys, *argv):
    code = main(["review", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# -- the comparison, as data ---------------------------------------------------------------------
def test_base_is_valid_and_the_changes_alone_are_valid(repo):
    assert load_registry(repo.root, as_of=AS_OF).ok
    staff_changes(repo)
    reg = load_registry(repo.root, as_of=AS_OF)
    assert not reg.problems.errors, [p.format() for p in reg.problems]


def test_diff_lists_records_by_type_with_names_and_what_changed(repo):
    staff_changes(repo)
    review = review_of(repo)
    assert [(c.id, c.action) for c in review.of("platform")] == [
        ("xc-new-digital", "added"), ("js-xuanwu-service-hub", "changed"),
        ("xc-tech-service-center", "changed"), ("xc-info-old", "removed")]
    assert [(c.id, c.action) for c in review.of("publicity")] == [("xuchang-2024-publicity-2", "added")]
    assert review.of("notice") == review.of("form") == review.of("programme") == []

    added = review.of("platform", "added")[0]
    assert added.title == "许昌市中小企业数字化转型服务平台"
    assert "认定：新增 许昌市中小企业公共服务示范平台 2023年认定（2023年12月20日公告）" in added.lines
    assert "许昌市中小企业公共服务示范平台 2023年认定：有效，有效期 2024年1月1日至2026年12月31日" in added.statuses

    tech = next(c for c in review.changes if c.id == "xc-tech-service-center")
    assert tech.lines == ["名称：许昌市中小企业技术创新服务平台 → 许昌市中小企业技术创新综合服务平台",
                          "认定：新增 国家中小企业公共服务示范平台 2023年认定（2023年12月20日公告）"]
    assert tech.statuses == ["国家中小企业公共服务示范平台 2023年认定：有效，有效期 2024年1月1日至2026年12月31日"]

    js = next(c for c in review.changes if c.id == "js-xuanwu-service-hub")
    assert js.lines == ["江苏省中小企业公共服务星级平台 2012年认定：新增事件 2024年3月1日 撤销称号（复评不合格）"]
    assert js.statuses == ["江苏省中小企业公共服务星级平台 2012年认定：有效 → 已撤销"]

    pub = review.of("publicity")[0]
    assert "公示期：2024年12月16日至2024年12月20日，共 5 个工作日（公示未开始）" in pub.lines
    assert "名单：1 个平台：许昌市中小企业数字化转型服务平台（xc-new-digital）" in pub.lines

    assert len(review.attention) == 1
    assert review.attention[0].startswith("平台“许昌市中小企业信息服务平台”（xc-info-old）被删除。")
    assert DELETED in review.attention[0]
    assert review.errors == [] and review.exit_code == 1


def test_window_and_programme_changes_show_their_effect_on_unchanged_platforms(repo):
    """A programme's validity changes: the platforms' files did not, their windows did."""
    repo.replace("programmes/xuchang-city.yaml", "  years: 3\n", "  years: 4\n")
    review = review_of(repo)
    prog = review.of("programme", "changed")[0]
    assert prog.lines == ["有效期：3年，自公告次年1月1日起至第3年12月31日 → 4年，自公告次年1月1日起至第4年12月31日"]
    effect = next(c for c in review.side_effects if c.id == "xc-tech-service-center")
    assert effect.statuses == ["许昌市中小企业公共服务示范平台 2021年认定：即将到期 → 有效",
                               "许昌市中小企业公共服务示范平台 2021年认定：有效期至 2024年12月31日 → 2025年12月31日"]
    assert review.exit_code == 0


def test_notice_added_with_kind_number_and_deadline(repo):
    repo.write("notices/xuchang-2025-call.yaml", """\
        # yaml-language-server: $schema=../schema/notice.schema.json
        title: 关于开展2025年度许昌市中小企业公共服务示范平台认定工作的通知
        kind: call
        issuer: 许昌市工业和信息化局
        doc_number: 许工信〔2025〕12号
        issued_on: 2025-03-03
        programmes: [xuchang-city]
        deadlines:
          - {on: 2025-03-31, what: 推荐文件报送市工业和信息化局中小企业科}
        """)
    repo.replace("notices/xuchang-2024-call.yaml", "doc_number: 许工信〔2024〕120号", "doc_number: 许工信〔2024〕121号")
    review = review_of(repo)
    added, changed = review.of("notice", "added")[0], review.of("notice", "changed")[0]
    assert added.lines[:4] == ["类型：申报通知", "发文机关：许昌市工业和信息化局", "文号：许工信〔2025〕12号", "成文日期：2025年3月3日"]
    assert "截止：2025年3月31日 推荐文件报送市工业和信息化局中小企业科" in added.lines
    assert changed.lines == ["文号：许工信〔2024〕120号 → 许工信〔2024〕121号"]
    assert review.exit_code == 0


# -- the command ---------------------------------------------------------------------------------
def test_cli_text_report(repo, capsys):
    staff_changes(repo)
    code, out, err = run(capsys, "registry", "--base", "main", "--as-of", "2024-11-20")
    assert code == 1, err
    lines = out.splitlines()
    assert lines[0].startswith("registry（工作区，含未提交的改动）对比基准版本 main（")
    assert lines[1] == "状态和有效期两边都按 2024年11月20日 计算。"
    assert "需要注意：" in lines
    assert f"  ！平台“许昌市中小企业信息服务平台”（xc-info-old）被删除。{DELETED}。" in out
    assert "平台：新增 1 条，修改 2 条，删除 1 条" in lines
    assert "  新增：许昌市中小企业数字化转型服务平台 [xc-new-digital]" in lines
    assert "  修改：许昌市中小企业技术创新综合服务平台 [xc-tech-service-center]" in lines
    assert "    - 名称：许昌市中小企业技术创新服务平台 → 许昌市中小企业技术创新综合服务平台" in lines
    assert "    - 状态：江苏省中小企业公共服务星级平台 2012年认定：有效 → 已撤销" in lines
    assert "  删除：许昌市中小企业信息服务平台 [xc-info-old]" in lines
    assert "公示名单：新增 1 条" in lines
    assert "    - 公示期：2024年12月16日至2024年12月20日，共 5 个工作日（公示未开始）" in lines
    assert "  检查通过：改动后的登记库没有错误。" in lines
    assert lines[-1] == "结论：不能合并（删除了 1 条已发布的记录）。请先处理上面的问题。"


def test_only_valid_additions_pass(repo, capsys):
    repo.write("platforms/xc-new-digital.yaml", NEW_PLATFORM)
    repo.write("publicity/xuchang-2024-publicity-2.yaml", NEW_PUBLICITY)
    code, out, _ = run(capsys, "registry", "--base", "main", "--as-of", "2024-11-20")
    assert code == 0, out
    assert "需要注意" not in out
    assert out.splitlines()[-1] == "结论：检查通过，可以合并。"


def test_committed_changes_are_compared_too(repo, capsys):
    """The working tree is compared: committed on the branch or not, it is the same report."""
    repo.write("platforms/xc-new-digital.yaml", NEW_PLATFORM)
    git(repo.root.parent, "add", "-A")
    git(repo.root.parent, "commit", "-q", "-m", "add a platform")
    code, out, _ = run(capsys, "registry", "--base", "main", "--as-of", "2024-11-20")
    assert code == 0
    assert "  新增：许昌市中小企业数字化转型服务平台 [xc-new-digital]" in out.splitlines()
    code, out, _ = run(capsys, "registry", "--base", "HEAD", "--as-of", "2024-11-20")
    assert code == 0 and "登记库没有实质改动" in out


def test_validation_error_fails_with_file_and_line(repo, capsys):
    text = repo.replace(TECH, 'region: "411002"', "region: 411002")
    code, out, _ = run(capsys, "registry", "--base", "main", "--as-of", "2024-11-20")
    assert code == 1
    line = line_of(text, "region: 411002")
    assert f"  registry/{TECH}:{line}: region: “411002”没有加引号" in out
    assert "  修改：许昌市中小企业技术创新服务平台 [xc-tech-service-center]" in out
    assert "    - 记录有错误，无法逐项比较（见检查结果）" in out
    assert "删除" not in out   # a broken record is not a deleted one
    assert out.splitlines()[-1] == "结论：不能合并（有 1 个检查错误）。请先处理上面的问题。"


def test_errors_already_at_base_are_counted_separately(repo, capsys):
    repo.replace(TECH, 'region: "411002"', "region: 411002")
    git(repo.root.parent, "commit", "-qam", "broken")
    repo.write("platforms/xc-new-digital.yaml", NEW_PLATFORM)
    code, out, _ = run(capsys, "registry", "--base", "HEAD", "--as-of", "2024-11-20")
    assert code == 1   # the new state cannot be published either
    assert "  其中 1 个在基准版本中已经存在（不是这次改动引起的，但同样要修正）。" in out


def test_rename_is_a_deletion(repo, capsys):
    git(repo.root.parent, "mv", "registry/platforms/xc-info-old.yaml", "registry/platforms/xc-info-service.yaml")
    code, out, _ = run(capsys, "registry", "--base", "main", "--as-of", "2024-11-20")
    assert code == 1
    assert "被删除（看起来是把编号 xc-info-old 改成了 xc-info-service：编号就是网址，改名也不行）" in out
    assert "  新增：许昌市中小企业信息服务平台 [xc-info-service]" in out


def test_markdown_for_a_merge_request_comment(repo, capsys):
    staff_changes(repo)
    code, out, _ = run(capsys, "registry", "--base", "main", "--as-of", "2024-11-20", "--format", "markdown")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "## 登记库变更摘要"
    assert "### ⚠️ 需要注意" in lines
    assert "### 平台（新增 1 条，修改 2 条，删除 1 条）" in lines
    assert "- **新增** 许昌市中小企业数字化转型服务平台（`xc-new-digital`）" in lines
    assert "  - 状态：江苏省中小企业公共服务星级平台 2012年认定：有效 → 已撤销" in lines
    assert "### 公示名单（新增 1 条）" in lines
    assert "### 检查结果" in lines and "```text" in lines
    assert lines[-1] == "**结论：不能合并（删除了 1 条已发布的记录）。请先处理上面的问题。**"
    assert as_markdown(review_of(repo)) != as_text(review_of(repo))


def test_unknown_base(repo, capsys):
    code, out, err = run(capsys, "registry", "--base", "xyz", "--as-of", "2024-11-20")
    assert code == 2 and out == ""
    assert err.strip() == "错误：找不到版本 xyz：请用分支名或提交号，例如 BASE=origin/main"
    with pytest.raises(GitError):
        review_of(repo, base="--output=/tmp/x")


def test_not_a_git_repository(tmp_path, monkeypatch, capsys):
    build(tmp_path / "plain" / "registry")
    monkeypatch.chdir(tmp_path / "plain")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = run(capsys, "registry", "--base", "main")
    assert code == 2
    assert "不在 Git 仓库中" in err


def test_registry_new_since_base_is_all_additions(repo, capsys):
    """The registry folder did not exist at the base revision: everything is new, nothing deleted."""
    git(repo.root.parent, "commit", "-q", "--allow-empty", "-m", "empty")
    first = git(repo.root.parent, "rev-list", "--max-parents=0", "HEAD").strip()
    os.makedirs(repo.root.parent / "other", exist_ok=True)
    build(repo.root.parent / "other" / "reg")
    code, out, _ = run(capsys, "other/reg", "--base", first, "--as-of", "2024-11-20")
    assert code == 0, out
    assert "平台：新增 3 条" in out


def test_layered_registry_extracts_its_parent(repo, capsys):
    """A registry that extends another folder (examples/ extends registry/) loads at the base too."""
    demo = repo.root.parent / "demo"
    demo.mkdir()
    (demo / "registry.yaml").write_text("title: 示例\ndemo: true\nextends: ../registry\n", "utf-8")
    git(repo.root.parent, "add", "-A")
    git(repo.root.parent, "commit", "-q", "-m", "demo layer")
    (demo / "platforms").mkdir()
    (demo / "platforms" / "xc-new-digital.yaml").write_text(dedent(NEW_PLATFORM), "utf-8")
    repo.replace(TECH, "name: 许昌市中小企业技术创新服务平台", "name: 许昌市中小企业技术创新综合服务平台")
    code, out, _ = run(capsys, "demo", "--base", "HEAD", "--as-of", "2024-11-20")
    assert code == 0, out
    assert "平台：新增 1 条，修改 1 条" in out   # nothing from registry/ looks new or deleted
    assert "    - 名称：许昌市中小企业技术创新服务平台 → 许昌市中小企业技术创新综合服务平台" in out


def test_python_m_sme_registry_review(repo):
    """What `make review BASE=…` runs."""
    staff_changes(repo)
    env = dict(os.environ, PYTHONPATH=str(REPO / "plugins"))
    proc = subprocess.run([sys.executable, "-m", "sme_registry", "review", "registry", "--base", "main",
                           "--as-of", "2024-11-20"], capture_output=True, text=True, env=env,
                          cwd=repo.root.parent, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert DELETED in proc.stdout


def test_star_rating_and_retired_form(repo):
    repo.replace(JS, "      - {on: 2019-05-31, type: re_evaluation, result: pass, star: 4}\n",
                 "      - {on: 2019-05-31, type: re_evaluation, result: pass, star: 4}\n"
                 "      - {on: 2024-05-31, type: re_evaluation, result: pass, star: 5}\n")
    repo.replace("forms/xuchang-recommendation-form.yaml", "format: docx\n",
                 "format: docx\npublished: false\nunpublished_reason: 新办法施行后不再使用。\n")
    review = review_of(repo)
    js = review.of("platform", "changed")[0]
    assert js.lines == ["江苏省中小企业公共服务星级平台 2012年认定：新增事件 2024年5月31日 复评 合格 5星"]
    assert js.statuses == ["江苏省中小企业公共服务星级平台 2012年认定：星级 4星 → 5星"]
    assert review.of("form", "changed")[0].lines == ["发布状态：发布 → 停止发布", "未发布原因：新增"]
    # the validator still wants the blocks of an unpublished form emptied: the review fails on it
    assert [p.rule for p in review.errors] == ["form.unpublished-blocks"] and review.exit_code == 1


def test_deleted_platform_shows_the_titles_it_took_away(repo):
    repo.remove(JS)
    review = review_of(repo)
    gone = review.of("platform", "removed")[0]
    assert gone.statuses == ["江苏省中小企业公共服务星级平台 2012年认定：认定记录已删除（原为 有效）"]
    assert review.attention[0].startswith("平台“南京市玄武区中小企业综合服务平台”（js-xuanwu-service-hub）被删除。")
    assert review.exit_code == 1
