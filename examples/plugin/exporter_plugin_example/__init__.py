"""An example exporter plugin: writes records as a Markdown reading list.

Install it beside exporter (``pip install examples/plugin``) and it appears in
``exporter formats`` and works with ``exporter convert ... -t markdown-list``.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable, TextIO

from exporter import Record
from exporter.plugins import Writer
from exporter.problems import ProblemHandler, raise_problem


def _md(text: str) -> str:
    """Escape Markdown's inline specials so data cannot become markup."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>" else ch for ch in " ".join(text.split()))


@dataclasses.dataclass
class MarkdownListWriter(Writer):
    """One bullet per record: authors, year, title, and a DOI link."""

    name = "markdown-list"
    title = "Markdown reading list (example plugin)"
    extensions = (".md",)
    media_type = "text/markdown"

    def write(self, records: Iterable[Record], stream: TextIO, report: ProblemHandler = raise_problem) -> None:
        for record in records:
            authors = "; ".join(c.sort_name() for c in record.authors) or "Anonymous"
            year = f" ({record.issued.year})" if record.issued and record.issued.year else ""
            line = f"- {_md(authors)}{year}. *{_md(record.full_title or 'Untitled')}*"
            if record.doi:
                line += f" <https://doi.org/{record.doi}>"
            stream.write(line + "\n")
