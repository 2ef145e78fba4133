/* Reading aids on every page: text size (大/中/小), the elderly-friendly high-contrast mode
   (适老化) and print.  The choice is kept in the browser (localStorage) and applied here, in
   <head>, before the page is drawn, so a page never flashes in the wrong size or colours.
   The bar is rendered hidden and shown by this script, so it never appears where it cannot work. */
(function () {
  "use strict";
  var SIZE = "sme-text-size", CONTRAST = "sme-contrast";
  var root = document.documentElement;
  function read(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function keep(key, value) {
    try {
      if (value) window.localStorage.setItem(key, value); else window.localStorage.removeItem(key);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }
  function apply(size, contrast) {
    if (size === "large" || size === "small") root.setAttribute("data-text-size", size);
    else root.removeAttribute("data-text-size");
    if (contrast === "high") root.setAttribute("data-contrast", "high");
    else root.removeAttribute("data-contrast");
  }
  apply(read(SIZE), read(CONTRAST));

  function wire() {
    var bar = document.querySelector(".reading-bar");
    if (!bar) return;
    function sync() {
      var size = root.getAttribute("data-text-size") || "medium";
      bar.querySelectorAll("button[data-text-size]").forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.getAttribute("data-text-size") === size));
      });
      var high = root.getAttribute("data-contrast") === "high";
      bar.querySelector("button[data-contrast]").setAttribute("aria-pressed", String(high));
    }
    bar.addEventListener("click", function (ev) {
      var b = ev.target.closest("button");
      if (!b) return;
      if (b.hasAttribute("data-text-size")) {
        var size = b.getAttribute("data-text-size");
        keep(SIZE, size === "medium" ? null : size);
        apply(size, root.getAttribute("data-contrast"));
      } else if (b.hasAttribute("data-contrast")) {
        var high = root.getAttribute("data-contrast") !== "high";
        keep(CONTRAST, high ? "high" : null);
        apply(root.getAttribute("data-text-size"), high ? "high" : null);
      } else if (b.hasAttribute("data-print")) {
        window.print();
      }
      sync();
    });
    sync();
    bar.hidden = false;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
