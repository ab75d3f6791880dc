"""Reader for CSL test-suite fixtures (processor-tests/humans/*.txt) and a runner
that renders them with exporter.csl in HTML markup.

Citation fixtures give their clusters as CITATION-ITEMS (rendered in order; a
precomputed "position" on a cite is ignored, exporter.csl computes positions) or as
CITATIONS, the calls of a document made to citeproc-js processCitationCluster (see
document_clusters)."""
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


_RESULT_LINE = re.compile(r'^(?:\.\.|>>)\[(\d+)\] ?', re.MULTILINE)


def document_clusters(citations: list) -> list[dict]:
    """The final document of a CITATIONS section, as exporter.csl clusters.

    Each entry is ``[citation, citationsPre, citationsPost]`` as given to citeproc-js
    processCitationCluster; the document after the last call is the last entry's
    citationsPre + its citation + its citationsPost, with the note numbers given there
    and each citation's latest citationItems."""
    by_id = {}
    for citation, _pre, _post in citations:
        by_id[citation['citationID']] = citation
    last, pre, post = citations[-1]
    order = list(pre) + [[last['citationID'], last.get('properties', {}).get('noteIndex', 0)]]
    order += list(post)
    return [{'cites': by_id[cid]['citationItems'], 'note': int(note or 0)} for cid, note in order]


def harness_items(items: list[dict]) -> list[dict]:
    """The items as citeproc-js's test runner hands them to the processor: an item
    without an id is "ITEM-<n>" (its position from 1), and of two items with one id the
    later wins, in the place of the first (the runner keeps the items in an object by id)."""
    by_id: dict[str, dict] = {}
    for number, item in enumerate(items, start=1):
        item = dict(item)
        item.setdefault('id', f'ITEM-{number}')
        by_id[str(item['id'])] = item
    return list(by_id.values())


def cited_items(items: list[dict], cites: list[dict]) -> list[dict]:
    """The items citeproc-js's test runner registers when a fixture gives citations: the
    cited ones, in the order they are first cited (the bibliography lists only them;
    year-suffixes and citation numbers follow this order where the style does not sort)."""
    by_id = {str(item['id']): item for item in items}
    order = dict.fromkeys(str(cite['id']) for cite in cites if str(cite['id']) in by_id)
    return [by_id[cid] for cid in order]


def run_fixture(path: Path) -> tuple[str, str]:
    """(expected, actual) for one fixture, both whitespace-normalised."""
    from exporter.csl import CitationProcessor
    fx = read_fixture(path)
    items = harness_items(json.loads(fx['INPUT']))
    with tempfile.NamedTemporaryFile('w', suffix='.csl', delete=False, encoding='utf-8') as f:
        f.write(fx['CSL'])
        csl_path = f.name
    try:
        proc = CitationProcessor(csl_path, markup='html')
        mode = fx['MODE'].strip()
        if 'CITATIONS' in fx:
            # registered in the order of the final document (citeproc-js updates its
            # registry with the document's items at every processCitationCluster)
            document = document_clusters(json.loads(fx['CITATIONS']))
            items = cited_items(items, [cite for cluster in document for cite in cluster['cites']])
        elif 'CITATION-ITEMS' in fx:
            items = cited_items(items, [cite for cluster in json.loads(fx['CITATION-ITEMS'])
                                        for cite in cluster])
        if mode == 'bibliography':
            expected = '\n'.join(_strip_bib(fx['RESULT']))
            actual = '\n'.join(' '.join(e.split()) for e in proc.bibliography(items))
        else:
            expected = fx['RESULT'].strip()
            if 'CITATIONS' in fx:
                # "..[0] text" / ">>[1] text": every citation of the final document
                # (">>": changed by the last call); compared as "[0] text"
                clusters = document_clusters(json.loads(fx['CITATIONS']))
                expected = _RESULT_LINE.sub(lambda m: f'[{m.group(1)}] ', expected)
                actual = '\n'.join(f'[{i}] {text}'
                                    for i, text in enumerate(proc.citations(items, clusters)))
            else:
                if 'CITATION-ITEMS' in fx:
                    clusters = json.loads(fx['CITATION-ITEMS'])
                else:
                    clusters = [[{'id': item['id']} for item in items]]
                actual = '\n'.join(proc.citations(items, clusters))
    finally:
        Path(csl_path).unlink()
    # citeproc-js escapes with numeric references: the same characters (as the kit's
    # compare.py normalises them)
    for numeric, named in (('&#38;', '&amp;'), ('&#60;', '&lt;'), ('&#62;', '&gt;')):
        expected = expected.replace(numeric, named)
    return expected, actual
