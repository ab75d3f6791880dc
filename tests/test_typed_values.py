"""Typed values are valid or are not typed: a day the calendar does not have is kept as
text (never an xsd:date), an identifier with a wrong check digit is kept as given and
reported, and a DOI does not keep the bracket that closes the text around it."""

from __future__ import annotations

import io
import json

import pytest

from exporter import read, write
from exporter.normalize.identifiers import clean_doi, identifier_problem


def _read_csl(items):
    problems = []
    records = list(read(io.StringIO(json.dumps(items)), "csl-json", on_problem=problems.append))
    return records, problems


@pytest.mark.parametrize("parts, text", [([2022, 2, 29], "2022-02-29"), ([2019, 9, 31], "2019-09-31"),
                                         ([1900, 2, 29], "1900-02-29")])
def test_a_day_the_calendar_does_not_have_is_text(parts, text):
    (record,), problems = _read_csl([{"id": "a", "type": "book", "title": "T",
                                      "issued": {"date-parts": [parts]}}])
    assert record.issued.start is None and record.issued.literal == text
    assert [p.reason for p in problems] == [f"date {text!r} is not in the calendar; kept as text"]
    for fmt in ("ntriples", "turtle", "rdfxml", "jsonld"):
        out = write([record], fmt)
        assert "XMLSchema#date" not in out and "xsd:date" not in out, fmt
        assert text in out


def test_leap_days_that_exist_stay_dates():
    (record,), problems = _read_csl([{"id": "a", "type": "book", "title": "T",
                                      "issued": {"date-parts": [[2024, 2, 29]]}}])
    assert record.issued.start.iso() == "2024-02-29" and problems == []
    assert '"2024-02-29"^^<http://www.w3.org/2001/XMLSchema#date>' in write([record], "ntriples")


def test_rdflib_accepts_every_date_literal_we_write(caplog):
    import rdflib
    items = [{"id": f"d{i}", "type": "book", "title": "T", "issued": {"date-parts": [p]}}
             for i, p in enumerate([[2022, 2, 29], [2024, 2, 29], [2019, 9, 31], [2020, 12], [1999]])]
    records, _ = _read_csl(items)
    with caplog.at_level("WARNING"):
        g = rdflib.Graph().parse(data=write(records, "ntriples"), format="nt")
        g.serialize(format="turtle")
    assert "Failed to convert Literal" not in caplog.text
    dates = list(g.objects(None, rdflib.URIRef("http://schema.org/datePublished")))
    assert len(dates) == 5 and not any(lit.ill_typed for lit in dates)


@pytest.mark.parametrize("scheme, good, bad", [
    ("isbn", "9780306406157", "9780306406158"),
    ("isbn", "0306406152", "0306406153"),
    ("issn", "0378-5955", "0378-5954"),
])
def test_check_digits(scheme, good, bad):
    assert identifier_problem(scheme, good) is None
    assert "not valid" in identifier_problem(scheme, bad)


def test_a_wrong_isbn_is_kept_and_reported():
    (record,), problems = _read_csl([{"id": "a", "type": "book", "title": "T", "ISBN": "9780306406158"}])
    assert record.ids("isbn") == ("9780306406158",)
    assert len(problems) == 1 and problems[0].severity == "warning" and "ISBN" in problems[0].reason
    assert problems[0].record == 1


@pytest.mark.parametrize("text, doi", [
    ("(see 10.1000/xyz)", "10.1000/xyz"),
    ("10.1000/xyz).", "10.1000/xyz"),
    ("10.1016/0021-9258(19)52451-6", "10.1016/0021-9258(19)52451-6"),
    ("https://doi.org/10.1002/(SICI)1097-4636(199706)35:4", "10.1002/(SICI)1097-4636(199706)35:4"),
    ("[10.1000/abc]", "10.1000/abc"),
])
def test_a_doi_keeps_only_its_own_brackets(text, doi):
    assert clean_doi(text) == doi


@pytest.mark.parametrize("value, tag", [
    ("English", "en"), ("eng", "en"), ("ger", "de"), ("deu", "de"), ("Deutsch", "de"),
    ("Français", "fr"), ("Undetermined", "und"), ("Multiple languages", "mul"),
    ("No linguistic content", "zxx"), ("en-gb", "en-GB"), ("iw", "he"), ("chi", "zh"),
    ("zh-hant-tw", "zh-Hant-TW"),
    ("English; French", "English; French"),  # several languages: never collapsed into one
    ("Klingonish", "Klingonish"),  # not a language we know: kept, not guessed
])
def test_languages_to_bcp47(value, tag):
    from exporter.normalize.languages import to_bcp47
    assert to_bcp47(value) == tag
