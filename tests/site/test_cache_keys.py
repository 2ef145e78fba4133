"""The build cache's keys (buildcache.key) name what a page or stage is made from: the same
inputs must give the same key in every build, whatever else the build keyed before."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from registry_site import buildcache


@dataclass
class View:
    name: str
    links: list = field(default_factory=list)


def test_a_key_does_not_depend_on_what_was_keyed_before(monkeypatch):
    """Picklers are used again (buildcache._PICKLERS): one must keep nothing of the last value it
    pickled (its buffer, its memo of objects met), also after a large value or a view's digest
    taken in the middle of another key."""
    shared = View("南阳宛城中小企业信息服务平台", [dt.date(2026, 11, 20)])
    values = [
        ("platform", {"page_title": "平台", "platform": shared, "history": [shared.links, shared.links]}),
        [shared] * 3,
        {"rows": [View(f"平台{i}") for i in range(3000)]},     # larger than a pickler kept for reuse
        "platform",
        {"page_title": "平台", "platform": shared},
        ("platform", {"page_title": "平台", "platform": shared, "history": [shared.links, shared.links]}),
    ]

    def keys(order):
        buildcache.share_views((View,))
        monkeypatch.setattr(buildcache, "_PICKLERS", [])
        try:
            return {i: buildcache.key(b"glob", values[i]) for i in order}
        finally:
            buildcache.share_views(())

    alone = {i: keys([i])[i] for i in range(len(values))}     # each with picklers never used before
    assert keys(range(len(values))) == alone
    assert keys(reversed(range(len(values)))) == alone
    assert alone[0] == alone[5] and len(set(alone.values())) == len(values) - 1
