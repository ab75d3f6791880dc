"""Citations: cite order, cite collapsing and cite grouping.

CSL 1.0.2 (https://docs.citationstyles.org/en/stable/specification.html):

* "Sorting" (#sorting): cites in a citation are sorted by the ``cs:sort`` of
  ``cs:citation``; without one they keep the order given.  Stock citeproc-py
  first re-ordered them by bibliography order.
* "Citation-specific Options", ``collapse`` (#cite-grouping, #cite-collapsing):
  - "citation-number": a run of three or more consecutive citation numbers
    collapses to a range ("61–63");
  - "year", "year-suffix", "year-suffix-ranged": consecutive cites with the
    same names are grouped and the names are printed once; the cites of a
    group are joined with ``cite-group-delimiter`` (default ", "):
    "(Haverkamp, 2003, 2007b)".
* "Choose" (#choose), ``disambiguate="true"``: true only for cites that are
  still ambiguous (see exporter.csl.disambiguation).  Stock citeproc-py
  ignored the attribute, so the branch was always taken.  The values of one
  ``type`` test are alternatives (an item has exactly one type), as in citeproc-js.
* "Choose", ``position`` (#choose), and the ``first-reference-note-number`` variable
  (Appendix IV, "Number Variables"): the position of each cite is computed for the
  whole document before rendering (exporter.csl.positions) and stored on the cite;
  the condition reads it.  A cite without a stored position (disambiguation
  renderings) is "first"; in the bibliography every position test is false.  Stock
  citeproc-py compared Locator objects by identity (so a repeated locator was
  "ibid-with-locator"), did not make ibid-with-locator pass ``position="ibid"``, and
  did not know notes.
"""
from __future__ import annotations

import re

from citeproc import model
from citeproc.source import VariableError
from citeproc.string import String

from ..ambiguity import cite_ambiguity, in_bibliography
from ..context import render_context
from ..markup import CLOSERS, MARKERS, OPENERS, strip_markers
from ..overrides import define, stock
from ..positions import FIRST, FIRST_POSITION, CitePosition
from ..seams import join, nonempty
from ..treememo import attrs

EN_DASH = '\u2013'


_original_names_render = stock(model.Names, 'render')


def names_render(self, *args, **kwargs):
    current = render_context()
    captured = current.captured_names
    # (a cs:names in the cs:substitute of the first one is part of it)
    first = bool(captured) and not captured[-1] and not current.names_depth
    current.names_depth += 1
    try:
        if first:
            saved, current.name_texts = current.name_texts, []
            current.substitute_unmatched = False
            try:
                text = _original_names_render(self, *args, **kwargs)
            finally:
                parts, current.name_texts = current.name_texts, saved
        else:
            text = _original_names_render(self, *args, **kwargs)
    finally:
        current.names_depth -= 1
    if first and text is not None and str(text):
        names = str(text)
        # the names without their label, as citeproc-js compares them
        names_only = ''.join(parts) if parts else names
        if current.substitute_unmatched:
            captured[-1].extend((names, None))  # neither matches nor is matched
            return text
        captured[-1].extend((names, names_only))
        # subsequent-author-substitute (exporter.csl.CitationProcessor._render_entries):
        # the first names of an entry equal to the preceding entry's print the substitute;
        # their label stays ("--- ed.", CSL test suite sort_SeparateAuthorsAndOthers)
        substitute = current.author_substitute
        if substitute is not None and names_only == substitute[0]:
            if len(parts) == 1 and names_only in names:
                return String(names.replace(names_only, substitute[1], 1))
            if not parts:
                # a substituted text (the title): its formatting and quotation marks stay
                # around the substitute, as citeproc-js keeps the decorations of the blob
                m = _EDGE_MARKERS.fullmatch(names)
                return String(m.group(1) + substitute[1] + m.group(3))
            return String(substitute[1])
    return text


_EDGE_MARKERS = re.compile(f'([{re.escape(MARKERS)}]*)(.*?)([{re.escape(MARKERS)}]*)', re.DOTALL)
define(model.Names, 'render', names_render)


def sorted_cites(layout, citation) -> list:
    """The known cites of a citation in the order of the style's citation sort."""
    good_cites = [cite for cite in citation.cites if not cite.is_bad()]
    sort = layout.getparent().sort
    return sort.sort(good_cites, layout) if sort is not None else good_cites


def render_citation(self, citation, callback):
    citation_el = self.getparent()
    good_cites = citation.__dict__.get('_sorted_cites')  # set by exporter.csl (positions)
    if good_cites is None:
        good_cites = sorted_cites(self, citation)
    bad_cites = [cite for cite in citation.cites if cite.is_bad()]
    rendered = []  # (item, text)
    capitalize = self.get_root().get('class') != 'in-text'
    current = render_context()
    printed = False  # has the citation printed anything a term could follow?
    for item in good_cites:
        self.repressed = {}
        prefix = item.get('prefix', '')
        suffix = item.get('suffix', '')
        if prefix:
            printed = not _ends_sentence(prefix)
        state = _CiteState(cite_position(item), capitalize, printed)
        current.captured_names.append([])
        current.cite_states.append(state)
        try:
            output = self.render_children(item)
        except VariableError:
            output = None
        finally:
            names = current.captured_names.pop()
            current.cite_states.pop()
            printed = state.printed
        if output is not None:
            rendered.append((item, prefix + output + suffix, names[0] if names else None))
            citation_el.cites.append(item)
    collapse = citation_el.get('collapse')
    grouped = collapse in ('year', 'year-suffix', 'year-suffix-ranged')
    group_delimiter = citation_el.get('cite-group-delimiter')
    if (grouped or group_delimiter is not None) and citation_el.sort is not None:
        rendered = _group_cites(rendered)  # (citeproc-js groups while it sorts the cites)
    joined = None
    if collapse == 'citation-number':
        out = _collapse_numbers(rendered)
    elif grouped:
        out = _group_by_names(self, rendered, citation_el, collapse)
    else:
        out = [text for _, text, _ in rendered]
        if group_delimiter is not None and len(rendered) > 1:
            # cite grouping without collapsing: the names stay, the cites of a group are
            # joined by cite-group-delimiter ("Banda 1999; Aalto 2000, Aalto 2001")
            pieces = [rendered[0][1]]
            for (_, _, before), (_, text, names) in zip(rendered, rendered[1:]):
                same = names is not None and names == before
                pieces.append(group_delimiter if same else self.get('delimiter', ''))
                pieces.append(text)
            out = [join(pieces)]
    if not collapse and group_delimiter is None and not bad_cites and len(rendered) > 1:
        joined = _join_with_affixes(self.get('delimiter', ''), rendered)
    for item in bad_cites:
        callback_value = callback(item)
        out.append(callback_value or f'{item.key}?')
    text = joined if joined is not None else (self.join(out) if out else None)
    if text is None:
        return None
    return self.format(self.wrap(text))


def _group_cites(rendered):
    """CSL 1.0.2 "Cite Grouping": cites with the same names are moved together, each group
    where its first cite stands (the citation's sort stays within a group)."""
    groups: dict = {}
    order = []
    for entry in rendered:
        key = entry[2] if entry[2] else id(entry)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(entry)
    return [entry for key in order for entry in groups[key]]


_AFFIX_PUNCTUATION = ',.;:'


def _join_with_affixes(delimiter: str, rendered):
    """The cites joined by the layout delimiter, whose punctuation gives way to a cite
    affix's, as in citeproc-js: a prefix that starts with punctuation replaces the
    delimiter ("Book A, cited in Book B"; "Book A. He said ..."), a suffix that ends with
    punctuation keeps only the delimiter's space ("... is one source, Jones")."""
    text = rendered[0][1]
    for (previous, _, _), (item, cite, _) in zip(rendered, rendered[1:]):
        prefix = strip_markers(str(item.get('prefix', '')))
        suffix = strip_markers(str(previous.get('suffix', '')))
        if prefix[:1] in _AFFIX_PUNCTUATION and prefix:
            glue = ''
        elif suffix[-1:] in _AFFIX_PUNCTUATION and suffix:
            glue = delimiter.lstrip(_AFFIX_PUNCTUATION)
        else:
            glue = delimiter
        text = join((text, cite), glue)
    return text


def _collapse_numbers(rendered):
    out = []
    i = 0
    while i < len(rendered):
        j = i
        while (j + 1 < len(rendered) and _plain_number(rendered[j + 1])
               and _plain_number(rendered[j])
               and rendered[j + 1][0].number == rendered[j][0].number + 1):
            j += 1
        if j - i >= 2:
            out.append(rendered[i][1] + EN_DASH + rendered[j][1])
            i = j + 1
        else:
            out.append(rendered[i][1])
            i += 1
    return out


def _plain_number(entry) -> bool:
    item, text, _ = entry
    return (not item.has_locator and not item.get('prefix') and not item.get('suffix')
            and strip_markers(str(text)).strip('[]()., ') == str(item.number))


def _group_by_names(layout, rendered, citation_el, collapse):
    """Cite grouping and year / year-suffix collapsing, with citeproc-js's delimiters.

    Cites with the same names as the preceding cite print the names once.  With
    ``collapse="year-suffix"`` (``"year-suffix-ranged"``), a cite whose year equals the
    preceding one's shows its year-suffix only ("2000a,b"; ranged: "2000a–c"), joined by
    ``year-suffix-delimiter`` (default: the layout delimiter).

    Delimiters follow citeproc-js (``CSL.getSpliceDelimiter``).  With
    ``after-collapse-delimiter``, it goes after a cite with a locator, after the last cite
    of a collapsed group, and between two cites that are not collapsed (except with
    ``collapse="year-suffix"``); inside a group the layout delimiter applies
    ("(Haverkamp 2003; 2007a)" in iso690-author-date, whose layout delimiter is "; ").
    Without it, cites inside a group are joined by ``cite-group-delimiter`` (default ", "
    in in-text styles; in note styles citeproc-js uses the layout delimiter) and groups by
    the layout delimiter.
    """
    after_collapse = citation_el.get('after-collapse-delimiter')
    layout_delimiter = layout.get('delimiter', '')
    in_text = citation_el.getparent().get('class') == 'in-text'
    group_delimiter = citation_el.get('cite-group-delimiter')
    if group_delimiter is None:  # citeproc-js: ", " in in-text styles, else the layout's
        group_delimiter = ', ' if in_text else layout_delimiter
    # citeproc-js: the cite-group-delimiter the style sets, else year-suffix-delimiter,
    # else the layout delimiter ("(Aalto 2015a, b)" with cite-group-delimiter=", ")
    suffix_delimiter = citation_el.get('cite-group-delimiter',
                                       citation_el.get('year-suffix-delimiter', layout_delimiter))
    by_suffix = collapse in ('year-suffix', 'year-suffix-ranged')
    # [text, collapsed, item, year base for suffix collapsing, suffix-only, prints no names]
    pieces = []
    # citeproc-js: when the cites print no names at all (a label style such as
    # din-1505-2-alphanumeric, "[CaIP09, JeBL06]"), each cite is in the collapsed state
    no_names = not any(names for _, _, names in rendered)
    last_names = None
    for item, text, names in rendered:
        text_str = str(text)
        collapsed = bool(names and names == last_names and pieces and not item.get('prefix')
                         and _after_names(text_str, names) is not None)
        if not collapsed:
            last_names = names if names and _after_names(text_str, names) is not None else None
            pieces.append([text, False, item, _year_base(item, text_str, names), False,
                           no_names])
            continue
        rest = _after_names(text_str, names).lstrip(' ,;:')
        if not strip_markers(rest).strip():
            continue  # only the names, which the group already shows (citeproc-js)
        base = _year_base(item, rest, None)
        previous = pieces[-1]
        if by_suffix and base is not None and previous[3] is not None and base[0] == previous[3][0]:
            pieces.append([base[1], True, item, base, True, False])
        else:
            pieces.append([rest, True, item, base, False, False])
    out = ''
    k = 0
    while k < len(pieces):
        text, collapsed, item, base, _, nameless = pieces[k]
        if k > 0:
            # citeproc-js: a cite that prints no names leaves the "collapsed" state on
            prev_collapsed = pieces[k - 1][1] or pieces[k - 1][5]
            current = collapsed or nameless
            last_locator = pieces[k - 1][2].has_locator
            if after_collapse is not None:
                if last_locator or (prev_collapsed and not current) or (
                        not prev_collapsed and not current and collapse != 'year-suffix'):
                    delimiter = after_collapse
                else:
                    delimiter = layout_delimiter
            elif collapsed:
                delimiter = group_delimiter
            elif nameless and in_text and not _numeric(citation_el):
                delimiter = ', '  # citeproc-js getSpliceDelimiter, have_collapsed
            else:
                delimiter = layout_delimiter
            out += delimiter
        end = k + 1
        while end < len(pieces) and pieces[end][4]:
            end += 1
        if end == k + 1:
            out += str(text)
            k += 1
            continue
        # a year followed by cites that show their year-suffix only
        letters = [base[1]] + [str(piece[0]) for piece in pieces[k + 1:end]]
        runs = _suffix_runs(letters, collapse == 'year-suffix-ranged')
        first = runs[0]
        out += str(text) + (EN_DASH + letters[first[1]] if first[1] > first[0] else '')
        for start, stop in runs[1:]:
            out += suffix_delimiter + letters[start] + (EN_DASH + letters[stop] if stop > start else '')
        k = end
    return [out] if pieces else []


_OPENERS_RUN = re.compile(f'[{re.escape(OPENERS)}]*')
_CLOSERS_RUN = re.compile(f'[{re.escape(CLOSERS)}]*')


def _after_names(text: str, names: str) -> str | None:
    """What a cite prints after its names (formatting around the names included:
    "<i>Aalto et al.</i>, 1999" -> ", 1999"), or None when it does not start with them."""
    if text.startswith(names):
        return text[len(names):]
    openers = _OPENERS_RUN.match(text).end()
    if openers and text.startswith(names, openers):
        end = openers + len(names)
        closers = _CLOSERS_RUN.match(text, end).end()
        if closers - end == openers:
            return text[closers:]
    return None


def _numeric(citation_el) -> bool:
    """citeproc-js's NUMERIC mode: the citation prints the citation number."""
    return bool(citation_el.xpath_search('.//cs:text[@variable="citation-number"]'))


def _year_base(item, text: str, names):
    """(text without its year-suffix, the suffix) for a plain author-year cite, else None."""
    try:
        suffix = item.reference.get('year_suffix')
    except (AttributeError, VariableError):
        suffix = None
    if not suffix or item.has_locator or item.get('prefix') or item.get('suffix'):
        return None
    after = _after_names(text, names) if names else None
    rest = after if after is not None else text
    core = strip_markers(rest).strip(" ,;:")
    if not core.endswith(suffix):
        return None
    return core[:-len(suffix)], suffix


def _suffix_runs(letters: list[str], ranged: bool) -> list[tuple[int, int]]:
    """(first, last) index of each printed unit: with ranges, 3 or more consecutive letters
    make one unit "a–c" (as citeproc-js's NumericBlob ranges); otherwise one per letter."""
    runs = []
    i = 0
    while i < len(letters):
        j = i
        if ranged:
            while j + 1 < len(letters) and _next_letter(letters[j]) == letters[j + 1]:
                j += 1
        if j - i >= 2:
            runs.append((i, j))
            i = j + 1
        else:
            runs.append((i, i))
            i += 1
    return runs


def _next_letter(letter) -> str:
    letter = str(letter)
    return chr(ord(letter) + 1) if len(letter) == 1 and letter < 'z' else ''


define(model.Layout, 'render_citation', render_citation)

# --- disambiguate="true" -------------------------------------------------------------
def if_passes(self, item, context=None):
    """Whether the branch's conditions hold (stock If.render's tests, without raising):
    cs:choose asks this of each branch, so a branch not taken costs no exception."""
    results = []
    attrib = attrs(self)
    if 'type' in attrib:
        # an item has one type, so the values of a type test are alternatives
        # (citeproc-js): <if type="thesis manuscript"> is true for a thesis
        results.append(any(self._type(item)))
    if 'variable' in attrib:
        results += self._variable(item)
    if 'is-numeric' in attrib:
        results += self._is_numeric(item)
    if 'is-uncertain-date' in attrib:
        results += self._is_uncertain_date(item)
    if 'locator' in attrib:
        results += self._locator(item)
    if 'position' in self.attrib:
        results += self._position(item, context)
    if 'disambiguate' in attrib:
        # citeproc-js: as many disambiguate="true" tests pass as the item's
        # disambiguation asks for, in rendering order (exporter.csl.ambiguity)
        bibliography = in_bibliography(self, context)
        state = cite_ambiguity(item, bibliography)
        ambiguous = state is not None and state.test_disambiguate(bibliography)
        wanted = self.get('disambiguate').lower() == 'true'
        results.append(ambiguous if wanted else not ambiguous)
    match = attrib.get('match', 'all')
    if match == 'any':
        result = any(results)
    elif match == 'none':
        result = not any(results)
    else:
        result = all(results)
    return result


def if_render(self, item, context=None, delimiter='', **kwargs):
    if not self.passes(item, context):
        raise model.ConditionFailed
    return self.render_children(item, context=context, delimiter=delimiter, **kwargs)


define(model.If, 'passes', if_passes)
define(model.If, 'render', if_render)


# --- cite positions ---------------------------------------------------------------------
# position="...", first-reference-note-number and et-al-subsequent-*, read from the
# position exporter.csl stores on each cite (see exporter.csl.positions).
class _CiteState:
    """The cite being rendered by render_citation (or the bibliography entry, see
    :func:`entry_state`)."""

    __slots__ = ('capitalize', 'position', 'printed')

    def __init__(self, position: CitePosition, capitalize: bool, printed: bool) -> None:
        self.position = position
        self.capitalize = capitalize  # capitalise a term printed first (not in-text styles)
        self.printed = printed




def entry_state() -> _CiteState:
    """The state of a bibliography entry being rendered: as in citeproc-js, a term
    printed first in an entry is capitalised in every style ("(N.d.-b)." in APA)."""
    return _CiteState(FIRST_POSITION, True, False)


def cite_position(item) -> CitePosition:
    """The position stored on a cite by exporter.csl (first when there is none)."""
    return getattr(item, '__dict__', {}).get('_position', FIRST_POSITION)


def if_position(self, item, context=None):
    if context is None:
        context = self
    if context.xpath_search('./ancestor::*[self::cs:bibliography]'):
        return [False]  # CSL 1.0.2: position tests are always false in the bibliography
    position = cite_position(item)
    return [position.test(value) for value in self.get('position').split()]


define(model.If, '_position', if_position)

FIRST_REFERENCE_NOTE_NUMBER = 'first-reference-note-number'
_original_if_variable = stock(model.If, '_variable')


def if_variable(self, item):
    variables = self.get('variable').split()
    if FIRST_REFERENCE_NOTE_NUMBER not in variables:
        return _original_if_variable(self, item)
    results = []
    for variable in variables:
        if variable == FIRST_REFERENCE_NOTE_NUMBER:
            results.append(bool(cite_position(item).first_reference_note_number))
        elif variable == 'locator':
            results.append('locator' in item)
        else:
            results.append(variable.replace('-', '_') in item.reference)
    return results


define(model.If, '_variable', if_variable)
_original_text_variable = stock(model.Text, '_variable')


def text_variable(self, item, context):
    if self.get('variable') == FIRST_REFERENCE_NOTE_NUMBER:
        number = cite_position(item).first_reference_note_number
        if not number:
            raise VariableError(FIRST_REFERENCE_NOTE_NUMBER)
        return str(number)
    return _original_text_variable(self, item, context)


define(model.Text, '_variable', text_variable)
_original_label_render = stock(model.Label, 'render')


def label_render(self, item, *args, **kwargs):
    if self.get('variable') == FIRST_REFERENCE_NOTE_NUMBER:
        if not cite_position(item).first_reference_note_number:
            return None
        form = self.get('form', 'long')
        get_term = self.get_plural_term if self.get('plural') == 'always' else self.get_single_term
        return self.markup(get_term(name=FIRST_REFERENCE_NOTE_NUMBER,
                                    form=form if form != 'long' else None))
    return _original_label_render(self, item, *args, **kwargs)


define(model.Label, 'render', label_render)

# CSL 1.0.2 "Name" (#name): et-al-subsequent-min / et-al-subsequent-use-first replace
# et-al-min / et-al-use-first for cites that are not first (citeproc-js: when set
# anywhere in the inheritance chain: cs:name, cs:citation, cs:style).
_SUBSEQUENT_OPTIONS = {'et-al-min': 'et-al-subsequent-min',
                       'et-al-use-first': 'et-al-subsequent-use-first'}
_original_name_get_option = stock(model.Name, 'get_option')


def name_get_option(self, name, context=None, sort_options=None):
    subsequent = _SUBSEQUENT_OPTIONS.get(name)
    cite_states = render_context().cite_states if subsequent is not None else None
    if (subsequent is not None and sort_options is None and cite_states
            and cite_states[-1].position.position != FIRST
            and _inherited_attribute(self, subsequent, context) is not None):
        return _original_name_get_option(self, subsequent, context, sort_options)
    return _original_name_get_option(self, name, context, sort_options)


def _inherited_attribute(name_el, attribute: str, context) -> str | None:
    value = name_el.get(attribute)
    if value is None:
        parents = (context if context is not None else name_el).xpath_search(
            './ancestor::*[self::cs:citation or self::cs:bibliography][1]')
        if parents and parents[0].tag.endswith('}citation'):
            value = parents[0].get(attribute)
            if value is None:
                value = name_el.get_root().get(attribute)
    return value or None


define(model.Name, 'get_option', name_get_option)

# Not in CSL 1.0.2; citeproc-js behaviour that note styles rely on ("Ibid." opens a
# footnote): a term (<text term="..."/>) that is the first thing printed in a citation
# gets its first word capitalised when that word is all lowercase -- except in
# in-text styles.  A cite prefix counts as printed text unless it ends a sentence
# (terminal punctuation, and a space in it: "Book A. He said so. Ibid.").
_TERMINAL = frozenset(':.;!?')


def _ends_sentence(prefix: str) -> bool:
    text = re.sub(r'<[^>]+>', '', strip_markers(prefix))
    text = text.rstrip('"\'\u201d\u2019\u00bb\u202f\u00a0 ')
    return bool(text) and text[-1] in _TERMINAL and ' ' in prefix.strip()


def capitalize_first_word(text: str) -> str:
    """Capitalise the first word ("ibid." -> "Ibid.") unless it has capitals already."""
    words = text.split(None, 1)
    if not words or words[0] != words[0].lower():
        return text
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1:]
    return text


def _marks_printed(render):
    def wrapper(self, *args, **kwargs):
        text = render(self, *args, **kwargs)
        cite_states = render_context().cite_states
        if (cite_states and nonempty(text)
                and attrs(self).get('variable') != 'citation-number'):
            # (citeproc-js appends the citation number as a numeric blob, which is no
            # term predecessor: "96. N.d." in a numbered bibliography)
            cite_states[-1].printed = True
        return text
    wrapper.__wrapped__ = render
    return wrapper


for _cls in (model.Text, model.Names, model.Date, model.Number, model.Label):
    define(_cls, 'render', _marks_printed(stock(_cls, 'render')))

_original_text_term = stock(model.Text, '_term')


def text_term(self, item):
    text = _original_text_term(self, item)
    cite_states = render_context().cite_states
    if text and cite_states and cite_states[-1].capitalize and not cite_states[-1].printed:
        capitalized = capitalize_first_word(str(text))
        if capitalized != str(text):
            try:
                return type(text)(capitalized)
            except TypeError:
                return capitalized
    return text


define(model.Text, '_term', text_term)
