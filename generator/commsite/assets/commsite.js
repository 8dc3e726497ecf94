/* commsite: the finder of the communications listing (keywords and filters over the
   Pagefind index), the archive drop-down, the menu button and printed link addresses.
   One small external script, no framework, no inline code (works under a strict CSP).
   Without it the listings are static pages of 50 and "Browse by" links lead to them. */
(function () {
  "use strict";

  var FACETS = ["audience", "type", "topic", "month", "status"];
  var TYPING_PAUSE_MS = 250;  // a keyword search starts when typing pauses this long
  // Results shown at a time: their item files are fetched when shown, so a change stays
  // quick; "Show more" fetches the next ones.
  var BATCH = 20;

  // The finder: every answer is worked out here from the finder's table (finderdata.py:
  // a few bytes a record) and shown from its item files; keywords first go to the
  // Pagefind index (search.py, small chunks fetched on demand), whose matches the table
  // then filters and counts. The page's own list is the first page of every record:
  // it stays until the reader asks for something else, and comes back on "Clear
  // filters", so an unfiltered view fetches nothing.
  function setupFinder(form) {
    var list = document.getElementById("communications");
    var count = document.getElementById("comms-count");
    var empty = document.getElementById("comms-empty");
    var facets = document.getElementById("comms-facets");
    var toggle = document.getElementById("comms-filters-toggle");
    var moreField = document.getElementById("comms-more-field");
    var more = document.getElementById("comms-more");
    var sortField = document.getElementById("comms-sort-field");
    var pager = form.parentNode.querySelector(".comms-pages");
    if (!list || !count) return;
    var total = Number(form.getAttribute("data-total"));
    var pageSize = Math.min(Number(form.getAttribute("data-page-size")) || BATCH, BATCH);
    var keywords = form.elements.q;
    var sort = form.elements.sort;
    var selects = {};
    FACETS.forEach(function (name) { selects[name] = form.elements[name]; });
    // What the page came with: the first page of every record and every option's count.
    var staticItems = Array.prototype.slice.call(list.children);
    var staticCounts = {};
    FACETS.forEach(function (name) {
      staticCounts[name] = Array.prototype.map.call(selects[name].options, function (o) { return o.text; });
    });
    var engine = null;  // the Pagefind module, once loaded
    var table = null;   // the finder's table, once loaded
    var positions = null; // Pagefind's ids' places in the table, once loaded
    var itemFiles = {}; // item files asked for, by number
    var results = {length: 0};  // the current answer: how many, and item(k), the k-th's markup
    var rendered = 0;   // how many of them are in the list
    var asked = 0;      // the newest request: an older answer arriving late is dropped
    var typing = null;
    var shown = {};     // the state the list shows (or is being answered for)

    // Keywords need Pagefind and its ids' places in the table; the table itself is
    // fetched beside them, so the answer is worked out here as for the drop-downs.
    function load() {
      if (!engine) {
        var url = new URL(form.getAttribute("data-pagefind"), window.location.href).href;
        engine = import(url).then(function (pagefind) {
          return Promise.resolve(pagefind.init()).then(function () { return pagefind; });
        });
        engine.catch(function () { engine = null; });
      }
      loadTable();
      loadPositions();
      return engine;
    }

    // Pagefind's id of each place in the table (search.py: positions.json), as a lookup.
    function loadPositions() {
      if (!positions) {
        var url = new URL("positions.json", new URL(form.getAttribute("data-pagefind"), window.location.href));
        positions = fetch(url.href, {cache: "no-cache"}).then(function (response) {
          if (!response.ok) throw new Error("the search index answered " + response.status);
          return response.json();
        }).then(function (ids) {
          var at = {};
          ids.forEach(function (id, i) { if (id) at[id] = i; });
          return at;
        });
        positions.catch(function () { positions = null; });
      }
      return positions;
    }

    // The table: for each facet, each record's values (reading order) as value numbers.
    function loadTable() {
      if (!table) {
        var url = new URL(form.getAttribute("data-finder"), window.location.href);
        table = fetch(url.href, {cache: "no-cache"}).then(function (response) {
          if (!response.ok) throw new Error("the finder's table answered " + response.status);
          return response.json();
        }).then(function (data) {
          var digits = {};
          data.digits.split("").forEach(function (d, i) { digits[d] = i; });
          var facetsOf = {};
          FACETS.forEach(function (name) {
            var facet = data.facets[name], width = facet.width;
            var number = {};
            facet.values.forEach(function (value, i) { number[value] = i; });
            var rows = facet.rows.split(",").map(function (row) {
              var codes = [];
              for (var at = 0; at < row.length; at += width) {
                var code = 0;
                for (var d = 0; d < width; d++) code = code * data.digits.length + digits[row.charAt(at + d)];
                codes.push(code);
              }
              return codes;
            });
            // Each value's records as a byte per record, and how many there are.
            var has = facet.values.map(function () { return new Uint8Array(data.total); });
            var totals = facet.values.map(function () { return 0; });
            rows.forEach(function (codes, i) {
              codes.forEach(function (code) { has[code][i] = 1; totals[code]++; });
            });
            facetsOf[name] = {values: facet.values, number: number, rows: rows, has: has, totals: totals};
          });
          var base = new URL("items/", url.href).href;
          return {total: data.total, batch: data.batch, valueBatch: data.value_batch, version: data.version,
                  base: base, facets: facetsOf};
        });
        table.catch(function () { table = null; });  // asked again at the next change
      }
      return table;
    }

    // An item file ("12", or "topic/3/0": one value's records), fetched once; a request
    // that fails (a dropped connection) is tried once more before the reader is told.
    function itemFile(data, name, again) {
      if (!itemFiles[name]) {
        itemFiles[name] = fetch(data.base + name + ".json?v=" + data.version).then(function (response) {
          if (!response.ok) throw new Error("the finder's items answered " + response.status);
          return response.json();
        }).catch(function (error) {
          delete itemFiles[name];
          if (again) throw error;
          return itemFile(data, name, true);
        });
      }
      return itemFiles[name];
    }

    // The records that have every chosen value, and for each option the results it would
    // give with the other choices as they are: of every record, or of `candidates` (the
    // places of a keyword's matches, in the order they are to be shown). One pass over
    // the table, in typed arrays: this runs on every change.
    function answerFromTable(data, state, candidates) {
      var facets = FACETS.map(function (name) { return data.facets[name]; });
      var wanted = FACETS.map(function (name, f) {
        var code = state[name] ? facets[f].number[state[name]] : undefined;
        return code === undefined ? -1 : code;
      });
      // In reading order, results are shown from the files of the rarest value chosen
      // (finderdata.py: one value's records; none per month, whose records are together).
      var source = -1;
      if (!candidates) {
        FACETS.forEach(function (name, f) {
          if (wanted[f] < 0 || name === "month") return;
          if (source < 0 || facets[f].totals[wanted[f]] < facets[source].totals[wanted[source]]) source = f;
        });
      }
      var folder = source >= 0 ? FACETS[source] + "/" + wanted[source] + "/" : "";
      // Most likely needed: asked for while the pass runs (a failure is met when shown).
      if (source >= 0) itemFile(data, folder + "0").catch(function () {});
      var chosen = [], has = [];
      wanted.forEach(function (code, f) { if (code >= 0) { chosen.push(f); has.push(facets[f].has[code]); } });
      var sourceHas = source >= 0 ? facets[source].has[wanted[source]] : null;
      var tallies = facets.map(function (facet) { return new Int32Array(facet.values.length); });
      var n = candidates ? candidates.length : data.total;
      var places = [], ranks = [];
      var seen = 0;  // records with the source's value so far: a match's place in its files
      for (var k = 0; k < n; k++) {
        var i = candidates ? candidates[k] : k;
        var rank = seen;
        if (sourceHas && sourceHas[i]) seen++;
        var missed = -1, misses = 0;
        for (var c = 0; c < chosen.length && misses < 2; c++) {
          if (!has[c][i]) { missed = chosen[c]; misses++; }
        }
        if (misses > 1) continue;
        if (!misses) { places.push(i); ranks.push(rank); }
        for (var f = 0; f < facets.length; f++) {
          if (misses && f !== missed) continue;  // counts only where this facet is what misses
          var codes = facets[f].rows[i], tally = tallies[f];
          for (var j = 0; j < codes.length; j++) tally[codes[j]]++;
        }
      }
      var counts = {};
      FACETS.forEach(function (name, f) {
        counts[name] = {};
        facets[f].values.forEach(function (value, code) { counts[name][value] = tallies[f][code]; });
      });
      return {
        results: {
          length: places.length,
          item: function (k) {  // the k-th result's markup, once its file is in
            var at = source >= 0 ? ranks[k] : places[k];
            var batch = source >= 0 ? data.valueBatch : data.batch;
            return itemFile(data, folder + Math.floor(at / batch)).then(function (items) {
              return items[at % batch];
            });
          }
        },
        counts: counts
      };
    }

    function isEmpty(state) {
      return !state.q && FACETS.every(function (name) { return !state[name]; });
    }

    function readForm() {
      var state = {};
      var q = keywords.value.trim();
      if (q) state.q = q;
      FACETS.forEach(function (name) { if (selects[name].value) state[name] = selects[name].value; });
      if (q && sort.value) state.sort = sort.value;
      return state;
    }

    function readQuery() {
      var params = new URLSearchParams(window.location.search);
      var state = {};
      var q = (params.get("q") || "").trim();
      if (q) state.q = q;
      FACETS.forEach(function (name) {
        var value = params.get(name);
        // Only values the drop-down offers: a stale or mistyped link shows everything.
        if (value && Array.prototype.some.call(selects[name].options, function (o) { return o.value === value; })) {
          state[name] = value;
        }
      });
      if (q && params.get("sort") === "date") state.sort = "date";
      return state;
    }

    function toQuery(state) {
      var params = new URLSearchParams();
      if (state.q) params.set("q", state.q);
      FACETS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
      if (state.sort) params.set("sort", state.sort);
      var query = params.toString();
      return window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    }

    function showForm(state) {
      if (keywords.value.trim() !== (state.q || "")) keywords.value = state.q || "";
      FACETS.forEach(function (name) { selects[name].value = state[name] || ""; });
      sort.value = state.sort || "";
      sortField.hidden = !state.q;
      var active = FACETS.filter(function (name) { return state[name]; }).length;
      if (toggle) toggle.textContent = "Filters (" + active + " active)";
    }

    function setCount(shown) {
      // The live region (role="status") announces the new count.
      var text = "Showing " + shown + " of " + total + " communications";
      if (count.textContent !== text) count.textContent = text;
      if (empty) empty.hidden = shown !== 0;
    }

    function setOptionCounts(counts) {
      FACETS.forEach(function (name) {
        var byValue = counts[name] || {};
        Array.prototype.forEach.call(selects[name].options, function (option, i) {
          if (!option.value) return;
          var text = option.getAttribute("data-label") + " (" + (byValue[option.value] || 0) + ")";
          if (option.text !== text) option.text = text;
        });
      });
    }

    function showStatic() {
      list.replaceChildren.apply(list, staticItems);
      FACETS.forEach(function (name) {
        Array.prototype.forEach.call(selects[name].options, function (option, i) {
          if (option.text !== staticCounts[name][i]) option.text = staticCounts[name][i];
        });
      });
      setCount(total);
      moreField.hidden = true;
      if (pager) pager.hidden = false;
    }

    function itemOf(markup) {
      var template = document.createElement("template");
      template.innerHTML = markup;  // our own markup, escaped when the site was built
      return template.content.firstElementChild;
    }

    // The next batch of results into the list; resolves once they are in it.
    function renderMore(request, replace) {
      var batch = [];
      for (var k = rendered; k < Math.min(rendered + pageSize, results.length); k++) batch.push(results.item(k));
      return Promise.all(batch).then(function (data) {
        if (request !== asked) return null;
        var items = data.map(itemOf).filter(Boolean);
        if (replace) list.replaceChildren.apply(list, items);
        else items.forEach(function (item) { list.appendChild(item); });
        rendered += batch.length;
        moreField.hidden = rendered >= results.length;
        more.textContent = "Show more communications (" + (results.length - rendered) + " more)";
        return items;
      });
    }

    function apply(state) {
      var request = ++asked;
      shown = state;
      showForm(state);
      if (isEmpty(state)) {
        showStatic();
        form.setAttribute("data-answered", String(request));
        return Promise.resolve();
      }
      form.setAttribute("aria-busy", "true");
      var answered = state.q ? load().then(function (pagefind) { return answerFromIndex(pagefind, state, request); })
        : loadTable().then(function (data) {
          if (request !== asked) return;
          var answer = answerFromTable(data, state);
          results = answer.results;
          rendered = 0;
          return renderMore(request, true).then(function () { showAnswer(request, answer.counts); });
        });
      return answered.catch(function (error) {
        if (request !== asked) return;
        count.textContent = "Search is not available right now: " + error.message +
          ". The Browse by links list every communication.";
      }).then(function () {
        if (request !== asked) return;
        form.removeAttribute("aria-busy");
        form.setAttribute("data-answered", String(request));  // for tests and benchmarks
      });
    }

    function showAnswer(request, counts) {
      if (request !== asked) return;
      setOptionCounts(counts);
      setCount(results.length);
      if (pager) pager.hidden = true;
    }

    // Keywords (and any drop-downs with them): Pagefind finds the matching records, best
    // first; the table filters and counts them, and the item files show them.
    function answerFromIndex(pagefind, state, request) {
      return Promise.all([pagefind.search(state.q), loadTable(), loadPositions()]).then(function (got) {
        if (request !== asked) return;
        var at = got[2], candidates = [];
        got[0].results.forEach(function (result) {
          if (at[result.id] !== undefined) candidates.push(at[result.id]);
        });
        if (state.sort === "date") candidates.sort(function (a, b) { return a - b; });
        var answer = answerFromTable(got[1], state, candidates);
        results = answer.results;
        rendered = 0;
        return renderMore(request, true).then(function () { showAnswer(request, answer.counts); });
      });
    }

    function changed() {
      var state = readForm();
      var url = toQuery(state);
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        history.pushState(state, "", url);
      }
      return apply(state);
    }

    form.addEventListener("change", function (event) {
      if (event.target === keywords) return;  // typing is handled as it happens
      changed();
    });
    keywords.addEventListener("input", function () {
      clearTimeout(typing);
      if (keywords.value.trim()) load();  // fetched while the reader types
      typing = setTimeout(changed, TYPING_PAUSE_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(typing);
      changed();
    });
    form.addEventListener("reset", function (event) {
      event.preventDefault();
      clearTimeout(typing);
      keywords.value = "";
      history.pushState({}, "", toQuery({}));
      apply({});
    });
    more.addEventListener("click", function () {
      var first = rendered;
      var request = asked;
      renderMore(request, false).then(function (items) {
        // Keyboard readers go on from the first new result.
        var link = items && items[0] && items[0].querySelector("a");
        if (link && first) link.focus();
      }).catch(function (error) {
        if (request === asked) count.textContent = "More results could not be shown: " + error.message + ".";
      });
    });
    // Back and Forward restore the view. Following an in-page link (the skip link) fires
    // popstate too: the view is the same then, and redrawing the list would take the
    // reader's focus away from it.
    window.addEventListener("popstate", function () {
      var state = readQuery();
      if (toQuery(state) !== toQuery(shown)) apply(state);
    });
    // The table starts loading when the reader turns to the finder, the index when they
    // turn to the keyword box: neither with the page.
    form.addEventListener("focusin", loadTable, {once: true});
    form.addEventListener("pointerover", loadTable, {once: true});
    keywords.addEventListener("focus", load, {once: true});

    // Narrow screens: the drop-downs fold behind a button that says how many are set.
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    facets.hidden = false;
    Array.prototype.forEach.call(facets.querySelectorAll("select"), function (select) { select.disabled = false; });
    form.classList.add("comms-filters--live");
    var header = document.querySelector(".comms-header-search");
    if (header) {  // on the home page, the header's box asks the finder in place
      header.addEventListener("submit", function (event) {
        event.preventDefault();
        keywords.value = header.elements.q.value;
        changed().then(function () { document.getElementById("comms-results").focus(); });
      });
    }
    apply(readQuery());
  }

  // The page keyword boxes submit to without JavaScript: with it, the finder answers.
  function setupSearchPage(page) {
    var finder = new URL(page.getAttribute("data-finder"), window.location.href);
    finder.search = window.location.search;
    window.location.replace(finder.href);
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

  // Material's menu button (narrow screens) is a label, which keyboards cannot reach and
  // which may not take the role of a button (ARIA in HTML): a real button takes its place
  // and toggles the theme's drawer as a click on the label does.
  function setupMenuButton() {
    var toggle = document.getElementById("__drawer");
    var label = document.querySelector('.md-header label[for="__drawer"]');
    if (!toggle || !label) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = label.className + " comms-menu";
    button.setAttribute("aria-label", "Navigation menu");
    button.setAttribute("data-comms-menu", "");
    Array.prototype.forEach.call(label.childNodes, function (node) { button.appendChild(node.cloneNode(true)); });
    label.parentNode.insertBefore(button, label);
    label.hidden = true;
    var sync = function () { button.setAttribute("aria-expanded", toggle.checked ? "true" : "false"); };
    sync();
    toggle.addEventListener("change", sync);
    button.addEventListener("click", function () {
      toggle.click();  // what a pointer on the label does: the theme sees an ordinary toggle
      sync();
      // The open menu covers the page, this button included: focus goes into it.
      var first = toggle.checked && document.querySelector(".md-sidebar--primary a[href]");
      if (first) first.focus();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) {
        toggle.click();
        sync();
        button.focus();
      }
    });
  }

  function start() {
    setupMenuButton();
    var searchPage = document.querySelector("[data-comms-search-page]");
    if (searchPage) return setupSearchPage(searchPage);
    var filters = document.getElementById("comms-filters");
    if (filters) setupFinder(filters);
    Array.prototype.forEach.call(document.querySelectorAll("[data-comms-archive]"), setupArchive);
    addPrintUrls();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
