"""VuFind records: Solr documents as JSON, and the staff-view ("Staff View" tab) page text.

VuFind (https://vufind.org) indexes records into Solr with the fields of its default schema
(https://github.com/vufind-org/vufind/blob/dev/solr/vufind/biblio/conf/schema.xml). Both
readers turn a document into the same field dictionary and map it with one function, so the
two forms of one record give the same :class:`Record`.

What a VuFind document says only implicitly, and how it is recovered:

* DOI, PMID and PMCID appear only as ``url`` values (doi.org, PubMed and PMC addresses);
* the journal title of PubMed-derived records appears only inside ``spelling`` (the text of
  the source record), between the authors and the first subject;
* so do the earlier (epub) date, the language code and the rights statement with its licence;
* the staff-view text joins multi-valued fields with spaces: author boundaries come back from
  ``work_keys_str_mv`` (one "AT <author key> <title key>" per author), formats from VuFind's
  format vocabulary, URLs and standard numbers from whitespace;
* names whose initials slipped before the family name ("J. Singer, Sara") are repaired, and
  each repair is noted in the record's provenance.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, replace
from typing import Any, Iterator, TextIO

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
from ..normalize.dates import parse_date, parse_partial
from ..normalize.identifiers import (
    clean_doi,
    clean_isbn,
    clean_issn,
    identifier_from_url,
)
from ..normalize.languages import to_bcp47
from ..normalize.licenses import find_license
from ..normalize.names import name_key, parse_inverted
from ..plugins import Reader
from ..problems import Problem
from .jsonio import JSONItem, JSONSplitter, iter_json

# -- mapping tables -------------------------------------------------------------------------

#: VuFind format names -> record type, most specific first (the first match wins).
FORMAT_TYPES: tuple[tuple[str, str], ...] = (
    ("thesis", "thesis"),
    ("dissertation", "thesis"),
    ("conference proceeding", "paper-conference"),
    ("conference paper", "paper-conference"),
    ("book chapter", "chapter"),
    ("chapter", "chapter"),
    ("newspaper article", "article-newspaper"),
    ("magazine article", "article-magazine"),
    ("journal article", "article-journal"),
    ("article", "article-journal"),
    ("report", "report"),
    ("patent", "patent"),
    ("dataset", "dataset"),
    ("software", "software"),
    ("map", "map"),
    ("musical score", "musical_score"),
    ("music score", "musical_score"),
    ("sound recording", "song"),
    ("video", "motion_picture"),
    ("videodisc", "motion_picture"),
    ("manuscript", "manuscript"),
    ("photo", "graphic"),
    ("image", "graphic"),
    ("website", "webpage"),
    ("web page", "webpage"),
    ("journal", "periodical"),
    ("serial", "periodical"),
    ("newspaper", "periodical"),
    ("ebook", "book"),
    ("book", "book"),
)
_FORMAT_TYPE = dict(FORMAT_TYPES)
#: Format words that describe carrier or content only; known so the text reader can split them.
_CARRIER_FORMATS = ("online", "electronic", "text", "print", "microfilm", "cd", "dvd", "kit")
_KNOWN_FORMATS = sorted({*_FORMAT_TYPE, *_CARRIER_FORMATS}, key=lambda f: -len(f.split()))

#: MARC relator codes and terms (https://id.loc.gov/vocabulary/relators) -> CSL roles.
RELATORS = {
    "aut": "author", "author": "author", "cre": "author", "creator": "author",
    "edt": "editor", "editor": "editor", "ed": "editor", "eds": "editor",
    "trl": "translator", "translator": "translator", "tr": "translator",
    "ill": "illustrator", "illustrator": "illustrator",
    "cmp": "composer", "composer": "composer",
    "com": "compiler", "compiler": "compiler",
    "drt": "director", "director": "director",
    "ctb": "contributor", "contributor": "contributor",
    "ths": "contributor", "pro": "producer", "producer": "producer",
    "nrt": "narrator", "narrator": "narrator", "prf": "performer", "performer": "performer",
    "ive": "interviewer", "ivr": "interviewer", "cur": "curator", "orm": "organizer",
}

#: Solr fields that are search-index copies of other fields: derived, never information.
INDEX_ONLY = re.compile(
    r"^(_version_|score|spelling|spellingShingle|fullrecord|marc_error|first_indexed|"
    r"last_indexed|work_keys_str_mv|author_sort|author_facet|author2Str|authorStr|"
    r"author_fuller|author_variant|author2_variant|title_full|title_fullStr|"
    r"title_full_unstemmed|title_auth|title_sort|title_new|title_old|title_alt|"
    r"callnumber-(first|subject|label|sort)|dewey-(sort|sort-browse|hundreds|tens|ones|full)|"
    r"publishDateSort|.*_facet|.*_txt_mv|.*_str_mv|.*_sort|.*Str|.*_browse|hierarchy_.*|"
    r"illustrated|recordtype|dateSpan)$"
)

#: Solr fields that fill one Record text slot as they are (first value): field -> slot.
#: Every other field the mapping reads has a named special case in :func:`doc_to_record`;
#: which fields were read is tracked (:class:`Fields`), so the fields kept in ``extra`` are
#: exactly those no rule read: no second list of "mapped" fields to keep in step.
SOLR_TEXT_FIELDS = {
    "edition": "edition",
    "physical": "physical_description",
    "description": "abstract",
    "callnumber-raw": "call_number",
}

_LIST_FIELDS = frozenset(
    """author author2 author_corporate author_role author2_role author_corporate_role
    author_facet publisher publishDate format language isbn issn doi_str_mv url topic genre
    geographic era series edition physical oclc_num institution collection
    work_keys_str_mv spelling""".split()
)


# -- shared mapping -------------------------------------------------------------------------


class FieldError(ValueError):
    """A field of the wrong shape; the message names the field."""


class Fields:
    """A Solr document whose fields are read as lists of strings, each converted once."""

    __slots__ = ("doc", "_cache", "read")

    def __init__(self, doc: Fields) -> None:
        self.doc = doc
        self._cache: dict[str, list[str]] = {}
        self.read: set[str] = set()  # the fields a rule has read (the rest go to extra)

    def __contains__(self, name: str) -> bool:
        return name in self.doc

    def __iter__(self) -> Iterator[str]:
        return iter(self.doc)

    def values(self, name: str, keep_empty: bool = False) -> list[str]:
        """A field as a list of non-empty strings, whatever its JSON shape (``keep_empty``
        keeps positions, for fields parallel to another, like author2_role)."""
        if not keep_empty:
            cached = self._cache.get(name)
            if cached is not None:
                return cached  # in read already: only this method fills the cache
        self.read.add(name)
        value = self.doc.get(name)
        if value is None:
            out: list[str] = []
        elif type(value) is str:
            v = value.strip()
            out = [v] if v or keep_empty else []
        else:
            if type(value) is not list:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = [value]
                if not isinstance(value, list):
                    raise FieldError(f"field '{name}' must be a string or a list of strings, got {_json_type(value)}")
            out = []
            for v in value:
                if type(v) is not str:
                    if isinstance(v, bool) or not isinstance(v, (int, float)):
                        raise FieldError(f"field '{name}' must hold strings, found {_json_type(v)}")
                    v = str(v)
                v = v.strip()
                if v or keep_empty:
                    out.append(v)
        if not keep_empty:
            self._cache[name] = out
        return out

    def first(self, name: str) -> str | None:
        vals = self._cache.get(name)
        if vals is None:
            if self.doc.get(name) is None:  # what values() reads as [] (most fields asked for)
                self.read.add(name)
                return None
            vals = self.values(name)
        return vals[0] if vals else None


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


_TRAILING_ISBD = re.compile(r"\s*[/:;=,]\s*$")
_AUTHOR_DATES = re.compile(r",?\s*\(?\d{4}-(?:\d{4})?\)?\.?$")


#: the characters _TRAILING_ISBD needs last (after spaces it also takes; in a text whose
#: last character is none of them nor a space, it cannot match)
_ISBD_MARKS = frozenset("/:;=,")


def _strip_isbd(text: str) -> str:
    r"""``_TRAILING_ISBD.sub("", text)`` for a text without spaces at its end (``\s`` is
    ``str.isspace``, and ``$`` could match before a final "\n" only)."""
    return _TRAILING_ISBD.sub("", text) if text[-1:] in _ISBD_MARKS else text


def clean_title(text: str | None) -> str | None:
    """Strip ISBD punctuation VuFind keeps from MARC 245: "Title /" -> "Title"."""
    if not text:
        return None
    text = _strip_isbd(" ".join(text.split()))
    # a final period closes the ISBD area, unless it ends an abbreviation or initial
    if text.endswith(".") and not re.search(r"(\b\w\.|\b[A-Z][a-z]{0,2}\.|\.\.\.)$", text):
        text = text[:-1]
    return text or None


def _record_type(formats: list[str]) -> str:
    lowered = {f.lower() for f in formats}
    for name, rtype in FORMAT_TYPES:
        if name in lowered:
            return rtype
    return "document"


def _may_end_with_dates(raw: str) -> bool:
    """Whether _AUTHOR_DATES can match ``raw`` (stripped): its "dddd-" ends 0-6 characters
    before the end (what may follow: 4 digits, ")", "."), so some "-" among the last 7
    characters has 4 decimal digits before it. Most names have none (or "Emma-Louise")."""
    n = len(raw)
    h = raw.find("-", max(n - 7, 4))
    while h >= 0:
        if raw[h - 4:h].isdecimal():
            return True
        h = raw.find("-", h + 1)
    return False


def _contributor(raw: str, role: str, repairs: list[str]) -> Contributor:
    raw = raw.strip()
    if _may_end_with_dates(raw):
        raw = _AUTHOR_DATES.sub("", raw)
    raw = raw.rstrip(",").strip()
    if "," not in raw:
        # VuFind stores persons inverted ("Family, Given"); a name without a comma is a
        # corporate body or a single name: never split it into a made-up family and given.
        return Contributor(literal=raw.rstrip("."), role=role)
    person, repair = parse_inverted(raw, role)
    if repair:
        repairs.append(repair)
    return person


#: the author fields in the order they are read, with the role field parallel to each and
#: the role a name without one has
_AUTHOR_FIELDS = (
    ("author", "author_role", "author"),
    ("author_corporate", "author_corporate_role", "author"),
    ("author2", "author2_role", "contributor"),
)


def _contributors(doc: Fields, repairs: list[str]) -> tuple[Contributor, ...]:
    out: list[Contributor] = []
    seen: set[Contributor] = set()
    for field, role_field, default_role in _AUTHOR_FIELDS:
        roles = doc.values(role_field, keep_empty=True)
        names = doc.values(field)
        n_roles = len(roles)
        for i, raw in enumerate(names):
            role = default_role
            if i < n_roles and roles[i]:
                role = RELATORS.get(roles[i].lower().strip(". "), default_role)
            c = _contributor(raw, role, repairs)
            if field == "author_corporate" and c.literal is None:
                c = Contributor(literal=raw.strip(), role=role)
            size = len(seen)
            seen.add(c)  # hashes c once; VuFind repeats a name in author and author2 at times
            if len(seen) > size:
                out.append(c)
    return tuple(out)


_CONTAINER_REF = re.compile(
    r"^(?:(?P<volume>[\w.-]+))?\s*(?:\((?P<issue>[^)]+)\))?\s*[:,]?\s*(?:p+\.?\s*)?"
    r"(?P<start>[\w]+)?(?:\s*[-–]\s*(?P<end>[\w]+))?$"
)


def _container(doc: Fields, spelling_journal: str | None) -> Container | None:
    title = clean_title(doc.first("container_title")) or spelling_journal
    volume = doc.first("container_volume")
    issue = doc.first("container_issue")
    start = doc.first("container_start_page")
    end = None
    ref = doc.first("container_reference")
    if ref:
        m = _CONTAINER_REF.match(ref.strip())
        if m:
            volume = volume or m.group("volume")
            issue = issue or m.group("issue")
            start = start or m.group("start")
            end = m.group("end")
    if not any((title, volume, issue, start)):
        return None
    return Container(title=title, volume=volume, issue=issue, page_start=start, page_end=end)


def _split_series(text: str) -> tuple[str, str | None]:
    title, sep, number = text.rpartition(";")
    if sep and number.strip():
        return title.strip(), number.strip()
    return text.strip(), None


@dataclass(frozen=True)
class SpellingFacts:
    journal: str | None = None
    online: DateValue | None = None
    language: str | None = None
    rights: str | None = None


#: What the two patterns below stand for, written as one regular expression each (the code
#: finds the same matches faster; tests/test_vufind_speed.py checks them against these):
#: ``(?<![\d-])(\d{4}-\d{2}-\d{2})(?![\d-])`` (an ISO day not inside a longer run of digits
#: and hyphens) and ``\bText ([a-z]{2,3})\b`` (the language code after the format "Text").
#: A leading lookbehind or ``\b`` leaves ``re`` no literal prefix to scan for, so it tries
#: the whole pattern at every position (15-25 µs on a 560-character text); the patterns below
#: start with a literal and the edges are checked by hand (1-2 µs).
_MONTH_DAY = re.compile(r"-\d\d-\d\d")
_TEXT_LANG = re.compile(r"Text ([a-z]{2,3})\b")
_GLUED_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_RIGHTS_START = re.compile(r"(Copyright\b|©|\(c\)\s*\d{4})")
_NO_FACTS = SpellingFacts()


def _iso_days(text: str) -> list[str]:
    r"""The ISO days (``dddd-dd-dd``, Unicode decimal digits as ``\d``) that no digit or
    hyphen touches, left to right: what ``re.findall(r"(?<![\d-])(\d{4}-\d{2}-\d{2})(?![\d-])")``
    returns.

    Each candidate is a "-dd-dd" at h (so the day would start at h - 4), tried in the order
    findall tries start positions; a start without "-dd-dd" after its 4 digits cannot match, so
    skipping it changes nothing. After a match ending at e findall goes on from e, so the next
    "-dd-dd" may be at e + 4 at the earliest; after a failed candidate the next one is looked
    for from h + 1.
    """
    out: list[str] = []
    search = _MONTH_DAY.search
    n = len(text)
    m = search(text, 4)
    while m is not None:
        h = m.start()
        p, e = h - 4, h + 6
        if (text[p:h].isdecimal()
                and (p == 0 or not ((c := text[p - 1]) == "-" or c.isdecimal()))
                and (e == n or not ((c := text[e]) == "-" or c.isdecimal()))):
            out.append(text[p:e])
            m = search(text, e + 4)
        else:
            m = search(text, h + 1)
    return out


def _language_code(text: str) -> str | None:
    r"""The code after the first "Text " that starts a word: what
    ``re.search(r"\bText ([a-z]{2,3})\b")`` finds (re's word characters are
    ``ch.isalnum() or ch == "_"``; "T" is one, so the leading ``\b`` holds where the
    character before is not one, or at the start)."""
    m = _TEXT_LANG.search(text)
    while m is not None:
        i = m.start()
        if i == 0 or not ((c := text[i - 1]).isalnum() or c == "_"):
            return m.group(1)
        m = _TEXT_LANG.search(text, i + 1)
    return None


def spelling_facts(doc: Fields, authors: list[str], issued: DateValue | None) -> SpellingFacts:
    """Facts that PubMed-derived records carry only in ``spelling`` (the source record text).

    The text is laid out as: id, date, title, authors, journal, subjects, abstract,
    publisher, year, epub date, links, "Text", language code, rights statement.
    """
    text = " ".join(doc.values("spelling"))
    if not text:
        return _NO_FACTS
    ident = doc.first("id") or ""
    if ident and text.startswith(ident):
        text = text[len(ident):]
        glued = _GLUED_DAY.match(text)  # the index date glued to the id
        if glued:
            text = text[glued.end():]
    journal = None
    anchor = 0
    find = text.find
    title = doc.first("title")
    if title:
        pos = find(title)
        if pos >= 0:
            anchor = pos + len(title)
    for raw in authors:
        pos = find(raw, anchor)
        if pos >= 0:
            anchor = pos + len(raw)
    if authors and anchor:
        stops = [*doc.values("topic"), *doc.values("genre")]
        description = doc.first("description")
        if description:
            stops.append(description[:60])
        stops += doc.values("publisher")
        # the first place any stop starts: each stop is looked for only before the best so far
        end = len(text) + 1
        for stop in stops:
            pos = find(stop, anchor, end - 1 + len(stop))
            if 0 <= pos < end:
                end = pos
        if end <= len(text):
            candidate = text[anchor:end].strip()
            if candidate and len(candidate) <= 250 and not candidate.isdigit():
                journal = candidate
    # the epub date, language and rights come after the abstract: look only there (faster,
    # and a date or a "©" quoted inside an abstract is not taken for them)
    description = doc.first("description")
    if description:
        tail = description[-60:]
        end = find(tail, anchor)
        if end >= 0:
            text = text[end + len(tail):]
    online = None
    days = _iso_days(text)
    if days:
        parsed = [d for d in map(parse_partial, days) if d is not None]
        parsed.sort(key=_day_order)  # the earliest day is the epub date
        if parsed and (issued is None or issued.year is None or parsed[0].year <= issued.year):
            online = DateValue(start=parsed[0])
    language = _language_code(text)
    m = _RIGHTS_START.search(text)
    rights = text[m.start():].strip() if m else None
    return SpellingFacts(journal=journal, online=online, language=language, rights=rights)


def _day_order(day: PartialDate) -> tuple[int, int, int]:
    """Calendar order of the days found in ``spelling`` (PartialDate itself has none: two
    days after the abstract raised TypeError, a traceback for the whole conversion)."""
    return day.year, day.month or 0, day.day or 0


_ID_ORDER = {"doi": 0, "pmid": 1, "pmcid": 2}


def _id_order(ident: Identifier) -> int:
    return _ID_ORDER.get(ident.scheme, 3)


def doc_to_record(doc: Any) -> Record:  # noqa: C901 - one flat mapping, read top to bottom
    """Map one VuFind Solr document (a dict of field -> value or list) to a Record.

    Raises FieldError (a ValueError) for a document of the wrong shape.
    """
    if not isinstance(doc, dict):
        raise FieldError(f"a VuFind document must be a JSON object, got {_json_type(doc)}")
    if not ("id" in doc or "title" in doc or "title_short" in doc or "author" in doc):
        raise FieldError("not a VuFind document: none of the fields id, title, title_short, author")
    doc = Fields(doc)
    repairs: list[str] = []
    contributors = _contributors(doc, repairs)

    raw_short, raw_sub, raw_full = doc.first("title_short"), doc.first("title_sub"), doc.first("title")
    title_short = clean_title(raw_short)
    title_sub = clean_title(raw_sub)
    # "Main : sub" when both parts are given; often the same text as title_short
    full_title = title_short if raw_full == raw_short else clean_title(raw_full)
    if title_sub and title_short:
        title, subtitle = title_short, title_sub
    else:
        title, subtitle = full_title or title_short, None

    issued = parse_date(doc.first("publishDate"))
    facts = spelling_facts(doc, doc.values("author"), issued)

    identifiers: list[Identifier] = []
    seen_ids: set[Identifier] = set()
    links: list[Link] = []
    seen_urls: set[str] = set()  # Link(url) == Link(other) exactly when the urls are equal

    def add(ident: Identifier | None) -> None:
        if ident and ident not in seen_ids:
            seen_ids.add(ident)
            identifiers.append(ident)

    for value in doc.values("doi_str_mv"):
        doi = clean_doi(value)
        add(Identifier("doi", doi) if doi else None)
    for url in doc.values("url"):
        add(identifier_from_url(url))
        if url not in seen_urls:
            seen_urls.add(url)
            links.append(Link(url))
    for value in doc.values("isbn"):
        isbn = clean_isbn(value)
        add(Identifier("isbn", isbn) if isbn else None)
    for value in doc.values("issn"):
        issn = clean_issn(value)
        add(Identifier("issn", issn) if issn else None)
    for value in doc.values("oclc_num"):
        add(Identifier("oclc", value))
    for value in doc.values("lccn"):
        add(Identifier("lccn", " ".join(value.split())))
    # a stable order: DOI, PMID, PMCID first, then the rest as found
    identifiers.sort(key=_id_order)

    subjects = tuple(
        Subject(term, scheme)
        for field, scheme in (("topic", "topic"), ("genre", "genre"), ("geographic", "geographic"), ("era", "era"))
        for term in dict.fromkeys(doc.values(field))
    )

    rights = None
    if facts.rights:
        url, name = find_license(facts.rights)
        rights = Rights(statement=facts.rights, license_url=url, license_name=name)

    series = doc.first("series")
    series_title, series_number = _split_series(series) if series else (None, None)
    formats = doc.values("format")
    publisher = doc.first("publisher")
    text_slots = {slot: doc.first(field) for field, slot in SOLR_TEXT_FIELDS.items()}
    provenance = Provenance(
        source_system="VuFind",
        source_id=doc.first("id"),
        database=doc.first("collection"),
        institution=doc.first("institution"),
        collection=doc.first("collection"),
        record_format=doc.first("record_format"),
        repairs=tuple(repairs),
    )
    record_type = _record_type(formats)
    container = _container(doc, facts.journal)
    language = to_bcp47(doc.first("language")) or facts.language
    read = set(doc.read)
    extra = tuple(
        (f"vufind:{k}", " ; ".join(values))
        for k in sorted(doc)
        if k not in read and not _index_only(k) and (values := _values_or_none(doc, k))
    )

    solr = Record(
        type=record_type,
        title=title,
        subtitle=subtitle,
        contributors=contributors,
        container=container,
        issued=issued,
        online=facts.online,
        publisher=_strip_isbd(publisher) if publisher else None,
        series=series_title,
        series_number=series_number,
        identifiers=tuple(identifiers),
        links=tuple(links),
        subjects=subjects,
        language=language,
        rights=rights,
        provenance=provenance,
        extra=extra,
        **text_slots,
    )
    if solr.provenance and (solr.provenance.record_format or "").lower() in ("marc", "marc21", "marcxml"):
        fullrecord = doc.doc.get("fullrecord")
        if isinstance(fullrecord, str) and fullrecord.strip():
            return _merge_marc(solr, fullrecord)
    return solr


def _merge_marc(solr: Record, fullrecord: str) -> Record:
    """The Record of the MARC in ``fullrecord`` (binary or MARCXML), with the Solr fields
    only where MARC is silent: Solr's index is a lossy copy of the same MARC, so MARC wins
    field by field; identifiers and extras are the union (Solr's DOI from a link, its own
    fields). A fullrecord that cannot be read leaves the Solr record, with a repair note."""
    from .marc import marc_from_fullrecord, marc_to_record

    try:
        marc = marc_to_record(marc_from_fullrecord(fullrecord))
    except ValueError as exc:
        assert solr.provenance is not None
        note = f"fullrecord is not readable MARC ({exc}); the Solr fields are used"
        return replace(solr, provenance=replace(solr.provenance, repairs=(*solr.provenance.repairs, note)))
    merged: dict[str, Any] = {}
    for f in dataclasses.fields(Record):
        mine, theirs = getattr(marc, f.name), getattr(solr, f.name)
        if f.name in ("identifiers", "extra"):
            merged[f.name] = tuple(dict.fromkeys((*mine, *theirs)))
        elif f.name == "provenance":
            merged[f.name] = theirs
        elif f.name == "type":
            merged[f.name] = mine if mine != "document" else theirs
        else:
            merged[f.name] = mine if mine not in (None, (), "") else theirs
    return Record(**merged)


def _values_or_none(doc: Fields, key: str) -> list[str] | None:
    try:
        return doc.values(key)
    except FieldError:
        return None


@functools.lru_cache(maxsize=4096)
def _index_only(name: str) -> bool:
    """A search-index copy of another field: derived, never kept."""
    return INDEX_ONLY.match(name) is not None


# -- Solr JSON ------------------------------------------------------------------------------


class VuFindSolrReader(Reader):
    """VuFind Solr documents as JSON: one document, a list, a Solr response, or JSON lines."""

    legacy_encodings = False  # JSON is UTF-8 (RFC 8259 section 8.1)
    name = "vufind"
    title = "VuFind Solr documents (JSON, JSON lines or a Solr response)"
    extensions = (".json", ".jsonl", ".ndjson")
    media_type = "application/json"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        for item in iter_json(stream, source, docs_key="response.docs"):
            if isinstance(item, Problem):
                yield item
                continue
            yield _map_item(item, source)

    @classmethod
    def record_splitter(cls) -> JSONSplitter:
        return JSONSplitter(docs_key="response.docs")

    @classmethod
    def sniff(cls, head: str) -> bool:
        stripped = head.lstrip("\ufeff \t\r\n")
        if not stripped.startswith(("{", "[")):
            return False
        if '"response"' in head and '"docs"' in head:
            return True
        return bool(re.search(r'"(title_short|author_facet|record_format|_version_|spelling|publishDate|title_full)"', head))


def _map_item(item: JSONItem, source: str) -> Record | Problem:
    try:
        return doc_to_record(item.value)
    except ValueError as exc:
        return Problem(source=source, record=item.number, line=item.line, reason=str(exc))
    except (TypeError, KeyError, AttributeError, IndexError) as exc:
        # a mapping bug on one odd document costs that record, reported, never the others
        return Problem(source=source, record=item.number, line=item.line,
                       reason=f"cannot map this document ({type(exc).__name__}: {exc}); the record is skipped")


# -- staff-view text ------------------------------------------------------------------------

# Solr field names start lowercase; page labels ("Formato:", "Sprache:") do not match.
_ROW = re.compile(r"^([a-z_][A-Za-z0-9_-]*) \| ?(.*)$")
_WORK_KEY = re.compile(r"(?:^|\s)AT (\S+) \S+")


def _split_names(text: str, keys: list[str]) -> list[str]:
    """Recover the names in a space-joined author field.

    ``keys`` are the names as VuFind's work keys spell them (letters and digits, lowercase);
    tokens are consumed until their letters make up the next key. Without keys, or where they
    do not fit, each "Family," token starts a new name.
    """
    tokens = text.split()
    names: list[str] = []
    i = 0
    for key in keys:
        acc = ""
        j = i
        while j < len(tokens) and len(acc) < len(key):
            acc += name_key(tokens[j])
            j += 1
        if acc != key:
            break
        names.append(" ".join(tokens[i:j]))
        i = j
    if i < len(tokens):
        names.extend(_split_names_by_commas(tokens[i:]))
    return names


def _split_names_by_commas(tokens: list[str]) -> list[str]:
    """Heuristic split of "Family, Given Family, Given": the word before each comma-word (with
    lowercase particles before it) starts a new name."""
    starts = [0]
    comma_idx = [k for k, t in enumerate(tokens) if t.endswith(",")]
    for k in comma_idx[1:]:
        s = k
        while s - 1 > starts[-1] + 1 and tokens[s - 1][:1].islower():
            s -= 1
        if s > starts[-1] + 1:
            starts.append(s)
    starts.append(len(tokens))
    return [" ".join(tokens[a:b]) for a, b in zip(starts, starts[1:]) if a < b]


def _split_formats(text: str) -> list[str]:
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for known in _KNOWN_FORMATS:
            n = len(known.split())
            if " ".join(words[i:i + n]).lower() == known:
                out.append(" ".join(words[i:i + n]))
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _split_languages(text: str) -> list[str]:
    words = text.split()
    if len(words) > 1 and all(to_bcp47(w) != w for w in words):
        return words
    return [text]


def fields_from_text(fields: dict[str, str]) -> dict[str, Any]:
    """Turn staff-view rows (multi-valued fields space-joined) back into a Solr-like document."""
    doc: dict[str, Any] = {}
    work_keys = _WORK_KEY.findall(fields.get("work_keys_str_mv", ""))
    for name, value in fields.items():
        if name in ("author", "author2", "author_facet"):
            keys = work_keys if name != "author2" else []
            doc[name] = _split_names(value, keys)
        elif name in ("url", "isbn", "issn", "oclc_num", "doi_str_mv"):
            doc[name] = value.split()
        elif name == "format":
            doc[name] = _split_formats(value)
        elif name == "language":
            doc[name] = _split_languages(value)
        elif name in _LIST_FIELDS:
            doc[name] = [value]
        else:
            doc[name] = value
    return doc


class VuFindTextReader(Reader):
    """The text of VuFind's staff-view page: a header in any UI language, then
    ``field | value |`` rows. Several records follow one another; a field seen twice starts
    the next record."""

    name = "vufind-text"
    title = "VuFind staff-view page text (field | value | rows)"
    extensions = (".txt",)
    media_type = "text/plain"

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        number = 0
        for start_line, fields in self._records(stream):
            number += 1
            try:
                yield doc_to_record(fields_from_text(fields))
            except ValueError as exc:
                yield Problem(source=source, record=number, line=start_line, reason=str(exc))
        if number == 0:
            yield Problem(source=source, reason="no 'field | value |' rows: not a VuFind staff-view text")

    @staticmethod
    def _records(stream: TextIO) -> Iterator[tuple[int, dict[str, str]]]:
        fields: dict[str, str] = {}
        start = 0
        name = None
        buf: list[str] = []
        for lineno, line in enumerate(stream, start=1):
            line = line.rstrip("\r\n").lstrip("\ufeff")
            if name is None:
                m = _ROW.match(line)
                if not m or m.group(1) == "---":
                    continue
                name, rest = m.group(1), m.group(2)
                if name in fields:
                    yield start, fields
                    fields = {}
                if not fields:
                    start = lineno
                buf = [rest]
            else:
                buf.append(line)
            joined = "\n".join(buf).rstrip()
            if joined.endswith("|"):
                fields[name] = joined[:-1].strip()
                name = None
        if name is not None:
            fields[name] = "\n".join(buf).strip()
        if fields:
            yield start, fields

    @classmethod
    def sniff(cls, head: str) -> bool:
        return sum(1 for line in head.splitlines() if _ROW.match(line) and line.rstrip().endswith("|")) >= 3
