"""``exporter serve``: records published where their IRIs point, as an ASGI application
(Starlette, https://www.starlette.io/, run by uvicorn).

* ``/record/{id}`` is the record's IRI, a non-information resource: it answers ``303 See
  Other`` to the document of the negotiated format, with ``Vary: Accept`` (W3C, "Cool URIs
  for the Semantic Web", https://www.w3.org/TR/cooluris/#r303gendocument). ``?format=``
  (a writer name or extension) and ``?style=&locale=`` override the Accept header; nothing
  acceptable is ``406`` listing what is available.
* ``/record/{id}{extension}`` is a document (``.ttl``, ``.bib``, ``.html``, ...; see
  :mod:`exporter.serve.formats`): its media type, ``Content-Location``, ``Link:
  rel="alternate"`` for every other document, a strong ``ETag`` and ``Last-Modified``
  (``304`` for ``If-None-Match`` / ``If-Modified-Since``, RFC 9110 section 13), ``HEAD``,
  and ``Access-Control-Allow-Origin: *`` for the data formats (https://fetch.spec.whatwg.org/#http-cors-protocol).
  Bibliographies (``text/x-bibliography; style=apa; locale=en-US``, as in DOI content
  negotiation) are at ``/record/{id}.citation.txt?style=apa&locale=en-US``.
* ``/`` and ``/dataset``: the VoID/DCAT description (Turtle, JSON-LD, N-Triples, RDF/XML, or
  a short HTML page), with ``void:dataDump`` and ``schema:distribution`` for the dump shards
  served from ``/dumps/`` (with their SHA-256 as ``Repr-Digest``, RFC 9530).
* ``/sparql``: the SPARQL 1.1 protocol (:mod:`exporter.linkeddata.sparql`).

Safe by construction: ids are looked up in the store, never joined into a path; dump files
are served from a list made at start-up; styles and locales are names of the installed
catalogue, never paths; every error is one line of text with its status, never a traceback.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import html
import json
import os
import re
import sys
import tempfile
import traceback
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import __version__
from ..linkeddata.terms import iri_segment
from ..problems import ExporterError
from ..store import RecordStore, decode
from .accept import AcceptError, Variant, negotiate
from .formats import SELECTORS, DocumentFormat, by_extension, document_formats, find_format, render

__all__ = ["ServeConfig", "app_from_environment", "create_app"]

CONFIG_VARIABLE = "EXPORTER_SERVE_CONFIG"
DEFAULT_STYLE = "apa"


@dataclass
class ServeConfig:
    store: str
    base_iri: str | None = None  # default: the store's, else this server's /record/
    sparql: str | None = None  # pyoxigraph store folder
    dumps: str | None = None  # folder written by `exporter dump`
    sparql_timeout: float = 10.0
    sparql_max_bytes: int = 10_000_000
    sparql_max_query: int = 64_000  # bytes of a query (GET query string or POST body)
    sparql_processes: int = 1
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    """The one kind of error answer: one line of text."""
    line = " ".join(message.split())[:500]
    return PlainTextResponse(line + "\n", status_code=status, headers=headers)


@cache
def installed_styles() -> frozenset[str]:
    from ..csl.styles import available_styles

    return frozenset(available_styles())


def check_style(style: str | None, locale: str | None) -> tuple[str, str | None]:
    """(style, locale) when both are installed; ExporterError (400) otherwise."""
    style = (style or DEFAULT_STYLE).strip().lower()
    if style not in installed_styles():
        raise ExporterError(f"unknown style {style[:80]!r}: give the name of an installed CSL style such as apa, ieee, vancouver-nlm")
    if locale is not None:
        from ..csl.styles import locale_files

        found = locale_files().get(locale.strip().lower())
        if found is None:
            raise ExporterError(f"unknown locale {locale[:40]!r}: give an installed CSL locale such as en-US, de-DE, fr-FR")
        locale = found
    return style, locale


def http_date(seconds: float) -> str:
    return email.utils.formatdate(seconds, usegmt=True)


class Site:
    """What one worker serves: the store, the formats, the description, the SPARQL engine."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.store = RecordStore(config.store)
        self.base_iri = config.base_iri or self.store.meta("base_iri")
        self.formats = document_formats()
        self.extensions = by_extension()
        self.variants = [Variant(f.media_type, f.name, selectors=SELECTORS.get(f.name, frozenset()))
                         for f in self.formats if f.negotiable]
        self.dump_files, self.dump_sidecars = _dump_files(config.dumps) if config.dumps else ({}, [])
        self.sparql = None
        if config.sparql:
            from ..linkeddata.sparql import SparqlService

            self.sparql = SparqlService(config.sparql, timeout=config.sparql_timeout,
                                        max_bytes=config.sparql_max_bytes, processes=config.sparql_processes)
        self._descriptions: dict[str, dict[str, str]] = {}

    def record_base(self, request: Request) -> str:
        if self.base_iri:
            return self.base_iri
        return str(request.base_url).rstrip("/") + "/record/"

    def close(self) -> None:
        if self.sparql is not None:
            self.sparql.close()
        self.store.close()

    # -- the record IRI and its documents -----------------------------------------------------

    def resolve(self, raw: str) -> tuple[str, DocumentFormat | None, tuple[str, float]] | None:
        """(record id, document format or None for the IRI itself, (hash, last-modified)),
        or None when there is no such record. Documents are tried first (the common request,
        one lookup); the longest extension first, so ``.biblatex.bib`` is not read as ``.bib``."""
        rid = iri_segment(raw)
        for extension, fmt in self.extensions:
            if rid.endswith(extension) and len(rid) > len(extension):
                stem = rid[: -len(extension)]
                head = self.store.head(stem)
                if head is not None:
                    return stem, fmt, head
        head = self.store.head(rid)
        return (rid, None, head) if head is not None else None

    async def record(self, request: Request) -> Response:
        raw = request.path_params["rest"]
        found = self.resolve(raw)
        if found is None:
            return error(404, f"no record {raw[:200]!r} in this catalogue" + self._unknown_extension_hint(raw))
        rid, fmt, head = found
        if fmt is None:
            response = self.see_other(request, rid)
            response.headers["Vary"] = "Accept"  # on every answer of the IRI, errors too
            return response
        return self.document(request, rid, fmt, head)

    def _unknown_extension_hint(self, raw: str) -> str:
        stem, dot, ext = raw.rpartition(".")
        if dot and self.store.head(iri_segment(stem)) is not None:
            known = ", ".join(f.extension for f in self.formats)
            return f" (.{ext[:20]} is not a format of record {stem[:200]!r}; known: {known})"
        return ""

    def see_other(self, request: Request, rid: str) -> Response:
        """303 to the document: ``?format=`` first, then ``?style=`` (a bibliography), then Accept."""
        query = request.query_params
        params: dict[str, str] = {}
        if "format" in query:
            fmt = find_format(query["format"])
            if fmt is None:
                return error(400, f"unknown format {query['format'][:40]!r} (known: {self._format_names()})")
        elif "style" in query:
            fmt = next(f for f in self.formats if f.name == "citation")
        else:
            try:
                chosen = negotiate(request.headers.get("accept"), self.variants)
            except AcceptError as exc:
                return error(400, str(exc))
            if chosen is None:
                return error(406, f"none of the accepted types is available; available: {self._media_list()}")
            variant, params = chosen
            fmt = next(f for f in self.formats if f.name == variant.key)
        if fmt.name == "citation":
            try:  # the query overrides the media type's parameters
                style, locale = check_style(query.get("style", params.get("style")), query.get("locale", params.get("locale")))
            except ExporterError as exc:
                return error(400, str(exc))
            params = {"style": style, **({"locale": locale} if locale else {})}
        else:
            params = {}
        location = self.document_path(rid, fmt, params)
        headers = {"Location": location, "Access-Control-Allow-Origin": "*"}
        return Response(f"See {location}\n", status_code=303, headers=headers, media_type="text/plain")

    @staticmethod
    def document_path(rid: str, fmt: DocumentFormat, params: dict[str, str]) -> str:
        path = f"/record/{rid}{fmt.extension}"
        return path + ("?" + urlencode(params) if params else "")

    def document(self, request: Request, rid: str, fmt: DocumentFormat, head: tuple[str, float]) -> Response:
        style = locale = None
        if fmt.name == "citation":
            try:
                style, locale = check_style(request.query_params.get("style"), request.query_params.get("locale"))
            except ExporterError as exc:
                return error(400, str(exc))
        content_hash, modified = head
        base = self.record_base(request)
        tag = hashlib.sha256(f"{content_hash}|{fmt.name}|{style}|{locale}|{base}|{__version__}".encode()).hexdigest()[:32]
        etag = f'"{tag}"'
        params = {"style": style, **({"locale": locale} if locale else {})} if style else {}
        location = self.document_path(rid, fmt, params)
        headers = {
            "ETag": etag,
            "Last-Modified": http_date(modified),
            "Content-Location": location,
            "Link": ", ".join(
                f'<{self.document_path(rid, other, params if other.name == "citation" else {})}>; rel="alternate"; type="{other.media_type}"'
                for other in self.formats if other is not fmt),
            "Cache-Control": "public, max-age=3600",
        }
        if fmt.is_data:
            headers["Access-Control-Allow-Origin"] = "*"
            headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link, Content-Location"
        if _not_modified(request, etag, modified):
            return Response(status_code=304, headers=headers)
        body = self.store.body(rid)
        if body is None:  # gone since the lookup (a load running beside the server)
            return error(404, f"no record {rid!r} in this catalogue")
        iri = base + rid
        links = {f.name: f"{rid}{f.extension}" for f in self.formats}
        try:
            text = render(fmt, decode(body), base, iri, style=style, locale=locale, page_links=links)
        except ExporterError as exc:
            return error(422, f"record {rid!r} cannot be written as {fmt.name}: {exc}")
        return Response(text, headers=headers, media_type=fmt.content_type)

    def _format_names(self) -> str:
        return ", ".join(f"{f.name} ({f.extension})" for f in self.formats)

    def _media_list(self) -> str:
        listed = []
        for f in self.formats:
            if f.negotiable:
                listed.append(f.media_type + ("; style=...; locale=..." if f.name == "citation" else ""))
        return ", ".join(listed)

    # -- the dataset --------------------------------------------------------------------------

    def description(self, request: Request) -> dict[str, str] | None:
        """The description for the address the request came to; None for a Host header
        that does not make an IRI."""
        from ..linkeddata.terms import make_iri

        root = str(request.base_url).rstrip("/") + "/"
        if make_iri(root) != root or not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._~\-/]*)?/", root):
            return None
        found = self._descriptions.get(root)
        if found is None:
            found = self._describe(root, self.record_base(request))
            if len(self._descriptions) < 16:  # one per Host the server is reached by
                self._descriptions[root] = found
        return found

    def _describe(self, root: str, base_iri: str) -> dict[str, str]:
        import rdflib

        from ..linkeddata.description import write_description
        from ..linkeddata.dump import DumpConfig, DumpResult

        shards = self.dump_sidecars
        triples = sum(s["triples"] for s in shards) or (self.sparql.triples() if self.sparql else 0)
        result = DumpResult(records=len(self.store), rejected=0, triples=triples,
                            shards=shards, seconds=0.0, input_problems=[])
        config = DumpConfig(out="", formats=tuple(sorted({f["format"] for s in shards for f in s["files"].values()})) or ("nt",),
                            base_iri=base_iri)
        options = {"dataset_iri": root + "dataset", "download_base": root + "dumps/",
                   "title": self.config.title or "", **self.config.extra}
        with tempfile.TemporaryDirectory() as folder:
            write_description(Path(folder), result, config, options)
            text = (Path(folder) / "void.ttl").read_text(encoding="utf-8")
        graph = rdflib.Graph()
        graph.parse(data=text, format="turtle")
        void = rdflib.Namespace("http://rdfs.org/ns/void#")
        schema = rdflib.Namespace("http://schema.org/")
        dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
        dataset = rdflib.URIRef(root + "dataset")
        if not triples:
            graph.remove((dataset, void.triples, None))  # not known without a dump or SPARQL store
        for distribution in list(graph.objects(dataset, dcat.distribution)):
            graph.add((dataset, schema.distribution, distribution))
            for url in graph.objects(distribution, dcat.downloadURL):
                graph.add((dataset, void.dataDump, url))
                graph.add((distribution, schema.contentUrl, url))
            graph.add((distribution, rdflib.RDF.type, schema.DataDownload))
        if self.sparql is not None:
            graph.add((dataset, void.sparqlEndpoint, rdflib.URIRef(root + "sparql")))
        graph.remove((dataset, rdflib.DCTERMS.type, rdflib.Literal("empty")))  # the template's filler
        graph.bind("void", void)
        graph.bind("schema", schema, override=True, replace=True)
        graph.bind("dcat", dcat)
        from ..linkeddata.description import CONTEXT

        out = {
            "turtle": graph.serialize(format="turtle"),
            "ntriples": graph.serialize(format="nt"),
            "rdfxml": graph.serialize(format="xml"),
            "jsonld": json.dumps(json.loads(graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)),
                                 ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        }
        out["html"] = self._dataset_page(root, graph)
        return out

    def _dataset_page(self, root: str, graph: Any) -> str:
        title = self.config.title or "Bibliographic records as linked data"
        rows = [f"<li><a href=\"{html.escape(root)}dataset.{ext}\">{html.escape(label)}</a></li>"
                for ext, label in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdf", "RDF/XML"))]
        dumps = [f"<li><a href=\"dumps/{html.escape(quote(name))}\">{html.escape(name)}</a> "
                 f"<code>sha256 {html.escape(info['sha256'])}</code></li>"
                 for name, info in sorted(self.dump_files.items())]
        sparql = '<p><a href="sparql">SPARQL endpoint</a></p>' if self.sparql is not None else ""
        return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
                f"</head><body><h1>{html.escape(title)}</h1><p>{len(self.store):,} records; each at "
                f"<code>{html.escape(root)}record/{{id}}</code>.</p><h2>Description</h2><ul>{''.join(rows)}</ul>"
                f"{sparql}<h2>Dumps</h2><ul>{''.join(dumps) or '<li>none published here</li>'}</ul></body></html>\n")

    async def dataset(self, request: Request) -> Response:
        suffix = request.path_params.get("ext")
        kinds = {"ttl": ("turtle", "text/turtle"), "jsonld": ("jsonld", "application/ld+json"),
                 "nt": ("ntriples", "application/n-triples"), "rdf": ("rdfxml", "application/rdf+xml"),
                 "html": ("html", "text/html")}
        if suffix is not None:
            if suffix not in kinds:
                return error(404, f"no description as .{suffix[:20]} (known: {', '.join('.' + k for k in kinds)})")
            kind, media = kinds[suffix]
            vary = {}
        else:
            variants = [Variant(media, kind) for kind, media in
                        (kinds["html"], kinds["ttl"], kinds["jsonld"], kinds["nt"], kinds["rdf"])]
            try:
                chosen = negotiate(request.headers.get("accept"), variants)
            except AcceptError as exc:
                return error(400, str(exc), {"Vary": "Accept"})
            if chosen is None:
                return error(406, "available: " + ", ".join(v.media_type for v in variants), {"Vary": "Accept"})
            kind, media = chosen[0].key, chosen[0].media_type
            vary = {"Vary": "Accept"}
        description = self.description(request)
        if description is None:
            return error(400, "the Host header is not a host name")
        text = description[kind]
        headers = {**vary, "Access-Control-Allow-Origin": "*"}
        charset = "; charset=utf-8" if media.startswith("text/") else ""
        return Response(text, headers=headers, media_type=media + charset)

    async def dump_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        info = self.dump_files.get(name)
        if info is None:
            return error(404, f"no dump file {name[:100]!r} (see /dataset)")
        import base64

        digest = base64.b64encode(bytes.fromhex(info["sha256"])).decode()
        headers = {"Repr-Digest": f"sha-256=:{digest}:", "Access-Control-Allow-Origin": "*"}
        return FileResponse(info["path"], headers=headers, media_type="application/gzip")

    async def sparql_endpoint(self, request: Request) -> Response:
        if self.sparql is None:
            return error(404, "this server has no SPARQL store (exporter load --sparql, then serve --sparql DIR)")
        from ..linkeddata.sparql import handle_request

        return await handle_request(self.sparql, request, self.config.sparql_max_query)


def _not_modified(request: Request, etag: str, modified: float) -> bool:
    """RFC 9110 13.1.2 / 13.1.3: If-None-Match wins over If-Modified-Since."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or etag in tags
    ims = request.headers.get("if-modified-since")
    if ims is not None:
        try:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False  # an invalid date is ignored (RFC 9110 13.1.3)
        return int(modified) <= since
    return False


def _dump_files(folder: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(name -> {path, sha256, ...} for every finished shard file, the shards' sidecars)."""
    out: dict[str, Any] = {}
    sidecars: list[dict[str, Any]] = []
    for sidecar_path in sorted(Path(folder).glob("part-*.json")):
        sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
        sidecars.append(sidecar)
        for name, info in sidecar["files"].items():
            path = sidecar_path.parent / name
            if path.is_file():
                out[name] = {**info, "path": str(path)}
    if not sidecars:
        raise ExporterError(f"{folder}: no dump here (make one with exporter dump --store ... --out {folder})")
    return out, sidecars


def create_app(config: ServeConfig) -> Any:
    site = Site(config)

    async def not_found(request: Request, exc: Exception) -> Response:
        return error(404, f"nothing at {request.url.path[:200]!r}; records are at /record/{{id}}, the dataset at /dataset")

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(exc.status_code, exc.detail or "error", dict(exc.headers or {}))

    async def server_error(request: Request, exc: Exception) -> Response:
        # the traceback goes to the server's log, never to the client
        traceback.print_exception(exc, file=sys.stderr)
        return error(500, "internal error; the server log has the details")

    routes = [
        Route("/", site.dataset, methods=["GET", "HEAD"]),
        Route("/dataset", site.dataset, methods=["GET", "HEAD"]),
        Route("/dataset.{ext}", site.dataset, methods=["GET", "HEAD"]),
        Route("/record/{rest:path}", site.record, methods=["GET", "HEAD"]),
        Route("/dumps/{name}", site.dump_file, methods=["GET", "HEAD"]),
        Route("/sparql", site.sparql_endpoint, methods=["GET", "HEAD", "POST"]),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        site.close()

    app = Starlette(routes=routes, exception_handlers={404: not_found, HTTPException: http_error,
                                                       Exception: server_error},
                    lifespan=lifespan)
    app.state.site = site
    return Preflight(app)


PREFLIGHT_HEADERS = [
    (b"access-control-allow-origin", b"*"), (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Accept, Content-Type, If-None-Match, If-Modified-Since"),
    (b"access-control-max-age", b"86400"), (b"content-length", b"0"),
]


class Preflight:
    """Answers CORS preflight requests (OPTIONS) for every path; the rest goes to the app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state = app.state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": PREFLIGHT_HEADERS})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)


def app_from_environment() -> Any:
    """The application for ``uvicorn --factory`` workers: the configuration is passed in
    an environment variable, as JSON, by ``exporter serve``."""
    data = json.loads(os.environ[CONFIG_VARIABLE])
    return create_app(ServeConfig(**data))
