"""MARC 21 readers and writers (exporter/formats/marc.py): the corpus fixtures of VuFind's
MARC library (bad, empty, long and multibyte records), VuFind's fullrecord, 880 pairs, the
773 host item, MARC-8, safe XML, and round trips over every corpus MARC file."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from support import shared_path

from exporter import read, write
from exporter.formats.marc import marc_to_record, parse_related_parts, record_to_marc
from exporter.model import Container, Contributor, DateValue, Identifier, PartialDate, Record
from exporter.problems import Problem

MARC_DIR = ("corpus", "vufind-marc", "tests", "fixtures", "marc")


def read_all(path, fmt=None):
    problems: list[Problem] = []
    records = list(read(path, fmt, on_problem=problems.append))
    return records, problems


@pytest.mark.parametrize("name, good, errors", [
    ("bad.mrc", 0, 1), ("empty.mrc", 0, 1), ("multibyte_indicators.mrc", 0, 1),
    ("longrecord.mrc", 1, 0), ("multibyte_subfields.mrc", 1, 0), ("marc_collection.mrc", 2, 0),
    # text before the XML declaration: reported once, and the intact record after it read
    ("invalid_marc_collection.xml", 1, 1), ("marc_collection.xml", 2, 0),
    ("marc_collection_ns.xml", 3, 0), ("marc_collection.json", 2, 0),
])
def test_vufind_marc_fixtures(name, good, errors):
    path = shared_path(*MARC_DIR, name)
    fmt = {".mrc": "marc", ".xml": "marcxml", ".json": "marc-json"}[path.suffix]
    records, problems = read_all(path, fmt)
    failed = [p for p in problems if p.severity == "error"]
    assert len(records) == good
    assert len(failed) == errors
    for p in failed:
        text = str(p)
        assert path.name in text and ("record" in text or "empty" in text), text
        assert "Traceback" not in text


def test_bad_record_costs_only_itself():
    good = shared_path(*MARC_DIR, "marc_collection.mrc").read_bytes()
    bad = shared_path(*MARC_DIR, "multibyte_indicators.mrc").read_bytes()
    records, problems = read_all(io.BytesIO(good + bad + good), "marc")
    assert [r.title for r in records] == ["The Foo", "The Bar", "The Foo", "The Bar"]
    (problem,) = [p for p in problems if p.severity == "error"]
    assert problem.record == 3 and "001 994803053906246" in problem.reason


def test_pymarc_messages_become_warnings_naming_the_record(capfd):
    records, problems = read_all(shared_path(*MARC_DIR, "multibyte_subfields.mrc"), "marc")
    assert len(records) == 1
    (warning,) = problems
    assert warning.severity == "warning" and "001 993629360606251" in warning.reason
    assert "subfield" in warning.reason
    assert capfd.readouterr().err == ""


def test_testbug2_fullrecord_reaches_the_record():
    (record,) = read(shared_path("corpus", "vufind", "module", "VuFind", "tests", "fixtures", "misc", "testbug2.json"))
    assert record.original_title == "Principum Neapolitanorum coniurationis anni MDCCI historia"  # 240
    assert (record.title, record.subtitle) == ("La congiura dei Principi Napoletani 1701", "(prima e seconda stesura)")
    assert ("marc:245", "13 $cGiambattista Vico ; a cura di Claudia Pandolfi.") in record.extra
    assert record.edition == "Fictional edition"  # 250
    assert (record.place, record.publisher, record.issued.year) == ("Morano", "Centro di Studi Vichiani", 1992)
    assert record.physical_description == "296 p. : ill" and record.dimensions == "24 cm"  # 300
    assert (record.series, record.series_number) == ("Opere di Giambattista Vico", "2/1")  # 490
    assert record.notes == ("Italian and Latin.",)  # 500
    assert record.references.startswith("Includes bibliographical references")  # 504
    assert record.abstract == "Sample abstract."  # 520
    assert record.subjects[0].term.startswith("Naples (Kingdom) -- History")  # 651
    assert [(c.family, c.role) for c in record.contributors] == [("Vico", "author"), ("Pandolfi", "contributor")]  # 700
    assert record.language == "it" and ("marc:languages", "la") in record.extra
    assert record.provenance.source_system == "VuFind" and record.provenance.record_format == "marc"
    # the Solr fields fill what MARC is silent on: the ISBNs only Solr has
    assert "9788072815562" in record.ids("isbn") and "8820737493" in record.ids("isbn")
    assert ("vufind:building", "testbug2.mrc") in record.extra


def test_unreadable_fullrecord_keeps_the_solr_fields_with_a_note():
    doc = '{"id": "x1", "title": "Solr title", "record_format": "marc", "fullrecord": "00099cam garbage"}'
    (record,) = read(io.StringIO(doc), "vufind")
    assert record.title == "Solr title"
    assert "fullrecord is not readable MARC" in record.provenance.repairs[0]


def test_fullrecord_marcxml():
    xml = shared_path(*MARC_DIR, "marcreader.xml").read_text(encoding="utf-8")
    import json
    doc = json.dumps({"id": "m1", "title": "Other", "record_format": "marc", "fullrecord": xml, "publishDate": ["1999"]})
    (record,) = read(io.StringIO(doc), "vufind")
    assert record.title == "The Foo" and record.subtitle == "Bar!"


def test_880_is_the_original_script_form():
    (record,) = read(shared_path(*MARC_DIR, "lint", "880.xml"), "marcxml")
    assert record.title == "Test 880"
    assert record.original_script[0] == ("title", "<Title in CJK script>")
    assert any(k == "marc:880" and "Missing subfield 6" in v for k, v in record.extra)
    back = marc_to_record(record_to_marc(record))
    assert back.original_script[0] == ("title", "<Title in CJK script>")


@pytest.mark.parametrize("g, q, expected", [
    (["Vol. 12, no. 3 (2019), p. 45-67"], None, {"volume": "12", "issue": "3", "pages": "45-67"}),
    (["12(2019), 3, S. 45-67"], None, {"volume": "12", "issue": "3", "pages": "45-67"}),
    (["Vol. 5", "no. 2", "p. 10-20"], None, {"volume": "5", "issue": "2", "pages": "10-20"}),
    ([], "12:3<45", {"volume": "12", "issue": "3", "pages": "45"}),
    (["Vol. a, b"], None, {"volume": "a, b"}),
])
def test_host_item_parts(g, q, expected):
    assert parse_related_parts(g, q) == expected


def test_article_with_host_item_round_trips():
    article = Record(type="article-journal", title="An article", contributors=(
        Contributor(family="Singer", given="Sara J.", orcid="0000-0002-1825-0097"),
        Contributor(family="Li", given="Wei", role="editor")),
        container=Container(title="Journal of Tests", volume="12", issue="3", page_start="45", page_end="67"),
        issued=DateValue(PartialDate(2019, 5)), identifiers=(Identifier("doi", "10.1000/xyz"), Identifier("issn", "0028-0836")),
        language="de")
    out = write([article], "marcxml")
    ET.fromstring(out.encode("utf-8"))
    assert '<datafield tag="773"' in out and "<subfield code=\"x\">0028-0836</subfield>" in out
    (back,) = read(io.StringIO(out), "marcxml")
    for name in ("type", "title", "contributors", "container", "issued", "language"):
        assert getattr(back, name) == getattr(article, name), name
    assert set(back.identifiers) == set(article.identifiers)


def iso2709(leader9: bytes, fields: list[tuple[bytes, bytes]]) -> bytes:
    """A record in ISO 2709 built by hand (pymarc writes UTF-8 only)."""
    directory, data = b"", b""
    for tag, body in fields:
        body += b"\x1e"
        directory += tag + b"%04d%05d" % (len(body), len(data))
        data += body
    base = 24 + len(directory) + 1
    length = base + len(data) + 1
    leader = b"%05dnam %s22%05d   4500" % (length, leader9, base)
    return leader + directory + b"\x1e" + data + b"\x1d"


def test_marc8_record_is_converted():
    raw = iso2709(b" ", [(b"001", b"marc8-test"), (b"008", b"850101s1985    xx            000 0 fre d"),
                         (b"245", b"00\x1faCaf\xe2e")])  # MARC-8: combining acute before its letter
    (record,) = read(io.BytesIO(raw), "marc")
    assert record.title == "Café"


def _marc8_records(n: int) -> bytes:
    return b"".join(iso2709(b" ", [(b"001", b"m8-%d" % i), (b"008", b"850101s1985    xx            000 0 fre d"),
                                   (b"245", b"00\x1faCaf\xe2e number %d" % i)]) for i in range(n))


@pytest.mark.parametrize("n", [3, 20_000])
def test_a_marc8_file_reads_from_its_path_and_as_a_long_stream(tmp_path, n):
    """MARC-8 bytes are not UTF-8, and the text layer under the reader must pass them on
    wherever they come: they once failed the whole file ("not UTF-8 text") when read from a
    path, or from a stream past its first 64 kB."""
    data = _marc8_records(n)
    path = tmp_path / "marc8.mrc"
    path.write_bytes(data)
    for source, fmt in ((str(path), "marc"), (str(path), None), (io.BytesIO(data), "marc")):
        problems: list[Problem] = []
        records = list(read(source, fmt, on_problem=problems.append))
        assert problems == []
        assert len(records) == n
        assert records[-1].title == f"Café number {n - 1}"


def test_marc8_record_full_of_diacritics_is_not_taken_for_binary():
    title = b"Caf\xe2e \xe2e\xe2e\xe2e\xe2e " * 5  # more than 1 byte in 100 is not UTF-8
    raw = iso2709(b" ", [(b"001", b"m8"), (b"008", b"850101s1985    xx            000 0 fre d"),
                         (b"245", b"00\x1fa" + title)])
    for fmt in ("marc", None):
        (record,) = read(io.BytesIO(raw), fmt)
        assert record.title.startswith("Café éééé")


def test_entities_are_refused_and_named():
    xml = ('<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa">]>'
           '<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 c 4500</leader>'
           '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">&a;</subfield></datafield></record></collection>')
    records, problems = read_all(io.StringIO(xml), "marcxml")
    assert records == [] and "entities" in problems[0].reason


def test_characters_xml_forbids_are_replaced_and_reported():
    problems: list[Problem] = []
    out = write([Record(title="a\x00b\x1ec\x0bd")], "marcxml", on_problem=problems.append)
    root = ET.fromstring(out.encode("utf-8"))
    assert root is not None and "a\ufffdb\ufffdc\ufffdd" in out
    assert any("replaced by U+FFFD" in p.reason for p in problems)
    binary = write([Record(title="x\x1dy")], "marc", on_problem=problems.append)
    (back,) = read(io.StringIO(binary), "marc")
    assert back.title == "x\ufffdy"


def test_lxml_reparses_marcxml():
    lxml = pytest.importorskip("lxml.etree")
    records, _ = read_all(shared_path(*MARC_DIR, "lint", "camel.mrc"), "marc")
    out = write(records, "marcxml")
    doc = lxml.fromstring(out.encode("utf-8"))
    assert len(doc.findall("{http://www.loc.gov/MARC21/slim}record")) == len(records) == 11


def _corpus_marc_files():
    from support import SHARED
    base = SHARED / "corpus"
    if not base.is_dir():
        return []
    out = [p for p in sorted((base / "vufind-marc").rglob("*")) if p.suffix in (".mrc", ".xml", ".json")]
    out += sorted((base / "zotero-translators" / "MARC").glob("*.mrc"))
    out += sorted((base / "zotero-translators" / "MARCXML").glob("*.xml"))
    return [p for p in out if "schema" not in p.name]


MATTERS = ("type", "title", "subtitle", "contributors", "container", "issued", "publisher", "place",
           "edition", "series", "series_number", "abstract", "language", "links", "notes",
           "physical_description", "original_title", "key", "original_script")


@pytest.mark.parametrize("path", _corpus_marc_files(), ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["marc", "marcxml", "marc-json"])
def test_corpus_marc_written_back_gives_the_same_fields(path, fmt):
    reader = {".mrc": "marc", ".xml": "marcxml", ".json": "marc-json"}[path.suffix]
    records, _ = read_all(path, reader)
    if not records:
        return  # the file holds no readable record (its errors are tested above)
    written: list[Problem] = []
    out = write(records, fmt, on_problem=written.append)
    too_long = {p.record for p in written if p.severity == "error" and "longer than ISO 2709" in p.reason}
    records = [r for n, r in enumerate(records, start=1) if n not in too_long]
    assert fmt == "marc" or not too_long
    if not records:
        return
    back, problems = read_all(io.StringIO(out), fmt)
    assert [p for p in problems if p.severity == "error"] == []
    assert len(back) == len(records)
    for before, after in zip(records, back):
        for name in MATTERS:
            assert getattr(after, name) == getattr(before, name), (path.name, name)
        assert set(after.identifiers) == set(before.identifiers)
        assert set(after.subjects) == set(before.subjects)
        had_008 = any(k == "marc:008" for k, _ in before.extra)  # the writer makes one if missing
        separators = str.maketrans("\x1d\x1e\x1f", "\ufffd\ufffd\ufffd")  # replaced on writing
        assert (sorted(e for e in after.extra if had_008 or e[0] != "marc:008")
                == sorted((k, v.translate(separators)) for k, v in before.extra))


def test_marc8_bytes_pymarc_cannot_map_are_a_warning_on_the_record_not_stderr_lines(capfd):
    """pymarc writes "Unable to parse character ..." to stderr and puts a space in place;
    that is a warning problem naming the record, and nothing reaches the real stderr."""
    raw = iso2709(b" ", [(b"001", b"m8-cc"), (b"245", b"00\x1faTit\xcc\xcce")])  # 0xCC: no MARC-8 character
    problems: list[Problem] = []
    (record,) = read(io.BytesIO(raw), "marc", on_problem=problems.append)
    said = [p for p in problems if "MARC-8 decoding" in p.reason]
    assert [(p.record, p.severity) for p in said] == [(1, "warning")]
    assert "0xcc" in said[0].reason and "(001 m8-cc)" in said[0].reason
    assert "Unable to parse" not in capfd.readouterr().err


def test_utf8_records_whose_leader_says_marc8_are_read_as_utf8():
    """Records converted to UTF-8 without leader/09 being set (VuFind's geo_titles.mrc,
    marc4j's multibyte_subfields.mrc) read as UTF-8, with a warning on the record, not as
    MARC-8 mojibake ("R©♭sultats")."""
    path = shared_path("corpus", "vufind", "tests", "data", "geo_titles.mrc")
    problems: list[Problem] = []
    records = list(read(path, "marc", on_problem=problems.append))
    assert len(records) == 4
    assert "Résultats du programme" in records[0].title and "©♭" not in records[0].title
    said = [p for p in problems if "leader/09 says MARC-8" in p.reason]
    assert [(p.record, p.severity) for p in said] == [(1, "warning")] and "(001 7788123)" in said[0].reason
    assert not [p for p in problems if "MARC-8 decoding" in p.reason]


def test_real_marc8_stays_marc8():
    """MARC-8's combining marks before their letters are not UTF-8, nor are records with
    its escape sequences: those keep being decoded as MARC-8."""
    for title, expected in ((b"Caf\xe2e", "Café"), (b"\x1b(SA\x1bs", "Α")):
        raw = iso2709(b" ", [(b"001", b"m8"), (b"245", b"00\x1fa" + title)])
        problems: list[Problem] = []
        (record,) = read(io.BytesIO(raw), "marc", on_problem=problems.append)
        assert record.title == expected, record.title
        assert not [p for p in problems if "leader/09" in p.reason]


def _marcxml(*fields: str, leader: str = "00000nam a2200000 c 4500") -> io.StringIO:
    return io.StringIO('<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
                       f"<leader>{leader}</leader>" + "".join(fields) + "</record></collection>")


def _df(tag: str, ind: str, **subs: str) -> str:
    body = "".join(f'<subfield code="{code.lstrip("_")}">{value}</subfield>' for code, value in subs.items())
    return f'<datafield tag="{tag}" ind1="{ind[0]}" ind2="{ind[1]}">{body}</datafield>'


def test_a_publisher_named_as_a_710_is_no_contributor_and_is_written_back():
    src = _marcxml(_df("245", "00", a="Proceedings"), _df("264", " 1", a="Bad Heilbrunn", b="Klinkhardt"),
                   _df("700", "1 ", a="Sturm, Tanja", _4="edt"), _df("710", "2 ", a="Verlag Julius Klinkhardt", _4="pbl"))
    (record,) = read(src, "marcxml")
    assert [(c.family, c.role) for c in record.contributors] == [("Sturm", "editor")]
    assert ("marc:710", "2  $aVerlag Julius Klinkhardt $4pbl") in record.extra
    out = write([record], "marcxml")
    assert '<datafield tag="710" ind1="2" ind2=" ">' in out
    (back,) = read(io.StringIO(out), "marcxml")
    assert back.contributors == record.contributors
    assert [e for e in back.extra if e[0] != "marc:008"] == list(record.extra)  # the writer adds an 008


def test_creator_relators_make_the_author():
    src = _marcxml(_df("245", "00", a="Telescope Peak"), _df("700", "1 ", a="Cushman, Charles", e="photographer", _4="pht"),
                   _df("700", "1 ", a="Mercator, Gerhard", _4="ctg"), _df("700", "1 ", a="Helper, Hal", _4="ctb"),
                   leader="00000nkm a2200000 c 4500")
    (record,) = read(src, "marcxml")
    assert [c.role for c in record.contributors] == ["author", "author", "contributor"]


def test_a_table_of_contents_link_is_not_the_url():
    toc = _df("856", "42", u="http://d-nb.info/987805282/04", _3="Inhaltsverzeichnis")
    (record,) = read(_marcxml(_df("245", "00", a="A book"), toc), "marcxml")
    assert record.links[0].relation == "related" and record.url is None
    from exporter.losses import facets
    assert "link" not in facets(record) and "link:more" in facets(record)  # reported where not written
    (both,) = read(_marcxml(_df("245", "00", a="A book"), toc, _df("856", "40", u="https://example.org/book")), "marcxml")
    assert both.url == "https://example.org/book"
    (csl,) = read(io.StringIO(write([record], "csl-json")), "csl-json")
    assert csl.links == record.links  # kept, though no URL


def test_copyright_dates_are_not_circa():
    (record,) = read(_marcxml(_df("245", "00", a="A :"), _df("260", "  ", a="London :", b="Nova,", c="c1984.")), "marcxml")
    assert record.issued.iso() == "1984"
    (record,) = read(_marcxml(_df("245", "00", a="A :"), _df("260", "  ", c="[ca. 1900]")), "marcxml")
    assert record.issued.iso() == "1900~"


@pytest.mark.parametrize("cut", range(9))
def test_an_entity_declaration_across_a_read_boundary_is_refused(cut):
    """The parser reads 64 KiB at a time; every chunk is searched for <!ENTITY before it is
    parsed, also when the declaration starts in one chunk and ends in the next (the cuts
    place its start 0-8 characters before the first chunk's end)."""
    head = '<?xml version="1.0"?>'
    doctype = '<!DOCTYPE collection [<!ENTITY a "aaaaaaaaaa">]>'
    pad = "<!--" + "x" * ((1 << 16) - cut - len(head) - len("<!DOCTYPE collection [") - 7) + "-->"
    xml = (head + pad + doctype + '<collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
           '<leader>00000nam a2200000 c 4500</leader><datafield tag="245" ind1="0" ind2="0">'
           '<subfield code="a">&a;</subfield></datafield></record></collection>')
    assert xml.find("<!ENTITY") == (1 << 16) - cut
    records, problems = read_all(io.StringIO(xml), "marcxml")
    assert records == [] and "entities" in problems[0].reason
    plain = xml.replace('[<!ENTITY a "aaaaaaaaaa">]', "").replace("&a;", "T")
    records, _ = read_all(io.StringIO(plain), "marcxml")
    assert [r.title for r in records] == ["T"]  # a DOCTYPE without entities is read


def test_two_spellings_of_one_doi_are_one_024_so_a_second_trip_writes_the_same():
    """Found by the round-trip property test: "10.0000/0" and "10.0000/0." clean to one DOI."""
    record = Record(type="article-journal", title="T",
                    identifiers=(Identifier("doi", "10.0000/0"), Identifier("doi", "10.0000/0.")))
    once = write([record], "marcxml")
    assert once.count('tag="024"') == 1
    assert write(list(read(io.StringIO(once), "marcxml")), "marcxml") == once


def test_binary_marc_read_in_ranges_reads_as_the_whole_file(tmp_path):
    """exporter dump's workers read binary MARC in ranges cut after record terminators
    (exporter.ranges): the same records, and problems with the same record numbers and the
    byte offsets of the file, not of the range."""
    import exporter.ranges as ranges
    from exporter.registry import reader_class

    def rec(i: int) -> bytes:  # MARC-8; 0xCC is a byte pymarc cannot map (a warning)
        title = b"Tit\xcc\xcc" if i in (4, 9) else b"Caf\xe2e"
        return iso2709(b" ", [(b"001", b"m8-%d" % i), (b"008", b"850101s1985    xx            000 0 fre d"),
                              (b"245", b"00\x1fa" + title + b" %d" % i)])

    path = tmp_path / "ranges.mrc"
    path.write_bytes(b"".join(rec(i) + (b"\n" if i % 3 == 0 else b"") for i in range(12)))
    problems: list[Problem] = []
    whole = list(ranges.numbered(read(str(path), "marc", on_problem=problems.append), problems))
    assert [p.record for p in problems] == [5, 10] and all("MARC record at byte" in p.reason for p in problems)
    found = list(ranges.find_cuts(str(path), reader_class("marc").record_splitter(), False))
    assert found[-1] == ranges.End(path.stat().st_size, 13, 5)  # cut at every record, through
    for step in (1, 2, 5):
        cuts = [c for c in found if isinstance(c, ranges.Cut)][::step]
        got: list = []
        got_problems: list[Problem] = []
        for a, b in zip(cuts, [*cuts[1:], found[-1]]):
            got += ranges.read_range(str(path), "marc", a.offset, b.offset, a.number, a.line, got_problems.append)
        assert got == whole
        assert got_problems == problems


def test_binary_marc_is_cut_only_where_each_record_is_whole(tmp_path):
    """A record whose leader does not give its length (cut off, glued to the next) stops
    the cutting there: the rest is read whole, as one reader sees it."""
    import exporter.ranges as ranges
    from exporter.registry import reader_class

    good = [iso2709(b"a", [(b"001", b"r%d" % i), (b"245", b"00\x1faTitle %d" % i)]) for i in range(6)]
    broken = good[3][:-20] + good[3][-1:]  # 19 bytes short of its declared length
    path = tmp_path / "broken.mrc"
    path.write_bytes(b"".join(good[:3]) + broken + b"".join(good[4:]))
    found = list(ranges.find_cuts(str(path), reader_class("marc").record_splitter(), False))
    assert found[-1] == ranges.End(sum(map(len, good[:3])), 4, 1)
    assert [c.number for c in found[:-1]] == [1, 2, 3]
