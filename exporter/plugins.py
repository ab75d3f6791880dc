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

    def lost(self, record: Record) -> list[str]:
        """The facets of ``record`` (see :mod:`exporter.losses`) this writer does not write,
        sorted.  The default answers from ``carries``; a writer whose table decides per
        record (a field written only for some types) answers for the record at hand."""
        from .losses import lost

        if self.carries is None:
            return []
        return lost(record, self.carries, getattr(self, "carries_extra", None))

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

