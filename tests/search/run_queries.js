// node tests/search/run_queries.js SITE_DIR QUERIES_JSON
// Runs each query through theme/static/js/search-core.js (the browser's code, with lunr.js
// from node_modules) over a built site's search/ files and prints
// {query: {type: [url, ...]}} as JSON, for the comparison with Python (test_parity.py).
"use strict";
const fs = require("fs");
const path = require("path");
const { Searcher } = require(path.join(__dirname, "../../theme/static/js/search-core.js"));

const site = process.argv[2];
const queries = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const searcher = new Searcher((rel) => JSON.parse(fs.readFileSync(path.join(site, rel), "utf8")));

(async () => {
  await searcher.init();
  const out = {};
  for (const q of queries) {
    const { found, relaxed } = await searcher.find(q);
    out[q] = { relaxed };
    for (const [kind, hits] of Object.entries(found)) {
      out[q][kind] = (await searcher.entries(hits)).map((e) => e.u);
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
