"""RIS on real files: round trips of every corpus RIS, MEDLINE and Web of Science file, and
the RIS we write from every corpus file read by rispy and citation-js.

Inputs: ``../shared/corpus`` (rispy's, Zotero's and Biopython's test files, bibtexparser's,
TeX Live's and VuFind's; their origin is in each folder's MANIFEST). Skipped when absent;
the consumer tests skip when the consumer is not installed (``.ci/run`` installs both).
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from consumers import citation_js_read
from support import SHARED

from exporter import read, write
from exporter.formats.ris import RISWriter
from exporter.formats.ris_table import SPEC_TAGS
from exporter.losses import facets
from exporter.model import Record
from exporter.problems import Problem

CORPUS = SHARED / "corpus"

#: Corpus files by reader: (folder glob, our reader).
SOURCES: tuple[tuple[str, str], ...] = (
    ("zotero-translators/RIS/*.ris", "ris"),
    ("rispy/tests/data/*.ris", "ris"),  # example_wos.ris is Web of Science's flavour
    ("zotero-translators/MEDLINEnbib/*.nbib", "medline"),
    ("biopython/Tests/Medline/*.txt", "medline"),
    ("zotero-translators/PubMed_XML/*.xml", "pubmed-xml"),
    ("biopython/Tests/Entrez/pubmed*.xml", "pubmed-xml"),
    ("zotero-translators/BibTeX/*.bib", "bibtex"),
    ("bibtexparser/bibtexparser/tests/data/*.bib", "bibtex"),
    ("bibtexparser/v2-main/tests/resources/*.bib", "bibtex"),
    ("texlive/*.bib", "bibtex"),
    ("zotero-translators/CSL_JSON/*.json", "csl-json"),
    ("vufind/module/VuFindSearch/tests/fixtures/blender/response/solr/*.json", "vufind"),
    ("vufind/module/VuFind/tests/fixtures/misc/testbug*.json", "vufind"),
)

TAGGED = ("ris", "medline")  # the formats whose files must make the round trip


def corpus_files(formats: tuple[str, ...] | None = None) -> list[tuple[Path, str]]:
    out = []
    for pattern, fmt in SOURCES:
        if formats is None or fmt in formats:
            out += [(p, fmt) for p in sorted(CORPUS.glob(pattern)) if "zotero-expected" not in p.name]
    return out


def _id(case: tuple[Path, str]) -> str:
    return str(case[0].relative_to(CORPUS)) if CORPUS.is_dir() else str(case[0])


def records_of(path: Path, fmt: str) -> list[Record]:
    problems: list[Problem] = []
    return list(read(path, fmt, on_problem=problems.append))


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


ROUND_TRIP_FILES = corpus_files() if CORPUS.is_dir() else []  # RIS, MEDLINE, WoS and the rest


@pytest.mark.parametrize("case", ROUND_TRIP_FILES, ids=[_id(c) for c in ROUND_TRIP_FILES])
def test_round_trip_keeps_every_facet_or_reports_it(corpus: Path, case: tuple[Path, str]) -> None:
    """read -> write RIS -> read: every facet comes back, or the writer's loss report names
    it; and a second trip writes the same file (a fixpoint)."""
    path, fmt = case
    records = records_of(path, fmt)
    text = write(records, "ris")
    if not records:  # a file of comments only: nothing is written (and no RIS to read back)
        assert text == ""
        return
    back = list(read(io.StringIO(text), "ris"))
    assert len(back) == len(records)
    writer = RISWriter()
    for number, (before, after) in enumerate(zip(records, back), start=1):
        silent = facets(before) - facets(after) - set(writer.lost(before))
        assert not silent, f"record {number}: lost without a word: {sorted(silent)}"
    assert write(back, "ris") == text


def test_web_of_science_cited_references_are_59_values_and_reported(corpus: Path) -> None:
    first, second = records_of(corpus / "rispy/tests/data/example_wos.ris", "ris")
    cited = [v for k, v in first.extra if k == "wos:CR"]
    assert len(cited) == 59 and all(cited)
    assert Counter(k for k, _ in second.extra)["wos:CR"] == 86
    # RIS has no tag for cited references (CR is not in the spec; Zotero reads it as rights)
    assert "extra:wos:CR" in RISWriter().lost(first)
    assert "CR  - " not in write([first], "ris")


def test_medline_fields_are_never_written_as_ris_tags(corpus: Path) -> None:
    for path, fmt in corpus_files(("medline",)):
        for record in records_of(path, fmt):
            kept = [(k[8:], v) for k, v in record.extra if k.startswith("medline:")]
            assert kept, path
            lines = set(write([record], "ris").splitlines())
            tags = {line[:2] for line in lines if line[2:6] == "  - "}
            assert tags <= SPEC_TAGS, path
            assert not [f"{tag}  - {value}" for tag, value in kept if f"{tag}  - {value}" in lines], path
            assert {f"extra:medline:{tag}" for tag, _ in kept} <= set(RISWriter().lost(record))


def test_bibtex_keys_survive_ris(corpus: Path) -> None:
    records = records_of(corpus / "texlive/xampl.bib", "bibtex")
    back = list(read(io.StringIO(write(records, "ris")), "ris"))
    assert [r.key for r in back] == [r.key for r in records] and all(r.key for r in back)
    again = list(read(io.StringIO(write(back, "bibtex")), "bibtex"))
    assert [r.key for r in again] == [r.key for r in records]


# -- consumers ------------------------------------------------------------------------------

ALL_FILES = corpus_files() if CORPUS.is_dir() else []


@pytest.mark.parametrize("case", ALL_FILES, ids=[_id(c) for c in ALL_FILES])
def test_rispy_reads_what_we_write_and_finds_only_spec_tags(corpus: Path, case: tuple[Path, str]) -> None:
    rispy = pytest.importorskip("rispy", reason="rispy not installed (pip install rispy)")
    records = records_of(*case)
    entries = rispy.loads(write(records, "ris"))
    assert len(entries) == len(records)
    assert set(rispy.TAG_KEY_MAPPING) - {"UK"} == SPEC_TAGS  # our list is rispy's
    assert [e.get("unknown_tag") for e in entries if e.get("unknown_tag")] == []


def test_citation_js_reads_every_file_we_write_with_the_same_number_of_items(corpus: Path, tmp_path: Path) -> None:
    """One RIS file per corpus folder (all its records), then all of them in one file (the
    MEDLINE-derived records among them: one used to make citation-js reject a whole file)."""
    groups: dict[str, list[Record]] = {}
    for path, fmt in ALL_FILES:
        groups.setdefault(str(path.parent.relative_to(corpus)), []).extend(records_of(path, fmt))
    groups["all"] = [r for name in list(groups) for r in groups[name]]
    assert any(r.provenance and r.provenance.record_format == "MEDLINE" for r in groups["all"])
    for number, (name, records) in enumerate(groups.items()):
        out = tmp_path / f"{number}.ris"
        out.write_text(write(records, "ris"), encoding="utf-8", newline="")
        items = citation_js_read(out, "ris")
        assert len(items) == len(records), name
