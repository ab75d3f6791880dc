"""MEDLINE/nbib reader: continuation, FAU/AU, AD, AID, PMC, dates, language, subjects."""

from __future__ import annotations

from reader_support import errors, read_text

NBIB = """PMID- 23439512
OWN - NLM
STAT- MEDLINE
IS  - 1524-4539 (Electronic)
IS  - 0009-7322 (Linking)
VI  - 127
IP  - 12
DP  - 2013 Mar 26
TI  - Increasing cardiopulmonary resuscitation provision in communities with low
      bystander rates.
PG  - 1342-50
LID - 10.1161/CIR.0b013e318288b4dd [doi]
AB  - BACKGROUND: Something.
FAU - Sasson, Comilla
AU  - Sasson C
AD  - University of Colorado, Aurora.
AUID- ORCID: 0000-0002-1825-0097
FAU - van Groen, Maaike M
AU  - van Groen MM
AU  - Nobody X
CN  - American Heart Association
LA  - eng
PT  - Journal Article
MH  - Cardiopulmonary Resuscitation/*education
OT  - bystander
DEP - 20130225
TA  - Circulation
JT  - Circulation
AID - CIR.0b013e318288b4dd [pii]
PMC - PMC1234567
SO  - Circulation. 2013 Mar 26;127(12):1342-50.
"""


def test_medline_record() -> None:
    records, problems = read_text("medline", NBIB)
    assert problems == []
    (r,) = records
    assert r.type == "article-journal"
    assert r.title == "Increasing cardiopulmonary resuscitation provision in communities with low bystander rates"
    assert [c.display_name() for c in r.contributors] == [
        "Comilla Sasson", "Maaike M. van Groen", "X. Nobody", "American Heart Association",
    ]
    assert r.contributors[0].affiliations == ("University of Colorado, Aurora.",)
    assert r.contributors[0].orcid == "0000-0002-1825-0097"
    assert r.pmid == "23439512" and r.pmcid == "PMC1234567"
    assert r.doi == "10.1161/CIR.0b013e318288b4dd"
    assert ("medline:AID", "CIR.0b013e318288b4dd [pii]") in r.extra  # MEDLINE's own tag, namespaced
    assert r.ids("eissn") == ("1524-4539",) and r.ids("issn") == ("0009-7322",)
    assert r.issued is not None and r.issued.iso() == "2013-03-26"
    assert r.online is not None and r.online.iso() == "2013-02-25"
    assert r.container is not None
    assert (r.container.title, r.container.short_title, r.container.volume, r.container.issue) == ("Circulation", "Circulation", "127", "12")
    assert (r.container.page_start, r.container.page_end) == ("1342", "1350")
    assert r.language == "en"
    assert [(s.term, s.scheme) for s in r.subjects] == [
        ("Cardiopulmonary Resuscitation/*education", "mesh"), ("bystander", "keyword"), ("Journal Article", "publication-type"),
    ]
    assert ("medline:SO", "Circulation. 2013 Mar 26;127(12):1342-50.") in r.extra


def test_two_records_and_season_dates() -> None:
    text = "PMID- 1\nTI  - One.\nDP  - 2019 Mar-Apr\n\nPMID- 2\nTI  - Two.\nDP  - 1998 Dec-1999 Jan\n"
    records, problems = read_text("medline", text)
    assert errors(problems) == []
    assert [r.title for r in records] == ["One", "Two"]
    assert [r.issued.iso() for r in records if r.issued] == ["2019-03/2019-04", "1998-12/1999-01"]


def test_eric_report() -> None:
    text = "OWN - ERIC\nTI  - College Entrance Exams\nAU  - Moore, Raeal\nJT  - ACT, Inc.\nDP  - 2019\nPT  - Reports - Research\nLA  - English\n"
    (r,), _ = read_text("medline", text)
    assert (r.type, r.publisher, r.container, r.language) == ("report", "ACT, Inc.", None, "en")
    assert r.title == "College Entrance Exams"


def test_values_no_slot_took_are_kept_under_the_medline_family() -> None:
    text = ("PMID- 1\nAD  - Nowhere (before any author)\nFAU - Mouse, Mickey\nAU  - Mouse M\n"
            "AUID- ISNI: 0000 0001 2345 6789\nLA  - eng\nLA  - ger\nPMC - not a pmcid\nDA  - 20031223\n"
            "SO  - J. 2003;1:2.\nPL  - United States\n")
    (r,), _ = read_text("medline", text)
    assert [c.family for c in r.contributors] == ["Mouse"] and r.contributors[0].orcid is None
    for kept in [("medline:AD", "Nowhere (before any author)"), ("medline:AUID", "ISNI: 0000 0001 2345 6789"),
                 ("medline:LA", "ger"), ("medline:PMC", "not a pmcid"), ("medline:DA", "20031223"),
                 ("medline:SO", "J. 2003;1:2."), ("medline:PL", "United States")]:
        assert kept in r.extra
    assert r.language == "en"
