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

import hashlib
from typing import Iterator

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

_TYPE = IRI(RDF + "type")
_FIRST, _REST, _NIL = IRI(RDF + "first"), IRI(RDF + "rest"), IRI(RDF + "nil")


def s(name: str) -> IRI:
    return IRI(SCHEMA + name)


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
        self._used: set[str] = set()

    def allocate(self, record: Record, number: int) -> tuple[IRI, bool]:
        """(IRI, True if it had to be changed to stay unique)."""
        iri = record_iri(record, self.base_iri, number)
        if iri not in self._used:
            self._used.add(iri)
            return iri, False
        n = 2
        while f"{iri}-{n}" in self._used:
            n += 1
        unique = IRI(f"{iri}-{n}")
        self._used.add(unique)
        return unique, True


def date_literal(d: PartialDate) -> Literal:
    if d.day is not None:
        return Literal(d.iso(), XSD + "date")
    if d.month is not None:
        return Literal(d.iso(), XSD + "gYearMonth")
    return Literal(d.iso(), XSD + "gYear")


def date_value(d: DateValue | None) -> Literal | None:
    if d is None:
        return None
    if d.start is not None and d.end is None and not d.circa and d.start.season is None:
        return date_literal(d.start)
    iso = d.iso()
    return Literal(iso or d.literal or "")


def text(value: str) -> Literal:
    return Literal(to_plain(value) or "")


def triples(
    record: Record, base_iri: str = DEFAULT_BASE_IRI, number: int | None = None, iri: IRI | None = None
) -> Iterator[Triple]:
    """Every triple that describes ``record``, in a stable order. ``iri`` overrides the
    record's IRI (see :class:`RecordIRIs`)."""
    rec = iri or record_iri(record, base_iri, number)
    yield rec, _TYPE, s(SCHEMA_TYPES.get(record.type, "CreativeWork"))
    if record.full_title:
        yield rec, s("name"), text(record.full_title)
    if record.subtitle:
        yield rec, s("alternativeHeadline"), text(record.subtitle)
    if record.short_title:
        yield rec, s("alternateName"), text(record.short_title)

    yield from _contributors(record, rec)

    issued = date_value(record.issued)
    if issued is not None:
        yield rec, s("datePublished"), issued
    online = date_value(record.online)
    if online is not None:
        yield rec, IRI(DCTERMS + "available"), online
    # the access date belongs to a citation, not to the work: schema.org has no slot for it

    yield from _container(record, rec)

    yield from _identifiers(record, rec)

    # the main link, and any other link that is not just an identifier's address (sameAs)
    for i, link in enumerate(record.links):
        iri = make_iri(link.url)
        if iri is not None and (i == 0 or identifier_from_url(link.url) is None):
            yield rec, s("url"), iri
    if record.abstract:
        yield rec, s("abstract"), text(record.abstract)
    for subject in record.subjects:
        yield rec, s("keywords"), Literal(subject.term)
    if record.language:
        yield rec, s("inLanguage"), Literal(record.language)
    if record.publisher:
        pub = IRI(rec + "#publisher")
        yield rec, s("publisher"), pub
        yield pub, _TYPE, s("Organization")
        yield pub, s("name"), Literal(record.publisher)
        if record.place:
            place = IRI(rec + "#publisher-place")
            yield pub, s("location"), place
            yield place, _TYPE, s("Place")
            yield place, s("name"), Literal(record.place)
    if record.edition:
        yield rec, s("bookEdition") if record.type == "book" else s("version"), Literal(record.edition)
    if record.series:
        series = IRI(rec + "#series")
        yield rec, s("isPartOf"), series
        yield series, _TYPE, s("CreativeWorkSeries")
        yield series, s("name"), text(record.series)
        if record.series_number:
            yield rec, s("position"), Literal(record.series_number)
    if record.number:
        yield rec, s("reportNumber") if record.type == "report" else s("identifier"), Literal(record.number)
    if record.genre:
        yield rec, s("inSupportOf") if record.type == "thesis" else s("genre"), Literal(record.genre)
    if record.physical_description:
        yield rec, s("materialExtent"), Literal(record.physical_description)
    if record.event:
        event = IRI(rec + "#event")
        yield rec, s("recordedAt"), event
        yield event, _TYPE, s("Event")
        yield event, s("name"), text(record.event)
        if record.event_place:
            yield event, s("location"), Literal(record.event_place)
        event_date = date_value(record.event_date)
        if event_date is not None:
            yield event, s("startDate"), event_date
    if record.rights:
        if record.rights.license_url:
            lic = make_iri(record.rights.license_url)
            if lic:
                yield rec, s("license"), lic
        if record.rights.statement:
            yield rec, s("copyrightNotice"), Literal(record.rights.statement)
    for note in record.notes:
        yield rec, s("description"), Literal(note)
    prov = record.provenance
    if prov and (prov.database or prov.institution):
        src = IRI(rec + "#source")
        yield rec, IRI(DCTERMS + "source"), src
        yield src, _TYPE, s("DataCatalog")
        if prov.database:
            yield src, s("name"), Literal(prov.database)
        if prov.institution:
            org = IRI(rec + "#source-provider")
            yield src, s("provider"), org
            yield org, _TYPE, s("Organization")
            yield org, s("name"), Literal(prov.institution)


def _person(node: IRI, c: Contributor) -> Iterator[Triple]:
    if c.literal is not None:
        yield node, _TYPE, s("Organization")
        yield node, s("name"), Literal(c.literal)
        return
    yield node, _TYPE, s("Person")
    if c.given:
        yield node, s("givenName"), Literal(c.given)
    family = " ".join(p for p in (c.particle, c.family) if p)
    if family:
        yield node, s("familyName"), Literal(family)
    if c.suffix:
        yield node, s("honorificSuffix"), Literal(c.suffix)
    yield node, s("name"), Literal(c.display_name())
    if c.orcid:
        orcid = make_iri(c.orcid if c.orcid.startswith("http") else "https://orcid.org/" + c.orcid)
        if orcid:
            yield node, s("sameAs"), orcid
    for i, aff in enumerate(c.affiliations, start=1):
        org = IRI(f"{node}-affiliation-{i}")
        yield node, s("affiliation"), org
        yield org, _TYPE, s("Organization")
        yield org, s("name"), Literal(aff)


def _contributors(record: Record, rec: IRI) -> Iterator[Triple]:
    authors: list[IRI] = []
    counters: dict[str, int] = {}
    for c in record.contributors:
        prop = ROLE_PROPERTIES.get(c.role, "contributor")
        counters[c.role] = counters.get(c.role, 0) + 1
        node = IRI(f"{rec}#{c.role}-{counters[c.role]}")
        yield rec, s(prop), node
        yield from _person(node, c)
        if c.role == "author":
            authors.append(node)
    if authors:
        # rdf:List cells: blank nodes with labels stable for this record IRI
        stem = "l" + hashlib.sha1(rec.encode("utf-8")).hexdigest()[:16]
        cells = [BNode(f"{stem}x{i}") for i in range(1, len(authors) + 1)]
        yield rec, IRI(BIBO + "authorList"), cells[0]
        for i, (cell, node) in enumerate(zip(cells, authors)):
            yield cell, _FIRST, node
            yield cell, _REST, cells[i + 1] if i + 1 < len(cells) else _NIL


def _container(record: Record, rec: IRI) -> Iterator[Triple]:
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
    if cont.title or issns:
        container_class = CONTAINER_TYPES.get(record.type)
        if container_class is None:
            container_class = "Periodical" if record.type.startswith("article") else "CreativeWork"
        chain.append(("container", container_class, None))
    child = rec
    for frag, cls, number in chain:
        node = IRI(f"{rec}#{frag}")
        yield child, s("isPartOf"), node
        yield node, _TYPE, s(cls)
        if cls == "PublicationIssue":
            yield node, s("issueNumber"), Literal(number or "")
        elif cls == "PublicationVolume":
            yield node, s("volumeNumber"), Literal(number or "")
        else:
            if cont.title:
                yield node, s("name"), text(cont.title)
            if cont.short_title:
                yield node, s("alternateName"), text(cont.short_title)
            for issn in issns:
                yield node, s("issn"), Literal(issn)
        child = node
    if cont.page_start:
        yield rec, s("pageStart"), Literal(cont.page_start)
    if cont.page_end:
        yield rec, s("pageEnd"), Literal(cont.page_end)
    if cont.pages or cont.page_range:
        yield rec, s("pagination"), Literal(cont.page_range or "")
    if cont.article_number:
        node = IRI(rec + "#article-number")
        yield rec, s("identifier"), node
        yield node, _TYPE, s("PropertyValue")
        yield node, s("propertyID"), Literal("article number")
        yield node, s("value"), Literal(cont.article_number)


def _identifiers(record: Record, rec: IRI) -> Iterator[Triple]:
    counters: dict[str, int] = {}
    for ident in record.identifiers:
        if ident.scheme == "issn" and record.type.startswith("article") and record.container is not None:
            continue  # the periodical's ISSN, written on the periodical
        counters[ident.scheme] = counters.get(ident.scheme, 0) + 1
        n = counters[ident.scheme]
        node = IRI(f"{rec}#id-{iri_segment(ident.scheme)}" + (f"-{n}" if n > 1 else ""))
        yield rec, s("identifier"), node
        yield node, _TYPE, s("PropertyValue")
        yield node, s("propertyID"), Literal(ID_NAMES.get(ident.scheme, ident.scheme))
        yield node, s("value"), Literal(ident.value)
        if ident.scheme == "isbn":
            yield rec, s("isbn"), Literal(ident.value)
        same = {"doi": doi_url, "pmid": pubmed_url, "pmcid": pmc_url}.get(ident.scheme)
        if same is not None:
            iri = make_iri(same(ident.value))
            if iri:
                yield rec, s("sameAs"), iri
    if record.provenance and record.provenance.source_id:
        node = IRI(rec + "#id-local")
        yield rec, s("identifier"), node
        yield node, _TYPE, s("PropertyValue")
        yield node, s("propertyID"), Literal(record.provenance.source_system or "local")
        yield node, s("value"), Literal(record.provenance.source_id)


__all__ = ["triples", "record_iri", "SCHEMA", "BIBO", "DCTERMS", "DEFAULT_BASE_IRI", "Term"]
