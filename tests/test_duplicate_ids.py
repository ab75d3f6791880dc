"""Two records with the same id are two records in every output: the second is renamed the
same way everywhere (``<id>-2``) and every writer reports it."""

from __future__ import annotations

import pytest

from exporter import Record, write
from exporter.registry import writer_class, writer_names

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


def test_a_bibtex_entry_whose_key_is_taken_is_read_and_renamed_not_rejected():
    """bibtexparser turns the second entry (or @string) of a key into a failed block; the
    entry is whole, so it converts, renamed as in every format, and a later @string wins."""
    import io

    from exporter import read

    text = ('@string{j = "One"}\n@string{j = "Two"}\n@article{k, title={A}, journal=j}\n'
            '@article{k, title={B}}\n@book{m, title={C}}\n')
    problems = []
    records = list(read(io.StringIO(text), "bibtex", on_problem=problems.append))
    assert [r.title for r in records] == ["A", "B", "C"]
    assert records[0].container.title == "Two"
    assert [p for p in problems if p.severity == "error"] == []
    out = write(records, "bibtex", on_problem=problems.append)
    assert "@article{k-2," in out
    assert [p.reason for p in problems if p.severity == "warning"] == ["another record has the id 'k'; written as 'k-2'"]


#: ids that repeat, an id that is another's renamed form, ids that differ only by what an IRI
#: escapes, and records without an id (generated keys) around them
TRICKY = [Record(type="book", title="First", key="x"), Record(type="book", title="Second", key="x"),
          Record(type="book", title="Third", key="x-2"), Record(type="book", title="Smith 2020"),
          Record(type="book", title="Fourth", key="a b"), Record(type="book", title="Fifth", key="a b"),
          Record(type="book", title="Sixth", key="x"), Record(type="book", title="Smith 2020")]


@pytest.mark.parametrize("fmt", sorted(n for n in writer_names() if writer_class(n).keeps_ids_unique))
def test_a_writer_that_keeps_ids_unique_itself_writes_what_the_api_pass_would(fmt):
    """Writers that rename duplicate ids themselves skip the API's own table of ids (one
    table per output, not two: issue 14); their output is the same bytes as with it, and
    each renamed record is reported once."""
    from exporter.api import _unique_keys, make_writer, write_with

    assert fmt in {"csl-json", "ntriples", "jsonld", "turtle", "rdfxml", "bibtex", "biblatex", "citation"}
    direct, through = [], []
    out = write_with(make_writer(fmt), TRICKY, on_problem=direct.append)
    renamed = list(_unique_keys(TRICKY, fmt, through.append))
    assert write_with(make_writer(fmt), renamed, on_problem=through.append) == out
    assert [p.record for p in direct if p.severity == "warning"] == [2, 3, 6, 7]
    assert [p.record for p in through if p.severity == "warning"] == [2, 3, 6, 7]


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_ids_that_bibtex_key_rules_make_equal_are_renamed_and_reported(fmt):
    """BibTeX cleans an id before it renames: "x_" is the key "x", so after a record "x" it
    is "x-2" (not "x_-2"), and the rename is reported; no two entries share a key."""
    import re

    records = [Record(type="book", title="A", key="x"), Record(type="book", title="B", key="x_"),
               Record(type="book", title="C", key="x_"), Record(type="book", title="D", key="x-2")]
    problems = []
    out = write(records, fmt, on_problem=problems.append)
    assert re.findall(r"^@book\{([^,]+),", out, re.M) == ["x", "x-2", "x-3", "x-2-2"]
    warnings = [p for p in problems if p.severity == "warning"]
    assert [p.record for p in warnings] == [2, 3, 4]
    assert warnings[0].reason == "the id 'x_' is the key 'x' in this format, which another record has; written as 'x-2'"
    assert warnings[2].reason == "another record has the id 'x-2'; written as 'x-2-2'"
