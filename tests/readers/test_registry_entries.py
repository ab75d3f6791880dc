"""The new readers are registered under their names and found by extension and content."""

from __future__ import annotations

import pytest

from exporter.registry import detect_format, reader_class


@pytest.mark.parametrize(
    "name, cls",
    [
        ("bibtex", "BibTeXReader"),
        ("biblatex", "BibLaTeXReader"),
        ("ris", "RISReader"),
        ("medline", "MedlineReader"),
        ("pubmed-xml", "PubMedXMLReader"),
    ],
)
def test_reader_names(name: str, cls: str) -> None:
    assert reader_class(name).__name__ == cls


@pytest.mark.parametrize(
    "path, head, expected",
    [
        ("refs.bib", "@article{k, title={T}}", "bibtex"),
        ("export.ris", "TY  - JOUR\n", "ris"),
        ("pubmed.nbib", "PMID- 1\n", "medline"),
        ("pubmed.medline", "PMID- 1\n", "medline"),
        ("efetch.xml", '<?xml version="1.0"?>\n<PubmedArticleSet>', "pubmed-xml"),
        ("-", "\ufeffTY  - BOOK\n", "ris"),
        ("-", "PMID- 123\nOWN - NLM\n", "medline"),
        ("-", "FN Clarivate Analytics Web of Science\nVR 1.0\n", "ris"),
        ("-", "\nPMID- 12230038\nOWN - NLM\n", "medline"),
    ],
)
def test_detect_format(path: str, head: str, expected: str) -> None:
    assert detect_format(path, head) == expected
