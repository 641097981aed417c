// dmsite: filter and sort record tables in the browser; without JavaScript they stay plain tables.
(function () {
  "use strict";

  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) return x - y;
    return a.localeCompare(b);
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.setAttribute("aria-sort", "none");
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(cellKey(r1, index), cellKey(r2, index));
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }

  function makeFilterable(table) {
    var bar = document.createElement("div");
    bar.className = "dm-filter";
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Filter rows…";
    input.setAttribute("aria-label", "Filter table rows");
    var count = document.createElement("span");
    count.className = "dm-filter-count";
    bar.appendChild(input);
    var selects = [];
    (table.getAttribute("data-facets") || "").split(",").forEach(function (spec) {
      if (!spec) return;
      var index = parseInt(spec, 10);
      var header = table.tHead.rows[0].cells[index];
      if (!header) return;
      var values = {};
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) { values[cellKey(r, index)] = true; });
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
      select.addEventListener("change", apply);
      selects.push(select);
      bar.appendChild(select);
    });
    bar.appendChild(count);
    table.parentNode.insertBefore(bar, table);

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (r) {
        var text = r.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        selects.forEach(function (s) {
          if (s.value && cellKey(r, parseInt(s.dataset.column, 10)) !== s.value) ok = false;
        });
        r.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " rows";
    }
    input.addEventListener("input", apply);
    apply();
  }

  function init() {
    document.querySelectorAll("table.dm-interactive").forEach(function (t) {
      if (!t.tBodies.length) return;
      makeSortable(t);
      makeFilterable(t);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
