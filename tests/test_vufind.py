"""The VuFind readers on the seed record and on the shapes VuFind data comes in."""

from __future__ import annotations

import io
import json

import pytest

from exporter import Contributor, PartialDate, read
from exporter.formats.vufind import _split_formats, _split_names, clean_title, doc_to_record

from support import SEED_TEXT, shared_path


def test_seed_facts(seed):
    r = seed
    assert r.type == "article-journal"
    assert [(c.family, c.given) for c in r.authors] == [
        ("Alidina", "Shehnaz"),
        ("Martelli", "Peter F."),
        ("Singer", "Sara J."),
        ("Aveling", "Emma-Louise"),
    ]
    assert r.title == "Optimizing patient partnership in primary care improvement: A qualitative study"
    assert r.container.title == "Health Care Manage Rev"
    assert r.issued.start == PartialDate(2021)
    assert r.online.start == PartialDate(2019, 5, 23)
    assert (r.doi, r.pmid, r.pmcid) == ("10.1097/HMR.0000000000000250", "33630504", "PMC7919701")
    assert r.publisher == "Lippincott Williams & Wilkins"
    assert r.language == "en"
    assert r.abstract.startswith("BACKGROUND: The need to expand") and r.abstract.endswith("shared learning journey.")
    assert r.rights.license_name == "CC BY 4.0"
    assert r.rights.license_url == "https://creativecommons.org/licenses/by/4.0/"
    assert r.rights.statement.startswith("Copyright © 2019 The Authors.")
    assert r.provenance.database == "PubMed"
    assert r.provenance.institution == "National Center for Biotechnology Information"
    assert r.provenance.source_id == "pubmed-7919701"


def test_name_repair_is_noted(seed):
    assert seed.provenance.repairs == ("name 'J. Singer, Sara' read as family 'Singer', given 'Sara J.'",)


def test_text_and_solr_forms_give_the_same_record(seed, seed_from_text):
    assert seed == seed_from_text


def test_text_header_in_any_language_is_ignored():
    text = SEED_TEXT.read_text(encoding="utf-8")
    german = text.replace("Autores principales:", "Hauptverfasser:").replace("Formato:", "Format:")
    (a,) = read(io.StringIO(text), "vufind-text")
    (b,) = read(io.StringIO(german), "vufind-text")
    assert a == b


def test_split_names_uses_work_keys():
    text = "Alidina, Shehnaz Martelli, Peter F. J. Singer, Sara Aveling, Emma-Louise"
    keys = ["alidinashehnaz", "martellipeterf", "jsingersara", "avelingemmalouise"]
    assert _split_names(text, keys) == ["Alidina, Shehnaz", "Martelli, Peter F.", "J. Singer, Sara", "Aveling, Emma-Louise"]


def test_split_names_without_keys_falls_back_to_commas():
    assert _split_names("Smith, John van Dyke, Anna", []) == ["Smith, John", "van Dyke, Anna"]


def test_split_formats():
    assert _split_formats("Online Article Text") == ["Online", "Article", "Text"]
    assert _split_formats("Book Conference Proceeding") == ["Book", "Conference Proceeding"]


@pytest.mark.parametrize(
    "raw, clean",
    [("Title /", "Title"), ("Bollettino della Unione matematica italiana.", "Bollettino della Unione matematica italiana"),
     ("Studies in U.S.", "Studies in U.S."), ("Main title :", "Main title")],
)
def test_clean_title(raw, clean):
    assert clean_title(raw) == clean


def test_formats_map_to_types():
    def rtype(formats):
        return doc_to_record({"id": "x", "title": "t", "format": formats}).type

    assert rtype(["Book"]) == "book"
    assert rtype(["Book", "Thesis"]) == "thesis"
    assert rtype(["Journal"]) == "periodical"
    assert rtype(["Online", "Article", "Text"]) == "article-journal"
    assert rtype(["Strange"]) == "document"


def test_corporate_and_secondary_authors():
    r = doc_to_record({
        "id": "1", "title": "T",
        "author_corporate": ["World Health Organization"],
        "author2": ["Unione matematica italiana", "Doe, Jane"],
        "author2_role": ["", "edt"],
    })
    assert r.contributors == (
        Contributor(literal="World Health Organization"),
        Contributor(literal="Unione matematica italiana", role="contributor"),
        Contributor(family="Doe", given="Jane", role="editor"),
    )


def test_solr_response_and_json_lines():
    doc = json.loads(open(SEED_TEXT.parent / "seed-solr.json", encoding="utf-8").read())
    response = json.dumps({"responseHeader": {}, "response": {"numFound": 2, "docs": [doc, doc]}})
    assert len(list(read(io.StringIO(response), "vufind"))) == 2
    lines = json.dumps(doc) + "\n" + json.dumps(doc) + "\n"
    assert len(list(read(io.StringIO(lines), "vufind"))) == 2


def test_vufind_fixture_journal():
    path = shared_path("corpus", "vufind", "module", "VuFind", "tests", "fixtures", "misc", "testbug1.json")
    (r,) = list(read(path, "vufind"))
    assert r.type == "periodical"
    assert r.title == "Bollettino della Unione matematica italiana"
    assert r.ids("issn") == ("0041-7084",)
    assert r.language == "it"
    assert r.publisher == "Zanichelli"


def test_vufind_corpus_reads_without_errors():
    base = shared_path("corpus", "vufind", "module", "VuFindSearch", "tests", "fixtures", "solr", "response")
    problems = []
    n = 0
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        start = text.find("{")
        if start < 0:
            continue
        n += len(list(read(io.StringIO(text[start:]), "vufind", on_problem=problems.append)))
    assert n > 0
    assert [p for p in problems if p.severity == "error"] == []


def test_the_earliest_of_several_days_is_the_epub_date():
    """Days after the abstract in ``spelling`` are compared by calendar order (two of them
    once raised TypeError and stopped the whole conversion with a traceback)."""
    doc = {"id": "x1", "title": "T", "author": ["A, B"], "publishDate": ["2019"],
           "spelling": "x1 T A, B Journal 2019-06-01 2019-05-23 2019-05-30 Text en"}
    record = doc_to_record(doc)
    assert record.online.start == PartialDate(2019, 5, 23)
    assert record.language == "en"
    lines = io.StringIO(json.dumps(doc) + "\n" + json.dumps({**doc, "id": "x2"}) + "\n")
    assert [r.online.start for r in read(lines, "vufind")] == [PartialDate(2019, 5, 23)] * 2


def test_a_mapping_bug_on_one_document_is_reported_and_the_others_convert(monkeypatch):
    import exporter.formats.vufind as vufind

    real = vufind.doc_to_record

    def flaky(doc):
        if doc.get("id") == "bad":
            raise TypeError("'<' not supported")
        return real(doc)

    monkeypatch.setattr(vufind, "doc_to_record", flaky)
    lines = "\n".join(json.dumps({"id": i, "title": f"Title {i}"}) for i in ("a", "bad", "c")) + "\n"
    problems = []
    records = list(read(io.StringIO(lines), "vufind", on_problem=problems.append))
    assert [r.title for r in records] == ["Title a", "Title c"]
    assert [(p.record, p.line) for p in problems] == [(2, 2)]
    assert problems[0].reason == "cannot map this document (TypeError: '<' not supported); the record is skipped"
