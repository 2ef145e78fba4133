"""lunr.py's index building, done for all the shards of a record type in one pass.

A type's index is cut into shards by the first character of each token (search_index.py),
and each shard is a lunr index of its own.  Building each shard with lunr.Builder means
adding every record to some twenty builders, each of which wraps every token in a Token with
a deep-copied metadata dict, runs an (empty) pipeline, keeps each field vector sorted by
inserting one element at a time, and builds an Index only to serialise it.

ShardedBuilder reads each record once and fills every shard's inverted index, field
lengths and term frequencies the way lunr.Builder.add would, then scores the field vectors
with lunr's own idf and BM25 formula, operation for operation, so the floats are the same.
Each shard's output is identical, value for value, to `lunr.Builder.build().serialize()`
over that shard's tokens (minus the empty field vectors, which no query reads):
tests/search/test_index.py checks it on every shard of the demo registry.
"""
from __future__ import annotations

import lunr
from lunr.idf import idf

K1 = 1.2      # lunr.Builder's defaults
B = 0.75


class _Shard:
    __slots__ = ("inverted", "next_index", "frequencies", "lengths", "total", "documents")

    def __init__(self, fields):
        self.inverted: dict[str, dict] = {}
        self.next_index = 0
        self.frequencies: dict[str, dict[str, int]] = {}   # field ref -> term -> tf, in lunr's order
        self.lengths: dict[str, int] = {}
        self.total = dict.fromkeys(fields, 0)
        self.documents = 0


class ShardedBuilder:
    def __init__(self, fields: list[tuple[str, float]], shards: int, part: tuple[int, int] = (0, 1)):
        """`part` (i, n): build only the shards k with k % n == i (the shards are independent, so
        n processes can build a large index together)."""
        self.fields = [name for name, _ in fields]
        self.boost = dict(fields)
        self.count = shards
        self.part, self.parts = part
        self.shards: dict[int, _Shard] = {}

    def add(self, ref: str, doc: dict[str, list[str]]) -> None:
        """One record: field name -> its tokens (already cut; a missing field is empty)."""
        touched = set()
        for name in self.fields:
            tokens = doc.get(name)
            if not tokens:
                continue
            frequencies: dict[str, int] = {}      # first-seen order, as lunr's loop counts them
            for t in tokens:
                frequencies[t] = frequencies.get(t, 0) + 1
            field_ref = name + "/" + ref
            for term, tf in frequencies.items():
                k = ord(term[0]) % self.count        # search_tokens.shard_of
                if k % self.parts != self.part:
                    continue
                shard = self.shards.get(k)
                if shard is None:
                    shard = self.shards[k] = _Shard(self.fields)
                posting = shard.inverted.get(term)
                if posting is None:
                    posting = {f: {} for f in self.fields}
                    posting["_index"] = shard.next_index
                    shard.next_index += 1
                    shard.inverted[term] = posting
                posting[name][ref] = {}
                vector = shard.frequencies.get(field_ref)
                if vector is None:
                    vector = shard.frequencies[field_ref] = {}
                vector[term] = tf
                shard.lengths[field_ref] = shard.lengths.get(field_ref, 0) + tf
                shard.total[name] += tf
                touched.add(k)
        for k in touched:
            self.shards[k].documents += 1

    def serialise(self) -> dict[int, dict]:
        """{shard: what lunr.Builder.build().serialize() gives for that shard's tokens}."""
        return dict(self.drain())

    def drain(self, keep: dict | None = None):
        """(shard, serialised) one shard at a time, forgetting each shard once it is serialised:
        a writer that dumps each one as it comes holds one shard at a time, not the whole index.
        With `keep`, keep[shard] = its frequencies: the shard's whole input (search_index._patch)."""
        for k in sorted(self.shards):
            shard = self.shards.pop(k)
            if keep is not None:
                keep[k] = shard.frequencies
            yield k, self._serialise(shard)

    def _serialise(self, shard: _Shard) -> dict:
        n = shard.documents
        # lunr averages over every document of the index, empty fields (length 0) included
        average = {name: shard.total[name] / n for name in self.fields}
        idfs: dict[str, float] = {}
        parts: dict[tuple, tuple[float, float]] = {}   # (field, length, tf) -> lunr's numerator, denominator
        vectors = []
        for field_ref, frequencies in shard.frequencies.items():
            name = field_ref[: field_ref.index("/")]
            length = shard.lengths[field_ref]
            boost = self.boost[name]
            pairs = []
            for term, tf in frequencies.items():
                posting = shard.inverted[term]
                w = idfs.get(term)
                if w is None:
                    w = idfs[term] = idf(posting, n)
                nd = parts.get((name, length, tf))
                if nd is None:
                    nd = parts[(name, length, tf)] = ((K1 + 1) * tf, K1 * (1 - B + B * (length / average[name])) + tf)
                # lunr.Builder._create_field_vectors: w * ((k1 + 1) * tf) / (k1 * (…) + tf), then
                # the field boost and the document boost (none here), in lunr's order (same floats)
                score = w * nd[0] / nd[1]
                score *= boost
                pairs.append((posting["_index"], round(score, 3)))
            pairs.sort()
            vectors.append([field_ref, [x for pair in pairs for x in pair]])
        return {
            "version": lunr.__TARGET_JS_VERSION__,
            "fields": list(self.fields),
            "fieldVectors": vectors,
            "invertedIndex": [[t, shard.inverted[t]] for t in sorted(shard.inverted)],
            "pipeline": [],         # the search pipeline is empty (see search_index.py)
        }
