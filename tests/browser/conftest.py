"""Real-browser fixtures: the demo site and the real registry, each built once and served on
127.0.0.1, and one Chromium (Debian's /usr/bin/chromium, driven by Playwright) per session.

Every page a test opens goes through `Visit`, which records what a person would never see but
must not happen: console errors, uncaught script errors, failed requests, HTTP errors and any
request to a host other than the local server (the browser resolves no other host name, so such
a request also fails instead of leaving the machine).

Without /usr/bin/chromium the tests are skipped with the reason, unless the environment variable
CI is set: there a missing browser (or axe-core, or Playwright) is a failure, so CI cannot pass by
skipping.  `make test` installs all three.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 # a second guard besides the test's own check: no other host even resolves
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path("/tmp/screenshots")
SHANGHAI = ZoneInfo("Asia/Shanghai")

DEMO_AS_OF = dt.date(2026, 11, 23)
REAL_AS_OF = dt.date(2024, 11, 20)
SITENAME = "中小企业公共服务示范平台公开登记库"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def missing(what: str, how: str):
    """Skip locally; fail under CI, where nothing may be silently left untested."""
    message = f"{what} is missing: {how}"
    if in_ci():
        pytest.fail(f"{message} (CI is set, so the browser tests may not be skipped)", pytrace=False)
    pytest.skip(message)


def shanghai_noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), SHANGHAI)


# -- the sites ----------------------------------------------------------------------------------
class _QuietHandler(SimpleHTTPRequestHandler):
    disable_nagle_algorithm = True   # headers and body go out as two writes: without this each waits ~40 ms for an ACK

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@dataclass
class Site:
    root: Path          # the built folder
    url: str            # http://127.0.0.1:PORT  (no trailing slash)
    as_of: dt.date

    def __call__(self, path: str = "/") -> str:
        return self.url + "/" + path.lstrip("/")

    def html(self, path: str) -> str:
        """The page as built (before any script ran)."""
        rel = path.strip("/")
        return (self.root / rel / "index.html" if not rel.endswith(".html") else self.root / rel).read_text("utf-8")


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"http {folder.name}", daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _built_site(tmp_path_factory, registry: Path, as_of: dt.date, name: str):
    from registry_site.build import build

    out = tmp_path_factory.mktemp(name) / "output"
    code = build(registry.resolve(), out, as_of, quiet=True)
    assert code == 0, f"building {registry} as of {as_of} failed (exit {code})"
    server, url = _serve(out)
    return server, Site(out, url, as_of)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """examples/ built as of 2026-11-23 (README of examples/ lists the statuses on that day)."""
    server, site = _built_site(tmp_path_factory, REPO / "examples", DEMO_AS_OF, "demo")
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The real registry (programmes, notices and forms; no platforms yet) as of 2024-11-20."""
    server, site = _built_site(tmp_path_factory, REPO / "registry", REAL_AS_OF, "real")
    yield site
    server.shutdown()
    server.server_close()


# -- the browser --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        missing(f"Chromium ({CHROMIUM})", "install it with `apt-get install -y chromium fonts-noto-cjk`, or run `make test`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package playwright", "run `make setup`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    if not AXE_JS.exists():
        missing("axe-core (node_modules/axe-core/axe.min.js)", "run `npm ci` or `make test`")
    return AXE_JS


class Visit:
    """One browser context and page, with every problem a page load can have recorded."""

    def __init__(self, browser, site: Site, *, viewport=DESKTOP, when=None, timezone="Asia/Shanghai", **context_options):
        self.site = site
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id=timezone, **context_options)
        self.page = self.context.new_page()
        # The scripts recompute statuses when the browser's date (in Shanghai) is not the build
        # date, so unless a test says otherwise the browser lives on the build date.
        self.page.clock.set_fixed_time(shanghai_noon(site.as_of) if when is None else when)
        self.page.on("request", self._request)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"uncaught script error: {exc}"))
        self.page.on("requestfailed", lambda req: self.problems.append(f"request failed: {req.url} ({req.failure})"))
        self.page.on("response", self._response)

    def _request(self, request):
        url = request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        self.requests.append(url)
        if parts.scheme != "http" or parts.hostname != "127.0.0.1" or not url.startswith(self.site.url + "/"):
            self.problems.append(f"request to another host: {url}")

    def _console(self, msg):
        if msg.type == "error":
            self.problems.append(f"console error: {msg.text} at {msg.location}")

    def _response(self, resp):
        if resp.status >= 400:
            self.problems.append(f"HTTP {resp.status}: {resp.url}")

    def open(self, path: str = "/"):
        resp = self.page.goto(self.site(path))
        assert resp is not None and resp.ok, f"{path}: {resp and resp.status}"
        self.page.wait_for_load_state("load")
        return self.page

    def assert_clean(self):
        assert not self.problems, "problems while loading the page:\n" + "\n".join(self.problems)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(chromium):
    """visit(site, **options) -> Visit.  Fails the test if a page had problems it did not check."""
    opened: list[Visit] = []

    def make(site: Site, **options) -> Visit:
        v = Visit(chromium, site, **options)
        opened.append(v)
        return v

    yield make
    problems = [p for v in opened for p in v.problems]
    for v in opened:
        v.close()
    assert not problems, "problems while loading pages:\n" + "\n".join(problems)


def visible_texts(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).filter(visible=True).all_inner_texts()]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs in a real browser (Chromium); deselect with -m 'not browser'")
