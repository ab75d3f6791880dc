"""Benchmark: convert N synthetic VuFind records to each text format; print records/s and
peak memory. Run by hand, not by pytest:

    python tests/benchmarks/bench_writers.py                 # N = 10,000 and 100,000
    python tests/benchmarks/bench_writers.py --n 1000000 --formats ris ntriples

Each measurement runs in a fresh process (so peak RSS is that conversion's own) on one core.
"end to end" reads the JSON lines and writes the format to /dev/null; "writer only" writes
records already read into memory. The yardsticks are minimal f-string BibTeX and RIS writers
on the same records, the kind of code the issue measured at ~25,000 and ~30,000 records/s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = ["bibtex", "biblatex", "ris", "csl-json", "ntriples", "jsonld", "rdfxml"]

CHILD = r"""
import io, json, os, resource, sys, time
mode, fmt, path = sys.argv[1], sys.argv[2], sys.argv[3]
import exporter
from exporter.api import make_writer
t0 = time.perf_counter()
if mode == "end-to-end":
    with open(os.devnull, "w", encoding="utf-8") as out:
        n = 0
        def counted():
            global n
            for r in exporter.read(path, "vufind"):
                n += 1
                yield r
        make_writer(fmt).write(counted(), out)
    elapsed = time.perf_counter() - t0
elif mode == "writer-only":
    records = list(exporter.read(path, "vufind"))
    n = len(records)
    t0 = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as out:
        make_writer(fmt).write(records, out)
    elapsed = time.perf_counter() - t0
else:  # yardstick: f-string writers on the same records
    records = list(exporter.read(path, "vufind"))
    n = len(records)
    t0 = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as out:
        for r in records:
            if fmt == "bibtex":
                authors = " and ".join(f"{c.family}, {c.given}" for c in r.authors)
                out.write(f"@article{{{r.provenance.source_id},\n  author = {{{authors}}},\n  title = {{{r.title}}},\n"
                          f"  journal = {{{r.container.title if r.container else ''}}},\n  year = {{{r.issued.year}}},\n"
                          f"  doi = {{{r.doi}}},\n  abstract = {{{r.abstract}}}\n}}\n\n")
            else:
                lines = ["TY  - JOUR"] + [f"AU  - {c.family}, {c.given}" for c in r.authors]
                lines += [f"TI  - {r.title}", f"PY  - {r.issued.year}", f"DO  - {r.doi}", f"AB  - {r.abstract}", "ER  - ", ""]
                out.write("\r\n".join(lines))
    elapsed = time.perf_counter() - t0
print(json.dumps({"n": n, "seconds": elapsed, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(mode: str, fmt: str, path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, fmt, str(path)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--formats", nargs="+", default=FORMATS)
    ap.add_argument("--modes", nargs="+", default=["end-to-end", "writer-only"])
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from synthetic import write_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            path = write_jsonl(Path(tmp) / f"records-{n}.jsonl", n)
            size = path.stat().st_size / 1e6
            print(f"\nN = {n:,} synthetic VuFind records ({size:.0f} MB of JSON lines)")
            print(f"{'format':<10} {'mode':<12} {'records/s':>10} {'seconds':>8} {'peak RSS MB':>12}")
            rows = [(fmt, mode) for fmt in args.formats for mode in args.modes]
            rows += [(fmt, "yardstick") for fmt in ("bibtex", "ris") if fmt in args.formats]
            for fmt, mode in rows:
                if mode == "writer-only" and n > 200_000:
                    continue  # holding a million records in memory is not what writers do
                m = measure(mode, fmt, path)
                print(f"{fmt:<10} {mode:<12} {m['n'] / m['seconds']:>10,.0f} {m['seconds']:>8.2f} {m['peak_rss_mb']:>12.0f}")


if __name__ == "__main__":
    main()
