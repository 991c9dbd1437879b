/* What htmx leaves silent, said on the page.
 *
 * Validation answers (400, 409, 422) are swapped in place by the htmx config in base.html, so
 * the form shows its own errors. Any other failed answer, or no answer at all, shows the
 * banner #request-error (its Vietnamese texts come from the template); the next successful
 * request hides it again.
 */
(function () {
  "use strict";

  function banner() {
    return document.getElementById("request-error");
  }

  function show(text) {
    var element = banner();
    if (!element) {
      return;
    }
    element.textContent = text;
    element.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var element = banner();
    if (!element) {
      return;
    }
    var status = String(event.detail.xhr.status);
    show(element.dataset.error.replace("%(status)s", status));
  });

  document.addEventListener("htmx:sendError", function () {
    var element = banner();
    if (element) {
      show(element.dataset.offline);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var element = banner();
    if (element && event.detail.successful) {
      element.hidden = true;
    }
  });
})();
