"""`/sparql` (exporter.linkeddata.sparql) over real HTTP: answers equal rdflib's over the same
dump, the SPARQL 1.1 protocol's request forms and result formats, and the limits (read-only,
query size, result size, query time)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
import rdflib
from test_serve_http import SEED_ID, Server, start_server, stop_server

SCHEMA = "http://schema.org/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    started = start_server(tmp_path_factory.mktemp("sparql"), "--sparql-timeout", "1", "--sparql-max-bytes", "100000")
    yield started
    stop_server(started)


@pytest.fixture(scope="module")
def dump(server: Server) -> rdflib.Graph:
    """rdflib's graph of the dump of the same store."""
    text = gzip.decompress((server.folder / "dumps" / "part-00000.nt.gz").read_bytes()).decode("utf-8")
    return rdflib.Graph().parse(data=text, format="nt")


def sparql(server: Server, query: str, accept: str = "application/sparql-results+json", method: str = "GET"):
    if method == "GET":
        return server.client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    return server.client.post("/sparql", data={"query": query}, headers={"Accept": accept})


def term(binding: dict) -> str:
    """A SPARQL JSON results term in N3, as rdflib spells it."""
    if binding["type"] == "uri":
        return rdflib.URIRef(binding["value"]).n3()
    if binding["type"] == "bnode":
        return "_:b"
    if "xml:lang" in binding:
        return rdflib.Literal(binding["value"], lang=binding["xml:lang"]).n3()
    return rdflib.Literal(binding["value"], datatype=binding.get("datatype")).n3()


def rows_of(response) -> list[tuple]:
    data = response.json()
    names = data["head"]["vars"]
    return sorted(tuple(term(row[n]) if n in row else None for n in names) for row in data["results"]["bindings"])


def rdflib_rows(graph: rdflib.Graph, query: str) -> list[tuple]:
    return sorted(tuple(v.n3() if v is not None else None for v in row) for row in graph.query(query))


SELECTS = [
    f"SELECT ?s ?name WHERE {{ ?s <{SCHEMA}name> ?name }}",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
    f"SELECT ?p ?o WHERE {{ <{{base}}{SEED_ID}> ?p ?o FILTER(!isBlank(?o)) }}",
    f"SELECT ?s WHERE {{ ?s <{SCHEMA}datePublished> ?d FILTER(STR(?d) >= \"2000\") }}",
    f"SELECT DISTINCT ?lang WHERE {{ ?s <{SCHEMA}inLanguage> ?lang }}",
    f"PREFIX schema: <{SCHEMA}> SELECT ?s ?id WHERE {{ ?s schema:identifier ?b . ?b schema:value ?id }} ORDER BY ?id LIMIT 5",
]


@pytest.mark.parametrize("query", SELECTS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_equals_rdflib(server: Server, dump: rdflib.Graph, query: str, method: str) -> None:
    query = query.replace("{base}", server.base)
    response = sparql(server, query, method=method)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/sparql-results+json"
    expected = rdflib_rows(dump, query)
    assert expected  # each query has answers: a broken store cannot pass by returning nothing
    assert rows_of(response) == expected


def test_ask_equals_rdflib(server: Server, dump: rdflib.Graph) -> None:
    for query in (f"ASK {{ <{server.base}{SEED_ID}> ?p ?o }}", f"ASK {{ <{server.base}nothing> ?p ?o }}"):
        response = sparql(server, query)
        assert response.json()["boolean"] is dump.query(query).askAnswer


@pytest.mark.parametrize(("accept", "parser", "media_type"), [
    ("text/turtle", "turtle", "text/turtle"),
    ("application/n-triples", "nt", "application/n-triples"),
    ("application/rdf+xml", "xml", "application/rdf+xml"),
    ("application/ld+json", "json-ld", "application/ld+json"),
    ("*/*", "turtle", "text/turtle"),
])
def test_construct_equals_rdflib(server: Server, dump: rdflib.Graph, accept: str, parser: str, media_type: str) -> None:
    from rdflib.compare import isomorphic

    query = f"CONSTRUCT {{ ?s <{SCHEMA}name> ?n }} WHERE {{ ?s <{SCHEMA}name> ?n }}"
    response = sparql(server, query, accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    got = rdflib.Graph().parse(data=response.text, format=parser)
    assert len(got) > 20
    assert isomorphic(got, dump.query(query).graph)


def test_describe_holds_the_records_triples(server: Server, dump: rdflib.Graph) -> None:
    iri = rdflib.URIRef(server.base + SEED_ID)
    response = sparql(server, f"DESCRIBE <{iri}>", accept="application/n-triples")
    got = rdflib.Graph().parse(data=response.text, format="nt")
    expected = {(p, o) for _, p, o in dump.triples((iri, None, None)) if not isinstance(o, rdflib.BNode)}
    assert expected and expected <= {(p, o) for _, p, o in got.triples((iri, None, None))}


@pytest.mark.parametrize(("accept", "media_type"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv; charset=utf-8"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    ("application/json", "application/json"),
])
def test_result_formats(server: Server, dump: rdflib.Graph, accept: str, media_type: str) -> None:
    query = f"SELECT ?s ?name WHERE {{ ?s <{SCHEMA}name> ?name }}"
    response = sparql(server, query, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    expected = len(rdflib_rows(dump, query))
    if "csv" in accept:
        assert len(list(csv.reader(io.StringIO(response.text)))) == expected + 1  # header row
    elif "tab" in accept:
        assert len(response.text.strip().split("\n")) == expected + 1
    elif "xml" in accept:
        assert response.text.count("<result>") == expected
    else:
        assert len(json.loads(response.text)["results"]["bindings"]) == expected


def test_format_parameter_and_sparql_query_body(server: Server) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    response = server.client.get("/sparql", params={"query": query, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    posted = server.client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert posted.status_code == 200 and "results" in posted.json()


BAD = [  # (method, params or body, headers, status, words)
    ("POST", {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}, {}, 403, "read-only"),
    ("RAW", b"INSERT DATA { <a:b> <a:c> <a:d> }", {"Content-Type": "application/sparql-update"}, 403, "read-only"),
    ("GET", {"update": "DROP ALL"}, {}, 403, "read-only"),
    ("GET", {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, {}, 400, "syntax error"),
    ("GET", {"query": "SELECT * WHERE {"}, {}, 400, "syntax error"),
    ("GET", {}, {}, 400, "no query"),
    ("GET", {"query": "ASK {}", "format": "docx"}, {}, 400, "unknown format"),
    ("GET", {"query": "ASK {}"}, {"Accept": "text/turtle"}, 406, "available for this query"),
    ("GET", {"query": "ASK {}"}, {"Accept": "junk"}, 400, "malformed"),
    ("RAW", b"query=x", {"Content-Type": "text/plain"}, 415, "POST the query"),
    ("RAW", b"query=" + b"x" * 70_000, {"Content-Type": "application/x-www-form-urlencoded"}, 413, "larger than"),
    ("GET", {"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 64_200}, {}, 413, "longer than"),
    ("GET", {"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"}, {}, 400, "larger than 100,000 bytes"),
]


@pytest.mark.parametrize(("method", "payload", "headers", "status", "words"), BAD)
def test_bad_sparql_requests(server: Server, method: str, payload, headers: dict, status: int, words: str) -> None:
    if method == "GET":
        response = server.client.get("/sparql", params=payload, headers=headers)
    elif method == "POST":
        response = server.client.post("/sparql", data=payload, headers=headers)
    else:
        response = server.client.post("/sparql", content=payload, headers=headers)
    assert response.status_code == status, response.text
    assert words in response.text
    assert response.text.count("\n") == 1 and "Traceback" not in response.text


def test_slow_query_is_stopped_and_the_endpoint_goes_on(server: Server) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    response = sparql(server, slow)
    assert response.status_code == 400
    assert "longer than 1 s" in response.text and response.text.count("\n") == 1
    after = sparql(server, "ASK { ?s ?p ?o }")
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_sparql_store_is_rebuilt_not_appended(tmp_path: Path) -> None:
    from exporter.linkeddata.sparql import build_store
    from exporter.store import RecordStore, load

    load([str(Path(__file__).parent.parent / "examples" / "seed-solr.json")], tmp_path / "s.db", report=print)
    with RecordStore(tmp_path / "s.db") as store:
        first = build_store(store, tmp_path / "g", "https://example.org/r/")
        again = build_store(store, tmp_path / "g", "https://example.org/r/")
    assert first == again > 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g", "s.db"]


# -- the same dump in Oxigraph's own server --------------------------------------------------------


def oxigraph_cli() -> str:
    import shutil
    import sys

    beside = Path(sys.executable).parent / "oxigraph"  # the PyPI package installs it next to python
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.skip("no oxigraph command (pip install oxigraph)")
    return found


@pytest.fixture(scope="module")
def oxigraph_server(server: Server, tmp_path_factory: pytest.TempPathFactory):
    import subprocess
    import time

    import httpx
    from test_serve_http import free_port

    cli = oxigraph_cli()
    folder = tmp_path_factory.mktemp("oxigraph")
    nt = folder / "dump.nt"  # the server's loader guesses the format from the extension: no .gz
    nt.write_bytes(gzip.decompress((server.folder / "dumps" / "part-00000.nt.gz").read_bytes()))
    subprocess.run([cli, "load", "--location", str(folder / "db"), "--file", str(nt)], check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    process = subprocess.Popen([cli, "serve-read-only", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=5)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("oxigraph serve-read-only did not start")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(20)


@pytest.mark.parametrize("query", SELECTS)
def test_oxigraph_server_answers_as_sparql_endpoint(server: Server, oxigraph_server: str, query: str) -> None:
    import httpx

    query = query.replace("{base}", server.base)
    ours = sparql(server, query)
    theirs = httpx.get(oxigraph_server, params={"query": query},
                       headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert theirs.status_code == 200, theirs.text
    assert rows_of(ours) and rows_of(ours) == rows_of(theirs)


def _query_processes(parent: int) -> list[int]:
    """The server's query processes (multiprocessing children other than its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and "spawn_main" in cmdline and "resource_tracker" not in cmdline:
            found.append(int(entry.name))
    return found


def test_a_dead_query_process_is_replaced(server: Server) -> None:
    import os
    import signal

    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to find the query process")
    (child,) = _query_processes(server.process.pid)
    os.kill(child, signal.SIGKILL)
    response = sparql(server, "ASK { ?s ?p ?o }")
    assert response.status_code == 503 and "restarted" in response.text
    assert response.text.count("\n") == 1
    again = sparql(server, "ASK { ?s ?p ?o }")
    assert again.status_code == 200 and again.json()["boolean"] is True
    assert _query_processes(server.process.pid) != [child]
