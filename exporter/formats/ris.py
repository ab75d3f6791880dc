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
import functools
import re
from typing import Iterable, Iterator, TextIO

from ..model import Contributor, DateValue, Record
from ..normalize.identifiers import clean_doi
from ..normalize.markup import to_plain
from ..plugins import Writer
from .ris_reader import AUTHOR_TAGS, AUTHOR_TAGS_BY_TYPE
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


@functools.lru_cache(maxsize=1024)
def role_tag(role: str, ris_type: str) -> str | None:
    """The tag for ``role`` in a record of ``ris_type``: derived from the reader's
    type-dependent table (A2 is the series editor of a BOOK, the editor of a CHAP), so that
    what we write reads back as the same role."""
    for wanted in (role, "contributor"):  # a role the type has no tag for: a contributor
        for tag in ("AU", "A2", "A3", "A4", "ED"):
            if AUTHOR_TAGS_BY_TYPE.get((tag, ris_type), AUTHOR_TAGS.get(tag)) == wanted:
                return tag
    return None

#: What RIS holds (exporter.losses facets); the rest is reported as lost.
RIS_CARRIES = frozenset(
    """title subtitle short_title container:title container:short_title container:volume
    container:issue container:pages container:article_number date:issued date:issued:day
    date:online date:accessed publisher place edition series number genre id:doi id:pmid
    id:pmcid id:issn id:isbn link link:more abstract subject language notes""".split()
) | {f"contributor:{role}" for role in (*AUTHOR_TAGS.values(), *AUTHOR_TAGS_BY_TYPE.values()) if role}

_URL_STARTS = ("http://", "https://", "ftp://", "www.")
_TAG_ORDER = {tag: i for i, tag in enumerate(
    "TY AU A1 A2 A3 A4 ED TI T1 ST T2 C3 J2 T3 PY DA ET Y2 VL IS SP EP C7 M1 SN DO AN C2 PB CY M3 AB KW LA UR N1 DB DP".split()
)}
_TAG = re.compile(r"^[A-Z][A-Z0-9]$")


def is_ris_tag(key: str) -> bool:
    return bool(_TAG.match(key)) and key not in ("TY", "ER")


_FOLD = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


_UNCLEAN = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85<]")


def clean_value(text: str) -> str:
    """One line of plain text: markup removed, newlines folded, control characters dropped."""
    if _UNCLEAN.search(text) is None:  # the common case: nothing to do
        return text.strip()
    text = to_plain(text) or ""
    text = _FOLD.sub(" ", text)
    return _CONTROL.sub("", text).strip()


def _part(text: str | None) -> str:
    # RIS has no way to quote a comma inside a name part: it would move the boundary
    return " ".join((text or "").replace(",", " ").split())


def ris_name(c: Contributor) -> str:
    """"Last, First, Suffix" (organisations as they are)."""
    if c.literal is not None:
        return " ".join(c.literal.split())
    last = " ".join(_part(p) for p in (c.dropping_particle, c.particle, c.family) if _part(p))
    out = last
    given = _part(c.given)
    if not given and not c.suffix:
        # a lone "Smith JA" reads as family and initials (PubMed style): the comma says
        # that all of it is the family name
        return f"{last},"
    if given:
        out += f", {given}"
    if c.suffix:
        out += f"{'' if given else ','}, {_part(c.suffix)}"
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
        tag = role_tag(c.role, rtype)
        if tag is not None:  # else this type has no tag for any person but its authors
            yield tag, ris_name(c)
    if record.full_title:
        yield "TI", record.full_title
    if record.short_title:
        yield "ST", record.short_title
    # what T2 means depends on the type (the RIS reader's table): the container, the series
    # (BOOK), the conference (CPAPER, whose container is C3), or nothing
    from .ris_reader import C3_IS_CONTAINER, SP_BY_TYPE, T2_BY_TYPE, T3_BY_TYPE

    t2 = T2_BY_TYPE.get(rtype, "container")
    cont = record.container
    if cont and cont.title:
        if t2 == "container":
            yield "T2", cont.title
        elif rtype in C3_IS_CONTAINER:
            yield "C3", cont.title
    if cont and cont.short_title:
        yield "J2", cont.short_title
    if record.series and t2 == "series":
        yield "T2", record.series
    elif record.series and T3_BY_TYPE.get(rtype, "series") == "series":
        yield "T3", record.series
    if record.event and t2 == "event":
        yield "T2", record.event
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
        # for some types a lone SP is a page count or a description (the reader's table): a
        # single page is then not written, a range still is
        lone_sp_means_pages = rtype not in SP_BY_TYPE
        if cont.pages:
            yield "SP", cont.pages
        elif cont.page_start and (cont.page_end or lone_sp_means_pages):
            yield "SP", cont.page_start
            if cont.page_end:
                yield "EP", cont.page_end
        if cont.article_number:
            yield "C7", cont.article_number  # Zotero and EndNote: "Article Number"
    if record.number:
        yield "M1" if rtype != "RPRT" else "SN", record.number
    for scheme in ("issn", "isbn"):
        for value in record.ids(scheme):
            yield "SN", value
    odd_ids = [i.value for i in record.identifiers if i.scheme == "doi" and clean_doi(i.value) is None]
    if record.doi and record.doi not in odd_ids:
        yield "DO", clean_doi(record.doi) or record.doi
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
        # one keyword per KW line; RIS readers (ours, Zotero's) also split a line at ";"
        for term in re.split(r"[;\n]", s.term):
            if term.strip():
                yield "KW", term.strip()
    if record.language:
        yield "LA", record.language
    odd_links = []
    for link in record.links:
        if link.url.startswith(_URL_STARTS):
            yield "UR", link.url.strip().replace(" ", "%20")
        else:
            odd_links.append(link.url)  # not a web address: kept, after the standard tags
    for note in record.notes:
        yield "N1", note
    database = record.provenance.database if record.provenance else None
    if record.pmid and not database:
        database = "PubMed"  # AN is an accession number in the database DB names
    if database:
        yield "DB", database
    if record.provenance and record.provenance.institution:
        yield "DP", record.provenance.institution
    # values that are not what their tag promises, kept after the standard tags in the order
    # the RIS reader keeps them (so that a second trip writes the same file)
    for value in odd_ids:
        yield "DO", value
    for url in odd_links:
        yield "UR", url
    # tags no slot held when the record was read (vendor tags, unknown tags) go back out
    for key, value in record.extra:
        if is_ris_tag(key):
            yield key, value


@dataclasses.dataclass
class RISWriter(Writer):
    """RIS records, streamed; CRLF line ends, UTF-8 without BOM."""

    name = "ris"
    title = "RIS (EndNote, Zotero, Mendeley)"
    extensions = (".ris",)
    media_type = "application/x-research-info-systems"
    carries = RIS_CARRIES

    @staticmethod
    def carries_extra(key: str) -> bool:
        return is_ris_tag(key)

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        for record in records:
            chunks = []
            # tags in one fixed order (stable: authors keep theirs), wherever a value came
            # from, so that a value a reader kept under its tag comes back to the same place
            lines = sorted(ris_lines(record), key=lambda tv: _TAG_ORDER.get(tv[0], len(_TAG_ORDER)))
            for tag, value in lines:
                value = clean_value(value)
                if value:
                    chunks.append(f"{tag}  - {value}\r\n")
            chunks.append("ER  - \r\n\r\n")
            stream.write("".join(chunks))
