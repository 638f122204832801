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
})();
