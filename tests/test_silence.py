"""Silence is a failure: what goes in comes out, or the loss report names it.

For every corpus file in ../shared/corpus that a reader of ours reads, and every writer that
has a reader of its own, the records are written (collecting the per-record loss report the
CLI prints) and read back. For each record, every facet it had (exporter.losses) must be
in the record read back or be named in that record's loss report. A writer that drops a
field without a word, or a reader that does not read back what its writer wrote, fails here.

``FOLDED`` lists the only facets a format may carry inside another one, each with why.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from exporter import read, write
from exporter.losses import facets
from exporter.model import Record
from exporter.problems import Problem
from exporter.registry import detect_format, reader_names

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
#: writer -> the reader of the same format
PAIRS = {"csl-json": "csl-json", "bibtex": "bibtex", "biblatex": "biblatex", "ris": "ris"}
#: (writer, facet) -> the facet that carries it, and why that is not a loss
FOLDED = {
    # these formats have one title field: "Main: Sub" is written whole, and read back whole
    ("bibtex", "subtitle"): "title",
    ("ris", "subtitle"): "title",
}
_SKIP_DIRS = {"csl-test-suite", "csl-schema", "schemaorg", "schemaorg-derived"}


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    out = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.name.startswith(("MANIFEST", "LICENSE", "COPYING", "_")):
            continue
        if path.relative_to(CORPUS).parts[0] in _SKIP_DIRS or path.suffix in (".md", ".js", ".py"):
            continue
        out.append(path)
    return out


def _read_corpus(path: Path) -> list[Record]:
    try:
        head = path.read_bytes()[:8192].decode("utf-8", "replace")
    except OSError:
        return []
    try:
        fmt = detect_format(str(path), head)
    except Exception:  # not a format of ours (a .properties file, a MARC file for now)
        return []
    if fmt not in reader_names():
        return []
    problems: list[Problem] = []
    return list(read(str(path), fmt, on_problem=problems.append))


#: the corpus files a reader of ours reads records from (the others hold expected results,
#: licences, MARC for now, ...); chosen at collection, so no test skips for them
FILES = [path for path in corpus_files() if _read_corpus(path)]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_the_corpus_gives_files_of_every_reader():
    formats = {detect_format(str(path), path.read_bytes()[:8192].decode("utf-8", "replace"))
               for path in FILES}
    assert {"bibtex", "ris", "medline", "pubmed-xml", "vufind", "csl-json"} <= formats


@pytest.mark.parametrize("writer", sorted(PAIRS))
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_nothing_is_lost_silently(path, writer):
    records = _read_corpus(path)
    problems: list[Problem] = []
    text = write(records, writer, on_problem=problems.append)
    reported: dict[int, set[str]] = {}
    for p in problems:
        if p.severity == "loss":
            reported.setdefault(p.record, set()).update(p.reason.split(", "))
    back_problems: list[Problem] = []
    back = list(read(io.StringIO(text), PAIRS[writer], on_problem=back_problems.append))
    assert [p for p in back_problems if p.severity == "error"] == []
    assert len(back) == len(records)
    silent = {}
    for number, (before, after) in enumerate(zip(records, back), start=1):
        have = facets(after)
        missing = {f for f in facets(before) - have - reported.get(number, set())
                   if FOLDED.get((writer, f)) not in have}
        if missing:
            silent[number] = sorted(missing)
    assert not silent, f"{writer} lost without a word (record: facets): {dict(list(silent.items())[:8])}"
