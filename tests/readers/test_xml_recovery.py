"""Recovery after XML damage reads the document again in chunks: what it finds must not
depend on where the chunks are cut, and a damaged record among many costs only itself."""

from __future__ import annotations

import io

import pytest

from exporter import Record, read, write
from exporter.formats import xmlutil


def _mods_with_damage(n: int, damaged: int) -> bytes:
    records = [Record(type="book", title=f"Title {i}", key=f"r{i}") for i in range(n)]
    text = write(records, "mods")
    end = text.index("</titleInfo>", text.index(f"<title>Title {damaged}</title>"))
    return (text[:end] + "<broken" + text[end:]).encode("utf-8")  # an unclosed tag inside it


def _read(data: bytes, fmt: str = "mods") -> tuple[list[str], list[tuple[int | None, int | None]]]:
    problems = []
    records = list(read(io.BytesIO(data), fmt, on_problem=problems.append))
    return [r.title for r in records], [(p.record, p.line) for p in problems if p.severity == "error"]


@pytest.mark.parametrize("chunk", [64, 97, 1000, 4096])
def test_recovery_finds_the_same_records_whatever_the_chunk_size(chunk, monkeypatch):
    data = _mods_with_damage(60, 31)
    expected = _read(data)
    monkeypatch.setattr(xmlutil, "_CHUNK", chunk)
    assert _read(data) == expected
    titles, errors = expected
    assert titles == [f"Title {i}" for i in range(60) if i != 31]
    (record, line), = errors
    assert record == 32
    assert data.decode().splitlines()[line - 1].lstrip().startswith("<mods")
