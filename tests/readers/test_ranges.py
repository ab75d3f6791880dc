"""A file read in ranges reads as the whole file, for every reader that cuts its files.

``exporter dump`` has its workers read byte ranges of an input (exporter.ranges): the main
process finds record starts on the bytes, and each range is read alone with the same
reader. Here real records from the corpora (the chunkers of test_damage_properties) are
put into files, clean or with one record damaged, the files are cut into ranges at random
record starts, with blocks small enough that the driver meets every edge, and:

* the records (with their numbers) and the problems (with record numbers, lines and
  source) of the ranges and the rest read whole are those of the whole file;
* a clean file is cut at every record, through to its end (the splitters do not refuse
  the plain files the corpora hold);
* damage never cuts wrong: where the splitter cannot vouch for a stretch, the file from
  there on is read whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_damage_properties import CHUNKERS, damage, texts

import exporter.ranges as ranges
from exporter import read
from exporter.problems import Problem
from exporter.registry import reader_class, reader_names

SPLIT = sorted(n for n in reader_names() if reader_class(n).record_splitter() is not None)
KINDS = ["truncated", "junk line", "invalid bytes", "missing terminator", "NUL", "glued", "repeated"]
N = 8


def test_the_readers_that_cut_their_files():
    assert set(SPLIT) >= {"csl-json", "vufind", "ris", "bibtex", "biblatex", "medline", "endnote"}
    assert all(CHUNKERS.get(name) is not None for name in SPLIT), "a reader that cuts needs a chunker to be tested"


def whole(path: str, fmt: str) -> tuple[list, list[Problem]]:
    problems: list[Problem] = []
    records = list(ranges.numbered(read(path, fmt, on_problem=problems.append), problems))
    return records, problems


def in_ranges(path: str, fmt: str, step: int) -> tuple[list, list[Problem], ranges.End]:
    """Read ``path`` in ranges of ``step`` records (then whole from where cutting stopped)."""
    found = list(ranges.find_cuts(path, reader_class(fmt).record_splitter(), reader_class(fmt).legacy_encodings))
    end = found[-1]
    assert isinstance(end, ranges.End)
    cuts = [c for c in found if isinstance(c, ranges.Cut)][::step]
    records: list = []
    problems: list[Problem] = []
    for a, b in zip(cuts, [*cuts[1:], end]):
        if a.offset == b.offset:
            continue
        records += ranges.read_range(path, fmt, a.offset, b.offset, a.number, a.line, problems.append)
    if end.offset < os.path.getsize(path):
        records += ranges.read_from(path, fmt, end.number, end.line, problems.append)
    return records, problems, end


def _file(data: bytes, suffix: str) -> str:
    fd, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


@pytest.mark.parametrize("name", SPLIT)
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_ranges_read_as_the_whole_file(name, data, monkeypatch):
    chunker = CHUNKERS[name]
    assert chunker is not None
    pool = texts(name)
    n = min(N, len(pool))
    start = data.draw(st.integers(0, len(pool) - n), label="first record")
    chunks = list(pool[start:start + n])
    kind = data.draw(st.sampled_from([None, *KINDS]), label="damage")
    if kind is not None:
        k = data.draw(st.integers(0, n - 1), label="damaged record")
        where = data.draw(st.floats(0.05, 0.95), label="where")
        if kind == "glued":  # cut off mid-line: the next record follows on the same line
            chunks[k] = chunks[k][:max(1, int(len(chunks[k].rstrip()) * where))]
        elif kind == "repeated":  # an earlier record again (BibTeX: a duplicate key)
            chunks[k] = chunks[int(k * where)]
        else:
            chunks[k] = damage(chunks[k], kind, where, chunker.terminator)
    file_bytes = chunker.join(chunks)
    if data.draw(st.booleans(), label="CRLF"):
        file_bytes = file_bytes.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if data.draw(st.booleans(), label="byte order mark"):
        file_bytes = b"\xef\xbb\xbf" + file_bytes
    monkeypatch.setattr(ranges, "BLOCK", data.draw(st.sampled_from([64, 500, 4096, 1 << 20]), label="block"))
    monkeypatch.setattr(ranges, "LAYOUT_HEAD", 64)
    # a range streams from the file and only its last bytes are framed: any number of them
    monkeypatch.setattr(ranges, "_FRAMED_TAIL", data.draw(st.sampled_from([1, 2, 7, 100, 1 << 16]), label="framed tail"))
    step = data.draw(st.integers(1, 3), label="records per range")
    path = _file(file_bytes, reader_class(name).extensions[0])
    try:
        expected = whole(path, name)
        got_records, got_problems, end = in_ranges(path, name, step)
    finally:
        Path(path).unlink()
    assert got_records == expected[0]
    assert got_problems == expected[1]


@pytest.mark.parametrize("name", SPLIT)
def test_clean_files_are_cut_through(name, monkeypatch):
    """Files of corpus records one after another are cut at every record, to their end,
    unless reading them whole reports something outside the records (text between them,
    a record without its end) or they hold what the splitter reads whole by design
    (BibTeX's crossref); and most are."""
    chunker = CHUNKERS[name]
    assert chunker is not None
    pool = texts(name)
    n = min(N, len(pool))
    monkeypatch.setattr(ranges, "BLOCK", 500)
    monkeypatch.setattr(ranges, "LAYOUT_HEAD", 64)
    through = refused = 0
    for start in range(0, len(pool) - n + 1, n):
        data = chunker.join(pool[start:start + n])
        if start == n:
            data = b"\xef\xbb\xbf" + data  # one with a byte order mark
        path = _file(data, reader_class(name).extensions[0])
        try:
            found = list(ranges.find_cuts(path, reader_class(name).record_splitter(), reader_class(name).legacy_encodings))
            if found[-1].offset == len(data) and len(found) == n + 1:
                through += 1
                continue
            outside = [p for p in whole(path, name)[1] if p.record is None]
        finally:
            Path(path).unlink()
        # BibTeX's crossref; a byte order mark before binary MARC, which the reader skips
        # and counts no byte offset for (the offsets its problems name would shift)
        by_design = (name in ("bibtex", "biblatex") and b"crossref" in data.lower()) or (
            name == "marc" and data.startswith(b"\xef\xbb\xbf"))
        assert outside or by_design, f"records {start}-{start + n}: a clean file was not cut through ({found[-1]})"
        refused += 1
    assert through >= refused, f"only {through} of {through + refused} files cut through"


_JSON_BODIES = ['', '  \n', '{"a": 1}', '{"a": 1},\n  {"b": [1, {"c": "}"}]}', '{"a": 1},', '{"a": 1},,{"b": 2}',
                '{"a": 1} {"b": 2}', '1, "x", null, NaN, -Infinity', '{"a": "\\u00e9\\n"}\t,\r\n{}', '{"a": }',
                '{"a": 1}]', '[{"a": 1}], {}', '{"a": "unterminated}', ' , {}', '{} ,', '"\\ud800"', '[' * 3000]


@pytest.mark.parametrize("body", _JSON_BODIES)
def test_the_array_check_counts_what_json_loads_would(body):
    """The splitter counts an array run's values in place, one scan per value, instead of
    json.loads of the run between brackets; both must agree on every body, broken or not."""
    import json

    from exporter.formats.jsonio import _count_values

    try:
        expected = len(json.loads("[" + body + "]"))
    except (ValueError, RecursionError):
        expected = None
    assert _count_values(body) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['{"a": 1}', '{"b": [1, 2]}', '"s"', "3", "", " ", ",", "\n", "]", "[", "{", "}",
                                 '"', "\\", "null", "tru"]), max_size=12))
def test_the_array_check_agrees_with_json_loads_on_any_text(parts):
    import json

    from exporter.formats.jsonio import _count_values

    body = "".join(parts)
    try:
        expected = len(json.loads("[" + body + "]"))
    except (ValueError, RecursionError):
        expected = None
    assert _count_values(body) == expected
    # in place, between other text (a run's brackets and the comma after it)
    for before, after in (("[", "]"), ("[\n  ", ",\n"), ("", '"x"]')):
        assert _count_values(before + body + after, len(before), len(before) + len(body)) == expected


def _old_array_body(text, first, last):
    """The array run's body as the splitter cut it before (a copy; now positions)."""
    body = text
    if first:
        body = body.removeprefix("\ufeff").lstrip(" \t\n\r")
        if not body.startswith("["):
            return None
        body = body[1:]
    body = body.rstrip(" \t\n\r")
    closing = "]" if last else ","
    if not body.endswith(closing):
        return None
    return body[:-1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["\ufeff", "[", "]", ",", " ", "\n", "\t", "{}", '"a"', "x"]), max_size=8),
       st.booleans(), st.booleans())
def test_the_array_run_bounds_are_the_old_body(parts, first, last):
    from exporter.formats.jsonio import _array_body

    text = "".join(parts)
    bounds = _array_body(text, first, last)
    old = _old_array_body(text, first, last)
    assert (None if bounds is None else text[bounds[0]:bounds[1]]) == old


def _marcxml_records(n: int) -> list[str]:
    """``n`` MARCXML records as our writer lays them out (each "  <record>...</record>\\n")."""
    import re

    from exporter import write
    from exporter.model import Contributor, Record

    text = write([Record(title=f"Title {i} & more", contributors=(Contributor(family=f"Author{i}", given="A."),))
                  for i in range(n)], "marcxml")
    return re.findall(r"  <record>.*?</record>\n", text, re.S)


_MARC_NS = "http://www.loc.gov/MARC21/slim"


@pytest.mark.parametrize("layout, cut", [
    ("plain", True),
    ("prefixed", True),          # <marc:collection xmlns:marc=...><marc:record>
    ("comment", False),          # a comment between records: read whole from there
    ("cdata", False),
    ("entity reference", False),
    ("oai-pmh", False),          # OAI-PMH: each <record> holds a MARC <record>
    ("latin-1 declared", False),
    ("record on the root's line", False),
])
def test_xml_documents_are_cut_only_where_laid_out_plainly(layout, cut, monkeypatch):
    """MARCXML is cut at record start tags that open lines, inside a root named collection,
    and read alone inside the root's tags; any markup that could read otherwise alone
    (comments, CDATA, entity references, nested records, another encoding) stops cutting,
    and every layout reads in ranges as it reads whole."""
    records = _marcxml_records(12)
    decl = '<?xml version="1.0" encoding="UTF-8"?>\n'
    root, end = f'<collection xmlns="{_MARC_NS}">\n', "</collection>\n"
    if layout == "prefixed":
        records = [r.replace("<", "<marc:").replace("<marc:/", "</marc:") for r in records]
        root, end = f'<marc:collection xmlns:marc="{_MARC_NS}">\n', "</marc:collection>\n"
    elif layout == "comment":
        records[6] = "  <!-- a note -->\n" + records[6]
    elif layout == "cdata":
        records[6] = records[6].replace("Title 6 &amp; more", "<![CDATA[Title 6 & more]]>")
    elif layout == "entity reference":
        records[6] = records[6].replace("Title 6 &amp; more", "Title 6 &nbsp; more")
        decl += '<!DOCTYPE collection [<!ENTITY nbsp "&#160;">]>\n'
    elif layout == "oai-pmh":
        root = ('<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n')
        inner = '<record xmlns="' + _MARC_NS + '">'
        records = [f"<record><header><identifier>oai:{i}</identifier></header><metadata>\n"
                   + r.replace("<record>", inner, 1) + "</metadata></record>\n"
                   for i, r in enumerate(records)]
        end = "</ListRecords></OAI-PMH>\n"
    elif layout == "latin-1 declared":
        decl = '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    elif layout == "record on the root's line":
        root = root.rstrip("\n")
    data = (decl + root + "".join(records) + end).encode("utf-8")
    monkeypatch.setattr(ranges, "BLOCK", 500)
    monkeypatch.setattr(ranges, "LAYOUT_HEAD", 64)
    path = _file(data, ".xml")
    try:
        expected = whole(path, "marcxml")
        got_records, got_problems, end_at = in_ranges(path, "marcxml", 2)
    finally:
        Path(path).unlink()
    assert got_records == expected[0] and got_problems == expected[1]
    assert len(expected[0]) == 12 or layout in ("entity reference",)
    assert (end_at.offset == len(data)) == cut, end_at


def test_pubmed_files_with_their_doctype_read_in_ranges_as_whole(monkeypatch):
    """efetch's PubMed XML names its DTD (a DOCTYPE without an internal subset, which
    declares nothing): a file with an article a line is cut, one whose articles share a
    line is read whole, and both read in ranges as they read whole."""
    from support import shared_path

    monkeypatch.setattr(ranges, "BLOCK", 4096)
    for parts, cut in ((("zotero-translators", "PubMed_XML", "import-001.xml"), True),
                       (("biopython", "Tests", "Entrez", "pubmed1.xml"), False)):
        path = str(shared_path("corpus", *parts))
        data = Path(path).read_bytes()
        assert b"<!DOCTYPE PubmedArticleSet PUBLIC" in data
        expected = whole(path, "pubmed-xml")
        got_records, got_problems, end = in_ranges(path, "pubmed-xml", 1)
        assert (end.offset == len(data)) == cut, (parts, end)
        assert len(expected[0]) == 2 and got_records == expected[0] and got_problems == expected[1]
