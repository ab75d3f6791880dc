"""Benchmark: peak RSS of ``exporter convert`` (the whole process, as users run it) from a
CSL-JSON array and from VuFind JSON lines of N synthetic records, to each writer. Run by
hand, not by pytest:

    python tests/benchmarks/bench_memory.py                          # N = 100,000
    nice python tests/benchmarks/bench_memory.py --n 100000 1000000  # and the growth to 1M

Each conversion is a fresh process, measured with os.wait4 (that child's own ru_maxrss, not
the largest child so far as RUSAGE_CHILDREN gives). The last column is the growth over the
first N's run of the same input and format: what the process keeps per record. The targets
for a CSL-JSON array: under 100 MB at 100,000 records, and under 20 MB of growth from there
to 1,000,000. ``--code DIR`` measures the exporter package in DIR instead (PYTHONPATH), e.g.
the main worktree, for a before/after table; ``--indent 0`` writes the arrays compact (one line);
``--data DIR`` keeps the generated inputs for the next run.

What grows from 100,000 to 1,000,000 records is not the reader (``iter_json`` alone: 19 MB
peak at both) but the sets of keys an output keeps unique (normalize.seen.SeenStrings, 12 MB
at a million members, 20 MB while its last growth copies it), one per output: the writer's
(KeyAllocator, RecordIRIs) where it renames duplicate ids itself (``Writer.keeps_ids_unique``),
else api._unique_keys's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = ["bibtex", "ris", "csl-json", "ntriples", "turtle", "jsonld"]
INPUTS = ["csl-json", "vufind"]


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, exit status) of one process, started in / (``-m`` and ``-c``
    put the working directory first on sys.path: a checkout there would shadow --code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(f"  exit {proc.returncode}: {err.strip()[-400:]}", file=sys.stderr)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000])
    ap.add_argument("--formats", nargs="+", default=FORMATS)
    ap.add_argument("--inputs", nargs="+", default=INPUTS, choices=INPUTS)
    ap.add_argument("--indent", type=int, default=2, help="indentation of the CSL-JSON array (0: one line)")
    ap.add_argument("--code", help="a directory holding the exporter package to measure instead")
    ap.add_argument("--data", help="a directory to keep the generated inputs in, and take them from when there")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from synthetic import write_csl_json, write_jsonl

    env = dict(os.environ)
    if args.code:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(args.code).resolve()), env.get("PYTHONPATH")]))
    where = subprocess.run([sys.executable, "-c", "import exporter; print(exporter.__file__)"], env=env,
                           cwd="/", capture_output=True, text=True, check=True).stdout.strip()
    _, base, _ = run([sys.executable, "-c", "import exporter.cli"], env)
    print(f"exporter from {where}; python {sys.version.split()[0]}; importing exporter.cli: {base:.0f} MB")
    print(f"load average before: {open('/proc/loadavg').read().strip()}")
    print(f"{'N':>9} {'input':<9} {'format':<9} {'input MB':>8} {'seconds':>8} {'peak RSS MB':>11} {'growth MB':>9}")
    first: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = Path(args.data) if args.data else tmp
        for n in args.n:
            paths = {}
            if "csl-json" in args.inputs:
                path = data / f"items-{n}-indent{args.indent}.json"
                paths["csl-json"] = path if path.exists() else write_csl_json(path, n, indent=args.indent or None)
            if "vufind" in args.inputs:
                path = data / f"records-{n}.jsonl"
                paths["vufind"] = path if path.exists() else write_jsonl(path, n)
            for inp, path in paths.items():
                size = path.stat().st_size / 1e6
                for fmt in args.formats:
                    out = tmp / "out"
                    cmd = [sys.executable, "-m", "exporter", "convert", str(path), "-f", inp, "-t", fmt,
                           "-o", str(out), "--quiet"]
                    seconds, rss, status = run(cmd, env)
                    out.unlink(missing_ok=True)
                    growth = rss - first.setdefault((inp, fmt), rss)
                    flag = "" if status == 0 else f"  (exit {status})"
                    print(f"{n:>9,} {inp:<9} {fmt:<9} {size:>8.0f} {seconds:>8.1f} {rss:>11.0f} {growth:>9.0f}{flag}",
                          flush=True)
                if not args.data:
                    path.unlink()
    print(f"load average after: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
