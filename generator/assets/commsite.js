/* commsite: the filters of the communications listing and the archive drop-down.
   One small external script, no framework, no inline code (works under a strict CSP).
   Without it every record is listed and "Browse by" links lead to the static pages. */
(function () {
  "use strict";

  var FACETS = ["audience", "type", "topic", "month"];

  function matches(item, state) {
    if (state.audience && item.dataset.audience.split(" ").indexOf(state.audience) < 0) return false;
    if (state.type && item.dataset.type !== state.type) return false;
    if (state.topic && item.dataset.topics.split(" ").indexOf(state.topic) < 0) return false;
    if (state.month && item.dataset.month !== state.month) return false;
    return true;
  }

  function setupFilters(form) {
    var list = document.getElementById("communications");
    var count = document.getElementById("comms-count");
    var empty = document.getElementById("comms-empty");
    if (!list || !count) return;
    var items = Array.prototype.slice.call(list.children);
    var selects = {};
    FACETS.forEach(function (name) { selects[name] = form.elements[name]; });

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
      items.forEach(function (item) {
        var show = matches(item, state);
        if (item.hidden === show) item.hidden = !show;
        if (show) shown++;
      });
      count.textContent = "Showing " + shown + " of " + items.length + " communications";
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

  function start() {
    var filters = document.getElementById("comms-filters");
    if (filters) setupFilters(filters);
    Array.prototype.forEach.call(document.querySelectorAll("[data-comms-archive]"), setupArchive);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
