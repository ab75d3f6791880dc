"""Names: initialisation of given names.

CSL 1.0.2, "Name" (https://docs.citationstyles.org/en/stable/specification.html#name):

* ``initialize-with``: given names are reduced to initials followed by its value
  ("Charles A." -> "C. A."; "S.J." -> "S. J." with ". "), exactly as citeproc-js 2.4.63
  does it (CSL.Util.Names.initializeWith, ported in :func:`initialize_given`): an
  abbreviation with a period stays one ("Ph.M.E." -> "Ph. M. E."), capitals after the
  first letter that a lowercase letter follows are kept ("TSerendorjiin" -> "Ts."), and a
  given name without a family name is not initialized ("Banksy").
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
from functools import lru_cache

from citeproc import model
from citeproc.string import normalize_seam

from ..ambiguity import (
    ambiguity_possible,
    cite_ambiguity,
    given_levels,
    in_bibliography,
    nameset_shown,
)
from ..markup import CLOSERS, OPENERS
from ..overrides import define

# CSL 1.0.2 "Name": initialize defaults to "true" (an inheritable name option)
define(model.CitationStylesElement, '_default_options',
       {**model.CitationStylesElement._default_options, 'initialize': 'true'})


# --- citeproc-js CSL.Util.Names.initializeWith, doInitialize, doNormalize -------------------
_UPPER_INITIAL = ('A-Z\u0e01-\u0e5b\u00c0-\u017f\u0400-\u042f\u0590-\u05d4\u05d6-\u05ff'
                  '\u0600-\u06ff\u0370\u0372\u0376\u0386\u0388-\u03ab\u03e2\u03e4\u03e6'
                  '\u03e8\u03ea\u03ec\u03ee\u03f4\u03f7\u03fd-\u03ff')
_NAME_INITIAL = re.compile(f'^([{_UPPER_INITIAL}])([a-zA-Z\u0e01-\u0e5b\u00c0-\u017f'
                           f'\u0400-\u052f\u0600-\u06ff\u0370-\u03ff\u1f00-\u1fff]*|)(\\.)*')
_LETTERS = ('a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4'
            '\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219'
            '\u021a\u021b\u202a-\u202e')
_STARTS_ROMANESQUE = re.compile(f'^[&{_LETTERS}]')
_ROMANESQUE = re.compile(f'[-0-9{_LETTERS}]')
# formatting markers in a name stand where citeproc-js has its tags (<b>...</b>)
_TAG = f'[{re.escape(OPENERS + CLOSERS)}]'
_NAME_SPLIT = re.compile(f'((?:[-\\s]*{_TAG}+[-\\s]*|[-\\s]+))')
_LEADING_TAGS = re.compile(f'^{_TAG}*')
_TAG_RUN = re.compile(f'(?:-*{_TAG}+-*)')
_TRAILING_SPACE = re.compile(r'^(.*[^\s])*(\s+)$', re.DOTALL)
_END_SPACE = re.compile('[\t\n\x0b\x0c\r \ufeff\u00a0]+$')
_SPACE_RUN = re.compile('[\t\n\x0b\x0c\r ]+')
_HYPHEN_SPACE = re.compile(r'\s*-\s*')


def _merge_tag(tagged: str, text: str) -> str:
    tags = _TAG_RUN.findall(tagged)
    if not tags:
        return text
    tags = ''.join(tags)
    m = _TRAILING_SPACE.match(text)
    if m:
        return (m.group(1) or '') + tags + m.group(2)
    return text + tags


def _tag_only(text: str) -> str:
    m = re.search(f'{_TAG}+', text)
    return m.group() if m else text


def _do_initialize(parts: list[str], terminator: str) -> str:
    count = len(parts)
    template = '%s' in terminator
    for i in range(0, count, 2):
        n = parts[i]
        if not n:
            continue
        m = _NAME_INITIAL.match(n)
        groups = (m.group(1), m.group(2), m.group(3)) if m else None
        if groups is None and not _STARTS_ROMANESQUE.match(n) and len(n) > 1 and template:
            groups = (n[0], n[1:], None)
        if groups is not None and groups[1] and groups[2]:
            groups = (groups[0] + groups[1], '', groups[2])  # an abbreviation: "Ph."
        if groups is not None and groups[0][:1] == groups[0][:1].upper():
            extra = ''
            if groups[1]:
                run = ''  # the capitals it starts with
                for c in groups[1]:
                    if c != c.upper():
                        break
                    run += c
                if len(run) < len(groups[1]):
                    extra = run.lower()  # "TSerendorjiin" -> "Ts."
            parts[i] = groups[0] + extra
            if i < count - 1:
                if template:
                    parts[i] = terminator.replace('%s', parts[i])
                elif '-' in parts[i + 1]:
                    parts[i + 1] = _merge_tag(parts[i + 1].replace('-', '', 1), terminator) + '-'
                else:
                    parts[i + 1] = _merge_tag(parts[i + 1], terminator)
            elif template:
                parts[i] = terminator.replace('%s', parts[i])
            else:
                parts.append(terminator)
        elif _ROMANESQUE.search(n) and (groups is None or not groups[2]):
            parts[i] = ' ' + n
    out = _END_SPACE.sub('', ''.join(parts))
    return _SPACE_RUN.sub(' ', _HYPHEN_SPACE.sub('-', out))


def _do_normalize(parts: list[str], terminator: str) -> str:
    abbreviation = []
    for i, part in enumerate(parts):
        bare = _LEADING_TAGS.sub('', part)
        if len(bare) > 1 and bare.endswith('.'):
            parts[i] = re.sub(r'^(.*)\.(.*)$', r'\1\2', part, flags=re.DOTALL)
            abbreviation.append(True)
        else:
            abbreviation.append(len(part) == 1 and part.upper() == part)
    count = len(parts)
    for i in range(0, count, 2):
        if not abbreviation[i]:
            continue
        if i < count - 2:
            parts[i + 1] = _tag_only(parts[i + 1])
            if not abbreviation[i + 2]:
                parts[i + 1] = _tag_only(parts[i + 1]) + ' '
            if len(parts[i + 2]) > 1:
                parts[i + 1] = terminator.rstrip('\ufeff') + parts[i + 1]
            else:
                parts[i + 1] = _merge_tag(parts[i + 1], terminator)
        if i == count - 1:
            parts[i] = parts[i] + terminator
    out = _END_SPACE.sub('', ''.join(parts))
    return _SPACE_RUN.sub(' ', _HYPHEN_SPACE.sub('-', out))


@lru_cache(maxsize=8192)
def initialize_given(given: str, mark: str, with_hyphen: bool = True,
                     initialize: bool = True) -> str:
    """A given name initialized with ``mark`` as citeproc-js 2.4.63 does it
    (CSL.Util.Names.initializeWith); with initialize=False only the initials and
    abbreviations already there are normalised (doNormalize).  A mark with "%s" is a
    template ("%s." ...)."""
    if not given:
        return ''
    mark = mark or ''
    if given in ('Lord', 'Lady') or (not _STARTS_ROMANESQUE.match(_LEADING_TAGS.sub('', given))
                                     and '%s' not in mark):
        return given
    if not with_hyphen:
        given = given.replace('-', ' ')
    given = re.sub(r'\s+', ' ', _HYPHEN_SPACE.sub('-', given))
    given = re.sub('-([a-z])', '\u2013\\1', given)
    for i in range(len(given) - 2, -1, -1):
        if given[i] == '.' and given[i + 1:i + 2] != ' ':
            given = given[:i] + '. ' + given[i + 1:]
    pieces = _NAME_SPLIT.split(given)
    parts = [pieces[0]]
    if len(pieces) == 1:
        m = re.search(r'[^.]+$', parts[0])
        if m and len(m.group()) == 1 and m.group() != m.group().lower():
            parts[0] += '.'
    parts.extend(pieces[1:])
    out = _do_normalize(parts, mark) if not initialize else _do_initialize(parts, mark)
    return re.sub('\u2013([a-z])', '-\\1', out).strip()


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
    return initialize_given(str(given), str(mark), bool(with_hyphen), initialize)


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
        if out and not out.endswith(('\u2019', "'", '-')) and not out[-1].isspace():
            out += ' '  # (a part ending in a space -- a no-break space suffix -- needs none)
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
    state = (cite_ambiguity(item, in_bibliography(self, context))
             if sort_options is None and names and ambiguity_possible(item) else None)
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
                text = str(family)
            else:
                text = join_parts(family) + (str(given) if given else '')
            if sort_options is None and (name_prefix or name_suffix):
                text = name_prefix + normalize_seam(name_prefix, text)
                text = text + normalize_seam(text, name_suffix)
            output.append(text)
            continue
        level = default_level
        if levels is not None and i < len(levels) and levels[i] > level:
            level = levels[i]
        if level == 1 and given is not None and family:  # (a given name alone stays whole)
            # initials: with initialize-with, or "" under a *-with-initials rule; otherwise
            # the full given name (citeproc-js _givenName)
            if with_initials is None:
                rule = _citation_option(self, context, 'givenname-disambiguation-rule') or ''
                with_initials = rule.endswith('-with-initials')
            if initialize_with is not None or with_initials:
                given = self.initialize(given, initialize_with or '', context)
        if suffix and initialize_with is not None:
            suffix = normalize_suffix(str(suffix), initialize_with)
        if sort_options is not None:
            output.append(sort_key_name(given if level >= 1 else None, family, dp, ndp,
                                        suffix if level >= 1 else None, demote_ndp))
            continue
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
        if sort_options is None and (name_prefix or name_suffix) and not name.get("literal"):
            # (not around an institution: citeproc-js puts them around personal names)
            # joined as citeproc-py's Affixed.wrap joins affixes: "O." + "." is "O."
            text = name_prefix + normalize_seam(name_prefix, text)
            text = text + normalize_seam(text, name_suffix)
        output.append(text)

    def inverted(index: int) -> bool:
        # the name at index printed family name first (an institution never is)
        if index < 0 or index >= len(names) or names[index].get('literal') or form != 'long':
            return False
        return name_as_sort_order == 'all' or (name_as_sort_order == 'first' and index == 0)

    if sort_options is not None:
        # citeproc-js sort keys: the names joined by the delimiter, without "and", "et al."
        return self.join(output, delimiter)
    if et_al_truncate and et_al:
        if et_al_last:
            ellipsis = self.unicode_character('horizontal ellipsis')
            output[-1] = ellipsis + ' ' + output[-1]
            return self.join(output, delimiter)
        if (delimiter_precedes_et_al == 'always' or
                (delimiter_precedes_et_al == 'contextual' and len(output) >= 2) or
                (delimiter_precedes_et_al == 'after-inverted-name'
                 and inverted(len(output) - 1))):
            output.append(et_al)
            return self.join(output, delimiter)
        return self.join(output, delimiter) + ' ' + et_al
    if and_term is not None and len(output) > 1:
        text = self.join(output[:-1], delimiter)
        if (delimiter_precedes_last == 'always' or
                (delimiter_precedes_last == 'contextual' and len(output) > 2) or
                (delimiter_precedes_last == 'after-inverted-name'
                 and inverted(len(output) - 2))):
            text = text + delimiter
        else:
            text += ' '
        return text + f'{and_term} ' + output[-1]
    return self.join(output, delimiter)


SORT_SEPARATOR = '|'  # citeproc-js opt.sort_sep (ICU sorts it before letters and digits)
_FIRST_APOSTROPHE = re.compile("['\u2019]")


def _joined(parts, separator: str) -> str:
    return separator.join(str(part) for part in parts if part)


def sort_key_name(given, family, dp, ndp, suffix, demote_ndp: str) -> str:
    """A name in a sort key, as citeproc-js composes it (_renderOnePersonalName with
    sort_key_flag): "family|given dp ndp suffix" (particle demoted unless
    demote-non-dropping-particle="never": "ndp family dp|given suffix"), the particles
    without their first apostrophe."""
    if ndp:
        ndp = _FIRST_APOSTROPHE.sub('', str(ndp), count=1)
    if dp and given is not None:
        dp = _FIRST_APOSTROPHE.sub('', str(dp), count=1)
    else:
        dp = None  # (no given name shown: no dropping particle either)
    if demote_ndp == 'never':
        merged = _joined((_joined((ndp, family), ' '), dp), ' ')
        merged = _joined((merged, given), SORT_SEPARATOR)
    else:
        merged = _joined((family, _joined((given, dp, ndp), ' ')), SORT_SEPARATOR)
    return _joined((merged, suffix), ' ')


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
    # the affixes were applied to each name by name_process; a count (form="count") stays
    # a number, so that cs:names adds the counts of its variables ("3 + 2" is 5, not "32")
    if isinstance(text, int):
        return text
    return self.format(text) if text else None


define(model.Name, 'markup', name_markup)
