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

  // One live region (#toasts) announces every message. Errors are role="alert" and stay
  // until dismissed; the others fade after six seconds.
  function showToast(message, category) {
    var box = document.getElementById("toasts");
    if (!box) { return; }
    var el = document.createElement("div");
    el.className = "toast toast-" + (category || "success");
    var text = document.createElement("span");
    text.textContent = message;  // never innerHTML: messages may echo user input
    el.appendChild(text);
    if (category && category.indexOf("undo|") === 0) {
      el.className = "toast toast-success";
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "toast-action";
      undo.textContent = box.getAttribute("data-undo") || "Undo";
      undo.addEventListener("click", function () { takeBack(category.slice(5), el); });
      el.appendChild(undo);
      setTimeout(function () { el.remove(); }, 12000);
    } else if (category === "error") {
      el.setAttribute("role", "alert");
      var close = document.createElement("button");
      close.type = "button";
      close.className = "toast-close";
      close.setAttribute("aria-label", box.getAttribute("data-dismiss") || "Dismiss");
      close.textContent = "×";
      close.addEventListener("click", function () { el.remove(); });
      el.appendChild(close);
    } else {
      setTimeout(function () { el.remove(); }, 6000);
    }
    box.appendChild(el);
  }

  // ---- The phone menu: a real button; Enter or Space opens it, Escape closes it and puts
  // the focus back on the button.
  var menuButton = document.getElementById("nav-toggle");

  function setMenu(open) {
    if (!menuButton) { return; }
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
  }

  if (menuButton) {
    menuButton.addEventListener("click", function () {  // a disclosure: focus stays here
      setMenu(menuButton.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (evt) {
      if (evt.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
        setMenu(false);
        menuButton.focus();
      }
    });
  }

  // ---- Tags as chips: the comma-separated field (what the server reads, and what works
  // without JavaScript) becomes chips with a remove button each, plus a box that suggests
  // the tags in use; Enter or a comma adds the typed tag.
  function tagNames(value) {
    return value.split(/[,，、;；\n]+/).map(function (t) { return t.trim(); })
      .filter(function (t, i, all) { return t && all.indexOf(t) === i; });
  }

  function renderChips(source, box) {
    box.querySelectorAll(".chip-tag").forEach(function (chip) { chip.remove(); });
    var adder = box.querySelector("input");
    tagNames(source.value).forEach(function (name) {
      var chip = document.createElement("span");
      chip.className = "chip chip-tag";
      chip.textContent = name;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", (source.getAttribute("data-remove") || "Remove %(tag)s")
        .replace("%(tag)s", name));
      remove.addEventListener("click", function () {
        source.value = tagNames(source.value).filter(function (t) { return t !== name; })
          .join(", ");
        renderChips(source, box);
        adder.focus();
      });
      chip.appendChild(remove);
      box.insertBefore(chip, adder);
    });
  }

  function enhanceTags(root) {
    (root || document).querySelectorAll("input[data-tags]:not([data-chips])").forEach(
      function (source) {
        source.setAttribute("data-chips", "");
        var box = document.createElement("div"), adder = document.createElement("input");
        box.className = "chips";
        adder.type = "text";
        adder.setAttribute("list", source.getAttribute("data-suggest"));
        adder.setAttribute("aria-label", source.labels[0] ? source.labels[0].textContent : "");
        adder.setAttribute("aria-describedby", source.getAttribute("aria-describedby") || "");
        adder.autofocus = source.autofocus;
        source.removeAttribute("autofocus");
        box.appendChild(adder);
        source.type = "hidden";
        source.parentNode.insertBefore(box, source.nextSibling);
        renderChips(source, box);
        function add() {
          var typed = tagNames(adder.value);
          if (!typed.length) { return false; }
          source.value = tagNames(source.value + "," + typed.join(",")).join(", ");
          adder.value = "";
          renderChips(source, box);
          return true;
        }
        adder.addEventListener("keydown", function (evt) {
          if ((evt.key === "Enter" || evt.key === ",") && adder.value.trim()) {
            evt.preventDefault();
            add();
          }
        });
        adder.addEventListener("input", function (evt) {  // a suggestion picked from the list
          if (!evt.inputType || evt.inputType === "insertReplacementText") { add(); }
        });
        if (source.form) { source.form.addEventListener("submit", add, true); }  // typed, not added
        if (source.getAttribute("aria-invalid")) { adder.setAttribute("aria-invalid", "true"); }
        if (adder.autofocus) { adder.focus(); }
      });
  }
  enhanceTags(document);
  document.body.addEventListener("htmx:load", function (evt) { enhanceTags(evt.detail.elt); });

  // ---- "Full form" from the quick-add row takes along what was typed there.
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("a[data-carry]");
    var form = link && link.closest("form");
    if (!form) { return; }
    var query = new URLSearchParams();
    form.querySelectorAll("input[name]:not([type=hidden])").forEach(function (input) {
      if (input.value.trim()) { query.append(input.name, input.value); }
    });
    if (query.toString()) {
      evt.preventDefault();
      window.location.href = link.getAttribute("href") + "?" + query.toString();
    }
  });

  // ---- Click-to-edit: the whole row of a field (its label and value) opens the editor, as
  // its edit button does; links in the value (a phone, a tag, a website) still work.
  document.addEventListener("click", function (evt) {
    var row = evt.target.closest && evt.target.closest(".field-inline");
    if (!row || row.querySelector("form") || evt.target.closest("a, button, input, select")) {
      return;
    }
    var button = row.querySelector("button.edit-field");
    if (button) { button.click(); }
  });

  // ---- The filter sheet of a list: closed by its × button, by Escape, and once the results
  // are asked for; the focus goes back to the filter button.
  function closeSheet(sheet) {
    if (!sheet || !sheet.open) { return; }
    sheet.open = false;
    var summary = sheet.querySelector("summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest(".sheet-close, .sheet-done");
    if (button) { closeSheet(button.closest("details")); }
  });
  document.addEventListener("keydown", function (evt) {
    if (evt.key === "Escape") { closeSheet(document.querySelector("details.filter-sheet[open]")); }
  });

  document.body.addEventListener("toast", function (evt) {
    var items = evt.detail && evt.detail.value ? evt.detail.value : evt.detail;
    if (!Array.isArray(items)) { items = [items]; }
    items.forEach(function (item) {
      if (item && item.message) { showToast(item.message, item.category); }
    });
  });

  // ---- Focus after every swap (WCAG 2.4.3): nothing drops the focus to the page body.
  // In order: an element the answer marks [data-focus] (the duplicate prompt's heading, a
  // field's edit button after a save, the note box after a note); the first field marked
  // invalid (after a 422); the [autofocus] field (the quick-add name for the next entry);
  // the first new row after "load more" pressed from the keyboard; else, when the focus was
  // inside what was replaced, the same element again or the first control there. Handled on
  // afterSwap; htmx settles right after (defaultSettleDelay 0 in base.html), so the new
  // content works before the next keystroke. A form answered with errors carries no
  // [autofocus] (htmx would move the cursor there while settling).
  var before = null;

  // A background refresh (the bell) never moves the focus nor disturbs another swap's.
  function quiet(evt) {
    var target = evt.detail.target;
    return !!(target && target.closest && target.closest("[data-quiet-swap]"));
  }

  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    if (quiet(evt)) { return; }
    var target = evt.detail.target, active = document.activeElement;
    var inside = target && active && active !== document.body && target.contains(active);
    before = {id: inside ? active.id : null, inside: inside,
      moreRow: inside && target.classList.contains("load-more") ? target.previousElementSibling
        : null};
  });

  function swappedRoot(evt) {
    var target = evt.detail.target, elt = evt.detail.elt;
    if (target && target.isConnected) { return target; }
    if (target && target.id && document.getElementById(target.id)) {
      return document.getElementById(target.id);
    }
    return elt && elt.isConnected ? elt : null;
  }

  var CONTROLS = "a[href], button:not([disabled]), input:not([type=hidden]), select, textarea";

  function focusOn(el) {
    if (el && document.activeElement !== el) { el.focus(); }
    return !!el;
  }

  // ---- Quick add on a slow connection: what is typed while a save is under way is kept.
  // After a save the new, empty row gets what was typed past the saved values (the start
  // of the next entry); after a refusal the row shows the latest typing, not the echo.
  var typing = null;

  function fieldValues(form) {
    var values = {};
    form.querySelectorAll("input[name]:not([type=hidden]), textarea[name]").forEach(
      function (input) { values[input.name] = input.value; });
    return values;
  }

  document.body.addEventListener("htmx:beforeRequest", function (evt) {
    var form = evt.detail.elt;
    if (form && form.id === "quick-add" && form.matches("form")) {
      form.setAttribute("data-sent", JSON.stringify(fieldValues(form)));
      form.setAttribute("aria-busy", "true");
    }
  });

  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    if (quiet(evt)) { return; }
    var form = evt.detail.target;
    typing = null;
    if (!form || form.id !== "quick-add" || !form.getAttribute("data-sent")) { return; }
    var sent = JSON.parse(form.getAttribute("data-sent")), now = fieldValues(form);
    var active = document.activeElement, saved = evt.detail.xhr.status === 201, kept = {};
    Object.keys(now).forEach(function (name) {
      var was = sent[name] || "", is = now[name];
      if (is === was) { return; }
      kept[name] = !saved ? is : (is.indexOf(was) === 0 ? is.slice(was.length) : is).replace(/^\s+/, "");
    });
    typing = {values: kept, focus: active && form.contains(active) ? active.name : null};
  });

  function restoreTyping() {
    var form = document.getElementById("quick-add"), kept = typing;
    typing = null;
    if (!form || !kept) { return false; }
    Object.keys(kept.values).forEach(function (name) {
      var input = form.querySelector("[name='" + name + "']");
      if (input) { input.value = kept.values[name]; }
    });
    var field = kept.focus && form.querySelector("[name='" + kept.focus + "']");
    if (!field || Object.keys(kept.values).length === 0) { return false; }
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
    return true;
  }

  document.body.addEventListener("htmx:afterSwap", function (evt) {
    if (quiet(evt)) { return; }
    if (restoreTyping()) { return; }
    var marked = document.querySelector("[data-focus]");
    if (marked) { marked.removeAttribute("data-focus"); focusOn(marked); return; }
    var root = swappedRoot(evt), was = before || {};
    before = null;
    if (root && focusOn(root.querySelector("[aria-invalid=true]:not([type=hidden])"))) { return; }
    if (root && focusOn(root.querySelector("[autofocus]"))) { return; }
    if (was.moreRow && was.moreRow.nextElementSibling) {
      focusOn(was.moreRow.nextElementSibling.querySelector(CONTROLS));
      return;
    }
    if (was.inside && document.activeElement === document.body) {
      focusOn((was.id && document.getElementById(was.id)) ||
              (root && root.querySelector(CONTROLS)));
    }
  });

  // An error slot answered by an inline check marks its field (aria-invalid) as the full
  // form does. On afterSettle: until then htmx keeps the old slot's classes on the new one.
  document.body.addEventListener("htmx:afterSettle", function (evt) {
    var slot = swappedRoot(evt);
    if (!slot || !slot.classList.contains("error") || !slot.id) { return; }
    var field = document.querySelector("[aria-describedby~='" + slot.id + "']");
    if (!field) { return; }
    var bad = !slot.classList.contains("ok") && slot.textContent.trim() !== "" &&
      !slot.querySelector(".already-on-file:only-child");
    if (bad) { field.setAttribute("aria-invalid", "true"); } else {
      field.removeAttribute("aria-invalid");
    }
  });

  // The list says it is loading (aria-busy) while a search or filter runs.
  document.body.addEventListener("htmx:beforeRequest", function (evt) {
    var target = evt.detail.target;
    if (target && target.id === "record-table") { target.setAttribute("aria-busy", "true"); }
  });
  document.body.addEventListener("htmx:afterRequest", function (evt) {
    if (quiet(evt)) { return; }
    var target = document.getElementById("record-table");
    if (target) { target.removeAttribute("aria-busy"); }
  });

  // A page answered with 422 or the duplicate prompt: the cursor goes to the first field to
  // fix, or to the prompt's heading so that it is read out.
  focusOn(document.querySelector("main [data-focus]") ||
          document.querySelector("main [aria-invalid=true]:not([type=hidden])"));

  // Undo a move to the trash: post to the record's restore URL, then open the record.
  function takeBack(url, toastEl) {
    fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "HX-Request": "true"}})
      .then(function (resp) {
        toastEl.remove();
        if (!resp.ok) { showToast(text("network"), "error"); return; }
        window.location.href = resp.headers.get("HX-Location") || window.location.href;
      })
      .catch(function () { showToast(text("network"), "error"); });
  }

  // A form that asks once before it does something that is hard to see undone.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { evt.preventDefault(); }
  });

  // Messages flashed before a redirect: into the live region once the page is there, so a
  // screen reader reads them (text present at load is not announced).
  var flashed = document.getElementById("flashed");
  if (flashed) {
    setTimeout(function () {
      Array.prototype.forEach.call(flashed.content.querySelectorAll("p"), function (p) {
        showToast(p.textContent, p.getAttribute("data-category"));
      });
    }, 100);
  }

  function text(name) {
    var box = document.getElementById("client-text");
    return box ? box.getAttribute("data-" + name) || "" : "";
  }

  // ---- Notes written without a connection (G1): kept in localStorage, sent when back online.
  // Each note keeps the form's random client_key, so a send whose answer was lost and is
  // retried is saved once by the server. Notes are only sent as the user who wrote them.
  var QUEUE = "qiao.offlineNotes";

  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }

  function writeQueue(items) {
    try { window.localStorage.setItem(QUEUE, JSON.stringify(items)); } catch (e) { /* full */ }
  }

  function newKey() {  // a v4 UUID; crypto.randomUUID needs HTTPS, getRandomValues does not
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function noteForm() { return document.querySelector("form[data-offline=note]"); }

  function showPending() {
    var form = noteForm();
    var box = form && form.querySelector("#offline-pending");
    if (!box) { return; }
    var url = form.getAttribute("hx-post"), user = text("user");
    var mine = readQueue().filter(function (n) { return n.url === url && n.user === user; });
    var list = box.querySelector("ul");
    list.textContent = "";
    mine.forEach(function (n) {
      var li = document.createElement("li");
      var checkIn = document.querySelector("#check-in span");
      // never innerHTML: it is what the user typed
      li.textContent = n.body || (n.fields && n.fields.check_in && checkIn ? checkIn.textContent : "");
      list.appendChild(li);
    });
    box.hidden = mine.length === 0;
  }

  var FOLLOW_UP = ["method", "outcome", "happened_at", "next_contact_at"];
  // A check-in made offline keeps where and when it happened.
  var PLACE = ["check_in", "latitude", "longitude", "accuracy", "location_error"];
  FOLLOW_UP = FOLLOW_UP.concat(PLACE);

  function localMinute(date) {  // a datetime-local value of this moment
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      "T" + two(date.getHours()) + ":" + two(date.getMinutes());
  }

  function keepOffline(form) {
    var body = form.querySelector("textarea[name=body]");
    var files = form.querySelectorAll("input[type=file]");
    var hasFiles = Array.prototype.some.call(files, function (f) { return f.files.length > 0; });
    var method = form.querySelector("input[name=method]:checked");
    var outcome = form.querySelector("[name=outcome]");
    var checkIn = form.querySelector("[name=check_in]");
    var checking = checkIn && checkIn.value;
    if ((body && body.value.trim()) || (method && method.value && outcome && outcome.value) ||
        checking) {
      var key = form.querySelector("input[name=client_key]");
      var items = readQueue();
      // A follow-up keeps its way of contact, outcome and times; with no time given it
      // happened now, not when the phone is back online.
      var fields = {};
      FOLLOW_UP.forEach(function (name) {
        var input = name === "method" ? method : form.querySelector("[name=" + name + "]");
        if (input && input.value) { fields[name] = input.value; }
      });
      if (fields.method && !fields.happened_at) { fields.happened_at = localMinute(new Date()); }
      items.push({url: form.getAttribute("hx-post"), user: text("user"), body: body ? body.value : "",
        fields: fields, key: key ? key.value : newKey(), at: new Date().toISOString()});
      writeQueue(items);
      form.reset();
      clearPlace(form);
      if (key) { key.value = newKey(); }
      showToast(text("offline-saved"), "warning");
      showPending();
    }
    if (hasFiles) { showToast(text("offline-files"), "error"); }
  }

  function clearPlace(form) {  // hidden inputs survive form.reset()
    PLACE.forEach(function (name) {
      var input = form.querySelector("input[name=" + name + "]");
      if (input) { input.value = ""; }
    });
  }

  // ---- Visit check-in (G1): one tap logs a visit with the time and, with the browser's
  // permission, where the phone is; refused, unavailable or too slow, it is saved without a
  // location (marked so) and the rep is told why.
  function showCheckIn() {
    document.querySelectorAll("[data-check-in]").forEach(function (b) { b.hidden = false; });
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-check-in]");
    if (!button || !button.form || button.getAttribute("aria-busy") === "true") { return; }
    var form = button.form;
    function send(fields, reason) {
      button.removeAttribute("aria-busy");
      PLACE.forEach(function (name) {
        var input = form.querySelector("input[name=" + name + "]");
        if (input) { input.value = name === "check_in" ? "1" : (fields[name] || ""); }
      });
      var visit = form.querySelector("input[name=method][value=visit]");
      var chosen = form.querySelector("input[name=method]:checked");
      if (visit && (!chosen || !chosen.value)) { visit.checked = true; }
      if (reason) { showToast(button.getAttribute("data-" + reason), "warning"); }
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
    if (!navigator.geolocation) { send({location_error: "unavailable"}, "unavailable"); return; }
    button.setAttribute("aria-busy", "true");
    showToast(button.getAttribute("data-locating"), "warning");
    navigator.geolocation.getCurrentPosition(function (pos) {
      send({latitude: String(pos.coords.latitude), longitude: String(pos.coords.longitude),
        accuracy: String(Math.min(Math.max(pos.coords.accuracy || 0, 0), 100000))});
    }, function (err) {
      var reason = err.code === 1 ? "denied" : (err.code === 3 ? "timeout" : "unavailable");
      send({location_error: reason}, reason);
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });

  document.body.addEventListener("htmx:load", showCheckIn);
  showCheckIn();

  // ---- The record page on a phone (B2): the field list starts folded; the action bar's
  // buttons (shown here, as they need a script) tap the form's photo and check-in, and
  // "Log" brings the follow-up form into view with the cursor in it.
  if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (d) { d.open = false; });
  }
  document.querySelectorAll(".action-bar [data-click]").forEach(function (b) {
    b.hidden = !document.querySelector(b.getAttribute("data-click"));
  });
  document.addEventListener("click", function (evt) {
    var proxy = evt.target.closest && evt.target.closest(".action-bar [data-click]");
    var log = evt.target.closest && evt.target.closest(".action-bar [data-log]");
    if (proxy) {
      var target = document.querySelector(proxy.getAttribute("data-click"));
      if (target) { target.click(); }
    } else if (log) {
      var form = noteForm();
      if (!form) { return; }
      evt.preventDefault();
      form.scrollIntoView({block: "start"});
      var first = form.querySelector("input[name=method]:checked") ||
        form.querySelector("input[name=method]");
      (first || form.querySelector("textarea[name=body]")).focus({preventScroll: true});
    }
  });

  var sending = false;

  function sendPending() {
    var user = text("user");
    if (sending || !user || !navigator.onLine) { return; }
    var item = readQueue().filter(function (n) { return n.user === user && !n.failed; })[0];
    if (!item) { return; }
    sending = true;
    var data = new FormData();
    data.append("csrf_token", csrfToken());
    data.append("body", item.body);
    data.append("client_key", item.key);
    Object.keys(item.fields || {}).forEach(function (name) {
      if (FOLLOW_UP.indexOf(name) >= 0) { data.append(name, item.fields[name]); }
    });
    fetch(item.url, {method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: {"X-CSRFToken": csrfToken(), "HX-Request": "true"}})
      .then(function (resp) {
        if (resp.status === 0 || resp.status === 401 || resp.headers.get("HX-Redirect")) {
          return false;  // signed out meanwhile: keep the note for later
        }
        var form = noteForm(), here = form && form.getAttribute("hx-post") === item.url;
        return resp.text().then(function (html) {
          var rest = readQueue().filter(function (n) { return n.key !== item.key; });
          if (resp.ok) {
            showToast(text("offline-sent"), "success");
          } else if (here && resp.status === 422) {
            showToast(text("offline-failed"), "error");  // the answer shows why, text included
          } else {
            item.failed = resp.status;  // listed on every page, retried on its customer's
            rest.push(item);
          }
          writeQueue(rest);
          if (here && (resp.ok || resp.status === 422)) {
            // sent in the background: the user's cursor stays where it is
            html = html.replace(/ data-focus(="")?/g, "");
            window.htmx.swap("#timeline", html, {swapStyle: "outerHTML"});
          }
          return resp.ok;
        });
      })
      .catch(function () { return false; })
      .then(function (again) {
        sending = false;
        showPending();
        showFailed();
        if (again) { sendPending(); }
      });
  }

  // Notes their customer did not take (deleted, or no longer this user's): shown on every
  // page with their text until the user discards them; never dropped silently.
  function showFailed() {
    var box = document.getElementById("offline-failed");
    if (!box) { return; }
    var user = text("user"), form = noteForm(), here = form && form.getAttribute("hx-post");
    var failed = readQueue().filter(function (n) {
      return n.user === user && n.failed && n.url !== here;
    });
    var list = box.querySelector("ul");
    list.textContent = "";
    failed.forEach(function (n) {
      var li = document.createElement("li");
      var body = document.createElement("span");
      body.className = "note-text";
      body.textContent = n.body;
      var open = document.createElement("a");
      open.href = n.url.replace(/\/notes$/, "");
      open.textContent = box.getAttribute("data-open");
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "small danger";
      drop.setAttribute("data-discard", n.key);
      drop.textContent = box.getAttribute("data-discard");
      li.appendChild(body); li.appendChild(open); li.appendChild(drop);
      list.appendChild(li);
    });
    box.hidden = failed.length === 0;
  }

  document.addEventListener("click", function (evt) {
    var drop = evt.target.closest && evt.target.closest("#offline-failed [data-discard]");
    if (!drop) { return; }
    var key = drop.getAttribute("data-discard");
    writeQueue(readQueue().filter(function (n) { return n.key !== key; }));
    showFailed();
  });

  // A failed note on the page of its customer gets one more try there.
  function retryFailedHere() {
    var form = noteForm();
    if (!form) { return; }
    var url = form.getAttribute("hx-post");
    var items = readQueue();
    items.forEach(function (n) { if (n.url === url) { delete n.failed; } });
    writeQueue(items);
  }

  // ---- Voice input into notes (G1), where the browser offers speech recognition.
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var listening = null;

  function showVoice() {
    var button = document.getElementById("note-voice");
    if (button && Recognition) { button.hidden = false; }
  }

  function stopVoice(button) {
    if (listening) { listening.stop(); }
    listening = null;
    if (button) {
      button.setAttribute("aria-pressed", "false");
      button.querySelector("span").textContent = button.getAttribute("data-label");
    }
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("#note-voice");
    if (!button || !Recognition) { return; }
    if (listening) { stopVoice(button); return; }
    var area = button.form && button.form.querySelector("textarea[name=body]");
    if (!area) { return; }
    if (!button.getAttribute("data-label")) {
      button.setAttribute("data-label", button.querySelector("span").textContent);
    }
    var rec = new Recognition();
    rec.lang = document.documentElement.lang === "zh-CN" ? "zh-CN" : "en-US";
    rec.continuous = true;
    rec.interimResults = false;
    rec.onresult = function (e) {
      for (var i = e.resultIndex; i < e.results.length; i++) {
        if (!e.results[i].isFinal) { continue; }
        var said = e.results[i][0].transcript.trim();
        if (!said) { continue; }
        var sep = area.value && !/\s$/.test(area.value) ? (rec.lang === "zh-CN" ? "" : " ") : "";
        area.value += sep + said;
      }
    };
    rec.onerror = function (e) {
      if (e.error !== "aborted" && e.error !== "no-speech") {
        showToast(text("voice-failed"), "error");
      }
    };
    rec.onend = function () { if (listening === rec) { stopVoice(button); } };
    listening = rec;
    button.setAttribute("aria-pressed", "true");
    button.querySelector("span").textContent = button.getAttribute("data-listening");
    try { rec.start(); } catch (e) { stopVoice(button); showToast(text("voice-failed"), "error"); }
  });

  document.body.addEventListener("htmx:load", showVoice);
  showVoice();

  window.addEventListener("online", sendPending);
  document.body.addEventListener("htmx:load", showPending);
  retryFailedHere();
  showPending();
  showFailed();
  sendPending();

  // A network error during an htmx request: a note is kept for later; otherwise say so.
  document.body.addEventListener("htmx:sendError", function (evt) {
    if (quiet(evt)) { return; }  // the bell tries again in a minute
    var form = evt.detail && evt.detail.elt && evt.detail.elt.closest &&
      evt.detail.elt.closest("form[data-offline=note]");
    if (form) { keepOffline(form); return; }
    showToast(text("network") || "Network error. Check the connection and try again.", "error");
  });
})();
