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
