"""EndNote "refer" tagged format (.enw) as EndNote, VuFind and Zotero write it; and RefWorks
tagged format.

Refer: each line is ``%X value`` (a ``%`` and one character, a space, the value); a line
that does not start with a tag continues the value before it; records are separated by a
blank line. Tag meanings: EndNote's "Tag" reference (https://docs.endnote.com, "Importing
reference data: tagged formats") and Zotero's ``Refer/BibIX`` translator; VuFind's
``templates/RecordDriver/DefaultRecord/export-endnote.phtml`` writes the same tags.

RefWorks tagged format: ``TAG value`` lines (two-character tags), each record starting with
``RT`` and ending with a blank line (https://www.refworks.com/refworks/help/RefWorks_Tagged_Format.htm).

One table per format (tag, facet, codec); the EndNote reader walks the same table back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import ClassVar, TextIO

from ..model import Container, Contributor, Identifier, Link, Provenance, Record, Subject
from ..normalize.dates import parse_date
from ..normalize.identifiers import clean_doi, clean_isbn, clean_issn
from ..normalize.names import parse_inverted
from ..normalize.pages import split_pages
from ..normalize.text import iter_lines
from ..plugins import Reader, RecordSplitter, Writer
from ..problems import Problem, ProblemHandler, raise_problem

#: EndNote reference type (%0) <-> record type; the first name of a type is written.
ENDNOTE_TYPES: tuple[tuple[str, str], ...] = (
    ("Journal Article", "article-journal"), ("Magazine Article", "article-magazine"),
    ("Newspaper Article", "article-newspaper"), ("Book", "book"), ("Edited Book", "book"),
    ("Book Section", "chapter"), ("Thesis", "thesis"), ("Report", "report"),
    ("Conference Paper", "paper-conference"), ("Conference Proceedings", "paper-conference"),
    ("Web Page", "webpage"), ("Electronic Source", "webpage"), ("Dataset", "dataset"),
    ("Computer Program", "software"), ("Map", "map"), ("Film or Broadcast", "motion_picture"),
    ("Audiovisual Material", "motion_picture"), ("Manuscript", "manuscript"), ("Patent", "patent"),
    ("Statute", "legislation"), ("Case", "legal_case"), ("Music", "musical_score"),
    ("Artwork", "graphic"), ("Serial", "periodical"), ("Standard", "standard"),
    ("Personal Communication", "personal_communication"), ("Generic", "document"),
)
_TYPE_OF_NAME = {name.lower(): rtype for name, rtype in ENDNOTE_TYPES}
_NAME_OF_TYPE: dict[str, str] = {}
for _name, _rtype in ENDNOTE_TYPES:
    _NAME_OF_TYPE.setdefault(_rtype, _name)

#: (tag, facet, codec): codecs are text, name:<role>, date, container:<field>, pages, id,
#: keyword, note, link. The reader takes the first row of a tag.
ENDNOTE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("%T", "title", "title"), ("%A", "contributor:author", "name:author"),
    ("%E", "contributor:editor", "name:editor"), ("%Y", "contributor:translator", "name:translator"),
    ("%D", "date:issued", "date"), ("%J", "container:title", "container:title"),
    ("%B", "container:title", "container:title"), ("%V", "container:volume", "container:volume"),
    ("%N", "container:issue", "container:issue"), ("%P", "container:pages", "pages"),
    ("%I", "publisher", "text"), ("%C", "place", "text"), ("%7", "edition", "text"),
    ("%S", "series", "text"), ("%@", "id:isbn", "id"), ("%R", "id:doi", "id"),
    ("%U", "link", "link"), ("%X", "abstract", "text"), ("%K", "subject", "keyword"),
    ("%G", "language", "text"), ("%L", "call_number", "text"), ("%Z", "notes", "note"),
    ("%9", "genre", "text"), ("%F", "key", "text"), ("%!", "short_title", "text"),
)
_ROW_OF_TAG: dict[str, tuple[str, str, str]] = {}
for _row in ENDNOTE_TABLE:
    _ROW_OF_TAG.setdefault(_row[0], _row)
ENDNOTE_CARRIES = frozenset(f for _, f, _ in ENDNOTE_TABLE) | {"subtitle", "id:issn", "link:more",
                                                                 "date:issued:qualifier"}  # %D is text
_EXTRA_TAG = re.compile(r"endnote:%[A-Z0-9@!#$&()*+^~\[\]|<>?]")

_LINE = re.compile(r"^(%[A-Z0-9@!#$&()*+^~\[\]|<>?]) ?(.*)$")


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")


def _clean(value: str | None) -> str:
    """One line: whitespace folded, control characters dropped (a tagged line cannot hold them)."""
    return " ".join(_CONTROL.sub("", value).split()) if value else ""


def _name(c: Contributor) -> str:
    return _clean(c.literal) if c.literal else _clean(c.sort_name())


def endnote_lines(r: Record) -> list[str]:
    lines = [f"%0 {_NAME_OF_TYPE.get(r.type, 'Generic')}"]

    def put(tag: str, value: str | None) -> None:
        value = _clean(value)
        if value:
            lines.append(f"{tag} {value}")

    put("%T", r.full_title)
    for tag, role in (("%A", "author"), ("%E", "editor"), ("%Y", "translator")):
        for c in r.by_role(role):
            put(tag, _name(c))
    if r.issued:
        put("%D", r.issued.iso() or r.issued.literal)
    c = r.container
    if c:
        put("%B" if r.type in ("chapter", "paper-conference") else "%J", c.title)
        put("%V", c.volume)
        put("%N", c.issue)
        put("%P", c.page_range)
    put("%I", r.publisher)
    put("%C", r.place)
    put("%7", r.edition)
    put("%S", r.series)
    for scheme in ("isbn", "issn"):
        for value in r.ids(scheme):
            put("%@", value)
    if r.doi:
        put("%R", clean_doi(r.doi) or r.doi)
    for link in r.links:
        put("%U", link.url)
    put("%X", r.abstract)
    for s in r.subjects:
        put("%K", s.term)
    put("%G", r.language)
    put("%L", r.call_number)
    for note in r.notes:
        put("%Z", note)
    put("%9", r.genre)
    put("%!", r.short_title)
    put("%F", r.key)
    for key, value in r.extra:  # the tags of our own family, back as they came, where their
        if _EXTRA_TAG.fullmatch(key):  # tag goes (a %R that is no DOI where the DOI goes)
            value = _clean(value)
            if value:
                rank = _TAG_RANK.get(key[8:], len(_TAG_RANK))
                at = len(lines)
                while at > 1 and _TAG_RANK.get(lines[at - 1][:2], len(_TAG_RANK)) > rank:
                    at -= 1
                lines.insert(at, f"{key[8:]} {value}")
    return lines


#: The order endnote_lines writes the tags in.
_TAG_RANK = {tag: rank for rank, tag in enumerate(
    ("%0", "%T", "%A", "%E", "%Y", "%D", "%B", "%J", "%V", "%N", "%P", "%I", "%C", "%7", "%S",
     "%@", "%R", "%U", "%X", "%K", "%G", "%L", "%Z", "%9", "%!", "%F"))}


class EndNoteWriter(Writer):
    """EndNote tagged ("refer", .enw) records, a blank line after each."""

    name = "endnote"
    title = "EndNote tagged format (refer, .enw)"
    extensions = (".enw",)
    media_type = "application/x-endnote-refer"
    carries: ClassVar[frozenset[str]] = ENDNOTE_CARRIES

    @staticmethod
    def carries_extra(key: str) -> bool:
        return bool(_EXTRA_TAG.fullmatch(key))

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        for record in records:
            stream.write("\n".join(endnote_lines(record)) + "\n\n")


class EndNoteReader(Reader):
    """EndNote tagged ("refer", .enw) records: a walk of the same table."""

    name = "endnote"
    title = "EndNote tagged format (refer, .enw)"
    extensions = (".enw", ".refer")
    media_type = "application/x-endnote-refer"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        fields: list[tuple[str, str]] = []
        start = 0
        number = 0
        for lineno, line in enumerate(iter_lines(stream, source), start=1):
            if isinstance(line, Problem):
                yield line
                continue
            if not line.strip():
                if fields:
                    number += 1
                    yield self._record(fields, source, number, start)
                    fields = []
                continue
            m = _LINE.match(line)
            if m:
                if not fields:
                    start = lineno
                fields.append((m.group(1), m.group(2).strip()))
            elif fields and line.lstrip().startswith("%"):
                # looks like a tag but is none: a damaged line, not more of the value above
                yield Problem(source=source, record=number + 1, line=lineno, severity="warning",
                              reason=f"not an EndNote tag: {line.strip()[:60]!r}; line skipped")
            elif fields:
                tag, value = fields[-1]
                fields[-1] = (tag, f"{value} {line.strip()}")
            else:
                number += 1
                yield Problem(source=source, record=number, line=lineno,
                              reason=f"not an EndNote tagged line: {line[:60]!r}")
        if fields:
            number += 1
            yield self._record(fields, source, number, start)

    @classmethod
    def record_splitter(cls) -> RecordSplitter:
        from .tagged import BlankLineSplitter

        return BlankLineSplitter(re.compile(rb"%[A-Z0-9@!#$&()*+^~\[\]|<>?]"))  # a field, as _LINE reads it

    @staticmethod
    def _record(fields: list[tuple[str, str]], source: str, number: int, line: int) -> Record | Problem:
        rtype = "document"
        slots: dict[str, str] = {}
        contributors: list[Contributor] = []
        container: dict[str, str] = {}
        identifiers: list[Identifier] = []
        links: list[Link] = []
        subjects: list[Subject] = []
        notes: list[str] = []
        extra: list[tuple[str, str]] = []
        issued = None
        for tag, value in fields:
            if not value:
                continue
            if tag == "%0":
                rtype = _TYPE_OF_NAME.get(value.lower(), "document")
                continue
            row = _ROW_OF_TAG.get(tag)
            if row is None:
                extra.append((f"endnote:{tag}", value))
                continue
            _, facet, codec = row
            if codec.startswith("name:"):
                person = Contributor(literal=value, role=codec[5:]) if "," not in value else parse_inverted(value, codec[5:])[0]
                contributors.append(person)
            elif codec == "date":
                issued = issued or parse_date(value)
            elif codec.startswith("container:"):
                container.setdefault(codec[10:], value)
            elif codec == "pages":
                container.setdefault("pages", value)
            elif codec == "id":
                if tag == "%R":
                    doi = clean_doi(value)
                    if doi:
                        identifiers.append(Identifier("doi", doi))
                    else:
                        extra.append(("endnote:%R", value))
                else:
                    issn, isbn = clean_issn(value), clean_isbn(value)
                    if issn and len(value.replace("-", "").strip()) == 8:
                        identifiers.append(Identifier("issn", issn))
                    elif isbn:
                        identifiers.append(Identifier("isbn", isbn))
                    else:
                        extra.append(("endnote:%@", value))
            elif codec == "link":
                links.append(Link(value))
            elif codec == "keyword":
                subjects.append(Subject(value))
            elif codec == "note":
                notes.append(value)
            elif facet in slots:
                extra.append((f"endnote:{tag}", value))
            else:
                slots[facet] = value
        if not slots.get("title") and not contributors and not any(tag == "%0" for tag, _ in fields):
            return Problem(source=source, record=number, line=line, reason="EndNote record without %0 type, %T title or %A author")
        cont = None
        if container:
            start, end, whole = split_pages(container.pop("pages", None))
            cont = Container(**container, page_start=start, page_end=end, pages=whole)
        return Record(type=rtype, contributors=tuple(contributors), container=cont, issued=issued,
                      identifiers=tuple(identifiers), links=tuple(links), subjects=tuple(subjects),
                      notes=tuple(notes), extra=tuple(extra),
                      provenance=Provenance(record_format="EndNote tagged"), **slots)

    @classmethod
    def sniff(cls, head: str) -> bool:
        return bool(re.match(r"^\s*%0 \S", head))


#: RefWorks reference types (RT) by record type; the first is written.
REFWORKS_TYPES = {"article-journal": "Journal Article", "article-magazine": "Magazine Article",
                  "article-newspaper": "Newspaper Article", "book": "Book, Whole",
                  "chapter": "Book, Section", "thesis": "Dissertation/Thesis", "report": "Report",
                  "paper-conference": "Conference Proceedings", "webpage": "Web Page",
                  "dataset": "Data File", "software": "Computer Program", "map": "Map",
                  "motion_picture": "Video/DVD", "manuscript": "Unpublished Material",
                  "patent": "Patent", "legislation": "Laws/Statutes", "legal_case": "Case/Court Decisions",
                  "musical_score": "Music Score", "graphic": "Artwork", "periodical": "Journal, Electronic",
                  "song": "Sound Recording"}
REFWORKS_CARRIES = frozenset({"title", "subtitle", "contributor:author", "contributor:editor",
                              "date:issued", "container:title", "container:volume", "container:issue",
                              "container:pages", "publisher", "place", "edition", "series",
                              "id:isbn", "id:issn", "id:doi", "link", "link:more", "abstract",
                              "subject", "language", "call_number", "notes", "key"})


class RefWorksWriter(Writer):
    """RefWorks tagged format: ``RT`` starts a record, a blank line ends it."""

    name = "refworks"
    title = "RefWorks tagged format"
    extensions = (".refworks.txt",)
    media_type = "text/plain"
    carries: ClassVar[frozenset[str]] = REFWORKS_CARRIES

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        for r in records:
            lines = [f"RT {REFWORKS_TYPES.get(r.type, 'Generic')}"]

            def put(tag: str, value: str | None) -> None:
                value = _clean(value)
                if value:
                    lines.append(f"{tag} {value}")

            for tag, role in (("A1", "author"), ("A2", "editor")):
                for c in r.by_role(role):
                    put(tag, _name(c))
            put("T1", r.full_title)
            c = r.container
            if c:
                put("T2" if r.type in ("chapter", "paper-conference") else "JF", c.title)
                put("VO", c.volume)
                put("IS", c.issue)
                put("SP", c.page_start or c.pages)
                put("OP", c.page_end)
            put("YR", str(r.issued.year) if r.issued and r.issued.year is not None else None)
            if r.issued and r.issued.start and r.issued.start.month:
                put("FD", r.issued.iso())
            put("PB", r.publisher)
            put("PP", r.place)
            put("ED", r.edition)
            put("T3", r.series)
            for scheme in ("isbn", "issn"):
                for value in r.ids(scheme):
                    put("SN", value)
            put("DO", r.doi)
            for link in r.links:
                put("UL", link.url)
            put("AB", r.abstract)
            for s in r.subjects:
                put("K1", s.term)
            put("LA", r.language)
            put("CN", r.call_number)
            for note in r.notes:
                put("NO", note)
            put("ID", r.key)
            stream.write("\n".join(lines) + "\n\n")


# -- EndNote XML ----------------------------------------------------------------------------

#: EndNote XML element paths -> (facet, what); contributors and dates are special.
#: Layout: EndNote's XML export (``<xml><records><record>``; DTD "RSXML.dtd",
#: https://github.com/Clarivate-SAR/EndNote-XML) where every text may be wrapped in
#: ``<style>`` elements.
ENDNOTE_XML_TEXT: tuple[tuple[str, str], ...] = (
    ("titles/title", "title"), ("titles/short-title", "short_title"),
    ("pub-location", "place"), ("publisher", "publisher"), ("edition", "edition"),
    ("abstract", "abstract"), ("language", "language"), ("call-num", "call_number"),
    ("work-type", "genre"), ("label", "annote"),
)
_XML_ROLES = (("authors", "author"), ("secondary-authors", "editor"),
              ("tertiary-authors", "collection-editor"), ("translated-authors", "translator"))
_CONTAINER_FIELDS = (("volume", "volume"), ("number", "issue"))


def _xml_text(elem: object | None) -> str | None:
    if elem is None:
        return None
    text = " ".join("".join(elem.itertext()).split())  # type: ignore[attr-defined]
    return text or None


def endnote_xml_record(rec: object) -> Record:
    find = rec.find  # type: ignore[attr-defined]
    findall = rec.findall  # type: ignore[attr-defined]
    ref_type = find("ref-type")
    rtype = _TYPE_OF_NAME.get((ref_type.get("name") or "").lower(), "document") if ref_type is not None else "document"
    slots: dict[str, str] = {}
    for path, slot in ENDNOTE_XML_TEXT:
        value = _xml_text(find(path))
        if value:
            slots[slot] = value
    contributors = []
    for group, role in _XML_ROLES:
        for author in findall(f"contributors/{group}/author"):
            name = _xml_text(author)
            if name:
                contributors.append(parse_inverted(name, role)[0] if "," in name else Contributor(literal=name, role=role))
    container: dict[str, str] = {}
    journal = _xml_text(find("periodical/full-title")) or _xml_text(find("titles/secondary-title"))
    if journal:
        container["title"] = journal
    for path, slot in _CONTAINER_FIELDS:
        value = _xml_text(find(path))
        if value:
            container[slot] = value
    start, end, whole = split_pages(_xml_text(find("pages")))
    cont = Container(**container, page_start=start, page_end=end, pages=whole) if container or start or whole else None
    year = _xml_text(find("dates/year"))
    day = _xml_text(find("dates/pub-dates/date"))
    issued = parse_date(f"{year} {day}" if year and day else year or day) if (year or day) else None
    if issued is not None and issued.start is None and year:
        issued = parse_date(year)
    identifiers = []
    for value in (_xml_text(find("isbn")) or "").replace(";", " ").split():
        issn, isbn = clean_issn(value), clean_isbn(value)
        ident = Identifier("issn", issn) if issn and len(value.replace("-", "")) == 8 else Identifier("isbn", isbn) if isbn else None
        if ident and ident not in identifiers:
            identifiers.append(ident)
    doi = clean_doi(_xml_text(find("electronic-resource-num")) or "")
    if doi:
        identifiers.append(Identifier("doi", doi))
    links = tuple(Link(u) for u in dict.fromkeys(t for t in (_xml_text(e) for e in findall("urls/related-urls/url")) if t))
    subjects = tuple(Subject(t) for t in dict.fromkeys(t for t in (_xml_text(k) for k in findall("keywords/keyword")) if t))
    notes = tuple(t for t in (_xml_text(n) for n in findall("notes")) if t)
    extra = tuple((f"endnote:{tag}", value) for tag in ("accession-num", "database", "rec-number", "custom1", "custom2")
                  if (value := _xml_text(find(tag))))
    if not slots.get("title") and not contributors:
        raise ValueError("an EndNote XML record without titles/title or contributors")
    return Record(type=rtype, contributors=tuple(contributors), container=cont, issued=issued,
                  identifiers=tuple(identifiers), links=links, subjects=subjects, notes=notes, extra=extra,
                  provenance=Provenance(record_format="EndNote XML"), **slots)


class EndNoteXMLReader(Reader):
    """EndNote XML export (``<xml><records><record>``), streamed with a parser that expands
    no entities."""

    name = "endnote-xml"
    title = "EndNote XML"
    extensions = (".xml",)
    media_type = "application/xml"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        from .xmlutil import read_xml_records

        yield from read_xml_records(stream, source, frozenset({"record"}), endnote_xml_record, "EndNote XML")

    @classmethod
    def sniff(cls, head: str) -> bool:
        return "<records>" in head and ("<ref-type" in head or "<source-app" in head)
