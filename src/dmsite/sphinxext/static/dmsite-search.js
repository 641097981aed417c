// dmsite: search ranking (Sphinx's html_search_scorer).  Records are listed as "ID — Name" (or "Name (slug)"):
// the one whose id is the query comes first, then one whose name is it, then names that begin with it (shorter
// first).  Result snippets leave out graphs: their labels and internal ids are not text a reader searched for.
var Scorer = {
  score: function (result) {
    var query = (new URLSearchParams(window.location.search).get("q") || "").trim().toLowerCase();
    var score = result[4];
    if (result[6] !== "object") return score;
    var title = String(result[1] || ""), id = title, name = "";
    var dash = title.indexOf(" \u2014 "), slug = title.match(/^(.*) \(([^()]*)\)$/);
    if (dash > 0) { id = title.slice(0, dash); name = title.slice(dash + 3); }
    else if (slug) { name = slug[1]; id = slug[2]; }
    // Sphinx rebuilds the shortened anchor "type-id" from the listed title: put the id back
    var anchor = /^#([A-Za-z]+)-/.exec(String(result[2] || ""));
    if (anchor && id !== title) result[2] = "#" + anchor[1] + "-" + id;
    id = id.toLowerCase();
    name = name.toLowerCase();
    if (!query) return score;
    if (id === query) return score + 100;
    if (name === query) return score + 80;
    if (name.indexOf(query + " ") === 0) return score + 40 - Math.min(name.length, 200) / 10;
    return score;
  },
  // Sphinx's defaults
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};

document.addEventListener("DOMContentLoaded", function () {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  var htmlToText = Search.htmlToText;
  Search.htmlToText = function (html, anchor) {
    return htmlToText(String(html).replace(/<svg\b[\s\S]*?<\/svg>/gi, ""), anchor);
  };
});
