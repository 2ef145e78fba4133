"""Property-based tests: whatever a clerk (or an editor, or a bad merge) does to a valid
record, the validator answers with success or with clean problems — never a traceback.

Each example mutates one record of the small valid registry, loads the whole registry
(rules included, so cross-record checks see the damage too) and checks every problem:
a non-empty path, a line ≥ 0 inside the file, a Chinese message.  The reports (text,
JSON, GitHub) and the lifecycle that the site and `status` use must not crash either.

Examples per test: SME_PROPERTY_EXAMPLES (default 120); the file runs in well under 60 s.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sme_testkit import AS_OF, BASE, build
from sme_registry import lifecycle, report
from sme_registry.cli import main
from sme_registry.problems import ERROR, WARNING, Problems
from sme_registry.registry import load_registry
from sme_registry.workdays import UnknownYear
from sme_registry.yamlsource import load_text

EXAMPLES = int(os.environ.get("SME_PROPERTY_EXAMPLES", "120"))
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
CAL = "calendar/2027.yaml"
FILES = dict(BASE, **{CAL: "holidays: [2027-01-01, 2027-02-05]\nworkdays: [2027-02-20]\nsource: 国务院办公厅通知\n"})
RELS = sorted(FILES)

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def registry_dir(tmp_path_factory):
    return build(tmp_path_factory.mktemp("properties") / "registry", FILES)


# -- what may go into a record -----------------------------------------------------------------
WEIRD = ["yes", "no", "on", "off", "Y", "~", "null", "NULL", "010000", "0x1F", "0o17", "1e3", "1_000", ".inf", "-.inf",
         ".nan", "2024-02-30", "2024-13-01", "2024-1-5", "9999-12-31", "0001-01-01", "1899-12-31", "2099-12-31",
         "2024-11-18 10:00:00", "2024-11-18T10:00:00+08:00", "<script>alert(1)</script>", "javascript:alert(1)",
         "13812345678", "+8613812345678", "11010519491231002X", "示范", "许工信〔2099〕1号", "许工信〔2024〕120号",
         "xuchang-city", "henan-province", "jiangsu-star", "national", "xc-tech-service-center", "xc-finance-hub",
         "xuchang-2024-call", "xuchang-recommendation-form", "411023", "411099", "000000", "999999", "410000", "140105",
         "", " ", "\t", "：", "-", "- a", "a: b", "{", "}", "[", "]", "*a", "&a", "!!python/object", "%", "@", "`",
         "|", ">", "#", "'", '"', "\\", "\u3000", "\ufeff", "\x85", "\u2028", "\x00", "\x07", "　许昌　",
         "pass", "fail", "revoked", "renewed", "stars", "none", "next_year", "anniversary", "year_end", "docx", "xlsx",
         "https://www.example.cn", "a@b.cn"]
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=24)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-3, max_value=12),
    st.floats(allow_nan=True, allow_infinity=True), texts, st.sampled_from(WEIRD), st.dates(),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.one_of(texts, st.sampled_from(WEIRD), st.integers()), children,
                                               max_size=3)),
    max_leaves=6,
)
KEYS = ["name", "title", "on", "from", "type", "result", "star", "programme", "programmes", "notice", "region",
        "level", "validity", "years", "starts", "ends", "recognitions", "events", "entries", "blocks", "published",
        "credit_code", "credit_code_legacy", "revokes", "metrics", "2023", "criteria", "requires", "working_days",
        "ends_on", "starts_on", "holidays", "workdays", "source", "programe", "<<", "", "名称"]
keys = st.one_of(st.sampled_from(KEYS), texts)


def paths(data, prefix=()):
    """Every path to a value in `data` (keys of mappings, indexes of lists)."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield prefix + (k,)
            yield from paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield prefix + (i,)
            yield from paths(v, prefix + (i,))


def parent_of(data, path):
    for part in path[:-1]:
        data = data[part]
    return data


def original_data(rel):
    problems = Problems()
    src = load_text(FILES[rel], rel, problems)
    assert not problems.items
    return src.data


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None)


# -- checking an answer -------------------------------------------------------------------------------
def check_answer(registry_dir, rel, content):
    """Write `content` to `rel`, load the registry, check every problem, then restore the file."""
    path = registry_dir.path(rel)
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
            shown = content.decode("utf-8", errors="replace")
        else:
            path.write_text(content, "utf-8", newline="")
            shown = content
        n_lines = len(re.split(r"\r\n|\r|\n", shown))   # lines as an editor counts them
        reg = load_registry(registry_dir.root, as_of=AS_OF)   # must not raise
        for p in reg.problems.items:
            assert isinstance(p.path, str) and p.path, p
            assert isinstance(p.line, int) and p.line >= 0, p
            assert p.severity in (ERROR, WARNING), p
            assert p.rule, p
            assert isinstance(p.message, str) and p.message.strip() and CJK.search(p.message), p
            if registry_dir.is_file(p, rel):
                assert p.line <= n_lines + 1, (p, n_lines)
        # a record that was not loaded is never dropped silently: its own file has an error
        folder, name = rel.split("/")
        if name[:-len(".yaml")] not in reg.table(folder):
            assert registry_dir.find(reg, file=rel, severity=ERROR), f"{rel} dropped without an error"
        # the reports never crash, and the JSON is JSON
        report.as_text(reg.problems)
        report.as_github(reg.problems)
        assert json.loads(report.as_json(reg.problems))["errors"] == len(reg.problems.errors)
        # what the site and `status` compute from a loaded registry
        for pl in reg.platforms.values():
            lifecycle.headline(pl, reg.programmes, AS_OF)
            for rec in pl.recognitions:
                prog = reg.programmes.get(rec.programme)
                if prog:
                    lifecycle.window(rec, prog, AS_OF)
                    lifecycle.current_star(rec, AS_OF)
        for pub in reg.publicity.values():
            with contextlib.suppress(UnknownYear):
                lifecycle.publicity_end(pub, reg.programmes.get(pub.programme), reg.calendar)
        if reg.ok:
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["status", str(registry_dir.root), "--as-of", "2024-11-20"]) == 0
        return reg
    finally:
        path.write_text(FILES[rel], "utf-8")


# -- data-level mutations --------------------------------------------------------------------------
@st.composite
def data_mutation(draw):
    rel = draw(st.sampled_from(RELS))
    data = original_data(rel)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        all_paths = list(paths(data))
        if not all_paths:
            break
        path = draw(st.sampled_from(all_paths))
        parent, last = parent_of(data, path), path[-1]
        action = draw(st.sampled_from(["delete", "rename", "replace", "replace", "wrap"]))
        if action == "delete":
            del parent[last]
        elif action == "rename" and isinstance(parent, dict):
            new = draw(keys)
            parent[new] = parent.pop(last)
        elif action == "wrap":
            parent[last] = draw(st.sampled_from([[parent[last]], {"value": parent[last]}, str(parent[last])]))
        else:
            parent[last] = draw(values)
    if draw(st.booleans()):   # sometimes the whole record is replaced by something else
        data = draw(st.one_of(st.just(data), values))
    return rel, dump(data)


@SETTINGS
@given(mutation=data_mutation())
def test_any_value_anywhere(registry_dir, mutation):
    rel, text = mutation
    check_answer(registry_dir, rel, text)


DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EDGE_DATES = [dt.date.min, dt.date.max, dt.date(9998, 12, 31), dt.date(9999, 1, 1), dt.date(2099, 12, 31),
              dt.date(2100, 1, 1), dt.date(1900, 1, 1), dt.date(1899, 12, 31), dt.date(2024, 2, 29),
              dt.date(2026, 12, 31), dt.date(2027, 1, 1)]
dates = st.one_of(st.dates(), st.sampled_from(EDGE_DATES))


def _date_paths():
    out = []
    for rel in RELS:
        data = original_data(rel)
        out += [(rel, p) for p in paths(data)
                if isinstance(parent_of(data, p)[p[-1]], str) and DATE_TEXT.match(parent_of(data, p)[p[-1]])]
    return out


DATE_PATHS = _date_paths()


@st.composite
def date_mutation(draw):
    """Any date field of any record set to any date, the calendar's far ends included."""
    rel, path = draw(st.sampled_from(DATE_PATHS))
    data = original_data(rel)
    same_file = [p for r, p in DATE_PATHS if r == rel]
    for p in [path] + draw(st.lists(st.sampled_from(same_file), max_size=2)):
        parent_of(data, p)[p[-1]] = draw(dates)
    return rel, dump(data)


@SETTINGS
@given(mutation=date_mutation())
def test_any_date_in_any_date_field(registry_dir, mutation):
    rel, text = mutation
    check_answer(registry_dir, rel, text)


# -- text-level mutations ----------------------------------------------------------------------------
NOISE = st.text(alphabet=st.sampled_from(list(":-{}[],'\"#&*!|>%@`\t \n?~0123456789aoynx许昌〔〕：　\\\r\x85\ufeff")),
                min_size=1, max_size=6)


@st.composite
def text_mutation(draw):
    rel = draw(st.sampled_from(RELS))
    lines = FILES[rel].splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["indent", "dedent", "insert", "duplicate", "delete", "swap", "truncate",
                                       "join"]))
        if action == "indent":
            lines[i] = " " * draw(st.integers(min_value=1, max_value=5)) + lines[i]
        elif action == "dedent":
            lines[i] = lines[i][min(len(lines[i]) - len(lines[i].lstrip(" ")), draw(st.integers(1, 4))):]
        elif action == "insert":
            pos = draw(st.integers(min_value=0, max_value=len(lines[i])))
            lines[i] = lines[i][:pos] + draw(NOISE) + lines[i][pos:]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "delete":
            del lines[i]
        elif action == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "truncate":
            text = "".join(lines)
            cut = draw(st.integers(min_value=0, max_value=len(text)))
            lines = text[:cut].splitlines(keepends=True)
        elif action == "join" and i + 1 < len(lines):
            lines[i:i + 2] = [lines[i].rstrip("\n") + " " + lines[i + 1]]
    return rel, "".join(lines)


@SETTINGS
@given(mutation=text_mutation())
def test_any_edit_of_the_text(registry_dir, mutation):
    rel, text = mutation
    check_answer(registry_dir, rel, text)


@SETTINGS
@given(rel=st.sampled_from(RELS), data=st.data())
def test_random_bytes(registry_dir, rel, data):
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8", "gbk", "utf-16", "utf-8-sig"]))
    raw = FILES[rel].encode(encoding)
    pos = data.draw(st.integers(min_value=0, max_value=len(raw)))
    noise = data.draw(st.binary(max_size=8))
    check_answer(registry_dir, rel, raw[:pos] + noise + raw[pos:])


@SETTINGS
@given(rel=st.sampled_from(RELS), data=st.data())
def test_truncated_anywhere(registry_dir, rel, data):
    raw = FILES[rel].encode("utf-8")   # a cut may split a Chinese character in two
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    check_answer(registry_dir, rel, raw[:cut])


@SETTINGS
@given(rel=st.sampled_from(RELS), value=values)
def test_a_whole_record_of_anything(registry_dir, rel, value):
    check_answer(registry_dir, rel, dump(value))


@settings(max_examples=max(20, EXAMPLES // 3), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(day=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 12, 31)),
       count=st.integers(min_value=1, max_value=30))
def test_last_working_day_counts_exactly(day, count):
    """The computed end has exactly `count` working days from the start, and is one itself."""
    import chinese_calendar

    from sme_registry.workdays import WorkdayCalendar
    cal = WorkdayCalendar()
    try:
        end = cal.last_working_day(day, count)
    except UnknownYear as exc:
        assert exc.year == 2027
        return
    assert chinese_calendar.is_workday(end)
    assert len(chinese_calendar.get_workdays(day, end)) == count


@settings(max_examples=max(20, EXAMPLES // 3), deadline=None, database=None)
@given(announced=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
       years=st.integers(min_value=1, max_value=10),
       starts=st.sampled_from(["announcement_date", "next_year"]),
       ends=st.sampled_from(["year_end", "anniversary"]),
       offset=st.integers(min_value=-400, max_value=4000))
def test_status_is_consistent_with_the_window(announced, years, starts, ends, offset):
    from sme_registry.records import Programme, Recognition, Validity
    from sme_registry.yamlsource import Source
    prog = Programme("p-x", Source("p.yaml"), level="city", validity=Validity(years, starts, ends))
    rec = Recognition("p-x", announced)
    w = lifecycle.window(rec, prog)
    assert w.valid_from <= w.valid_until
    assert w.valid_from >= announced
    as_of = announced + dt.timedelta(days=offset)
    st_ = lifecycle.status(rec, prog, as_of)
    if as_of < w.valid_from:
        assert st_ == "pending"
    elif as_of > w.valid_until:
        assert st_ == "expired"
    elif (w.valid_until - as_of).days <= lifecycle.EXPIRING_DAYS:
        assert st_ == "expiring"
    else:
        assert st_ == "active"
