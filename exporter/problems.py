"""Problems: bad input and lossy output reported as data, never as tracebacks.

A reader that meets a record it cannot read yields a :class:`Problem` and goes on with the
next record; a writer that cannot write a record or field reports one. The caller decides
what to do: the CLI prints one line per problem on stderr and exits non-zero, the library
raises :class:`ExporterError` unless an ``on_problem`` callback is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True, slots=True)
class Problem:
    source: str
    reason: str
    record: int | None = None  # 1-based record number within the source
    line: int | None = None  # 1-based line where the record (or the error) is
    raw: str | None = None  # the raw record text, when there is one
    # "error": the record was not converted; "warning": it was, with something to know;
    # "loss": it was, but the target format could not hold the facets named in ``reason``
    severity: str = "error"

    def __str__(self) -> str:
        where = self.source
        if self.record is not None:
            where += f":record {self.record}"
        elif self.line is not None:
            where += f":line {self.line}"
        text = f"{where}: {self.reason}"
        if self.record is not None and self.line is not None:
            text += f" (line {self.line})"
        if self.severity == "loss":
            return f"{where}: {self.source} cannot hold: {self.reason}"
        return text if self.severity == "error" else f"{text} [warning]"

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in (
            ("severity", self.severity), ("source", self.source), ("record", self.record),
            ("line", self.line), ("reason", self.reason), ("id" if self.severity == "loss" else "raw", self.raw),
        ) if v is not None}


ProblemHandler = Callable[[Problem], None]


class ExporterError(Exception):
    """Bad input, bad options or an unknown format: a message for a person, no traceback."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


class RecordError(ExporterError):
    """A record that could not be read or written."""


class OutputError(ExporterError):
    """The environment refused: a destination that cannot be written (permissions, a full
    disk, a closed pipe, a file where a folder should be). Nothing partial is left under
    the destination's name."""


def raise_problem(problem: Problem) -> None:
    """The library's default handler: errors raise, warnings pass."""
    if problem.severity == "error":
        raise RecordError(str(problem), problem)
