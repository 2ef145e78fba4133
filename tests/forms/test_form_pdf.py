"""LibreOffice (headless) converts every generated DOCX/XLSX to PDF without error, on A4, with the
form's text in it; the first pages of the Henan 推荐表, the Xuchang 申请报告 and the Henan 汇总表 are
rendered to PNG with pdftoppm (kept under the session's temporary folder, `form-previews/`, and
copied to $FORM_PREVIEWS when set) so that a person can look at them.

Fonts: this machine has no SimSun/SimHei.  A private fontconfig file maps 宋体/SimSun to Noto Serif
CJK SC and 黑体/SimHei to Noto Sans CJK SC (the nearest free faces), so the PDFs look like the
documents will on a Windows or WPS machine: a serif body and sans-serif headings.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from formkit import leaf_labels, squash
from sitekit import REGISTRY

from sme_registry.registry import load_registry

LOOKED_AT = ["henan-2024-recommendation-form", "xuchang-application-report", "henan-2024-summary-table"]
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimSun</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimHei</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
"""
PUBLISHED = sorted(fid for fid, f in load_registry(REGISTRY).forms.items() if f.published)


@pytest.fixture(scope="session")
def pdfs(office, real_site, real_registry, tmp_path_factory):
    """Every form file of the real site converted to PDF in one LibreOffice run: {id: pdf path}."""
    work = tmp_path_factory.mktemp("form-pdfs")
    conf = work / "fonts.conf"
    conf.write_text(FONTS_CONF, "utf-8")
    sources = [real_site.file(f"/forms/{fid}.{real_registry.forms[fid].format}") for fid in PUBLISHED]
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
    done = subprocess.run([office["soffice"], f"-env:UserInstallation=file://{work}/profile", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(work / "pdf"), *map(str, sources)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"LibreOffice failed: {done.stdout}\n{done.stderr}"
    assert "Error" not in done.stderr, done.stderr
    return {fid: work / "pdf" / f"{fid}.pdf" for fid in PUBLISHED}


def pdfinfo(office, pdf: Path) -> dict:
    out = subprocess.run([office["pdfinfo"], str(pdf)], capture_output=True, text=True, timeout=60, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def pdftext(office, pdf: Path) -> str:
    return subprocess.run([office["pdftotext"], "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout


@pytest.mark.parametrize("fid", PUBLISHED)
def test_libreoffice_converts_every_file(office, pdfs, real_registry, fid):
    f = real_registry.forms[fid]
    pdf = pdfs[fid]
    assert pdf.is_file() and pdf.stat().st_size > 1000, f"{fid}: no PDF"
    info = pdfinfo(office, pdf)
    pages = int(info["Pages"])
    assert pages >= 1
    w, h = (float(x) for x in re.match(r"\s*([\d.]+) x ([\d.]+)", info["Page size"]).groups())
    landscape = f.format == "xlsx" and len(leaf_labels(next(b["table"] for b in f.blocks if "table" in b)["columns"])) > 8
    assert sorted((round(w), round(h))) == [595, 842], f"{fid}: not A4 ({info['Page size']})"
    assert (w > h) == landscape, f"{fid}: orientation ({info['Page size']})"
    text = squash(pdftext(office, pdf))
    for line in (f.cover or {}).get("title_lines") or [f.title]:
        assert squash(line) in text, (fid, line)
    if f.cover.get("maker"):
        assert squash(f.cover["maker"]) in text, fid
    for b in f.blocks:
        if "table" in b:   # header cells wrap (被访人员姓 / 名): their first characters are on one line
            for label in leaf_labels(b["table"]["columns"]):
                assert squash(label)[:3] in text, (fid, label)
    for note in f.notes:
        assert squash(note)[:15] in text, (fid, note)


@pytest.mark.parametrize("fid,pages", [("henan-2024-recommendation-form", 2), ("xuchang-recommendation-form", 2),
                                       ("henan-2024-summary-table", 1), ("henan-2024-onsite-verification", 1),
                                       ("xuchang-authenticity-statement", 1)])
def test_forms_keep_the_sources_pages(office, pdfs, fid, pages):
    """A cover and the whole survey on the next page, as the 推荐表 is printed; one-page tables and
    statements stay on one page."""
    assert int(pdfinfo(office, pdfs[fid])["Pages"]) == pages


def test_served_enterprises_list_fits_on_one_page(office, pdfs):
    """The 30 served enterprises of the Xuchang 申请报告 are one printed page, under their heading."""
    text = pdftext(office, pdfs["xuchang-application-report"])
    pages = text.split("\f")
    page = [p for p in pages if "服务的中小企业名单及服务评价表" in p][-1]   # the list, not the contents page
    assert "上一年度共服务企业" in page


def test_body_and_headings_use_different_faces(office, pdfs):
    if not shutil.which("fc-list") or "Noto Serif CJK SC" not in subprocess.run(
            ["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip("Noto CJK fonts (fonts-noto-cjk) are not installed")
    pdffonts = shutil.which("pdffonts")
    if not pdffonts:
        pytest.skip("pdffonts (poppler-utils) is missing")
    fonts = subprocess.run([pdffonts, str(pdfs["henan-2024-recommendation-form"])], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts, fonts      # 宋体 body
    assert "NotoSansCJK" in fonts, fonts       # 黑体 titles and headers


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def dark_share(office, pdf: Path, page: int) -> float:
    """Share of dark pixels on a page rendered in grey (a blank page is ~0)."""
    pgm = subprocess.run([office["pdftoppm"], "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, timeout=60, check=True).stdout
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    pixels = pgm[m.end():]
    return sum(1 for p in pixels if p < 128) / len(pixels)


@pytest.mark.parametrize("fid", LOOKED_AT)
def test_first_pages_rendered_for_review(office, pdfs, tmp_path_factory, fid):
    out = tmp_path_factory.getbasetemp() / "form-previews"
    out.mkdir(exist_ok=True)
    pages = int(pdfinfo(office, pdfs[fid])["Pages"])
    last = min(pages, 3)
    subprocess.run([office["pdftoppm"], "-png", "-r", "80", "-f", "1", "-l", str(last), str(pdfs[fid]), str(out / fid)],
                   check=True, timeout=120)
    pngs = sorted(out.glob(f"{fid}-*.png"))
    assert len(pngs) == last
    for n, png in enumerate(pngs, 1):
        w, h = png_size(png)
        assert (w > h) == (fid == "henan-2024-summary-table"), (png, w, h)
        assert abs(max(w, h) / min(w, h) - 297 / 210) < 0.02, (png, w, h)     # A4
        assert dark_share(office, pdfs[fid], n) > 0.0005, f"{png}: looks blank"
    if os.environ.get("FORM_PREVIEWS"):
        target = Path(os.environ["FORM_PREVIEWS"])
        target.mkdir(parents=True, exist_ok=True)
        for png in pngs:
            shutil.copy2(png, target / png.name)
    print(f"\n{fid}: first pages rendered to {', '.join(str(p) for p in pngs)}")
