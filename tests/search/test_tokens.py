"""One tokeniser written twice: the Python copy (index) and the JavaScript copy (queries)
must cut every shared vector the same way, and the same way as the vector says."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from registry_site import search_tokens as st

HERE = Path(__file__).parent
VECTORS = json.loads((HERE / "token_vectors.json").read_text("utf-8"))


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["text"] or "<empty>")
def test_python_tokeniser(case):
    assert st.index_tokens(case["text"]) == case["index"]
    q = st.query_tokens(case["text"])
    assert q == case["query"]
    assert [st.is_prefix_token(t) for t in q] == case["prefix"]


@pytest.mark.parametrize("case", VECTORS["shards"], ids=lambda c: f"{c['token']}/{c['shards']}")
def test_python_shards(case):
    assert st.shard_of(case["token"], case["shards"]) == case["shard"]


def test_t2s_table_from_opencc():
    table = st.t2s_table()
    assert table["許"] == "许" and table["臺"] == "台" and table["書"] == "书"
    assert "许" not in table                      # simplified characters stay as they are
    pairs = st.t2s_string(table)
    assert len(pairs) == 2 * len(table)


def test_t2s_table_is_what_opencc_gives_each_character_alone():
    """The table is made in one call over all the characters, a line each: it must be exactly
    what converting them one by one gives (no character read as part of a phrase)."""
    import opencc
    convert = opencc.OpenCC("t2s").convert
    one_by_one = {}
    for lo, hi in st._T2S_RANGES:
        for cp in range(lo, hi + 1):
            out = convert(chr(cp))
            if out != chr(cp) and len(out) == 1:
                one_by_one[chr(cp)] = out
    assert st.t2s_table() == one_by_one


def test_javascript_tokeniser_agrees(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to check the browser's tokeniser (install Debian's nodejs)")
    pairs = tmp_path / "t2s.txt"
    pairs.write_text(st.t2s_string(st.t2s_table()), "utf-8")
    run = subprocess.run([node, str(HERE / "check_tokens.js"), str(HERE / "token_vectors.json"), str(pairs)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 failures" in run.stdout


def test_the_fast_run_pattern_classifies_every_code_point_as_the_definition_does():
    """search_tokens cuts runs with a regex; is_han/is_word are the definition (and what the
    JavaScript copy implements): they must agree on every code point."""
    wrong = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        m = st._RUNS.fullmatch(ch)
        got = m.lastgroup if m else None
        want = "han" if st.is_han(ch) else ("word" if st.is_word(ch) else None)
        if got != want:
            wrong.append(f"U+{cp:04X} {got} != {want}")
    assert not wrong, wrong[:20]
