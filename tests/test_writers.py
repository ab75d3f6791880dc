"""Invariants every registered writer keeps, and each output re-read by a real consumer:
bibtexparser for BibTeX, rdflib for RDF (all four syntaxes give one graph), the CSL-JSON
schema for CSL-JSON, a strict line grammar for RIS."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import bibtexparser
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
import pytest
import rdflib
from rdflib.compare import isomorphic
from support import REPO, shared_path

from exporter import Contributor, Record, read, write, writer_names
from exporter.model import Container, DateValue, Identifier, Link, PartialDate

HOSTILE = REPO / "tests" / "cases" / "hostile-book.csl.json"
OPTIONS = {"citation": {"style": "apa"}}


def records():
    return list(read(REPO / "examples" / "seed-solr.json")) + list(read(HOSTILE))


@pytest.mark.parametrize("fmt", writer_names())
def test_writer_output_is_text_ending_in_newline(fmt):
    out = write(records(), fmt, **OPTIONS.get(fmt, {}))
    out.encode("utf-8")
    assert out.endswith("\n")
    assert "\ufeff" not in out


@pytest.mark.parametrize("fmt", writer_names())
def test_writer_on_no_records_gives_valid_empty_output(fmt):
    out = write([], fmt, **OPTIONS.get(fmt, {}))
    if fmt == "csl-json":
        assert json.loads(out) == []
    elif fmt == "jsonld":
        g = rdflib.Graph().parse(data=out, format="json-ld")
        assert len(g) == 0
    elif fmt in ("turtle", "rdfxml", "ntriples"):
        g = rdflib.Graph().parse(data=out, format={"turtle": "turtle", "rdfxml": "xml", "ntriples": "nt"}[fmt])
        assert len(g) == 0
    else:
        assert out.strip() == "" or fmt == "citation"


def test_minimal_record_in_every_writer():
    bare = Record(type="document", title="Only a title")
    for fmt in writer_names():
        out = write([bare], fmt, **OPTIONS.get(fmt, {}))
        assert "Only a title" in out, fmt


# -- BibTeX ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtex_reparses_with_bibtexparser(fmt):
    out = write(records(), fmt)
    lib = bibtexparser.parse_string(out)
    assert lib.failed_blocks == []
    keys = [e.key for e in lib.entries]
    assert keys == ["alidina2021optimizing", "hostile-1", "chapter-2"]
    seed = lib.entries[0]
    assert seed["author"] == "Alidina, Shehnaz and Martelli, Peter F. and Singer, Sara J. and Aveling, Emma-Louise"
    assert seed["doi"] == "10.1097/HMR.0000000000000250"
    hostile = lib.entries[1]
    assert hostile["title"].startswith(r"50\% of {\textbraceleft{}Braces\textbraceright{}} \& \$math\$")
    split = bibtexparser.parse_string(out, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    names = [(n.von, n.last, n.jr, n.first) for n in split.entries[1]["author"]]
    assert names == [
        ([], ["{Johnson and Johnson}"], [], ["Ann"]),
        ([], ["{World Health Organization}"], [], []),
        (["van"], ["Gogh"], [], ["Vincent"]),
        ([], ["King"], ["Jr."], ["Martin", "Luther"]),
    ]


def test_bibtex_keys_unique_within_output():
    r = Record(type="book", title="Same title", contributors=(Contributor(family="Smith", given="A"),),
               issued=DateValue(PartialDate(2020)))
    out = write([r, r, r], "bibtex")
    assert re.findall(r"@book\{([^,]+),", out) == ["smith2020same", "smith2020samea", "smith2020sameb"]


def test_bibtex_hostile_keys_are_sanitised():
    r = Record(type="book", title="T", key="a key, with {braces}")
    out = write([r], "bibtex")
    assert out.startswith("@book{a_key_with_braces,")
    assert bibtexparser.parse_string(out).entries[0].key == "a_key_with_braces"


# -- RIS ------------------------------------------------------------------------------------

_RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")


def test_ris_lines_are_all_tags_and_crlf():
    out = write(records(), "ris")
    assert "\n" not in out.replace("\r\n", "")
    lines = out.split("\r\n")
    assert all(_RIS_LINE.match(line) or line == "" for line in lines), [line for line in lines if line and not _RIS_LINE.match(line)]
    assert [line for line in lines if line.startswith("TY  - ")] == ["TY  - JOUR", "TY  - BOOK", "TY  - CHAP"]
    assert sum(1 for line in lines if line.startswith("ER  - ")) == 3


def test_ris_value_cannot_start_a_tag():
    r = Record(type="book", title="x\nER  - \nTY  - JOUR", abstract="a\r\nAU  - Evil, Eve\u2028b")
    out = write([r], "ris")
    assert out.count("ER  - ") == 2  # the real one and the folded one inside TI
    assert [line[:2] for line in out.split("\r\n") if line] == ["TY", "TI", "AB", "ER"]


# -- CSL-JSON -------------------------------------------------------------------------------

def test_csl_json_is_valid_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(shared_path("corpus", "csl-schema", "v1.0", "csl-data.json").read_text(encoding="utf-8"))
    data = json.loads(write(records(), "csl-json"))
    jsonschema.validate(data, schema)
    assert len(data) == 3


def test_csl_json_round_trip_is_lossless():
    rs = records()
    assert list(read(__import__("io").StringIO(write(rs, "csl-json")), "csl-json")) == rs


def test_csl_json_round_trip_of_a_rich_record():
    r = Record(
        type="article-journal", title="Main", subtitle="Sub", short_title="M",
        contributors=(Contributor(family="Doe", given="J.", orcid="0000-0002-1825-0097", affiliations=("Uni A",)),
                      Contributor(literal="ACME Consortium", role="editor")),
        container=Container(title="J Test", short_title="JT", volume="3", issue="2", page_start="e12", page_end="e19"),
        issued=DateValue(PartialDate(2020, 4), PartialDate(2020, 6)), accessed=DateValue(PartialDate(2024, 1, 2)),
        identifiers=(Identifier("doi", "10.1/x"), Identifier("issn", "1234-5678"), Identifier("arxiv", "2101.00001")),
        links=(Link("https://a.example/1", "fulltext"),), notes=("n1", "n2"), key="doe2020",
        extra=(("bibtex:owner", "me"),),
    )
    import io
    (back,) = read(io.StringIO(write([r], "csl-json")), "csl-json")
    assert back == r


# -- RDF ------------------------------------------------------------------------------------

RDFLIB_FORMATS = {"jsonld": "json-ld", "turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}


def _graphs():
    rs = records()
    return {fmt: rdflib.Graph().parse(data=write(rs, fmt), format=parser) for fmt, parser in RDFLIB_FORMATS.items()}


def test_all_rdf_syntaxes_give_isomorphic_graphs():
    graphs = _graphs()
    base = graphs["ntriples"]
    assert len(base) > 100
    for fmt, g in graphs.items():
        assert isomorphic(g, base), fmt


def test_author_order_recoverable_from_rdf_alone():
    g = _graphs()["turtle"]
    rec = rdflib.URIRef("https://example.org/records/pubmed-7919701")
    head = g.value(rec, rdflib.URIRef("http://purl.org/ontology/bibo/authorList"))
    members = list(rdflib.collection.Collection(g, head))
    family = rdflib.URIRef("http://schema.org/familyName")
    assert [str(g.value(m, family)) for m in members] == ["Alidina", "Martelli", "Singer", "Aveling"]


def test_rdf_uses_only_real_schema_org_terms():
    vocab = rdflib.Graph().parse(shared_path("corpus", "schemaorg", "schemaorg-current-http.ttl"), format="turtle")
    defined = set(vocab.subjects())
    g = _graphs()["ntriples"]
    used = {p for p in g.predicates() if str(p).startswith("http://schema.org/")}
    used |= {o for o in g.objects(None, rdflib.RDF.type) if str(o).startswith("http://schema.org/")}
    assert used and used <= defined, sorted(used - defined)


def test_base_iri_option():
    out = write(records()[:1], "ntriples", base_iri="https://catalog.example.edu/record/")
    assert "<https://catalog.example.edu/record/pubmed-7919701>" in out
    with pytest.raises(Exception, match="base IRI"):
        write(records()[:1], "ntriples", base_iri="not an iri")


@pytest.mark.parametrize(
    "fmt, tool, args",
    [("ntriples", "rapper", ["-i", "ntriples", "-c"]), ("ntriples", "serdi", ["-i", "ntriples", "-o", "ntriples"]),
     ("turtle", "serdi", ["-i", "turtle", "-o", "ntriples"]), ("rdfxml", "rapper", ["-i", "rdfxml", "-c"])],
)
def test_rdf_passes_strict_parsers(fmt, tool, args, tmp_path):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed")
    path = tmp_path / "out.rdf"
    path.write_text(write(records(), fmt), encoding="utf-8")
    proc = subprocess.run([tool, *args, str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# -- citations ------------------------------------------------------------------------------

def test_citation_html_is_escaped():
    out = write(records(), "citation", style="apa", markup="html")
    assert "<script>" not in out
    assert "&lt;script&gt;" in out


def test_citation_text_one_entry_per_line():
    out = write(records(), "citation", style="apa")
    assert len(out.splitlines()) == 3


def test_citation_dependent_style_and_locale():
    r = records()[:1]
    assert write(r, "citation", style="vancouver-nlm").startswith("1. Alidina S, Martelli PF, Singer SJ, Aveling EL.")
    german = write(r, "citation", style="apa", locale="de-DE")
    assert "&" in german or "und" in german


def test_unknown_style_is_a_clear_error():
    from exporter import ExporterError

    with pytest.raises(ExporterError, match="unknown CSL style 'no-such-style'"):
        write(records(), "citation", style="no-such-style")


def test_in_text_citations_one_cluster_per_record():
    out = write(records(), "citation", style="apa", mode="citation")
    assert out.splitlines() == ["(Alidina et al., 2021)", "(Johnson and Johnson et al., 2019)", "(Zhang, 2020)"]


def test_in_text_citation_clusters_with_locator_prefix():
    clusters = [[{"id": "alidina2021optimizing", "locator": "12", "prefix": "see "}, {"id": "chapter-2"}]]
    out = write(records(), "citation", style="chicago-author-date", mode="citation", clusters=clusters)
    assert out == "(see Alidina et al. 2021, 12; Zhang 2020)\n"


def _manuscript() -> Record:
    return Record(type="manuscript", title="Notes toward a grammar of Shetland dialect",
                  contributors=(Contributor(role="author", family="Carver", given="Imogen"),),
                  genre="Unpublished manuscript", key="carver-nd")


def test_citation_record_the_style_leaves_out_is_reported_not_lost():
    """chicago-notes-bibliography leaves unpublished manuscripts out of the bibliography
    (CMOS18 14.114); citeproc-js renders nothing for them and so do we, with a warning."""
    problems = []
    out = write([_manuscript(), *records()[:1]], "citation", style="chicago-notes-bibliography",
                on_problem=problems.append)
    assert out.startswith("Alidina, Shehnaz") and "Carver" not in out
    assert [(p.severity, p.record) for p in problems] == [("warning", 1)]
    assert "carver-nd: the style leaves this record out of its bibliography" in problems[0].reason
    # a style that does list manuscripts writes it, and reports nothing
    problems.clear()
    out = write([_manuscript()], "citation", style="apa", on_problem=problems.append)
    assert out.startswith("Carver, I.") and problems == []


def test_citation_only_style_refuses_a_bibliography(tmp_path):
    from exporter import ExporterError

    style = tmp_path / "cites-only.csl"
    style.write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        "<info><id>x</id><title>x</title><updated>2020-01-01T00:00:00+00:00</updated></info>"
        '<citation><layout><text variable="title"/></layout></citation></style>', encoding="utf-8")
    with pytest.raises(ExporterError, match="defines no bibliography, only citations: use --mode citation"):
        write(records(), "citation", style=str(style))
    assert write(records()[:1], "citation", style=str(style), mode="citation").startswith("Optimizing")


def _balanced(text: str, escape: str = "\\") -> bool:
    depth = 0
    i = 0
    while i < len(text):
        if text[i] == escape:
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth < 0:
            return False
        i += 1
    return depth == 0


HOSTILE_TITLE = "50% of {x} & $y_1$ -- a \\par}{\\rtf1 ''quoted'' #1 ~ ^ \u00e9\U0001d11e"


def test_citation_rtf_is_one_document_with_data_escaped():
    r = [Record(type="book", title=HOSTILE_TITLE, key="k1",
                contributors=(Contributor(role="author", family="Ng", given="Al"),)), *records()[:1]]
    out = write(r, "citation", style="apa", markup="rtf")
    assert out.startswith("{\\rtf1\\ansi") and out.endswith("}\n")
    assert _balanced(out)
    assert out.count("\\par}") == 2  # one paragraph per entry, none injected by the data
    assert "\\{x\\}" in out and "\\\\par\\}\\{\\\\rtf1" in out
    assert "\\u233?" in out and "\\u-10188?\\u-8930?" in out  # é; U+1D11E as UTF-16 D834 DD1E, signed
    assert all(ord(c) < 128 for c in out)


def test_citation_latex_escapes_specials_and_ligatures():
    r = [Record(type="book", title=HOSTILE_TITLE, key="k1",
                contributors=(Contributor(role="author", family="Ng", given="Al"),))]
    out = write(r, "citation", style="apa", markup="latex")
    assert "50\\% of \\{x\\} \\& \\$y\\_1\\$ -{}- a \\textbackslash{}par\\}\\{\\textbackslash{}rtf1" in out
    assert "\\#1 \\textasciitilde{} \\textasciicircum{}" in out
    assert "\\textit{" in out and _balanced(out)


def test_citation_clusters_in_notes_print_ibid_and_short_forms():
    clusters = [{"cites": [{"id": "alidina2021optimizing"}], "note": 1},
                {"cites": [{"id": "alidina2021optimizing", "locator": "4"}], "note": 2},
                {"cites": [{"id": "chapter-2"}], "note": 3},
                {"cites": [{"id": "alidina2021optimizing", "locator": "4"}], "note": 4}]
    out = write(records(), "citation", style="chicago-notes-bibliography-subsequent-ibid", mode="citation", clusters=clusters)
    # expected: citeproc-js 2.4.63 (processCitationCluster with the same items and notes)
    assert out.splitlines() == [
        ("Shehnaz Alidina et al., “Optimizing Patient Partnership in Primary Care Improvement: A Qualitative Study,” "
         "Health Care Manage Rev, 2021, https://doi.org/10.1097/HMR.0000000000000250."),
        "Ibid., 4.",
        ("Wei Zhang, “A Chapter on E. Coli and CO2,” in Handbook of Things, ed. Jane Smith (Springer, 2020), "
         "https://doi.org/10.1000/xyz{1}."),
        "Alidina et al., “Optimizing Patient Partnership in Primary Care Improvement: A Qualitative Study,” 4.",
    ]


def test_malformed_citation_clusters_are_a_clear_error():
    from exporter import ExporterError

    with pytest.raises(ExporterError, match=r"citation: cluster 2: \"note\" must be a note number"):
        write(records(), "citation", mode="citation", clusters=[[{"id": "chapter-2"}], {"cites": [{"id": "chapter-2"}], "note": "x"}])


def test_citation_cluster_with_an_unknown_id_is_a_problem():
    from exporter import ExporterError

    clusters = [[{"id": "chapter-2"}], [{"id": "nope"}]]
    with pytest.raises(ExporterError, match="cluster 2 cites 'nope', which is not the key of any record"):
        write(records(), "citation", mode="citation", clusters=clusters)
    problems = []
    out = write(records(), "citation", mode="citation", clusters=clusters, on_problem=problems.append)
    assert out == "(Zhang, 2020)\n(nope?)\n"
    assert [(p.source, p.severity) for p in problems] == [("clusters", "error")]
