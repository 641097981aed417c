// dmsite: search ranking (Sphinx's html_search_scorer): a record whose id or name is the query comes first,
// and result snippets leave out graphs (their labels and internal ids are not text a reader searched for).
var Scorer = {
  score: function (result) {
    var query = (new URLSearchParams(window.location.search).get("q") || "").trim().toLowerCase();
    var title = String(result[1] || "").toLowerCase();
    var score = result[4];
    if (query && result[6] === "object") {
      // "DM-AP-14 — Alert Production …" for the id, "Qserv (qserv-dbms)" for the name
      if (title === query || title.indexOf(query + " \u2014 ") === 0 || title.indexOf(query + " (") === 0
          || title.slice(-query.length - 2) === "(" + query + ")") score += 100;
    }
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
