"""The demo site, built once for the search tests, and the quality figures they print."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from registry_site.build import build

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def demo_search_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("search") / "output"
    assert build(REPO / "examples", out, AS_OF, quiet=True) == 0
    return out


@pytest.fixture(scope="session")
def demo_common_site(tmp_path_factory) -> Path:
    """The demo registry's search files with every token held by 3 records or more written as
    a common-token bitmap (at the default threshold only registries of thousands have any)."""
    from registry_site import search_index, views
    from sme_registry.registry import load_registry

    out = tmp_path_factory.mktemp("search-common")
    site = views.build_site(load_registry(REPO / "examples", as_of=AS_OF), AS_OF)
    search_index.write_all(site, out, common_min=3)
    return out


def pytest_terminal_summary(terminalreporter):
    from search_figures import FIGURES

    if FIGURES:
        terminalreporter.section("search quality (tests/search/queries.yaml)")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
