"""The real programs that read what exporter writes, found once for every test that uses them.

Each finder returns what a test needs to run the program, or skips the test with the line
that installs it (``.ci/run`` installs them all; a test never skips for another reason):

* citation-js (npm @citation-js/core with its bibtex, ris and csl plugins) in
  ``$EXPORTER_CITATION_JS`` or ``.ci/js/node_modules`` (``.ci/run`` installs it there);
* biber, bibtex and pdflatex (Debian biber, texlive-bibtex-extra, texlive-latex-recommended);
* pandoc 3 (PyPI pypandoc-binary, in the ``test`` extra);
* rispy (PyPI, in the ``test`` extra).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CITATION_JS_PACKAGES = ("@citation-js/core", "@citation-js/plugin-bibtex",
                        "@citation-js/plugin-ris", "@citation-js/plugin-csl")

# Reads one file with citation-js, as a user's `new Cite(text)` would with the format forced,
# and prints the number of items and their CSL-JSON; exit 1 with the message on an error.
_CITATION_JS_READ = r"""
const {plugins} = require('@citation-js/core');
require('@citation-js/plugin-bibtex'); require('@citation-js/plugin-ris');
require('@citation-js/plugin-csl');
const fs = require('fs');
const [type, file] = process.argv.slice(1);  // node -e: argv[1] is the first argument
try {
  const items = plugins.input.chain(fs.readFileSync(file, 'utf8'),
                                    {forceType: type, generateGraph: false, strict: true});
  process.stdout.write(JSON.stringify(items));
} catch (e) {
  process.stderr.write(String(e && e.message || e)); process.exit(1);
}
"""

#: exporter format -> citation-js input type
CITATION_JS_TYPES = {"bibtex": "@biblatex/text", "biblatex": "@biblatex/text",
                     "ris": "@ris/file", "csl-json": "@csl/list+object"}


def citation_js_modules() -> Path:
    folder = Path(os.environ.get("EXPORTER_CITATION_JS", REPO / ".ci" / "js" / "node_modules"))
    if shutil.which("node") is None or not all((folder / p).is_dir() for p in CITATION_JS_PACKAGES):
        pytest.skip("citation-js not installed (npm install --prefix .ci/js "
                    + " ".join(CITATION_JS_PACKAGES) + ")")
    return folder


def citation_js_read(path: Path, fmt: str) -> list[dict]:
    """The items citation-js reads from ``path`` (written as exporter format ``fmt``);
    fails the test with citation-js's message when it rejects the file."""
    modules = citation_js_modules()
    proc = subprocess.run(["node", "-e", _CITATION_JS_READ, CITATION_JS_TYPES[fmt], str(path)],
                          check=False, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NODE_PATH": str(modules)})
    if proc.returncode != 0:
        pytest.fail(f"citation-js rejected {path.name}: {proc.stderr.strip()[:500]}")
    return json.loads(proc.stdout)


def program(name: str, install: str) -> str:
    """The path of a command-line program, or skip with how to install it."""
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} not installed ({install})")
    return found


def pandoc() -> str:
    try:
        import pypandoc
    except ImportError:
        pytest.skip("pandoc not installed (pip install pypandoc-binary)")
    try:
        return pypandoc.get_pandoc_path()
    except OSError:
        pytest.skip("pandoc not installed (pip install pypandoc-binary)")
