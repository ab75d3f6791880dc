"""Progress on a terminal: `convert` and `dump` show records done, records per second and
the time left on stderr when it is a terminal (a pseudo-terminal here), redrawn while they
work, from the workers for a dump; nothing when stderr is not a terminal, or with --quiet."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from benchmarks.synthetic import document

EXPORTER = [sys.executable, "-m", "exporter"]
COUNT = re.compile(r"(\d+)/\d+ records +\d+%")


def make_input(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(document(i), ensure_ascii=False) + "\n")
    return path


def on_a_terminal(cmd: list[str], timeout: float = 300) -> tuple[int, str]:
    """Run ``cmd`` with stderr on a pseudo-terminal of 120 columns; its exit status and
    what it showed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    shown = bytearray()
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                proc.kill()
                pytest.fail(f"no output for {timeout} s: {shown[-500:]!r}")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not data:
                break
            shown += data
    finally:
        os.close(master)
    return proc.wait(timeout=timeout), shown.decode("utf-8", "replace")


def counts(shown: str) -> list[int]:
    return [int(m.group(1)) for m in COUNT.finditer(shown)]


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    return make_input(tmp_path_factory.mktemp("in") / "records.jsonl", 6000)


def test_convert_shows_records_rate_and_time_left_on_a_terminal(records, tmp_path):
    code, shown = on_a_terminal([*EXPORTER, "convert", str(records), "-t", "ris", "-o", str(tmp_path / "out.ris")])
    assert code == 0
    assert "6000/6000 records 100%" in shown  # the total: estimated from the input, then exact
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d, +[\d.]+ records/s\]", shown), shown[-300:]
    done = counts(shown)
    assert done == sorted(done) and any(0 < n < 6000 for n in done), "no update while it worked"


def test_dump_shows_the_progress_the_workers_report(records, tmp_path):
    code, shown = on_a_terminal([*EXPORTER, "dump", str(records), "--out", str(tmp_path / "d"), "--workers", "2",
                                 "--shard-records", "1500"])
    assert code == 0
    assert "6000/6000 records 100%" in shown and "records/s" in shown
    done = counts(shown)
    # the workers report inside their shards: counts that are no sum of whole shards
    assert any(0 < n < 6000 and n % 1500 for n in done), done
    assert shown.rstrip().splitlines()[-1].startswith("exporter: dumped 6,000 records")


def test_quiet_shows_nothing_on_a_terminal(records, tmp_path):
    code, shown = on_a_terminal([*EXPORTER, "convert", str(records), "-t", "ris", "-o", str(tmp_path / "out.ris"),
                                 "--quiet"])
    assert code == 0 and shown.startswith("exporter: ris has no field for") and "records/s" not in shown
    code, shown = on_a_terminal([*EXPORTER, "dump", str(records), "--out", str(tmp_path / "d"), "--quiet"])
    assert code == 0 and "records/s]" not in shown and shown.startswith("exporter: dumped 6,000 records")


def test_nothing_extra_when_stderr_is_not_a_terminal(records, tmp_path):
    convert = [*EXPORTER, "convert", str(records), "-t", "ris", "-o", str(tmp_path / "out.ris")]
    proc = subprocess.run(convert, capture_output=True, text=True, timeout=300)
    quiet = subprocess.run([*convert, "--quiet"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stderr == quiet.stderr  # only the line about what RIS cannot hold
    assert len(proc.stderr.splitlines()) == 1 and "records/s" not in proc.stderr
    proc = subprocess.run([*EXPORTER, "dump", str(records), "--out", str(tmp_path / "d"), "--workers", "2"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith("exporter: dumped 6,000 records")
