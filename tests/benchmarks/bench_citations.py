#!/usr/bin/env python3
"""Formatting throughput of exporter.csl (run by hand; not collected by pytest).

    python tests/benchmarks/bench_citations.py [--items 1000] [--repeat 3]
                                               [--style apa ...] [--no-js] [--js-dir DIR]

Items: the conformance kit's 66 items (<repo root>/../shared/csl-conformance/items.json)
replicated with distinct ids up to --items (synthetic items if the kit is absent).
Measured per style, as entries/second of bibliography():
  * "warm": style already loaded and cached (style loading excluded);
  * "cold": parsed-style/locale caches cleared, CitationProcessor built and used
    (style loading included);
  * "convert": the whole ``exporter convert items.json -t citation --style S`` path
    through the public API (``exporter.convert``: CSL-JSON read into Records, the
    citation writer), style cached, entries/second.
With node available, citeproc-js (npm citeproc@2.4.63, installed into a temporary
folder unless --js-dir points at a folder with node_modules/citeproc) renders the
same items with the same .csl files and locale files, as a yardstick.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
KIT = REPO_ROOT.parent / 'shared' / 'csl-conformance'
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from exporter.csl import CitationProcessor
from exporter.csl.styles import clear_caches, resolve_style

STYLES = ('apa', 'american-medical-association', 'ieee')


def make_items(n: int) -> list[dict]:
    if (KIT / 'items.json').is_file():
        base = json.loads((KIT / 'items.json').read_text(encoding='utf-8'))
    else:
        base = [{'id': f'item{i}', 'type': 'article-journal',
                 'title': f'A study of topic {i} in context', 'container-title': 'Journal',
                 'author': [{'family': f'Author{i % 50}', 'given': 'Jane Q.'},
                            {'family': 'Second', 'given': 'John'}],
                 'volume': str(i % 40), 'issue': '2', 'page': f'{i}-{i + 9}',
                 'issued': {'date-parts': [[1990 + i % 30, 1 + i % 12]]},
                 'DOI': f'10.1000/x{i}'} for i in range(66)]
    items = []
    for i in range(n):
        item = copy.deepcopy(base[i % len(base)])
        item['id'] = f'{item["id"]}-{i}'
        items.append(item)
    return items


def bench_python(style: str, items: list[dict], repeat: int) -> dict:
    CitationProcessor(style).bibliography(items[:5])  # import / first-use costs
    warm = []
    proc = CitationProcessor(style)
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = proc.bibliography(items)
        warm.append(time.perf_counter() - t0)
    assert len(out) == len(items)
    cold = []
    for _ in range(repeat):
        clear_caches()
        t0 = time.perf_counter()
        CitationProcessor(style).bibliography(items)
        cold.append(time.perf_counter() - t0)
    load = []
    for _ in range(repeat):
        clear_caches()
        t0 = time.perf_counter()
        CitationProcessor(style)
        load.append(time.perf_counter() - t0)
    return {'warm': len(items) / min(warm), 'cold': len(items) / min(cold),
            'load_ms': 1000 * min(load)}


def bench_convert(style: str, items_path: Path, n_items: int, repeat: int) -> float:
    """entries/second of exporter.convert(items.json, 'citation'), style cached."""
    import exporter
    exporter.convert(str(items_path), 'citation', from_format='csl-json', style=style)
    best = float('inf')
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = exporter.convert(str(items_path), 'citation', from_format='csl-json', style=style)
        best = min(best, time.perf_counter() - t0)
    assert len(out.splitlines()) == n_items, (style, len(out.splitlines()))
    return n_items / best


JS = r'''
const fs = require('fs'), path = require('path');
const CSL = require('citeproc');
const [cslPath, itemsPath, localesDir, repeatS] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(itemsPath, 'utf8'));
const byId = new Map(items.map(it => [it.id, it]));
const primary = JSON.parse(fs.readFileSync(path.join(localesDir, 'locales.json'), 'utf8'))['primary-dialects'];
const sys = {
  retrieveLocale(lang) {
    let f = path.join(localesDir, `locales-${lang}.xml`);
    if (!fs.existsSync(f) && primary[lang]) f = path.join(localesDir, `locales-${primary[lang]}.xml`);
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : false;
  },
  retrieveItem(id) { return byId.get(id); },
};
const xml = fs.readFileSync(cslPath, 'utf8');
const ids = items.map(it => it.id);
function run(withLoad, engine) {
  const t0 = process.hrtime.bigint();
  if (withLoad) engine = new CSL.Engine(sys, xml);
  engine.setOutputFormat('text');
  engine.updateItems(ids);
  const [, entries] = engine.makeBibliography();
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  if (entries.length !== ids.length) throw new Error('bad count');
  return dt;
}
const repeat = parseInt(repeatS, 10);
run(true);  // JIT warm-up
let cold = Infinity, warm = Infinity;
for (let i = 0; i < repeat; i++) cold = Math.min(cold, run(true));
for (let i = 0; i < repeat; i++) {
  const engine = new CSL.Engine(sys, xml);
  warm = Math.min(warm, run(false, engine));
}
console.log(JSON.stringify({warm: ids.length / warm, cold: ids.length / cold}));
'''


def ensure_citeproc_js(js_dir: str | None) -> Path | None:
    if shutil.which('node') is None:
        return None
    if js_dir and (Path(js_dir) / 'node_modules' / 'citeproc').is_dir():
        return Path(js_dir).resolve()  # node runs in another folder
    folder = Path(tempfile.mkdtemp(prefix='citeproc-js-'))
    try:
        subprocess.run(['npm', 'install', '--silent', '--no-audit', '--no-fund',
                        'citeproc@2.4.63'], cwd=folder, check=True, capture_output=True,
                       timeout=300)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f'citeproc-js not available: {exc}', file=sys.stderr)
        return None
    return folder


def bench_js(folder: Path, style: str, items_path: Path, repeat: int) -> dict | None:
    import citeproc
    locales = Path(citeproc.__file__).parent / 'data' / 'locales'
    script = folder / 'bench.js'
    script.write_text(JS, encoding='utf-8')
    csl_path, _ = resolve_style(style)
    try:
        out = subprocess.run(['node', str(script), csl_path, str(items_path), str(locales),
                              str(repeat)], cwd=folder, check=True, capture_output=True,
                             text=True, timeout=600)
    except subprocess.SubprocessError as exc:
        print(f'citeproc-js failed for {style}: {exc}', file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--items', type=int, default=1000)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--style', action='append')
    ap.add_argument('--no-js', action='store_true', help='skip citeproc-js')
    ap.add_argument('--js-dir', help='folder whose node_modules/ has citeproc')
    args = ap.parse_args()
    styles = args.style or list(STYLES)
    items = make_items(args.items)
    js_folder = None if args.no_js else ensure_citeproc_js(args.js_dir)
    items_path = Path(tempfile.mkstemp(suffix='.json')[1])
    items_path.write_text(json.dumps(items), encoding='utf-8')
    print(f'{args.items} items, best of {args.repeat}; entries/second (higher is better)')
    print(f'{"style":<30} {"py warm":>9} {"py cold":>9} {"load ms":>8} {"convert":>9} '
          f'{"js warm":>9} {"js cold":>9} {"warm/js":>8} {"conv/js":>8}')
    for style in styles:
        py = bench_python(style, items, args.repeat)
        convert = bench_convert(style, items_path, len(items), args.repeat)
        js = bench_js(js_folder, style, items_path, args.repeat) if js_folder else None
        js_cols = (f'{js["warm"]:>9.0f} {js["cold"]:>9.0f} {py["warm"] / js["warm"]:>8.2f} '
                   f'{convert / js["warm"]:>8.2f}' if js
                   else f'{"-":>9} {"-":>9} {"-":>8} {"-":>8}')
        print(f'{style:<30} {py["warm"]:>9.0f} {py["cold"]:>9.0f} {py["load_ms"]:>8.1f} '
              f'{convert:>9.0f} {js_cols}', flush=True)
    os.unlink(items_path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
