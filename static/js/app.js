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

/* Confirmation before what cannot be undone (accept, return, delete): a form with data-confirm
 * asks first. htmx forms use hx-confirm, which htmx asks itself. Without JavaScript the form
 * carries a required "Tôi xác nhận" checkbox instead (templates/_confirm_nojs.html).
 */
(function () {
  "use strict";

  // htmx reads its answers with scripts off, so a <noscript> in them arrives as live form fields
  // (the required tick would then stop every htmx form it sits in): gone as soon as it lands.
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    if (!(root instanceof Element)) {
      return;
    }
    if (root.matches("noscript")) {
      root.remove();
      return;
    }
    root.querySelectorAll("noscript").forEach(function (element) {
      element.remove();
    });
  });

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var message = form instanceof HTMLFormElement && form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();

/* "Đang tạo tệp…" while a document is built: a link marked data-download gets a token in its
 * address; the server answers the file with a cookie carrying that token (coopplan/downloads.py),
 * which tells this page the download has started. Shown only when the wait is not instant.
 */
(function () {
  "use strict";

  var COOKIE = "coopplan_download";
  var SHOW_AFTER_MS = 400;
  var GIVE_UP_MS = 180000;
  var pending = null;

  function region() {
    return document.getElementById("download-status");
  }

  function cookieValue() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + COOKIE + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function finish() {
    if (!pending) {
      return;
    }
    window.clearTimeout(pending.show);
    window.clearInterval(pending.poll);
    pending.link.removeAttribute("aria-busy");
    pending = null;
    var element = region();
    if (element) {
      element.hidden = true;
      element.textContent = "";
    }
    document.cookie = COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[data-download]") : null;
    if (!link) {
      return;
    }
    finish();
    var token = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("download_token", token);
    link.href = url.toString();
    link.setAttribute("aria-busy", "true");
    var started = Date.now();
    pending = {
      link: link,
      show: window.setTimeout(function () {
        var element = region();
        if (element && pending) {
          element.textContent = element.dataset.text;
          element.hidden = false;
        }
      }, SHOW_AFTER_MS),
      poll: window.setInterval(function () {
        if (cookieValue() === token || Date.now() - started > GIVE_UP_MS) {
          finish();
        }
      }, 200),
    };
  });

  // Back from another page (bfcache): no download is pending any more.
  window.addEventListener("pageshow", finish);
})();

/* A form sent back with errors: the first field marked invalid gets the focus and comes into
 * view, on a whole page (a refused submission) as in a part htmx swapped in (an inline form).
 */
(function () {
  "use strict";

  function focusFirstInvalid(root) {
    var field = root.querySelector('[aria-invalid="true"]');
    if (!field) {
      return;
    }
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: "center" });
  }

  focusFirstInvalid(document);
  // htmx:load: fired on each piece of content htmx has just put in the page. An inline form
  // just opened (a task, a section, a block) takes the focus too, so typing can start at once.
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    if (!(root instanceof Element) || root === document.body) {
      return;
    }
    if (root.querySelector('[aria-invalid="true"]')) {
      focusFirstInvalid(root);
      return;
    }
    var form = root.matches("form") ? root : root.querySelector("form");
    var field = form && form.querySelector(
      "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    );
    if (field) {
      field.focus();
    }
  });
})();
