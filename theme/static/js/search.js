/* The search page (/search/?q=…&type=…&programme=…&status=…).
   Nothing is fetched until someone searches; then lunr.js and search-core.js load, and
   search-core.js fetches the manifest and only the index shards and result chunks the
   query needs.  The query and the filters
   live in the URL, so a result list can be shared and the back button works. */
(function () {
  "use strict";
  var T = window.SearchTokens, St = window.SmeStatus, Core = null;
  var form = document.getElementById("search-form");
  if (!form || !T) return;
  var input = form.elements.q, statusBox = document.getElementById("search-status");
  var resultsBox = document.getElementById("search-results");
  var siteRoot = document.body.getAttribute("data-site-root") || "..";
  var PAGE = 20;                  // results shown per type, and per press of "显示更多"
  var shownGroups = {}, shownTokens = [], shownSearcher = null;
  var titleSuffix = document.title.slice(document.title.indexOf(" - "));
  var searcher = null, runId = 0;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function url(rel) { return siteRoot.replace(/\/$/, "") + "/" + rel; }
  function loadScript(rel) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement("script");
      el.src = url(rel);
      el.onload = resolve;
      el.onerror = function () { reject(new Error(rel)); };
      document.head.appendChild(el);
    });
  }
  function getSearcher() {
    if (!searcher) {
      searcher = loadScript("theme/js/lunr.min.js").then(function () {
        return loadScript("theme/js/search-core.js");
      }).then(function () {
        Core = window.SearchCore;
        return new Core.Searcher(function (rel) {
          return fetch(url(rel)).then(function (r) {
            if (!r.ok) throw new Error(rel + "：" + r.status);
            return r.json();
          });
        });
      });
    }
    return searcher.then(function (s) { return s.init(); });
  }

  /* <mark> every place where a query token occurs, comparing normalised characters
     (so 許昌 marks 许昌); long text is cut to a window around the first mark. */
  function highlight(text, tokens, table, limit) {
    var chars = Array.from(text || ""), norm = "", owner = [];
    chars.forEach(function (c, i) {
      var n = T.normalise(c, table);
      for (var k = 0; k < n.length; k++) owner.push(i);
      norm += n;
    });
    var marked = new Array(chars.length).fill(false), first = -1;
    tokens.forEach(function (t) {
      if (!t) return;
      for (var at = norm.indexOf(t); at >= 0; at = norm.indexOf(t, at + 1)) {
        for (var j = at; j < at + t.length; j++) marked[owner[j]] = true;
        if (first < 0 || owner[at] < first) first = owner[at];
      }
    });
    var start = 0, end = chars.length, html = "";
    if (limit && chars.length > limit) {
      start = first > 30 ? first - 30 : 0;
      end = Math.min(chars.length, start + limit);
    }
    if (start > 0) html += "…";
    for (var i = start; i < end; i++) {
      if (marked[i] && (i === start || !marked[i - 1])) html += "<mark>";
      html += esc(chars[i]);
      if (marked[i] && (i === end - 1 || !marked[i + 1])) html += "</mark>";
    }
    if (end < chars.length) html += "…";
    return html;
  }

  function badgeStatus(entry) {
    var b = entry.b;
    if (!b) return null;
    if (b.st === "candidate") return "candidate";
    if (entry.kind === "publicity") return St ? St.publicity(b.f, b.u, St.today) : b.st;
    return St ? St.recognition(b.f, b.u, b.e, St.today) : b.st;
  }
  function badge(entry, status) {
    if (!status) return "";
    var prefix = entry.kind === "publicity" ? "publicity" : "status";
    var label = St ? St.labels[status] : status;
    return ' <span class="badge ' + prefix + "-" + status + '" data-status="' + status + '">' + esc(label) + "</span>";
  }

  function params() {
    var p = new URLSearchParams(location.search);
    return { q: (p.get("q") || "").trim(), type: p.get("type") || "", programme: p.get("programme") || "", status: p.get("status") || "" };
  }
  function fillForm(p) {
    input.value = p.q;
    ["type", "programme", "status"].forEach(function (k) { if (form.elements[k]) form.elements[k].value = p[k]; });
  }
  function formParams() {
    return { q: input.value.trim(), type: form.elements.type.value, programme: form.elements.programme.value, status: form.elements.status.value };
  }
  function toQueryString(p) {
    var u = new URLSearchParams();
    ["q", "type", "programme", "status"].forEach(function (k) { if (p[k]) u.set(k, p[k]); });
    return "?" + u.toString();
  }

  function say(html) { statusBox.innerHTML = html; }

  function item(e) {
    var table = shownSearcher.table;
    return '<li class="search-result"><a href="' + esc(url(e.u)) + '">' + highlight(e.t, shownTokens, table) + "</a>" +
      badge(e, e.status) + '<p class="meta">' + highlight(e.m, shownTokens, table) + "</p>" +
      (e.x ? '<p class="snippet">' + highlight(e.x, shownTokens, table, 120) + "</p>" : "") + "</li>";
  }

  function render(p, groups, s, relaxed) {
    var tokens = s.tokens(p.q), total = 0, parts = [], html = "";
    shownSearcher = s;
    groups.forEach(function (g) {
      total += g.total;
      if (g.total) parts.push(esc(g.label) + " " + g.total + " 条");
    });
    if (!total) {
      say("没有找到与“" + esc(p.q) + "”相关的结果" + (p.type || p.programme || p.status ? "（已按筛选条件过滤）" : "") + "。");
      resultsBox.innerHTML = '<div class="search-empty"><p>可以试试：</p><ul>' +
        "<li>检查有没有错别字，或换一个说法；</li><li>用更短的词，例如“恒凯”而不是平台全称；</li>" +
        (p.type || p.programme || p.status ? "<li>去掉类型、认定项目或状态的筛选；</li>" : "") +
        '<li>直接浏览<a href="' + esc(url("platforms/")) + '">现有平台</a>、<a href="' + esc(url("notices/")) +
        '">通知公告</a>或<a href="' + esc(url("forms/")) + '">表单下载</a>。</li></ul></div>';
      return;
    }
    say((relaxed ? "没有同时包含“" + esc(p.q) + "”全部文字的结果。下面 " + total + " 条包含其中大部分：" :
         "找到 " + total + " 条与“" + esc(p.q) + "”相关的结果：") + parts.join("，") + "。");
    shownGroups = {}; shownTokens = tokens; shownSearcher = s;
    groups.forEach(function (g) {
      if (!g.total) return;
      shownGroups[g.kind] = g;
      html += '<section class="search-group" aria-labelledby="group-' + g.kind + '"><h2 id="group-' + g.kind + '">' +
        esc(g.label) + '<span class="count">（' + g.total + "）</span></h2><ol class=\"search-results\" data-kind=\"" + g.kind + '">' +
        g.entries.slice(0, PAGE).map(item).join("") + "</ol>";
      if (g.total > PAGE) html += '<button type="button" class="more" data-kind="' + g.kind + '">显示更多' + esc(g.label) + "</button>";
      html += "</section>";
    });
    resultsBox.innerHTML = html;
  }

  function entriesOf(s, kind, hits) {
    return s.entries(hits).then(function (entries) {
      entries.forEach(function (e) { e.kind = kind; e.status = badgeStatus(e); });
      return entries;
    });
  }

  function run(p) {
    var id = ++runId;
    fillForm(p);
    document.title = (p.q ? "“" + p.q + "”的搜索结果" : "搜索") + titleSuffix;
    if (!p.q) {
      say("输入地名、平台或运营单位名称、服务内容、发文字号或表单名称，然后按“搜索”。");
      resultsBox.innerHTML = "";
      return;
    }
    say("正在搜索…");
    getSearcher().then(function (s) {
      if (!s.tokens(p.q).length) {
        if (id === runId) { say("“" + esc(p.q) + "”里没有可以搜索的文字或数字。"); resultsBox.innerHTML = ""; }
        return null;
      }
      var types = p.type ? [p.type] : ["platform", "notice", "publicity", "form"];
      return s.find(p.q, types).then(function (result) {
        var found = result.found;
        var filtering = p.programme || p.status;
        return Promise.all(types.map(function (kind) {
          // filters need every result's entry; otherwise only the shown ones are fetched
          var hits = filtering ? found[kind] : found[kind].slice(0, PAGE);
          return entriesOf(s, kind, hits).then(function (entries) {
            entries = entries.filter(function (e) {
              return (!p.programme || e.p.indexOf(p.programme) >= 0) && (!p.status || e.status === p.status);
            });
            return { kind: kind, label: s.manifest.types[kind].label, entries: entries,
                     rest: filtering ? [] : found[kind].slice(PAGE),
                     total: filtering ? entries.length : found[kind].length };
          });
        })).then(function (groups) { if (id === runId) render(p, groups, s, result.relaxed); });
      });
    }).catch(function (err) {
      if (id !== runId) return;
      say("搜索索引加载失败，请稍后重试。（" + esc(err.message) + "）");
      resultsBox.innerHTML = "";
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var p = formParams();
    history.pushState(null, "", toQueryString(p));
    run(p);
  });
  ["type", "programme", "status"].forEach(function (k) {
    form.elements[k].addEventListener("change", function () {
      if (!input.value.trim()) return;
      var p = formParams();
      history.replaceState(null, "", toQueryString(p));
      run(p);
    });
  });
  resultsBox.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button.more");
    if (!btn) return;
    var kind = btn.getAttribute("data-kind"), g = shownGroups[kind], id = runId;
    var list = resultsBox.querySelector('ol[data-kind="' + kind + '"]'), shown = list.children.length;
    btn.disabled = true;
    var more = g.entries.length >= shown + PAGE || !g.rest.length ? Promise.resolve([])
      : entriesOf(shownSearcher, kind, g.rest.splice(0, PAGE));
    more.then(function (entries) {
      if (id !== runId) return;
      g.entries = g.entries.concat(entries);
      list.insertAdjacentHTML("beforeend", g.entries.slice(shown, shown + PAGE).map(item).join(""));
      btn.disabled = false;
      if (list.children.length >= g.total) btn.remove();
      var first = list.children[shown];
      if (first) first.querySelector("a").focus();
    });
  });
  window.addEventListener("popstate", function () { run(params()); });
  run(params());
})();
