"""The document tree as data: each document's relations and which documents a tree shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..data.catalog import Catalog
from ..data.model import Document


def related(catalog: Catalog) -> dict[str, list[tuple[str, str, str]]]:
    """handle → [(direction '→'/'←', relation type, other handle)], sorted."""
    relations: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for doc in catalog.documents.values():
        for rel in doc.relations:
            relations[doc.handle].append(("→", rel.type, rel.to))
            relations[rel.to].append(("←", rel.type, doc.handle))
    return {h: sorted(set(r)) for h, r in relations.items()}


def tree_documents(catalog: Catalog, handles: Iterable[str] = (), series: Iterable[str] = ()) -> list[Document]:
    """The documents a tree shows: those named, else those of the series, else every related one."""
    wanted, wanted_series = set(handles), set(series)
    if wanted:
        chosen = [d for h, d in catalog.documents.items() if h in wanted]
    elif wanted_series:
        chosen = [d for d in catalog.documents.values() if d.series in wanted_series]
    else:
        linked = related(catalog)
        chosen = [d for h, d in catalog.documents.items() if h in linked]
    return sorted(chosen, key=lambda d: d.handle)
