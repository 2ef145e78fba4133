"""The staff command `summary-table` (and `make summary-table`): a programme's 汇总表 filled from the
platform records (recognised in YEAR, or named by a publicity list), blank where the records do
not know, laid out as the site's download.  Expected values are read from the demo records."""
from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from formkit import xlsx_problems
from sitekit import EXAMPLES, REGISTRY, REPO

from sme_registry import regions
from sme_registry.cli import main
from sme_registry.records import FUNCTION_LABELS
from sme_registry.registry import load_registry

HEADER_ROW = 3
YES_NO = ("是否现场核查", "是否与单位主要负责人面谈")


def run(capsys, *args) -> tuple[int, str, str]:
    rc = main(["summary-table", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def table_rows(data: bytes) -> tuple[list[str], list[dict]]:
    ws = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[HEADER_ROW]]
    rows = []
    r = HEADER_ROW + 1
    while ws.cell(row=r, column=1).border.left.style and not str(ws.cell(row=r, column=1).value or "").startswith("注"):
        rows.append(dict(zip(header, (c.value for c in ws[r][: len(header)]))))
        r += 1
    return header, rows


def expected_row(pl, year: int) -> dict:
    """What the records say for one platform, worked out here from the record."""
    before = [y for y in pl.metrics if y < year]
    m = pl.metrics[max(before)] if before else {}
    county = regions.lookup(pl.region)
    return {
        "平台名称": pl.name, "运营单位名称": pl.operator.name,
        "平台类别": "、".join(FUNCTION_LABELS[f][:-2] for f in pl.functions) or None,
        "所在县区": county.name if county else None,
        "注册登记时间": pl.operator.registered_on,
        "资产总额": m.get("total_assets"), "服务人员数量": m.get("service_staff"),
        "集聚服务机构数量": m.get("partner_institutions"), "优惠服务占比": m.get("discounted_service_share"),
        "年服务企业数": m.get("enterprises_served"),
    }


def assert_row(got: dict, want: dict, label: str):
    for col, value in want.items():
        cell = got[col]
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        if col == "所在县区" and value:
            assert cell.endswith(value) and len(cell) > len(value), (label, col, cell)   # 洛阳市洛龙区: city and county
        else:
            assert cell == value, (label, col, cell, value)
    for col in YES_NO:
        assert got[col] in (None, ""), (label, col)


def test_henan_2024_from_the_platforms_recognised_that_year(tmp_path, capsys):
    reg = load_registry(EXAMPLES)
    chosen = [p for p in reg.platforms.values()
              if any(r.programme == "henan-province" and r.on.year == 2024 for r in p.recognitions)]
    assert len(chosen) >= 2
    out = tmp_path / "汇总表.xlsx"
    rc, stdout, err = run(capsys, str(EXAMPLES), "--programme", "henan-province", "--year", "2024",
                          "--output", str(out), "--as-of", "2024-12-30")
    assert rc == 0, err
    assert f"{len(chosen)} 个平台" in stdout and "是否现场核查" in stdout
    data = out.read_bytes()
    header, rows = table_rows(data)
    filled = [r for r in rows if r["平台名称"]]
    assert len(filled) == len(chosen)
    assert [r["序号"] for r in filled] == list(range(1, len(chosen) + 1))
    by_name = {r["平台名称"]: r for r in filled}
    for pl in chosen:
        assert_row(by_name[pl.name], expected_row(pl, 2024), pl.id)
    # the rest of the printed form stays: blank rows up to the record's count, notes, layout
    form = reg.forms["henan-2024-summary-table"]
    assert len(rows) == max(form.blocks[1]["table"]["rows"], len(chosen))
    assert xlsx_problems(data, form, filled_rows=len(chosen)) == []


def test_figures_from_an_older_year_are_marked_in_the_remarks(tmp_path, capsys):
    reg = load_registry(EXAMPLES)
    pub = reg.publicity["demo-henan-2026-publicity"]
    out = tmp_path / "t.xlsx"
    rc, stdout, err = run(capsys, str(EXAMPLES), "--programme", "henan-province", "--publicity", pub.id,
                          "--output", str(out), "--as-of", "2026-11-23")
    assert rc == 0, err
    header, rows = table_rows(out.read_bytes())
    filled = [r for r in rows if r["平台名称"]]
    assert [r["平台名称"] for r in filled] == [reg.platforms[e].name for e in pub.entries]   # the list's order
    for r, e in zip(filled, pub.entries):
        pl = reg.platforms[e]
        assert_row(r, expected_row(pl, pub.starts_on.year), e)
        latest = max(y for y in pl.metrics if y < pub.starts_on.year)
        if latest != pub.starts_on.year - 1:
            assert str(latest) in r["备注"], e
        else:
            assert r["备注"] is None, e
    # a 2026 table says 2026 in its title, and says so to the clerk
    ws = load_workbook(out).active
    assert ws["A1"].value.startswith("推荐2026年度") and "原表名：推荐2024年度" in stdout


def test_unknown_values_stay_blank(tmp_path, capsys):
    root = tmp_path / "copy"
    shutil.copytree(REGISTRY, root / "registry")
    shutil.copytree(EXAMPLES, root / "examples")
    path = root / "examples" / "platforms" / "demo-ha-luolong-mfg.yaml"
    text = path.read_text("utf-8")
    start = text.index("metrics:")
    end = text.index("recognitions:")
    text = text[:start] + text[end:]
    text = text.replace("functions: [technology, training, information]\n", "")
    text = text.replace("category: comprehensive\n", "")
    text = text.replace("  registered_on: 2010-09-09\n", "")
    path.write_text(text, "utf-8")
    out = tmp_path / "t.xlsx"
    rc, stdout, err = run(capsys, str(root / "examples"), "--programme", "henan-province", "--year", "2024",
                          "--output", str(out), "--as-of", "2024-12-30")
    assert rc == 0, err
    _, rows = table_rows(out.read_bytes())
    row = next(r for r in rows if r["平台名称"] == "洛阳洛龙智能制造公共技术服务平台")
    for col in ("平台类别", "注册登记时间", "资产总额", "服务人员数量", "集聚服务机构数量", "优惠服务占比", "年服务企业数", "备注"):
        assert row[col] is None, (col, row[col])       # not 0, not a guess
    assert row["运营单位名称"] and row["所在县区"]
    assert "洛阳洛龙智能制造公共技术服务平台 的 平台类别、注册登记时间、资产总额" in stdout


def test_same_input_gives_the_same_file(tmp_path, capsys):
    files = []
    for n in (1, 2):
        out = tmp_path / f"{n}.xlsx"
        rc, _, err = run(capsys, str(EXAMPLES), "--programme", "henan-province", "--year", "2024",
                         "--output", str(out), "--as-of", "2024-12-30")
        assert rc == 0, err
        files.append(out.read_bytes())
    assert files[0] == files[1]


@pytest.mark.parametrize("args,code,message", [
    (["--programme", "no-such-programme", "--year", "2024"], 2, "没有编号为“no-such-programme”的认定项目"),
    (["--programme", "taiyuan-city", "--year", "2024"], 2, "未公布"),
    (["--programme", "henan-province", "--year", "2019"], 2, "没有 2019 年认定为“河南省中小企业公共服务示范平台”的平台"),
    (["--programme", "henan-province"], 2, "请用 --year 写明年度"),
    (["--programme", "henan-province", "--publicity", "demo-xuchang-2024-publicity"], 2, "不是“henan-province”"),
    (["--programme", "henan-province", "--year", "2024", "--output", "x.csv"], 2, "要以 .xlsx 结尾"),
])
def test_clerk_friendly_errors(tmp_path, capsys, args, code, message):
    rc, stdout, err = run(capsys, str(EXAMPLES), *args)
    assert rc == code
    assert message in err
    assert "Traceback" not in err


def test_registry_with_errors_makes_no_table(tmp_path, capsys):
    root = tmp_path / "registry"
    shutil.copytree(REGISTRY, root)
    (root / "forms" / "henan-2024-summary-table.yaml").write_text("title: [broken\n", "utf-8")
    rc, stdout, err = run(capsys, str(root), "--programme", "henan-province", "--year", "2024",
                          "--output", str(tmp_path / "t.xlsx"))
    assert rc == 1 and "未生成汇总表" in err
    assert not (tmp_path / "t.xlsx").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_target(tmp_path, capsys):
    out = tmp_path / "make.xlsx"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(["make", "-s", "summary-table", "PROGRAMME=henan-province", "YEAR=2024", "REGISTRY=examples",
                           f"FILE={out}", "AS_OF=2024-12-30"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    direct = tmp_path / "direct.xlsx"
    rc, _, err = run(capsys, str(EXAMPLES), "--programme", "henan-province", "--year", "2024",
                     "--output", str(direct), "--as-of", "2024-12-30")
    assert rc == 0, err
    assert out.read_bytes() == direct.read_bytes()
    done = subprocess.run(["make", "-s", "summary-table"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "用法：make summary-table PROGRAMME=" in done.stdout
