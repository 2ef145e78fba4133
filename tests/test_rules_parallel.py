"""The rules run on two cores for a large registry: the same problems, in the same order, as in one."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sme_registry import rules
from sme_registry.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 20)


def test_rules_in_two_processes_report_what_one_process_does(tmp_path, monkeypatch):
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    platforms = tmp_path / "examples" / "platforms"
    record = platforms / "demo-ha-wancheng-info.yaml"
    text = record.read_text("utf-8")
    # problems for several rules of both groups: a mobile number, a region outside the programme, a bad reference
    record.write_text(text.replace("南阳宛城中小企业信息服务平台", "南阳宛城示范平台（联系 13812345678）")
                      .replace('region: "411302"', 'region: "320102"')
                      .replace("notice: demo-henan-2021-result", "notice: no-such-notice"), "utf-8")
    monkeypatch.setattr(rules, "GROUPS_FROM", 0)
    monkeypatch.setenv("REGISTRY_WORKERS", "2")
    both = load_registry(tmp_path / "examples", as_of=AS_OF).problems.items
    monkeypatch.setenv("REGISTRY_WORKERS", "1")
    one = load_registry(tmp_path / "examples", as_of=AS_OF).problems.items
    assert both == one
    found = {p.rule for p in one}
    assert {"privacy.mobile", "ref.unresolved"} <= found and len(one) > 5
