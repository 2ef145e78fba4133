"""修改记录 and 最近更新: the Git history of the records, as a visitor reads it.

A temporary Git repository holds the demo registry (examples/ extending registry/) in a subfolder;
commits with fixed dates add the records, change a platform and a notice and delete a platform.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitekit import EXAMPLES, REGISTRY, Site, build_into, day

from registry_site import history

ATOM = "{http://www.w3.org/2005/Atom}"
AS_OF = "2024-11-20"
REPO_URL = "https://git.example.cn/gxj/registry"
# people who must never appear on the site (no personal data reaches it)
AUTHOR = ("Zhang Sanfeng", "zhang.sanfeng@example.org")
COMMITTER = ("Li Sisi", "li.sisi@example.net")
CHANGED_PLATFORM = "demo-ha-hongqi-finance"        # 新乡中小企业融资服务平台
CHANGED_NOTICE = "demo-henan-2021-result"
REMOVED_PLATFORM = "demo-ha-jinshui-transfer"      # referenced by no other record
NOTICE_SUBJECT = "修改2021年河南结果通知正文 <b>加粗</b>"


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "HOME": str(repo),
           "GIT_AUTHOR_NAME": AUTHOR[0], "GIT_AUTHOR_EMAIL": AUTHOR[1],
           "GIT_COMMITTER_NAME": COMMITTER[0], "GIT_COMMITTER_EMAIL": COMMITTER[1]}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str, when: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD").strip()


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def insert_after(path: Path, marker: str, line: str) -> None:
    """A line of text at the start of a Markdown block (`summary: |`, `body: |`)."""
    text = path.read_text("utf-8")
    assert marker in text, (path, marker)
    path.write_text(text.replace(marker, marker + line, 1), "utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A repository whose registry lives in data/ (a subfolder), and the hash of each commit."""
    repo = tmp_path_factory.mktemp("history") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    data = repo / "data"
    shutil.copytree(REGISTRY, data / "registry")
    hashes = {"registry": commit(repo, "新增正式登记库：认定项目、通知和表单", "2024-01-10T10:00:00+08:00")}
    shutil.copytree(EXAMPLES, data / "examples")
    hashes["examples"] = commit(repo, "新增示例平台和公示", "2024-03-05T09:00:00+08:00")
    insert_after(data / "examples" / "platforms" / f"{CHANGED_PLATFORM}.yaml", "summary: |\n", "  2024年起提供线上融资对接服务。\n")
    # 20:00 UTC on 31 May is 1 June in China: the date shown is the date in China
    hashes["platform"] = commit(repo, "更新新乡融资平台简介", "2024-05-31T20:00:00+00:00")
    insert_after(data / "examples" / "notices" / f"{CHANGED_NOTICE}.yaml", "body: |\n", "  （2024年7月补充说明。）\n\n")
    hashes["notice"] = commit(repo, NOTICE_SUBJECT, "2024-07-15T11:00:00+08:00")
    (data / "examples" / "platforms" / f"{REMOVED_PLATFORM}.yaml").unlink()
    hashes["removed"] = commit(repo, "删除重复录入的平台", "2024-08-20T16:00:00+08:00")
    # an uncommitted edit is not history
    insert_after(data / "examples" / "platforms" / f"{CHANGED_PLATFORM}.yaml", "summary: |\n", "  未提交的修改。\n")
    return repo, hashes


@pytest.fixture(scope="module")
def sites(repo, tmp_path_factory):
    """build(name, registry folder, **overrides) -> Site, each built once."""
    base = tmp_path_factory.mktemp("history-sites")
    cache: dict[str, Site] = {}

    def get(name: str, registry: Path, **overrides) -> Site:
        if name not in cache:
            out = base / name
            assert build_into(registry, out, day(AS_OF), overrides=overrides or None) == 0
            cache[name] = Site(out, registry, day(AS_OF))
        return cache[name]

    return get


@pytest.fixture(scope="module")
def site(repo, sites) -> Site:
    return sites("plain", repo[0] / "data" / "examples")


@pytest.fixture(scope="module")
def linked(repo, sites) -> Site:
    return sites("linked", repo[0] / "data" / "examples", REGISTRY_REPO_URL=REPO_URL)


def history_section(site: Site, url: str):
    section = site.main(url).find("section", class_="history")
    assert section is not None, f"{url} has no 修改记录"
    assert section.find("h2").get_text() == "修改记录"
    return section


def facts(section) -> dict[str, str]:
    return {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in section.find_all("dt")}


def entries(section) -> list[tuple[str, str, str]]:
    return [(li.find("time").get_text(), li.find(class_="tag").get_text(), li.find_all("span")[1].get_text())
            for li in section.select("ol.history-list li")]


def test_platform_page_shows_first_publication_last_change_and_commits_newest_first(site, repo):
    section = history_section(site, f"/platforms/{CHANGED_PLATFORM}/")
    assert facts(section) == {"首次发布": "2024年3月5日", "最近修改": "2024年6月1日"}
    assert entries(section) == [("2024年6月1日", "修改", "更新新乡融资平台简介"),
                                ("2024年3月5日", "新增", "新增示例平台和公示")]
    text = section.get_text(" ")
    assert repo[1]["platform"][:7] in text and repo[1]["examples"][:7] in text
    assert "未提交的修改" in site.text(f"/platforms/{CHANGED_PLATFORM}/") and "未提交的修改" not in text


def test_every_record_page_has_its_history(site):
    pages = {"/programmes/henan-province/": ("2024年1月10日", "2024年1月10日"),
             "/forms/henan-2024-recommendation-form/": ("2024年1月10日", "2024年1月10日"),
             f"/notices/{CHANGED_NOTICE}/": ("2024年3月5日", "2024年7月15日"),
             "/publicity/" + sorted(p.stem for p in (EXAMPLES / "publicity").glob("*.yaml"))[0] + "/":
                 ("2024年3月5日", "2024年3月5日")}
    for url, (first, last) in pages.items():
        assert facts(history_section(site, url)) == {"首次发布": first, "最近修改": last}, url


def test_commit_messages_are_text_not_markup(site):
    section = history_section(site, f"/notices/{CHANGED_NOTICE}/")
    assert entries(section)[0] == ("2024年7月15日", "修改", NOTICE_SUBJECT)
    assert section.find("b") is None
    assert "&lt;b&gt;加粗&lt;/b&gt;" in str(section)


def test_commit_links_only_with_a_repository_url(site, linked, repo):
    url = f"/platforms/{CHANGED_PLATFORM}/"
    links = [a["href"] for a in history_section(linked, url).find_all("a") if "/commit/" in a["href"]]
    assert links == [f"{REPO_URL}/commit/{repo[1]['platform']}", f"{REPO_URL}/commit/{repo[1]['examples']}"]
    changes = [a["href"] for a in linked.main("/changes/").find_all("a") if "/commit/" in a["href"]]
    assert changes[0] == f"{REPO_URL}/commit/{repo[1]['removed']}"
    for path in site.html_files():
        assert "/commit/" not in path.read_text("utf-8"), path


def test_gitlab_style_commit_links(repo, sites):
    gitlab = sites("gitlab", repo[0] / "data" / "examples", REGISTRY_REPO_URL=REPO_URL,
                   REGISTRY_COMMIT_URL="{repo}/-/commit/{hash}")
    hrefs = [a["href"] for a in history_section(gitlab, f"/notices/{CHANGED_NOTICE}/").find_all("a")]
    assert f"{REPO_URL}/-/commit/{repo[1]['notice']}" in hrefs


def changes_rows(site: Site):
    rows = []
    for tr in site.paged("/changes/").select("table.changes tbody tr"):
        cells = tr.find_all(["td", "th"])
        link = cells[2].find("a")
        rows.append((cells[0].get_text(), cells[1].get_text(), cells[2].get_text(), link["href"] if link else None,
                     cells[3].get_text(), cells[4].get_text()))
    return rows


def test_changes_page_lists_the_changes_newest_first(site):
    rows = changes_rows(site)
    records = len(list(REGISTRY.glob("[fnp]*/*.yaml"))) + len(list(EXAMPLES.glob("*/*.yaml")))
    assert len(rows) == records + 3
    assert rows[0] == ("2024年8月20日", "平台", REMOVED_PLATFORM, None, "删除", "删除重复录入的平台")
    assert rows[1][:3] == ("2024年7月15日", "通知公告", site.main(f"/notices/{CHANGED_NOTICE}/").find("h1").get_text().strip())
    assert rows[1][3].endswith(f"notices/{CHANGED_NOTICE}/") and rows[1][4:] == ("修改", NOTICE_SUBJECT)
    assert rows[2][:3] == ("2024年6月1日", "平台", "新乡中小企业融资服务平台")
    assert rows[2][4:] == ("修改", "更新新乡融资平台简介")
    dates = [day_of(r[0]) for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert {r[4] for r in rows[3:]} == {"新增"}
    # the removed platform was added once: its rows are never links, and it has no page
    assert [r for r in rows if r[2] == REMOVED_PLATFORM] == [
        rows[0], ("2024年3月5日", "平台", REMOVED_PLATFORM, None, "新增", "新增示例平台和公示")]
    assert not site.exists(f"/platforms/{REMOVED_PLATFORM}/")
    assert site.exists("/changes/page/2/") and not site.exists(f"/changes/page/{len(rows) // 40 + 2}/")


def day_of(text: str):
    y, rest = text.split("年")
    m, d = rest.rstrip("日").split("月")
    return (int(y), int(m), int(d))


def test_changes_page_is_linked_and_announces_its_feed(site):
    head = site.page("/changes/").find("link", rel="alternate", type="application/atom+xml",
                                       href=lambda h: h.endswith("changes/feed.xml"))
    assert head is not None
    assert site.page("/site-map/").find("a", href=lambda h: h.endswith("changes/"))
    footer = site.page(f"/platforms/{CHANGED_PLATFORM}/").find("footer")
    assert footer.find("a", string="最近更新")
    assert "changes/" in (site.root / "sitemap.xml").read_text("utf-8")


def test_changes_feed(site, repo):
    root = ET.parse(site.file("/changes/feed.xml")).getroot()
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(changes_rows(site))
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == f"删除平台：{REMOVED_PLATFORM}"
    assert first.findtext(f"{ATOM}updated") == "2024-08-20T16:00:00+08:00"
    assert repo[1]["removed"] in first.findtext(f"{ATOM}id")
    assert root.findtext(f"{ATOM}updated") == "2024-08-20T16:00:00+08:00"
    second = entries[1]
    assert second.find(f"{ATOM}link").get("href") == f"/notices/{CHANGED_NOTICE}/"
    assert NOTICE_SUBJECT in second.findtext(f"{ATOM}summary")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    assert entries[2].findtext(f"{ATOM}updated") == "2024-06-01T04:00:00+08:00"


def test_no_author_name_or_email_anywhere(site, linked):
    for built in (site, linked):
        for path in built.root.rglob("*"):
            if path.is_file() and path.suffix in (".html", ".xml", ".json", ".csv", ".ics", ".js", ".txt"):
                text = path.read_text("utf-8", "replace")
                for word in (*AUTHOR, *COMMITTER, "Sanfeng", "Sisi", "example.org", "example.net"):
                    assert word not in text, (path, word)


def test_same_commit_builds_byte_identical(repo, site, sites):
    again = sites("again", repo[0] / "data" / "examples")
    a = {p.relative_to(site.root).as_posix(): p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    b = {p.relative_to(again.root).as_posix(): p.read_bytes() for p in again.root.rglob("*") if p.is_file()}
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_registry_outside_git_builds_and_says_history_is_unavailable(repo, sites, tmp_path_factory):
    copy = tmp_path_factory.mktemp("no-git") / "data"
    shutil.copytree(repo[0] / "data", copy)
    built = sites("no-git", copy / "examples")
    for url in (f"/platforms/{CHANGED_PLATFORM}/", "/programmes/henan-province/", "/changes/"):
        assert "本站生成时未取得修改记录" in built.text(url), url
    root = ET.parse(built.file("/changes/feed.xml")).getroot()
    assert root.findall(f"{ATOM}entry") == []


def test_shallow_clone_says_history_is_incomplete(repo, sites, tmp_path_factory):
    clone = tmp_path_factory.mktemp("shallow") / "clone"
    git(repo[0], "clone", "-q", "--depth", "1", f"file://{repo[0]}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    built = sites("shallow", clone / "data" / "examples")
    section = history_section(built, f"/platforms/{CHANGED_PLATFORM}/")
    assert "历史不完整" in section.get_text() or "部分 Git 历史" in section.get_text()
    assert facts(section)["首次发布"] == "不详"
    # the last commit is not claimed as the first publication of everything
    assert "2024年8月20日" not in section.get_text()
    assert "部分 Git 历史" in built.text("/changes/")


def test_record_page_caps_its_list(tmp_path):
    """A record changed 12 times lists the 10 newest and counts the others."""
    repo = tmp_path / "repo"
    shutil.copytree(REGISTRY, repo / "registry")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "新增登记库", "2024-01-02T10:00:00+08:00")
    programme = repo / "registry" / "programmes" / "henan-province.yaml"
    for n in range(1, 12):
        append(programme, f"# 第{n}次修改\n")
        commit(repo, f"修改河南省认定项目（第{n}次）", f"2024-02-{n:02d}T10:00:00+08:00")
    site = Site(tmp_path / "out", repo / "registry", day(AS_OF))
    assert build_into(repo / "registry", site.root, day(AS_OF), overrides={"REGISTRY_REPO_URL": REPO_URL}) == 0
    section = history_section(site, "/programmes/henan-province/")
    shown = entries(section)
    assert len(shown) == history.SHOWN
    assert shown[0] == ("2024年2月11日", "修改", "修改河南省认定项目（第11次）")
    assert facts(section) == {"首次发布": "2024年1月2日", "最近修改": "2024年2月11日"}
    assert "另有 2 次更早的修改未列出" in section.get_text()
    newest = git(repo, "rev-parse", "HEAD").strip()
    assert section.find("a", href=f"{REPO_URL}/commits/{newest}/registry/programmes/henan-province.yaml")


def test_parse_log_drops_shallow_boundary_and_keeps_layers_apart():
    out = ("\x01bbb\0002024-02-01T00:00:00+08:00\0改\0\nM\0reg/platforms/x.yaml\0D\0reg/notices/n-1.yaml\0"
           "A\0reg/schema/platform.schema.json\0\x01aaa\0002024-01-01T00:00:00+08:00\0初始\0\nA\0reg/platforms/x.yaml\0")
    changes = history.parse_log(out, ["reg/"])
    assert [(c.commit, c.kind, c.type, c.id) for c in changes] == [
        ("bbb", "changed", "platform", "x"), ("bbb", "removed", "notice", "n-1"), ("aaa", "added", "platform", "x")]
    assert [str(c.on) for c in changes] == ["2024-02-01", "2024-02-01", "2024-01-01"]
    assert [c.commit for c in history.parse_log(out, ["reg/"], frozenset({"aaa"}))] == ["bbb", "bbb"]
    long = history.parse_log(out.replace("改", "很长的提交说明" * 20), ["reg/"])[0].subject
    assert len(long) == history.SUBJECT_MAX and long.endswith("…")
    assert history.parse_log(out, ["other/"]) == []
