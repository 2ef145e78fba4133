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

lunr.py serialises the search pipeline's labels only; both pipelines here are empty
(tokens come ready-cut from the field extractors, see search_tokens), so lunr.js loads
the index without any registered function.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import markdown_safe
from .search_lunr import ShardedBuilder
from .search_tokens import index_tokens, t2s_string, t2s_table
from .views import Site
from .output import emit

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


@dataclass
class Doc:
    fields: dict[str, str]     # field key -> text to index
    entry: dict                # what a result shows


def _platform_docs(site: Site) -> list[Doc]:
    docs = []
    for p in sorted(site.platforms, key=lambda p: (p.region.code, p.name, p.id)):
        h = p.headline
        badge = ({"st": h.status, "f": str(h.valid_from), "u": str(h.valid_until or ""), "e": str(h.ended_on or "")}
                 if h else {"st": "candidate"})
        text = markdown_safe.plain("-", 10**6, html=p.summary_html) if p.summary_html else ""
        docs.append(Doc(
            {"n": p.name, "o": p.operator["name"], "c": p.operator["credit_code"] or "",
             "r": p.region.full_name, "f": " ".join(p.function_labels), "s": text},
            {"u": p.url, "t": p.name, "m": f"{p.operator['name']} · {p.region.full_name}", "b": badge,
             "p": sorted({r.programme.id for r in p.recognitions}), "x": text[:200]}))
    return docs


def _notice_docs(site: Site) -> list[Doc]:
    docs = []
    for n in site.notices:
        text = markdown_safe.plain("-", 10**7, html=n.body_html) if n.body_html else ""
        meta = " · ".join(x for x in (n.kind_label, n.issuer, n.doc_number or "", str(n.issued_on)) if x)
        docs.append(Doc({"n": n.title, "d": n.doc_number or "", "i": n.issuer, "b": text},
                        {"u": n.url, "t": n.title, "m": meta, "p": [p.id for p in n.programmes],
                         "x": text[:BODY_LIMIT]}))
    return docs


def _publicity_docs(site: Site) -> list[Doc]:
    docs = []
    for p in site.publicity:
        names = "、".join(e.name for e in p.entries)
        docs.append(Doc({"n": p.title, "p": p.programme.title, "e": names},
                        {"u": p.url, "t": p.title, "m": f"{p.programme.title} · {p.starts_on} 至 {p.ends_on}",
                         "b": {"st": p.status, "f": str(p.starts_on), "u": str(p.ends_on)},
                         "p": [p.programme.id], "x": names[:200]}))
    return docs


def _form_docs(site: Site) -> list[Doc]:
    docs = []
    for f in site.forms:
        prog = f.programme.title if f.programme else ""
        meta = " · ".join(x for x in (prog, f.format_label, "" if f.published else "未公布") if x)
        docs.append(Doc({"n": f.title, "p": prog, "a": f.source_name},
                        {"u": f.url, "t": f.title, "m": meta, "p": [f.programme.id] if f.programme else [],
                         "x": f.source_name}))
    return docs


DOCS = {"platform": _platform_docs, "notice": _notice_docs, "publicity": _publicity_docs, "form": _form_docs}


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


def bitmap(refs: list[int], count: int) -> bytes:
    """Bit r (byte r // 8, bit r % 8 from the lowest) is set for every record r in refs."""
    bits = bytearray((count + 7) // 8)
    for r in refs:
        bits[r >> 3] |= 1 << (r & 7)
    return bytes(bits)


def build_index(docs: list[Doc], fields: list[tuple], table: dict, common_min: int | None = None,
                sink=None, part: tuple[int, int] = (0, 1)) -> TypeIndex:
    """The search index of one record type: lunr shards, and bitmaps for the tokens held by
    `common_min` records or more (COMMON_MIN_DOCS unless given).  With `sink`, each shard goes
    to sink(shard, data) as soon as it is serialised instead of into `data` (less memory).
    `part` (i, n): only the shards k % n == i (see ShardedBuilder)."""
    common_min = COMMON_MIN_DOCS if common_min is None else common_min
    tokenised = [{key: index_tokens(d.fields[key], table) for key, _, _ in fields} for d in docs]
    holders: dict[str, list[int]] = {}
    for ref, fs in enumerate(tokenised):
        for t in {t for toks in fs.values() for t in toks}:
            holders.setdefault(t, []).append(ref)
    common = {t for t, refs in holders.items() if len(refs) >= common_min}
    if common:
        tokenised = [{key: [t for t in toks if t not in common] for key, toks in fs.items()} for fs in tokenised]
    pairs = sum(len(refs) for t, refs in holders.items() if t not in common)
    n = shard_count(pairs)
    builder = ShardedBuilder([(key, boost) for key, boost, _ in fields], n, part)
    for ref, fs in enumerate(tokenised):
        builder.add(str(ref), fs)
    del tokenised
    data, present = {}, []
    for k, d in builder.drain():
        present.append(k)
        if sink:
            sink(k, serialise(d))
        else:
            data[k] = serialise(d)
    return TypeIndex(n, data, [(t, bitmap(sorted(holders[t]), len(docs))) for t in sorted(common, key=_utf16_key)],
                     present)


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_type(site: Site, kind: str, out, common_min: int | None = None, table: dict | None = None,
               docs: list[Doc] | None = None, part: tuple[int, int] = (0, 1)) -> dict:
    """Write search/<kind>/ (shards, bitmaps, entries); returns the manifest's entry for the type,
    with the files written ("files") and the characters its terms use ("chars").  The types are
    independent, so a build can write them in parallel (generator.py) and then the manifest.
    `part` (i, n) writes only its share of the shards (part 0 also the bitmaps and entries):
    merge_parts joins the entries of all n parts."""
    table = t2s_table() if table is None else table
    docs = DOCS[kind](site) if docs is None else docs
    fields = FIELDS[kind]
    chars: set[str] = set()
    written = []

    def write_shard(k: int, data: dict) -> None:
        chars.update(*(term for term, _ in data["invertedIndex"]))
        written.append(emit(out, f"search/{kind}/s{k}.json", _dump(data)))

    index = build_index(docs, fields, table, common_min, sink=write_shard, part=part) if docs else TypeIndex(1, {}, [])
    chars.update(*(t for t, _ in index.common))
    chunk = CHUNKS.get(kind, CHUNK)
    if part[0] == 0:   # the bitmaps and the entries: once, by the first part
        for i, (token, bits) in enumerate(index.common):
            written.append(emit(out, f"search/{kind}/c{i}.json", _dump({"t": token, "b": base64.b64encode(bits).decode()})))
        for c in range(0, len(docs), chunk):
            written.append(emit(out, f"search/{kind}/d{c // chunk}.json", _dump([d.entry for d in docs[c:c + chunk]])))
    return {"label": TYPE_LABELS[kind], "docs": len(docs), "chunk": chunk, "shards": index.shards,
            "present": index.present, "common": [t for t, _ in index.common],
            "fields": {k: label for k, _, label in fields}, "files": written, "chars": "".join(sorted(chars))}


def merge_parts(entries: list[dict]) -> dict:
    """One type's manifest entry from the entries of its parts (write_type's `part`)."""
    first = entries[0]
    return {**first, "present": sorted(k for e in entries for k in e["present"]),
            "files": [f for e in entries for f in e["files"]],
            "chars": "".join(sorted(set("".join(e["chars"] for e in entries))))}


def write_manifest(site: Site, out, types: dict[str, dict]) -> str:
    """search/manifest.json from write_type's entries (in DOCS order)."""
    table = t2s_table()
    chars = set("".join(types[k]["chars"] for k in DOCS))
    manifest = {"lunr": LUNR_JS_VERSION, "as_of": str(site.as_of), "t2s": "",
                "programmes": {p.id: p.name for p in site.programmes},
                "types": {k: {f: v for f, v in types[k].items() if f not in ("files", "chars")} for k in DOCS}}
    # The browser needs only the traditional characters whose simplified form is in some
    # record: any other one finds nothing converted or not (a third of the manifest's weight).
    manifest["t2s"] = t2s_string({t: s for t, s in table.items() if s in chars})
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
