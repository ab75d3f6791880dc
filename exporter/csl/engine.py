"""exporter's CSL engine: its own subclasses of citeproc-py's classes, and the parser that uses them.

citeproc-py 0.11.1 (https://github.com/citeproc-py/citeproc-py) parses a CSL style
(CSL 1.0.2, https://docs.citationstyles.org/en/stable/specification.html) into lxml
elements of the classes in ``citeproc.model`` and renders it through their methods.
exporter does not change those classes.  It builds one subclass of each of them
(:data:`ELEMENT_CLASSES`), with the methods the modules of :mod:`exporter.csl.rules`
define (each names the CSL rule it implements), and parses styles and locale files
with a private lxml parser whose element-class lookup hands out these subclasses
(:func:`parse_csl`).  A style parsed by anybody else -- ``citeproc.CitationStylesStyle``
-- is made of stock elements and renders exactly as citeproc-py renders it.

Besides the element classes, exporter subclasses the classes citeproc-py builds the
data with: :class:`ExporterCiteProcJSON` (CSL-JSON reader, with the CSL 1.0.2
variables), :class:`ExporterReference`, :class:`ExporterCitationItem` and
:class:`ExporterBibliography`; and :class:`ExporterStyle`, the style object.
"""
from __future__ import annotations

import inspect
import os
import warnings
from typing import Any

from citeproc import LOCALES_PATH, PRIMARY_DIALECTS, model
from citeproc.frontend import CitationStylesBibliography, CitationStylesStyle
from citeproc.source import CitationItem, CustomDict, Reference, VariableError
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, String
from lxml import etree

from . import overrides, rules
from .rules.vocabulary import DATES, NAMES, VARIABLES

CSL_NAMESPACE = 'http://purl.org/net/xbiblio/csl'

# --- locales ------------------------------------------------------------------------
_locales: dict[str, Any] = {}  # locale name -> parsed locale file root


def locale_root(locale: str):
    """The root of the parsed locale file ``locales-<locale>.xml`` (parsed once)."""
    root = _locales.get(locale)
    if root is None:
        path = os.path.join(LOCALES_PATH, f'locales-{locale}.xml')
        try:
            root = parse_csl(path).getroot()
        except OSError:
            raise ValueError(f'{locale!r} is not a known locale') from None
        rules.performance.keep_alive(root)
        _locales[locale] = root
    return root


def clear_locales() -> None:
    _locales.clear()


def style_set_locale_list(self, output_locale, validate=True):
    # stock citeproc.model.Style.set_locale_list, with the locale files parsed once by
    # exporter's parser (stock: citeproc.frontend.CitationStylesLocale on every call)
    self.locales = []
    system_locales_added = set()

    def add_instyle_locale(locale):
        expr = (f'./cs:locale[@xml:lang="{locale}"]'
                if locale else './cs:locale[not(@xml:lang)]')
        results = self.xpath_search(expr)
        if results:
            locale_element, = results
            self.locales.append(locale_element)

    def add_system_locale(locale):
        if locale not in system_locales_added:
            self.locales.append(locale_root(locale))
            system_locales_added.add(locale)

    # 1) (in-style locale) chosen dialect
    add_instyle_locale(output_locale)
    # 2) (in-style locale) matching language
    language = output_locale.split('-')[0]
    add_instyle_locale(language)
    # 3) (in-style locale) no language set
    add_instyle_locale(None)
    # 4) (locale files) chosen or primary dialect
    if output_locale in model.LANGUAGE_NAMES:
        add_system_locale(output_locale)
    # 5) (locale files) fall back to primary language dialect
    if language in PRIMARY_DIALECTS:
        add_system_locale(PRIMARY_DIALECTS[language])
    # 6) (locale files) default locale (en-US)
    add_system_locale('en-US')
    for locale in self.locales:
        locale.style = self


overrides.define(model.Style, 'set_locale_list', style_set_locale_list)


# --- the element classes -----------------------------------------------------------
def _stock_element_classes() -> list[type]:
    """The lxml element classes of citeproc.model (base classes first)."""
    classes = [cls for cls in vars(model).values()
               if inspect.isclass(cls) and cls.__module__ == model.__name__
               and issubclass(cls, model.CitationStylesElement)]
    return sorted(classes, key=lambda cls: len(cls.__mro__))


def _build_classes() -> dict[type, type]:
    overrides.freeze()
    built: dict[type, type] = {}
    for stock_cls in _stock_element_classes():
        namespace: dict[str, Any] = {
            name: overrides.stock(stock_cls, name)
            for name in overrides.defined_names(stock_cls)}
        namespace['__module__'] = __name__
        namespace['__qualname__'] = stock_cls.__name__
        namespace['__doc__'] = (f'exporter\'s cs:{stock_cls.__name__.lower().replace("_", "-")}'
                                f' element: citeproc.model.{stock_cls.__name__} with the '
                                f'methods of exporter.csl.rules.')
        built[stock_cls] = type(stock_cls.__name__, (stock_cls,), namespace)
    return built


#: stock citeproc.model class -> exporter's subclass of it
ELEMENT_CLASSES: dict[type, type] = _build_classes()


def element_class(stock_cls: type) -> type:
    """exporter's subclass of a citeproc.model element class."""
    return ELEMENT_CLASSES[stock_cls]


def _element_lookup() -> etree.ElementNamespaceClassLookup:
    # the tag -> class table of citeproc.frontend.CitationStylesXML, with exporter's classes
    lookup = etree.ElementNamespaceClassLookup()
    namespace = lookup.get_namespace(CSL_NAMESPACE)
    namespace[None] = ELEMENT_CLASSES[model.CitationStylesElement]
    for stock_cls in model.CitationStylesElement.__subclasses__():
        if stock_cls in ELEMENT_CLASSES:  # citeproc-py's own (not ours, not others')
            namespace[stock_cls.__name__.replace('_', '-').lower()] = ELEMENT_CLASSES[stock_cls]
    return lookup


_LOOKUP = _element_lookup()


def parse_csl(source) -> etree._ElementTree:
    """Parse a CSL style or locale file into exporter's element classes (the parser
    options of citeproc.frontend.CitationStylesXML)."""
    parser = etree.XMLParser(remove_comments=True, encoding='UTF-8', no_network=True)
    parser.set_element_class_lookup(_LOOKUP)
    return etree.parse(source, parser)


class ExporterStyle(CitationStylesStyle):
    """A CSL style file parsed into exporter's element classes, with its locales."""

    def __init__(self, path: str, locale: str | None = None) -> None:
        # not CitationStylesStyle.__init__: that parses with citeproc-py's own parser
        self.xml = parse_csl(path)
        self.root = self.xml.getroot()
        if locale is None:
            locale = self.root.get('default-locale', 'en-US')
        self.root.set_locale_list(locale, validate=False)


# --- items ----------------------------------------------------------------------------
class ExporterReference(Reference):
    """citeproc.source.Reference knowing the CSL 1.0.2 variables (exporter's VARIABLES)."""

    def __init__(self, key, type, **args):
        # stock Reference.__init__ builds the set of known variables for every item, and
        # CustomDict.__init__ four more sets: when every key is known all it does is update
        self.key = key
        self.type = type
        for name in args:
            if name not in VARIABLES:
                CustomDict.__init__(self, args, optional=VARIABLES)
                return
        self.update(args)

    def __getattr__(self, name):
        # stock CustomDict.__getattr__ (self[name], VariableError if missing), one call less
        try:
            return dict.__getitem__(self, name)
        except KeyError:
            raise VariableError from None


class ExporterCiteProcJSON(CiteProcJSON):
    """citeproc.source.json.CiteProcJSON reading the CSL 1.0.2 name and date variables
    as names and dates (stock citeproc-py read them as strings: "compiler", ...)."""

    def __init__(self, json_data):
        # stock CiteProcJSON.__init__, with exporter's NAMES / DATES and Reference class
        for ref in json_data:
            ref_data = {}
            for key, value in ref.items():
                python_key = key.replace('-', '_')
                if python_key == 'id':
                    ref_key = str(value).lower()
                    continue
                elif python_key == 'type':
                    ref_type = value
                    continue
                elif python_key == 'key':
                    # conflicts with the ref_key, so ignore
                    continue
                if python_key == 'shortTitle':
                    python_key = 'title_short'

                if python_key in NAMES:
                    value = self.parse_names(value)
                elif python_key in DATES:
                    value = self.parse_date(value)
                elif key not in ('language', ):
                    value = self.parse_string(value)

                ref_data[python_key] = value
            self.add(ExporterReference(ref_key, ref_type, **ref_data))

    def parse_date(self, json_data):
        """stock CiteProcJSON.parse_date, with date parts read as citeproc-js reads them
        (dateParseArray): empty parts end the date ("2000", "", ""), a month 13-24 is a
        season (13/17/21 spring ... 16/20/24 winter), any other month out of range is
        dropped with its day; a range whose end is [0] is open ("1987–")."""
        from citeproc.source import Date, DateRange, LiteralDate

        def single(parts, season):
            data: dict = {}
            for name, part in zip(('year', 'month', 'day'), parts):
                if part in ('', None):
                    break
                try:
                    number = int(part)
                except (TypeError, ValueError):
                    break
                if name == 'month' and not 1 <= number <= 12:
                    if 13 <= number <= 24:
                        data['season'] = (number - 13) % 4 + 1
                    break  # (no day after a season or a month out of range)
                data[name] = number
            if season is not None and 'season' not in data and 'month' not in data:
                data['season'] = season
            return data

        season = json_data.get('season')
        dates = [single(parts, season) if isinstance(parts, (list, tuple)) else {}
                 for parts in (json_data.get('date-parts') or [])[:2]]
        circa = json_data.get('circa', 0) != 0
        if dates and 'year' in dates[0]:
            if len(dates) == 1:
                return Date(circa=circa, **dates[0])
            if 'year' in dates[1]:
                return DateRange(begin=Date(**dates[0]), end=Date(**dates[1]), circa=circa)
            end = json_data['date-parts'][1]
            if isinstance(end, (list, tuple)) and end and str(end[0]).strip() == '0':
                return DateRange(begin=Date(**dates[0]), end=Date(year=0), circa=circa)  # open
            return Date(circa=circa, **dates[0])
        if 'literal' in json_data:
            return LiteralDate(json_data['literal'], circa=circa)
        return None

    def parse_string(self, string):
        # stock CiteProcJSON.parse_string; without a nocase span the result is one
        # String piece (stock got there through a TypeError in MixedString.__add__)
        string = str(string)
        if self.start_tag in string.lower():
            return super().parse_string(string)
        return MixedString([String(string)]) if string else MixedString()


class _LookedUpOnce:
    """CitationItem.reference (stock: a property looking the item up in the source on
    every access), looked up once: a non-data descriptor, so after the first access
    the instance attribute is found without calling any Python code."""

    def __get__(self, item, owner=None):
        if item is None:
            return self
        reference = item.bibliography.source[item.key]
        item.__dict__['reference'] = reference
        return reference


def _key_index(bibliography) -> dict:
    """{key: position} of bibliography.keys (a list that is replaced when sorted and
    appended to when items are registered)."""
    keys = bibliography.keys
    memo = bibliography.__dict__.get('_exporter_key_index')
    if memo is None or memo[0] is not keys or memo[1] != len(keys):
        index: dict = {}
        for position, key in enumerate(keys):
            index.setdefault(key, position)
        memo = (keys, len(keys), index)
        bibliography.__dict__['_exporter_key_index'] = memo
    return memo[2]


class ExporterCitationItem(CitationItem):
    """citeproc.source.CitationItem with a cached reference and an indexed number."""

    reference = _LookedUpOnce()

    @property
    def number(self):
        # stock: self.bibliography.keys.index(self.key) + 1 (a linear search per call)
        bibliography = self.bibliography
        keys = bibliography.keys
        position = _key_index(bibliography).get(self.key)
        if position is None or position >= len(keys) or keys[position] != self.key:
            return keys.index(self.key) + 1
        return position + 1


class ExporterBibliography(CitationStylesBibliography):
    """citeproc.frontend.CitationStylesBibliography with a set-like membership test."""

    def register(self, citation, callback=None):
        # stock CitationStylesBibliography.register; keys found through an index
        citation.bibliography = self
        for item in citation.cites:
            if item.key in self.source:
                index = _key_index(self)
                if item.key not in index:
                    index[item.key] = len(self.keys)
                    self.keys.append(item.key)
                    self.__dict__['_exporter_key_index'] = (self.keys, len(self.keys), index)
                    self.items.append(item)
            elif callback is not None:
                callback(item)


def read_items(prepared: list[dict]) -> ExporterCiteProcJSON:
    """CSL-JSON items (prepared by exporter.csl.items) as a citeproc-py source."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # citeproc-py warns on every unknown variable
        return ExporterCiteProcJSON(prepared)
