"""A bad record costs exactly itself, for every registered reader.

Real records from the corpora are cut into their raw text, one per record (``CHUNKERS``,
one per reader: a reader without one fails ``test_every_reader_has_a_chunker``). Among N
good records one is damaged the way real files get damaged: cut off at a byte, a junk line
inside it, bytes that are not UTF-8, its terminator missing, a NUL. Then:

* nothing raises;
* at least N-1 records convert, and every good record converts;
* at most one record is reported as an error, and the error names a line inside the
  damaged record; bytes that are not UTF-8 are always reported: as an error of the damaged
  record, or, in a format that comes in legacy encodings when nothing before them was UTF-8,
  by the warning that the file was read in the fallback encoding (exporter.api).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter import read
from exporter.model import Record
from exporter.registry import reader_names

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
N = 5


@dataclass(frozen=True)
class Chunker:
    """How a format's file is made of records: where records come from (corpus files, or
    ``written`` by our writer of the format from the conformance kit's 66 varied items, for
    formats whose corpora hold too few records), how to cut a file into raw record texts,
    and how to put texts back together into a file. Texts are bytes (ISO 2709 is binary)."""

    files: tuple[str, ...]
    split: Callable[[bytes], list[bytes]]
    join: Callable[[list[bytes]], bytes]
    terminator: bytes  # what ends a record (removed for "missing terminator" damage)
    written: bool = False


def _split_at(pattern: bytes) -> Callable[[bytes], list[bytes]]:
    rx = re.compile(pattern, re.M)

    def split(data: bytes) -> list[bytes]:
        starts = [m.start() for m in rx.finditer(data)]
        return [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)]) if data[a:b].strip()]
    return split


def _elements(tag: bytes) -> Callable[[bytes], list[bytes]]:
    rx = re.compile(rb"<" + tag + rb"[\s>].*?</" + tag + rb">", re.S)
    return lambda data: [m.group(0) + b"\n" for m in rx.finditer(data)]


def _json_docs(data: bytes) -> list[bytes]:
    from exporter.formats.jsonio import JSONItem, iter_json
    items = [i.value for i in iter_json(io.StringIO(data.decode("utf-8")), "x", docs_key="response.docs")
             if isinstance(i, JSONItem)]
    return [json.dumps(i, ensure_ascii=False).encode("utf-8") + b"\n" for i in items if isinstance(i, dict)]


def _csl_items(data: bytes) -> list[bytes]:
    return [json.dumps(i, ensure_ascii=False, indent=1).encode("utf-8") for i in json.loads(data)]


def _wrap(head: bytes, tail: bytes) -> Callable[[list[bytes]], bytes]:
    return lambda chunks: head + b"".join(chunks) + tail


def _iso2709(data: bytes) -> list[bytes]:
    return [r + b"\x1d" for r in data.split(b"\x1d") if r.strip()]


_MARCXML = _wrap(b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n',
                 b"</collection>\n")
_MODS = _wrap(b'<?xml version="1.0" encoding="UTF-8"?>\n<modsCollection xmlns="http://www.loc.gov/mods/v3">\n',
              b"</modsCollection>\n")

CHUNKERS: dict[str, Chunker | None] = {
    "vufind": Chunker(("vufind/module/VuFindSearch/tests/fixtures/blender/response/solr/search.json",),
                      _json_docs, b"".join, b"}"),
    "csl-json": Chunker(("../csl-conformance/items.json", "zotero-translators/CSL_JSON"), _csl_items,
                        lambda items: b"[\n" + b",\n".join(items) + b"\n]\n", b"}"),
    "pubmed-xml": Chunker(("biopython/Tests/Entrez/pubmed1.xml", "zotero-translators/PubMed_XML"),
                          _elements(b"PubmedArticle"),
                          _wrap(b'<?xml version="1.0"?>\n<PubmedArticleSet>\n', b"</PubmedArticleSet>\n"),
                          b"</PubmedArticle>"),
    "ris": Chunker(("rispy/tests/data", "zotero-translators/RIS"), _split_at(rb"^TY  - "), b"".join, b"ER  - "),
    "bibtex": Chunker(("bibtexparser", "texlive"), _split_at(rb"^@(?!comment|string|preamble)"), b"".join, b"}"),
    "biblatex": Chunker(("texlive",), _split_at(rb"^@(?!comment|string|preamble)"), b"".join, b"}"),
    "medline": Chunker(("biopython/Tests/Medline", "zotero-translators/MEDLINEnbib"),
                       _split_at(rb"^PMID- "), lambda recs: b"\n".join(r.rstrip(b"\n") + b"\n" for r in recs), b""),
    "marc": Chunker((), _iso2709, b"".join, b"\x1d", written=True),
    "marcxml": Chunker((), _elements(b"record"), _MARCXML, b"</record>", written=True),
    "marc-json": Chunker((), _split_at(rb"^\{"), b"".join, b"}", written=True),
    "mods": Chunker((), _elements(b"mods"), _MODS, b"</mods>", written=True),
    "endnote": Chunker((), _split_at(rb"^%0 "), lambda recs: b"\n".join(r.rstrip(b"\n") + b"\n" for r in recs),
                       b"", written=True),
    "endnote-xml": Chunker((), _elements(b"record"),
                           _wrap(b'<?xml version="1.0" encoding="UTF-8"?>\n<xml><records>\n', b"</records></xml>\n"),
                           b"</record>", written=True),
    # the staff-view page holds one record: damage is tested in tests/test_vufind.py
    "vufind-text": None,
}


def _endnote_xml(records: list[Record]) -> str:
    """EndNote XML as EndNote exports it, for the kit's items (we have no writer of it)."""
    from xml.sax.saxutils import escape

    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<xml><records>\n']
    for r in records:
        authors = "".join(f"<author>{escape(c.sort_name())}</author>" for c in r.authors)
        year = f"<dates><year>{r.issued.year}</year></dates>" if r.issued and r.issued.year else ""
        out.append(f'<record><ref-type name="Journal Article">17</ref-type>'
                   f"<contributors><authors>{authors}</authors></contributors>"
                   f"<titles><title>{escape(r.title or '')}</title></titles>{year}</record>\n")
    out.append("</records></xml>\n")
    return "".join(out)


def _files(chunker: Chunker, name: str) -> list[bytes]:
    if chunker.written:
        from exporter import write
        items = SHARED.parent / "csl-conformance" / "items.json"
        if not items.is_file():
            pytest.skip("../shared/csl-conformance is not present")
        records = list(read(str(items), "csl-json", on_problem=lambda p: None))
        if name == "endnote-xml":
            return [_endnote_xml(records).encode("utf-8")]
        return [write(records, name, on_problem=lambda p: None).encode("utf-8")]
    out = []
    for rel in chunker.files:
        base = SHARED / rel
        paths = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in paths:
            if path.suffix in (".md", ".js") or "zotero-expected" in path.name or not path.is_file():
                continue
            out.append(path.read_bytes())
    return out


def _record_texts(name: str) -> list[bytes]:
    """Raw texts of records our reader reads alone, from the reader's corpus files."""
    chunker = CHUNKERS[name]
    assert chunker is not None
    out: list[bytes] = []
    seen: set[object] = set()  # corpus files repeat entries: one of each key and title
    for data in _files(chunker, name):
        for chunk in chunker.split(data):
            records, problems = _read(name, chunker.join([chunk]))
            if len(records) == 1 and records[0].title and not [p for p in problems if p.severity == "error"]:
                ident = {x for x in (records[0].key, records[0].title) if x}
                if ident & seen:
                    continue
                seen |= ident
                out.append(chunk)
        if len(out) >= 40:
            break
    return out


def _read(name: str, data: bytes) -> tuple[list[Record], list]:
    problems: list = []
    records = list(read(io.BytesIO(data), name, on_problem=problems.append))
    return records, problems


_TEXTS: dict[str, list[bytes]] = {}


def texts(name: str) -> list[bytes]:
    if not SHARED.is_dir():
        pytest.skip("../shared/corpus is not present")
    if name not in _TEXTS:
        _TEXTS[name] = _record_texts(name)
    if len(_TEXTS[name]) < N:
        pytest.fail(f"{name}: only {len(_TEXTS[name])} corpus records read alone; need {N}")
    return _TEXTS[name]


def damage(data: bytes, kind: str, where: float, terminator: bytes, title: str | None = None) -> bytes:
    """The raw record with one kind of damage, at a relative position inside it (bytes that
    are not UTF-8 go inside the title, which every reader keeps, so they must be seen)."""
    body = len(data.rstrip())
    at = max(1, min(body - 1, int(body * where)))
    if kind == "invalid bytes" and title:
        for form in (title.encode("utf-8"), title.split(":")[0].strip().encode("utf-8")):
            if form and form in data:
                at = data.index(form) + len(form) // 2
                break
    while at < len(data) and (data[at] & 0xC0) == 0x80:  # not inside a UTF-8 character
        at += 1
    if kind == "truncated":
        return data[:at] + b"\n"
    if kind == "junk line":
        line_end = data.find(b"\n", at)
        line_end = len(data) if line_end < 0 else line_end + 1
        return data[:line_end] + b"%% this line is junk %%\n" + data[line_end:]
    if kind == "invalid bytes":
        return data[:at] + b"\xff\xfe" + data[at:]
    if kind == "missing terminator":
        cut = data.rfind(terminator) if terminator else -1
        return (data[:cut] + data[cut + len(terminator):]) if cut > 0 else data[:at]
    if kind == "NUL":
        return data[:at] + b"\x00" + data[at:]
    raise ValueError(kind)


#: damage every reader must report (it always lands inside a value)
MUST_REPORT = {"invalid bytes"}


def test_every_reader_has_a_chunker():
    assert sorted(reader_names()) == sorted(CHUNKERS), "a new reader needs a chunker here"


@pytest.mark.parametrize("name", sorted(k for k, v in CHUNKERS.items() if v is not None))
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_record_costs_exactly_itself(name, data):
    chunker = CHUNKERS[name]
    pool = texts(name)
    start = data.draw(st.integers(0, len(pool) - N), label="first record")
    chunks = pool[start:start + N]
    k = data.draw(st.integers(0, N - 1), label="damaged record")
    kind = data.draw(st.sampled_from(["truncated", "junk line", "invalid bytes", "missing terminator", "NUL"]), label="kind")
    where = data.draw(st.floats(0.05, 0.95), label="where")
    marker = b"\x00DAMAGE\x00"
    joined = chunker.join([marker if i == k else c for i, c in enumerate(chunks)])
    before, after = joined.split(marker)
    title = _read(name, chunker.join([chunks[k]]))[0][0].title
    damaged = damage(chunks[k], kind, where, chunker.terminator, title)
    file_bytes = before + damaged + after
    first_line = before.count(b"\n") + 1
    last_line = first_line + damaged.count(b"\n")

    records, problems = _read(name, file_bytes)  # must not raise
    expected = [_read(name, chunker.join([c]))[0][0] for i, c in enumerate(chunks) if i != k]
    titles = [r.title for r in records]
    missing = [r.title for r in expected if r.title not in titles]
    assert not missing, f"{kind}: good records lost: {missing}"
    assert len(records) >= N - 1
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) <= 1, f"{kind}: {[str(p) for p in errors]}"
    for p in errors:
        assert p.line is None or first_line - 1 <= p.line <= last_line + 1, f"{kind}: {p} not in lines {first_line}-{last_line}"
    if kind in MUST_REPORT:
        fallback = [p for p in problems if p.severity == "warning" and "read as cp1252" in p.reason]
        assert errors or fallback, f"{kind} was not reported"


@pytest.mark.parametrize("name", sorted(k for k, v in CHUNKERS.items() if v is not None))
def test_damage_spread_evenly_through_records_never_costs_a_good_record(name):
    """The deterministic sweep of ``damage_table.py`` (20 positions per kind of damage):
    hypothesis above samples; this one walks every kind through each record."""
    from damage_table import KINDS, trial

    pool = texts(name)
    outcomes = {}
    for kind in KINDS:
        for t in range(20):
            outcome = trial(name, kind, 0.05 + 0.9 * t / 19, (t * 7) % (len(pool) - N + 1), t % N)
            outcomes.setdefault(outcome, []).append(f"{kind}@{t}")
    assert "good lost" not in outcomes and "rejected elsewhere" not in outcomes, outcomes
    assert len(outcomes.get("rejected", [])) >= 20  # invalid bytes are always an error or a warning
