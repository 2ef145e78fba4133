/* Form pages: the "打印本表" button prints the page (the print styles leave only the form).
   The button is rendered hidden and shown here, so it never appears where it cannot work. */
(function () {
  "use strict";
  document.querySelectorAll('button[data-action="print"]').forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
    button.hidden = false;
  });
})();
