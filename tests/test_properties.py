"""Property tests: on any record, hostile strings included, every writer finishes and its
output keeps its structure (one entry per record, re-parsable by a real consumer)."""

from __future__ import annotations

import io
import json
import re

import bibtexparser
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter import Contributor, Record, read, write
from exporter.model import Container, DateValue, Identifier, Link, PartialDate, Subject

HOSTILE = ["{", "}", "\\", "%", "&", "$", "#", "_", "~", "^", "\n", "\r\n", "ER  - ", "\nTY  - JOUR",
           "<script>", "\"", "'", "@", ",", " and ", "\u202e", "مرحبا", "漢字", "e\u0301", "\t", "\x00", "\x1b"]
text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), max_size=6).map("".join)
nonempty = text.filter(lambda s: s.strip() != "")
# names and keywords: words of letters (any script), with LaTeX specials, hyphens and
# apostrophes mixed in, but no commas or control characters (RIS has no way to quote a comma
# in a name); titles and abstracts above get the fully hostile strings
wordy = st.text(
    alphabet=st.one_of(st.characters(categories=["L", "Nd"]), st.sampled_from(list(" -'.{}\\&%$#_~^"))),
    min_size=1, max_size=12,
).filter(lambda s: any(ch.isalnum() for ch in s))

person = st.builds(Contributor, family=wordy, given=st.one_of(st.none(), wordy),
                   particle=st.one_of(st.none(), st.sampled_from(["van", "de la", "von"])),
                   suffix=st.one_of(st.none(), st.sampled_from(["Jr.", "III"])),
                   role=st.sampled_from(["author", "editor", "translator"]))
organisation = st.builds(Contributor, literal=wordy)
date = st.builds(lambda y, m: DateValue(PartialDate(y, m)), st.integers(1000, 2100), st.one_of(st.none(), st.integers(1, 12)))

records = st.builds(
    Record,
    type=st.sampled_from(["article-journal", "book", "chapter", "thesis", "report", "webpage", "dataset", "document"]),
    title=nonempty,
    contributors=st.lists(st.one_of(person, organisation), max_size=4).map(tuple),
    container=st.one_of(st.none(), st.builds(Container, title=text, volume=st.one_of(st.none(), text),
                                             page_start=st.one_of(st.none(), st.from_regex(r"[0-9]{1,4}", fullmatch=True)))),
    issued=st.one_of(st.none(), date),
    publisher=st.one_of(st.none(), text),
    abstract=st.one_of(st.none(), text),
    # identifiers as readers give them (valid in form; readers keep anything else in extra)
    identifiers=st.lists(st.one_of(
        st.builds(Identifier, scheme=st.just("doi"), value=st.from_regex(r"10\.[0-9]{4,6}/[A-Za-z0-9.()<>{}_-]{1,12}", fullmatch=True)),
        st.builds(Identifier, scheme=st.just("pmid"), value=st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True)),
        st.builds(Identifier, scheme=st.just("issn"), value=st.sampled_from(["0028-0836", "1476-4687", "2049-3630"])),
    ), max_size=3, unique=True).map(tuple),
    links=st.lists(st.builds(Link, url=st.one_of(
        st.just("https://example.org/a b{c}\"<>"),
        st.from_regex(r"https://example\.org/[A-Za-z0-9%{}<>|^`\\\[\]'\"-]{0,20}", fullmatch=True),
    )), max_size=2, unique=True).map(tuple),
    subjects=st.lists(st.builds(Subject, term=wordy), max_size=3).map(tuple),
    key=st.one_of(st.none(), text),
)

PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(st.lists(records, min_size=1, max_size=3))
def test_bibtex_keeps_one_entry_per_record(rs):
    for fmt in ("bibtex", "biblatex"):
        lib = bibtexparser.parse_string(write(rs, fmt))
        assert lib.failed_blocks == []
        assert len(lib.entries) == len(rs)
        assert len({e.key for e in lib.entries}) == len(rs)


@PROFILE
@given(st.lists(records, min_size=1, max_size=3))
def test_ris_keeps_one_record_per_record(rs):
    out = write(rs, "ris")
    lines = out.split("\r\n")
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) or line == "" for line in lines)
    assert sum(line.startswith("TY  - ") for line in lines) == len(rs)
    assert sum(line.startswith("ER  - ") for line in lines) == len(rs)


@PROFILE
@given(st.lists(records, min_size=1, max_size=3))
def test_csl_json_round_trips(rs):
    out = write(rs, "csl-json")
    assert len(json.loads(out)) == len(rs)
    back = list(read(io.StringIO(out), "csl-json"))

    def by_role(r: Record) -> dict[str, tuple[Contributor, ...]]:
        # CSL-JSON groups names by role: the order within a role is kept, not across roles
        return {role: r.by_role(role) for role in {c.role for c in r.contributors}}

    assert [(r.type, r.title, by_role(r), r.identifiers, r.links, r.subjects) for r in back] == [
        (r.type, r.title, by_role(r), r.identifiers, r.links, r.subjects) for r in rs
    ]


@PROFILE
@given(st.lists(records, min_size=1, max_size=2))
def test_rdf_parses_and_agrees(rs):
    graphs = [rdflib.Graph().parse(data=write(rs, fmt), format=parser)
              for fmt, parser in (("ntriples", "nt"), ("rdfxml", "xml"), ("jsonld", "json-ld"))]
    types = [len(set(g.subjects(rdflib.RDF.type, None))) for g in graphs]
    assert types[0] > 0 and len(set(types)) == 1
    assert len({len(g) for g in graphs}) == 1


@PROFILE
@given(st.lists(records, min_size=1, max_size=3))
def test_citation_html_never_contains_data_markup(rs):
    out = write(rs, "citation", style="apa", markup="html")
    assert "<script>" not in out
