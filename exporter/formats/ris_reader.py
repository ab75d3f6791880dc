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
* repeated tags accumulate; every value no slot took (RP, LB, CN, H1, U1..., vendor tags,
  a second TI) is kept in ``Record.extra`` as ``(tag, value)``;
* text outside records is skipped with a warning Problem (severity "warning").

Mapping: several tags mean different things for different reference types (A2 is the
editor of a chapter but the series editor of a book, T2 the journal of an article but the
series of a book, SP a page count for a book, ...). The tables ``*_BY_TYPE`` below follow
the spec and EndNote's field labels. Names are "Last, First, Suffix"; a name without a comma
is "Last Initials" ("Smith JA") or else kept whole as a literal (organisations). PubMed's
flavour: ``AN`` is the PMID when ``DB`` names PubMed/MEDLINE, and ``C2`` holds the PMCID.
Keywords are one per KW line, continuation line or semicolon-separated item.
"""

from __future__ import annotations

import dataclasses

import re
from collections.abc import Iterator
from dataclasses import replace
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
from ..plugins import Reader
from ..problems import Problem
from .tagged import TaggedRecord

# -- mapping tables -------------------------------------------------------------------------

#: RIS reference types -> record type.
RIS_TYPES: dict[str, str] = {
    "ABST": "article-journal", "ADVS": "motion_picture", "AGGR": "dataset", "ANCIENT": "classic",
    "ART": "graphic", "BILL": "bill", "BLOG": "post-weblog", "BOOK": "book", "CASE": "legal_case",
    "CHAP": "chapter", "CHART": "figure", "CLSWK": "classic", "COMP": "software",
    "CONF": "paper-conference", "CPAPER": "paper-conference", "CTLG": "book", "DATA": "dataset",
    "DBASE": "dataset", "DICT": "entry-dictionary", "EBOOK": "book", "ECHAP": "chapter",
    "EDBOOK": "book", "EJOUR": "article-journal", "ELEC": "webpage", "ENCYC": "entry-encyclopedia",
    "EQUA": "document", "FIGURE": "figure", "GEN": "document", "GOVDOC": "report",
    "GRANT": "document", "HEAR": "hearing", "ICOMM": "personal_communication",
    "INPR": "article-journal", "JFULL": "periodical", "JOUR": "article-journal",
    "LEGAL": "regulation", "MANSCPT": "manuscript", "MAP": "map", "MGZN": "article-magazine",
    "MPCT": "motion_picture", "MULTI": "motion_picture", "MUSIC": "song",
    "NEWS": "article-newspaper", "PAMP": "pamphlet", "PAT": "patent", "PCOMM": "personal_communication",
    "RPRT": "report", "SER": "book", "SLIDE": "speech", "SOUND": "song", "STAND": "standard",
    "STAT": "legislation", "THES": "thesis", "UNBILL": "bill", "UNPB": "manuscript",
    "VIDEO": "motion_picture", "WEB": "webpage", "PREPRINT": "article", "PODCAST": "song",
}

#: Author tags -> contributor role, for most types.
AUTHOR_TAGS: dict[str, str] = {
    "AU": "author", "A1": "author", "ED": "editor", "A2": "editor", "A3": "collection-editor",
    "A4": "translator",
}

#: Type-dependent meanings of the author tags (RIS spec / EndNote reference types):
#: (tag, RIS type) -> role, or None when the tag holds no person for that type (kept in extra).
AUTHOR_TAGS_BY_TYPE: dict[tuple[str, str], str | None] = {
    ("AU", "MPCT"): "director", ("AU", "ADVS"): "author", ("AU", "MUSIC"): "composer",
    ("AU", "SOUND"): "composer", ("A2", "SOUND"): "performer", ("A2", "ICOMM"): "recipient",
    ("AU", "EDBOOK"): "editor",
    **{("A2", t): "collection-editor" for t in ["BOOK", "EDBOOK", "CLSWK", "COMP", "MAP", "MULTI", "RPRT", "UNPB", "WEB"]},
    ("A2", "ADVS"): "performer", ("A2", "BILL"): "author", ("A2", "DATA"): "producer",
    ("A2", "PCOMM"): "recipient", ("A2", "CASE"): None, ("A2", "CTLG"): None, ("A2", "PAMP"): None,
    ("A2", "CHART"): None, ("A2", "EQUA"): None, ("A2", "FIGURE"): None, ("A2", "GOVDOC"): None,
    ("A2", "LEGAL"): None, ("A2", "PAT"): None, ("A2", "MPCT"): None,
    ("A3", "BOOK"): "editor", ("A3", "MPCT"): "producer", ("A3", "BLOG"): "illustrator",
    ("A3", "GEN"): "contributor", ("A3", "THES"): "contributor", ("A3", "CASE"): None,
    ("A3", "PAT"): None, ("A3", "RPRT"): None,
    ("A4", "CASE"): "contributor", ("A4", "CONF"): "contributor", ("A4", "GEN"): "contributor",
    ("A4", "MPCT"): "performer", ("A4", "MUSIC"): "producer", ("A4", "SER"): "editor",
    ("A4", "DATA"): None, ("A4", "RPRT"): None,
}

#: Secondary and tertiary titles by type: "container", "series" or None (kept in extra).
T2_BY_TYPE: dict[str, str | None] = {
    **{t: "series" for t in ["BOOK", "EDBOOK", "CTLG", "CLSWK", "COMP", "MPCT", "MAP", "MULTI", "RPRT", "UNPB", "WEB", "ADVS", "SER", "EBOOK"]},
    **{t: None for t in ["HEAR", "THES", "CHART", "EQUA", "FIGURE", "LEGAL", "STAND"]},
    "CONF": "event", "CPAPER": "event",
}

#: Types whose C3 is the container title (proceedings title of a conference paper).
C3_IS_CONTAINER = frozenset({"CONF", "CPAPER"})

#: Types whose A2 names the container rather than a person (the reporter of a case).
A2_IS_CONTAINER = frozenset({"CASE"})

#: What VL holds by type when it is not a volume.
VL_BY_TYPE: dict[str, str] = {
    "COMP": "edition", "CHART": "physical", "EQUA": "physical", "FIGURE": "physical", "ART": "physical",
    "LEGAL": "number", "STAND": "number", "PAMP": "number", "BLOG": "extra", "THES": "extra", "PAT": "extra",
}
T3_BY_TYPE: dict[str, str | None] = {t: None for t in ["BILL", "HEAR", "CASE", "LEGAL", "PAT", "STAND", "STAT", "UNPB", "BLOG", "EJOUR", "ANCIENT"]}

#: What SP holds by type when it is not a page range: page count or a description.
SP_BY_TYPE: dict[str, str] = {
    **{t: "pages-total" for t in ["BOOK", "CLSWK", "EDBOOK", "EBOOK", "ECHAP", "THES"]},
    **{t: "description" for t in ["ART", "BLOG", "CHART", "COMP", "EQUA", "FIGURE", "MAP", "WEB", "MPCT"]},
    "BILL": "extra",
}

#: What M1 holds by type ("number" by default).
M1_BY_TYPE: dict[str, str] = {
    **{t: "issue" for t in ["CPAPER", "CONF", "EJOUR", "MGZN", "JOUR"]},
    **{t: "series_number" for t in ["BOOK", "CTLG", "CLSWK", "EDBOOK", "ECHAP", "PAMP", "SER"]},
    **{t: "extra" for t in ["CHAP", "NEWS", "LEGAL", "STAND", "WEB", "ART", "MULTI"]},
}

#: Types whose M3 is a medium rather than a genre.
M3_IS_MEDIUM = frozenset({"MPCT", "EBOOK", "BLOG", "WEB", "ADVS"})

#: Types whose LA is a programming language, not the language of the text (kept in extra).
LA_IS_NOT_LANGUAGE = frozenset({"COMP"})

#: Types whose ET is the epub date rather than the edition.
ET_IS_EPUB_DATE = frozenset({"JOUR", "EJOUR"})

#: Record types whose secondary title (T2/BT) is the series, not the container.
SERIES_IN_T2 = frozenset({"book", "report", "thesis", "software", "dataset", "motion_picture", "map"})

#: Record types whose SP is a page count rather than a start page.
PAGE_COUNT_TYPES = frozenset({"book", "thesis", "report", "manuscript"})

#: Tags whose continuation lines join with a new line rather than a space (for keywords,
#: each continuation line is one more keyword).
NOTE_TAGS = frozenset({"N1", "RN", "AB", "N2", "KW"})

#: Tags that structure the file rather than describe the record (never kept in extra).
STRUCTURAL_TAGS = frozenset({"TY", "ER"})

#: (Documentation) the tags read into slots; any value not read goes to ``extra``.
CONSUMED = frozenset(
    ["TY", "ER", "ID", "AU", "A1", "ED", "A2", "A3", "A4", "TI", "T1", "CT", "BT", "T2", "T3", "JO", "JF", "JA", "J1", "J2", "ST", "PY", "Y1", "DA", "Y2", "SP", "EP", "VL", "IS", "SN", "DO", "AN", "UR", "L1", "L2", "L4", "LK", "AB", "N2", "KW", "LA", "PB", "CY", "ET", "M3", "N1", "C2", "C7", "DB", "DP", "M1"]
)

#: Web of Science field tags -> RIS tags with the same meaning (the rest is kept in extra).
WOS_TAGS: dict[str, str] = {
    "TI": "TI", "SO": "JF", "JI": "J2", "LA": "LA", "AB": "AB", "PY": "PY", "VL": "VL",
    "IS": "IS", "BP": "SP", "EP": "EP", "DI": "DO", "SN": "SN", "EI": "SN", "BN": "SN",
    "PU": "PB", "PI": "CY", "SE": "T3", "BS": "T3", "PM": "AN", "UT": "ID", "AR": "C7",
}

#: Web of Science publication types (PT) -> RIS type.
WOS_TYPES: dict[str, str] = {"J": "JOUR", "B": "BOOK", "S": "BOOK", "P": "PAT", "C": "CPAPER"}

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
    for number, line in enumerate(lines, start=1):
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
        if state.last_tag in ("AU", "AF", "CR", "C1", "BE", "CA"):
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
            pairs.append((f"WOS:{tag}", value))
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
    if b.start.year == a.start.year and len(b.start.parts()) > len(a.start.parts()):
        return b
    return a


def _split_isxn(text: str) -> list[Identifier]:
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


def raw_to_record(raw: TaggedRecord) -> tuple[Record, list[str]]:
    if raw.wos and raw.peek("PT"):
        raw = wos_to_ris(raw)
    warnings: list[str] = []
    ty = (raw.first("TY") or "GEN").strip().upper()
    rtype = RIS_TYPES.get(ty)
    extra: list[tuple[str, str]] = []
    if rtype is None:
        warnings.append(f"unknown RIS type {ty!r}; read as a document")
        extra.append(("TY", ty))
        rtype = "document"

    contributors: list[Contributor] = []
    for tag, value in raw.take(frozenset(AUTHOR_TAGS)):
        if not value.strip():
            continue
        role = AUTHOR_TAGS_BY_TYPE.get(("AU" if tag == "A1" else tag, ty), AUTHOR_TAGS[tag])
        if tag == "A2" and ty in A2_IS_CONTAINER:
            continue
        if role is None:
            extra.append((tag, value))
        else:
            contributors.append(_name(value, role))

    title = raw.first("TI", "T1", "CT")
    secondary = raw.first("T2", "BT")
    if ty == "BOOK" and not title and raw.peek("BT"):
        title, secondary = raw.first("BT"), raw.first("T2")
    tertiary = raw.first("T3")
    series = container_title = event = None
    if ty in C3_IS_CONTAINER:
        container_title = raw.first("C3")
    elif ty in A2_IS_CONTAINER:
        container_title = raw.first("A2")
    for value, slot in ((secondary, T2_BY_TYPE.get(ty, "container")), (tertiary, T3_BY_TYPE.get(ty, "series"))):
        if not value:
            continue
        if slot == "container" and container_title is None:
            container_title = value
        elif slot == "series" and series is None:
            series = value
        elif slot == "event" and event is None:
            event = value
        else:
            extra.append(("T2" if value is secondary else "T3", value))
    journal_full = raw.first("JF", "JO")
    journal_abbr = raw.first("JA", "J2", "J1") or (raw.first("JO") if raw.peek("JF") else None)
    if journal_abbr is None and raw.peek("JO") and not raw.peek("JF"):
        journal_abbr = raw.first("JO")
    if not container_title and rtype not in SERIES_IN_T2:
        container_title = journal_full or (journal_abbr if rtype.startswith("article") else None)

    sp, ep = raw.first("SP"), raw.first("EP")
    page_start = page_end = pages = None
    physical = None
    sp_kind = SP_BY_TYPE.get(ty)
    range_match = re.match(r"^\s*([^-–\s]+)\s*[-–]+\s*([^-–\s]+)\s*$", sp) if sp else None
    if sp and sp_kind and not ep and not range_match:
        if sp_kind == "pages-total":
            physical = f"{sp} pages" if sp.strip().isdigit() else sp
        elif sp_kind == "description":
            physical = sp
        else:
            extra.append(("SP", sp))
    elif sp:
        if range_match and not ep:
            page_start, page_end = range_match.group(1), range_match.group(2)
        elif "," in sp or " " in sp.strip():
            pages = sp
        else:
            page_start, page_end = sp.strip(), (ep.strip() if ep else None)
    elif ep:
        page_end = ep
    article_number = raw.first("C7") if rtype.startswith("article") else None
    volume, issue = raw.first("VL"), raw.first("IS")
    number = series_number = edition = None
    vl_slot = VL_BY_TYPE.get(ty)
    if volume and vl_slot:
        if vl_slot == "edition":
            edition = volume
        elif vl_slot == "physical":
            physical = physical or volume
        elif vl_slot == "number":
            number = volume
        else:
            extra.append(("VL", volume))
        volume = None
    m1 = raw.first("M1")
    if m1:
        m1_slot = M1_BY_TYPE.get(ty, "number")
        if m1_slot == "issue" and not issue:
            issue = m1
        elif m1_slot == "series_number":
            series_number = m1
        elif m1_slot == "number" and number is None:
            number = m1
        else:
            extra.append(("M1", m1))
    container = None
    if container_title or volume or issue or page_start or pages or journal_abbr or article_number:
        container = Container(
            title=container_title, short_title=journal_abbr, volume=volume, issue=issue,
            page_start=page_start, page_end=page_end, pages=pages, article_number=article_number,
        )

    da = raw.first("DA")
    da_date = parse_ris_date(da)
    issued = _more_precise(parse_ris_date(raw.first("PY", "Y1")), da_date)
    if da and issued is not da_date and (da_date is None or da_date.iso() != (issued.iso() if issued else None)):
        extra.append(("DA", da))  # a DA that says something else than PY is kept
    if issued and issued.literal:
        warnings.append(f"date {issued.literal!r} is not a date; kept as text")

    database = raw.first("DB")
    from_pubmed = bool(database and re.search(r"pubmed|medline|nlm", database, re.IGNORECASE))
    identifiers: list[Identifier] = []
    for value in raw.values("DO"):
        doi = clean_doi(value)
        if doi is None:
            extra.append(("DO", value))  # not a DOI: kept, not dropped
        elif Identifier("doi", doi) not in identifiers:
            identifiers.append(Identifier("doi", doi))
    for value in raw.values("SN"):
        found = _split_isxn(value)
        if found:
            identifiers += [i for i in found if i not in identifiers]
        else:
            extra.append(("SN", value))
    for value in raw.values("AN"):
        if (from_pubmed or raw.wos) and value.strip().isdigit():
            identifiers.append(Identifier("pmid", value.strip()))
        else:
            extra.append(("AN", value))
    for value in raw.values("C2"):
        pmcid = clean_pmcid(value.split()[0]) if _PMCID.match(value.split()[0]) else None
        if pmcid:
            identifiers.append(Identifier("pmcid", pmcid))
        else:
            extra.append(("C2", value))
    links: list[Link] = []
    for tag, relation in (("UR", None), ("L2", None), ("LK", None), ("L1", "fulltext"), ("L4", "image")):
        for value in raw.values(tag):
            for url in _URL_SPLIT.split(value):
                url = url.strip()
                if not url:
                    continue
                ident = identifier_from_url(url)
                if ident and ident.scheme == "doi" and ident not in identifiers:
                    identifiers.append(ident)
                if url.startswith(("http://", "https://", "ftp://", "www.")):
                    links.append(Link(url, relation))
                else:
                    extra.append((tag, url))

    abstracts = raw.values("AB") + raw.values("N2")
    abstract = abstracts[0] if abstracts else None
    notes = raw.values("N1") + abstracts[1:]
    keywords = tuple(Subject(k.strip(), "keyword") for v in raw.values("KW") for k in re.split(r"[\n;]", v) if k.strip())

    genre = medium = None
    if ty in M3_IS_MEDIUM:
        medium = raw.first("M3")
    else:
        genre = raw.first("M3")
    edition = raw.first("ET") or edition
    online = None
    if edition and ty in ET_IS_EPUB_DATE:
        online = parse_ris_date(edition)
        if online is None or online.start is None:
            online = None
        else:
            edition = None
    dp = raw.first("DP")
    provenance = Provenance(source_system="RIS", database=database, institution=dp) if (database or dp) else None
    record = Record(
        type=rtype,
        title=title,
        short_title=raw.first("ST"),
        contributors=tuple(contributors),
        container=container,
        issued=issued,
        accessed=parse_ris_date(raw.first("Y2")),
        publisher=raw.first("PB"),
        place=raw.first("CY"),
        edition=edition,
        online=online,
        event=event,
        medium=medium,
        series=series,
        series_number=series_number,
        number=number,
        genre=genre,
        physical_description=physical,
        identifiers=tuple(identifiers),
        links=tuple(links),
        abstract=abstract,
        subjects=keywords,
        language=None if ty in LA_IS_NOT_LANGUAGE else to_bcp47(raw.first("LA")),
        notes=tuple(notes),
        key=raw.first("ID"),
        provenance=provenance,
        extra=tuple(extra),
    )
    # every value no slot took is kept, under its tag (vendor tags, repeated tags, ...)
    unread = [(t, v) for t, v in raw.unread() if t not in STRUCTURAL_TAGS]
    return replace(record, extra=record.extra + tuple(unread)), warnings



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
    def sniff(cls, head: str) -> bool:
        return re.search(r"^TY  ?- ", head.lstrip("\ufeff"), re.MULTILINE) is not None or head.lstrip("\ufeff").startswith("FN Clarivate")

