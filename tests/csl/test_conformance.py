"""Conformance regression: the kit's identical-entry counts must not drop.

Thresholds are the counts measured when they were set (not targets).  The kit is
found at <repo root>/../shared/csl-conformance; the test is skipped without it.
"""
from __future__ import annotations

import importlib.util
import json
import re

import pytest
from csl_support import KIT, REPO_ROOT

# style: (bibliography text, bibliography html, clusters text) identical, out of 66/66/13
THRESHOLDS = {
    'apa': (66, 66, 13),
    'ieee': (66, 66, 13),
    'vancouver-nlm': (65, 65, 13),
    'chicago-author-date': (66, 66, 13),
    'modern-language-association': (66, 66, 13),
}


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('style', sorted(THRESHOLDS))
def test_kit_identical_counts(kit, style):
    compare = _load('kit_compare', KIT / 'compare.py')
    script = _load('csl_conformance', REPO_ROOT / 'tests' / 'conformance' / 'csl_conformance.py')
    actual = script.render_kit(kit, [style])[style]
    assert not [e for e in actual['errors'] if not e.startswith('Traceback')]
    ref = json.loads((kit / 'reference' / f'{style}.json').read_text(encoding='utf-8'))
    counts = []
    for fmt, norm in (('text', compare.norm_text), ('html', compare.norm_html)):
        exp = ref['bibliography'][fmt]
        got = actual['bibliography'][fmt]
        counts.append(sum(norm(v) == norm(got.get(k)) for k, v in exp.items()))
    counts.append(sum(compare.norm_text(e) == compare.norm_text(g) for e, g in
                      zip(ref['citations']['text'], actual['citations']['text'])))
    assert tuple(counts) >= THRESHOLDS[style] and all(
        c >= t for c, t in zip(counts, THRESHOLDS[style])), counts


def test_convert_path_prints_what_the_engine_prints_for_the_same_records(kit):
    """The convert path of csl_conformance.py (exporter convert items.json -t citation,
    public API): one entry per record, each equal to the engine's entry for the record as
    exporter read it, and the clusters rendered."""
    script = _load('csl_conformance', REPO_ROOT / 'tests' / 'conformance' / 'csl_conformance.py')
    actual = script.render_kit(kit, ['ieee'], path='convert')['ieee']
    assert actual['errors'] == []
    assert actual['unpaired'] == 0
    items = json.loads((kit / 'items.json').read_text(encoding='utf-8'))
    assert len(actual['bibliography']['text']) == len(items)
    assert set(actual['bibliography']['html']) == {item['id'].lower() for item in items}
    clusters = json.loads((kit / 'clusters.json').read_text(encoding='utf-8'))
    assert len(actual['citations']['text']) == len(clusters)
    # every cluster prints its citation numbers ("[2], [15]", "see [34], sec. 4.2")
    assert all(re.search(r'\[\d+', line) for line in actual['citations']['text'])
