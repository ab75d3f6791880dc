#!/usr/bin/env python3
"""Render the CSL conformance kit with exporter.csl and compare it with citeproc-js.

    python tests/conformance/csl_conformance.py [--style apa ...] [--out ACTUAL.json]
                                                [--kit PATH] [--show N]
                                                [--reference DIR]

The kit (items.json, clusters.json, styles.txt, reference/, compare.py) is found at
<repo root>/../shared/csl-conformance unless --kit is given.  The ACTUAL.json written
here is what the kit's compare.py reads; its table is printed at the end.
Rendering follows the kit's README: default locale, items registered in
items.json order, each cluster rendered as a fresh citation.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_KIT = REPO_ROOT.parent / 'shared' / 'csl-conformance'
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from exporter.csl import CitationProcessor


def read_styles(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding='utf-8').splitlines()
            if line.strip() and not line.startswith('#')]


def render_style(name: str, items: list[dict], clusters: list[dict]) -> dict:
    result: dict = {'bibliography': {}, 'citations': {}, 'errors': []}
    cites = [cluster['cites'] for cluster in clusters]
    for markup in ('text', 'html'):
        try:
            proc = CitationProcessor(name, markup=markup)
            entries = proc.bibliography_entries(items)
            result['bibliography'][markup] = {k.lower(): v for k, v in entries}
            result['bibliography']['order'] = [k.lower() for k, _ in entries]
        except Exception as exc:  # report it, keep going
            result['errors'].append(f'{markup} bibliography: {type(exc).__name__}: {exc}')
            result['errors'].append(traceback.format_exc())
        try:
            result['citations'][markup] = proc.citations(items, cites)
        except Exception as exc:  # report it, keep going
            result['errors'].append(f'{markup} citations: {type(exc).__name__}: {exc}')
            result['errors'].append(traceback.format_exc())
    return result


def render_kit(kit: Path, styles: list[str] | None = None, verbose: bool = False) -> dict:
    items = json.loads((kit / 'items.json').read_text(encoding='utf-8'))
    clusters = json.loads((kit / 'clusters.json').read_text(encoding='utf-8'))
    styles = styles or read_styles(kit / 'styles.txt')
    actual = {}
    for name in styles:
        actual[name] = render_style(name, items, clusters)
        if verbose:
            print(f'exporter.csl {name:<46} errors={len(actual[name]["errors"]) // 2}',
                  flush=True)
    return actual


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--kit', type=Path, default=DEFAULT_KIT, help='conformance kit folder')
    ap.add_argument('--style', action='append', help='only these styles (repeatable)')
    ap.add_argument('--out', type=Path, help='ACTUAL.json to write (default: a temp file)')
    ap.add_argument('--show', type=int, help='pass --show N to compare.py (needs one --style)')
    ap.add_argument('--format', choices=('text', 'html'), help='with --show')
    ap.add_argument('--reference', type=Path,
                    help='compare with this reference folder instead of the kit\'s')
    args = ap.parse_args(argv)
    if not (args.kit / 'compare.py').is_file():
        ap.error(f'no conformance kit at {args.kit} (use --kit PATH)')

    actual = render_kit(args.kit, args.style, verbose=True)
    out = args.out or Path(tempfile.mkstemp(suffix='.json', prefix='csl-actual-')[1])
    out.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
    print(f'wrote {out}')
    cmd = [sys.executable, str(args.kit / 'compare.py'), '--actual', str(out)]
    for name in args.style or []:
        cmd += ['--style', name]
    if args.show:
        cmd += ['--show', str(args.show)]
    if args.format:
        cmd += ['--format', args.format]
    if args.reference:
        cmd += ['--reference', str(args.reference)]
    return subprocess.call(cmd)


if __name__ == '__main__':
    sys.exit(main())
