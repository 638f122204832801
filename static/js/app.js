/* Site-wide behaviour, loaded (defer) by base.html on every page.
   No inline scripts or handlers anywhere: the CSP is script-src 'self'. */
(function () {
  "use strict";

  // <select data-autosubmit> (or a checkbox) submits its form as soon as the
  // choice changes (language switch, year/quarter selector, "include submitted").
  // Pages keep a <noscript> submit button for browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var field = event.target;
    var isChoice =
      field instanceof HTMLSelectElement ||
      (field instanceof HTMLInputElement && field.type === "checkbox");
    if (!isChoice || !field.hasAttribute("data-autosubmit")) {
      return;
    }
    var form = field.form;
    if (!form) {
      return;
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(); // runs validation and submit listeners, like a click
    } else {
      form.submit();
    }
  });

  // A wide table scrolls sideways inside its box; while there is more of it
  // to the right, the box's right edge fades (.more-right), so a reader on a
  // phone knows to swipe.
  var SCROLL_BOXES = ".table-responsive, .table-container";

  function markMore(box) {
    box.classList.toggle("more-right", box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
  }

  function markAllBoxes() {
    document.querySelectorAll(SCROLL_BOXES).forEach(markMore);
  }

  document.addEventListener(
    "scroll",
    function (event) {
      var box = event.target;
      if (box instanceof Element && box.matches(SCROLL_BOXES)) {
        markMore(box);
      }
    },
    true // scroll does not bubble: listen on the way down
  );
  window.addEventListener("resize", markAllBoxes);
  // A table inside a closed <details> has no width until it is opened.
  document.addEventListener("toggle", markAllBoxes, true);
  markAllBoxes();
})();
