"""Typed records, validated field by field (pydantic).

Each record kind lives in its own folder (or file) under the data directory; see
``KINDS``.  Unknown keys are errors, so a typo never vanishes silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)

from . import dates
from .problems import Loc, clip
from .text import check_line, check_term, check_text

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/+:()&-]*$"  # '&': P6 writes ids like T&SC-6500-9000
ONE_LINE_PATTERN = r"^[^\x00-\x1f\x7f]+$"  # no line breaks or control characters
RecordId = Annotated[str, Field(min_length=1, max_length=200, pattern=ID_PATTERN)]
Text = Annotated[str, Field(max_length=100_000), AfterValidator(check_text)]
ShortText = Annotated[str, Field(min_length=1, max_length=1_000), AfterValidator(check_line)]

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _to_day(value: Any) -> Any:
    """Accept a YAML date or a quoted ISO date; refuse timestamps and numbers."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date like 2021-05-10, not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a real date ({exc})") from None
    raise ValueError(f"expected a date like 2021-05-10, got {clip(repr(value))}")


Day = Annotated[dt.date, BeforeValidator(_to_day)]
# a schedule date: to the day, or only to the month (2021-07; see dates.py for how it counts)
PlanDay = Annotated[
    dt.date,
    PlainValidator(dates.parse),
    PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "if": {"pattern": r"^\d{4}-\d{2}$"}, "then": {"pattern": dates.MONTH_PATTERN},
                    "else": {"format": "date"},
                    "description": "A date (2021-07-29), or the month alone (2021-07) when the day is not known."}),
]


def _one_or_list(value: Any) -> Any:
    """One key written alone (``jira: DM-19209``) is a list of one."""
    return [value] if isinstance(value, str) else value


def _level(value: Any) -> Any:
    """P6 writes "Undefined" (any case) for a milestone without a level."""
    return None if isinstance(value, str) and value.strip().lower() == "undefined" else value


RecordIds = Annotated[
    list[RecordId],
    BeforeValidator(_one_or_list),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": ID_PATTERN},
                              {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}}]}),
]
Level = Annotated[
    Annotated[int, Field(ge=1, le=4)] | None,
    BeforeValidator(_level),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1, "maximum": 4}, {"type": "null"},
                              {"const": "Undefined"}]}),
]
Overridable = Literal["name", "wbs", "level", "due", "forecast", "completed"]  # fields the P6 import sets
OVERRIDABLE: tuple[str, ...] = get_args(Overridable)

# http(s), or relative: no scheme, and not '//host' (nor '/\\host': browsers read '\\' as '/')
_SAFE_URL = re.compile(r"^(https?://[^\s<>\"'\\]+|[^\s:<>\"'\\]+(?:[/#?][^\s<>\"'\\]*)?)$")


def _check_url(value: str) -> str:
    check_line(value)  # no control character, line break or bidi override
    if value[:2] in ("//", "/\\", "\\\\", "\\/"):
        raise ValueError(f"'{clip(value)}' starts with '{value[:2]}', a link to another host: write https://... "
                         "for another site, or a path on this one")
    if not _SAFE_URL.match(value):
        raise ValueError(f"'{clip(value)}' is not an http(s) or relative link")
    return value


Url = Annotated[str, Field(max_length=2_000), AfterValidator(_check_url)]


class Record(BaseModel):
    """Base of every record: forbids unknown keys and remembers where it was read."""

    # defer_build: a kind's validator is made when it first validates (a rebuild loads most kinds from the cache)
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)

    # A kind of record is declared here, once; the loader, catalog checks, roles, ``dm-records``,
    # ``dmsite new``, the schemas and the exports all derive from these.
    kind: ClassVar[str]  # its one name, in every API ("milestone", "document", ...)
    noun: ClassVar[str] = ""  # how messages call it, when not its kind
    folder: ClassVar[str]  # where its files live under the data directory
    table: ClassVar[str]  # the Catalog attribute holding it
    anchor: ClassVar[str]  # prefix of its entries' HTML ids and link placeholders (stable: published links use it)
    id_field: ClassVar[str] = "id"
    # field → the kind(s) its ids name ("relations.to": a field of each item); the catalog checks them all
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    stub: ClassVar[Mapping[str, Any] | None] = None  # what ``dmsite new`` writes besides id and name
    # None defaults: pydantic deep-copies mutable private defaults for every record (slow at 10,000s).
    _loc: Loc | None = PrivateAttr(None)
    # where each field was written, flat: (name, lines after the record's first line, column, name, ...):
    # a quarter of the memory of a Loc per field, and quicker to unpickle (a catalog of 20,000 records)
    _field_locs: tuple[str | int, ...] | None = PrivateAttr(None)
    _digest: bytes | None = PrivateAttr(None)  # see digest: made once, when the record is read, and cached with it

    @classmethod
    def called(cls) -> str:
        """The kind's name in messages."""
        return cls.noun or cls.kind

    @property
    def key(self) -> str:
        return str(getattr(self, self.id_field))

    @property
    def loc(self) -> Loc:
        return self._private("_loc") or Loc("<memory>")

    def field_loc(self, name: str) -> Loc:
        """Where *name* was written, or where the record starts."""
        at, loc = self._private("_field_locs") or (), self.loc
        for i in range(0, len(at), 3):
            if at[i] == name:
                return Loc(loc.path, loc.line + int(at[i + 1]), int(at[i + 2]))
        return loc

    def _private(self, name: str) -> Any:
        """A private attribute read directly (``self._x`` goes through pydantic's slow ``__getattr__``)."""
        return (self.__pydantic_private__ or {}).get(name)

    @property
    def digest(self) -> bytes:
        """A hash of the record's kind and values (not of where it was written): equal records, equal digests."""
        return self._private("_digest") or _digest_of(self)

    def located(self, loc: Loc, field_locs: dict[str, Loc]) -> Record:
        self._loc = loc
        self._digest = _digest_of(self)
        flat = [x for name, at in field_locs.items() if at.path == loc.path for x in (name, at.line - loc.line, at.col)]
        self._field_locs = tuple(flat) or None
        # records of a kind mostly set the same fields: one set object for all of them (pydantic reads it
        # only to dump what was set, and a frozen record never adds to it)
        fields = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _FIELD_SETS.setdefault(frozenset(fields), fields))
        return self


_FIELD_SETS: dict[frozenset[str], set[str]] = {}


def _digest_of(record: Record) -> bytes:
    text = type(record).__name__ + "\0" + record.model_dump_json()
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class _BlanksUnset(Record):
    """A record kind where an optional field written ``''`` (as exports and old annotation files do) is not set.

    The names of such fields are kept (``blank_fields``) for the catalog's warning.
    """

    _blank: tuple[str, ...] | None = PrivateAttr(None)

    @model_validator(mode="wrap")
    @classmethod
    def _drop_blanks(cls, data: Any, handler: Any) -> Any:
        blank: tuple[str, ...] = ()
        if isinstance(data, dict):
            required = {f.alias or n for n, f in cls.model_fields.items() if f.is_required()}
            blank = tuple(k for k, v in data.items() if v == "" and k not in required)
            data = {k: v for k, v in data.items() if k not in blank} if blank else data
        record = handler(data)
        if blank:
            record._blank = blank
        return record

    @property
    def blank_fields(self) -> tuple[str, ...]:
        return self._private("_blank") or ()


class Milestone(_BlanksUnset):
    kind: ClassVar[str] = "milestone"
    folder: ClassVar[str] = "milestones"
    table: ClassVar[str] = "milestones"
    anchor: ClassVar[str] = "milestone"
    stub: ClassVar[Mapping[str, Any] | None] = {}
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {"predecessors": ("milestone", "external"), "wbs": ("wbs",)}

    id: RecordId
    name: ShortText
    short_name: ShortText | None = None
    wbs: RecordId | None = None
    level: Level = None
    due: PlanDay = Field(description="Baseline due date (2021-07: known to the month only).")
    forecast: PlanDay | None = Field(None, description="Current forecast; defaults to due.")
    completed: PlanDay | None = None
    completed_estimated: bool = Field(False, description="The completion date is a placeholder, not the actual day.")
    retired: PlanDay | None = Field(
        None, description="The day the milestone left the baseline: kept for history and links, never counted.")
    predecessors: list[RecordId] = []
    description: Text | None = Field(None, description="Markdown.")
    comment: Text | None = None
    test_spec: ShortText | None = None
    jira: RecordIds = []
    jira_testplan: RecordId | None = None
    aka: list[RecordId] = Field([], description="Former ids of this milestone.")
    key_milestone: bool = Field(False, alias="key", description="Listed among key milestones.")
    category: ShortText | None = None
    overrides: list[Overridable] = Field(
        [], description="Fields kept by hand: the scheduling tool's import leaves them as they are.")

    @property
    def effective_forecast(self) -> dt.date:
        return self.forecast or self.due


class ExternalMilestone(_BlanksUnset):
    """Another subsystem's milestone that ours link to: shown in graphs and lists, never counted."""

    kind: ClassVar[str] = "external"
    noun: ClassVar[str] = "external milestone"
    folder: ClassVar[str] = "external"
    table: ClassVar[str] = "external"
    anchor: ClassVar[str] = "external-milestone"
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {"predecessors": ("milestone", "external")}

    id: RecordId
    name: ShortText
    subsystem: ShortText | None = Field(None, description="Whose milestone it is, e.g. Camera.")
    wbs: ShortText | None = Field(None, description="Its WBS code in the other subsystem (not checked).")
    url: Url | None = Field(None, description="Where its own entry is published.")
    due: PlanDay | None = None
    forecast: PlanDay | None = None
    completed: PlanDay | None = None
    predecessors: list[RecordId] = Field([], description="Our milestones (or other external ones) it depends on.")
    comment: Text | None = None


class Product(Record):
    kind: ClassVar[str] = "product"
    folder: ClassVar[str] = "products"
    table: ClassVar[str] = "products"
    anchor: ClassVar[str] = "product"
    stub: ClassVar[Mapping[str, Any] | None] = {}
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "parent": ("product",),
        "wbs": ("wbs",),
        "manager": ("person",),
        "owner": ("person",),
        "documents": ("document",),
    }

    id: RecordId
    name: ShortText
    description: Text | None = None
    parent: RecordId | None = None
    wbs: RecordId | None = None
    manager: RecordId | None = Field(None, description="Person id; inherited from the parent when empty.")
    owner: RecordId | None = Field(None, description="Person id; inherited from the parent when empty.")
    packages: list[ShortText] = Field([], description="Repositories / packages.")
    documents: list[RecordId] = []
    jira_components: list[ShortText] = []
    grouping: bool = Field(False, description="A grouping row, not a deliverable itself.")


class WbsElement(Record):
    kind: ClassVar[str] = "wbs"
    folder: ClassVar[str] = "wbs"
    table: ClassVar[str] = "wbs"
    anchor: ClassVar[str] = "wbs"
    noun: ClassVar[str] = "WBS element"
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {"lead": ("institution",)}
    id_field: ClassVar[str] = "code"

    code: RecordId
    name: ShortText
    description: Text | None = None
    lead: RecordId | None = Field(None, description="Lead institution id.")


class DocumentRelation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    to: RecordId
    type: ShortText = "derives"


class Document(Record):
    kind: ClassVar[str] = "document"
    folder: ClassVar[str] = "documents"
    table: ClassVar[str] = "documents"
    anchor: ClassVar[str] = "doc"
    stub: ClassVar[Mapping[str, Any] | None] = {"status": "draft"}
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {"relations.to": ("document",)}
    id_field: ClassVar[str] = "handle"

    handle: RecordId
    title: ShortText
    authors: list[ShortText] = []
    year: Annotated[int, Field(ge=1900, le=2200)] | None = None
    url: Url | None = None
    series: ShortText | None = None
    status: Literal["released", "draft", "planned"] = "released"
    version: ShortText | None = None
    relations: list[DocumentRelation] = []
    description: Text | None = None


class Person(Record):
    kind: ClassVar[str] = "person"
    folder: ClassVar[str] = "people"
    table: ClassVar[str] = "people"
    anchor: ClassVar[str] = "person"
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {"institution": ("institution",)}

    id: RecordId
    name: ShortText
    institution: RecordId | None = None
    email: ShortText | None = None


class Role(Record):
    kind: ClassVar[str] = "role"
    folder: ClassVar[str] = "roles"
    table: ClassVar[str] = "roles"
    anchor: ClassVar[str] = "role"
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "holders": ("person",),
        "reports_to": ("role",),
        "wbs": ("wbs",),
    }

    id: RecordId
    title: ShortText
    holders: list[RecordId] = Field([], description="Person ids.")
    reports_to: RecordId | None = Field(None, description="Role id.")
    scientist: bool = False
    wbs: list[RecordId] = []
    responsibilities: Text | None = None
    authorities: Text | None = None


class Group(Record):
    kind: ClassVar[str] = "group"
    folder: ClassVar[str] = "groups"
    table: ClassVar[str] = "groups"
    anchor: ClassVar[str] = "group"
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "chair": ("person", "role"),
        "members": ("person", "role"),
        "institution": ("institution",),
    }

    id: RecordId
    name: ShortText
    chair: RecordId | None = Field(None, description="Role or person id.")
    members: list[RecordId] = Field([], description="Role or person ids.")
    cadence: ShortText | None = None
    institution: RecordId | None = None
    description: Text | None = None


class Institution(Record):
    kind: ClassVar[str] = "institution"
    folder: ClassVar[str] = "institutions"
    table: ClassVar[str] = "institutions"
    anchor: ClassVar[str] = "institution"

    id: RecordId
    name: ShortText
    description: Text | None = None
    url: Url | None = None


class Requirement(Record):
    kind: ClassVar[str] = "requirement"
    folder: ClassVar[str] = "requirements"
    table: ClassVar[str] = "requirements"
    anchor: ClassVar[str] = "req"
    refs: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "source": ("document",),
        "traces": ("requirement",),
        "allocated": ("product",),
    }

    id: RecordId
    title: ShortText
    source: RecordId | None = Field(None, description="Document handle.")
    traces: list[RecordId] = Field([], description="Higher-level requirement ids.")
    allocated: list[RecordId] = Field([], description="Product ids.")
    priority: ShortText | None = None
    description: Text | None = None


class Term(Record):
    kind: ClassVar[str] = "term"
    folder: ClassVar[str] = "glossary"
    table: ClassVar[str] = "terms"
    anchor: ClassVar[str] = "term"
    id_field: ClassVar[str] = "term"

    term: Annotated[str, Field(min_length=1, max_length=200, pattern=ONE_LINE_PATTERN), AfterValidator(check_term)]
    definition: Text
    acronym: bool = Field(True, description="An acronym (listed in acronym tables).")


RECORD_CLASSES: tuple[type[Record], ...] = (
    Milestone, ExternalMilestone, Product, WbsElement, Document, Person, Role, Group, Institution, Requirement, Term,
)
KINDS: dict[str, type[Record]] = {cls.folder: cls for cls in RECORD_CLASSES}  # folder → class (the loader's view)
BY_KIND: dict[str, type[Record]] = {cls.kind: cls for cls in RECORD_CLASSES}  # kind name → class


def kind_named(name: str) -> type[Record] | None:
    """The record class called *name*: its kind ("document"), folder ("documents") or anchor ("doc")."""
    return BY_KIND.get(name) or KINDS.get(name) or next((c for c in RECORD_CLASSES if c.anchor == name), None)
