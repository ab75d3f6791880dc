"""Bytes that are not UTF-8: a file in another encoding is read again with a fallback and a
warning; a UTF-8 file with a few bad bytes loses only the records that hold them; JSON is
UTF-8 by definition (RFC 8259 8.1), so there every bad byte costs only its record; binary
data is one clear error."""

from __future__ import annotations

from exporter import read


def _read(tmp_path, name: str, data: bytes, fmt: str | None = None):
    path = tmp_path / name
    path.write_bytes(data)
    problems = []
    return list(read(str(path), fmt, on_problem=problems.append)), problems


def _article(pmid: int, title: str) -> str:
    return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><Journal><Title>J</Title>"
            f"<JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue></Journal>"
            f"<ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n")


def _set(*articles: str, declaration: str = '<?xml version="1.0"?>') -> str:
    return f"{declaration}\n<PubmedArticleSet>\n" + "".join(articles) + "</PubmedArticleSet>\n"


def test_a_latin1_file_is_read_with_a_fallback_and_a_warning(tmp_path):
    data = _set(_article(1, "Café"), _article(2, "Naïve"),
                declaration='<?xml version="1.0" encoding="ISO-8859-1"?>').encode("latin-1")
    for fmt in (None, "pubmed-xml"):
        records, problems = _read(tmp_path, "latin.xml", data, fmt)
        assert [r.title for r in records] == ["Café", "Naïve"]
        assert [p.reason for p in problems] == ["input is not valid UTF-8; read as cp1252"]


def test_bad_bytes_in_a_utf8_file_cost_their_record(tmp_path):
    text = _set(_article(1, "Café"), _article(2, "Bad X"), _article(3, "Naïve"))
    data = text.encode("utf-8").replace(b"Bad X", b"Bad \xff")
    records, problems = _read(tmp_path, "damaged.xml", data)
    assert [r.title for r in records] == ["Café", "Naïve"]
    assert [(p.record, p.line, p.severity) for p in problems] == [(2, 4, "error")]
    assert "0xff" in problems[0].reason


def test_bad_bytes_in_a_ris_file_cost_their_record(tmp_path):
    ris = "TY  - JOUR\r\nTI  - Café\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Bad X\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Third\r\nER  - \r\n"
    records, problems = _read(tmp_path, "d.ris", ris.encode("utf-8").replace(b"Bad X", b"Bad \xfe"))
    assert [r.title for r in records] == ["Café", "Third"]
    assert [(p.record, p.severity) for p in problems] == [(2, "error")]


def test_json_with_only_ascii_before_a_bad_byte_loses_only_that_record(tmp_path):
    lines = [b'{"id": "a", "title": "One"}', b'{"id": "b", "title": "T\xe9wo"}', b'{"id": "c", "title": "Three"}']
    records, problems = _read(tmp_path, "d.jsonl", b"\n".join(lines) + b"\n", "vufind")
    assert [r.title for r in records] == ["One", "Three"]
    assert [(p.record, p.line) for p in problems] == [(2, 2)]


def test_binary_data_is_one_clear_error(tmp_path):
    records, problems = _read(tmp_path, "x.ris", bytes(range(256)) * 8)
    assert records == []
    assert len(problems) == 1 and problems[0].reason.startswith("not UTF-8 text (byte 0x00 at offset 0)")


def test_a_truncated_pubmed_article_does_not_swallow_the_next(tmp_path):
    cut = _article(2, "Cut off")[:120]
    data = _set(_article(1, "One"), cut + "\n", _article(3, "Three"), _article(4, "Four")).encode("utf-8")
    records, problems = _read(tmp_path, "t.xml", data)
    assert [r.title for r in records] == ["One", "Three", "Four"]
    assert [(p.record, p.line) for p in problems] == [(2, 4)]
    assert "not closed" in problems[0].reason


def test_a_ris_record_cut_mid_line_is_split_from_the_next(tmp_path):
    ris = ("TY  - JOUR\r\nTI  - Good one\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Cut off herTY  - BOOK\r\n"
           "TI  - Third\r\nER  - \r\n")
    records, problems = _read(tmp_path, "glued.ris", ris.encode("utf-8"))
    assert [(r.type, r.title) for r in records] == [
        ("article-journal", "Good one"), ("article-journal", "Cut off her"), ("book", "Third")]
    assert any("cut off mid-line" in p.reason and p.line == 6 for p in problems)
    assert all(p.severity == "warning" for p in problems)
