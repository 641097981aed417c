"""The DM site's documents, glossary and requirements against the seeds they came from.

Reference lists, acronym tables, LDM-294 Appendices D/E and LDM-148 §15 are parsed here from
the seed texts, so every expectation comes from a seed. The allowed differences are the ones
content/data/sources/documents.md documents; the LDM-148 component → product mapping is read
from that file's table, so data, account and seed are checked against each other.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from support import REPO_ROOT

from dmsite.data.catalog import Catalog
from dmsite.data.load import build_catalog, load_data
from dmsite.data.model import Document, Term

ROOT = REPO_ROOT
DATA = ROOT / "content" / "data"
SOURCES = (DATA / "sources" / "documents.md").read_text(encoding="utf-8")
SEEDS = Path(os.environ.get("DMSITE_SEEDS", ROOT.parent / "shared" / "seeds"))
if not list(SEEDS.glob("000_*.txt")):
    pytest.skip(f"seed texts not found in {SEEDS} (set DMSITE_SEEDS)", allow_module_level=True)

LDM294, LDM564, LDM148, OVERVIEW, DMTN158 = "000", "001", "002", "003", "004"
MY_FOLDERS = ("documents", "glossary", "requirements")
# a document handle in running text ("²LSE-14" in a footnote counts); "LDM-503-10b" (a milestone id) does not
HANDLE = re.compile(r"(?<![A-Za-z0-9-])(?:LDM|LSE|LPM|DMTN|DMTR|SQR|Document)-\d+\b(?![-\w])")


@cache
def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def section(prefix: str, start: str, stop: str | None = None) -> list[str]:
    """The lines of a seed from the line matching *start* up to the one matching *stop*."""
    lines = seed(prefix).splitlines()
    first = next(i for i, line in enumerate(lines) if re.match(start, line))
    rest = lines[first + 1 :]
    last = next((i for i, line in enumerate(rest) if stop and re.match(stop, line)), len(rest))
    return rest[:last]


@cache
def catalog() -> Catalog:
    return build_catalog(DATA, dt.date(2021, 5, 10))


def fold(text: str) -> str:
    """Lower-case ASCII, for comparing names spelled with and without diacritics."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def doc(handle: str) -> Document:
    documents = catalog().documents
    assert handle in documents, f"{handle} is cited in a seed but is not a document record"
    return documents[handle]


def records_in(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((DATA / folder).glob("*.yaml"))]


# -- the data loads cleanly --------------------------------------------------------


def test_no_problems_in_documents_glossary_requirements() -> None:
    mine = [p for p in catalog().problems if any(f"/{folder}/" in str(p.loc) for folder in MY_FOLDERS)]
    assert not mine, "\n".join(str(p) for p in mine)


# -- documents ---------------------------------------------------------------------


def ldm294_references() -> list[tuple[str, str | None, str, str]]:
    """(number, handle or None, title, first author surname or '') of each LDM-294 reference."""
    refs = []
    for line in section(LDM294, r"^F References", r"^G Acronyms"):
        match = re.match(r"^- \[(\d+)\] (?:\*\*\[([^\]]+)\]\*\*,? ?)?(.*)$", line)
        if not match:
            continue
        number, handle, rest = match.groups()
        title = re.search(r"\*([^*]+)\*", rest)
        author = re.match(r"([^,*]+), [A-Z]", rest)
        refs.append((number, handle, title.group(1) if title else "", author.group(1) if author else ""))
    return refs


def test_ldm294_reference_list_is_read_whole() -> None:
    refs = ldm294_references()
    assert [int(n) for n, *_ in refs] == list(range(1, 34))
    assert sum(1 for _, handle, *_ in refs if handle) == 32


def test_every_ldm294_reference_is_a_document() -> None:
    for number, handle, title, author in ldm294_references():
        if handle is None:  # [23] Larman & Basili 2003, cited without a handle
            matches = [
                d for d in catalog().documents.values() if d.year == 2003 and d.authors and d.authors[0].startswith(author)
            ]
            assert len(matches) == 1, f"reference [{number}] ({author}) has no single document record"
            assert matches[0].url and "10.1109/MC.2003.1204375" in matches[0].url
            continue
        record = doc(handle)
        # the title as LDM-294 cites it is the record's title or is kept in its description
        assert title == record.title or title in (record.description or ""), f"[{number}] {handle}: '{title}'"
        if author and author != "Unknown":
            assert any(fold(author) in fold(a) for a in record.authors) or author in (record.description or ""), handle
        assert record.url == f"https://ls.st/{handle}" or (handle == "DMTN-020" and record.url == "https://dmtn-020.lsst.io/")


def bracketed_reference_handles(prefix: str, start: str, stop: str | None = None) -> set[str]:
    text = "\n".join(section(prefix, start, stop))
    return set(re.findall(r"\[((?:LDM|LSE|LPM|DMTN|DMTR|Document)-\d+)\]", text))


def test_every_handle_in_the_other_reference_lists_is_a_document() -> None:
    cited = (
        bracketed_reference_handles(LDM564, r"^## 4 References", r"^## 5 Acronyms")
        | bracketed_reference_handles(LDM148, r"^## 16 References")
        | bracketed_reference_handles(DMTN158, r"^Bibliography")
    )
    assert len(cited) == 2 + 9 + 22 - 4  # LDM-148, LSE-163, LDM-151, LSE-319 are cited twice
    for handle in sorted(cited):
        doc(handle)


def test_every_handle_mentioned_in_any_seed_is_a_document() -> None:
    mentioned = {h for prefix in (LDM294, LDM564, LDM148, OVERVIEW, DMTN158) for h in HANDLE.findall(seed(prefix))}
    assert {"LSE-14", "DMTR-301", "LPM-17", "LDM-294", "DMTN-158"} <= mentioned
    for handle in sorted(mentioned):
        doc(handle)


def overview_references() -> list[tuple[str, int]]:
    """(first author surname, year) of each overview-paper reference that names an author."""
    text = "\n".join(section(OVERVIEW, r"^REFERENCES", r"^A\. ACRONYMS"))
    cells = [c.strip(" -") for c in re.split(r"\||\n", text) if c.strip(" -")]
    refs = []
    for cell in cells:
        match = re.match(r"^([A-Z][\w'’-]+), .*?\b((?:19|20)\d\d),", cell)
        if match:
            refs.append((match.group(1), int(match.group(2))))
    return refs


def test_every_overview_reference_is_a_document() -> None:
    refs = overview_references()
    assert len(refs) == 14  # 15 entries; one lost its author (PST 2020, below)
    for surname, year in refs:
        matches = [
            d for d in catalog().documents.values() if d.year == year and d.authors and fold(surname) in fold(d.authors[0])
        ]
        assert matches, f"overview reference {surname} {year} has no document record"
    pst = doc("PST2020")
    assert pst.year == 2020 and pst.title == "LSST Data Management System Verification and Validation"


def test_seed_documents_themselves_are_records() -> None:
    assert doc("LDM-294").title == "Data Management Organization and Management"
    assert doc("LDM-148").title == "Data Management System Design"
    assert doc("LDM-564").title == "Data Management Releases for Verification/Integration"
    assert doc("DMTN-158").title == "DM Milestone Summary"
    overview = [d for d in catalog().documents.values() if d.title == "Overview of LSST Data Management"]
    assert len(overview) == 1 and overview[0].status == "draft"


def test_document_tree_follows_the_requirements_flow_down() -> None:
    def related(handle: str) -> set[tuple[str, str]]:
        return {(r.to, r.type) for r in doc(handle).relations}

    assert ("LSE-29", "requirements") in related("LSE-30")
    assert ("LSE-30", "requirements") in related("LSE-61")
    assert ("LSE-61", "design") in related("LDM-148")
    for handle in ("LSE-319", "LDM-151", "LDM-152", "LDM-129", "LSE-78"):  # LDM-148 §4, one per tier
        assert ("LDM-148", "design") in related(handle)
    assert ("LSE-61", "test") in related("LDM-503")
    reports = [d for d in catalog().documents.values() if d.series == "DMTR"]
    assert reports and all(("LDM-503", "test-report") in related(d.handle) for d in reports)


def test_unwritten_documents_are_planned_and_drafts_are_drafts() -> None:
    planned = {d.handle for d in catalog().documents.values() if d.status == "planned"}
    assert planned == {"R2A2", "End-User-Documentation"}
    assert ("LDM-493", "described") in {(r.to, r.type) for r in doc("End-User-Documentation").relations}
    drafts_in_dmtn158 = set(re.findall(r"\[(DMTR-\d+)\][^\n]*Draft version", seed(DMTN158)))
    assert drafts_in_dmtn158 == {"DMTR-182", "DMTR-191"}
    assert all(doc(h).status == "draft" for h in drafts_in_dmtn158)


def test_every_document_record_is_accounted_for_in_the_sources() -> None:
    for handle in catalog().documents:
        assert f"| {handle} |" in SOURCES, f"{handle} is missing from the sources table"


# -- glossary ----------------------------------------------------------------------

# extraction damage that sources/documents.md describes
TERM_REPAIRS = {"Science Veri- fication": "Science Verification"}
DEFINITION_REPAIRS = {"Visit", "Data Management Subsystem"}


def acronym_table(prefix: str, start: str, stop: str | None = None) -> dict[str, str]:
    rows = {}
    for line in section(prefix, start, stop):
        if "\t" in line and not line.startswith("Acronym\t"):
            term, definition = line.split("\t", 1)
            rows[TERM_REPAIRS.get(term.strip(), term.strip())] = definition.strip()
    return rows


TABLES = {
    "LDM-294": (LDM294, r"^G Acronyms", r"^Draft"),
    "LDM-564": (LDM564, r"^## 5 Acronyms", None),
    "overview": (OVERVIEW, r"^A\. ACRONYMS", None),
}


def merged_terms() -> set[str]:
    """Terms listed in the sources' table of terms the seeds define differently."""
    block = SOURCES.split("### Terms defined differently", 1)[1].split("###", 1)[0]
    return set(re.findall(r"^\| ([^|]+?) \| ", block, re.M)) - {"Term"}


def corrected_terms() -> set[str]:
    """Terms of the sources' table of definitions corrected to the seeds' own usage."""
    block = SOURCES.split("### Definitions corrected", 1)[1].split("###", 1)[0]
    return set(re.findall(r"^\| ([^|]+?) \| ", block, re.M)) - {"Term"}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_acronym_table_entry_is_a_term(name: str) -> None:
    rows = acronym_table(*TABLES[name])
    assert len(rows) == {"LDM-294": 67, "LDM-564": 74, "overview": 37}[name]
    terms = catalog().terms
    merged, corrected = merged_terms(), corrected_terms()
    for term, definition in rows.items():
        assert term in terms, f"{name}: '{term}' is not in the glossary"
        kept = terms[term].definition
        if term in corrected:
            assert kept != definition, f"{name}: '{term}' is listed as corrected but is as written"
            continue  # the seeds use it in another sense, as the sources table shows
        if term in merged:
            continue  # merged from differing definitions, as the sources table shows
        if term in DEFINITION_REPAIRS:
            assert kept and definition.startswith(kept.rstrip('"')), term
        else:
            assert kept == definition, f"{name}: '{term}' is defined differently"


def test_merged_terms_really_differ_and_keep_both_senses_where_they_differ() -> None:
    definitions: dict[str, set[str]] = {}
    for args in TABLES.values():
        for term, definition in acronym_table(*args).items():
            definitions.setdefault(term, set()).add(definition)
    differing = {t for t, ds in definitions.items() if len(ds) > 1}
    assert merged_terms() == differing
    assert catalog().terms["NET"].definition == "Network Engineering Team; Not Earlier Than"


def test_glossary_terms_are_unique() -> None:
    result = load_data(DATA)
    terms = [r.term for r in result.records if isinstance(r, Term)]
    folded = [t.casefold() for t in terms]
    from_text = [r for r in result.records if isinstance(r, Term) and r.loc.path.endswith("seed-text.yaml")]
    # the 144 terms of the three acronym tables, and the acronyms the seeds' text adds
    assert len(folded) == len(set(folded)) == 144 + len(from_text)
    assert len(catalog().terms) == 144 + len(from_text)
    assert len(from_text) == 81


def test_acronym_flag_marks_glossary_words() -> None:
    words = {t.term for t in catalog().terms.values() if not t.acronym}
    assert {"Alert", "Butler", "Data Backbone", "DIAObject", "tract", "Science Verification"} <= words
    assert not {"DM", "SQuaRE", "LaTeX", "T/CAM", "I&T"} & words


# -- requirements ------------------------------------------------------------------


def appendix(letter: str, stop: str) -> dict[str, list[str]]:
    rows = {}
    for line in section(LDM294, rf"^{letter} Traceability matrix", stop):
        match = re.match(r"^((?:DMS|OSS)-REQ-\d{4})\t?(.*)$", line)
        if match:
            rows[match.group(1)] = [x.strip() for x in match.group(2).split(",") if x.strip()]
    return rows


def ldm148_requirements() -> dict[str, tuple[str, list[str]]]:
    rows = {}
    for line in section(LDM148, r"^### 15\.1", r"^## 15\.2"):
        match = re.match(r"^(DMS-REQ-\d{4}) (.*?)\t(.*)$", line)
        if match:
            rows[match.group(1)] = (match.group(2), [c.strip() for c in match.group(3).split(",") if c.strip()])
    return rows


def component_products() -> dict[str, list[str]]:
    """The LDM-148 component → product table of sources/documents.md."""
    block = SOURCES.split("### LDM-148 components", 1)[1]
    table = {}
    for match in re.finditer(r"^\| ([^|]+?) \| ([^|]+?) \| ", block, re.M):
        if match.group(1) != "LDM-148 component" and not match.group(1).startswith("---"):
            table[match.group(1)] = [p.strip() for p in match.group(2).split(",")]
    return table


def test_every_appendix_d_row_is_a_requirement_tracing_to_its_oss_requirements() -> None:
    rows = appendix("D", r"^E Traceability")
    assert len(rows) == 181 and sum(1 for oss in rows.values() if oss) == 30
    requirements = catalog().requirements
    for dms, oss in rows.items():
        assert dms in requirements, f"Appendix D row {dms} is not a requirement"
        assert sorted(requirements[dms].traces) == sorted(oss), dms
        assert requirements[dms].source == "LSE-61"


def test_appendix_e_is_the_inverse_of_the_traces() -> None:
    rows = appendix("E", r"^F References")
    assert len(rows) == 14
    requirements = catalog().requirements
    for oss, dms_list in rows.items():
        assert requirements[oss].source == "LSE-30"
        tracing = {r.id for r in requirements.values() if oss in r.traces}
        assert tracing == set(dms_list), oss


def test_trace_targets_and_allocations_exist() -> None:
    cat = catalog()
    for requirement in cat.requirements.values():
        for target in requirement.traces:
            assert target in cat.requirements, f"{requirement.id} traces to unknown {target}"
        for product in requirement.allocated:
            assert product in cat.products, f"{requirement.id} is allocated to unknown product {product}"


TITLE_REPAIRS = {"DMS-REQ-0286", "DMS-REQ-0287", "DMS-REQ-0341"}  # "Preccovery" etc., see sources


def test_every_ldm148_requirement_has_its_title_components_and_products() -> None:
    rows = ldm148_requirements()
    assert len(rows) == 181
    mapping = component_products()
    requirements = catalog().requirements
    for rid, (title, components) in rows.items():
        requirement = requirements[rid]
        if rid in TITLE_REPAIRS:
            assert requirement.title != title and f"| {rid} | {title} |" in SOURCES
        else:
            assert requirement.title == title, rid
        if components:
            assert requirement.description == "LDM-148 §15.1 components: " + ", ".join(components) + "."
        expected = {p for c in components for p in mapping[c]}
        assert set(requirement.allocated) == expected, rid


def test_every_ldm148_component_is_mapped_to_existing_products() -> None:
    components = {c for _, cs in ldm148_requirements().values() for c in cs}
    mapping = component_products()
    assert set(mapping) == components
    products = catalog().products
    for component, ids in mapping.items():
        assert ids and all(i in products for i in ids), component


def test_ldm148_component_view_agrees_except_where_the_sources_say() -> None:
    """§15.2 (component → requirements) against §15.1 (requirement → components)."""
    forward = {(rid, c) for rid, (_, cs) in ldm148_requirements().items() for c in cs}
    backward = set()
    component = ""
    for line in section(LDM148, r"^## 15\.2", r"^## 16 References"):
        name, _, rest = line.partition("\t")
        if name.strip():
            component = name.strip().replace(" (continued)", "")
            if component == "Science Payloads":  # "Science Payloads<TAB>Alert Production"
                component = rest.strip() or component
        backward |= {(rid, component) for rid in re.findall(r"(DMS-REQ-\d{4}) ", rest)}
    assert backward <= forward
    assert forward - backward == {("DMS-REQ-0307", "Workload+Workflow")}
    assert "DMS-REQ-0307" in SOURCES
