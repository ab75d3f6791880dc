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
* Name suffixes under ``initialize-with``: abbreviations in the suffix take the
  ``initialize-with`` value in place of their period, as in citeproc-js
  (``CSL.NameOutput._nameSuffix``): "Jr." -> "Jr" with ``initialize-with=""``
  (vancouver, springer: "Crawford TE Jr"), unchanged with ``". "``; "III" stays.
"""
from __future__ import annotations

import re

from citeproc import model
from citeproc.string import normalize_seam

from ..ambiguity import cite_ambiguity, given_levels, in_bibliography, nameset_shown
from ..overrides import define

# CSL 1.0.2 "Name": initialize defaults to "true" (an inheritable name option)
define(model.CitationStylesElement, '_default_options',
       {**model.CitationStylesElement._default_options, 'initialize': 'true'})


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


def normalize_suffix(suffix: str, mark: str) -> str:
    """A name suffix with its abbreviations ending in ``mark`` (see module docstring).

    Follows citeproc-js's ``CSL.Util.Names.initializeWith(..., normalizeOnly=true)``:
    a word longer than one character that ends in a period loses its last period and
    takes ``mark``; the result loses trailing spaces.  Suffixes that do not start with a
    Latin letter, and "Lord"/"Lady", are left alone.
    """
    if not suffix or suffix in ('Lord', 'Lady') or not suffix[0].isalpha() or not suffix[0].isascii():
        return suffix
    words = suffix.split()
    out = []
    for k, word in enumerate(words):
        if len(word) > 1 and word.endswith('.'):
            word = word[:-1] + (mark if k == len(words) - 1 else mark.rstrip())
        out.append(word)
    return ' '.join(out).rstrip()


def name_initialize(self, given, mark, context):
    with_hyphen = self.get_option('initialize-with-hyphen', context)
    initialize = str(self.get_option('initialize', context)).lower() != 'false'
    return initialize_given(str(given), mark, with_hyphen, initialize)


define(model.Name, 'initialize', name_initialize)


# --- name rendering --------------------------------------------------------------
# CSL 1.0.2 "Name-part Order" (#name-part-order) and "Name Particles" (#name-particles):
# * a particle ending in an apostrophe or hyphen is joined to the next part without a
#   space ("d’Argenson", not "d’ Argenson");
# * names written in a non-Latin script without spaces (Chinese, Japanese, Korean) are
#   displayed family-name first with no separator ("赵建国"), in every form, and are
#   never initialized (#name-part-order: "non-Romanic names ... always family-given").
# CSL 1.0.2 "Name Delimiter" / "and" (#name): the names before "and" are separated by
# the name delimiter (stock citeproc-py hard-codes ", ").

import re as _re  # noqa: E402 - beside the rules that use it

_CJK = _re.compile(r'^[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3130-\u318f\u3400-\u4dbf'
                   r'\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]+$')


def is_cjk_name(family, given) -> bool:
    parts = [str(p) for p in (family, given) if p]
    return bool(parts) and all(_CJK.match(p) for p in parts)


def join_parts(*parts) -> str:
    """Join name parts with spaces, except after a particle ending in ’ ' or -."""
    out = ''
    for part in parts:
        if not part:
            continue
        part = str(part)
        if out and not out.endswith(('\u2019', "'", '-')):
            out += ' '
        out += part
    return out


def _in_citation(element, context) -> bool:
    try:
        layout = (context if context is not None else element).get_layout()
    except IndexError:
        return False
    return layout.getparent().tag.endswith('}citation')


def _citation_option(element, context, option):
    try:
        layout = (context if context is not None else element).get_layout()
    except IndexError:
        return None
    return layout.getparent().get(option)


def name_process(self, item, variable, context=None, sort_options=None, **kwargs):
    def get_option(name):
        return self.get_option(name, context, sort_options)

    and_ = get_option('and')
    delimiter = get_option('delimiter')
    delimiter_precedes_et_al = get_option('delimiter-precedes-et-al')
    delimiter_precedes_last = get_option('delimiter-precedes-last')
    et_al_min = get_option('et-al-min')
    et_al_use_first = get_option('et-al-use-first')
    et_al_use_last = get_option('et-al-use-last')
    initialize_with = get_option('initialize-with')
    name_as_sort_order = get_option('name-as-sort-order')
    sort_separator = get_option('sort-separator')
    form = get_option('form')
    demote_ndp = get_option('demote-non-dropping-particle')

    def format_name_parts(given, family):
        for part in self.findall('cs:name-part', self.nsmap):
            given, family = part.format_part(given, family)
        return given, family

    names = item.reference.get(variable, [])
    and_term = None
    if and_ == 'text':
        and_term = self.get_single_term(name='and')
    elif and_ == 'symbol':
        and_term = self.preformat('&')

    if form == 'count':
        if et_al_min and len(names) >= et_al_min:
            return min(len(names), et_al_use_first)
        return len(names)

    count = len(names)
    # CSL 1.0.2 "Disambiguation" (exporter.csl.disambiguation): the cite's configuration
    # may show more names and expand given names; read per nameset, as citeproc-js does
    state = cite_ambiguity(item, in_bibliography(self, context)) if sort_options is None and names else None
    levels = None
    if state is not None:
        pos = state.nameset
        state.nameset += 1
        state.names_max.append(count)
        levels = given_levels(state, item.key, pos, names, form, initialize_with)
        shown = nameset_shown(state, pos, count, et_al_min, et_al_use_first, et_al_use_last)
    else:
        # citeproc-js _imposeNameConstraints: et-al-use-first names once there are
        # et-al-min or more, unless et-al-min is below et-al-use-first
        shown = count
        if et_al_min and count >= et_al_min and et_al_min >= et_al_use_first:
            shown = min(et_al_use_first, count)
    et_al = self.et_al()
    et_al_last = et_al_use_last and et_al_use_first <= et_al_min - 2
    if et_al_last and shown >= count - 1:
        shown = count  # the shown names and the last one are all of them: nothing omitted
    et_al_truncate = shown < count
    et_al_last = et_al_last and et_al_truncate
    if et_al_truncate:
        if et_al_last:
            names = names[:shown] + [names[-1]]
        else:
            names = names[:shown]
    output = []
    # affixes of cs:name go around each name, as in citeproc-js ("J Smith., J Doe., and
    # R Roe." for suffix="."; allergology-international and 20-odd styles)
    name_prefix, name_suffix = self.get('prefix', ''), self.get('suffix', '')
    default_level = 0 if form == 'short' else (1 if initialize_with is not None else 2)
    with_initials = None
    for i, name in enumerate(names):
        given, family, dp, ndp, suffix = name.parts()
        if is_cjk_name(family, given):
            given, family = format_name_parts(given, family)
            if form == 'short':
                output.append(str(family))
            else:
                output.append(join_parts(family) + (str(given) if given else ''))
            continue
        level = default_level
        if levels is not None and i < len(levels) and levels[i] > level:
            level = levels[i]
        if level == 1 and given is not None:
            # initials: with initialize-with, or "" under a *-with-initials rule; otherwise
            # the full given name (citeproc-js _givenName)
            if with_initials is None:
                rule = _citation_option(self, context, 'givenname-disambiguation-rule') or ''
                with_initials = rule.endswith('-with-initials')
            if initialize_with is not None or with_initials:
                given = self.initialize(given, initialize_with or '', context)
        if suffix and initialize_with is not None:
            suffix = normalize_suffix(str(suffix), initialize_with)
        if level >= 1:
            if (name_as_sort_order == 'all' or
                    (name_as_sort_order == 'first' and i == 0)):
                # demote-non-dropping-particle="sort-only" demotes in sort keys only
                # (CSL 1.0.2 "Name Particles"); sort keys are rendered with sort_options
                if demote_ndp == 'never' or (demote_ndp == 'sort-only' and sort_options is None):
                    family = join_parts(ndp, family)
                    given = join_parts(given, dp)
                else:
                    given = join_parts(given, dp, ndp)
                given, family = format_name_parts(given or None, family)
                order = family, given, suffix
                text = sort_separator.join([str(n) for n in order if n])
            else:
                family = join_parts(dp, ndp, family)
                given, family = format_name_parts(given, family)
                text = join_parts(given, family)
                if suffix:
                    text += (', ' if name.get('comma-suffix') else ' ') + str(suffix)
        else:  # short
            family = join_parts(ndp, family)
            if sort_options is not None and ndp and demote_ndp != 'never':
                # sort keys of short names demote the particle too ("Bosch van den")
                given, family = format_name_parts(given, join_parts(name.parts()[1], ndp))
                text = str(family)
            else:
                given, family = format_name_parts(given, family)
                text = str(family)
        if sort_options is None and (name_prefix or name_suffix):
            # joined as citeproc-py's Affixed.wrap joins affixes: "O." + "." is "O."
            text = name_prefix + normalize_seam(name_prefix, text)
            text = text + normalize_seam(text, name_suffix)
        output.append(text)

    if et_al_truncate and et_al:
        if et_al_last:
            ellipsis = self.unicode_character('horizontal ellipsis')
            output[-1] = ellipsis + ' ' + output[-1]
            return self.join(output, delimiter)
        if (delimiter_precedes_et_al == 'always' or
                (delimiter_precedes_et_al == 'contextual' and len(output) >= 2) or
                (delimiter_precedes_et_al == 'after-inverted-name' and name_as_sort_order
                 and (name_as_sort_order == 'all' or len(output) == 1))):
            output.append(et_al)
            return self.join(output, delimiter)
        return self.join(output, delimiter) + ' ' + et_al
    if and_term is not None and len(output) > 1:
        text = self.join(output[:-1], delimiter)
        if (delimiter_precedes_last == 'always' or
                (delimiter_precedes_last == 'contextual' and len(output) > 2) or
                (delimiter_precedes_last == 'after-inverted-name' and name_as_sort_order
                 and (name_as_sort_order == 'all' or len(output) == 2))):
            text = text + delimiter
        else:
            text += ' '
        return text + f'{and_term} ' + output[-1]
    return self.join(output, delimiter)


def name_process_with_affixes(self, item, variable, context=None, sort_options=None, **kwargs):
    text = name_process(self, item, variable, context, sort_options, **kwargs)
    if (sort_options is None and isinstance(text, str) and '  ' in text
            and (self.get('suffix', '').endswith(' ') or self.get('prefix', '').startswith(' '))):
        # a name affix ending in a space meets a delimiter starting with one: one space
        # ("Doe and Roe", CSL test suite plural_NameLabelNever)
        text = re.sub(' {2,}', ' ', str(text))
    return text


define(model.Name, 'process', name_process_with_affixes)


def name_markup(self, text):
    # the affixes were applied to each name by name_process
    return self.format(text) if text else None


define(model.Name, 'markup', name_markup)
