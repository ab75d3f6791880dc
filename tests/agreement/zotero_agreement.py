"""Agreement of our readers with Zotero's import translators, field by field.

Inputs: ``<shared>/corpus/zotero-translators/{RIS,BibTeX,MEDLINEnbib,PubMed_XML,MARC,MARCXML,MODS}/import-NNN.*``
and the items Zotero's translators produce from them (``*.zotero-expected.json``, extracted
from https://github.com/zotero/translators at the commit named in that directory's
MANIFEST.md). Each input is read with our reader; its records are paired with Zotero's items
in order and compared on: item type, title, creators (roles, names, order), date,
container title, volume, issue, pages, DOI, ISSN/ISBN, abstract, language and URL.

A field counts as compared when either side has a value; it agrees when both normalised
values are equal. How values are normalised before comparing (not counted as disagreements):

* titles: whitespace collapsed; our ``<span class="nocase">`` protection markup removed
  (Zotero drops BibTeX's protective braces);
* creators: our particle joined to the family name (Zotero keeps "van Groen" as lastName);
  a literal name compares with Zotero's single-field name;
* dates: both sides parsed to EDTF (``2006-10``); Zotero's text date when it is no date;
* DOI: lowercase; DOI, PMID and ISBN/ISSN also taken from Zotero's ``extra`` lines
  (``DOI: ...``), where Zotero keeps them for item types without such a field;
* ISSN/ISBN: the sets of digits (hyphens and order ignored);
* language: both sides through ``normalize.languages.to_bcp47`` ("eng" = "en").

Every disagreement is listed with both values; known ones carry a judgement (who is right and
why) from ``JUDGEMENTS`` below. The bibtexparser, rispy, texlive and biopython files in
``<shared>/corpus`` have no expected items: for them every entry must read or be reported.

Run: ``python tests/agreement/zotero_agreement.py [path/to/shared]`` (default: ``../shared``
next to the repository root).
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exporter.model import Contributor, Record
from exporter.normalize.dates import parse_medline_date
from exporter.normalize.languages import to_bcp47
from exporter.problems import Problem
from exporter.registry import reader_class

#: Zotero translator directory -> (our reader, input extension).
FORMATS: dict[str, tuple[str, str]] = {
    "RIS": ("ris", ".ris"),
    "BibTeX": ("bibtex", ".bib"),
    "MEDLINEnbib": ("medline", ".nbib"),
    "PubMed_XML": ("pubmed-xml", ".xml"),
    "MARC": ("marc", ".mrc"),
    "MARCXML": ("marcxml", ".xml"),
    "MODS": ("mods", ".xml"),
}

#: The library formats, reported together (issue 12).
MARC_FAMILY = ("MARC", "MARCXML", "MODS")

#: Zotero item types -> the CSL types that mean the same (Zotero's own CSL mapping,
#: https://github.com/zotero/zotero-schema, "csl" section).
ITEM_TYPES: dict[str, frozenset[str]] = {
    "journalArticle": frozenset({"article-journal"}),
    "magazineArticle": frozenset({"article-magazine"}),
    "newspaperArticle": frozenset({"article-newspaper"}),
    "book": frozenset({"book"}),
    "bookSection": frozenset({"chapter"}),
    "conferencePaper": frozenset({"paper-conference"}),
    "thesis": frozenset({"thesis"}),
    "report": frozenset({"report"}),
    "webpage": frozenset({"webpage"}),
    "blogPost": frozenset({"post-weblog"}),
    "document": frozenset({"document", "article"}),
    "manuscript": frozenset({"manuscript"}),
    "letter": frozenset({"personal_communication"}),
    "email": frozenset({"personal_communication"}),
    "film": frozenset({"motion_picture"}),
    "videoRecording": frozenset({"motion_picture"}),
    "audioRecording": frozenset({"song"}),
    "artwork": frozenset({"graphic"}),
    "map": frozenset({"map"}),
    "patent": frozenset({"patent"}),
    "bill": frozenset({"bill"}),
    "statute": frozenset({"legislation"}),
    "case": frozenset({"legal_case"}),
    "hearing": frozenset({"hearing"}),
    "computerProgram": frozenset({"software"}),
    "dataset": frozenset({"dataset"}),
    "preprint": frozenset({"article"}),
    "encyclopediaArticle": frozenset({"entry-encyclopedia"}),
    "dictionaryEntry": frozenset({"entry-dictionary"}),
    "presentation": frozenset({"speech"}),
    "interview": frozenset({"interview"}),
    "podcast": frozenset({"song"}),
    "standard": frozenset({"standard"}),
}

#: Zotero creator types -> our roles.
CREATOR_ROLES: dict[str, str] = {
    "author": "author", "editor": "editor", "seriesEditor": "collection-editor",
    "translator": "translator", "bookAuthor": "container-author", "contributor": "contributor",
    "director": "director", "composer": "composer", "performer": "performer",
    "producer": "producer", "recipient": "recipient", "programmer": "author",
    "artist": "author", "cartographer": "author", "inventor": "author", "sponsor": "author",
    "castMember": "performer", "wordsBy": "script-writer", "interviewee": "author",
    "interviewer": "interviewer", "counsel": "contributor", "attorneyAgent": "contributor",
    "reviewedAuthor": "reviewed-author",
}

#: Zotero fields that hold the container title, by precedence.
CONTAINER_FIELDS = (
    "publicationTitle", "bookTitle", "proceedingsTitle", "websiteTitle", "blogTitle",
    "encyclopediaTitle", "dictionaryTitle", "forumTitle", "programTitle", "reporter", "code",
)

#: Zotero fields that hold the title, volume and pages, by item type (first found wins).
TITLE_FIELDS = ("title", "caseName", "nameOfAct", "subject")
VOLUME_FIELDS = ("volume", "reporterVolume", "codeVolume", "codeNumber")
PAGE_FIELDS = ("pages", "firstPage", "codePages")

#: EndNote's RIS test files in which every value is the name of its field ("Volume",
#: "Editor, Series"): they show what each tag means for each type, but hold no real data.
PLACEHOLDER_FILES: frozenset[tuple[str, str]] = frozenset({("RIS", "import-003.ris"), ("RIS", "import-005.ris")})


def _in_placeholder(d: Disagreement) -> bool:
    return (d.fmt, d.file) in PLACEHOLDER_FILES


#: Judgements of known disagreements, first match wins: (test, text). Each says who is
#: right and why ("ours": we keep our reading; "Zotero": we should change; "neither").
JUDGEMENTS: tuple[tuple[Callable[[Disagreement], bool], str], ...] = (
    # -- MARC, MARCXML and MODS (issue 12) --
    (lambda d: d.fmt in ("MARC", "MARCXML") and d.field == "language" and d.theirs is None,
     ("ours: 008/35-37 is the language of the item (MARC 21); Zotero's MARC translator reads only 041 $a, "
      "which these records have not")),
    (lambda d: d.fmt == "MARC" and d.file == "import-003.mrc" and d.field == "volume",
     ("neither: 773 $q (enumeration, MARC 21's coded 'volume:issue<page') says 11, and we read it as the "
      "volume in the host ($w, the multipart work); the DNB writes a sorting form there, and 245 $n says "
      "'Bd. 1'; Zotero reads 773 $g only and has no volume")),
    (lambda d: d.fmt == "MARCXML" and d.file == "import-001.xml" and d.field == "type",
     ("neither: leader/06 'm' (computer file) with 008/26 'm' (combination) is how this web site was "
      "catalogued; we read software (our type table's computer-file row), Zotero falls back to book; "
      "neither type says web site, and the record does not say it in a coded position")),
    (lambda d: d.fmt == "MARCXML" and d.file == "import-001.xml" and d.field == "creators",
     ("ours: a 710 without relator is an added entry of unstated role, a contributor; Zotero makes the "
      "contributors of a book without author its editors (a heuristic of its translator, no MARC rule)")),
    (lambda d: d.fmt == "MARCXML" and d.field == "abstract" and d.ours and d.theirs and str(d.ours).startswith(str(d.theirs)[:60]),
     ("ours: the same 520 text; Zotero's translator strips its final period, we keep the summary as "
      "catalogued (the period ends a sentence; 520 has no ISBD punctuation)")),
    (lambda d: d.fmt == "MARCXML" and d.file == "import-001.xml" and d.field == "URL",
     ("ours: 856 40 $u is the resource itself (second indicator 0); Zotero reads 856 only when 245 $h says "
      "'electronic resource' (here '[computer file]')")),
    (lambda d: d.fmt == "MARCXML" and d.file == "import-003.xml" and d.field == "creators",
     ("ours: the 111 meeting is the main entry, with the relator author ($4 aut, $j Verfasser); Zotero "
      "keeps 111 $a only as the meeting's name; the 710 publisher ($4 pbl) is no creator for either")),
    (lambda d: d.fmt == "MODS" and d.file == "import-003.xml" and d.field == "date",
     ("ours: dateCreated 1955-03-22 (keyDate='yes') is when the photograph was taken; Zotero takes the "
      "copyrightDate first, 2003, the year the slide was digitised (as the record's note says)")),
    (lambda d: d.fmt == "MODS" and d.field == "container" and d.theirs is None
     and d.file in ("import-003.xml", "import-019.xml"),
     ("ours: the host relatedItem is the collection (003) or the multipart work (019, this is its B. 4) "
      "the item belongs to; Zotero reads it as publicationTitle, which its artwork and book types do "
      "not have, so the item has no container")),
    (lambda d: d.fmt == "MODS" and d.file == "import-011.xml" and d.field == "type",
     "ours: typeOfResource 'notated music' is a score (CSL musical_score); Zotero has no such type and falls back to document"),
    (lambda d: d.fmt == "MODS" and d.file == "import-011.xml" and d.field == "language",
     ("ours: the item's language is the first languageTerm (ita, as BCP 47 it); the second (eng) is the "
      "libretto's (objectPart='libretto'); Zotero joins every term as text")),
    (lambda d: d.fmt == "MODS" and d.file == "import-013.xml" and d.field == "language",
     ("ours: the languageTerm says eng; Zotero's translator sets it too, but its computerProgram type has "
      "no language field, so the item has none")),
    (lambda d: d.fmt == "MODS" and d.file == "import-019.xml" and d.field == "creators",
     ("ours: Zotero's third name is the host item's (relatedItem host, the collected works): Holberg again, "
      "with his dates; Zotero adds a host's names as contributors (and spaces the initials K.L., which "
      "the record writes without a space)")),
    (lambda d: d.fmt == "MODS" and d.file == "import-021.xml" and d.field == "creators",
     ("ours: the Senate's role is author (roleTerm aut) and we keep it; Zotero's hearing type has "
      "contributors only, so every name is a contributor there (the other names agree)")),
    (lambda d: d.fmt == "MODS" and d.file == "import-023.xml" and d.field == "title",
     ("ours: the titleInfo without type is the bill's title; Zotero puts GovInfo's extension shortTitle "
      "in its place and moves the title into the abstract, which it is not")),
    (lambda d: d.fmt == "MODS" and d.file == "import-023.xml" and d.field == "creators",
     ("ours: the record names the Senate and the House as authors (aut) and the committee (asn); Zotero "
      "empties the creators of every bill (its translator: 'sponsors aren't in MODS')")),
    (lambda d: d.fmt == "MODS" and d.file == "import-023.xml" and d.field in ("container", "volume", "pages"),
     ("ours: GovInfo's USCode extension (and relatedItem isReferencedBy) lists the sections of the U.S. "
      "Code the bill amends (38 U.S.C. 1701, 3729, 3903); the bill is not published there, so they are not "
      "its container, volume and pages, as Zotero reads them (code, codeVolume, codePages)")),
    (lambda d: _in_placeholder(d) and d.field == "date",
     "neither: placeholder text is not a date; we keep it as text, Zotero prefixes '0000'"),
    (lambda d: _in_placeholder(d) and d.field == "URL",
     "ours: the placeholder 'URL' is not an address; we keep it in extra, Zotero keeps it as url"),
    (lambda d: _in_placeholder(d) and d.field == "type",
     ("ours: CSL has the specific type (dataset, classic, figure, standard, regulation, pamphlet, ...) "
     "where Zotero falls back to document/journalArticle/report/case")),
    (lambda d: _in_placeholder(d) and d.theirs is None and bool(d.note_has_ours),
     "ours: Zotero's item type has no such field, so Zotero moved the value to a note; we keep it in its slot"),
    (lambda d: _in_placeholder(d) and d.field == "creators",
     ("judge by the labels: each name is the role EndNote gives the tag for this type "
     "(e.g. 'Editor, Series' = series editor, 'Department' = no person); we follow the labels")),
    (lambda d: _in_placeholder(d),
     "field-label placeholder: the value names the field; see the label for the tag's meaning"),
    (lambda d: d.fmt == "BibTeX" and d.file == "import-003.bib",
     ("ours: crossref makes the child inherit its parent's fields (BibTeX and BibLaTeX semantics); "
     "Zotero does not resolve crossref")),
    (lambda d: d.fmt == "BibTeX" and "$" in str(d.ours),
     ("by design: TeX math is kept as written (lossless); Zotero renders simple sub/superscripts "
     "as Unicode or <sub>/<sup> - nicer to read, but a guess for anything beyond them")),
    (lambda d: d.fmt == "BibTeX" and "℡" in str(d.theirs),
     "ours: the text says TEL; Zotero's LaTeX table turns the letters into the ℡ sign"),
    (lambda d: d.fmt == "BibTeX" and d.file == "import-019.bib" and d.field == "creators",
     "neither: the @string holds '\\\\' (a LaTeX line break) inside the names; no reading is a name"),
    (lambda d: d.fmt == "MEDLINEnbib" and d.field == "title" and str(d.theirs).endswith("."),
     ("ours: NLM ends every ArticleTitle with a period; we drop it in both PubMed formats "
     "(Zotero's PubMed XML translator drops it too, its MEDLINE translator does not)")),
    (lambda d: d.field == "URL" and d.theirs is None,
     "ours: LID/AID gives the record's landing page; we keep it as a link, Zotero drops it"),
    (lambda d: d.field == "DOI" and d.theirs is None,
     "ours: the AID is a doi.org address; we recognise the DOI in it, Zotero does not"),
    (lambda d: d.field == "pages" and d.ours is None,
     "ours: a [pii] LID/ELocationID is the publisher's item id, not pages; we keep it in extra"),
    (lambda d: d.fmt == "PubMed_XML" and d.field == "container" and d.theirs and str(d.ours).lower() == str(d.theirs).lower(),
     ("judgement call: NLM catalogues journal titles in sentence case and we keep the source; "
     "Zotero re-cases them into title case (a style can do that at output)")),
    (lambda d: d.field == "ISSN/ISBN" and d.theirs and set(d.theirs) < set(d.ours or ()),
     ("ours: ISSNLinking (the ISSN-L) is one of the journal's ISSNs; Zotero's PubMed XML translator "
     "drops it (its MEDLINE translator keeps it)")),
    (lambda d: d.fmt == "PubMed_XML" and d.theirs is None,
     "ours: the record's Journal element names the preprint server and its ISSN; Zotero drops both"),
)

FIELDS = ("type", "title", "creators", "date", "container", "volume", "issue", "pages",
          "DOI", "ISSN/ISBN", "abstract", "language", "URL")


# -- normalising both sides -----------------------------------------------------------------


_NOCASE = re.compile(r'<span class="nocase">(.*?)</span>')


def strip_nocase(text: str) -> str:
    """Our brace-protection markup removed (Zotero drops BibTeX's protective braces)."""
    previous = None
    while previous != text:
        previous, text = text, _NOCASE.sub(r"\1", text)
    return text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _date_key(text: str | None) -> str | None:
    if not text:
        return None
    parsed = parse_medline_date(text)
    if parsed is not None and parsed.start is not None:
        return parsed.iso()
    return _text(text)


def _isxn(values: Iterable[str]) -> frozenset[str] | None:
    out = frozenset(re.sub(r"[^0-9X]", "", v.upper()) for v in values if re.sub(r"[^0-9X]", "", v.upper()))
    return out or None


def _extra_lines(item: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in str(item.get("extra", "")).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and key.strip() not in out:
            out[key.strip()] = value.strip()
    return out


def zotero_fields(item: dict[str, Any]) -> dict[str, Any]:
    extra = _extra_lines(item)
    creators = tuple(
        (CREATOR_ROLES.get(c.get("creatorType", "author"), c.get("creatorType")),
         _text(c.get("lastName") or c.get("name")), _text(c.get("firstName")))
        for c in item.get("creators", [])
    )
    container = next((item[f] for f in CONTAINER_FIELDS if item.get(f)), None)
    title = next((item[f] for f in TITLE_FIELDS if item.get(f)), None)
    volume = next((item[f] for f in VOLUME_FIELDS if item.get(f)), None)
    pages = next((item[f] for f in PAGE_FIELDS if item.get(f)), None)
    isxn = [item.get("ISSN", ""), item.get("ISBN", "")]
    isxn = [t for v in isxn for t in re.split(r"[\s,;]+", v) if t]
    doi = item.get("DOI") or extra.get("DOI")
    return {
        "type": item.get("itemType"),
        "title": _text(title),
        "creators": creators or None,
        "date": _date_key(item.get("date")),
        "container": _text(container),
        "volume": _text(volume),
        "issue": _text(item.get("issue")),
        "pages": _text(pages),
        "DOI": doi.lower().strip() if doi else None,
        "ISSN/ISBN": _isxn(isxn),
        "abstract": _text(item.get("abstractNote")),
        "language": to_bcp47(item.get("language")) if item.get("language") else None,
        "URL": _text(item.get("url")),
    }


def _creator(c: Contributor) -> tuple[str, str | None, str | None]:
    if c.literal is not None:
        return (c.role, _text(c.literal), None)
    family = " ".join(p for p in (c.particle, c.family) if p)
    given = " ".join(p for p in (c.given, c.dropping_particle) if p)
    if c.suffix:
        given = f"{given}, {c.suffix}" if given else c.suffix
    return (c.role, _text(family), _text(given))


def our_fields(record: Record) -> dict[str, Any]:
    container = record.container
    title = record.full_title
    isxn = [i.value for i in record.identifiers if i.scheme in ("issn", "eissn", "isbn")]
    return {
        "type": record.type,
        "title": _text(strip_nocase(title)) if title else None,
        "creators": tuple(_creator(c) for c in record.contributors) or None,
        "date": record.issued.iso() or _text(record.issued.literal) if record.issued else None,
        "container": _text(strip_nocase(container.title)) if container and container.title else None,
        "volume": _text(container.volume) if container else None,
        "issue": _text(container.issue) if container else None,
        "pages": _text(container.page_range) if container and container.page_range else None,
        "DOI": record.doi.lower() if record.doi else None,
        "ISSN/ISBN": _isxn(isxn),
        "abstract": _text(record.abstract),
        "language": record.language,
        "URL": record.url,
    }


def agrees(name: str, ours: Any, theirs: Any) -> bool:
    if name == "type":
        return ours in ITEM_TYPES.get(theirs, frozenset())
    if name == "creators" and ours and theirs and len(ours) == len(theirs):
        return all(
            o[0] == t[0] and o[1] == t[1] and (o[2] or None) == (t[2] or None)
            or (o[0] == t[0] and " ".join(filter(None, (o[2], o[1]))) == " ".join(filter(None, (t[2], t[1]))))
            for o, t in zip(ours, theirs)
        )
    if name == "pages" and ours and theirs:
        return re.sub("[–—]", "-", ours) == re.sub("[–—]", "-", theirs)
    return ours == theirs


# -- running --------------------------------------------------------------------------------


@dataclass
class Disagreement:
    fmt: str
    file: str
    record: int
    field: str
    ours: Any
    theirs: Any

    note_has_ours: bool = False  # the value is in one of Zotero's notes for this item

    def judgement(self) -> str | None:
        return next((text for test, text in JUDGEMENTS if test(self)), None)


@dataclass
class FormatResult:
    fmt: str
    compared: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    agreed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    disagreements: list[Disagreement] = field(default_factory=list)
    count_mismatch: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    real_compared: int = 0  # the same counts without the field-label placeholder files
    real_agreed: int = 0

    @property
    def total_compared(self) -> int:
        return sum(self.compared.values())

    @property
    def total_agreed(self) -> int:
        return sum(self.agreed.values())

    @property
    def rate(self) -> float:
        return self.total_agreed / self.total_compared if self.total_compared else 1.0


def read_all(reader_name: str, path: Path) -> tuple[list[Record], list[Problem]]:
    reader = reader_class(reader_name)()
    records: list[Record] = []
    problems: list[Problem] = []
    # binary MARC: no newline translation, and MARC-8 bytes kept as they are for the reader
    binary = reader_name == "marc"
    with open(path, encoding="utf-8", newline="" if binary else None,
              errors="surrogateescape" if binary else "strict") as stream:
        for item in reader.read(stream, path.name):
            (records if isinstance(item, Record) else problems).append(item)  # type: ignore[arg-type]
    return records, problems


def compare_format(shared: Path, fmt: str) -> FormatResult:
    reader_name, ext = FORMATS[fmt]
    result = FormatResult(fmt)
    for expected_path in sorted((shared / "corpus" / "zotero-translators" / fmt).glob(f"*{ext}.zotero-expected.json")):
        input_path = expected_path.with_name(expected_path.name.removesuffix(".zotero-expected.json"))
        items = json.loads(expected_path.read_text(encoding="utf-8"))
        records, problems = read_all(reader_name, input_path)
        result.problems += [str(p) for p in problems if p.severity == "error"]
        if len(records) != len(items):
            result.count_mismatch.append(f"{input_path.name}: {len(records)} records, Zotero {len(items)} items")
        for number, (record, item) in enumerate(zip(records, items), start=1):
            ours, theirs = our_fields(record), zotero_fields(item)
            for name in FIELDS:
                if ours[name] in (None, ()) and theirs[name] in (None, ()):
                    continue
                result.compared[name] += 1
                if agrees(name, ours[name], theirs[name]):
                    result.agreed[name] += 1
                else:
                    notes = " ".join(str(n.get("note", "")) for n in item.get("notes", []))
                    in_notes = isinstance(ours[name], str) and ours[name] in notes
                    result.disagreements.append(Disagreement(fmt, input_path.name, number, name, ours[name], theirs[name], in_notes))
                if (fmt, input_path.name) not in PLACEHOLDER_FILES:
                    result.real_compared += 1
                    result.real_agreed += agrees(name, ours[name], theirs[name])
        for extra_item in items[len(records):]:
            result.disagreements.append(Disagreement(fmt, input_path.name, 0, "record", None, extra_item.get("title")))
            result.compared["type"] += 1
    return result


#: Corpora without expected items: (directory under corpus, glob, reader, entry counter).
def _count_bib(text: str) -> int:
    return len([m for m in re.finditer(r"^\s*@\s*(\w+)\s*[{(]", text, re.MULTILINE) if m.group(1).lower() not in ("string", "preamble", "comment")])


def _count_ris(text: str) -> int:
    return len(re.findall(r"^(?:TY  ?-|PT [A-Z]$)", text, re.MULTILINE))


def _count_medline(text: str) -> int:
    return len(re.findall(r"^PMID-", text, re.MULTILINE))


def _count_pubmed(text: str) -> int:
    return len(re.findall(r"<(?:PubmedArticle|PubmedBookArticle)>", text))


OTHER_CORPORA: tuple[tuple[str, str, str, Callable[[str], int]], ...] = (
    ("bibtexparser", "**/*.bib", "bibtex", _count_bib),
    ("texlive", "*.bib", "bibtex", _count_bib),
    ("rispy", "**/*.ris", "ris", _count_ris),
    ("biopython", "Tests/Medline/*.txt", "medline", _count_medline),
    ("biopython", "Tests/Entrez/pubmed*.xml", "pubmed-xml", _count_pubmed),
)


@dataclass
class CoverageRow:
    path: str
    entries: int
    records: int
    errors: int
    warnings: int
    crashed: str | None = None

    @property
    def accounted(self) -> bool:
        return self.crashed is None and self.records + self.errors >= self.entries


def coverage(shared: Path) -> list[CoverageRow]:
    rows: list[CoverageRow] = []
    for directory, pattern, reader_name, count in OTHER_CORPORA:
        base = shared / "corpus" / directory
        if not _loadable(reader_name):
            continue
        for path in sorted(base.glob(pattern)):
            raw = path.read_bytes()
            text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
            reader = reader_class(reader_name)()
            records = errors = warnings = 0
            crashed = None
            try:
                stream = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
                for item in reader.read(stream, path.name):
                    if isinstance(item, Record):
                        records += 1
                    elif item.severity == "error":
                        errors += 1
                    else:
                        warnings += 1
            except Exception as exc:  # noqa: BLE001 - a crash is exactly what we report
                crashed = f"{type(exc).__name__}: {exc}"
            rows.append(CoverageRow(str(path.relative_to(shared / "corpus")), count(text), records, errors, warnings, crashed))
    return rows


def run(shared: Path) -> dict[str, FormatResult]:
    return {fmt: compare_format(shared, fmt) for fmt in FORMATS if _loadable(FORMATS[fmt][0])}


def _loadable(reader_name: str) -> bool:
    try:
        reader_class(reader_name)
    except Exception:  # noqa: BLE001
        return False
    return True


def _show(value: Any) -> str:
    if isinstance(value, frozenset):
        value = sorted(value)
    text = repr(value)
    return text if len(text) <= 300 else text[:297] + "..."


def verdicts(result: FormatResult) -> dict[str, int]:
    """How many of a format's disagreements each verdict has: the word a judgement starts
    with ("ours", "neither", "Zotero", "judgement call", ...)."""
    counts: dict[str, int] = defaultdict(int)
    for d in result.disagreements:
        counts[(d.judgement() or "unjudged").split(":")[0]] += 1
    return counts


def report(shared: Path, out=sys.stdout) -> dict[str, FormatResult]:
    results = run(shared)
    print("Agreement with Zotero's import translators (fields agreeing / fields compared)\n", file=out)
    header = f"{'field':<10}" + "".join(f"{fmt:>14}" for fmt in results)
    print(header, file=out)
    for name in FIELDS:
        cells = []
        for fmt in results:
            r = results[fmt]
            cells.append(f"{r.agreed[name]:>6}/{r.compared[name]:<6}" if r.compared[name] else f"{'-':>13}")
        print(f"{name:<10}" + "".join(f"{c:>14}" for c in cells), file=out)
    print(f"{'TOTAL':<10}" + "".join(f"{str(results[f].total_agreed) + '/' + str(results[f].total_compared):>14}" for f in results), file=out)
    print(f"{'percent':<10}" + "".join(f"{100 * results[f].rate:>13.1f}%" for f in results), file=out)
    print(f"{'real data':<10}" + "".join(f"{str(results[f].real_agreed) + '/' + str(results[f].real_compared):>14}" for f in results)
          + "   (without the field-label placeholder files " + ", ".join(sorted(f for _, f in PLACEHOLDER_FILES)) + ")", file=out)
    judged = sum(1 for r in results.values() for d in r.disagreements if d.judgement())
    total_d = sum(len(r.disagreements) for r in results.values())
    print(f"judged    {judged}/{total_d} disagreements carry a judgement (listed below)", file=out)
    print(f"{'- ours':<10}" + "".join(f"{verdicts(results[f]).get('ours', 0):>14}" for f in results)
          + "   (who is right, by the judgements: ours)", file=out)
    print(f"{'- neither':<10}" + "".join(f"{verdicts(results[f]).get('neither', 0):>14}" for f in results), file=out)
    print(f"{'- Zotero':<10}" + "".join(f"{verdicts(results[f]).get('Zotero', 0):>14}" for f in results)
          + "   (ours is to be fixed)", file=out)
    print(f"{'- other':<10}" + "".join(f"{sum(v for k, v in verdicts(results[f]).items() if k not in ('ours', 'neither', 'Zotero')):>14}"
                                      for f in results) + "   (judgement calls, by design, placeholders)", file=out)
    all_agreed = sum(r.total_agreed for r in results.values())
    all_compared = sum(r.total_compared for r in results.values())
    print(f"\nOverall: {all_agreed}/{all_compared} = {100 * all_agreed / max(all_compared, 1):.1f}%", file=out)
    family = [results[f] for f in MARC_FAMILY if f in results]
    fam_agreed, fam_compared = sum(r.total_agreed for r in family), sum(r.total_compared for r in family)
    print(f"Library formats ({', '.join(MARC_FAMILY)}): {fam_agreed}/{fam_compared} = "
          f"{100 * fam_agreed / max(fam_compared, 1):.1f}%\n", file=out)
    for fmt, r in results.items():
        if r.count_mismatch or r.problems:
            print(f"[{fmt}] record counts / errors:", file=out)
            for line in r.count_mismatch + r.problems:
                print(f"  {line}", file=out)
    print("\nDisagreements (ours vs Zotero):", file=out)
    for fmt, r in results.items():
        for d in r.disagreements:
            print(f"- {fmt} {d.file} #{d.record} {d.field}:\n    ours:   {_show(d.ours)}\n    zotero: {_show(d.theirs)}", file=out)
            j = d.judgement()
            if j:
                print(f"    judgement: {j}", file=out)
    print("\nOther corpora (no expected items): every entry read or reported", file=out)
    print(f"{'file':<72}{'entries':>8}{'records':>8}{'errors':>7}{'warn':>6}  ok", file=out)
    for row in coverage(shared):
        print(f"{row.path:<72}{row.entries:>8}{row.records:>8}{row.errors:>7}{row.warnings:>6}  {'yes' if row.accounted else 'NO ' + (row.crashed or '')}", file=out)
    return results


def default_shared() -> Path:
    return ROOT.parent / "shared"


if __name__ == "__main__":
    report(Path(sys.argv[1]) if len(sys.argv) > 1 else default_shared())
