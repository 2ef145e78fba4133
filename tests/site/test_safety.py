"""Text from records cannot inject markup: Markdown is sanitised, plain fields are escaped."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from stdnum.cn import uscc

from sitekit import REGISTRY, Site, build_into, copy_registry, day

AS_OF = "2024-11-20"
CODE = "91411002MA45XWQT1" + uscc.calc_check_digit("91411002MA45XWQT1")

ATTACK_MD = """\
正文开始：本通知用于检验正文的安全渲染。

<script>alert(1)</script>

<img src=x onerror=alert(2)>

点击[这里](javascript:alert(3))，或[那里](JaVaScRiPt:alert(4))，或<a href="javascript:alert(5)">此处</a>。

<iframe src="https://evil.example/"></iframe>

<span onclick="alert(6)">行内标签</span>与![图](javascript:alert(7))

<svg onload=alert(8)></svg>

[工业和信息化部](https://www.miit.gov.cn/)

正文结束。
"""

PLAIN = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def indent(text: str, n: int = 2) -> str:
    return "".join(" " * n + line + "\n" for line in text.splitlines())


def write(reg, rel: str, text: str):
    (reg / rel).parent.mkdir(parents=True, exist_ok=True)
    (reg / rel).write_text(text, "utf-8")


@pytest.fixture(scope="module")
def markdown_site(tmp_path_factory) -> Site:
    """The real registry plus a notice and a platform whose Markdown is an attack."""
    base = tmp_path_factory.mktemp("markdown")
    reg = copy_registry(REGISTRY, base / "registry")
    write(reg, "notices/xss-markdown.yaml", f"""\
title: 关于检验正文安全渲染的通知
kind: other
issuer: 许昌市工业和信息化局
issued_on: 2024-11-01
programmes: [xuchang-city]
body: |
{indent(ATTACK_MD)}""")
    write(reg, "platforms/xss-markdown.yaml", f"""\
name: 许昌市安全渲染检验服务平台
operator:
  name: 许昌安全检验服务有限公司
  credit_code: "{CODE}"
region: "411002"
summary: |
{indent(ATTACK_MD)}recognitions:
  - programme: xuchang-city
    notice: xss-markdown
    on: 2023-12-15
""")
    out = base / "output"
    assert build_into(reg, out, day(AS_OF)) == 0
    return Site(out, reg, day(AS_OF))


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory) -> Site:
    """The real registry plus records whose plain-text fields carry markup."""
    base = tmp_path_factory.mktemp("plain")
    reg = copy_registry(REGISTRY, base / "registry")
    write(reg, "notices/xss-plain.yaml", f"""\
title: '关于{PLAIN}的通知'
kind: call
issuer: '许昌市工业和信息化局{PLAIN}'
note: '编者{PLAIN}'
issued_on: 2024-11-01
programmes: [xuchang-city]
deadlines:
  - {{on: 2024-12-01, what: '报送<iframe src=https://evil.example/></iframe>材料'}}
contact: {{address: '许昌市<script>alert(9)</script>'}}
body: 正文。
""")
    write(reg, "platforms/xss-plain.yaml", f"""\
name: '许昌市{PLAIN}服务平台'
operator:
  name: '许昌<b onmouseover=alert(3)>某</b>公司'
  credit_code: "{CODE}"
region: "411002"
website: 'https://example.cn/"onmouseover="alert(4)'
recognitions:
  - programme: xuchang-city
    notice: xss-plain
    on: 2023-12-15
""")
    out = base / "output"
    assert build_into(reg, out, day(AS_OF)) == 0
    return Site(out, reg, day(AS_OF))


def injected(site: Site) -> list[str]:
    """Markup a browser would run or load, on any page of the site."""
    problems = []
    for path in site.html_files():
        url = site.url_of(path)
        soup = site.page(url)
        for script in soup.find_all("script"):
            if not script.get("src") or script.get_text().strip():
                problems.append(f"{url}: inline <script>{script.get_text()[:40]}")
            elif not re.search(r"(^|/)theme/js/[a-z][a-z-]*\.js$", script["src"]):
                problems.append(f"{url}: script {script['src']}")
        for name in ["iframe", "img", "svg", "object", "embed", "frame", "base", "meta[http-equiv]"]:
            for tag in soup.select(name):
                problems.append(f"{url}: <{tag.name}>")
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                if attr.lower().startswith("on"):
                    problems.append(f"{url}: <{tag.name} {attr}>")
                values = value if isinstance(value, list) else [value]
                for v in values:
                    if re.sub(r"[\s\x00-\x1f]", "", str(v)).lower().startswith(("javascript:", "vbscript:", "data:text")):
                        problems.append(f"{url}: <{tag.name} {attr}={v!r}>")
    return problems


def test_markdown_attack_is_neutralised(markdown_site):
    assert injected(markdown_site) == []
    for url in ["/notices/xss-markdown/", "/platforms/xss-markdown/", "/", "/notices/", "/programmes/xuchang-city/"]:
        html = markdown_site.html(url).lower()
        for needle in ["javascript:", "onerror", "onclick", "onload", "<iframe", "<script>alert", "evil.example"]:
            assert needle not in html, f"{url} contains {needle!r}"


@pytest.mark.parametrize("url", ["/notices/xss-markdown/", "/platforms/xss-markdown/"])
def test_markdown_text_and_safe_links_survive(markdown_site, url):
    prose = markdown_site.main(url).select_one(".prose")
    text = " ".join(prose.get_text(" ").split())
    assert "正文开始：本通知用于检验正文的安全渲染。" in text
    assert "正文结束。" in text
    assert "这里" in text and "那里" in text
    assert [a["href"] for a in prose.find_all("a", href=True)] == ["https://www.miit.gov.cn/"]


def test_plain_fields_are_escaped(plain_site):
    assert injected(plain_site) == []
    url = "/notices/xss-plain/"
    soup = plain_site.page(url)
    # shown to the reader as the literal text the record holds
    assert soup.find("h1").get_text() == f"关于{PLAIN}的通知"
    assert f"许昌市工业和信息化局{PLAIN}" in soup.select_one("dl.facts").get_text()
    assert "报送<iframe src=https://evil.example/></iframe>材料" in plain_site.main(url).get_text()
    assert f"关于{PLAIN}的通知" in soup.title.get_text()
    page = plain_site.page("/platforms/xss-plain/")
    site_link = [a for a in page.select("dl.facts a")]
    assert [a["href"] for a in site_link] == ['https://example.cn/"onmouseover="alert(4)']
    assert page.find("h1").get_text().startswith(f"许昌市{PLAIN}服务平台")
    # the home page and lists carry the same text, escaped
    home = plain_site.main("/").get_text()
    assert f"关于{PLAIN}的通知" in home


def test_feed_stays_well_formed_with_markup_in_titles(plain_site):
    root = ET.parse(plain_site.file("/feeds/atom.xml")).getroot()
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in root.iter("{http://www.w3.org/2005/Atom}entry")]
    assert f"关于{PLAIN}的通知" in titles
