/* commsite: the filters of the communications listing, the archive drop-down and
   printed link addresses. One small external script, no framework, no inline code
   (works under a strict CSP). Without it every record is listed and "Browse by"
   links lead to the static pages. */
(function () {
  "use strict";

  var FACETS = ["audience", "type", "topic", "month", "status"];

  function words(value) { return value ? value.split(" ") : []; }

  function setupFilters(form) {
    var list = document.getElementById("communications");
    var count = document.getElementById("comms-count");
    var empty = document.getElementById("comms-empty");
    if (!list || !count) return;
    // Read each item's data-* once: a change then only compares strings.
    var items = Array.prototype.map.call(list.children, function (el) {
      return {
        el: el,
        audience: words(el.getAttribute("data-audience")),
        type: el.getAttribute("data-type"),
        topic: words(el.getAttribute("data-topics")),
        month: el.getAttribute("data-month"),
        status: words(el.getAttribute("data-status"))
      };
    });
    var selects = {};
    FACETS.forEach(function (name) { selects[name] = form.elements[name]; });

    function matches(item, state) {
      if (state.audience && item.audience.indexOf(state.audience) < 0) return false;
      if (state.type && item.type !== state.type) return false;
      if (state.topic && item.topic.indexOf(state.topic) < 0) return false;
      if (state.month && item.month !== state.month) return false;
      if (state.status && item.status.indexOf(state.status) < 0) return false;
      return true;
    }

    function readForm() {
      var state = {};
      FACETS.forEach(function (name) { if (selects[name] && selects[name].value) state[name] = selects[name].value; });
      return state;
    }

    function readQuery() {
      var params = new URLSearchParams(window.location.search);
      var state = {};
      FACETS.forEach(function (name) {
        var value = params.get(name);
        var select = selects[name];
        // Only values the drop-down offers: a stale or mistyped link shows everything.
        if (value && select && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
          state[name] = value;
        }
      });
      return state;
    }

    function apply(state) {
      var shown = 0;
      FACETS.forEach(function (name) { if (selects[name]) selects[name].value = state[name] || ""; });
      for (var i = 0; i < items.length; i++) {
        var show = matches(items[i], state);
        if (items[i].el.hidden === show) items[i].el.hidden = !show;
        if (show) shown++;
      }
      // The live region (role="status") announces the new count.
      var text = "Showing " + shown + " of " + items.length + " communications";
      if (count.textContent !== text) count.textContent = text;
      if (empty) empty.hidden = shown !== 0;
    }

    function toQuery(state) {
      var params = new URLSearchParams();
      FACETS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
      var query = params.toString();
      return window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    }

    form.addEventListener("change", function () {
      var state = readForm();
      apply(state);
      history.pushState(state, "", toQuery(state));
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      apply({});
      history.pushState({}, "", toQuery({}));
    });
    window.addEventListener("popstate", function () { apply(readQuery()); });

    form.hidden = false;
    apply(readQuery());
  }

  function setupArchive(form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var select = form.elements.month;
      if (select && select.value) window.location.href = select.value;
    });
  }

  // Printed links show their full address: the print stylesheet shows data-print-url
  // after each link. Set once at load (a few ms for 1,000 records), so every way of
  // printing sees it.
  function addPrintUrls() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-content a[href]"), function (a) {
      var href = a.getAttribute("href");
      if (href && href.charAt(0) !== "#" && !a.hasAttribute("data-print-url")) a.setAttribute("data-print-url", a.href);
    });
  }

  // Material's menu button (narrow screens) is a label, which keyboards cannot reach:
  // make it a button that Enter and Space operate, with a name and its state.
  function setupMenuButton() {
    var toggle = document.getElementById("__drawer");
    var label = document.querySelector('.md-header label[for="__drawer"]');
    if (!toggle || !label) return;
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    label.setAttribute("aria-label", "Navigation menu");
    label.setAttribute("data-comms-menu", "");
    var sync = function () { label.setAttribute("aria-expanded", toggle.checked ? "true" : "false"); };
    sync();
    toggle.addEventListener("change", sync);
    label.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation();  // the theme's own Enter-on-a-label would toggle it back
      label.click();  // what a pointer does: the theme sees an ordinary toggle
      sync();
      // The open menu covers the page, this button included: focus goes into it.
      var first = toggle.checked && document.querySelector(".md-sidebar--primary a[href]");
      if (first) first.focus();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) {
        label.click();
        sync();
        label.focus();
      }
    });
  }

  function start() {
    setupMenuButton();
    var filters = document.getElementById("comms-filters");
    if (filters) setupFilters(filters);
    Array.prototype.forEach.call(document.querySelectorAll("[data-comms-archive]"), setupArchive);
    addPrintUrls();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
