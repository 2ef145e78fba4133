"""The search index: built here with lunr.py, queried in the browser with lunr.js 2.3.9.

Files under search/ in the output:
  manifest.json      what the page loads first: shard counts, the t2s table, programme names
  <type>/s<k>.json   shard k of the lunr index of a record type (platform, notice, publicity, form)
  <type>/d<c>.json   chunk c of that type's result entries (title, link, badge data, snippet text)

  <type>/c<i>.json   the records holding common token i of that type (a bitmap, see below)

Why shards: an index of bigrams is large (about 160 bytes a platform gzipped for names
alone), so one index for 10,000 platforms would make every query download 1.6 MB.  Each
type's tokens are cut by their first character (search_tokens.shard_of) into shards of
lunr indexes; a query downloads only the shards its own tokens fall in, finds each token,
and keeps the records that hold every token, adding the scores.  Entries come in chunks
(CHUNK records; notices, which carry the start of their text for snippets, in smaller ones),
platforms ordered by place, so the results of one query usually share a few chunks.

Why common tokens apart: 服务, 平台, 中小, 企业 are in nearly every platform, and a lunr
posting of 10,000 records with their field vectors is 200 KB gzipped; a query for any
name holds several of them.  A token held by COMMON_MIN_DOCS records or more leaves the
lunr index and is written as a bitmap of the records holding it (1,250 bytes for 10,000
records): it still narrows the results (every token is required) but adds nothing to
the score, as its idf would make its weight close to nothing anyway.  search_query.py (Python) and
theme/static/js/search-core.js (browser) run the same steps and must return the same
results: the tests compare them.

Rebuilds (write_type's `previous`): after one record changes, most shards are the same, and
building them all again would cost more than anything else in the rebuild.  A shard's file follows
from its input alone: ShardedBuilder's frequencies (for each record in ref order, each field's terms
that fall in the shard, with their counts), from which its postings, _index order, field lengths,
totals and record count are all made; which terms fall in the shard is decided by the shard count
and the set of common tokens.  So each build keeps in the build cache every shard's input (as text,
`_encode`), a digest of each record's texts, each token's record count and the bitmaps.  A rebuild
finds the records whose texts changed (the one edited and those whose refs shifted: a ref is a
position, so a record that moves in the order shifts the records between; platforms are in order of
place and id, not name, so that a rename moves none), tokenises only them and updates the counts.
With the same shard count and common tokens, a shard is built again only when one of those records'
rows in it differs (from the rows kept, merged with the new ones in ref order); its other rows are
the same texts at the same refs, cut by the same code, so every other shard's file is taken from the
previous output as it is (or, gone from there, built again from its kept input).  Otherwise, or
when many records changed (a record added early in the order shifts every ref after it, and most
shards change anyway), the type is built afresh.
A record's document is not even made when its view has the inputs (views.platform_inputs,
notice_inputs) of the view at its ref last time: it keeps its digest, and a file of entries whose
records all kept theirs is taken from the previous output (after one change, making ten thousand
documents again was half of the index's time).
Nothing else goes into a shard: the fields, boosts, tokeniser and lunr's version are code, and
OpenCC's table comes with a library version, both in the build cache's global key (a new one drops
the cache).  tests/search/test_index.py and
tests/site/test_incremental.py compare patched and fresh builds byte for byte.

lunr.py serialises the search pipeline's labels only; both pipelines here are empty
(tokens come ready-cut from the field extractors, see search_tokens), so lunr.js loads
the index without any registered function.
"""
from __future__ import annotations

import base64
import hashlib
import json
import marshal
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from sme_registry.parallel import collector_paused

from . import markdown_safe
from .search_tokens import index_tokens, t2s_string, t2s_table
from .views import Site
from .output import Output, emit

LUNR_JS_VERSION = "2.3.9"
CHUNK = 64                  # result entries per file
TOKENS_PER_SHARD = 1000     # distinct (token, record) pairs a shard aims at: a few KB gzipped
MAX_SHARDS = 256
COMMON_MIN_DOCS = 500       # a token held by this many records of a type is written as a bitmap
BODY_LIMIT = 1000           # characters of a notice's text kept for snippets
CHUNKS = {"notice": 16}     # entries per file where entries are large

TYPE_LABELS = {"platform": "示范平台", "notice": "通知公告", "publicity": "公示名单", "form": "表单"}

# Fields per type: (key in the index, boost, what it holds).  Names and titles first.
# The keys are one letter: every posting of the index names every field.
FIELDS = {
    "platform": [("n", 10, "平台名称"), ("o", 6, "运营单位"), ("c", 6, "统一社会信用代码"), ("r", 3, "所在地"),
                 ("f", 2, "服务功能"), ("s", 1, "简介")],
    "notice": [("n", 10, "标题"), ("d", 8, "发文字号"), ("i", 4, "发文机关"), ("b", 1, "正文")],
    "publicity": [("n", 10, "标题"), ("p", 3, "认定项目"), ("e", 1, "公示的平台")],
    "form": [("n", 10, "表单名称"), ("p", 3, "认定项目"), ("a", 2, "原附件名")],
}


@dataclass(slots=True)
class Doc:
    fields: dict[str, str]     # field key -> text to index
    entry: dict                # what a result shows


def _platform_doc(p) -> Doc:
    h = p.headline
    badge = ({"st": h.status, "f": str(h.valid_from), "u": str(h.valid_until or ""), "e": str(h.ended_on or "")}
             if h else {"st": "candidate"})
    text = markdown_safe.plain("-", 10**6, html=p.summary_html) if p.summary_html else ""
    return Doc({"n": p.name, "o": p.operator["name"], "c": p.operator["credit_code"] or "",
                "r": p.region.full_name, "f": " ".join(p.function_labels), "s": text},
               {"u": p.url, "t": p.name, "m": f"{p.operator['name']} · {p.region.full_name}", "b": badge,
                "p": sorted({r.programme.id for r in p.recognitions}), "x": text[:200]})


def _notice_doc(n) -> Doc:
    text = markdown_safe.plain("-", 10**7, html=n.body_html) if n.body_html else ""
    meta = " · ".join(x for x in (n.kind_label, n.issuer, n.doc_number or "", str(n.issued_on)) if x)
    return Doc({"n": n.title, "d": n.doc_number or "", "i": n.issuer, "b": text},
               {"u": n.url, "t": n.title, "m": meta, "p": [p.id for p in n.programmes], "x": text[:BODY_LIMIT]})


def _publicity_doc(p) -> Doc:
    names = "、".join(e.name for e in p.entries)
    return Doc({"n": p.title, "p": p.programme.title, "e": names},
               {"u": p.url, "t": p.title, "m": f"{p.programme.title} · {p.starts_on} 至 {p.ends_on}",
                "b": {"st": p.status, "f": str(p.starts_on), "u": str(p.ends_on)},
                "p": [p.programme.id], "x": names[:200]})


def _form_doc(f) -> Doc:
    prog = f.programme.title if f.programme else ""
    meta = " · ".join(x for x in (prog, f.format_label, "" if f.published else "未公布") if x)
    return Doc({"n": f.title, "p": prog, "a": f.source_name},
               {"u": f.url, "t": f.title, "m": meta, "p": [f.programme.id] if f.programme else [],
                "x": f.source_name})


# The views each type's documents are made from, in ref order (platforms by place, so that the
# results of one query share a few chunks; then by id, which a rename leaves alone: ordered by name, a
# renamed platform moved, shifting the refs between, and the rows of every shard they were in had to
# be built again, up to 0.4 s of a rebuild's index), and nothing else: a build keys a type's index by
# them (generator._stages), so that it knows whether to build the documents at all.
SOURCES = {"platform": lambda site: sorted(site.platforms, key=lambda p: (p.region.code, p.id)),
           "notice": lambda site: site.notices, "publicity": lambda site: site.publicity,
           "form": lambda site: site.forms}
DOC = {"platform": _platform_doc, "notice": _notice_doc, "publicity": _publicity_doc, "form": _form_doc}
DOCS = {kind: (lambda site, kind=kind: [DOC[kind](v) for v in SOURCES[kind](site)]) for kind in DOC}


class _Docs:
    """The documents of `views`, each made when first read: a rebuild reads only those of the
    records whose view changed (_unchanged_refs)."""

    def __init__(self, views: list, make):
        self.views, self.make, self.made = views, make, {}

    def __len__(self) -> int:
        return len(self.views)

    def __getitem__(self, ref: int) -> Doc:
        doc = self.made.get(ref)
        if doc is None:
            doc = self.made[ref] = self.make(self.views[ref])
        return doc

    def __iter__(self):
        return (self[ref] for ref in range(len(self.views)))


INPUTS_SIZE = 20     # views.platform_inputs and notice_inputs: blake2b, 20 bytes


def _view_inputs(views: list) -> bytes:
    """Per record, in ref order, what its view is made from (views.platform_inputs,
    notice_inputs); zeros for a view that does not know it (a type without them, or a file whose
    digest is unknown), which never counts as unchanged."""
    blank = bytes(INPUTS_SIZE)
    return b"".join(i if len(i := getattr(v, "inputs", b"") or b"") == INPUTS_SIZE else blank for v in views)


def _unchanged_refs(now: bytes, before: bytes | None) -> list[bool]:
    """For each ref, whether the record there has a view made from the same inputs as the one there
    in the previous build: its document is then the same (views.py makes a view from its inputs
    alone; the documents are made from the view), and so are its digest and its entry."""
    blank, n = bytes(INPUTS_SIZE), INPUTS_SIZE
    before = before or b""
    return [before[n * r:n * r + n] == now[n * r:n * r + n] != blank for r in range(len(now) // n)]


def shard_count(pairs: int) -> int:
    """A power of two, so that a shard holds about TOKENS_PER_SHARD (token, record) pairs."""
    n = 1
    while n < MAX_SHARDS and pairs / n > TOKENS_PER_SHARD:
        n *= 2
    return n


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be")


def serialise(data: dict) -> dict:
    """A serialised lunr.py index, made smaller and safe for lunr.js:
    - field vectors of fields with no term in this shard are dropped (a query never reads them);
    - terms are sorted in UTF-16 order, the order lunr.js's TokenSet.Builder requires
      (Python sorts by code point, which differs once a term holds a character beyond U+FFFF)."""
    data["fieldVectors"] = [fv for fv in data["fieldVectors"] if fv[1]]
    data["invertedIndex"].sort(key=lambda item: _utf16_key(item[0]))
    return data


@dataclass
class TypeIndex:
    shards: int                         # shard count (search_tokens.shard_of)
    data: dict[int, dict]               # shard -> serialised lunr index
    common: list[tuple[str, bytes]]     # (token, bitmap of the records holding it), sorted by token
    present: list[int] = field(default_factory=list)   # the shards that hold a term
    counts: dict[str, int] = field(default_factory=dict)      # token -> records holding it
    inputs: dict[int, str] = field(default_factory=dict)      # shard -> its input (_encode), with `keep`


def bitmap(refs: list[int], count: int) -> bytes:
    """Bit r (byte r // 8, bit r % 8 from the lowest) is set for every record r in refs."""
    bits = bytearray((count + 7) // 8)
    for r in refs:
        bits[r >> 3] |= 1 << (r & 7)
    return bytes(bits)


def build_index(docs: list[Doc], fields: list[tuple], table: dict, common_min: int | None = None,
                sink=None, part: tuple[int, int] = (0, 1), keep: bool = False) -> TypeIndex:
    """The search index of one record type: lunr shards, and bitmaps for the tokens held by
    `common_min` records or more (COMMON_MIN_DOCS unless given).  With `sink`, each shard goes
    to sink(shard, data) as soon as it is serialised instead of into `data` (less memory).
    `part` (i, n): only the shards k % n == i (see ShardedBuilder).  `keep`: also the token
    counts and each shard's input, what a rebuild patches (`_patch`)."""
    common_min = COMMON_MIN_DOCS if common_min is None else common_min
    # a text met before is not cut again: records share region names, function lists, names
    memo: dict[str, list[str]] = {}
    tokenised = [{key: memo[text] if (text := d.fields[key]) in memo else memo.setdefault(text, index_tokens(text, table))
                  for key, _, _ in fields} for d in docs]
    del memo
    holders: dict[str, list[int]] = {}
    for ref, fs in enumerate(tokenised):
        for t in {t for toks in fs.values() for t in toks}:
            holders.setdefault(t, []).append(ref)
    common = {t for t, refs in holders.items() if len(refs) >= common_min}
    if common:
        tokenised = [{key: [t for t in toks if t not in common] for key, toks in fs.items()} for fs in tokenised]
    pairs = sum(len(refs) for t, refs in holders.items() if t not in common)
    n = shard_count(pairs)
    from .search_lunr import ShardedBuilder     # lunr (3 ms to import): only where an index is built
    builder = ShardedBuilder([(key, boost) for key, boost, _ in fields], n, part)
    for ref, fs in enumerate(tokenised):
        builder.add(str(ref), fs)
    del tokenised
    data, present, inputs = {}, [], {}
    for k, d in builder.drain(inputs if keep else None):
        present.append(k)
        if keep:     # as text at once: a whole index of small dicts kept alive slows the collector
            inputs[k] = _encode(inputs[k])
        if sink:
            sink(k, serialise(d))
        else:
            data[k] = serialise(d)
    return TypeIndex(n, data, [(t, bitmap(holders[t], len(docs))) for t in sorted(common, key=_utf16_key)],
                     present, {t: len(refs) for t, refs in holders.items()} if keep else {}, inputs)


def _digests(docs: list[Doc], keys: list[str], unchanged: list[bool] | None = None, before: bytes = b"") -> bytes:
    """Per record, 16 bytes: a digest of the texts it is indexed from (`before`'s, the previous
    build's, for a record `unchanged` since: _unchanged_refs)."""
    return b"".join(before[16 * r:16 * r + 16] if unchanged and unchanged[r] else
                    hashlib.blake2b(pickle.dumps([docs[r].fields[k] for k in keys], protocol=5), digest_size=16).digest()
                    for r in range(len(docs)))


# A shard's input (ShardedBuilder's frequencies) kept as one string, a line per record in ref order:
# "\n<ref>\t<field>\x01<term>\x01<term>…\x02<tf>,<tf>…\t<field>…".  Tokens never hold control
# characters.  One string is cheap to pickle, unlike 100,000 small dicts, and a rebuild finds a
# record's line with str.find.
Row = dict[str, dict[str, int]]      # field -> term -> tf: one record's entry in one shard


def _encode(frequencies: dict[str, dict[str, int]]) -> str:
    out, ref = [], None
    for field_ref, terms in frequencies.items():
        key, r = field_ref.split("/", 1)
        if r != ref:
            out.append("\n" + r)
            ref = r
        out.append("\t" + key + "\x01" + "\x01".join(terms) + "\x02" + ",".join(map(str, terms.values())))
    return "".join(out)


def _decode(line: str) -> tuple[int, Row]:
    ref, *fields = line.split("\t")
    row = {}
    for f in fields:
        key, rest = f.split("\x01", 1)
        terms, tfs = rest.split("\x02")
        row[key] = dict(zip(terms.split("\x01"), map(int, tfs.split(","))))
    return int(ref), row


def _line(text: str, ref: int) -> str | None:
    i = text.find(f"\n{ref}\t")
    if i < 0:
        return None
    j = text.find("\n", i + 1)
    return text[i + 1:j if j >= 0 else len(text)]


def _rows(tokens: dict[str, list[str]], common, n: int) -> dict[int, Row]:
    """A record's rows in each shard, as ShardedBuilder.add fills the frequencies (first-seen order)."""
    shards: dict[int, Row] = {}
    for key, toks in tokens.items():
        frequencies: dict[str, int] = {}
        for t in toks:
            if t not in common:
                frequencies[t] = frequencies.get(t, 0) + 1
        for t, tf in frequencies.items():
            shards.setdefault(ord(t[0]) % n, {}).setdefault(key, {})[t] = tf
    return shards


def _patch(docs: list[Doc], fields: list[tuple], table: dict, common_min: int, part: tuple[int, int],
           previous: list[dict], digests: bytes, reusable, sink) -> TypeIndex | None:
    """The index of `docs` from the previous build's (`previous`: the states of all the parts),
    rebuilding only the shards where a changed record's row changes; None when a fresh build is
    needed (another shard count or set of common tokens, many records changed, no usable state).
    `reusable(k)` keeps shard k's file from the previous output (False: it must be written)."""
    keys = [key for key, _, _ in fields]
    shared = previous[0]
    if len(previous) != part[1] or any(not p or p["of"] != shared["of"] for p in previous) \
            or shared["keys"] != keys:
        return None
    old, count = shared["digests"], len(shared["digests"]) // 16
    changed = [r for r in range(max(count, len(docs)))
               if r >= count or r >= len(docs) or old[16 * r:16 * r + 16] != digests[16 * r:16 * r + 16]]
    if len(changed) > max(16, len(docs) // 16):
        return None      # patching costs per record changed: past this, a fresh build is cheaper
    n, bits = shared["n"], shared["bits"]
    inputs = {k: text for p in previous for k, (_, text) in p["shards"].items()}
    counts, common = dict(shared["counts"]), set(bits)
    before: dict[int, dict[int, Row]] = {}    # shard -> changed record -> its row then
    after: dict[int, dict[int, Row]] = {}     # … and now
    now: dict[int, set[str]] = {}             # a changed record's tokens now
    for r in changed:
        held = {t for t, b in bits.items() if r < count and b[r >> 3] >> (r & 7) & 1}
        for k, text in inputs.items():
            line = _line(text, r)
            if line is not None:
                row = before.setdefault(k, {})[r] = _decode(line)[1]
                held.update(*row.values())
        for t in held:
            counts[t] -= 1
            if not counts[t]:
                del counts[t]
        if r < len(docs):
            tokens = {key: index_tokens(docs[r].fields[key], table) for key in keys}
            now[r] = {t for toks in tokens.values() for t in toks}
            for t in now[r]:
                counts[t] = counts.get(t, 0) + 1
            for k, row in _rows(tokens, common, n).items():
                after.setdefault(k, {})[r] = row
    if {t for t, c in counts.items() if c >= common_min} != common \
            or shard_count(sum(c for t, c in counts.items() if t not in common)) != n:
        return None
    ordered = lambda rows: {r: [(key, list(terms.items())) for key, terms in row.items()] for r, row in rows.items()}
    dirty = {k for k in before.keys() | after.keys() if ordered(before.get(k, {})) != ordered(after.get(k, {}))}
    gone = set(changed)
    from .search_lunr import ShardedBuilder
    builder = ShardedBuilder([(key, boost) for key, boost, _ in fields], n)
    kept, present = {}, []
    for k in range(part[0], n, part[1]):
        text = inputs.get(k)
        if k not in dirty and (text is None or reusable(k)):
            if text is not None:
                kept[k] = text
                present.append(k)
            continue
        rows = [_decode(line) for line in (text or "").split("\n")[1:] if int(line[:line.index("\t")]) not in gone]
        if k in dirty:      # the changed records' rows now, in ref order among the others
            rows = sorted(rows + list(after.get(k, {}).items()), key=lambda row: row[0])
        for r, row in rows:
            builder.add(str(r), {key: [t for t, tf in terms.items() for _ in range(tf)] for key, terms in row.items()})
    for k, d in builder.drain(kept):
        present.append(k)
        kept[k] = _encode(kept[k])
        sink(k, serialise(d))
    size = (len(docs) + 7) // 8
    patched = []
    for t in sorted(common, key=_utf16_key):
        b = bytearray(bits[t])
        for r in changed:
            if r >> 3 < len(b):
                b[r >> 3] &= ~(1 << (r & 7))
        b.extend(bytes(max(0, size - len(b))))
        del b[size:]
        for r in changed:
            if t in now.get(r, ()):
                b[r >> 3] |= 1 << (r & 7)
        patched.append((t, bytes(b)))
    return TypeIndex(n, {}, patched, sorted(present), counts, kept)


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _keep_file(out, rel: str) -> bool:
    """Keep `rel` as the previous build left it (Output.reuse; in a plain folder, where it is)."""
    return out.reuse(rel) if isinstance(out, Output) else (Path(out) / rel).is_file()


def write_type(site: Site, kind: str, out, common_min: int | None = None, table: dict | None = None,
               docs: list[Doc] | None = None, part: tuple[int, int] = (0, 1), previous: list | None = None,
               views: list | None = None) -> dict:
    """Write search/<kind>/ (shards, bitmaps, entries); returns the manifest's entry for the type,
    with the files written ("files") and the characters its terms use ("chars").  The types are
    independent, so a build can write them in parallel (generator.py) and then the manifest.
    `part` (i, n) writes only its share of the shards (part 0 also the bitmaps and entries):
    merge_parts joins the entries of all n parts.
    `previous` (a list, of Nones in a first build): the "state" of each part's entry from the
    previous build into the same `out`; the entry then has a "state" too, for the next build: every
    part's shards (their characters and `_encode`d inputs), and in part 0's, what every part reads
    (the records' digests, the token counts, the bitmaps, the inputs of their views).  See
    "Rebuilds" in the module docstring.  `views`: SOURCES[kind](site), when the caller has them."""
    previous = None if previous is None else [_unpack_state(p) for p in previous]
    if table is None:
        # OpenCC's pairs as this part's stage worked them out last time (OpenCC's version is in the
        # build cache's global key, which a previous state shares): making them again was 0.02–0.03 s
        # of every rebuild's stage
        kept = previous[part[0]].get("t2s_table") if previous and previous[part[0]] else None
        table = kept if isinstance(kept, dict) else t2s_table()
    fields = FIELDS[kind]
    # In a rebuild, the records whose view has the inputs of the one at their ref last time keep
    # their digest and their entry: their documents are not even made (_Docs).
    unchanged, view_inputs, shared = None, b"", (previous[0] if previous else None) or {}
    if docs is None:
        views = SOURCES[kind](site) if views is None else views
        docs = _Docs(views, DOC[kind])
        if previous is not None:
            view_inputs = _view_inputs(views)
            if "inputs" in shared:
                unchanged = _unchanged_refs(view_inputs, shared["inputs"])
    common_min = COMMON_MIN_DOCS if common_min is None else common_min
    chars: dict[int, str] = {}        # shard -> the characters of its terms
    written = []

    def write_shard(k: int, data: dict) -> None:
        chars[k] = "".join(sorted(set().union(*(term for term, _ in data["invertedIndex"]))))
        written.append(emit(out, f"search/{kind}/s{k}.json", _dump(data)))

    def reusable(k: int) -> bool:
        if not _keep_file(out, f"search/{kind}/s{k}.json"):
            return False
        chars[k] = previous[part[0]]["shards"][k][0]
        written.append(f"search/{kind}/s{k}.json")
        return True

    digests = _digests(docs, [key for key, _, _ in fields], unchanged, shared.get("digests", b"")) \
        if previous is not None else b""
    index = None
    with collector_paused():
        if previous and all(previous) and docs:
            index = _patch(docs, fields, table, common_min, part, previous, digests, reusable, write_shard)
        if index is None:
            index = build_index(docs, fields, table, common_min, sink=write_shard, part=part, keep=previous is not None) \
                if docs else TypeIndex(1, {}, [])
    chunk = CHUNKS.get(kind, CHUNK)
    if part[0] == 0:   # the bitmaps and the entries: once, by the first part
        for i, (token, bits) in enumerate(index.common):
            written.append(emit(out, f"search/{kind}/c{i}.json", _dump({"t": token, "b": base64.b64encode(bits).decode()})))
        count_before = len(shared.get("inputs", b"")) // INPUTS_SIZE
        for c in range(0, len(docs), chunk):
            rel, end = f"search/{kind}/d{c // chunk}.json", min(c + chunk, len(docs))
            # the same entries at the same refs as the previous build's chunk, which ended there too
            if unchanged and min(c + chunk, count_before) == end and all(unchanged[c:end]) and _keep_file(out, rel):
                written.append(rel)
            else:
                written.append(emit(out, rel, _dump([docs[r].entry for r in range(c, end)])))
    entry = {"label": TYPE_LABELS[kind], "docs": len(docs), "chunk": chunk, "shards": index.shards,
             "present": index.present, "common": [t for t, _ in index.common],
             "fields": {k: label for k, _, label in fields}, "files": written,
             "chars": "".join(sorted(set("".join(chars.values())).union(*(t for t, _ in index.common))))}
    # the traditional characters whose simplified form the type's terms use (write_manifest): worked
    # out here, where the table is at hand, not in the build process, which would make it (0.02 s)
    used = set(entry["chars"])
    entry["t2s"] = {t: s for t, s in table.items() if s in used}
    if previous is not None:
        state = entry["state"] = {"of": hashlib.blake2b(digests).digest(), "n": index.shards,
                                  "shards": {k: (chars[k], index.inputs[k]) for k in index.present},
                                  "t2s_table": table}
        if part[0] == 0:      # what every part reads: the records' digests, token counts, bitmaps, views' inputs
            state.update(keys=[key for key, _, _ in fields], digests=digests, counts=index.counts,
                         bits=dict(index.common), inputs=view_inputs)
        entry["state"] = _pack_state(state)
    return entry


# A type's state is read only by the next build's stage that patches the index (in a forked child):
# it travels through the build process and its build cache as marshalled bytes, which that process
# neither unpickles from the child nor walks again to save (3.5 MB at 10,000 platforms: 0.02 s).
def _pack_state(state: dict):
    try:
        return marshal.dumps(state)
    except ValueError:       # not plain values after all: kept as they are
        return state


def _unpack_state(state):
    return marshal.loads(state) if isinstance(state, bytes) else state


def merge_parts(entries: list[dict]) -> dict:
    """One type's manifest entry from the entries of its parts (write_type's `part`)."""
    first = entries[0]
    return {**first, "present": sorted(k for e in entries for k in e["present"]),
            "files": [f for e in entries for f in e["files"]],
            "chars": "".join(sorted(set("".join(e["chars"] for e in entries)))),
            "t2s": {t: c for e in entries for t, c in e["t2s"].items()}}


def write_manifest(site: Site, out, types: dict[str, dict]) -> str:
    """search/manifest.json from write_type's entries (in DOCS order)."""
    manifest = {"lunr": LUNR_JS_VERSION, "as_of": str(site.as_of), "t2s": "",
                "programmes": {p.id: p.name for p in site.programmes},
                "types": {k: {f: v for f, v in types[k].items() if f not in ("files", "chars", "state", "t2s")}
                          for k in DOCS}}
    # The browser needs only the traditional characters whose simplified form is in some
    # record: any other one finds nothing converted or not (a third of the manifest's weight).
    # Each type's entry brings those of its own terms (write_type).
    manifest["t2s"] = t2s_string({t: s for k in DOCS for t, s in types[k]["t2s"].items()})
    return emit(out, "search/manifest.json", _dump(manifest))


def write_all(site: Site, out, common_min: int | None = None) -> list[str]:
    """Write search/ for the site; returns the paths written (relative to out)."""
    table = t2s_table()
    types = {kind: write_type(site, kind, out, common_min, table) for kind in DOCS}
    return [f for t in types.values() for f in t["files"]] + [write_manifest(site, out, types)]


LUNR_JS = Path(__file__).resolve().parents[2] / "node_modules" / "lunr"


class LunrMissing(Exception):
    pass


def copy_lunr(out: Path, source: Path = LUNR_JS) -> str:
    """Copy lunr.js from the npm package (package.json pins it; it is never committed)."""
    try:
        version = json.loads((source / "package.json").read_text("utf-8"))["version"]
        code = (source / "lunr.min.js").read_bytes()
    except FileNotFoundError:
        raise LunrMissing(f"找不到 lunr.js（{source}）：请在项目目录运行 npm ci（make html 会自动安装）。") from None
    if version != LUNR_JS_VERSION:
        raise LunrMissing(f"lunr.js 版本是 {version}，本站的索引需要 {LUNR_JS_VERSION}：请运行 npm ci。")
    return emit(out, "theme/js/lunr.min.js", code)
