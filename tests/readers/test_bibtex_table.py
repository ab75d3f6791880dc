"""The two-way BibTeX/BibLaTeX table: reader, writers, ``carries`` and ``lost`` all come from
it, so a field read is a field written back (per dialect) and what is not written is named."""

from __future__ import annotations

import io
import re

import pytest

from exporter import read, write
from exporter.api import make_writer
from exporter.formats.bibtex import ENCODERS
from exporter.formats.bibtex_table import (
    BIBLATEX,
    BIBLATEX_TYPES,
    BIBTEX,
    CLASSIC_TYPES,
    CODECS,
    ENTRY_TYPE_EXTRA,
    ENTRY_TYPES,
    FIELDS,
    WRITE_TYPES,
    carries,
)
from exporter.losses import FIXED_FACETS, facets
from exporter.model import (
    RECORD_TYPES,
    Container,
    Contributor,
    DateValue,
    Identifier,
    PartialDate,
    Record,
)
from exporter.normalize.latex import strip_nocase
from exporter.problems import ExporterError


def trip(records: list[Record], fmt: str) -> list[Record]:
    return list(read(io.StringIO(write(records, fmt)), fmt))


def test_every_row_names_a_known_facet_and_codec():
    for row in FIELDS:
        family = row.facet.split(":")[0]
        assert row.facet in FIXED_FACETS or family in ("contributor", "id"), row
        assert row.direction in ("both", "read", "write"), row
        assert row.codec in CODECS and (row.codec in ENCODERS or row.codec in ("names", "special")), row


def test_no_field_is_written_twice_by_one_dialect():
    for dialect in (BIBTEX, BIBLATEX):
        written = [r.field for r in FIELDS if r.direction != "read" and dialect in r.dialects]
        assert len(written) == len(set(written)), dialect


def test_reverse_type_map_is_derived_and_valid():
    assert set(WRITE_TYPES[BIBTEX].values()) <= CLASSIC_TYPES
    assert set(WRITE_TYPES[BIBLATEX].values()) <= BIBLATEX_TYPES
    assert set(WRITE_TYPES[BIBTEX]) | set(WRITE_TYPES[BIBLATEX]) <= RECORD_TYPES


@pytest.mark.parametrize("fmt, types", [("bibtex", CLASSIC_TYPES), ("biblatex", BIBLATEX_TYPES & set(ENTRY_TYPES))])
def test_every_entry_type_of_the_dialect_comes_back(fmt, types):
    """@collection stays @collection, @manual @manual, @inbook @inbook (issue 9)."""
    source = "\n".join(f"@{t}{{k{i}, title = {{T}}}}" for i, t in enumerate(sorted(types)))
    records = list(read(io.StringIO(source), fmt))
    out = write(records, fmt)
    # BibLaTeX's own aliases (manual §2.1.2) come back as what biber makes of them, with the
    # genre the alias said in ``type``
    aliases = {"mastersthesis": "thesis", "phdthesis": "thesis", "techreport": "report"} if fmt == "biblatex" else {}
    written = [line.split("{")[0][1:] for line in out.splitlines() if line.startswith("@")]
    assert written == [aliases.get(t, t) for t in sorted(types)]
    if aliases:
        assert len(re.findall(r"^  type +=", out, re.MULTILINE)) == 3


def test_biblatex_only_types_fall_back_to_classic_ones_in_bibtex():
    (r,) = read(io.StringIO("@mvcollection{k, title = {T}, publisher = {P}}"), "biblatex")
    assert (r.type, dict(r.extra)[ENTRY_TYPE_EXTRA]) == ("book", "mvcollection")
    assert write([r], "bibtex").startswith("@book{k,")
    assert make_writer("bibtex").lost(r) == [f"extra:{ENTRY_TYPE_EXTRA}", "provenance"]
    assert write([r], "biblatex").startswith("@mvcollection{k,")
    assert make_writer("biblatex").lost(r) == ["provenance"]


def test_custom_entry_types_are_written_back():
    (r,) = read(io.StringIO("@jurthesis{k, title = {T}}"), "bibtex")
    assert write([r], "bibtex").startswith("@jurthesis{k,")


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_number_and_issue_both_survive(fmt):
    """BibTeX dropped ``number`` when there was an issue (issue 9)."""
    r = Record(type="article-journal", title="T", number="A-17", container=Container(title="J", volume="3", issue="2"))
    out = write([r], fmt)
    assert "number" in out and "issue" in out
    (back,) = trip([r], fmt)
    assert (back.number, back.container.issue) == ("A-17", "2")
    assert "number" not in make_writer(fmt).lost(r)


def test_series_number_is_written_as_number():
    r = Record(type="book", title="T", series="Studies", series_number="12")
    (back,) = trip([r], "bibtex")
    assert (back.series, back.series_number) == ("Studies", "12")


@pytest.mark.parametrize("fmt, field", [("bibtex", "annote"), ("biblatex", "annotation")])
def test_annotation_is_an_annotation_not_a_note(fmt, field):
    (r,) = read(io.StringIO("@book{k, title = {T}, annotation = {Read \\emph{this}}, note = {N}}"), "biblatex")
    assert (r.annote, r.notes) == ("Read <i>this</i>", ("N",))
    out = write([r], fmt)
    assert f"  {field}" in out and "\\textit{this}" in out
    assert "<i>" not in out


def test_markup_in_a_note_is_latex_not_html():
    r = Record(type="book", title="T", notes=("See <i>Ulysses</i> & <b>more</b>",))
    out = write([r], "biblatex")
    assert "See \\textit{Ulysses} \\& \\textbf{more}" in out and "<" not in out


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_arxiv_eprint_is_kept(fmt):
    source = "@online{k, title = {T}, eprint = {math/0307200v3}, eprinttype = {arxiv}, eprintclass = {math.QA}}"
    (r,) = read(io.StringIO(source), "biblatex")
    assert r.ids("arxiv") == ("math/0307200v3",)
    out = write([r], fmt)
    assert "math/0307200v3" in out and ("eprinttype" if fmt == "biblatex" else "archiveprefix") in out
    (back,) = trip([r], fmt)
    assert back.ids("arxiv") == ("math/0307200v3",)
    assert ("bibtex:eprintclass", "math.QA") in back.extra


def test_new_csl_slots_round_trip_through_biblatex():
    r = Record(
        type="software", title="T", version="1.19.0", number_of_pages="320", number_of_volumes="3",
        part="2", status="in press", original_title="Ur", original_publisher="Old Press",
        original_publisher_place="Leipzig", original_date=DateValue(PartialDate(1901)),
        event="Conf", event_place="Aspen", event_date=DateValue(PartialDate(2001, 5, 2)),
        accessed=DateValue(PartialDate(2024, 1, 2)), chapter_number="4", call_number="QA76 .K5",
        annote="mine", issued=DateValue(PartialDate(2020, 4, 1)),
        identifiers=(Identifier("arxiv", "2101.00001"),),
    )
    (back,) = trip([r], "biblatex")
    for facet in sorted(facets(r)):
        assert facet in facets(back), facet
    assert make_writer("biblatex").lost(r) == []
    assert set(make_writer("bibtex").lost(r)) == {
        "version", "number_of_pages", "number_of_volumes", "part", "status", "original_title",
        "original_publisher", "original_publisher_place", "date:original", "event", "event_place",
        "date:event", "call_number", "date:issued:day"}


def test_lost_answers_per_record_from_the_same_walk():
    book = Record(type="book", title="T", contributors=(Contributor(family="B", role="container-author"),))
    assert "contributor:container-author" in make_writer("bibtex").lost(book)
    assert "contributor:container-author" not in make_writer("biblatex").lost(book)
    # a periodical's number without an issue reads back as the issue: reported
    article = Record(type="article-journal", title="T", number="7")
    assert "number" in make_writer("bibtex").lost(article)


def test_foreign_extras_are_reported_own_extras_written():
    r = Record(type="book", title="T", extra=(("bibtex:owner", "me"), ("vufind:building", "Library A"), ("ris:M2", "x")))
    out = write([r], "biblatex")
    assert "owner" in out and "building" not in out and "M2" not in out
    assert make_writer("biblatex").lost(r) == ["extra:ris:M2", "extra:vufind:building"]


def test_carries_is_the_union_of_the_table():
    assert {"version", "number_of_pages", "annote", "id:arxiv"} <= carries(BIBLATEX)
    assert "version" not in carries(BIBTEX) and "annote" in carries(BIBTEX)
    assert make_writer("bibtex").carries == carries(BIBTEX)


def test_subject_scheme_keyword_is_not_a_loss():
    (r,) = read(io.StringIO("@book{k, title = {T}, keywords = {a, b}}"), "bibtex")
    assert "subject:scheme" not in make_writer("bibtex").lost(r)


# -- --bibtex-encoding ------------------------------------------------------------------------

def test_ascii_encoding_reads_back_as_the_utf8_output_does():
    source = r"""
@book{k1, author = {Aks{\i}n, {\"O}zge and V{\'a}zques{ de }Parga, Luis}, title = {{\=P} und Stra{\ss}e},
  url = {https://de.wikipedia.org/wiki/K%C3%B6ln}, publisher = {Éditions Œuvre}}
@article{k2, title = {Überblick}, journal = {Revue d'Histoire Eccl{\'e}siastique}, year = 2001}
"""
    records = list(read(io.StringIO(source), "bibtex"))
    ascii_out = write(records, "bibtex", bibtex_encoding="ascii")
    assert ascii_out.isascii()
    assert "{\\=P}" in ascii_out and "Aks{\\i}n, {\\\"O}zge" in ascii_out
    assert list(read(io.StringIO(ascii_out), "bibtex")) == list(read(io.StringIO(write(records, "bibtex")), "bibtex"))


def test_ascii_keys_and_unencodable_characters_are_reported():
    r = Record(type="book", title="漢字", key="Müller2020")
    problems = []
    out = write([r], "bibtex", bibtex_encoding="ascii", on_problem=problems.append)
    assert out.startswith("@book{Muller2020,") and out.isascii()
    assert [p.severity for p in problems if "LaTeX spelling" in p.reason] == ["warning"]


def test_encoding_option_is_checked():
    with pytest.raises(ExporterError, match="bibtex_encoding must be one of utf-8, ascii"):
        make_writer("bibtex", bibtex_encoding="latin-1")
    assert "bibtex_encoding" in make_writer("biblatex").option_names()


def test_cli_flag(tmp_path):
    import subprocess
    import sys

    source = tmp_path / "in.json"
    source.write_text('[{"id": "a", "type": "book", "title": "Ōsaka", "author": [{"family": "Müller"}]}]', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "exporter", "convert", str(source), "-f", "csl-json", "-t", "bibtex",
                           "--bibtex-encoding", "ascii"], check=False, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "{\\=O}saka" in proc.stdout and "M{\\\"u}ller" in proc.stdout


# -- silence: what goes in comes out, or is reported ---------------------------------------

def _corpus_files() -> list[tuple[str, list[Record]]]:
    from support import corpus_id, corpus_record_files, read_corpus, shared_path

    shared_path("corpus")
    return [(corpus_id(path), read_corpus(path)) for path in corpus_record_files()]


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_corpus_round_trip_loses_nothing_silently(fmt):
    """For every corpus file: the facets of each record are in what reads back, or in the
    writer's loss report for it."""
    writer = make_writer(fmt)
    silent = {}
    files = _corpus_files()
    for name, records in files:
        back = list(read(io.StringIO(write(records, fmt)), fmt))
        assert len(back) == len(records), name
        for before, after in zip(records, back, strict=True):
            missing = facets(before) - facets(after) - set(writer.lost(before))
            if missing:
                silent[f"{name} {before.key}"] = sorted(missing)
    assert len(files) > 50
    assert silent == {}


def test_langid_is_a_babel_name_language_a_code():
    (r,) = read(io.StringIO("@book{k, title = {T}, langid = {american}}"), "biblatex")
    assert r.language == "en-US"
    assert "langid = {american}" in write([r], "biblatex")
    r = Record(type="book", title="T", language="de-AT")
    assert "langid = {austrian}" in write([r], "biblatex") and "language = {de-AT}" in write([r], "bibtex")
    assert "langid = {pt}" not in write([Record(type="book", title="T", language="pt")], "biblatex")


def test_tex_math_read_from_a_bib_file_is_written_back_as_math():
    source = r"@article{k, title = {Production of $\Sigma^{0}$ Hyperon}, journal = {Actes du $4^{\textrm{e}}$ Congr{\`e}s}}"
    (r,) = read(io.StringIO(source), "bibtex")
    out = write([r], "biblatex")
    assert "$\\Sigma^{0}$" in out and "$4^{\\textrm{e}}$" in out
    (back,) = read(io.StringIO(out), "biblatex")
    assert strip_nocase(back.title) == r.title  # capitals protected on the way out
    # dollars that are not math stay text
    assert "costs \\$5 and \\$10" in write([Record(type="book", title="costs $5 and $10")], "bibtex")


def test_special_issue_title_is_volume_title():
    r = Record(type="article-journal", title="T", volume_title="Semantic Media",
               container=Container(title="Computers and Graphics", volume="35", issue="4"))
    assert "issuetitle" in write([r], "biblatex")
    (back,) = trip([r], "biblatex")
    assert strip_nocase(back.volume_title) == "Semantic Media"
    assert "volume_title" in make_writer("bibtex").lost(r) and "volume_title" in make_writer("biblatex").lost(
        Record(type="book", title="T", volume_title="V"))


def test_biblatex_lists_keep_their_items_and_a_braced_and():
    """BibLaTeX's publisher and location are lists joined by "and" (manual §2.3.5): "A and B"
    is two publishers, "Routledge {and} Kegan Paul" one; held as "A; B", as pandoc does."""
    source = r"""@book{a, title = {T}, publisher = {Routledge {and} Kegan Paul}, location = {München and Berlin}}
@book{b, title = {T}, publisher = {Deutscher Taschenbuch-Verlag and Walter de Gruyter}}"""
    a, b = read(io.StringIO(source), "biblatex")
    assert (a.publisher, a.place, b.publisher) == ("Routledge and Kegan Paul", "München; Berlin",
                                                   "Deutscher Taschenbuch-Verlag; Walter de Gruyter")
    out = write([a, b], "biblatex")
    assert "Routledge {and} Kegan Paul" in out and "München and Berlin" in out
    assert "Deutscher Taschenbuch-Verlag and Walter de Gruyter" in out
    # classic BibTeX's publisher is one text: "Simon and Schuster" is one publisher
    (c,) = read(io.StringIO("@book{c, title = {T}, publisher = {Simon and Schuster}}"), "bibtex")
    assert c.publisher == "Simon and Schuster"
    assert "Simon {and} Schuster" in write([c], "biblatex") and "Simon and Schuster" in write([c], "bibtex")


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_a_doi_that_is_no_doi_is_written_where_it_reads_back(fmt):
    """Found by hypothesis: an invalid DOI is read back as an extra field, so it is written
    after the table's fields, and a second trip writes the same."""
    r = Record(type="article-journal", title="T", identifiers=(Identifier("doi", "10.0000/."), Identifier("issn", "0028-0836")))
    once = write([r], fmt)
    assert once.index("issn") < once.index("doi")
    assert write(trip([r], fmt), fmt) == once


@pytest.mark.parametrize("record", [
    Record(type="book", title="T", contributors=(Contributor(family="Ng", given="µ"),)),
    Record(type="book", title="T", publisher="0\u00a00"),
    Record(type="book", title="\u00ad"),
], ids=["math-spelt given name", "no-break space in a list", "soft hyphen alone"])
@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_fixpoints_found_by_fuzzing(record, encoding, fmt):
    once = write([record], fmt, bibtex_encoding=encoding)
    assert write(list(read(io.StringIO(once), fmt)), fmt, bibtex_encoding=encoding) == once
