"""Run a query over a built site's search/ files, exactly as the browser does
(theme/static/js/search-core.js): the tests and the benchmark use it, and the browser
tests check that both give the same results.

Steps, for each record type:
1. cut the query (search_tokens.query_tokens); no token, no result;
2. group the tokens by shard; a token whose shard is absent matches nothing;
3. in each shard, a lunr query with every token REQUIRED (a lone character or a run of
   letters/digits as a prefix, t*), without the search pipeline;
4. keep the records found in every shard, adding their scores;
5. order by score (quantised to 1e-6 the same way in both languages, as float sums may
   differ in the last bits), then by record order.

When no type finds every token (禹州钧瓷 for 禹州市钧瓷…: the pair 州钧 is in no name), `find`
searches again with every token optional and keeps the records that hold most of them
(`enough`), ordered by how many they hold, then as above; the page says so.
"""
from __future__ import annotations

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

    def search_type(self, kind: str, query: str, relaxed: bool = False) -> list[Hit]:
        tokens = self.tokens(query)
        info = self.manifest["types"][kind]
        if not tokens or not info["docs"]:
            return []
        groups: dict[int, list[str]] = {}
        for t in tokens:
            groups.setdefault(shard_of(t, info["shards"]), []).append(t)
        present = set(info["present"])
        if not relaxed and any(k not in present for k in groups):
            return []
        presence = QueryPresence.OPTIONAL if relaxed else QueryPresence.REQUIRED
        found: dict[str, float] | None = None
        held: dict[str, int] = {}           # ref -> query tokens it holds (relaxed)
        for k in sorted(groups):
            if k not in present:
                continue
            idx = self._index(f"search/{kind}/s{k}.json")
            q = idx.create_query()
            for t in groups[k]:
                q.term(t, presence=presence, use_pipeline=False,
                       wildcard=Query.WILDCARD_TRAILING if is_prefix_token(t) else Query.WILDCARD_NONE)
            matches = idx.query(q)
            scores = {m["ref"]: m["score"] for m in matches}
            if relaxed:
                for m in matches:
                    terms = m["match_data"].metadata.keys()
                    held[m["ref"]] = held.get(m["ref"], 0) + sum(
                        1 for t in groups[k] if any(term == t or (is_prefix_token(t) and term.startswith(t)) for term in terms))
                found = scores if found is None else {r: found.get(r, 0) + scores.get(r, 0) for r in found.keys() | scores.keys()}
            else:
                found = scores if found is None else {r: found[r] + scores[r] for r in found if r in scores}
                if not found:
                    return []
        found = found or {}
        if relaxed:
            need = enough(len(tokens))
            hits = [Hit(kind, int(r), s) for r, s in found.items() if held.get(r, 0) >= need]
            hits.sort(key=lambda h: (-held[str(h.ref)], -quantised(h.score), h.ref))
        else:
            hits = [Hit(kind, int(r), s) for r, s in found.items()]
            hits.sort(key=lambda h: (-quantised(h.score), h.ref))
        return hits

    def search(self, query: str, types=TYPES, relaxed: bool = False) -> dict[str, list[Hit]]:
        return {kind: self.search_type(kind, query, relaxed) for kind in types}

    def find(self, query: str, types=TYPES) -> tuple[dict[str, list[Hit]], bool]:
        """(results, relaxed): every token required, or, if that finds nothing, most of them."""
        found = self.search(query, types)
        if any(found.values()) or len(self.tokens(query)) < 3:
            return found, False
        return self.search(query, types, relaxed=True), True

    def entry(self, hit: Hit) -> dict:
        chunk = self.manifest["chunk"]
        return self.file(f"search/{hit.kind}/d{hit.ref // chunk}.json")[hit.ref % chunk]
