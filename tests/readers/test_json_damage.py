"""A damaged JSON record costs exactly itself: JSON lines, arrays and Solr responses
resynchronise at the next record, name the record and the line where the damage is, and
bytes that are not UTF-8 cost only the record they are in."""

from __future__ import annotations

import io
import json

import pytest

from exporter import read
from exporter.problems import Problem


def _read(data: bytes, fmt: str) -> tuple[list, list[Problem]]:
    problems: list[Problem] = []
    records = list(read(io.BytesIO(data), fmt, on_problem=problems.append))
    return records, problems


def _docs(n: int) -> list[dict]:
    return [{"id": f"r{i}", "title": f"Title {i}", "format": ["Book"]} for i in range(1, n + 1)]


def _items(n: int) -> list[dict]:
    return [{"id": f"r{i}", "type": "book", "title": f"Title {i}"} for i in range(1, n + 1)]


def test_json_lines_broken_line_costs_itself():
    lines = [json.dumps(d) for d in _docs(5)]
    lines[2] = '{broken'
    records, problems = _read(("\n".join(lines) + "\n").encode(), "vufind")
    assert [r.key or r.provenance.source_id for r in records] == ["r1", "r2", "r4", "r5"]
    assert [(p.severity, p.record, p.line) for p in problems] == [("error", 3, 3)]


def test_json_lines_first_line_broken():
    lines = [json.dumps(d) for d in _docs(4)]
    lines[0] = '{"id": "r1", "title": "cut'
    records, problems = _read(("\n".join(lines) + "\n").encode(), "vufind")
    assert [r.provenance.source_id for r in records] == ["r2", "r3", "r4"]
    assert [(p.record, p.line) for p in problems if p.severity == "error"] == [(1, 1)]


def test_json_lines_invalid_utf8_costs_its_line():
    lines = [json.dumps(d, ensure_ascii=False).encode() for d in _docs(4)]
    lines[1] = lines[1].replace(b"Title 2", b"Title \xff2")
    records, problems = _read(b"\n".join(lines) + b"\n", "vufind")
    assert [r.provenance.source_id for r in records] == ["r1", "r3", "r4"]
    ((p,),) = [[p for p in problems if p.severity == "error"]]
    assert (p.record, p.line) == (2, 2) and "0xff" in p.reason


@pytest.mark.parametrize("fmt, make", [("vufind", _docs), ("csl-json", _items)])
def test_array_broken_element_costs_itself(fmt, make):
    text = json.dumps(make(6), indent=2)
    lines = text.split("\n")
    # break the title string of the third element: an unterminated string at a line end
    k = next(i for i, line in enumerate(lines) if '"Title 3"' in line)
    lines[k] = lines[k].replace('"Title 3"', '"Title 3')
    records, problems = _read("\n".join(lines).encode(), fmt)
    ids = [r.key or r.provenance.source_id for r in records]
    assert ids == ["r1", "r2", "r4", "r5", "r6"]
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].record == 3
    start = next(i for i, line in enumerate(lines, 1) if '"r3"' in line) - 1  # the "{" line
    assert start <= errors[0].line <= k + 1


def test_array_missing_bracket_resyncs_at_the_next_element():
    text = json.dumps(_items(5), indent=2)
    lines = text.split("\n")
    k = next(i for i, line in enumerate(lines) if '"Title 2"' in line)
    del lines[k + 1]  # the "}," closing element 2
    records, problems = _read("\n".join(lines).encode(), "csl-json")
    assert [r.key for r in records] == ["r1", "r3", "r4", "r5"]
    assert [p.record for p in problems if p.severity == "error"] == [2]


def test_solr_response_with_a_missing_comma_loses_nothing():
    response = {"responseHeader": {"status": 0}, "response": {"numFound": 4, "docs": _docs(4)}}
    text = json.dumps(response, indent=2)
    at = text.rindex("{", 0, text.index('"id": "r3"'))
    comma = text.rindex(",", 0, at)
    text = text[:comma] + text[comma + 1:]
    records, problems = _read(text.encode(), "vufind")
    assert [r.provenance.source_id for r in records] == ["r1", "r2", "r3", "r4"]
    assert [(p.severity, p.record) for p in problems] == [("warning", 3)]


def test_solr_response_with_a_broken_doc_keeps_the_others():
    response = {"response": {"numFound": 4, "docs": _docs(4)}}
    text = json.dumps(response, indent=2).replace('"Title 2"', '"Title 2" "junk"')
    records, problems = _read(text.encode(), "vufind")
    assert [r.provenance.source_id for r in records] == ["r1", "r3", "r4"]
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].record == 2
    assert errors[0].line == next(i for i, line in enumerate(text.split("\n"), 1) if "junk" in line)


def test_invalid_utf8_in_an_array_costs_its_element():
    data = json.dumps(_items(3), ensure_ascii=False, indent=1).encode().replace(b"Title 2", b"Title \xc3(2")
    records, problems = _read(data, "csl-json")
    assert [r.key for r in records] == ["r1", "r3"]
    assert [p.record for p in problems if p.severity == "error"] == [2]


def test_pretty_values_one_after_another_resync_at_column_0():
    values = [json.dumps(d, indent=2) for d in _docs(4)]
    values[1] = values[1].replace('"Title 2"', '"Title 2')
    records, problems = _read("\n".join(values).encode(), "vufind")
    assert [r.provenance.source_id for r in records] == ["r1", "r3", "r4"]
    assert [p.record for p in problems if p.severity == "error"] == [2]


def test_many_damaged_lines_each_cost_one_record():
    lines = [json.dumps(d) for d in _docs(2000)]
    for i in range(0, 2000, 100):
        lines[i] = lines[i][: len(lines[i]) // 2]
    records, problems = _read(("\n".join(lines) + "\n").encode(), "vufind")
    assert len(records) == 1980
    assert [p.line for p in problems] == list(range(1, 2001, 100))
