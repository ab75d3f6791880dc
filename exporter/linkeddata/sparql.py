"""SPARQL over a catalogue: the graph in pyoxigraph's embedded store, and the SPARQL 1.1
Protocol (https://www.w3.org/TR/sparql11-protocol/) in front of it, read-only.

``build_store`` maps every record of a :class:`~exporter.store.RecordStore` with the
N-Triples mapping of the dumps (record IRI = base IRI + store id) and bulk-loads it into a
new Oxigraph store (https://pyoxigraph.readthedocs.io/), built beside the old one and
swapped in when complete.

Queries run in child processes that open the store read-only, so a query that runs past the
time limit is stopped for certain (the child is killed and replaced) without stopping the
server. Result documents are bounded in bytes: a result that grows past the limit is refused
as a whole, never cut short silently. Query forms: SELECT and ASK answer in SPARQL results
JSON (default), XML, CSV and TSV (https://www.w3.org/TR/sparql11-results-json/,
https://www.w3.org/TR/rdf-sparql-XMLres/, https://www.w3.org/TR/sparql11-results-csv-tsv/);
CONSTRUCT and DESCRIBE in Turtle (default), N-Triples, RDF/XML and JSON-LD. Updates are
refused: ``403``. A query over the time or size limit is refused with ``400``: it is the
query, not the server's state, that has to change (a retry would fail the same way).
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from ..problems import ExporterError

__all__ = ["SparqlService", "build_store", "handle_request"]

RESULT_TYPES = [  # (media type, pyoxigraph format name), server preference first
    ("application/sparql-results+json", "JSON"), ("application/sparql-results+xml", "XML"),
    ("text/csv", "CSV"), ("text/tab-separated-values", "TSV"), ("application/json", "JSON"),
    ("application/xml", "XML"),
]
GRAPH_TYPES = [
    ("text/turtle", "TURTLE"), ("application/n-triples", "N_TRIPLES"),
    ("application/rdf+xml", "RDF_XML"), ("application/ld+json", "JSON_LD"),
]
#: the ``format`` parameter some clients send instead of Accept
FORMAT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                "ttl": "text/turtle", "nt": "application/n-triples", "ntriples": "application/n-triples",
                "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json"}
LOAD_RECORDS = 5000


def build_store(records: Any, folder: str | os.PathLike[str], base_iri: str,
                progress: Callable[[int], None] | None = None) -> int:
    """Build the Oxigraph store at ``folder`` from ``records`` (StoredRecord objects, with
    ``id`` and ``record``); returns the number of triples."""
    import pyoxigraph

    from .schemaorg import triples
    from .terms import IRI, nt_document

    final = os.fspath(folder)
    building = final + ".building"
    shutil.rmtree(building, ignore_errors=True)
    store = pyoxigraph.Store(building)
    chunk: list[str] = []
    count = 0

    def flush(store: Any) -> None:
        if chunk:
            store.bulk_load("".join(chunk).encode("utf-8", "replace"), format=pyoxigraph.RdfFormat.N_TRIPLES)
            chunk.clear()

    for number, stored in enumerate(records, start=1):
        chunk.append(nt_document(triples(stored.record, base_iri, number, IRI(base_iri + stored.id))))
        if len(chunk) >= LOAD_RECORDS:
            flush(store)
            if progress:
                progress(number)
    flush(store)
    store.optimize()
    store.flush()
    count = len(store)
    del store
    old = final + ".old"
    shutil.rmtree(old, ignore_errors=True)
    if os.path.exists(final):
        os.replace(final, old)
    os.replace(building, final)
    shutil.rmtree(old, ignore_errors=True)
    return count


# -- the query processes -------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _TimeUp(Exception):
    pass


class _BoundedBuffer(io.RawIOBase):
    """Collects a serialisation and stops it when it passes the byte limit or the deadline."""

    def __init__(self, limit: int, deadline: float) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit
        self.deadline = deadline

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge
        if time.monotonic() > self.deadline:
            raise _TimeUp
        self.parts.append(bytes(data))
        return len(data)


def _child(folder: str, connection: Any, max_bytes: int, timeout: float) -> None:
    """A query process: one query at a time, answered as (status, media type, body)."""
    import pyoxigraph

    from ..serve.accept import AcceptError, Variant, negotiate

    store = pyoxigraph.Store.read_only(folder)
    connection.send(("ready", len(store)))
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        query, accept, default_graphs, named_graphs = message
        deadline = time.monotonic() + timeout
        try:
            options: dict[str, Any] = {}
            if default_graphs:
                options["default_graph"] = [pyoxigraph.NamedNode(g) for g in default_graphs]
            if named_graphs:
                options["named_graphs"] = [pyoxigraph.NamedNode(g) for g in named_graphs]
            result = store.query(query, **options)
            table = GRAPH_TYPES if isinstance(result, pyoxigraph.QueryTriples) else RESULT_TYPES
            try:
                chosen = negotiate(accept, [Variant(m, name) for m, name in table])
            except AcceptError as exc:
                connection.send((400, "text/plain", str(exc).encode()))
                continue
            if chosen is None:
                connection.send((406, "text/plain", ("available for this query: " + ", ".join(m for m, _ in table)).encode()))
                continue
            variant = chosen[0]
            buffer = _BoundedBuffer(max_bytes, deadline)
            if table is GRAPH_TYPES:
                result.serialize(buffer, format=getattr(pyoxigraph.RdfFormat, variant.key))
            else:
                result.serialize(buffer, format=getattr(pyoxigraph.QueryResultsFormat, variant.key))
            connection.send((200, variant.media_type, b"".join(buffer.parts)))
        except SyntaxError as exc:
            connection.send((400, "text/plain", f"SPARQL syntax error: {str(exc).splitlines()[0]}".encode()))
        except _TooLarge:
            connection.send((400, "text/plain", f"the result is larger than {max_bytes:,} bytes; add a LIMIT or select less".encode()))
        except _TimeUp:
            connection.send((400, "text/plain", f"the query ran longer than {timeout:g} s; make it more selective or add a LIMIT".encode()))
        except Exception as exc:  # noqa: BLE001 - one line for the client, the process goes on
            connection.send((400, "text/plain", f"the query failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".encode()))


class _Worker:
    def __init__(self, folder: str, max_bytes: int, timeout: float) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(target=_child, args=(folder, child_end, max_bytes, timeout), daemon=True)
        self.process.start()
        child_end.close()
        if not self.connection.poll(60):
            self.stop()
            raise ExporterError(f"{folder}: the SPARQL store did not open")
        try:
            ready = self.connection.recv()
        except EOFError as exc:
            self.stop()
            raise ExporterError(f"{folder}: cannot open the SPARQL store (is it a store made by exporter load --sparql?)") from exc
        self.triples = ready[1]

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class SparqlService:
    """A pool of query processes over one store, with a hard time limit per query."""

    def __init__(self, folder: str, *, timeout: float = 10.0, max_bytes: int = 10_000_000,
                 processes: int = 1) -> None:
        if not os.path.isdir(folder):
            raise ExporterError(f"{folder}: no SPARQL store here (make one with exporter load --sparql)")
        self.folder = folder
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._workers = [_Worker(folder, max_bytes, timeout) for _ in range(max(1, processes))]
        self._idle: asyncio.Queue[_Worker] | None = None

    def triples(self) -> int:
        return self._workers[0].triples if self._workers else 0

    def _queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        return self._idle

    async def run(self, query: str, accept: str | None, default_graphs: list[str],
                  named_graphs: list[str]) -> tuple[int, str, bytes]:
        if not self._workers:
            return 503, "text/plain", b"the SPARQL store is unavailable"
        idle = self._queue()
        worker = await idle.get()
        healthy = timed_out = False
        try:
            worker.connection.send((query, accept, default_graphs, named_graphs))
            # a little longer than the child's own deadline: the child reports first when it can
            if await asyncio.to_thread(worker.connection.poll, self.timeout + 2.0):
                result = worker.connection.recv()
                healthy = True
                return result
            timed_out = True  # stuck in evaluation (a sort or a join that yields nothing yet)
        except (EOFError, OSError):
            pass  # the process died (killed from outside, out of memory)
        finally:
            if healthy:
                idle.put_nowait(worker)
        worker.stop()
        self._workers.remove(worker)
        try:
            fresh = await asyncio.to_thread(_Worker, self.folder, self.max_bytes, self.timeout)
        except ExporterError as exc:
            return 503, "text/plain", f"the SPARQL store is unavailable: {exc}".encode()
        self._workers.append(fresh)
        idle.put_nowait(fresh)
        if timed_out:
            return 400, "text/plain", f"the query ran longer than {self.timeout:g} s; make it more selective or add a LIMIT".encode()
        return 503, "text/plain", b"the query process stopped; it has been restarted, try again"

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []


# -- the protocol ---------------------------------------------------------------------------------


async def handle_request(service: SparqlService, request: Any, max_query: int) -> Any:
    """GET ?query=, POST form (query=) or POST application/sparql-query; never updates."""
    from starlette.responses import Response

    from ..serve.app import error

    params: dict[str, list[str]]
    if request.method in ("GET", "HEAD"):
        raw = request.url.query
        if len(raw) > max_query * 3:
            return error(414, f"query string longer than {max_query * 3:,} bytes; POST the query")
        params = parse_qs(raw, keep_blank_values=True)
        query = _one(params, "query")
    else:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_query):
            return error(413, f"request body larger than {max_query:,} bytes")
        body = b""
        async for piece in request.stream():
            body += piece
            if len(body) > max_query:
                return error(413, f"request body larger than {max_query:,} bytes")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            return error(403, "this SPARQL endpoint is read-only: updates are not accepted")
        if kind == "application/sparql-query":
            params = parse_qs(request.url.query, keep_blank_values=True)
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError:
                return error(400, "the query is not UTF-8")
        elif kind == "application/x-www-form-urlencoded":
            try:
                params = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                return error(400, "the form is not UTF-8")
            if "update" in params:
                return error(403, "this SPARQL endpoint is read-only: updates are not accepted")
            query = _one(params, "query")
        else:
            return error(415, "POST the query as application/sparql-query or application/x-www-form-urlencoded")
    if isinstance(query, Response):
        return query
    if query is None:
        if "update" in params:
            return error(403, "this SPARQL endpoint is read-only: updates are not accepted")
        return error(400, "no query: give ?query= (SPARQL 1.1 protocol)")
    if len(query.encode("utf-8", "replace")) > max_query:
        return error(413, f"query longer than {max_query:,} bytes")
    accept = request.headers.get("accept")
    if "format" in params:
        wanted = FORMAT_NAMES.get(params["format"][0].lower())
        if wanted is None:
            return error(400, f"unknown format {params['format'][0][:20]!r} (known: {', '.join(FORMAT_NAMES)})")
        accept = wanted
    status, media, body = await service.run(query, accept, params.get("default-graph-uri", []),
                                            params.get("named-graph-uri", []))
    headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    if status != 200:
        return error(status, body.decode("utf-8", "replace"), headers)
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return Response(body, status_code=200, headers=headers, media_type=media + charset)


def _one(params: dict[str, list[str]], name: str) -> Any:
    from ..serve.app import error

    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        return error(400, f"more than one {name} parameter")
    return values[0]
