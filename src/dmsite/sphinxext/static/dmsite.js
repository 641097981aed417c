// dmsite: filter and sort record tables in the browser; without JavaScript they stay plain tables.
// Fast at 10,000 rows (issue 20): each row's search text and sort keys are read from the page once, in
// idle moments after load, and kept; a filter or sort writes to the page in one batch and never reads
// layout; a filter touches only the rows whose visibility changes; a long table's rows come in <tbody>
// chunks that the browser lays out only on screen (render/tables.py, dmsite.css "long record tables").
(function () {
  "use strict";

  var collator = new Intl.Collator();
  var BATCH = 4096;  // rows put in one call (an engine limits a call's arguments)
  var SLICE = 250;  // rows read between two looks at the clock
  var PLAIN = /^[0-9A-Z .-]*$|^[0-9a-z .-]*$/;  // keys the collator orders as their code points do

  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function number(text) {
    var x = parseFloat(text);
    return !isNaN(x) && String(x) === text ? x : NaN;
  }

  function compare(a, b) {
    var x = number(a), y = number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return collator.compare(a, b);
  }

  // One value per row, read from the page a slice at a time in idle moments (step), or all at once
  // when it is needed before (all).
  function Reading(rows, read) {
    this.rows = rows;
    this.read = read;
    this.values = new Array(rows.length);
    this.done = 0;
  }

  Reading.prototype.step = function (deadline) {
    var n = this.rows.length;
    while (this.done < n && deadline.timeRemaining() > 1) {
      for (var end = Math.min(this.done + SLICE, n); this.done < end; this.done++) {
        this.values[this.done] = this.read(this.rows[this.done]);
      }
    }
    return this.done === n;
  };

  Reading.prototype.all = function () {
    for (var n = this.rows.length; this.done < n; this.done++) this.values[this.done] = this.read(this.rows[this.done]);
    return this.values;
  };

  // Readings waiting for idle moments, read in turn; a keystroke waits for at most one slice.
  var waiting = [];
  var idle = window.requestIdleCallback || function (f) {
    return setTimeout(function () { var end = Date.now() + 8; f({ timeRemaining: function () { return end - Date.now(); } }); }, 50);
  };
  function readLater(reading) {
    if (waiting.push(reading) > 1) return;
    idle(function tick(deadline) {
      while (waiting.length && deadline.timeRemaining() > 1) if (waiting[0].step(deadline)) waiting.shift();
      if (waiting.length) idle(tick);
    });
  }

  // One table's rows in their page order, with what the script knows of them.  A long table holds its rows
  // in <tbody> chunks; each chunk's --dm-rows (the rows it shows) sizes it while it is off screen.
  function Rows(table) {
    this.bodies = Array.prototype.slice.call(table.tBodies);
    this.rows = [];
    this.chunk = this.bodies[0].rows.length || 1;
    this.sized = table.classList.contains("dm-long");
    for (var b = 0; b < this.bodies.length; b++) Array.prototype.push.apply(this.rows, this.bodies[b].rows);
    this.shown = new Uint8Array(this.rows.length).fill(1);
    this.at = this.rows.map(function (_, i) { return i; });  // row → its place in the page's order
    this.counts = this.bodies.map(function (b) { return b.rows.length; });
    this.texts = new Reading(this.rows, function (r) { return r.textContent.toLowerCase(); });
    this.keys = [];  // column index → the Reading of each row's sort key
    this.sorts = [];  // column index → those keys as a sort compares them
    var cells = this.rows.length ? this.rows[0].cells.length : 0;
    for (var i = 0; i < cells; i++) this.keys.push(this.keyReading(i));
  }

  Rows.prototype.keyReading = function (index) {
    return new Reading(this.rows, function (r) { return cellKey(r, index); });
  };

  // Read the search text, then every column's keys, in idle moments.
  Rows.prototype.readLater = function () {
    readLater(this.texts);
    this.keys.forEach(readLater);
  };

  Rows.prototype.column = function (index) {
    if (!this.keys[index]) this.keys[index] = this.keyReading(index);
    return this.keys[index].all();
  };

  // The column's keys as sorting compares them: numbers where every key of a pair is one, else text.
  Rows.prototype.sortKeys = function (index) {
    if (!this.sorts[index]) {
      var keys = this.column(index);
      this.sorts[index] = { keys: keys, nums: keys.map(number), plain: keys.every(function (k) { return PLAIN.test(k); }) };
    }
    return this.sorts[index];
  };

  Rows.prototype.searchText = function () {
    return this.texts.all();
  };

  // Each chunk's count of rows shown, written where it changed.
  Rows.prototype.size = function () {
    if (!this.sized) return;
    var counts = this.bodies.map(function () { return 0; });
    for (var i = 0; i < this.rows.length; i++) counts[Math.floor(this.at[i] / this.chunk)] += this.shown[i];
    for (var b = 0; b < counts.length; b++) {
      if (counts[b] === this.counts[b]) continue;
      this.bodies[b].style.setProperty("--dm-rows", String(counts[b]));
      this.bodies[b].hidden = !counts[b];  // an empty chunk of no height would count as on screen, and be laid out
    }
    this.counts = counts;
  };

  // Show the rows *keep* accepts and hide the others, touching only those that change; returns the count shown.
  Rows.prototype.show = function (keep) {
    var shown = 0, rows = this.rows, state = this.shown;
    for (var i = 0; i < rows.length; i++) {
      var ok = keep(i) ? 1 : 0;
      if (ok !== state[i]) { rows[i].hidden = !ok; state[i] = ok; }
      shown += ok;
    }
    this.size();
    return shown;
  };

  // Put the rows in the order of column *index*; ties keep the page's order.
  Rows.prototype.sort = function (index, ascending) {
    var sk = this.sortKeys(index), keys = sk.keys, nums = sk.nums, plain = sk.plain, sign = ascending ? 1 : -1;
    var order = keys.map(function (_, i) { return i; });
    order.sort(function (i, j) {
      var a = keys[i], b = keys[j];
      var c = !isNaN(nums[i]) && !isNaN(nums[j]) ? nums[i] - nums[j]
        : plain ? (a < b ? -1 : a > b ? 1 : 0) : collator.compare(a, b);  // plain: code points order as the collator
      return sign * c || i - j;
    });
    var size = this.chunk, rows = this.rows, at = this.at, bodies = this.bodies;
    bodies.forEach(function (body, b) {  // the rows a chunk held wait off the page until their own chunk takes them
      var last = b === bodies.length - 1 ? order.length : (b + 1) * size;
      var mine = order.slice(b * size, last).map(function (i, k) { at[i] = b * size + k; return rows[i]; });
      body.replaceChildren();
      for (var k = 0; k < mine.length; k += BATCH) body.append.apply(body, mine.slice(k, k + BATCH));
    });
    this.size();
  };

  function makeSortable(table, rows) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.setAttribute("aria-sort", "none");
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(index, ascending);
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }

  function facetSelect(table, rows, index) {
    var header = table.tHead.rows[0].cells[index];
    if (!header) return null;
    var values = {};
    rows.column(index).forEach(function (v) { values[v] = true; });
    var select = document.createElement("select");
    select.setAttribute("aria-label", "Filter by " + header.textContent);
    select.dataset.column = String(index);
    var all = document.createElement("option");
    all.value = ""; all.textContent = header.textContent + ": all";
    select.appendChild(all);
    Object.keys(values).sort(compare).forEach(function (v) {
      var o = document.createElement("option");
      o.value = v; o.textContent = v || "(none)";
      select.appendChild(o);
    });
    return select;
  }

  function makeFilterable(table, rows) {
    var bar = document.createElement("div");
    bar.className = "dm-filter";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter rows…";
    input.setAttribute("aria-label", "Filter table rows");
    var count = document.createElement("span");
    count.className = "dm-filter-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(input);
    var selects = [];
    (table.getAttribute("data-facets") || "").split(",").forEach(function (spec) {
      var select = spec ? facetSelect(table, rows, parseInt(spec, 10)) : null;
      if (!select) return;
      select.addEventListener("change", apply);
      selects.push(select);
      bar.appendChild(select);
    });
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var texts = words.length ? rows.searchText() : null;
      var facets = selects.filter(function (s) { return s.value; }).map(function (s) {
        return { keys: rows.column(parseInt(s.dataset.column, 10)), value: s.value };
      });
      var shown = rows.show(function (i) {
        for (var w = 0; w < words.length; w++) if (texts[i].indexOf(words[w]) < 0) return false;
        for (var f = 0; f < facets.length; f++) if (facets[f].keys[i] !== facets[f].value) return false;
        return true;
      });
      count.textContent = shown + " of " + rows.rows.length + " rows";
    }
    input.addEventListener("input", apply);
    count.textContent = rows.rows.length + " of " + rows.rows.length + " rows";
  }

  function init() {
    var tables = [];
    document.querySelectorAll("table.dm-interactive").forEach(function (t) {
      if (!t.tBodies.length) return;
      var rows = new Rows(t);
      makeSortable(t, rows);
      makeFilterable(t, rows);
      tables.push(rows);
    });
    // read the search text and the sort keys while the reader is still looking, not on the first keystroke or click
    tables.forEach(function (rows) { rows.readLater(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
