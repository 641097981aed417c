"""The bibliography functions without Sphinx: names, entries, handles found in text, .bib reading."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from dmsite.analyses.citations import cited_handles
from dmsite.analyses.glossary import caps_tokens, used_terms
from dmsite.data.bibtex import read_bib
from dmsite.data.catalog import Catalog
from dmsite.data.model import Document
from dmsite.render.bibliography import entry_html, format_authors, link_handles, to_bibtex


def _catalog(*handles: str) -> Catalog:
    docs = [Document(handle=h, title=f"Title of {h}") for h in handles]
    return Catalog.from_records(docs, dt.date(2021, 5, 10))


def test_authors_are_abbreviated_like_the_seeds() -> None:
    assert format_authors(["Kian-Tat Lim", "Bosch, Jim", "O'Mullane, William", "Mario Jurić"]) == [
        "Lim, K.-T.", "Bosch, J.", "O'Mullane, W.", "Jurić, M.",
    ]
    assert format_authors(["A B", "C D", "E F", "G H", "I J"]) == ["B, A.", "D, C.", "F, E.", "et al."]
    assert format_authors(["The LSST Systems Engineering Integrated Project Team", "{LSST Project}"]) == [
        "The LSST Systems Engineering Integrated Project Team", "LSST Project",
    ]


def test_entry_without_authors_and_escaping() -> None:
    doc = Document(handle="LSE-130", title="Data <Items> & more", url="https://ls.st/LSE-130?a=1&b=2")
    assert entry_html(doc) == (
        '<strong class="dm-cite-label">[LSE-130]</strong> <em>Data &lt;Items&gt; &amp; more</em>, LSE-130, '
        'URL <a class="reference external" href="https://ls.st/LSE-130?a=1&amp;b=2">https://ls.st/LSE-130?a=1&amp;b=2</a>'
    )


def test_cited_handles_are_whole_words_in_order() -> None:
    catalog = _catalog("LDM-151", "LDM-15", "LSE-163", "LDM-503")
    text = "As LDM-151 §3.1 and LSE-163 [14] say; LDM-151 again; not LDM-503-10a, XLDM-15, LDM-1510."
    assert cited_handles(text, catalog) == ["LDM-151", "LSE-163"]


def test_link_handles_skips_tags_and_links() -> None:
    catalog = _catalog("LDM-151")
    html = '<p>See LDM-151 §3.1, <a href="x">LDM-151</a> and <img alt="LDM-151"></p>'
    assert link_handles(html, catalog) == (
        '<p>See <a class="dm-cite" href="dmsite-cite:LDM-151">LDM-151</a> §3.1, <a href="x">LDM-151</a> '
        'and <img alt="LDM-151"></p>'
    )
    assert link_handles(html, _catalog()) == html


def test_bibtex_round_trip() -> None:
    doc = Document(handle="LDM-148", title="Data Management System Design", authors=["Kian-Tat Lim"], year=2018)
    records, problems = read_bib(to_bibtex([doc]), "out.bib")
    assert problems == []
    values = records[0][0]
    assert (values["handle"], values["title"], values["authors"], values["year"]) == (
        "LDM-148", "Data Management System Design", ["Lim, Kian-Tat"], 2018,
    )


def test_latex_in_bib_fields_becomes_text() -> None:
    records, _ = read_bib("@misc{DMTN-1, title={The {LSST} Juri{\\'c} \\& co}, author={Juri{\\'c}, Mario}}", "x.bib")
    assert records[0][0]["title"] == "The LSST Jurić & co"
    assert records[0][0]["authors"] == ["Jurić, Mario"]
    assert records[0][0]["series"] == "DMTN"


def test_terms_and_caps_tokens() -> None:
    text = "The DM team and two DACs; DM-AP-10 is an id; AP-like; FOO and BAR-baz; DMS-REQ-0002."
    assert used_terms(text, ["DM", "AP", "DAC", "Butler"]) == {"DM", "DAC"}
    assert set(caps_tokens(text)) == {"DM", "AP", "FOO", "BAR"}  # ids with digits are skipped whole


def _caps_tokens_word_by_word(text: str) -> Counter[str]:
    """The rule, spelled out: every word of letters, digits and inner hyphens, one by one."""
    counts: Counter[str] = Counter()
    for word in re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", text):
        if not ("-" in word and any(c.isdigit() for c in word)):
            counts.update(part for part in word.split("-") if re.fullmatch(r"[A-Z]{2,}[0-9]*", part))
    return counts


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ABDMab01-- .;\n", max_size=60))
def test_caps_tokens_follow_the_word_rule(text: str) -> None:
    assert caps_tokens(text) == _caps_tokens_word_by_word(text)
