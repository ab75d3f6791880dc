"""Benchmark: `exporter dump` on N synthetic VuFind records, beside a minimal hand-written
N-Triples writer on the same input as the yardstick. Run by hand, not by pytest:

    python tests/benchmarks/bench_dump.py                   # N = 10,000 and 100,000
    python tests/benchmarks/bench_dump.py --n 1000000       # by hand: about 3 GB of input

Prints records/s, input MB/s and peak RSS (the largest single process: the dump's main
process or one of its workers) for: the yardstick, N-Triples with 1 and 2 workers, and
JSON-LD lines with 1 worker. Each run is a fresh process.

Targets (issue 5): N-Triples with one worker >= 0.7 x the yardstick; two workers >= 1.7 x
one; peak memory flat in N and under 200 MB at 100,000; JSON-LD lines >= N-Triples.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

YARDSTICK = r'''
import gzip, json, sys
src, dst = sys.argv[1], sys.argv[2]
S = "http://schema.org/"
def lit(s):
    return json.dumps(s, ensure_ascii=False)  # JSON string escapes are N-Triples escapes here
with open(src, encoding="utf-8") as f, gzip.open(dst, "wt", encoding="utf-8") as out:
    for line in f:
        d = json.loads(line)
        r = "<https://example.org/records/" + d["id"] + ">"
        out.write(f"{r} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{S}ScholarlyArticle> .\n")
        out.write(f"{r} <{S}name> {lit(d['title'])} .\n")
        for i, a in enumerate(d.get("author", []), 1):
            p = f"<https://example.org/records/{d['id']}#author-{i}>"
            out.write(f"{r} <{S}author> {p} .\n{p} <{S}name> {lit(a)} .\n")
        out.write(f"{r} <{S}datePublished> {lit(d['publishDate'][0])} .\n")
        out.write(f"{r} <{S}abstract> {lit(d['description'])} .\n")
        for u in d.get("url", []):
            out.write(f"{r} <{S}url> <{u}> .\n")
'''


def peak_of(cmd: list[str]) -> tuple[float, float]:
    # ru_maxrss of RUSAGE_CHILDREN only grows: measure each run in its own wrapper process
    wrapper = ("import resource, subprocess, sys, time, json\n"
               "t=time.perf_counter(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
               "print(json.dumps([time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024]))")
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=True).stdout
    seconds, peak = json.loads(out)
    return seconds, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--shard-records", type=int, default=100_000)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from synthetic import write_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            src = write_jsonl(Path(tmp) / f"in-{n}.jsonl", n)
            mb = src.stat().st_size / 1e6
            shard = min(args.shard_records, max(n // 4, 1))  # at least 4 shards so 2 workers have work
            print(f"\nN = {n:,} records, {mb:.0f} MB of VuFind JSON lines, {shard:,} records per shard")
            print(f"{'run':<28} {'records/s':>10} {'MB/s':>7} {'seconds':>8} {'peak RSS MB':>12}")
            runs = [("yardstick (hand-written nt)", [sys.executable, "-c", YARDSTICK, str(src), str(Path(tmp) / "y.nt.gz")])]
            for label, extra in (("dump nt, 1 worker", ["--format", "nt", "--workers", "1"]),
                                 ("dump nt, 2 workers", ["--format", "nt", "--workers", "2"]),
                                 ("dump jsonld-lines, 1 worker", ["--format", "jsonld-lines", "--workers", "1"])):
                out = Path(tmp) / f"out-{n}-{len(runs)}"
                runs.append((label, [sys.executable, "-m", "exporter", "dump", str(src), "--out", str(out),
                                     "--shard-records", str(shard), "--quiet", *extra]))
            results = {}
            for label, cmd in runs:
                seconds, peak = peak_of(cmd)
                results[label] = n / seconds
                print(f"{label:<28} {n / seconds:>10,.0f} {mb / seconds:>7.1f} {seconds:>8.1f} {peak:>12.0f}")
            y, one, two = results["yardstick (hand-written nt)"], results["dump nt, 1 worker"], results["dump nt, 2 workers"]
            print(f"ratios: 1 worker / yardstick = {one / y:.2f} (target 0.7); 2 workers / 1 worker = {two / one:.2f} (target 1.7); "
                  f"jsonld-lines / nt = {results['dump jsonld-lines, 1 worker'] / one:.2f} (target 1.0)")


if __name__ == "__main__":
    main()
