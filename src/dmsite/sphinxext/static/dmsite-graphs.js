// dmsite: every graph and chart opens fitted to its column, or at a legible scale centred on what matters,
// with controls to zoom, pan, reset, view full screen and open the SVG alone (pan and zoom: vendor/panzoom.min.js).
// Without JavaScript a graph stays a plain inline SVG that scrolls sideways in its box.
(function () {
  "use strict";

  var LABEL_PX = 10; // labels open at least this big on screen (their median size)
  var STEP = 0.3; // one zoom step (the scale is multiplied by e^0.3)
  var PAN = 60; // pixels an arrow key moves the view
  var SVGNS = "http://www.w3.org/2000/svg";

  function naturalSize(svg) {
    var w = svg.width && svg.width.baseVal ? svg.width.baseVal.value : 0;
    var h = svg.height && svg.height.baseVal ? svg.height.baseVal.value : 0;
    if ((!w || !h) && svg.viewBox && svg.viewBox.baseVal) {
      w = svg.viewBox.baseVal.width;
      h = svg.viewBox.baseVal.height;
    }
    return { w: w || 1, h: h || 1 };
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  // Where a graph should open: on milestones still to do (the leftmost open or overdue one of the element
  // shown), else a burndown's status date, else on the node with the most lines (the head of a tree), else a
  // chart's top left (its labels).
  // Returns a point in the SVG's own pixels.
  function focusPoint(svg, size) {
    var box = svg.getBoundingClientRect();
    var sx = size.w / (box.width || 1), sy = size.h / (box.height || 1);
    function centre(node) {
      var r = node.getBoundingClientRect();
      return { x: (r.left + r.width / 2 - box.left) * sx, y: (r.top + r.height / 2 - box.top) * sy };
    }
    var best = null;
    svg.querySelectorAll("g.node.dm-home.dm-overdue, g.node.dm-home.dm-open").forEach(function (node) {
      var at = centre(node);
      if (!best || at.x < best.x - 1 || (Math.abs(at.x - best.x) <= 1 && at.y < best.y)) best = at;
    });
    if (best) return best;
    var today = svg.classList.contains("dm-burndown") && svg.querySelector(".dm-today line");
    if (today) return { x: centre(today).x, y: size.h / 2 }; // a burndown: around the status date
    var degree = {};
    svg.querySelectorAll("g.edge > title").forEach(function (title) {
      title.textContent.split("->").forEach(function (end) { end = end.trim(); degree[end] = (degree[end] || 0) + 1; });
    });
    var head = null, most = 0;
    svg.querySelectorAll("g.node").forEach(function (node) {
      var title = node.querySelector("title"), d = title ? degree[title.textContent.trim()] || 0 : 0;
      if (d > most) { most = d; head = node; }
    });
    return head ? centre(head) : { x: 0, y: 0 };
  }

  // The start of a view of a graph of natural *size* in a port *width* wide: its scale, the port height and
  // the offset of the graph's top-left corner in the port.
  // The scale at which the graph's median label is LABEL_PX on screen.
  function legibleScale(svg, size) {
    var box = svg.viewBox && svg.viewBox.baseVal, perUnit = box && box.width ? size.w / box.width : 1;
    var sizes = Array.prototype.filter.call(svg.querySelectorAll("text"), function (t) { return t.textContent.trim(); })
      .map(function (t) { return parseFloat(window.getComputedStyle(t).fontSize) || 10; }).sort(function (a, b) { return a - b; });
    var median = sizes.length ? sizes[Math.floor(sizes.length / 2)] * perUnit : 13;
    return clamp(LABEL_PX / median, 0.4, 1.5);
  }

  function plan(svg, size, width, maxHeight) {
    var legible = legibleScale(svg, size);
    var fitWidth = Math.min(1, width / size.w);
    var fitAll = Math.min(fitWidth, maxHeight / size.h);
    if (fitAll >= legible) {
      var s = fitAll;
      return { scale: s, fits: true, height: size.h * s, x: (width - size.w * s) / 2, y: 0, fitAll: fitAll };
    }
    var scale = fitWidth >= legible ? fitWidth : legible;
    var height = Math.min(size.h * scale, maxHeight);
    var focus = focusPoint(svg, size);
    function offset(port, extent, at) {
      if (extent * scale <= port) return (port - extent * scale) / 2;
      return clamp(port / 2 - at * scale, port - extent * scale, 0);
    }
    return {
      scale: scale, fits: false, height: height, fitAll: fitAll,
      x: offset(width, size.w, focus.x), y: offset(height, size.h, focus.y),
    };
  }

  function button(label, title, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "dm-viewer-button";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.dataset.action = action;
    return b;
  }

  function standaloneSvg(svg) {
    var clone = svg.cloneNode(true);
    clone.removeAttribute("style");
    if (!clone.getAttribute("xmlns")) clone.setAttribute("xmlns", SVGNS);
    clone.querySelectorAll("a").forEach(function (a) {
      ["href", "xlink:href"].forEach(function (name) {
        var value = a.getAttribute(name);
        if (value) a.setAttribute(name, new URL(value, document.baseURI).href);
      });
    });
    return new XMLSerializer().serializeToString(clone);
  }

  function makeViewer(svg) {
    var graph = svg.parentNode;
    var size = naturalSize(svg);
    var viewer = document.createElement("div");
    viewer.className = "dm-viewer";
    var bar = document.createElement("div");
    bar.className = "dm-viewer-bar";
    bar.setAttribute("role", "toolbar");
    var name = (svg.querySelector("title") || {}).textContent || "graph";
    bar.setAttribute("aria-label", "Graph view: " + name.trim());
    [button("+", "Zoom in", "in"), button("\u2212", "Zoom out", "out"), button("Reset", "Reset the view", "reset"),
      button("Full screen", "View full screen", "full")].forEach(function (b) { bar.appendChild(b); });
    var alone = document.createElement("a");
    alone.className = "dm-viewer-button dm-viewer-svg";
    alone.textContent = "SVG";
    alone.title = "Open the graph alone, as an SVG file";
    alone.target = "_blank";
    alone.rel = "noopener";
    alone.href = "#";
    bar.appendChild(alone);
    var hint = document.createElement("span");
    hint.className = "dm-viewer-hint";
    hint.textContent = "Drag to pan \u00b7 Ctrl + wheel or pinch to zoom";
    bar.appendChild(hint);
    var port = document.createElement("div");
    port.className = "dm-viewer-port";
    port.tabIndex = 0;
    port.setAttribute("aria-label", "Graph (arrow keys pan, + and \u2212 zoom, 0 resets)");
    graph.insertBefore(viewer, svg);
    viewer.appendChild(bar);
    viewer.appendChild(port);
    port.appendChild(svg);
    graph.classList.add("dm-graph-viewer");
    svg.style.width = size.w + "px";
    svg.style.height = size.h + "px";

    var panzoom = null, view = null, touched = false, full = false;

    function apply() {
      var width = port.clientWidth || graph.clientWidth || size.w;
      var maxHeight = full ? window.innerHeight - bar.offsetHeight : Math.max(260, window.innerHeight * 0.7);
      view = plan(svg, size, width, maxHeight);
      port.style.height = (full ? maxHeight : Math.ceil(view.height)) + "px";
      viewer.dataset.fits = view.fits ? "yes" : "no";
      var s = view.scale, cx = size.w / 2, cy = size.h / 2;
      var options = {
        startScale: s, startX: (view.x - cx) / s + cx, startY: (view.y - cy) / s + cy,
        minScale: Math.min(view.fitAll, s) * 0.8, maxScale: Math.max(4, 2 / s), step: STEP, cursor: "grab",
        origin: "50% 50%",
      };
      if (!panzoom) {
        panzoom = window.Panzoom(svg, options);
      } else {
        panzoom.setOptions(options);
      }
      panzoom.reset({ animate: false });
    }

    function zoomBy(direction) {
      var r = port.getBoundingClientRect();
      var to = panzoom.getScale() * Math.exp(direction * STEP);
      panzoom.zoomToPoint(to, { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 });
      touched = true;
    }

    function panBy(dx, dy) {
      var s = panzoom.getScale();
      panzoom.pan(dx / s, dy / s, { relative: true, animate: false });
      touched = true;
    }

    function setFull(on) {
      full = on;
      viewer.classList.toggle("dm-viewer-full", on);
      document.documentElement.classList.toggle("dm-viewer-open", on);
      var b = bar.querySelector("[data-action=full]");
      b.textContent = on ? "Close" : "Full screen";
      b.title = on ? "Leave full screen" : "View full screen";
      b.setAttribute("aria-label", b.title);
      apply();
      port.focus({ preventScroll: true });
    }

    bar.addEventListener("click", function (e) {
      var target = e.target.closest("[data-action]");
      if (!target) return;
      var action = target.dataset.action;
      if (action === "in") zoomBy(1);
      else if (action === "out") zoomBy(-1);
      else if (action === "reset") { panzoom.reset({ animate: false }); touched = false; }
      else if (action === "full") setFull(!full);
    });
    alone.addEventListener("click", function () {
      if (alone.href.indexOf("blob:") === 0) URL.revokeObjectURL(alone.href);
      alone.href = URL.createObjectURL(new Blob([standaloneSvg(svg)], { type: "image/svg+xml" }));
    });
    port.addEventListener("wheel", function (e) {
      if (!(e.ctrlKey || e.metaKey || full)) return; // a plain wheel scrolls the page
      panzoom.zoomWithWheel(e);
      touched = true;
    }, { passive: false });
    port.addEventListener("keydown", function (e) {
      var keys = { ArrowLeft: [PAN, 0], ArrowRight: [-PAN, 0], ArrowUp: [0, PAN], ArrowDown: [0, -PAN] };
      if (keys[e.key] && (e.target === port)) { panBy(keys[e.key][0], keys[e.key][1]); }
      else if (e.key === "+" || e.key === "=") zoomBy(1);
      else if (e.key === "-" || e.key === "_") zoomBy(-1);
      else if (e.key === "0") { panzoom.reset({ animate: false }); touched = false; }
      else if (e.key === "Escape" && full) setFull(false);
      else return;
      e.preventDefault();
    });
    // a node reached by Tab is brought into view
    svg.addEventListener("focusin", function (e) {
      var r = e.target.getBoundingClientRect(), p = port.getBoundingClientRect();
      if (r.left >= p.left && r.right <= p.right && r.top >= p.top && r.bottom <= p.bottom) return;
      panBy(p.left + p.width / 2 - (r.left + r.width / 2), p.top + p.height / 2 - (r.top + r.height / 2));
    });
    // a drag that ends on a node is a pan, not a click on its link
    var down = null, dragged = false;
    svg.addEventListener("pointerdown", function (e) { down = [e.clientX, e.clientY]; dragged = false; }, true);
    document.addEventListener("pointermove", function (e) {
      if (down && Math.abs(e.clientX - down[0]) + Math.abs(e.clientY - down[1]) > 6) { dragged = true; touched = true; }
    }, true);
    document.addEventListener("pointerup", function () { down = null; }, true);
    svg.addEventListener("click", function (e) {
      if (dragged) { e.preventDefault(); e.stopPropagation(); dragged = false; }
    }, true);

    var lastWidth = 0;
    function refit() {
      var width = port.clientWidth;
      if (width === lastWidth || (touched && !full)) return;
      lastWidth = width;
      apply();
    }
    apply();
    lastWidth = port.clientWidth;
    window.addEventListener("resize", function () { window.requestAnimationFrame(refit); });
    return viewer;
  }

  function init() {
    if (typeof window.Panzoom !== "function") return;
    document.querySelectorAll(".dm-graph > svg, .dm-burndown-figure > svg.dm-chart").forEach(makeViewer);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
