"""Every internal link resolves; nothing is loaded from another host."""
from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

import pytest

from sme_registry.registry import load_registry

from sitekit import EXAMPLES, PROD_SITEURL, REGISTRY

LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src",
              "form": "action", "area": "href", "video": "src", "audio": "src", "embed": "src", "object": "data"}
SKIP_SCHEMES = ("mailto:", "tel:", "data:")


def known_external_links() -> set[str]:
    """The records' own external addresses (a platform's website), and the filing-system pages the
    site identity links to when pelicanconf.py configures them (SITE_ICP_URL, SITE_POLICE_RECORD_URL)."""
    import pelicanconf

    out = set()
    for folder in (REGISTRY, EXAMPLES):
        reg = load_registry(folder)
        out |= {p.website for p in reg.platforms.values() if p.website}
    out |= {u for u in (pelicanconf.SITE_ICP_URL, pelicanconf.SITE_POLICE_RECORD_URL) if u}
    return out


def site_links(site):
    """(page URL, tag, raw link) for every link-bearing attribute of every HTML page."""
    for path in site.html_files():
        url = site.url_of(path)
        for tag in site.page(url).find_all(list(LINK_ATTRS)):
            value = tag.get(LINK_ATTRS[tag.name])
            if value is not None:
                yield url, tag, value.strip()
        for tag in site.page(url).find_all(srcset=True):
            yield url, tag, tag["srcset"].split()[0]


def resolve(site, page_url: str, link: str) -> str | None:
    """The site-root path a link points to, or None for an external link."""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https"):
        if site.siteurl and link.startswith(site.siteurl + "/") or link == site.siteurl:
            return unquote(parts.path) or "/"
        return None
    assert not parts.scheme, f"{page_url}: unexpected link {link!r}"
    path = unquote(parts.path)
    if path.startswith("/"):
        return path
    base = posixpath.dirname(page_url.rstrip("/")) if not page_url.endswith("/") else page_url.rstrip("/")
    joined = posixpath.normpath(posixpath.join(base.lstrip("/"), path))
    assert not joined.startswith(".."), f"{page_url}: {link!r} climbs above the site root"
    if joined == ".":
        joined = ""
    return "/" + joined + ("/" if path.endswith("/") and joined else "")


def target_exists(site, path: str) -> bool:
    target = site.root / path.lstrip("/")
    if path.endswith("/"):
        return (target / "index.html").is_file()
    return target.is_file() or (target / "index.html").is_file()


@pytest.mark.parametrize("which,as_of,production", [
    ("examples", "2024-11-20", False), ("examples", "2026-11-23", False),
    ("registry", "2024-11-20", False), ("examples", "2024-11-20", True)])
def test_every_internal_link_resolves(built, which, as_of, production):
    site = built(which, as_of, production=production)
    broken, checked = [], 0
    for page_url, tag, link in site_links(site):
        if not link or link.startswith("#") or link.lower().startswith(SKIP_SCHEMES):
            continue
        path = resolve(site, page_url, link)
        if path is None:
            continue
        checked += 1
        if not target_exists(site, path):
            broken.append(f"{page_url} -> {link}")
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:10]}"
    assert checked > (200 if which == "registry" else 1000)


def test_link_checker_catches_a_broken_link(demo):
    """The resolver is not vacuous: a missing page and a page that exists are told apart."""
    page = "/platforms/demo-xc-jianan-tech/"
    assert target_exists(demo, resolve(demo, page, "../../notices/demo-henan-2024-result/"))
    assert target_exists(demo, resolve(demo, page, "../demo-xc-jianan-tech.json"))
    assert target_exists(demo, resolve(demo, page, "../../theme/css/site.css"))
    assert not target_exists(demo, resolve(demo, page, "../../notices/no-such-notice/"))
    assert not target_exists(demo, resolve(demo, page, "../no-such.json"))
    assert resolve(demo, "/", "./platforms/") == "/platforms/"
    assert resolve(demo, "/", "./") == "/"


@pytest.mark.parametrize("which,as_of,production", [
    ("examples", "2024-11-20", False), ("registry", "2024-11-20", False), ("examples", "2024-11-20", True)])
def test_nothing_loaded_from_another_host(built, which, as_of, production):
    site = built(which, as_of, production=production)
    own = urlsplit(PROD_SITEURL).netloc if production else None
    allowed = known_external_links()
    external_links = 0
    for page_url, tag, link in site_links(site):
        parts = urlsplit(link)
        if link.startswith("//"):
            raise AssertionError(f"{page_url}: protocol-relative {link!r}")
        if parts.scheme not in ("http", "https") or parts.netloc == own:
            continue
        # a link a visitor may follow to a platform's own website is fine; nothing may be loaded
        assert tag.name == "a", f"{page_url}: <{tag.name}> loads {link}"
        assert link in allowed, f"{page_url}: link to another host {link}"
        external_links += 1
    for page_url in (site.url_of(p) for p in site.html_files()):
        soup = site.page(page_url)
        for tag in soup.find_all(style=True):
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", tag["style"]), page_url
        for style in soup.find_all("style"):
            assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", style.get_text()), page_url
    for asset in list(site.root.rglob("*.css")) + list(site.root.rglob("*.js")):
        # comments load nothing: lunr.min.js names its home page in its licence banner
        text = re.sub(r"/\*.*?\*/", "", asset.read_text("utf-8"), flags=re.S)
        assert not re.search(r"https?://|url\(\s*['\"]?//|@import", text), asset
    if which == "examples":
        assert external_links > 0      # the demo platforms' websites were seen (and allowed)
