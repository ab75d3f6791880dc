"""RIS writer.

Spec: the RIS format as documented by Research Information Systems / Clarivate
(RIS Format Specifications, 2011 revision, https://web.archive.org/web/2012*/refman.com/support/risformat_intro.asp)
and as Zotero, EndNote and Mendeley read it. Lines are ``TAG  - value`` with CRLF endings,
UTF-8 without a byte-order mark; every record starts with ``TY`` and ends with ``ER``.
A value is one line: newlines inside values are folded to spaces, so no value can ever start
a new tag or end a record.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Iterable, Iterator, TextIO

from ..model import Contributor, DateValue, Record
from ..normalize.markup import to_plain
from ..plugins import Writer
from ..problems import ProblemHandler, raise_problem

# -- mapping tables -------------------------------------------------------------------------

RIS_TYPES = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS",
    "article": "JOUR", "review": "JOUR", "review-book": "JOUR",
    "book": "BOOK", "classic": "BOOK", "collection": "EDBOOK", "periodical": "JFULL",
    "chapter": "CHAP", "entry-dictionary": "DICT", "entry-encyclopedia": "ENCYC", "entry": "CHAP",
    "paper-conference": "CPAPER", "event": "CONF", "thesis": "THES", "report": "RPRT",
    "standard": "STAND", "webpage": "ELEC", "post": "ELEC", "post-weblog": "BLOG",
    "dataset": "DATA", "software": "COMP", "patent": "PAT", "map": "MAP",
    "manuscript": "MANSCPT", "motion_picture": "VIDEO", "broadcast": "VIDEO", "song": "SOUND",
    "graphic": "ART", "figure": "FIGURE", "legal_case": "CASE", "legislation": "STAT",
    "bill": "BILL", "hearing": "HEAR", "interview": "PCOMM", "personal_communication": "PCOMM",
    "pamphlet": "PAMP", "musical_score": "MUSIC", "speech": "SLIDE", "regulation": "GOVDOC",
    "treaty": "GOVDOC", "document": "GEN",
}
#: Contributor role -> RIS tag (Zotero's and EndNote's reading of the 2011 tag set).
ROLE_TAGS = {
    "author": "AU", "editor": "A2", "collection-editor": "A3", "translator": "A4",
    "contributor": "A4", "director": "AU", "composer": "AU", "interviewer": "A2",
    "recipient": "A2", "container-author": "A2",
}

#: What RIS holds (exporter.losses facets); the rest is reported as lost.
RIS_CARRIES = frozenset(
    """title subtitle short_title container:title container:short_title container:volume
    container:issue container:pages container:article_number date:issued date:issued:day
    date:online date:accessed publisher place edition series number genre id:doi id:pmid
    id:pmcid id:issn id:isbn link link:more abstract subject language notes""".split()
) | {f"contributor:{role}" for role in ROLE_TAGS}

_FOLD = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def clean_value(text: str) -> str:
    """One line of plain text: markup removed, newlines folded, control characters dropped."""
    text = to_plain(text) or ""
    text = _FOLD.sub(" ", text)
    return _CONTROL.sub("", text).strip()


def ris_name(c: Contributor) -> str:
    """"Last, First, Suffix" (organisations as they are)."""
    if c.literal is not None:
        return c.literal
    last = " ".join(p for p in (c.dropping_particle, c.particle, c.family) if p)
    out = last
    if c.given:
        out += f", {c.given}"
    if c.suffix:
        out += f"{'' if c.given else ','}, {c.suffix}"
    return out


def ris_date(d: DateValue) -> str | None:
    """YYYY/MM/DD/other: missing parts left empty ("2021///")."""
    if d.start is None:
        return None
    s = d.start
    month = f"{s.month:02d}" if s.month else ""
    day = f"{s.day:02d}" if s.day else ""
    other = ""
    if s.season:
        other = ("Spring", "Summer", "Autumn", "Winter")[s.season - 1]
    return f"{s.year:04d}/{month}/{day}/{other}"


def ris_lines(record: Record) -> Iterator[tuple[str, str]]:
    rtype = RIS_TYPES.get(record.type, "GEN")
    yield "TY", rtype
    for c in record.contributors:
        yield ROLE_TAGS.get(c.role, "A4"), ris_name(c)
    if record.full_title:
        yield "TI", record.full_title
    if record.short_title:
        yield "ST", record.short_title
    cont = record.container
    if cont and cont.title:
        yield "T2", cont.title
    if cont and cont.short_title:
        yield "J2", cont.short_title
    if record.series:
        yield "T3", record.series
    if record.issued:
        if record.issued.year is not None:
            yield "PY", f"{record.issued.year:04d}"
        da = ris_date(record.issued)
        if da:
            yield "DA", da
        elif record.issued.literal:
            yield "PY", record.issued.literal
    if record.online and record.type.startswith("article"):
        online = ris_date(record.online)
        if online:
            yield "ET", online  # EndNote's "Epub Date" for journal articles
    elif record.edition:
        yield "ET", record.edition
    if record.accessed:
        accessed = ris_date(record.accessed)
        if accessed:
            yield "Y2", accessed
    if cont:
        if cont.volume:
            yield "VL", cont.volume
        if cont.issue:
            yield "IS", cont.issue
        if cont.page_start:
            yield "SP", cont.page_start if not cont.pages else cont.pages
        if cont.page_end and not cont.pages:
            yield "EP", cont.page_end
        if cont.article_number:
            yield "C7", cont.article_number  # Zotero and EndNote: "Article Number"
    if record.number:
        yield "M1" if rtype != "RPRT" else "SN", record.number
    for scheme in ("issn", "isbn"):
        for value in record.ids(scheme):
            yield "SN", value
    if record.doi:
        yield "DO", record.doi
    if record.pmid:
        yield "AN", record.pmid
    if record.pmcid and rtype == "JOUR":
        yield "C2", record.pmcid
    if record.publisher:
        yield "PB", record.publisher
    if record.place:
        yield "CY", record.place
    if record.genre:
        yield "M3", record.genre
    if record.abstract:
        yield "AB", record.abstract
    for s in record.subjects:
        yield "KW", s.term
    if record.language:
        yield "LA", record.language
    for link in record.links:
        yield "UR", link.url.strip().replace(" ", "%20")
    for note in record.notes:
        yield "N1", note
    if record.provenance:
        if record.provenance.database:
            yield "DB", record.provenance.database
        if record.provenance.institution:
            yield "DP", record.provenance.institution


@dataclasses.dataclass
class RISWriter(Writer):
    """RIS records, streamed; CRLF line ends, UTF-8 without BOM."""

    name = "ris"
    title = "RIS (EndNote, Zotero, Mendeley)"
    extensions = (".ris",)
    media_type = "application/x-research-info-systems"
    carries = RIS_CARRIES

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        for record in records:
            chunks = []
            for tag, value in ris_lines(record):
                value = clean_value(value)
                if value:
                    chunks.append(f"{tag}  - {value}\r\n")
            chunks.append("ER  - \r\n\r\n")
            stream.write("".join(chunks))
