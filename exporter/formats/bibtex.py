"""BibTeX and BibLaTeX writers.

Specs: BibTeX (Patashnik, "BibTeXing", 1988, http://mirrors.ctan.org/biblio/bibtex/base/btxdoc.pdf;
names as in "Tame the BeaST", https://ctan.org/pkg/tamethebeast) and the biblatex manual
(https://ctan.org/pkg/biblatex, §2 "Database Guide").

Written directly, not through bibtexparser's model: a Library of 100,000 entries costs
gigabytes, while this writer streams in flat memory (bibtexparser reads our output back in
the tests). Everything from the data is escaped for LaTeX except ``url`` and ``doi``, which
are percent-encoded where they would break the entry instead. Words with capitals in titles
are brace-protected so that styles which lowercase titles keep "AIC" and "U.S.".

What is written comes from one walk of :mod:`exporter.formats.bibtex_table` (shared with the
reader): ``fields()`` writes it, ``lost()`` names what it did not write, ``carries`` is the
union. Extras of the ``bibtex:`` family are written back as the fields they were; other
formats' extras are reported, since a field no BibTeX tool knows only makes biber warn.
``bibtex_encoding = "ascii"`` spells every non-ASCII character as LaTeX for classic bibtex.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TextIO

from ..losses import facets
from ..model import Contributor, DateValue, Record
from ..normalize.identifiers import clean_doi
from ..normalize.keys import KeyAllocator
from ..normalize.latex import MATH_SYMBOLS, to_ascii_latex, uncomposed_to_latex
from ..normalize.markup import tokens
from ..plugins import Writer
from ..problems import Problem, ProblemHandler, raise_problem
from .bibtex_table import (
    BIBLATEX,
    BIBTEX,
    ENTRY_TYPE_EXTRA,
    EPRINT_WRITE,
    EXTRA_NOT_FIELDS,
    EXTRA_PREFIX,
    FIELDS,
    KEY_FIELDS,
    LANGID_NAMES,
    PERIODICAL_PARTS,
    SERIES_PARTS,
    VERBATIM_FIELDS,
    FieldRow,
    carries,
    implied_genre,
    write_entry_type,
)

# -- mapping tables: exporter.formats.bibtex_table (shared with the reader) ----------------

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
BIBTEX_CARRIES = carries(BIBTEX)
BIBLATEX_CARRIES = carries(BIBLATEX)
#: Values of ``bibtex_encoding``: UTF-8 (for biber and bibtexu) or LaTeX-encoded ASCII (for
#: classic bibtex, whose purify$ and text.prefix$ count bytes, not characters).
ENCODINGS = ("utf-8", "ascii")

# -- escaping -------------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    # not \{ and \}: BibTeX counts braces even after a backslash, so a lone \{ would
    # unbalance the field; these commands are balanced and print the same
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\{}#$%&_~^]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP_LATEX = {"i": r"\textit{", "b": r"\textbf{", "sub": r"\textsubscript{", "sup": r"\textsuperscript{", "sc": r"\textsc{", "nocase": "{"}


_NEEDS_ESCAPE = re.compile(r"[\\{}#$%&_~^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _escape_char(m: re.Match[str]) -> str:
    return _LATEX_SPECIALS.get(m.group(0), "")  # control characters are dropped


_LIGATURE = re.compile(r"-(?=-)|'(?=')|`(?=`)")


def escape_latex(text: str) -> str:
    """Escape the ten LaTeX specials, drop control characters, keep Unicode as it is, and
    break the ligatures TeX would make of ASCII ("--" is an en dash, "''" a closing quote)."""
    if _NEEDS_ESCAPE.search(text) is not None:
        text = _NEEDS_ESCAPE.sub(_escape_char, text)
    if "--" in text or "''" in text or "``" in text:
        text = _LIGATURE.sub(lambda m: m.group(0) + "{}", text)
    return text


#: TeX math as the reader keeps it ("$\\Sigma^{0}$"): no space inside the dollars' edges and
#: something only math has (\\ ^ _ {); "$5 and $10" is text.
_MATH = re.compile(r"\$(?=[^\s$])([^$]*?[\\^_{][^$]*?)(?<=[^\s$])\$")


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def _split_math(text: str) -> list[tuple[str, bool]]:
    """(piece, is_math) pairs; math with unbalanced braces is text, and math that is one
    symbol as the reader reads it ("$\\infty$" is "∞") is that symbol, so that it is written
    as the reader's symbol would be (the same bytes on the second trip)."""
    if "$" not in text:
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _MATH.finditer(text):
        if not _balanced(m.group(1)):
            continue
        out.append((text[pos:m.start()], False))
        symbol = MATH_SYMBOLS.get(m.group(0))
        out.append((symbol, False) if symbol else (m.group(0), True))
        pos = m.end()
    out.append((text[pos:], False))
    return [(piece, is_math) for piece, is_math in out if piece]


def latex_text(text: str, protect_case: bool = False) -> str:
    """Rich text (CSL markup allowed) as LaTeX; with ``protect_case``, words with capitals
    are braced so that BibTeX styles do not lowercase them. TeX math read from a .bib file
    (kept as written) is written back as math."""
    if "<" not in text and "$" not in text:
        if not protect_case:
            return escape_latex(text)
        if text[1:] == text[1:].lower():  # no capital after the first letter: nothing to brace
            return escape_latex(text)
    out = []
    first_word = [True]
    open_tags: list[str] = []
    for kind, value in tokens(text):
        if kind == "text":
            for piece, is_math in _split_math(value):
                if is_math:
                    out.append(piece)
                    first_word[0] = False
                elif protect_case and "nocase" not in open_tags:
                    out.append(_protect_words(piece, first_word))
                else:  # inside {...} already: BibTeX leaves it alone
                    out.append(escape_latex(piece))
                    first_word[0] = first_word[0] and not piece.strip()
        elif kind == "open":
            open_tags.append(value)
            out.append(_MARKUP_LATEX[value])
        else:
            if open_tags:
                open_tags.pop()
            out.append("}")
    return "".join(out)


_WORD = re.compile(r"(\S+)")
#: where a BibLaTeX list value is split into items: the reader's "; " with any of the spaces a
#: value's text turns into one space (a line break after the ";" too)
_LIST_ITEMS = re.compile(r";[ \t\r\n\u2028\u2029]+")
_NEWLINES = re.compile(r"[ \t\r\n\u2028\u2029]{2,}|[\t\r\n\u2028\u2029]")


def _protect_words(text: str, first_word: list[bool]) -> str:
    def repl(m: re.Match[str]) -> str:
        word = m.group(1)
        is_first = first_word[0]
        first_word[0] = False
        core = word.strip("()[]\"'“”‘’.,:;!?")
        if not core or not any(ch.isupper() for ch in core):
            return escape_latex(word)
        if is_first and core[0].isupper() and not any(ch.isupper() for ch in core[1:]):
            return escape_latex(word)
        start = word.index(core)
        return escape_latex(word[:start]) + "{" + escape_latex(core) + "}" + escape_latex(word[start + len(core):])

    if _CONTROL.search(text) is not None:  # dropped before the words are found, as on the way back
        text = _CONTROL.sub("", text)
    return _WORD.sub(repl, text)


def escape_url(url: str) -> str:
    """URLs stay verbatim for \\url, but braces, backslashes, spaces and % would break the
    entry or the LaTeX run: they are percent-encoded (a valid URL has none of them raw)."""
    url = _CONTROL.sub("", url)
    url = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", url)
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20").replace("\n", "")


#: What a field name may not hold: BibLaTeX's data annotations are "author+an"; a "." or ":"
#: ("dc.date") makes citation-js and pandoc reject the whole file
_FIELD_NAME = re.compile(r"[^a-z0-9_+-]+")
_KEYWORD_SEPARATOR = re.compile(r"\s*[,;]\s*")
_NOT_IN_KEYS = re.compile(r'[{}\\%#"\x00-\x1f]')


_KEY_OTHER = re.compile(r"[^\w:.+/-]+")


def bibtex_key(key: str) -> str:
    """A key every reader takes (BibTeX, biber, pandoc, citation-js): letters, digits and
    ``_ : . + / -``; anything else is replaced by "_", and the key starts with a letter or
    digit and does not end with "_" ("<angle>brackets&ampersands" is
    "angle_brackets_ampersands"); a clean key is its own key, so keys survive a second trip."""
    cleaned = _KEY_OTHER.sub("_", _CONTROL.sub("", key))
    return cleaned.lstrip("_:.+/-").rstrip("_") or "item"


# -- names ----------------------------------------------------------------------------------

_AND = re.compile(r"\band\b", re.IGNORECASE)
_LITERAL_AND = re.compile(r"(?<![{\w])and(?![\w}])", re.IGNORECASE)


def _name_part(text: str) -> str:
    """A name part; commas and the word "and" would split the name, so they are braced."""
    escaped = " ".join(escape_latex(text).split())
    if "," in text or ("and" in text.lower() and _AND.search(text)):
        return "{" + escaped + "}"
    return escaped


def _is_lower(word: str) -> bool:
    """BibTeX's case of a word: its first letter (after quotes, hyphens and the like)."""
    letter = next((ch for ch in word if ch.isalpha()), "")
    return letter.islower()


def _family_part(text: str) -> str:
    """A family name whose words must stay the family: BibTeX takes a word starting with a
    lowercase letter for a "von" part ("Vázques de Parga" would be family "Parga"), so such a
    word is braced ("Vázques {de} Parga", as biblatex-examples.bib does with "{ de }"), a
    family that starts with one braced whole ("{la Fontaine}")."""
    part = _name_part(text)
    words = part.split(" ")
    if part.startswith("{") or not any(_is_lower(w) for w in words):
        return part
    if _is_lower(words[0]):
        return "{" + part + "}"
    return " ".join("{" + w + "}" if _is_lower(w) else w for w in words)


def bibtex_name(c: Contributor) -> str:
    """"von Last, Jr, First"; organisations braced so BibTeX never splits them."""
    if c.literal is not None:
        return "{" + " ".join(escape_latex(c.literal).split()) + "}"
    von = [_name_part(p) for p in (c.dropping_particle, c.particle) if p]
    last = " ".join([*von, _family_part(c.family)] if c.family else von)
    if not last:
        return "{" + escape_latex(c.given or "") + "}"
    if not c.given and not c.suffix:
        family = _name_part(c.family or "")
        if not von and " " in family and not family.startswith("{"):
            return "{" + family + "}"  # without a comma, BibTeX would split "Al Ghazali" in two
        return last
    parts = [last]
    if c.suffix:
        parts.append(_name_part(c.suffix))
    if c.given or c.suffix:
        parts.append(_name_part(c.given or ""))
    return ", ".join(parts)


def _needs_extended_name(c: Contributor) -> bool:
    """Parts "von Last, Jr, First" cannot say: a particle with a capital ("Van"; BibTeX
    takes only lowercase words for von), a dropping particle (BibTeX has one von), a
    family name of several words without a given name (braced, it would be an organisation)."""
    if c.literal is not None:
        return False
    if c.dropping_particle or (c.particle and not _is_lower(c.particle)):
        return True
    return bool(not c.given and not c.suffix and not c.particle and c.family and " " in c.family.strip())


def _extended_value(text: str) -> str:
    escaped = " ".join(escape_latex(text).split())
    return "{" + escaped + "}" if "," in text or "=" in text or _AND.search(text) else escaped


def extended_name(c: Contributor) -> str:
    """BibLaTeX's extended name format (biblatex manual §3.4, biber 2.x):
    "family=Gogh, given=Vincent, prefix=Van, useprefix=true"; ``useprefix`` says whether
    the prefix is part of the family name (CSL's non-dropping particle) or not (dropping)."""
    prefix = " ".join(p for p in (c.dropping_particle, c.particle) if p)
    parts = [f"{key}={_extended_value(value)}" for key, value in
             (("family", c.family), ("given", c.given), ("prefix", prefix), ("suffix", c.suffix)) if value]
    if prefix:
        parts.append("useprefix=" + ("true" if c.particle else "false"))
    return ", ".join(parts)


# -- the writers ----------------------------------------------------------------------------

_DATE_ATTRS = {"issued": "issued", "online": "online", "accessed": "accessed", "original": "original_date",
               "event": "event_date", "submitted": "submitted"}


@functools.cache
def facet_getter(facet: str) -> Callable[[Record], object]:
    """A function giving the value a facet names in a record (None or empty when it has none)."""
    family, _, name = facet.partition(":")
    if family == "contributor":
        return lambda r: r.by_role(name)
    if family == "container" and name == "pages":
        return lambda r: r.container.page_range if r.container else None
    if family == "container":
        return lambda r: getattr(r.container, name) if r.container else None
    if family == "date":
        return operator.attrgetter(_DATE_ATTRS[name])
    if family == "id":
        return lambda r: r.ids(name)
    if facet == "link":
        return lambda r: r.url
    if facet == "subject":
        return operator.attrgetter("subjects")
    if facet == "rights:statement":
        return lambda r: r.rights.statement if r.rights else None
    return operator.attrgetter(facet)


def facet_value(record: Record, facet: str) -> object:
    """The value a facet names in ``record`` (None or empty when it has none)."""
    return facet_getter(facet)(record)


@functools.cache
def rows_for(dialect: str, entry_type: str) -> tuple[FieldRow, ...]:
    """The rows a dialect's writer walks for one entry type (the table filtered once)."""
    return tuple(row for row in FIELDS if row.writes(dialect, entry_type))


def _keywords_text(subjects: object) -> str:
    """One list with "," or ";" between terms: a separator inside a term separates, as every
    BibTeX reader takes it."""
    terms = [escape_latex(" ".join(t.split())) for s in subjects for t in _KEYWORD_SEPARATOR.split(s.term)]  # type: ignore[attr-defined]
    return ", ".join(t for t in terms if t.strip())


def _langid_text(tag: object) -> str:
    text = str(tag)
    return escape_latex(LANGID_NAMES.get(text) or LANGID_NAMES.get(text.split("-")[0]) or text)


#: Codec (``bibtex_table.CODECS``) -> how a slot value is written; "names", "special" and
#: BibLaTeX's "list" need the writer and are done in ``BibTeXWriter.encode``.
ENCODERS: dict[str, Callable[[object], str]] = {
    "title": lambda v: latex_text(str(v), protect_case=True),
    "container": lambda v: latex_text(str(v)),
    "text": lambda v: latex_text(str(v)),
    "list": lambda v: latex_text(str(v)),
    "literal": lambda v: escape_latex(str(v)),
    "language": lambda v: escape_latex(str(v)),
    "langid": _langid_text,
    "verbatim": lambda v: escape_url(str(v)),
    "ids": lambda v: escape_latex(", ".join(v)),  # type: ignore[call-overload]
    "pages": lambda v: escape_latex(str(v)).replace("-", "--").replace("–", "--"),
    "date": lambda v: v.iso() or "",  # type: ignore[attr-defined]
    "keywords": _keywords_text,
    "notes": lambda v: latex_text(" ".join(v)),  # type: ignore[call-overload]
}

Emitted = list[tuple[str, str]]


#: EDTF beyond what biber reads (level 2: sets, multiple dates, significant digits,
#: exponents, a qualifier on one part of a date), or unspecified digits in another form
#: than the five biblatex lists (yyyX, yyXX, yyyy-XX, yyyy-XX-XX, yyyy-mm-XX; not in ranges):
#: biber ignores those with a warning, or silently drops the date or an end of the range
_BEYOND_BIBER = re.compile(r"[\[\]{}SE]|[?~%](?=[0-9X])|-[?~%]"
                           r"|^(?=.*X)(?!(?:\d{3}X|\d{2}XX|\d{4}-XX|\d{4}-XX-XX|\d{4}-\d{2}-XX)$)")

@dataclasses.dataclass
class BibTeXWriter(Writer):
    """BibTeX entries, one per record, streamed.

    ``bibtex_encoding``: ``utf-8`` (default; for biber, bibtexu and most tools) or ``ascii``
    (LaTeX-encoded: accents as ``{\\'e}``, ``{\\=P}``; the right choice for classic bibtex,
    whose styles cut UTF-8 names mid-character).
    """

    name = "bibtex"
    title = "BibTeX (.bib)"
    extensions = (".bib",)
    media_type = "application/x-bibtex"
    carries = BIBTEX_CARRIES
    dialect = BIBTEX
    #: one table of keys per output: the writer cleans an id for BibTeX, then renames it if
    #: another record has that key, and reports it (an id that only the cleaning made equal
    #: to another, "x_" and "x", is renamed too, not silently)
    keeps_ids_unique = True
    bibtex_encoding: str = "utf-8"

    def __post_init__(self) -> None:
        if self.bibtex_encoding not in ENCODINGS:
            raise ValueError(f"bibtex_encoding must be one of {', '.join(ENCODINGS)}, not {self.bibtex_encoding!r}")

    @property
    def biblatex(self) -> bool:
        return self.dialect == BIBLATEX

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        keys = KeyAllocator(clean=self._key)
        first = True
        for number, record in enumerate(records, start=1):
            if not first:
                stream.write("\n")
            first = False
            unencodable: set[str] = set()
            key, renamed = keys.allocate(record)
            if renamed:
                report(Problem(source=self.name, record=number, severity="warning", raw=record.key, reason=renamed))
            stream.write(self.entry(record, key, unencodable))
            if unencodable:
                chars = ", ".join(f"{c} ({' '.join(f'U+{ord(x):04X}' for x in c)})" for c in sorted(unencodable))
                report(Problem(source=self.name, record=number, severity="warning", raw=record.key,
                               reason=f"ASCII output has no LaTeX spelling for {chars}; a character "
                                      f"is written as ?, an accent without a command is left out"))

    def _key(self, key: str) -> str:
        if self.bibtex_encoding == "ascii":
            key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
        return bibtex_key(key)

    def _name(self, c: Contributor) -> str:
        """One name: BibLaTeX's extended format where "von Last, Jr, First" cannot say it."""
        return extended_name(c) if self.biblatex and _needs_extended_name(c) else bibtex_name(c)

    def entry_type(self, record: Record) -> str:
        original = next((v for k, v in record.extra if k == ENTRY_TYPE_EXTRA), None)
        if original and _FIELD_NAME.sub("", original) != original:
            original = None
        return write_entry_type(record.type, record.genre, original, self.dialect)

    # -- the table walk ---------------------------------------------------------------------

    def walk(self, record: Record) -> tuple[Emitted, set[str]]:
        """(field, escaped value) pairs in table order, and the facets they hold. The API
        asks ``lost()`` of each record just before it is written, so the last walk is kept
        (with its record, so that ``is`` is a safe test): each record is walked once."""
        last = self.__dict__.get("_last_walk")
        if last is not None and last[0] is record:
            return last[1]
        result = self._walk(record)
        self.__dict__["_last_walk"] = (record, result)
        return result

    def _walk(self, record: Record) -> tuple[Emitted, set[str]]:
        entry_type = self.entry_type(record)
        out: Emitted = []
        deferred: Emitted = []
        written: set[str] = {"key"}
        for row in rows_for(self.dialect, entry_type):
            if row.facet in written:
                continue
            if row.codec == "special":
                emitted, held = _SPECIAL_WRITERS[row.field](self, record, entry_type)
                out.extend(emitted)
                written |= held
                continue
            raw = facet_getter(row.facet)(record)
            if not raw:
                continue
            if row.facet == "id:doi" and clean_doi(raw[0]) is None:  # type: ignore[index]
                # not a DOI: kept after the table's fields, where the reader keeps it too
                # (as an extra field), so that a second trip writes the same
                deferred.append(("doi", escape_url(raw[0])))  # type: ignore[index]
                written.add(row.facet)
                continue
            value = self.encode(record, row, entry_type, raw)
            if value:
                out.append((row.field, value))
                written.add(row.facet)
            elif value == "" and row.facet == "genre":
                written.add(row.facet)  # said by the entry type
        if entry_type == next((v for k, v in record.extra if k == ENTRY_TYPE_EXTRA), None):
            written.add(f"extra:{ENTRY_TYPE_EXTRA}")
        out.extend(deferred)
        out.extend(self._extra_fields(record, {name for name, _ in out}, written))
        return out, written

    def fields(self, record: Record) -> list[tuple[str, str]]:
        """(field, already-escaped value) pairs in a stable order."""
        return self.walk(record)[0]

    def lost(self, record: Record) -> list[str]:
        """The facets of ``record`` the walk that writes it does not write."""
        written = set(self.walk(record)[1])
        if all(s.scheme in (None, "keyword") for s in record.subjects):
            written.add("subject:scheme")  # keywords are what ``keywords`` says they are
        return sorted(facets(record) - written)

    def entry(self, record: Record, key: str, unencodable: set[str] | None = None) -> str:
        fields = []
        ascii_only = self.bibtex_encoding == "ascii"
        for name, value in self.fields(record):
            if "  " in value or "\n" in value or "\r" in value or "\t" in value or "\u2028" in value or "\u2029" in value:
                # BibTeX reads any run of white space as one space: write it so
                value = _NEWLINES.sub(" ", value)
            value = unicodedata.normalize("NFC", value).strip()  # as the reader reads it
            if ascii_only:
                value = to_ascii_latex(value, verbatim=name in VERBATIM_FIELDS, unencodable=unencodable)
            elif not value.isascii():
                value = uncomposed_to_latex(value)  # letters Unicode has no one character for
            if value:
                fields.append((name, value))
        width = max((len(n) for n, _ in fields), default=0)
        lines = [f"@{self.entry_type(record)}{{{key},"]
        for name, value in fields:
            # month macros are written bare so that styles can localise them
            body = value if name == "month" and value in MONTHS else "{" + value + "}"
            lines.append(f"  {name.ljust(width)} = {body},")
        if fields:
            lines[-1] = lines[-1][:-1]
        lines.append("}\n")
        return "\n".join(lines)

    def encode(self, record: Record, row: FieldRow, entry_type: str, value: object = None) -> str | None:
        """One row's value of ``record`` (``value``, when the caller has it), escaped for the
        field (None: nothing to write)."""
        if value is None:
            value = facet_value(record, row.facet)
        if not value:
            return None
        codec = row.codec
        if isinstance(value, tuple) and codec in ("literal", "verbatim"):
            value = value[0]  # one PMID, one DOI: the first
        if codec == "names":
            write_name = self._name
            text = " and ".join(write_name(c) for c in value)  # type: ignore[attr-defined]
            role = row.facet.split(":", 1)[1]
            return text + " and others" if ("others", role) in record.extra else text
        if row.facet == "title" and not self.biblatex:
            value = record.full_title  # BibTeX has no subtitle field
        if row.facet == "genre" and value == implied_genre(entry_type):
            return ""  # @phdthesis says "PhD thesis" already: held, nothing to write
        if codec == "list" and self.biblatex:
            # items joined by "and"; an "and" inside an item is braced ("Simon {and} Schuster")
            items = (_LITERAL_AND.sub("{\\g<0>}", latex_text(item)) for item in _LIST_ITEMS.split(str(value)))
            return " and ".join(item for item in items if item)
        if row.facet == "id:doi":
            value = clean_doi(str(value)) or value
        return ENCODERS[codec](value)

    def _extra_fields(self, record: Record, written_fields: set[str], written: set[str]) -> Emitted:
        """The entry's own fields no slot holds (``bibtex:`` extras), written back as they
        were; other formats' extras are not fields a BibTeX tool knows and stay reported."""
        out = []
        for key, value in record.extra:
            if key == "others" or key in EXTRA_NOT_FIELDS or not key.startswith(EXTRA_PREFIX) or not value:
                continue
            name = _FIELD_NAME.sub("-", key[len(EXTRA_PREFIX):].lower()).strip("-")
            if not name or name in written_fields:
                continue
            written_fields.add(name)
            if name == key[len(EXTRA_PREFIX):].lower():
                written.add(f"extra:{key}")  # else kept under another name, and reported
            if name in KEY_FIELDS:
                value = _NOT_IN_KEYS.sub("", value)  # "key1, key2": keys as they are
            else:
                value = escape_url(value) if name in VERBATIM_FIELDS else latex_text(value)
            out.append((name, value))
        if any(k == "others" for k, _ in record.extra):
            written.add("extra:others")
        return out

    # -- special cases: what one row cannot say ---------------------------------------------

    def _issued(self, record: Record, entry_type: str) -> tuple[Emitted, set[str]]:
        """BibLaTeX's EDTF ``date``; BibTeX's ``year`` and bare ``month`` macro (no day)."""
        d = record.issued
        if d is None:
            return [], set()
        if self.biblatex:
            iso = d.iso()
            if iso and d.edtf and _BEYOND_BIBER.search(d.edtf) and d.start:
                # biber rejects EDTF level 2 ("Invalid format ... ignoring"): its bounds instead
                return [("date", DateValue(start=d.start, end=d.end).iso() or "")], {"date:issued", "date:issued:day"}
            if iso:
                return [("date", iso)], {"date:issued", "date:issued:day", "date:issued:qualifier"}
            return [("year", escape_latex(d.literal or ""))], {"date:issued"}
        out = []
        if d.year is not None:
            year = str(d.year) if d.end is None or d.end.year == d.year else f"{d.year}--{d.end.year}"
            out.append(("year", year))
            if d.start and d.start.month:
                out.append(("month", MONTHS[d.start.month - 1]))
        elif d.literal:
            out.append(("year", escape_latex(d.literal)))
        return out, {"date:issued"}

    def _numbering(self, record: Record, entry_type: str) -> tuple[Emitted, set[str]]:
        """The mirror of the reader's ``_read_numbering``: ``number`` holds a periodical's
        issue, else the series number or the item's number; ``issue`` the rest."""
        issue = record.container.issue if record.container else None
        number, series_number = record.number, record.series_number
        out: Emitted = []
        held: set[str] = set()
        if entry_type in PERIODICAL_PARTS:
            if issue and number:
                out += [("number", escape_latex(number)), ("issue", escape_latex(issue))]
                held |= {"number", "container:issue"}
            elif issue:
                out.append(("number", escape_latex(issue)))
                held.add("container:issue")
            elif number:
                out.append(("number", escape_latex(number)))  # read back as the issue
            return out, held
        if series_number and record.series and entry_type in SERIES_PARTS and not number:
            out.append(("number", escape_latex(series_number)))
            held.add("series_number")
        elif number and not (record.series and entry_type in SERIES_PARTS):
            out.append(("number", escape_latex(number)))
            held.add("number")
        if issue:
            out.append(("issue", escape_latex(issue)))
            held.add("container:issue")
        return out, held

    def _eprint(self, record: Record, entry_type: str) -> tuple[Emitted, set[str]]:
        """BibLaTeX has one ``eprint`` with its ``eprinttype``; BibTeX writes arXiv's own
        ``eprint`` + ``archivePrefix`` and the PMID in ``pmid``."""
        for scheme, eprinttype in EPRINT_WRITE if self.biblatex else (("arxiv", "arXiv"),):
            value = record.first_id(scheme)
            if value:
                kind = "eprinttype" if self.biblatex else "archiveprefix"
                return [("eprint", escape_url(value)), (kind, eprinttype)], {f"id:{scheme}"}
        return [], set()


_SPECIAL_WRITERS = {
    "date": BibTeXWriter._issued,
    "number": BibTeXWriter._numbering,
    "eprint": BibTeXWriter._eprint,
}



@dataclasses.dataclass
class BibLaTeXWriter(BibTeXWriter):
    """BibLaTeX entries (date, journaltitle, eprint/eprinttype, langid), streamed."""

    name = "biblatex"
    title = "BibLaTeX (.bib for biber)"
    extensions = (".biblatex.bib", ".bib")
    media_type = "application/x-bibtex"
    carries = BIBLATEX_CARRIES
    dialect = BIBLATEX
