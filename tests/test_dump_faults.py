"""`exporter dump` under faults: stale or foreign shards, two dumps at once, planted links,
colliding page names, signals, a parent killed under its workers, a disk that fills up.
Each ends with a clear line and either the bytes of an uninterrupted run or nothing under a
final name."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporter import ExporterError, Record
from exporter.linkeddata.dump import page_stem, run_dump
from test_dump import digests, make_input

DUMP = [sys.executable, "-m", "exporter", "dump"]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return make_input(tmp_path_factory.mktemp("in") / "records.jsonl", 200, bad=False)


@pytest.fixture(scope="module")
def reference(small, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref")
    run_dump([str(small)], out, shard_records=50, progress=False)
    return out


@pytest.mark.parametrize("change", ["shard_records", "base_iri", "formats"])
def test_resume_refuses_shards_made_with_other_parameters(small, tmp_path, change):
    run_dump([str(small)], tmp_path, shard_records=50, progress=False)
    other = {"shard_records": {"shard_records": 40}, "base_iri": {"base_iri": "https://other.example/r/"},
             "formats": {"formats": ("nt", "ttl")}}[change]
    kwargs = {"shard_records": 50, **other}
    with pytest.raises(ExporterError, match="was made with other .*--resume needs the same"):
        run_dump([str(small)], tmp_path, resume=True, progress=False, **kwargs)


def test_resume_refuses_a_changed_input(small, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(small.read_bytes())
    out = tmp_path / "out"
    run_dump([str(source)], out, shard_records=50, progress=False)
    with source.open("a", encoding="utf-8") as f:
        f.write('{"id": "new", "title": "Added later"}\n')
    with pytest.raises(ExporterError, match="other inputs"):
        run_dump([str(source)], out, shard_records=50, resume=True, progress=False)


def test_resume_with_the_same_parameters_gives_the_same_bytes(small, reference, tmp_path):
    run_dump([str(small)], tmp_path, shard_records=50, progress=False)
    for sidecar in sorted(tmp_path.glob("part-*.json"))[2:]:
        sidecar.unlink()  # as if the run had stopped after two shards
    run_dump([str(small)], tmp_path, shard_records=50, resume=True, progress=False)
    assert digests(tmp_path) == digests(reference)


def test_a_second_dump_into_the_same_folder_is_refused(small, tmp_path):
    import fcntl

    tmp_path.mkdir(exist_ok=True)
    fd = os.open(tmp_path / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(ExporterError, match="being written by another dump"):
            run_dump([str(small)], tmp_path, shard_records=50, progress=False)
    finally:
        os.close(fd)
    run_dump([str(small)], tmp_path, shard_records=50, progress=False)  # free again


def test_planted_links_are_never_written_through(small, reference, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("untouched", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    for name in (".part-00000.nt.gz.tmp", ".part-00000.json.tmp", ".rejects.jsonl.tmp", ".void.ttl.tmp"):
        os.symlink(victim, out / name)
    run_dump([str(small)], out, shard_records=50, progress=False)
    assert victim.read_text(encoding="utf-8") == "untouched"
    assert digests(out) == digests(reference)


def test_an_out_or_html_folder_that_is_a_link_is_refused(small, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    os.symlink(real, tmp_path / "link")
    with pytest.raises(ExporterError, match="symbolic link"):
        run_dump([str(small)], tmp_path / "link", progress=False)
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(real, out / "html")
    with pytest.raises(ExporterError, match="symbolic link"):
        run_dump([str(small)], out, html=True, progress=False)
    assert list(real.iterdir()) == []


def test_page_names_are_collision_free_and_bounded():
    ids = ["a/b", "a_2Fb", "a~2Fb", "a_b", ".hidden", "x" * 300, "x" * 299 + "y", "ü", "", "~"]
    stems = [page_stem(i) for i in ids]
    assert len(set(stems)) == len(ids)
    assert all(len(s) <= 120 and not s.startswith(".") and "/" not in s for s in stems)
    assert page_stem("pubmed-7919701") == "pubmed-7919701"


def test_html_pages_of_colliding_ids_do_not_overwrite_each_other(tmp_path):
    from exporter import write

    records = [Record(type="book", title=f"Book {i}", key=k) for i, k in enumerate(["a/b", "a_2Fb", "z" * 250, "z" * 251])]
    source = tmp_path / "in.json"
    source.write_text(write(records, "csl-json"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_dump([str(source)], out, from_format="csl-json", html=True, progress=False)
    assert result.records == 4
    pages = sorted((out / "html").glob("*/*.html"))
    assert len(pages) == 4
    titles = sorted(next(line for line in p.read_text(encoding="utf-8").splitlines() if "<title>" in line) for p in pages)
    assert all(f"Book {i}" in t for i, t in enumerate(titles))


def test_the_description_is_the_same_bytes_every_run(small, tmp_path):
    for name in ("one", "two"):
        run_dump([str(small)], tmp_path / name, shard_records=50, progress=False, description={"date": "2026-01-01"})
    for name in ("void.jsonld", "void.ttl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def _wait_for_shards(out: Path, n: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(list(out.glob("part-*.json"))) < n:
        if proc.poll() is not None:
            break
        time.sleep(0.02)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("big")
    source = make_input(folder / "big.jsonl", 3000, bad=False)
    ref = folder / "ref"
    run_dump([str(source)], ref, shard_records=50, progress=False)
    return source, ref


def test_sigterm_ends_the_dump_in_one_line_and_resume_finishes_it(big, tmp_path):
    source, ref = big
    out = tmp_path / "out"
    cmd = [*DUMP, str(source), "--out", str(out), "--shard-records", "50", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for_shards(out, 3, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["exporter: interrupted"]
    finished = len(list(out.glob("part-*.json")))
    assert finished < 60, "the dump must be stopped midway for this test to mean anything"
    for shard in out.glob("part-*.nt.gz"):  # every shard under its final name is finished
        assert shard.with_name(shard.name.replace(".nt.gz", ".json")).exists()
    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert digests(out) == digests(ref)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_workers_die_with_a_killed_parent(big, tmp_path):
    source, _ = big
    out = tmp_path / "out"
    proc = subprocess.Popen([*DUMP, str(source), "--out", str(out), "--shard-records", "20", "--workers", "2",
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_shards(out, 2, proc)
    workers = _children(proc.pid)
    assert workers, "the dump must have started its workers"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.05)
    alive = []
    for w in workers:
        try:
            state = Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(w)
    assert alive == []


def test_a_full_disk_is_one_line_and_resume_finishes_after_space_is_freed(big, tmp_path):
    source, ref = big
    out = tmp_path / "out"
    cmd = [*DUMP, str(source), "--out", str(out), "--shard-records", "50", "--quiet"]

    def limit() -> None:  # each shard is a few KB: the limit hits after some shards
        resource.setrlimit(resource.RLIMIT_FSIZE, (24 * 1024, 24 * 1024))

    full = subprocess.run(cmd, capture_output=True, text=True, timeout=300, preexec_fn=limit)
    assert full.returncode == 1
    lines = full.stderr.strip().splitlines()
    assert len(lines) == 1 and "File too large" in lines[0] and "Traceback" not in full.stderr
    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert digests(out) == digests(ref)


def test_a_citation_or_download_that_fails_costs_only_itself(tmp_path, monkeypatch):
    """A style or writer failing on one record (issue 14: pages are rendered in batches)
    leaves that citation or download out of that record's page, with a warning in the
    sidecar; the batch's other pages are whole."""
    from exporter import write
    from exporter.linkeddata import dump, pages

    records = [Record(type="book", title=f"Book {i}", key=f"b{i}") for i in range(5)]
    source = tmp_path / "in.json"
    source.write_text(write(records, "csl-json"), encoding="utf-8")
    real_entries, real_download = pages.citation_entries, dump._PageWriter._download

    def entries(batch, styles=pages.DEFAULT_STYLES, locale=None):
        if any(r.title == "Book 2" for r in batch) and "ieee" in styles:
            raise RuntimeError("engine broke")
        return real_entries(batch, styles, locale)

    def download(self, fmt, iri, record, ts):
        if fmt == "ris" and record.title == "Book 3":
            raise ValueError("cannot write this")
        return real_download(self, fmt, iri, record, ts)

    monkeypatch.setattr(pages, "citation_entries", entries)
    monkeypatch.setattr(dump._PageWriter, "_download", download)
    out = tmp_path / "out"
    result = run_dump([str(source)], out, from_format="csl-json", html=True, progress=False)
    assert result.records == 5
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (out / "html").glob("*/*.html")}
    assert len(texts) == 5
    assert texts["b2"].count('<figure class="citation"') == 2  # the failed citation is left out
    assert 'data-style="ieee"' not in texts["b2"] and 'data-style="apa"' in texts["b2"]
    assert texts["b2"].count(" hidden") == texts["b1"].count(" hidden")
    assert "Book 1" in texts["b1"].split('data-style="ieee"')[1].split("</figure>")[0]
    assert 'href="b3.ris"' not in texts["b3"] and 'href="b3.bib"' in texts["b3"]
    assert not list((out / "html").glob("*/b3.ris")) and list((out / "html").glob("*/b4.ris"))
    warnings = result.shards[0]["warnings"]
    assert [(w["record"], w["reason"].split(":")[0]) for w in warnings] == [
        (3, "page without its ieee citation"), (4, "page without its ris download")]
