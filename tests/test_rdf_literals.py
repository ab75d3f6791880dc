"""No ill-typed literal in any RDF output, for every corpus file a reader of ours reads.

Each file's records are written as N-Triples, Turtle, RDF/XML and JSON-LD, and each output
is parsed back:
- by rdflib, which must log nothing (rdflib logs "Failed to convert Literal lexical form to
  value" for a literal its own converters reject, e.g. ``"2022-02-29"^^xsd:date``);
- by this module's strict check of every typed literal against its datatype's lexical
  space (rdflib has no converter for ``xsd:gYear`` and ``xsd:gYearMonth``, so ``"199X"``
  typed as a year would pass it), with dates checked against the calendar. A datatype the
  check does not know fails the test, so a new one cannot slip in unchecked;
- by serdi (N-Triples, Turtle) and rapper (N-Triples, RDF/XML), strict parsers outside
  Python, when they are installed (``.ci/run`` installs them);
and the four graphs must be the same graph.  The dump writes its shards with the same
N-Triples and Turtle writers, so its output is covered by the same literals.
"""

from __future__ import annotations

import calendar
import logging
import re
import shutil
import subprocess

import pytest
import rdflib
from rdflib.compare import isomorphic
from support import corpus_id, corpus_record_files, read_corpus

from exporter import write

XSD = "http://www.w3.org/2001/XMLSchema#"
_YEAR = r"-?(?:[1-9][0-9]{4,}|[0-9]{4})"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
#: lexical spaces (XML Schema 1.1 part 2) of the datatypes exporter writes
LEXICAL = {
    XSD + "gYear": re.compile(_YEAR + _ZONE),
    XSD + "gYearMonth": re.compile(_YEAR + r"-(?:0[1-9]|1[0-2])" + _ZONE),
    XSD + "date": re.compile(f"({_YEAR})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _ZONE),
    XSD + "dateTime": re.compile(f"({_YEAR})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                                 r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?" + _ZONE),
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "nonNegativeInteger": re.compile(r"\+?[0-9]+|-0+"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
    XSD + "hexBinary": re.compile(r"(?:[0-9a-fA-F]{2})*"),
    XSD + "decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    XSD + "anyURI": re.compile(r"[^\s<>\"{}|\\^`]*"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString": None,  # checked by its tag
}
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
FORMATS = {"ntriples": "nt", "turtle": "turtle", "rdfxml": "xml", "jsonld": "json-ld"}
FILES = corpus_record_files()


def ill_typed(literal: rdflib.Literal) -> str | None:
    """Why ``literal`` is not a value of its datatype, or None when it is."""
    if literal.language is not None:
        return None if _LANGUAGE_TAG.fullmatch(literal.language) else "bad language tag"
    if literal.datatype is None:
        return None
    datatype = str(literal.datatype)
    if datatype not in LEXICAL:
        return f"datatype {datatype} is not one this test knows how to check"
    pattern = LEXICAL[datatype]
    match = pattern.fullmatch(str(literal)) if pattern is not None else None
    if pattern is not None and match is None:
        return "not in the lexical space"
    if datatype in (XSD + "date", XSD + "dateTime"):
        year, month, day = (int(part) for part in match.groups())
        if day > calendar.monthrange(year if year > 0 else 2000 + year % 400, month)[1]:
            return "a day the calendar does not have"
    if literal.ill_typed:
        return "rdflib cannot convert it"
    return None


def _tool(name: str, args: list[str], data: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([name, *args], input=data, capture_output=True, text=True, timeout=120)


def test_the_strict_check_rejects_what_it_should():
    bad = [rdflib.Literal("199X", datatype=rdflib.URIRef(XSD + "gYear")),
           rdflib.Literal("2019-13", datatype=rdflib.URIRef(XSD + "gYearMonth")),
           rdflib.Literal("2022-02-29", datatype=rdflib.URIRef(XSD + "date")),
           rdflib.Literal("1900-02-29", datatype=rdflib.URIRef(XSD + "date")),
           rdflib.Literal("12 pages", datatype=rdflib.URIRef(XSD + "integer")),
           rdflib.Literal("x", datatype=rdflib.URIRef(XSD + "string2"))]
    good = [rdflib.Literal("2019", datatype=rdflib.URIRef(XSD + "gYear")),
            rdflib.Literal("-0044", datatype=rdflib.URIRef(XSD + "gYear")),
            rdflib.Literal("2024-02-29", datatype=rdflib.URIRef(XSD + "date")),
            rdflib.Literal("2000-02-29", datatype=rdflib.URIRef(XSD + "date")),
            rdflib.Literal("2019-05", datatype=rdflib.URIRef(XSD + "gYearMonth")),
            rdflib.Literal("x", lang="de-CH"), rdflib.Literal("plain")]
    assert [lit for lit in bad if ill_typed(lit) is None] == []
    assert {str(lit): ill_typed(lit) for lit in good} == {str(lit): None for lit in good}


@pytest.mark.parametrize("path", FILES, ids=[corpus_id(p) for p in FILES])
def test_every_literal_of_every_rdf_output_is_well_typed(path, caplog):
    records = read_corpus(path)
    graphs = {}
    for writer, syntax in FORMATS.items():
        text = write(records, writer, on_problem=lambda problem: None)
        with caplog.at_level(logging.WARNING):
            caplog.clear()
            graph = rdflib.Graph().parse(data=text, format=syntax)
        assert caplog.text == "", f"{writer}: rdflib logged {caplog.text[:500]}"
        bad = {str(o): why for o in graph.objects() if isinstance(o, rdflib.Literal)
               for why in [ill_typed(o)] if why}
        assert not bad, f"{writer}: ill-typed literals {dict(list(bad.items())[:5])}"
        graphs[writer] = graph
        for tool, args, syntaxes in (("serdi", ["-i", writer, "-o", "ntriples", "-"], ("ntriples", "turtle")),
                                     ("rapper", ["-q", "-i", writer, "-o", "ntriples", "-", "http://base.invalid/"],
                                      ("ntriples", "rdfxml"))):
            if writer in syntaxes and shutil.which(tool):
                proc = _tool(tool, args, text)
                assert proc.returncode == 0 and proc.stderr == "", f"{tool} {writer}: {proc.stderr[:500]}"
                assert len(proc.stdout.splitlines()) == len(graph), f"{tool} read another number of triples from {writer}"
    reference = graphs.pop("ntriples")
    assert len(reference) > 0
    for writer, graph in graphs.items():
        assert isomorphic(graph, reference), f"{writer} and ntriples are not the same graph"


def _script_json_ld(page: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)


@pytest.mark.skipif(not FILES, reason="../shared/corpus is not present")
def test_every_literal_of_a_whole_corpus_dump_is_well_typed(tmp_path):
    """One dump of every corpus file, in all three shard formats and with record pages:
    the shards, the description and the JSON-LD in every page."""
    import gzip
    import json
    import sys

    out = tmp_path / "dump"
    proc = subprocess.run([sys.executable, "-m", "exporter", "dump", *map(str, FILES), "--out", str(out),
                           "--format", "nt", "--format", "ttl", "--format", "jsonld-lines", "--html", "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr and (out / "void.jsonld").is_file(), proc.stderr[-2000:]
    graphs = {}
    for suffix, syntax in ((".nt.gz", "nt"), (".ttl.gz", "turtle"), (".jsonl.gz", "json-ld")):
        graph = rdflib.Graph()
        for shard in sorted(out.glob("part-*" + suffix)):
            text = gzip.decompress(shard.read_bytes()).decode("utf-8")
            if syntax == "json-ld":
                for line in text.splitlines():
                    graph.parse(data=line, format="json-ld")
            else:
                graph.parse(data=text, format=syntax)
                tool = shutil.which("serdi")
                if tool:
                    check = _tool(tool, ["-i", "ntriples" if syntax == "nt" else "turtle", "-o", "ntriples", "-"], text)
                    assert check.returncode == 0 and check.stderr == "", check.stderr[:500]
        graphs[suffix] = graph
    graph = rdflib.Graph()
    for name, syntax in (("void.jsonld", "json-ld"), ("void.ttl", "turtle")):
        graph.parse(out / name, format=syntax)
    pages = sorted((out / "html").rglob("*.html"))
    assert len(pages) > 800  # a page per record (the corpus gives 835)
    for page in pages:
        for block in _script_json_ld(page.read_text(encoding="utf-8")):
            json.loads(block)
            graph.parse(data=block, format="json-ld")
    for name, g in [*graphs.items(), ("description and pages", graph)]:
        bad = {str(o): why for o in g.objects() if isinstance(o, rdflib.Literal) for why in [ill_typed(o)] if why}
        assert not bad, f"{name}: ill-typed literals {dict(list(bad.items())[:5])}"
    assert len(graphs[".nt.gz"]) > 20_000
    # the same graph (isomorphism of the whole dump is slow: tests/test_dump.py checks it
    # on a smaller one): as many triples, and the same triples without blank nodes
    ground = {name: {t for t in g if not any(isinstance(term, rdflib.BNode) for term in t)}
              for name, g in graphs.items()}
    assert len(graphs[".nt.gz"]) == len(graphs[".ttl.gz"]) == len(graphs[".jsonl.gz"])
    assert ground[".nt.gz"] == ground[".ttl.gz"] == ground[".jsonl.gz"]
