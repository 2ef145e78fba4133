// node bench/search_latency.js SITE_DIR QUERIES_JSON SHOWN
// Times the browser's search code (theme/static/js/search-core.js + lunr.js) per query:
// cold = a new Searcher (read + JSON.parse + lunr.Index.load of every file the query needs,
// the query, the first SHOWN entries per type); warm = the same query again on that Searcher.
"use strict";
const fs = require("fs");
const path = require("path");
const { Searcher } = require(path.join(__dirname, "../theme/static/js/search-core.js"));

const [site, qfile, shownArg] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(qfile, "utf8"));
const shown = Number(shownArg);
const load = (rel) => JSON.parse(fs.readFileSync(path.join(site, rel), "utf8"));

async function once(s, q) {
  const t = process.hrtime.bigint();
  await s.init();
  const { found } = await s.find(q);
  for (const hits of Object.values(found)) await s.entries(hits.slice(0, shown));
  return Number(process.hrtime.bigint() - t) / 1e6;
}

(async () => {
  const cold = [], warm = [];
  for (const q of queries) {
    const s = new Searcher(load);
    cold.push(await once(s, q));
    warm.push(await once(s, q));
  }
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
  process.stdout.write(JSON.stringify({ cold_median: median(cold), cold_max: Math.max(...cold),
                                        warm_median: median(warm), warm_max: Math.max(...warm) }));
})().catch((e) => { console.error(e); process.exit(1); });
