"""The state of one rendering: what exporter's CSL element classes remember while they render.

A parsed style is shared (cached per process, exporter.csl.styles) and its elements are
static, so nothing that belongs to one rendering may live on them or in module globals.
What the rules of :mod:`exporter.csl.rules` need to remember while an entry or a
citation is rendered lives in one :class:`RenderContext`, made by
:func:`rendering` for each call of the public API and found through a context
variable (so threads and asynchronous tasks each see their own).

Each field names the rule that uses it; the CSL 1.0.2 rules are described there
(https://docs.citationstyles.org/en/stable/specification.html).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RenderContext:
    """What one rendering remembers between the methods of exporter's element classes."""

    #: the first non-empty cs:names output of each entry or cite being rendered (cite
    #: grouping and subsequent-author-substitute; rules.citation)
    captured_names: list[list[str]] = field(default_factory=list)
    #: (the preceding entry's first names, subsequent-author-substitute) while a
    #: bibliography entry is rendered (exporter.csl.CitationProcessor._render_entries)
    author_substitute: tuple[str, str] | None = None
    #: the cite being rendered: its position and whether it printed yet (rules.citation)
    cite_states: list[Any] = field(default_factory=list)
    #: [variable called, variable rendered] per cs:group / macro being rendered: group
    #: suppression (rules.groups)
    group_frames: list[list[bool]] = field(default_factory=list)
    #: variables suppressed by citeproc-py's own cs:substitute handling, by tag
    #: (Layout.repressed; rules.substitute)
    repressed: dict = field(default_factory=dict)
    #: variables a cs:substitute used, suppressed in the rest of the entry (rules.substitute)
    substituted: set[str] = field(default_factory=set)
    #: the variables rendered inside each cs:substitute child being rendered (rules.substitute)
    substitute_recorders: list[set[str]] = field(default_factory=list)
    #: ids of the dates whose implicit year-suffix the entry or cite printed (rules.dates)
    suffix_shown: set[int] = field(default_factory=set)
    #: strip-periods set on the enclosing macro calls (rules.variables)
    strip_inside: list[bool] = field(default_factory=list)
    #: the last cs:substitute rendered a names element that subsequent-author-substitute
    #: ignores (rules.substitute, rules.citation)
    substitute_unmatched: bool = False
    #: cs:names elements being rendered, one inside the other (rules.citation)
    names_depth: int = 0
    #: what each cs:name of the cs:names being captured rendered (rules.citation)
    name_texts: list[str] | None = None
    #: the date keys of a sort-key macro holding a cs:date being rendered (rules.sorting)
    date_sort_keys: list[str] | None = None
    #: the disambiguation of the bibliography being rendered (exporter.csl.disambiguation.Run)
    disambiguation: Any = None
    #: the namesets and disambiguate="true" tests of the cite or entry being rendered
    #: (exporter.csl.disambiguation.CiteAmbiguity, made on first use)
    cite_ambiguity: Any = None

    def start_entry(self, repressed: dict) -> None:
        """citeproc-py starts an entry or a cite (it sets ``layout.repressed = {}``)."""
        self.repressed = repressed
        self.substituted = set()
        self.suffix_shown.clear()
        self.cite_ambiguity = None


_current: ContextVar[RenderContext] = ContextVar('exporter_csl_render_context')


def render_context() -> RenderContext:
    """The context of the rendering under way (a new one when none was started, e.g.
    when a style is rendered outside exporter.csl.CitationProcessor)."""
    try:
        return _current.get()
    except LookupError:
        context = RenderContext()
        _current.set(context)
        return context


@contextmanager
def rendering() -> Iterator[RenderContext]:
    """A fresh context for one rendering (bibliography or citations)."""
    token = _current.set(RenderContext())
    try:
        yield _current.get()
    finally:
        _current.reset(token)
