"""The environment refuses (a missing input, a full disk, a closed or full stream, a file
where a folder should be, a file-size limit): one line on stderr, exit 1, never a
traceback, and an output file is either written whole or left as it was."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from exporter.api import atomic_text
from exporter.problems import OutputError
from support import SEED_SOLR


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exporter", *args], capture_output=True,
                          text=True, timeout=120, **kwargs)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if " has no field for: " not in line]
    assert "Traceback" not in stderr
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_mistyped_input_leaves_the_output_as_it_was(tmp_path):
    out = tmp_path / "out.ris"
    out.write_text("precious\n", encoding="utf-8")
    proc = run("convert", str(tmp_path / "mistyped.json"), "-t", "ris", "-o", str(out))
    assert proc.returncode == 1
    assert "cannot open" in proc.stderr and "left as it was" in proc.stderr
    assert out.read_text(encoding="utf-8") == "precious\n"


def test_output_where_a_folder_should_be(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    proc = run("convert", str(SEED_SOLR), "-t", "ris", "-o", str(tmp_path / "file" / "out.ris"))
    assert proc.returncode == 1
    assert one_line(proc.stderr).startswith("exporter: ") and "Not a directory" in proc.stderr


def test_output_that_is_a_folder(tmp_path):
    proc = run("convert", str(SEED_SOLR), "-t", "ris", "-o", str(tmp_path))
    assert proc.returncode == 1
    assert "Is a directory" in one_line(proc.stderr)


def test_several_formats_into_a_file_instead_of_a_folder(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    proc = run("convert", str(SEED_SOLR), "-t", "ris,bibtex", "-o", str(tmp_path / "file"))
    assert proc.returncode == 1
    assert "File exists" in one_line(proc.stderr) or "Not a directory" in proc.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_standard_output():
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "exporter", "convert", str(SEED_SOLR), "-t", "ris"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 1
    assert "No space left on device" in one_line(proc.stderr)


def test_an_unwritable_report(tmp_path):
    proc = run("convert", str(SEED_SOLR), "-t", "ris", "--report", str(tmp_path / "no" / "r.jsonl"))
    assert proc.returncode == 1
    assert "No such file or directory" in one_line(proc.stderr)


def test_a_style_that_is_not_csl(tmp_path):
    bad = tmp_path / "style.csl"
    bad.write_text("this is not XML", encoding="utf-8")
    proc = run("convert", str(SEED_SOLR), "-t", "citation", "--style", str(bad))
    assert proc.returncode == 2
    assert one_line(proc.stderr).startswith("exporter: citation: ")


def test_a_file_size_limit_leaves_no_partial_file(tmp_path):
    records = [{"id": f"r{i}", "type": "book", "title": "T" * 200} for i in range(2000)]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    out = tmp_path / "out.ris"
    out.write_text("before\n", encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    proc = run("convert", str(source), "-f", "csl-json", "-t", "ris", "-o", str(out), preexec_fn=limit)
    assert proc.returncode == 1
    assert "File too large" in one_line(proc.stderr)
    assert out.read_text(encoding="utf-8") == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.ris"]  # no temporary left


def test_atomic_text_keeps_the_old_file_when_interrupted(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with atomic_text(str(path)) as out:
            out.write("half")
            raise KeyboardInterrupt
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]
    with atomic_text(str(path)) as out:
        out.write("new")
    assert path.read_text(encoding="utf-8") == "new"


def test_atomic_text_never_writes_through_a_planted_temporary(tmp_path):
    import os
    target = tmp_path / "victim"
    target.write_text("untouched", encoding="utf-8")
    path = tmp_path / "f.txt"
    os.symlink(target, tmp_path / f".f.txt.{os.getpid()}.tmp")
    with pytest.raises(OutputError):
        with atomic_text(str(path)) as out:
            out.write("x")
    assert target.read_text(encoding="utf-8") == "untouched"
