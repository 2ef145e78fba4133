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


def test_a_publicity_calendar_reads_nothing_its_own_key_leaves_out():
    """publicity/<id>.ics is keyed apart from its page (calendar_files.publicity_ics_inputs), so that a
    renamed platform on the list does not rewrite it: no other field of the view may change it."""
    import dataclasses

    from registry_site import calendar_files
    from registry_site.views import Link, PublicityView

    view = PublicityView("demo-2026-publicity", "publicity/demo-2026-publicity/", "2026年拟认定名单公示",
                         Link("henan-province", "河南省中小企业公共服务示范平台", "programmes/henan-province/"),
                         Link("demo-call", "申报通知", "notices/demo-call/"), dt.date(2026, 6, 1), dt.date(2026, 6, 5),
                         5, "国务院办公厅通知", "open", "公示中", 4, 3, {"phone": "0371-0000000"}, ["平台一"], None)
    settings = {"SITENAME": "示范平台名录", "SITEURL": "https://sme.example.gov.cn"}
    ics = calendar_files.publicity_ics(view, settings)
    inputs = calendar_files.publicity_ics_inputs(view)
    others = {"notice": Link("other", "另一通知", "notices/other/"), "status": "closed", "status_label": "已结束",
              "days_left": None, "working_days_left": None, "entries": ["平台一", "平台二"],
              "outcome": Link("result", "认定结果", "notices/result/")}
    assert set(others) | {"id", "url", "title", "programme", "starts_on", "ends_on", "working_days", "calendar_source",
                          "objections"} == {f.name for f in dataclasses.fields(PublicityView)}
    for name, value in others.items():
        changed = dataclasses.replace(view, **{name: value})
        assert calendar_files.publicity_ics_inputs(changed) == inputs
        assert calendar_files.publicity_ics(changed, settings) == ics, name
    for name, value in {"title": "更正后的公示", "ends_on": dt.date(2026, 6, 8), "objections": {"phone": "0371-1111111"},
                        "programme": Link("henan-province", "河南省示范平台", "programmes/henan-province/")}.items():
        changed = dataclasses.replace(view, **{name: value})
        assert calendar_files.publicity_ics(changed, settings) != ics, name
        assert calendar_files.publicity_ics_inputs(changed) != inputs, name
