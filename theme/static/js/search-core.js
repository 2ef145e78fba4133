/* Run a query over the site's search/ files: the browser copy of
   plugins/registry_site/search_query.py (read the steps there; the two must agree, and the
   tests compare them).  No DOM here, so node runs
   it too (the benchmark).  `load(path)` returns a promise of the parsed JSON file. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory(require("lunr"), require("./search-tokens.js"));
  else root.SearchCore = factory(root.lunr, root.SearchTokens);
})(typeof self !== "undefined" ? self : this, function (lunr, T) {
  "use strict";
  var TYPES = ["platform", "notice", "publicity", "form"];

  function Searcher(load) {
    this.load = load;
    this.files = new Map();
    this.indexes = new Map();
    this.loaded = [];               // files fetched, in order
    this.manifest = null;
    this.table = null;
  }

  Searcher.prototype.file = function (rel) {
    if (!this.files.has(rel)) {
      this.loaded.push(rel);
      this.files.set(rel, Promise.resolve(this.load(rel)));
    }
    return this.files.get(rel);
  };

  Searcher.prototype.init = function () {
    var self = this;
    if (!this.ready) {
      this.ready = this.file("search/manifest.json").then(function (m) {
        self.manifest = m;
        self.table = T.t2sTable(m.t2s);
        return self;
      });
    }
    return this.ready;
  };

  Searcher.prototype.index = function (rel) {
    var self = this;
    if (!this.indexes.has(rel)) {
      this.indexes.set(rel, this.file(rel).then(function (data) { return lunr.Index.load(data); }));
    }
    return this.indexes.get(rel);
  };

  Searcher.prototype.tokens = function (query) {
    return T.queryTokens(query, this.table);
  };

  function quantised(score) { return Math.floor(score * 1e6 + 0.5); }

  /* How many of a query's tokens a relaxed result must hold: all but a third. */
  function enough(n) { return n - Math.floor(n / 3); }

  Searcher.prototype.common = function (kind, i) {
    var key = "common:" + kind + ":" + i, self = this;
    if (!this.indexes.has(key)) {
      this.indexes.set(key, this.file("search/" + kind + "/c" + i + ".json").then(function (data) {
        var bits = atob(data.b), refs = [];
        for (var r = 0; r < bits.length * 8; r++) if ((bits.charCodeAt(r >> 3) >> (r & 7)) & 1) refs.push(r);
        return refs;
      }));
    }
    return this.indexes.get(key);
  };

  /* ref -> score of the records of `kind` that hold `token` (step 2 of search_query.py). */
  Searcher.prototype.tokenHits = function (kind, token) {
    var info = this.manifest.types[kind], prefix = T.isPrefixToken(token), self = this;
    var k = T.shardOf(token, info.shards);
    var lookups = [info.present.indexOf(k) >= 0 ? this.index("search/" + kind + "/s" + k + ".json") : Promise.resolve(null)];
    info.common.forEach(function (c, i) {
      if (c === token || (prefix && c.indexOf(token) === 0)) lookups.push(self.common(kind, i));
    });
    return Promise.all(lookups).then(function (parts) {
      var found = new Map();
      if (parts[0]) {
        parts[0].query(function (q) {
          q.term(token, { presence: lunr.Query.presence.REQUIRED, usePipeline: false,
                          wildcard: prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE });
        }).forEach(function (m) { found.set(m.ref, m.score); });
      }
      for (var j = 1; j < parts.length; j++) {
        parts[j].forEach(function (r) { var ref = String(r); if (!found.has(ref)) found.set(ref, 0); });
      }
      return found;
    });
  };

  Searcher.prototype.searchType = function (kind, query, relaxed) {
    var tokens = this.tokens(query), info = this.manifest.types[kind], self = this;
    if (!tokens.length || !info.docs) return Promise.resolve([]);
    return Promise.all(tokens.map(function (t) { return self.tokenHits(kind, t); })).then(function (lists) {
      var score = new Map(), held = new Map();
      for (var i = 0; i < lists.length; i++) {
        var hits = lists[i];
        if (relaxed) {
          hits.forEach(function (s, ref) {
            score.set(ref, (score.has(ref) ? score.get(ref) : 0) + s);
            held.set(ref, (held.get(ref) || 0) + 1);
          });
        } else if (i === 0) {
          score = hits;
        } else {
          var next = new Map();
          score.forEach(function (s, ref) { if (hits.has(ref)) next.set(ref, s + hits.get(ref)); });
          score = next;
        }
        if (!relaxed && !score.size) return [];
      }
      var out = [], need = enough(tokens.length);
      score.forEach(function (s, ref) {
        if (!relaxed || held.get(ref) >= need) out.push({ kind: kind, ref: Number(ref), score: s, held: held.get(ref) || 0 });
      });
      out.sort(function (a, b) {
        return (relaxed ? b.held - a.held : 0) || (quantised(b.score) - quantised(a.score)) || (a.ref - b.ref);
      });
      return out;
    });
  };

  Searcher.prototype.search = function (query, types, relaxed) {
    var self = this;
    types = types || TYPES;
    return Promise.all(types.map(function (k) { return self.searchType(k, query, relaxed); })).then(function (lists) {
      var out = {};
      types.forEach(function (k, i) { out[k] = lists[i]; });
      return out;
    });
  };

  /* {found, relaxed}: every token required, or, if that finds nothing, most of them. */
  Searcher.prototype.find = function (query, types) {
    var self = this;
    return this.search(query, types).then(function (found) {
      var any = Object.keys(found).some(function (k) { return found[k].length; });
      if (any || self.tokens(query).length < 3) return { found: found, relaxed: false };
      return self.search(query, types, true).then(function (loose) { return { found: loose, relaxed: true }; });
    });
  };

  Searcher.prototype.entries = function (hits) {
    var self = this;
    return Promise.all(hits.map(function (h) {
      var chunk = self.manifest.types[h.kind].chunk;
      return self.file("search/" + h.kind + "/d" + Math.floor(h.ref / chunk) + ".json").then(function (list) {
        return list[h.ref % chunk];
      });
    }));
  };

  return { Searcher: Searcher, TYPES: TYPES };
});
