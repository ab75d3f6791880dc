"""exporter's CSL rules: the methods of its own citeproc-py element classes.

Each module covers one area and names the CSL 1.0.2 rule each method implements
(https://docs.citationstyles.org/en/stable/specification.html).  The modules record
their methods in :mod:`exporter.csl.overrides`; :mod:`exporter.csl.engine` builds the
classes from them.  citeproc-py itself is never changed.

A module refines what the modules before it defined, so the order of
:data:`RULE_MODULES` matters (it is a tuple, not an import list a formatter may sort):
vocabulary and ordinals restate stock methods with exporter's variable lists and
ordinals, which the later modules refine; display wraps every render method, so it
comes last.
"""
from __future__ import annotations

import importlib

RULE_MODULES = (
    'vocabulary',
    'ordinals',
    'citation',
    'dates',
    'groups',
    'layout',
    'names',
    'performance',
    'punctuation',
    'sorting',
    'substitute',
    'terms',
    'textcase',
    'variables',
)

for _name in RULE_MODULES:
    importlib.import_module(f'{__name__}.{_name}')

from . import layout  # noqa: E402 - display wraps the methods the modules above defined

layout.install_display()
