"""Input text: byte order marks, line ends and a declared fallback for files that are not UTF-8.

Bibliographic text files are UTF-8 (RIS 2011 spec, PubMed, BibLaTeX) but old exports are
often Latin-1 or Windows-1252 (EndNote, Reference Manager, BibTeX files from the 1990s). The
rule here: decode as UTF-8 (a BOM is dropped); if that fails, decode as Windows-1252, and
where even that fails as Latin-1 (ISO 8859-1, which decodes any byte), and say so with a
warning :class:`~exporter.problems.Problem`, so that nothing is guessed silently.
Encoding declarations: https://www.rfc-editor.org/rfc/rfc3629 (UTF-8),
https://www.unicode.org/faq/utf_bom.html#bom1 (BOM).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TextIO

from ..problems import Problem

__all__ = ["FALLBACK_ENCODINGS", "decode_bytes", "iter_lines", "looks_binary", "read_text"]

#: Tried in order after UTF-8; the last one decodes any byte sequence.
FALLBACK_ENCODINGS: tuple[str, ...] = ("cp1252", "latin-1")

BOM = "\ufeff"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding used (``utf-8`` or a fallback)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1", errors="replace"), "latin-1"  # pragma: no cover


def looks_binary(text: str) -> bool:
    """True for text that is binary data decoded as text: two NULs among its first 64
    characters, or more than one character in ten being a control character other than tab,
    CR and LF (as exporter.api judges files). One stray NUL is damage to the record it is
    in, which is rejected alone."""
    head = text[:8192]
    if head[:64].count("\x00") >= 2:
        return True
    controls = sum(1 for c in head if ord(c) < 32 and c not in "\t\r\n\f")
    return bool(head) and controls * 10 > len(head)


def _fallback_warning(source: str, encoding: str) -> Problem:
    return Problem(
        source=source,
        reason=f"input is not valid UTF-8; read as {encoding}",
        severity="warning",
    )


def read_text(stream: TextIO, source: str) -> tuple[str, Problem | None]:
    """All of a stream's text, without BOM; on a decoding error the stream's bytes are
    decoded with the fallback encodings (when the stream can be rewound), else an error."""
    try:
        text = stream.read()
    except UnicodeDecodeError as exc:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None and buffer.seekable():
            buffer.seek(0)
            text, encoding = decode_bytes(buffer.read())
            return text.lstrip(BOM), _fallback_warning(source, encoding)
        return "", Problem(source=source, reason=f"input is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    if isinstance(text, bytes):  # a binary stream was given
        text, encoding = decode_bytes(text)
        return text.lstrip(BOM), None if encoding == "utf-8" else _fallback_warning(source, encoding)
    return text.lstrip(BOM), None


def iter_lines(stream: TextIO, source: str, warn_unterminated: bool = False) -> Iterator[str | Problem]:
    """The lines of a stream without line ends (CR LF, LF or CR) and without BOM.

    Lines stream; a decoding error part way switches to the fallback encodings when the
    stream can be rewound (lines already given are skipped), else ends with an error.
    Binary data gives one error and no lines. ``warn_unterminated`` adds a warning when
    the last line has no line end (the input may be truncated).
    """
    given = 0
    first = True
    line = ""
    try:
        for line in stream:
            if isinstance(line, bytes):
                raise TypeError("binary stream")
            if first:
                line = line.lstrip(BOM)
                first = False
                if looks_binary(line):
                    yield Problem(source=source, line=1, reason="input is binary data, not text")
                    return
            yield from line.rstrip("\r\n").split("\r")
            given += 1
        if warn_unterminated and line and not line.endswith(("\n", "\r")):
            yield Problem(source=source, line=given, reason="the input does not end with a line end: it may be truncated", severity="warning")
        return
    except TypeError:
        buffer = stream
    except UnicodeDecodeError as exc:
        buffer = getattr(stream, "buffer", None)
        if buffer is None or not buffer.seekable():
            yield Problem(
                source=source,
                line=given + 1,
                reason=f"input is not valid UTF-8 ({exc.reason}); the rest of the input was not read",
            )
            return
    buffer.seek(0)  # type: ignore[union-attr]
    text, encoding = decode_bytes(buffer.read())  # type: ignore[union-attr, arg-type]
    if encoding != "utf-8":
        yield _fallback_warning(source, encoding)
    if given == 0 and looks_binary(text):
        yield Problem(source=source, line=1, reason="input is binary data, not text")
        return
    for number, line in enumerate(io.StringIO(text.lstrip(BOM), newline=None)):
        if number >= given:
            yield line.rstrip("\n")
