"""The table of exporter's own methods for citeproc-py's CSL element classes.

citeproc-py 0.11.1 (https://github.com/citeproc-py/citeproc-py) renders a style
through the lxml element classes of ``citeproc.model``.  exporter corrects their
behaviour (each module of :mod:`exporter.csl.rules` names the CSL 1.0.2 rule,
https://docs.citationstyles.org/en/stable/specification.html, it implements) *without
touching citeproc-py*: the rule modules record their methods here, keyed by the stock
class they refine, and :mod:`exporter.csl.engine` builds one subclass of every stock
element class from this table.  Only styles parsed by exporter's own parser are made of
those subclasses; citeproc-py's classes, modules and parsers stay as they are.

A rule module refines what the modules before it defined, as a subclass refines its
base class::

    _text_render = stock(model.Text, 'render')      # what Text.render is so far

    def text_render(self, *args, **kwargs):
        ...
        return _text_render(self, *args, **kwargs)

    define(model.Text, 'render', text_render)

:func:`stock` looks an attribute up through the stock class's MRO, in this table first
and then in citeproc-py's own classes, so a method defined for a base class
(``Formatted.format``) is seen by every class derived from it unless that class has its
own -- exactly the resolution Python gives a class hierarchy.  The order of
:data:`exporter.csl.rules.RULE_MODULES` is the order of refinement.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_MISSING = object()

#: stock class -> {attribute name: exporter's value}, in definition order
_table: dict[type, dict[str, Any]] = {}
_frozen: list[bool] = [False]


def define(cls: type, name: str, value: Any) -> None:
    """Give exporter's subclass of the stock class ``cls`` (and of the classes derived
    from it) the attribute ``name``."""
    if _frozen[0]:
        raise RuntimeError(f'exporter.csl classes are built already: cannot define '
                           f'{cls.__name__}.{name} now')
    _table.setdefault(cls, {})[name] = value


def stock(cls: type, name: str) -> Any:
    """The attribute ``name`` of exporter's subclass of ``cls`` as defined so far: the
    first class of ``cls.__mro__`` that this table or citeproc-py defines it for."""
    for klass in cls.__mro__:
        value = _table.get(klass, {}).get(name, _MISSING)
        if value is not _MISSING:
            return value
        value = vars(klass).get(name, _MISSING)
        if value is not _MISSING:
            return value
    raise AttributeError(f'{cls.__name__} has no attribute {name!r}')


def defined_names(cls: type) -> set[str]:
    """Names this table defines for ``cls`` or any of its base classes."""
    return {name for klass in cls.__mro__ for name in _table.get(klass, {})}


def definitions() -> Iterator[tuple[type, str, Any]]:
    """(stock class, attribute name, exporter's value) of every definition."""
    for cls, names in _table.items():
        for name, value in names.items():
            yield cls, name, value


def freeze() -> None:
    """No more definitions: the classes are being built from the table."""
    _frozen[0] = True
