"""Characters XML 1.0 cannot hold (C0 controls, U+FFFE, U+FFFF) never break an XML output:
each is written as U+FFFD and reported, and the file parses."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from exporter import Record, write
from exporter.model import Contributor


@pytest.mark.parametrize("bad", ["\ufffe", "\uffff", "\x01", "\x0b", "\x1f"])
def test_rdfxml_replaces_and_reports_what_xml_cannot_hold(bad):
    record = Record(type="book", title=f"A{bad}B", key="k", publisher=f"P{bad}",
                    contributors=(Contributor(family=f"F{bad}", given="G"),))
    problems = []
    text = write([record], "rdfxml", on_problem=problems.append)
    assert bad not in text
    ET.fromstring(text.encode("utf-8"))  # well-formed
    import rdflib
    g = rdflib.Graph().parse(data=text, format="xml")
    names = {str(o) for o in g.objects(None, rdflib.URIRef("http://schema.org/name"))}
    assert "A\ufffdB" in names
    warnings = [p for p in problems if p.severity == "warning"]
    assert len(warnings) == 1 and warnings[0].record == 1 and warnings[0].reason.startswith("4 character(s)")  # title, publisher, family name, full name


def test_clean_records_give_no_warning():
    problems = []
    write([Record(type="book", title="Tab\tand\nnewline\r", key="k")], "rdfxml", on_problem=problems.append)
    assert [p for p in problems if p.severity == "warning"] == []
