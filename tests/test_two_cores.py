"""Validation on two cores gives what one core gives.  A large registry is parsed on all cores,
and lines are read only when a problem needs one: the records, their lines and the problems
are what a one-by-one load gives; the rules run in two groups: the same problems, in the same
order."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from sme_registry import registry as registry_module
from sme_registry import rules
from sme_registry.problems import Problems
from sme_registry.records import FOLDERS
from sme_registry.registry import load_registry
from sme_registry.yamlsource import load_text

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def platforms(tmp_path):
    """A writable copy of the demo registry (and the registry it extends): its platforms folder."""
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path / "examples" / "platforms"


def _records(reg):
    return {folder: {rid: (r.path, r.src.data, r.src.implicit, dict(r.src.lines)) for rid, r in reg.table(folder).items()}
            for folder in ("programmes", "notices", "forms", "publicity", "platforms", "calendar")}


def test_loading_on_two_cores_gives_the_records_lines_and_problems_of_one(platforms, monkeypatch):
    record = platforms / "demo-ha-wancheng-info.yaml"
    text = record.read_text("utf-8")
    # problems of the file itself (YAML), of its schema, of its name, and of the rules
    record.write_text(text.replace('region: "411302"', "region: 411302"), "utf-8")
    (platforms / "demo-tabs.yaml").write_text("name: 平台\noperator:\n\tname: 单位\n", "utf-8")
    (platforms / "demo-dup-key.yaml").write_text("name: 甲\nname: 乙\n", "utf-8")
    (platforms / "demo-list.yaml").write_text("- 不是记录\n", "utf-8")
    (platforms / "Bad_Name.yaml").write_text("name: 乙\n", "utf-8")
    (platforms / "demo-anchor.yaml").write_text(text.replace("name: ", "name: &n ", 1) + "note: *n\n", "utf-8")

    monkeypatch.setattr(registry_module, "PARALLEL_FROM", 0)
    monkeypatch.setenv("REGISTRY_WORKERS", "2")
    both = load_registry(platforms.parent, as_of=AS_OF)
    monkeypatch.setenv("REGISTRY_WORKERS", "1")
    monkeypatch.setattr(registry_module, "PARALLEL_FROM", 10**9)
    one = load_registry(platforms.parent, as_of=AS_OF)
    assert both.problems.items == one.problems.items
    assert _records(both) == _records(one)
    for folder, recs in _records(both).items():      # every line is where the file has it
        for rid, (shown, _data, _implicit, lines) in recs.items():
            file = both.files[f"{FOLDERS[folder][0]}:{rid}"]
            assert lines == load_text(Path(file).read_text("utf-8"), shown, Problems(), lines=True).lines, shown
    rules = {p.rule for p in one.problems.items}
    assert {"yaml.tab", "yaml.duplicate-key", "yaml.not-mapping", "registry.id", "schema.type"} <= rules


def test_lines_worked_out_later_are_the_lines_of_the_file():
    path = REPO / "examples" / "platforms" / "demo-ha-wancheng-info.yaml"
    text = path.read_text("utf-8")
    src = load_text(text, "x.yaml", Problems())
    assert src._lines is None            # nothing asked for a line yet
    numbered = text.splitlines()
    for field in ("name", "region", "operator", "recognitions"):
        line = src.line((field,))
        assert numbered[line - 1].startswith(f"{field}:"), (field, line)
    first = src.line(("recognitions", 0, "programme"))
    assert "programme:" in numbered[first - 1]
    assert src.lines == load_text(text, "x.yaml", Problems(), lines=True).lines


def test_rules_in_two_processes_report_what_one_process_does(platforms, monkeypatch):
    record = platforms / "demo-ha-wancheng-info.yaml"
    text = record.read_text("utf-8")
    # problems for several rules of both groups: a mobile number, a region outside the programme, a bad reference
    record.write_text(text.replace("南阳宛城中小企业信息服务平台", "南阳宛城示范平台（联系 13812345678）")
                      .replace('region: "411302"', 'region: "320102"')
                      .replace("notice: demo-henan-2021-result", "notice: no-such-notice"), "utf-8")
    monkeypatch.setattr(rules, "GROUPS_FROM", 0)
    monkeypatch.setenv("REGISTRY_WORKERS", "2")
    both = load_registry(platforms.parent, as_of=AS_OF).problems.items
    monkeypatch.setenv("REGISTRY_WORKERS", "1")
    one = load_registry(platforms.parent, as_of=AS_OF).problems.items
    assert both == one
    found = {p.rule for p in one}
    assert {"privacy.mobile", "ref.unresolved"} <= found and len(one) > 5
