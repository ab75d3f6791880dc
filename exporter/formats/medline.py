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

Repairs, the same as in the PubMed XML reader so that both PubMed formats give one record:
the period NLM ends every title with is dropped, initials get their periods ("Hiles, I D"
-> "I. D."), abbreviated page ranges are expanded ("1342-50" -> 1342-1350), and the ISSN-L
(``IS ... (Linking)``) is kept as an ISSN. ERIC exports use this layout with their own
publication types (``ERIC_TYPES``); their titles are kept as given. An input whose last line
has no line end gets a warning (it may be truncated).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
from .tagged import TaggedRecord

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

#: (Documentation) the tags read into slots; any value not read goes to ``extra``.
CONSUMED = frozenset(
    ["PMID", "TI", "BTI", "AB", "CI", "FAU", "AU", "FED", "ED", "CN", "AD", "AUID", "AID", "LID", "PMC", "DP", "DEP", "TA", "JT", "IS", "ISSN", "VI", "IP", "PG", "LA", "PT", "MH", "OT", "PB", "PL", "ISBN", "CTI", "OTO"]
)

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


def _contributors(raw: TaggedRecord) -> tuple[Contributor, ...]:
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
        elif tag == "AUID" and people:
            m = _ORCID.search(value)
            if m:
                people[-1] = replace(people[-1], orcid=m.group(1))
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


def raw_to_record(raw: TaggedRecord) -> tuple[Record, list[str]]:
    warnings: list[str] = []
    extra: list[tuple[str, str]] = []
    identifiers: list[Identifier] = []
    links: list[Link] = []

    def add(ident: Identifier) -> None:
        if ident not in identifiers:
            identifiers.append(ident)

    if raw.first("PMID") and raw.first("PMID", "").strip("0"):  # type: ignore[union-attr]
        add(Identifier("pmid", raw.first("PMID").strip()))  # type: ignore[union-attr]
    elif raw.first("PMID"):
        extra.append(("medline:PMID", raw.first("PMID") or ""))
    for tag in ("AID", "LID"):
        for value in raw.values(tag):
            m = _ID_WITH_SUFFIX.match(value)
            if m:
                text, kind = m.group(1).strip(), m.group(2)
                scheme = ID_SUFFIXES.get(kind)
                if scheme == "doi" and clean_doi(text):
                    add(Identifier("doi", clean_doi(text)))  # type: ignore[arg-type]
                elif scheme == "pmcid" and clean_pmcid(text):
                    add(Identifier("pmcid", clean_pmcid(text)))  # type: ignore[arg-type]
                elif scheme:
                    add(Identifier(scheme, text))
                else:  # [pii] and other kinds: the publisher's ids, kept as given
                    extra.append((f"medline:{tag}", value))
            elif value.startswith(("http://", "https://")):
                ident = identifier_from_url(value)
                if ident:
                    add(ident)
                elif Link(value) not in links:
                    links.append(Link(value))
            else:
                extra.append((f"medline:{tag}", value))
    for value in raw.values("PMC"):
        pmcid = clean_pmcid(value)
        if pmcid:
            add(Identifier("pmcid", pmcid))
    for tag in ("IS", "ISSN"):
        for value in raw.values(tag):
            m = _ISSN_KIND.search(value)
            if not m:
                extra.append((f"medline:{tag}", value))
                continue
            issn = clean_issn(m.group(1))
            kind = (m.group(2) or "").lower()
            if not issn:
                extra.append((f"medline:{tag}", value))
                continue
            if kind == "linking":  # the ISSN-L is one of the journal's ISSNs
                if not any(i.value == issn for i in identifiers):
                    add(Identifier("issn", issn))
                continue
            scheme = "eissn" if kind == "electronic" or "EISSN" in value.upper() else "issn"
            add(Identifier(scheme, issn))
    for value in raw.values("ISBN"):
        add(Identifier("isbn", clean_isbn(value) or value))

    rtype = _record_type(raw)
    title = raw.first("TI") if raw.peek("OWN") == "ERIC" else nlm_title(raw.first("TI"))
    container_title = raw.first("JT")
    publisher = raw.first("PB")
    if rtype in ("report", "book", "thesis", "speech", "dataset") and raw.peek("OWN") == "ERIC":
        publisher, container_title = publisher or container_title, None
    if any(v.strip().lower() in ("et al", "et al.") for t, v in raw.pairs if t in NAME_TAGS):
        extra.append(("others", "author"))
    if rtype in ("book",):
        title = title or raw.first("BTI")
    elif rtype == "chapter":
        container_title = raw.first("BTI")
    start, end, pages = split_pages(raw.first("PG"), expand=True)
    container = None
    if container_title or raw.first("TA") or raw.first("VI") or raw.first("IP") or start or pages:
        container = Container(
            title=container_title,
            short_title=raw.first("TA"),
            volume=raw.first("VI"),
            issue=raw.first("IP"),
            page_start=start,
            page_end=end,
            pages=pages,
        )
    languages = [to_bcp47(v) for v in raw.values("LA")]
    for other in raw.values("LA")[1:]:
        extra.append(("medline:LA", other))
    subjects = [Subject(v, "mesh") for v in raw.values("MH")]
    subjects += [Subject(v, "keyword") for v in raw.values("OT")]
    subjects += [Subject(v, "publication-type") for v in raw.values("PT")]
    issued = parse_medline_date(raw.first("DP"))
    if issued and issued.literal:
        warnings.append(f"date {issued.literal!r} is not a date; kept as text")
    owner = raw.peek("OWN")
    pmid = next((i.value for i in identifiers if i.scheme == "pmid"), None)
    record = Record(
        type=rtype,
        title=title,
        contributors=_contributors(raw),
        container=container,
        issued=issued,
        online=parse_medline_date(raw.first("DEP")),
        publisher=publisher,
        place=raw.first("PL") if rtype in ("book", "chapter") else None,
        series=raw.first("CTI"),
        identifiers=tuple(identifiers),
        links=tuple(links),
        abstract=raw.first("AB"),
        subjects=tuple(subjects),
        language=languages[0] if languages else None,
        rights=Rights(statement=raw.first("CI")) if raw.first("CI") else None,
        provenance=Provenance(
            source_system="PubMed" if owner != "ERIC" else "ERIC",
            source_id=pmid,
            record_format="MEDLINE",
        ),
        extra=tuple(extra),
    )
    # every value no slot took is kept, under its tag (OWN, STAT, PHST, SO, ...)
    unread = tuple((f"medline:{tag}", value) for tag, value in raw.unread())
    return replace(record, extra=record.extra + unread), warnings


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
    def sniff(cls, head: str) -> bool:
        return re.search(r"^(PMID- |OWN - |PMID-\d)", head.lstrip("\ufeff"), re.MULTILINE) is not None
