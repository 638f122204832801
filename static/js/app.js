/* Site-wide behaviour, loaded (defer) by base.html on every page.
   No inline scripts or handlers anywhere: the CSP is script-src 'self'. */
(function () {
  "use strict";

  // <select data-autosubmit> submits its form as soon as the choice changes
  // (language switch, year/quarter selector). Pages keep a <noscript> submit
  // button for browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-autosubmit")) {
      return;
    }
    var form = select.form;
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
