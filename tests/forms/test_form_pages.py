"""/forms/ and /forms/<id>/: every form listed with its programme, format and file size; a download
link saving the file under the form's Chinese title; a form a source names but does not include is
shown as not published, with no file.  Read from the built site as a visitor (or a script) would."""
from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from formkit import leaf_labels, note_lines

FORMAT_WORDS = {"docx": "Word", "xlsx": "Excel"}


def target(site, page_url: str, href: str) -> str:
    """Site path a relative link on page_url points to."""
    base = page_url.rstrip("/").split("/")
    parts = [p for p in base if p]
    for piece in unquote(href).split("/"):
        if piece == "..":
            parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/" + "/".join(parts)


def size_in_kb(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)\sKB", text.strip())
    assert m, f"size {text!r} is not like '23 KB'"
    return float(m.group(1))


@pytest.mark.parametrize("which", ["registry", "examples"])
def test_forms_list_shows_every_form_with_programme_format_and_size(form_sites, which, real_registry, demo_registry):
    site = form_sites(which)
    reg = {"registry": real_registry, "examples": demo_registry}[which]
    rows = {tr["data-id"]: tr for tr in site.main("/forms/").select("table.forms-list tbody tr")}
    assert set(rows) == set(reg.forms)
    for fid, f in reg.forms.items():
        tr = rows[fid]
        cells = tr.find_all(["th", "td"])
        text = " ".join(tr.get_text(" ").split())
        assert f.title in cells[0].get_text(), fid
        assert reg.programmes[f.programme].name in cells[1].get_text(), fid
        assert FORMAT_WORDS[f.format] in cells[2].get_text() and f".{f.format}" in cells[2].get_text(), fid
        downloads = tr.select("a[download]")
        if f.published:
            assert "未公布" not in text, fid
            assert len(downloads) == 1, fid
            a = downloads[0]
            path = target(site, "/forms/", a["href"])
            assert path == f"/forms/{fid}.{f.format}", fid
            real_size = site.file(path).stat().st_size
            assert abs(size_in_kb(cells[3].get_text()) - real_size / 1024) < 0.6, (fid, cells[3].get_text(), real_size)
            assert a["download"] == f"{f.title}.{f.format}"
        else:
            assert "未公布" in text, fid
            assert downloads == [] and not site.exists(f"/forms/{fid}.{f.format}"), fid
            assert cells[3].get_text(strip=True) == "—", fid


def test_form_page_offers_the_download_under_its_chinese_title(real_site, real_registry):
    for fid, f in real_registry.forms.items():
        url = f"/forms/{fid}/"
        main = real_site.main(url)
        links = main.select("a[download]")
        if not f.published:
            assert links == [], fid
            assert f.unpublished_reason in real_site.text(url)
            continue
        assert len(links) == 1, fid
        a = links[0]
        assert a["download"] == f"{f.title}.{f.format}", fid
        assert target(real_site, url, a["href"]) == f"/forms/{fid}.{f.format}", fid
        assert a["type"].startswith("application/vnd.openxmlformats-officedocument."), fid
        size = real_site.file(f"/forms/{fid}.{f.format}").stat().st_size
        shown = re.search(r"\d+(\.\d)?\sKB", a.get_text())
        assert shown, fid
        assert abs(size_in_kb(shown.group(0)) - size / 1024) < 0.6, fid
        # the programme and the notices that attach it
        assert real_registry.programmes[f.programme].name in real_site.text(url)
        notices = [n for n in real_registry.notices.values() if fid in n.attachments]
        assert notices, fid
        for n in notices:
            assert n.title in real_site.text(url), (fid, n.id)


def test_printable_page_shows_the_form_as_on_paper(real_site, real_registry):
    for fid, f in real_registry.forms.items():
        if not f.published:
            continue
        paper = real_site.main(f"/forms/{fid}/").select_one("article.paper")
        assert paper is not None, fid
        text = " ".join(paper.get_text(" ").split())
        if f.cover.get("maker"):
            assert paper.select_one(".cover-maker").get_text(strip=True) == f.cover["maker"], fid
        tables = [b["table"] for b in f.blocks if "table" in b]
        html_tables = paper.select("table.form-table")
        assert len(html_tables) == len(tables), fid
        for t, html in zip(tables, html_tables):
            heads = [th.get_text(strip=True) for th in html.select("thead th")]
            for c in t["columns"]:
                label = c if isinstance(c, str) else c["label"]
                assert label in heads, (fid, label)
            groups = [c for c in t["columns"] if not isinstance(c, str)]
            for g in groups:
                th = next(th for th in html.select("thead th") if th.get_text(strip=True) == g["label"])
                assert th["colspan"] == str(len(g["children"])), (fid, g["label"])
            assert len(html.select("tbody tr")) == t["rows"], fid
            assert all(len(tr.find_all("td")) == len(leaf_labels(t["columns"])) for tr in html.select("tbody tr")), fid
        for line in note_lines(f.notes):
            assert line in text, (fid, line)
        for b in f.blocks:
            if "checkboxes" in b:
                assert paper.get_text().count("☐") >= len(b["checkboxes"]["options"]), fid


def test_unpublished_form_page_explains_and_offers_nothing(real_site, real_registry):
    for fid, f in real_registry.forms.items():
        if f.published:
            continue
        main = real_site.main(f"/forms/{fid}/")
        assert "未公布" in main.get_text()
        assert main.select_one("article.paper") is None
        assert not main.select("a[download]")

