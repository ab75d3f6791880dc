"""BibTeX and BibLaTeX readers.

Specs: BibTeX as documented in "BibTeXing" (Patashnik, https://ctan.org/pkg/bibtex) and
"Tame the BeaST" (https://ctan.org/pkg/tamethebeast) for @string, ``#`` concatenation,
crossref and names ("von Last, Jr, First"); BibLaTeX's data model (the biblatex manual §2,
https://ctan.org/pkg/biblatex) for ``date``, ``journaltitle``, ``eprint``/``eprinttype``,
``location``, ``xref`` and its entry types.

The file is split into blocks by bibtexparser v2's splitter (no middlewares: we evaluate
values ourselves, because concatenation with ``#`` and month macros must be resolved before
names are split and LaTeX is decoded). Blocks bibtexparser could not parse are reported as
:class:`Problem` with their line and the rest of the file still reads.

Decisions:

* LaTeX is decoded to Unicode by :mod:`exporter.normalize.latex`; math stays as written.
* Brace-protected words in titles are kept as CSL markup ``<span class="nocase">…</span>``
  (titles, subtitles, short titles and container titles); elsewhere braces are dropped.
* crossref: a child inherits every field it lacks from its parent (BibTeX's rule), with
  BibLaTeX's renaming for the in-types (the parent's ``title`` is the child's ``booktitle``),
  through any number of levels (``ids`` aliases count as keys); ``xref`` links without
  inheriting (BibLaTeX's rule). Once inherited, a crossref is kept as ``("bibtex:xref", key)``:
  written back as crossref it would be inherited twice, and consumers loop on cycles
  (pandoc, citation-js) or fail on missing parents (bibtex).
* Input text: UTF-8 with or without BOM; a file that is not UTF-8 is read as Windows-1252
  or Latin-1 with a warning (:mod:`exporter.normalize.text`). A field glued to the next
  without a comma is split with a warning; BibLaTeX's extended name format
  (``family=Gogh, prefix=van``) is read. The ``biblatex`` reader differs only in the
  provenance it records: both read both dialects.
* ``and others`` ends a name list; it is kept as ``extra`` ``("others", role)`` (the marker
  the MEDLINE reader sets too).
* The mapping is a walk of :mod:`exporter.formats.bibtex_table` plus the named special
  cases below (numbering, place, eprint, howpublished). Fields no slot holds are kept in
  ``Record.extra`` as ``("bibtex:<field>", decoded value)``; so is an entry type no record
  type says exactly (``("bibtex:entrytype", "collection")``), to be written back.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
from collections.abc import Iterator
from typing import TextIO

from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock, String
from bibtexparser.splitter import Splitter

from ..model import (
    Container,
    Contributor,
    DateValue,
    Identifier,
    Link,
    PartialDate,
    Provenance,
    Record,
    Rights,
    Subject,
)
from ..normalize.dates import MONTHS, parse_date
from ..normalize.identifiers import clean_doi, clean_isbn, clean_issn, clean_pmcid
from ..normalize.languages import to_bcp47
from ..normalize.latex import latex_to_unicode
from ..normalize.text import looks_binary, read_text
from ..plugins import Reader, RecordSplitter
from ..problems import Problem
from .bibtex_table import (
    BIBLATEX,
    BIBLATEX_ONLY_FIELDS,
    BIBTEX,
    ENTRY_TYPE_EXTRA,
    ENTRY_TYPES,
    EPRINT_SCHEMES,
    EXTRA_PREFIX,
    FIELDS,
    IN_BOOK,
    LANGIDS,
    LIST_FIELDS,
    LIST_SEPARATOR,
    NAME_FIELDS,
    PERIODICAL_PARTS,
    PROTECTED_FIELDS,
    SERIES_PARTS,
    SPECIAL_FIELDS,
    VERBATIM_FIELDS,
    FieldRow,
    derived_entry_type,
)

# -- mapping tables: exporter.formats.bibtex_table (shared with the writers) --------------

#: BibTeX's predefined month macros.
MONTH_MACROS: dict[str, str] = {
    m: str(i)
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}

_URL_COMMAND = re.compile(r"\\url\{([^{}\s]+)\}")
_PAGE_SPLIT = re.compile(r"^\s*([^-–—\s]+)\s*(?:-+|–|—)\s*([^-–—\s]+)\s*$")
_KEYWORD_SPLIT = re.compile(r"\s*[,;]\s*")


class FieldValueError(ValueError):
    """A field value that cannot be evaluated (unbalanced braces, unknown form)."""


# -- values ---------------------------------------------------------------------------------


def evaluate(raw: str, macros: dict[str, str]) -> str:
    """A raw field value (``{..}``, ``".."``, a number, a macro, joined by ``#``) as text.

    Undefined macros are kept as their name (BibTeX warns and uses an empty string; keeping
    the name loses nothing).
    """
    parts: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch in " \t\r\n#":
            i += 1
        elif ch == "{":
            end = _matching_brace(raw, i)
            parts.append(raw[i + 1:end])
            i = end + 1
        elif ch == '"':
            end = _closing_quote(raw, i)
            parts.append(raw[i + 1:end])
            i = end + 1
        else:
            j = i
            while j < n and raw[j] not in " \t\r\n#":
                j += 1
            token = raw[i:j]
            i = j
            if token.isdigit():
                parts.append(token)
            else:
                key = token.lower()
                parts.append(macros.get(key, MONTH_MACROS.get(key, token)))
    return "".join(parts)


_GLUED_FIELD = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=\s*")


_COMMENT_LINE = re.compile(r"^[ \t]*%.*$", re.M)


def field_name(raw: str) -> tuple[str, str]:
    """(the field name, the text before it that is not a comment) for what bibtexparser
    gives as a field's key: the text between the previous field's comma and the ``=``.
    Lines starting with ``%`` there are comments (biber reads them so: a field commented
    out); anything else there is junk, reported by the caller."""
    if "\n" not in raw:
        return raw, ""
    text = _COMMENT_LINE.sub("", raw).strip()
    if not text:
        return raw.strip(), ""
    junk, _, name = text.rpartition("\n")
    return name.strip(), " ".join(junk.split())


def split_glued_fields(name: str, raw: str) -> list[tuple[str, str]]:
    """A value followed by another field without the comma between them
    (``title = {A}\n file = {B}``) split into its fields; other values unchanged."""
    out: list[tuple[str, str]] = []
    while True:
        stripped = raw.lstrip()
        offset = len(raw) - len(stripped)
        if stripped[:1] not in ('{', '"'):
            out.append((name, raw))
            return out
        try:
            end = _matching_brace(stripped, 0) if stripped[0] == "{" else _closing_quote(stripped, 0)
        except FieldValueError:
            out.append((name, raw))
            return out
        m = _GLUED_FIELD.match(stripped, end + 1)
        if not m or "#" in stripped[end + 1:m.start(1)]:
            out.append((name, raw))
            return out
        out.append((name, raw[: offset + end + 1]))
        name, raw = m.group(1), stripped[m.end():].rstrip().rstrip(",")


_BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.DOTALL)
_QUOTE_SCAN = re.compile(r'\\.|[{}"]', re.DOTALL)


def _matching_brace(text: str, start: int) -> int:
    depth = 0
    for m in _BRACE_OR_ESCAPE.finditer(text, start):
        c = m.group(0)
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return m.start()
    raise FieldValueError("unbalanced braces in field value")


def _closing_quote(text: str, start: int) -> int:
    depth = 0
    for m in _QUOTE_SCAN.finditer(text, start + 1):
        c = m.group(0)
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            return m.start()
    raise FieldValueError("unterminated quoted field value")


# -- names ----------------------------------------------------------------------------------


def split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split at matches of ``separator`` that are outside braces (scanning with one regular
    expression, so a huge name list costs linear time)."""
    scanner = _SCANNERS.get(separator.pattern)
    if scanner is None:
        scanner = _SCANNERS[separator.pattern] = re.compile(rf"(\{{)|(\}})|(?:{separator.pattern})", separator.flags)
    out: list[str] = []
    depth = 0
    start = 0
    for m in scanner.finditer(text):
        if m.group(1):
            depth += 1
        elif m.group(2):
            depth = max(0, depth - 1)
        elif depth == 0 and m.end() > m.start():
            out.append(text[start:m.start()])
            start = m.end()
    out.append(text[start:])
    return out


_SCANNERS: dict[str, re.Pattern[str]] = {}


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA = re.compile(r",")
_SPACES = re.compile(r"[\s~]+")


def _is_lower_word(word: str) -> bool:
    """BibTeX's case of a name word: its first letter at brace level 0, or the first letter
    of a special character ``{\\'e}``; a word starting with a plain brace group has no case."""
    depth = 0
    i = 0
    while i < len(word):
        c = word[i]
        if c == "{":
            if depth == 0 and word.startswith("{\\", i):
                m = re.match(r"\{\\(?:[A-Za-z]+|.)\s*\{?\s*([A-Za-z])", word[i:])
                if m:
                    return m.group(1).islower()
                return False
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isalpha():
            return c.islower()
        i += 1
    return False


def parse_bibtex_name(text: str, role: str) -> Contributor:
    """One BibTeX name: "First von Last", "von Last, First" or "von Last, Jr, First";
    a name that is one brace group (``{World Health Organization}``) is a literal."""
    text = text.strip()
    if text.startswith("{") and _matching_brace_safe(text) == len(text) - 1:
        return Contributor(literal=latex_to_unicode(text[1:-1]), role=role)
    if _EXTENDED_NAME.match(text):
        return _extended_name(text, role)
    parts = [p.strip() for p in split_top_level(text, _COMMA)]
    if len(parts) == 1:
        words = [w for w in split_top_level(parts[0], _SPACES) if w]
        first, von, last = _split_first_von_last(words)
        jr: list[str] = []
    else:
        words = [w for w in split_top_level(parts[0], _SPACES) if w]
        von, last = _split_von_last(words)
        jr = [parts[1]] if len(parts) >= 3 else []
        first = [", ".join(parts[2:]) if len(parts) >= 3 else parts[1]]
    def decode(words: list[str]) -> str | None:
        return latex_to_unicode(" ".join(words)) or None

    family = decode(last)
    return Contributor(
        family=family,
        given=decode(first),
        particle=decode(von),
        suffix=decode(jr),
        role=role,
    )


#: BibLaTeX's extended name format (biblatex manual §3.4): "family=Gogh, given=Vincent, prefix=van".
_EXTENDED_NAME = re.compile(r"^\s*(?:family|given|prefix|suffix)\s*=", re.IGNORECASE)
EXTENDED_NAME_PARTS: dict[str, str] = {"family": "family", "given": "given", "prefix": "particle", "suffix": "suffix"}


def _extended_name(text: str, role: str) -> Contributor:
    """``useprefix=false`` makes the prefix a dropping particle (not part of the family name
    when sorting: "Humboldt, Alexander von"); otherwise it is the particle."""
    parts: dict[str, str] = {}
    use_prefix = None
    for item in split_top_level(text, _COMMA):
        key, sep, value = item.partition("=")
        attr = EXTENDED_NAME_PARTS.get(key.strip().lower())
        if sep and attr:
            parts[attr] = latex_to_unicode(value.strip())
        elif sep and key.strip().lower() == "useprefix":
            use_prefix = value.strip().strip("{}").lower()
    if use_prefix == "false" and "particle" in parts:
        parts["dropping_particle"] = parts.pop("particle")
    return Contributor(role=role, **{k: v for k, v in parts.items() if v})


def _matching_brace_safe(text: str) -> int:
    try:
        return _matching_brace(text, 0)
    except FieldValueError:
        return -1


def _split_first_von_last(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    if len(words) == 1:
        return [], [], words
    # von starts at the first lowercase word (not the last) and ends at the last lowercase one
    lower = [i for i, w in enumerate(words[:-1]) if _is_lower_word(w)]
    if not lower:
        return words[:-1], [], words[-1:]
    start, end = lower[0], lower[-1]
    return words[:start], words[start:end + 1], words[end + 1:]


def _split_von_last(words: list[str]) -> tuple[list[str], list[str]]:
    lower = [i for i, w in enumerate(words[:-1]) if _is_lower_word(w)]
    if not lower:
        return [], words
    end = lower[-1]
    return words[:end + 1], words[end + 1:]


def parse_name_list(text: str, role: str) -> tuple[list[Contributor], bool]:
    """All names of a field, and whether the list ended with "and others"."""
    names = [n.strip() for n in split_top_level(" ".join(text.split()), _AND) if n.strip()]
    others = bool(names) and names[-1].lower() == "others"
    if others:
        names = names[:-1]
    return [parse_bibtex_name(n, role) for n in names], others


# -- entries --------------------------------------------------------------------------------


@dataclasses.dataclass
class RawEntry:
    """An entry with evaluated (but not yet LaTeX-decoded) field values, lowercase keys."""

    entry_type: str
    key: str
    fields: dict[str, str]
    line: int


#: Parent fields renamed when a part (chapter, paper, entry) inherits from its whole.
INHERIT_RENAMES: dict[str, str] = {"title": "booktitle", "subtitle": "booksubtitle", "author": "bookauthor"}


def inherit(entries: dict[str, RawEntry], entry: RawEntry, seen: frozenset[str] = frozenset()) -> RawEntry:
    """Fields the entry lacks, taken from its ``crossref`` parent, whose own parents are
    resolved first (cascading, as Biber does; a cycle stops the chain). ``xref`` only links
    entries: BibLaTeX says a child inherits no data through it (biblatex manual §2.2.3)."""
    parent_key = (entry.fields.get("crossref") or "").strip().lower()
    if not parent_key or parent_key in seen or parent_key == entry.key.lower():
        return entry
    parent = entries.get(parent_key)
    if parent is None:
        return entry
    parent = inherit(entries, parent, seen | {entry.key.lower()})
    fields = dict(entry.fields)
    is_part = entry.entry_type in IN_BOOK
    for name, value in parent.fields.items():
        if name in ("crossref", "xref", "ids"):
            continue
        target = INHERIT_RENAMES.get(name, name) if is_part else name
        if target == "bookauthor" and "author" not in fields:
            target = "author"
        fields.setdefault(target, value)
    return dataclasses.replace(entry, fields=fields)


def _decode(name: str, value: str) -> str:
    if name in VERBATIM_FIELDS:
        return re.sub(r"\\([_%&#$~{}])", r"\1", value).strip().strip("{}").strip()
    return latex_to_unicode(value, protect=name in PROTECTED_FIELDS)


_TEX_SPACE = re.compile(r"[ \t\r\n]+")  # not str.split(): a no-break space is text


def _decode_list(name: str, value: str) -> str:
    """A BibLaTeX literal list: items split at "and" outside braces ("Routledge {and} Kegan
    Paul" is one item), joined by "; "."""
    items = (_decode(name, item) for item in split_top_level(_TEX_SPACE.sub(" ", value), _AND))
    return LIST_SEPARATOR.join(item for item in items if item)


def _pages(text: str | None) -> tuple[str | None, str | None, str | None]:
    if not text:
        return None, None, None
    m = _PAGE_SPLIT.match(text)
    if m:
        return m.group(1), m.group(2), None
    if "," not in text and " " not in text.strip():
        return text.strip(), None, None
    return None, None, text


#: a ``date`` field in BibLaTeX's EDTF, read as written, not as LaTeX
_EDTF_FIELD = re.compile(r"[-0-9XYES?~%/.\[\],{}]+")


def _issued(decoded: dict[str, str], fields: dict[str, str]) -> DateValue | None:
    raw = (fields.get("date") or "").strip()
    if raw and _EDTF_FIELD.fullmatch(raw):
        return parse_date(raw)  # BibLaTeX's EDTF as written: its "~" is "approximate", not a tie
    if decoded.get("date"):
        return parse_date(decoded["date"])
    year = decoded.get("year")
    if not year:
        return None
    month_text = decoded.get("month", "").strip().rstrip(".")
    month = None
    if month_text:
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
    day_text = decoded.get("day", "").strip()
    day = int(day_text) if day_text.isdigit() else None
    if year.strip().isdigit():
        try:
            return DateValue(start=PartialDate(int(year), month if month and 1 <= month <= 12 else None, day if month else None))
        except ValueError:
            return DateValue(start=PartialDate(int(year)))
    return parse_date(f"{year} {month_text}".strip()) if month_text else parse_date(year)


#: Record text slots a row may fill (everything else has its own place in ``RecordBuilder``).
_ID_CLEANERS = {"isbn": clean_isbn, "issn": clean_issn, "pmcid": clean_pmcid, "doi": clean_doi}
_DATE_SLOTS = {"date:accessed": "accessed", "date:original": "original_date", "date:event": "event_date"}
#: Facets with several values: a second field adds to them instead of going to ``extra``.
_ADDITIVE = ("id:", "link", "subject", "notes", "contributor:")


class RecordBuilder:
    """Slot values gathered by the table walk; the first value of a facet wins."""

    def __init__(self) -> None:
        self.slots: dict[str, object] = {}
        self.container: dict[str, str] = {}
        self.contributors: list[Contributor] = []
        self.identifiers: list[Identifier] = []
        self.links: list[Link] = []
        self.subjects: list[Subject] = []
        self.notes: list[str] = []
        self.extra: list[tuple[str, str]] = []
        self.warnings: list[str] = []

    def has(self, facet: str) -> bool:
        if facet.startswith("container:"):
            name = facet[10:]
            return bool(self.container.get("page_start") or self.container.get("pages")) if name == "pages" else name in self.container
        return facet in self.slots

    def keep(self, field: str, value: str) -> None:
        """A value no slot takes, kept as the field it was."""
        self.extra.append((EXTRA_PREFIX + field, value))

    def add(self, row: FieldRow, value: str) -> None:
        """Put one decoded field value where its row says."""
        facet, codec = row.facet, row.codec
        if not facet.startswith(_ADDITIVE) and self.has(facet):
            if self._current(facet) != value:
                self.keep(row.field, value)  # the losing one of two spellings (journal/journaltitle)
            return
        family, _, name = facet.partition(":")
        if family == "id":
            self.add_ids(row.field, name, value, split=codec == "ids")
        elif family == "container":
            if name == "pages":
                start, end, pages = _pages(value)
                self.container.update({k: v for k, v in (("page_start", start), ("page_end", end), ("pages", pages)) if v})
            else:
                self.container[name] = value
        elif facet in _DATE_SLOTS:
            self.slots[facet] = parse_date(value)
        elif facet == "link":
            self.links.extend(Link(u) for u in value.split())
        elif facet == "subject":
            self.subjects.extend(Subject(k, "keyword") for k in _KEYWORD_SPLIT.split(value) if k)
        elif facet == "notes":
            self.notes.append(value)
        elif facet == "language":
            name = value.strip()
            babel = LANGIDS.get(name) or LANGIDS.get(name.lower()) if codec == "langid" else None
            self.slots[facet] = babel or to_bcp47(value)
        elif facet == "rights:statement":
            self.slots[facet] = Rights(statement=value)
        else:
            self.slots[facet] = value

    def _current(self, facet: str) -> object:
        if facet.startswith("container:"):
            return self.container.get(facet[10:])
        return self.slots.get(facet)

    def add_ids(self, field: str, scheme: str, value: str, split: bool = False) -> None:
        for item in (re.split(r"[\s,;]+", value) if split else [value]):
            if not item:
                continue
            cleaner = _ID_CLEANERS.get(scheme)
            cleaned = cleaner(item) if cleaner else item
            if scheme == "doi" and not cleaned:
                self.warnings.append(f"doi {item!r} is not a DOI; kept in extra")
                self.keep(field, item)
                continue
            ident = Identifier(scheme, cleaned or item)
            if ident not in self.identifiers:
                self.identifiers.append(ident)

    def record(self, **fixed: object) -> Record:
        slots = {k: v for k, v in self.slots.items() if ":" not in k}
        cont = self.container
        container = Container(**cont) if any(cont.values()) else None
        return Record(
            **slots,
            container=container,
            contributors=tuple(self.contributors),
            identifiers=tuple(self.identifiers),
            links=tuple(dict.fromkeys(self.links)),
            subjects=tuple(self.subjects),
            notes=tuple(self.notes),
            rights=self.slots.get("rights:statement"),  # type: ignore[arg-type]
            extra=tuple(self.extra),
            **{attr: self.slots.get(facet) for facet, attr in _DATE_SLOTS.items()},  # type: ignore[arg-type]
            **fixed,  # type: ignore[arg-type]
        )


def entry_to_record(entry: RawEntry, biblatex: bool) -> tuple[Record, list[str]]:
    """Map one entry (a walk of ``bibtex_table.FIELDS`` plus the special cases below);
    returns the record and warnings about values that were kept as text."""
    fields = entry.fields
    entry_type = entry.entry_type
    decoded = {name: _decode_list(name, value) if name in LIST_FIELDS and (biblatex or name in BIBLATEX_ONLY_FIELDS)
               else _decode(name, value) for name, value in fields.items() if name not in NAME_FIELDS}
    record_type, genre = ENTRY_TYPES.get(entry_type, ("document", None))
    b = RecordBuilder()
    used = set(SPECIAL_FIELDS)
    for row in FIELDS:
        if row.field not in fields or row.field in SPECIAL_FIELDS or not row.reads(entry_type):
            continue
        used.add(row.field)
        if row.codec == "names":
            role = NAME_FIELDS[row.field]
            people, others = parse_name_list(fields[row.field], role)
            b.contributors.extend(people)
            if others:
                b.extra.append(("others", role))
        elif decoded[row.field]:
            b.add(row, decoded[row.field])
    _read_numbering(decoded, entry_type, b)
    _read_place(decoded, b)
    _read_eprint(decoded, b)
    _read_howpublished(fields, b)
    issued = _issued(decoded, fields)
    if issued and issued.literal:
        b.warnings.append(f"date {issued.literal!r} is not a date; kept as text")
    if not b.has("genre") and genre:
        b.slots["genre"] = genre
    # every field no slot took is kept (file, vendor fields, booktitle of a book, ...)
    for name, value in decoded.items():
        if name not in used and value:
            if name == "crossref" and "xref" not in decoded:
                # the fields are inherited already (``inherit``); what is left is a link
                # without inheritance, BibLaTeX's xref (§2.2.3). Written back as crossref it
                # would be inherited again, loop on cycles and break on missing parents.
                name = "xref"
            b.keep(name, value)
    record = b.record(
        type=record_type,
        issued=issued,
        key=entry.key,
        provenance=Provenance(source_system="BibLaTeX" if biblatex else "BibTeX", source_id=entry.key),
    )
    if entry_type not in {derived_entry_type(record.type, record.genre, d) for d in (BIBTEX, BIBLATEX)}:
        # no record type says it (@collection, @manual, @inbook): kept to be written back
        record = dataclasses.replace(record, extra=((ENTRY_TYPE_EXTRA, entry_type), *record.extra))
    return record, b.warnings


def _read_numbering(decoded: dict[str, str], entry_type: str, b: RecordBuilder) -> None:
    """``number`` is a periodical's issue, a book's number in its series, or the item's own
    number (a report's); BibLaTeX's ``issue`` comes with it ("Spring"): when both are given
    for a periodical, ``issue`` is the issue and ``number`` the number."""
    number, issue = decoded.get("number"), decoded.get("issue")
    if issue:
        b.container["issue"] = issue
    if not number:
        return
    if entry_type in PERIODICAL_PARTS and not issue:
        b.container["issue"] = number
    elif entry_type in PERIODICAL_PARTS or entry_type not in SERIES_PARTS or not decoded.get("series"):
        b.slots["number"] = number
    else:
        b.slots["series_number"] = number


def _read_place(decoded: dict[str, str], b: RecordBuilder) -> None:
    """BibLaTeX's ``location`` or BibTeX's ``address``; when an entry has both, ``address``
    is the publisher's place and ``location`` where the event was (ACM's and IEEE's exports
    do this), as BibLaTeX's ``venue`` would say."""
    location, address = decoded.get("location"), decoded.get("address")
    if location and address and location != address:
        b.slots["place"] = address
        if b.has("event_place"):
            b.keep("location", location)
        else:
            b.slots["event_place"] = location
    elif location or address:
        b.slots["place"] = location or address


def _read_eprint(decoded: dict[str, str], b: RecordBuilder) -> None:
    """``eprint`` with ``eprinttype`` (BibLaTeX) or ``archivePrefix`` (arXiv's BibTeX) is an
    identifier of that scheme; of an unknown scheme, the fields are kept as they were."""
    eprint = decoded.get("eprint")
    kind_field = "eprinttype" if decoded.get("eprinttype") else "archiveprefix"
    kind = decoded.get(kind_field, "")
    if not eprint:
        if kind:
            b.keep(kind_field, kind)
        return
    scheme = EPRINT_SCHEMES.get(kind.lower())
    if scheme:
        b.add_ids("eprint", scheme, eprint)
    else:
        b.keep("eprint", eprint)
        if kind:
            b.keep(kind_field, kind)


def _read_howpublished(fields: dict[str, str], b: RecordBuilder) -> None:
    r"""``howpublished = {\url{...}}`` (and a bare address there) is the item's address, not
    how it was published."""
    urls = _URL_COMMAND.findall(fields.get("howpublished", ""))
    medium = b.slots.get("medium")
    if isinstance(medium, str) and medium.startswith(("http://", "https://")):
        del b.slots["medium"]
        urls = urls or medium.split()[:1]
    for url in urls:
        if Link(url) not in b.links:
            b.links.append(Link(url))


# -- cutting a file into ranges of records (exporter.ranges) -----------------------------------

# an entry at the start of a line (not @comment, @string or @preamble, which bibtexparser
# tells apart by how the type starts), opened by a brace
_BIB_START = re.compile(rb"\n@(?!(?i:comment|string|preamble))\w*[ \t]*\{")
# anything bibtexparser's splitter may take for the start of a block, anywhere
_BIB_BLOCK = re.compile(rb"@[\w\x80-\xff]*[ \t]*(?=[{(])")
_BIB_KEY = re.compile(rb"\n@(?!(?i:comment|string|preamble))\w*[ \t]*\{([^{}\",=]*)")
_BIB_STRING = re.compile(rb"@[\w\x80-\xff]*string")  # in lower case
_BIB_ESCAPED = re.compile(rb'\\[{}"]')
_BIB_NOT_MARKS = bytes(b for b in range(256) if b not in b'{}"')
_OPEN, _CLOSE, _QUOTE = ord("{"), ord("}"), ord('"')


class BibTeXSplitter(RecordSplitter):
    """Cuts BibTeX files for :mod:`exporter.ranges` before entries that open a line
    (``@article{``). The file must have no ``@string`` (a macro applies to every entry,
    even earlier ones) and no ``crossref`` (an entry takes fields from another). A run of
    entries is regular when nothing in it can start a block but the entries themselves
    (so no ``@comment`` or ``@preamble`` between them, no ``@type{`` inside a value), nothing
    but blank lines and text comments precede the first, each entry closes before the
    next begins (its braces, counted as bibtexparser's splitter counts them: not in a
    quoted value, not after a backslash; a ``{"}`` is not followed), and no entry has the
    key of an earlier one (bibtexparser rejects the second, wherever the first is)."""

    needs_prescan = True

    def __init__(self) -> None:
        self._keys: set[str] = set()  # of the entries cut so far

    def _keys_of(self, chunk: bytes) -> list[str]:
        # up to the first mark after the brace, as bibtexparser reads the key; stopping at
        # any such character, escaped or not, keeps equal keys equal
        return [m.group(1).decode("utf-8", "replace").strip() for m in _BIB_KEY.finditer(b"\n" + chunk)]

    def accept(self, chunk: bytes) -> None:
        self._keys.update(self._keys_of(chunk))

    def prescan(self, block: bytes, before: bytes) -> bool:
        lower = (before + block).lower()
        return b"crossref" not in lower and _BIB_STRING.search(lower) is None

    def layout(self, head: bytes) -> bool:
        return True

    def starts(self, text: bytes) -> list[int]:
        return [m.start() for m in _BIB_START.finditer(b"\n" + text)]  # (positions in text)

    def regular(self, chunk: bytes, count: int, first: bool, last: bool) -> bool:
        starts = self.starts(chunk)
        if len(starts) != count or len(_BIB_BLOCK.findall(chunk)) != count or b'{"}' in chunk:
            return False
        keys = self._keys_of(chunk)
        if len(set(keys)) != len(keys) or not self._keys.isdisjoint(keys):
            return False
        return all(_entry_closes(chunk[a:b]) for a, b in zip(starts, starts[1:] + [len(chunk)]))


def _entry_closes(text: bytes) -> bool:
    """Whether the entry that opens ``text`` closes inside it."""
    marks = _BIB_ESCAPED.sub(b"", text).translate(None, _BIB_NOT_MARKS)
    depth = 0
    quoted = False
    for mark in marks:
        if depth == 1 and mark == _QUOTE:
            quoted = not quoted
        elif quoted:
            continue
        elif mark == _OPEN:
            depth += 1
        elif mark == _CLOSE:
            depth -= 1
            if depth == 0:
                return True
    return False


class BibTeXReader(Reader):
    """BibTeX (.bib): entries, @string macros, crossref; LaTeX decoded to Unicode."""

    name = "bibtex"
    title = "BibTeX (.bib)"
    extensions = (".bib", ".bibtex")
    media_type = "application/x-bibtex"
    biblatex = False

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        text, problem = read_text(stream, source)
        if problem is not None:
            yield problem
            if problem.severity == "error":
                return
        if looks_binary(text[:64]):
            # binary data (exporter.api says so for files; this is for text handed over
            # directly); a NUL further in costs only the entry it is in (below)
            yield Problem(source=source, line=1, reason="input is binary data, not BibTeX")
            return
        try:
            with _quiet_bibtexparser():
                library = Splitter(text).split()
        except Exception as exc:  # noqa: BLE001 - the splitter's own failures are bad input
            yield Problem(source=source, reason=f"cannot split the BibTeX input: {exc}")
            return
        macros: dict[str, str] = {}
        entries: list[RawEntry | Problem] = []
        by_key: dict[str, RawEntry] = {}
        number = 0
        # @string macros first, in order: an entry may use a macro defined after it
        # (BibTeX would not allow that; being lenient loses nothing)
        # bibtexparser makes a second entry (or @string) with a key already used a failed
        # block; the entry itself is whole: it is read, and the API renames its key and
        # says so, as for duplicate ids in every format (a later @string wins, as in BibTeX)
        blocks = [block.ignore_error_block if isinstance(block, DuplicateBlockKeyBlock)
                  and isinstance(block.ignore_error_block, (Entry, String)) else block
                  for block in library.blocks]
        for block in blocks:
            if isinstance(block, String):
                try:
                    macros[block.key.lower()] = evaluate(str(block.value), macros)
                except FieldValueError as exc:
                    yield Problem(source=source, line=block.start_line + 1, reason=f"@string {block.key}: {exc}")
        for block in blocks:
            if isinstance(block, ParsingFailedBlock):
                number += 1
                entries.append(_failed(block, source, number))
            elif isinstance(block, Entry):
                number += 1
                if "\x00" in (block.raw or ""):
                    line = block.start_line + 1 + (block.raw or "").count("\n", 0, (block.raw or "").index("\x00"))
                    entries.append(Problem(source=source, record=number, line=line,
                                           reason=f"entry {block.key!r}: a NUL character inside it; skipped"))
                    continue
                try:
                    fields = {}
                    for f in block.fields:
                        key, junk = field_name(f.key)
                        if junk:
                            yield Problem(source=source, record=number, line=block.start_line + 1, severity="warning",
                                          reason=f"entry {block.key!r}: text before field {key!r} ignored: {_clip(junk)!r}")
                        if key.startswith("%"):
                            yield Problem(source=source, record=number, line=block.start_line + 1, severity="warning",
                                          reason=f"entry {block.key!r}: field {key[1:].strip()!r} is commented out with %; skipped")
                            continue
                        if key != f.key:
                            f = type(f)(key, f.value)
                        if not f.key.strip():
                            yield Problem(source=source, record=number, line=block.start_line + 1, severity="warning",
                                          reason=f"entry {block.key!r}: a value without a field name (= {_clip(str(f.value))}); skipped")
                            continue
                        parts = split_glued_fields(f.key, str(f.value))
                        if len(parts) > 1:
                            yield Problem(source=source, record=number, line=block.start_line + 1, severity="warning",
                                          reason=f"entry {block.key!r}: no comma after field {f.key!r}; read as fields {', '.join(k for k, _ in parts)}")
                        for key, raw_value in parts:
                            fields.setdefault(key.lower(), evaluate(raw_value, macros))
                    raw = RawEntry(block.entry_type.lower(), block.key, fields, block.start_line + 1)
                except FieldValueError as exc:
                    entries.append(Problem(source=source, record=number, line=block.start_line + 1, reason=f"entry {block.key!r}: {exc}"))
                    continue
                entries.append(raw)
                by_key.setdefault(block.key.lower(), raw)
                for alias in (raw.fields.get("ids") or "").split(","):
                    if alias.strip():
                        by_key.setdefault(alias.strip().lower(), raw)  # BibLaTeX's key aliases
        if not entries and text.strip() and "@" not in text:
            yield Problem(source=source, line=1, reason="no BibTeX entry found (no '@type{' block)")
        for number, item in enumerate(entries, start=1):
            if isinstance(item, Problem):
                yield item
                continue
            try:
                record, warnings = entry_to_record(inherit(by_key, item), self.biblatex)
                parent = (item.fields.get("crossref") or "").strip()
                if parent and parent.lower() not in by_key:
                    warnings.append(f"crossref {parent!r} is not an entry of this file; kept as xref")
            except RecursionError:
                yield Problem(source=source, record=number, line=item.line, reason=f"entry {item.key!r}: braces nested too deeply to read")
                continue
            except (ValueError, TypeError) as exc:
                yield Problem(source=source, record=number, line=item.line, reason=f"entry {item.key!r}: {exc}")
                continue
            for w in warnings:
                yield Problem(source=source, record=number, line=item.line, reason=f"entry {item.key!r}: {w}", severity="warning")
            yield record

    @classmethod
    def record_splitter(cls) -> BibTeXSplitter:
        return BibTeXSplitter()

    @classmethod
    def sniff(cls, head: str) -> bool:
        return re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", head.lstrip("\ufeff"), re.MULTILINE) is not None


class BibLaTeXReader(BibTeXReader):
    """BibLaTeX (.bib): BibTeX plus the BibLaTeX data model (date, journaltitle, eprint, ...)."""

    name = "biblatex"
    title = "BibLaTeX (.bib)"
    media_type = "application/x-biblatex"
    biblatex = True

    @classmethod
    def sniff(cls, head: str) -> bool:
        return False  # indistinguishable from BibTeX by content; the BibTeX reader reads both


@contextlib.contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs each failed block; we report it as a Problem instead."""
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _failed(block: ParsingFailedBlock, source: str, number: int) -> Problem:
    error = block.error
    reason = (
        getattr(error, "abort_reason", None) or getattr(error, "message", None) or str(error) or type(error).__name__
    ).strip() if error else "entry could not be parsed"
    raw = block.raw or ""
    return Problem(
        source=source,
        record=number,
        line=block.start_line + 1,
        reason=f"BibTeX block could not be parsed: {reason}",
        raw=raw[:2000],
    )
