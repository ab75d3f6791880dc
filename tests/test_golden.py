"""Golden files: every writer on every case, compared byte for byte.

The files in tests/golden/ were checked by hand against the source records. After a
deliberate change of output, rewrite them with ``EXPORTER_ACCEPT=1 pytest tests/test_golden.py``
and review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import EXAMPLES, REPO, SEED_TEXT

from exporter import read, write, writer_names

GOLDEN = REPO / "tests" / "golden"
CASES = {
    "seed": EXAMPLES / "seed-solr.json",
    "hostile-book": REPO / "tests" / "cases" / "hostile-book.csl.json",
}
#: writer -> options used for its golden files
OPTIONS: dict[str, dict[str, str]] = {
    "citation": {"style": "apa"},
}
EXTRA = [("citation", "ieee-html", {"style": "ieee", "markup": "html"}), ("citation", "vancouver-nlm", {"style": "vancouver-nlm"})]
BUILTIN_WRITERS = ["bibtex", "biblatex", "ris", "csl-json", "citation", "jsonld", "turtle", "ntriples", "rdfxml"]


def golden_path(fmt: str, case: str, variant: str = "") -> Path:
    from exporter.api import make_writer

    suffix = make_writer(fmt, **OPTIONS.get(fmt, {})).file_suffix() if fmt != "citation" else ".txt"
    name = case + (f".{variant}" if variant else "") + (".html" if "html" in variant else suffix)
    return GOLDEN / fmt / name


def check(path: Path, actual: str) -> None:
    if os.environ.get("EXPORTER_ACCEPT"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"no golden file {path}; run with EXPORTER_ACCEPT=1 and review it"
    expected = path.read_bytes().decode("utf-8")
    assert actual == expected


def test_every_builtin_writer_has_golden_files():
    assert set(BUILTIN_WRITERS) <= set(writer_names())


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", BUILTIN_WRITERS)
def test_golden(fmt, case):
    records = list(read(CASES[case]))
    check(golden_path(fmt, case), write(records, fmt, **OPTIONS.get(fmt, {})))


@pytest.mark.parametrize("fmt, variant, options", EXTRA)
def test_golden_variants(fmt, variant, options):
    records = list(read(CASES["seed"]))
    check(golden_path(fmt, "seed", variant), write(records, fmt, **options))


@pytest.mark.parametrize("fmt", BUILTIN_WRITERS)
def test_staff_view_text_gives_identical_output(fmt):
    solr = write(list(read(CASES["seed"])), fmt, **OPTIONS.get(fmt, {}))
    text = write(list(read(SEED_TEXT)), fmt, **OPTIONS.get(fmt, {}))
    assert text == solr
