"""MODS 3.8 (Metadata Object Description Schema) reader and writer, and OAI-DC writer.

Specs: MODS 3.8, https://www.loc.gov/standards/mods/mods-outline-3-8.html (schema
https://www.loc.gov/standards/mods/v3/mods-3-8.xsd); the MARC mapping
https://www.loc.gov/standards/mods/mods-mapping.html gives the element for each MARC field
of :mod:`.marc`. OAI-DC: http://www.openarchives.org/OAI/2.0/oai_dc.xsd (Dublin Core as
OAI-PMH serves it; the DC elements https://www.dublincore.org/specifications/dublin-core/dces/).

Original-script forms (``Record.original_script``, MARC 880) are ``altRepGroup`` pairs of
the element and its form with ``script`` (and, for titles and texts, ``lang``), written and
read back. The reader reads what MODS shares with MARC as the MARC reader reads it
(partNumber/partName as 245 $n/$p, transcribed dates as 260 $c, relators and names of the
imprint), and GovInfo's congressional collections (``extension/collectionCode``) as types.

The writers escape for XML 1.0 (:mod:`.xmlutil`): forbidden characters are replaced and
reported. No records: no output (an empty file, as the other writers give).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, TextIO

from ..model import Container, Contributor, DateValue, Identifier, Link, Provenance, Record, Rights, Subject
from ..normalize.dates import parse_date
from ..normalize.languages import to_bcp47
from ..normalize.names import parse_inverted
from ..normalize.pages import split_pages
from ..plugins import Reader, Writer
from ..problems import Problem, ProblemHandler, raise_problem
from .marc import _MARC_LANGUAGE, _RELATOR_OF_ROLE, _ROLE_OF, catalogue_date, date_with_year, imprint_only, title_with_parts
from .xmlutil import Escaper, XMLSplitter, local_name, read_xml_records

MODS_NS = "http://www.loc.gov/mods/v3"

#: record type -> (typeOfResource, genre authority="marcgt"); read back by genre first
MODS_TYPES: tuple[tuple[str, str, str], ...] = (
    ("article-journal", "text", "journal article"), ("article-magazine", "text", "magazine article"),
    ("article-newspaper", "text", "newspaper article"), ("chapter", "text", "book chapter"),
    ("book", "text", "book"), ("thesis", "text", "thesis"), ("report", "text", "technical report"),
    ("paper-conference", "text", "conference publication"), ("periodical", "text", "periodical"),
    ("webpage", "text", "web site"), ("dataset", "software, multimedia", "database"),
    ("software", "software, multimedia", "computer program"), ("map", "cartographic", "map"),
    ("musical_score", "notated music", "score"), ("motion_picture", "moving image", "motion picture"),
    ("song", "sound recording", "sound"), ("graphic", "still image", "picture"),
    ("manuscript", "text", "manuscript"), ("patent", "text", "patent"),
    ("legislation", "text", "legislation"), ("legal_case", "text", "law report or digest"),
    ("standard", "text", "standard or specification"), ("document", "text", "document"),
)
_TYPE_OF_GENRE = {genre: rtype for rtype, _, genre in MODS_TYPES}
_TYPE_OF_GENRE.update({"article": "article-journal", "academic journal": "periodical",
                       "journal": "periodical", "dissertation": "thesis", "letter": "personal_communication",
                       "encyclopedia": "book", "newspaper": "periodical", "web page": "webpage",
                       "conference paper": "paper-conference", "video recording": "motion_picture",
                       "videorecording": "motion_picture", "sound recording": "song", "bookSection": "chapter"})
_TYPE_OF_RESOURCE = {"cartographic": "map", "notated music": "musical_score", "moving image": "motion_picture",
                     "sound recording": "song", "sound recording-musical": "song",
                     "sound recording-nonmusical": "song", "still image": "graphic",
                     "software, multimedia": "software"}
_WRITE_TYPE = {rtype: (res, genre) for rtype, res, genre in MODS_TYPES}
#: GovInfo's MODS (https://www.govinfo.gov/bulkdata, ``extension/collectionCode``): the
#: collection says the type where the genre says only "government publication"
#: (collections: https://www.govinfo.gov/app/collection)
GOVINFO_COLLECTIONS = {"BILLS": "bill", "CHRG": "hearing", "PLAW": "legislation", "STATUTE": "legislation",
                       "USCODE": "legislation", "COMPS": "legislation", "CFR": "regulation",
                       "FR": "regulation", "CRPT": "report", "USCOURTS": "legal_case"}

MODS_IDS = {"doi": "doi", "isbn": "isbn", "issn": "issn", "eissn": "issn", "pmid": "pmid",
            "pmcid": "pmcid", "oclc": "oclc", "lccn": "lccn", "handle": "hdl", "urn": "urn",
            "uri": "uri", "arxiv": "arxiv", "ismn": "ismn", "isrc": "isrc"}
_SCHEME_OF_ID = {v: k for k, v in MODS_IDS.items() if k != "eissn"}

MODS_CARRIES = frozenset({
    "title", "subtitle", "short_title", "original_title", "part", "part_title",
    *(f"contributor:{r}" for r in _RELATOR_OF_ROLE), "contributor:orcid", "contributor:affiliation",
    "date:issued", "date:issued:day", "date:issued:qualifier", "publisher", "place", "edition", "physical_description",
    "series", "series_number", "notes", "abstract", "subject", "subject:scheme", "language",
    "container:title", "container:volume", "container:issue", "container:pages", "link", "link:more",
    "rights:statement", "call_number", "genre", "references", "key",
    *(f"id:{s}" for s in MODS_IDS), "provenance", "original_script",
})


_NOT_IN_URI = re.compile(r'[\s<>"{}|\\^`\[\]]|%(?![0-9A-Fa-f]{2})')


def uri_value(url: str) -> str:
    """A URL as xs:anyURI accepts it (RFC 3986): spaces, ``<>"{}|\\^[]``, backquotes and a
    ``%`` that starts no escape are percent-encoded; a valid URL is unchanged."""
    return _NOT_IN_URI.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), url.strip())


def _t(esc: Escaper, value: str) -> str:
    return esc.text(value.strip())


# -- alternate-script forms (Record.original_script) ----------------------------------------
#
# MODS 3.8 pairs an element with its form in another script by a shared ``altRepGroup``
# value; the alternate says its ``script`` (ISO 15924) and ``lang`` (ISO 639-2/B)
# (https://www.loc.gov/standards/mods/userguide/generalapp.html#list, "altRepGroup"; the
# MARC-to-MODS mapping turns each 880 into such an alternate). The main form is the element
# in Latin script (no ``script``, or ``Latn``), as MARC keeps the transliteration in the
# regular field and the original script in 880.

#: original_script facet -> (the MODS element holding it, whether the record has that
#: element, whether the alternate says the record's language)
ALT_REP_FACETS: dict[str, tuple[str, Callable[[Record], bool], bool]] = {
    "title": ("titleInfo", lambda r: True, True),
    "original_title": ("titleInfo:uniform", lambda r: bool(r.original_title and r.original_title.strip()), True),
    "publisher": ("originInfo", lambda r: _has_origin(r), False),
    "place": ("originInfo", lambda r: _has_origin(r), False),
    "edition": ("originInfo", lambda r: _has_origin(r), False),
    "abstract": ("abstract", lambda r: bool(r.abstract and r.abstract.strip()), True),
    "references": ("note:bibliography", lambda r: bool(r.references and r.references.strip()), True),
    "series": ("series", lambda r: bool(r.series and r.series.strip()), True),
}
#: the child element of an alternate originInfo for each facet, and back
_ORIGIN_CHILD = {"publisher": "publisher", "place": "place", "edition": "edition"}


def _has_origin(r: Record) -> bool:
    return any(v and v.strip() for v in (r.place, r.publisher, r.edition)) or r.issued is not None


def _alt_element(r: Record, facet: str) -> tuple[str, bool] | None:
    """(element key, with language) for an original-script facet the MODS record holds."""
    if facet.startswith("contributor:") and facet[12:].isdigit():
        return (f"name:{facet[12:]}", False) if int(facet[12:]) < len(r.contributors) else None
    row = ALT_REP_FACETS.get(facet)
    return (row[0], row[2]) if row is not None and row[1](r) else None


#: Unicode script (the first word of a character's name) -> ISO 15924 code
SCRIPT_CODES = {"LATIN": "Latn", "CJK": "Hani", "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "HANGUL": "Kore",
                "CYRILLIC": "Cyrl", "GREEK": "Grek", "ARABIC": "Arab", "HEBREW": "Hebr", "DEVANAGARI": "Deva",
                "BENGALI": "Beng", "TAMIL": "Taml", "THAI": "Thai", "ARMENIAN": "Armn", "GEORGIAN": "Geor",
                "ETHIOPIC": "Ethi", "SYRIAC": "Syrc", "TIBETAN": "Tibt"}
#: a script that, anywhere in the text, names the whole (kana and Han are Japanese)
_SCRIPT_WINS = ("Jpan", "Kore")


def script_of(text: str) -> str | None:
    """The ISO 15924 code of the script ``text`` is written in, from its letters."""
    import unicodedata

    found: list[str] = []
    for ch in text:
        if ch.isalpha():
            code = SCRIPT_CODES.get(unicodedata.name(ch, "").split(" ")[0])
            if code and code not in found:
                found.append(code)
    return next((c for c in _SCRIPT_WINS if c in found), found[0] if found else None)


class _AltReps:
    """The altRepGroup of each MODS element that has an original-script form, numbered in
    the order of Record.original_script (the reader gives them back in that order)."""

    def __init__(self, r: Record, esc: Escaper) -> None:
        self.esc = esc
        self.group: dict[str, str] = {}
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self.lang: dict[str, bool] = {}
        self.language = _MARC_LANGUAGE.get(r.language or "", r.language or "")
        for facet, text in r.original_script:
            placed = _alt_element(r, facet)
            if placed is None or not text.strip():
                continue
            key, with_lang = placed
            self.group.setdefault(key, f"{len(self.group) + 1:02d}")
            self.forms.setdefault(key, []).append((facet, text))
            self.lang[key] = with_lang

    def attr(self, key: str) -> str:
        return f' altRepGroup="{self.group[key]}"' if key in self.group else ""

    def alt_attrs(self, key: str, text: str) -> str:
        """The attributes of the alternate element: its group, script and language."""
        script = script_of(text)
        out = self.attr(key) + (f' script="{script}"' if script else "")
        if self.lang.get(key) and len(self.language) == 3 and self.language.isalpha():
            out += f' lang="{self.esc.attr(self.language)}"'
        return out

    def texts(self, key: str) -> list[tuple[str, str]]:
        return self.forms.get(key, [])


def mods_record(r: Record, esc: Escaper, indent: str = "  ") -> str:
    out: list[str] = [f'{indent}<mods version="3.8">']

    def el(name: str, value: str | None, attrs: str = "", level: int = 1) -> None:
        if value and value.strip():
            out.append(f"{indent}{'  ' * level}<{name}{attrs}>{_t(esc, value)}</{name}>")

    alt = _AltReps(r, esc)

    def alternates(key: str, element: str, inner: str, attrs: str = "", level: int = 1) -> None:
        """The original-script forms of the element ``key``, each as ``element`` holding
        ``inner`` (an element name) with the text."""
        for _, text in alt.texts(key):
            out.append(f"{indent}{'  ' * level}<{element}{attrs}{alt.alt_attrs(key, text)}>"
                       f"<{inner}>{_t(esc, text)}</{inner}></{element}>")

    out.append(f"{indent}  <titleInfo{alt.attr('titleInfo')}>")
    el("title", r.title, level=2)
    el("subTitle", r.subtitle, level=2)
    el("partNumber", r.part, level=2)
    el("partName", r.part_title, level=2)
    out.append(f"{indent}  </titleInfo>")
    alternates("titleInfo", "titleInfo", "title")
    if r.short_title:
        out.append(f'{indent}  <titleInfo type="abbreviated"><title>{_t(esc, r.short_title)}</title></titleInfo>')
    if r.original_title:
        out.append(f'{indent}  <titleInfo type="uniform"{alt.attr("titleInfo:uniform")}><title>{_t(esc, r.original_title)}</title></titleInfo>')
        alternates("titleInfo:uniform", "titleInfo", "title", ' type="uniform"')
    for index, c in enumerate(r.contributors):
        kind = "corporate" if c.literal is not None else "personal"
        out.append(f'{indent}  <name type="{kind}"{alt.attr(f"name:{index}")}>')
        if c.literal is not None:
            el("namePart", c.literal, level=2)
        else:
            family = " ".join(p for p in (c.particle, c.family) if p)
            el("namePart", family, ' type="family"', 2)
            el("namePart", " ".join(p for p in (c.given, c.dropping_particle) if p), ' type="given"', 2)
            el("namePart", c.suffix, ' type="termsOfAddress"', 2)
        for a in c.affiliations:
            el("affiliation", a, level=2)
        if c.orcid:
            el("nameIdentifier", c.orcid, ' type="orcid"', 2)
        code, term = _RELATOR_OF_ROLE.get(c.role, ("ctb", "contributor"))
        out.append(f'{indent}    <role><roleTerm type="text" authority="marcrelator">{esc.text(term)}</roleTerm>'
                   f'<roleTerm type="code" authority="marcrelator">{code}</roleTerm></role>')
        out.append(f"{indent}  </name>")
        alternates(f"name:{index}", "name", "namePart", f' type="{kind}"')
    for key, value in r.extra:
        if key == "mods:imprint-name" and value.strip():  # read from a name whose role is the imprint's
            out.append(f'{indent}  <name type="corporate"><namePart>{_t(esc, value)}</namePart><role>'
                       '<roleTerm type="text" authority="marcrelator">publisher</roleTerm>'
                       '<roleTerm type="code" authority="marcrelator">pbl</roleTerm></role></name>')
    resource, genre = _WRITE_TYPE.get(r.type, ("text", None)) if r.type in _WRITE_TYPE else ("text", None)
    out.append(f"{indent}  <typeOfResource>{resource}</typeOfResource>")
    el("genre", genre or r.type, ' authority="marcgt"' if genre else ' authority="csl"')
    if r.genre:
        el("genre", r.genre, ' type="degree"')
    if r.place or r.publisher or r.issued or r.edition:
        opened = len(out)
        out.append(f"{indent}  <originInfo{alt.attr('originInfo')}>")
        if r.place and r.place.strip():
            out.append(f'{indent}    <place><placeTerm type="text">{_t(esc, r.place)}</placeTerm></place>')
        el("publisher", r.publisher, level=2)
        if r.issued:
            iso = r.issued.iso()
            el("dateIssued", iso or r.issued.literal, ' encoding="edtf"' if iso else "", 2)
        el("edition", r.edition, level=2)
        if len(out) == opened + 1:
            del out[opened]  # only blank values: no element
        else:
            out.append(f"{indent}  </originInfo>")
            forms = alt.texts("originInfo")
            if forms:
                children = "".join(
                    f'<place><placeTerm type="text">{_t(esc, text)}</placeTerm></place>' if facet == "place"
                    else f"<{_ORIGIN_CHILD[facet]}>{_t(esc, text)}</{_ORIGIN_CHILD[facet]}>" for facet, text in forms)
                out.append(f"{indent}  <originInfo{alt.alt_attrs('originInfo', forms[0][1])}>{children}</originInfo>")
    if r.language:
        out.append(f'{indent}  <language><languageTerm type="code" authority="rfc5646">{_t(esc, r.language)}</languageTerm></language>')
    if r.physical_description:
        out.append(f"{indent}  <physicalDescription><extent>{_t(esc, r.physical_description)}</extent></physicalDescription>")
    el("abstract", r.abstract, alt.attr("abstract"))
    for _, text in alt.texts("abstract"):
        el("abstract", text, alt.alt_attrs("abstract", text))
    for note in r.notes:
        el("note", note)
    el("note", r.references, ' type="bibliography"' + alt.attr("note:bibliography"))
    for _, text in alt.texts("note:bibliography"):
        el("note", text, ' type="bibliography"' + alt.alt_attrs("note:bibliography", text))
    for s in dict.fromkeys(r.subjects):  # one of each, as the reader keeps them
        if s.term.strip():
            auth = f' authority="{esc.attr(s.scheme)}"' if s.scheme else ""
            out.append(f"{indent}  <subject{auth}><topic>{_t(esc, s.term)}</topic></subject>")
    el("classification", r.call_number)
    c = r.container
    if c and any(v and v.strip() for v in (c.title, c.volume, c.issue, c.page_range)):
        out.append(f'{indent}  <relatedItem type="host">')
        if c.title and c.title.strip():
            out.append(f"{indent}    <titleInfo><title>{_t(esc, c.title)}</title></titleInfo>")
        out.append(f"{indent}    <part>")
        for kind, value in (("volume", c.volume), ("issue", c.issue)):
            if value and value.strip():
                out.append(f'{indent}      <detail type="{kind}"><number>{_t(esc, value)}</number></detail>')
        if c.page_start and c.page_start.strip():
            out.append(f'{indent}      <extent unit="pages"><start>{_t(esc, c.page_start)}</start>'
                       + (f"<end>{_t(esc, c.page_end)}</end>" if c.page_end and c.page_end.strip() else "") + "</extent>")
        elif c.pages and c.pages.strip():
            out.append(f'{indent}      <extent unit="pages"><list>{_t(esc, c.pages)}</list></extent>')
        out.append(f"{indent}    </part>")
        out.append(f"{indent}  </relatedItem>")
    if r.series and r.series.strip():
        out.append(f'{indent}  <relatedItem type="series"><titleInfo{alt.attr("series")}><title>{_t(esc, r.series)}</title>'
                   + (f"<partNumber>{_t(esc, r.series_number)}</partNumber>" if r.series_number and r.series_number.strip() else "")
                   + "</titleInfo>"
                   + "".join(f'<titleInfo{alt.alt_attrs("series", text)}><title>{_t(esc, text)}</title></titleInfo>'
                             for _, text in alt.texts("series"))
                   + "</relatedItem>")
    for ident in r.identifiers:
        el("identifier", ident.value, f' type="{MODS_IDS.get(ident.scheme, esc.attr(ident.scheme))}"')
    if r.links:
        out.append(f"{indent}  <location>")
        for link in r.links:
            if link.url.strip():
                note = f' note="{esc.attr(link.relation)}"' if link.relation else ""
                out.append(f"{indent}    <url{note}>{_t(esc, uri_value(link.url))}</url>")
        out.append(f"{indent}  </location>")
    if r.rights and r.rights.statement:
        el("accessCondition", r.rights.statement, ' type="use and reproduction"')
    if r.key and r.key.strip():
        out.append(f"{indent}  <recordInfo><recordIdentifier>{_t(esc, r.key)}</recordIdentifier></recordInfo>")
    out.append(f"{indent}</mods>")
    return "\n".join(out) + "\n"


class _XMLWriter(Writer):
    root_open: ClassVar[str] = ""
    root_close: ClassVar[str] = ""

    def one(self, record: Record, esc: Escaper) -> str:
        raise NotImplementedError

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        started = False
        for number, record in enumerate(records, start=1):
            if not started:
                stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + self.root_open + "\n")
                started = True
            esc = Escaper()
            stream.write(self.one(record, esc))
            if esc.replaced:
                report(Problem(source=self.name, record=number, severity="warning",
                               reason=f"{esc.replaced} character(s) XML 1.0 forbids replaced by U+FFFD"))
        if started:
            stream.write(self.root_close + "\n")


class MODSWriter(_XMLWriter):
    """A MODS 3.8 ``modsCollection``."""

    name = "mods"
    title = "MODS 3.8 (Metadata Object Description Schema)"
    extensions = (".mods.xml", ".xml")
    media_type = "application/mods+xml"
    carries: ClassVar[frozenset[str]] = MODS_CARRIES
    root_open = f'<modsCollection xmlns="{MODS_NS}">'
    root_close = "</modsCollection>"

    @staticmethod
    def carries_extra(key: str) -> bool:
        return key == "mods:imprint-name"

    def lost(self, record: Record) -> list[str]:
        """As ``carries`` says, and the original-script forms when one of them has no
        element to pair with (a facet MODS has no element for, or one the record lacks)."""
        out = super().lost(record)
        if any(_alt_element(record, facet) is None for facet, text in record.original_script if text.strip()):
            out = sorted({*out, "original_script"})
        return out

    def one(self, record: Record, esc: Escaper) -> str:
        return mods_record(record, esc)


# -- reading --------------------------------------------------------------------------------


def _children(elem: Any, name: str) -> list[Any]:
    return [c for c in elem if local_name(c.tag) == name]


def _text(elem: Any) -> str | None:
    if elem is None:
        return None
    text = "".join(elem.itertext()).strip()
    return text or None


def _child_text(elem: Any, name: str) -> str | None:
    for c in _children(elem, name):
        t = _text(c)
        if t:
            return t
    return None


class _AltForms:
    """The altRepGroups among an element's children: the alternate forms, which the reader
    passes over, and the alternates of each main form (the one in Latin script)."""

    def __init__(self, parent: Any) -> None:
        groups: dict[tuple[str, str], list[Any]] = {}
        for c in parent:
            group = c.get("altRepGroup") if isinstance(c.tag, str) else None
            if group and group.strip():
                groups.setdefault((local_name(c.tag), group.strip()), []).append(c)
        self.parent = parent
        self._held = groups  # the elements stay referenced, so their ids stay theirs
        self.skip: set[int] = set()
        self.of: dict[int, tuple[str, list[Any]]] = {}
        for (_, group), members in groups.items():
            if len(members) < 2:
                continue
            main = next((c for c in members if (c.get("script") or "Latn") == "Latn"), members[0])
            others = [c for c in members if c is not main]
            self.skip.update(id(c) for c in others)
            self.of[id(main)] = (group, others)

    def children(self, name: str) -> list[Any]:
        """The children named ``name`` that are not alternate forms."""
        return [c for c in _children(self.parent, name) if id(c) not in self.skip]

    def forms(self, main: Any, facet: str, text_of: Callable[[Any], str | None],
              out: list[tuple[tuple[int, int], str, str]]) -> None:
        """The original-script forms of ``main`` as ``facet``, into ``out`` with their sort
        key (the group number: the writer numbers them in Record.original_script order)."""
        group, others = self.of.get(id(main), ("", []))
        order = int(group) if group.isdigit() else 10 ** 6
        for position, other in enumerate(others):
            text = text_of(other)
            if text:
                out.append(((order, position), facet, text))


def _alt_title(ti: Any) -> str | None:
    title, sub = _child_text(ti, "title"), _child_text(ti, "subTitle")
    return f"{title} : {sub}" if title and sub else title or sub


def _alt_name(n: Any) -> str | None:
    return ", ".join(t for t in (_text(p) for p in _children(n, "namePart") if p.get("type") != "date") if t) or None


def _alt_origin(oi: Any, out: list[tuple[tuple[int, int], str, str]], key: tuple[int, int]) -> None:
    for position, c in enumerate(oi):
        name = local_name(c.tag) if isinstance(c.tag, str) else ""
        text = (next((_text(t) for t in _children(c, "placeTerm") if t.get("type") != "code"), None)
                if name == "place" else _text(c) if name in ("publisher", "edition") else None)
        if text:
            out.append(((key[0], key[1] * 100 + position), name, text))


def mods_to_record(m: Any) -> Record:
    slots: dict[str, Any] = {}
    alt = _AltForms(m)
    top = alt.children
    originals: list[tuple[tuple[int, int], str, str]] = []
    for ti in top("titleInfo"):
        kind = ti.get("type")
        slot = {"abbreviated": "short_title", "uniform": "original_title", "translated": None,
                "alternative": None}.get(kind or "", "title")
        if slot is None or slot in slots:
            continue
        title = _child_text(ti, "title")
        nonsort = _child_text(ti, "nonSort")
        if nonsort and title:
            title = f"{nonsort} {title}" if not nonsort.endswith((" ", "'")) else nonsort + title
        if slot == "title":
            # partNumber and partName are MARC 245 $n and $p: read as the MARC reader reads them
            slots["title"], slots["subtitle"] = title_with_parts(
                title, [_text(c) for c in _children(ti, "partNumber")],
                [_text(c) for c in _children(ti, "partName")], _child_text(ti, "subTitle"))
        else:
            slots[slot] = title
        if slot in ("title", "original_title"):
            alt.forms(ti, slot, _alt_title, originals)
    contributors: list[Contributor] = []
    extra: list[tuple[str, str]] = []
    for n in top("name"):
        person = _name(n, extra)
        if person is not None:
            contributors.append(person)
            alt.forms(n, f"contributor:{len(contributors) - 1}", _alt_name, originals)
    rtype = None
    degree = None
    for g in top("genre"):
        text = (_text(g) or "")
        if g.get("type") == "degree":
            degree = text
        elif rtype is None:
            rtype = _TYPE_OF_GENRE.get(text.lower()) or (text if g.get("authority") == "csl" else None)
    from_genre = rtype is not None
    if rtype is None:
        rtype = next((GOVINFO_COLLECTIONS[c] for e in top("extension")
                      for c in (_child_text(e, "collectionCode"),) if c in GOVINFO_COLLECTIONS), None)
        from_genre = rtype is not None
    if rtype is None:
        res = next((_text(t) for t in top("typeOfResource") if _text(t)), None)
        rtype = _TYPE_OF_RESOURCE.get(res or "", "book" if res == "text" else "document")
    container = None
    series = series_number = None
    for ri in top("relatedItem"):
        ri_alt = _AltForms(ri)
        titles = ri_alt.children("titleInfo")
        title = next((_child_text(t, "title") for t in titles), None)
        if ri.get("type") == "host" and container is None:
            fields: dict[str, str | None] = {"title": title}
            for part in _children(ri, "part"):
                for d in _children(part, "detail"):
                    if d.get("type") in ("volume", "issue"):
                        fields[d.get("type")] = _child_text(d, "number")
                for e in _children(part, "extent"):
                    start, end, lst = _child_text(e, "start"), _child_text(e, "end"), _child_text(e, "list")
                    if start:
                        fields["page_start"], fields["page_end"] = start, end
                    elif lst:
                        s, e2, whole = split_pages(lst)
                        fields.update(page_start=s, page_end=e2, pages=whole)
                for d in _children(part, "date"):
                    slots.setdefault("issued", parse_date(_text(d)))
            container = Container(**fields)  # type: ignore[arg-type]
            if rtype == "book" and title and not from_genre:
                # a text with a host item and no genre: an article when the host is a
                # serial (its genre, or issuance "continuing"), a chapter when the host is
                # a monograph; else (a volume of a multipart work) still a book
                host_genre = " ".join((_text(g) or "").lower() for g in _children(ri, "genre"))
                issuance = " ".join((_child_text(oi, "issuance") or "") for oi in _children(ri, "originInfo"))
                serial = any(w in host_genre for w in ("journal", "periodical", "serial", "newspaper")) \
                    or "continuing" in issuance or "serial" in issuance
                book = "monographic" in issuance or "book" in host_genre
                rtype = "article-journal" if serial else "chapter" if book else rtype
        elif ri.get("type") == "series" and series is None:
            series = title
            series_number = next((_child_text(t, "partNumber") for t in titles), None)
            if titles:
                ri_alt.forms(titles[0], "series", _alt_title, originals)
    for oi in top("originInfo"):
        group, others = alt.of.get(id(oi), ("", []))
        for position, other in enumerate(others):
            _alt_origin(other, originals, (int(group) if group.isdigit() else 10 ** 6, position))
        for p in _children(oi, "place"):
            for pt in _children(p, "placeTerm"):
                if pt.get("type") != "code":
                    slots.setdefault("place", _text(pt))
        slots.setdefault("publisher", _child_text(oi, "publisher"))
        slots.setdefault("edition", _child_text(oi, "edition"))
    # the date of issue wins over the date of creation, whichever originInfo holds it; of
    # each, the encoded form (w3cdtf, marc, ...) over the transcribed one ("c1984")
    if not slots.get("issued"):
        slots["issued"] = _origin_date(top)
    language = None
    for lang in top("language"):
        for lt in _children(lang, "languageTerm"):
            language = language or to_bcp47(_text(lt))
    physical = next((_child_text(p, "extent") for p in top("physicalDescription")), None)
    notes = []
    references = None
    for n in top("note"):
        if n.get("type") == "bibliography" and references is None:
            references = _text(n)
            alt.forms(n, "references", _text, originals)
        elif _text(n):
            notes.append(_text(n))
    subjects = []
    for s in top("subject"):
        terms = [_text(c) for c in s if _text(c)]
        if terms:
            subj = Subject(" -- ".join(terms), s.get("authority"))  # type: ignore[arg-type]
            if subj not in subjects:
                subjects.append(subj)
    identifiers = []
    for i in top("identifier"):
        value = _text(i)
        if value:
            ident = Identifier(_SCHEME_OF_ID.get(i.get("type") or "", i.get("type") or "local"), value)
            if ident not in identifiers:
                identifiers.append(ident)
    links = []
    for loc in top("location"):
        for u in _children(loc, "url"):
            if _text(u):
                links.append(Link(_text(u), u.get("note")))  # type: ignore[arg-type]
    if "publisher" not in slots or not slots["publisher"]:
        # a publisher named only as a name: the record's publisher
        named = [v for k, v in extra if k == "mods:imprint-name"]
        if named:
            slots["publisher"] = named[0]
            extra.remove(("mods:imprint-name", named[0]))
    abstract = next((a for a in top("abstract") if _text(a)), None)
    if abstract is not None:
        alt.forms(abstract, "abstract", _text, originals)
    rights = next((_text(t) for t in top("accessCondition") if _text(t)), None)
    key = next((_child_text(ri, "recordIdentifier") for ri in top("recordInfo")), None)
    if not slots.get("title") and not contributors:
        raise ValueError("a MODS record without titleInfo/title or name")
    return Record(
        type=rtype, contributors=tuple(contributors), container=container,
        series=series, series_number=series_number, language=language,
        physical_description=physical, abstract=_text(abstract), notes=tuple(notes),
        references=references, subjects=tuple(subjects), identifiers=tuple(identifiers),
        links=tuple(links), rights=Rights(statement=rights) if rights else None,
        call_number=next((_text(t) for t in top("classification") if _text(t)), None), genre=degree, key=key,
        provenance=Provenance(record_format="MODS"), extra=tuple(extra),
        original_script=tuple((facet, text) for _, facet, text in sorted(originals, key=lambda o: o[0])),
        **{k: v for k, v in slots.items() if v is not None},
    )


def _name(n: Any, extra: list[tuple[str, str]]) -> Contributor | None:
    """The contributor a MODS name is, or None (no name; a name of the imprint, kept in
    ``extra``)."""
    roles = [(_text(t) or "").lower().rstrip(".") for r in _children(n, "role") for t in _children(r, "roleTerm")]
    # no role: the name is the item's author (as Zotero reads MODS); a role we have no
    # slot for ("committee member", "associated name") is not authorship
    role = next((_ROLE_OF[x] for x in roles if x in _ROLE_OF), "contributor" if any(roles) else "author")
    parts: dict[str | None, str | None] = {}
    for p in _children(n, "namePart"):
        text = _text(p)
        key = p.get("type")
        # untyped parts of a corporate name are its hierarchy ("Library of Congress",
        # "Music Division."): joined as Zotero's MODS translator joins them
        parts[key] = f"{parts[key]}: {text}" if parts.get(key) and text else parts.get(key) or text
    orcid = next((_text(i) for i in _children(n, "nameIdentifier") if i.get("type") == "orcid"), None)
    affiliations = tuple(t for t in (_text(a) for a in _children(n, "affiliation")) if t)
    if imprint_only(roles):
        # the publisher or distributor named again: the imprint's, not a contributor
        whole = parts.get(None) or ". ".join(v for v in parts.values() if v)
        if whole:
            extra.append(("mods:imprint-name", whole))
        return None
    if n.get("type") in ("corporate", "conference") or (None in parts and not parts.get("family")):
        whole = parts.get(None) or ". ".join(v for v in parts.values() if v)
        if not whole:
            return None
        if n.get("type") == "personal":  # "Holberg, Ludvig" or "Roger F. Wicker"
            person = parse_inverted(whole, role)[0]
            return Contributor(family=person.family, given=person.given, particle=person.particle,
                               suffix=person.suffix, role=role, orcid=orcid, affiliations=affiliations)
        return Contributor(literal=whole, role=role, orcid=orcid, affiliations=affiliations)
    family = parts.get("family")
    person = parse_inverted(f"{family}, x", role)[0] if family else None
    return Contributor(family=person.family if person else None, particle=person.particle if person else None,
                       given=parts.get("given"), suffix=parts.get("termsOfAddress"),
                       role=role, orcid=orcid, affiliations=affiliations)

#: originInfo dates by precedence (the date of issue first)
_DATE_ELEMENTS = ("dateIssued", "dateCreated", "copyrightDate")


def _origin_date(top: Callable[[str], list[Any]]) -> DateValue | None:
    """The item's date from its originInfo: by :data:`_DATE_ELEMENTS`, an encoded date
    (the start of a range, not its end) before a transcribed one, which is read as a
    catalogue transcribes dates (:func:`.marc.catalogue_date`: "c1984" is 1984)."""
    for name in _DATE_ELEMENTS:
        dates = [d for oi in top("originInfo") for d in _children(oi, name)
                 if _text(d) and d.get("point") != "end"]
        for d in sorted(dates, key=lambda d: d.get("encoding") is None):
            value = _text(d) or ""
            parsed = date_with_year(value) if d.get("encoding") else catalogue_date(value)
            if parsed is not None:
                return parsed
    return None


class MODSReader(Reader):
    """MODS records (``mods`` elements, in a ``modsCollection`` or alone), streamed."""

    name = "mods"
    title = "MODS (Metadata Object Description Schema) 3.x"
    extensions = (".mods", ".xml")
    media_type = "application/mods+xml"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        yield from read_xml_records(stream, source, frozenset({"mods"}), mods_to_record, "MODS")

    @classmethod
    def record_splitter(cls) -> XMLSplitter:
        return XMLSplitter("modsCollection", "mods")

    @classmethod
    def sniff(cls, head: str) -> bool:
        return MODS_NS in head or "<mods " in head or "<modsCollection" in head


# -- OAI-DC ---------------------------------------------------------------------------------

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_CARRIES = frozenset({"title", "subtitle", *(f"contributor:{r}" for r in _RELATOR_OF_ROLE),
                            "subject", "abstract", "publisher", "date:issued", "date:issued:day", "date:issued:qualifier",
                            "language", "physical_description", "rights:statement", "rights:license",
                            "link", "link:more", "container:title", "series", "id:*"})


def oai_dc_record(r: Record, esc: Escaper) -> str:
    out = [f'  <oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}">']

    def dc(name: str, value: str | None) -> None:
        if value and value.strip():
            out.append(f"    <dc:{name}>{_t(esc, value)}</dc:{name}>")

    dc("title", r.full_title)
    for c in r.contributors:
        dc("creator" if c.role == "author" else "contributor", c.sort_name())
    for s in r.subjects:
        dc("subject", s.term)
    dc("description", r.abstract)
    dc("publisher", r.publisher)
    dc("date", r.issued.iso() or r.issued.literal if r.issued else None)
    dc("type", r.type)
    dc("format", r.physical_description)
    for ident in r.identifiers:
        dc("identifier", f"{ident.scheme}:{ident.value}" if ident.scheme not in ("doi",) else f"https://doi.org/{ident.value}")
    for link in r.links:
        dc("identifier", link.url)
    if r.container and r.container.title:
        dc("source", r.container.title)
    dc("relation", r.series)
    dc("language", r.language)
    if r.rights:
        dc("rights", r.rights.statement)
        dc("rights", r.rights.license_url or r.rights.license_name)
    out.append("  </oai_dc:dc>")
    return "\n".join(out) + "\n"


class OAIDCWriter(_XMLWriter):
    """Dublin Core records as OAI-PMH serves them (``oai_dc:dc``), inside one ``collection``
    element so that several records are one XML document."""

    name = "oai-dc"
    title = "OAI-PMH Dublin Core (oai_dc)"
    extensions = (".oai-dc.xml",)
    media_type = "application/xml"
    carries: ClassVar[frozenset[str]] = OAI_DC_CARRIES
    root_open = "<collection>"
    root_close = "</collection>"

    def one(self, record: Record, esc: Escaper) -> str:
        return oai_dc_record(record, esc)
