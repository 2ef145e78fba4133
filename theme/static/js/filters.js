/* Filters for the platform and notice lists, with no server: the selection is kept in the
   URL (?programme=…&status=…) so a filtered list can be shared.  A single-page list is
   filtered in place; a paginated platform list loads data/platforms.json (the open data)
   and shows every matching platform. */
(function () {
  "use strict";
  function params() { return new URLSearchParams(window.location.search); }
  function keep(form) {
    var q = new URLSearchParams();
    form.querySelectorAll("select").forEach(function (s) { if (s.value) q.set(s.name, s.value); });
    var url = window.location.pathname + (q.toString() ? "?" + q.toString() : "");
    window.history.replaceState(null, "", url);
  }
  function restore(form) {
    var q = params();
    form.querySelectorAll("select").forEach(function (s) {
      var v = q.get(s.name);
      if (v && s.querySelector('option[value="' + CSS.escape(v) + '"]')) s.value = v;
    });
  }
  function has(list, value) { return (" " + (list || "") + " ").indexOf(" " + value + " ") >= 0; }
  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }
  var root = document.body.getAttribute("data-site-root") || ".";
  function say(form, text) { var out = form.querySelector(".filter-result"); if (out) out.textContent = text; }

  function wire(form, apply) {
    form.hidden = false;
    restore(form);
    form.addEventListener("change", function () { keep(form); apply(); });
    form.addEventListener("reset", function () { setTimeout(function () { keep(form); apply(); }, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  }
  function values(form) {
    var v = {};
    form.querySelectorAll("select").forEach(function (s) { v[s.name] = s.value; });
    return v;
  }

  // -- platforms ------------------------------------------------------------------------
  var pform = document.getElementById("platform-filters");
  if (pform) {
    var levels = JSON.parse(pform.getAttribute("data-programme-levels") || "{}");
    var paginated = !!document.querySelector(".pager");
    var list = document.getElementById("platform-list");
    var original = list.innerHTML, data = null;
    function matchRow(tr, v) {
      return (!v.programme || has(tr.getAttribute("data-programmes"), v.programme)) &&
             (!v.level || has(tr.getAttribute("data-levels"), v.level)) &&
             (!v.region || tr.getAttribute("data-province") === v.region) &&
             (!v.function || has(tr.getAttribute("data-functions"), v["function"])) &&
             (!v.status || tr.getAttribute("data-status") === v.status);
    }
    function matchRecord(p, v) {
      var current = p.recognitions.filter(function (r) { return r.status === "active" || r.status === "expiring"; });
      if (!current.length) return false;
      return (!v.programme || current.some(function (r) { return r.programme === v.programme; })) &&
             (!v.level || current.some(function (r) { return levels[r.programme] === v.level; })) &&
             (!v.region || p.region.slice(0, 2) + "0000" === v.region) &&
             (!v["function"] || p.functions.indexOf(v["function"]) >= 0) &&
             (!v.status || p.status === v.status);
    }
    function renderRecords(rows) {
      var pager = document.querySelector(".pager");
      if (pager) pager.hidden = true;
      var html = '<div class="table-scroll"><table class="platforms"><caption>筛选结果</caption><thead><tr><th scope="col">平台名称</th><th scope="col">运营单位</th><th scope="col">所在地</th><th scope="col">有效期</th><th scope="col">状态</th></tr></thead><tbody>';
      rows.forEach(function (p) {
        var r = p.recognitions.filter(function (x) { return x.status === "active" || x.status === "expiring"; })[0];
        html += '<tr class="platform-row" data-id="' + esc(p.id) + '"><th scope="row"><a href="' + root + "/platforms/" + encodeURIComponent(p.id) + '/">' + esc(p.name) + "</a></th><td>" +
          esc(p.operator.name) + "</td><td>" + esc(p.region_name) + "</td><td>" + esc(r.valid_from) + " 至 " + esc(r.valid_until || "长期") +
          '</td><td><span class="badge status-' + esc(r.status) + '" data-status="' + esc(r.status) + '">' + (r.status === "expiring" ? "即将到期" : "有效") + "</span></td></tr>";
      });
      list.innerHTML = html + "</tbody></table></div>";
    }
    function apply() {
      var v = values(pform), any = Object.keys(v).some(function (k) { return v[k]; });
      if (!paginated) {
        var shown = 0;
        list.querySelectorAll("tr.platform-row").forEach(function (tr) { var ok = matchRow(tr, v); tr.hidden = !ok; shown += ok; });
        say(pform, any ? "筛选出 " + shown + " 个平台。" : "");
        return;
      }
      if (!any) { list.innerHTML = original; var pg = document.querySelector(".pager"); if (pg) pg.hidden = false; say(pform, ""); return; }
      say(pform, "正在加载……");
      var go = function () { var rows = data.filter(function (p) { return matchRecord(p, v); }); renderRecords(rows); say(pform, "筛选出 " + rows.length + " 个平台。"); };
      if (data) return go();
      fetch(pform.getAttribute("data-rows-source")).then(function (r) { return r.json(); })
        .then(function (d) { data = d; go(); })
        .catch(function () { say(pform, "无法加载筛选数据，请稍后再试。"); });
    }
    wire(pform, apply);
  }

  // -- notices --------------------------------------------------------------------------
  var nform = document.getElementById("notice-filters");
  if (nform && document.querySelector(".pager")) {
    // paginated: filter all notices from the open data, newest first, grouped by year
    var nlist = document.getElementById("notice-list"), nOriginal = nlist.innerHTML, notices = null;
    var kindLabel = {};
    nform.querySelectorAll('select[name="kind"] option').forEach(function (o) { kindLabel[o.value] = o.textContent.replace(/（\d+）$/, ""); });
    var render = function (rows) {
      var html = "", year = null;
      rows.forEach(function (n) {
        var y = n.issued_on.slice(0, 4);
        if (y !== year) { html += (year ? "</ul></section>" : "") + '<section class="year-group"><h2>' + y + ' 年</h2><ul class="notices">'; year = y; }
        html += '<li class="notice-item"><a href="' + root + "/notices/" + encodeURIComponent(n.id) + '/">' + esc(n.title) + '</a> <span class="meta"><span class="tag">' +
          esc(kindLabel[n.kind] || n.kind) + "</span> " + esc(n.issuer) + (n.doc_number ? " · " + esc(n.doc_number) : "") + " · " + esc(n.issued_on) + "</span></li>";
      });
      nlist.innerHTML = html + (year ? "</ul></section>" : "");
    };
    wire(nform, function () {
      var v = values(nform), any = Object.keys(v).some(function (k) { return v[k]; });
      var pager = document.querySelector(".pager");
      if (!any) { nlist.innerHTML = nOriginal; pager.hidden = false; say(nform, ""); return; }
      var go = function () {
        var rows = notices.filter(function (n) {
          return (!v.kind || n.kind === v.kind) && (!v.issuer || n.issuer === v.issuer) &&
                 (!v.programme || n.programmes.indexOf(v.programme) >= 0);
        });
        render(rows); pager.hidden = true; say(nform, "筛选出 " + rows.length + " 份通知。");
      };
      if (notices) return go();
      say(nform, "正在加载……");
      fetch(nform.getAttribute("data-rows-source")).then(function (r) { return r.json(); })
        .then(function (d) { notices = d; go(); })
        .catch(function () { say(nform, "无法加载筛选数据，请稍后再试。"); });
    });
  } else if (nform) {
    wire(nform, function () {
      var v = values(nform), shown = 0, any = Object.keys(v).some(function (k) { return v[k]; });
      document.querySelectorAll("li.notice-item").forEach(function (li) {
        var ok = (!v.kind || li.getAttribute("data-kind") === v.kind) &&
                 (!v.issuer || li.getAttribute("data-issuer") === v.issuer) &&
                 (!v.programme || has(li.getAttribute("data-programmes"), v.programme));
        li.hidden = !ok; shown += ok;
      });
      document.querySelectorAll(".year-group").forEach(function (g) { g.hidden = !g.querySelector("li.notice-item:not([hidden])"); });
      say(nform, any ? "筛选出 " + shown + " 份通知。" : "");
    });
  }
})();
