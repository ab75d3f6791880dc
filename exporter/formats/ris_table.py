"""The one RIS mapping, both directions: RIS tag <-> Record facet, by RIS reference type.

Spec: "RIS Format Specifications" (Research Information Systems / Thomson Reuters, 2011,
https://web.archive.org/web/20120526103719/http://refman.com/support/risformat_intro.asp),
the EndNote reference-type field labels (what A2, T2, SP, M1, ... mean for each type), and
Zotero's RIS translator (https://github.com/zotero/translators/blob/master/RIS.js), whose
``fieldMap`` holds, per tag, a default field and per-type overrides; this table has the same
shape, one row per (tag, facet, types).

Everything RIS-specific is derived from this module: the reader's tag -> slot walk
(:mod:`exporter.formats.ris_reader`), the writer's slot -> tag walk
(:mod:`exporter.formats.ris`), the writer's ``carries`` and ``lost(record)``, and the type
maps in both directions (:data:`TYPES` is written once; :data:`READ_TYPES` is its reverse
plus the explicit :data:`READ_ONLY_TYPES`).

Row semantics (as Zotero's ``__default``/``__exclude``):

* ``types`` empty: the row applies to every RIS type not in ``exclude`` (a default);
  ``types`` given: only to those. For one (tag, type) the first applicable row that reads is
  the one the reader uses, so type-specific rows come before the default row of their tag.
* ``direction``: "both" (default), "read" (old or vendor tags we read but never write:
  A1, T1, Y1, JF, N2, ...) or "write".
* ``codec`` says how the value is read and written (see the codec tables in the reader and
  writer); the facet is the :mod:`exporter.losses` facet the row carries.

A tag written from one facet is not written again from another (RIS has one value per tag
for these): for each type the writer walks the rows in order and the first facet with a
value wins the tag; a facet that found no free tag is reported as lost for that record.
"""

from __future__ import annotations

import dataclasses
import functools

#: The tags of the RIS specification (2011), the list rispy's ``TAG_KEY_MAPPING`` holds;
#: the writer never writes any other tag.
SPEC_TAGS = frozenset(
    ["TY", "A1", "A2", "A3", "A4", "AB", "AD", "AN", "AU", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "CA", "CN", "CY", "DA", "DB", "DO", "DP", "ET", "EP", "ID", "IS", "J2", "JA", "JF", "JO", "KW", "L1", "L2", "L4", "LA", "LB", "M1", "M3", "N1", "N2", "NV", "OP", "PB", "PY", "RI", "RN", "RP", "SE", "SN", "SP", "ST", "T1", "T2", "T3", "TA", "TI", "TT", "UR", "VL", "Y1", "Y2", "ER"]
)

#: Tags that may be written more than once in a record (one value per line).
REPEATABLE_TAGS = frozenset({"AU", "A1", "A2", "A3", "A4", "KW", "SN", "UR", "L1", "L2", "L4", "N1", "DO"})

# -- reference types ------------------------------------------------------------------------

#: Record type -> RIS type (the writer's map). The reader's map is its reverse: for a RIS type
#: written for several record types the first listed wins (JOUR is article-journal).
TYPES: dict[str, str] = {
    "article-journal": "JOUR", "review": "JOUR", "review-book": "JOUR",
    "article-magazine": "MGZN", "article-newspaper": "NEWS", "article": "UNPB",
    "book": "BOOK", "classic": "CLSWK", "collection": "EDBOOK", "periodical": "JFULL",
    "chapter": "CHAP", "entry": "CHAP", "entry-dictionary": "DICT", "entry-encyclopedia": "ENCYC",
    "paper-conference": "CPAPER", "event": "CONF", "thesis": "THES", "report": "RPRT",
    "standard": "STAND", "webpage": "ELEC", "post": "ELEC", "post-weblog": "BLOG",
    "dataset": "DATA", "software": "COMP", "patent": "PAT", "map": "MAP",
    "manuscript": "MANSCPT", "motion_picture": "VIDEO", "broadcast": "VIDEO",
    "song": "SOUND", "musical_score": "MUSIC", "graphic": "ART", "figure": "FIGURE",
    "legal_case": "CASE", "legislation": "STAT", "bill": "BILL", "hearing": "HEAR",
    "personal_communication": "PCOMM", "interview": "PCOMM", "pamphlet": "PAMP",
    "speech": "SLIDE", "regulation": "LEGAL", "treaty": "GOVDOC", "document": "GEN",
    "performance": "GEN",
}

#: RIS types read as a record type other than the reverse of :data:`TYPES` would give:
#: types we never write, and the overrides where the reverse is not what the type means
#: (CONF is a conference paper to Zotero and EndNote, not an event; EDBOOK an edited book,
#: not an archival collection; GOVDOC a government report).
READ_ONLY_TYPES: dict[str, str] = {
    "ABST": "article-journal", "ADVS": "motion_picture", "AGGR": "dataset", "ANCIENT": "classic",
    "CHART": "figure", "CONF": "paper-conference", "CTLG": "book", "DBASE": "dataset",
    "EBOOK": "book", "ECHAP": "chapter", "EDBOOK": "book", "EJOUR": "article-journal",
    "EQUA": "document", "GOVDOC": "report", "GRANT": "document", "GRNT": "document",
    "ICOMM": "personal_communication", "INPR": "article-journal", "MPCT": "motion_picture",
    "MULTI": "motion_picture", "SER": "book", "UNBILL": "bill", "UNPD": "manuscript",
    "WEB": "webpage", "PREPRINT": "article", "PODCAST": "song",
}


def _reverse_types() -> dict[str, str]:
    out: dict[str, str] = {}
    for record_type, ris_type in TYPES.items():
        out.setdefault(ris_type, record_type)
    return {**out, **READ_ONLY_TYPES}


#: RIS type -> record type (the reader's map), derived.
READ_TYPES: dict[str, str] = _reverse_types()

#: Record types that do not come back as themselves (RIS has no type of their own):
#: derived, listed in the documentation and checked by the tests.
LOSSY_TYPES: frozenset[str] = frozenset(t for t, ty in TYPES.items() if READ_TYPES.get(ty) != t)


def ris_type(record_type: str) -> str:
    return TYPES.get(record_type, "GEN")


# -- the field table ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Row:
    """One mapping: ``tag`` holds ``facet`` for the RIS types the row applies to."""

    tag: str
    facet: str
    codec: str = "text"
    types: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    direction: str = "both"

    def applies(self, ty: str) -> bool:
        return ty in self.types if self.types else ty not in self.exclude

    @property
    def reads(self) -> bool:
        return self.direction in ("both", "read")

    @property
    def writes(self) -> bool:
        return self.direction in ("both", "write")


def _row(tag: str, facet: str, codec: str = "text", types: str = "", exclude: str = "", direction: str = "both") -> Row:
    return Row(tag, facet, codec, frozenset(types.split()), frozenset(exclude.split()), direction)


# type groups the rows share (EndNote's labels for these types)
_BOOKISH = "BOOK EDBOOK CLSWK COMP MAP MULTI RPRT UNPB WEB"
_T2_IS_SERIES = "BOOK EDBOOK CTLG CLSWK COMP MPCT MAP MULTI RPRT UNPB WEB ADVS SER EBOOK"
_T2_IS_NOTHING = "HEAR THES CHART EQUA FIGURE LEGAL STAND"
_T3_IS_NOTHING = "BILL HEAR CASE LEGAL PAT STAND STAT UNPB BLOG EJOUR ANCIENT"
_LONE_SP_IS_PAGE_COUNT = "BOOK CLSWK EDBOOK EBOOK ECHAP THES"
_LONE_SP_IS_DESCRIPTION = "ART BLOG CHART COMP EQUA FIGURE MAP WEB MPCT"
_M1_IS_ISSUE = "CPAPER CONF EJOUR MGZN JOUR"
_M1_IS_SERIES_NUMBER = "BOOK CTLG CLSWK EDBOOK ECHAP PAMP SER"
_M1_IS_SOMETHING_ELSE = "CHAP NEWS LEGAL STAND WEB ART MULTI"
_SN_IS_NUMBER = "RPRT PAT STAND"
_VL_IS_OTHER = "COMP CHART EQUA FIGURE ART LEGAL STAND PAMP BLOG THES PAT"
_M3_IS_MEDIUM = "MPCT EBOOK BLOG WEB ADVS"
_ET_IS_EPUB_DATE = "JOUR EJOUR"
_ET_IS_VERSION = "COMP DATA"
_ARTICLES = "JOUR EJOUR MGZN NEWS ABST INPR"
_CONFERENCE = "CONF CPAPER"

ROWS: tuple[Row, ...] = (
    # -- people (codec "name": "Last, First, Suffix"), by type as EndNote labels them
    _row("AU", "contributor:director", "name", types="MPCT"),
    _row("AU", "contributor:composer", "name", types="MUSIC SOUND"),
    _row("AU", "contributor:editor", "name", types="EDBOOK"),
    _row("AU", "contributor:author", "name"),
    _row("A1", "contributor:director", "name", types="MPCT", direction="read"),
    _row("A1", "contributor:composer", "name", types="MUSIC SOUND", direction="read"),
    _row("A1", "contributor:editor", "name", types="EDBOOK", direction="read"),
    _row("A1", "contributor:author", "name", direction="read"),
    _row("A2", "container:title", "text", types="CASE"),  # the reporter of a case
    _row("A2", "authority", "text", types="PAT LEGAL"),  # "Organization, Issuing" (Zotero: "issuingAuthority")
    _row("A2", "contributor:performer", "name", types="SOUND ADVS"),
    _row("A2", "contributor:recipient", "name", types="ICOMM PCOMM"),
    _row("A2", "contributor:collection-editor", "name", types=_BOOKISH),
    _row("A2", "contributor:author", "name", types="BILL"),  # the sponsor
    _row("A2", "contributor:producer", "name", types="DATA"),
    _row("A2", "contributor:editor", "name",
         exclude="CASE CTLG PAMP CHART EQUA FIGURE GOVDOC LEGAL PAT MPCT"),  # these: not a person
    _row("A3", "contributor:editor", "name", types="BOOK"),
    _row("A3", "contributor:producer", "name", types="MPCT"),
    _row("A3", "contributor:illustrator", "name", types="BLOG"),
    _row("A3", "contributor:contributor", "name", types="GEN THES"),
    _row("A3", "contributor:collection-editor", "name", exclude="CASE PAT RPRT"),
    _row("A4", "contributor:contributor", "name", types="CASE CONF GEN"),
    _row("A4", "contributor:performer", "name", types="MPCT"),
    _row("A4", "contributor:producer", "name", types="MUSIC"),
    _row("A4", "contributor:editor", "name", types="SER"),
    _row("A4", "contributor:translator", "name", exclude="DATA RPRT"),
    _row("ED", "contributor:editor", "name", direction="read"),
    _row("C2", "contributor:container-author", "name", types="CHAP"),  # Zotero: "bookAuthor"
    # -- titles
    _row("TI", "title", "title"),
    _row("T1", "title", "title", direction="read"),
    _row("CT", "title", "title", direction="read"),
    _row("BT", "title", "title", types="BOOK", direction="read"),  # only when TI is absent
    _row("ST", "short_title"),
    _row("C3", "container:title", types=_CONFERENCE),  # the proceedings
    _row("T2", "series", types=_T2_IS_SERIES),
    _row("T2", "event", types=_CONFERENCE),
    _row("T2", "container:title", exclude=f"{_T2_IS_NOTHING} {_T2_IS_SERIES}"),
    _row("BT", "series", types=_T2_IS_SERIES, direction="read"),
    _row("BT", "container:title", exclude=f"{_T2_IS_NOTHING} {_T2_IS_SERIES}", direction="read"),
    _row("T3", "authority", types="BILL HEAR"),  # Zotero: "legislativeBody"
    _row("T3", "series", exclude=_T3_IS_NOTHING),
    # (codec "journal": JF, JO, JA, J1 and J2 read together, after T2 and C3)
    _row("JF", "container:title", "journal", direction="read"),
    _row("JO", "container:title", "journal", direction="read"),
    _row("J2", "container:short_title", "journal"),
    _row("JA", "container:short_title", "journal", direction="read"),
    _row("J1", "container:short_title", "journal", direction="read"),
    _row("RI", "reviewed_title"),
    # -- dates (codec "issued": PY is the year, DA the full date; read together)
    _row("PY", "date:issued", "issued"),
    _row("DA", "date:issued", "issued"),
    _row("Y1", "date:issued", "issued", direction="read"),
    _row("ET", "date:online", "epub", types=_ET_IS_EPUB_DATE),  # EndNote's "Epub Date"
    _row("ET", "edition", "edition", types=_ET_IS_EPUB_DATE),  # when it is not a date
    _row("ET", "version", types=_ET_IS_VERSION),
    _row("ET", "edition", exclude=f"{_ET_IS_EPUB_DATE} {_ET_IS_VERSION}"),
    _row("Y2", "date:accessed", "date"),
    # -- the part of the container (codec "pages": SP and EP together)
    _row("VL", "edition", types="COMP"),
    _row("VL", "physical_description", types="CHART EQUA FIGURE ART"),
    _row("VL", "number", types="LEGAL STAND PAMP"),
    _row("VL", "container:volume", exclude=_VL_IS_OTHER),
    _row("IS", "container:issue"),
    _row("M1", "container:issue", types=_M1_IS_ISSUE, direction="read"),  # only when IS is absent
    _row("SP", "container:pages", "pages"),
    _row("EP", "container:pages", "pages"),
    _row("SP", "number_of_pages", "lone_sp", types=_LONE_SP_IS_PAGE_COUNT),
    _row("SP", "physical_description", "lone_sp", types=_LONE_SP_IS_DESCRIPTION),
    _row("C7", "container:article_number", types=_ARTICLES),
    _row("SE", "section", exclude="CASE"),
    _row("NV", "number_of_volumes"),
    # -- numbers
    _row("SN", "number", "number_or_isxn", types=_SN_IS_NUMBER),
    _row("M1", "series_number", types=_M1_IS_SERIES_NUMBER),
    _row("M1", "number", exclude=f"{_M1_IS_ISSUE} {_M1_IS_SERIES_NUMBER} {_M1_IS_SOMETHING_ELSE} {_SN_IS_NUMBER}"),
    # -- identifiers
    _row("SN", "id:isbn", "isxn"),
    _row("SN", "id:issn", "isxn"),
    _row("SN", "id:eissn", "isxn", direction="write"),  # read back as an ISSN
    _row("DO", "id:doi", "doi"),
    _row("AN", "id:pmid", "pmid"),  # when DB names PubMed (or the record is from WoS)
    _row("AN", "archive_location"),  # Zotero: "archiveLocation" (the accession number)
    _row("AV", "archive_location", direction="read"),  # RefMan's "availability"
    _row("C2", "id:pmcid", "pmcid"),  # PubMed's; only a PMCID-shaped value is read so
    _row("ID", "key"),
    # -- publication
    _row("PB", "authority", types="CASE"),  # the court (Zotero: "court")
    _row("PB", "publisher"),
    _row("C1", "place", types=_CONFERENCE),  # EndNote: "Place Published" (Zotero writes it so)
    _row("CY", "event_place", types=_CONFERENCE),  # EndNote: "Conference Location"
    _row("CY", "place"),
    _row("M3", "medium", types=_M3_IS_MEDIUM),
    _row("M3", "genre"),
    _row("CN", "call_number"),
    _row("C1", "scale", types="MAP"),
    _row("C3", "dimensions", types="ART"),  # Zotero: "artworkSize"
    _row("C5", "references", types="PAT"),  # Zotero: "references"
    _row("C6", "status", types="PAT"),  # Zotero: "legalStatus"
    _row("OP", "references", types="HEAR STAT BILL CASE"),  # Zotero: "history"
    # -- content
    _row("AB", "abstract", "abstract"),
    _row("N2", "abstract", "abstract", direction="read"),
    _row("KW", "subject", "keyword"),
    _row("LA", "language", "language", exclude="COMP"),  # COMP: a programming language
    _row("N1", "notes", "note"),
    _row("RN", "annote"),  # "Research Notes"
    _row("UR", "link", "url"),
    _row("L1", "link", "url", direction="read"),  # a full text file
    _row("L2", "link", "url", direction="read"),
    _row("L4", "link", "url", direction="read"),
    _row("LK", "link", "url", direction="read"),
    # -- where the record came from
    _row("DB", "provenance", "database"),
    _row("DP", "provenance", "institution"),
)


@functools.lru_cache(maxsize=256)
def read_rows(ty: str) -> dict[str, Row]:
    """Tag -> the row the reader uses for it in a record of RIS type ``ty``."""
    out: dict[str, Row] = {}
    for row in ROWS:
        if row.reads and row.applies(ty):
            out.setdefault(row.tag, row)
    return out


@functools.lru_cache(maxsize=256)
def tag_rows(ty: str) -> dict[str, tuple[Row, ...]]:
    """Tag -> every row that reads it in RIS type ``ty``, in the order the reader offers a
    value to them (a value the first row does not take goes to the next)."""
    out: dict[str, list[Row]] = {}
    for row in ROWS:
        if row.reads and row.applies(ty):
            out.setdefault(row.tag, []).append(row)
    return {tag: tuple(rows) for tag, rows in out.items()}


@functools.lru_cache(maxsize=256)
def write_rows(ty: str) -> tuple[Row, ...]:
    """The rows the writer walks for RIS type ``ty``, in table order."""
    return tuple(row for row in ROWS if row.writes and row.applies(ty) and read_rows(ty).get(row.tag) is not None
                 and _reads_back(row, ty))


def _reads_back(row: Row, ty: str) -> bool:
    """A row is written only where the reader reads its tag as the same facet: the reader's
    first row for the tag, or a facet that row's codec chooses by the value."""
    first = read_rows(ty)[row.tag]
    return first.facet == row.facet or row.facet in READ_CHOICES.get(first.codec, ())


#: Codecs whose value decides the facet when reading (SN: an ISBN or an ISSN, or a report
#: number; ET of an article: a date or an edition; SP: a page range or a page count; AN: a
#: PMID in PubMed's records, else an archive location).
READ_CHOICES: dict[str, frozenset[str]] = {
    "isxn": frozenset({"id:isbn", "id:issn", "id:eissn"}),
    "number_or_isxn": frozenset({"number", "id:isbn", "id:issn", "id:eissn"}),
    "epub": frozenset({"date:online", "edition"}),
    "pages": frozenset({"container:pages", "number_of_pages", "physical_description"}),
    "pmid": frozenset({"id:pmid", "archive_location"}),
}


@functools.lru_cache(maxsize=256)
def lone_sp_facet(ty: str) -> str | None:
    """What a lone SP (no EP, not a range) holds in RIS type ``ty`` when not a page."""
    for row in ROWS:
        if row.codec == "lone_sp" and row.applies(ty):
            return row.facet
    return None


@functools.lru_cache(maxsize=256)
def role_rows(ty: str) -> dict[str, Row]:
    """Contributor role -> the first writable name row for it in RIS type ``ty``."""
    out: dict[str, Row] = {}
    for row in write_rows(ty):
        if row.codec == "name":
            out.setdefault(row.facet.removeprefix("contributor:"), row)
    return out


def carried_facets() -> frozenset[str]:
    """Every facet some row writes for some type (``carries``: documentation, ``exporter
    formats``); what one record loses is :meth:`RISWriter.lost`."""
    types = set(TYPES.values())
    return frozenset(row.facet for ty in types for row in write_rows(ty)) | {"date:issued:day", "link:more"}


def describe() -> str:
    """The table as Markdown (tag, facet, codec, types, direction), for the documentation:
    ``python -m exporter.formats.ris_table``."""
    lines = ["| tag | facet | codec | RIS types | direction |", "|---|---|---|---|---|"]
    for row in ROWS:
        types = " ".join(sorted(row.types)) if row.types else "all" + (
            f" but {' '.join(sorted(row.exclude))}" if row.exclude else "")
        lines.append(f"| {row.tag} | {row.facet} | {row.codec} | {types} | {row.direction} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe())
