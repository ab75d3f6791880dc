"""The citation-label variable (CSL 1.0.2 Appendix IV: "label identifying the item in
in-text citations of label styles (e.g. "Ferr78"); may be assigned by the CSL processor
based on item metadata").

Generated as citeproc-js 2.4.63 does (``CSL.Engine.getCitationLabel``) with its default
trigraph "Aaaa00:AaAa00:AaAA00:AAAA00": from the first name variable that has names, 4
letters of one family name, 2 of each of two, 2+1+1 of three, 1 of each of four or more,
then the last two digits of the issued year ("0000" without one).  Lowercase particles
at the start of a family name and a leading "a", "an" or "the" are dropped; characters
outside the Latin script are removed.  Without names, the title's first 4 letters after
its skip words.  An item's own "citation-label" is kept.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: where exporter.csl.items keeps a generated label (read by rules/variables.py)
GENERATED_LABEL = '_generated-citation-label'
# citeproc-js CSL.NAME_VARIABLES, in its order
NAME_VARIABLES = (
    'author', 'chair', 'collection-editor', 'compiler', 'composer', 'container-author',
    'contributor', 'curator', 'director', 'editor', 'editor-translator', 'editorial-director',
    'executive-producer', 'guest', 'host', 'illustrator', 'interviewer', 'narrator',
    'organizer', 'original-author', 'performer', 'producer', 'recipient', 'reviewed-author',
    'script-writer', 'series-creator', 'translator', 'commenter')
# letters per name for 1, 2, 3 and 4+ names; digits of the year
TRIGRAPH = ((4,), (2, 2), (2, 1, 1), (1, 1, 1, 1))
YEAR_DIGITS = 2
# citeproc-js CSL.SKIP_WORDS (used on title words, case-sensitively)
SKIP_WORDS = frozenset('''about above across afore after against al along alongside amid amidst
among amongst anenst apropos apud around as aside astride at athwart atop barring before behind
below beneath beside besides between beyond but by circa despite down during et except for
forenenst from given in inside into lest like modulo near next notwithstanding of off on onto
out over per plus pro qua sans since than through throughout thruout till to toward towards
under underneath until unto up upon versus vs. v. vs v via vis-à-vis with within without or yet
so and nor a an the de d' von van c ca'''.split())  # noqa: SIM905 - the list as citeproc-js writes it
_LEADING_PARTICLES = re.compile(r"^([ '\u2019a-z]+\s+)")
_ARTICLE = re.compile(r'^(a\s+|the\s+|an\s+)')
# citeproc-js CSL.ROMANESQUE_NOT_REGEXP: anything outside Latin letters, digits and a
# few marks is removed
_NOT_ROMANESQUE = re.compile(
    "[^a-zA-Z\u0080-\u017f\u0400-\u052f\u0386-\u03fb\u1f00-\u1ffe\u0370-\u03ff"
    "\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e\u0300-\u036f]")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:].lower() if len(text) > 1 else text.upper()


def citation_label(item: Mapping[str, Any]) -> str:
    label = ''
    for variable in NAME_VARIABLES:
        names = item.get(variable)
        if not names:
            continue
        widths = TRIGRAPH[min(len(names), len(TRIGRAPH)) - 1]
        for name, width in zip(names, widths):
            if not isinstance(name, Mapping):
                break
            part = ''
            if name.get('family'):
                part = _LEADING_PARTICLES.sub('', str(name['family']))
            elif name.get('literal'):
                part = str(name['literal'])
            match = _ARTICLE.match(part.lower())
            if match:
                part = part[len(match.group(1)):]
            part = _NOT_ROMANESQUE.sub('', part)
            if not part:
                break
            label += _capitalised(part[:width])
        break
    if not label and item.get('title'):
        words = [w for w in str(item['title']).split() if w not in SKIP_WORDS]
        label = _capitalised(''.join(words)[:TRIGRAPH[0][0]])
    year = '0000'
    issued = item.get('issued')
    if isinstance(issued, Mapping):
        parts = issued.get('date-parts')
        if parts and parts[0] and str(parts[0][0]).lstrip('-').isdigit():
            year = str(parts[0][0])
    return label + year[-YEAR_DIGITS:]
