"""Helpers for the end-to-end tests of the public site (imported by conftest.py and tests).

Each (registry, "as of" date, settings) is built once per test session into its own
folder; tests read the output the way a visitor (or a script) would: pages by their
permanent URL, parsed with BeautifulSoup, and the open data files as JSON/CSV.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from registry_site.build import build

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "registry"
EXAMPLES = REPO / "examples"
PUBLISHCONF = REPO / "publishconf.py"
PROD_SITEURL = "https://sme.example.gov.cn"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Site:
    """One built site: find a page by its URL, parse it, read the open data."""

    def __init__(self, root: Path, registry: Path, as_of: dt.date, siteurl: str = ""):
        self.root = root
        self.registry = registry
        self.as_of = as_of
        self.siteurl = siteurl
        self._soups: dict[str, BeautifulSoup] = {}

    def file(self, url: str) -> Path:
        """The file that serves a site URL such as "/platforms/x/" or "/data/platforms.json"."""
        path = urlsplit(url).path.lstrip("/")
        target = self.root / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        return target

    def exists(self, url: str) -> bool:
        return self.file(url).is_file()

    def html(self, url: str) -> str:
        target = self.file(url)
        assert target.is_file(), f"{url} was not built ({target})"
        return target.read_text("utf-8")

    def page(self, url: str) -> BeautifulSoup:
        if url not in self._soups:
            self._soups[url] = BeautifulSoup(self.html(url), "html.parser")
        return self._soups[url]

    def paged(self, url: str) -> BeautifulSoup:
        """A list page and its continuation pages (url + "page/2/", ...), their <main>s in one soup."""
        mains, n = [str(self.main(url))], 2
        while self.exists(f"{url}page/{n}/"):
            mains.append(str(self.main(f"{url}page/{n}/")))
            n += 1
        return BeautifulSoup("".join(mains), "html.parser")

    def main(self, url: str):
        main = self.page(url).find("main")
        assert main is not None, f"{url} has no <main>"
        return main

    def text(self, url: str) -> str:
        """The visible text of a page's <main>, whitespace collapsed."""
        return " ".join(self.main(url).get_text(" ").split())

    def json(self, url: str):
        return json.loads(self.file(url).read_text("utf-8"))

    def html_files(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))

    def url_of(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        if rel == "index.html":
            return "/"
        if rel.endswith("/index.html"):
            return "/" + rel[: -len("index.html")]
        return "/" + rel


def build_into(registry: Path, out: Path, as_of: dt.date, **kw) -> int:
    return build(registry.resolve(), out, as_of, quiet=True, **kw)


def copy_registry(src: Path, dst: Path) -> Path:
    """A writable copy of a registry folder (without the demo's `extends`)."""
    shutil.copytree(src, dst)
    return dst
