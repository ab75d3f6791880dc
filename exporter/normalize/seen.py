"""A set of strings in at most 16 bytes per member: the keys and IRIs an output has used.

Writers keep every citation key and record IRI they hand out, to keep them unique; as a
Python ``set`` of strings that is about 100 bytes per record, 1 GB at ten million records.
:class:`SeenStrings` keeps a 64-bit fingerprint (BLAKE2b) of each string in an
open-addressing table of machine words (``array('Q')``), filled to between 53% and 80%:
8 / 0.8 = 10 to 8 / 0.53 = 15 bytes per member, whatever the strings' length.

Two different strings share a fingerprint with probability about n² / 2⁶⁵ (3 in a million
at ten million members): the second would be taken for a duplicate and renamed
``<id>-2``, with the usual warning. Fingerprints do not depend on the process (no hash
seed), so a run gives the same output every time.
"""

from __future__ import annotations

from array import array
from hashlib import blake2b

_MAX_LOAD = 0.8
_GROWTH = 1.5


def fingerprint(text: str) -> int:
    """64 bits of BLAKE2b of the UTF-8 text, never 0 (0 marks a free slot)."""
    value = int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return value or 1


class SeenStrings:
    """``add`` and ``in`` for strings, in at most 16 bytes per member."""

    __slots__ = ("_table", "_size", "_limit", "_mask_len")

    def __init__(self, capacity: int = 1024) -> None:
        self._table = array("Q", bytes(8 * max(16, capacity)))
        self._size = 0
        self._mask_len = len(self._table)
        self._limit = int(self._mask_len * _MAX_LOAD)

    def __len__(self) -> int:
        return self._size

    def _slot(self, fp: int) -> int:
        """The slot that holds ``fp``, or the free slot where it would go (linear probing)."""
        table, length = self._table, self._mask_len
        i = fp % length
        while True:
            value = table[i]
            if value == fp or value == 0:
                return i
            i += 1
            if i == length:
                i = 0

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str):
            return False
        fp = fingerprint(text)
        return self._table[self._slot(fp)] == fp

    def add(self, text: str) -> None:
        self.insert(text)

    def insert(self, text: str) -> bool:
        """Add ``text``; True when it was not a member (one lookup for "in" and "add")."""
        fp = fingerprint(text)
        table, length = self._table, self._mask_len
        i = fp % length
        while True:
            value = table[i]
            if value == fp:
                return False
            if value == 0:
                break
            i += 1
            if i == length:
                i = 0
        table[i] = fp
        self._size += 1
        if self._size > self._limit:
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._table
        self._mask_len = int(len(old) * _GROWTH) + 1
        self._table = array("Q", bytes(8 * self._mask_len))
        self._limit = int(self._mask_len * _MAX_LOAD)
        for fp in old:
            if fp:
                self._table[self._slot(fp)] = fp

    def bytes_per_member(self) -> float:
        """The table's size per member (for the benchmark and the tests)."""
        return self._table.itemsize * len(self._table) / max(1, self._size)
