"""BibTeX/BibLaTeX reader: macros, crossref, names, LaTeX, types, extra, broken entries."""

from __future__ import annotations

import pytest
from reader_support import errors, read_bytes, read_text, warnings

from exporter.formats.bibtex_reader import parse_bibtex_name, parse_name_list
from exporter.model import Contributor


def test_article_maps_to_record() -> None:
    records, problems = read_text("bibtex", r"""
@article{Adams2001,
author = {Adams, Nancy K and DeSilva, Shanaka L},
journal = {Bulletin of Volcanology},
keywords = {Vulcanian eruptions,breadcrust},
pages = {493--518},
title = {{The physical volcanology of Huaynaputina}},
volume = {62}, number = {4},
year = {2001}, month = mar,
doi = {10.1007/s004450000120},
issn = {0258-8900},
file = {:a.pdf:pdf}
}""")
    assert problems == []
    (r,) = records
    assert r.type == "article-journal"
    assert r.key == "Adams2001"
    assert r.title == '<span class="nocase">The physical volcanology of Huaynaputina</span>'
    assert [(c.family, c.given) for c in r.authors] == [("Adams", "Nancy K"), ("DeSilva", "Shanaka L")]
    assert r.container is not None
    assert (r.container.title, r.container.volume, r.container.issue) == ("Bulletin of Volcanology", "62", "4")
    assert (r.container.page_start, r.container.page_end) == ("493", "518")
    assert r.issued is not None and r.issued.iso() == "2001-03"
    assert r.doi == "10.1007/s004450000120"
    assert r.ids("issn") == ("0258-8900",)
    assert r.keywords == ("Vulcanian eruptions", "breadcrust")
    assert ("bibtex:file", ":a.pdf:pdf") in r.extra


def test_string_macros_concatenation_and_month_macros() -> None:
    records, problems = read_text("bibtex", r"""
@String {maintainer = "Xavier D{\'e}coret"}
@String(stefan = "Stefan Sweig")
@preamble{ "Maintained by " # maintainer }
@comment{ this is ignored }
@Book{sweig42,
  Author = stefan # " and " # maintainer,
  title = { The {impossible} book },
  publisher = pub,
  yEAr = 1942,
  month = dec
}""")
    assert errors(problems) == []
    (r,) = records
    assert [c.display_name() for c in r.authors] == ["Stefan Sweig", "Xavier Décoret"]
    assert r.title == 'The <span class="nocase">impossible</span> book'
    assert r.issued is not None and r.issued.iso() == "1942-12"
    assert r.publisher == "pub"  # an undefined macro is kept as its name


def test_crossref_inheritance_with_biblatex_renaming() -> None:
    records, _ = read_text("bibtex", r"""
@INPROCEEDINGS{author:06,
 title = {Some publication title},
 author = {First Author},
 crossref = {conference:06},
 pages = {330--331},
}
@PROCEEDINGS{conference:06,
 editor = {First Editor},
 title = {Proceedings of the Xth Conference},
 publisher = {ACM},
 year = {2006}, month = oct,
}""")
    paper, proceedings = records
    assert paper.type == "paper-conference"
    assert paper.container is not None and paper.container.title == "Proceedings of the Xth Conference"
    assert paper.publisher == "ACM"
    assert paper.issued is not None and paper.issued.iso() == "2006-10"
    assert [c.role for c in paper.contributors] == ["author", "editor"]
    assert ("bibtex:xref", "conference:06") in paper.extra
    assert proceedings.type == "book" and proceedings.title == "Proceedings of the Xth Conference"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Ludwig van Beethoven", Contributor(family="Beethoven", given="Ludwig", particle="van")),
        ("van Beethoven, Ludwig", Contributor(family="Beethoven", given="Ludwig", particle="van")),
        ("de la Fontaine, Jean", Contributor(family="Fontaine", given="Jean", particle="de la")),
        ("Ford, Jr., Henry", Contributor(family="Ford", given="Henry", suffix="Jr.")),
        ("{Barnes and Noble, Inc.}", Contributor(literal="Barnes and Noble, Inc.")),
        ("Eva H. {\\\"O}nnud{\\'o}ttir", Contributor(family="Önnudóttir", given="Eva H.")),
        ("Charles Louis Xavier Joseph {de la Vall{\\'e}e Poussin}", Contributor(family="de la Vallée Poussin", given="Charles Louis Xavier Joseph")),
        ("Knuth, D.~E.", Contributor(family="Knuth", given="D.\u00a0E.")),
        ("family=Gogh, given=Vincent, prefix=van", Contributor(family="Gogh", given="Vincent", particle="van")),
    ],
)
def test_bibtex_names(name: str, expected: Contributor) -> None:
    assert parse_bibtex_name(name, "author") == expected


def test_name_list_with_organisations_and_others() -> None:
    people, others = parse_name_list("Sasson, Comilla and {American Heart Association} and others", "author")
    assert others is True
    assert [p.display_name() for p in people] == ["Comilla Sasson", "American Heart Association"]
    assert people[1].literal == "American Heart Association"
    records, _ = read_text("bibtex", "@article{k, author = {A, B and others}, title = {T}}")
    assert ("others", "author") in records[0].extra


def test_biblatex_fields() -> None:
    records, _ = read_text("biblatex", r"""
@article{k,
  author = {Smith, John},
  title = {Title},
  journaltitle = {Journal of Things},
  date = {2019-05-23},
  eprint = {1234.5678}, eprinttype = {arxiv},
  langid = {german},
  location = {Berlin},
  urldate = {2020-01-02},
}""")
    (r,) = records
    assert r.container is not None and r.container.title == "Journal of Things"
    assert r.issued is not None and r.issued.iso() == "2019-05-23"
    assert r.ids("arxiv") == ("1234.5678",)
    assert r.language == "de"
    assert r.place == "Berlin"
    assert r.accessed is not None and r.accessed.iso() == "2020-01-02"


@pytest.mark.parametrize(
    "entry_type, rtype, genre",
    [
        ("phdthesis", "thesis", "PhD thesis"),
        ("mastersthesis", "thesis", "Master's thesis"),
        ("techreport", "report", "Technical report"),
        ("incollection", "chapter", None),
        ("inbook", "chapter", None),
        ("conference", "paper-conference", None),
        ("online", "webpage", None),
        ("misc", "document", None),
    ],
)
def test_entry_types(entry_type: str, rtype: str, genre: str | None) -> None:
    records, _ = read_text("bibtex", f"@{entry_type}{{k, title = {{T}}, school = {{MIT}}}}")
    assert records[0].type == rtype
    assert records[0].genre == genre


def test_unknown_type_kept_in_extra() -> None:
    records, _ = read_text("bibtex", "@weird{k, title = {T}, foo = {bar}}")
    assert records[0].type == "document"
    assert ("bibtex:entrytype", "weird") in records[0].extra and ("bibtex:foo", "bar") in records[0].extra


def test_broken_entry_reported_with_line_and_rest_read() -> None:
    text = "@article{good1, title = {One}}\n\n@article{bad, title = {unclosed\n\n@article{good2, title = {Two}}\n"
    records, problems = read_text("bibtex", text)
    assert [r.title for r in records] == ["One", "Two"]
    (problem,) = errors(problems)
    assert (problem.record, problem.line) == (2, 3)
    assert "closing" in problem.reason and problem.raw is not None and problem.raw.startswith("@article{bad")


def test_failed_block_is_a_problem_with_its_line() -> None:
    text = "@article{a, title={One}}\n\n@article{x, title={unclosed}\n@book{b, title={Two}}\n"
    records, problems = read_text("bibtex", text)
    assert [r.title for r in records] == ["One", "Two"]
    (problem,) = errors(problems)
    assert problem.line == 3 and problem.record == 2 and "could not be parsed" in problem.reason


def test_a_value_without_a_field_name_is_reported() -> None:
    records, problems = read_text("bibtex", "@article{x, title={T}, = {Orphan value}}")
    assert records[0].title == "T"
    assert [p.reason for p in warnings(problems)] == ["entry 'x': a value without a field name (= {Orphan value}); skipped"]


def test_missing_comma_between_fields_is_repaired_with_a_warning() -> None:
    records, problems = read_text("bibtex", "@article{k,\ntitle = {Escaped}\nfile = {a.pdf},\n}")
    assert records[0].title == "Escaped"
    assert ("bibtex:file", "a.pdf") in records[0].extra
    assert len(warnings(problems)) == 1


def test_bom_and_latin1_fallback() -> None:
    records, problems = read_bytes("bibtex", "\ufeff@book{k, title = {Été}}".encode("utf-8"))
    assert records[0].title == "Été" and problems == []
    records, problems = read_bytes("bibtex", "@book{k, title = {Été à Köln}}".encode("latin-1"))
    assert records[0].title == "Été à Köln"
    assert [p.severity for p in problems] == ["warning"] and "UTF-8" in problems[0].reason


def test_url_in_howpublished_is_a_link() -> None:
    records, _ = read_text("bibtex", r"@misc{k, title = {Page}, howpublished = {\url{https://example.org/a_b}}}")
    assert records[0].url == "https://example.org/a_b"
    assert records[0].medium is None


def test_crossref_cascades_xref_does_not_inherit_and_cycles_stop() -> None:
    records, problems = read_text("bibtex", r"""
@inbook{c, title = {Chapter}, crossref = {b}}
@book{b, title = {Book}, crossref = {s}}
@book{s, publisher = {Series House}, year = {1999}}
@inbook{x, title = {Linked}, xref = {b}}
@book{loop1, title = {L1}, crossref = {loop2}}
@book{loop2, year = {2001}, crossref = {loop1}}
""")
    assert errors(problems) == []
    by_key = {r.key: r for r in records}
    chapter = by_key["c"]
    assert chapter.container is not None and chapter.container.title == "Book"
    assert chapter.publisher == "Series House"  # from the grandparent
    assert chapter.issued is not None and chapter.issued.iso() == "1999"
    linked = by_key["x"]
    assert linked.container is None and linked.publisher is None
    assert ("bibtex:xref", "b") in linked.extra
    assert by_key["loop1"].issued is not None and by_key["loop1"].issued.iso() == "2001"


def test_address_and_location_together() -> None:
    records, _ = read_text("bibtex", "@inproceedings{k, title={T}, location={San Jose, CA}, address={New York, NY}, numpages={10}}")
    (r,) = records
    assert (r.place, r.event_place) == ("New York, NY", "San Jose, CA")
    assert r.extra == (("bibtex:numpages", "10"),)


def test_macro_defined_after_its_use() -> None:
    records, problems = read_text("bibtex", '@article{k, title={T}, journal = jbio}\n@string{jbio = "Journal of Biology"}')
    assert records[0].container is not None and records[0].container.title == "Journal of Biology"
    assert errors(problems) == []


def test_percent_comment_lines_between_fields_are_comments_and_other_text_is_reported() -> None:
    text = ("@article{k,\n  title = {T},\n%% a comment line\n  author = {A, B},\n"
            "% doi = {10.1/x},\nthis is junk\n  year = {2020}\n}\n")
    records, problems = read_text("bibtex", text)
    (record,) = records
    assert record.title == "T" and record.authors[0].family == "A" and record.issued.year == 2020
    assert not [e for e in record.extra if "%" in e[0] or "junk" in e[0]]
    assert [p.reason for p in warnings(problems)] == [
        "entry 'k': field 'doi' is commented out with %; skipped",
        "entry 'k': text before field 'year' ignored: 'this is junk'"]


def test_one_nul_costs_the_entry_it_is_in_not_the_file() -> None:
    records, problems = read_text("bibtex", "@article{a\x00b, title={One}}\n@book{c, title={Two}}\n")
    assert [r.title for r in records] == ["Two"]
    (error,) = errors(problems)
    assert error.record == 1 and "NUL" in error.reason
