"""Base classes for readers and writers; built-in formats and third-party plugins alike.

A plugin is a class with a ``name``, its file ``extensions`` and ``media_type``. Options are
dataclass fields on the class, so they are typed and validated the same way from Python and
from the command line (``Writer.option_names()`` tells the CLI which flags apply).

Third-party packages register classes under the entry-point groups ``exporter.readers`` and
``exporter.writers``; see ``examples/plugin`` in the repository.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Iterable, Iterator, TextIO

from .model import Record
from .problems import Problem, ProblemHandler, raise_problem


@dataclasses.dataclass
class Plugin:
    name: ClassVar[str] = ""
    title: ClassVar[str] = ""  # one line for `exporter formats`
    extensions: ClassVar[tuple[str, ...]] = ()
    media_type: ClassVar[str] = "application/octet-stream"

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))


@dataclasses.dataclass
class Reader(Plugin):
    """Reads a text stream into records.

    ``read`` yields a :class:`Record` per good record and a :class:`Problem` per bad one, and
    goes on after a bad one; it never raises for bad input.
    """

    #: Whether files of this format may be in a legacy 8-bit encoding (old RIS, BibTeX and
    #: MEDLINE exports): undecodable bytes in a file with no UTF-8 before them then raise,
    #: for the reader to decode the file again with a fallback. False for formats that are
    #: UTF-8 by definition (JSON): every undecodable byte costs only its record.
    legacy_encodings: ClassVar[bool] = True

    def read(self, stream: TextIO, source: str) -> Iterator[Record | Problem]:
        raise NotImplementedError

    @classmethod
    def sniff(cls, head: str) -> bool:
        """True if ``head`` (the first few KB of the input) looks like this format."""
        return False

    @classmethod
    def record_splitter(cls) -> "RecordSplitter | None":
        """A new :class:`RecordSplitter` for one file of this format, or None when its files
        are read only whole (exporter dump then reads them in its main process)."""
        return None


class RecordSplitter:
    """How a file of one format is cut, on its raw bytes, into ranges of records that each
    read alone exactly as they read in the whole file: the same records, numbered the same
    after adding the range's first record number, the same problems with their lines
    after adding its first line. ``exporter dump`` cuts files so, and its workers read the
    ranges (exporter.ranges); one instance serves one file, front to back.

    The driver (:func:`exporter.ranges.find_cuts`) hands over whole lines. A splitter finds
    where records start, and says of each run of records whether it is *regular*: laid out
    so plainly that the reader's state at its ends is the state at a file's start, and its
    records are counted right. Anything unusual (damage, a layout it does not know) is not
    regular: the file is then read whole from there on, so being strict costs only speed.
    """

    def prescan(self, block: bytes, before: bytes) -> bool:
        """Whether this block of the file (blocks front to back; ``before`` is the last 64
        bytes of the block before; an empty block ends the file) allows cutting the file at
        all: a format whose records depend on each other through the file (BibTeX's @string
        macros, crossref) says False where it sees that. Only called when
        :attr:`needs_prescan` is true (whether the file is UTF-8 is checked for every
        reader with ``legacy_encodings``)."""
        return True

    needs_prescan: ClassVar[bool] = False

    #: Set for a format whose records end with a byte string (ISO 2709's record terminator)
    #: in whatever encoding: the driver then cuts after each terminator, on bytes, and asks
    #: :meth:`regular_record` of each record instead of :meth:`starts` and :meth:`regular`.
    terminator: ClassVar[bytes | None] = None

    def regular_record(self, raw: bytes) -> bool:
        """Whether ``raw``, the bytes from one terminator (or the file's start) through the
        next, reads as exactly one record, alone as in the file (for :attr:`terminator`)."""
        return False

    def layout(self, head: bytes) -> bool:
        """Whether a file that starts with ``head`` (whole lines, at least 64 KB or the whole
        file) can be cut; may remember what it learns (the indentation of a JSON array)."""
        raise NotImplementedError

    def starts(self, text: bytes) -> list[int]:
        """Where records start in ``text`` (whole lines from a record start, or from the
        start of the file), in order; each record counts once."""
        raise NotImplementedError

    def regular(self, chunk: bytes, count: int, first: bool, last: bool) -> bool:
        """Whether ``chunk``, the ``count`` records from one record start to the next (from
        the file's start when ``first``, to its end when ``last``), is regular."""
        raise NotImplementedError

    def regular_text(self, text: str, chunk: bytes, count: int, first: bool, last: bool) -> bool:
        """:meth:`regular`, called with ``text``, the chunk decoded (plain UTF-8, known to
        decode): a splitter that checks text overrides this to decode once, not twice."""
        return self.regular(chunk, count, first, last)

    def accept(self, chunk: bytes) -> None:
        """``chunk`` was found regular and is cut: what later runs depend on (BibTeX's entry
        keys: a key used again is a duplicate to the reader) is remembered from here."""

    def frame(self, data: bytes, first: bool, last: bool) -> bytes:
        """The bytes the reader reads for a regular range (a JSON array's brackets around
        its elements); the lines of ``data`` must stay where they are. A frame adds a
        prefix (``frame(b"", first, True)``) and changes nothing of ``data`` but what
        follows its last non-blank byte and that byte (a comma): a range streams from the
        file, and only its last bytes are framed."""
        return data


@dataclasses.dataclass
class Writer(Plugin):
    """Writes records to a text stream: header, one chunk per record, footer.

    Writers stream unless their docstring says otherwise. ``report`` receives a
    :class:`Problem` for each record the writer cannot write.

    ``carries`` lists the facets of a record (see :mod:`exporter.losses`) the format can
    hold; the API reports every other facet a record has as lost. ``None`` means the
    writer has not said, and nothing is reported.
    """

    carries: ClassVar[frozenset[str] | None] = None
    #: True when the writer itself gives a record whose id an earlier record of the output
    #: has a new one by the API's rule (``<id>-2``: exporter.normalize.keys.KeyAllocator,
    #: linkeddata.schemaorg.RecordIRIs) and reports it; the API then keeps no table of ids
    #: of its own, so an output remembers each record once (16 bytes, not 32).
    keeps_ids_unique: ClassVar[bool] = False

    def lost(self, record: Record) -> list[str]:
        """The facets of ``record`` (see :mod:`exporter.losses`) this writer does not write,
        sorted.  The default answers from ``carries``; a writer whose table decides per
        record (a field written only for some types) answers for the record at hand."""
        if self.carries is None:
            return []
        check = self.__dict__.get("_loss_check")
        if check is None or check.carries is not self.carries:
            from .losses import LossCheck

            check = self.__dict__["_loss_check"] = LossCheck(self.carries, getattr(self, "carries_extra", None))
        return check(record)

    def file_suffix(self) -> str:
        """The suffix of an output file written by this writer ("seed.ris")."""
        return self.extensions[0] if self.extensions else ".txt"

    def write(
        self,
        records: Iterable[Record],
        stream: TextIO,
        report: ProblemHandler = raise_problem,
    ) -> None:
        raise NotImplementedError

