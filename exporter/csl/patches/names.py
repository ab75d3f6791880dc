"""Names: initialisation of given names.

CSL 1.0.2, "Name" (https://docs.citationstyles.org/en/stable/specification.html#name):

* ``initialize-with``: given names are reduced to initials followed by its value
  ("Charles A." -> "C. A."; "S.J." -> "S. J." with ". ").
* ``initialize`` (default "true"; inheritable, "Inheritable Name Options"): when
  "false", given names are *not* initialized, but initials already present get
  the ``initialize-with`` value ("James T" -> "James T.").  Stock citeproc-py
  ignores the attribute and initializes anyway.
* ``initialize-with-hyphen`` (#initialize-with-hyphen, default "true"): a
  hyphenated given name keeps its hyphen between initials ("Anne-Sophie" ->
  "A.-S."); a lowercase part after the hyphen is not a separate name and
  contributes no initial ("Hye-jin" -> "H.", as citeproc-js does).
"""
from __future__ import annotations

from citeproc import model

model.CitationStylesElement._default_options.setdefault('initialize', 'true')


def _is_initial(core: str) -> bool:
    return len(core) == 1 and core.isupper()


def initialize_given(given: str, mark: str, with_hyphen: bool = True,
                     initialize: bool = True) -> str:
    """Initialize a given name following CSL 1.0.2 (see module docstring)."""
    tokens: list[tuple[str, bool]] = []  # (text, is_initial)
    if not with_hyphen:
        given = given.replace('-', ' ')
    for word in given.replace('.', '. ').split():
        parts = word.split('-')
        initials: list[str] = []
        full_parts: list[str] = []
        for k, part in enumerate(parts):
            core = part.rstrip('.')
            if not core:
                continue
            if initialize or _is_initial(core):
                if not core[0].isupper():
                    if k == 0:
                        full_parts.append(part)  # a lowercase particle ("de") stays
                    continue  # "Hye-jin" -> "H."
                initials.append(core[0])
            else:
                full_parts.append(part)
        if initials and not full_parts:
            if with_hyphen and len(initials) > 1:
                tokens.append(('-'.join(i + mark.rstrip() for i in initials[:-1])
                               + '-' + initials[-1], True))
            else:
                tokens.extend((i, True) for i in initials)
        elif full_parts and not initials:
            tokens.append(('-'.join(full_parts) if len(full_parts) > 1 else word, False))
        else:  # mixed, e.g. a particle with initials
            tokens.extend((p, False) for p in full_parts)
            tokens.extend((i, True) for i in initials)
    out = ''
    for text, is_initial in tokens:
        if out and not out.endswith(' ') and not is_initial:
            out += ' '
        out += text + mark if is_initial else text + ' '
    return out.strip()


def name_initialize(self, given, mark, context):
    with_hyphen = self.get_option('initialize-with-hyphen', context)
    initialize = str(self.get_option('initialize', context)).lower() != 'false'
    return initialize_given(str(given), mark, with_hyphen, initialize)


model.Name.initialize = name_initialize
