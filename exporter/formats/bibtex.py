"""BibTeX and BibLaTeX writers.

Specs: BibTeX (Patashnik, "BibTeXing", 1988, http://mirrors.ctan.org/biblio/bibtex/base/btxdoc.pdf;
names as in "Tame the BeaST", https://ctan.org/pkg/tamethebeast) and the biblatex manual
(https://ctan.org/pkg/biblatex, §2 "Database Guide").

Written directly, not through bibtexparser's model: a Library of 100,000 entries costs
gigabytes, while this writer streams in flat memory (bibtexparser reads our output back in
the tests). Everything from the data is escaped for LaTeX except ``url`` and ``doi``, which
are percent-encoded where they would break the entry instead. Words with capitals in titles
are brace-protected so that styles which lowercase titles keep "AIC" and "U.S.".
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Iterable, TextIO

from ..model import Contributor, Record
from ..normalize.identifiers import clean_doi
from ..normalize.keys import KeyAllocator
from ..normalize.markup import tokens
from ..plugins import Writer
from ..problems import ProblemHandler, raise_problem

# -- mapping tables -------------------------------------------------------------------------

BIBTEX_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "article": "article", "review": "article", "review-book": "article",
    "book": "book", "classic": "book", "collection": "book", "periodical": "book",
    "chapter": "incollection", "entry-dictionary": "incollection", "entry-encyclopedia": "incollection",
    "entry": "incollection",
    "paper-conference": "inproceedings", "event": "proceedings",
    "report": "techreport", "standard": "techreport",
    "manuscript": "unpublished", "pamphlet": "booklet",
}
BIBLATEX_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "article": "article", "review": "review", "review-book": "review",
    "book": "book", "classic": "book", "collection": "collection", "periodical": "periodical",
    "chapter": "incollection", "entry-dictionary": "inreference", "entry-encyclopedia": "inreference",
    "entry": "inreference",
    "paper-conference": "inproceedings", "event": "proceedings",
    "report": "report", "standard": "standard", "thesis": "thesis",
    "manuscript": "unpublished", "pamphlet": "booklet", "dataset": "dataset",
    "software": "software", "webpage": "online", "post": "online", "post-weblog": "online",
    "patent": "patent", "map": "misc", "motion_picture": "video", "song": "audio",
}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
ROLE_FIELDS = {"author": "author", "editor": "editor", "translator": "translator"}
#: What a BibTeX entry holds (exporter.losses facets); the rest is reported as lost.
BIBTEX_CARRIES = frozenset(
    """title subtitle short_title contributor:author contributor:editor contributor:translator
    container:title container:volume container:issue container:pages container:article_number
    date:issued date:accessed publisher place edition series number genre id:doi id:pmid
    id:pmcid id:issn id:isbn link abstract subject language rights:statement notes key extra:*""".split()
)
BIBLATEX_CARRIES = BIBTEX_CARRIES | {"container:short_title", "date:issued:day"}

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


def latex_text(text: str, protect_case: bool = False) -> str:
    """Rich text (CSL markup allowed) as LaTeX; with ``protect_case``, words with capitals
    are braced so that BibTeX styles do not lowercase them."""
    if "<" not in text:
        if not protect_case:
            return escape_latex(text)
        if text[1:] == text[1:].lower():  # no capital after the first letter: nothing to brace
            return escape_latex(text)
    out = []
    first_word = [True]
    open_tags: list[str] = []
    for kind, value in tokens(text):
        if kind == "text":
            if protect_case and "nocase" not in open_tags:
                out.append(_protect_words(value, first_word))
            else:  # inside {...} already: BibTeX leaves it alone
                out.append(escape_latex(value))
                first_word[0] = first_word[0] and not value.strip()
        elif kind == "open":
            open_tags.append(value)
            out.append(_MARKUP_LATEX[value])
        else:
            if open_tags:
                open_tags.pop()
            out.append("}")
    return "".join(out)


_WORD = re.compile(r"(\S+)")
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

    return _WORD.sub(repl, text)


def escape_url(url: str) -> str:
    """URLs stay verbatim for \\url, but braces, backslashes, spaces and % would break the
    entry or the LaTeX run: they are percent-encoded (a valid URL has none of them raw)."""
    url = _CONTROL.sub("", url)
    url = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", url)
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20").replace("\n", "")


_FIELD_NAME = re.compile(r"[^a-z0-9_-]+")
_KEYWORD_SEPARATOR = re.compile(r"\s*[,;]\s*")
_VERBATIM = frozenset({"url", "doi", "eprint", "file", "pdf", "urlraw"})
#: extra keys that are not fields: the original entry type, "and others" markers
_EXTRA_NOT_FIELDS = frozenset({"entrytype", "others"})

def _implied_genre(entry_type: str) -> str | None:
    """The genre an entry type implies, as the BibTeX reader reads it."""
    from .bibtex_reader import ENTRY_TYPES

    return ENTRY_TYPES.get(entry_type, (None, None))[1]


_KEY_FORBIDDEN = re.compile(r'[\s,{}()"#%\'=\\~]+')


def bibtex_key(key: str) -> str:
    """Characters that end a key or break BibTeX's scanner are replaced by "_"."""
    return _KEY_FORBIDDEN.sub("_", _CONTROL.sub("", key)).strip("_") or "item"


# -- names ----------------------------------------------------------------------------------

_AND = re.compile(r"\band\b", re.I)


def _name_part(text: str) -> str:
    """A name part; commas and the word "and" would split the name, so they are braced."""
    escaped = " ".join(escape_latex(text).split())
    if "," in text or ("and" in text.lower() and _AND.search(text)):
        return "{" + escaped + "}"
    return escaped


def bibtex_name(c: Contributor) -> str:
    """"von Last, Jr, First"; organisations braced so BibTeX never splits them."""
    if c.literal is not None:
        return "{" + " ".join(escape_latex(c.literal).split()) + "}"
    last = " ".join(_name_part(p) for p in (c.dropping_particle, c.particle, c.family) if p)
    if not last:
        return "{" + escape_latex(c.given or "") + "}"
    if not c.given and not c.suffix:
        family = _name_part(c.family or "")
        if not c.particle and not c.dropping_particle and " " in family and not family.startswith("{"):
            return "{" + family + "}"  # without a comma, BibTeX would split "Al Ghazali" in two
        return last
    parts = [last]
    if c.suffix:
        parts.append(_name_part(c.suffix))
    if c.given or c.suffix:
        parts.append(_name_part(c.given or ""))
    return ", ".join(parts)


# -- the writers ----------------------------------------------------------------------------

@dataclasses.dataclass
class BibTeXWriter(Writer):
    """BibTeX entries, one per record, streamed."""

    name = "bibtex"
    title = "BibTeX (.bib)"
    extensions = (".bib",)
    media_type = "application/x-bibtex"
    carries = BIBTEX_CARRIES
    biblatex = False

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        keys = KeyAllocator(clean=bibtex_key)
        first = True
        for record in records:
            if not first:
                stream.write("\n")
            first = False
            stream.write(self.entry(record, keys.key(record)))

    def entry_type(self, record: Record) -> str:
        original = next((v for k, v in record.extra if k == "entrytype"), None)
        if original and _FIELD_NAME.sub("", original) == original:
            return original  # the type the entry had when it was read (@online, @phdthesis)
        if self.biblatex:
            return BIBLATEX_TYPES.get(record.type, "misc")
        if record.type == "thesis":
            genre = (record.genre or "").lower()
            return "mastersthesis" if "master" in genre or "msc" in genre else "phdthesis"
        return BIBTEX_TYPES.get(record.type, "misc")

    def fields(self, record: Record) -> list[tuple[str, str]]:
        """(field, already-escaped value) pairs in a stable order."""
        f: list[tuple[str, str]] = []
        etype = self.entry_type(record)
        add = f.append
        others = {v for k, v in record.extra if k == "others"}
        for role, field in ROLE_FIELDS.items():
            names = record.by_role(role)
            if names:
                text = " and ".join(bibtex_name(c) for c in names)
                add((field, text + " and others" if role in others else text))
        if record.title:
            add(("title", latex_text(record.title, protect_case=True)))
        if record.subtitle:
            if self.biblatex:
                add(("subtitle", latex_text(record.subtitle, protect_case=True)))
            else:
                f[-1] = ("title", latex_text(record.full_title or "", protect_case=True))
        if record.short_title:
            add(("shorttitle", latex_text(record.short_title, protect_case=True)))
        cont = record.container
        if cont and cont.title:
            if etype in ("incollection", "inproceedings", "inreference", "inbook"):
                field = "booktitle"
            elif self.biblatex:
                field = "journaltitle"
            else:
                field = "journal"
            add((field, latex_text(cont.title, protect_case=field == "booktitle")))
            if cont.short_title and self.biblatex:
                add(("shortjournal", latex_text(cont.short_title)))
        f.extend(self._dates(record))
        if cont:
            if cont.volume:
                add(("volume", escape_latex(cont.volume)))
            if cont.issue:
                add(("number", escape_latex(cont.issue)))
            if cont.page_range:
                add(("pages", escape_latex(cont.page_range).replace("-", "--").replace("–", "--")))
            if cont.article_number:
                add(("eid", escape_latex(cont.article_number)))
        if record.number and not (cont and cont.issue):
            add(("number", escape_latex(record.number)))
        if record.edition:
            add(("edition", escape_latex(record.edition)))
        if record.series:
            add(("series", latex_text(record.series)))
        if record.publisher:
            field = "publisher"
            if etype in ("phdthesis", "mastersthesis", "thesis"):
                field = "school" if not self.biblatex else "institution"
            elif etype in ("techreport", "report"):
                field = "institution"
            add((field, escape_latex(record.publisher)))
        if record.place:
            add(("location" if self.biblatex else "address", escape_latex(record.place)))
        if record.genre and record.genre != _implied_genre(etype):
            # (not when the entry type says it already: @phdthesis is a "PhD thesis")
            add(("type", escape_latex(record.genre)))
        clean = clean_doi(record.doi) if record.doi else None
        doi_is_valid = clean is not None
        if clean:
            add(("doi", escape_url(clean)))
        if self.biblatex and record.pmid:
            add(("eprint", escape_url(record.pmid)))  # a verbatim field for biber
            add(("eprinttype", "pubmed"))
        elif record.pmid:
            add(("pmid", escape_latex(record.pmid)))
        if record.pmcid:
            add(("pmcid", escape_latex(record.pmcid)))
        for scheme in ("issn", "isbn"):
            values = record.ids(scheme)
            if values:
                add((scheme, escape_latex(", ".join(values))))
        if record.url:
            add(("url", escape_url(record.url)))
        if record.accessed and record.accessed.iso():
            add(("urldate", record.accessed.iso() or ""))
        if record.abstract:
            add(("abstract", latex_text(record.abstract)))
        # keywords is one list with "," or ";" between terms: a separator inside a term
        # separates, as every BibTeX reader takes it
        terms = [escape_latex(" ".join(t.split())) for s in record.subjects for t in _KEYWORD_SEPARATOR.split(s.term)]
        terms = [t for t in terms if t.strip()]
        if terms:
            add(("keywords", ", ".join(terms)))
        if record.language:
            add(("langid" if self.biblatex else "language", escape_latex(record.language)))
        if record.rights and record.rights.statement:
            add(("copyright", escape_latex(record.rights.statement)))
        if record.notes:
            add(("note", escape_latex(" ".join(record.notes))))
        if record.doi and not doi_is_valid:
            # not a DOI: kept, after the standard fields (where a reader that checks DOIs
            # keeps such a value too)
            add(("doi", escape_url(record.doi)))
        f.extend(self._extra_fields(record, {name for name, _ in f}))
        return f

    def _extra_fields(self, record: Record, written: set[str]) -> list[tuple[str, str]]:
        """Fields no slot holds (kept in ``Record.extra``) written back as fields, so that
        nothing read is lost: a BibTeX file's own extra fields come back as they were."""
        out = []
        for key, value in record.extra:
            if key in _EXTRA_NOT_FIELDS or not value:
                continue
            name = _FIELD_NAME.sub("-", key.lower()).strip("-") or "extra"
            if name in written:
                continue
            written.add(name)
            out.append((name, escape_url(value) if name in _VERBATIM else latex_text(value)))
        return out

    def _dates(self, record: Record) -> list[tuple[str, str]]:
        d = record.issued
        if d is None:
            return []
        if self.biblatex:
            iso = d.iso()
            return [("date", iso)] if iso else [("year", escape_latex(d.literal or ""))]
        out = []
        if d.year is not None:
            year = str(d.year) if d.end is None or d.end.year == d.year else f"{d.year}--{d.end.year}"
            out.append(("year", year))
            if d.start and d.start.month:
                out.append(("month", MONTHS[d.start.month - 1]))
        elif d.literal:
            out.append(("year", escape_latex(d.literal)))
        return out

    def entry(self, record: Record, key: str) -> str:
        fields = []
        for name, value in self.fields(record):
            if "  " in value or "\n" in value or "\r" in value or "\t" in value or "\u2028" in value or "\u2029" in value:
                # BibTeX reads any run of white space as one space: write it so
                value = _NEWLINES.sub(" ", value)
            value = unicodedata.normalize("NFC", value).strip()  # as the reader reads it
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


@dataclasses.dataclass
class BibLaTeXWriter(BibTeXWriter):
    """BibLaTeX entries (date, journaltitle, eprint/eprinttype, langid), streamed."""

    name = "biblatex"
    title = "BibLaTeX (.bib for biber)"
    extensions = (".biblatex.bib", ".bib")
    media_type = "application/x-bibtex"
    carries = BIBLATEX_CARRIES
    biblatex = True
