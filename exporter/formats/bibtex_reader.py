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
  through any number of levels; ``xref`` links without inheriting (BibLaTeX's rule). Both
  parent keys stay in ``extra``.
* Input text: UTF-8 with or without BOM; a file that is not UTF-8 is read as Windows-1252
  or Latin-1 with a warning (:mod:`exporter.normalize.text`). A field glued to the next
  without a comma is split with a warning; BibLaTeX's extended name format
  (``family=Gogh, prefix=van``) is read. The ``biblatex`` reader differs only in the
  provenance it records: both read both dialects.
* ``and others`` ends a name list; it is kept as ``extra`` ``("others", role)``.
* Fields no slot holds are kept in ``Record.extra`` with their decoded value.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
from collections.abc import Iterator
from typing import TextIO

from bibtexparser.model import Entry, ParsingFailedBlock, String
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
from ..plugins import Reader
from ..problems import Problem

# -- mapping tables -------------------------------------------------------------------------

#: Entry type -> (record type, genre). BibTeX and BibLaTeX types together.
ENTRY_TYPES: dict[str, tuple[str, str | None]] = {
    "article": ("article-journal", None),
    "suppperiodical": ("article-journal", None),
    "periodical": ("periodical", None),
    "book": ("book", None),
    "mvbook": ("book", None),
    "bookinbook": ("chapter", None),
    "booklet": ("pamphlet", None),
    "collection": ("book", None),
    "mvcollection": ("book", None),
    "proceedings": ("book", None),
    "mvproceedings": ("book", None),
    "reference": ("book", None),
    "mvreference": ("book", None),
    "inbook": ("chapter", None),
    "incollection": ("chapter", None),
    "suppbook": ("chapter", None),
    "suppcollection": ("chapter", None),
    "inreference": ("entry-encyclopedia", None),
    "inproceedings": ("paper-conference", None),
    "conference": ("paper-conference", None),
    "manual": ("report", "Manual"),
    "phdthesis": ("thesis", "PhD thesis"),
    "mastersthesis": ("thesis", "Master's thesis"),
    "thesis": ("thesis", None),
    "techreport": ("report", "Technical report"),
    "report": ("report", None),
    "unpublished": ("manuscript", None),
    "misc": ("document", None),
    "online": ("webpage", None),
    "electronic": ("webpage", None),
    "www": ("webpage", None),
    "webpage": ("webpage", None),
    "patent": ("patent", None),
    "dataset": ("dataset", None),
    "software": ("software", None),
    "artwork": ("graphic", None),
    "image": ("graphic", None),
    "audio": ("song", None),
    "music": ("song", None),
    "video": ("motion_picture", None),
    "movie": ("motion_picture", None),
    "letter": ("personal_communication", None),
    "legislation": ("legislation", None),
    "jurisdiction": ("legal_case", None),
    "standard": ("standard", None),
    "performance": ("performance", None),
    "review": ("review", None),
    "article-magazine": ("article-magazine", None),
}

#: Name fields -> contributor role.
NAME_ROLES: dict[str, str] = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
    "origauthor": "original-author",
    "director": "director",
    "compiler": "compiler",
}

#: Fields that are titles: decoded with brace protection kept as nocase markup.
TITLE_FIELDS = frozenset({"title", "subtitle", "shorttitle", "journal", "journaltitle", "booktitle", "maintitle"})

#: Record attributes filled straight from one field (first field listed wins).
SIMPLE_FIELDS: dict[str, tuple[str, ...]] = {
    "short_title": ("shorttitle",),
    "subtitle": ("subtitle",),
    "edition": ("edition",),
    "series": ("series",),
    "abstract": ("abstract",),
    "event": ("eventtitle",),
    "event_place": ("venue",),
    "medium": ("howpublished",),
}

#: Fields where LaTeX is not decoded beyond escaped characters (they are addresses or codes).
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pdf", "urlraw"})

#: Where the publisher is, by record type (BibTeX puts it in different fields).
PUBLISHER_FIELDS: tuple[str, ...] = ("publisher", "institution", "school", "organization")

#: (Documentation) the fields read into slots; any field not read goes to ``extra``.
CONSUMED = frozenset(
    ["title", "subtitle", "shorttitle", "journal", "journaltitle", "booktitle", "shortjournal", "journalabbrev", "volume", "number", "issue", "pages", "year", "month", "day", "date", "urldate", "eventdate", "origdate", "publisher", "institution", "school", "organization", "address", "location", "edition", "series", "abstract", "keywords", "language", "langid", "doi", "url", "isbn", "issn", "eprint", "eprinttype", "archiveprefix", "pmid", "pmcid", "note", "annote", "annotation", "type", "eventtitle", "venue", "howpublished"]
) | frozenset(NAME_ROLES)

#: eprinttype -> identifier scheme.
EPRINT_SCHEMES: dict[str, str] = {
    "arxiv": "arxiv", "pubmed": "pmid", "pmid": "pmid", "pmcid": "pmcid", "hdl": "handle",
    "handle": "handle", "jstor": "jstor", "googlebooks": "googlebooks", "doi": "doi",
}

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
    decode = lambda ws: latex_to_unicode(" ".join(ws)) or None
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
    parts: dict[str, str] = {}
    for item in split_top_level(text, _COMMA):
        key, sep, value = item.partition("=")
        attr = EXTENDED_NAME_PARTS.get(key.strip().lower())
        if sep and attr:
            parts[attr] = latex_to_unicode(value.strip())
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
PART_TYPES = frozenset({"chapter", "paper-conference", "entry-encyclopedia"})


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
    is_part = ENTRY_TYPES.get(entry.entry_type, ("document", None))[0] in PART_TYPES
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
    return latex_to_unicode(value, protect=name in TITLE_FIELDS)


def _pages(text: str | None) -> tuple[str | None, str | None, str | None]:
    if not text:
        return None, None, None
    m = _PAGE_SPLIT.match(text)
    if m:
        return m.group(1), m.group(2), None
    if "," not in text and " " not in text.strip():
        return text.strip(), None, None
    return None, None, text


class ReadTracking(dict[str, str]):
    """Decoded fields that remember which of them the mapping read (``get`` or ``[]``)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.read: set[str] = set()

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if key in self:
            self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)


def _issued(decoded: dict[str, str]) -> DateValue | None:
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


def entry_to_record(entry: RawEntry, biblatex: bool) -> tuple[Record, list[str]]:
    """Map one entry; returns the record and warnings about values that were kept as text."""
    fields = entry.fields
    decoded = ReadTracking((name, _decode(name, value)) for name, value in fields.items())
    rtype, genre = ENTRY_TYPES.get(entry.entry_type, ("document", None))
    warnings: list[str] = []
    extra: list[tuple[str, str]] = []
    if entry.entry_type not in ENTRY_TYPES:
        extra.append(("entrytype", entry.entry_type))

    contributors: list[Contributor] = []
    for name, role in NAME_ROLES.items():
        if fields.get(name):
            people, others = parse_name_list(fields[name], role)
            contributors.extend(people)
            if others:
                extra.append(("others", role))

    in_book = rtype in ("chapter", "paper-conference", "entry-encyclopedia")
    container_title = decoded.get("journaltitle") or decoded.get("journal")
    if not container_title and in_book:
        container_title = decoded.get("booktitle")
    elif decoded.get("booktitle"):
        extra.append(("booktitle", decoded["booktitle"]))
    start, end, pages = _pages(decoded.get("pages"))
    volume = decoded.get("volume")
    issue = decoded.get("issue")
    number = decoded.get("number")
    series_number = None
    if rtype in ("article-journal", "article-magazine", "article-newspaper", "periodical"):
        if issue and number and issue != number:
            extra.append(("number", number))
        issue = issue or number
        number = None
    elif decoded.get("series") and number and rtype in ("book", "chapter", "paper-conference"):
        series_number, number = number, None
    container = None
    if container_title or volume or issue or start or pages:
        container = Container(
            title=container_title,
            short_title=decoded.get("shortjournal") or decoded.get("journalabbrev"),
            volume=volume,
            issue=issue,
            page_start=start,
            page_end=end,
            pages=pages,
        )

    identifiers: list[Identifier] = []
    if decoded.get("doi"):
        doi = clean_doi(decoded["doi"])
        if doi:
            identifiers.append(Identifier("doi", doi))
        else:
            warnings.append(f"doi {decoded['doi']!r} is not a DOI; kept in extra")
            extra.append(("doi", decoded["doi"]))
    for scheme, clean in (("isbn", clean_isbn), ("issn", clean_issn)):
        for value in re.split(r"[\s,;]+", decoded.get(scheme, "")):
            if value:
                cleaned = clean(value)
                identifiers.append(Identifier(scheme, cleaned or value))
    if decoded.get("pmid"):
        identifiers.append(Identifier("pmid", decoded["pmid"]))
    if decoded.get("pmcid"):
        identifiers.append(Identifier("pmcid", clean_pmcid(decoded["pmcid"]) or decoded["pmcid"]))
    if decoded.get("eprint"):
        kind = (decoded.get("eprinttype") or decoded.get("archiveprefix") or "").lower()
        scheme = EPRINT_SCHEMES.get(kind)
        if scheme:
            identifiers.append(Identifier(scheme, decoded["eprint"]))
        else:
            extra.append(("eprint", decoded["eprint"]))
            if kind:
                extra.append(("eprinttype", kind))

    urls = decoded.get("url", "").split()
    urls += _URL_COMMAND.findall(fields.get("howpublished", ""))
    links = tuple(dict.fromkeys(Link(u) for u in urls if u))
    keywords = tuple(Subject(k, "keyword") for k in _KEYWORD_SPLIT.split(decoded.get("keywords", "")) if k)
    notes = tuple(decoded[n] for n in ("note", "annote", "annotation") if decoded.get(n))

    publisher = next((decoded[f] for f in PUBLISHER_FIELDS if decoded.get(f)), None)
    for f in PUBLISHER_FIELDS:
        if decoded.get(f) and decoded[f] != publisher:
            extra.append((f, decoded[f]))
    place = decoded.get("location") or decoded.get("address")
    event_place = None
    if decoded.get("address") and place != decoded["address"]:
        # both: BibTeX's address is the publisher's place; location then is where the
        # event was (ACM's and IEEE's exports), as BibLaTeX's venue would be
        place, event_place = decoded["address"], place
    if genre is None or decoded.get("type"):
        genre = decoded.get("type") or genre
    issued = _issued(decoded)
    if issued and issued.literal:
        warnings.append(f"date {issued.literal!r} is not a date; kept as text")

    simple = {attr: next((decoded[f] for f in names if decoded.get(f)), None) for attr, names in SIMPLE_FIELDS.items()}
    simple["event_place"] = simple["event_place"] or event_place
    if simple["medium"] and simple["medium"].startswith(("http://", "https://")):
        simple["medium"] = None  # "howpublished = {\url{...}}" is the address, kept as a link
    title = decoded.get("title")
    dates = {
        "accessed": parse_date(decoded.get("urldate")),
        "original_date": parse_date(decoded.get("origdate")),
        "event_date": parse_date(decoded.get("eventdate")),
    }
    language = to_bcp47(decoded.get("langid") or decoded.get("language"))
    # Zotero and exporter write the rights statement as "copyright"
    rights_text = decoded.get("copyright") or decoded.get("rights")
    rights = Rights(statement=rights_text) if rights_text else None
    # every field no slot took is kept (crossref, file, vendor fields, the losing one of
    # two spellings such as journal/journaltitle, ...)
    for name, value in decoded.items():
        if name not in decoded.read and name not in NAME_ROLES:
            extra.append((name, value))
    record = Record(
        type=rtype,
        title=title,
        contributors=tuple(contributors),
        container=container,
        issued=issued,
        **dates,
        publisher=publisher,
        place=place,
        number=number,
        series_number=series_number,
        genre=genre,
        identifiers=tuple(identifiers),
        links=links,
        subjects=keywords,
        language=language,
        notes=notes,
        rights=rights,
        key=entry.key,
        provenance=Provenance(source_system="BibLaTeX" if biblatex else "BibTeX", source_id=entry.key),
        extra=tuple(extra),
        **simple,
    )
    return record, warnings


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
        if looks_binary(text):
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
        for block in library.blocks:
            if isinstance(block, String):
                try:
                    macros[block.key.lower()] = evaluate(str(block.value), macros)
                except FieldValueError as exc:
                    yield Problem(source=source, line=block.start_line + 1, reason=f"@string {block.key}: {exc}")
        for block in library.blocks:
            if isinstance(block, ParsingFailedBlock):
                number += 1
                entries.append(_failed(block, source, number))
            elif isinstance(block, Entry):
                number += 1
                try:
                    fields = {}
                    for f in block.fields:
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
        if not entries and text.strip() and "@" not in text:
            yield Problem(source=source, line=1, reason="no BibTeX entry found (no '@type{' block)")
        for number, item in enumerate(entries, start=1):
            if isinstance(item, Problem):
                yield item
                continue
            try:
                record, warnings = entry_to_record(inherit(by_key, item), self.biblatex)
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
