"""The public interface of exporter.csl (no shared kit needed)."""
from __future__ import annotations

import pytest

from exporter.csl import CitationProcessor, StyleNotFound, available_styles
from exporter.csl.styles import load_style, resolve_style

ITEMS = [
    {'id': 'Smith2020', 'type': 'article-journal', 'title': 'A study of things',
     'author': [{'family': 'Smith', 'given': 'Jane'}], 'container-title': 'Journal of Stuff',
     'volume': '3', 'page': '10-20', 'issued': {'date-parts': [[2020]]}},
    {'id': 'smith2020', 'type': 'book', 'title': 'Another book',
     'author': [{'family': 'Adams', 'given': 'John'}], 'publisher': 'Press',
     'issued': {'date-parts': [[2019]]}},
]


def test_available_styles_lists_independent_and_dependent_styles():
    names = available_styles()
    assert 'apa' in names and 'ieee' in names and 'vancouver-nlm' in names


def test_unknown_style_raises_style_not_found_with_hint():
    with pytest.raises(StyleNotFound) as err:
        CitationProcessor('no-such-style-xyz')
    assert 'available_styles' in str(err.value)
    assert isinstance(err.value, LookupError)


def test_missing_style_file_raises_style_not_found(tmp_path):
    with pytest.raises(StyleNotFound):
        CitationProcessor(tmp_path / 'missing.csl')


def test_unknown_markup_raises_value_error():
    with pytest.raises(ValueError, match='markup'):
        CitationProcessor('apa', markup='pdf')


def test_dependent_style_resolves_to_parent_and_keeps_its_default_locale():
    path, _locale = resolve_style('vancouver-nlm')
    assert path.endswith('nlm-citation-sequence.csl')
    # nature's own default-locale is en-GB
    assert resolve_style('nature')[1] == 'en-GB'
    assert CitationProcessor('nature').locale == 'en-GB'
    assert CitationProcessor('nature', locale='de-DE').locale == 'de-DE'
    # dependent style declaring en-GB whose parent declares en-US keeps en-GB
    path, locale = resolve_style('american-journal-of-gastroenterology-supplements')
    assert path.endswith('the-american-journal-of-gastroenterology.csl')
    assert locale == 'en-GB'
    assert resolve_style('the-american-journal-of-gastroenterology')[1] == 'en-US'


def test_style_by_path(tmp_path):
    path, _ = resolve_style('apa')
    proc = CitationProcessor(path)
    assert proc.bibliography(ITEMS[:1])[0].startswith('Smith, J. (2020).')


def test_parsed_styles_are_cached():
    path, _ = resolve_style('apa')
    assert load_style(path, 'en-US') is load_style(path, 'en-US')
    assert CitationProcessor('apa')._style is CitationProcessor('apa')._style


def test_ids_differing_only_in_case_stay_distinct():
    proc = CitationProcessor('apa')
    entries = dict(proc.bibliography_entries(ITEMS))
    assert set(entries) == {'Smith2020', 'smith2020'}
    assert entries['Smith2020'].startswith('Smith')
    assert entries['smith2020'].startswith('Adams')
    cites = proc.citations(ITEMS, [[{'id': 'Smith2020'}], [{'id': 'smith2020'}]])
    assert cites == ['(Smith, 2020)', '(Adams, 2019)']


def test_case_insensitive_id_fallback_and_missing_ids():
    items = [dict(ITEMS[0], id='OnlyOne')]
    proc = CitationProcessor('apa')
    assert proc.citations(items, [[{'id': 'onlyone'}]]) == ['(Smith, 2020)']
    assert proc.citations(items, [[{'id': 'Nope'}]]) == ['(Nope?)']


def test_locator_label_prefix_suffix():
    proc = CitationProcessor('apa')
    out = proc.citations(ITEMS, [[{'id': 'Smith2020', 'locator': '12-14', 'label': 'page',
                                   'prefix': 'see ', 'suffix': ', emphasis added'}]])
    assert out == ['(see Smith, 2020, pp. 12–14, emphasis added)']


def test_numbered_style_text_has_number_one_space_entry():
    proc = CitationProcessor('ieee')
    entry = proc.bibliography(ITEMS[:1])[0]
    assert entry.startswith('[1] J. Smith, “A study of things,”')


def test_markdown_rtf_latex_markups():
    md = CitationProcessor('apa', markup='markdown').bibliography(ITEMS[:1])[0]
    assert '*Journal of Stuff*' in md
    rtf = CitationProcessor('apa', markup='rtf').bibliography(ITEMS[:1])[0]
    assert r'{\i Journal of Stuff}' in rtf
    tex = CitationProcessor('apa', markup='latex').bibliography(ITEMS[:1])[0]
    assert r'\textit{Journal of Stuff}' in tex


def test_bibliography_in_style_without_bibliography_is_empty(tmp_path):
    csl = tmp_path / 'cite-only.csl'
    csl.write_text('''<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
</style>''', encoding='utf-8')
    proc = CitationProcessor(csl)
    assert proc.bibliography(ITEMS) == []
    assert proc.citations(ITEMS, [[{'id': 'Smith2020'}]]) == ['A study of things']


def test_edited_style_file_is_parsed_again(tmp_path):
    import os
    csl = tmp_path / 'edit.csl'
    template = '''<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text value="{}"/></layout></citation>
</style>'''
    csl.write_text(template.format('first'), encoding='utf-8')
    assert CitationProcessor(csl).citations(ITEMS, [[{'id': 'Smith2020'}]]) == ['first']
    csl.write_text(template.format('second version'), encoding='utf-8')
    os.utime(csl, ns=(1, 2_000_000_000_000_000_000))
    assert CitationProcessor(csl).citations(ITEMS, [[{'id': 'Smith2020'}]]) == ['second version']


def test_json_numbers_missing_type_raw_dates_and_season_words():
    items = [{'id': 1, 'type': 'book', 'title': 'Numbers', 'volume': 5,
              'issued': {'raw': '2001-02-03'}},
             {'id': 'nt', 'title': 'No type', 'issued': {'date-parts': [[2003]]}},
             {'id': 's', 'type': 'article-journal', 'title': 'Season',
              'container-title': 'J', 'issued': {'date-parts': [[2002]], 'season': 'Winter'}}]
    proc = CitationProcessor('ieee')
    entries = dict(proc.bibliography_entries(items))
    assert 'vol. 5' in entries['1'] and '2001' in entries['1']
    assert '2003' in entries['nt']
    assert 'Winter 2002' in entries['s']


def test_season_with_numeric_month_form_prints_the_season_term(tmp_path):
    """Stock citeproc-py asserted on a season under form="numeric" (apa-eu, bio-protocol and
    8 more styles crashed on every item with a season); citeproc-js 2.4.63 prints the term."""
    style = _style(tmp_path, '<bibliography><layout>'
                             '<date variable="issued" delimiter="/"><date-part name="year"/>'
                             '<date-part name="month" form="numeric"/></date>'
                             '</layout></bibliography>', citation='<text variable="title"/>')
    item = {'id': 'a', 'type': 'book', 'issued': {'date-parts': [[1999]], 'season': 1}}
    assert CitationProcessor(style).bibliography([item]) == ['1999/Spring']  # citeproc-js
    item['issued'] = {'date-parts': [[1999, 3]]}
    assert CitationProcessor(style).bibliography([item]) == ['1999/3']


def test_term_missing_from_a_styles_own_locale_falls_back_to_the_locale_files():
    """instituto-de-pesquisas-tecnologicas defines its date formats in its own cs:locale,
    which has no season terms; stock citeproc-py raised IndexError on every season.
    Expected string: citeproc-js 2.4.63 on the same item and style."""
    item = {'id': 'r', 'type': 'article-journal', 'title': 'Migrant remittances',
            'author': [{'family': 'Reyes', 'given': 'Marisol'}],
            'container-title': 'Latin American Research Review', 'volume': '34',
            'issue': '2', 'page': '87-112', 'issued': {'date-parts': [[1999]], 'season': 1}}
    out = CitationProcessor('instituto-de-pesquisas-tecnologicas').bibliography([item])
    assert out == ['REYES, M. Migrant remittances. Latin American Research Review, v. 34, '
                   'n. 2, p. 87–112, Primavera de 1999.']


def test_strip_periods_on_the_citation_number():
    """revista-da-sociedade-brasileira-de-medicina-tropical strips periods from the
    citation number; citeproc-py keeps it as an int and raised AttributeError."""
    out = CitationProcessor('revista-da-sociedade-brasileira-de-medicina-tropical').bibliography(ITEMS[:1])
    assert out[0].startswith('(1)') or out[0].startswith('1'), out


def _style(tmp_path, bibliography: str, head: str = '',
           citation: str = '<text value="c"/>') -> str:
    """Path of a minimal in-text style: ``head`` (macros, a cs:locale), a citation layout
    holding ``citation``, then ``bibliography`` (the whole cs:bibliography element)."""
    path = tmp_path / 'inline.csl'
    path.write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        '<info><id>x</id><title>x</title><updated>2020-01-01T00:00:00+00:00</updated></info>'
        f'{head}<citation><layout>{citation}</layout></citation>{bibliography}</style>',
        encoding='utf-8')
    return str(path)


def _inline_style(tmp_path, layout: str) -> str:
    return _style(tmp_path, f'<bibliography><layout>{layout}</layout></bibliography>')


def test_display_block_left_margin_right_inline(tmp_path):
    """CSL 1.0.2 "Display"; expected strings from citeproc-js 2.4.63 on the same style:
    text "\\nTX Y", html <div class="csl-block">T</div> and the margin parts, with its line
    breaks between the parts (the entry's own div and outer whitespace left out)"""
    style = _inline_style(tmp_path, '<group display="block"><text variable="title"/></group>'
                                    '<group display="left-margin"><text value="X"/></group>'
                                    '<group display="right-inline"><text value="Y"/></group>')
    item = {'id': 'a', 'type': 'book', 'title': 'T'}
    assert CitationProcessor(style).bibliography([item]) == ['\nTX Y']
    assert CitationProcessor(style, markup='html').bibliography([item]) == [
        '<div class="csl-block">T</div>\n\n    <div class="csl-left-margin">X</div>'
        '<div class="csl-right-inline">Y</div>']


def test_display_inside_a_group_is_ignored_as_in_citeproc_js(tmp_path):
    style = _inline_style(tmp_path, '<group delimiter=", "><text variable="title" display="block"/>'
                                    '<text value="X" display="block"/></group>')
    assert CitationProcessor(style).bibliography([{'id': 'a', 'type': 'book', 'title': 'T'}]) == ['T, X']


def test_character_references_in_a_style_are_decoded_but_not_in_data(tmp_path):
    """"&amp;#160;" in the style XML is a no-break space (citeproc-js); the same text in
    an item's title stays literal (and is escaped in HTML)."""
    style = _inline_style(tmp_path, '<text variable="title" suffix="&amp;#160;"/><text value="X"/>')
    item = {'id': 'a', 'type': 'book', 'title': 'A&#160;B'}
    assert CitationProcessor(style).bibliography([item]) == ['A&#160;B\u00a0X']
    assert CitationProcessor(style, markup='html').bibliography([item]) == ['A&amp;#160;B\u00a0X']


def test_text_case_on_a_macro_call_has_no_effect_as_in_citeproc_js(tmp_path):
    """citeproc-js 2.4.63 renders <text macro="t" text-case="uppercase"/> unchanged ("the
    title"), while text-case on the cs:text that renders the variable applies ("THE TITLE")."""
    path = _style(tmp_path, '<bibliography><layout><group delimiter="|">'
                            '<text macro="t" text-case="uppercase"/>'
                            '<text variable="title" text-case="uppercase"/>'
                            '</group></layout></bibliography>',
                  head='<macro name="t"><text variable="title"/></macro>')
    item = {'id': 'a', 'type': 'book', 'title': 'the title'}
    assert CitationProcessor(path).bibliography([item]) == ['the title|THE TITLE']


def test_second_field_align_takes_the_layout_prefix_into_the_margin(tmp_path):
    """citeproc-js 2.4.63 (expected strings below are its output on this style): <layout
    prefix="["> with the citation number's suffix "] " gives
    "[1] T." -- the prefix opens the left margin, the layout suffix closes the rest."""
    path = _style(tmp_path, '<bibliography second-field-align="flush"><layout prefix="[" suffix=".">'
                            '<text variable="citation-number" suffix="] "/><text variable="title"/>'
                            '</layout></bibliography>', citation='<text variable="citation-number"/>')
    item = {'id': 'a', 'type': 'book', 'title': 'T'}
    assert CitationProcessor(path).bibliography([item]) == ['[1]  T.']
    assert CitationProcessor(path, markup='html').bibliography([item]) == [
        '<div class="csl-left-margin">[1] </div><div class="csl-right-inline">T.</div>']


@pytest.mark.parametrize('item,label', [
    ({'author': [{'family': 'Smith', 'given': 'J'}], 'issued': {'date-parts': [[2009]]}}, 'Smit09'),
    ({'author': [{'family': 'van den Bosch'}, {'family': 'de Wit'}, {'family': 'Lee'},
                 {'family': 'Ng'}, {'family': 'Xu'}], 'issued': {'date-parts': [[1887]]}}, 'BWLN87'),
    ({'title': 'The History of Everything'}, 'Theh00'),
    ({'title': 'X', 'editor': [{'literal': 'The World Bank'}],
      'issued': {'date-parts': [[2012, 3]]}}, 'Worl12'),
    ({'title': 'X', 'author': [{'family': '赵', 'given': '建国'}],
      'issued': {'date-parts': [[2006]]}}, 'X06'),
])
def test_citation_label_as_citeproc_js(item, label):
    """Expected labels: citeproc-js 2.4.63 rendering <text variable="citation-label"/>."""
    from exporter.csl.labels import citation_label
    assert citation_label({'id': 'a', 'type': 'book', **item}) == label


def test_label_style_end_to_end():
    """american-mathematical-society-label: "[AcOu09]" (citeproc-js 2.4.63 on the kit item)."""
    item = {'id': 'x', 'type': 'article-journal', 'title': 'T', 'container-title': 'J',
            'author': [{'family': 'Achterberg', 'given': 'Femke'},
                       {'family': 'Ouedraogo', 'given': 'Salif'}],
            'issued': {'date-parts': [[2009]]}}
    assert CitationProcessor('american-mathematical-society-label').bibliography([item])[0].startswith('[AcOu09] ')


@pytest.mark.parametrize('name_attrs,count,expected', [
    ('suffix="." initialize-with="" and="text" delimiter=", "', 3, 'J Smith., J Doe., and R Roe.'),
    ('prefix="[" suffix="]" and="text" delimiter=", "', 3, '[John Smith], [Jane Doe], and [Rick Roe]'),
    ('suffix="." et-al-min="3" et-al-use-first="1" initialize-with=""', 3, 'J Smith. et al.'),
    ('suffix="!" name-as-sort-order="all" initialize-with=""', 1, 'Smith, J!'),
])
def test_name_affixes_go_around_each_name(tmp_path, name_attrs, count, expected):
    """Expected strings: citeproc-js 2.4.63 on the same style and names."""
    style = _inline_style(tmp_path, f'<names variable="author"><name {name_attrs}/></names>')
    authors = [{'family': 'Smith', 'given': 'John'}, {'family': 'Doe', 'given': 'Jane'},
               {'family': 'Roe', 'given': 'Rick'}][:count]
    item = {'id': 'a', 'type': 'book', 'title': 'T', 'author': authors}
    assert CitationProcessor(style).bibliography([item]) == [expected]


def test_locale_option_not_set_by_the_style_comes_from_the_locale_file(tmp_path):
    """A style's cs:locale that sets another option keeps en-US punctuation-in-quote="true";
    citeproc-js 2.4.63 gives "“T,” X" for this style."""
    path = _style(tmp_path, '<bibliography><layout><group delimiter=", ">'
                            '<text variable="title" quotes="true"/><text value="X"/>'
                            '</group></layout></bibliography>',
                  head='<locale><style-options limit-day-ordinals-to-day-1="true"/></locale>')
    item = {'id': 'a', 'type': 'book', 'title': 'T'}
    assert CitationProcessor(path).bibliography([item]) == ['“T,” X']


def test_strip_periods_on_a_macro_call_strips_the_text_not_the_affixes(tmp_path):
    """citeproc-js 2.4.63: "AB c." for <text macro="t" strip-periods="true"/> with the macro
    <text variable="title" suffix="."/> on "A.B. c"; "AB c" on the variable itself."""
    path = _style(tmp_path, '<bibliography><layout><group delimiter="|">'
                            '<text macro="t" strip-periods="true"/>'
                            '<text variable="title" strip-periods="true"/>'
                            '</group></layout></bibliography>',
                  head='<macro name="t"><text variable="title" suffix="."/></macro>')
    item = {'id': 'a', 'type': 'book', 'title': 'A.B. c'}
    assert CitationProcessor(path).bibliography([item]) == ['AB c.|AB c']


def test_label_of_an_empty_variable_with_plural_always(tmp_path):
    """citeproc-js 2.4.63: <label plural="always" variable="locator" form="short"/> in a
    bibliography (no locator) prints "pp." before the pages."""
    style = _inline_style(tmp_path, '<group><label plural="always" variable="locator" form="short"/>'
                                    '<text variable="page"/></group>')
    item = {'id': 'a', 'type': 'book', 'title': 'T', 'page': '1789-1801'}
    assert CitationProcessor(style).bibliography([item]) == ['pp.1789–1801']


def test_macro_whose_names_fall_back_to_a_term_only_is_suppressed(tmp_path):
    """citeproc-js 2.4.63 on this style gives ["Al Zed. Book", "Annual review"]: the
    substitute term "Anonymous" is no variable, so the author macro prints nothing for the
    unsigned report, and its empty sort key sorts last."""
    path = _style(tmp_path, '<bibliography><sort><key macro="author"/></sort><layout>'
                            '<text macro="author"/><text variable="title"/></layout></bibliography>',
                  head='<macro name="author"><names variable="author" suffix=". "><name/>'
                       '<substitute><names variable="editor"/>'
                       '<text term="anonymous" text-case="capitalize-first"/>'
                       '</substitute></names></macro>')
    items = [{'id': 'a', 'type': 'report', 'title': 'Annual review'},
             {'id': 'b', 'type': 'book', 'title': 'Book', 'author': [{'family': 'Zed', 'given': 'Al'}]}]
    assert CitationProcessor(path).bibliography(items) == ['Al Zed. Book', 'Annual review']


def test_locale_tags_resolve_to_locale_files_or_fail():
    from exporter.csl import LocaleNotFound
    from exporter.csl.styles import resolve_locale

    assert resolve_locale('de_de') == ('de-DE', None)
    assert resolve_locale('FR') == ('FR', None)  # the engine takes fr's primary dialect, fr-FR
    assert resolve_locale('en-AU') == ('en-AU', "no CSL locale file for 'en-AU': citations use 'en-US'")
    for junk in ('junk', 'xx-YY', '12', '', 'de DE'):
        with pytest.raises(LocaleNotFound):
            resolve_locale(junk)
    german = CitationProcessor('ieee', locale='de')
    assert german.locale_note is None
    assert 'und' in german.bibliography([{'id': 'a', 'type': 'book', 'title': 'T',
                                          'author': [{'family': 'A', 'given': 'B'}, {'family': 'C', 'given': 'D'}]}])[0]


# -- one entry per item, each alone (record pages; issue 14) --------------------------------

#: two works of one author in one year (apa gives 2020a/2020b when they share a bibliography),
#: a second one by the same author (subsequent-author-substitute in some styles), and an item
#: with nothing a style prints for some styles
ALONE = ITEMS + [
    {'id': 'Smith2020b', 'type': 'article-journal', 'title': 'More things',
     'author': [{'family': 'Smith', 'given': 'Jane'}], 'container-title': 'Journal of Stuff',
     'volume': '4', 'page': '1-9', 'issued': {'date-parts': [[2020]]}},
    {'id': 'empty', 'type': 'manuscript'},
]


@pytest.mark.parametrize('style', ['apa', 'ieee', 'vancouver-nlm', 'chicago-author-date',
                                   'modern-language-association'])
@pytest.mark.parametrize('markup', ['text', 'html'])
def test_bibliography_each_renders_every_item_as_its_own_bibliography(style, markup):
    proc = CitationProcessor(style, markup=markup)
    each = proc.bibliography_each(ALONE)
    assert len(each) == len(ALONE)
    for item, entry in zip(ALONE, each):
        alone = CitationProcessor(style, markup=markup).bibliography([item])
        assert entry == (alone[0] if alone else '')
    assert all(each[:3])


def test_bibliography_each_does_not_see_the_other_items():
    together = dict(CitationProcessor('apa').bibliography_entries(ALONE))
    each = dict(zip((item['id'] for item in ALONE), CitationProcessor('apa').bibliography_each(ALONE)))
    assert '2020a' in together['Smith2020'] + together['Smith2020b']  # what a shared bibliography does
    assert '2020a' not in each['Smith2020'] and '2020b' not in each['Smith2020b']
    ieee = CitationProcessor('ieee').bibliography_each(ALONE)
    assert all(entry.startswith('[1]') for entry in ieee if entry)


def test_bibliography_each_of_kit_items_matches_one_item_bibliographies(kit):
    from csl_support import kit_items

    items = kit_items()
    for style in ('apa', 'ieee', 'american-medical-association'):
        proc = CitationProcessor(style, markup='html')
        for item, entry in zip(items, proc.bibliography_each(items)):
            alone = proc.bibliography([item])
            assert entry == (alone[0] if alone else ''), (style, item['id'])


@pytest.mark.parametrize('style', ['apa', 'chicago-author-date', 'harvard-cite-them-right', 'elsevier-harvard',
                                   'american-sociological-association', 'modern-language-association'])
def test_an_item_alone_renders_the_same_without_the_disambiguation_pass(kit, style, monkeypatch):
    """One item skips disambiguation (nothing to be ambiguous with): forcing the pass on
    gives the same entry for every kit item, in styles that disambiguate by names, given
    names and year suffixes."""
    import exporter.csl as csl
    from csl_support import kit_items

    items = kit_items()
    proc = CitationProcessor(style, markup='html')
    skipped = proc.bibliography_each(items)
    passes = []
    real = csl.disambiguate
    monkeypatch.setattr(csl, 'needs_disambiguation', lambda items: True)
    monkeypatch.setattr(csl, 'disambiguate', lambda *args: (passes.append(1), real(*args)))
    assert proc.bibliography_each(items) == skipped
    assert len(passes) == len(items)  # the pass did run, once per item
