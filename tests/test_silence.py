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

import pytest
from support import CORPUS, corpus_id, corpus_record_files, read_corpus

from exporter import read, write
from exporter.losses import facets
from exporter.problems import Problem
from exporter.registry import detect_format

#: writer -> the reader of the same format
PAIRS = {"csl-json": "csl-json", "bibtex": "bibtex", "biblatex": "biblatex", "ris": "ris"}
#: (writer, facet) -> the facet that carries it, and why that is not a loss
FOLDED = {
    # these formats have one title field: "Main: Sub" is written whole, and read back whole
    ("bibtex", "subtitle"): "title",
    ("ris", "subtitle"): "title",
}
FILES = corpus_record_files()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
def test_the_corpus_gives_files_of_every_reader():
    formats = {detect_format(str(path), path.read_bytes()[:8192].decode("utf-8", "replace"))
               for path in FILES}
    assert {"bibtex", "ris", "medline", "pubmed-xml", "vufind", "csl-json"} <= formats


@pytest.mark.parametrize("writer", sorted(PAIRS))
@pytest.mark.parametrize("path", FILES, ids=[corpus_id(p) for p in FILES])
def test_nothing_is_lost_silently(path, writer):
    records = read_corpus(path)
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
