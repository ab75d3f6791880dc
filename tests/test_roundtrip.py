"""Round trips for every format with both a reader and a writer (found through the registry):
lossless pairs give the record back; the others reach a fixpoint after one trip,
``write(read(write(r))) == write(r)``."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REPO
from test_properties import records as record_strategy

from exporter import read, reader_names, write, writer_names
from exporter.model import Contributor, Identifier, Record, Subject

LOSSLESS = {"csl-json"}
PAIRS = sorted(set(reader_names()) & set(writer_names()))
REAL = list(read(REPO / "examples" / "seed-solr.json")) + list(read(REPO / "tests" / "cases" / "hostile-book.csl.json"))


def test_pairs_found():
    assert {"csl-json", "bibtex", "biblatex", "ris"} <= set(PAIRS)


def trip(records, fmt):
    return list(read(io.StringIO(write(records, fmt)), fmt))


@pytest.mark.parametrize("fmt", PAIRS)
def test_real_records_fixpoint(fmt):
    once = write(REAL, fmt)
    assert write(trip(REAL, fmt), fmt) == once


@pytest.mark.parametrize("fmt", sorted(LOSSLESS))
def test_lossless_pairs_give_the_record_back(fmt):
    assert trip(REAL, fmt) == REAL


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record_strategy, min_size=1, max_size=3), st.sampled_from(PAIRS))
def test_generated_records_fixpoint(rs, fmt):
    once = write(rs, fmt)
    again = write(list(read(io.StringIO(once), fmt)), fmt)
    assert again == once


# Cases the generated-records test found at 300-600 examples (CI runs 40): each must be a
# fixpoint of its format.
FOUND = [
    ("endnote", Record(type="article-journal", title="{",
                       contributors=(Contributor(family="0 ", suffix="Jr.", role="author"),))),
    ("bibtex", Record(type="article-journal", title="$\\infty$ and $\\Sigma^{0}$")),
    ("bibtex", Record(type="article-journal", title="{\u0327")),
    ("biblatex", Record(type="article-journal", title="{\u0327 P\u0304")),
    ("bibtex", Record(type="article-journal", title="{A?\x08")),
    ("biblatex", Record(type="article-journal", title="{", publisher=";\n{")),
    ("endnote", Record(type="article-journal", title="{", identifiers=(Identifier("doi", "10.0000/."),),
                       subjects=(Subject("0"),))),
    ("bibtex", Record(type="article-journal", title="{", key=":;0")),
]


@pytest.mark.parametrize(("fmt", "record"), FOUND, ids=[f"{f}-{i}" for i, (f, _) in enumerate(FOUND)])
def test_found_cases_fixpoint(fmt, record):
    once = write([record], fmt)
    assert write(trip([record], fmt), fmt) == once


def test_name_parts_lose_their_edge_spaces():
    c = Contributor(family=" van  Gogh ", given="Vincent ", suffix=" Jr.", role="author")
    assert c.sort_name() == "van  Gogh, Jr., Vincent"
    assert c.display_name() == "Vincent van  Gogh, Jr."


def test_math_that_is_one_symbol_is_written_as_the_symbol():
    out = write([Record(type="article-journal", title="$\\infty$ and $\\Sigma^{0}$")], "bibtex")
    assert "title = {∞ and $\\Sigma^{0}$}" in out
    ascii_out = write([Record(type="article-journal", title="$\\infty$")], "bibtex", bibtex_encoding="ascii")
    assert "title = {$\\infty$}" in ascii_out


def test_accent_after_latex_syntax_is_not_given_the_syntax_as_its_letter():
    out = write([Record(type="article-journal", title="{\u0327")], "bibtex")
    assert "\\c{}" not in out and "\\textbraceleft{}\u0327" in out
    problems = []
    ascii_out = write([Record(type="article-journal", title="{\u0327")], "bibtex",
                      bibtex_encoding="ascii", on_problem=problems.append)
    assert "title = {\\textbraceleft{}}" in ascii_out
    assert [p.reason.split(";")[0] for p in problems] == ["ASCII output has no LaTeX spelling for \u0327 (U+0327)"]


def test_biblatex_list_items_split_where_the_reader_splits_them():
    out = write([Record(type="book", title="T", publisher="A;\nB; C;\u00a0D")], "biblatex")
    assert "publisher = {A and B and C;\u00a0D}" in out


def test_endnote_tag_order_is_the_order_the_writer_writes():
    from exporter.formats.endnote import _TAG_RANK
    records = list(read(REPO / "examples" / "seed-solr.json")) + REAL
    for record in records:
        tags = [line[:2] for line in write([record], "endnote").splitlines() if line]
        ranks = [_TAG_RANK[t] for t in tags]
        assert ranks == sorted(ranks), tags
