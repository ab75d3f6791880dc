"""`exporter serve` over real HTTP: the command started on a free loopback port (uvicorn,
no mocks), asked what clients ask: content negotiation, documents, conditional requests,
CORS, the dataset and its dumps, bad requests, and the record page in headless Chromium.
The server stops when the module's tests are done."""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import rdflib
from support import SEED_SOLR

from exporter import read, write
from exporter.cli import main

SEED_ID = "pubmed-7919701"
ODD_KEY = "odd/key:1"  # a BibTeX key with a slash: stored percent-encoded, never a path
ODD_BIB = "@article{odd/key:1, title = {An odd key}, author = {Doe, Jane}, journal = {J}, year = {2020}}\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, process: subprocess.Popen, port: int, folder: Path) -> None:
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.base = f"{self.url}/record/"
        self.folder = folder
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.client.get(path, **kwargs)


def start_server(folder: Path, *extra: str) -> Server:
    """Load the seed, a few synthetic records and an odd BibTeX key; dump; serve."""
    sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
    from synthetic import write_jsonl

    port = free_port()
    base = f"http://127.0.0.1:{port}/record/"
    synthetic = write_jsonl(folder / "synthetic.jsonl", 20)
    odd = folder / "odd.bib"
    odd.write_text(ODD_BIB, encoding="utf-8")
    db = folder / "catalog.db"
    assert main(["load", str(SEED_SOLR), str(synthetic), str(odd), "--store", str(db), "--base-iri", base, "--sparql"]) == 0
    assert main(["dump", "--store", str(db), "--out", str(folder / "dumps"), "--base-iri", base, "--quiet"]) == 0
    log = open(folder / "server.log", "w", encoding="utf-8")  # noqa: SIM115 - closed by the fixture
    # a file named like a style in the server's working directory: a style name must never be
    # taken for a path (test_curl_follows_to_the_seeds_apa_entry fails if it is)
    (folder / "apa").write_text("not a CSL style\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "exporter", "serve", "--store", str(db), "--port", str(port),
         "--dumps", str(folder / "dumps"), *extra],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"), cwd=folder)
    server = Server(process, port, folder)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("exporter serve exited: " + (folder / "server.log").read_text(encoding="utf-8")[-2000:])
        try:
            if server.get("/dataset").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("exporter serve did not answer within 60 s")


def stop_server(server: Server) -> None:
    server.client.close()
    server.process.terminate()
    try:
        server.process.wait(20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    started = start_server(tmp_path_factory.mktemp("serve"), "--sparql-timeout", "1", "--sparql-max-bytes", "20000")
    yield started
    stop_server(started)


@pytest.fixture(scope="module")
def seed_record():
    (record,) = read(SEED_SOLR)
    return record


# -- content negotiation on the record IRI ------------------------------------------------------

CONNEG = [
    # (Accept, query, status, Location (None: no header), Content-Type prefix)
    (None, "", 303, f"/record/{SEED_ID}.html", "text/plain"),
    ("*/*", "", 303, f"/record/{SEED_ID}.html", "text/plain"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "", 303, f"/record/{SEED_ID}.html", "text/plain"),
    ("text/turtle", "", 303, f"/record/{SEED_ID}.ttl", "text/plain"),
    ("application/ld+json", "", 303, f"/record/{SEED_ID}.jsonld", "text/plain"),
    ("application/n-triples", "", 303, f"/record/{SEED_ID}.nt", "text/plain"),
    ("application/rdf+xml", "", 303, f"/record/{SEED_ID}.rdf", "text/plain"),
    ("application/vnd.citationstyles.csl+json", "", 303, f"/record/{SEED_ID}.csl.json", "text/plain"),
    ("application/x-bibtex", "", 303, f"/record/{SEED_ID}.bib", "text/plain"),
    ("application/x-research-info-systems", "", 303, f"/record/{SEED_ID}.ris", "text/plain"),
    ("text/x-bibliography", "", 303, f"/record/{SEED_ID}.citation.txt?style=apa", "text/plain"),
    ("text/x-bibliography; style=apa; locale=en-US", "", 303, f"/record/{SEED_ID}.citation.txt?style=apa&locale=en-US", "text/plain"),
    ('text/x-bibliography; style="ieee"', "", 303, f"/record/{SEED_ID}.citation.txt?style=ieee", "text/plain"),
    ("text/turtle;q=0.5, application/x-bibtex;q=0.9", "", 303, f"/record/{SEED_ID}.bib", "text/plain"),
    ("application/*;q=0.9, application/rdf+xml;q=0.1", "", 303, f"/record/{SEED_ID}.jsonld", "text/plain"),
    ("text/*, text/html;q=0", "", 303, f"/record/{SEED_ID}.ttl", "text/plain"),
    ("text/html", "?format=ris", 303, f"/record/{SEED_ID}.ris", "text/plain"),
    ("text/html", "?format=.ttl", 303, f"/record/{SEED_ID}.ttl", "text/plain"),
    ("text/html", "?format=citation&style=ieee&locale=de-DE", 303, f"/record/{SEED_ID}.citation.txt?style=ieee&locale=de-DE", "text/plain"),
    ("text/x-bibliography; style=apa", "?style=vancouver-nlm", 303, f"/record/{SEED_ID}.citation.txt?style=vancouver-nlm", "text/plain"),
    ("image/png", "", 406, None, "text/plain"),
    ("text/turtle;q=0", "", 406, None, "text/plain"),
    ("junk", "", 400, None, "text/plain"),
    ("text/html;q=7", "", 400, None, "text/plain"),
    ("text/x-bibliography; style=no-such-style", "", 400, None, "text/plain"),
    ("text/x-bibliography; style=../../../etc/passwd", "", 400, None, "text/plain"),
    ("text/x-bibliography; style=apa; locale=xx-XX", "", 400, None, "text/plain"),
    ("text/html", "?format=docx", 400, None, "text/plain"),
    ("text/html", "?style=ieee", 303, f"/record/{SEED_ID}.citation.txt?style=ieee", "text/plain"),
    ("text/html", "?style=nope", 400, None, "text/plain"),
    ("text/x-bibliography; locale=de-de", "", 303, f"/record/{SEED_ID}.citation.txt?style=apa&locale=de-DE", "text/plain"),
]


@pytest.mark.parametrize(("accept", "query", "status", "location", "content_type"), CONNEG)
def test_record_iri_negotiates(server: Server, accept, query, status, location, content_type) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    if accept is None:
        headers["Accept"] = ""  # httpx sends */* by default; an empty header means "anything"
    response = server.get(f"/record/{SEED_ID}{query}", headers=headers)
    assert response.status_code == status, response.text
    assert response.headers.get("location") == location
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers.get("vary") == "Accept"
    assert response.text.count("\n") == 1 and "Traceback" not in response.text
    if status == 406:
        assert "available: text/html, text/turtle" in response.text


def test_406_lists_every_negotiable_type(server: Server) -> None:
    response = server.get(f"/record/{SEED_ID}", headers={"Accept": "image/png"})
    for media in ("application/ld+json", "text/turtle", "application/n-triples", "application/rdf+xml",
                  "application/vnd.citationstyles.csl+json", "application/x-bibtex",
                  "application/x-research-info-systems", "text/html", "text/x-bibliography"):
        assert media in response.text


def test_curl_follows_to_the_seeds_apa_entry(server: Server, seed_record) -> None:
    expected = write([seed_record], "citation", style="apa")
    assert expected.startswith("Alidina, S., Martelli, P. F., Singer, S. J., & Aveling, E.-L. (2021).")
    response = server.client.get(f"/record/{SEED_ID}", headers={"Accept": "text/x-bibliography; style=apa"},
                                 follow_redirects=True)
    assert response.status_code == 200
    assert response.text == expected
    assert response.headers["content-type"] == "text/x-bibliography; charset=utf-8"
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("no curl binary: the same request through httpx passed")
    done = subprocess.run([curl, "-sL", "-H", "Accept: text/x-bibliography; style=apa", f"{server.base}{SEED_ID}"],
                          capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout == expected


# -- documents ------------------------------------------------------------------------------------

DOCUMENTS = [  # (extension, writer, media type)
    (".bib", "bibtex", "application/x-bibtex; charset=utf-8"),
    (".biblatex.bib", "biblatex", "application/x-bibtex; charset=utf-8"),
    (".ris", "ris", "application/x-research-info-systems; charset=utf-8"),
    (".csl.json", "csl-json", "application/vnd.citationstyles.csl+json"),
    (".jsonld", "jsonld", "application/ld+json"),
    (".rdf", "rdfxml", "application/rdf+xml"),
    (".ttl", "turtle", "text/turtle; charset=utf-8"),
    (".nt", "ntriples", "application/n-triples"),
    (".citation.txt", "citation", "text/x-bibliography; charset=utf-8"),
]
RDF_PARSERS = {"jsonld": "json-ld", "rdfxml": "xml", "turtle": "turtle", "ntriples": "nt"}


def graph(text: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format=fmt)


@pytest.mark.parametrize(("extension", "writer", "media_type"), DOCUMENTS)
def test_document_is_the_writers_output(server: Server, seed_record, extension, writer, media_type) -> None:
    response = server.get(f"/record/{SEED_ID}{extension}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    default_style = "?style=apa" if writer == "citation" else ""  # the representation names its style
    assert response.headers["content-location"] == f"/record/{SEED_ID}{extension}{default_style}"
    options = {"base_iri": server.base} if writer in RDF_PARSERS else {}
    expected = write([seed_record], writer, **options)
    if writer in RDF_PARSERS:
        from rdflib.compare import isomorphic

        assert isomorphic(graph(response.text, RDF_PARSERS[writer]), graph(expected, RDF_PARSERS[writer]))
        assert f"<{server.base}{SEED_ID}>" in graph(response.text, RDF_PARSERS[writer]).serialize(format="nt")
    else:
        assert response.text == expected
    assert response.headers["access-control-allow-origin"] == "*"


def test_document_links_every_other_format(server: Server) -> None:
    response = server.get(f"/record/{SEED_ID}.ris")
    links = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["link"])
    targets = {href for href, _ in links}
    assert f"/record/{SEED_ID}.ris" not in targets
    for extension, _, _ in DOCUMENTS:
        if extension != ".ris":
            assert f"/record/{SEED_ID}{extension}" in targets
    assert f"/record/{SEED_ID}.html" in targets


def test_conditional_requests(server: Server) -> None:
    first = server.get(f"/record/{SEED_ID}.ttl")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert email.utils.parsedate_to_datetime(modified)
    again = server.get(f"/record/{SEED_ID}.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert server.get(f"/record/{SEED_ID}.ttl", headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert server.get(f"/record/{SEED_ID}.ttl", headers={"If-None-Match": '"other"'}).status_code == 200
    assert server.get(f"/record/{SEED_ID}.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    assert server.get(f"/record/{SEED_ID}.ttl", headers={"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"}).status_code == 200
    assert server.get(f"/record/{SEED_ID}.ttl", headers={"If-Modified-Since": "not a date"}).status_code == 200
    # the ETag names the representation: another format or style, another tag
    assert server.get(f"/record/{SEED_ID}.nt").headers["etag"] != etag
    apa = server.get(f"/record/{SEED_ID}.citation.txt?style=apa").headers["etag"]
    assert server.get(f"/record/{SEED_ID}.citation.txt?style=ieee").headers["etag"] != apa


def test_head_has_the_headers_and_no_body(server: Server) -> None:
    get = server.get(f"/record/{SEED_ID}.bib")
    head = server.client.head(f"/record/{SEED_ID}.bib")
    assert head.status_code == 200 and head.content == b""
    for name in ("etag", "last-modified", "content-type", "content-location", "link", "content-length"):
        assert head.headers[name] == get.headers[name]
    assert server.client.head(f"/record/{SEED_ID}", headers={"Accept": "text/turtle"}).status_code == 303


def test_cors_for_data_not_for_the_page(server: Server) -> None:
    assert "access-control-allow-origin" not in server.get(f"/record/{SEED_ID}.html").headers
    assert server.get(f"/record/{SEED_ID}.jsonld").headers["access-control-allow-origin"] == "*"
    preflight = server.client.options(f"/record/{SEED_ID}.jsonld", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"


def test_odd_ids_are_looked_up_encoded(server: Server) -> None:
    encoded = quote(ODD_KEY, safe=":")  # odd%2Fkey:1
    response = server.get(f"/record/{encoded}", headers={"Accept": "application/x-bibtex"})
    assert response.status_code == 303
    assert response.headers["location"] == "/record/odd%2Fkey:1.bib"
    bib = server.get(response.headers["location"])
    assert bib.status_code == 200 and "An odd key" in bib.text


def test_page_links_and_alternates(server: Server) -> None:
    page = server.get(f"/record/{SEED_ID}.html")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f'href="{SEED_ID}.bib"' in page.text
    assert f"{server.base}{SEED_ID}" in page.text


def test_browser_dom_jsonld_is_the_turtle_graph(server: Server, tmp_path: Path) -> None:
    from rdflib.compare import isomorphic
    from test_pages import chromium, embedded_graph, parse

    profile = tmp_path / "chromium-profile"
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-extensions", "--no-first-run", "--no-proxy-server",
           f"--user-data-dir={profile}", "--dump-dom", f"{server.base}{SEED_ID}"]  # the IRI: 303 to the page
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, env=dict(os.environ, HOME=str(tmp_path)),
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = parse(done.stdout)
    assert dom.h1.startswith("Optimizing patient partnership")
    turtle = graph(server.get(f"/record/{SEED_ID}.ttl").text, "turtle")
    assert isomorphic(embedded_graph(dom), turtle)


# -- bad requests ---------------------------------------------------------------------------------

BAD = [  # (path, headers, status, words in the message)
    ("/record/no-such-record", {}, 404, "no record"),
    ("/record/no-such-record.bib", {}, 404, "no record"),
    (f"/record/{SEED_ID}.docx", {}, 404, ".docx is not a format"),
    (f"/record/{SEED_ID}.citation.txt?style=nope", {}, 400, "unknown style"),
    (f"/record/{SEED_ID}.citation.txt?style=/etc/passwd", {}, 400, "unknown style"),
    (f"/record/{SEED_ID}.citation.txt?style=apa&locale=../../x", {}, 400, "unknown locale"),
    ("/record/..%2F..%2Fetc%2Fpasswd", {}, 404, "no record"),
    ("/record/../../etc/passwd", {}, 404, "nothing at"),
    (f"/record/{SEED_ID}%00.bib", {}, 404, "no record"),
    ("/record/" + "x" * 5000, {}, 404, "no record"),
    ("/dumps/..%2Fcatalog.db", {}, 404, "catalog.db"),
    ("/dumps/part-00000.json", {}, 404, "no dump file"),
    ("/etc/passwd", {}, 404, "nothing at"),
    ("/dataset.docx", {}, 404, "no description"),
    ("/dataset", {"Accept": "image/png"}, 406, "available"),
    ("/dataset", {"Accept": ";;;"}, 400, "malformed"),
    (f"/record/{SEED_ID}", {"Accept": "text/html;" + "a=b;" * 2000}, 400, "longer than"),
]


@pytest.mark.parametrize(("path", "headers", "status", "words"), BAD)
def test_bad_requests_get_one_line(server: Server, path: str, headers: dict, status: int, words: str) -> None:
    response = server.get(path, headers=headers)
    assert response.status_code == status, response.text
    assert words in response.text
    assert response.text.endswith("\n") and response.text.count("\n") == 1
    assert "Traceback" not in response.text and "File \"" not in response.text


def test_bad_host_header_never_reaches_the_description(server: Server) -> None:
    # Starlette falls back to the server's address for a Host that is not one; the server
    # also refuses (400) any address that does not make an IRI
    response = server.get("/dataset", headers={"Host": "evil.example\"><script>", "Accept": "text/html"})
    assert response.status_code in (200, 400)
    assert "<script>" not in response.text and "evil" not in response.text


def test_wrong_method_is_405(server: Server) -> None:
    response = server.client.post(f"/record/{SEED_ID}.bib", content=b"x")
    assert response.status_code == 405 and response.text.count("\n") == 1


# -- the dataset and its dumps ----------------------------------------------------------------------


def test_dataset_describes_dumps_with_checksums(server: Server) -> None:
    response = server.get("/dataset", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["vary"] == "Accept"
    g = graph(response.text, "turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    schema = rdflib.Namespace("http://schema.org/")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    dataset = rdflib.URIRef(f"{server.url}/dataset")
    assert int(g.value(dataset, void.entities)) == 22
    assert g.value(dataset, void.sparqlEndpoint) == rdflib.URIRef(f"{server.url}/sparql")
    dumps = list(g.objects(dataset, void.dataDump))
    assert dumps == [rdflib.URIRef(f"{server.url}/dumps/part-00000.nt.gz")]
    (distribution,) = g.objects(dataset, schema.distribution)
    checksum = g.value(g.value(distribution, spdx.checksum), spdx.checksumValue)
    shard = server.get(str(dumps[0]))
    assert shard.status_code == 200 and shard.headers["content-type"] == "application/gzip"
    assert hashlib.sha256(shard.content).hexdigest() == str(checksum)
    assert "sha-256=:" in shard.headers["repr-digest"]
    assert int(g.value(dataset, void.triples)) == sum(1 for _ in graph(
        __import__("gzip").decompress(shard.content).decode("utf-8"), "nt"))


@pytest.mark.parametrize(("path", "accept", "media_type", "parser"), [
    ("/", "text/html", "text/html", None),
    ("/", "application/ld+json", "application/ld+json", "json-ld"),
    ("/dataset", "application/rdf+xml", "application/rdf+xml", "xml"),
    ("/dataset.nt", "image/png", "application/n-triples", "nt"),  # the extension wins over Accept
    ("/dataset.ttl", None, "text/turtle", "turtle"),
])
def test_dataset_formats(server: Server, path: str, accept: str | None, media_type: str, parser: str | None) -> None:
    response = server.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    if parser:
        assert (None, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in graph(response.text, parser)
    else:
        assert "part-00000.nt.gz" in response.text


def test_store_that_is_missing_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "exporter", "serve", "--store", str(tmp_path / "none.db")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"exporter: {tmp_path / 'none.db'}: no such store (make one with exporter load)"]


def test_several_workers_serve_the_same_answers(tmp_path: Path, seed_record) -> None:
    """`serve --workers 2`: uvicorn's worker processes build the app from the configuration
    that `exporter serve` passes them; every answer is the same whichever worker gives it."""
    two = start_server(tmp_path, "--workers", "2")
    try:
        expected = write([seed_record], "ris")
        answers = set()
        for _ in range(20):
            with httpx.Client(base_url=two.url, timeout=30) as fresh:  # new connections spread over workers
                response = fresh.get(f"/record/{SEED_ID}", headers={"Accept": "application/x-research-info-systems"},
                                     follow_redirects=True)
                assert response.status_code == 200
                answers.add((response.text, response.headers["etag"]))
        assert len(answers) == 1 and next(iter(answers))[0] == expected
    finally:
        stop_server(two)
