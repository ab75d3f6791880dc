"""The speed caches of exporter.csl never leak state (no shared kit needed, no timing).

exporter.csl memoises what it derives from parsed styles and locales (see
exporter.csl.treememo and exporter.csl.rules.performance).  These tests render
styles, locales and markups alternately in one process and check that every
result equals the one rendered alone (after clear_caches), and that rendering the
same items again changes nothing.
"""
from __future__ import annotations

import copy

import pytest

from exporter.csl import CitationProcessor
from exporter.csl.styles import clear_caches, load_style, resolve_style

ITEMS = [
    {'id': 'art', 'type': 'article-journal',
     'title': 'Mobile money and "household resilience" to drought in rural Burkina Faso',
     'author': [{'family': 'Achterberg', 'given': 'Femke'}, {'family': 'Ouedraogo', 'given': 'Salif'}],
     'container-title': 'World Development', 'volume': '37', 'issue': '11',
     'page': '1789-1801', 'issued': {'date-parts': [[2009, 11]]}, 'DOI': '10.1016/j.x.2009.05.004'},
    {'id': 'many', 'type': 'article-journal', 'title': 'a trial of <i>everything</i> at once',
     'author': [{'family': f'Author{i}', 'given': 'Jo'} for i in range(9)],
     'container-title': 'The Lancet', 'volume': '5', 'page': '1-9',
     'issued': {'date-parts': [[2009]]}},
    {'id': 'edbook', 'type': 'book', 'title': 'Handbook of <span class="nocase">iOS</span> things',
     'editor': [{'family': 'Ferrand', 'given': 'Anne'}, {'family': 'Oduya', 'given': 'Kofi'}],
     'edition': '2', 'publisher': 'Oxford University Press', 'publisher-place': 'Oxford',
     'issued': {'date-parts': [[2015]]}},
    {'id': 'chap', 'type': 'chapter', 'title': 'On ranges', 'container-title': 'Collected essays',
     'author': [{'family': 'van der Berg', 'given': 'Pieter'}],
     'editor': [{'family': 'Lindqvist', 'given': 'Magnus'}], 'page': '101-109',
     'publisher': 'Springer', 'issued': {'date-parts': [[2008, 11, 5], [2008, 11, 7]]}},
    {'id': 'cjk', 'type': 'article-journal', 'title': '干旱对农业的影响',
     'author': [{'family': '赵', 'given': '建国'}], 'container-title': '地理学报',
     'volume': '61', 'page': '3-12', 'issued': {'date-parts': [[2006]]}},
    {'id': 'web', 'type': 'webpage', 'title': 'Data of the year',
     'author': [{'literal': 'World Health Organization'}], 'URL': 'https://example.org/x',
     'issued': {'date-parts': [[2020, 5]]},
     'accessed': {'date-parts': [[2021, 3, 4]]}},
    {'id': 'anon', 'type': 'report', 'title': 'Annual report', 'number': '4/2012',
     'publisher': 'Ministry', 'issued': {'date-parts': [[2012]]}},
    {'id': 'art2', 'type': 'article-journal', 'title': 'Mobile money, again',
     'author': [{'family': 'Achterberg', 'given': 'Femke'}, {'family': 'Ouedraogo', 'given': 'Salif'}],
     'container-title': 'World Development', 'volume': '38', 'page': '12-19',
     'issued': {'date-parts': [[2009]]}},
]
CLUSTERS = [[{'id': 'art', 'locator': '12'}], [{'id': 'many'}, {'id': 'edbook'}],
            [{'id': 'art'}, {'id': 'art2'}], [{'id': 'chap', 'locator': '3-5'}]]
STYLES = ('apa', 'american-medical-association', 'ieee', 'chicago-author-date',
          'modern-language-association')


def render(style: str, locale: str | None = None, markup: str = 'text') -> tuple:
    proc = CitationProcessor(style, locale=locale, markup=markup)
    items = copy.deepcopy(ITEMS)
    return (tuple(proc.bibliography_entries(items)),
            tuple(proc.citations(items, CLUSTERS)))


def alone(*args) -> tuple:
    clear_caches()
    return render(*args)


@pytest.fixture(autouse=True)
def _fresh_caches():
    clear_caches()
    yield
    clear_caches()


def test_styles_rendered_alternately_match_each_rendered_alone():
    expected = {style: alone(style) for style in STYLES}
    clear_caches()
    for _ in range(2):
        for style in STYLES:
            assert render(style) == expected[style], style
        for style in reversed(STYLES):
            assert render(style) == expected[style], style


def test_locales_rendered_alternately_match_each_rendered_alone():
    cases = [('chicago-author-date', loc) for loc in ('en-US', 'de-DE', 'fr-FR', 'en-GB')]
    cases += [('american-medical-association', loc) for loc in ('de-DE', 'en-US')]
    expected = {case: alone(*case) for case in cases}
    # the locales really differ (terms, ordinals, dates): a shared memo would show
    assert expected[cases[0]] != expected[cases[1]]
    clear_caches()
    for _ in range(2):
        for case in cases + cases[::-1]:
            assert render(*case) == expected[case], case


def test_markups_rendered_alternately_match_each_rendered_alone():
    cases = [('apa', None, m) for m in ('text', 'html', 'markdown', 'rtf', 'latex')]
    expected = {case: alone(*case) for case in cases}
    clear_caches()
    for case in cases + cases[::-1]:
        assert render(*case) == expected[case], case


def test_rendering_the_same_items_again_changes_nothing():
    for style in STYLES:
        proc = CitationProcessor(style)
        first = (proc.bibliography(ITEMS), proc.citations(ITEMS, CLUSTERS))
        for _ in range(3):
            assert (proc.bibliography(ITEMS), proc.citations(ITEMS, CLUSTERS)) == first, style


def test_item_order_does_not_leak_between_entries():
    # CJK text drops the italics of its own cs:text and localized date-parts are
    # overridden for one rendering: neither may leak into the next entry
    style = 'apa'
    one_by_one = {item['id']: CitationProcessor(style).bibliography_entries([item])[0][1]
                  for item in ITEMS}
    for order in (ITEMS, ITEMS[::-1]):
        entries = dict(CitationProcessor(style).bibliography_entries(order))
        for key in ('cjk', 'chap', 'web'):
            assert entries[key] == one_by_one[key], key


def test_the_cached_style_tree_does_not_grow_with_renders():
    # stock citeproc-py inserted one more default cs:name into a cs:names without
    # one on every render
    style = 'american-medical-association'
    proc = CitationProcessor(style)
    proc.bibliography(ITEMS)
    root = load_style(resolve_style(style)[0], proc.locale).root
    size = sum(1 for _ in root.iter())
    for _ in range(3):
        proc.bibliography(ITEMS)
        proc.citations(ITEMS, CLUSTERS)
    assert sum(1 for _ in root.iter()) == size


def test_attribute_memo_follows_changes_of_the_element():
    from exporter.csl.rules.dates import _Overridden
    from exporter.csl.treememo import attrs
    root = load_style(resolve_style('apa')[0], 'en-US').root
    element = next(e for e in root.iter() if e.tag.endswith('}text') and e.get('variable'))
    before = dict(element.attrib)
    assert attrs(element) == before
    with _Overridden(element, {**before, 'font-style': 'italic'}):
        assert attrs(element)['font-style'] == 'italic'
    assert attrs(element) == before
    variable = element.get('variable')
    element.set('variable', 'title')
    try:
        assert attrs(element)['variable'] == 'title'
    finally:
        element.set('variable', variable)
    assert attrs(element) == before


def test_each_rendering_has_its_own_context_and_leaves_it_balanced():
    """The per-render state (exporter.csl.context) is fresh for every call and every
    stack in it is empty again when the call returns; nothing is kept in module globals."""
    from exporter.csl import context as render_state

    seen = []
    original = render_state.rendering

    def recording():
        manager = original()

        class Recorder:
            def __enter__(self):
                current = manager.__enter__()
                seen.append(current)
                return current

            def __exit__(self, *exc):
                return manager.__exit__(*exc)
        return Recorder()

    from exporter import csl
    proc = CitationProcessor('chicago-notes-bibliography')
    try:
        csl.rendering = recording
        proc.bibliography(ITEMS)
        proc.citations(ITEMS, [[{'id': 'art'}], [{'id': 'art', 'locator': '3'}], [{'id': 'many'}]])
    finally:
        csl.rendering = original
    assert len(seen) == 2 and seen[0] is not seen[1]
    for current in seen:
        assert current.captured_names == [] and current.cite_states == []
        assert current.group_frames == [] and current.substitute_recorders == []
        assert current.strip_inside == []
