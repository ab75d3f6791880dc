"""RIS reader, with the Web of Science field-tagged flavour.

Spec: the RIS format as specified by Research Information Systems / Thomson Reuters
("RIS Format Specifications", 2011, archived at
https://web.archive.org/web/20120526103719/http://refman.com/support/risformat_intro.asp),
with the older RefMan tag set (T1, A1, Y1, JO/JF/JA/J1/J2, N2, ...) and the vendor habits
seen in EndNote, Mendeley, Zotero, PubMed and EBSCO exports. The Web of Science "field
tagged" export (https://images.webofknowledge.com/images/help/WOS/hs_wos_fieldtags.html:
two-letter tag, one space, continuation lines indented by three spaces, ``ER`` and ``EF``)
is read by the same reader: it is recognised by its ``FN``/``PT`` header.

Reading rules:

* a record runs from ``TY`` to ``ER``; a record still open at end of input, or interrupted
  by another ``TY``, is kept (with a warning);
* a line that is not a tag line continues the previous value (joined with a space, or a new
  line in notes); ``ER  - TY  - ...`` on one line starts the next record;
* repeated tags accumulate; every value no slot took (RP, LB, H1, U1..., vendor tags, a
  second TI) is kept in ``Record.extra`` as ``("ris:<tag>", value)``; a Web of Science
  field with no RIS meaning as ``("wos:<tag>", value)``, one value per line for the list
  fields (each of a record's cited references, CR, is one value);
* text outside records is skipped with a warning Problem (severity "warning").

Mapping: :mod:`exporter.formats.ris_table`, one table for the reader and the writer. Several
tags mean different things for different reference types (A2 is the editor of a chapter but
the series editor of a book, T2 the journal of an article but the series of a book, SP a page
count for a book, ...): the table has a row per tag and type group, as Zotero's RIS
translator does. :func:`raw_to_record` walks it: each row, in table order, is offered the
values of its tag that earlier rows did not take; a few codecs read several tags together
(PY/Y1/DA, SP/EP, JF/JO/JA/J2/J1, the name tags in input order). Names are "Last, First,
Suffix"; a name without a comma is "Last Initials" ("Smith JA") or else kept whole as a
literal (organisations). PubMed's flavour: ``AN`` is the PMID when ``DB`` names
PubMed/MEDLINE (else an archive location, as Zotero reads it), and ``C2`` holds the PMCID.
Keywords are one per KW line, continuation line or semicolon-separated item.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import TextIO

from ..model import (
    Container,
    Contributor,
    DateValue,
    Identifier,
    Link,
    PartialDate,
    Provenance,
    Record,
    Subject,
)
from ..normalize.dates import parse_date
from ..normalize.identifiers import (
    clean_doi,
    clean_isbn,
    clean_issn,
    clean_pmcid,
    identifier_from_url,
)
from ..normalize.languages import to_bcp47
from ..normalize.names import parse_inverted
from ..normalize.text import iter_lines
from ..plugins import Reader, RecordSplitter
from ..problems import Problem
from .ris_table import READ_TYPES, ROWS, Row, lone_sp_facet, read_rows
from .tagged import TaggedRecord

# -- mapping tables -------------------------------------------------------------------------
# The tag <-> slot table and the type maps are in :mod:`exporter.formats.ris_table`; here are
# only the tables of the file layout and of the Web of Science flavour.

#: Tags whose continuation lines join with a new line rather than a space (for keywords,
#: each continuation line is one more keyword).
NOTE_TAGS = frozenset({"N1", "RN", "AB", "N2", "KW"})

#: Tags that structure the file rather than describe the record (never kept in extra).
STRUCTURAL_TAGS = frozenset({"TY", "ER"})

#: Web of Science field tags -> RIS tags with the same meaning; every other WoS field is
#: kept in extra as ``("wos:<tag>", value)``, one value per line for the list fields (CR,
#: C1, ...).
WOS_TAGS: dict[str, str] = {
    "TI": "TI", "SO": "JF", "JI": "J2", "LA": "LA", "AB": "AB", "PY": "PY", "VL": "VL",
    "IS": "IS", "BP": "SP", "EP": "EP", "DI": "DO", "SN": "SN", "EI": "SN", "BN": "SN",
    "PU": "PB", "PI": "CY", "SE": "T3", "BS": "T3", "PM": "AN", "UT": "ID", "AR": "C7",
}

#: Web of Science fields whose continuation lines are further values, not more text.
WOS_LIST_TAGS = frozenset({"AU", "AF", "CR", "C1", "BE", "CA"})

#: Web of Science publication types (PT) -> RIS type.
WOS_TYPES: dict[str, str] = {"J": "JOUR", "B": "BOOK", "S": "BOOK", "P": "PAT", "C": "CPAPER"}

PUBMED_DATABASE = re.compile(r"pubmed|medline|nlm", re.IGNORECASE)
_PAGE_RANGE = re.compile(r"^\s*([^-–\s]+)\s*[-–]+\s*([^-–\s]+)\s*$")
_URL_STARTS = ("http://", "https://", "ftp://", "www.")
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*)|\s*)$")
_WOS_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_ER_THEN_TAG = re.compile(r"^ER  ?- +([A-Z][A-Z0-9]  ?- .*)$")
_URL_SPLIT = re.compile(r"[\s;]+(?=https?://|doi:|www\.)|\s+")
_RIS_DATE = re.compile(r"^(\d{4})(?:/(\d{0,2})(?:/(\d{0,2})(?:/(.*))?)?)?$")
_PMCID = re.compile(r"^PMC\d+$", re.IGNORECASE)
_FAMILY_INITIALS = re.compile(r"^(\S+(?: \S+)*?) ((?:[A-Z]\.?){1,3})$")


# -- splitting into records -----------------------------------------------------------------


def split_records(lines: Iterator[str | Problem], source: str) -> Iterator[TaggedRecord | Problem]:
    """Tag lines grouped into records; junk outside records reported as warnings."""
    current: TaggedRecord | None = None
    junk_start: int | None = None
    wos = False
    state = _WosState()
    for number, line in _unglued(lines, source):
        if isinstance(line, Problem):
            yield line
            continue
        if wos or (current is None and re.match(r"^(FN|VR|PT) ", line)):
            wos = True
            yield from _wos_line(line, number, source, state)
            continue
        m = _ER_THEN_TAG.match(line)
        if m and current is not None:
            current.closed = True
            yield current
            current = None
            line = m.group(1)
        m = _TAG_LINE.match(line)
        if m:
            tag, value = m.group(1), (m.group(2) or "").strip()
            if tag == "TY":
                if junk_start is not None:
                    yield _junk(source, junk_start)
                    junk_start = None
                if current is not None:
                    yield Problem(source=source, line=current.line, reason="record has no ER line; it ends at the next TY", severity="warning")
                    yield current
                current = TaggedRecord(number, [("TY", value)])
            elif current is None:
                if junk_start is None:
                    junk_start = number
            elif tag == "ER":
                current.closed = True
                yield current
                current = None
            else:
                current.add(tag, value)
            continue
        if current is not None and len(current):
            if not line.strip():
                continue
            current.continue_last(line.strip(), "\n" if current.last_tag in NOTE_TAGS else " ")
        elif line.strip() and junk_start is None:
            junk_start = number
    if junk_start is not None:
        yield _junk(source, junk_start)
    if current is not None:
        yield Problem(source=source, line=current.line, reason="record has no ER line at the end of the input; read as complete", severity="warning")
        yield current
    if wos and state.current is not None:
        yield state.current


_GLUED_TY = re.compile(r"^(.*\S)(TY  - [A-Z][A-Z0-9]{1,7}\s*)$")


def _unglued(lines: Iterator[str | Problem], source: str) -> Iterator[tuple[int, str | Problem]]:
    """(line number, line), with a record cut off mid-line split from the next: when a
    harvest stops inside a value and the next record follows on the same line
    ("TI  - Cut off herTY  - BOOK"), the ``TY`` starts a new record, with a warning,
    instead of the next record being merged into the cut one."""
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, Problem) and not line.startswith("TY  -"):
            m = _GLUED_TY.match(line)
            if m is not None:
                yield number, Problem(source=source, line=number, severity="warning", reason=(
                    "a record is cut off mid-line: the next record's TY follows on the same line; "
                    "split there"))
                yield number, m.group(1)
                yield number, m.group(2)
                continue
        yield number, line


def _junk(source: str, line: int) -> Problem:
    return Problem(source=source, line=line, reason="text outside a RIS record (before TY or after ER) skipped", severity="warning")


class _WosState:
    """The open record and last tag of a Web of Science file being split."""

    def __init__(self) -> None:
        self.current: TaggedRecord | None = None
        self.last_tag: str | None = None


def _wos_line(line: str, number: int, source: str, state: _WosState) -> Iterator[TaggedRecord | Problem]:
    if line.startswith("   ") and state.current is not None and state.last_tag:
        value = line.strip()
        if state.last_tag in WOS_LIST_TAGS:
            state.current.add(state.last_tag, value)
        else:
            state.current.continue_last(value)
        return
    m = _WOS_LINE.match(line)
    if not m:
        if line.strip():
            yield _junk(source, number)
        return
    tag, value = m.group(1), (m.group(2) or "").strip()
    if tag in ("FN", "VR", "EF"):
        return
    if tag == "PT":
        if state.current is not None:
            yield state.current
        state.current = TaggedRecord(number, [("PT", value)], wos=True)
    elif tag == "ER":
        if state.current is not None:
            state.current.closed = True
            yield state.current
        state.current = None
    elif state.current is not None:
        state.current.add(tag, value)
    state.last_tag = tag


# -- mapping --------------------------------------------------------------------------------


def wos_to_ris(raw: TaggedRecord) -> TaggedRecord:
    """A WoS record rewritten with RIS tags (AF full names preferred to AU)."""
    pairs: list[tuple[str, str]] = [("TY", WOS_TYPES.get(raw.first("PT") or "J", "JOUR"))]
    names = raw.values("AF") or raw.values("AU")
    pairs += [("AU", n) for n in names]
    pairs += [("A2", n) for n in raw.values("BE")]
    for tag, value in raw.pairs:
        if tag in ("AU", "AF", "BE"):
            continue
        if tag in ("DE", "ID"):
            pairs += [("KW", k.strip()) for k in value.split(";") if k.strip()]
        elif tag == "PD":
            continue
        elif tag in WOS_TAGS:
            pairs.append((WOS_TAGS[tag], value))
        else:
            pairs.append((f"wos:{tag}", value))
    pd, py = raw.first("PD"), raw.first("PY")
    if pd and py:
        pairs.append(("DA", f"{py} {pd.title()}"))
    return TaggedRecord(raw.line, pairs, closed=raw.closed, wos=True)  # AN here is WoS's PM: a PMID


def parse_ris_date(text: str | None) -> DateValue | None:
    """``YYYY/MM/DD/other`` (RIS), with empty parts allowed ("2014//"); else free text."""
    if not text:
        return None
    text = text.strip()
    m = _RIS_DATE.match(text)
    if m:
        year, month, day, other = m.groups()
        try:
            mm = int(month) if month else None
            dd = int(day) if day and mm else None
            start = PartialDate(int(year), mm if mm and 1 <= mm <= 12 else None, dd if mm and 1 <= mm <= 12 else None)
        except ValueError:
            start = PartialDate(int(year))
        if other and other.strip() and not mm:
            parsed = parse_date(f"{year} {other.strip()}")
            if parsed and parsed.start:
                return parsed
        return DateValue(start=start)
    return parse_date(text)


def _more_precise(a: DateValue | None, b: DateValue | None) -> DateValue | None:
    """``b`` when it says the same year as ``a`` with more precision, else ``a``."""
    if a is None:
        return b
    if b is None or b.start is None or a.start is None:
        return a
    if b.start.year == a.start.year and _precision(b.start) > _precision(a.start):
        return b
    return a


def _precision(date: PartialDate) -> int:
    return len(date.parts()) + (1 if date.season and not date.month else 0)  # a season: more than a year


def split_isxn(text: str) -> list[Identifier]:
    out: list[Identifier] = []
    for token in re.split(r"[\s;,]+", text):
        token = re.sub(r"\(.*?\)", "", token).strip()
        if not token:
            continue
        issn = clean_issn(token)
        if issn:
            out.append(Identifier("issn", issn))
            continue
        isbn = clean_isbn(token)
        if isbn:
            out.append(Identifier("isbn", isbn))
    return out


def _name(text: str, role: str) -> Contributor:
    """RIS names are "Last, First, Suffix". Without a comma a name is either "Last Initials"
    (PubMed and Embase style: "Fanning E", "Smith JA") or a name that must not be split
    (an organisation, or a single-field name): a literal."""
    text = text.strip()
    if "," not in text:
        m = _FAMILY_INITIALS.match(text)
        if m:
            return Contributor(family=m.group(1), given=m.group(2), role=role)
        return Contributor(literal=text, role=role)
    parts = [p.strip() for p in text.split(",")]
    if len(parts) >= 3:
        # RIS order is "Last, First, Suffix" (BibTeX's is "Last, Jr, First")
        family, given, suffix = parts[0], ", ".join(parts[1:-1]), parts[-1]
        contributor, _ = parse_inverted(f"{family}, {given}", role)
        return dataclasses.replace(contributor, suffix=suffix or None)
    contributor, _ = parse_inverted(text, role)
    return contributor


class _Builder:
    """The slots of one record being read, keyed by facet; a single-valued slot takes the
    first value offered (the reader's rows are in precedence order)."""

    def __init__(self, ty: str, rtype: str, from_pubmed: bool, wos: bool) -> None:
        self.ty, self.rtype, self.from_pubmed, self.wos = ty, rtype, from_pubmed, wos
        self.slots: dict[str, object] = {}
        self.contributors: list[Contributor] = []
        self.identifiers: list[Identifier] = []
        self.links: list[Link] = []
        self.subjects: list[Subject] = []
        self.notes: list[str] = []
        self.extra: list[tuple[str, str]] = []
        self.warnings: list[str] = []
        self.done_groups: set[str] = set()
        self.pending: dict[str, list[str]] = {}  # the values of each tag no row took yet

    def first(self, *tags: str) -> str | None:
        """Take the first value of the first of ``tags`` that has one (for group codecs)."""
        for tag in tags:
            values = self.pending.get(tag)
            if values:
                return values.pop(0)
        return None

    def take(self, *tags: str) -> tuple[str, str] | None:
        """Like :meth:`first`, with the tag the value came from."""
        for tag in tags:
            values = self.pending.get(tag)
            if values:
                return tag, values.pop(0)
        return None

    def peek(self, *tags: str) -> str | None:
        for tag in tags:
            if self.pending.get(tag):
                return self.pending[tag][0]
        return None

    def set(self, facet: str, value: object) -> bool:
        if value is None or value == "" or facet in self.slots:
            return False
        self.slots[facet] = value
        return True

    def identifier(self, ident: Identifier) -> None:
        if ident not in self.identifiers:
            self.identifiers.append(ident)

    def keep(self, tag: str, value: str) -> None:
        """A value no slot took: kept under its tag (``ris:XX``, or ``wos:XX`` as is)."""
        self.extra.append((tag if ":" in tag else f"ris:{tag}", value))


#: A read codec takes (builder, row, tag values of the record, the raw record) and returns
#: the values it did not take (which the next row of the same tag is offered, and at the
#: end go to extra). Group codecs read several tags at once (see ``_GROUP_CODECS``).
ReadCodec = Callable[[_Builder, Row, list[str], TaggedRecord], list[str]]


def _read_text(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    return [v for v in values if not b.set(row.facet, v.strip())]


def _name_tags(ty: str) -> tuple[str, ...]:
    """The tags that hold people in RIS type ``ty``."""
    return tuple(tag for tag, row in read_rows(ty).items() if row.codec == "name")


def _read_people(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    """All name tags at once, in input order (the order of people is the order of the
    lines, whatever their tags), each with the role its tag has in this type."""
    rows = read_rows(b.ty)
    for tag, value in raw.pairs:
        tag_row = rows.get(tag)
        if tag_row is not None and tag_row.codec == "name" and value.strip():
            b.contributors.append(_name(value, tag_row.facet.removeprefix("contributor:")))
    for tag in _name_tags(b.ty):
        b.pending.pop(tag, None)
    return []


def _read_date(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    return [v for v in values if not b.set(row.facet, parse_ris_date(v))]


def _read_language(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    return [v for v in values if not b.set(row.facet, to_bcp47(v))]


def _read_epub(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    """ET of a journal article: EndNote's epub date, or (when it is no date) the edition."""
    left = []
    for v in values:
        date = parse_ris_date(v)
        if date is not None and date.start is not None:
            if not b.set("date:online", date):
                left.append(v)
        elif not b.set("edition", v.strip()):
            left.append(v)
    return left


def _read_isxn(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    left = []
    for v in values:
        found = split_isxn(v)
        for ident in found:
            b.identifier(ident)
        if not found and not (row.codec == "number_or_isxn" and b.set("number", v.strip())):
            left.append(v)
    return left


def _read_doi(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    left = []
    for v in values:
        doi = clean_doi(v)
        if doi is None:
            left.append(v)  # not a DOI: kept, not dropped
        else:
            b.identifier(Identifier("doi", doi))
    return left


def _read_pmid(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    """AN is the PMID when DB names PubMed/MEDLINE (or in a Web of Science record's PM)."""
    if not (b.from_pubmed or b.wos):
        return values
    left = []
    for v in values:
        if v.strip().isdigit():
            b.identifier(Identifier("pmid", v.strip()))
        else:
            left.append(v)
    return left


def _read_pmcid(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    left = []
    for v in values:
        first = v.split()[0] if v.split() else ""
        pmcid = clean_pmcid(first) if _PMCID.match(first) else None
        if pmcid:
            b.identifier(Identifier("pmcid", pmcid))
        else:
            left.append(v)
    return left


_LINK_RELATIONS = {"L1": "fulltext", "L4": "image"}


def _read_url(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    """URLs, several per line allowed; a DOI resolver address is also the DOI; what is not
    a web address is kept under its tag."""
    for value in values:
        for url in _URL_SPLIT.split(value):
            url = url.strip()
            if not url:
                continue
            ident = identifier_from_url(url)
            if ident and ident.scheme == "doi":
                b.identifier(ident)
            if url.startswith(_URL_STARTS):
                b.links.append(Link(url, _LINK_RELATIONS.get(row.tag)))
            else:
                b.keep(row.tag, url)
    return []


def _read_keyword(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    b.subjects += [Subject(k.strip(), "keyword") for v in values for k in re.split(r"[\n;]", v) if k.strip()]
    return []


def _read_abstract(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    for v in values:
        if not b.set("abstract", v):
            b.notes.append(v)  # a second abstract (AB and N2) is a note
    return []


def _read_note(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    b.notes += values
    return []


def _read_provenance(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    return [v for v in values if not b.set(f"provenance:{row.codec}", v.strip())]


def _read_issued(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    """PY (or Y1) is the year, DA the full date; the more precise one of the same year wins,
    and a DA that says something else than PY is kept."""
    py = b.first("PY", "Y1")
    da = b.first("DA")
    da_date = parse_ris_date(da)
    issued = _more_precise(parse_ris_date(py), da_date)
    if da and issued is not da_date and (da_date is None or da_date.iso() != (issued.iso() if issued else None)):
        b.keep("DA", da)
    if issued and issued.literal:
        b.warnings.append(f"date {issued.literal!r} is not a date; kept as text")
    b.set("date:issued", issued)
    return []


def sp_is_pages(sp: str) -> bool:
    """A lone SP that still reads as pages in a type where a lone SP is a page count or a
    description: a range ("1-10")."""
    return bool(_PAGE_RANGE.match(sp))


def _read_pages(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    """SP and EP together: a range, a list, a start and end page; or, for the types where a
    lone SP is no page (``lone_sp_facet``), the page count or a description."""
    sp, ep = b.first("SP"), b.first("EP")
    lone = lone_sp_facet(b.ty)
    if sp and lone and not ep and not sp_is_pages(sp):
        if not b.set(lone, sp.strip()):
            b.keep("SP", sp)
        return []
    range_match = _PAGE_RANGE.match(sp) if sp else None
    if sp and range_match and not ep:
        b.set("container:page_start", range_match.group(1))
        b.set("container:page_end", range_match.group(2))
    elif sp and ("," in sp or " " in sp.strip()):
        b.set("container:pages", sp)
    elif sp:
        b.set("container:page_start", sp.strip())
        b.set("container:page_end", ep.strip() if ep else None)
    elif ep:
        b.set("container:page_end", ep)
    return []


def _read_journal(b: _Builder, row: Row, values: list[str], raw: TaggedRecord) -> list[str]:
    """JF is the journal's full name, JA/J2/J1 its abbreviation; JO is the full name when
    there is no JF and the abbreviation when there is one (and both when alone, as Zotero
    reads it). The title counts only when T2 or C3 gave none, and not for the types whose
    secondary title is a series."""
    has_jf = b.peek("JF") is not None
    full = b.take("JF", "JO")
    abbr = b.take("JA", "J2", "J1") or (b.take("JO") if has_jf else None)
    lone_jo = full if full and full[0] == "JO" else None
    title_used = short_used = False
    if "container:title" not in b.slots and b.rtype not in SERIES_IN_T2:
        title = full or (abbr or lone_jo if b.rtype in _PERIODICAL_ARTICLES else None)
        title_used = title is not None and b.set("container:title", title[1])
    short = abbr or lone_jo
    if short:
        short_used = b.set("container:short_title", short[1])
    # a name no slot took (T2 gave the title, or a second abbreviation) is kept, not dropped
    if full and not title_used and not (full is lone_jo and short_used):
        b.keep(*full)
    if abbr and not short_used:
        b.keep(*abbr)
    return []


#: Record types whose journal abbreviation, alone, also names the container.
_PERIODICAL_ARTICLES = frozenset({"article-journal", "article-magazine", "article-newspaper"})

#: Codecs that read several tags together (PY/Y1/DA, SP/EP, JF/JO/JA/J2/J1), once.
_GROUP_CODECS = frozenset({"issued", "pages", "journal"})

READ_CODECS: dict[str, ReadCodec] = {
    "text": _read_text, "title": _read_text, "edition": _read_text, "name": _read_people,
    "date": _read_date, "language": _read_language, "epub": _read_epub,
    "isxn": _read_isxn, "number_or_isxn": _read_isxn, "doi": _read_doi, "pmid": _read_pmid,
    "pmcid": _read_pmcid, "url": _read_url, "keyword": _read_keyword, "abstract": _read_abstract,
    "note": _read_note, "database": _read_provenance, "institution": _read_provenance,
    "issued": _read_issued, "pages": _read_pages, "journal": _read_journal,
}

#: Record types whose secondary title (T2/BT) is the series, not the container.
SERIES_IN_T2 = frozenset({"book", "report", "thesis", "software", "dataset", "motion_picture", "map"})


def raw_to_record(raw: TaggedRecord) -> tuple[Record, list[str]]:
    """One record: a walk of the RIS table (``ris_table.ROWS``) over the tags of its type."""
    if raw.wos and raw.peek("PT"):
        raw = wos_to_ris(raw)
    ty = (raw.first("TY") or "GEN").strip().upper()
    rtype = READ_TYPES.get(ty)
    database = raw.peek("DB")
    b = _Builder(ty, rtype or "document", bool(database and PUBMED_DATABASE.search(database)), raw.wos)
    if rtype is None:
        b.warnings.append(f"unknown RIS type {ty!r}; read as a document")
        b.keep("TY", ty)
    # the values of each tag in input order, offered to the tag's rows in table order
    pending = b.pending
    for tag, value in raw.pairs:
        if value and tag not in STRUCTURAL_TAGS:
            pending.setdefault(tag, []).append(value)
    for row in ROWS:
        if not row.reads or not row.applies(ty) or not pending.get(row.tag):
            continue
        if row.codec == "name" or row.codec in _GROUP_CODECS:
            # a group codec reads its tags together, once (it takes what it uses from pending)
            if row.codec not in b.done_groups:
                b.done_groups.add(row.codec)
                READ_CODECS[row.codec](b, row, [], raw)
            continue
        pending[row.tag] = READ_CODECS[row.codec](b, row, pending[row.tag], raw)
    for tag, values in pending.items():  # no row took them: kept under their tag
        for value in values:
            b.keep(tag, value)
    return _build(b), b.warnings


def _build(b: _Builder) -> Record:
    slots = b.slots
    container_fields = {f.name for f in dataclasses.fields(Container)}
    container = {k: slots[f"container:{k}"] for k in container_fields if f"container:{k}" in slots}
    provenance = None
    if "provenance:database" in slots or "provenance:institution" in slots:
        provenance = Provenance(source_system="RIS", database=slots.get("provenance:database"),  # type: ignore[arg-type]
                                institution=slots.get("provenance:institution"))  # type: ignore[arg-type]
    text = {k: v for k, v in slots.items() if k in _RECORD_TEXT_SLOTS}
    return Record(
        type=b.rtype,
        **text,  # type: ignore[arg-type]
        contributors=tuple(b.contributors),
        container=Container(**container) if container else None,  # type: ignore[arg-type]
        issued=slots.get("date:issued"),  # type: ignore[arg-type]
        online=slots.get("date:online"),  # type: ignore[arg-type]
        accessed=slots.get("date:accessed"),  # type: ignore[arg-type]
        identifiers=tuple(b.identifiers),
        links=tuple(b.links),
        subjects=tuple(b.subjects),
        notes=tuple(b.notes),
        provenance=provenance,
        extra=tuple(b.extra),
    )


_RECORD_TEXT_SLOTS = frozenset(f.name for f in dataclasses.fields(Record) if f.type == "str | None")


# -- cutting a file into ranges of records (exporter.ranges) -----------------------------------

_RIS_START = b"TY  - "
# what the reader may take for a TY or ER line: counted, they must be the records' own
_RIS_MARKS = (b"\nTY  -", b"\nTY -", b"\nER  -", b"\nER -")
_RIS_END = re.compile(rb"\nER  -[ \t]*\r?(?=\n|\Z)")
_RIS_AFTER_END = re.compile(rb"\nER  -[ \t]*\r?\n(?:[ \t]*\r?\n)*+(?!TY  - |[ \t]*\Z)")


class RISSplitter(RecordSplitter):
    """Cuts RIS files for :mod:`exporter.ranges` before their ``TY  - `` lines. A run of
    records is regular when each record is a ``TY  - `` line, other lines, and one ``ER  -``
    line with nothing after it but blank lines before the next ``TY``; no other line may
    look like a TY or ER to the reader (``TY -``, ``ER  - TY  - ...``), no ``TY  - `` may
    stand inside a line (a record glued to a cut-off one), and nothing but blank lines may
    come before the first record (a Web of Science file, or text outside records, is read
    whole). Bytes are counted, not parsed: a run of a megabyte takes a few milliseconds."""

    def layout(self, head: bytes) -> bool:
        return True

    def starts(self, text: bytes) -> list[int]:
        from ..ranges import line_starts

        return line_starts(text, _RIS_START)

    def regular(self, chunk: bytes, count: int, first: bool, last: bool) -> bool:
        from ..ranges import line_starts

        if first:
            chunk = chunk.removeprefix(b"\xef\xbb\xbf")
            records = line_starts(chunk, _RIS_START)
            if chunk[:records[0] if records else len(chunk)].strip(b" \t\r\n"):
                return False
        # the chunk starts with a record (or blank lines), so every mark is after a line end
        text = b"\n" + chunk
        return (chunk.count(_RIS_START) == count and sum(text.count(m) for m in _RIS_MARKS) == 2 * count
                and len(_RIS_END.findall(text)) == count and _RIS_AFTER_END.search(text) is None)


class RISReader(Reader):
    """RIS (.ris): old and new tag sets, vendor flavours, Web of Science field-tagged files."""

    name = "ris"
    title = "RIS (Research Information Systems), incl. Web of Science tagged"
    extensions = (".ris",)
    media_type = "application/x-research-info-systems"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        number = 0
        seen_record = False
        for item in split_records(iter_lines(stream, source), source):
            if isinstance(item, Problem):
                yield item
                continue
            number += 1
            seen_record = True
            try:
                record, warnings = raw_to_record(item)
            except (ValueError, TypeError, IndexError) as exc:
                yield Problem(source=source, record=number, line=item.line, reason=f"RIS record could not be read: {exc}")
                continue
            for w in warnings:
                yield Problem(source=source, record=number, line=item.line, reason=w, severity="warning")
            yield record
        if not seen_record:
            yield Problem(source=source, reason="no RIS record found (no 'TY  - ' line)")

    @classmethod
    def record_splitter(cls) -> RISSplitter:
        return RISSplitter()

    @classmethod
    def sniff(cls, head: str) -> bool:
        return re.search(r"^TY  ?- ", head.lstrip("\ufeff"), re.MULTILINE) is not None or head.lstrip("\ufeff").startswith("FN Clarivate")

