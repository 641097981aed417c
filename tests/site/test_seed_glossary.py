"""Every acronym the seeds use has a glossary entry, defined as the seeds use it.

The words are counted in the seed texts themselves: every entry of their acronym tables, and
every word written in capitals (or mixing capitals into a word, like ComCam) that the seeds use
at least five times. A word may instead be listed, with its reason, in the exclusion table of
content/data/sources/glossary-exclusions.md.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from support import REPO_ROOT

from dmsite.data.catalog import Catalog
from dmsite.data.load import build_catalog

ROOT = REPO_ROOT
DATA = ROOT / "content" / "data"
EXCLUSIONS = DATA / "sources" / "glossary-exclusions.md"
SOURCES = (DATA / "sources" / "documents.md").read_text(encoding="utf-8")
SEEDS = Path(os.environ.get("DMSITE_SEEDS", ROOT.parent / "shared" / "seeds"))
if not list(SEEDS.glob("00[0-4]_*.txt")):
    pytest.skip(f"seed texts not found in {SEEDS} (set DMSITE_SEEDS)", allow_module_level=True)

MIN_USES = 5
# the acronym tables: seed prefix, first line, line after the table
TABLES = {
    "LDM-294 App. G": ("000", r"^G Acronyms", r"^Draft"),
    "LDM-564 §5": ("001", r"^## 5 Acronyms", None),
    "overview App. A": ("003", r"^A\. ACRONYMS", None),
}
# words are runs of letters and digits; "DMS-REQ-0102" holds the words DMS, REQ and 0102
WORD = re.compile(r"[A-Za-z0-9]+")
ALL_CAPS = re.compile(r"[A-Z][A-Z0-9]*")  # and at least two capitals
MIXED = re.compile(r"[A-Za-z][A-Za-z0-9]*")  # with at least two capitals and a lower-case letter


@cache
def seed_texts() -> dict[str, str]:
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[0-4]_*.txt"))}


@cache
def catalog() -> Catalog:
    return build_catalog(DATA, dt.date(2021, 5, 10))


def table_terms(prefix: str, start: str, stop: str | None) -> list[str]:
    lines = seed_texts()[prefix].splitlines()
    first = next(i for i, line in enumerate(lines) if re.match(start, line))
    rest = lines[first + 1:]
    last = next((i for i, line in enumerate(rest) if stop and re.match(stop, line)), len(rest))
    terms = [line.split("\t", 1)[0].strip() for line in rest[:last] if "\t" in line]
    # "Science Veri- fication": a hyphenation break of the extraction (sources/documents.md)
    return [t.replace("Veri- fication", "Verification") for t in terms if t != "Acronym"]


def capitals(word: str) -> int:
    return sum(ch.isupper() for ch in word)


@cache
def word_counts() -> Counter[str]:
    return Counter(w for text in seed_texts().values() for w in WORD.findall(text))


def frequent(kind: re.Pattern[str], lower: bool) -> dict[str, int]:
    """Words of *kind* used at least MIN_USES times; a plural 's' counts for its singular."""
    counts: Counter[str] = Counter()
    for word, n in word_counts().items():
        if not kind.fullmatch(word) or capitals(word) < 2 or any(ch.islower() for ch in word) != lower:
            continue
        singular = word[:-1] if lower and word.endswith("s") and word[:-1] in word_counts() else word
        counts[singular] += n
    return {w: n for w, n in counts.items() if n >= MIN_USES}


@cache
def exclusions() -> dict[str, str]:
    """The exclusion table: word → reason."""
    rows = re.findall(r"^\| `([^`]+)` \| (\d+) \| ([^|]+?) \|$", EXCLUSIONS.read_text(encoding="utf-8"), re.M)
    return {word: reason for word, _, reason in rows}


def all_frequent() -> dict[str, int]:
    return {**frequent(ALL_CAPS, False), **frequent(MIXED, True)}


def defined(word: str) -> bool:
    terms = {t.casefold() for t in catalog().terms}
    return word.casefold() in terms


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_acronym_table_entry_has_a_glossary_entry(table: str) -> None:
    terms = table_terms(*TABLES[table])
    assert len(terms) >= 37
    missing = [t for t in terms if not defined(t)]
    assert not missing, f"{table}: {missing} have no glossary entry"


@pytest.mark.parametrize(("kind", "lower"), [(ALL_CAPS, False), (MIXED, True)], ids=["ALL-CAPS", "MixedCaps"])
def test_every_frequent_capitalised_word_is_defined_or_excluded(kind: re.Pattern[str], lower: bool) -> None:
    words = frequent(kind, lower)
    assert len(words) > 10
    missing = sorted(w for w in words if not defined(w) and w not in exclusions())
    assert not missing, f"used >= {MIN_USES} times in the seeds, neither in the glossary nor excluded: {missing}"


def test_exclusions_are_frequent_undefined_words_with_a_reason() -> None:
    """No stale or needless exclusion: each is in the seeds as often as it says, and not defined."""
    assert exclusions()
    for word, reason in exclusions().items():
        assert not defined(word), f"{word} is excluded but has a glossary entry"
        assert len(reason) > 15, word
    for word, n, _ in re.findall(r"^\| `([^`]+)` \| (\d+) \| ([^|]+?) \|$",
                                 EXCLUSIONS.read_text(encoding="utf-8"), re.M):
        assert all_frequent().get(word) == int(n), f"{word}: the seeds use it {word_counts()[word]} times, not {n}"


def test_acronyms_the_tables_lack_are_defined_as_the_seeds_use_them() -> None:
    terms = catalog().terms
    expected = {
        "LSP": "LSST Science Platform", "ComCam": "Commissioning Camera", "LSSTCam": "The LSST Camera",
        "SAL": "Service Abstraction Layer", "CPP": "Calibration Products Production",
        "DWDM": "Dense Wavelength Division Multiplexing", "DMCS": "Data Management Control System",
        "VO": "Virtual Observatory", "LOE": "Level of Effort", "ConOps": "Concept of Operations",
        "DCR": "Differential Chromatic Refraction", "DBMS": "Database Management System",
        "APDB": "Alert Production Database", "CCD": "Charge-Coupled Device", "CBP": "Collimated Beam Projector",
    }
    for term, definition in expected.items():
        assert term in terms, f"{term} has no glossary entry"
        assert terms[term].definition.startswith(definition), term
        assert word_counts()[term] + word_counts()[term + "s"] > 0, f"{term} is not used in the seeds"


def test_gaia_list_senses_are_replaced_by_the_dm_senses() -> None:
    terms = catalog().terms
    assert terms["SST"].definition == "System Science Team"
    assert terms["OSS"].definition.startswith("Observatory System Specifications")
    assert terms["LDM"].definition == "LSST Data Management (Document Handle)"
    assert terms["IT"].definition == "Information Technology"
    assert terms["SA"].definition == "Software Architect"
    for wrong in ("Space Surveillance", "Operations Support System", "Light Data Management", "Integration Test"):
        assert not any(wrong in t.definition for t in terms.values()), wrong


def test_every_glossary_entry_from_the_seeds_text_is_used_there_and_accounted_for() -> None:
    """The entries added from the seeds' text (seed-text.yaml) each name their seed line in the sources."""
    added = [t for t in catalog().terms.values() if t.loc.path.endswith("glossary/seed-text.yaml")]
    assert len(added) >= 70
    block = SOURCES.split("### Acronyms from the seeds' text", 1)[1].split("\n### ", 1)[0]
    rows = dict(re.findall(r"^\| ([^|]+?) \| [^|]+? \| `(\d{3})_\*\.txt`:\d+ \|", block, re.M))
    for term in added:
        assert word_counts()[term.term] + word_counts()[term.term + "s"] > 0, f"{term.term} is not in the seeds"
        assert term.term in rows, f"{term.term} is not in the sources table"
    assert len(rows) == len(added)
