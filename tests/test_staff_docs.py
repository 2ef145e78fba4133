"""The staff guide (content/pages/guide-staff*.md) names only commands that exist, and its facts
(calendar version and years, example publicity periods, field names) match the code."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from sme_testkit import REPO
from sme_registry.cli import build_parser, main
from sme_registry.scaffold import FOLDER
from sme_registry.workdays import LIBRARY_YEARS, WorkdayCalendar

PAGES = sorted((REPO / "content" / "pages").glob("guide-staff*.md"))
TEXT = {p.name: p.read_text("utf-8") for p in PAGES}
ALL = "\n".join(TEXT.values())
# Targets the guide may name before they exist (none now: keep the mechanism for staged work)
PENDING_TARGETS: set[str] = set()

MAKE_RE = re.compile(r"\bmake ((?:[A-Z_]+=\S+ )*)([a-z][a-z-]*)((?: [A-Z_]+=[^\s`|]+)*)")
CLI_RE = re.compile(r"python -m sme_registry ([a-z-]+)((?: [^\s`|]+)*)")


def makefile_targets() -> set[str]:
    text = (REPO / "Makefile").read_text("utf-8")
    return {m.group(1) for m in re.finditer(r"^([a-z][a-z-]*):", text, re.M)}


def subcommands() -> dict:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices


def test_there_are_guide_pages_and_they_link_to_each_other():
    assert {"guide-staff.md", "guide-staff-records.md", "guide-staff-git.md"} <= set(TEXT)
    slugs = {re.search(r"^Slug: (\S+)$", t, re.M).group(1) for t in TEXT.values()}
    for name, text in TEXT.items():
        assert re.match(r"Title: \S", text), name
        for target in re.findall(r"\]\(\.\./(guide-staff[a-z-]*)/\)", text):
            assert target in slugs, (name, target)
    assert "../guide-staff-records/" in TEXT["guide-staff.md"] and "../guide-staff-git/" in TEXT["guide-staff.md"]


def test_every_make_target_named_exists():
    targets = makefile_targets()
    named = {m.group(2) for m in MAKE_RE.finditer(ALL)}
    assert {"validate", "status", "publish", "codeowners", "review", "serve"} <= named
    missing = named - targets - PENDING_TARGETS
    assert missing == set(), f"the guide names make targets the Makefile does not have: {missing}"


def test_every_make_variable_named_is_read_by_the_makefile():
    makefile = (REPO / "Makefile").read_text("utf-8")
    seen = 0
    for m in MAKE_RE.finditer(ALL):
        if m.group(2) in PENDING_TARGETS:
            continue
        for var in re.findall(r"([A-Z_]+)=", m.group(1) + m.group(3)):
            seen += 1
            assert f"$({var})" in makefile, f"make {m.group(2)}: the Makefile does not read {var}"
    assert seen >= 4


def test_every_cli_subcommand_named_exists_and_new_types_are_known():
    choices = subcommands()
    named = CLI_RE.findall(ALL)
    assert named
    for sub, rest in named:
        assert sub in choices or sub in PENDING_TARGETS, sub
        if sub == "new":
            kind = rest.split()[0]
            assert kind in FOLDER, kind


def test_documented_new_commands_work(tmp_path, capsys):
    runs = 0
    for sub, rest in sorted(set(CLI_RE.findall(ALL))):   # the same command may appear on two pages
        args = rest.split()
        if sub != "new" or "<" in rest:
            continue
        assert main(["new", *args, "--registry", str(tmp_path / "registry")]) == 0
        rid = args[args.index("--id") + 1]
        assert (tmp_path / "registry" / FOLDER[args[0]] / f"{rid}.yaml").is_file()
        runs += 1
    assert runs >= 4
    capsys.readouterr()


def test_cli_commands_are_run_with_the_plugins_on_the_path():
    # the package is not installed in .venv: `.venv/bin/python -m sme_registry` needs PYTHONPATH=plugins
    for line in ALL.splitlines():
        if "-m sme_registry" in line:
            assert "PYTHONPATH=plugins .venv/bin/python -m sme_registry" in line, line


def test_calendar_facts_match_the_code_and_the_pin():
    pin = re.search(r"^chinesecalendar==(\S+)$", (REPO / "requirements.txt").read_text("utf-8"), re.M).group(1)
    assert f'"chinesecalendar=={pin}"' in (REPO / "pyproject.toml").read_text("utf-8")
    text = TEXT["guide-staff-records.md"]
    assert f"chinesecalendar=={pin}" in text and f"版本 {pin}" in text
    assert f"{LIBRARY_YEARS.start}–{LIBRARY_YEARS.stop - 1} 年" in text
    assert "registry/calendar/<年份>.yaml" in text and "不会猜测" in text


@pytest.mark.parametrize("start,days,end", [("2025-12-01", 5, "2025-12-05"), ("2025-09-29", 5, "2025-10-11")])
def test_example_publicity_periods_are_what_the_calendar_computes(start, days, end):
    cal = WorkdayCalendar()
    assert cal.last_working_day(dt.date.fromisoformat(start), days).isoformat() == end
    text = TEXT["guide-staff-records.md"]
    assert start in text and end in text


def schema_fields() -> set[str]:
    fields: set[str] = set()
    for path in (REPO / "registry" / "schema").glob("*.schema.json"):
        def walk(node):
            if isinstance(node, dict):
                fields.update((node.get("properties") or {}).keys())
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(json.loads(path.read_text("utf-8")))
    return fields


def test_yaml_examples_parse_and_use_only_contract_fields():
    known = schema_fields()
    blocks = [b for t in TEXT.values() for b in re.findall(r"```yaml\n(.*?)```", t, re.S)]
    assert len(blocks) >= 7
    for block in blocks:
        body = "\n".join(ln[4:] if ln.startswith("    ") else ln for ln in block.splitlines())
        data = yaml.safe_load(body)

        def keys(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    yield "on" if k is True else str(k)   # YAML 1.1: the key `on` reads as True
                    yield from keys(v)
            elif isinstance(node, list):
                for v in node:
                    yield from keys(v)
        unknown = set(keys(data)) - known
        assert unknown == set(), (unknown, block)


@pytest.mark.parametrize("name", sorted(TEXT))
def test_code_blocks_render_as_code(name):
    # Python-Markdown (the site's renderer) does not render fences nested in list items
    import markdown
    body = TEXT[name].split("\n\n", 1)[1]
    html = markdown.markdown(body, extensions=["markdown.extensions.extra", "markdown.extensions.toc"])
    assert "```" not in html
    assert html.count("<pre>") >= body.count("```yaml") + body.count("```sh")
