"""MODS reader and writer (exporter/formats/mods.py), issue 12: alternate-script forms as
altRepGroup pairs (MODS 3.8), dates as catalogues transcribe them, part numbers and names,
GovInfo's congressional types, names of the imprint, roles, and names in one namePart.
Outputs are re-parsed with lxml."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from support import shared_path

from exporter import read, write
from exporter.model import Contributor, Record
from exporter.registry import writer_class

lxml = pytest.importorskip("lxml.etree")
NS = "{http://www.loc.gov/mods/v3}"

#: a record whose original-script forms come in the order the MODS elements have
JAPANESE = Record(
    type="book", title="Sensō to heiwa", language="ja", publisher="Iwanami Shoten", series="Iwanami bunko",
    contributors=(Contributor(family="Tolstoy", given="Leo"), Contributor(literal="Moskva Press", role="editor")),
    original_script=(("title", "戦争と平和"), ("contributor:0", "トルストイ"), ("contributor:1", "Московская пресса"),
                     ("publisher", "岩波書店"), ("series", "岩波文庫")))


def mods(text: str) -> str:
    return ('<mods xmlns="http://www.loc.gov/mods/v3" version="3.8">' + text + "</mods>")


def read_one(text: str) -> Record:
    (record,) = read(io.StringIO(mods(text)), "mods")
    return record


def test_original_script_forms_are_alt_rep_groups():
    out = write([JAPANESE], "mods")
    doc = lxml.fromstring(out.encode("utf-8"))
    grouped = [e for e in doc.iter() if isinstance(e.tag, str) and e.get("altRepGroup")]
    groups = Counter(e.get("altRepGroup") for e in grouped)
    assert len(groups) == 5 and set(groups.values()) == {2}  # each form and its main element
    for value in groups:
        main, other = [e for e in grouped if e.get("altRepGroup") == value]
        assert main.tag == other.tag and main.get("script") is None and other.get("script")
    title = doc.find(f".//{NS}titleInfo[@script]")
    assert (title.get("script"), title.get("lang"), title.findtext(f"{NS}title")) == ("Jpan", "jpn", "戦争と平和")
    cyrillic = [e for e in doc.iter(f"{NS}name") if e.get("script") == "Cyrl"]
    assert [e.findtext(f"{NS}namePart") for e in cyrillic] == ["Московская пресса"]
    assert doc.find(f".//{NS}originInfo[@script='Hani']").findtext(f"{NS}publisher") == "岩波書店"
    (back,) = read(io.StringIO(out), "mods")
    assert back.original_script == JAPANESE.original_script
    # the alternates are forms of the main elements, not further names or titles
    assert back.contributors == JAPANESE.contributors and back.title == JAPANESE.title
    assert back.publisher == JAPANESE.publisher and back.series == JAPANESE.series


def test_original_script_in_any_order_reaches_a_fixpoint():
    mixed = Record(title="T", publisher="P", edition="E", original_script=(("edition", "第2版"), ("title", "題"), ("publisher", "出版")))
    once = write([mixed], "mods")
    (back,) = read(io.StringIO(once), "mods")
    assert sorted(back.original_script) == sorted(mixed.original_script)
    assert write([back], "mods") == once


def test_marc_880_travels_through_mods():
    (record,) = read(shared_path("corpus", "vufind-marc", "tests", "fixtures", "marc", "lint", "880.xml"), "marcxml")
    assert record.original_script
    out = write([record], "mods")
    lxml.fromstring(out.encode("utf-8"))
    (back,) = read(io.StringIO(out), "mods")
    assert back.original_script == record.original_script and back.title == record.title


def test_alternates_written_by_others_are_read():
    record = read_one(
        '<titleInfo altRepGroup="1" script="Cyrl" lang="rus"><title>Война и мир</title></titleInfo>'
        '<titleInfo altRepGroup="1" script="Latn" lang="rus" transliteration="ALA-LC"><title>Voĭna i mir</title></titleInfo>'
        '<name type="personal" altRepGroup="2"><namePart>Tolstoĭ, Lev</namePart></name>'
        '<name type="personal" altRepGroup="2" script="Cyrl"><namePart>Толстой, Лев</namePart></name>'
        '<name type="personal"><namePart>Lonely, Name</namePart></name>')
    assert record.title == "Voĭna i mir"  # the Latin form is the main one, as in MARC
    assert [c.family for c in record.contributors] == ["Tolstoĭ", "Lonely"]
    assert record.original_script == (("title", "Война и мир"), ("contributor:0", "Толстой, Лев"))


def test_original_script_without_an_element_is_reported_lost():
    writer = writer_class("mods")()
    assert "original_script" not in writer.lost(JAPANESE)
    for facet in ("container:title", "contributor:5", "abstract"):  # no such element in the record
        assert "original_script" in writer.lost(Record(title="T", original_script=((facet, "題"),))), facet


@pytest.mark.parametrize("dates, expected", [
    ('<dateIssued>c1984</dateIssued><dateIssued encoding="marc">1984</dateIssued>', "1984"),
    ("<dateIssued>c1999.</dateIssued>", "1999"),  # copyright, not circa
    ("<dateIssued>[ca. 1900]</dateIssued>", "1900~"),
    ('<dateIssued point="start" encoding="marc">1998</dateIssued><dateIssued point="end" encoding="marc">9999</dateIssued>', "1998"),
    ('<dateCreated encoding="w3cdtf">1955-03-22</dateCreated><copyrightDate>2003</copyrightDate>', "1955-03-22"),
])
def test_dates_as_catalogues_write_them(dates, expected):
    assert read_one(f"<titleInfo><title>T</title></titleInfo><originInfo>{dates}</originInfo>").issued.iso() == expected


def test_part_number_and_name_read_as_marc_245_n_p():
    record = read_one("<titleInfo><title>Udvalgte Skrifter</title><partNumber>D. 1-6 B. 4.</partNumber>"
                      "<partName>Comedier</partName></titleInfo>")
    assert (record.title, record.subtitle) == ("Udvalgte Skrifter. D. 1-6 B. 4", "Comedier")
    record = read_one("<titleInfo><title>Works</title><subTitle>selected</subTitle><partNumber>Vol. 2</partNumber></titleInfo>")
    assert (record.title, record.subtitle) == ("Works. Vol. 2", "selected")


@pytest.mark.parametrize("code, rtype", [("BILLS", "bill"), ("CHRG", "hearing"), ("PLAW", "legislation"), ("OTHER", "book")])
def test_govinfo_collection_gives_the_type(code, rtype):
    record = read_one(f'<titleInfo><title>T</title></titleInfo><typeOfResource>text</typeOfResource>'
                      f'<genre authority="marcgt">government publication</genre>'
                      f"<extension><collectionCode>{code}</collectionCode></extension>")
    assert record.type == rtype


def test_names_of_the_imprint_are_no_contributors_and_come_back():
    publisher = ('<name type="corporate"><namePart>Government Publishing Office</namePart><role>'
                 '<roleTerm type="text">publisher</roleTerm><roleTerm type="code">pbl</roleTerm></role>'
                 '<role><roleTerm type="code">dst</roleTerm></role></name>')
    record = read_one('<titleInfo><title>T</title></titleInfo>' + publisher
                      + '<originInfo><publisher>U.S. GPO</publisher></originInfo>')
    assert record.contributors == () and record.publisher == "U.S. GPO"
    assert record.extra == (("mods:imprint-name", "Government Publishing Office"),)
    out = write([record], "mods")
    lxml.fromstring(out.encode("utf-8"))
    assert writer_class("mods")().lost(record) == []
    (back,) = read(io.StringIO(out), "mods")
    assert back.extra == record.extra and back.contributors == ()
    # the only publisher the record names: its publisher
    alone = read_one('<titleInfo><title>T</title></titleInfo>' + publisher)
    assert (alone.publisher, alone.extra) == ("Government Publishing Office", ())


def test_roles_and_names_in_one_name_part():
    record = read_one(
        '<titleInfo><title>T</title></titleInfo>'
        '<name type="personal"><namePart>Roger F. Wicker</namePart><role><roleTerm type="text">committee member</roleTerm></role></name>'
        '<name type="personal"><namePart>Holberg, Ludvig</namePart><namePart type="date">1684-1754</namePart></name>'
        '<name type="personal"><namePart type="family">Cushman</namePart><namePart type="given">Charles</namePart>'
        '<role><roleTerm type="code" authority="marcrelator">pht</roleTerm></role></name>'
        '<name type="corporate"><namePart>United States</namePart><namePart>Congress</namePart></name>')
    assert [(c.family, c.given, c.literal, c.role) for c in record.contributors] == [
        ("Wicker", "Roger F.", None, "contributor"),  # a role we have no slot for: not the author
        ("Holberg", "Ludvig", None, "author"),  # no role: the author
        ("Cushman", "Charles", None, "author"),  # the photographer of a photograph is its creator
        (None, None, "United States: Congress", "author"),
    ]
