"""Session fixtures for the end-to-end tests of the public site.

Each (registry, "as of" date, settings) is built once per test session into its own
folder (see sitekit.py for how tests read a built site).
"""
from __future__ import annotations

import os

import pytest

from sitekit import EXAMPLES, PROD_SITEURL, PUBLISHCONF, REGISTRY, Site, build_into, day


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """built(which, "YYYY-MM-DD", production=False) -> Site, each built once per session.

    which: "registry" (the real records) or "examples" (the demo registry).
    production: build with publishconf.py (absolute SITEURL = PROD_SITEURL)."""
    cache: dict[tuple, Site] = {}
    base = tmp_path_factory.mktemp("sites")

    def get(which: str, as_of: str, production: bool = False) -> Site:
        key = (which, as_of, production)
        if key not in cache:
            registry = {"registry": REGISTRY, "examples": EXAMPLES}[which]
            out = base / f"{which}-{as_of}{'-prod' if production else ''}"
            if production:
                old = os.environ.get("SITEURL")
                os.environ["SITEURL"] = PROD_SITEURL
                try:
                    rc = build_into(registry, out, day(as_of), settings_file=PUBLISHCONF)
                finally:
                    if old is None:
                        os.environ.pop("SITEURL", None)
                    else:
                        os.environ["SITEURL"] = old
            else:
                rc = build_into(registry, out, day(as_of))
            assert rc == 0, f"building {which} as of {as_of} failed"
            cache[key] = Site(out, registry, day(as_of), PROD_SITEURL if production else "")
        return cache[key]

    return get


@pytest.fixture(scope="session")
def real(built) -> Site:
    """The real registry as of 2024-11-20."""
    return built("registry", "2024-11-20")


@pytest.fixture(scope="session")
def demo(built) -> Site:
    """The demo registry (examples/) as of 2024-11-20."""
    return built("examples", "2024-11-20")


@pytest.fixture(scope="session")
def demo_2026(built) -> Site:
    """The demo registry as of 2026-11-23 (demo-xuchang-2026-publicity is 公示中)."""
    return built("examples", "2026-11-23")


@pytest.fixture(scope="session")
def prod(built) -> Site:
    """The demo registry built with publishconf.py (absolute URLs)."""
    return built("examples", "2024-11-20", production=True)
