/* Run a query over the site's search/ files: the browser copy of
   plugins/registry_site/search_query.py (read the steps there).  No DOM here, so node runs
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

  Searcher.prototype.searchType = function (kind, query, relaxed) {
    var tokens = this.tokens(query), info = this.manifest.types[kind];
    if (!tokens.length || !info.docs) return Promise.resolve([]);
    var groups = new Map();
    tokens.forEach(function (t) {
      var k = T.shardOf(t, info.shards);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(t);
    });
    var keys = Array.from(groups.keys()).sort(function (a, b) { return a - b; });
    var missing = keys.filter(function (k) { return info.present.indexOf(k) < 0; });
    if (!relaxed && missing.length) return Promise.resolve([]);
    keys = keys.filter(function (k) { return info.present.indexOf(k) >= 0; });
    var presence = relaxed ? lunr.Query.presence.OPTIONAL : lunr.Query.presence.REQUIRED;
    var self = this;
    return Promise.all(keys.map(function (k) { return self.index("search/" + kind + "/s" + k + ".json"); }))
      .then(function (indexes) {
        var found = null, held = new Map();
        for (var i = 0; i < keys.length; i++) {
          var terms = groups.get(keys[i]);
          var matches = indexes[i].query(function (q) {
            terms.forEach(function (t) {
              q.term(t, { presence: presence, usePipeline: false,
                          wildcard: T.isPrefixToken(t) ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE });
            });
          });
          var scores = new Map();
          matches.forEach(function (m) { scores.set(m.ref, m.score); });
          if (relaxed) {
            matches.forEach(function (m) {
              var matched = Object.keys(m.matchData.metadata), n = 0;
              terms.forEach(function (t) {
                var prefix = T.isPrefixToken(t);
                if (matched.some(function (term) { return term === t || (prefix && term.indexOf(t) === 0); })) n++;
              });
              held.set(m.ref, (held.get(m.ref) || 0) + n);
            });
            if (found === null) found = scores;
            else scores.forEach(function (s, ref) { found.set(ref, (found.get(ref) || 0) + s); });
          } else if (found === null) {
            found = scores;
          } else {
            var next = new Map();
            found.forEach(function (s, ref) { if (scores.has(ref)) next.set(ref, s + scores.get(ref)); });
            found = next;
          }
          if (!relaxed && !found.size) return [];
        }
        var hits = [], need = enough(tokens.length);
        (found || new Map()).forEach(function (s, ref) {
          if (!relaxed || held.get(ref) >= need) hits.push({ kind: kind, ref: Number(ref), score: s, held: held.get(ref) || 0 });
        });
        hits.sort(function (a, b) {
          return (relaxed ? b.held - a.held : 0) || (quantised(b.score) - quantised(a.score)) || (a.ref - b.ref);
        });
        return hits;
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
    var chunk = this.manifest.chunk, self = this;
    return Promise.all(hits.map(function (h) {
      return self.file("search/" + h.kind + "/d" + Math.floor(h.ref / chunk) + ".json").then(function (list) {
        return list[h.ref % chunk];
      });
    }));
  };

  return { Searcher: Searcher, TYPES: TYPES };
});
