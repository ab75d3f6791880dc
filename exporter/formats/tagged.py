"""Records of tagged-line formats (RIS, Web of Science, MEDLINE): tag/value pairs in order.

Values continued over many lines are collected as parts and joined once, so that a field
of a million continuation lines costs linear, not quadratic, time.

The record remembers which values a mapping read (:meth:`TaggedRecord.first`,
:meth:`TaggedRecord.values`, :meth:`TaggedRecord.take`); :meth:`TaggedRecord.unread` gives the
rest. Tests of a value that should not count as reading it use :meth:`TaggedRecord.peek`.
The RIS and MEDLINE readers walk their tables over :attr:`TaggedRecord.pairs` and keep every
value no row took in ``Record.extra`` (``ris:``, ``wos:``, ``medline:``), so that no value
is lost, whatever tag it came under.
"""

from __future__ import annotations

import re

from ..plugins import RecordSplitter


class TaggedRecord:
    """The tag/value pairs of one record, in input order, with the line it starts on."""

    __slots__ = ("_pairs", "_parts", "_read", "closed", "line", "wos")

    def __init__(self, line: int, pairs: list[tuple[str, str]] | None = None, closed: bool = False, wos: bool = False) -> None:
        self.line = line
        self.closed = closed
        self.wos = wos
        self._pairs: list[tuple[str, str]] = list(pairs or [])
        self._parts: list[str] | None = None  # parts of the last value still being continued
        self._read: set[int] = set()  # indexes of the values a mapping has read

    def add(self, tag: str, value: str) -> None:
        self._flush()
        self._pairs.append((tag, value))

    def continue_last(self, text: str, joiner: str = " ") -> None:
        """Append a continuation line to the last value (``joiner`` between non-empty parts)."""
        if not self._pairs:
            raise IndexError("no value to continue")
        if self._parts is None:
            self._parts = [self._pairs[-1][1]] if self._pairs[-1][1] else []
        if self._parts:
            self._parts.append(joiner)
        self._parts.append(text)

    def __len__(self) -> int:
        """The number of values, without joining a value still being continued."""
        return len(self._pairs)

    def has_tag(self, tag: str) -> bool:
        return any(t == tag for t, _ in self._pairs)

    @property
    def last_tag(self) -> str | None:
        return self._pairs[-1][0] if self._pairs else None

    @property
    def pairs(self) -> list[tuple[str, str]]:
        self._flush()
        return self._pairs

    def values(self, tag: str) -> list[str]:
        """All non-empty values of a tag, marked as read."""
        out = []
        for i, (t, v) in enumerate(self.pairs):
            if t == tag and v:
                self._read.add(i)
                out.append(v)
        return out

    def first(self, *tags: str) -> str | None:
        """The first non-empty value of the first tag that has one, marked as read."""
        found = self._find(tags)
        if found is None:
            return None
        self._read.add(found)
        return self._pairs[found][1]

    def take(self, tags: frozenset[str] | set[str]) -> list[tuple[str, str]]:
        """The (tag, value) pairs of the given tags in input order, marked as read."""
        out = []
        for i, (t, v) in enumerate(self.pairs):
            if t in tags and v:
                self._read.add(i)
                out.append((t, v))
        return out

    def peek(self, *tags: str) -> str | None:
        """Like :meth:`first`, without marking the value as read (for tests and conditions)."""
        found = self._find(tags)
        return None if found is None else self._pairs[found][1]

    def unread(self) -> list[tuple[str, str]]:
        """The non-empty values no mapping has read, in input order."""
        return [(t, v) for i, (t, v) in enumerate(self.pairs) if v and i not in self._read]

    def _find(self, tags: tuple[str, ...]) -> int | None:
        pairs = self.pairs
        for tag in tags:
            for i, (t, v) in enumerate(pairs):
                if t == tag and v:
                    return i
        return None

    def _flush(self) -> None:
        if self._parts is not None:
            tag = self._pairs[-1][0]
            self._pairs[-1] = (tag, "".join(self._parts))
            self._parts = None


# -- cutting a file into ranges of records (exporter.ranges) -----------------------------------

# where a record starts: the first line that is not blank, at the start or after blank lines
_BLOCK_START = re.compile(rb"\A(?:[ \t]*\r?\n)*(?=[ \t]*[^ \t\r\n])|\n(?:[ \t]*\r?\n)+(?=[ \t]*[^ \t\r\n])")


class BlankLineSplitter(RecordSplitter):
    """Cuts files whose records are runs of lines between blank lines (MEDLINE, EndNote
    tagged) for :mod:`exporter.ranges`. A run of records is regular when each record's
    first line is a field (``first_line``; a line the reader could take for anything else
    would make it count records its own way) and no record holds ``record_bad``."""

    def __init__(self, first_line: re.Pattern[bytes], record_bad: re.Pattern[bytes] | None = None) -> None:
        self.first_line = first_line
        self.record_bad = record_bad

    def layout(self, head: bytes) -> bool:
        return True

    def starts(self, text: bytes) -> list[int]:
        return [m.end() for m in _BLOCK_START.finditer(text)]

    def regular(self, chunk: bytes, count: int, first: bool, last: bool) -> bool:
        from ..ranges import odd_blank_lines

        if odd_blank_lines(chunk):
            return False
        starts = self.starts(chunk)
        if len(starts) != count:
            return False
        if first and starts and starts[0] == 0 and chunk.startswith(b"\xef\xbb\xbf"):
            starts[0] = 3  # the reader drops the byte order mark
        for a, b in zip(starts, starts[1:] + [len(chunk)]):
            if self.first_line.match(chunk, a) is None:
                return False
            if self.record_bad is not None and self.record_bad.search(chunk, a, b) is not None:
                return False
        return True
