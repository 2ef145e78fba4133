"""Fixtures for the form-file tests (issue 5): the real and demo sites built once per session,
the form records, and LibreOffice/poppler for the PDF checks.

The site builds use tests/site/sitekit.py (same reading helpers as the site tests).  Without
LibreOffice (soffice) or poppler (pdftoppm) the PDF checks are skipped with the reason, unless
the environment variable CI is set: there a missing tool is a failure.  `make test` installs them
(`make office`).
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "site"))   # sitekit
sys.path.insert(0, str(HERE))                   # formkit

from sitekit import EXAMPLES, REGISTRY, Site, build_into, day  # noqa: E402

from sme_registry.registry import load_registry  # noqa: E402


@pytest.fixture(scope="session")
def form_sites(tmp_path_factory):
    """form_sites(which, as_of) -> Site, built once per session ("registry" or "examples")."""
    cache: dict = {}
    base = tmp_path_factory.mktemp("form-sites")

    def get(which: str, as_of: str = "2024-11-20") -> Site:
        if (which, as_of) not in cache:
            registry = {"registry": REGISTRY, "examples": EXAMPLES}[which]
            out = base / f"{which}-{as_of}"
            assert build_into(registry, out, day(as_of)) == 0, f"building {which} as of {as_of} failed"
            cache[(which, as_of)] = Site(out, registry, day(as_of))
        return cache[(which, as_of)]

    return get


@pytest.fixture(scope="session")
def real_site(form_sites) -> Site:
    return form_sites("registry")


@pytest.fixture(scope="session")
def demo_site(form_sites) -> Site:
    return form_sites("examples")


@pytest.fixture(scope="session")
def real_registry():
    reg = load_registry(REGISTRY)
    assert not reg.problems.errors
    return reg


@pytest.fixture(scope="session")
def demo_registry():
    reg = load_registry(EXAMPLES)
    assert not reg.problems.errors
    return reg


def _need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path:
        return path
    message = f"{tool} is missing (Debian package {package}; `make office` installs it)"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so the PDF checks may not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def office():
    """Paths of soffice, pdftoppm, pdftotext and pdfinfo (skip locally, fail under CI when missing)."""
    return {"soffice": _need("soffice", "libreoffice-writer-nogui, libreoffice-calc-nogui"),
            "pdftoppm": _need("pdftoppm", "poppler-utils"), "pdftotext": _need("pdftotext", "poppler-utils"),
            "pdfinfo": _need("pdfinfo", "poppler-utils")}
