"""Two records with the same id are two records in every output: the second is renamed the
same way everywhere (``<id>-2``) and every writer reports it."""

from __future__ import annotations

import pytest

from exporter import Record, write
from exporter.registry import writer_names

RECORDS = [Record(type="book", title="First", key="same"), Record(type="book", title="Second", key="same"),
           Record(type="book", title="Third", key="same")]


@pytest.mark.parametrize("fmt", ["csl-json", "citation", "ntriples", "jsonld", "rdfxml", "turtle"])
def test_a_duplicate_id_is_renamed_and_reported(fmt):
    problems = []
    out = write(RECORDS, fmt, on_problem=problems.append)
    warnings = [p for p in problems if p.severity == "warning"]
    assert [p.record for p in warnings] == [2, 3], fmt
    assert all("same" in p.reason for p in warnings)
    if fmt != "citation":
        assert "same-2" in out and "same-3" in out


def test_every_writer_that_writes_ids_reports_duplicates():
    """bibtex, biblatex and ris write keys too; they must report as the others do."""
    silent = []
    for fmt in writer_names():
        problems = []
        write(RECORDS, fmt, on_problem=problems.append)
        if len([p for p in problems if p.severity == "warning" and "same" in p.reason]) != 2:
            silent.append(fmt)
    assert silent == []


def test_generated_keys_are_disambiguated_without_a_word():
    records = [Record(type="book", title="Same title"), Record(type="book", title="Same title")]
    problems = []
    import json
    out = write(records, "csl-json", on_problem=problems.append)
    assert [item["id"] for item in json.loads(out)] == ["same", "samea"]
    assert [p for p in problems if p.severity == "warning"] == []
