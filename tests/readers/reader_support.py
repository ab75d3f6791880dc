"""Helpers for the reader tests: read text with a reader, split records from problems."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from exporter.model import Record
from exporter.problems import Problem
from exporter.registry import reader_class

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def read_text(reader_name: str, text: str, source: str = "test") -> tuple[list[Record], list[Problem]]:
    records: list[Record] = []
    problems: list[Problem] = []
    for item in reader_class(reader_name)().read(io.StringIO(text), source):
        (records if isinstance(item, Record) else problems).append(item)  # type: ignore[arg-type]
    return records, problems


def read_bytes(reader_name: str, data: bytes, source: str = "test") -> tuple[list[Record], list[Problem]]:
    """Read bytes the way the CLI opens files: a UTF-8 text wrapper over a seekable buffer."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    records: list[Record] = []
    problems: list[Problem] = []
    for item in reader_class(reader_name)().read(stream, source):
        (records if isinstance(item, Record) else problems).append(item)  # type: ignore[arg-type]
    return records, problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "warning"]


@pytest.fixture(scope="module")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
