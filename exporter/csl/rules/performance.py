"""Speed: memoised style-tree lookups and faster stock citeproc-py methods (no change in output).

citeproc-py re-reads the style tree for every variable of every entry: XPath
queries (macro lookup by name, the enclosing cs:layout / cs:citation /
cs:bibliography of an element, locale terms ...), attribute reads for formatting
and affixes, lists of children.  The style tree is static once parsed, so this
module memoises what is derived from it, per element object, and replaces a few
stock citeproc-py methods (those no other rule module redefines) with equivalent
ones that use the memos.  The other rule modules refine the methods defined here
exactly as they wrapped the stock ones.

Correctness of the memos
------------------------
* Every memo is keyed on the lxml element *object* (or the tree root) it is derived
  from, so two styles -- or two locales, or one style loaded for two locales --
  never share an entry.  The memo holds the element, which keeps its Python proxy
  (and the Python attributes citeproc-py sets on it, such as ``locale.style``)
  alive, so an ``id`` can never be reused while an entry exists.
* The style tree is mutated in three places only, and each one invalidates the
  memos of the element it changes: ``Element.set`` (exporter.csl.rules.substitute
  narrows a ``cs:names`` variable list for one render), ``Element.insert``
  (citeproc-py inserts a default ``cs:name`` into a ``cs:names``; all XPath-derived
  memos are dropped too), and exporter.csl.rules.dates._Overridden (temporary
  attributes of date-parts and CJK text).  The memos keyed on tuples (XPath
  results, macros by name, locale terms, name options) depend only on the tree's
  structure and on attributes that are never changed: macro and term names,
  locale options, the options of cs:style / cs:citation / cs:bibliography / cs:name.
* Nothing here depends on the items, the bibliography or the output markup except
  the citation-number index, which is keyed on the bibliography's key list and
  checked on every use.
* :func:`clear` (called by exporter.csl.styles.clear_caches) forgets everything.
* The memos themselves live in exporter.csl.treememo, which the hot rule modules
  also use for attribute reads.  tests/csl/test_csl_caches.py checks that nothing
  leaks between styles, locales, markups and renders.

Besides the memos (each section says what stock code it stands for):
* a cs:names without cs:name gets its default cs:name once (stock citeproc-py
  inserted one more into the cached tree on every render);
* a one-cite citation computes no sort keys (citation numbers and registration use
  a key index: exporter.csl.engine.ExporterCitationItem / ExporterBibliography);
* an empty cs:text variable renders as None instead of raising VariableError
  through the whole render chain (every caller treats both alike);
* affixes are joined reading only the edge characters (exporter.csl.seams).

Not a CSL rule: this implements CSL 1.0.2 exactly as before, only faster.
"""
from __future__ import annotations

import re

import citeproc.string as _string
from citeproc import model
from citeproc.source import VariableError
from citeproc.string import String
from lxml import etree

from .. import treememo
from ..context import render_context
from ..flipflop import parse_rich_text
from ..markup import intermediate as _intermediate
from ..overrides import define, stock
from ..seams import join, normalize_seam

_MISSING = object()

# --- memo registry (exporter.csl.treememo) ---------------------------------------------
_memo = treememo.memo
invalidate = treememo.invalidate


def clear() -> None:
    """Forget memoised lookups (with the style caches, see styles.clear_caches)."""
    treememo.clear()
    _default_names.clear()
    _alive.clear()


# --- the style tree changes only through these ------------------------------------
_lx_set = etree.ElementBase.set
_lx_insert = etree.ElementBase.insert


def _set(self, key, value):
    invalidate(self)
    _lx_set(self, key, value)


def _insert(self, index, element):
    # the tree's structure changes: XPath results may change too (this happens once
    # per cs:names without a cs:name, the first time it is rendered)
    invalidate(self)
    treememo.invalidate_structure()
    _lx_insert(self, index, element)


define(model.SomewhatObjectifiedElement, 'set', _set)
define(model.SomewhatObjectifiedElement, 'insert', _insert)


# --- XPath, root, layout, macros --------------------------------------------------
_xpath_memo = _memo(per_element=False)


def xpath_search(self, expression):
    key = (self, expression)
    try:
        result = _xpath_memo[key]
    except KeyError:
        result = _xpath_memo[key] = self.xpath(expression, namespaces=self.nsmap)
    return list(result) if isinstance(result, list) else result


define(model.CitationStylesElement, 'xpath_search', xpath_search)

_root_memo = _memo()


def get_root(self):
    try:
        return _root_memo[self]
    except KeyError:
        root = _root_memo[self] = self.getroottree().getroot()
        return root


define(model.CitationStylesElement, 'get_root', get_root)

_layout_memo = _memo()


def get_layout(self):
    try:
        return _layout_memo[self]
    except KeyError:
        layout = _layout_memo[self] = self.xpath_search('./ancestor-or-self::cs:layout[1]')[0]
        return layout


define(model.CitationStylesElement, 'get_layout', get_layout)

_macro_memo = _memo(per_element=False)


def get_macro(self, name):
    root = get_root(self)
    key = (root, name)
    try:
        return _macro_memo[key]
    except KeyError:
        macro = root.xpath_search(f"cs:macro[@name='{name}'][1]")[0]
        _macro_memo[key] = macro
        return macro


define(model.CitationStylesElement, 'get_macro', get_macro)

_locale_date_memo = _memo()


def is_locale_date(self):
    try:
        return _locale_date_memo[self]
    except KeyError:
        result = _locale_date_memo[self] = bool(self.xpath_search('./ancestor::cs:locale[1]'))
        return result


define(model.Date, 'is_locale_date', is_locale_date)


def _get_formatter(self):
    # exporter.csl renders every style with the one intermediate formatter
    # (exporter.csl.markup); looking it up through the tree root is wasted work.
    return _intermediate


define(model.CitationStylesElement, 'get_formatter', _get_formatter)
define(model.Locale, 'get_formatter', _get_formatter)

# --- children ------------------------------------------------------------------
children = treememo.children


def render_children(self, item, delimiter='', **kwargs):
    # stock citeproc.model.Parent.render_children over the memoised children
    output = []
    for child in children(self):
        try:
            if isinstance(child, model.Choose):
                text = child.render(item, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, **kwargs)
            if text is not None:
                output.append(text)
        except VariableError:
            pass
    if output:
        return join(output, delimiter)
    return None


define(model.Parent, 'render_children', render_children)


def choose_render(self, item, context=None, delimiter='', **kwargs):
    # stock citeproc.model.Choose.render over the memoised children; a cs:if or
    # cs:else-if is asked whether it passes (rules.citation.if_passes) instead of raising
    # ConditionFailed when it does not: most branches of a style are not taken, and an
    # exception each was a tenth of an APA entry's time
    for child in children(self):
        passes = getattr(child, 'passes', None)
        try:
            if passes is None:
                return child.render(item, context=context, delimiter=delimiter, **kwargs)
            if passes(item, context):
                return child.render_children(item, context=context, delimiter=delimiter, **kwargs)
        except model.ConditionFailed:
            continue
    return None


define(model.Choose, 'render', choose_render)

# --- formatting, affixes, delimiters -------------------------------------------------


def _bad_value(text):
    # what the stock methods do with an unknown attribute value
    raise UnboundLocalError("local variable 'formatted' referenced before assignment")


# An explicit "normal" (font-style, font-variant, font-weight), "none" (text-decoration)
# or "baseline" (vertical-align) is marked too, as citeproc-js marks it: "normal" shows
# only inside the same property set otherwise (exporter.csl.markup.resolve_decorations),
# "none" and "baseline" always (<span style="baseline"> in HTML).  Unset attributes mark
# nothing.
_FORMATTING = (
    ('font-style', {'normal': 'NormalStyle', 'italic': 'Italic', 'oblique': 'Oblique'}),
    ('font-variant', {'normal': 'NormalVariant', 'small-caps': 'SmallCaps'}),
    ('font-weight', {'normal': 'NormalWeight', 'bold': 'Bold', 'light': 'Light'}),
    ('text-decoration', {'none': 'NoDecoration', 'underline': 'Underline'}),
    ('vertical-align', {'baseline': 'Baseline', 'sup': 'Superscript', 'sub': 'Subscript'}),
)
_format_memo = _memo()


def _format_wrappers(element) -> tuple:
    wrappers = []
    for attribute, values in _FORMATTING:
        value = element.get(attribute)
        if value is None:
            continue
        name = values.get(value, _MISSING)
        if name is _MISSING:
            wrappers.append(_bad_value)
        elif name is not None:
            wrappers.append(getattr(_intermediate, name))
    return tuple(wrappers)


def format(self, string):
    # stock citeproc.model.Formatted.format: font-style, font-variant, font-weight,
    # text-decoration, vertical-align, in this order
    if isinstance(string, (int, float)):
        string = str(string)
    try:
        wrappers = _format_memo[self]
    except KeyError:
        wrappers = _format_memo[self] = _format_wrappers(self)
    for wrapper in wrappers:
        string = wrapper(string)
    return string


define(model.Formatted, 'format', format)

_affix_memo = _memo()
_SELF_PLUS_EMPTY = frozenset({str, String, _string.NoCase, _string.MixedString})


def wrap(self, string):
    # stock citeproc.model.Affixed.wrap
    if string is None:
        return None
    try:
        prefix, suffix = _affix_memo[self]
    except KeyError:
        prefix, suffix = _affix_memo[self] = (self.get('prefix', ''), self.get('suffix', ''))
    if prefix:
        text = prefix + normalize_seam(prefix, string)
    elif type(string) in _SELF_PLUS_EMPTY:
        text = string  # '' + string is string itself
    else:
        text = '' + string  # (normalize_seam('', string) is string)
    if suffix:
        return text + normalize_seam(text, suffix)
    return text  # text + normalize_seam(text, '') is text itself for these types


define(model.Affixed, 'wrap', wrap)

_delimiter_memo = _memo()


def delimited_join(self, strings, default_delimiter=''):
    # stock citeproc.model.Delimited.join
    try:
        delimiter = _delimiter_memo[self]
    except KeyError:
        delimiter = _delimiter_memo[self] = self.get('delimiter')
    if delimiter is None:
        delimiter = default_delimiter
    try:
        text = join((s for s in strings if s is not None), delimiter)
    except Exception:  # noqa: BLE001 - as stock citeproc-py (a bare except)
        text = String('')
    return text


define(model.Delimited, 'join', delimited_join)

_strip_periods_memo = _memo()


def strip_periods(self, string):
    # stock citeproc.model.StrippedPeriods.strip_periods
    try:
        strip = _strip_periods_memo[self]
    except KeyError:
        strip = _strip_periods_memo[self] = \
            self.get('strip-periods', 'false').lower() == 'true'
    if strip:
        string = string.replace('.', '')
    return string


define(model.StrippedPeriods, 'strip_periods', strip_periods)

# --- cs:text ------------------------------------------------------------------------
_text_memo = _memo()


def _text_plan(element) -> tuple:
    attrib = element.attrib
    for kind in ('variable', 'macro', 'term', 'value'):
        if kind in attrib:
            break
    else:
        kind = None
    default_language = element.get_root().get('default-locale', 'en')[:2]
    value = element.get(kind) if kind else None
    if kind == 'value':
        # rich text and quotation marks in a value are read as in field values, as
        # citeproc-js reads every string it renders (exporter.csl.flipflop)
        quotes = tuple(str(element.get_single_term(name) or '') for name in (
            'open-quote', 'close-quote', 'open-inner-quote', 'close-inner-quote'))
        value = String(element.preformat(parse_rich_text(value, quotes)))
    return kind, value, default_language


def text_process(self, item, context=None, **kwargs):
    # stock citeproc.model.Text.process
    if context is None:
        context = self
    try:
        kind, value, default_language = _text_memo[self]
    except KeyError:
        kind, value, default_language = _text_memo[self] = _text_plan(self)
    language = dict.get(item.reference, 'language', _MISSING)
    language = default_language if language is _MISSING else language[:2]
    if kind == 'variable':
        text = self._variable(item, context)
    elif kind == 'macro':
        text = get_macro(self, value).render(item, context)
    elif kind == 'term':
        text = self._term(item)
    elif kind == 'value':
        text = value
    else:
        raise UnboundLocalError("local variable 'text' referenced before assignment")
    return text, language


define(model.Text, 'process', text_process)

_variable_memo = _memo()


def _variable_plan(element) -> tuple:
    variable = element.get('variable')
    short = element.get('form') == 'short'
    return (variable, element.tag, short, (variable + '-short').replace('-', '_'),
            variable + '-short', variable.replace('-', '_'), variable.startswith('page'))


# variables that earlier rule modules render (exporter.csl.rules.citation: the cite's
# first-reference-note-number) go to the implementation this one replaces
_DELEGATED = frozenset({'first-reference-note-number'})
_previous_text_variable = stock(model.Text, '_variable')
_previous_if_variable = stock(model.If, '_variable')


_LOCATOR_RANGE = re.compile(r'(?<=\d)\s*-\s*(?=\d)|-')


def text_variable(self, item, context):
    # stock citeproc.model.Text._variable
    try:
        plan = _variable_memo[self]
    except KeyError:
        plan = _variable_memo[self] = _variable_plan(self)
    variable, tag, short, short_key, short_variable, key, is_page = plan
    if variable in _DELEGATED:
        return _previous_text_variable(self, item, context)
    repressed = get_layout(context).repressed
    if tag in repressed and variable in repressed[tag]:
        return None
    reference = item.reference
    if short and short_key in reference:
        variable = short_variable
        key = short_key
        is_page = variable.startswith('page')
    if is_page:
        return self._process(reference.page, variable)
    if variable == 'citation-number':
        return item.number
    if variable == 'locator':
        # (a range's spaces go, as citeproc-js prints "200 - 201": "200–201")
        return _LOCATOR_RANGE.sub(self.unicode_character('EN DASH'),
                                  str(item.locator.identifier))
    # stock: reference[key], which raises VariableError for an empty variable.  None
    # renders exactly the same way (every caller of Text.render treats a None result
    # and a VariableError alike: the element prints nothing and, for cs:group, counts
    # as an empty variable), without unwinding the eight frames of the render chain.
    return dict.get(reference, key)


define(model.Text, '_variable', text_variable)

# --- cs:if / cs:else-if tests ------------------------------------------------------------
_types_memo = _memo()


def if_type(self, item):
    # stock citeproc.model.If._type
    try:
        types = _types_memo[self]
    except KeyError:
        types = _types_memo[self] = tuple(typ.lower() for typ in self.get('type').split())
    if not types:
        return []
    reference_type = item.reference.type
    return [typ == reference_type for typ in types]


define(model.If, '_type', if_type)

_variables_memo = _memo()


def if_variable(self, item):
    # stock citeproc.model.If._variable
    try:
        variables = _variables_memo[self]
    except KeyError:
        variables = _variables_memo[self] = tuple(
            var.replace('-', '_') for var in self.get('variable').split())
    if 'first_reference_note_number' in variables:
        return _previous_if_variable(self, item)
    reference = item.reference
    return [('locator' in item) if variable == 'locator' else (variable in reference)
            for variable in variables]


define(model.If, '_variable', if_variable)

# --- locale terms and options ----------------------------------------------------------
_term_memo = _memo(per_element=False)
_original_get_term = stock(model.CitationStylesElement, 'get_term')


def get_term(self, name, form=None, fallback_locale=True, zero_padded=False):
    # stock citeproc.model.CitationStylesElement.get_term, memoised per tree root:
    # the locales of a root (root.locales) are fixed when the style is loaded
    key = (get_root(self), name, form, fallback_locale, zero_padded)
    try:
        return _term_memo[key]
    except KeyError:
        term = _term_memo[key] = _original_get_term(self, name, form, fallback_locale,
                                                    zero_padded)
        return term
    except TypeError:  # unhashable argument
        return _original_get_term(self, name, form, fallback_locale, zero_padded)


define(model.CitationStylesElement, 'get_term', get_term)

_term_text_memo = _memo()
_original_single = stock(model.Term, 'single').fget
_original_multiple = stock(model.Term, 'multiple').fget


def _term_single(self):
    try:
        return _term_text_memo[self][0]
    except KeyError:
        _term_text_memo[self] = (_original_single(self), _original_multiple(self))
        return _term_text_memo[self][0]


def _term_multiple(self):
    try:
        return _term_text_memo[self][1]
    except KeyError:
        _term_text_memo[self] = (_original_single(self), _original_multiple(self))
        return _term_text_memo[self][1]


define(model.Term, 'single', property(_term_single))
define(model.Term, 'multiple', property(_term_multiple))

_locale_option_memo = _memo(per_element=False)
_original_get_locale_option = stock(model.CitationStylesElement, 'get_locale_option')


def get_locale_option(self, name):
    key = (get_root(self), name)
    try:
        return _locale_option_memo[key]
    except KeyError:
        value = _locale_option_memo[key] = _original_get_locale_option(self, name)
        return value


define(model.CitationStylesElement, 'get_locale_option', get_locale_option)

_date_memo = _memo(per_element=False)
_original_get_date = stock(model.CitationStylesElement, 'get_date')


def get_date(self, form):
    key = (get_root(self), form)
    try:
        return _date_memo[key]
    except KeyError:
        date = _date_memo[key] = _original_get_date(self, form)
        return date


define(model.CitationStylesElement, 'get_date', get_date)

# --- names -----------------------------------------------------------------------------
_name_option_memo = _memo(per_element=False)
# depend on the cite being rendered (et-al-subsequent-* for cites that are not first,
# exporter.csl.rules.citation), so never memoised
_PER_CITE_OPTIONS = frozenset({'et-al-min', 'et-al-use-first'})
_original_name_get_option = stock(model.Name, 'get_option')


def name_get_option(self, name, context=None, sort_options=None):
    # stock citeproc.model.Name.get_option; sort options are not memoised
    if (sort_options is not None and name in sort_options) or name in _PER_CITE_OPTIONS:
        return _original_name_get_option(self, name, context, sort_options)
    key = (self, context, name)
    try:
        return _name_option_memo[key]
    except KeyError:
        value = _name_option_memo[key] = _original_name_get_option(self, name, context)
        return value


define(model.Name, 'get_option', name_get_option)

_parent_delimiter_memo = _memo(per_element=False)
_original_get_parent_delimiter = stock(model.Names, 'get_parent_delimiter')


def get_parent_delimiter(self, context=None):
    key = (self, context)
    try:
        return _parent_delimiter_memo[key]
    except KeyError:
        value = _parent_delimiter_memo[key] = _original_get_parent_delimiter(self, context)
        return value


define(model.Names, 'get_parent_delimiter', get_parent_delimiter)

# --- sorting ---------------------------------------------------------------------------
_original_sort = stock(model.Sort, 'sort')


def sort(self, items, context):
    # one item (every cite of a one-cite citation) is sorted already: no sort keys
    if len(items) < 2:
        return list(items)
    return _original_sort(self, items, context)


define(model.Sort, 'sort', sort)

# --- cs:names ----------------------------------------------------------------------------
_default_names: dict = {}  # cs:names -> its default cs:name (cleared by clear() only)


def _default_name(names_context):
    """The cs:name citeproc-py gives a cs:names that has none.

    Stock citeproc-py inserts a new ``Name()`` into the cs:names on *every* render
    (the element it inserts has no namespace, so ``names_context.name`` never finds
    it again): the shared, cached style tree grew by one element per rendered name
    list, and every later lookup in that cs:names got slower.  Here it is inserted
    once per cs:names and reused; it has no attributes, so it renders the same.
    """
    try:
        return _default_names[names_context]
    except KeyError:
        from ..engine import element_class  # built after this module is imported
        name_elem = element_class(model.Name)()
        names_context.insert(0, name_elem)
        _default_names[names_context] = name_elem
        return name_elem


def names_process(self, item, names_context=None, context=None, **kwargs):
    # stock citeproc.model.Names.process, but see _default_name
    if context is None:
        context = self
    if names_context is None:
        names_context = self

    roles = self.get('variable').split()
    reference = item.reference
    try:
        ed_trans = (set(roles) == {'editor', 'translator'} and
                    reference.editor == reference.translator and
                    self.get_term('editortranslator').getchildren())
        if ed_trans:
            roles = ['editor']
    except VariableError:
        ed_trans = False

    output = []
    for role in roles:
        # a hyphenated name variable ("collection-editor", "container-author") is kept
        # under an underscored key: stock citeproc-py looked the hyphenated name up and
        # never printed those names
        key = role.replace('-', '_')
        if key in reference:
            name_elem = names_context.name
            if name_elem is None:
                name_elem = _default_name(names_context)
            text = name_elem.render(item, key, context=context, **kwargs)
            name_texts = render_context().name_texts
            if name_texts is not None and text:
                name_texts.append(str(text))  # (rules.citation: the names without label)
            plural = len(reference[key]) > 1
            try:
                if ed_trans:
                    role = 'editortranslator'
                label_element = names_context.label
                label = label_element.render(item, role, plural, **kwargs)
                if label is not None:
                    if label_element is children(names_context)[0]:
                        text = label + text
                    else:
                        text = text + label
            except AttributeError:
                pass
            output.append(text)

    if output:
        try:
            total = sum(output)
        except TypeError:
            is_int = False
        else:
            is_int = isinstance(total, int)
        if is_int:
            return str(total) if total > 0 else None
        return self.join(output, self.get_parent_delimiter(context))
    substitute = self.substitute()
    if substitute is not None:
        return substitute.render(item, context=context, **kwargs)
    raise VariableError


define(model.Names, 'process', names_process)

# --- proxies ----------------------------------------------------------------------------
_alive: dict = {}  # tree root -> all its elements


def keep_alive(root) -> None:
    """Keep the Python proxies of every element of a parsed style or locale alive.

    lxml creates a new proxy object each time it hands out an element whose proxy
    was garbage-collected; keeping them alive makes iteration over children cheap
    and lets the per-element memos above stay valid for the life of the cached tree.
    """
    if root not in _alive:
        _alive[root] = list(root.iter())


# --- characters and single terms ------------------------------------------------------------
_unicode_memo: dict = {}  # character name -> character (independent of the style)
_original_unicode_character = stock(model.CitationStylesElement, 'unicode_character')


def unicode_character(self, name):
    # stock: self.preformat(unicodedata.lookup(name)); preformat is str() for the one
    # formatter exporter.csl renders with (see _get_formatter)
    try:
        return _unicode_memo[name]
    except KeyError:
        character = _unicode_memo[name] = _original_unicode_character(self, name)
        return character


define(model.CitationStylesElement, 'unicode_character', unicode_character)


# --- child elements by name (element.layout, names.name, root.bibliography ...) ----------------
_child_memo = _memo()


def _getattr(self, name):
    # stock SomewhatObjectifiedElement.__getattr__: self.find('cs:' + name), an
    # ElementPath search on every access; memoised per element (and forgotten when
    # the element's children change, see _insert)
    try:
        return _child_memo[self][name]
    except KeyError:
        pass
    result = self.find('cs:' + name, self.nsmap)
    try:
        _child_memo[self][name] = result
    except KeyError:
        _child_memo[self] = {name: result}
    return result


define(model.SomewhatObjectifiedElement, '__getattr__', _getattr)
