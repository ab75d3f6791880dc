"""Bad input, per reader: truncated files, binary garbage, a wrong encoding, a 50 MB field.

Each case must give a clear Problem (no exception), keep the good records around the bad
one, and finish in bounded time and memory. The inputs are generated here, never committed.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from collections.abc import Callable

import pytest
from reader_support import errors, read_bytes, warnings


#: reader -> function building a file of three records, the middle one holding ``value``.
def _bib(value: str) -> str:
    return "".join(f"@article{{k{i}, title = {{{t}}}, year = {{2001}}}}\n\n" for i, t in enumerate(["First", value, "Third"]))


def _ris(value: str) -> str:
    return "".join(f"TY  - JOUR\nTI  - {t}\nPY  - 2001\nER  - \n\n" for t in ["First", value, "Third"])


def _medline(value: str) -> str:
    return "".join(f"PMID- {i + 1}\nTI  - {t}\nDP  - 2001\n\n" for i, t in enumerate(["First", value, "Third"]))


def _pubmed(value: str) -> str:
    body = "".join(
        f"<PubmedArticle><MedlineCitation><PMID>{i + 1}</PMID><Article><Journal><Title>J</Title>"
        f"<JournalIssue><PubDate><Year>2001</Year></PubDate></JournalIssue></Journal>"
        f"<ArticleTitle>{t}</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
        for i, t in enumerate(["First", value, "Third"])
    )
    return f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n'


BUILDERS: dict[str, Callable[[str], str]] = {"bibtex": _bib, "ris": _ris, "medline": _medline, "pubmed-xml": _pubmed}
READERS = list(BUILDERS)


def titles(records) -> list[str | None]:
    return [r.title for r in records]


@pytest.mark.parametrize("reader", READERS)
def test_well_formed_file_reads_without_problems(reader: str) -> None:
    records, problems = read_bytes(reader, BUILDERS[reader]("Second").encode())
    assert titles(records) == ["First", "Second", "Third"]
    assert problems == []


@pytest.mark.parametrize("reader", READERS)
def test_truncated_file(reader: str) -> None:
    data = BUILDERS[reader]("Second").encode()
    cut = data[: data.index(b"Third") + 3]  # stops inside the third record's title
    records, problems = read_bytes(reader, cut)
    assert titles(records)[:2] == ["First", "Second"]
    assert problems, "a truncated file must be reported"
    assert all(p.line is not None for p in problems)
    if reader in ("bibtex", "pubmed-xml"):
        assert len(records) == 2 and len(errors(problems)) == 1
    else:  # line formats keep the partial record and warn
        assert titles(records)[2] == "Thi" and warnings(problems)


@pytest.mark.parametrize("reader", READERS)
def test_binary_garbage(reader: str) -> None:
    rng = random.Random(42)
    garbage = bytes(rng.randrange(256) for _ in range(20_000))
    started = time.monotonic()
    records, problems = read_bytes(reader, garbage)
    assert time.monotonic() - started < 10
    assert records == []
    assert errors(problems), problems[:3]
    assert len(problems) < 50  # one clear problem, not one per byte


@pytest.mark.parametrize("reader", READERS)
def test_latin1_file_read_with_declared_fallback(reader: str) -> None:
    data = BUILDERS[reader]("Café à Köln").encode("latin-1")
    records, problems = read_bytes(reader, data)
    assert titles(records) == ["First", "Café à Köln", "Third"]
    assert [(p.severity, "UTF-8" in p.reason) for p in problems] == [("warning", True)]


@pytest.mark.parametrize("reader", READERS)
def test_50_megabyte_field(reader: str) -> None:
    size = 50_000_000
    data = BUILDERS[reader]("x" * size).encode()
    tracemalloc.start()
    started = time.monotonic()
    try:
        records, problems = read_bytes(reader, data)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [len(t or "") for t in titles(records)] == [5, size, 5]
    assert errors(problems) == []
    assert elapsed < 120, f"{reader} took {elapsed:.0f} s"
    assert peak < 6 * size, f"{reader} peaked at {peak / 1e6:.0f} MB"


@pytest.mark.parametrize("reader", READERS)
def test_field_of_a_million_lines(reader: str) -> None:
    """Continuation lines are joined in linear time (a quadratic join would not finish)."""
    lines = 1_000_000
    indent = {"bibtex": "\n", "ris": "\n", "medline": "\n      ", "pubmed-xml": "\n"}[reader]
    value = indent.join(["word"] * lines)
    started = time.monotonic()
    records, problems = read_bytes(reader, BUILDERS[reader](value).encode())
    elapsed = time.monotonic() - started
    assert [len((t or "").split()) for t in titles(records)] == [1, lines, 1]
    assert errors(problems) == []
    assert elapsed < 60, f"{reader} took {elapsed:.0f} s"


def test_oversized_pubmed_article_is_skipped_with_a_problem() -> None:
    import io

    from exporter.formats.pubmedxml import PubMedXMLReader

    reader = PubMedXMLReader()
    reader.max_article_chars = 1_000_000
    text = _pubmed("y" * 3_000_000)
    items = list(reader.read(io.StringIO(text), "big.xml"))
    good = [i.title for i in items if not hasattr(i, "reason")]
    bad = [i for i in items if hasattr(i, "reason")]
    assert good == ["First", "Third"]
    assert len(bad) == 1 and "larger than" in bad[0].reason and bad[0].record == 2


@pytest.mark.parametrize(
    "reader, deep",
    [("bibtex", "{" * 5000 + "x" + "}" * 5000), ("pubmed-xml", "<i>" * 5000 + "x" + "</i>" * 5000)],
)
def test_deep_nesting_is_a_problem_not_a_crash(reader: str, deep: str) -> None:
    records, problems = read_bytes(reader, BUILDERS[reader](deep).encode())
    assert titles(records) == ["First", "Third"]
    (problem,) = errors(problems)
    assert problem.record == 2 and "nested too deeply" in problem.reason


@pytest.mark.parametrize("reader", READERS)
def test_many_records_in_linear_time(reader: str) -> None:
    """20,000 records of 2 KB each (40 MB): the readers stream them in linear time."""
    count = 20_000
    one = BUILDERS[reader]("T " + "a" * 2000)
    if reader == "pubmed-xml":
        head, _, rest = one.partition("<PubmedArticle>")
        body = "<PubmedArticle>" + rest.rsplit("</PubmedArticleSet>", 1)[0]
        text = head + body * (count // 3) + "</PubmedArticleSet>\n"
    elif reader == "bibtex":  # entry keys must differ
        text = "".join(one.replace("{k", f"{{k{i}_") for i in range(count // 3))
    else:
        text = one * (count // 3)
    started = time.monotonic()
    records, problems = read_bytes(reader, text.encode())
    elapsed = time.monotonic() - started
    assert len(records) == 3 * (count // 3)
    assert errors(problems) == []
    assert elapsed < 60, f"{reader} took {elapsed:.0f} s"
