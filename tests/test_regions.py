"""The region table (sme_registry.regions): what a site build remembers of it between builds
(buildcache.py keeps regions.known() and gives it back through regions.remember)."""
from __future__ import annotations

import pytest

from sme_registry import regions

CODES = ["411002",   # 河南省许昌市魏都区 (a county)
         "411000",   # 许昌市 (a city)
         "410000",   # 河南省
         "411023",   # 许昌县, abolished in 2016
         "999999", "41100", None]


@pytest.fixture
def fresh_table(monkeypatch):
    monkeypatch.setattr(regions, "_FOUND", {})


def test_remembered_lookups_are_what_the_table_gives(fresh_table, monkeypatch):
    looked_up = {code: regions.lookup(code) for code in CODES}
    assert looked_up["411002"].full_name == "河南省许昌市魏都区"
    assert looked_up["411023"].abolished_in == 2016
    assert looked_up["999999"] is None and looked_up[None] is None
    kept = regions.known()
    assert None not in kept           # only codes: the build cache holds plain values

    # another process: what it remembers is answered without reading stdnum's table
    monkeypatch.setattr(regions, "_FOUND", {})
    regions.remember(kept)
    monkeypatch.setattr(regions, "_parts", lambda code: pytest.fail(f"{code} read from the table"))
    for code in CODES[:-1]:
        assert regions.lookup(code) == looked_up[code]


def test_a_code_not_remembered_is_read_from_the_table(fresh_table):
    regions.remember({"411002": ("411002", "魏都区", "河南省许昌市魏都区", "county", None)})
    assert regions.lookup("410000").name == "河南省"
    assert set(regions.known()) == {"411002", "410000"}
