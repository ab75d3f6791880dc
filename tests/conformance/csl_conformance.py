#!/usr/bin/env python3
"""Render the CSL conformance kit with exporter and compare it with citeproc-js.

    python tests/conformance/csl_conformance.py [--style apa ...] [--out ACTUAL.json]
                                                [--out-convert ACTUAL.json]
                                                [--path engine|convert|both] [--cli]
                                                [--kit PATH] [--show N]
                                                [--reference DIR]

The kit (items.json, clusters.json, styles.txt, reference/, compare.py) is found at
<repo root>/../shared/csl-conformance unless --kit is given.  Two paths are measured
(``--path both``, the default), each with its own compare.py table:

* engine: exporter.csl.CitationProcessor renders the kit's CSL-JSON items directly;
* convert: what a user of ``exporter convert items.json -t citation`` gets -- the items
  read into exporter's Record model and written by the citation writer, through the
  public API (``exporter.convert``; ``--cli`` runs the ``exporter convert`` command
  instead), bibliography and ``--mode citation --clusters``.  The writer prints no
  ids: its entries are paired, in order, with the ids of the bibliography the engine
  renders from the same records (``exporter convert -t csl-json``), and a difference
  between the two renderings is reported (it should never happen).

Rendering follows the kit's README: default locale, items registered in items.json
order, the clusters rendered in order as one document.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_KIT = REPO_ROOT.parent / 'shared' / 'csl-conformance'
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import exporter
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
        except Exception as exc:  # noqa: BLE001 - report it, keep going
            result['errors'].append(f'{markup} bibliography: {type(exc).__name__}: {exc}')
            result['errors'].append(traceback.format_exc())
        try:
            result['citations'][markup] = proc.citations(items, cites)
        except Exception as exc:  # noqa: BLE001 - report it, keep going
            result['errors'].append(f'{markup} citations: {type(exc).__name__}: {exc}')
            result['errors'].append(traceback.format_exc())
    return result


class _Convert:
    """``exporter convert`` through the public API, or the command line (--cli)."""

    def __init__(self, items_path: Path, cli: bool) -> None:
        self.items_path, self.cli = items_path, cli
        self.problems: list[str] = []

    def __call__(self, to: str, **options) -> str:
        if not self.cli:
            return exporter.convert(str(self.items_path), to, from_format='csl-json',
                                    on_problem=lambda p: self.problems.append(str(p)), **options)
        cmd = [sys.executable, '-m', 'exporter', 'convert', '-f', 'csl-json', '-t', to,
               str(self.items_path)]
        with tempfile.TemporaryDirectory() as tmp:
            for key, value in options.items():
                if key == 'clusters':
                    path = Path(tmp) / 'clusters.json'
                    path.write_text(json.dumps(value), encoding='utf-8')
                    value = str(path)
                cmd += [f'--{key}', str(value)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False,
                                  cwd=REPO_ROOT)
        if done.returncode != 0:
            raise RuntimeError(f'{" ".join(cmd[2:])}: {done.stderr.strip()[-500:]}')
        self.problems += [line for line in done.stderr.splitlines() if line.strip()]
        return done.stdout


_HTML_ENTRY = re.compile(r'^\s*<div class="csl-entry">(.*)</div>\s*$')


def _entries(output: str, markup: str) -> list[str]:
    """The entries of a citation writer's bibliography (one line each)."""
    if markup == 'html':
        return [m.group(1) for m in map(_HTML_ENTRY.match, output.splitlines()) if m]
    return [line for line in output.splitlines() if line.strip()]


def render_style_convert(name: str, convert: _Convert, clusters: list[dict]) -> dict:
    """The kit rendered through exporter convert (see the module docstring)."""
    result: dict = {'bibliography': {}, 'citations': {}, 'errors': [], 'unpaired': 0}
    cites = [cluster['cites'] for cluster in clusters]
    try:
        records_as_csl = json.loads(convert('csl-json'))
    except Exception as exc:  # noqa: BLE001 - report it, keep going
        result['errors'].append(f'csl-json: {type(exc).__name__}: {exc}')
        return result
    for markup in ('text', 'html'):
        try:
            entries = _entries(convert('citation', style=name, markup=markup), markup)
            engine = CitationProcessor(name, markup=markup).bibliography_entries(records_as_csl)
            if len(entries) != len(engine):
                result['errors'].append(f'{markup} bibliography: {len(entries)} entries from '
                                        f'convert, {len(engine)} from the engine')
            result['unpaired'] += sum(
                re.sub(r'\s+', ' ', entry).strip() != re.sub(r'\s+', ' ', ours).strip()
                for entry, (_, ours) in zip(entries, engine))
            pairs = [(key.lower(), entry) for (key, _), entry in zip(engine, entries)]
            result['bibliography'][markup] = dict(pairs)
            result['bibliography']['order'] = [key for key, _ in pairs]
        except Exception as exc:  # noqa: BLE001 - report it, keep going
            result['errors'].append(f'{markup} bibliography: {type(exc).__name__}: {exc}')
            result['errors'].append(traceback.format_exc())
        try:
            out = convert('citation', style=name, markup=markup, mode='citation', clusters=cites)
            result['citations'][markup] = out.splitlines()
        except Exception as exc:  # noqa: BLE001 - report it, keep going
            result['errors'].append(f'{markup} citations: {type(exc).__name__}: {exc}')
            result['errors'].append(traceback.format_exc())
    return result


def render_kit(kit: Path, styles: list[str] | None = None, verbose: bool = False,
               path: str = 'engine', cli: bool = False) -> dict:
    items = json.loads((kit / 'items.json').read_text(encoding='utf-8'))
    clusters = json.loads((kit / 'clusters.json').read_text(encoding='utf-8'))
    styles = styles or read_styles(kit / 'styles.txt')
    convert = _Convert(kit / 'items.json', cli)
    actual = {}
    for name in styles:
        if path == 'engine':
            actual[name] = render_style(name, items, clusters)
            extra = ''
        else:
            actual[name] = render_style_convert(name, convert, clusters)
            extra = f' convert/engine differences={actual[name]["unpaired"]}'
        if verbose:
            print(f'{path:<7} {name:<46} errors={len(actual[name]["errors"]) // 2}{extra}',
                  flush=True)
    return actual


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--kit', type=Path, default=DEFAULT_KIT, help='conformance kit folder')
    ap.add_argument('--style', action='append', help='only these styles (repeatable)')
    ap.add_argument('--out', type=Path, help='ACTUAL.json to write (default: a temp file)')
    ap.add_argument('--out-convert', type=Path,
                    help='ACTUAL.json of the convert path (default: a temp file)')
    ap.add_argument('--path', choices=('engine', 'convert', 'both'), default='both',
                    help='render through the engine, through exporter convert, or both')
    ap.add_argument('--cli', action='store_true',
                    help='convert path: run the exporter convert command, not the API')
    ap.add_argument('--show', type=int, help='pass --show N to compare.py (needs one --style)')
    ap.add_argument('--format', choices=('text', 'html'), help='with --show')
    ap.add_argument('--reference', type=Path,
                    help='compare with this reference folder instead of the kit\'s')
    args = ap.parse_args(argv)
    if not (args.kit / 'compare.py').is_file():
        ap.error(f'no conformance kit at {args.kit} (use --kit PATH)')

    status = 0
    paths = ('engine', 'convert') if args.path == 'both' else (args.path,)
    for path in paths:
        actual = render_kit(args.kit, args.style, verbose=True, path=path, cli=args.cli)
        out = (args.out if path == 'engine' else args.out_convert) or Path(
            tempfile.mkstemp(suffix='.json', prefix=f'csl-actual-{path}-')[1])
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
        title = {'engine': 'engine: exporter.csl.CitationProcessor on the kit items',
                 'convert': 'convert: exporter convert items.json -t citation'
                            + (' (command line)' if args.cli else ' (public API)')}[path]
        print(f'\n=== {title} ===', flush=True)
        status = subprocess.call(cmd) or status
        if path == 'convert':
            differences = sum(style['unpaired'] for style in actual.values())
            print(f'convert entries that differ from the engine on the same records: {differences}')
    return status

if __name__ == '__main__':
    sys.exit(main())
