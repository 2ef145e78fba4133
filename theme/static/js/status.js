/* Recompute statuses when a page is read after the day it was built.
   The build wrote each status for its "as of" date (body[data-as-of]); a cached or mirrored
   page read later must never show an expired title as valid.  Rules mirror
   plugins/sme_registry/lifecycle.py: pending before valid_from, revoked from ended_on,
   expired after valid_until, expiring within 90 days, else active.
   window.SmeStatus lets the search page compute the badges of its results the same way. */
(function () {
  "use strict";
  var asOf = document.body.getAttribute("data-as-of");
  var today = asOf;
  try {
    var now = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    if (/^\d{4}-\d{2}-\d{2}$/.test(now)) today = now;
  } catch (e) { /* keep the build's date */ }

  var LABELS = { pending: "未生效", active: "有效", expiring: "即将到期", expired: "已过期", revoked: "已撤销",
                 candidate: "候选", upcoming: "公示未开始", open: "公示中", closed: "公示已结束" };
  function days(from, to) { return Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / 86400000); }
  function recognition(from, until, ended, day) {
    if (ended && ended <= day) return "revoked";
    if (day < from) return "pending";
    if (!until) return "active";
    if (day > until) return "expired";
    return days(day, until) <= 90 ? "expiring" : "active";
  }
  function publicity(start, end, day) { return day < start ? "upcoming" : (day > end ? "closed" : "open"); }

  function set(el, status, prefix) {
    if (el.getAttribute("data-status") === status) return;
    el.setAttribute("data-status", status);
    el.className = el.className.replace(new RegExp("\\b" + prefix + "-\\w+"), prefix + "-" + status);
    el.textContent = LABELS[status];
    // a list row carries its platform's status for the filters: keep it in step with its badge
    var row = el.closest("tr.platform-row");
    if (row && prefix === "status") row.setAttribute("data-status", status);
  }
  function refresh(root) {
    root.querySelectorAll("[data-valid-from]").forEach(function (el) {
      set(el, recognition(el.getAttribute("data-valid-from"), el.getAttribute("data-valid-until"),
                          el.getAttribute("data-ended-on"), today), "status");
    });
    root.querySelectorAll("[data-publicity-start]").forEach(function (el) {
      set(el, publicity(el.getAttribute("data-publicity-start"), el.getAttribute("data-publicity-end"), today), "publicity");
    });
  }
  window.SmeStatus = { today: today, asOf: asOf, labels: LABELS, recognition: recognition, publicity: publicity };

  if (today === asOf) return;
  refresh(document);
  document.querySelectorAll("[data-days-until]").forEach(function (el) {
    var n = days(today, el.getAttribute("data-days-until"));
    el.textContent = n > 0 ? "剩 " + n + " 天" : (n === 0 ? "今天截止" : "已截止");
  });
  // working days left need the holiday calendar, which the page does not carry: hide the stale count
  document.querySelectorAll(".working-days-left").forEach(function (el) { el.hidden = true; });
  var live = document.querySelector(".as-of-live");
  if (live) {
    live.textContent = "（今天是 " + today + "，页面上的状态和剩余天数已按今天重新计算）";
    live.hidden = false;
  }
})();
