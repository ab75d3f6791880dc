"""The schema.org mapping: a Record as RDF triples. Written once, used by every RDF writer
and by the dumps.

Vocabulary: schema.org (https://schema.org, version 29), in the ``http://schema.org/``
namespace that schema.org's own JSON-LD context uses, so that data embedded in web pages with
``"@context": "https://schema.org"`` and our dumps give the same IRIs. Gaps are filled with:

* BIBO (http://purl.org/ontology/bibo/): ``bibo:authorList``, an rdf:List of the authors,
  because repeated ``schema:author`` triples carry no order;
* DCMI Terms (http://purl.org/dc/terms/): ``dcterms:available`` for the date first published
  online (schema.org has no epub date), ``dcterms:source`` for the catalogue the record came
  from.

Node IRIs: the record is ``<base><id>``; its parts (authors, periodical, identifiers) are
fragments of it (``#author-1``, ``#periodical``), so every dump is deterministic and records
never collide. The only blank nodes are the cells of the author list, labelled from a hash of
the record IRI so they too are stable and unique across shards.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Callable, Iterator

from ..normalize.seen import SeenStrings
from ..model import Contributor, DateValue, PartialDate, Record
from ..normalize.identifiers import doi_url, identifier_from_url, pmc_url, pubmed_url
from ..normalize.markup import to_plain
from .terms import RDF, XSD, BNode, IRI, Literal, Term, Triple, iri_segment, make_iri

SCHEMA = "http://schema.org/"
BIBO = "http://purl.org/ontology/bibo/"
DCTERMS = "http://purl.org/dc/terms/"

DEFAULT_BASE_IRI = "https://example.org/records/"

#: Record type -> schema.org class (only classes that exist in schema.org).
SCHEMA_TYPES = {
    "article-journal": "ScholarlyArticle", "paper-conference": "ScholarlyArticle",
    "article": "Article", "article-magazine": "Article", "article-newspaper": "NewsArticle",
    "review": "Review", "review-book": "Review",
    "book": "Book", "classic": "Book", "chapter": "Chapter", "thesis": "Thesis",
    "report": "Report", "standard": "Report", "webpage": "WebPage", "dataset": "Dataset",
    "software": "SoftwareSourceCode", "map": "Map", "motion_picture": "Movie",
    "broadcast": "Episode", "song": "MusicRecording", "musical_score": "MusicComposition",
    "graphic": "VisualArtwork", "figure": "ImageObject", "manuscript": "Manuscript",
    "periodical": "Periodical", "post-weblog": "BlogPosting", "post": "SocialMediaPosting",
    "legislation": "Legislation", "bill": "Legislation", "regulation": "Legislation",
    "collection": "Collection", "entry-dictionary": "CreativeWork",
    "entry-encyclopedia": "CreativeWork", "speech": "CreativeWork",
}
ROLE_PROPERTIES = {
    "author": "author", "editor": "editor", "translator": "translator",
    "illustrator": "illustrator", "composer": "composer", "director": "director",
    "producer": "producer", "performer": "performer", "contributor": "contributor",
}
#: Container title -> class of the work it names, by record type.
CONTAINER_TYPES = {"chapter": "Book", "paper-conference": "Book", "entry-encyclopedia": "Book",
                   "entry-dictionary": "Book", "webpage": "WebSite", "post-weblog": "Blog",
                   "article-newspaper": "Newspaper"}
ID_NAMES = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "isbn": "ISBN", "issn": "ISSN",
            "oclc": "OCLC", "arxiv": "arXiv", "handle": "Handle", "urn": "URN"}

#: Record text slots written as one plain literal of a schema.org property: slot -> property.
#: (The RDF writers' ``carries`` includes these keys; what no row or branch below writes is
#: reported as lost.)
LITERAL_PROPERTIES = {
    "version": "version",              # software and datasets ("1.19.0")
    "status": "creativeWorkStatus",    # "in press", "forthcoming"
    "section": "articleSection",
    "dimensions": "size",
    "archive_location": "itemLocation",
}
#: Record text slots that name a related thing: slot -> (property, fragment, class).
NAMED_PROPERTIES = {
    "original_title": ("translationOfWork", "original", "CreativeWork"),
    "reviewed_title": ("itemReviewed", "reviewed", "CreativeWork"),
    "archive": ("holdingArchive", "archive", "ArchiveOrganization"),
}

_TYPE = IRI(RDF + "type")
_FIRST, _REST, _NIL = IRI(RDF + "first"), IRI(RDF + "rest"), IRI(RDF + "nil")


class _Namespace:
    """``S.name`` is the IRI schema:name, built once and then a plain attribute."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> IRI:
        iri = IRI(self._base + name)
        setattr(self, name, iri)
        return iri


S = _Namespace(SCHEMA)


def s(name: str) -> IRI:
    return getattr(S, name)


def record_iri(record: Record, base_iri: str, number: int | None = None) -> IRI:
    ident = (record.provenance.source_id if record.provenance else None) or record.key
    if not ident:
        ident = record.doi or record.pmid or (f"record-{number}" if number is not None else None)
    if not ident:
        ident = hashlib.sha1(repr(record).encode("utf-8")).hexdigest()[:16]
    return IRI(base_iri + iri_segment(ident))


class RecordIRIs:
    """Hands out record IRIs unique within one output: a second record with the same id
    becomes ``<id>-2`` (and the caller reports it), never a silent merge of two records."""

    def __init__(self, base_iri: str) -> None:
        self.base_iri = base_iri
        self._used = SeenStrings()  # 16 bytes per IRI at most: flat at millions of records

    def allocate(self, record: Record, number: int) -> tuple[IRI, bool]:
        """(IRI, True if it had to be changed to stay unique)."""
        iri = record_iri(record, self.base_iri, number)
        if self._used.insert(iri):
            return iri, False
        n = 2
        while not self._used.insert(f"{iri}-{n}"):
            n += 1
        return IRI(f"{iri}-{n}"), True


def date_literal(d: PartialDate) -> Literal:
    if d.day is not None:
        return Literal(d.iso(), XSD + "date")
    if d.month is not None:
        return Literal(d.iso(), XSD + "gYearMonth")
    return Literal(d.iso(), XSD + "gYear")


def date_value(d: DateValue | None) -> Literal | None:
    if d is None:
        return None
    if d.exact:
        return date_literal(d.start)  # type: ignore[arg-type]
    value = d.iso() or d.literal
    return Literal(value) if value else None


def text(value: str) -> Literal:
    return Literal(to_plain(value) or "")


def triples(
    record: Record, base_iri: str = DEFAULT_BASE_IRI, number: int | None = None, iri: IRI | None = None
) -> Iterator[Triple]:
    """Every triple that describes ``record``, in a stable order, each once (a keyword in
    two schemes or a link given twice is one statement). ``iri`` overrides the record's
    IRI (see :class:`RecordIRIs`)."""
    out: list[Triple] = []
    _triples(record, iri or record_iri(record, base_iri, number), out.append)
    # each once, first occurrence kept (dict keys keep their order)
    return iter(dict.fromkeys(out))


def _triples(record: Record, rec: IRI, add: Callable[[Triple], None]) -> None:
    add((rec, _TYPE, s(SCHEMA_TYPES.get(record.type, "CreativeWork"))))
    add((rec, S.name, _name(record)))  # every record has a name (the SHACL shapes say so)
    if record.subtitle:
        add((rec, S.alternativeHeadline, text(record.subtitle)))
    if record.short_title:
        add((rec, S.alternateName, text(record.short_title)))

    _contributors(record, rec, add)

    issued = date_value(record.issued)
    if issued is not None:
        add((rec, S.datePublished, issued))
    online = date_value(record.online)
    if online is not None:
        add((rec, IRI(DCTERMS + "available"), online))
    # the access date belongs to a citation, not to the work: schema.org has no slot for it

    _container(record, rec, add)

    _identifiers(record, rec, add)

    # the main link, and any other link that is not just an identifier's address (sameAs)
    for i, link in enumerate(record.links):
        iri = make_iri(link.url)
        if iri is not None and (i == 0 or identifier_from_url(link.url) is None):
            add((rec, S.url, iri))
    if record.abstract:
        add((rec, S.abstract, text(record.abstract)))
    for subject in record.subjects:
        add((rec, S.keywords, Literal(subject.term)))
    if record.language:
        add((rec, S.inLanguage, Literal(record.language)))
    if record.publisher:
        pub = IRI(rec + "#publisher")
        _named(rec, S.publisher, pub, S.Organization, Literal(record.publisher), add)
        if record.place:
            _named(pub, S.location, IRI(rec + "#publisher-place"), S.Place, Literal(record.place), add)
    if record.edition:
        add((rec, S.bookEdition if record.type == "book" else S.version, Literal(record.edition)))
    if record.series:
        _named(rec, S.isPartOf, IRI(rec + "#series"), S.CreativeWorkSeries, text(record.series), add)
        if record.series_number:
            add((rec, S.position, Literal(record.series_number)))
    if record.number:
        add((rec, S.reportNumber if record.type == "report" else S.identifier, Literal(record.number)))
    if record.genre:
        add((rec, S.inSupportOf if record.type == "thesis" else S.genre, Literal(record.genre)))
    if record.physical_description:
        add((rec, S.materialExtent, Literal(record.physical_description)))
    for attr, prop in LITERAL_PROPERTIES.items():
        value = getattr(record, attr)
        if value:
            add((rec, s(prop), text(value)))
    for attr, (prop, frag, cls) in NAMED_PROPERTIES.items():
        value = getattr(record, attr)
        if value:
            _named(rec, s(prop), IRI(f"{rec}#{frag}"), s(cls), text(value), add)
    if record.number_of_pages:
        pages = record.number_of_pages.strip()
        add((rec, S.numberOfPages, Literal(pages, XSD + "integer") if pages.isdigit() else Literal(pages)))
    submitted = date_value(record.submitted)
    if submitted is not None:
        add((rec, IRI(DCTERMS + "dateSubmitted"), submitted))
    if record.event:
        event = IRI(rec + "#event")
        _named(rec, S.recordedAt, event, S.Event, text(record.event), add)
        if record.event_place:
            add((event, S.location, Literal(record.event_place)))
        event_date = date_value(record.event_date)
        if event_date is not None:
            add((event, S.startDate, event_date))
    if record.rights:
        if record.rights.license_url:
            lic = make_iri(record.rights.license_url)
            if lic:
                add((rec, S.license, lic))
        if record.rights.statement:
            add((rec, S.copyrightNotice, Literal(record.rights.statement)))
    for note in record.notes:
        add((rec, S.description, Literal(note)))
    prov = record.provenance
    if prov and (prov.database or prov.institution):
        src = IRI(rec + "#source")
        add((rec, IRI(DCTERMS + "source"), src))
        add((src, _TYPE, S.DataCatalog))
        if prov.database:
            add((src, S.name, Literal(prov.database)))
        if prov.institution:
            _named(src, S.provider, IRI(rec + "#source-provider"), S.Organization, Literal(prov.institution), add)


def _named(subject: IRI, prop: IRI, node: IRI, cls: IRI, name: Literal, add: Callable[[Triple], None]) -> None:
    """A part of the record with a class and a name (publisher, series, event, ...)."""
    add((subject, prop, node))
    add((node, _TYPE, cls))
    add((node, S.name, name))


def _name(record: Record) -> Literal:
    for value in (record.full_title, record.short_title):
        plain = to_plain(value)
        if plain and plain.strip():
            return Literal(plain)
    return Literal("[untitled]")


def _person(node: IRI, c: Contributor, add: Callable[[Triple], None]) -> None:
    if c.literal is not None:
        add((node, _TYPE, S.Organization))
        add((node, S.name, Literal(c.literal)))
        return
    add((node, _TYPE, S.Person))
    # a one-part name is a family name, as in CSL ("Plato")
    family = " ".join(p for p in (c.particle, c.family) if p) or c.given
    if c.given and family != c.given:
        add((node, S.givenName, Literal(c.given)))
    if family:
        add((node, S.familyName, Literal(family)))
    if c.suffix:
        add((node, S.honorificSuffix, Literal(c.suffix)))
    add((node, S.name, Literal(c.display_name())))
    if c.orcid:
        orcid = make_iri(c.orcid if c.orcid.startswith("http") else "https://orcid.org/" + c.orcid)
        if orcid:
            add((node, S.sameAs, orcid))
    for i, aff in enumerate((a for a in c.affiliations if a.strip()), start=1):
        _named(node, S.affiliation, IRI(f"{node}-affiliation-{i}"), S.Organization, Literal(aff), add)


def _contributors(record: Record, rec: IRI, add: Callable[[Triple], None]) -> None:
    authors: list[IRI] = []
    counters: dict[str, int] = {}
    for c in record.contributors:
        if not (c.literal or c.family or c.particle or c.given):
            continue  # no name at all: nothing to say about this person
        prop = ROLE_PROPERTIES.get(c.role, "contributor")
        counters[c.role] = counters.get(c.role, 0) + 1
        node = IRI(f"{rec}#{c.role}-{counters[c.role]}")
        add((rec, s(prop), node))
        _person(node, c, add)
        if c.role == "author":
            authors.append(node)
    if authors:
        # rdf:List cells: blank nodes with labels stable for this record IRI
        stem = "l" + hashlib.sha1(rec.encode("utf-8")).hexdigest()[:16]
        cells = [BNode(f"{stem}x{i}") for i in range(1, len(authors) + 1)]
        add((rec, IRI(BIBO + "authorList"), cells[0]))
        for i, (cell, node) in enumerate(zip(cells, authors)):
            add((cell, _FIRST, node))
            add((cell, _REST, cells[i + 1] if i + 1 < len(cells) else _NIL))


def _container(record: Record, rec: IRI, add: Callable[[Triple], None]) -> None:
    cont = record.container
    if cont is None:
        return
    issns = record.ids("issn") if record.type.startswith("article") else ()
    # PublicationIssue -> PublicationVolume -> the container, skipping absent levels
    chain: list[tuple[str, str, str | None]] = []
    if cont.issue:
        chain.append(("issue", "PublicationIssue", cont.issue))
    if cont.volume:
        chain.append(("volume", "PublicationVolume", cont.volume))
    if cont.title or cont.short_title or issns:
        container_class = CONTAINER_TYPES.get(record.type)
        if container_class is None:
            container_class = "Periodical" if record.type.startswith("article") else "CreativeWork"
        chain.append(("container", container_class, None))
    child = rec
    for frag, cls, number in chain:
        node = IRI(f"{rec}#{frag}")
        add((child, S.isPartOf, node))
        add((node, _TYPE, s(cls)))
        if cls == "PublicationIssue":
            add((node, S.issueNumber, Literal(number or "")))
        elif cls == "PublicationVolume":
            add((node, S.volumeNumber, Literal(number or "")))
        else:
            if cont.title:
                add((node, S.name, text(cont.title)))
            if cont.short_title:
                add((node, S.alternateName, text(cont.short_title)))
            for issn in issns:
                add((node, S.issn, Literal(issn)))
        child = node
    if cont.page_start:
        add((rec, S.pageStart, Literal(cont.page_start)))
    if cont.page_end:
        add((rec, S.pageEnd, Literal(cont.page_end)))
    if cont.pages or cont.page_range:
        add((rec, S.pagination, Literal(cont.page_range or "")))
    if cont.article_number:
        node = IRI(rec + "#article-number")
        add((rec, S.identifier, node))
        add((node, _TYPE, S.PropertyValue))
        add((node, S.propertyID, Literal("article number")))
        add((node, S.value, Literal(cont.article_number)))


#: identifier scheme -> the address of the thing it identifies (schema:sameAs)
_SAME_AS = {"doi": doi_url, "pmid": pubmed_url, "pmcid": pmc_url}


@functools.lru_cache(maxsize=512)  # schemes are a few dozen names; bounded all the same
def _scheme_segment(scheme: str) -> str:
    return iri_segment(scheme)


def _identifiers(record: Record, rec: IRI, add: Callable[[Triple], None]) -> None:
    counters: dict[str, int] = {}
    for ident in record.identifiers:
        if not ident.value.strip():
            continue
        if ident.scheme == "issn" and record.type.startswith("article") and record.container is not None:
            continue  # the periodical's ISSN, written on the periodical
        counters[ident.scheme] = counters.get(ident.scheme, 0) + 1
        n = counters[ident.scheme]
        node = IRI(f"{rec}#id-{_scheme_segment(ident.scheme)}" + (f"-{n}" if n > 1 else ""))
        add((rec, S.identifier, node))
        add((node, _TYPE, S.PropertyValue))
        add((node, S.propertyID, Literal(ID_NAMES.get(ident.scheme, ident.scheme))))
        add((node, S.value, Literal(ident.value)))
        if ident.scheme == "isbn":
            add((rec, S.isbn, Literal(ident.value)))
        same = _SAME_AS.get(ident.scheme)
        if same is not None:
            iri = make_iri(same(ident.value))
            if iri:
                add((rec, S.sameAs, iri))
    if record.provenance and record.provenance.source_id:
        n = counters["local"] = counters.get("local", 0) + 1
        node = IRI(rec + "#id-local" + (f"-{n}" if n > 1 else ""))
        add((rec, S.identifier, node))
        add((node, _TYPE, S.PropertyValue))
        add((node, S.propertyID, Literal(record.provenance.source_system or "local")))
        add((node, S.value, Literal(record.provenance.source_id)))


__all__ = ["triples", "record_iri", "SCHEMA", "BIBO", "DCTERMS", "DEFAULT_BASE_IRI", "Term"]
