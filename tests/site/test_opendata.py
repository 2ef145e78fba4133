"""Open data: the JSON and CSV files, their documentation on /data/, and their agreement
with what the HTML pages say."""
from __future__ import annotations

import csv
import io
import json
import random
import re

import pytest

from registry_site import opendata
from sme_registry.registry import load_registry

from sitekit import EXAMPLES, REGISTRY

PLATFORM_STATUSES = {"pending", "active", "expiring", "expired", "revoked"}
PUBLICITY_STATUSES = {"upcoming", "open", "closed"}
STATUS_LABELS = {"pending": "未生效", "active": "有效", "expiring": "即将到期", "expired": "已过期", "revoked": "已撤销"}
CSV_HEADER = ["编号", "平台名称", "运营单位", "统一社会信用代码", "行政区划代码", "所在地", "平台类别",
              "服务功能", "状态", "主要认定项目", "有效期起", "有效期止", "星级"]
ISO = r"^\d{4}-\d{2}-\d{2}$"


def is_day(value) -> bool:
    return isinstance(value, str) and re.match(ISO, value) is not None


def test_platforms_json_shape(demo):
    data = demo.json("/data/platforms.json")
    assert isinstance(data, list)
    assert [p["id"] for p in data] == sorted(p.stem for p in (EXAMPLES / "platforms").glob("*.yaml"))
    for p in data:
        assert {"id", "name", "operator", "region", "category", "functions", "status", "recognitions"} <= set(p)
        assert set(p["operator"]) == {"name", "credit_code"}
        assert p["operator"]["name"]
        assert p["operator"]["credit_code"] is None or len(p["operator"]["credit_code"]) == 18
        assert len(p["region"]) == 6 and p["region"].isdigit()
        assert p["category"] in (None, "comprehensive", "specialized")
        assert set(p["functions"]) <= {"information", "technology", "entrepreneurship", "training", "financing"}
        assert p["status"] in PLATFORM_STATUSES or (p["status"] is None and p["recognitions"] == [])
        for r in p["recognitions"]:
            assert set(r) == {"programme", "notice", "announced_on", "valid_from", "valid_until", "star", "status", "events"}
            assert r["status"] in PLATFORM_STATUSES
            assert is_day(r["announced_on"]) and is_day(r["valid_from"])
            assert r["valid_until"] is None or is_day(r["valid_until"])
            for e in r["events"]:
                assert is_day(e["on"]) and e["type"]


def test_platform_record_by_hand(demo):
    rec = {p["id"]: p for p in demo.json("/data/platforms.json")}["demo-xc-jianan-tech"]
    assert rec["name"] == "许昌市建安区装备制造技术服务平台"
    assert rec["operator"] == {"name": "许昌建安示例技术服务有限公司", "credit_code": "91411003MA0000002K"}
    assert rec["region"] == "411003" and rec["category"] == "specialized" and rec["functions"] == ["technology"]
    assert rec["status"] == "expiring"
    xc, ha = rec["recognitions"]
    assert (xc["programme"], xc["notice"], xc["announced_on"], xc["valid_from"], xc["valid_until"], xc["status"]) == (
        "xuchang-city", "demo-xuchang-2021-recognition", "2021-12-20", "2022-01-01", "2024-12-31", "expiring")
    assert [(e["on"], e["type"], e["result"], e["notice"]) for e in xc["events"]] == [
        ("2023-03-20", "assessment", "pass", "demo-xuchang-2022-assessment"),
        ("2024-03-22", "assessment", "pass", "demo-xuchang-2023-assessment")]
    assert (ha["programme"], ha["valid_from"], ha["valid_until"], ha["status"]) == (
        "henan-province", "2025-01-01", "2027-12-31", "pending")


def test_each_platform_json_matches_the_collection(demo):
    for p in demo.json("/data/platforms.json"):
        assert demo.json(f"/platforms/{p['id']}.json") == p


def test_each_platform_json_is_written_as_json_dumps_would_indent_it(demo):
    """opendata.pretty stands in for json.dumps(indent=1), which is slow: the same bytes."""
    for p in demo.json("/data/platforms.json"):
        assert demo.file(f"/platforms/{p['id']}.json").read_text("utf-8") == json.dumps(p, ensure_ascii=False, indent=1) + "\n"
    rng = random.Random(5)

    def value(depth):
        kind = rng.randrange(9 if depth < 4 else 5)
        if kind < 5:
            return [None, True, False, rng.randrange(-10**6, 10**6), "".join(rng.choice('a中"\\\n\t😀/') for _ in range(rng.randrange(6)))][kind]
        if kind == 5:
            return rng.random() * 1e6
        if kind in (6, 7):
            return {"".join(rng.choice('k键"') for _ in range(rng.randrange(4))) + str(i): value(depth + 1) for i in range(rng.randrange(4))}
        return [value(depth + 1) for _ in range(rng.randrange(4))] if rng.random() < 0.8 else {1: value(depth + 1)}
    for _ in range(2000):
        v = value(0)
        assert opendata.pretty(v) == json.dumps(v, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("as_of", ["2024-11-20", "2024-12-31", "2025-01-01", "2026-11-23"])
def test_statuses_agree_with_html_badges(built, as_of):
    site = built("examples", as_of)
    listed = {tr["data-id"]: tr["data-status"] for tr in site.paged("/platforms/").select("tr.platform-row")}
    for p in site.json("/data/platforms.json"):
        soup = site.page(f"/platforms/{p['id']}/")
        badge = soup.select_one("h1 span.badge[data-status]")
        assert badge["data-status"] == (p["status"] or "candidate"), p["id"]
        if p["status"]:
            assert badge.get_text(strip=True) == STATUS_LABELS[p["status"]]
        if p["id"] in listed:
            assert listed[p["id"]] == p["status"]
        # each recognition's badge on the page
        section = soup.find("section", attrs={"aria-labelledby": "h-recognitions"})
        on_page = sorted((b["data-valid-from"], b["data-status"]) for b in section.select("span.badge[data-status]"))
        assert on_page == sorted((r["valid_from"], r["status"]) for r in p["recognitions"]), p["id"]
    for u in site.json("/data/publicity.json"):
        badge = site.page(f"/publicity/{u['id']}/").select_one("h1 span.badge[data-status]")
        assert badge["data-status"] == u["status"]
        assert badge["data-publicity-end"] == u["ends_on"]


def test_platforms_csv(demo):
    raw = demo.file("/data/platforms.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert text.splitlines()[0].lstrip("\ufeff").startswith("编号,平台名称")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == CSV_HEADER
    data = {p["id"]: p for p in demo.json("/data/platforms.json")}
    body = {r[0]: dict(zip(CSV_HEADER, r)) for r in rows[1:]}
    assert set(body) == set(data) and len(rows) - 1 == len(data)
    row = body["demo-xc-jianan-tech"]
    assert row["平台名称"] == "许昌市建安区装备制造技术服务平台"
    assert row["统一社会信用代码"] == "91411003MA0000002K"
    assert row["状态"] == "即将到期"
    assert row["服务功能"] == "技术服务"
    assert (row["有效期起"], row["有效期止"]) == ("2022-01-01", "2024-12-31")
    for pid, p in data.items():
        if p["status"]:
            assert body[pid]["状态"] == STATUS_LABELS[p["status"]], pid


def test_notices_json(demo):
    data = demo.json("/data/notices.json")
    assert sorted(n["id"] for n in data) == sorted(
        p.stem for folder in (REGISTRY, EXAMPLES) for p in (folder / "notices").glob("*.yaml"))
    by_id = {n["id"]: n for n in data}
    call = by_id["henan-2024-recommendation-call"]
    assert call["kind"] == "call" and call["issued_on"] == "2024-11-11"
    assert [d["on"] for d in call["deadlines"]] == ["2024-11-18", "2024-11-21"]
    assert call["attachments"] == ["henan-2024-onsite-verification", "henan-2024-summary-table",
                                   "henan-2024-recommendation-form"]
    assert by_id["xuchang-2020-measures"]["doc_number"] == "许工信〔2020〕154号"
    for n in data:
        assert {"id", "title", "kind", "issuer", "doc_number", "issued_on", "programmes", "deadlines", "attachments"} <= set(n)


def test_publicity_json(demo_2026):
    data = demo_2026.json("/data/publicity.json")
    reg = load_registry(EXAMPLES)
    assert {p["id"] for p in data} == set(reg.publicity)
    for p in data:
        assert {"id", "title", "programme", "starts_on", "ends_on", "working_days", "status", "entries"} <= set(p)
        assert p["status"] in PUBLICITY_STATUSES
        assert p["entries"] == list(reg.publicity[p["id"]].entries)
    by_id = {p["id"]: p for p in data}
    xc = by_id["demo-xuchang-2026-publicity"]
    assert (xc["starts_on"], xc["ends_on"], xc["working_days"], xc["status"]) == ("2026-11-19", "2026-11-25", 5, "open")
    assert xc["outcome"] is None
    ty = by_id["demo-taiyuan-2024-publicity"]
    assert (ty["ends_on"], ty["status"], ty["outcome"]) == ("2024-10-11", "closed", "demo-taiyuan-2024-result")
    assert by_id["demo-henan-2026-publicity"]["status"] == "upcoming"


def test_real_registry_open_data_is_empty_but_valid(real):
    assert real.json("/data/platforms.json") == []
    assert real.json("/data/publicity.json") == []
    raw = real.file("/data/platforms.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig")))) == [CSV_HEADER]
    assert {n["id"] for n in real.json("/data/notices.json")} == {p.stem for p in (REGISTRY / "notices").glob("*.yaml")}


def _documented(site) -> dict[str, set[str]]:
    docs: dict[str, set[str]] = {}
    for tr in site.main("/data/").select("table tbody tr"):
        cells = [td.get_text(strip=True) for td in tr.find_all("td")]
        assert len(cells) == 3 and cells[2], cells
        for name in cells[1].split(" / "):
            docs.setdefault(cells[0], set()).add(name.strip())
    return docs


def _fields(record: dict, prefix: str = "") -> set[str]:
    out = set()
    for key, value in record.items():
        name = prefix + key
        out.add(name)
        if isinstance(value, dict):
            out |= _fields(value, name + ".")
        elif isinstance(value, list) and value and isinstance(value[0], dict) and key == "recognitions":
            out |= _fields(value[0], name + "[].")
    return out


def test_data_page_documents_every_field(demo):
    docs = _documented(demo)
    for file in ["platforms.json", "notices.json", "publicity.json"]:
        records = demo.json(f"/data/{file}")
        fields = set().union(*(_fields(r) for r in records))
        documented = {d.rstrip("[]") for d in docs.get(file, set())}
        # a documented "recognitions[].events" covers its parts, "deadlines[]" covers deadlines
        fields = {f for f in fields if not f.startswith("recognitions[].events.")}
        missing = sorted(f for f in fields if f not in documented
                         and not any(d.startswith((f + ".", f + "[].")) for d in documented))
        assert not missing, f"{file}: fields without documentation on /data/: {missing}"
    main = demo.main("/data/")
    hrefs = {a["href"].rsplit("/", 1)[-1] for a in main.find_all("a", href=True)}
    assert {"platforms.json", "platforms.csv", "notices.json", "publicity.json", "atom.xml"} <= hrefs


def test_a_rebuild_takes_the_lines_it_keeps_from_the_published_lists(demo):
    """A rebuild keeps the published line of each platform and notice whose view is unchanged
    (opendata.KEPT_LINES): cut by record id, those lines put back together are the file."""
    import dataclasses
    import datetime as dt

    from registry_site.views import build_site

    for rel in ("/data/platforms.json", "/data/notices.json"):
        text = demo.file(rel).read_text("utf-8")
        lines = opendata.previous_lines(text)
        assert list(lines) == [r["id"] for r in demo.json(rel)] and lines
        assert opendata._join(list(lines.values())) == text
    as_of = dt.date(2024, 11, 20)
    site = build_site(load_registry(EXAMPLES, as_of=as_of), as_of)
    text = opendata.platforms_csv(site.platforms)
    assert demo.file("/data/platforms.csv").read_bytes().decode("utf-8") == text
    rows = opendata.previous_rows(text)
    assert list(rows) == [p.id for p in site.platforms]
    assert opendata.platforms_csv(site.platforms, rows) == text
    # a field holding a line break is quoted across two lines: no row is taken from such a file
    broken = [dataclasses.replace(site.platforms[0], name="第一行\r\n第二行")] + site.platforms[1:]
    assert opendata.previous_rows(opendata.platforms_csv(broken)) == {}


def test_a_rebuild_splices_the_changed_lines_into_the_published_lists(tmp_path):
    """With the same records in the same order, a rebuild keeps the published files' bytes and
    replaces only the lines of the records whose view changed (opendata._spliced); with records
    added, removed or reordered, or a line break inside a CSV field, it cuts the file by record id
    instead.  Either way the files are those a build with nothing to keep writes."""
    import dataclasses
    import datetime as dt

    from registry_site.views import build_site

    as_of = dt.date(2024, 11, 20)
    site = build_site(load_registry(EXAMPLES, as_of=as_of), as_of)

    def files(s, previous=None) -> dict[str, bytes]:
        folder = tmp_path / f"out-{len(list(tmp_path.iterdir()))}"
        opendata.write_lists(s, folder, previous)
        return {rel: (folder / rel).read_bytes() for rel in opendata.KEPT_LINES}

    def previous(published: dict[str, bytes], s, changed: set[str]) -> dict[str, opendata.Previous]:
        views = {"platforms": s.platforms, "notices": s.notices}
        return {rel: opendata.Previous(published[rel], [v.id for v in views[kind]],
                                       {v.id for v in views[kind]} - changed)
                for rel, kind in opendata.KEPT_LINES.items()}

    published = files(site)
    renamed = [dataclasses.replace(p, name=p.name + "（更名）") if i in (0, 3, len(site.platforms) - 1) else p
               for i, p in enumerate(site.platforms)]
    changed = {site.platforms[i].id for i in (0, 3, len(site.platforms) - 1)} | {site.notices[-1].id}
    notices = site.notices[:-1] + [dataclasses.replace(site.notices[-1], title="（更正）" + site.notices[-1].title)]
    after = dataclasses.replace(site, platforms=renamed, notices=notices)
    spliced = files(after, previous(published, site, changed))
    assert spliced == files(after)
    assert spliced["data/platforms.json"] != published["data/platforms.json"]
    assert "（更正）".encode() in spliced["data/notices.json"]
    # a line whose record is marked unchanged is kept as published, even if its view now differs:
    # what is kept is the caller's to say (generator._previous_lists compares the views' inputs)
    kept = files(after, previous(published, site, set()))
    assert kept == published
    # another order of the same records, a record removed: cut by id
    for others in (site.platforms[::-1], site.platforms[1:]):
        moved = dataclasses.replace(site, platforms=others)
        assert files(moved, previous(published, site, set())) == files(moved)
    # a name with a line break: its CSV row spans two lines, and the next rebuild keeps no CSV row
    broken = dataclasses.replace(site, platforms=[dataclasses.replace(site.platforms[0], name="第一行\r\n第二行")]
                                 + site.platforms[1:])
    with_break = files(broken, previous(published, site, {site.platforms[0].id}))
    assert with_break == files(broken)
    again = files(broken, previous(with_break, broken, set()))
    assert again == with_break
