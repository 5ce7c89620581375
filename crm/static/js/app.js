/* Qiao CRM front-end glue: CSRF header for htmx, toasts from HX-Trigger. No inline script. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    evt.detail.headers["X-CSRFToken"] = csrfToken();
  });

  function showToast(message, category) {
    var box = document.getElementById("toasts");
    if (!box) { return; }
    var el = document.createElement("div");
    el.className = "toast toast-" + (category || "success");
    el.setAttribute("role", "status");
    el.textContent = message;  // never innerHTML: messages may echo user input
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, 6000);
  }

  document.body.addEventListener("toast", function (evt) {
    var items = evt.detail && evt.detail.value ? evt.detail.value : evt.detail;
    if (!Array.isArray(items)) { items = [items]; }
    items.forEach(function (item) {
      if (item && item.message) { showToast(item.message, item.category); }
    });
  });

  // A swapped form keeps the cursor where its template says (autofocus), e.g. on the name
  // of the quick-add row for the next entry, whatever field Enter was pressed in. htmx first
  // puts focus back on the element with the id that had it, then fires afterSwap in the same
  // task, so handling afterSwap (not afterSettle, 20 ms later) leaves no moment with the
  // cursor in the wrong field.
  document.body.addEventListener("htmx:afterSwap", function (evt) {
    var target = evt.detail && evt.detail.elt;
    if (!target || !target.isConnected) { return; }
    var form = target.matches("form") ? target : null;
    var auto = form ? form.querySelector("[autofocus]") : null;
    if (auto && document.activeElement !== auto) { auto.focus(); }
  });

  // Server-rendered flashes fade out like toasts.
  document.querySelectorAll("#toasts .toast").forEach(function (el) {
    setTimeout(function () { el.remove(); }, 6000);
  });

  // A network error or a 5xx during an htmx request: say so instead of doing nothing.
  document.body.addEventListener("htmx:sendError", function () {
    showToast(document.documentElement.lang === "zh-CN" ? "网络连接失败，请重试。" :
      "Network error. Check the connection and try again.", "error");
  });
})();
