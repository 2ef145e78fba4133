"""Government website conventions (issue 8, items 1, 2 and 5), read from built sites:

- the 政府信息公开 metadata block on every notice page (索引号 … 发布日期), absent values left out;
- the site identity in the footer from the settings (pelicanconf.py SITE_*), shown only when configured;
- the 网站地图 page;
- the iCalendar files of the notices' deadlines and the publicity periods: they parse (icalendar),
  carry the right dates, are linked from their pages and are the same in every build.
"""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urljoin, urlsplit

import pytest
from icalendar import Calendar

from sme_registry.registry import load_registry

from sitekit import EXAMPLES, PROD_SITEURL, REGISTRY, Site, build_into, copy_registry, day

META_ORDER = ["索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期"]
IDENTITY = {
    "SITE_SPONSOR": "许昌市工业和信息化局（测试）",
    "SITE_UNDERTAKER": "许昌市中小企业服务中心（测试）",
    "SITE_CODE": "4110000099",
    "SITE_ICP": "豫ICP备99999999号",
    "SITE_ICP_URL": "https://beian.miit.gov.cn/",
    "SITE_POLICE_RECORD": "豫公网安备41100002000099号",
    "SITE_POLICE_RECORD_URL": "",
    "SITE_CONTACT": {"phone": "0374-2965056", "email": "office@example.gov.cn", "address": "许昌市示例路1号"},
}
ONE_DAY = dt.timedelta(days=1)


def squash(text: str) -> str:
    return " ".join(text.split())


def target(page_url: str, href: str) -> str:
    """The site path a link on a page points to (relative or absolute)."""
    return urlsplit(urljoin(f"https://site.invalid{page_url}", href)).path


def meta_rows(site: Site, url: str) -> list[tuple[str, str]]:
    block = site.main(url).select_one("dl.doc-meta")
    assert block is not None, f"{url} has no metadata block"
    labels, values = block.find_all("dt", recursive=False), block.find_all("dd", recursive=False)
    assert len(labels) == len(values)
    return [(squash(t.get_text()), squash(d.get_text())) for t, d in zip(labels, values)]


def cn(day_: dt.date) -> str:
    return f"{day_.year}年{day_.month}月{day_.day}日"


# == 1. document metadata ======================================================================
def test_metadata_block_on_every_real_notice(real):
    """What each real notice shows comes from its record; what the record lacks is not shown."""
    reg = load_registry(REGISTRY)
    assert reg.notices
    for nid, n in reg.notices.items():
        rows = meta_rows(real, f"/notices/{nid}/")
        expected = [("发文机关", n.issuer), ("成文日期", cn(n.issued_on)), ("标题", n.title)]
        if n.doc_number:
            expected.append(("发文字号", n.doc_number))
        # no real source prints an index number, a topic or a publication date: none is invented
        assert (n.index_number, n.topic, n.published_on) == (None, None, None), nid
        assert rows == expected, nid
        block = real.main(f"/notices/{nid}/").select_one("dl.doc-meta")
        assert block.find("time")["datetime"] == n.issued_on.isoformat()
        # the block comes before the title, as on government portals, and is the page's first fact list
        assert real.main(f"/notices/{nid}/").select_one("dl.facts") is block
        assert block.find_next("h1").get_text() == n.title


def test_metadata_of_the_real_notices_by_name(real):
    henan = dict(meta_rows(real, "/notices/henan-2024-recommendation-call/"))
    assert henan == {"发文机关": "市工业和信息化局", "成文日期": "2024年11月11日",
                     "标题": "关于做好2024年度河南省中小企业公共服务示范平台申报推荐工作的通知"}
    assert "发文字号" not in henan          # the source prints no number: left out, not "无"
    xuchang = dict(meta_rows(real, "/notices/xuchang-2020-measures/"))
    assert xuchang["发文字号"] == "许工信〔2020〕154号" and xuchang["成文日期"] == "2020年11月6日"
    jiangsu = [label for label, _ in meta_rows(real, "/notices/jiangsu-2019-star-re-evaluation/")]
    assert jiangsu == ["发文机关", "成文日期", "标题", "发文字号"]
    for absent in ["索引号", "主题分类", "发布日期"]:
        assert absent not in real.main("/notices/jiangsu-2019-star-re-evaluation/").select_one("dl.doc-meta").get_text()


@pytest.fixture(scope="module")
def meta_site(tmp_path_factory) -> Site:
    """The real registry, the Xuchang measures given the three optional fields."""
    base = tmp_path_factory.mktemp("meta")
    reg = copy_registry(REGISTRY, base / "registry")
    path = reg / "notices" / "xuchang-2020-measures.yaml"
    text = path.read_text("utf-8")
    assert "issued_on: 2020-11-06\n" in text
    path.write_text(text.replace("issued_on: 2020-11-06\n", "issued_on: 2020-11-06\npublished_on: 2020-11-09\n"
                                 "index_number: 11411000MB1234567X/2020-00154\ntopic: 工业、交通/中小企业\n"), "utf-8")
    out = base / "output"
    assert build_into(reg, out, day("2024-11-20")) == 0
    return Site(out, reg, day("2024-11-20"))


def test_metadata_block_with_every_field(meta_site):
    rows = meta_rows(meta_site, "/notices/xuchang-2020-measures/")
    assert [label for label, _ in rows] == META_ORDER
    assert dict(rows) == {"索引号": "11411000MB1234567X/2020-00154", "主题分类": "工业、交通/中小企业",
                          "发文机关": "许昌市工业和信息化局", "成文日期": "2020年11月6日",
                          "标题": "关于印发《许昌市中小企业公共服务示范平台认定管理办法》的通知",
                          "发文字号": "许工信〔2020〕154号", "发布日期": "2020年11月9日"}
    times = [t["datetime"] for t in meta_site.main("/notices/xuchang-2020-measures/").select("dl.doc-meta time")]
    assert times == ["2020-11-06", "2020-11-09"]
    # the other notices still show only what they have
    assert [l for l, _ in meta_rows(meta_site, "/notices/henan-2024-recommendation-call/")] == ["发文机关", "成文日期", "标题"]
    # and the open data carries the same fields (null when absent)
    by_id = {n["id"]: n for n in meta_site.json("/data/notices.json")}
    got = by_id["xuchang-2020-measures"]
    assert (got["index_number"], got["topic"], got["published_on"]) == (
        "11411000MB1234567X/2020-00154", "工业、交通/中小企业", "2020-11-09")
    henan = by_id["henan-2024-recommendation-call"]
    assert (henan["index_number"], henan["topic"], henan["published_on"]) == (None, None, None)


def test_new_fields_are_documented_in_the_schema():
    schema = json.loads((REGISTRY / "schema" / "notice.schema.json").read_text("utf-8"))
    for name, word in [("index_number", "索引号"), ("topic", "主题分类"), ("published_on", "发布日期")]:
        prop = schema["properties"][name]
        assert prop["description"].startswith(word) and "原文未载明时不填写" in prop["description"]
        assert name not in schema["required"]
    assert "不含空格" in schema["properties"]["index_number"]["x-message"]


# == 2. site identity and the site map ==========================================================
def footer(site: Site, url: str = "/"):
    return site.page(url).find("footer")


def test_footer_without_identity_settings_shows_none(real):
    """pelicanconf.py ships the identity empty: no line, no label, no empty "主办单位：" is printed."""
    for url in ["/", "/notices/henan-2024-recommendation-call/", "/about/", "/site-map/"]:
        f = footer(real, url)
        assert f.select(".site-identity") == [], url
        text = f.get_text()
        for word in ["主办单位", "承办单位", "网站标识码", "ICP", "公网安备", "联系电话", "电子邮箱"]:
            assert word not in text, (url, word)


@pytest.fixture(scope="module")
def identity_sites(tmp_path_factory) -> dict[str, Site]:
    """The real registry built with every identity setting, and with only some of them."""
    base = tmp_path_factory.mktemp("identity")
    sites = {}
    partial = {"SITE_SPONSOR": "许昌市工业和信息化局（测试）", "SITE_ICP": "豫ICP备99999999号",
               "SITE_CONTACT": {"phone": "", "email": "", "address": ""}}
    for name, overrides in [("full", IDENTITY), ("partial", partial)]:
        out = base / name
        assert build_into(REGISTRY, out, day("2024-11-20"), overrides=overrides) == 0
        sites[name] = Site(out, REGISTRY, day("2024-11-20"))
    return sites


def test_footer_with_every_identity_setting(identity_sites):
    site = identity_sites["full"]
    for url in ["/", "/notices/henan-2024-recommendation-call/", "/about/", "/platforms/"]:
        f = footer(site, url)
        items = [squash(li.get_text()) for li in f.select(".site-identity li")]
        assert items == ["主办单位：许昌市工业和信息化局（测试）", "承办单位：许昌市中小企业服务中心（测试）",
                         "联系电话：0374-2965056", "电子邮箱：office@example.gov.cn", "地址：许昌市示例路1号",
                         "网站标识码：4110000099", "豫ICP备99999999号", "豫公网安备41100002000099号"], url
        # the ICP number links to the MIIT filing system, as configured; an <a>, nothing loaded
        icp = f.find("a", string="豫ICP备99999999号")
        assert icp is not None and icp["href"] == "https://beian.miit.gov.cn/"
        assert f.find("a", href="mailto:office@example.gov.cn") is not None
        # the police number has no link configured: plain text
        assert f.find("a", string="豫公网安备41100002000099号") is None
    for path in site.html_files():
        soup = site.page(site.url_of(path))
        for tag in soup.find_all(["link", "script", "img", "iframe"]):
            ref = tag.get("href") or tag.get("src") or ""
            assert "beian" not in ref, (path, ref)


def test_footer_with_some_identity_settings(identity_sites):
    f = footer(identity_sites["partial"])
    items = [squash(li.get_text()) for li in f.select(".site-identity li")]
    assert items == ["主办单位：许昌市工业和信息化局（测试）", "豫ICP备99999999号"]
    assert f.find("a", string="豫ICP备99999999号") is None     # no URL configured: not a link
    for word in ["承办单位", "网站标识码", "公网安备", "联系电话", "电子邮箱", "地址"]:
        assert word not in f.get_text(), word


def test_identity_link_must_be_a_web_address(tmp_path):
    out = tmp_path / "out"
    assert build_into(REGISTRY, out, day("2024-11-20"),
                      overrides={"SITE_ICP": "豫ICP备99999999号", "SITE_ICP_URL": "javascript:alert(1)"}) == 0
    f = footer(Site(out, REGISTRY, day("2024-11-20")))
    assert "豫ICP备99999999号" in f.get_text()
    assert "javascript" not in str(f)


def test_every_page_links_the_site_map(real):
    for path in real.html_files():
        url = real.url_of(path)
        if url == "/404.html":
            continue
        links = [a for a in footer(real, url).find_all("a") if a.get_text() == "网站地图"]
        assert len(links) == 1, url
        assert target(url, links[0]["href"]) == "/site-map/", url


@pytest.mark.parametrize("which", ["real", "demo"])
def test_site_map_lists_every_section(request, which):
    site = request.getfixturevalue(which)
    main = site.main("/site-map/")
    assert main.find("h1").get_text() == "网站地图"
    linked = {target("/site-map/", a["href"]) for a in main.find_all("a", href=True)}
    # every section of the main navigation, and every Markdown page (about, guides)
    nav = site.page("/").select_one("header nav")
    sections = {target("/", a["href"]) for a in nav.find_all("a", href=True)}
    assert len(sections) >= 7
    assert sections <= linked, sorted(sections - linked)
    assert {"/platforms/history/", "/search/", "/feeds/atom.xml", "/about/", "/guide-enterprises/",
            "/guide-staff/"} <= linked
    reg = load_registry(site.registry)
    # every programme and every form (the shipped registries hold fewer than the page's limit)
    assert {f"/programmes/{p}/" for p in reg.programmes} <= linked
    assert len(reg.forms) <= 30 and {f"/forms/{f}/" for f in reg.forms} <= linked
    # the latest notices, newest first, and a link to all of them when there are more
    newest = sorted(reg.notices.values(), key=lambda n: (n.issued_on, n.id), reverse=True)[:10]
    shown = [target("/site-map/", a["href"]) for a in main.select("#sm-notices ~ ul a")]
    assert shown == [f"/notices/{n.id}/" for n in newest]
    if len(reg.notices) > 10:
        assert f"全部 {len(reg.notices)} 份通知公告" in main.get_text()
    for path in linked:
        assert site.exists(path), path


def test_site_map_is_in_sitemap_xml(prod):
    assert f"<loc>{PROD_SITEURL}/site-map/</loc>" in prod.file("/sitemap.xml").read_text("utf-8")


# == 5. calendar files ==============================================================================
def calendar(site: Site, path: str) -> Calendar:
    raw = site.file(path).read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    return Calendar.from_ical(raw)


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


def dates(ev) -> tuple[dt.date, dt.date]:
    start, end = ev.decoded("dtstart"), ev.decoded("dtend")
    assert type(start) is dt.date and type(end) is dt.date   # all-day events, not date-times
    return start, end


def ics_links(site: Site, url: str) -> list[str]:
    return [target(url, a["href"]) for a in site.main(url).find_all("a", href=True) if a["href"].endswith(".ics")]


@pytest.mark.parametrize("which", ["real", "demo"])
def test_every_notice_calendar_parses_with_its_deadlines(request, which):
    site = request.getfixturevalue(which)
    reg = load_registry(site.registry)
    with_deadlines = 0
    for nid, n in reg.notices.items():
        path = f"/notices/{nid}.ics"
        if not n.deadlines:
            assert not site.exists(path) and ics_links(site, f"/notices/{nid}/") == [], nid
            continue
        with_deadlines += 1
        assert ics_links(site, f"/notices/{nid}/") == [path], nid
        a = site.main(f"/notices/{nid}/").find("a", href=lambda h: h and h.endswith(".ics"))
        assert a["type"] == "text/calendar" and a.get_text() == "添加到日历"
        cal = calendar(site, path)
        assert str(cal["version"]) == "2.0" and str(cal["method"]) == "PUBLISH"
        assert str(cal["x-wr-calname"]).startswith(n.title)
        evs = events(cal)
        assert len(evs) == len(n.deadlines), nid
        stamp = dt.datetime.combine(n.published_on or n.issued_on, dt.time(), dt.timezone(dt.timedelta(hours=8)))
        for i, (ev, d) in enumerate(zip(evs, n.deadlines), 1):
            assert dates(ev) == ((d.starts or d.on), d.on + ONE_DAY), (nid, i)   # DTEND is exclusive
            assert str(ev["uid"]) == f"notices/{nid}/deadlines/{i}@localhost"
            assert ev.decoded("dtstamp") == stamp and ev.decoded("dtstamp").utcoffset() == dt.timedelta(0)
            assert d.what in str(ev["summary"]) and d.what in str(ev["description"])
            assert str(ev["summary"]).startswith("期间：" if d.starts else "截止：")
            assert n.title in str(ev["description"])
            assert "url" not in ev                                   # a local build has no absolute address
    assert with_deadlines >= 3


def test_notice_calendar_dates_by_name(real):
    henan = events(calendar(real, "/notices/henan-2024-recommendation-call.ics"))
    assert [dates(e) for e in henan] == [(dt.date(2024, 11, 18), dt.date(2024, 11, 19)),
                                         (dt.date(2024, 11, 21), dt.date(2024, 11, 22))]
    jiangsu = events(calendar(real, "/notices/jiangsu-2019-star-re-evaluation.ics"))
    window = jiangsu[1]        # 系统开放时间为4月20日至5月10日: a window, both days included
    assert dates(window) == (dt.date(2019, 4, 20), dt.date(2019, 5, 11))
    assert "4月20日至5月10日" in str(window["summary"])
    # the Taiyuan call has two deadlines on one day: two events, two UIDs
    taiyuan = events(calendar(real, "/notices/taiyuan-2023-call.ics"))
    assert [dates(e)[0] for e in taiyuan] == [dt.date(2023, 3, 23)] * 2
    assert len({str(e["uid"]) for e in taiyuan}) == 2
    assert real.file("/notices/henan-2024-recommendation-call.ics").read_bytes().count(b"\r\n") > 10


def test_every_publicity_calendar_parses_with_its_period(demo_2026):
    site = demo_2026
    data = {p["id"]: p for p in site.json("/data/publicity.json")}
    reg = load_registry(EXAMPLES)
    assert set(data) == set(reg.publicity) and data
    for pid, p in data.items():
        path = f"/publicity/{pid}.ics"
        assert path in ics_links(site, f"/publicity/{pid}/"), pid
        cal = calendar(site, path)
        (ev,) = events(cal)
        first, last = dt.date.fromisoformat(p["starts_on"]), dt.date.fromisoformat(p["ends_on"])
        assert dates(ev) == (first, last + ONE_DAY), pid
        assert str(ev["uid"]) == f"publicity/{pid}/period@localhost"
        assert ev.decoded("dtstamp") == dt.datetime.combine(first, dt.time(), dt.timezone(dt.timedelta(hours=8)))
        assert p["title"] in str(ev["summary"])
        assert f"共 {p['working_days']} 个工作日" in str(ev["description"])
    # 2026-11-19 (Thursday) + 5 working days ends on Wednesday 2026-11-25
    (ev,) = events(calendar(site, "/publicity/demo-xuchang-2026-publicity.ics"))
    assert dates(ev) == (dt.date(2026, 11, 19), dt.date(2026, 11, 26))
    assert "0374-0000000" in str(ev["description"])


def test_calendar_uids_are_unique(demo):
    uids = []
    for path in sorted(demo.root.rglob("*.ics")):
        uids += [str(e["uid"]) for e in events(Calendar.from_ical(path.read_bytes()))]
    assert len(uids) > 10 and len(uids) == len(set(uids))


def test_calendar_files_do_not_depend_on_the_build_date(demo, demo_2026):
    """No clock, no "as of": two builds on different dates write the same bytes."""
    a = {p.relative_to(demo.root).as_posix(): p.read_bytes() for p in demo.root.rglob("*.ics")}
    b = {p.relative_to(demo_2026.root).as_posix(): p.read_bytes() for p in demo_2026.root.rglob("*.ics")}
    assert a and sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_calendar_files_are_reproducible(real, tmp_path):
    out = tmp_path / "again"
    assert build_into(REGISTRY, out, day("2024-11-20")) == 0
    first = sorted(real.root.rglob("*.ics"))
    assert first
    for path in first:
        rel = path.relative_to(real.root)
        assert (out / rel).read_bytes() == path.read_bytes(), rel


def test_calendar_in_production_carries_the_page_address(prod):
    (ev, *_) = events(calendar(prod, "/notices/henan-2024-recommendation-call.ics"))
    assert str(ev["url"]) == f"{PROD_SITEURL}/notices/henan-2024-recommendation-call/"
    assert str(ev["uid"]) == "notices/henan-2024-recommendation-call/deadlines/1@sme.example.gov.cn"
    assert f"详见：{PROD_SITEURL}/notices/henan-2024-recommendation-call/" in str(ev["description"])
