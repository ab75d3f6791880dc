"""Property: no reader raises on any input; it yields records and Problems only."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter.model import Record
from exporter.problems import Problem
from exporter.registry import reader_class

#: Pieces of each format, shuffled into arbitrary (mostly broken) inputs.
TOKENS: dict[str, list[str]] = {
    "bibtex": ["@article{", "@string{", "@comment", "k,", "title", "=", "{", "}", '"', "#", ",", "\\'", "\\v{", "$", "~",
               " and ", "others", "month = jan", "crossref = {k}", "\n", "@preamble(", ")", "--", "{\\\"o}"],
    "ris": ["TY  - JOUR\n", "TY  - ", "ER  - \n", "AU  - ", "TI  - ", "PY  - ", "2001/13/45/", "SP  - ", "EP  - ",
            "SN  - ", "DO  - ", "UR  - ", "\n", "   ", "FN x\n", "PT J\n", "ER\n", "C2  - PMC", ",", "XX  - "],
    "medline": ["PMID- ", "TI  - ", "FAU - ", "AU  - ", "DP  - ", "2019 Mar-", "PG  - ", "1342-5", "\n", "      ",
                "AID - ", " [doi]", "IS  - ", " (Linking)", "LA  - ", "DEP - 2020", "\n\n", "9"],
    "pubmed-xml": ["<PubmedArticleSet>", "<PubmedArticle>", "</PubmedArticle>", "<MedlineCitation>", "<PMID>",
                   "</PMID>", "<Article>", "<ArticleTitle>", "</ArticleTitle>", "<i>", "&amp;", "&x;", "<!DOCTYPE a [",
                   "<!ENTITY x 'y'>", "]>", "<PubDate><Year>", "</Year></PubDate>", "<MedlineDate>", "12"],
}


def _inputs(reader: str) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(TOKENS[reader]), st.text(max_size=5)), max_size=60).map("".join)


def _check(reader: str, text: str) -> None:
    for item in reader_class(reader)().read(io.StringIO(text), "fuzz"):
        assert isinstance(item, (Record, Problem))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(_inputs("bibtex"))
def test_bibtex_never_raises(text: str) -> None:
    _check("bibtex", text)


@SETTINGS
@given(_inputs("ris"))
def test_ris_never_raises(text: str) -> None:
    _check("ris", text)


@SETTINGS
@given(_inputs("medline"))
def test_medline_never_raises(text: str) -> None:
    _check("medline", text)


@SETTINGS
@given(_inputs("pubmed-xml"))
def test_pubmed_xml_never_raises(text: str) -> None:
    _check("pubmed-xml", text)
