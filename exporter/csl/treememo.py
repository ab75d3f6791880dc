"""Memos of what is derived from the (static) style and locale trees.

Shared by exporter.csl.rules.performance and by the rule modules that read
element attributes on every render.  A memo is a dict keyed on the lxml element
*object* it is derived from (so two styles, or two locales, never share an entry;
the memo keeps the proxy alive, so an id cannot be reused while the entry exists).

The trees are static once parsed, except for the few places that change an
element (see exporter.csl.rules.performance): each of them calls
:func:`invalidate` for the element it changed.  :func:`clear` forgets everything
(exporter.csl.styles.clear_caches).
"""
from __future__ import annotations

_per_element: list[dict] = []   # memos keyed by one element: invalidated with it
_global: list[dict] = []        # memos keyed by (element, ...) tuples or tree roots


def memo(per_element: bool = True) -> dict:
    """A new registered memo dict."""
    table: dict = {}
    (_per_element if per_element else _global).append(table)
    return table


def invalidate(element) -> None:
    """Forget what was derived from element's own attributes or children."""
    for table in _per_element:
        table.pop(element, None)


def invalidate_structure() -> None:
    """Forget the memos keyed on tuples (XPath results ...): the tree's shape changed."""
    for table in _global:
        table.clear()


def clear() -> None:
    for table in _per_element + _global:
        table.clear()


_attrs = memo()
_children = memo()


def attrs(element) -> dict:
    """A dict copy of element's attributes (read-only: never modify it)."""
    try:
        return _attrs[element]
    except KeyError:
        attributes = _attrs[element] = dict(element.attrib)
        return attributes


def children(element) -> tuple:
    """element's children, as iterchildren() gives them."""
    try:
        return _children[element]
    except KeyError:
        kids = _children[element] = tuple(element.iterchildren())
        return kids
