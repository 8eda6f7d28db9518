// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // The phone menu folds behind one button: <button class="menu-toggle" aria-controls="…">.
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!toggle || !menu) { return; }
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        menu.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  });
  // Select all rows of a list for a bulk action: <input type=checkbox data-select-all="name">.
  document.addEventListener("change", function (event) {
    var all = event.target.closest && event.target.closest("[data-select-all]");
    if (!all) { return; }
    var form = all.form || document;
    form.querySelectorAll("input[type=checkbox][name='" + all.dataset.selectAll + "']").forEach(function (box) {
      box.checked = all.checked;
    });
  });
  // Ask before irreversible actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // A double click must not submit twice. Searches and filters (GET) change nothing and are
    // never held back: a click on "Filter" right after a filter applied itself must still work.
    if ((form.getAttribute("method") || "get").toLowerCase() === "get") { return; }
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.setAttribute("aria-busy", "true"); });
    window.setTimeout(function () {
      form.dataset.submitted = "";
      buttons.forEach(function (b) { b.removeAttribute("aria-busy"); });
    }, 4000);
  }, true);
  // Auto-submit filter forms when a select changes: <form data-autosubmit>.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") {
      if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.requestSubmit(); }
    }
  });
  // A chosen lookup result fills the form: <button data-fill-FIELD="value">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fill-company_name]");
    if (!button) { return; }
    var first = null;
    Object.keys(button.dataset).forEach(function (key) {
      if (key.indexOf("fill") !== 0) { return; }
      var name = key.slice(4).replace(/^./, function (c) { return c.toLowerCase(); })
        .replace(/[A-Z]/g, function (c) { return "_" + c.toLowerCase(); });
      var input = document.getElementById("id_" + name);
      if (input) { input.value = button.dataset[key]; first = first || input; }
    });
    var status = document.getElementById("company-lookup-results");
    if (status) { status.textContent = button.textContent + " ✓"; }
    if (first) { first.focus(); }
  });
  // Long lists become searchable: <select data-searchable="label of the filter box">.
  function makeSearchable(select) {
    if (select.dataset.searchableReady) { return; }
    select.dataset.searchableReady = "1";
    var options = Array.prototype.slice.call(select.options);
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.id = select.id + "-filter";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "sr-only";
    label.textContent = select.dataset.searchable;
    box.placeholder = select.dataset.searchable;
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      select.innerHTML = "";
      options.forEach(function (option) {
        var text = (option.text + " " + (option.getAttribute("data-keywords") || "")).toLowerCase();
        var keep = option.value === "" || option.value === chosen ||
          words.every(function (w) { return text.indexOf(w) !== -1; });
        if (keep) { select.appendChild(option); }
      });
      select.value = chosen;
    });
  }
  function enhance(root) {
    root.querySelectorAll("select[data-searchable]").forEach(makeSearchable);
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
  // Quote lines: add and remove lines, each line's amount and a running total; the split per
  // source comes from the server (the funding engine) on the event "quotechange".
  // <fieldset data-quote-lines> with a management form, <template id="quote-line-template">.
  function quoteLines(box) {
    if (box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var list = box.querySelector("[data-line-list]");
    var template = document.getElementById("quote-line-template");
    var total = box.querySelector("input[name$='-TOTAL_FORMS']");
    var max = box.querySelector("input[name$='-MAX_NUM_FORMS']");
    var add = box.querySelector("[data-add-line]");
    var money = new Intl.NumberFormat(document.documentElement.lang || "nl", { style: "currency", currency: "EUR" });
    function number(input) {
      var value = parseFloat(String(input && input.value || "").replace(",", "."));
      return isFinite(value) ? value : 0;
    }
    function refresh() {
      list.querySelectorAll("[data-line]").forEach(function (line) {
        var out = line.querySelector(".line-amount");
        var days = line.querySelector("input[name$='-days']");
        var rate = line.querySelector("input[name$='-day_rate']");
        if (out) { out.textContent = (days.value || rate.value) ? money.format(Math.round(number(days) * number(rate) * 100) / 100) : ""; }
      });
      if (add && max) { add.disabled = Number(total.value) >= Number(max.value); }
      if (window.htmx) { window.htmx.trigger(document.getElementById("quote-split"), "quotechange"); }
    }
    function enhanceLine(line) {
      var box = line.querySelector("input[name$='-DELETE']");
      var button = line.querySelector("[data-remove-line]");
      if (!box || !button) { return; }
      box.closest("label").hidden = true;
      button.hidden = false;
      if (box.checked) { line.hidden = true; }
    }
    list.querySelectorAll("[data-line]").forEach(enhanceLine);
    if (add && template && total) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var index = Number(total.value);
        var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var line = holder.firstElementChild;
        list.appendChild(line);
        total.value = String(index + 1);
        enhanceLine(line);
        var first = line.querySelector("input");
        if (first) { first.focus(); }
        refresh();
      });
    }
    list.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-remove-line]");
      if (!button) { return; }
      var line = button.closest("[data-line]");
      line.querySelector("input[name$='-DELETE']").checked = true;
      line.hidden = true;
      if (add) { add.focus(); }
      refresh();
    });
    list.addEventListener("input", refresh);
    refresh();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-quote-lines]").forEach(quoteLines);
  });
  // Downloads that are generated on the server show progress until the file arrives:
  // <a href="..." data-progress="id-of-status">; the response sets the cookie dl_<token>.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-progress]");
    if (!link) { return; }
    var status = document.getElementById(link.dataset.progress);
    if (!status) { return; }
    var token = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("dl", token);
    link.href = url.toString();
    status.hidden = false;
    var started = Date.now();
    var timer = window.setInterval(function () {
      var arrived = document.cookie.split("; ").some(function (c) { return c.indexOf("dl_" + token + "=") === 0; });
      if (arrived || Date.now() - started > 120000) {
        window.clearInterval(timer);
        status.hidden = true;
        document.cookie = "dl_" + token + "=; Max-Age=0; path=/; SameSite=Strict";
      }
    }, 300);
  });
})();
