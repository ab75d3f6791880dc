"""Cite positions (first, subsequent, ibid, ibid-with-locator, near-note) over a
document's clusters: exporter.csl.positions and CitationProcessor.citations.

Expected renderings come from citeproc-js 2.4.63 (processCitationCluster, each
cluster given with the clusters before it as citationsPre, the style's default
locale, the same items); none of these tests runs node or needs the network.
"""
from __future__ import annotations

import pytest

from exporter.csl import CitationProcessor, read_clusters, unknown_ids
from exporter.csl.positions import (
    FIRST,
    IBID,
    IBID_WITH_LOCATOR,
    SUBSEQUENT,
    Cite,
    CitePosition,
    assign_positions,
)

KUHN = {'id': 'kuhn', 'type': 'book', 'title': 'The Structure of Scientific Revolutions',
        'author': [{'family': 'Kuhn', 'given': 'Thomas S.'}],
        'publisher': 'University of Chicago Press', 'publisher-place': 'Chicago',
        'issued': {'date-parts': [[1962]]}}
TURING = {'id': 'turing', 'type': 'article-journal',
          'title': 'Computing Machinery and Intelligence',
          'author': [{'family': 'Turing', 'given': 'Alan M.'}], 'container-title': 'Mind',
          'volume': '59', 'issue': '236', 'page': '433-460', 'issued': {'date-parts': [[1950]]}}
MERTON = {'id': 'merton', 'type': 'chapter', 'title': 'On the Shoulders of Giants',
          'container-title': 'Essays in Science',
          'author': [{'family': 'Merton', 'given': 'Robert K.'}, {'family': 'Smith', 'given': 'Jane'},
                     {'family': 'Doe', 'given': 'John'}, {'family': 'Roe', 'given': 'Richard'}],
          'editor': [{'family': 'Eco', 'given': 'Umberto'}], 'publisher': 'Harcourt',
          'publisher-place': 'New York', 'page': '10-30', 'issued': {'date-parts': [[1965]]}}
ITEMS = [KUHN, TURING, MERTON]

# the brief's document: [A], [A p. 12], [A p. 12], [B], [A]
DOCUMENT = [[{'id': 'kuhn'}], [{'id': 'kuhn', 'locator': '12', 'label': 'page'}],
            [{'id': 'kuhn', 'locator': '12', 'label': 'page'}], [{'id': 'turing'}],
            [{'id': 'kuhn'}]]

# A style that prints every position test that is true, and the note number of the
# first cite; its bibliography tests positions too (never true there).
PROBE = '''<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><id>probe</id><title>position probe</title><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation near-note-distance="2">
    <layout delimiter="; ">
      <group delimiter=" ">
        <text variable="title"/>
        <choose><if position="first"><text value="first"/></if></choose>
        <choose><if position="subsequent"><text value="subsequent"/></if></choose>
        <choose><if position="ibid"><text value="ibid"/></if></choose>
        <choose><if position="ibid-with-locator"><text value="ibid-with-locator"/></if></choose>
        <choose><if position="near-note"><text value="near-note"/></if></choose>
        <text variable="first-reference-note-number" prefix="n"/>
        <text variable="locator" prefix="p"/>
      </group>
    </layout>
  </citation>
  <bibliography>
    <layout>
      <text variable="title"/>
      <choose><if position="first subsequent ibid near-note" match="any"><text value=" POSITION"/></if></choose>
    </layout>
  </bibliography>
</style>
'''
PROBE_ITEMS = [{'id': 'a', 'type': 'book', 'title': 'A'}, {'id': 'b', 'type': 'book', 'title': 'B'},
               {'id': 'c', 'type': 'book', 'title': 'C'}]


@pytest.fixture
def probe(tmp_path):
    path = tmp_path / 'probe.csl'
    path.write_text(PROBE, encoding='utf-8')
    return CitationProcessor(path)


def positions(clusters, notes, distance=5):
    """clusters: lists of "key" or ("key", "locator") -> position names."""
    cites = [[Cite(c) if isinstance(c, str) else Cite(c[0], c[1]) for c in cluster]
             for cluster in clusters]
    return [[p.position for p in cluster] for cluster in assign_positions(cites, notes, distance)]


# -- exporter.csl.positions -----------------------------------------------------------------

def test_first_ibid_with_locator_ibid_subsequent():
    got = positions([['a'], [('a', '12page')], [('a', '12page')], ['b'], ['a']], [1, 2, 3, 4, 5])
    assert got == [[FIRST], [IBID_WITH_LOCATOR], [IBID], [FIRST], [SUBSEQUENT]]


def test_locator_rules():
    # different locator: ibid-with-locator; none after one: subsequent; none after none: ibid
    got = positions([[('a', '1')], [('a', '2')], ['a'], ['a']], [1, 2, 3, 4])
    assert got == [[FIRST], [IBID_WITH_LOCATOR], [SUBSEQUENT], [IBID]]


def test_ibid_within_a_cluster_and_after_a_cluster_of_several_items():
    got = positions([['a', 'a', 'b'], ['b'], ['a', 'b'], ['b']], [1, 2, 3, 4])
    # "b" after [a, a, b] in the previous note: that note cites several items
    assert got == [[FIRST, IBID, FIRST], [SUBSEQUENT], [SUBSEQUENT, SUBSEQUENT], [SUBSEQUENT]]


def test_clusters_in_one_note_continue_each_other():
    # citeproc-js: the last cite of the previous cluster in the same note counts
    assert positions([['a', 'b'], ['b']], [1, 1]) == [[FIRST, FIRST], [IBID]]
    assert positions([['a', 'b'], ['b']], [1, 2]) == [[FIRST, FIRST], [SUBSEQUENT]]


def test_a_note_without_citations_in_between_is_no_ibid():
    assert positions([['a'], ['a']], [1, 3]) == [[FIRST], [SUBSEQUENT]]


def test_text_and_notes_are_separate_sequences():
    # in the running text (note 0), then in a note, then in the text again
    got = positions([['a'], ['b'], ['a'], ['a']], [0, 1, 0, 2])
    assert got == [[FIRST], [FIRST], [IBID], [FIRST]]


def test_note_numbers_that_restart_forget_earlier_cites():
    assert positions([['a'], ['b'], ['a']], [3, 4, 1]) == [[FIRST], [FIRST], [FIRST]]


def test_near_note_and_first_reference_note_number():
    cites = [[Cite('a')], [Cite('b')], [Cite('a')], [Cite('a')]]
    got = assign_positions(cites, [1, 2, 6, 12])
    assert got[0][0] == CitePosition(FIRST, False, None)
    assert got[2][0] == CitePosition(SUBSEQUENT, True, 1)    # 6 - 1 <= 5
    assert got[3][0] == CitePosition(SUBSEQUENT, False, 1)   # 12 - 6 > 5
    assert assign_positions(cites, [1, 2, 6, 12], near_note_distance=10)[3][0].near_note


def test_in_text_cites_are_near_and_have_no_note_number():
    got = assign_positions([[Cite('a')], [Cite('a')]], [0, 0])
    assert got[1][0] == CitePosition(IBID, True, None)


def test_position_tests_are_hierarchical():
    ibid_loc = CitePosition(IBID_WITH_LOCATOR, True, 1)
    assert [ibid_loc.test(v) for v in ('first', 'subsequent', 'ibid', 'ibid-with-locator',
                                       'near-note')] == [False, True, True, True, True]
    ibid = CitePosition(IBID)
    assert [ibid.test(v) for v in ('subsequent', 'ibid', 'ibid-with-locator')] == [True, True, False]
    first = CitePosition(FIRST, near_note=True)
    assert [first.test(v) for v in ('first', 'subsequent', 'near-note')] == [True, False, False]
    assert not CitePosition(SUBSEQUENT).test('near-note')
    assert not CitePosition(SUBSEQUENT).test('no-such-position')


# -- rendering: a probe style -----------------------------------------------------------------
# (expected strings: citeproc-js 2.4.63)

def test_probe_positions_locators_and_near_note_distance(probe):
    clusters = [{'cites': [{'id': 'a'}], 'note': 1},
                {'cites': [{'id': 'a', 'locator': '12'}], 'note': 2},
                {'cites': [{'id': 'a', 'locator': '12'}], 'note': 3},
                {'cites': [{'id': 'a'}], 'note': 4},
                {'cites': [{'id': 'b'}, {'id': 'a'}, {'id': 'a'}], 'note': 5},
                {'cites': [{'id': 'a'}], 'note': 6},
                {'cites': [{'id': 'b'}], 'note': 9},
                {'cites': [{'id': 'a'}], 'note': 10}]
    assert probe.citations(PROBE_ITEMS, clusters) == [
        'A first',
        'A subsequent ibid ibid-with-locator near-note n1 p12',
        'A subsequent ibid near-note n1 p12',
        'A subsequent near-note n1',
        'B first; A subsequent near-note n1; A subsequent ibid near-note n1',
        'A subsequent near-note n1',
        'B subsequent n5',
        'A subsequent n1',
    ]


def test_probe_same_note_and_restarted_numbering(probe):
    clusters = [{'cites': [{'id': 'a'}, {'id': 'b'}], 'note': 1},
                {'cites': [{'id': 'b'}], 'note': 2},
                {'cites': [{'id': 'b'}], 'note': 2},
                {'cites': [{'id': 'b'}], 'note': 4},
                {'cites': [{'id': 'c'}], 'note': 1},
                {'cites': [{'id': 'c'}], 'note': 2},
                {'cites': [{'id': 'a'}], 'note': 3}]
    assert probe.citations(PROBE_ITEMS, clusters) == [
        'A first; B first',
        'B subsequent near-note n1',
        'B subsequent ibid near-note n1',
        'B subsequent near-note n1',
        'C first',
        'C subsequent ibid near-note n1',
        'A first',
    ]


def test_probe_text_and_notes_and_locator_labels(probe):
    clusters = [{'cites': [{'id': 'a'}], 'note': 0},
                {'cites': [{'id': 'b'}], 'note': 1},
                {'cites': [{'id': 'a'}], 'note': 0},
                {'cites': [{'id': 'a', 'locator': '3', 'label': 'page'}], 'note': 2},
                {'cites': [{'id': 'a', 'locator': '3'}], 'note': 3}]
    assert probe.citations(PROBE_ITEMS, clusters) == [
        'A first',
        'B first',
        'A subsequent ibid near-note',
        'A first p3',
        # citeproc-js compares locators with their labels as given: "3" + "page" != "3"
        'A subsequent ibid ibid-with-locator near-note n2 p3',
    ]


def test_plain_clusters_in_a_note_style_are_in_notes_1_2_3(probe):
    assert probe.citations(PROBE_ITEMS, [[{'id': 'a'}], [{'id': 'a'}], [{'id': 'b'}], [{'id': 'a'}]]) == [
        'A first', 'A subsequent ibid near-note n1', 'B first', 'A subsequent near-note n1']


def test_positions_are_never_true_in_the_bibliography(probe):
    probe.citations(PROBE_ITEMS, [[{'id': 'a'}], [{'id': 'a'}]])
    assert probe.bibliography(PROBE_ITEMS) == ['A', 'B', 'C']


# -- rendering: real styles (expected strings: citeproc-js 2.4.63) ----------------------------

def test_chicago_notes_bibliography_short_forms():
    out = CitationProcessor('chicago-notes-bibliography').citations(ITEMS, DOCUMENT)
    assert out == [
        'Thomas S. Kuhn, The Structure of Scientific Revolutions (University of Chicago Press, 1962).',
        'Kuhn, The Structure of Scientific Revolutions, 12.',           # ibid-with-locator
        'Kuhn, The Structure of Scientific Revolutions, 12.',           # ibid
        'Alan M. Turing, “Computing Machinery and Intelligence,” Mind 59, no. 236 (1950): 433–60.',
        'Kuhn, The Structure of Scientific Revolutions.',               # subsequent
    ]


@pytest.mark.parametrize('style, first', [
    ('chicago-notes-bibliography-subsequent-ibid',
     'Thomas S. Kuhn, The Structure of Scientific Revolutions (University of Chicago Press, 1962).'),
    ('turabian-notes-bibliography-subsequent-ibid',
     'Thomas S. Kuhn, The Structure of Scientific Revolutions (Chicago: University of Chicago Press, 1962).'),
])
def test_ibid_styles(style, first):
    out = CitationProcessor(style).citations(ITEMS, DOCUMENT)
    assert out == [
        first,
        'Ibid., 12.',
        'Ibid.',
        'Alan M. Turing, “Computing Machinery and Intelligence,” Mind 59, no. 236 (1950): 433–60.',
        'Kuhn, The Structure of Scientific Revolutions.',
    ]


def test_ibid_in_html():
    out = CitationProcessor('chicago-notes-bibliography-subsequent-ibid', markup='html').citations(
        ITEMS, DOCUMENT)
    assert out[1:3] == ['Ibid., 12.', 'Ibid.']
    assert out[4] == 'Kuhn, <i>The Structure of Scientific Revolutions</i>.'


def test_note_numbers_prefixes_and_several_cites():
    clusters = [{'cites': [{'id': 'kuhn'}], 'note': 1},
                {'cites': [{'id': 'kuhn'}], 'note': 3},          # note 2 has no citation
                {'cites': [{'id': 'kuhn', 'prefix': 'see '}], 'note': 4},
                {'cites': [{'id': 'turing'}, {'id': 'kuhn', 'locator': '7'}], 'note': 5},
                {'cites': [{'id': 'kuhn', 'locator': '7'}], 'note': 6}]
    out = CitationProcessor('chicago-notes-bibliography-subsequent-ibid').citations(ITEMS, clusters)
    assert out == [
        'Thomas S. Kuhn, The Structure of Scientific Revolutions (University of Chicago Press, 1962).',
        'Kuhn, The Structure of Scientific Revolutions.',
        'see ibid.',      # a term after a prefix keeps its case
        ('Alan M. Turing, “Computing Machinery and Intelligence,” Mind 59, no. 236 (1950): 433–60; '
         'Kuhn, The Structure of Scientific Revolutions, 7.'),
        'Kuhn, The Structure of Scientific Revolutions, 7.',
    ]


def test_oscola_first_reference_note_number_and_lowercase_ibid():
    clusters = [[{'id': 'kuhn'}], [{'id': 'turing'}], [{'id': 'kuhn', 'locator': '5'}],
                [{'id': 'kuhn', 'locator': '5'}], [{'id': 'turing'}]]
    out = CitationProcessor('oscola').citations(ITEMS, clusters)
    assert out == [
        'Thomas S Kuhn, The Structure of Scientific Revolutions (University of Chicago Press 1962).',
        'Alan M Turing, ‘Computing Machinery and Intelligence’ (1950) 59 Mind 433.',
        'Kuhn (n 1) 5.',
        'ibid.',          # text-case="lowercase" in the style
        'Turing (n 2).',
    ]


def test_et_al_subsequent_in_an_author_date_style():
    clusters = [[{'id': 'merton'}], [{'id': 'merton', 'locator': '12'}],
                [{'id': 'kuhn'}, {'id': 'merton'}]]
    assert CitationProcessor('apa-6th-edition').citations(ITEMS, clusters) == [
        '(Merton, Smith, Doe, & Roe, 1965)',
        '(Merton et al., 1965, p. 12)',
        '(Kuhn, 1962; Merton et al., 1965)',
    ]


def test_repeated_cites_keep_their_year_suffixes():
    items = [{'id': 'x', 'type': 'book', 'title': 'One', 'author': [{'family': 'Smith', 'given': 'J.'}],
              'issued': {'date-parts': [[2020]]}},
             {'id': 'y', 'type': 'book', 'title': 'Two', 'author': [{'family': 'Smith', 'given': 'J.'}],
              'issued': {'date-parts': [[2020]]}}]
    out = CitationProcessor('apa').citations(items, [[{'id': 'x'}], [{'id': 'y'}], [{'id': 'x'}]])
    assert out == ['(Smith, 2020a)', '(Smith, 2020b)', '(Smith, 2020a)']


def test_clusters_citing_different_items_render_as_before():
    # what the conformance kit does: every cite is first, whatever the order
    proc = CitationProcessor('chicago-notes-bibliography')
    together = proc.citations(ITEMS, [[{'id': 'kuhn'}], [{'id': 'turing'}], [{'id': 'merton'}]])
    alone = [proc.citations(ITEMS, [[{'id': i}]])[0] for i in ('kuhn', 'turing', 'merton')]
    assert together == alone
    assert together[0].startswith('Thomas S. Kuhn, The Structure')


# -- clusters as given ----------------------------------------------------------------------

def test_read_clusters_accepts_lists_and_objects():
    clusters = read_clusters([[{'id': 'a'}], {'cites': [{'id': 'b', 'locator': 3}], 'note': 2,
                                              'label': 'chapter 1'}])
    assert [(c.cites, c.note) for c in clusters] == [([{'id': 'a'}], None),
                                                    ([{'id': 'b', 'locator': 3}], 2)]


@pytest.mark.parametrize('clusters, message', [
    ({'cites': []}, 'clusters must be a list of clusters, not an object'),
    ('abc', 'clusters must be a list of clusters, not a string'),
    (['x'], r'cluster 1: cites must be a list of cites'),
    ([[]], 'cluster 1 has no cites'),
    ([[{'id': 'a'}], [1]], r'cluster 2, cite 1: a cite must be an object'),
    ([[{'locator': '3'}]], r'cluster 1, cite 1: a cite needs an "id"'),
    ([[{'id': 'a', 'locator': ['3']}]], r'"locator" must be a string or number'),
    ([[{'id': 'a', 'prefix': 5}]], r'"prefix" must be a string'),
    ([{'cite': [{'id': 'a'}]}], r"cluster 1: unknown key 'cite'"),
    ([{'note': 1}], r'cluster 1: a cluster object needs "cites"'),
    ([{'cites': [{'id': 'a'}], 'note': -1}], r'"note" must be a note number'),
    ([{'cites': [{'id': 'a'}], 'note': '2'}], r'"note" must be a note number'),
    ([{'cites': [{'id': 'a'}], 'note': True}], r'"note" must be a note number'),
])
def test_malformed_clusters_raise_a_clear_value_error(clusters, message):
    with pytest.raises(ValueError, match=message):
        read_clusters(clusters)
    with pytest.raises(ValueError, match=message):
        CitationProcessor('apa').citations(PROBE_ITEMS, clusters)


def test_unknown_ids_are_listed_and_rendered_with_a_question_mark(probe):
    clusters = [[{'id': 'a'}], [{'id': 'nope'}, {'id': 'A'}]]
    assert unknown_ids(PROBE_ITEMS, clusters) == [(2, 'nope')]
    # an unknown cite is left out of positions and printed last ("A" matches "a"
    # ignoring case, and is ibid: the known cites of cluster 2 are just "a")
    assert probe.citations(PROBE_ITEMS, clusters) == ['A first', 'A subsequent ibid near-note n1; nope?']
