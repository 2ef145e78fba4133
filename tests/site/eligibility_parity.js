/* Runs theme/static/js/eligibility.js on the cases pytest writes to stdin (JSON) and prints what it
   computed (JSON), for tests/site/test_eligibility.py to compare with sme_registry/criteria.py.
   usage: node eligibility_parity.js [path/to/eligibility.js] < cases.json */
"use strict";
const path = require("path");
const E = require(path.resolve(process.argv[2] || path.join(__dirname, "../../theme/static/js/eligibility.js")));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const out = {
    evaluate: cases.evaluate.map((c) => E.evaluate(c.criterion, c.values, c.functions, c.category)),
    figures: cases.figures.map((c) => E.figures(c.reported, c.registered_on, c.day, c.functions)),
    anniversary: cases.anniversary.map((c) => E.anniversary(c.from, c.years)),
    parse: cases.parse.map((c) => { const v = E.parseFigure(c.text, c.share); return Number.isNaN(v) ? "NaN" : v; }),
  };
  process.stdout.write(JSON.stringify(out));
});
