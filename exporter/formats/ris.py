"""RIS writer: a walk of the RIS table (:mod:`exporter.formats.ris_table`), the same table
the reader walks, so that what is written reads back as the same slot; ``lost(record)``
comes from the same walk.

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
from collections.abc import Callable, Iterable
from typing import TextIO

from ..losses import facets
from ..model import Contributor, DateValue, Record
from ..normalize.identifiers import clean_doi, clean_isbn, clean_issn
from ..normalize.languages import to_bcp47
from ..normalize.markup import to_plain
from ..plugins import Writer
from ..problems import ProblemHandler, raise_problem
from .ris_reader import PUBMED_DATABASE, parse_ris_date, sp_is_pages, split_isxn
from .ris_table import (
    REPEATABLE_TAGS,
    SPEC_TAGS,
    Row,
    carried_facets,
    lone_sp_facet,
    ris_type,
    role_rows,
    tag_rows,
    write_rows,
)

# The tag <-> slot table and the type maps: exporter.formats.ris_table (one table, both ways).

_URL_STARTS = ("http://", "https://", "ftp://", "www.")
_TAG_ORDER = {tag: i for i, tag in enumerate(
    ["TY", "ID", "AU", "A1", "A2", "A3", "A4", "ED", "TI", "T1", "ST", "T2", "C3", "J2", "T3", "RI", "PY", "DA", "ET", "Y2", "VL", "IS", "SP", "EP", "C7", "SE", "NV", "M1", "SN", "DO", "AN", "C2", "PB", "CY", "M3", "C1", "CN", "AB", "KW", "LA", "UR", "N1", "RN", "DB", "DP"]
)}


def is_ris_tag(key: str) -> bool:
    """A tag of the RIS spec a record may hold (not TY or ER, which structure the file)."""
    return key in _EXTRA_TAGS


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


class _Emission:
    """The lines of one record being written, the tags used and the facets written."""

    def __init__(self, record: Record, ty: str) -> None:
        self.record, self.ty = record, ty
        self.lines: list[tuple[str, str]] = [("TY", ty)]
        self.used_tags: set[str] = set()
        self.facets: set[str] = set()
        self.late: list[tuple[str, str]] = []  # kept values written after the standard ones
        self.present: set[str] = set()  # the facets the record has

    def emit(self, row: Row, values: list[str], facet: str | None = None) -> None:
        if not values:
            return
        values = [v for v in values if v and clean_value(v)]
        if not values:
            return
        self.lines += [(row.tag, v) for v in values]
        self.used_tags.add(row.tag)
        self.facets.add(facet or row.facet)


#: A write codec gives the values of ``row.tag`` for ``record`` (an empty list: nothing to
#: write, the tag stays free for the next row).
WriteCodec = Callable[[Record, Row, _Emission], list[str]]


def _facet_value(record: Record, facet: str) -> str | None:
    if facet.startswith("container:"):
        return getattr(record.container, facet[10:], None) if record.container else None
    value = getattr(record, facet, None)
    return value if isinstance(value, str) else None


def _write_text(record: Record, row: Row, out: _Emission) -> list[str]:
    value = _facet_value(record, row.facet)
    return [value] if value else []


def _write_title(record: Record, row: Row, out: _Emission) -> list[str]:
    return [record.full_title] if record.full_title else []


def _write_edition_not_date(record: Record, row: Row, out: _Emission) -> list[str]:
    """ET of a journal article is read as the epub date when it is a date: an edition that
    looks like one ("2019") cannot be written there."""
    edition = record.edition
    if not edition:
        return []
    date = parse_ris_date(edition)
    return [] if date is not None and date.start is not None else [edition]


def _write_date(record: Record, row: Row, out: _Emission) -> list[str]:
    """YYYY/MM/DD/; a date that is only text ("n.d.", "Spring term") as that text, which the
    reader keeps as text again."""
    value: DateValue | None = getattr(record, _DATE_ATTRS[row.facet])
    if value is None:
        return []
    text = ris_date(value) or value.literal
    if text and value.start is None and parse_ris_date(text) != value:
        return []  # text that would read back as another date
    return [text] if text else []


_DATE_ATTRS = {"date:issued": "issued", "date:online": "online", "date:accessed": "accessed"}


def _write_issued(record: Record, row: Row, out: _Emission) -> list[str]:
    """PY holds the year (or the text of a date that is no date), DA the full date."""
    issued = record.issued
    if issued is None:
        return []
    if row.tag == "PY":
        if issued.year is not None:
            return [f"{issued.year:04d}"]
        return [issued.literal] if issued.literal else []
    da = ris_date(issued)
    if da and issued.start and issued.start.day:
        out.facets.add("date:issued:day")
    return [da] if da else []


def _write_pages(record: Record, row: Row, out: _Emission) -> list[str]:
    """SP and EP; where a lone SP is a page count (books) or a description, a lone start
    page is not written (it would read back as a count), a range or list still is."""
    cont = record.container
    if cont is None:
        return []
    lone_is_other = lone_sp_facet(out.ty) is not None
    if row.tag == "SP":
        if cont.pages:
            return [cont.pages] if not lone_is_other or sp_is_pages(cont.pages) else []
        if cont.page_start and (cont.page_end or not lone_is_other):
            return [cont.page_start]
        return []
    # EP: only with the SP written above
    if cont.page_end and not cont.pages and cont.page_start and "SP" in out.used_tags:
        return [cont.page_end]
    if cont.page_end and not cont.page_start and not cont.pages:
        return [cont.page_end]
    return []


def _write_lone_sp(record: Record, row: Row, out: _Emission) -> list[str]:
    value = _facet_value(record, row.facet)
    return [value] if value and not sp_is_pages(value) else []


def _write_number_not_isxn(record: Record, row: Row, out: _Emission) -> list[str]:
    """A report number in SN: one that looks like an ISBN or ISSN would read back as one."""
    number = record.number
    return [number] if number and not split_isxn(number) else []


_CLEAN_ISXN = {"id:isbn": clean_isbn, "id:issn": clean_issn, "id:eissn": clean_issn}


def _write_isxn(record: Record, row: Row, out: _Emission) -> list[str]:
    # in the form the reader gives back ("978-3-642..." reads as "9783642..."): one trip is a fixpoint
    clean = _CLEAN_ISXN[row.facet]
    values = [clean(v) or v for v in record.ids(row.facet[3:])]
    if values and row.facet == "id:eissn":
        out.lines += [("SN", v) for v in values]  # the value survives, read back as an ISSN
        return []
    return values


def _write_doi(record: Record, row: Row, out: _Emission) -> list[str]:
    dois = list(record.ids("doi"))
    good = [clean_doi(d) or d for d in dois if clean_doi(d) is not None]
    odd = [d for d in dois if clean_doi(d) is None]
    out.late += [("DO", d) for d in odd]  # kept after the standard tags, as the reader keeps them
    return good


def _pubmed_database(record: Record) -> bool:
    database = record.provenance.database if record.provenance else None
    return database is None or bool(PUBMED_DATABASE.search(database))


def _write_pmid(record: Record, row: Row, out: _Emission) -> list[str]:
    """AN is read as the PMID only when DB names PubMed and it is a number: written then."""
    pmid = record.pmid
    return [pmid] if pmid and pmid.isdigit() and _pubmed_database(record) else []


def _write_pmcid(record: Record, row: Row, out: _Emission) -> list[str]:
    return list(record.ids("pmcid"))


def _write_keyword(record: Record, row: Row, out: _Emission) -> list[str]:
    # one keyword per KW line; RIS readers (ours, Zotero's) also split a line at ";"
    if record.subjects and all(s.scheme == "keyword" for s in record.subjects):
        out.facets.add("subject:scheme")  # what KW reads back as: nothing else to say
    return [t.strip() for s in record.subjects for t in re.split(r"[;\n]", s.term) if t.strip()]


def _write_abstract(record: Record, row: Row, out: _Emission) -> list[str]:
    return [record.abstract] if record.abstract else []


def _write_note(record: Record, row: Row, out: _Emission) -> list[str]:
    return list(record.notes)


def _write_language(record: Record, row: Row, out: _Emission) -> list[str]:
    return [record.language] if record.language else []


def _write_url(record: Record, row: Row, out: _Emission) -> list[str]:
    urls = [link.url.strip().replace(" ", "%20") for link in record.links if link.url.startswith(_URL_STARTS)]
    # not a web address: kept, after the standard tags (the reader keeps it as ris:UR)
    out.late += [("UR", link.url) for link in record.links if not link.url.startswith(_URL_STARTS)]
    if len(urls) > 1:
        out.facets.add("link:more")
    return urls


def _write_database(record: Record, row: Row, out: _Emission) -> list[str]:
    database = record.provenance.database if record.provenance else None
    if record.pmid and record.pmid.isdigit() and not database:
        database = "PubMed"  # AN is an accession number in the database DB names
    return [database] if database else []


def _write_institution(record: Record, row: Row, out: _Emission) -> list[str]:
    institution = record.provenance.institution if record.provenance else None
    return [institution] if institution else []


def _write_key(record: Record, row: Row, out: _Emission) -> list[str]:
    return [record.key] if record.key else []


WRITE_CODECS: dict[str, WriteCodec] = {
    "text": _write_text, "title": _write_title, "edition": _write_edition_not_date,
    "date": _write_date, "epub": _write_date, "issued": _write_issued, "pages": _write_pages,
    "lone_sp": _write_lone_sp, "number_or_isxn": _write_number_not_isxn, "isxn": _write_isxn,
    "doi": _write_doi, "pmid": _write_pmid, "pmcid": _write_pmcid, "keyword": _write_keyword,
    "abstract": _write_abstract, "note": _write_note, "language": _write_language,
    "url": _write_url, "database": _write_database, "institution": _write_institution,
    "journal": _write_text,
}


def _write_people(record: Record, out: _Emission) -> None:
    """Each person under the tag that reads back as their role in this type (A2 is the
    series editor of a BOOK, the editor of a CHAP); a role the type has no tag for is
    written as the type's "contributor" tag, if it has one, and reported lost either way."""
    rows = role_rows(out.ty)
    for c in record.contributors:
        row = rows.get(c.role)
        if row is not None:
            out.emit(row, [ris_name(c)])
        elif "contributor" in rows:
            out.lines.append((rows["contributor"].tag, ris_name(c)))


#: Codecs that write one facet over several tags (PY and DA, SP and EP, DB and DP).
_SPLIT_CODECS = frozenset({"issued", "pages", "database", "institution"})


def _emission(record: Record) -> _Emission:
    """The walk for ``record``, once: the API asks ``lost()`` of each record just before it
    is written, so the last walk is kept (with the record, so that ``is`` is a safe test)."""
    global _last
    last = _last
    if last is not None and last[0] is record:
        return last[1]
    out = _walk(record)
    _last = (record, out)
    return out


_last: tuple[Record, _Emission] | None = None


@functools.lru_cache(maxsize=256)
def _plan(ty: str) -> tuple[tuple[Row, WriteCodec, bool, bool], ...]:
    """The write rows of RIS type ``ty`` with their codec, looked up once per type."""
    return tuple((row, WRITE_CODECS[row.codec], row.codec in _SPLIT_CODECS, row.tag in REPEATABLE_TAGS)
                 for row in write_rows(ty) if row.codec != "name")


def _walk(record: Record) -> _Emission:
    """The table walk: every row of the record's RIS type, in table order; the first facet
    with a value takes a tag, a facet is written once."""
    out = _Emission(record, ris_type(record.type))
    _write_people(record, out)
    facets_written, tags_used = out.facets, out.used_tags
    # a row whose facet the record does not have has nothing to write (DB is written for a
    # PMID alone, so that AN reads back as one: provenance is always asked)
    out.present = facets(record)
    present = out.present | {"provenance"}
    for row, codec, split, repeatable in _plan(out.ty):
        if row.facet not in present:
            continue
        if (row.facet in facets_written and not split) or (row.tag in tags_used and not repeatable):
            continue
        values = codec(record, row, out)
        if values:
            out.emit(row, values)
    prov = record.provenance
    out.facets.discard("provenance")  # DB and DP are only part of it
    if ("DB" in out.used_tags or "DP" in out.used_tags) and prov and not (prov.source_id or prov.collection or prov.record_format):
        out.facets.add("provenance")  # all of it written (RIS cannot name the system read from)
    # fields no slot held when the record was read from RIS go back out under their tag, if
    # it is a tag of the spec and reads back as the same (the rest, and other formats'
    # fields, are reported lost)
    for key, value in record.extra:
        tag = key[4:] if key.startswith("ris:") else None
        if tag in _EXTRA_TAGS and _reads_back_as_extra(tag, value, out):
            out.late.append((tag, value))
            out.facets.add(f"extra:{key}")
    return out


def _reads_back_as_extra(tag: str, value: str, out: _Emission) -> bool:
    """A kept value written under its tag comes back as the same extra when every row that
    reads the tag in this type passes it on: its slot is filled by what was written, or the
    value is not what the row reads (a DOI that is no DOI). Else it would come back in a slot
    it does not belong to (an ANCIENT's T3, its volume title, as a CLSWK's series): it is
    not written, and reported."""
    for row in tag_rows(out.ty).get(tag, ()):
        if row.codec in _GROUP_READS:
            # read with its group: a second value of a tag written above stays an extra
            return tag in out.used_tags and (row.codec != "journal" or tag == "J2")
        if not _passes_on(row, value, out):
            return False
    return True


#: Read codecs that take the first value of each of their tags together.
_GROUP_READS = frozenset({"issued", "pages", "journal"})


def _passes_on(row: Row, value: str, out: _Emission) -> bool:
    """Whether the reader's ``row`` would leave ``value`` to the next row (and so to extra)."""
    codec = row.codec
    if codec in ("name", "keyword", "note", "abstract"):
        return False  # these take every value
    if codec == "url":  # a single word that is no web address is kept as it is
        return len(value.split()) == 1 and not value.startswith(_URL_STARTS)
    if codec == "doi":
        return clean_doi(value) is None
    if codec in ("isxn", "number_or_isxn"):
        return not split_isxn(value) and (codec == "isxn" or "number" in out.facets)
    if codec == "pmcid":
        return _PMCID_SHAPE.match(value.split()[0] if value.split() else "") is None
    if codec == "pmid":
        return not (value.strip().isdigit() and "DB" in out.used_tags and _pubmed_database(out.record))
    if codec == "language":
        return to_bcp47(value) is None or row.facet in out.facets
    if codec in ("date", "epub"):
        return row.facet in out.facets and ("edition" in out.facets or codec == "date")
    return row.facet in out.facets


_PMCID_SHAPE = re.compile(r"^PMC\d+$", re.IGNORECASE)


#: Tags a kept ``ris:`` extra may be written under: the spec's, except the structure.
_EXTRA_TAGS = SPEC_TAGS - {"TY", "ER"}


def ris_lines(record: Record) -> list[tuple[str, str]]:
    """The (tag, value) lines of one record, in the writer's tag order."""
    out = _emission(record)
    # tags in one fixed order (stable: authors keep theirs), wherever a value came from, so
    # that a value a reader kept under its tag comes back to the same place
    return sorted(out.lines + out.late, key=lambda tv: _TAG_ORDER.get(tv[0], len(_TAG_ORDER)))


def lost_facets(record: Record) -> list[str]:
    """What the same table walk that writes ``record`` does not write, as facets."""
    out = _emission(record)
    return sorted(out.present - out.facets)


@dataclasses.dataclass
class RISWriter(Writer):
    """RIS records, streamed; CRLF line ends, UTF-8 without BOM."""

    name = "ris"
    title = "RIS (EndNote, Zotero, Mendeley)"
    extensions = (".ris",)
    media_type = "application/x-research-info-systems"
    carries = carried_facets()

    @staticmethod
    def carries_extra(key: str) -> bool:
        """Extras written back: RIS's own (``ris:XX``) whose XX is a tag of the spec."""
        return key.startswith("ris:") and is_ris_tag(key[4:])

    def lost(self, record: Record) -> list[str]:
        return lost_facets(record)

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        # ID is unique in the file: exporter.api renames a repeated source id for every writer
        for record in records:
            chunks = []
            for tag, value in ris_lines(record):
                value = clean_value(value)
                if value:
                    chunks.append(f"{tag}  - {value}\r\n")
            chunks.append("ER  - \r\n\r\n")
            stream.write("".join(chunks))
