"""Trustworthy builds: atomic, reproducible; the feed, the sitemap, canonical URLs; page weight."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from sitekit import EXAMPLES, PROD_SITEURL, PUBLISHCONF, REGISTRY, REPO, build_into, copy_registry, day

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_PAGE_BYTES = 50 * 1024


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def previous_site(out: Path) -> dict[str, bytes]:
    """An OUTPUT folder as a previous build left it (a page, a data file, a nested page)."""
    (out / "platforms" / "old").mkdir(parents=True)
    (out / "index.html").write_text("<!doctype html><p>上一次发布的网站</p>", "utf-8")
    (out / "platforms" / "old" / "index.html").write_text("<p>旧页面</p>", "utf-8")
    (out / "data.json").write_text("[]", "utf-8")
    return snapshot(out)


def leftovers(out: Path) -> list[str]:
    """Temporary folders a build left beside the output (its cache, .<name>.cache, is kept on purpose)."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith(f".{out.name}.") and p.name != f".{out.name}.cache")


# -- atomic ----------------------------------------------------------------------------------
def test_registry_with_errors_leaves_output_untouched(tmp_path):
    reg = copy_registry(REGISTRY, tmp_path / "registry")
    notice = reg / "notices" / "henan-2024-recommendation-call.yaml"
    text = notice.read_text("utf-8")
    assert "programmes: [henan-province]" in text
    notice.write_text(text.replace("programmes: [henan-province]", "programmes: [no-such-programme]"), "utf-8")
    out = tmp_path / "site" / "output"
    before = previous_site(out)
    assert build_into(reg, out, day("2024-11-20")) == 1
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_large_registrys_rules_checked_beside_the_build_still_stop_it(tmp_path, monkeypatch, capsys):
    """A large registry's rules run in a child while the site starts (build.py, _RulesAside): a
    registry with errors still publishes nothing and reports what the rules found, also when the
    error breaks the view models (a title under a programme that does not exist)."""
    from registry_site.build import build
    from sme_registry import rules
    monkeypatch.setattr(rules, "GROUPS_FROM", 0)       # the demo counts as large
    monkeypatch.setenv("REGISTRY_WORKERS", "2")
    shutil.copytree(REGISTRY, tmp_path / "registry")
    reg = copy_registry(EXAMPLES, tmp_path / "examples")
    platform = reg / "platforms" / "demo-ha-wancheng-info.yaml"
    platform.write_text(platform.read_text("utf-8").replace("programme: henan-province", "programme: henan-provinse", 1), "utf-8")
    out = tmp_path / "site" / "output"
    before = previous_site(out)
    assert build(reg.resolve(), out, day("2024-11-20")) == 1
    said = capsys.readouterr().err
    assert "引用的认定项目“henan-provinse”不存在" in said and "demo-ha-wancheng-info.yaml" in said
    assert f"未生成网站：{out.resolve()} 保持不变。" in said
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_rules_checked_beside_the_build_give_the_site_and_warnings_of_rules_checked_first(tmp_path, monkeypatch, capsys):
    from registry_site.build import build
    from sme_registry import rules
    monkeypatch.setenv("REGISTRY_WORKERS", "2")
    reports, sites = [], []
    for groups_from, name in ((10**9, "first"), (0, "beside")):
        monkeypatch.setattr(rules, "GROUPS_FROM", groups_from)
        out = tmp_path / name / "output"
        assert build(EXAMPLES.resolve(), out, day("2026-11-20")) == 0
        reports.append(capsys.readouterr().err.replace(str(out.resolve()), "OUT"))
        sites.append(snapshot(out))
        assert build(EXAMPLES.resolve(), out, day("2026-11-20")) == 0     # nothing changed: the same warnings again
        again = capsys.readouterr().err.replace(str(out.resolve()), "OUT")
        assert again.split("网站已是最新")[0] == reports[-1].split("网站已生成")[0]
    assert "警告" in reports[0] and reports[0] == reports[1]
    assert sites[0] == sites[1]


@pytest.mark.parametrize("template,broken", [
    ("notice.html", "{% if %}"),                                      # does not compile
    ("notice.html", "{{ notice.no_such_field.deeper }}"),              # fails while rendering
    ("platform.html", "{{ platform.recognitions[0].nothing.at_all }}"),  # fails on one page of many
])
def test_template_error_leaves_output_untouched(tmp_path, template, broken):
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    page = theme / "templates" / template
    text = page.read_text("utf-8")
    page.write_text(text.replace("{% block content %}", "{% block content %}" + broken, 1), "utf-8")
    out = tmp_path / "site" / "output"
    before = previous_site(out)
    assert build_into(EXAMPLES, out, day("2024-11-20"), overrides={"THEME": str(theme)}) == 1
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_successful_build_replaces_the_whole_output(tmp_path):
    out = tmp_path / "site" / "output"
    previous_site(out)
    assert build_into(REGISTRY, out, day("2024-11-20")) == 0
    assert not (out / "platforms" / "old").exists()
    assert not (out / "data.json").exists()
    assert "上一次发布的网站" not in (out / "index.html").read_text("utf-8")
    assert (out / "notices" / "henan-2024-recommendation-call" / "index.html").is_file()
    assert leftovers(out) == []


# -- reproducible ----------------------------------------------------------------------------
@pytest.mark.parametrize("as_of,production", [("2026-11-23", False), ("2024-11-20", True)])
def test_same_commit_and_date_give_identical_output(built, tmp_path, as_of, production):
    first = built("examples", as_of, production=production)
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "PYTHONHASHSEED": "4242",
           "SITEURL": PROD_SITEURL}
    cmd = [sys.executable, "-m", "registry_site", str(EXAMPLES), "--as-of", as_of, "--output", str(out)]
    if production:
        cmd += ["--settings", str(PUBLISHCONF)]
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    a, b = snapshot(first.root), snapshot(out)
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == [], f"differ between two builds: {different[:10]}"
    assert "feeds/atom.xml" in a and "sitemap.xml" in a and "data/platforms.csv" in a


# -- feed, sitemap, canonical URLs --------------------------------------------------------------
def test_atom_feed_lists_every_notice_and_publicity_list(prod):
    root = ET.parse(prod.file("/feeds/atom.xml")).getroot()
    assert root.tag == f"{ATOM}feed"
    self_link = [l for l in root.findall(f"{ATOM}link") if l.get("rel") == "self"]
    assert self_link and self_link[0].get("href") == f"{PROD_SITEURL}/feeds/atom.xml"
    assert root.findtext(f"{ATOM}updated")
    entries = root.findall(f"{ATOM}entry")
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    notices = {p.stem for folder in (REGISTRY, EXAMPLES) for p in (folder / "notices").glob("*.yaml")}
    publicity = {p.stem for p in (EXAMPLES / "publicity").glob("*.yaml")}
    expected = {f"{PROD_SITEURL}/notices/{n}/" for n in notices} | {f"{PROD_SITEURL}/publicity/{p}/" for p in publicity}
    assert sorted(links) == sorted(expected)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for e in entries:
        assert e.findtext(f"{ATOM}title") and e.findtext(f"{ATOM}updated")
    call = entries[links.index(f"{PROD_SITEURL}/notices/henan-2024-recommendation-call/")]
    assert call.findtext(f"{ATOM}title") == "关于做好2024年度河南省中小企业公共服务示范平台申报推荐工作的通知"
    assert call.findtext(f"{ATOM}updated").startswith("2024-11-11")
    # every page announces the feed
    head = prod.page("/").find("link", attrs={"type": "application/atom+xml"})
    assert head["href"] == f"{PROD_SITEURL}/feeds/atom.xml"


def test_real_registry_feed(real):
    root = ET.parse(real.file("/feeds/atom.xml")).getroot()
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(list((REGISTRY / "notices").glob("*.yaml")))


def test_sitemap_lists_every_page(prod):
    root = ET.parse(prod.file("/sitemap.xml")).getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    assert len(locs) == len(set(locs))
    pages = {PROD_SITEURL + prod.url_of(p) for p in prod.html_files() if p.name != "404.html"}
    assert set(locs) == pages
    assert f"{PROD_SITEURL}/platforms/demo-xc-jianan-tech/" in locs
    assert f"{PROD_SITEURL}/about/" in locs


def test_canonical_urls_are_absolute_under_publishconf(prod):
    count = 0
    for path in prod.html_files():
        url = prod.url_of(path)
        soup = prod.page(url)
        canonical = soup.find_all("link", rel="canonical")
        if path.name == "404.html":
            continue
        assert len(canonical) == 1, url
        assert canonical[0]["href"] == PROD_SITEURL + url, url
        # the stylesheet and scripts are addressed under the same site URL
        for tag in soup.find_all(["link", "script"]):
            ref = tag.get("href") or tag.get("src")
            if ref and not ref.startswith("data:"):
                assert ref.startswith(PROD_SITEURL + "/"), (url, ref)
        count += 1
    assert count > 50


def test_local_build_links_are_relative(demo):
    """pelicanconf.py (RELATIVE_URLS): the output works from any folder, offline."""
    soup = demo.page("/platforms/demo-xc-jianan-tech/")
    assert soup.find("link", rel="stylesheet")["href"] == "../../theme/css/site.css"
    for canonical in soup.find_all("link", rel="canonical"):
        assert urlsplit(canonical["href"]).scheme in ("http", "https")


# -- page weight -----------------------------------------------------------------------------
def _assets(site, url: str) -> list[Path]:
    soup = site.page(url)
    refs = [l["href"] for l in soup.find_all("link", href=True) if "stylesheet" in (l.get("rel") or [])]
    refs += [s["src"] for s in soup.find_all("script", src=True)]
    files = []
    for ref in refs:
        path = urlsplit(urljoin(f"https://site.invalid{url}", ref)).path if not ref.startswith("http") else urlsplit(ref).path
        target = site.root / path.lstrip("/")
        assert target.is_file(), (url, ref)
        files.append(target)
    return files


@pytest.mark.parametrize("which,as_of", [("examples", "2024-11-20"), ("examples", "2026-11-23"), ("registry", "2024-11-20")])
def test_every_page_weighs_at_most_50_kb(built, which, as_of):
    site = built(which, as_of)
    heaviest = (0, "")
    for path in site.html_files():
        url = site.url_of(path)
        assets = _assets(site, url)
        assert any(a.suffix == ".css" for a in assets), url
        total = path.stat().st_size + sum(a.stat().st_size for a in set(assets))
        heaviest = max(heaviest, (total, url))
        assert total <= MAX_PAGE_BYTES, f"{url}: {total} bytes of HTML+CSS+JS"
    # CSS pulls in nothing more (no @import to count)
    for css in site.root.rglob("*.css"):
        assert "@import" not in css.read_text("utf-8"), css
    assert heaviest[0] > 10_000      # the check measured real pages
