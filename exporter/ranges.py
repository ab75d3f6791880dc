"""Reading a file in ranges of records, so that several processes read one file.

``exporter dump`` hands each worker a byte range of an input file instead of records read
in its main process: the main process only finds where records start
(:func:`find_cuts`, on bytes, with the reader's :class:`~exporter.plugins.RecordSplitter`),
and a worker reads its range with the same reader (:func:`read_range`). A range reads as
it reads in the whole file: the same records, the same problems, with record numbers and
lines counted from the file's start and the file's name as their source.

That holds by construction only where the file is *regular*: every run of records the
main process passes has been checked, on its bytes, to be laid out so plainly that the
reader cannot see it differently inside the file and alone (valid UTF-8 without control
characters, byte order marks or lone carriage returns; the format's own checks, see each
splitter). At the first run that is not, cutting stops, and the rest of the file is read
by :func:`read_from`: the whole file, read as always, keeping the records from that
number on. Damage costs speed, never a difference.

A record's number is its place among the file's records, rejected ones included, as the
reader counts them: the reader numbers the problems of rejected records, and every record
it yields takes the next number.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import os
import re
from typing import Any, Iterator, NamedTuple

from .model import Record
from .problems import Problem, ProblemHandler

#: bytes read at a time while finding cuts; each block's records are checked at once
BLOCK = 1 << 20
#: at least this much of a file's start (or all of it) is shown to the splitter's layout()
LAYOUT_HEAD = 1 << 16
#: a record longer than this (or a run of this many bytes without a record start) stops cutting
MAX_PENDING = 64 << 20

# Text a range must not hold to read alone as it reads in the whole file: control
# characters (a reader may take the text for binary data; vertical tab and form feed are
# whitespace to str.strip() and not to a splitter's byte patterns), a lone CR (a line end
# for some readers and not others), a byte order mark after the start (stripped at a
# stream's start only). Line-based splitters also refuse lines that start with Unicode
# whitespace (:func:`odd_blank_lines`).
_NOT_ODD = bytes(range(0x20, 0x100)) + b"\t\n\r"  # deleted, what is left is odd
_LONE_CR = re.compile(rb"\r(?!\n)")
_BOM = b"\xef\xbb\xbf"
_SPACE_LEADS = (b"\xc2\x85", b"\xc2\xa0", b"\xe1\x9a\x80", b"\xe2\x80", b"\xe2\x81\x9f", b"\xe3\x80\x80")
_ODD_BLANK = re.compile(rb"(?:^|\n)[ \t]*+(?:\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)")


def odd_blank_lines(chunk: bytes) -> bool:
    """Whether a line of ``chunk`` starts with whitespace other than spaces and tabs (such a
    line may be blank to a reader, which tests ``not line.strip()``)."""
    return any(lead in chunk for lead in _SPACE_LEADS) and _ODD_BLANK.search(chunk) is not None


class Cut(NamedTuple):
    """Record ``number`` starts at byte ``offset``, on ``line``; the file can be cut there
    (the first cut of a file is at 0, before whatever precedes its first record). A tuple:
    one is made per record of the input, in the dump's main process."""

    offset: int
    number: int
    line: int


@dataclasses.dataclass(frozen=True, slots=True)
class End:
    """The cuts end here: at the file's size when they cover the file; else the file from
    ``offset`` on, record ``number`` on, is read whole (:func:`read_from`)."""

    offset: int
    number: int
    line: int


def line_starts(text: bytes, prefix: bytes) -> list[int]:
    """Where the lines of ``text`` that start with ``prefix`` start (fast: a search for
    the line end before it)."""
    found = [0] if text.startswith(prefix) else []
    needle = b"\n" + prefix
    at = text.find(needle)
    while at >= 0:
        found.append(at + 1)
        at = text.find(needle, at + 1)
    return found


def _plain(chunk: bytes) -> str | None:
    """The text of ``chunk`` (already without the file's byte order mark) when it is text
    every reader reads the same wherever it starts, else None."""
    if chunk.translate(None, _NOT_ODD) or (b"\r" in chunk and _LONE_CR.search(chunk)):
        return None
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # in valid UTF-8 the bytes EF BB BF are U+FEFF and nothing else: the search on the text
    # is a character search (0.05 ms a MB, against 0.7 for the three bytes)
    return None if "\ufeff" in text else text


def find_cuts(path: str, splitter: object, legacy_encodings: bool = True) -> Iterator[Cut | End]:
    """The places where ``path`` can be cut, each record start in order, then an
    :class:`End`. Bytes only: nothing is parsed into records.

    For a reader of a format that comes in legacy encodings (``Reader.legacy_encodings``)
    the whole file is first checked to be UTF-8: such a reader reads a file with a byte
    that is not in another encoding, from its start, and says so first."""
    from .plugins import RecordSplitter

    assert isinstance(splitter, RecordSplitter)
    if splitter.terminator is not None:
        yield from _terminated_cuts(path, splitter)
        return
    size = os.path.getsize(path)
    if (legacy_encodings or splitter.needs_prescan) and not _prescan(path, splitter, legacy_encodings):
        yield End(0, 1, 1)
        return
    with open(path, "rb") as f:
        pending = b""  # bytes from ``base`` (a cut, or the file's start) not yet checked
        base, number, line = 0, 1, 1
        first = True
        laid_out = False
        while True:
            block = f.read(BLOCK)
            eof = not block
            data = pending + block
            if not eof:
                whole = data.rfind(b"\n") + 1
                if whole == 0 or (not laid_out and whole < LAYOUT_HEAD):
                    pending = data
                    if len(pending) > MAX_PENDING:
                        yield End(base, number, line)
                        return
                    continue
                text, pending = data[:whole], data[whole:]
            else:
                text, pending = data, b""
            if not laid_out:
                if not splitter.layout(text):
                    yield End(0, 1, 1)
                    return
                laid_out = True
            if first and text.startswith(_BOM):  # records start after the byte order mark
                starts = [at + len(_BOM) for at in splitter.starts(text[len(_BOM):])]
            else:
                starts = splitter.starts(text)
            if not first and (not starts or starts[0] != 0):  # the splitter disowns its own cut
                yield End(base, number, line)
                return
            if eof:
                count = len(starts)
                if count == 0 or not _regular(splitter, text, count, first, True):
                    yield from _regular_part(splitter, text, starts, first, base, number, line)
                    return
                if first:
                    yield Cut(0, 1, 1)
                yield from _cuts(text, starts, base, number, line)
                yield End(size, number + count, line + text.count(b"\n"))
                return
            if len(starts) < 2:  # no complete record yet: read on
                pending = text + pending
                if len(pending) > MAX_PENDING:
                    yield End(base, number, line)
                    return
                continue
            last = starts[-1]
            chunk = text[:last]
            if not _regular(splitter, chunk, len(starts) - 1, first, False):
                yield from _regular_part(splitter, text, starts, first, base, number, line)
                return
            splitter.accept(chunk.removeprefix(_BOM) if first else chunk)
            if first:
                yield Cut(0, 1, 1)
            cut = None
            for cut in _cuts(text, starts, base, number, line):
                yield cut
            assert cut is not None
            base, number, line = cut.offset, cut.number, cut.line
            pending = text[last:] + pending
            first = False


def _terminated_cuts(path: str, splitter: Any) -> Iterator[Cut | End]:
    """:func:`find_cuts` for a format whose records end with ``splitter.terminator`` (binary
    MARC): a cut after each terminator, while each record is regular to the splitter; the
    End at the first that is not (or at junk after the last terminator)."""
    term: bytes = splitter.terminator
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        buf = f.read(max(BLOCK, LAYOUT_HEAD))
        if not splitter.layout(buf):
            yield End(0, 1, 1)
            return
        offset, number, line = 0, 1, 1  # ``offset``: where buf[0] is in the file
        at = 0  # where the next record starts in buf
        eof = False
        while True:
            end = buf.find(term, at)
            if end < 0:
                if eof:
                    rest = buf[at:].strip(b" \r\n\t\x00")
                    yield End(offset + at if rest else size, number, line)
                    return
                buf, offset, at = buf[at:], offset + at, 0
                if len(buf) > MAX_PENDING:
                    yield End(offset, number, line)
                    return
                block = f.read(BLOCK)
                eof = not block
                buf += block
                continue
            after = end + len(term)
            if not splitter.regular_record(buf[at:after]):
                yield End(offset + at, number, line)
                return
            yield Cut(offset + at, number, line)
            line += buf.count(b"\n", at, after)
            number += 1
            at = after


def _regular(splitter: Any, chunk: bytes, count: int, first: bool, last: bool) -> bool:
    """Plain text, and regular to the splitter (which never sees the byte order mark)."""
    if first:
        chunk = chunk.removeprefix(_BOM)
    text = _plain(chunk)
    if text is None:
        return False
    return bool(splitter.regular_text(text, chunk, count, first, last))


def _regular_part(splitter: Any, text: bytes, starts: list[int], first: bool, base: int, number: int,
                  line: int) -> Iterator[Cut | End]:
    """Cuts up to the first record of ``text`` that is not regular, then the End there: the
    longest regular run of its first records, found by halving (only after damage)."""
    good, bad = 0, len(starts)  # records [0, good) are regular; [0, bad) are not
    while bad - good > 1:
        k = (good + bad) // 2
        chunk = text[:starts[k]]
        if _regular(splitter, chunk, k, first, False):
            good = k
        else:
            bad = k
    if good == 0:
        yield End(base, number, line)
        return
    if first:
        yield Cut(0, 1, 1)
    *cuts, stop = _cuts(text, starts[:good + 1], base, number, line)  # records up to the bad one
    yield from cuts
    yield End(stop.offset, stop.number, stop.line)


def _cuts(text: bytes, starts: list[int], base: int, number: int, line: int) -> Iterator[Cut]:
    """Cuts at ``starts[1:]``: record ``number`` is the one at ``starts[0]``, and ``text``
    starts at file offset ``base`` on ``line``."""
    at = 0
    for i, start in enumerate(starts):
        line += text.count(b"\n", at, start)
        at = start
        if i:
            yield Cut(base + start, number + i, line)


def _prescan(path: str, splitter: object, utf8: bool) -> bool:
    before = b""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        while True:
            block = f.read(BLOCK)
            if utf8:
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError:
                    return False
            if splitter.needs_prescan and not splitter.prescan(block, before):  # type: ignore[attr-defined]
                return False
            if not block:
                return True
            before = block[-64:]


def numbered(records: Iterator[Record], problems: list[Problem]) -> Iterator[tuple[int, Record]]:
    """Records with their numbers, read from an iterator whose problems are appended to
    ``problems`` as they come (before the record they precede)."""
    n = 0
    seen = 0
    for record in records:
        for p in problems[seen:]:
            if p.severity == "error" and p.record:
                n = max(n, p.record)
        seen = len(problems)
        n += 1
        yield n, record


def read_range(path: str, fmt: str, start: int, end: int, number: int, line: int,
               on_problem: ProblemHandler) -> Iterator[tuple[int, Record]]:
    """The records of bytes ``start`` to ``end`` of ``path`` (a range between two cuts of
    :func:`find_cuts`, whose first record is record ``number``, on ``line``), numbered and
    with problems placed as in the whole file."""
    from .api import read
    from .registry import reader_class

    splitter = reader_class(fmt).record_splitter()
    assert splitter is not None
    size = os.path.getsize(path)
    first, last = start == 0, end >= size
    with open(path, "rb") as f:
        # what the frame depends on (a JSON array or lines, an XML root's tags), from a
        # head as long as find_cuts needed to see it
        want = max(BLOCK, LAYOUT_HEAD)
        while not splitter.layout(head := f.read(want)) and len(head) == want and want < MAX_PENDING:
            f.seek(0)
            want *= 2
        # the range streams from the file (memory: a block, not the range): the frame's
        # prefix, the bytes, and the frame applied to the last ones only
        at = max(start, end - _FRAMED_TAIL)
        f.seek(at)
        tail = f.read(end - at)
        if at > start and not tail.strip(b" \t\r\n"):  # the frame may need an earlier byte
            f.seek(start)
            at, tail = start, f.read(end - start)
    prefix = splitter.frame(b"", first, True)
    framed = splitter.frame(tail, first, last)
    assert framed.startswith(prefix), "a frame adds its prefix before the data"
    stream = _Buffered(_Spans(path, [prefix, (start, at), framed[len(prefix):]]))
    stream.range_offset = start  # where the bytes are in the file, for MARC's byte offsets
    problems: list[Problem] = []
    passed = 0
    shift_record, shift_line = number - 1, line - 1

    def pass_on() -> None:
        nonlocal passed
        for p in problems[passed:]:
            on_problem(dataclasses.replace(
                p, record=None if p.record is None else p.record + shift_record,
                line=None if p.line is None else p.line + shift_line))
        passed = len(problems)

    try:
        for n, record in numbered(read(stream, fmt, on_problem=problems.append), problems):
            pass_on()
            yield n + shift_record, record
        pass_on()
    finally:
        stream.close()


#: the last bytes of a range that its splitter's frame is applied to (the frame changes
#: only what follows the last record's last non-blank byte: a JSON array's comma)
_FRAMED_TAIL = 1 << 16


class _Spans(io.RawIOBase):
    """Bytes given, and spans ``(start, end)`` of a file, read one after another."""

    def __init__(self, path: str, parts: list[bytes | tuple[int, int]]) -> None:
        super().__init__()
        self.name = path  # the source named in problems
        self._parts = [p for p in parts if (p if isinstance(p, bytes) else p[1] > p[0])]
        self._file = open(path, "rb")
        self._i = -1
        self._at = 0  # in the current part: an offset into bytes, or the file position
        self._next()

    def _next(self) -> None:
        self._i += 1
        self._at = 0
        if self._i < len(self._parts) and not isinstance(part := self._parts[self._i], bytes):
            self._at = part[0]
            self._file.seek(self._at)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while self._i < len(self._parts):
            part = self._parts[self._i]
            if isinstance(part, bytes):
                n = min(len(view), len(part) - self._at)
                view[:n] = part[self._at:self._at + n]
                self._at += n
                done = self._at >= len(part)
            else:
                stop = part[1]
                n = self._file.readinto(view[:min(len(view), stop - self._at)]) or 0
                self._at += n
                done = self._at >= stop or n == 0
            if done:
                self._next()
            if n:
                return n
        return 0

    def close(self) -> None:
        self._file.close()
        super().close()


class _Buffered(io.BufferedReader):
    """A buffered reader that carries ``range_offset`` (see :func:`read_range`)."""

    range_offset = 0


def read_from(path: str, fmt: str, number: int, line: int,
              on_problem: ProblemHandler) -> Iterator[tuple[int, Record]]:
    """The records of ``path`` from record ``number`` (on ``line``) on: the whole file read
    as always, the records before that number and their problems left out."""
    from .api import read

    problems: list[Problem] = []

    def keep(p: Problem) -> bool:
        if p.record is not None:
            return p.record >= number
        return p.line is None or p.line >= line

    passed = 0
    for n, record in numbered(read(path, fmt, on_problem=problems.append), problems):
        for p in problems[passed:]:
            if keep(p):
                on_problem(p)
        passed = len(problems)
        if n >= number:
            yield n, record
    for p in problems[passed:]:
        if keep(p):
            on_problem(p)


def estimate_records(path: str, fmt: str) -> int | None:
    """About how many records the file ``path`` of format ``fmt`` holds: its size over the
    mean size of the records in its first megabyte (exact when that is the whole file);
    None when its reader does not cut files, or that megabyte shows no two records."""
    from .problems import ExporterError
    from .registry import reader_class

    try:
        splitter = reader_class(fmt).record_splitter()
        if splitter is None or path == "-" or path.endswith(".gz"):
            return None
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(1 << 20)
    except (OSError, ExporterError):
        return None
    if splitter.terminator is not None:  # records end with a byte string (binary MARC)
        count = head.count(splitter.terminator)
        if len(head) == size:
            return count
        if count < 2:
            return None
        return max(1, round(size * count / (head.rfind(splitter.terminator) + 1)))
    if len(head) < size:
        head = head[:head.rfind(b"\n") + 1]
    if not head or not splitter.layout(head):
        return None
    starts = splitter.starts(head.removeprefix(_BOM))
    if len(head) == size:
        return len(starts)
    if len(starts) < 2:
        return None
    return max(1, round(size * (len(starts) - 1) / (starts[-1] - starts[0])))


def estimate_inputs(inputs: list[str], from_format: str | None = None) -> int | None:
    """About how many records the input files hold (:func:`estimate_records`; a file whose
    reader does not cut it counts a record per kilobyte); None for standard input."""
    from .problems import ExporterError
    from .registry import detect_format

    total = 0
    for path in inputs:
        if path == "-":
            return None
        if not os.path.isfile(path):
            continue
        try:
            with open(path, "rb") as f:
                head = f.read(8192).decode("utf-8", errors="replace")
            fmt = from_format or detect_format(path, head)
        except (OSError, ExporterError):
            continue
        n = estimate_records(path, fmt)
        total += n if n is not None else max(1, os.path.getsize(path) // 1000)
    return total
