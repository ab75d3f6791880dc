"""MEDLINE/PubMed text reader (PubMed's "PubMed" export, ``.nbib``, and ERIC's MEDLINE-style files).

Spec: "MEDLINE/PubMed Data Element (Field) Descriptions",
https://www.nlm.nih.gov/bsd/mms/medlineelements.html. A line is a tag of up to four
characters, padded to four, then ``- `` and the value; continuation lines are indented by
six spaces; records are separated by blank lines (a ``PMID-`` line also starts a record).

Authors: FAU (full name) is preferred to AU (abbreviated); an AU directly after its FAU is
the same person. AD and AUID after an author belong to that author; "AU - et al." is
kept as ``extra`` ``("others", "author")`` (the model's "and others" marker, shared with
BibTeX). Fields no slot holds (OWN, STAT, LR, PHST, SO, DA, PL, SB, [pii] ids, ...) are kept in
``Record.extra`` as ``("medline:<tag>", value)``: MEDLINE's two-letter tags are not RIS tags
(DA is a RIS date, SO nothing), so the family prefix keeps writers from mistaking them.

Mapping: :data:`FIELDS`, one row per (tag, facet, record types), walked by
:func:`raw_to_record`; the people (FAU/AU/FED/ED/CN with their AD and AUID) and the record
type (PT, and ERIC's own vocabulary) are small named functions.

Repairs, the same as in the PubMed XML reader so that both PubMed formats give one record:
the period NLM ends every title with is dropped, initials get their periods ("Hiles, I D"
-> "I. D."), abbreviated page ranges are expanded ("1342-50" -> 1342-1350), and the ISSN-L
(``IS ... (Linking)``) is kept as an ISSN. ERIC exports use this layout with their own
publication types (``ERIC_TYPES``); their titles are kept as given. An input whose last line
has no line end gets a warning (it may be truncated).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TextIO

from ..model import Container, Contributor, Identifier, Link, Provenance, Record, Rights, Subject
from ..normalize.dates import parse_medline_date
from ..normalize.identifiers import (
    clean_doi,
    clean_isbn,
    clean_issn,
    clean_pmcid,
    identifier_from_url,
)
from ..normalize.languages import to_bcp47
from ..normalize.names import dot_initials, nlm_title, parse_inverted
from ..normalize.pages import split_pages
from ..normalize.text import iter_lines
from ..plugins import Reader
from ..problems import Problem
from .tagged import BlankLineSplitter, TaggedRecord

# -- mapping tables -------------------------------------------------------------------------

#: Name tags -> (role, full form?). Full forms win over the abbreviated form that follows.
NAME_TAGS: dict[str, tuple[str, bool]] = {
    "FAU": ("author", True), "AU": ("author", False),
    "FED": ("editor", True), "ED": ("editor", False),
}

#: Publication types (PT) -> record type; the first listed match wins, else article-journal.
PUBLICATION_TYPES: dict[str, str] = {
    "preprint": "article",
    "dataset": "dataset",
    "book": "book",
    "congress": "paper-conference",
    "news": "article-newspaper",
    "newspaper article": "article-newspaper",
    "patient education handout": "pamphlet",
    "legislation": "legislation",
    "review": "article-journal",
}

#: ERIC publication types (their start) -> record type; the first match in the record wins.
#: ERIC (https://eric.ed.gov) exports the MEDLINE layout with its own PT vocabulary, and puts
#: the issuing body of a report or book in JT.
ERIC_TYPES: dict[str, str] = {
    "journal articles": "article-journal",
    "books": "book",
    "collected works": "book",
    "dissertations/theses": "thesis",
    "reports": "report",
    "guides": "report",
    "speeches/meeting papers": "speech",
    "numerical/quantitative data": "dataset",
}

#: AID/LID suffixes -> identifier scheme ([pii] stays in extra: it is the publisher's id).
ID_SUFFIXES: dict[str, str] = {"doi": "doi", "pmc": "pmcid", "pmcid": "pmcid", "pubmed": "pmid"}

#: Tags of people and what belongs to the person before them.
PERSON_TAGS = frozenset({*NAME_TAGS, "CN", "AD", "AUID"})


_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*-(?:\s(.*)|\s*)$")
_ID_WITH_SUFFIX = re.compile(r"^(.*?)\s*\[([a-z-]+)\]\s*$")
_ISSN_KIND = re.compile(r"(\d{4}-?\d{3}[\dXx])\s*(?:\((\w+)\))?")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")
_INITIALS = re.compile(r"^[A-Z]{1,4}$")


def split_records(lines: Iterator[str | Problem], source: str) -> Iterator[TaggedRecord | Problem]:
    current: TaggedRecord | None = None
    junk_start: int | None = None
    for number, line in enumerate(lines, start=1):
        if isinstance(line, Problem):
            yield line
            continue
        if not line.strip():
            if current is not None and len(current):
                yield current
            current = None
            continue
        m = _LINE.match(line)
        if m:
            tag, value = m.group(1), (m.group(2) or "").strip()
            if current is None or (tag == "PMID" and current.has_tag("PMID")):
                if current is not None:
                    yield current
                if junk_start is not None:
                    yield _junk(source, junk_start)
                    junk_start = None
                current = TaggedRecord(number)
            current.add(tag, value)
        elif line.startswith((" ", "\t")) and current is not None and len(current):
            current.continue_last(line.strip())
        elif current is None:
            junk_start = junk_start or number
        else:
            yield Problem(source=source, line=number, reason="line is neither a MEDLINE field nor a continuation; skipped", severity="warning")
    if junk_start is not None:
        yield _junk(source, junk_start)
    if current is not None and len(current):
        yield current


def _junk(source: str, line: int) -> Problem:
    return Problem(source=source, line=line, reason="text outside a MEDLINE record skipped", severity="warning")


def _person(text: str, role: str, full: bool) -> Contributor:
    """FAU "Mouse, Mickey" or AU "Mouse M" (family then initials)."""
    if "," in text:
        contributor, _ = parse_inverted(text, role)
        return replace(contributor, given=dot_initials(contributor.given))
    words = text.split()
    if not full and len(words) >= 2 and _INITIALS.match(words[-1]):
        return Contributor(family=" ".join(words[:-1]), given=dot_initials(words[-1], run_together=True), role=role)
    if len(words) == 1:
        return Contributor(family=text, role=role)
    contributor, _ = parse_inverted(text, role)
    return contributor


def _contributors(raw: TaggedRecord, kept: list[tuple[str, str]]) -> tuple[Contributor, ...]:
    """The people, in order, with their affiliations (AD) and ORCIDs (AUID); an AD or AUID
    with no person before it, or an AUID that is no ORCID, goes to ``kept``."""
    people: list[Contributor] = []
    last_full: str | None = None  # role of a full name awaiting its abbreviated form
    for tag, value in raw.take(PERSON_TAGS):
        if tag in NAME_TAGS and value.strip().lower() in ("et al", "et al."):
            continue
        if tag in NAME_TAGS:
            role, full = NAME_TAGS[tag]
            if not full and last_full == role:
                last_full = None
                continue
            people.append(_person(value, role, full))
            last_full = role if full else None
        elif tag == "CN":
            people.append(Contributor(literal=value, role="author"))
            last_full = None
        elif tag == "AD" and people:
            people[-1] = replace(people[-1], affiliations=people[-1].affiliations + (value,))
        elif tag == "AUID" and people and _ORCID.search(value) and people[-1].orcid is None:
            people[-1] = replace(people[-1], orcid=_ORCID.search(value).group(1))  # type: ignore[union-attr]
        elif tag in ("AD", "AUID"):
            kept.append((f"medline:{tag}", value))
    return tuple(people)


def _record_type(raw: TaggedRecord) -> str:
    if raw.peek("BTI") and not raw.peek("TA", "JT"):
        return "chapter" if raw.peek("TI") else "book"
    if raw.peek("OWN") == "ERIC":
        if raw.peek("VI", "IP", "PG"):  # volume, issue or pages: a journal's article
            return "article-journal"
        types = [t.lower() for t in raw.values("PT")]
        for prefix, rtype in ERIC_TYPES.items():
            if any(t.startswith(prefix) for t in types):
                return rtype
    for pt in raw.values("PT"):
        rtype = PUBLICATION_TYPES.get(pt.lower())
        if rtype and rtype != "article-journal":
            return rtype
    return "article-journal"


# -- the field table ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Field:
    """One MEDLINE tag read into one facet (:mod:`exporter.losses` vocabulary), for the record
    types given (all when empty). The reader offers each tag's values to its rows in table
    order; a value no row takes is kept in extra as ``("medline:<tag>", value)``. MEDLINE is
    read only (there is no MEDLINE writer), so the table has one direction."""

    tag: str
    facet: str
    codec: str = "text"
    types: frozenset[str] = frozenset()


def _field(tag: str, facet: str, codec: str = "text", types: str = "") -> Field:
    return Field(tag, facet, codec, frozenset(types.split()))


FIELDS: tuple[Field, ...] = (
    _field("PMID", "id:pmid", "pmid"),
    _field("AID", "id:doi", "article_id"),  # "10.1/x [doi]", "PMC123 [pmc]", "x [pii]"
    _field("LID", "id:doi", "article_id"),
    _field("PMC", "id:pmcid", "pmcid"),
    _field("IS", "id:issn", "issn"),  # "1524-4539 (Electronic)", "0009-7322 (Linking)"
    _field("ISSN", "id:issn", "issn"),
    _field("ISBN", "id:isbn", "isbn"),
    _field("TI", "title", "title"),
    _field("BTI", "title", types="book"),  # only when TI is absent
    _field("BTI", "container:title", types="chapter"),
    _field("JT", "container:title"),
    _field("TA", "container:short_title"),
    _field("VI", "container:volume"),
    _field("IP", "container:issue"),
    _field("PG", "container:pages", "pages"),
    _field("DP", "date:issued", "date"),
    _field("DEP", "date:online", "date"),
    _field("PB", "publisher"),
    _field("PL", "place", types="book chapter"),  # a journal's PL is its country, not a place of publication
    _field("CTI", "series"),
    _field("AB", "abstract"),
    _field("CI", "rights:statement"),
    _field("LA", "language", "language"),
    _field("MH", "subject", "mesh"),
    _field("OT", "subject", "keyword"),
    _field("PT", "subject", "publication-type"),
)


class _Builder:
    """The slots of one record being read, keyed by facet (first value wins)."""

    def __init__(self, rtype: str, eric: bool) -> None:
        self.rtype, self.eric = rtype, eric
        self.slots: dict[str, object] = {}
        self.identifiers: list[Identifier] = []
        self.links: list[Link] = []
        self.subjects: list[Subject] = []
        self.warnings: list[str] = []

    def set(self, facet: str, value: object) -> bool:
        if value is None or value == "" or facet in self.slots:
            return False
        self.slots[facet] = value
        return True

    def add(self, ident: Identifier) -> None:
        if ident not in self.identifiers:
            self.identifiers.append(ident)


def _read_text(b: _Builder, field: Field, value: str) -> bool:
    return b.set(field.facet, value)


def _read_title(b: _Builder, field: Field, value: str) -> bool:
    # NLM ends every title with a period (dropped); ERIC's titles are kept as given
    return b.set(field.facet, value if b.eric else nlm_title(value))


def _read_date(b: _Builder, field: Field, value: str) -> bool:
    date = parse_medline_date(value)
    if date and date.literal and field.facet == "date:issued":
        b.warnings.append(f"date {date.literal!r} is not a date; kept as text")
    return b.set(field.facet, date)


def _read_pages(b: _Builder, field: Field, value: str) -> bool:
    if "pages:read" in b.slots:
        return False
    start, end, pages = split_pages(value, expand=True)
    b.slots["pages:read"] = True
    for name, part in (("page_start", start), ("page_end", end), ("pages", pages)):
        b.set(f"container:{name}", part)
    return True


def _read_language(b: _Builder, field: Field, value: str) -> bool:
    return b.set("language", to_bcp47(value))  # a second language, or no language: kept


def _read_subject(b: _Builder, field: Field, value: str) -> bool:
    b.subjects.append(Subject(value, field.codec))
    return True


def _read_pmid(b: _Builder, field: Field, value: str) -> bool:
    if not value.strip().strip("0") or "id:pmid" in b.slots:
        return False  # "0" (no PMID yet) or a second one: kept
    b.slots["id:pmid"] = True
    b.add(Identifier("pmid", value.strip()))
    return True


def _read_article_id(b: _Builder, field: Field, value: str) -> bool:
    """AID/LID: an id with its kind in brackets; a URL; [pii] and other kinds are the
    publisher's ids, kept as given."""
    m = _ID_WITH_SUFFIX.match(value)
    if m:
        text, kind = m.group(1).strip(), m.group(2)
        scheme = ID_SUFFIXES.get(kind)
        clean = {"doi": clean_doi, "pmcid": clean_pmcid}.get(scheme or "", lambda t: t)(text)
        if scheme and clean:
            b.add(Identifier(scheme, clean))
            return True
        return False
    if value.startswith(("http://", "https://")):
        ident = identifier_from_url(value)
        if ident:
            b.add(ident)
        elif Link(value) not in b.links:
            b.links.append(Link(value))
        return True
    return False


def _read_pmcid(b: _Builder, field: Field, value: str) -> bool:
    pmcid = clean_pmcid(value)
    if pmcid:
        b.add(Identifier("pmcid", pmcid))
    return pmcid is not None


def _read_issn(b: _Builder, field: Field, value: str) -> bool:
    m = _ISSN_KIND.search(value)
    issn = clean_issn(m.group(1)) if m else None
    if m is None or issn is None:
        return False
    kind = (m.group(2) or "").lower()
    if kind == "linking":  # the ISSN-L is one of the journal's ISSNs
        if not any(i.value == issn for i in b.identifiers):
            b.add(Identifier("issn", issn))
        return True
    b.add(Identifier("eissn" if kind == "electronic" or "EISSN" in value.upper() else "issn", issn))
    return True


def _read_isbn(b: _Builder, field: Field, value: str) -> bool:
    b.add(Identifier("isbn", clean_isbn(value) or value))
    return True


#: A read codec takes one value for its field's facet; False: the value is passed on.
READ_CODECS: dict[str, Callable[[_Builder, Field, str], bool]] = {
    "text": _read_text, "title": _read_title, "date": _read_date, "pages": _read_pages,
    "language": _read_language, "mesh": _read_subject, "keyword": _read_subject,
    "publication-type": _read_subject, "pmid": _read_pmid, "article_id": _read_article_id,
    "pmcid": _read_pmcid, "issn": _read_issn, "isbn": _read_isbn,
}

#: ERIC record types whose JT names the issuing body (the publisher), not a journal.
ERIC_ISSUED_TYPES = frozenset({"report", "book", "thesis", "speech", "dataset"})


def raw_to_record(raw: TaggedRecord) -> tuple[Record, list[str]]:
    """One record: a walk of :data:`FIELDS` over the record's tags, plus the people
    (:func:`_contributors`) and the type (:func:`_record_type`)."""
    eric = raw.peek("OWN") == "ERIC"
    b = _Builder(_record_type(raw), eric)
    extra: list[tuple[str, str]] = []
    if any(v.strip().lower() in ("et al", "et al.") for t, v in raw.pairs if t in NAME_TAGS):
        extra.append(("others", "author"))
    contributors = _contributors(raw, extra)  # the people tags, read together
    pending: dict[str, list[str]] = {}
    for tag, value in raw.pairs:
        if value and tag not in PERSON_TAGS:
            pending.setdefault(tag, []).append(value)
    for field in FIELDS:
        if field.tag in pending and (not field.types or b.rtype in field.types):
            pending[field.tag] = [v for v in pending[field.tag] if not READ_CODECS[field.codec](b, field, v)]
    if eric and b.rtype in ERIC_ISSUED_TYPES and "container:title" in b.slots:
        _eric_issuer(b)
    # every value no row took is kept, under its tag (OWN, STAT, PHST, SO, DA, [pii] ids, ...),
    # in input order
    for tag, value in raw.pairs:
        left = pending.get(tag)
        if left and left[0] == value:
            extra.append((f"medline:{tag}", left.pop(0)))
    slots = b.slots
    container = {name: slots[f"container:{name}"] for name in _CONTAINER_SLOTS if f"container:{name}" in slots}
    pmid = next((i.value for i in b.identifiers if i.scheme == "pmid"), None)
    record = Record(
        type=b.rtype,
        contributors=contributors,
        container=Container(**container) if container else None,  # type: ignore[arg-type]
        issued=slots.get("date:issued"),  # type: ignore[arg-type]
        online=slots.get("date:online"),  # type: ignore[arg-type]
        identifiers=tuple(b.identifiers),
        links=tuple(b.links),
        subjects=tuple(b.subjects),
        rights=Rights(statement=slots["rights:statement"]) if "rights:statement" in slots else None,  # type: ignore[arg-type]
        provenance=Provenance(source_system="ERIC" if eric else "PubMed", source_id=pmid,
                              record_format="MEDLINE"),
        extra=tuple(extra),
        **{k: v for k, v in slots.items() if k in _TEXT_SLOTS},  # type: ignore[arg-type]
    )
    return record, b.warnings


def _eric_issuer(b: _Builder) -> None:
    """ERIC puts the issuing body of a report or book in JT: it is the publisher."""
    issuer = b.slots.pop("container:title")
    b.slots.setdefault("publisher", issuer)


_CONTAINER_SLOTS = ("title", "short_title", "volume", "issue", "page_start", "page_end", "pages")
_TEXT_SLOTS = frozenset({"title", "publisher", "place", "series", "abstract", "language"})


class MedlineReader(Reader):
    """MEDLINE/PubMed text (.nbib, .medline, PubMed's "PubMed" format)."""

    name = "medline"
    title = "MEDLINE/PubMed text (.nbib)"
    extensions = (".nbib", ".medline")
    media_type = "application/x-medline"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        number = 0
        for item in split_records(iter_lines(stream, source, warn_unterminated=True), source):
            if isinstance(item, Problem):
                yield item
                continue
            number += 1
            try:
                record, warnings = raw_to_record(item)
            except (ValueError, TypeError, IndexError) as exc:
                yield Problem(source=source, record=number, line=item.line, reason=f"MEDLINE record could not be read: {exc}")
                continue
            for w in warnings:
                yield Problem(source=source, record=number, line=item.line, reason=w, severity="warning")
            yield record
        if number == 0:
            yield Problem(source=source, reason="no MEDLINE record found (no 'TAG - value' lines)")

    @classmethod
    def record_splitter(cls) -> BlankLineSplitter:
        # a record's first line is a field (as _LINE reads it); a second PMID would start another
        return BlankLineSplitter(re.compile(rb"[A-Z][A-Z0-9]{1,3} *-(?: [^\r\n]*|[ \t]*)\r?$", re.M),
                                 re.compile(rb"\nPMID"))

    @classmethod
    def sniff(cls, head: str) -> bool:
        return re.search(r"^(PMID- |OWN - |PMID-\d)", head.lstrip("\ufeff"), re.MULTILINE) is not None
