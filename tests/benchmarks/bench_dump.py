"""Benchmark: `exporter dump` on N synthetic VuFind records, beside a minimal hand-written
N-Triples writer on the same input as the yardstick. Run by hand, not by pytest:

    python tests/benchmarks/bench_dump.py                   # N = 10,000 and 100,000
    python tests/benchmarks/bench_dump.py --n 1000000       # by hand: about 3 GB of input

Prints records/s, input MB/s and peak RSS (the largest single process: the dump's main
process or one of its workers) for: the yardstick, N-Triples with 1 and 2 workers, and
JSON-LD lines with 1 worker. Each run is a fresh process.

Targets (issue 5): N-Triples with one worker >= 0.7 x the yardstick; two workers >= 1.7 x
one; peak memory flat in N and under 200 MB at 100,000; JSON-LD lines >= N-Triples.

Then (issue 14) the worker scaling at N = 50,000 (``--scaling-n``) on three inputs, with the
shard size the dump chooses itself (no ``--shard-records``): VuFind JSON lines (the
synthetic records above), a CSL-JSON array (the 66 items of
``../shared/csl-conformance/items.json``, cycled with varied ids; without ../shared, the
synthetic records converted to CSL-JSON), and binary MARC and MARCXML of the same records
(bench_marc's corpus records, cycled; its generated ones without ../shared). Prints the wall time with 1 and 2 workers (the
fastest of ``--repeat`` runs: the machine may be shared), their ratio, the peak RSS of the
dump's main process alone (its workers excluded) and the CPU seconds of the main process
and of the workers. Target: 2 workers at least 1.8 x 1 worker on the VuFind and CSL-JSON
inputs (MARC and MARCXML, cut for the workers since, are measured beside them).

    python tests/benchmarks/bench_dump.py --only scaling    # just that part

Then the gzip backends (``--compress-backend``) at N = 50,000 (``--scaling-n``), N-Triples,
the shard size the dump chooses: for each backend installed (``gzip``, Python's zlib, the
dump's fallback and what it used before; ``zlib-ng``, the extra ``fast``) and each level of
``--levels`` (default 6, the dump's default), the wall time and the CPU time with 1 and 2
workers (fastest of ``--repeat``; CPU time counts only the dump, whatever else runs on the
machine), the CPU seconds the 1-worker dump spends in the backend's GzipFile (write, flush,
close: deflate, CRC and writing the compressed bytes) and their share of its CPU time, and
the size of the shards.

    python tests/benchmarks/bench_dump.py --only compression --levels 1 6

And (issue 14) record pages: the same dump of ``--pages-n`` VuFind records (default 5,000)
without pages, with the default pages (3 citation styles, 6 downloads), with pages but no
citations (``--html-styles ''``), no downloads (``--html-formats ''``) and neither. Prints the
wall time, its ratio to the dump without pages, the CPU seconds in user and kernel mode (the
kernel's share is file creation), files written and the most in one folder, and the cost of
creating one small file on the output's file system, measured beside it. Target: the dump
with pages within 3 x of the same dump without.

Every run writes to a folder of its own and all are deleted at the end, none between runs:
ext4 makes creating files slow for a few minutes after many were deleted (its inode
allocator skips recently freed inodes, ``recently_deleted``), which tripled the kernel time
of a run that followed the deletion of the previous run's 35,000 files (2,000 records: 5.3
s in the kernel after ``rm -rf``, 1.0-1.2 s in a fresh folder).

    python tests/benchmarks/bench_dump.py --only pages --pages-n 5000
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
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


SHARED_ITEMS = HERE.parents[1].parent / "shared" / "csl-conformance" / "items.json"

#: the dump's main process, in this process: its own peak RSS (RUSAGE_SELF) leaves the workers
#: out; CPU seconds of the main process and of its workers (RUSAGE_CHILDREN) beside the wall time
PARENT = ("import json, resource, sys, time\n"
          "from exporter.cli import main\n"
          "t = time.perf_counter(); code = main(sys.argv[1:]); seconds = time.perf_counter() - t\n"
          "me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
          "print(json.dumps([code, seconds, me.ru_maxrss / 1024, me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime]))")


def write_csl(path: Path, n: int, tmp: Path) -> tuple[Path, str]:
    """A CSL-JSON array of ``n`` items with distinct ids, and where the items come from."""
    if SHARED_ITEMS.is_file():
        items = json.loads(SHARED_ITEMS.read_text(encoding="utf-8"))
        origin = f"{len(items)} items of ../shared/csl-conformance/items.json, cycled"
        out = [dict(item, id=f"{item['id']}-{i}") for i, item in zip(range(n), itertools.cycle(items))]
    else:
        from synthetic import write_jsonl
        src = write_jsonl(tmp / "for-csl.jsonl", n)
        subprocess.run([sys.executable, "-m", "exporter", "convert", str(src), "-t", "csl-json", "-o", str(path)],
                       check=True, stderr=subprocess.DEVNULL)
        return path, "synthetic VuFind records converted by exporter"
    with path.open("w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return path, origin


def write_marc(folder: Path, n: int) -> tuple[Path, str]:
    """``n`` ISO 2709 records (bench_marc's: the corpus's MARC records in turn, MARC-8 among
    them, or generated ones without ../shared; the same as MARCXML beside them, ``.xml``),
    and where they come from."""
    from bench_marc import corpus_records, generate, replicate, write_files

    shared = HERE.parents[1].parent / "shared"
    base = corpus_records(shared) if (shared / "corpus").is_dir() else []
    folder.mkdir(exist_ok=True)
    if base:
        return write_files(replicate(base, n), folder)["marc"], f"{len(base)} corpus MARC records, cycled"
    return write_files(generate(n), folder)["marc"], "generated MARC records"


def run_parent(args: list[str]) -> tuple[float, float, float, float]:
    """(wall seconds, main process peak RSS MB, main process CPU s, workers CPU s)."""
    proc = subprocess.run([sys.executable, "-c", PARENT, *args], capture_output=True, text=True)
    try:
        code, seconds, peak, cpu, workers_cpu = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit(f"dump failed: {proc.stderr[-2000:]}") from None
    if code not in (0, 1):
        raise SystemExit(f"dump failed ({code}): {proc.stderr[-2000:]}")
    return seconds, peak, cpu, workers_cpu


#: a dump in this process, timing the backend's GzipFile (argv[1]): the CPU seconds inside
#: write, flush and close (outermost calls only; CPU time, so that other processes on the
#: machine do not count), beside the wall time and the CPU seconds of the whole dump (both
#: around the dump itself, imports left out)
TIMED_GZIP = ("import json, sys, time\n"
              "from exporter.cli import main\n"
              "from exporter.linkeddata.dump import gzip_class\n"
              "cls, spent, depth = gzip_class(sys.argv[1]), [0.0], [0]\n"
              "def timed(f):\n"
              "    def call(*a, **k):\n"
              "        depth[0] += 1\n"
              "        t = time.thread_time()\n"
              "        try:\n"
              "            return f(*a, **k)\n"
              "        finally:\n"
              "            depth[0] -= 1\n"
              "            if not depth[0]:\n"
              "                spent[0] += time.thread_time() - t\n"
              "    return call\n"
              "cls.write, cls.flush, cls.close = timed(cls.write), timed(cls.flush), timed(cls.close)\n"
              "t, c = time.perf_counter(), time.process_time()\n"
              "code = main(sys.argv[2:])\n"
              "print(json.dumps([code, time.perf_counter() - t, time.process_time() - c, spent[0]]))")


def timed_dump(backend: str, args: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, CPU seconds inside the backend's GzipFile) of a 1-worker dump."""
    proc = subprocess.run([sys.executable, "-c", TIMED_GZIP, backend, *args], capture_output=True, text=True)
    try:
        code, seconds, cpu, spent = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit(f"dump failed: {proc.stderr[-2000:]}") from None
    if code not in (0, 1):
        raise SystemExit(f"dump failed ({code}): {proc.stderr[-2000:]}")
    return seconds, cpu, spent


def compression(n: int, tmp: Path, levels: list[int], repeat: int = 3) -> None:
    from synthetic import write_jsonl

    from exporter import ExporterError
    from exporter.linkeddata.dump import BACKENDS, resolve_backend

    backends = []
    for backend in sorted(BACKENDS, key=lambda b: b != "gzip"):  # the one used before first
        try:
            backends.append(resolve_backend(backend))
        except ExporterError:
            print(f"\n{backend}: not installed, left out")
    load = os.getloadavg()
    print(f"\ngzip backends, N = {n:,} VuFind JSON lines, --format nt, shard size chosen by the dump, best of "
          f"{repeat} runs; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    src = tmp / f"compress-{n}.jsonl"
    if not src.exists():
        write_jsonl(src, n)
    print("1 worker: wall s, CPU s, CPU s in the backend's GzipFile and its share of the CPU s; 2 workers: wall s,"
          " CPU s of the main process + workers; ratios: gzip 6 time / this time")
    print(f"{'backend':<8} {'level':>5} {'1w wall':>7} {'1w CPU':>6} {'gzip CPU':>8} {'share':>5} {'2w wall':>7} "
          f"{'2w CPU':>6} {'MB':>5} {'wall 1w / 2w':>13} {'CPU 1w / 2w':>12}")
    rows = []
    for level in levels:
        for backend in backends:
            out = tmp / f"compress-out-{backend}-{level}"
            common = ["dump", str(src), "--out", str(out), "--quiet", "--format", "nt",
                      "--compress-backend", backend, "--compress-level", str(level)]
            one = []
            for _ in range(repeat):
                shutil.rmtree(out, ignore_errors=True)
                one.append(timed_dump(backend, common))
            _, cpu1, gz = min(one, key=lambda r: r[1])  # the run with the least CPU
            size = sum(p.stat().st_size for p in out.glob("part-*.gz")) / 1e6
            two = []
            for _ in range(repeat):
                shutil.rmtree(out, ignore_errors=True)
                seconds, _, main_cpu, workers_cpu = run_parent([*common, "--workers", "2"])
                two.append((seconds, main_cpu + workers_cpu))
            rows.append((backend, level, min(r[0] for r in one), cpu1, gz, min(r[0] for r in two), min(r[1] for r in two), size))
    base = next((r for r in rows if r[:2] == ("gzip", 6)), None)
    for backend, level, t1, cpu1, gz, t2, cpu2, size in rows:
        wall = f"{base[2] / t1:.2f} / {base[5] / t2:.2f}" if base else ""
        cpu = f"{base[3] / cpu1:.2f} / {base[6] / cpu2:.2f}" if base else ""
        print(f"{backend:<8} {level:>5} {t1:>7.1f} {cpu1:>6.1f} {gz:>8.1f} {100 * gz / cpu1:>4.0f}% {t2:>7.1f} "
              f"{cpu2:>6.1f} {size:>5.1f} {wall:>13} {cpu:>12}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def scaling(n: int, tmp: Path, shard_records: int | None = None, repeat: int = 3) -> None:
    from synthetic import write_jsonl

    load = os.getloadavg()
    shards = f"--shard-records {shard_records}" if shard_records else "shard size chosen by the dump"
    print(f"\nworker scaling, N = {n:,}, {shards}, best of {repeat} runs; load average before: "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    inputs = [("VuFind JSON lines", write_jsonl(tmp / f"scale-{n}.jsonl", n), "synthetic VuFind records")]
    csl, origin = write_csl(tmp / f"scale-{n}.json", n, tmp)
    inputs.append(("CSL-JSON array", csl, origin))
    marc, origin = write_marc(tmp / f"scale-{n}", n)
    inputs.append(("binary MARC", marc, origin))
    inputs.append(("MARCXML", marc.with_suffix(".xml"), origin))
    print(f"{'input':<18} {'MB':>4} {'1 worker s':>10} {'2 workers s':>11} {'ratio':>5} {'main RSS MB':>11} "
          f"{'CPU s main+workers (1 / 2)':>27}  records from")
    for label, path, where in inputs:
        best = []
        for workers in (1, 2):
            out = tmp / f"out-{path.name}-{workers}"
            extra = ["--shard-records", str(shard_records)] if shard_records else []
            runs = []
            for _ in range(repeat):
                shutil.rmtree(out, ignore_errors=True)
                runs.append(run_parent(["dump", str(path), "--out", str(out), "--workers", str(workers), "--quiet", *extra]))
            best.append(min(runs))
        (t1, rss1, cpu1, w1), (t2, rss2, cpu2, w2) = best
        mb = path.stat().st_size / 1e6
        print(f"{label:<18} {mb:>4.0f} {t1:>10.1f} {t2:>11.1f} {t1 / t2:>5.2f} {rss1:>5.0f}/{rss2:<5.0f} "
              f"{cpu1:>7.1f}+{w1:<4.1f} / {cpu2:.1f}+{w2:<5.1f}  {where}")
    load = os.getloadavg()
    print(f"target: ratio >= 1.8 for VuFind and CSL-JSON; load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


#: a dump in this process's child, with the children's user and system CPU seconds
TIMED = ("import json, resource, subprocess, sys, time\n"
         "t = time.perf_counter(); code = subprocess.run(sys.argv[1:], stderr=subprocess.DEVNULL).returncode\n"
         "seconds = time.perf_counter() - t; kids = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
         "print(json.dumps([code, seconds, kids.ru_utime, kids.ru_stime]))")


def file_cost(folder: Path, n: int = 2000) -> float:
    """Milliseconds to create, write (2 kB), close and rename one file in ``folder``."""
    import time

    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i in range(n):
        tmp = folder / f".f{i}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b"x" * 2000)
        os.close(fd)
        os.replace(tmp, folder / f"f{i}")
    seconds = time.perf_counter() - start
    return seconds / n * 1000  # the folder stays until the part ends (see the module's docstring)


def pages(n: int, tmp: Path, workers: int, repeat: int) -> None:
    from collections import Counter

    from synthetic import write_jsonl

    src = write_jsonl(tmp / f"pages-{n}.jsonl", n)
    load = os.getloadavg()
    print(f"\nrecord pages, N = {n:,} VuFind records, {workers} worker(s), best of {repeat}; load average before: "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'run':<34} {'seconds':>8} {'ratio':>6} {'user s':>7} {'sys s':>6} {'files':>7} {'max/folder':>10}")
    base = None
    outs = tmp / "pages-out"
    runs = 0
    for label, extra in (("no pages", []), ("--html (3 styles, 6 downloads)", ["--html"]),
                         ("--html-styles ''", ["--html-styles="]), ("--html-formats ''", ["--html-formats="]),
                         ("--html-styles '' --html-formats ''", ["--html-styles=", "--html-formats="]),
                         ("--html-styles ieee", ["--html-styles=ieee"])):
        best = None
        for _ in range(repeat):
            runs += 1
            out = outs / f"run-{runs}"  # a new folder each run, nothing deleted before the end
            cmd = [sys.executable, "-m", "exporter", "dump", str(src), "--out", str(out), "--quiet",
                   "--workers", str(workers), *extra]
            proc = subprocess.run([sys.executable, "-c", TIMED, *cmd], capture_output=True, text=True, check=True)
            code, seconds, user, system = json.loads(proc.stdout.strip().splitlines()[-1])
            if code not in (0, 1):
                raise SystemExit(f"dump failed ({code}): {' '.join(cmd)}")
            if best is None or seconds < best[0]:
                best = (seconds, user, system, out)
        seconds, user, system, out = best
        html = out / "html"
        per_folder = Counter(p.parent.name for p in html.glob("*/*")) if html.is_dir() else Counter()
        base = base or seconds
        print(f"{label:<34} {seconds:>8.1f} {seconds / base:>6.2f} {user:>7.1f} {system:>6.1f} "
              f"{sum(per_folder.values()):>7,} {max(per_folder.values(), default=0):>10,}")
    print(f"one file costs {file_cost(outs / 'probe'):.2f} ms here (created, written, renamed)")
    shutil.rmtree(outs)
    load = os.getloadavg()
    print(f"target: --html within 3 x of no pages; load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--shard-records", type=int, default=100_000)
    ap.add_argument("--scaling-n", type=int, default=50_000)
    ap.add_argument("--scaling-shard-records", type=int, help="for the scaling part (default: the dump chooses)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each scaling measurement; the fastest counts")
    ap.add_argument("--levels", type=int, nargs="+", default=[6], help="--compress-level values for the backends part")
    ap.add_argument("--only", choices=("throughput", "scaling", "compression", "pages"), help="run one part only")
    ap.add_argument("--pages-n", type=int, default=5_000, help="records for the record-page part")
    ap.add_argument("--pages-workers", type=int, default=1)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from synthetic import write_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "pages"):
            pages(args.pages_n, Path(tmp), args.pages_workers, args.repeat)
        if args.only in (None, "scaling"):
            scaling(args.scaling_n, Path(tmp), args.scaling_shard_records, args.repeat)
        if args.only in (None, "compression"):
            compression(args.scaling_n, Path(tmp), args.levels, args.repeat)
        if args.only in ("scaling", "compression", "pages"):
            return
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
