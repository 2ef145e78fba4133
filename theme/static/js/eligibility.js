/* The eligibility self-check (/programmes/<id>/check/).  The criteria are in the page
   (form[data-eligibility]: programmes/<id>/criteria.json, written by registry_site/eligibility.py
   from the programme record): nothing is fetched, nothing typed leaves the page.  evaluate and
   figures copy sme_registry/criteria.py; tests/site/test_eligibility.py compares both with node. */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.document.addEventListener("DOMContentLoaded", function () { api.start(root.document); });
})(typeof self !== "undefined" ? self : this, function () {
"use strict";
var PASS = "pass", FAIL = "fail", NR = "not_reported", NA = "not_applicable";

function outcome(result, value, parts) { return { result: result, value: value, parts: parts || [] }; }

/* criteria.evaluate: a missing figure is "not reported", never a pass. */
function evaluate(c, values, functions, category) {
  if (c.when_function && functions.indexOf(c.when_function) < 0) return outcome(NA, null);
  if (c.when_category) {
    if (category === null || category === undefined) return outcome(NR, null);
    if (category !== c.when_category) return outcome(NA, null);
  }
  if ("any_of" in c || "all_of" in c) {
    var list = c.any_of && c.any_of.length ? c.any_of : c.all_of, seen = {};
    var parts = list.map(function (p) { return evaluate(p, values, functions, category); });
    parts.forEach(function (p) { if (p.result !== NA) seen[p.result] = true; });
    var result = !Object.keys(seen).length ? NA
      : ("any_of" in c ? (seen[PASS] ? PASS : (seen[NR] ? NR : FAIL)) : (seen[FAIL] ? FAIL : (seen[NR] ? NR : PASS)));
    return outcome(result, null, parts);
  }
  var v = values[c.metric];
  if (v === undefined || v === null) return outcome(NR, null);
  return outcome((!("min" in c) || v >= c.min) && (!("max" in c) || v <= c.max) ? PASS : FAIL, v);
}

function ymd(iso) { return iso.split("-").map(Number); }

/* Whole years from one YYYY-MM-DD to another, as criteria.figures counts years_registered. */
function wholeYears(from, to) {
  var f = ymd(from), t = ymd(to);
  return t[0] - f[0] - (t[1] < f[1] || (t[1] === f[1] && t[2] < f[2]) ? 1 : 0);
}

/* criteria.figures: the typed figures plus years_registered and functions_count. */
function figures(reported, registeredOn, day, functions) {
  var values = {};
  Object.keys(reported).forEach(function (k) { values[k] = reported[k]; });
  if (registeredOn) values.years_registered = wholeYears(registeredOn, day);
  if (functions && functions.length) values.functions_count = functions.length;
  return values;
}

/* The first day with `years` whole years since `from` (from 29 February: 1 March). */
function anniversary(from, years) {
  var f = ymd(from), y = f[0] + Math.ceil(years), d = new Date(Date.UTC(y, f[1] - 1, f[2]));
  if (d.getUTCMonth() !== f[1] - 1) d = new Date(Date.UTC(y, f[1], 1));
  return d.toISOString().slice(0, 10);
}

/* A typed figure (full-width digits, separators and a trailing % are fine); shares in percent. */
function parseFigure(text, share) {
  var t = String(text || "").normalize("NFKC").replace(/[,，\s]/g, "").replace(/%$/, "");
  if (t === "") return null;
  if (!/^\d+(\.\d+)?$/.test(t)) return NaN;
  return Number(share ? t + "e-2" : t);
}

function num(x) { return String(+x.toPrecision(12)); }
function cnDate(iso) { var p = ymd(iso); return p[0] + "年" + p[1] + "月" + p[2] + "日"; }

/* ---- the page ---- */
var doc, form, data, today;
function byId(id) { return doc.getElementById(id); }
function all(sel, fn) { Array.prototype.forEach.call(form.querySelectorAll(sel), fn); }

function read() {
  var input = { reported: {}, invalid: [], functions: [], category: null, holds: {}, touched: false };
  all("input[data-metric]", function (el) {
    var m = el.id.slice(2), v = parseFigure(el.value, el.hasAttribute("data-share")), bad = v !== null && isNaN(v);
    el.setAttribute("aria-invalid", String(bad));   // the result says 请用数字填写
    if (bad) input.invalid.push(m);
    else if (v !== null) input.reported[m] = v;
    input.touched = input.touched || el.value.trim() !== "";
  });
  all("input[data-function]", function (el) {
    if (el.checked) input.functions.push(el.value);
    var group = byId("fs-" + el.value);
    if (group) group.hidden = !el.checked;
  });
  all("input[data-requires]:checked", function (el) { input.holds[el.getAttribute("data-requires")] = el.value === "yes"; });
  var cat = form.querySelector("input[name=category]:checked"), reg = byId("registered-on"), name = byId("platform-name");
  input.category = cat ? cat.value : null;
  input.registeredOn = reg && reg.value ? reg.value : null;
  input.day = (byId("check-day") && byId("check-day").value) || today;
  input.name = name ? name.value.trim() : "";
  input.touched = input.touched || !!(input.functions.length || cat || input.registeredOn || input.name ||
                                      Object.keys(input.holds).length);
  return input;
}

function shown(m, v) {
  var info = data.metrics[m] || {};
  return info.share ? num(v * 100) + "%" : num(v) + (info.unit || "");
}

/* What is missing, in words. */
function missing(c, o, input, named) {
  if (o.result === PASS || o.result === NA) return "";   // 适用范围 says why a criterion does not apply
  if (o.result === NR && c.when_category && input.category === null) return "请选择平台类别";
  if (o.parts.length) {
    var list = c.any_of || c.all_of, texts = [];
    o.parts.forEach(function (p, i) {
      var t = p.result === FAIL || p.result === NR ? missing(list[i], p, input, true) : "";
      if (t && "any_of" in list[i] && !("any_of" in c)) t = "（" + t + "）";
      if (t && texts.indexOf(t) < 0) texts.push(t);
    });
    return texts.join("any_of" in c ? "；或" : "，");
  }
  var m = c.metric, info = data.metrics[m];
  if (o.result === NR) {
    if (m === "years_registered") return "请填写注册登记日期";
    if (m === "functions_count") return "请勾选服务功能";
    return (input.invalid.indexOf(m) >= 0 ? "请用数字填写“" : "请填写“") + info.label + "”";
  }
  var low = "min" in c && o.value < c.min, gap = low ? c.min - o.value : o.value - c.max;
  if (m === "years_registered" && low) return "满" + num(Math.ceil(c.min)) + "年之日为" + cnDate(anniversary(input.registeredOn, c.min));
  return (named ? info.label : "") + (low ? "还差" : "超出上限") + (info.share ? num(gap * 100) + "个百分点" : num(gap) + info.unit);
}

function badge(el, result) {
  el.textContent = data.results[result];
  el.className = "verdict verdict-" + result;
}

function paint(c, o, path, input) {
  var row = doc.querySelector("#check-results [data-path='" + path + "']");
  if (!row) return;
  row.setAttribute("data-result", o.result);
  var figure = o.value !== null ? shown(c.metric, o.value) : "";
  if (row.cells) {   // a criterion: 条件, 适用范围, 您填写的, 结果, 还差什么, 出处
    badge(row.cells[3].firstElementChild, o.result);
    row.cells[2].textContent = figure || "—";
    row.cells[4].textContent = missing(c, o, input);
  } else {           // a part of its any_of / all_of
    badge(row.firstElementChild, o.result);
    var fig = row.querySelector(":scope > .part-figure");
    if (!fig && c.metric) (fig = row.appendChild(doc.createElement("span"))).className = "part-figure";
    if (fig) fig.textContent = figure ? "（您填写的：" + figure + "）" : "";
  }
  o.parts.forEach(function (p, i) { paint((c.any_of || c.all_of)[i], p, path + "." + i, input); });
}

/* The programme's other conditions: a title held first, words the name must not contain. */
function other(id, result, gap) {
  var li = byId(id);
  badge(li.querySelector(".verdict"), result);
  li.querySelector(".gap").textContent = result === PASS ? "" : gap;
  return result;
}

function update() {
  var input = read(), summary = byId("check-summary"), count = {};
  all(".figures-year", function (el) { el.textContent = "（" + (ymd(input.day)[0] - 1) + "年）"; });   // criteria.metrics_before
  byId("check-empty").hidden = input.touched;
  byId("check-table").hidden = byId("check-other").hidden = !input.touched;
  summary.textContent = "";
  if (!input.touched) return;
  doc.querySelectorAll("#check-results li[data-path]").forEach(function (li) {   // parts not reached now say nothing
    li.removeAttribute("data-result");
    li.firstElementChild.textContent = "";
    if (li.querySelector(".part-figure")) li.querySelector(".part-figure").textContent = "";
  });
  var values = figures(input.reported, input.registeredOn, input.day, input.functions);
  var results = data.criteria.map(function (c, i) {
    var o = evaluate(c, values, input.functions, input.category);
    paint(c, o, String(i), input);
    return o.result;
  });
  data.requires.forEach(function (r) {
    var held = input.holds[r.id];
    results.push(other("req-" + r.id, held === undefined ? NR : (held ? PASS : FAIL),
                       held === undefined ? "请回答是否持有该称号" : "须先取得" + r.name + "称号"));
  });
  if (data.name_must_not_contain.length) {
    var words = data.name_must_not_contain.filter(function (w) { return input.name.indexOf(w) >= 0; });
    results.push(other("req-name", !input.name ? NR : (words.length ? FAIL : PASS),
                       input.name ? "名称中去掉“" + words.join("”“") + "”" : "请填写平台名称"));
  }
  results.forEach(function (r) { count[r] = (count[r] || 0) + 1; });
  var overall = count[FAIL] ? FAIL : (count[NR] ? NR : PASS);
  summary.textContent = (overall === FAIL ? "按您填写的情况，有 " + count[FAIL] + " 项条件不符合。"
    : overall === NR ? "还有 " + count[NR] + " 项没有填写，暂时无法判断是否全部符合。" : "按您填写的情况，符合全部可核对的条件。") +
    "（" + [PASS, FAIL, NR, NA].filter(function (r) { return count[r]; })
      .map(function (r) { return data.results[r] + " " + count[r] + " 项"; }).join("，") + "）";
  summary.className = "check-summary verdict-" + overall;
}

function start(d) {
  doc = d;
  form = doc.querySelector("form[data-eligibility]");
  if (!form) return;
  data = JSON.parse(form.getAttribute("data-eligibility"));
  var win = doc.defaultView, day = byId("check-day");
  today = (win.SmeStatus && win.SmeStatus.today) || doc.body.getAttribute("data-as-of");
  if (day && !day.value) day.value = today;
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (e) {
    e.preventDefault();   // method="dialog" submits nowhere; nothing typed goes into a URL
    update();
    byId("h-results").focus({ preventScroll: true });
    byId("h-results").scrollIntoView({ block: "start" });
  });
  form.addEventListener("reset", function () { win.setTimeout(function () { if (day) day.value = today; update(); }, 0); });
  update();
}

return { evaluate: evaluate, figures: figures, wholeYears: wholeYears, anniversary: anniversary,
         parseFigure: parseFigure, start: start };
});
