"""The library API and the registry: what a reference manager calling exporter sees."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from support import EXAMPLES, SEED_SOLR, SEED_TEXT

import exporter
from exporter import ExporterError, Problem, RecordError, convert, read, write
from exporter.registry import detect_format


def test_read_write_convert(seed):
    assert write([seed], "bibtex") == convert(SEED_SOLR, "bibtex")
    out = io.StringIO()
    assert write([seed], "ris", out) is None
    assert out.getvalue().startswith("TY  - JOUR")


def test_convert_to_a_file(tmp_path):
    target = tmp_path / "seed.ttl"
    assert convert(SEED_TEXT, "turtle", target, base_iri="https://example.edu/r/") is None
    assert "<https://example.edu/r/pubmed-7919701>" in target.read_text(encoding="utf-8")


def test_read_accepts_binary_and_text_streams():
    data = SEED_SOLR.read_bytes()
    assert list(read(io.BytesIO(data), "vufind")) == list(read(io.StringIO(data.decode()), "vufind"))


def test_read_detects_format_of_streams():
    (r,) = read(io.StringIO(SEED_TEXT.read_text(encoding="utf-8")))
    assert r.pmid == "33630504"


def test_bad_record_raises_by_default_and_is_reported_with_a_handler():
    data = '[{"id": "1", "title": "ok"}, {"id": "2", "author": {"x": 1}}, {"id": "3", "title": "ok too"}]'
    with pytest.raises(RecordError, match=r"<stream>:record 2: field 'author'"):
        list(read(io.StringIO(data), "vufind"))
    problems: list[Problem] = []
    records = list(read(io.StringIO(data), "vufind", on_problem=problems.append))
    assert [r.title for r in records] == ["ok", "ok too"]
    assert [(p.record, p.line) for p in problems] == [(2, 1)]


def test_a_warning_about_a_record_does_not_shift_the_numbers_of_the_next():
    # the reader warns about record 1 before yielding it; record 2's invalid ISSN is
    # reported by the API, and must name record 2
    ris = ("TY  - WEIRD\nTI  - One\nER  - \n\n"
           "TY  - JOUR\nTI  - Two\nSN  - 1234-5678\nER  - \n\n")
    problems: list[Problem] = []
    assert len(list(read(io.StringIO(ris), "ris", on_problem=problems.append))) == 2
    assert [(p.record, p.reason.split()[0]) for p in problems] == [(1, "unknown"), (2, "ISSN")]


def test_unknown_writer_option_is_an_error():
    with pytest.raises(ExporterError, match="option style does not apply to ris"):
        write([], "ris", style="apa")


def test_detection():
    assert detect_format("x.txt", SEED_TEXT.read_text(encoding="utf-8")[:4000]) == "vufind-text"
    assert detect_format("x.json", SEED_SOLR.read_text(encoding="utf-8")[:4000]) == "vufind"
    assert detect_format("x.json", '[{"id": "a", "type": "book", "issued": {"date-parts": [[2020]]}}]') == "csl-json"
    assert detect_format(None, '{"response": {"docs": []}}') == "vufind"
    with pytest.raises(ExporterError, match="cannot tell the input format"):
        detect_format("x.dat", "hello")


def test_public_api_names():
    assert {"read", "write", "convert", "Record"} <= set(exporter.__all__)


def test_reading_ris_support_does_not_import_rdflib_or_citeproc():
    code = (
        "import sys, exporter\n"
        "exporter.write(list(exporter.read('" + str(SEED_SOLR) + "')), 'ris')\n"
        "exporter.write(list(exporter.read('" + str(SEED_SOLR) + "')), 'bibtex')\n"
        "print(sorted(m for m in ('rdflib', 'citeproc', 'lxml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_entry_point_plugin(monkeypatch):
    """A writer registered under the exporter.writers entry point is found like a built-in."""
    from importlib.metadata import EntryPoint

    from exporter import registry

    monkeypatch.syspath_prepend(str(EXAMPLES / "plugin"))
    ep = EntryPoint("markdown-list", "exporter_plugin_example:MarkdownListWriter", "exporter.writers")
    monkeypatch.setattr(registry, "entry_points", lambda group: [ep] if group == "exporter.writers" else [])
    registry._entries.cache_clear()
    registry.writer_class.cache_clear()
    try:
        assert "markdown-list" in exporter.writer_names()
        out = convert(SEED_SOLR, "markdown-list")
        assert out.startswith("- Alidina, Shehnaz; Martelli, Peter F\\.; Singer, Sara J\\.; Aveling, Emma\\-Louise (2021). *Optimizing")
        assert out.rstrip().endswith("<https://doi.org/10.1097/HMR.0000000000000250>")
    finally:
        registry._entries.cache_clear()
        registry.writer_class.cache_clear()


def test_installed_package_works_from_any_folder(tmp_path):
    """Run from an unrelated folder: the package, its data and its templates are found."""
    code = (
        "import exporter, exporter.resources as r\n"
        "print(r.template_path('README.md').is_file())\n"
        "print(exporter.convert(" + repr(str(SEED_SOLR)) + ", 'citation', style='apa').startswith('Alidina, S.'))\n"
    )
    import os
    from pathlib import Path

    # the exporter under test: the installed one in CI, the source tree in a checkout
    env = {**os.environ, "PYTHONPATH": str(Path(exporter.__file__).resolve().parent.parent)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, check=True).stdout
    assert out.split() == ["True", "True"]
