// node tests/search/check_tokens.js VECTORS T2S_PAIRS_FILE
// Checks theme/static/js/search-tokens.js against the shared vectors; prints one line per
// failure and exits 1 if any (run by tests/search/test_tokens.py).
"use strict";
const fs = require("fs");
const path = require("path");
const T = require(path.join(__dirname, "../../theme/static/js/search-tokens.js"));

const vectors = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const table = T.t2sTable(fs.readFileSync(process.argv[3], "utf8"));
let failures = 0;
function check(what, got, want) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    failures++;
    console.log(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}
for (const c of vectors.cases) {
  check(`index ${JSON.stringify(c.text)}`, T.indexTokens(c.text, table), c.index);
  const q = T.queryTokens(c.text, table);
  check(`query ${JSON.stringify(c.text)}`, q, c.query);
  check(`prefix ${JSON.stringify(c.text)}`, q.map(T.isPrefixToken), c.prefix);
}
for (const s of vectors.shards) check(`shard ${s.token}/${s.shards}`, T.shardOf(s.token, s.shards), s.shard);
console.log(`${vectors.cases.length} cases, ${vectors.shards.length} shard cases, ${failures} failures`);
process.exit(failures ? 1 : 0);
