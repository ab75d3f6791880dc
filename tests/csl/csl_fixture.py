"""Reader for CSL test-suite fixtures (processor-tests/humans/*.txt) and a runner
that renders them with exporter.csl in HTML markup."""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

_SECTION = re.compile(r'>>=+ ([A-Z-]+) =+>>\n(.*?)\n<<=+ \1 =+<<', re.DOTALL)


def read_fixture(path: Path) -> dict[str, str]:
    return {name: body for name, body in _SECTION.findall(path.read_text(encoding='utf-8'))}


def _strip_bib(result: str) -> list[str]:
    entries = re.findall(r'<div class="csl-entry">(.*?)</div>\s*(?=<div class="csl-entry">|</div>\s*$)',
                         result.strip(), flags=re.DOTALL)
    return [' '.join(e.split()) for e in entries]


def run_fixture(path: Path) -> tuple[str, str]:
    """(expected, actual) for one fixture, both whitespace-normalised."""
    from exporter.csl import CitationProcessor
    fx = read_fixture(path)
    items = json.loads(fx['INPUT'])
    with tempfile.NamedTemporaryFile('w', suffix='.csl', delete=False, encoding='utf-8') as f:
        f.write(fx['CSL'])
        csl_path = f.name
    try:
        proc = CitationProcessor(csl_path, markup='html')
        mode = fx['MODE'].strip()
        if mode == 'bibliography':
            expected = '\n'.join(_strip_bib(fx['RESULT']))
            actual = '\n'.join(' '.join(e.split()) for e in proc.bibliography(items))
        else:
            if 'CITATION-ITEMS' in fx:
                clusters = json.loads(fx['CITATION-ITEMS'])
            else:
                clusters = [[{'id': item['id']} for item in items]]
            expected = fx['RESULT'].strip()
            actual = '\n'.join(proc.citations(items, clusters))
    finally:
        Path(csl_path).unlink()
    return expected.replace('&#38;', '&amp;'), actual
