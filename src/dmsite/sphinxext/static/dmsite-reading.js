// dmsite: "On this page" for long pages of record entries, and a "newest" badge in the version switcher.
(function () {
  "use strict";

  var MIN_ENTRIES = 8; // fewer entries than this: the page is short enough without a list

  function entryLinks() {
    var found = [];
    document.querySelectorAll(".bd-article .dm-entry[id] > .dm-entry-title, .bd-article .dm-milestone-detail[id] > .dm-milestone-title")
      .forEach(function (title) {
        var clone = title.cloneNode(true);
        clone.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
        found.push({ id: title.parentNode.id, text: clone.textContent.replace(/\s+/g, " ").trim() });
      });
    return found;
  }

  function onThisPage() {
    var sidebar = document.querySelector(".bd-sidebar-secondary .sidebar-secondary-items");
    if (!sidebar || document.querySelector(".bd-sidebar-secondary nav.page-toc li")) return;
    var entries = entryLinks();
    if (entries.length < MIN_ENTRIES) return;
    var item = document.createElement("div");
    item.className = "sidebar-secondary-item dm-on-this-page";
    var heading = document.createElement("div");
    heading.className = "page-toc tocsection onthispage";
    heading.id = "dm-on-this-page-heading";
    heading.textContent = "On this page";
    var nav = document.createElement("nav");
    nav.className = "bd-toc-nav page-toc";
    nav.setAttribute("aria-labelledby", heading.id);
    var list = document.createElement("ul");
    list.className = "nav section-nav flex-column";
    entries.forEach(function (entry) {
      var li = document.createElement("li");
      li.className = "toc-h2 nav-item toc-entry";
      var a = document.createElement("a");
      a.className = "reference internal nav-link";
      a.href = "#" + entry.id;
      a.textContent = entry.text;
      li.appendChild(a);
      list.appendChild(li);
    });
    nav.appendChild(list);
    item.appendChild(heading);
    item.appendChild(nav);
    sidebar.insertBefore(item, sidebar.firstChild);
    
  }

  // the switcher's entries are written by the theme once it has read switcher.json: then mark the newest
  function newestBadge() {
    // eslint-disable-next-line no-undef -- a global const of Sphinx's documentation_options.js, not on window
    var options = typeof DOCUMENTATION_OPTIONS !== "undefined" ? DOCUMENTATION_OPTIONS : {};
    var button = document.querySelector(".version-switcher__button");
    if (!button || !options.theme_switcher_json_url) return;
    var root = new URL(document.documentElement.dataset.content_root || "./", window.location.href);
    fetch(new URL(options.theme_switcher_json_url, root)).then(function (r) { return r.json(); }).then(function (entries) {
      var newest = (entries.filter(function (e) { return e.preferred; })[0] || {}).version;
      if (!newest) return;
      function mark() {
        document.querySelectorAll(".version-switcher__menu a[data-version]").forEach(function (a) {
          if (a.dataset.version === newest && !a.querySelector(".dm-newest-badge")) badge(a);
        });
        document.querySelectorAll(".version-switcher__button").forEach(function (b) {
          if (b.dataset.activeVersion === newest && !b.querySelector(".dm-newest-badge")) badge(b);
        });
      }
      mark();
      new MutationObserver(mark).observe(document.querySelector(".version-switcher__container") || document.body,
        { childList: true, subtree: true });
    }).catch(function () { /* no switcher.json: no badge */ });
  }

  function badge(element) {
    var span = document.createElement("span");
    span.className = "dm-newest-badge";
    span.textContent = "newest";
    element.appendChild(document.createTextNode(" "));
    element.appendChild(span);
  }

  function init() {
    onThisPage();
    newestBadge();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
