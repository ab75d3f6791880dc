"""Memoisation for citeproc-py's style-tree lookups (no change in output).

citeproc-py re-runs XPath queries on the style tree for every variable of every
entry (macro lookup by name, the enclosing cs:layout / cs:citation /
cs:bibliography of an element, locale terms ...).  The style tree is static once
parsed, so the results are memoised per (element, expression).  The memo also
keeps the lxml proxy objects alive, so Python attributes set on them by
citeproc-py (``layout.repressed``, ``locale.style``) stay attached.

Not a CSL rule: this implements CSL 1.0.2 exactly as before, only faster.
"""
from __future__ import annotations

from citeproc import model
from citeproc.source import CitationItem

_xpath_memo: dict[tuple[int, str], tuple[object, list]] = {}


def xpath_search(self, expression):
    key = (id(self), expression)
    hit = _xpath_memo.get(key)
    if hit is not None and hit[0] is self:
        return hit[1]
    result = self.xpath(expression, namespaces=self.nsmap)
    _xpath_memo[key] = (self, result)
    return list(result) if isinstance(result, list) else result



model.CitationStylesElement.xpath_search = xpath_search

_root_memo: dict[int, tuple[object, object]] = {}


def get_root(self):
    hit = _root_memo.get(id(self))
    if hit is not None and hit[0] is self:
        return hit[1]
    root = self.getroottree().getroot()
    _root_memo[id(self)] = (self, root)
    return root


model.CitationStylesElement.get_root = get_root


def _reference(self):
    try:
        return self.__dict__['_reference']
    except KeyError:
        reference = self.bibliography.source[self.key]
        self.__dict__['_reference'] = reference
        return reference


CitationItem.reference = property(_reference)


def clear() -> None:
    """Forget memoised lookups (with the style caches, see styles.clear_caches)."""
    _xpath_memo.clear()
    _root_memo.clear()


def _get_formatter(self):
    # exporter.csl renders every style with the one intermediate formatter
    # (exporter.csl.markup); looking it up through the tree root is wasted work.
    return _intermediate


from ..markup import intermediate as _intermediate

model.CitationStylesElement.get_formatter = _get_formatter
model.Locale.get_formatter = _get_formatter
