"""Paths the tests share: the repository's examples, and ../shared when it is there.

Imported as ``from support import ...``: tests/ is on sys.path (pytest's rootdir-relative
import of test modules without packages), while ``exporter`` comes from the installed package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"
SEED_SOLR = EXAMPLES / "seed-solr.json"
SEED_TEXT = EXAMPLES / "seed-staff-view.txt"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is optional)")
    return path


CORPUS = SHARED / "corpus"
#: corpus folders that hold no records of a format we read (test suites, schemas, vocabularies)
_NOT_RECORDS = {"csl-test-suite", "csl-schema", "schemaorg", "schemaorg-derived"}


def corpus_files() -> list[Path]:
    """Every file under ../shared/corpus that could hold records ([] without ../shared)."""
    if not CORPUS.is_dir():
        return []
    out = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or path.name.startswith(("MANIFEST", "LICENSE", "COPYING", "_")):
            continue
        if path.relative_to(CORPUS).parts[0] in _NOT_RECORDS or path.suffix in (".md", ".js", ".py"):
            continue
        out.append(path)
    return out


def read_corpus(path: Path) -> list:
    """The records a reader of ours reads from ``path`` (problems ignored), or [] when no
    reader of ours reads it (expected results, licences, other formats)."""
    from exporter import read
    from exporter.registry import detect_format, reader_names

    try:
        head = path.read_bytes()[:8192].decode("utf-8", "replace")
    except OSError:
        return []
    try:
        fmt = detect_format(str(path), head)
    except Exception:  # not a format of ours
        return []
    if fmt not in reader_names():
        return []
    return list(read(str(path), fmt, on_problem=lambda problem: None))


@cache
def corpus_record_files() -> tuple[Path, ...]:
    """The corpus files a reader of ours reads at least one record from, chosen at
    collection so that no test skips for the others."""
    return tuple(path for path in corpus_files() if read_corpus(path))


def corpus_id(path: Path) -> str:
    return str(path.relative_to(CORPUS))
