"""Citation keys: readable, stable, unique within one output (``alidina2021optimizing``).

The key is the first author's (or editor's, or organisation's) family name, the year and the
first significant word of the title, folded to ASCII letters and digits, as Zotero and
Better BibTeX do by default. Keys already given by the source are kept.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from ..model import Record
from .seen import SeenStrings

_STOP = frozenset(
    "a an the on of in for and or to at by with from into about as is are was were be "
    "der die das ein eine le la les un une el los las il lo de du des".split()
)


def ascii_fold(text: str) -> str:
    if text.isascii():
        return text
    text = text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def base_key(record: Record) -> str:
    people = record.authors or record.by_role("editor") or record.contributors
    name = ""
    if people:
        first = people[0]
        name = _word(first.family or "") or _word((first.literal or "").split(" ")[0])
    year = str(record.issued.year) if record.issued and record.issued.year else ""
    word = ""
    for w in re.split(r"[\s\-–—:/]+", record.title or ""):
        cleaned = _word(w)
        if cleaned and cleaned not in _STOP:
            word = cleaned
            break
    key = f"{name}{year}{word}"
    return key or "item"


class KeyAllocator:
    """Hands out keys unique within one output.

    A generated key that is taken gets a letter (the second ``smith2020x`` is
    ``smith2020xa``), as Zotero and Better BibTeX do. A key the source gave that another
    record already has is a duplicate id: it becomes ``<id>-2``, ``<id>-3``, ... (the same
    rule the RDF writers use for record IRIs, see linkeddata.schemaorg.RecordIRIs), and
    :meth:`allocate` says so, for the writer to report.
    """

    def __init__(self, clean: Callable[[str], str] = str) -> None:
        self._used = SeenStrings()  # 16 bytes per key at most: flat at millions of records
        self._clean = clean

    def key(self, record: Record) -> str:
        return self.allocate(record)[0]

    def allocate(self, record: Record) -> tuple[str, str | None]:
        """(key, why it differs from the id the source gave, or None)."""
        given = record.key is not None
        wanted = self._clean(record.key or base_key(record))
        key = wanted
        n = 0
        while not self._used.insert(key):
            key = f"{wanted}-{n + 2}" if given else wanted + _suffix(n)
            n += 1
        if given and key != wanted:
            if wanted != record.key:  # the format's key rules changed the id first
                return key, (f"the id {record.key!r} is the key {wanted!r} in this format, which another "
                             f"record has; written as {key!r}")
            return key, f"another record has the id {wanted!r}; written as {key!r}"
        return key, None


def _suffix(n: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out
