"""The one two-way mapping between BibTeX/BibLaTeX entries and :class:`~exporter.model.Record`.

Both the reader (:mod:`exporter.formats.bibtex_reader`) and the writers
(:mod:`exporter.formats.bibtex`) walk these tables; what a writer carries and what it loses
for one record come from the same walk. Held the way citation-js's BibTeX plugin holds its
mapping (one list of field <-> variable rows with per-type conditions, the reverse derived,
https://github.com/citation-js/citation-js/tree/main/packages/plugin-bibtex/src/mapping)
and Zotero's BibTeX translator its type maps (one map and explicit exceptions,
https://github.com/zotero/translators/blob/master/BibTeX.js).

Field names: the classic BibTeX fields (Patashnik, "BibTeXing", §3.2,
http://mirrors.ctan.org/biblio/bibtex/base/btxdoc.pdf) plus the de-facto ones every BibTeX
exporter writes (doi, url, isbn, issn, keywords, abstract, ...) for ``bibtex``; the BibLaTeX
data model (the biblatex manual §2.1 entry types, §2.2 fields, https://ctan.org/pkg/biblatex)
for ``biblatex``.

A row is (field, facet, codec, direction, dialects, entry types):

* ``facet`` is the :mod:`exporter.losses` facet the field holds;
* ``codec`` says how the text is decoded and encoded (see ``CODECS``);
* ``direction``: ``both``, or ``read`` for a spelling that is read but never written;
* ``dialects``: the writers that write the field (both read every row);
* ``read_types``/``write_types``: the entry types the row applies to (``None``: all).

For one facet the reader takes the first row (in table order) that has a value; a later
row with a different value is kept in ``Record.extra`` as ``("bibtex:<field>", value)``.
The writer writes a facet with the first row that applies to the dialect and entry type.
What no row says is done by the small named special cases in the reader and writer.
"""

from __future__ import annotations

from dataclasses import dataclass

BIBTEX = "bibtex"
BIBLATEX = "biblatex"
BOTH = frozenset({BIBTEX, BIBLATEX})
ONLY_BIBTEX = frozenset({BIBTEX})
ONLY_BIBLATEX = frozenset({BIBLATEX})

#: The namespace of BibTeX/BibLaTeX fields kept in ``Record.extra`` (shared by both dialects).
EXTRA_PREFIX = "bibtex:"
#: ``extra`` key of the entry type an entry had when no record type says it exactly
#: (``@collection``, ``@manual``, ``@inbook``); written back where the dialect has it.
ENTRY_TYPE_EXTRA = EXTRA_PREFIX + "entrytype"

# -- entry types ----------------------------------------------------------------------------

#: Entry type -> (record type, genre it implies). BibTeX and BibLaTeX types together; the
#: first entry type of a record type that a dialect has is the one its writer writes
#: (``WRITE_TYPES``), unless ``TYPE_OVERRIDES`` says otherwise.
ENTRY_TYPES: dict[str, tuple[str, str | None]] = {
    "article": ("article-journal", None),
    "suppperiodical": ("article-journal", None),
    "periodical": ("periodical", None),
    "book": ("book", None),
    "mvbook": ("book", None),
    "collection": ("book", None),
    "mvcollection": ("book", None),
    "proceedings": ("book", None),
    "mvproceedings": ("book", None),
    "reference": ("book", None),
    "mvreference": ("book", None),
    "bookinbook": ("chapter", None),
    "incollection": ("chapter", None),
    "inbook": ("chapter", None),
    "suppbook": ("chapter", None),
    "suppcollection": ("chapter", None),
    "booklet": ("pamphlet", None),
    "inreference": ("entry-encyclopedia", None),
    "inproceedings": ("paper-conference", None),
    "conference": ("paper-conference", None),
    "report": ("report", None),
    "techreport": ("report", "Technical report"),
    "manual": ("report", "Manual"),
    "thesis": ("thesis", None),
    "phdthesis": ("thesis", "PhD thesis"),
    "mastersthesis": ("thesis", "Master's thesis"),
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

#: The entry types of classic BibTeX (BibTeXing §3.1): what the ``bibtex`` writer writes.
CLASSIC_TYPES = frozenset({
    "article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings",
    "manual", "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished"
})
#: BibLaTeX's types (manual §2.1.1 regular, §2.1.2 aliases, §2.1.3 non-standard; all in
#: biber's default data model): what the ``biblatex`` writer writes.
BIBLATEX_TYPES = frozenset({
    "article", "book", "mvbook", "inbook", "bookinbook", "suppbook", "booklet", "collection",
    "mvcollection", "incollection", "suppcollection", "dataset", "manual", "misc", "online",
    "patent", "periodical", "suppperiodical", "proceedings", "mvproceedings", "inproceedings",
    "reference", "mvreference", "inreference", "report", "set", "software", "thesis",
    "unpublished", "conference", "electronic", "mastersthesis", "phdthesis", "techreport",
    "www", "artwork", "audio", "bibnote", "commentary", "image", "jurisdiction", "legislation",
    "legal", "letter", "movie", "music", "performance", "review", "standard", "video"
})
DIALECT_TYPES = {BIBTEX: CLASSIC_TYPES, BIBLATEX: BIBLATEX_TYPES}

#: Record type -> entry type where the derived reverse is not the right one (one-way
#: overrides: several record types share one entry type).
TYPE_OVERRIDES: dict[str, dict[str, str]] = {
    BIBTEX: {
        "article-magazine": "article", "article-newspaper": "article", "article": "article",
        "review": "article", "review-book": "article", "classic": "book", "collection": "book",
        "periodical": "book", "chapter": "incollection", "entry-dictionary": "incollection",
        "entry-encyclopedia": "incollection", "entry": "incollection", "event": "proceedings",
        "report": "techreport", "standard": "techreport",
    },
    BIBLATEX: {
        "article-magazine": "article", "article-newspaper": "article", "article": "article",
        "review-book": "review", "classic": "book", "collection": "collection",
        "chapter": "incollection", "entry-dictionary": "inreference", "entry": "inreference",
        "event": "proceedings", "report": "report", "thesis": "thesis", "post": "online",
        "post-weblog": "online", "map": "misc",
    },
}


def _derive_write_types(dialect: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry_type, (record_type, _genre) in ENTRY_TYPES.items():
        if entry_type in DIALECT_TYPES[dialect]:
            out.setdefault(record_type, entry_type)
    out.update(TYPE_OVERRIDES[dialect])
    return out


#: Record type -> entry type, per dialect (derived from ``ENTRY_TYPES`` plus the overrides).
WRITE_TYPES: dict[str, dict[str, str]] = {d: _derive_write_types(d) for d in (BIBTEX, BIBLATEX)}

#: Entry types whose container is a book (``booktitle``): the parts of a whole.
IN_BOOK = frozenset({"inbook", "bookinbook", "incollection", "suppbook", "suppcollection",
                     "inreference", "inproceedings", "conference"})
#: Entry types whose ``number`` is the issue of a periodical.
PERIODICAL_PARTS = frozenset({"article", "suppperiodical", "periodical", "article-magazine"})
#: Entry types whose ``number`` is the number in their ``series`` (BibTeXing: "the number of
#: a ... work in a series").
SERIES_PARTS = frozenset({"book", "mvbook", "collection", "mvcollection", "proceedings",
                          "mvproceedings", "reference", "mvreference", "bookinbook",
                          "incollection", "inbook", "suppbook", "suppcollection",
                          "inproceedings", "conference"})
THESES = frozenset({"phdthesis", "mastersthesis", "thesis"})
REPORTS = frozenset({"techreport", "report"})


def implied_genre(entry_type: str) -> str | None:
    """The genre an entry type says by itself (``@phdthesis`` is a "PhD thesis")."""
    return ENTRY_TYPES.get(entry_type, (None, None))[1]


# -- fields ---------------------------------------------------------------------------------

#: Codecs: how a field's text becomes a slot value and back (implemented by the reader's
#: ``decode_field`` and the writer's ``encode_field``).
CODECS = {
    "names": "a name list: 'von Last, Jr, First' joined by ' and '",
    "title": "rich text; brace-protected words kept as nocase markup, capitals braced on output",
    "container": "rich text; brace protection kept as nocase markup",
    "text": "rich text: LaTeX decoded to Unicode and CSL markup, and back",
    "list": ("BibLaTeX's literal list (§2.3.5, items joined by 'and'), held as items joined "
             "by '; ' as pandoc does; classic BibTeX's field of the same name is one text"),
    "literal": "plain text (numbers, editions, codes): LaTeX decoded, specials escaped",
    "verbatim": "an address or identifier: only escaped specials decoded, percent-encoded out",
    "ids": "identifiers separated by spaces, commas or semicolons",
    "pages": "a page range; '--' between start and end",
    "date": "an EDTF date (BibLaTeX §2.3.8)",
    "keywords": "keywords separated by commas or semicolons",
    "language": "a language name or code, stored as BCP 47",
    "langid": "a babel/polyglossia language name (BibLaTeX §2.2.2), stored as BCP 47",
    "notes": "notes, joined by a space on output",
    "special": "written and read by a named special case of the writer and the reader",
}


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One field <-> facet mapping (see the module docstring)."""

    field: str
    facet: str
    codec: str = "text"
    direction: str = "both"
    dialects: frozenset[str] = BOTH
    read_types: frozenset[str] | None = None
    write_types: frozenset[str] | None = None

    def reads(self, entry_type: str) -> bool:
        return self.read_types is None or entry_type in self.read_types

    def writes(self, dialect: str, entry_type: str) -> bool:
        return (self.direction != "read" and dialect in self.dialects
                and (self.write_types is None or entry_type in self.write_types))


R = FieldRow
FIELDS: tuple[FieldRow, ...] = (
    # names (BibLaTeX §2.2.2 "name lists")
    R("author", "contributor:author", "names"),
    R("editor", "contributor:editor", "names"),
    R("translator", "contributor:translator", "names"),
    R("bookauthor", "contributor:container-author", "names", dialects=ONLY_BIBLATEX),
    R("origauthor", "contributor:original-author", "names", direction="read"),
    R("director", "contributor:director", "names", direction="read"),
    R("compiler", "contributor:compiler", "names", direction="read"),
    # titles (the BibTeX writer joins the subtitle to the title: a special case)
    R("title", "title", "title"),
    R("subtitle", "subtitle", "title", dialects=ONLY_BIBLATEX),
    R("shorttitle", "short_title", "title"),
    R("booktitle", "container:title", "title", read_types=IN_BOOK, write_types=IN_BOOK),
    R("journaltitle", "container:title", "container", dialects=ONLY_BIBLATEX),
    R("journal", "container:title", "container", dialects=ONLY_BIBTEX),
    R("shortjournal", "container:short_title", "text", dialects=ONLY_BIBLATEX),
    R("journalabbrev", "container:short_title", "text", direction="read"),
    R("origtitle", "original_title", "title", dialects=ONLY_BIBLATEX),
    # a periodical's special issue (CSL volume-title "also for titles of periodical special
    # issues"); a multi-volume work's maintitle has no CSL variable and stays in extra
    R("issuetitle", "volume_title", "title", dialects=ONLY_BIBLATEX, read_types=PERIODICAL_PARTS,
      write_types=PERIODICAL_PARTS),
    # the date of issue: date, or year/month/day
    R("date", "date:issued", "special"),
    # the container's numbering; number is the issue, the series number or the item's own
    # number depending on the entry type, and issue comes with it
    R("volume", "container:volume", "literal"),
    R("number", "container:issue", "special"),
    R("pages", "container:pages", "pages"),
    R("eid", "container:article_number", "literal"),
    R("chapter", "chapter_number", "literal"),
    R("part", "part", "literal", dialects=ONLY_BIBLATEX),
    R("volumes", "number_of_volumes", "literal", dialects=ONLY_BIBLATEX),
    R("pagetotal", "number_of_pages", "literal", dialects=ONLY_BIBLATEX),
    R("edition", "edition", "literal"),
    R("series", "series", "text"),
    # publication (reading both address and location is a special case)
    # (school and institution are the publisher of theses and reports first, of the rest
    # only when there is no publisher)
    R("school", "publisher", "text", dialects=ONLY_BIBTEX, read_types=THESES, write_types=THESES),
    R("institution", "publisher", "list", read_types=THESES | REPORTS, write_types=THESES | REPORTS),
    R("publisher", "publisher", "list"),
    R("organization", "publisher", "list", direction="read"),
    R("institution", "publisher", "list", direction="read"),
    R("school", "publisher", "text", direction="read"),
    R("location", "place", "list", dialects=ONLY_BIBLATEX),
    R("address", "place", "text", dialects=ONLY_BIBTEX),
    R("origpublisher", "original_publisher", "list", dialects=ONLY_BIBLATEX),
    R("origlocation", "original_publisher_place", "list", dialects=ONLY_BIBLATEX),
    R("origdate", "date:original", "date", dialects=ONLY_BIBLATEX),
    R("eventtitle", "event", "text", dialects=ONLY_BIBLATEX),
    R("eventdate", "date:event", "date", dialects=ONLY_BIBLATEX),
    R("venue", "event_place", "text", dialects=ONLY_BIBLATEX),
    R("howpublished", "medium", "text"),
    R("type", "genre", "text"),
    R("version", "version", "literal", dialects=ONLY_BIBLATEX),
    R("pubstate", "status", "text", dialects=ONLY_BIBLATEX),
    # identifiers and links (one eprint/eprinttype pair: a special case)
    R("doi", "id:doi", "verbatim"),
    R("eprint", "id:arxiv", "special"),
    R("pmid", "id:pmid", "literal", dialects=ONLY_BIBTEX),
    R("pmcid", "id:pmcid", "literal"),
    R("issn", "id:issn", "ids"),
    R("isbn", "id:isbn", "ids"),
    R("url", "link", "verbatim"),
    R("urldate", "date:accessed", "date"),
    R("library", "call_number", "text", dialects=ONLY_BIBLATEX),
    # content
    R("abstract", "abstract", "text"),
    R("keywords", "subject", "keywords"),
    R("langid", "language", "langid", dialects=ONLY_BIBLATEX),
    R("language", "language", "language", dialects=ONLY_BIBTEX),
    R("copyright", "rights:statement", "text"),
    R("rights", "rights:statement", "text", direction="read"),
    R("note", "notes", "notes"),
    # BibLaTeX's annotation (annote is its BibTeX spelling): not printed by most styles
    R("annotation", "annote", "text", dialects=ONLY_BIBLATEX),
    R("annote", "annote", "text", dialects=ONLY_BIBTEX),
)
del R

#: Fields the reader's special cases read, not the table walk (nor kept in ``extra``).
SPECIAL_FIELDS = frozenset({"date", "year", "month", "day", "number", "issue", "location",
                            "address", "eprint", "eprinttype", "archiveprefix"})
#: Fields that name other entries by key (BibTeX's crossref, BibLaTeX §2.2.3 and §3.13.5).
KEY_FIELDS = frozenset({"crossref", "xref", "xdata", "related", "ids", "entryset", "set"})
#: Fields whose value is an address, a key or a code: LaTeX is not decoded beyond escaped
#: characters, and nothing is escaped but what would break the entry.
VERBATIM_FIELDS = frozenset({r.field for r in FIELDS if r.codec == "verbatim"}
                            | {"eprint", "file", "pdf", "urlraw"} | KEY_FIELDS)
#: BibLaTeX's literal lists ("München and Berlin"); read as lists by the biblatex reader,
#: and by both readers when the field is BibLaTeX's alone (location).
LIST_FIELDS = frozenset(r.field for r in FIELDS if r.codec == "list")
BIBLATEX_ONLY_FIELDS = frozenset(r.field for r in FIELDS if r.dialects == ONLY_BIBLATEX)
#: How a list's items are joined in a slot.
LIST_SEPARATOR = "; "

#: Fields whose brace protection is kept as nocase markup on reading.
PROTECTED_FIELDS = frozenset({r.field for r in FIELDS if r.codec in ("title", "container")}
                             | {"maintitle", "booksubtitle", "issuetitle"})
#: Name-list fields: parsed from the raw value.
NAME_FIELDS = {r.field: r.facet.split(":", 1)[1] for r in FIELDS if r.codec == "names"}

#: babel/polyglossia language names (what BibLaTeX's ``langid`` holds, §2.2.2) -> BCP 47; the
#: first name of a tag is the one written (derived reverse: ``LANGID_NAMES``).
LANGIDS: dict[str, str] = {
    "english": "en", "american": "en-US", "british": "en-GB", "USenglish": "en-US",
    "UKenglish": "en-GB", "australian": "en-AU", "canadian": "en-CA", "newzealand": "en-NZ",
    "german": "de", "ngerman": "de", "austrian": "de-AT", "naustrian": "de-AT",
    "swissgerman": "de-CH", "nswissgerman": "de-CH", "french": "fr", "spanish": "es",
    "italian": "it", "portuguese": "pt", "brazil": "pt-BR", "dutch": "nl", "swedish": "sv",
    "danish": "da", "norwegian": "no", "norsk": "nb", "nynorsk": "nn", "finnish": "fi",
    "icelandic": "is", "polish": "pl", "czech": "cs", "slovak": "sk", "hungarian": "hu",
    "magyar": "hu", "romanian": "ro", "bulgarian": "bg", "croatian": "hr", "serbian": "sr",
    "slovene": "sl", "slovenian": "sl", "ukrainian": "uk", "russian": "ru", "greek": "el",
    "turkish": "tr", "latin": "la", "catalan": "ca", "basque": "eu", "galician": "gl",
    "welsh": "cy", "irish": "ga", "estonian": "et", "latvian": "lv", "lithuanian": "lt",
    "afrikaans": "af", "esperanto": "eo", "hebrew": "he", "arabic": "ar", "japanese": "ja",
    "chinese": "zh", "korean": "ko", "vietnamese": "vi", "thai": "th", "indonesian": "id",
    "malay": "ms", "albanian": "sq", "macedonian": "mk", "armenian": "hy", "georgian": "ka",
    "hindi": "hi", "persian": "fa",
}
LANGID_NAMES: dict[str, str] = {}
for _name, _tag in LANGIDS.items():
    LANGID_NAMES.setdefault(_tag, _name)
del _name, _tag

#: eprinttype (or archivePrefix) -> identifier scheme (BibLaTeX §3.14.7 "Electronic publishing").
EPRINT_SCHEMES: dict[str, str] = {
    "arxiv": "arxiv", "pubmed": "pmid", "pmid": "pmid", "pmcid": "pmcid", "hdl": "handle",
    "handle": "handle", "jstor": "jstor", "googlebooks": "googlebooks", "doi": "doi",
}
#: The identifier a BibLaTeX entry's one ``eprint`` holds, in order of preference, with its
#: ``eprinttype`` (derived reverse of ``EPRINT_SCHEMES``, biblatex's own spellings first).
EPRINT_WRITE: tuple[tuple[str, str], ...] = (("arxiv", "arxiv"), ("pmid", "pubmed"),
                                             ("handle", "hdl"), ("jstor", "jstor"),
                                             ("googlebooks", "googlebooks"))

#: Facets the special cases write, per dialect (for ``carries``).
SPECIAL_FACETS: dict[str, frozenset[str]] = {
    BIBTEX: frozenset({"date:issued", "container:issue", "number", "series_number", "place",
                       "subtitle", "key", "id:arxiv"}),
    BIBLATEX: frozenset({"date:issued", "date:issued:day", "date:issued:qualifier", "container:issue", "number",
                         "series_number", "place", "key", "id:arxiv", "id:pmid", "id:handle",
                         "id:jstor", "id:googlebooks"}),
}


#: ``extra`` keys that are no field: the original entry type and the "and others" marker
#: (``("others", role)``, shared with the MEDLINE reader).
EXTRA_NOT_FIELDS = frozenset({ENTRY_TYPE_EXTRA, "others"})


def carries(dialect: str) -> frozenset[str]:
    """Every facet the dialect's writer writes for some record (the static union)."""
    rows = {r.facet for r in FIELDS if r.direction != "read" and dialect in r.dialects and r.codec != "special"}
    return frozenset(rows | SPECIAL_FACETS[dialect] | {f"extra:{EXTRA_PREFIX}*", "extra:others"})


def derived_entry_type(record_type: str, genre: str | None, dialect: str) -> str:
    """The entry type a record type is written as when the entry had no other."""
    if dialect == BIBTEX and record_type == "thesis":
        words = (genre or "").lower()
        return "mastersthesis" if "master" in words or "msc" in words else "phdthesis"
    return WRITE_TYPES[dialect].get(record_type, "misc")


#: Every entry type some dialect knows (an original type outside it is a custom type).
KNOWN_TYPES = frozenset(ENTRY_TYPES) | BIBLATEX_TYPES


def write_entry_type(record_type: str, genre: str | None, original: str | None, dialect: str) -> str:
    """The entry type to write: the original one unless it is a known type the dialect does
    not have (a BibLaTeX type in classic BibTeX); custom types are written back as they were."""
    if original and (original in DIALECT_TYPES[dialect] or original not in KNOWN_TYPES):
        return original
    return derived_entry_type(record_type, genre, dialect)
