"""Records of tagged-line formats (RIS, Web of Science, MEDLINE): tag/value pairs in order.

Values continued over many lines are collected as parts and joined once, so that a field
of a million continuation lines costs linear, not quadratic, time.
"""

from __future__ import annotations


class TaggedRecord:
    """The tag/value pairs of one record, in input order, with the line it starts on."""

    __slots__ = ("_pairs", "_parts", "closed", "line", "wos")

    def __init__(self, line: int, pairs: list[tuple[str, str]] | None = None, closed: bool = False, wos: bool = False) -> None:
        self.line = line
        self.closed = closed
        self.wos = wos
        self._pairs: list[tuple[str, str]] = list(pairs or [])
        self._parts: list[str] | None = None  # parts of the last value still being continued

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
        return [v for t, v in self.pairs if t == tag and v]

    def first(self, *tags: str) -> str | None:
        pairs = self.pairs
        for tag in tags:
            for t, v in pairs:
                if t == tag and v:
                    return v
        return None

    def _flush(self) -> None:
        if self._parts is not None:
            tag = self._pairs[-1][0]
            self._pairs[-1] = (tag, "".join(self._parts))
            self._parts = None
