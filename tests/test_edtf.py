"""EDTF (ISO 8601-2, levels 0-2) dates, read through the ``edtf`` package into the date model,
and written by each format as exactly as it can: the EDTF itself where the format takes it
(CSL-JSON's ``raw`` beside date-parts, BibLaTeX's ``date``, MODS ``encoding="edtf"``,
EndNote's text ``%D``), the bounds elsewhere with the qualifier reported as lost, and never
typed as an XML Schema date unless it is one exact calendar date."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest

from exporter import Record, read, write
from exporter.model import PartialDate
from exporter.normalize.dates import parse_date

P = PartialDate
#: text -> (start, end, circa, uncertain, edtf kept whole)
CASES = {
    "2019?": (P(2019), None, False, True, None),
    "2019~": (P(2019), None, True, False, None),
    "2019%": (P(2019), None, True, True, None),
    "2019-05?": (P(2019, 5), None, False, True, None),
    "199X": (P(1990), P(1999), False, False, "199X"),
    "19XX": (P(1900), P(1999), False, False, "19XX"),
    "2019-XX": (P(2019), None, False, False, "2019-XX"),
    "156X-12-25": (P(1560, 12, 25), P(1569, 12, 25), False, False, "156X-12-25"),
    "1985/..": (P(1985), None, False, False, "1985/.."),
    "1985/": (P(1985), None, False, False, "1985/"),
    "2019/2020": (P(2019), P(2020), False, False, None),
    "2019-05/2020": (P(2019, 5), P(2020), False, False, None),
    "2019~/2020~": (P(2019), P(2020), True, False, None),
    "2019~/2020?": (P(2019), P(2020), False, False, "2019~/2020?"),
    "199X/2005": (P(1990), P(2005), False, False, "199X/2005"),
    "[1667,1668]": (P(1667), P(1668), False, False, "[1667,1668]"),
    "2004-06-~11": (P(2004, 6, 11), None, False, False, "2004-06-~11"),
    "Y170000002": (P(170000002), None, False, False, "Y170000002"),
}


@pytest.mark.parametrize("text", sorted(CASES))
def test_edtf_reads_into_the_date_model(text):
    start, end, circa, uncertain, edtf = CASES[text]
    d = parse_date(text)
    assert (d.start, d.end, d.circa, d.uncertain, d.edtf, d.literal) == (start, end, circa, uncertain, edtf, None)
    assert d.iso() == text
    assert not d.exact


@pytest.mark.parametrize("text", ["2022-02-29", "2019-09-31", "2019-13", "2019/abc", "../..", "1990/1991/1992"])
def test_what_is_not_an_edtf_date_stays_text(text):
    d = parse_date(text)
    assert (d.start, d.end, d.edtf, d.literal) == (None, None, None, text)


def test_an_open_start_has_no_bound_and_keeps_its_text():
    d = parse_date("../1985")
    assert (d.start, d.literal, d.edtf, d.iso()) == (None, "../1985", "../1985", "../1985")


def test_seasons_are_written_as_edtf_seasons():
    assert parse_date("2019-21").iso() == "2019-21" and parse_date("Spring 2020").iso() == "2020-21"


def _records():
    return [Record(type="book", title=f"T{i}", key=f"k{i}", issued=parse_date(text))
            for i, text in enumerate(sorted(CASES))]


@pytest.mark.parametrize("fmt", ["csl-json", "mods", "endnote"])
def test_formats_that_take_edtf_keep_it_whole(fmt):
    problems = []
    out = write(_records(), fmt, on_problem=problems.append)
    back = list(read(io.StringIO(out), fmt))
    assert [r.issued.iso() for r in back] == sorted(CASES)
    assert not [p for p in problems if "date:issued:qualifier" in p.reason]


def test_csl_json_gives_styles_the_bounds_and_circa_and_keeps_the_edtf_in_raw():
    items = {item["id"]: item["issued"] for item in json.loads(write(_records(), "csl-json"))}
    by_text = dict(zip(sorted(CASES), (items[f"k{i}"] for i in range(len(CASES)))))
    assert by_text["199X"] == {"date-parts": [[1990], [1999]], "raw": "199X"}
    assert by_text["2019?"] == {"date-parts": [[2019]], "circa": True, "raw": "2019?"}  # CSL: is-uncertain-date
    assert by_text["2019~"] == {"date-parts": [[2019]], "circa": True}
    assert by_text["1985/.."] == {"date-parts": [[1985]], "raw": "1985/.."}


def test_biblatex_writes_what_biber_reads_and_reports_the_rest(tmp_path):
    problems = []
    out = write(_records(), "biblatex", on_problem=problems.append)
    back = {r.key: r.issued.iso() for r in read(io.StringIO(out), "biblatex")}
    level2 = {"[1667,1668]": "1667/1668", "2004-06-~11": "2004-06-11",  # EDTF level 2
              "156X-12-25": "1560-12-25/1569-12-25", "199X/2005": "1990/2005"}  # X beyond biblatex's forms
    for i, text in enumerate(sorted(CASES)):
        assert back[f"k{i}"] == level2.get(text, text)
    lost = sorted(p.record for p in problems if "date:issued:qualifier" in p.reason)
    assert lost == sorted(i + 1 for i, text in enumerate(sorted(CASES)) if text in level2)
    if shutil.which("biber"):
        (tmp_path / "dates.bib").write_text(out, encoding="utf-8")
        proc = subprocess.run(["biber", "--tool", "--output-file", str(tmp_path / "out.bib"), "dates.bib"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "WARN" not in proc.stdout, proc.stdout
        entries = (tmp_path / "out.bib").read_text(encoding="utf-8").split("@BOOK{")[1:]
        assert len(entries) == len(CASES) and all("DATE = {" in entry for entry in entries)


@pytest.mark.parametrize("fmt", ["ris", "bibtex"])
def test_formats_without_edtf_report_the_qualifier_as_lost(fmt):
    problems = []
    write(_records(), fmt, on_problem=problems.append)
    lost = sorted(p.record for p in problems if p.severity == "loss" and "date:issued:qualifier" in p.reason)
    plain_ranges = {"2019/2020", "2019-05/2020"}  # nothing qualified: nothing to lose
    assert lost == [i + 1 for i, text in enumerate(sorted(CASES)) if text not in plain_ranges]


def test_no_qualified_or_partial_date_is_typed_in_rdf():
    out = write(_records(), "ntriples")
    assert "XMLSchema#date" not in out and "XMLSchema#gYear" not in out
    assert '"199X"' in out and '"2019?"' in out and '"1985/.."' in out
    exact = write([Record(type="book", title="T", issued=parse_date("2019-05"))], "ntriples")
    assert '"2019-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>' in exact
