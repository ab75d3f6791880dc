"""RIS reader: tag sets, line ends, continuation, repeated and unknown tags, junk, WoS."""

from __future__ import annotations

from reader_support import errors, read_bytes, read_text, warnings

ARTICLE = """TY  - JOUR
ID  - 12345
T1  - Title of reference
A1  - Marx, Karl
AU  - Lindgren, Astrid
A2  - Glattauer, Daniel
Y1  - 2014//
DA  - 2014/05/12/
N2  - An abstract
KW  - Pippi
KW  - Nordwind
JF  - Lorem
JA  - lorem
VL  - 9
IS  - 3
SP  - e0815
CY  - United States
PB  - Fun Factory
SN  - 1932-6208
DO  - 10.1371/journal.pone.0000001
UR  - http://example_url.com
L1  - http://example.com/full.pdf
LA  - eng
N1  - A note
RP  - Not In File
XY  - vendor tag
ER  - 
"""


def test_article_with_old_and_new_tags() -> None:
    records, problems = read_text("ris", ARTICLE)
    assert problems == []
    (r,) = records
    assert r.type == "article-journal"
    assert r.key == "12345"
    assert r.title == "Title of reference"
    assert [(c.family, c.given, c.role) for c in r.contributors] == [
        ("Marx", "Karl", "author"), ("Lindgren", "Astrid", "author"), ("Glattauer", "Daniel", "editor"),
    ]
    assert r.issued is not None and r.issued.iso() == "2014-05-12"
    assert r.abstract == "An abstract"
    assert r.keywords == ("Pippi", "Nordwind")
    assert r.container is not None
    assert (r.container.title, r.container.short_title, r.container.volume, r.container.issue) == ("Lorem", "lorem", "9", "3")
    assert r.container.page_start == "e0815"
    assert (r.place, r.publisher, r.language) == ("United States", "Fun Factory", "en")
    assert r.ids("issn") == ("1932-6208",)
    assert r.doi == "10.1371/journal.pone.0000001"
    assert [(link.url, link.relation) for link in r.links] == [("http://example_url.com", None), ("http://example.com/full.pdf", "fulltext")]
    assert r.notes == ("A note",)
    assert ("ris:RP", "Not In File") in r.extra and ("ris:XY", "vendor tag") in r.extra


def test_crlf_bom_and_continuation_lines() -> None:
    text = "\ufeffTY  - JOUR\r\nTI  - Blood-brain barrier breach following\r\ncortical contusion in the rat\r\nAU  - Baldwin,S.A.\r\nEP  - 481\r\nSP  - 476\r\nER  - \r\n"
    records, problems = read_bytes("ris", text.encode("utf-8"))
    assert problems == []
    (r,) = records
    assert r.title == "Blood-brain barrier breach following cortical contusion in the rat"
    assert (r.authors[0].family, r.authors[0].given) == ("Baldwin", "S.A.")
    assert r.container is not None and r.container.page_range == "476-481"


def test_junk_between_records_is_a_warning_and_records_still_read() -> None:
    text = "Record #1 of 2\nProvider: X\nTY  - BOOK\nTI  - One\nER  - \n\n2.\nsome junk\nTY  - CHAP\nTI  - Two\nT2  - The Book\nER  - \n"
    records, problems = read_text("ris", text)
    assert [(r.type, r.title) for r in records] == [("book", "One"), ("chapter", "Two")]
    assert records[1].container is not None and records[1].container.title == "The Book"
    assert errors(problems) == []
    assert [p.line for p in warnings(problems)] == [1, 7]


def test_record_without_er_at_end_of_file_is_kept() -> None:
    records, problems = read_text("ris", "TY  - JOUR\nTI  - First\nER  - \nTY  - JOUR\nTI  - Last\n")
    assert [r.title for r in records] == ["First", "Last"]
    assert [p.severity for p in problems] == ["warning"] and problems[0].line == 4


def test_er_followed_by_next_record_on_the_same_line() -> None:
    records, _ = read_text("ris", "TY  - JOUR\nTI  - A\nER  - TY  - DATA\nTI  - B\nER  - \n")
    assert [(r.type, r.title) for r in records] == [("article-journal", "A"), ("dataset", "B")]


def test_type_dependent_tags_for_books() -> None:
    text = "TY  - BOOK\nTI  - Eigentum\nT2  - Bibliothek des Eigentums\nA2  - Series, Ed\nA3  - Volume, Ed\nSP  - 250\nSN  - 9783642002304\nET  - 2nd\nER  - \n"
    (r,), _ = read_text("ris", text)
    assert r.series == "Bibliothek des Eigentums"
    assert [(c.family, c.role) for c in r.contributors] == [("Series", "collection-editor"), ("Volume", "editor")]
    assert r.number_of_pages == "250"
    assert r.ids("isbn") == ("9783642002304",)
    assert r.edition == "2nd"


def test_pubmed_flavour_accession_number_and_pmcid() -> None:
    text = "TY  - JOUR\nTI  - T\nAN  - 23439512\nC2  - PMC3456789\nDB  - PubMed\nER  - \n"
    (r,), _ = read_text("ris", text)
    assert r.pmid == "23439512" and r.pmcid == "PMC3456789"
    assert r.provenance is not None and r.provenance.database == "PubMed"


def test_web_of_science_tagged_file() -> None:
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Parkes-Loach, PS\n   Majeed, AP\n"
        "AF Parkes-Loach, Pamela S.\n   Majeed, Ali P.\nTI Interactions stabilizing the structure\n   of the core complex\n"
        "SO BIOCHEMISTRY\nDE light harvesting; bacteria\nPY 2004\nPD JUN 8\nVL 43\nIS 22\nBP 7003\nEP 7016\n"
        "DI 10.1021/bi049798f\nPM 15170338\nUT WOS:000221877700001\nER\n\nEF\n"
    )
    (r,), problems = read_text("ris", text)
    assert errors(problems) == []
    assert r.title == "Interactions stabilizing the structure of the core complex"
    assert [c.display_name() for c in r.authors] == ["Pamela S. Parkes-Loach", "Ali P. Majeed"]
    assert r.container is not None and (r.container.title, r.container.volume, r.container.page_range) == ("BIOCHEMISTRY", "43", "7003-7016")
    assert r.issued is not None and r.issued.iso() == "2004-06-08"
    assert r.doi == "10.1021/bi049798f" and r.key == "WOS:000221877700001" and r.pmid == "15170338"
    assert r.keywords == ("light harvesting", "bacteria")


def test_no_record_at_all_is_an_error() -> None:
    records, problems = read_text("ris", "just some text\n")
    assert records == [] and len(errors(problems)) == 1


def test_values_no_slot_took_are_kept() -> None:
    text = "TY  - JOUR\nTI  - One\nT1  - Other title\nPY  - 2001\nY1  - 2002\nDA  - 2003/05/01\nVL  - 1\nVL  - 2\nER  - \n"
    (r,), _ = read_text("ris", text)
    assert (r.title, r.issued.iso() if r.issued else None) == ("One", "2001")
    assert r.extra == (("ris:DA", "2003/05/01"), ("ris:T1", "Other title"), ("ris:Y1", "2002"), ("ris:VL", "2"))


def test_journal_name_no_slot_took_is_kept() -> None:
    # T2 gives the container title: JF's different name must not vanish
    text = "TY  - JOUR\nTI  - T\nT2  - J. Chem. Phys.\nJF  - Journal of Chemical Physics\nJA  - JCP\nER  - \n"
    (r,), _ = read_text("ris", text)
    assert r.container is not None and (r.container.title, r.container.short_title) == ("J. Chem. Phys.", "JCP")
    assert r.extra == (("ris:JF", "Journal of Chemical Physics"),)


def test_lone_jo_is_title_and_abbreviation_and_extras_are_namespaced() -> None:
    (r,), _ = read_text("ris", "TY  - JOUR\nTI  - T\nJO  - Nature\nZZ  - x\nER  - \n")
    assert r.container is not None and (r.container.title, r.container.short_title) == ("Nature", "Nature")
    assert r.extra == (("ris:ZZ", "x"),)


def test_wos_fields_without_ris_meaning_are_wos_extras() -> None:
    text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A\nCR Smith J, 2001, NATURE, V1, P2\n   Doe J, 2002, SCIENCE, V3, P4\nTC 5\nER\nEF\n"
    (r,), _ = read_text("ris", text)
    assert [v for k, v in r.extra if k == "wos:CR"] == ["Smith J, 2001, NATURE, V1, P2", "Doe J, 2002, SCIENCE, V3, P4"]
    assert ("wos:TC", "5") in r.extra
