/* Behaviours of the portal's pages, without inline script (Content-Security-Policy, issue 9).
 *
 * - `data-autosubmit` on a form field: changing it submits its form (Issued synthesis,
 *   structure selector).
 * - STR-2: on the structure creation page, the hint under « Identifiant » follows the chosen
 *   identifier type (the hints are those of the `identifier-hints` list: <dt>code, <dd>hint).
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.form && field.hasAttribute && field.hasAttribute("data-autosubmit")) {
      if (typeof field.form.requestSubmit === "function") {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
  });

  function identifierHints() {
    var list = document.getElementById("identifier-hints");
    var select = document.getElementById("id_identifier_type");
    var help = document.getElementById("id_identifier_helptext");
    if (!list || !select || !help) { return; }
    var hints = {};
    list.querySelectorAll("dt").forEach(function (term) {
      var hint = term.nextElementSibling;
      if (hint && hint.tagName === "DD") { hints[term.textContent] = hint.textContent; }
    });
    select.addEventListener("change", function () { help.textContent = hints[select.value] || ""; });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", identifierHints);
  } else {
    identifierHints();
  }
})();
