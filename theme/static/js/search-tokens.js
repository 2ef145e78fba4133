/* The search tokeniser, the JavaScript copy of plugins/registry_site/search_tokens.py
   (read the rules there).  Both copies must cut a string into the same tokens:
   tests/search/token_vectors.json is checked against each by pytest and by node.
   Strings are walked by code point (Array.from), as Python walks them. */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.SearchTokens = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var HAN_RANGES = [[0x3007, 0x3007], [0x3400, 0x4DBF], [0x4E00, 0x9FFF], [0xF900, 0xFAFF], [0x20000, 0x323AF]];
  var WORD = /^[\p{L}\p{N}]$/u;

  function isHan(ch) {
    var cp = ch.codePointAt(0);
    for (var i = 0; i < HAN_RANGES.length; i++) {
      if (cp >= HAN_RANGES[i][0] && cp <= HAN_RANGES[i][1]) return true;
    }
    return false;
  }

  /* The traditional → simplified table arrives as one string of pairs (許许書书…). */
  function t2sTable(pairs) {
    var table = new Map(), chars = Array.from(pairs || "");
    for (var i = 0; i + 1 < chars.length; i += 2) table.set(chars[i], chars[i + 1]);
    return table;
  }

  function normalise(text, table) {
    var chars = Array.from(text.normalize("NFKC").toLowerCase());
    if (table) for (var i = 0; i < chars.length; i++) { var s = table.get(chars[i]); if (s) chars[i] = s; }
    return chars;
  }

  function runs(text, table) {
    var chars = normalise(text, table), out = [], kind = null, start = 0;
    for (var i = 0; i <= chars.length; i++) {
      var k = i === chars.length ? null : (isHan(chars[i]) ? "han" : (WORD.test(chars[i]) ? "word" : null));
      if (k !== kind || i === chars.length) {
        if (kind) out.push([kind, chars.slice(start, i)]);
        kind = k; start = i;
      }
    }
    return out;
  }

  function cut(text, table, lastChar) {
    var out = [];
    if (!text) return out;
    runs(text, table).forEach(function (r) {
      var chars = r[1];
      if (r[0] === "han" && chars.length > 1) {
        for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
        if (lastChar) out.push(chars[chars.length - 1]);
      } else {
        out.push(chars.join(""));
      }
    });
    return out;
  }

  function queryTokens(text, table) {
    var seen = new Set(), out = [];
    cut(text, table, false).forEach(function (t) { if (!seen.has(t)) { seen.add(t); out.push(t); } });
    return out;
  }

  function isPrefixToken(token) {
    var chars = Array.from(token);
    return !(chars.length === 2 && isHan(chars[0]) && isHan(chars[1]));
  }

  function shardOf(token, shards) {
    return token.codePointAt(0) % shards;
  }

  return {
    t2sTable: t2sTable,
    normalise: function (text, table) { return normalise(text, table).join(""); },
    indexTokens: function (text, table) { return cut(text, table, true); },
    queryTokens: queryTokens,
    isPrefixToken: isPrefixToken,
    shardOf: shardOf,
    isHan: isHan
  };
});
