"""The record store (exporter.store): the generic codec, and loading that is streamed,
idempotent and resumable; `exporter load` and `exporter dump --store`."""

from __future__ import annotations

import dataclasses
import gzip
import json
import sqlite3
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SEED_SOLR, shared_path

from exporter import model, read
from exporter.cli import main
from exporter.model import RECORD_TYPES, PartialDate, Record
from exporter.problems import ExporterError, Problem
from exporter.store import RecordStore, decode, encode, from_plain, load, to_plain

# -- the codec over real records ------------------------------------------------------------------

CORPUS_GLOBS = [
    ("rispy", "tests/data/*.ris"),
    ("bibtexparser", "bibtexparser/tests/data/*.bib"),
    ("vufind", "module/VuFindSearch/tests/fixtures/solr/response/*"),
    ("vufind", "module/VuFind/tests/fixtures/misc/*.json"),
]


def corpus_records() -> list[Record]:
    base = shared_path("corpus")
    records: list[Record] = []
    for folder, pattern in CORPUS_GLOBS:
        for path in sorted((base / folder).glob(pattern)):
            if not path.is_file():
                continue
            try:
                records.extend(read(path, on_problem=lambda p: None))
            except ExporterError:
                continue  # not a format exporter reads: this test is about the store
    return records


def test_codec_round_trips_corpus_records(seed: Record) -> None:
    records = [seed, *corpus_records()]
    assert len(records) > 50
    for record in records:
        assert decode(encode(record)) == record


def test_codec_omits_defaults_and_is_compact(seed: Record) -> None:
    plain = to_plain(seed)
    assert "subtitle" not in plain or plain["subtitle"] is not None
    assert all(value not in (None, (), []) for value in plain.values())
    assert len(encode(seed)) < len(json.dumps(to_plain(seed)).encode())


def test_codec_reads_rows_without_newer_fields() -> None:
    # a row written before a field existed decodes with the field's default; unknown keys
    # (a field since removed) are ignored
    record = from_plain({"type": "book", "title": "T", "no_such_field": 1}, Record)
    assert record == Record(type="book", title="T")


def _strategy(cls: type) -> st.SearchStrategy:
    """Any dataclass of the model, field by field from its type hints: a field added to the
    model is generated without a change here."""
    hints = typing.get_type_hints(cls, vars(model))
    special = {
        (Record, "type"): st.sampled_from(sorted(RECORD_TYPES)),
    }
    fields = {}
    for f in dataclasses.fields(cls):
        if (cls, f.name) in special:
            fields[f.name] = special[(cls, f.name)]
        else:
            fields[f.name] = _hint_strategy(hints[f.name])
    return st.builds(cls, **fields)


def _hint_strategy(hint: typing.Any) -> st.SearchStrategy:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is PartialDate:
        return st.builds(PartialDate, year=st.integers(-9999, 9999), month=st.none() | st.integers(1, 12),
                         season=st.none() | st.integers(1, 4)).flatmap(
            lambda d: st.just(d) if d.month is None else st.sampled_from([d, dataclasses.replace(d, day=7)]))
    if dataclasses.is_dataclass(hint):
        return st.deferred(lambda: _strategy(hint))
    if origin in (typing.Union, type(int | None)):
        return st.one_of(*[_hint_strategy(a) for a in args])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(_hint_strategy(args[0]), max_size=3).map(tuple)
        return st.tuples(*[_hint_strategy(a) for a in args])
    if hint is type(None):
        return st.none()
    if hint is str:
        return st.text(max_size=12)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-10**6, 10**6)
    return st.from_type(hint)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_strategy(Record))
def test_codec_round_trips_generated_records(record: Record) -> None:
    assert decode(encode(record)) == record


# -- loading ---------------------------------------------------------------------------------------


def _rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, hash, modified, body FROM records ORDER BY id").fetchall()


def _records(n: int, title: str = "Title") -> list[Record]:
    return [Record(type="book", title=f"{title} {i}", key=f"rec{i:05d}") for i in range(n)]


def test_load_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    problems: list[Problem] = []
    with RecordStore(db, create=True) as store:
        store.new_load()
        first = store.load(_records(2500), report=problems.append, now=lambda: 1000.0)
    before = _rows(db)
    with RecordStore(db, create=True) as store:
        store.new_load()
        second = store.load(_records(2500), report=problems.append, now=lambda: 2000.0)
    assert (first.records, first.written) == (2500, 2500)
    assert (second.records, second.written) == (2500, 0)
    assert _rows(db) == before  # same rows, same hashes, last-modified untouched
    assert not problems


def test_load_updates_changed_records_only(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with RecordStore(db, create=True) as store:
        store.new_load()
        store.load(_records(3), report=print, now=lambda: 1000.0)
        changed = _records(3)
        changed[1] = dataclasses.replace(changed[1], title="New title")
        store.new_load()
        result = store.load(changed, report=print, now=lambda: 2000.0)
        assert result.written == 1
        assert store.get("rec00001").record.title == "New title"
        assert store.get("rec00001").modified == 2000.0
        assert store.get("rec00000").modified == 1000.0


def test_load_keeps_both_records_with_one_id_and_reports_it(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    problems: list[Problem] = []
    twins = [Record(type="book", title="A", key="same"), Record(type="book", title="B", key="same")]
    with RecordStore(db, create=True) as store:
        store.new_load()
        store.load(twins, report=problems.append, source="twins.json")
        assert store.get("same").record.title == "A"
        assert store.get("same-2").record.title == "B"
    assert [(p.record, p.severity) for p in problems] == [(2, "warning")]
    assert "stored as 'same-2'" in problems[0].reason


def test_load_resumes_after_an_interruption(tmp_path: Path) -> None:
    db = tmp_path / "s.db"

    def interrupted():
        for number, record in enumerate(_records(2500), start=1):
            if number == 2200:
                raise KeyboardInterrupt
            yield record

    with RecordStore(db, create=True) as store, pytest.raises(KeyboardInterrupt):
        store.new_load()
        store.load(interrupted(), report=print)
    with RecordStore(db) as store:
        assert len(store) == 2000  # the finished batches are committed
    with RecordStore(db, create=True) as store:
        store.new_load()
        result = store.load(_records(2500), report=print)
    assert result.written == 500
    clean = tmp_path / "clean.db"
    with RecordStore(clean, create=True) as store:
        store.new_load()
        store.load(_records(2500), report=print)
    assert [r[:2] for r in _rows(db)] == [r[:2] for r in _rows(clean)]


def test_store_iterates_in_pages_in_id_order(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with RecordStore(db, create=True) as store:
        store.new_load()
        store.load(reversed(_records(2100)), report=print)
    with RecordStore(db) as store:
        ids = [s.id for s in store]
    assert ids == sorted(ids) and len(ids) == 2100


def test_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("hello", encoding="utf-8")
    with pytest.raises(ExporterError, match="not a record store"):
        RecordStore(junk)
    with pytest.raises(ExporterError, match="no such store"):
        RecordStore(tmp_path / "missing.db")


def test_load_function_reports_bad_inputs_and_goes_on(tmp_path: Path) -> None:
    problems: list[Problem] = []
    result = load([str(tmp_path / "missing.json"), str(SEED_SOLR)], tmp_path / "s.db", report=problems.append)
    assert result.records == 1
    assert len(problems) == 1 and "missing.json" in str(problems[0])


# -- the command line ------------------------------------------------------------------------------


def test_cli_load_then_dump_from_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.db"
    base = "https://catalog.example.edu/record/"
    assert main(["load", str(SEED_SOLR), "--store", str(db), "--base-iri", base]) == 0
    assert "1 records read" in capsys.readouterr().err
    assert main(["load", str(SEED_SOLR), "--store", str(db)]) == 0
    assert "0 added or changed" in capsys.readouterr().err
    assert main(["dump", "--store", str(db), "--out", str(tmp_path / "from-store"), "--base-iri", base, "--quiet"]) == 0
    assert main(["dump", str(SEED_SOLR), "--out", str(tmp_path / "from-input"), "--base-iri", base, "--quiet"]) == 0
    from_store = gzip.decompress((tmp_path / "from-store" / "part-00000.nt.gz").read_bytes()).decode("utf-8")
    from_input = gzip.decompress((tmp_path / "from-input" / "part-00000.nt.gz").read_bytes()).decode("utf-8")
    assert from_store == from_input
    assert f"<{base}pubmed-7919701>" in from_store


def test_cli_dump_needs_inputs_or_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dump", "--out", str(tmp_path / "d")]) == 2
    assert "INPUT files or --store" in capsys.readouterr().err



def test_cli_load_without_inputs_rebuilds_only_the_sparql_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.db"
    assert main(["load", "--store", str(db)]) == 2
    assert "load needs INPUT files" in capsys.readouterr().err
    assert main(["load", str(SEED_SOLR), "--store", str(db), "--base-iri", "https://example.org/r/"]) == 0
    capsys.readouterr()
    assert main(["load", "--store", str(db), "--sparql"]) == 0
    err = capsys.readouterr().err
    assert "records read" not in err and "triples in" in err
    import pyoxigraph

    graph = pyoxigraph.Store.read_only(str(db) + ".oxigraph")
    assert bool(graph.query("ASK { <https://example.org/r/pubmed-7919701> ?p ?o }"))


@pytest.mark.parametrize(("load_base", "expected"), [
    (None, "http://127.0.0.1:8080/record/"),  # where serve puts the records by default
    ("https://catalog.example.edu/record/", "https://catalog.example.edu/record/"),
])
def test_dump_from_a_store_uses_the_stores_base_iri(tmp_path: Path, load_base: str | None, expected: str) -> None:
    db = tmp_path / "s.db"
    assert main(["load", str(SEED_SOLR), "--store", str(db), *(["--base-iri", load_base] if load_base else [])]) == 0
    assert main(["dump", "--store", str(db), "--out", str(tmp_path / "d"), "--quiet"]) == 0
    text = gzip.decompress((tmp_path / "d" / "part-00000.nt.gz").read_bytes()).decode("utf-8")
    assert f"<{expected}pubmed-7919701>" in text


def test_serve_warns_when_sparql_iris_differ(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from exporter.serve import sparql_base_warning

    db = tmp_path / "s.db"
    assert main(["load", str(SEED_SOLR), "--store", str(db), "--base-iri", "https://a.example/r/", "--sparql"]) == 0
    assert sparql_base_warning(str(db), "https://a.example/r/") is None
    warning = sparql_base_warning(str(db), "http://127.0.0.1:9999/record/")
    assert warning is not None and "<https://a.example/r/{id}>" in warning
