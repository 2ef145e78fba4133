"""Run a query over a built site's search/ files, exactly as the browser does
(theme/static/js/search-core.js): the tests and the benchmark use it, and the tests check
that both give the same results.

Steps, for each record type:
1. cut the query (search_tokens.query_tokens); no token, no result;
2. find each token on its own: in the lunr shard it falls in (search_tokens.shard_of), a
   lunr query of that one term, REQUIRED, without the search pipeline (a lone character or
   a run of letters/digits as a prefix, t*); and in the bitmaps of the type's common tokens
   (the token itself, or for a prefix every common token it begins), which add no score;
3. keep the records every token found, adding their scores;
4. order by score (quantised to 1e-6 the same way in both languages, as float sums may
   differ in the last bits), then by record order.

When no type finds every token (禹州钧瓷 for 禹州市钧瓷…: the pair 州钧 is in no name), `find`
searches again keeping the records that hold most of the tokens (`enough`), ordered by how
many they hold, then as above; the page says so.
"""
from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lunr.index import Index
from lunr.query import Query, QueryPresence

from .search_tokens import is_prefix_token, query_tokens, shard_of

TYPES = ("platform", "notice", "publicity", "form")


def enough(tokens: int) -> int:
    """How many of a query's tokens a relaxed result must hold: all but a third."""
    return tokens - tokens // 3


def quantised(score: float) -> int:
    """JavaScript's Math.floor(score * 1e6 + 0.5), bit for bit."""
    return math.floor(score * 1e6 + 0.5)


@dataclass(frozen=True)
class Hit:
    kind: str
    ref: int
    score: float


class SiteSearch:
    """Queries over the search/ folder of a built site, loading each file once."""

    def __init__(self, site_dir: Path | str | None = None, load: Callable[[str], object] | None = None):
        if load is None:
            root = Path(site_dir)
            load = lambda rel: json.loads((root / rel).read_text("utf-8"))  # noqa: E731
        self._load = load
        self._cache: dict[str, object] = {}
        self.loaded: list[str] = []           # files read, in order (the benchmark's transfer)
        self.manifest = self.file("search/manifest.json")
        pairs = self.manifest["t2s"]
        self.table = {pairs[i]: pairs[i + 1] for i in range(0, len(pairs) - 1, 2)}

    def file(self, rel: str):
        if rel not in self._cache:
            self._cache[rel] = self._load(rel)
            self.loaded.append(rel)
        return self._cache[rel]

    def _index(self, rel: str) -> Index:
        key = "index:" + rel
        if key not in self._cache:
            self._cache[key] = Index.load(self.file(rel))
        return self._cache[key]

    def tokens(self, query: str) -> list[str]:
        return query_tokens(query, self.table)

    def _common(self, kind: str, i: int) -> set[int]:
        key = f"common:{kind}:{i}"
        if key not in self._cache:
            bits = base64.b64decode(self.file(f"search/{kind}/c{i}.json")["b"])
            self._cache[key] = {r for r in range(len(bits) * 8) if bits[r >> 3] >> (r & 7) & 1}
        return self._cache[key]

    def token_hits(self, kind: str, token: str) -> dict[str, float]:
        """ref -> score of the records of `kind` that hold `token` (step 2)."""
        info = self.manifest["types"][kind]
        prefix = is_prefix_token(token)
        found: dict[str, float] = {}
        k = shard_of(token, info["shards"])
        if k in info["present"]:
            idx = self._index(f"search/{kind}/s{k}.json")
            q = idx.create_query()
            q.term(token, presence=QueryPresence.REQUIRED, use_pipeline=False,
                   wildcard=Query.WILDCARD_TRAILING if prefix else Query.WILDCARD_NONE)
            found = {m["ref"]: m["score"] for m in idx.query(q)}
        for i, common in enumerate(info["common"]):
            if common == token or (prefix and common.startswith(token)):
                for r in self._common(kind, i):
                    found.setdefault(str(r), 0.0)
        return found

    def search_type(self, kind: str, query: str, relaxed: bool = False) -> list[Hit]:
        tokens = self.tokens(query)
        if not tokens or not self.manifest["types"][kind]["docs"]:
            return []
        score: dict[str, float] = {}
        held: dict[str, int] = {}
        for i, t in enumerate(tokens):
            hits = self.token_hits(kind, t)
            if relaxed:
                for r, s in hits.items():
                    score[r] = score.get(r, 0.0) + s
                    held[r] = held.get(r, 0) + 1
            else:
                score = hits if i == 0 else {r: score[r] + hits[r] for r in score if r in hits}
                if not score:
                    return []
        if relaxed:
            need = enough(len(tokens))
            out = [Hit(kind, int(r), s) for r, s in score.items() if held[r] >= need]
            out.sort(key=lambda h: (-held[str(h.ref)], -quantised(h.score), h.ref))
        else:
            out = [Hit(kind, int(r), s) for r, s in score.items()]
            out.sort(key=lambda h: (-quantised(h.score), h.ref))
        return out

    def search(self, query: str, types=TYPES, relaxed: bool = False) -> dict[str, list[Hit]]:
        return {kind: self.search_type(kind, query, relaxed) for kind in types}

    def find(self, query: str, types=TYPES) -> tuple[dict[str, list[Hit]], bool]:
        """(results, relaxed): every token required, or, if that finds nothing, most of them."""
        found = self.search(query, types)
        if any(found.values()) or len(self.tokens(query)) < 3:
            return found, False
        return self.search(query, types, relaxed=True), True

    def entry(self, hit: Hit) -> dict:
        chunk = self.manifest["types"][hit.kind]["chunk"]
        return self.file(f"search/{hit.kind}/d{hit.ref // chunk}.json")[hit.ref % chunk]
