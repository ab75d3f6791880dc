"""MARC 21 bibliographic records <-> Record: one mapping table, read and written.

Spec: MARC 21 Format for Bibliographic Data, https://www.loc.gov/marc/bibliographic/ .
The mapping follows the Library of Congress MARC-to-MODS mapping
(https://www.loc.gov/standards/mods/mods-mapping.html) and VuFind's ``MarcAdvancedTrait``
(module/VuFind/src/VuFind/RecordDriver/Feature/MarcAdvancedTrait.php): leader/06-07 and
008 give the type; 1XX/7XX names with ``$e``/``$4`` relators give roles and ``$0``/``$1``
ORCID identifiers; 245 ``$a$n$p`` / ``$b`` title and subtitle; 240/130 uniform title;
250; 260/264 imprint (264 by its second indicator); 300; 490/8XX series with numbering;
500/502/504 notes; 520 abstract; 020/022/024/035/010 identifiers; 041 and 008/35-37
languages (to BCP 47); 6XX subjects with the scheme from the second indicator or ``$2``;
773 host item with volume, issue and pages from ``$g``/``$q``; 856 links with their role
from the second indicator (a related resource, ``2``, is never the record's URL); names whose
only relators are the imprint's (pbl, dst) are kept as written, not as contributors; 880 alternate-script fields linked by ``$6`` become the
original-script forms of the fields they pair with (``Record.original_script``).

Every field no row holds is kept in ``Record.extra`` as ``("marc:<tag>", text)`` (text in
the ``$a value $b value`` form, indicators first: ``"10 $aTitle"``) and written back
verbatim by the MARC writers, so nothing is dropped.

Cataloguing punctuation (ISBD: "Title :", "Name,", "Place :") is removed on reading unless
leader/18 says it was omitted (``c``); the writers omit it and say so in leader/18, so a
written record reads back to itself.

Parsing is pymarc's (https://pymarc.readthedocs.io): ISO 2709 records are split at their
terminator and decoded by pymarc, MARC-8 (leader/09 blank) converted with its MARC-8
tables; MARCXML is streamed with a parser that expands no entities (:mod:`.xmlutil`).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, TextIO

import pymarc
from pymarc import Field, Indicators, Subfield

from ..model import Container, Contributor, DateValue, Identifier, Link, Provenance, Record, Rights, Subject
from ..normalize.dates import parse_date
from ..normalize.identifiers import clean_doi, clean_isbn, clean_issn
from ..normalize.languages import _LOOKUP as _LANGUAGE_LOOKUP, to_bcp47
from ..normalize.names import parse_inverted
from ..normalize.pages import split_pages
from ..plugins import Reader, RecordSplitter, Writer
from ..problems import Problem, ProblemHandler, raise_problem
from .jsonio import JSONSplitter, iter_json
from .xmlutil import BytesView, Damaged, Escaper, XMLInputError, XMLSplitter, iter_elements, local_name

# -- the type table -------------------------------------------------------------------------

#: (leader/06 values, leader/07 values, 008 code test, record type); the first row that
#: matches wins. The 008 test is (position, codes) for books (nature of contents 24-27),
#: computer files (26) and continuing resources (21), or None. Writing, the first row of a
#: type gives its leader and 008 code (the reverse is derived, never written twice).
TYPE_TABLE: tuple[tuple[str, str, tuple[slice, str] | None, str], ...] = (
    ("at", "m", (slice(24, 28), "m"), "thesis"),
    ("at", "m", (slice(24, 28), "t"), "report"),
    ("at", "m", (slice(24, 28), "j"), "patent"),
    ("at", "m", (slice(24, 28), "l"), "legislation"),
    ("at", "m", (slice(24, 28), "u"), "standard"),
    ("a", "b", None, "article-journal"),
    ("a", "a", None, "chapter"),
    ("a", "i", (slice(21, 22), "w"), "webpage"),
    ("a", "s", None, "periodical"),
    ("a", "m", None, "book"),
    ("t", "m", None, "manuscript"),
    ("m", "m", (slice(26, 27), "a"), "dataset"),
    ("m", "m", None, "software"),
    ("ef", "m", None, "map"),
    ("cd", "m", None, "musical_score"),
    ("g", "m", None, "motion_picture"),
    ("ij", "m", None, "song"),
    ("k", "m", None, "graphic"),
    ("p", "c", None, "document"),
    ("a", "cdm", None, "book"),
    ("t", "abcdims", None, "manuscript"),
    ("cd", "abcdis", None, "musical_score"),
    ("ef", "abcdis", None, "map"),
    ("ij", "abcdis", None, "song"),
    ("m", "abcdis", None, "software"),
    ("o", "abcdims", None, "document"),
    ("p", "abdims", None, "document"),
    ("r", "abcdims", None, "document"),
    ("a", "i", None, "webpage"),
)
#: record types without a row of their own: written as the row of the type named
TYPE_WRITE_AS = {"article-magazine": "article-journal", "article-newspaper": "article-journal",
                 "article": "article-journal", "paper-conference": "chapter",
                 "entry-encyclopedia": "chapter", "entry-dictionary": "chapter", "entry": "chapter",
                 "review": "article-journal", "review-book": "article-journal", "post": "webpage",
                 "post-weblog": "webpage", "report": "report", "broadcast": "motion_picture",
                 "figure": "graphic", "pamphlet": "book", "classic": "book", "collection": "book",
                 "personal_communication": "manuscript", "interview": "song", "speech": "song"}
_TYPE_ROW = {}
for _row in TYPE_TABLE:
    _TYPE_ROW.setdefault(_row[3], _row)


def record_type(leader: str, fixed: str) -> str:
    """The record type from leader/06-07 and the 008 field (``fixed``)."""
    kind, level = leader[6:7], leader[7:8]
    for kinds, levels, test, rtype in TYPE_TABLE:
        if kind in kinds and level in levels:
            if test is None or any(c in test[1] for c in fixed[test[0]]):
                return rtype
    return "document"


# -- relators -------------------------------------------------------------------------------

#: MARC relator codes and terms (https://id.loc.gov/vocabulary/relators) -> roles; the
#: first code of a role is written back in ``$4``, its first term in ``$e``.
RELATORS: tuple[tuple[str, str, str], ...] = (
    ("aut", "author", "author"), ("cre", "creator", "author"),
    ("edt", "editor", "editor"), ("trl", "translator", "translator"),
    ("ill", "illustrator", "illustrator"), ("cmp", "composer", "composer"),
    ("com", "compiler", "compiler"), ("drt", "director", "director"),
    ("ctb", "contributor", "contributor"), ("pro", "producer", "producer"),
    ("nrt", "narrator", "narrator"), ("prf", "performer", "performer"),
    ("ive", "interviewee", "author"), ("ivr", "interviewer", "interviewer"),
    ("cur", "curator", "curator"), ("orm", "organizer", "organizer"),
    ("pbd", "publishing director", "editorial-director"), ("ths", "thesis advisor", "contributor"),
    ("org", "originator", "original-author"), ("rcp", "addressee", "recipient"),
    ("aus", "screenwriter", "script-writer"), ("hst", "host", "host"),
    ("edc", "editor of compilation", "editor"), ("itr", "instrumentalist", "performer"),
    ("voc", "singer", "performer"), ("cnd", "conductor", "performer"),
    ("chr", "choreographer", "contributor"),
    # creators of a work of their kind (the relator vocabulary: "responsible for creating a
    # photographic work", "... a map", "... an original graphic design, drawing, painting"):
    # the work's author, as CSL and Zotero (artist, cartographer) name them
    ("pht", "photographer", "author"), ("ctg", "cartographer", "author"), ("art", "artist", "author"),
)
_ROLE_OF = {k: role for code, term, role in RELATORS for k in (code, term)}
_ROLE_OF.update({"ed": "editor", "eds": "editor", "hrsg": "editor", "herausgeber": "editor",
                 "tr": "translator", "übers": "translator", "übersetzer": "translator",
                 "verfasser": "author", "verf": "author", "ill": "illustrator"})
_RELATOR_OF_ROLE: dict[str, tuple[str, str]] = {}
for _code, _term, _role in RELATORS:
    _RELATOR_OF_ROLE.setdefault(_role, (_code, _term))
#: Relators of the imprint (publisher, distributor, place of publication): a name with no
#: other relator is the imprint's, not a contributor (Zotero's MARC and MODS translators
#: skip it too); it is kept as written (MARC: the field in extra; MODS: ``mods:imprint-name``).
IMPRINT_RELATORS = frozenset({"pbl", "publisher", "dst", "distributor", "pup", "publication place"})


def imprint_only(relators: Iterable[str]) -> bool:
    """True when every relator (code or term, lowercase) names an imprint role."""
    relators = list(relators)
    return bool(relators) and all(r in IMPRINT_RELATORS for r in relators)


# -- identifiers and languages ---------------------------------------------------------------

#: 024 first indicator -> identifier scheme (7: the scheme is in $2)
STANDARD_NUMBER_KINDS = {"0": "isrc", "1": "upc", "2": "ismn", "3": "ean", "4": "sici"}
_KIND_OF_SCHEME = {v: k for k, v in STANDARD_NUMBER_KINDS.items()}
#: 024 $2 source codes (https://www.loc.gov/standards/sourcelist/standard-identifier.html)
SOURCE_SCHEMES = {"doi": "doi", "hdl": "handle", "urn": "urn", "uri": "uri", "pmid": "pmid",
                  "pubmed": "pmid", "pmcid": "pmcid", "arxiv": "arxiv", "isni": "isni"}
_SOURCE_OF_SCHEME = {"doi": "doi", "handle": "hdl", "urn": "urn", "uri": "uri", "pmid": "pmid",
                     "pmcid": "pmcid", "arxiv": "arxiv", "isni": "isni"}
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")
_OCLC = re.compile(r"^\(OCoLC\)\s*(?:ocm|ocn|on)?0*(\d+)\s*$")

#: BCP 47 -> MARC language code (the ISO 639-2/B code), derived from the languages table
_MARC_LANGUAGE: dict[str, str] = {}
for _name, _code in _LANGUAGE_LOOKUP.items():
    if len(_name) == 3 and _name.isalpha() and _name != _code:
        _MARC_LANGUAGE.setdefault(_code, _name)

#: 6XX tag -> subject scheme when the heading has none of its own (geographic, genre, ...)
SUBJECT_TAGS = {"600": None, "610": None, "611": None, "630": None, "648": "era",
                "650": None, "651": "geographic", "653": "keyword", "655": "genre"}
#: 6XX second indicator -> thesaurus (7: the thesaurus is in $2)
THESAURI = {"0": "lcsh", "1": "lcshac", "2": "mesh", "3": "nal", "5": "cash", "6": "rvm"}
_IND2_OF_THESAURUS = {v: k for k, v in THESAURI.items()}
_SUBJECT_SCHEME_TAG = {"era": "648", "geographic": "651", "keyword": "653", "genre": "655"}

#: 856 second indicator -> link relation
LINK_RELATIONS = {"0": "fulltext", "1": "version", "2": "related"}
_IND2_OF_RELATION = {v: k for k, v in LINK_RELATIONS.items()}


# -- the field table ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One MARC field (``tags``: the tags read; the first is written) and the facets it
    fills. ``codec`` names the function pair that reads and writes it (``CODECS``);
    ``direction`` is "both", or "read" for tags read but never written."""

    tags: tuple[str, ...]
    codec: str
    facets: tuple[str, ...]
    direction: str = "both"


FIELD_TABLE: tuple[Row, ...] = (
    Row(("001",), "control_number", ("key",)),
    Row(("010",), "lccn", ("id:lccn",)),
    Row(("020",), "isbn", ("id:isbn",)),
    Row(("022",), "issn", ("id:issn", "id:eissn")),
    Row(("024",), "standard_number", ("id:doi", "id:pmid", "id:pmcid", "id:handle", "id:urn",
                                      "id:arxiv", "id:ismn", "id:isrc", "id:upc", "id:ean", "id:uri")),
    Row(("035",), "system_number", ("id:oclc",)),
    Row(("041",), "language", ("language",)),
    Row(("050", "090"), "call_number", ("call_number",)),
    Row(("100", "110", "111", "700", "710", "711", "720"), "name",
        ("contributor:*", "contributor:orcid", "contributor:affiliation")),
    Row(("130", "240"), "uniform_title", ("original_title",)),
    Row(("245",), "title", ("title", "subtitle", "part", "part_title")),
    Row(("246",), "short_title", ("short_title",)),
    Row(("250",), "text:a", ("edition",)),
    Row(("264", "260"), "imprint", ("place", "publisher", "date:issued", "date:issued:day")),
    Row(("300",), "extent", ("physical_description", "dimensions")),
    Row(("490",), "series", ("series", "series_number")),
    Row(("800", "810", "811", "830"), "series", ("series", "series_number"), "read"),
    Row(("500",), "notes", ("notes",)),
    Row(("502",), "thesis", ("genre", "authority")),
    Row(("504",), "text:a", ("references",)),
    Row(("520",), "text:a", ("abstract",)),
    Row(("540", "506"), "rights", ("rights:statement", "rights:license")),
    Row(("600", "610", "611", "630", "648", "650", "651", "653", "655"), "subject",
        ("subject", "subject:scheme")),
    Row(("773",), "host", ("container:title", "container:short_title", "container:volume",
                           "container:issue", "container:pages", "container:article_number")),
    Row(("856",), "link", ("link", "link:more")),
    Row(("880",), "alternate_script", ()),
)
_ROW_OF_TAG = {tag: row for row in FIELD_TABLE for tag in row.tags}
#: Control fields read for the type, date and language, never into extra.
_CODED = frozenset({"008"})

#: What the MARC writers carry: the facets of the table rows, plus the marc: extras.
CARRIES = (frozenset(f for row in FIELD_TABLE if row.direction == "both" for f in row.facets
                     if f != "contributor:*")
           | {f"contributor:{role}" for role in _RELATOR_OF_ROLE} | {"provenance", "notes"})


# -- reading --------------------------------------------------------------------------------

_TRAILING = re.compile(r"\s*[/:;=,]\s*$")
_FINAL_PERIOD_KEEP = re.compile(r"(\b\w\.|\b[A-Z][a-z]{0,2}\.|\.\.\.|[\])]\.)$")


def clean(text: str | None, isbd: bool) -> str | None:
    """A subfield value without ISBD punctuation (when the record has it)."""
    if text is None:
        return None
    text = text.strip()
    if isbd and text:
        text = " ".join(text.split())
        if text[-1] in "/:;=,":  # the regular expressions only where they can match
            text = _TRAILING.sub("", text)
        if text.endswith(".") and not _FINAL_PERIOD_KEEP.search(text):
            text = text[:-1].rstrip()
    return text or None


def field_text(f: Field) -> str:
    """A field in the mnemonic form kept in extra: ``"10 $aTitle $bsub"`` (control fields:
    their data)."""
    if f.is_control_field():
        return f.data or ""
    ind = "".join((f.indicators[0] if f.indicators else " ", f.indicators[1] if f.indicators else " "))
    return ind + " " + " ".join(f"${s.code}{s.value}" for s in f.subfields)


_MNEMONIC = re.compile(r"\$(.)((?:[^$]|\$\$)*)")


def field_from_text(tag: str, text: str) -> Field | None:
    """The inverse of :func:`field_text`; None when the text is not in that form."""
    if tag < "010":
        return Field(tag=tag, data=text)
    if len(text) < 3 or text[2] != " ":
        return None
    subfields = [Subfield(m.group(1), m.group(2).rstrip(" ")) for m in _MNEMONIC.finditer(text[3:])]
    if not subfields:
        return None
    return Field(tag=tag, indicators=Indicators(text[0], text[1]), subfields=subfields)


class Builder:
    """What the codecs fill while one MARC record is read."""

    def __init__(self, marc: pymarc.Record) -> None:
        self.marc = marc
        leader = str(marc.leader)
        self.isbd = leader[18:19] != "c"
        self.slots: dict[str, Any] = {}
        self.contributors: list[Contributor] = []
        self.identifiers: list[Identifier] = []
        self.links: list[Link] = []
        self.subjects: list[Subject] = []
        self.notes: list[str] = []
        self.extra: list[tuple[str, str]] = []
        self.container: dict[str, str] = {}
        self.languages: list[str] = []
        self.original_script: list[tuple[str, str]] = []
        self.linked: dict[str, str] = {}  # "880-01" -> the facet the paired field filled
        self.rights: str | None = None
        self.license: str | None = None

    def set(self, slot: str, value: str | None) -> None:
        if value and slot not in self.slots:
            self.slots[slot] = value

    def add_id(self, scheme: str, value: str | None) -> None:
        if value and Identifier(scheme, value) not in self.identifiers:
            self.identifiers.append(Identifier(scheme, value))

    def keep(self, f: Field) -> None:
        self.extra.append((f"marc:{f.tag}", field_text(f)))

    def link(self, f: Field, facet: str) -> None:
        for value in f.get_subfields("6"):
            self.linked[value.split("/")[0].strip()[:6].replace(f.tag, "880", 1)] = facet


def _sub(f: Field, codes: str) -> list[str]:
    return [s.value for s in f.subfields if s.code and s.code in codes and s.value and not s.value.isspace()]


def _by_code(f: Field) -> dict[str, list[str]]:
    """The values of each subfield code, as :func:`_sub` gives them for one code."""
    out: dict[str, list[str]] = {}
    for s in f.subfields:
        value = s.value
        if s.code and value and not value.isspace():
            out.setdefault(s.code, []).append(value)
    return out


def _first(f: Field, code: str) -> str | None:
    values = _sub(f, code)
    return values[0] if values else None


def read_control_number(b: Builder, f: Field) -> None:
    b.set("key", (f.data or "").strip())


def read_lccn(b: Builder, f: Field) -> None:
    b.add_id("lccn", " ".join((_first(f, "a") or "").split()))


def read_isbn(b: Builder, f: Field) -> None:
    for value in _sub(f, "a"):
        b.add_id("isbn", clean_isbn(value))
    for value in _sub(f, "z"):  # cancelled or invalid: kept, not as an identifier
        b.extra.append(("marc:020$z", value.strip()))


def read_issn(b: Builder, f: Field) -> None:
    for value in _sub(f, "a"):
        b.add_id("issn", clean_issn(value))
    for value in _sub(f, "l"):
        issn = clean_issn(value)
        if issn and Identifier("issn", issn) not in b.identifiers:
            b.extra.append(("marc:022$l", issn))


def read_standard_number(b: Builder, f: Field) -> None:
    ind1 = f.indicators[0] if f.indicators else " "
    source = (_first(f, "2") or "").strip().lower()
    scheme = STANDARD_NUMBER_KINDS.get(ind1) or SOURCE_SCHEMES.get(source)
    value = (_first(f, "a") or "").strip()
    if scheme == "doi":
        doi = clean_doi(value)
        if doi:
            b.add_id("doi", doi)
            return
    elif scheme and value:
        b.add_id(scheme, value)
        return
    if value.lower().startswith(("10.", "doi:", "https://doi.org/")) and clean_doi(value):
        b.add_id("doi", clean_doi(value))
        return
    b.keep(f)


def read_system_number(b: Builder, f: Field) -> None:
    for value in _sub(f, "a"):
        m = _OCLC.match(value)
        if m:
            b.add_id("oclc", m.group(1))
        else:
            b.extra.append(("marc:035", value.strip()))


def read_language(b: Builder, f: Field) -> None:
    for value in _sub(f, "a"):
        value = value.strip()
        # old records run codes together in one $a ("engfre")
        chunks = ([value[i:i + 3] for i in range(0, len(value), 3)]
                  if re.fullmatch(r"(?:[a-z]{3})+", value) else [value])
        for chunk in chunks:
            code = to_bcp47(chunk)
            if code and code not in b.languages:
                b.languages.append(code)
    rest = [s for s in f.subfields if s.code != "a"]
    if rest:
        b.extra.append(("marc:041", field_text(Field(tag="041", indicators=f.indicators, subfields=rest))))


def read_call_number(b: Builder, f: Field) -> None:
    b.set("call_number", " ".join(_sub(f, "ab")))


_PERSON_TAGS = frozenset({"100", "700"})
_NAME_TAGS = frozenset({"100", "110", "111", "700", "710", "711", "720"})
_MEETING_TAGS = frozenset({"111", "711"})


def read_name(b: Builder, f: Field) -> None:
    one = _by_code(f)  # the single-code look-ups below, in one pass over the subfields
    if f.tag in ("700", "710", "711") and "t" in one:
        b.keep(f)  # a name/title added entry names a related work, not a contributor
        return
    relators = [r.strip().lower().rstrip(".,") for r in _sub(f, "e4" if f.tag not in _MEETING_TAGS else "j4")]
    if imprint_only(relators):
        b.keep(f)  # the publisher or distributor named again: kept as written, not a contributor
        return
    default = "author" if f.tag[0] == "1" else "contributor"
    role = next((_ROLE_OF[r] for r in relators if r in _ROLE_OF), default)
    name = clean(" ".join(one.get("a", ())), b.isbd)
    if not name:
        b.keep(f)
        return
    orcid = None
    for value in _sub(f, "01"):
        m = _ORCID.search(value) if "orcid" in value.lower() else None
        if m:
            orcid = m.group(1)
        else:
            b.extra.append((f"marc:{f.tag}$0", f"{name}: {value.strip()}"))
    affiliations = tuple(v.strip() for v in one.get("u", ()))
    ind1 = f.indicators[0] if f.indicators else " "
    if f.tag in _PERSON_TAGS or (f.tag == "720" and ind1 == "1"):  # 720 ind1 2: not a person
        if "," in name:
            person, _ = parse_inverted(name, role)
        elif ind1 == "0":
            person = Contributor(given=name, role=role)  # a forename ("Charles", "Aristotle")
        else:
            person = Contributor(family=name, role=role)
        suffix = clean(" ".join(one.get("c", ())), b.isbd) or person.suffix
        person = Contributor(family=person.family, given=person.given, particle=person.particle,
                             suffix=suffix, role=role, orcid=orcid, affiliations=affiliations)
    else:
        units = [clean(v, b.isbd) for v in one.get("b" if f.tag not in _MEETING_TAGS else "e", ())]
        literal = ". ".join(x for x in (name, *units) if x)
        person = Contributor(literal=literal, role=role, orcid=orcid, affiliations=affiliations)
        if literal != name:  # the extras below are kept under the name as written back
            b.extra[:] = [(k, f"{literal}: {v[len(name) + 2:]}" if k.startswith(f"marc:{f.tag}$0")
                           and v.startswith(f"{name}: ") else v) for k, v in b.extra]
            name = literal
    b.contributors.append(person)
    b.link(f, f"contributor:{len(b.contributors) - 1}")
    for code in ("d", "q", "n"):
        for value in one.get(code, ()):
            b.extra.append((f"marc:{f.tag}${code}", f"{name}: {value.strip()}"))


def read_uniform_title(b: Builder, f: Field) -> None:
    b.set("original_title", clean(" ".join(_sub(f, "anp")), b.isbd))
    rest = [s for s in f.subfields if s.code not in "anp6"]
    if rest:
        b.extra.append((f"marc:{f.tag}", field_text(Field(tag=f.tag, indicators=f.indicators, subfields=rest))))


def title_with_parts(main: str | None, numbers: Iterable[str | None], names: Iterable[str | None],
                     subtitle: str | None) -> tuple[str | None, str | None]:
    """(title, subtitle) from a title, its part numbers and part names and its subtitle
    (MARC 245 $a $n $p $b; MODS title, partNumber, partName, subTitle): the part numbers
    belong to the title ("Mathematik für Informatiker. Bd. 1"); the subtitle is the
    subtitle, or the part names when there is none (as Zotero reads both formats)."""
    # a part number ends in the period that separates it from the part name: not part of it
    numbers = [n.rstrip(".").rstrip() for n in numbers if n]
    names = [n for n in names if n]
    if subtitle:
        title = ". ".join(x for x in (main, *numbers, *names) if x)
    else:
        title = ". ".join(x for x in (main, *numbers) if x)
        subtitle = ": ".join(names) or None
    return title or None, subtitle


def read_title(b: Builder, f: Field) -> None:
    """245: $a $n $p $b as :func:`title_with_parts` reads them."""
    title, subtitle = title_with_parts(
        clean(" ".join(_sub(f, "a")), b.isbd), [clean(v, b.isbd) for v in _sub(f, "n")],
        [clean(v, b.isbd) for v in _sub(f, "p")], clean(" ".join(_sub(f, "b")), b.isbd))
    b.set("title", title)
    b.set("subtitle", subtitle)
    b.link(f, "title")
    rest = [s for s in f.subfields if s.code not in "abnp6"]
    if rest:  # statement of responsibility ($c), medium ($h), dates ($f $g)...
        b.extra.append(("marc:245", field_text(Field(tag="245", indicators=f.indicators, subfields=rest))))


def read_short_title(b: Builder, f: Field) -> None:
    # 246 second indicator 0 "portion of title" is the short title; other forms stay in extra
    if (f.indicators[1] if f.indicators else " ") == "0" and "short_title" not in b.slots:
        b.set("short_title", clean(" ".join(_sub(f, "a")), b.isbd))
    else:
        b.keep(f)


_TEXT_SLOTS = {"250": "edition", "504": "references", "520": "abstract"}


def read_text_a(b: Builder, f: Field) -> None:
    slot = _TEXT_SLOTS[f.tag]
    value = clean(" ".join(_sub(f, "ab")), b.isbd and f.tag == "250")
    if slot in b.slots or not value:
        b.keep(f)
    else:
        b.set(slot, value)
        b.link(f, slot)


#: what a catalogue writes around a date: brackets, the copyright and phonogram signs or
#: letters ("c1984", "p1980", "©2006": a copyright date, not "circa"), a final period
_DATE_JUNK = re.compile(r"^[\[\s©℗]*(?:[cp](?=\d))?|[\]\s.?]*$")


def catalogue_date(text: str) -> DateValue | None:
    """A date as a catalogue transcribes it (MARC 260/264 $c with ISBD punctuation, MODS
    dateIssued without encoding): "c1984" and "[1957?]" are 1984 and 1957."""
    return date_with_year(_DATE_JUNK.sub("", text))


def read_imprint(b: Builder, f: Field) -> None:
    ind2 = f.indicators[1] if f.indicators else " "
    if f.tag == "264" and ind2 != "1":  # production, distribution, manufacture, copyright
        b.keep(f)
        return
    if "publisher" in b.slots or "place" in b.slots:
        b.keep(f)
        return
    b.set("place", clean(_first(f, "a"), b.isbd) and _unbracket(clean(_first(f, "a"), b.isbd)))
    b.set("publisher", clean(_first(f, "b"), b.isbd))
    date = _first(f, "c")
    if date:
        parsed = catalogue_date(date) if b.isbd else date_with_year(date.strip())
        if parsed is not None:
            b.slots.setdefault("issued", parsed)
    b.link(f, "publisher")


_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")


def date_with_year(text: str) -> DateValue | None:
    """A catalogue date: a date, or text with one year in it ("año 1687", "1994-",
    "[1982?]", "p1980") read as that year; other text is kept as a literal."""
    parsed = parse_date(text)
    if parsed is not None and parsed.start is None:
        years = _YEAR.findall(text)
        if len(years) == 1:
            return DateValue(start=parse_date(years[0]).start)  # type: ignore[union-attr]
    return parsed


def _unbracket(text: str | None) -> str | None:
    if text and text.startswith("[") and text.endswith("]"):
        return text[1:-1].strip() or None
    return text


def read_extent(b: Builder, f: Field) -> None:
    b.set("physical_description", clean(" ".join(_sub(f, "abe")), b.isbd))
    b.set("dimensions", clean(_first(f, "c"), b.isbd))


def read_series(b: Builder, f: Field) -> None:
    if "series" in b.slots:
        b.keep(f)
        return
    title = clean(" ".join(_sub(f, "at" if f.tag[0] == "8" and f.tag != "830" else "a")), b.isbd)
    b.set("series", title)
    b.set("series_number", clean(_first(f, "v"), b.isbd))
    b.link(f, "series")


def read_notes(b: Builder, f: Field) -> None:
    b.notes.extend(v.strip() for v in _sub(f, "a"))


def read_thesis(b: Builder, f: Field) -> None:
    degree, granting = _first(f, "b"), _first(f, "c")
    if degree or granting:
        b.set("genre", clean(degree, b.isbd))
        b.set("authority", clean(granting, b.isbd))
    if _sub(f, "a") or not (degree or granting):
        b.keep(f)


def read_rights(b: Builder, f: Field) -> None:
    statement = " ".join(v.strip() for v in _sub(f, "a"))
    if statement and b.rights is None:
        b.rights = statement
        b.license = _first(f, "u")
    else:
        b.keep(f)


def read_subject(b: Builder, f: Field) -> None:
    ind2 = f.indicators[1] if f.indicators else " "
    scheme = THESAURI.get(ind2) if ind2 != "7" else (_first(f, "2") or "").strip().lower() or None
    scheme = scheme or SUBJECT_TAGS.get(f.tag)
    if f.tag == "653":
        terms = [clean(v, b.isbd) for v in _sub(f, "a")]
    else:
        parts = [clean(s.value, b.isbd) for s in f.subfields if s.code in "abcdtvxyz" and s.value.strip()]
        terms = [" -- ".join(p for p in parts if p)]
    terms = [t for t in terms if t]
    if not terms:
        b.keep(f)
        return
    for term in terms:
        if Subject(term, scheme) not in b.subjects:
            b.subjects.append(Subject(term, scheme))
    # authority ids ($0 GND, FAST, LCSH), sources ($5) and the like: kept under the heading,
    # written back onto it (and the heading back under its own tag)
    read = "a" if f.tag == "653" else "abcdtvxyz" + ("2" if ind2 == "7" else "")
    for sub in f.subfields:
        if sub.code not in read and sub.value.strip():
            b.extra.append((f"marc:{f.tag}${sub.code}", f"{terms[0]}: {sub.value.strip()}"))


_G_LABELS = (
    ("volume", re.compile(r"^(?:vol\.|v\.|bd\.|jg\.|jahrg\.|volume|band|t\.|tome)\s*(.+)$", re.I | re.S)),
    ("issue", re.compile(r"^(?:no\.|nr\.|n\.|heft|h\.|issue|iss\.|číslo|num\.)\s*(.+)$", re.I | re.S)),
    ("pages", re.compile(r"^(?:p\.|pp\.|s\.|pages?|seiten?|page)\s*(.+)$", re.I | re.S)),
    ("article_number", re.compile(r"^(?:art\.|article)\s*(.+)$", re.I | re.S)),
)
_G_FREE = re.compile(
    r"(?:(?:vol\.?|v\.|bd\.?|jg\.?|volume)\s*(?P<volume>[\w./-]+))?"
    r"[^\w]*(?:\((?P<year>[^)]*)\))?[,\s]*"
    r"(?:(?:no\.?|nr\.?|n\.|heft|h\.|issue)\s*(?P<issue>[\w./-]+))?"
    r"(?:[^\w]*\([^)]*\))?[,\s:]*"
    r"(?:(?:p{1,2}\.|s\.|pages?)\s*(?P<pages>[\w]+(?:\s*-\s*[\w]+)?))?", re.I)
_G_BARE = re.compile(r"^(?P<volume>\d+)\s*(?:\((?P<year>[^)]*)\))?\s*,\s*(?P<issue>[\w/-]+)?\s*,?\s*(?:s\.|p\.)?\s*(?P<pages>\d+(?:\s*-\s*\d+)?)?", re.I)
#: a $g that holds more than one labelled part, or a year: parsed as free text
_COMBINED = re.compile(r"[,;]\s*(?:no\.|nr\.|n\.|heft|h\.|issue|p\.|pp\.|s\.|pages?)\s*\w|\(\d{4}\)", re.I)
_Q = re.compile(r"^(?P<volume>[^:<]+)(?::(?P<issue>[^:<]+))*(?:<(?P<page>[^:<]+))?$")


def parse_related_parts(values: list[str], enumeration: str | None) -> dict[str, str]:
    """Volume, issue and pages of a host item from 773 ``$g`` (labelled or free text, as
    "Vol. 12, no. 3 (2019), p. 45-67" or "12(2019), 3, S. 45-67") and ``$q`` ("12:3<45")."""
    out: dict[str, str] = {}
    free: list[str] = []
    for value in values:
        value = value.strip()
        for slot, pattern in _G_LABELS:
            m = pattern.match(value)
            if m and not _COMBINED.search(value):
                out.setdefault(slot, m.group(1).strip())
                break
        else:
            free.append(value)
    for value in free:
        m = _G_BARE.match(value) or _G_FREE.match(value)
        if m:
            for slot in ("volume", "issue", "pages"):
                if m.group(slot):
                    out.setdefault(slot, m.group(slot).strip())
    if enumeration:
        m = _Q.match(enumeration.strip())
        if m:
            out.setdefault("volume", m.group("volume").strip())
            if m.group("issue"):
                out.setdefault("issue", m.group("issue").strip())
            if m.group("page"):
                out.setdefault("pages", m.group("page").strip())
    return out


def read_host(b: Builder, f: Field) -> None:
    if b.container:
        b.keep(f)
        return
    title = clean(_first(f, "t") or _first(f, "a"), b.isbd)
    parts = parse_related_parts(_sub(f, "g"), _first(f, "q"))
    container = {"title": title, "short_title": clean(_first(f, "p"), b.isbd), **parts}
    b.container = {k: v for k, v in container.items() if v}
    for value in _sub(f, "x"):
        b.add_id("issn", clean_issn(value))
    for value in _sub(f, "z"):
        b.add_id("isbn", clean_isbn(value))
    rest = [s for s in f.subfields if s.code not in "tgqpxz" and not (s.code == "a" and not _first(f, "t"))]
    if rest:
        b.extra.append(("marc:773", field_text(Field(tag="773", indicators=f.indicators, subfields=rest))))


def read_link(b: Builder, f: Field) -> None:
    ind2 = f.indicators[1] if f.indicators else " "
    label = " ".join(v.strip() for v in _sub(f, "3yz")) or None
    for url in _sub(f, "u"):
        link = Link(url.strip(), LINK_RELATIONS.get(ind2), label)
        if link not in b.links:
            b.links.append(link)
    if not _sub(f, "u"):
        b.keep(f)


#: slot of a paired field -> where its original-script form goes
def read_alternate_script(b: Builder, f: Field) -> None:
    linkage = (_first(f, "6") or "")[:6]
    facet = b.linked.get("880-" + linkage[4:6]) if len(linkage) == 6 else None
    tag = linkage[:3]
    if facet is None:
        b.keep(f)
        return
    codes = {"245": "ab", "490": "a", "250": "a", "264": "b", "260": "b"}.get(tag, "a")
    text = clean(" ".join(_sub(f, codes)), b.isbd)
    if text:
        b.original_script.append((facet, text))


CODECS_READ: dict[str, Callable[[Builder, Field], None]] = {
    "control_number": read_control_number, "lccn": read_lccn, "isbn": read_isbn,
    "issn": read_issn, "standard_number": read_standard_number,
    "system_number": read_system_number, "language": read_language,
    "call_number": read_call_number, "name": read_name, "uniform_title": read_uniform_title,
    "title": read_title, "short_title": read_short_title, "text:a": read_text_a,
    "imprint": read_imprint, "extent": read_extent, "series": read_series,
    "notes": read_notes, "thesis": read_thesis, "rights": read_rights,
    "subject": read_subject, "host": read_host, "link": read_link,
    "alternate_script": read_alternate_script,
}
_READER_OF_TAG = {tag: CODECS_READ[row.codec] for tag, row in _ROW_OF_TAG.items()}


def marc_to_record(marc: pymarc.Record) -> Record:
    """The Record of one pymarc record (walk of ``FIELD_TABLE``). Raises ValueError for a
    record without any title or name to show."""
    b = Builder(marc)
    fixed = ""
    # fields in tag order, but 880 after everything it pairs with
    ordered = sorted(marc.fields, key=lambda f: (f.tag == "880", 0))
    for f in ordered:
        tag = f.tag
        if tag in _CODED:
            fixed = f.data or ""
            continue
        reader = _READER_OF_TAG.get(tag)
        if reader is not None:
            reader(b, f)
        elif tag == "005" or tag == "003":
            b.extra.append((f"marc:{tag}", (f.data or "").strip()))
        else:
            b.keep(f)
    leader = str(marc.leader)
    rtype = record_type(leader, fixed.ljust(40))
    slots = b.slots
    if "issued" not in slots and fixed[7:11].isdigit():
        slots["issued"] = DateValue(start=parse_date(fixed[7:11]).start)  # type: ignore[union-attr]
    if not b.languages and len(fixed) >= 38:
        code = to_bcp47(fixed[35:38].strip())
        if code and fixed[35:38].strip() not in ("", "|||", "zxx", "und", "mul"):
            b.languages.append(code)
    if len(b.languages) > 1:
        b.extra.append(("marc:languages", " ".join(b.languages[1:])))
    if fixed:
        b.extra.append(("marc:008", fixed))
    if not slots.get("title") and not b.contributors:
        raise ValueError("the record has no title (245) and no name (1XX/7XX)")
    if slots.get("genre") and rtype in ("book", "manuscript"):
        rtype = "thesis"  # a 502 dissertation note makes a thesis of a book record
    return Record(
        type=rtype,
        contributors=tuple(b.contributors),
        container=_container(b.container) if b.container else None,
        identifiers=tuple(b.identifiers),
        links=tuple(b.links),
        subjects=tuple(b.subjects),
        notes=tuple(b.notes),
        language=b.languages[0] if b.languages else None,
        rights=Rights(statement=b.rights, license_url=b.license) if b.rights else None,
        provenance=Provenance(record_format="marc", source_id=slots.get("key")),
        extra=tuple(b.extra),
        original_script=tuple(b.original_script),
        **slots,
    )


def _container(parts: dict[str, str]) -> Container:
    parts = dict(parts)
    start, end, whole = split_pages(parts.pop("pages", None))
    return Container(**parts, page_start=start, page_end=end, pages=whole)


# -- writing --------------------------------------------------------------------------------


class Clean:
    """Values made fit for a MARC field: stripped, and the characters MARC uses as record,
    field and subfield separators replaced by U+FFFD (counted, for the problem report)."""

    _BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

    def __init__(self) -> None:
        self.replaced = 0

    def replace(self, value: str) -> str:
        if self._BAD.search(value):
            value, n = self._BAD.subn("\ufffd", value)
            self.replaced += n
        return value

    def __call__(self, value: str | None) -> str:
        return self.replace(value).strip() if value else ""


@dataclass
class Out:
    """The fields written so far, and what the record could not hold."""

    record: Record
    clean: Clean
    fields: list[Field] = field(default_factory=list)
    linkage: dict[str, str] = field(default_factory=dict)  # facet -> "01"
    fixed_code: tuple[slice, str] | None = None

    def add(self, tag: str, ind: str, subfields: Iterable[tuple[str, str | None]], facet: str | None = None) -> Field | None:
        subs = [Subfield(code, self.clean(value)) for code, value in subfields if self.clean(value)]
        if not subs:
            return None
        if facet is not None and facet in self.linkage:
            subs.insert(0, Subfield("6", f"880-{self.linkage[facet]}"))
        f = Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subs)
        self.fields.append(f)
        return f


def _person_name(c: Contributor) -> str:
    """"Family, Given" with whitespace folded, as the reader parses it back."""
    family = " ".join(" ".join(p for p in (c.particle, c.family) if p).split())
    given = " ".join(" ".join(p for p in (c.given, c.dropping_particle) if p).split())
    return f"{family}, {given}" if family and given else family or given


def write_names(o: Out, extras: _Extras) -> None:
    r = o.record
    main = next((c for c in r.contributors if c.role == "author"), None)
    for index, c in enumerate(r.contributors):
        base = "1" if c is main else "7"
        if c.literal is not None:
            meeting = extras.names_meeting(c.literal)
            tag, ind, name = base + ("11" if meeting else "10"), "2 ", c.literal
        else:
            tag, ind, name = base + "00", "1 " if c.family else "0 ", _person_name(c)
        subs: list[tuple[str, str | None]] = [("a", name)]
        if c.suffix and c.literal is None:
            subs.append(("c", c.suffix))
        for code in ("d", "q", "n"):  # dates and fuller forms kept from a MARC source
            subs += [(code, v) for v in extras.pop_named(code, name)]
        if not (tag == "100" and c.role == "author"):
            code, term = _RELATOR_OF_ROLE.get(c.role, ("ctb", "contributor"))
            subs += [("j" if tag in _MEETING_TAGS else "e", term), ("4", code)]
        subs += [("u", a) for a in c.affiliations]
        subs += [("0", v) for v in extras.pop_named("0", name)]
        if c.orcid:
            subs.append(("1", f"https://orcid.org/{c.orcid}"))
        o.add(tag, ind, subs, facet=f"contributor:{index}")


class _Extras:
    """The marc: extras of a record, taken by the writers that put them back in place."""

    def __init__(self, record: Record) -> None:
        self.items = [(k, v) for k, v in record.extra if k.startswith("marc:")]

    def pop_named(self, code: str, name: str) -> list[str]:
        """The values of subfield ``code`` kept for the name ``name`` (under any name tag:
        a 111 meeting is written as 710, a 700 may become the 100)."""
        prefix = f"{name}: "

        def match(k: str, v: str) -> bool:
            return len(k) == 10 and k.endswith(f"${code}") and k[5:8] in _NAME_TAGS and v.startswith(prefix)
        found = [v[len(prefix):] for k, v in self.items if match(k, v)]
        self.items = [(k, v) for k, v in self.items if not match(k, v)]
        return found

    def pop_subject(self, term: str) -> list[tuple[str, str, str]]:
        """(tag, code, value) of the subfields kept for the subject heading ``term``."""
        prefix = f"{term}: "

        def match(k: str, v: str) -> bool:
            return len(k) == 10 and k[5:8] in SUBJECT_TAGS and k[8] == "$" and v.startswith(prefix)
        found = [(k[5:8], k[9], v[len(prefix):]) for k, v in self.items if match(k, v)]
        self.items = [(k, v) for k, v in self.items if not match(k, v)]
        return found

    def names_meeting(self, name: str) -> bool:
        """True when the extras kept for ``name`` came from a meeting name (111/711)."""
        prefix = f"{name}: "
        return any(k[5:8] in ("111", "711") and v.startswith(prefix) for k, v in self.items)

    def pop(self, key: str) -> list[str]:
        found = [v for k, v in self.items if k == key]
        self.items = [(k, v) for k, v in self.items if k != key]
        return found


def record_to_marc(record: Record, report: Callable[[str], None] | None = None) -> pymarc.Record:
    """A pymarc record for any Record, by the same table read backwards."""
    cleaner = Clean()
    o = Out(record, cleaner)
    extras = _Extras(record)
    r = record
    # original-script forms: pair numbers are given before the paired fields are written
    for n, (facet, _) in enumerate(r.original_script, start=1):
        o.linkage.setdefault(facet, f"{n:02d}")

    rtype = TYPE_WRITE_AS.get(r.type, r.type)
    kinds, levels, test, _ = _TYPE_ROW.get(rtype, _TYPE_ROW["book"])
    leader = f"00000n{kinds[0]}{levels[0]} a2200000 c 4500"
    if cleaner(r.key):
        o.fields.append(Field(tag="001", data=cleaner(r.key)))
    for tag in ("003", "005"):
        for value in extras.pop(f"marc:{tag}"):
            o.fields.append(Field(tag=tag, data=cleaner(value)))
    fixed = _fixed_field(r, extras.pop("marc:008"), test)
    o.fields.append(Field(tag="008", data=fixed))
    for value in r.ids("lccn"):
        o.add("010", "  ", [("a", value)])
    for value in r.ids("isbn"):
        o.add("020", "  ", [("a", value)])
    for value in extras.pop("marc:020$z"):
        o.add("020", "  ", [("z", value)])
    c = r.container
    host_issn = (c is not None and rtype in ("article-journal", "chapter")
                 and any(cleaner(v) for v in (c.title, c.volume, c.issue, c.page_range)))
    if not host_issn:
        for scheme in ("issn", "eissn"):
            for value in r.ids(scheme):
                o.add("022", "  ", [("a", value)])
    for value in extras.pop("marc:022$l"):
        o.add("022", "  ", [("l", value)])
    standard_numbers: set[tuple[str, str]] = set()  # one 024 per number: two spellings of a DOI are one
    not_dois: list[str] = []
    for ident in r.identifiers:
        if ident.scheme in _KIND_OF_SCHEME:
            o.add("024", _KIND_OF_SCHEME[ident.scheme] + " ", [("a", ident.value)])
        elif ident.scheme in _SOURCE_OF_SCHEME:
            value = (clean_doi(ident.value) or ident.value) if ident.scheme == "doi" else ident.value
            if ident.scheme == "doi" and clean_doi(ident.value) is None:
                not_dois.append(value)  # read back as a kept 024, which comes after the DOIs
            elif (ident.scheme, value) not in standard_numbers:
                standard_numbers.add((ident.scheme, value))
                o.add("024", "7 ", [("a", value), ("2", _SOURCE_OF_SCHEME[ident.scheme])])
    for value in not_dois:
        o.add("024", "7 ", [("a", value), ("2", "doi")])
    for value in r.ids("oclc"):
        o.add("035", "  ", [("a", f"(OCoLC){value}")])
    for value in extras.pop("marc:035"):
        o.add("035", "  ", [("a", value)])
    languages = [r.language] if r.language else []
    languages += [x for v in extras.pop("marc:languages") for x in v.split()]
    codes = [_MARC_LANGUAGE.get(lang, lang) for lang in languages]
    if len(codes) > 1 or (codes and fixed[35:38] != codes[0]):  # 008/35-37 holds one code
        o.add("041", "  ", [("a", c) for c in codes])
    if r.call_number:
        o.add("050", " 4", [("a", r.call_number)])
    write_names(o, extras)
    if r.original_title:
        o.add("240", "10", [("a", r.original_title)], facet="original_title")
    title = r.title or ""
    o.add("245", ("1" if r.contributors else "0") + "0",
          [("a", title), ("b", r.subtitle), ("n", r.part), ("p", r.part_title)], facet="title")
    if r.short_title:
        o.add("246", "30", [("a", r.short_title)])
    if r.edition:
        o.add("250", "  ", [("a", r.edition)], facet="edition")
    if r.place or r.publisher or r.issued:
        date = (r.issued.iso() or r.issued.literal) if r.issued else None
        o.add("264", " 1", [("a", r.place), ("b", r.publisher), ("c", date)], facet="publisher")
    if r.physical_description or r.dimensions:
        o.add("300", "  ", [("a", r.physical_description), ("c", r.dimensions)])
    if r.series:
        o.add("490", "0 ", [("a", r.series), ("v", r.series_number)], facet="series")
    for note in r.notes:
        o.add("500", "  ", [("a", note)])
    if r.genre or r.authority:
        o.add("502", "  ", [("b", r.genre), ("c", r.authority)])
    if r.references:
        o.add("504", "  ", [("a", r.references)], facet="references")
    if r.abstract:
        o.add("520", "  ", [("a", r.abstract)], facet="abstract")
    if r.rights and r.rights.statement:
        o.add("540", "  ", [("a", r.rights.statement), ("u", r.rights.license_url)])
    for s in dict.fromkeys(r.subjects):  # the reader keeps one of each, so does the writer
        scheme = s.scheme
        tag = _SUBJECT_SCHEME_TAG.get(scheme or "", "650")
        if scheme is None:
            ind2, source = "4", None  # "source not specified"
        elif tag == "650" and scheme not in _IND2_OF_THESAURUS:
            ind2, source = "7", scheme
        elif tag == "650":
            ind2, source = _IND2_OF_THESAURUS[scheme], None  # type: ignore[index]
        else:
            ind2, source = (" ", None) if tag == "653" else ("4", None)
        kept = extras.pop_subject(s.term)
        if kept and kept[0][0] in SUBJECT_TAGS and tag == "650":
            tag = kept[0][0]  # a name, title or chronological heading (600, 610, 630, 648, ...)
        o.add(tag, " " + ind2, [("a", s.term), ("2", source), *((code, v) for _, code, v in kept)])
    if r.container:
        c = r.container
        subs: list[tuple[str, str | None]] = [("t", c.title), ("p", c.short_title)]
        for label, value in (("Vol.", c.volume), ("no.", c.issue), ("p.", c.page_range),
                             ("art.", c.article_number)):
            if o.clean(value):
                subs.append(("g", f"{label} {o.clean(value)}"))
        if host_issn:
            subs += [("x", v) for scheme in ("issn", "eissn") for v in r.ids(scheme)]
        o.add("773", "0 ", subs)
    for link in dict.fromkeys(r.links):
        ind2 = _IND2_OF_RELATION.get(link.relation or "", " ")
        o.add("856", "4" + ind2, [("u", link.url), ("3", link.label)])
    # alternate-script fields
    for facet, text in r.original_script:
        pair = o.linkage[facet]
        tag = _paired_tag(o, f"880-{pair}")
        if tag:
            code = "b" if tag in ("264", "260") else "a"
            o.add("880", "  ", [("6", f"{tag}-{pair}"), (code, text)])
    # marc: extras that are whole fields go back verbatim; the rest name their field
    unplaced = 0
    for key, value in extras.items:
        tag = key[5:]
        f = field_from_text(tag, value) if re.fullmatch(r"\d{3}", tag) else None
        if f is None:
            unplaced += 1
            continue
        f = _clean_field(f, cleaner)
        same = next((g for g in o.fields if g.tag == f.tag), None) if tag in _MERGED_TAGS else None
        if same is not None and not f.is_control_field():
            same.subfields.extend(f.subfields)  # the rest of a field the table wrote in part
            same.indicators = f.indicators  # the source's (non-filing characters, ...)
        else:
            o.fields.append(f)
    marc = pymarc.Record(leader=leader, force_utf8=True)
    marc.leader = pymarc.Leader(leader)
    o.fields.sort(key=lambda f: f.tag)  # stable: the order within one tag is kept
    marc.fields = o.fields
    if unplaced and report:
        report(f"{unplaced} marc: extra(s) name no field that was written (a name's dates "
               "for a name that changed) and are not written")
    if cleaner.replaced and report:
        report(f"{cleaner.replaced} control character(s) MARC 21 and XML 1.0 cannot hold "
               "(C0 controls, MARC separators, lone surrogates) replaced by U+FFFD")
    return marc


#: fields read in part by the table: the rest of them (kept in extra) is merged back
_MERGED_TAGS = frozenset({"041", "130", "240", "245", "773"})


def _paired_tag(o: Out, linkage: str) -> str | None:
    for f in o.fields:
        if not f.is_control_field() and f.subfields and f.subfields[0] == Subfield("6", linkage):
            return f.tag
    return None


def _clean_field(f: Field, cleaner: Clean) -> Field:
    """A kept field as it was (not stripped), but with the characters MARC cannot hold replaced."""
    if f.is_control_field():
        return Field(tag=f.tag, data=cleaner.replace(f.data or ""))
    return Field(tag=f.tag, indicators=f.indicators,
                 subfields=[Subfield(s.code, cleaner.replace(s.value)) for s in f.subfields])


def _fixed_field(r: Record, kept: list[str], test: tuple[slice, str] | None) -> str:
    """The 008 field: the source's, when the record came from MARC, with the date, the
    language and the type code set from the record."""
    if kept and len(kept[0]) != 40:
        return kept[0]  # not the 40 positions MARC 21 defines: kept as the source wrote it
    fixed = list((kept[0] if kept else "").ljust(40)[:40])
    if not kept:
        fixed[0:6] = "000000"
        fixed[15:18] = "xx "
        fixed[39] = "d"
    year = r.issued.year if r.issued else None
    if kept and "".join(fixed[7:11]).isdigit():
        pass  # the source's coded dates stay (264 $c may differ: "op. 2006-" vs 008 2007)
    elif year is not None and 0 <= year <= 9999:
        fixed[6] = fixed[6] if kept and fixed[6] not in " |" else "s"
        fixed[7:11] = f"{year:04d}"
    elif not kept:
        fixed[6:11] = "nuuuu"
    if r.language and not (kept and kept[0][35:38].strip(" |")):
        code = _MARC_LANGUAGE.get(r.language, r.language)
        if len(code) == 3:
            fixed[35:38] = code
    if test is not None and not any(ch in test[1] for ch in fixed[test[0]]):
        pos = test[0].start
        fixed[pos] = test[1][0]
    return "".join(fixed)


def _extra_ok(key: str) -> bool:
    """The extras the MARC writers put back: their own family."""
    return key.startswith("marc:")


def lost_in_marc(record: Record) -> list[str]:
    from ..losses import lost

    return lost(record, CARRIES, _extra_ok)


# -- MARCXML out ----------------------------------------------------------------------------

MARCXML_NS = "http://www.loc.gov/MARC21/slim"
#: the record element, namespaced or not (an OAI-PMH <record> has its own namespace)
MARCXML_RECORD = frozenset({"record"})
_MARC_PARTS = frozenset({"leader", "controlfield", "datafield"})
_TAG = re.compile(r"[0-9A-Za-z]{3}")


def marcxml_record(marc: pymarc.Record, esc: Escaper, indent: str = "  ") -> str:
    out = [f"{indent}<record>", f"{indent}  <leader>{esc.text(str(marc.leader))}</leader>"]
    for f in marc.fields:
        if f.is_control_field():
            out.append(f'{indent}  <controlfield tag="{esc.attr(f.tag)}">{esc.text(f.data or "")}</controlfield>')
            continue
        ind1, ind2 = (f.indicators[0], f.indicators[1]) if f.indicators else (" ", " ")
        out.append(f'{indent}  <datafield tag="{esc.attr(f.tag)}" ind1="{esc.attr(ind1)}" ind2="{esc.attr(ind2)}">')
        for s in f.subfields:
            out.append(f'{indent}    <subfield code="{esc.attr(s.code)}">{esc.text(s.value)}</subfield>')
        out.append(f"{indent}  </datafield>")
    out.append(f"{indent}</record>")
    return "\n".join(out) + "\n"


# -- readers --------------------------------------------------------------------------------

RECORD_TERMINATOR = b"\x1d"


def _record_name(marc: pymarc.Record | None) -> str:
    if marc is not None:
        f = marc.get("001")
        if f is not None and f.data:
            return f" (001 {f.data.strip()})"
    return ""


def _convert(marc: pymarc.Record, source: str, number: int, line: int | None = None) -> Record | Problem:
    try:
        return marc_to_record(marc)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return Problem(source=source, record=number, line=line, reason=f"MARC record{_record_name(marc)}: {exc}")


#: what iter_iso2709 skips between records
_BETWEEN = b" \r\n\t\x00"


def iter_iso2709(stream: TextIO) -> Iterator[tuple[int, int, bytes]]:
    """(record number, byte offset, bytes) of each record, split at record terminators;
    whitespace between records (a newline after each, as some exports write) is skipped."""
    data = BytesView(stream)
    buffer = b""
    offset = 0
    number = 0
    while True:
        chunk = data.read(1 << 16)
        if chunk:
            buffer += chunk
        while True:
            end = buffer.find(RECORD_TERMINATOR)
            if end < 0:
                break
            raw, buffer = buffer[: end + 1], buffer[end + 1:]
            stripped = raw.lstrip(_BETWEEN)
            start = offset + len(raw) - len(stripped)
            offset += len(raw)
            for part_offset, part in _resynchronised(stripped):
                number += 1
                yield number, start + part_offset, part
        if not chunk:
            rest = buffer.strip(_BETWEEN)
            if rest:
                yield number + 1, offset, rest
            return


_LEADER = re.compile(rb"\d{5}[acdnp][a-z ]{3}[ a]22\d{5}[0-9a-z ]{3}4500")


def _resynchronised(raw: bytes) -> Iterator[tuple[int, bytes]]:
    """A terminated chunk as records: one, or, when its leader's length is not its length
    and another leader starts inside it (a record cut off before its terminator), the cut-off
    part and then what follows, so the next record is not swallowed."""
    at = 0
    while True:
        declared = int(raw[at:at + 5]) if raw[at:at + 5].isdigit() else None
        if declared in (len(raw) - at, 99999):
            break
        # junk before a record, or a record cut off: the next leader starts the next record
        m = _LEADER.search(raw, at + 1)
        if m is None:
            break
        yield at, raw[at:m.start()]
        at = m.start()
    yield at, raw[at:]


def decode_iso2709(raw: bytes) -> pymarc.Record:
    """One ISO 2709 record through pymarc (MARC-8 or UTF-8 per leader/09). Raises
    ValueError with pymarc's reason."""
    if len(raw) < 24 or not raw[:5].isdigit():
        raise ValueError("not a MARC record: the leader does not start with the record length")
    length = int(raw[:5])
    # a record longer than ISO 2709 can say has 99999 in its leader (VuFind, MarcEdit and
    # yaz write such records): its directory still gives every field
    if length != len(raw) and not (length == 99999 and len(raw) > 99999):
        raise ValueError(f"the leader gives the record length {length}, the record has {len(raw)} bytes")
    said = io.StringIO()  # pymarc's MARC-8 decoder writes what it cannot map to stderr
    utf8 = _utf8_said_marc8(raw)
    try:
        with contextlib.redirect_stderr(said):
            record = pymarc.Record(data=raw, to_unicode=True, force_utf8=utf8, utf8_handling="strict")
        if utf8:
            warnings.warn("leader/09 says MARC-8, but the record is UTF-8 (every byte, no MARC-8 escape): "
                          "read as UTF-8", stacklevel=2)
        for line in dict.fromkeys(said.getvalue().splitlines()):
            # "Unable to parse character 0xcc in g0=66 g1=69": pymarc wrote a space for it
            warnings.warn(f"MARC-8 decoding: {line.strip()[:160]} (a space in its place)", stacklevel=2)
        return record
    except UnicodeDecodeError as exc:
        raise ValueError(f"leader/09 says UTF-8, but byte 0x{exc.object[exc.start]:02x} at {exc.start} is not UTF-8") from None
    except Exception as exc:  # pymarc's own exceptions (RecordDirectoryInvalid, ...) and bad data
        reason = str(exc) or type(exc).__name__
        raise ValueError(f"cannot be decoded: {type(exc).__name__}: {reason}") from None


def _utf8_said_marc8(raw: bytes) -> bool:
    """Whether a record whose leader says MARC-8 is in fact UTF-8, as records converted
    without updating leader/09 are (VuFind's and marc4j's test files hold such): it has
    bytes past ASCII, all of them UTF-8, and no MARC-8 escape sequence. MARC-8's own
    non-ASCII bytes (a combining mark, 0xE0-0xFE, before its ASCII letter) are almost
    never UTF-8 by accident."""
    if raw[9:10] != b" " or raw.isascii() or b"\x1b" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Collect(logging.Handler):
    """pymarc's log messages and warnings about a record, collected so that they become
    warning problems naming that record (instead of lines on stderr)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage()[:200])


@contextlib.contextmanager
def _pymarc_messages() -> Iterator[_Collect]:
    logger = logging.getLogger("pymarc")
    handler = _Collect()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            handler.caught = caught  # type: ignore[attr-defined]
            yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _drain(handler: _Collect) -> list[str]:
    caught = handler.caught  # type: ignore[attr-defined]
    out = handler.messages + [str(w.message)[:200] for w in caught]
    handler.messages.clear()
    caught.clear()
    return out


def marc_from_fullrecord(text: str) -> pymarc.Record:
    """The MARC record in a VuFind ``fullrecord`` field: MARCXML, or ISO 2709 (stored as
    text, its lengths counted in UTF-8 bytes). Raises ValueError."""
    if text.lstrip().startswith("<"):
        try:
            for elem, _ in iter_elements(io.StringIO(text), MARCXML_RECORD):
                return marc_from_element(elem)
        except XMLInputError as exc:
            raise ValueError(str(exc)) from None
        raise ValueError("no MARCXML <record> element")
    with _pymarc_messages() as messages:
        marc = decode_iso2709(text.strip(" \r\n").encode("utf-8", "surrogateescape"))
        _drain(messages)
    return marc


class ISO2709Splitter(RecordSplitter):
    """Cuts binary MARC for exporter.ranges after each record terminator (0x1D), on bytes,
    whatever each record's encoding (MARC-8 or UTF-8, per record). A record is regular when
    its leader's length is its length (or 99999, the length too long to say): the reader
    then takes it as one record, the same alone as in the file (iter_iso2709 splits at
    terminators and looks no further than one chunk); anything else is read whole."""

    terminator = RECORD_TERMINATOR

    def layout(self, head: bytes) -> bool:
        return head.lstrip(_BETWEEN)[:5].isdigit()  # a record length: each record is checked

    def regular_record(self, raw: bytes) -> bool:
        raw = raw.lstrip(_BETWEEN)
        declared = raw[:5]
        return declared.isdigit() and int(declared) in (len(raw), 99999)


class MARCReader(Reader):
    """MARC 21 in ISO 2709 ("binary MARC", .mrc): MARC-8 or UTF-8 per leader/09."""

    name = "marc"
    title = "MARC 21 bibliographic records (ISO 2709, MARC-8 or UTF-8)"
    reads_bytes: ClassVar[bool] = True  # MARC-8 is not UTF-8: the reader decodes the bytes
    # ... and so the text layer must hand every byte through (kept as surrogates, which
    # BytesView turns back into the bytes): a MARC-8 byte is not an encoding to guess
    legacy_encodings: ClassVar[bool] = False
    extensions = (".mrc", ".marc", ".iso2709")
    media_type = "application/marc"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        with _pymarc_messages() as messages:
            yield from self._read(stream, source, messages)

    @classmethod
    def record_splitter(cls) -> ISO2709Splitter:
        return ISO2709Splitter()

    def _read(self, stream: TextIO, source: str, messages: _Collect) -> Iterator[Record | Problem]:
        empty = True
        # a range of a file (exporter.ranges.read_range) says where its bytes are in the file
        base = getattr(getattr(stream, "buffer", None), "range_offset", 0)
        for number, offset, raw in iter_iso2709(stream):
            empty = False
            offset += base
            try:
                marc = decode_iso2709(raw)
                said = _drain(messages)
                if said:
                    yield Problem(source=source, record=number, severity="warning",
                                  reason=f"MARC record at byte {offset}{_record_name(marc)}: "
                                  + "; ".join(dict.fromkeys(said)))
            except ValueError as exc:
                _drain(messages)
                ident = re.search(rb"\x1e([^\x1e\x1d]{1,40})\x1e", raw[:4096])
                name = ""
                if ident and raw[24:27] == b"001":
                    name = f" (001 {ident.group(1).decode('utf-8', 'replace').strip()})"
                yield Problem(source=source, record=number, reason=f"MARC record at byte {offset}{name}: {exc}")
                continue
            yield _convert(marc, source, number)
        if empty:
            yield Problem(source=source, reason="no MARC records (the input is empty)")

    @classmethod
    def sniff(cls, head: str) -> bool:
        return bool(re.match(r"^\s*\d{5}[acdnp][a-z ]{3}[ a]22\d{5}", head)) and "\x1e" in head


class MARCXMLReader(Reader):
    """MARCXML (https://www.loc.gov/standards/marcxml/): a collection or a single record,
    namespaced or not, streamed (also MARCXML records inside OAI-PMH responses)."""

    name = "marcxml"
    title = "MARC 21 XML (MARCXML collection or record)"
    extensions = (".xml", ".marcxml")
    media_type = "application/marcxml+xml"

    @classmethod
    def record_splitter(cls) -> XMLSplitter:
        return XMLSplitter("collection", "record", needs=_MARC_PARTS)

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        number = 0
        try:
            for elem, _ in iter_elements(stream, MARCXML_RECORD):
                if isinstance(elem, Damaged):
                    number += 1
                    yield Problem(source=source, record=number, line=elem.line, reason=elem.reason)
                    continue
                if not any(isinstance(c.tag, str) and local_name(c.tag) in _MARC_PARTS for c in elem):
                    continue  # an OAI-PMH <record> around the MARC one (already read)
                number += 1
                try:
                    marc = marc_from_element(elem)
                except ValueError as exc:
                    yield Problem(source=source, record=number, reason=f"MARCXML record: {exc}")
                    continue
                yield _convert(marc, source, number)
        except XMLInputError as exc:
            yield Problem(source=source, record=number + 1, reason=str(exc))
            return
        if number == 0:
            yield Problem(source=source, reason="no MARCXML <record> elements")

    @classmethod
    def sniff(cls, head: str) -> bool:
        return "http://www.loc.gov/MARC21/slim" in head or bool(
            re.search(r"<(\w+:)?(collection|record)\b[^>]*>\s*<(\w+:)?leader>", head))


def marc_from_element(elem: Any) -> pymarc.Record:
    """A pymarc record from a MARCXML ``record`` element."""
    marc = pymarc.Record(force_utf8=True)
    fields = []
    for child in elem:
        name = local_name(child.tag)
        if name == "datafield":
            tag = child.get("tag", "")
            if not _TAG.fullmatch(tag):
                raise ValueError(f"a datafield has the tag {tag!r}")
            subs = [Subfield(s.get("code", ""), s.text or "") for s in child if local_name(s.tag) == "subfield"]
            get = child.get
            fields.append(Field(tag=tag, indicators=Indicators(get("ind1", " ")[:1] or " ", get("ind2", " ")[:1] or " "),
                                subfields=subs))
        elif name == "controlfield":
            fields.append(Field(tag=child.get("tag", ""), data=child.text or ""))
        elif name == "leader":
            text = (child.text or "")
            if len(text) != 24:
                raise ValueError(f"the leader has {len(text)} characters, not 24")
            marc.leader = pymarc.Leader(text)
    marc.fields = fields
    return marc


class MARCJSONReader(Reader):
    """MARC-in-JSON (https://web.archive.org/web/2020/http://dilettantes.code4lib.org/blog/2010/09/a-proposal-to-serialize-marc-in-json/,
    as pymarc and VuFind write it): one record, an array, or JSON lines."""

    name = "marc-json"
    title = "MARC-in-JSON records"
    extensions = (".json", ".jsonl")
    media_type = "application/marc+json"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        for item in iter_json(stream, source):
            if isinstance(item, Problem):
                yield item
                continue
            try:
                marc = marc_from_json(item.value)
            except ValueError as exc:
                yield Problem(source=source, record=item.number, line=item.line, reason=f"MARC-in-JSON record: {exc}")
                continue
            yield _convert(marc, source, item.number, item.line)

    @classmethod
    def record_splitter(cls) -> RecordSplitter:
        return JSONSplitter()  # what iter_json reads element by element: an array, JSON lines

    @classmethod
    def sniff(cls, head: str) -> bool:
        return bool(re.match(r'^\s*\[?\s*\{\s*"(leader|fields)"\s*:', head))


def marc_from_json(value: Any) -> pymarc.Record:
    if not isinstance(value, dict) or not isinstance(value.get("fields"), list):
        raise ValueError("not a MARC-in-JSON record (an object with 'leader' and a 'fields' list)")
    marc = pymarc.Record(force_utf8=True)
    leader = value.get("leader", "")
    if not isinstance(leader, str) or len(leader) != 24:
        raise ValueError("the leader is not a string of 24 characters")
    marc.leader = pymarc.Leader(leader)
    fields = []
    for entry in value["fields"]:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise ValueError("a field is not an object with one tag")
        ((tag, body),) = entry.items()
        if isinstance(body, str):
            fields.append(Field(tag=tag, data=body))
        elif isinstance(body, dict) and isinstance(body.get("subfields"), list):
            subs = []
            for sub in body["subfields"]:
                if not isinstance(sub, dict) or len(sub) != 1:
                    raise ValueError(f"field {tag}: a subfield is not an object with one code")
                ((code, text),) = sub.items()
                subs.append(Subfield(str(code), str(text)))
            fields.append(Field(tag=tag, indicators=Indicators(str(body.get("ind1", " "))[:1] or " ",
                                                               str(body.get("ind2", " "))[:1] or " "), subfields=subs))
        else:
            raise ValueError(f"field {tag} is neither a string nor an object with subfields")
    marc.fields = fields
    return marc


# -- writers --------------------------------------------------------------------------------


class _MARCWriterBase(Writer):
    carries: ClassVar[frozenset[str]] = CARRIES

    @staticmethod
    def carries_extra(key: str) -> bool:
        return _extra_ok(key)

    def lost(self, record: Record) -> list[str]:
        return lost_in_marc(record)

    def _marc_records(self, records: Iterable[Record], report: ProblemHandler) -> Iterator[pymarc.Record]:
        for number, record in enumerate(records, start=1):
            def warn(reason: str, number: int = number) -> None:
                report(Problem(source=self.name, record=number, reason=reason, severity="warning"))
            yield record_to_marc(record, warn)


class MARCWriter(_MARCWriterBase):
    """ISO 2709 records in UTF-8 (leader/09 "a"), one after another, and a final newline
    (text outputs end in one; readers that stop at the last record terminator ignore it)."""

    name = "marc"
    title = "MARC 21 (ISO 2709, UTF-8)"
    extensions = (".mrc",)
    media_type = "application/marc"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        wrote = False
        for number, marc in enumerate(self._marc_records(records, report), start=1):
            raw = marc.as_marc()
            if len(raw) > 99999 or any(len(f.as_marc("utf-8")) > 9999 for f in marc.fields):
                # ISO 2709 counts lengths in 5 (record) and 4 (field) digits: a longer
                # record cannot be written without corrupting its directory
                report(Problem(source=self.name, record=number, reason=(
                    f"the record is {len(raw)} bytes, longer than ISO 2709 can hold (99999 bytes, "
                    "9999 a field): not written; MARCXML and MARC-in-JSON can hold it")))
                continue
            stream.write(raw.decode("utf-8"))
            wrote = True
        if wrote:
            stream.write("\n")


class MARCXMLWriter(_MARCWriterBase):
    """A MARCXML collection; characters XML 1.0 forbids are replaced and reported. No
    records: no output."""

    name = "marcxml"
    title = "MARC 21 XML (MARCXML collection)"
    extensions = (".marcxml.xml",)
    media_type = "application/marcxml+xml"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        started = False
        for number, marc in enumerate(self._marc_records(records, report), start=1):
            if not started:
                stream.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                             f'<collection xmlns="{MARCXML_NS}">\n')
                started = True
            esc = Escaper()
            stream.write(marcxml_record(marc, esc))
            if esc.replaced:
                report(Problem(source=self.name, record=number, severity="warning",
                               reason=f"{esc.replaced} character(s) XML 1.0 forbids replaced by U+FFFD"))
        if started:
            stream.write("</collection>\n")


class MARCJSONWriter(_MARCWriterBase):
    """MARC-in-JSON, one record per line (JSON lines)."""

    name = "marc-json"
    title = "MARC-in-JSON (one record per line)"
    extensions = (".marc.jsonl",)
    media_type = "application/marc+json"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        for marc in self._marc_records(records, report):
            stream.write(json.dumps(marc.as_dict(), ensure_ascii=False) + "\n")
