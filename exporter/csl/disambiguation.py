"""Disambiguation of cites: add-names, add-givenname, year-suffix, disambiguate="true".

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

from citeproc import Citation
from citeproc.source import VariableError

from .engine import ExporterCitationItem
from .labels import GENERATED_LABEL
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


def _tests_disambiguate(style) -> bool:
    return bool(style.root.xpath_search('.//cs:if[@disambiguate] | .//cs:else-if[@disambiguate]'))


def style_has_year_suffix_variable(style) -> bool:
    root = style.root
    return bool(root.xpath_search('.//cs:text[@variable="year-suffix"]'))


def style_has_citation_label(style) -> bool:
    return bool(style.root.xpath_search('.//cs:text[@variable="citation-label"]'))


def _render_cite(style, bib, item) -> str | None:
    bib._cites = []
    citation = Citation([ExporterCitationItem(item.key)])
    citation.bibliography = bib
    try:
        return strip_markers(str(style.render_citation(citation, [], lambda c: None)))
    except Exception:  # noqa: BLE001 - a cite that fails to render is not ambiguous
        return None


def _family_names(reference) -> list[str]:
    for variable in ('author', 'editor', 'translator'):
        try:
            return [str(n.get('family', n.get('literal', ''))) for n in reference[variable]]
        except VariableError:
            continue
    return []


def disambiguate(style, bib) -> None:
    """Disambiguate the cites of a registered bibliography (CSL 1.0.2 order of methods):

    1. add-names: show more names where the names beyond et-al differ
       (reference['_add_names'] = number of names to show);
    2. add-givenname: show the initials of the first name where only given names
       differ (reference['_add_givenname']);
    3. add-year-suffix: reference['year_suffix'];
    4. anything still ambiguous gets reference['_ambiguous'] (``disambiguate="true"``).
    """
    citation_el = style.root.citation
    if citation_el is None:
        return
    add_suffix = citation_el.get('disambiguate-add-year-suffix', 'false').lower() == 'true'
    add_names = citation_el.get('disambiguate-add-names', 'false').lower() == 'true'
    add_given = citation_el.get('disambiguate-add-givenname', 'false').lower() == 'true'
    if not (add_suffix or add_names or add_given or _tests_disambiguate(style)):
        return  # nothing in the style depends on ambiguity: skip the extra rendering
    groups: dict[str, list] = defaultdict(list)
    saved = bib._cites
    for item in bib.items:
        text = _render_cite(style, bib, item)
        if text is not None:
            groups[text].append(item)
    bib._cites = saved
    # a label style carries the year-suffix on its label ("[Have07a]"), as citeproc-js
    label = style_has_citation_label(style)
    explicit = style_has_year_suffix_variable(style) or label
    for members in groups.values():
        if len(members) < 2:
            continue
        remaining = members
        if add_names:
            families = [_family_names(m.reference) for m in members]
            longest = max(len(f) for f in families)
            for n in range(2, longest + 1):
                keys = [tuple(f[:n]) for f in families]
                if len(set(keys)) == len(keys):
                    for m in members:
                        if len(_family_names(m.reference)) >= n:
                            m.reference['_add_names'] = n
                    remaining = []
                    break
        if remaining and add_given:
            full = [_names_key(m.reference, ('author', 'editor', 'translator'))[:1]
                    for m in remaining]
            if len(set(full)) == len(full):
                for m in remaining:
                    m.reference['_add_givenname'] = True
                remaining = []
        if remaining and add_suffix:
            _set_suffixes(remaining, explicit, label)
            remaining = []
        for m in remaining:
            m.reference['_ambiguous'] = True


GENERATED_KEY = GENERATED_LABEL.replace('-', '_')


def _set_suffixes(members, explicit: bool, label: bool = False) -> None:
    for n, item in enumerate(members):
        suffix = suffix_for(n)
        item.reference['year_suffix'] = suffix
        if label:
            for key in ('citation_label', GENERATED_KEY):
                if dict.get(item.reference, key):
                    item.reference[key] = str(dict.get(item.reference, key)) + suffix
                    break
        if not explicit:
            try:
                issued = item.reference['issued']
            except VariableError:
                continue
            target = issued.get('begin', issued) if isinstance(issued, dict) else None
            if target is not None and 'year' in target:
                target['year_suffix'] = suffix
