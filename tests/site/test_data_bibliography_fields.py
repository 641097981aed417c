"""The DM site's document records give a bibliography only what the seeds say.

A title the seeds do not give is not printed twice ("[DMTR-301] DMTR-301, DMTR-301"), and a
document is a paper only where a seed's reference shows it in a journal or proceedings.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from support import REPO_ROOT

from dmsite.data.catalog import Catalog
from dmsite.data.load import build_catalog
from dmsite.data.model import Document
from dmsite.render.bibliography import entry_html

DATA = REPO_ROOT / "content" / "data"


@cache
def catalog() -> Catalog:
    return build_catalog(DATA, dt.date(2021, 5, 10))


def shown(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_an_unknown_title_is_not_printed_in_place_of_the_title() -> None:
    for handle in ("DMTR-301", "LSE-14"):
        assert shown(entry_html(catalog().documents[handle])) == f"[{handle}] {handle}"
    assert "<em>Data Management System Design</em>, LDM-148," in entry_html(catalog().documents["LDM-148"])


def test_title_equal_to_the_handle_is_the_only_title_left_out() -> None:
    doc = Document(handle="X-1", title="A title", authors=["Lim, K.-T."], year=2018)
    assert shown(entry_html(doc)) == "[X-1], Lim, K.-T., 2018, A title, X-1"


def test_papers_are_the_references_in_a_journal_or_proceedings() -> None:
    papers = {d.handle for d in catalog().documents.values() if d.series == "paper"}
    assert papers == {"Larman2003", "Kahn2010", "Gressler2014", "Selvy2014", "Juric2017", "OMullane2021"}
    for handle in ("Bauer2020", "Blum2020", "PST2020", "Jenness2020", "Dubois-Felsmann2018"):
        assert catalog().documents[handle].series is None, handle
