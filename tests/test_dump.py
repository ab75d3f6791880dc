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
from exporter.linkeddata.dump import page_folder, page_path, run_dump

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
    folder = out / "html" / page_folder("pubmed-7919701")
    assert page_path("pubmed-7919701") == f"{folder.name}/pubmed-7919701.html"
    page = (folder / "pubmed-7919701.html").read_text(encoding="utf-8")
    start = page.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    embedded = rdflib.Graph().parse(data=page[start:page.index("</script>", start)], format="json-ld")
    dumped = rdflib.Graph().parse(data=gzip.decompress((out / "part-00000.nt.gz").read_bytes()).decode(), format="nt")
    assert isomorphic(embedded, dumped)
    for suffix in (".bib", ".ris", ".csl.json", ".jsonld", ".ttl", ".nt"):
        assert f'href="pubmed-7919701{suffix}"' in page
        assert (folder / f"pubmed-7919701{suffix}").stat().st_size > 100


def test_pages_rendered_in_batches_are_the_pages_rendered_one_by_one(tmp_path):
    """Citations rendered per batch and style (issue 14) give each page what render_page gives
    for the record alone, in every subfolder; no folder holds another record's page."""
    from exporter import read
    from exporter.linkeddata.pages import render_page

    from exporter.linkeddata.dump import PAGE_DOWNLOADS, page_stem
    from exporter.linkeddata.schemaorg import DEFAULT_BASE_IRI, record_iri

    source = make_input(tmp_path / "in.jsonl", 40, bad=False)
    out = tmp_path / "d"
    run_dump([str(source)], out, html=True, shard_records=16, workers=2, progress=False)
    records = list(read(str(source)))
    pages = sorted((out / "html").glob("*/*.html"))
    assert len(pages) == len(records) == 40
    for number, record in enumerate(records, 1):
        iri = record_iri(record, DEFAULT_BASE_IRI, number)
        stem = page_stem(iri[len(DEFAULT_BASE_IRI):])
        written = (out / "html" / page_path(iri[len(DEFAULT_BASE_IRI):])).read_text(encoding="utf-8")
        links = {fmt: stem + suffix for fmt, suffix in PAGE_DOWNLOADS.items()}
        assert written == render_page(record, DEFAULT_BASE_IRI, record_iri=iri, links=links)
        assert written.count('<figure class="citation"') == 3


def test_page_styles_and_downloads_are_chosen(tmp_path):
    from support import SEED_SOLR

    out = tmp_path / "d"
    run_dump([str(SEED_SOLR)], out, html=True, html_styles=["ieee"], html_formats=["ris", "mods"], progress=False)
    folder = out / "html" / page_folder("pubmed-7919701")
    assert sorted(p.name for p in folder.iterdir()) == [
        "pubmed-7919701.html", "pubmed-7919701.mods.xml", "pubmed-7919701.ris"]
    page = (folder / "pubmed-7919701.html").read_text(encoding="utf-8")
    assert page.count('<figure class="citation"') == 1 and 'data-style="ieee"' in page
    assert 'href="pubmed-7919701.mods.xml"' in page and ".bib" not in page
    params = json.loads((out / "part-00000.json").read_text(encoding="utf-8"))["params"]
    assert params["html_styles"] == ["ieee"] and params["html_formats"] == ["ris", "mods"]

    bare = tmp_path / "bare"
    run_dump([str(SEED_SOLR)], bare, html=True, html_styles=[], html_formats=[], progress=False)
    [only] = (bare / "html").glob("*/*")
    assert only.name == "pubmed-7919701.html"
    text = only.read_text(encoding="utf-8")
    assert '<figure class="citation"' not in text and "download>" not in text


@pytest.mark.parametrize("option, value, message", [
    ("html_styles", ["no-such-style-xyz"], "--html-styles: no-such-style-xyz"),
    ("html_formats", ["no-such-writer"], "--html-formats: unknown writer format 'no-such-writer'"),
])
def test_unknown_page_style_or_writer_is_refused_before_any_shard(tmp_path, option, value, message):
    from exporter import ExporterError
    from support import SEED_SOLR

    out = tmp_path / "d"
    with pytest.raises(ExporterError, match=message):
        run_dump([str(SEED_SOLR)], out, html=True, progress=False, **{option: value})
    assert not list(out.glob("part-*"))


def test_resume_with_other_page_styles_is_refused(tmp_path):
    from exporter import ExporterError
    from support import SEED_SOLR

    out = tmp_path / "d"
    run_dump([str(SEED_SOLR)], out, html=True, html_styles=["apa"], progress=False)
    run_dump([str(SEED_SOLR)], out, html=True, html_styles=["apa"], resume=True, progress=False)
    with pytest.raises(ExporterError, match="html_styles"):
        run_dump([str(SEED_SOLR)], out, html=True, html_styles=["ieee"], resume=True, progress=False)


def test_cli_page_options_imply_html(tmp_path):
    from support import SEED_SOLR

    out = tmp_path / "d"
    proc = subprocess.run([sys.executable, "-m", "exporter", "dump", str(SEED_SOLR), "--out", str(out),
                           "--html-styles", "ieee, apa", "--html-formats", "bibtex", "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    page = (out / "html" / page_path("pubmed-7919701")).read_text(encoding="utf-8")
    assert page.index('data-style="ieee"') < page.index('data-style="apa"')
    assert (out / "html" / page_folder("pubmed-7919701") / "pubmed-7919701.bib").is_file()
    bad = subprocess.run([sys.executable, "-m", "exporter", "dump", str(SEED_SOLR), "--out", str(tmp_path / "e"),
                          "--html-styles", "nope-style"], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "--html-styles: nope-style" in bad.stderr


def test_pages_spread_evenly_over_their_folders():
    from collections import Counter

    from exporter.linkeddata.dump import page_stem

    counts = Counter(page_folder(page_stem(f"pubmed-{n}")) for n in range(200_000))
    assert len(counts) == 4096
    assert max(counts.values()) < 2 * 200_000 / 4096


# -- workers read ranges of every format whose reader cuts its files (issue 14) ------------------

#: a record the reader cannot read, put before record 100 of each format: damage from which
#: on the file is read whole in the main process
BROKEN = {
    "csl-json": '{"id": "broken", "type": "book", "title": }',
    "ris": "TY  - JOUR\nTI  - Cut off before its end\n",
    "bibtex": "@article{broken, title = {never closed\n",
    "marc": "00050nam a2200000 a 4500cut off\x1d",  # its leader says 50 bytes; it has 32
    # a record whose end tag is missing: the recovering parser reads on after it
    "marcxml": '  <record>\n    <leader>00000nam a2200000 a 4500</leader>\n    <datafield tag="245" ind1="0" ind2="0">\n'
               '      <subfield code="a">Never closed</subfield>\n    </datafield>\n',
    "mods": '  <mods version="3.8">\n    <titleInfo>\n      <title>Never closed</title>\n    </titleInfo>\n',
    "marc-json": '{"leader": "00000nam a2200000 a 4500", "fields": [{"245": {"ind1": "0", "ind2": "0", "subfields": [{"a": "Never closed"}\n',
}
SUFFIX = {"csl-json": ".json", "bibtex": ".bib", "marc": ".mrc", "marcxml": ".xml", "mods": ".mods", "ris": ".ris",
          "marc-json": ".jsonl"}


def format_input(folder: Path, fmt: str, n: int, damaged: bool, pretty: bool = False) -> Path:
    """``n`` synthetic records written by our writer of ``fmt`` (a CSL-JSON array one item a
    line, or ``pretty``: indented as json.dump(indent=2) writes it), with one broken record
    before record 100 when ``damaged``."""
    import io

    from exporter import read, write

    lines = "".join(json.dumps(document(i), ensure_ascii=False) + "\n" for i in range(n))
    records = list(read(io.StringIO(lines), "vufind"))
    if fmt == "csl-json":
        items = [json.dumps(item, ensure_ascii=False, indent=2 if pretty else None).replace("\n", "\n  " if pretty else "\n")
                 for item in json.loads(write(records, "csl-json"))]
        if damaged:
            items.insert(99, BROKEN[fmt])
        text = "[\n" + ",\n".join(("  " if pretty else "") + item for item in items) + "\n]\n"
    elif fmt in ("marcxml", "mods"):  # records open lines indented by two spaces
        text = write(records, fmt)
        if damaged:
            start = "  <record>" if fmt == "marcxml" else "  <mods "
            at = [i for i in range(len(text)) if text.startswith(start, i) and text[i - 1] == "\n"][99]
            text = text[:at] + BROKEN[fmt] + text[at:]
    elif fmt == "marc-json":  # JSON lines, one record a line
        lines = write(records, fmt).splitlines(keepends=True)
        if damaged:
            lines.insert(99, BROKEN[fmt])
        text = "".join(lines)
    elif fmt == "marc":  # binary MARC (UTF-8): records end with the terminator
        chunks = [c + "\x1d" for c in write(records, fmt).split("\x1d") if c.strip()]
        if damaged:
            chunks.insert(99, BROKEN[fmt])
        text = "".join(chunks)
    else:
        text = write(records, fmt)  # keys unique in the file
        if damaged:
            start = "@" if fmt == "bibtex" else "TY  - "
            at = [i for i in range(len(text)) if text.startswith(start, i) and (i == 0 or text[i - 1] == "\n")][99]
            text = text[:at] + BROKEN[fmt] + text[at:]
    path = folder / f"records-{fmt}{'-pretty' if pretty else ''}{'-damaged' if damaged else ''}{SUFFIX[fmt]}"
    path.write_text(text, encoding="utf-8")
    return path


def task_items(path: Path, fmt: str, shard_records: int) -> list[str]:
    from exporter.linkeddata.dump import iter_tasks, iter_units

    kinds = [type(item).__name__ for task in iter_tasks(iter_units([str(path)], fmt, lambda p: None, lambda n: None), shard_records)
             for item in task.items]
    return sorted(set(kinds))


@pytest.mark.parametrize("damaged", [False, True], ids=["clean", "damaged"])
@pytest.mark.parametrize("fmt", ["csl-json", "csl-json-pretty", "bibtex", "ris", "marc", "marcxml", "mods", "marc-json"])
def test_ranges_read_by_workers_give_the_bytes_of_records_read_here(fmt, damaged, tmp_path):
    """The workers read byte ranges of the file (Range items, no Record is sent); one and
    two workers write the same shards and rejects, and both are the bytes of the same
    file gzipped, which the main process reads (as every input was read before)."""
    base, pretty = fmt.removesuffix("-pretty"), fmt.endswith("-pretty")
    src = format_input(tmp_path, base, 300, damaged, pretty)
    kinds = task_items(src, base, 40)
    assert kinds == (["Range", "Unit"] if damaged else ["Range"]), kinds
    gz = tmp_path / (src.name + ".gz")
    gz.write_bytes(gzip.compress(src.read_bytes()))
    assert task_items(gz, base, 40) == ["Unit"]
    outs, said = {}, {}
    for label, path, workers in (("one", src, 1), ("two", src, 2), ("read here", gz, 1)):
        outs[label] = tmp_path / label
        result = run_dump([str(path)], outs[label], from_format=base, formats=("nt", "jsonld-lines"), shard_records=40,
                          workers=workers, progress=False)
        said[label] = [str(p).replace(gz.name, src.name) for p in result.input_problems]
        assert (result.records, result.rejected) == ((300, 0) if not damaged else (301, 0) if base == "ris" else (300, 1))
    assert said["one"] == said["two"] == said["read here"]
    assert digests(outs["one"]) == digests(outs["two"])  # shards and sidecars
    shards = {name: d for name, d in digests(outs["one"]).items() if name.endswith(".gz")}
    assert shards == {name: d for name, d in digests(outs["read here"]).items() if name.endswith(".gz")}
    assert len(shards) == 2 * 8  # 8 shards of 40 records, nt and jsonld-lines
    rejects = {label: (out / "rejects.jsonl").read_text(encoding="utf-8").replace(gz.name, src.name)
               for label, out in outs.items()}
    assert rejects["one"] == rejects["two"] == rejects["read here"]
    if damaged:  # named by its source, number and line (RIS: read, with a warning)
        text = src.read_text(encoding="utf-8")
        broken = text[:text.index(BROKEN[base])].count("\n") + 1
        # RIS reads it, with a warning; an XML record left open is found where the document
        # ends, and named by the line it starts on
        assert f"{src}:record 100: " in "\n".join(said["one"]) or base in ("ris", "marcxml", "mods")
        if base == "marc":  # binary: named by its byte offset in the file
            offset = len(text[:text.index(BROKEN[base])].encode("utf-8"))
            assert any(f"MARC record at byte {offset}:" in x for x in said["one"]), said["one"]
        else:
            assert any(f"(line {broken})" in x or f":line {broken}:" in x for x in said["one"]), said["one"]


def test_shard_size_follows_the_input_not_the_workers(tmp_path):
    from exporter.linkeddata.dump import choose_shard_records, estimated_records

    small = format_input(tmp_path, "csl-json", 300, damaged=False)
    assert small.stat().st_size < 1 << 20 and estimated_records([str(small)], None) == 300  # counted
    src = format_input(tmp_path, "ris", 3000, damaged=False)
    estimate = estimated_records([str(src)], None)
    assert src.stat().st_size > 1 << 20 and 2850 < estimate < 3150  # from its first megabyte
    assert choose_shard_records(estimate) == 1000  # an eighth, at least 1,000
    assert choose_shard_records(80_000) == 10_000 and choose_shard_records(10**7) == 100_000
    one = run_dump([str(src)], tmp_path / "one", progress=False)
    run_dump([str(src)], tmp_path / "two", workers=2, progress=False)
    assert len(one.shards) == 3 and digests(tmp_path / "one") == digests(tmp_path / "two")
    assert one.shards[0]["params"]["shard_records"] == 1000  # kept for --resume to check
