"""Year-suffix disambiguation.

CSL 1.0.2, "Disambiguation" (https://docs.citationstyles.org/en/stable/specification.html#disambiguation):
cites that render identically are *ambiguous*.  With
``disambiguate-add-year-suffix="true"`` each item of an ambiguous group gets a
year-suffix ("a", "b", ... "z", "aa" ...) in the order of the bibliography,
rendered by ``<text variable="year-suffix"/>``, or -- when the style has no such
element -- appended to the first year of the issued date ("2007a").

Ambiguity is decided on the rendered first-position citation of each item.  When
the style also allows ``disambiguate-add-names`` / ``disambiguate-add-givenname``,
items whose names differ are taken as disambiguated by those methods (which come
first in the spec's order) and get no suffix.
"""
from __future__ import annotations

from collections import defaultdict

from citeproc import Citation, CitationItem
from citeproc.source import VariableError

from .markup import strip_markers


def suffix_for(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    out = ''
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord('a') + rem) + out
    return out


def _names_key(reference, variables: tuple[str, ...]) -> tuple:
    for variable in variables:
        try:
            names = reference[variable]
        except VariableError:
            continue
        return tuple(tuple(str(n.get(part, '')) for part in ('family', 'given', 'literal'))
                     for n in names)
    return ()


def style_has_year_suffix_variable(style) -> bool:
    root = style.root
    return bool(root.xpath_search('.//cs:text[@variable="year-suffix"]'))


def assign_year_suffixes(style, bib) -> None:
    """Set reference['year_suffix'] for the ambiguous items of a registered bibliography."""
    citation_el = style.root.citation
    if citation_el is None:
        return
    if citation_el.get('disambiguate-add-year-suffix', 'false').lower() != 'true':
        return
    add_names = citation_el.get('disambiguate-add-names', 'false').lower() == 'true'
    add_given = citation_el.get('disambiguate-add-givenname', 'false').lower() == 'true'
    groups: dict[tuple, list] = defaultdict(list)
    saved = bib._cites
    for item in bib.items:
        bib._cites = []
        cite = CitationItem(item.key)
        citation = Citation([cite])
        citation.bibliography = bib
        try:
            text = strip_markers(str(style.render_citation(citation, [], lambda c: None)))
        except Exception:  # noqa: BLE001 - a cite that fails to render is not ambiguous
            continue
        key: tuple = (text,)
        if add_names or add_given:
            key += (_names_key(item.reference, ('author', 'editor', 'translator')),)
        groups[key].append(item)
    bib._cites = saved
    explicit = style_has_year_suffix_variable(style)
    for members in groups.values():
        if len(members) < 2:
            continue
        for n, item in enumerate(members):
            suffix = suffix_for(n)
            item.reference['year_suffix'] = suffix
            if not explicit:
                try:
                    issued = item.reference['issued']
                except VariableError:
                    continue
                target = issued.get('begin', issued) if isinstance(issued, dict) else None
                if target is not None and 'year' in target:
                    target['year_suffix'] = suffix
