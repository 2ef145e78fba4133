"""The search tokeniser, written twice: here (the index, built by the build) and in
theme/static/js/search-tokens.js (the query, cut in the browser).  Both must cut a
string into exactly the same tokens; tests/search/token_vectors.json holds the cases
that pytest and node check against each implementation.

Why not a word segmenter (jieba, Intl.Segmenter): it cuts 许昌恒凯 one way in a name and
another way in a query, and loses the substrings people type.  Bigrams find any run of
two or more characters inside a name, whatever the words are.

The rules, in order:
1. NFKC (full-width ＡＢ１２ become AB12, compatibility ideographs become unified ones),
   then lower case.
2. Traditional characters become simplified, one character at a time, by the table
   from OpenCC's t2s conversion (`t2s_table`), so 許昌 finds 许昌.
3. The text splits into runs: Han characters (the ranges in HAN_RANGES), and other
   letters and digits (Unicode categories L* and N*); everything else separates.
4. A Han run of one character is one token; a longer run gives its overlapping pairs
   (许昌市 → 许昌, 昌市).  A run of other letters and digits is one token (2020, it).
5. The index also keeps the last character of each longer Han run (许昌市 → …, 市), so
   every character of the text begins some token: a one-character query 市 becomes the
   prefix query 市*, which then finds 许昌市 (through 市) and 市场 (through 市场).
   Queries use rules 1–4 only: every query token is required (see search_index.py).

Shards: the index of each record type is cut by the first character of its tokens
(`shard_of`), so a query downloads only the shards of its own tokens.
"""
from __future__ import annotations

import functools
import re
import unicodedata

# Han ideographs: CJK Unified Ideographs and Extension A, compatibility ideographs,
# the ideographic zero 〇 and Extensions B–H.  The JavaScript copy lists the same ranges.
HAN_RANGES = ((0x3007, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
# the ranges whose traditional characters the t2s table covers (Basic Multilingual Plane)
_T2S_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


def is_word(ch: str) -> bool:
    """A letter or digit that is not Han (Unicode categories L* and N*, as \\p{L}\\p{N} in JS)."""
    return unicodedata.category(ch)[0] in "LN" and not is_han(ch)


_HAN_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
# Runs of Han, and runs of other word characters.  [^\W_] is "letter or digit" in Python's
# str regexes; tests/search/test_tokens.py checks, for every code point, that it agrees with
# is_han/is_word above (the definition the JavaScript copy follows).
_RUNS = re.compile(f"(?P<han>[{_HAN_CLASS}]+)|(?P<word>[^\\W_{_HAN_CLASS}]+)")


@functools.cache
def t2s_table() -> dict[str, str]:
    """Traditional → simplified, one character to one character, from OpenCC (t2s)."""
    import opencc

    convert = opencc.OpenCC("t2s").convert
    chars = [chr(cp) for lo, hi in _T2S_RANGES for cp in range(lo, hi + 1)]
    # one call for all the characters, a line each (a line is never a phrase with its
    # neighbours): three times quicker than 28,000 calls; one by one if the lines do not match
    lines = convert("\n".join(chars)).split("\n")
    if len(lines) != len(chars):
        lines = [convert(ch) for ch in chars]
    return {ch: out for ch, out in zip(chars, lines) if out != ch and len(out) == 1}


def t2s_string(table: dict[str, str]) -> str:
    """The table as one string of pairs (許许書书…): the compact form the browser loads."""
    return "".join(k + v for k, v in sorted(table.items()))


_TRANSLATIONS: dict[int, tuple[dict, dict]] = {}


def _translation(table: dict[str, str]) -> dict[int, str]:
    """str.translate's table for a t2s table (made once per table object)."""
    hit = _TRANSLATIONS.get(id(table))
    if hit is None or hit[0] is not table:
        hit = _TRANSLATIONS[id(table)] = (table, str.maketrans(table))
    return hit[1]


def normalise(text: str, table: dict[str, str] | None = None) -> str:
    table = t2s_table() if table is None else table
    text = unicodedata.normalize("NFKC", text).lower()
    return text.translate(_translation(table)) if table else text


def runs(text: str, table: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(kind, run) pairs: kind is "han" or "word"."""
    return [(m.lastgroup, m.group()) for m in _RUNS.finditer(normalise(text, table))]


def _cut(text: str | None, table: dict[str, str] | None, last_char: bool) -> list[str]:
    if not text:
        return []
    out: list[str] = []
    for kind, run in runs(text, table):
        if kind == "han" and len(run) > 1:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
            if last_char:
                out.append(run[-1])
        else:
            out.append(run)
    return out


def index_tokens(text: str | None, table: dict[str, str] | None = None) -> list[str]:
    """The tokens a record's text is indexed under, in order, repeats kept (rules 1–5)."""
    return _cut(text, table, True)


def query_tokens(text: str | None, table: dict[str, str] | None = None) -> list[str]:
    """A query's tokens (rules 1–4), each once, in first-seen order."""
    return list(dict.fromkeys(_cut(text, table, False)))


def is_prefix_token(token: str) -> bool:
    """Query tokens searched as prefixes: a lone Han character, or a run of letters/digits
    (so 20 finds 2020).  Han pairs are searched exactly."""
    return not (len(token) == 2 and is_han(token[0]) and is_han(token[1]))


def shard_of(token: str, shards: int) -> int:
    """The shard that holds `token`: its first code point modulo the shard count."""
    return ord(token[0]) % shards
