"""The CSL-JSON we write, read by the programs people feed it to: citation-js, pandoc 3 and
the CSL-JSON schema, for every corpus file a reader of ours reads.

Each program must read the file without an error and find as many items as we wrote, with
the same ids.  (The BibTeX and RIS files get the same checks in their own tests.)
"""

from __future__ import annotations

import json
import subprocess

import pytest

from consumers import citation_js_read, pandoc
from exporter import write
from support import CORPUS, corpus_id, corpus_record_files, read_corpus

FILES = corpus_record_files()
SCHEMA = CORPUS / "csl-schema" / "v1.0" / "csl-data.json"


def _written(path, tmp_path):
    records = read_corpus(path)
    out = tmp_path / f"{path.stem}.csl.json"
    out.write_text(write(records, "csl-json"), encoding="utf-8")
    return out, [item["id"] for item in json.loads(out.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("path", FILES, ids=[corpus_id(p) for p in FILES])
def test_citation_js_pandoc_and_the_schema_read_our_csl_json(path, tmp_path):
    out, ids = _written(path, tmp_path)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(json.loads(out.read_text(encoding="utf-8")),
                        json.loads(SCHEMA.read_text(encoding="utf-8")))
    items = citation_js_read(out, "csl-json")
    assert [item["id"] for item in items] == ids
    proc = subprocess.run([pandoc(), "-f", "csljson", "-t", "csljson", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[:500]
    assert proc.stderr.strip() == ""
    # pandoc sorts nothing away: the same ids, in our order
    assert [item["id"] for item in json.loads(proc.stdout)] == ids
