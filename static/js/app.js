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
    // Someone already typing in the form (a quick hand, a test driver) keeps their place:
    // htmx fires this after the settle delay, when the user may have clicked a field already.
    if (field && !form.contains(document.activeElement)) {
      field.focus();
    }
  });
})();

/* Suggestions as the user types (agreements/suggest.py): an input with data-suggest is an ARIA
 * combobox whose listbox the server fills (accent-free, only what the user may see, a dozen at
 * most). ↓ ↑ move through the suggestions, Enter or a click puts one in the field, Escape
 * closes. With data-suggest-separators the field holds several names and a suggestion
 * completes the one being typed. Without JavaScript the typed text is matched on the server.
 */
(function () {
  "use strict";

  var DELAY_MS = 200;
  var timer = null;
  var asked = 0;

  function parts(input) {
    return input.closest(".suggest");
  }

  function listbox(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  // The name being typed: after the last separator when the field holds several.
  function current(input) {
    var separators = input.dataset.suggestSeparators || "";
    var value = input.value;
    var cut = -1;
    for (var i = 0; i < separators.length; i++) {
      cut = Math.max(cut, value.lastIndexOf(separators[i]));
    }
    return { head: value.slice(0, cut + 1), term: value.slice(cut + 1).trim() };
  }

  function options(input) {
    return Array.prototype.slice.call(listbox(input).querySelectorAll('[role="option"]'));
  }

  function close(input) {
    var list = listbox(input);
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function activate(input, index) {
    var all = options(input);
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function pick(input, option) {
    var typed = current(input);
    var head = typed.head ? typed.head.replace(/\s*$/, " ") : "";
    input.value = head + option.dataset.value;
    close(input);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function announce(input, count) {
    var status = parts(input).querySelector("[data-suggest-status]");
    if (status) {
      status.textContent = count ? status.dataset.some.replace("%(n)s", count) : status.dataset.none;
    }
  }

  function ask(input) {
    var term = current(input).term;
    var list = listbox(input);
    if (!term) {
      list.innerHTML = "";
      close(input);
      return;
    }
    var url = new URL(input.dataset.suggest, window.location.href);
    url.searchParams.set("q", term);
    var mine = ++asked;
    fetch(url.toString(), {
      credentials: "same-origin",
      headers: { "HX-Request": "true", "HX-Current-URL": window.location.href },
    })
      .then(function (response) {
        var redirect = response.headers.get("HX-Redirect");
        if (redirect) {
          window.location.assign(redirect); // the session expired: log in, then come back
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null || mine !== asked || document.activeElement !== input) {
          return;
        }
        list.innerHTML = html;
        var all = options(input);
        all.forEach(function (option, i) {
          option.id = list.id + "-" + i;
        });
        list.hidden = all.length === 0;
        input.setAttribute("aria-expanded", all.length ? "true" : "false");
        input.removeAttribute("aria-activedescendant");
        announce(input, all.length);
      })
      .catch(function () {
        close(input);
      });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.suggest) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      ask(input);
    }, DELAY_MS);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.suggest) {
      return;
    }
    var all = options(input);
    var open = input.getAttribute("aria-expanded") === "true";
    var index = all.findIndex(function (option) {
      return option.getAttribute("aria-selected") === "true";
    });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) {
        return;
      }
      event.preventDefault();
      if (!open) {
        listbox(input).hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      var step = event.key === "ArrowDown" ? 1 : -1;
      activate(input, (index + step + all.length) % all.length);
    } else if (event.key === "Enter" && open && index >= 0) {
      event.preventDefault(); // picks the suggestion; the next Enter sends the form
      pick(input, all[index]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(input);
    } else if (event.key === "Tab") {
      close(input);
    }
  });

  // mousedown, not click: the input keeps the focus (no blur closing the list first).
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest ? event.target.closest('.suggest [role="option"]') : null;
    if (!option) {
      return;
    }
    event.preventDefault();
    var input = parts(option).querySelector("input[data-suggest]");
    pick(input, option);
    input.focus();
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.dataset.suggest) {
      close(input);
    }
  });
})();
