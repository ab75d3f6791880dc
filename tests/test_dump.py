"""`exporter dump`: deterministic shards, resume after a kill, local and Dask engines giving
the same bytes, rejects, and a dataset description whose numbers match the shards."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from benchmarks.synthetic import document
from exporter.linkeddata.dump import run_dump

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


def make_input(path: Path, n: int, bad: bool = True) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(document(i), ensure_ascii=False) + "\n")
            if bad and i == 10:
                f.write('{"id": "broken", "title": "cut\n')
            if bad and i == 20:
                f.write(json.dumps({"id": "wrong", "title": "T", "author": {"not": "a list"}}) + "\n")
    return path


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.name.startswith("part-")}


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return make_input(tmp_path_factory.mktemp("in") / "records.jsonl", 300)


@pytest.fixture(scope="module")
def reference(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref")
    run_dump([str(source)], out, formats=("nt", "jsonld-lines", "ttl"), shard_records=64, progress=False)
    return out


def test_shards_and_counts(reference):
    names = sorted(p.name for p in reference.iterdir())
    assert [n for n in names if n.endswith(".nt.gz")] == [f"part-0000{i}.nt.gz" for i in range(5)]
    assert "void.ttl" in names and "void.jsonld" in names and "rejects.jsonl" in names
    assert not [n for n in names if n.endswith(".tmp")]
    sidecars = [json.loads((reference / f"part-0000{i}.json").read_text()) for i in range(5)]
    assert sum(s["records"] for s in sidecars) == 300
    assert sum(s["rejected"] for s in sidecars) == 2


def test_rejects_name_source_record_line_and_keep_the_raw_record(reference, source):
    rows = [json.loads(line) for line in (reference / "rejects.jsonl").read_text().splitlines()]
    assert [(r["record"], r["line"]) for r in rows] == [(12, 12), (23, 23)]
    assert rows[0]["source"] == str(source)
    assert rows[0]["reason"].startswith("invalid JSON")
    assert rows[0]["raw"] == '{"id": "broken", "title": "cut'
    assert rows[1]["reason"] == "field 'author' must be a string or a list of strings, got an object"


def test_the_three_shard_formats_hold_the_same_graph(reference):
    for i in range(5):
        stem = reference / f"part-0000{i}"
        nt = rdflib.Graph().parse(data=gzip.decompress((stem.with_suffix(".nt.gz")).read_bytes()).decode(), format="nt")
        ttl = rdflib.Graph().parse(data=gzip.decompress(Path(f"{stem}.ttl.gz").read_bytes()).decode(), format="turtle")
        jl = rdflib.Graph()
        for line in gzip.decompress(Path(f"{stem}.jsonl.gz").read_bytes()).decode().splitlines():
            jl.parse(data=line, format="json-ld")
        sidecar = json.loads(Path(f"{stem}.json").read_text())
        assert len(nt) == sidecar["triples"]
        assert isomorphic(nt, ttl) and isomorphic(nt, jl)


@pytest.mark.parametrize("tool, args", [("serdi", ["-i", "ntriples", "-o", "ntriples"]), ("rapper", ["-i", "ntriples", "-c"])])
def test_ntriples_shards_pass_strict_parsers(reference, tool, args, tmp_path):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed")
    plain = tmp_path / "shard.nt"
    plain.write_bytes(gzip.decompress((reference / "part-00000.nt.gz").read_bytes()))
    proc = subprocess.run([tool, *args, str(plain)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_description_matches_the_shards(reference):
    g = rdflib.Graph().parse(reference / "void.ttl", format="turtle")
    dataset = g.value(None, rdflib.RDF.type, VOID.Dataset)
    assert int(g.value(dataset, VOID.entities)) == 300
    nt_total = sum(len(rdflib.Graph().parse(data=gzip.decompress(p.read_bytes()).decode(), format="nt"))
                   for p in sorted(reference.glob("part-*.nt.gz")))
    assert int(g.value(dataset, VOID.triples)) == nt_total
    files = {}
    for dist in g.objects(dataset, DCAT.distribution):
        name = str(g.value(dist, DCAT.downloadURL)).rsplit("/", 1)[-1]
        checksum = g.value(dist, SPDX.checksum)
        files[name] = (int(g.value(dist, DCAT.byteSize)), str(g.value(checksum, SPDX.checksumValue)))
    actual = {p.name: (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()) for p in reference.glob("part-*.gz")}
    assert files == actual
    j = rdflib.Graph().parse(reference / "void.jsonld", format="json-ld", publicID=(reference / "void.ttl").as_uri())
    assert len(j) == len(g)


def test_same_input_same_bytes(source, reference, tmp_path):
    run_dump([str(source)], tmp_path, formats=("nt", "jsonld-lines", "ttl"), shard_records=64, progress=False)
    assert digests(tmp_path) == digests(reference)


def test_two_local_workers_write_the_same_shards(source, reference, tmp_path):
    run_dump([str(source)], tmp_path, formats=("nt", "jsonld-lines", "ttl"), shard_records=64, workers=2, progress=False)
    assert digests(tmp_path) == digests(reference)


def test_dask_engine_writes_the_same_shards(source, reference, tmp_path):
    pytest.importorskip("distributed")
    run_dump([str(source)], tmp_path, formats=("nt", "jsonld-lines", "ttl"), shard_records=64, workers=2,
             engine="dask", progress=False)
    assert digests(tmp_path) == digests(reference)


def test_existing_dump_needs_resume(source, reference, tmp_path):
    from exporter import ExporterError

    shutil.copytree(reference, tmp_path / "d")
    with pytest.raises(ExporterError, match="already holds a dump"):
        run_dump([str(source)], tmp_path / "d", formats=("nt",), shard_records=64, progress=False)


def test_killed_dump_resumes_to_the_same_shards(tmp_path):
    source = make_input(tmp_path / "big.jsonl", 1500)
    ref = tmp_path / "ref"
    run_dump([str(source)], ref, shard_records=50, progress=False)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "exporter", "dump", str(source), "--out", str(out), "--shard-records", "50", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("part-*.json"))) < 4:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(list(out.glob("part-*.json")))
    assert 4 <= finished < 30, "the dump must be killed midway for this test to mean anything"
    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 1  # two rejected records
    assert digests(out) == digests(ref)
    assert (out / "rejects.jsonl").read_bytes() == (ref / "rejects.jsonl").read_bytes()
    assert not list(out.glob(".*.tmp"))


def test_cli_summary_line(source, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "exporter", "dump", str(source), "--out", str(tmp_path / "o"),
                           "--shard-records", "100", "--quiet"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("exporter: dumped 300 records (2 rejected) as ")
    assert "in 4 shard(s)" in last  # 302 input records, 100 per shard


def test_html_pages_beside_the_dump(tmp_path):
    from support import SEED_SOLR

    out = tmp_path / "d"
    run_dump([str(SEED_SOLR)], out, html=True, progress=False)
    page = (out / "html" / "pubmed-7919701.html").read_text(encoding="utf-8")
    start = page.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    embedded = rdflib.Graph().parse(data=page[start:page.index("</script>", start)], format="json-ld")
    dumped = rdflib.Graph().parse(data=gzip.decompress((out / "part-00000.nt.gz").read_bytes()).decode(), format="nt")
    assert isomorphic(embedded, dumped)
    for suffix in (".bib", ".ris", ".csl.json", ".jsonld", ".ttl", ".nt"):
        assert f'href="pubmed-7919701{suffix}"' in page
        assert (out / "html" / f"pubmed-7919701{suffix}").stat().st_size > 100
