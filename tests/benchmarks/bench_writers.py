"""Benchmark: convert N synthetic VuFind records to each text format; print records/s and
peak memory. Run by hand, not by pytest:

    python tests/benchmarks/bench_writers.py                 # N = 10,000 and 100,000
    python tests/benchmarks/bench_writers.py --n 1000000 --formats ris ntriples

Each measurement runs in a fresh process (so peak RSS is that conversion's own) on one core.
"end to end" reads the JSON lines and writes the format to /dev/null; "writer only" writes
records already read into memory. The yardsticks are minimal f-string BibTeX and RIS writers
on the same records, the kind of code the issue measured at ~25,000 and ~30,000 records/s.

``--cli`` measures what users run instead: ``exporter convert INPUT -t FORMAT -o FILE``, the
whole process, from a CSL-JSON array and from VuFind JSON lines of the same N records, against
a yardstick script that reads the same input with ``json`` and writes the same format's main
fields with f-strings (reading included, as for us). Ratio = yardstick seconds / ours: the
issue asks at least 0.30 for CSL-JSON -> bibtex and -> ris, 0.15 for VuFind -> ntriples.

    python tests/benchmarks/bench_writers.py --cli --n 50000
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


YARDSTICK_E2E = r"""
import json, sys
fmt, inp, path, out = sys.argv[1:5]
if inp == "csl-json":
    with open(path, encoding="utf-8") as f:
        items = json.load(f)
    def norm(it):
        return (it["id"], [(a.get("family"), a.get("given")) for a in it.get("author", [])], it.get("title"),
                it.get("container-title"), (it.get("issued") or {}).get("date-parts", [[None]])[0][0], it.get("DOI"),
                it.get("abstract"))
    rows = (norm(it) for it in items)
else:
    def norm(line):
        d = json.loads(line)
        authors = [tuple((a.split(", ", 1) + [None])[:2]) for a in d.get("author", [])]
        return (d["id"], authors, d.get("title"), None, (d.get("publishDate") or [None])[0], None, None)
    rows = (norm(line) for line in open(path, encoding="utf-8"))
with open(out, "w", encoding="utf-8") as f:
    for key, authors, title, journal, year, doi, abstract in rows:
        if fmt == "bibtex":
            names = " and ".join(f"{fam}, {giv}" for fam, giv in authors)
            f.write(f"@article{{{key},\n  author = {{{names}}},\n  title = {{{title}}},\n  journal = {{{journal}}},\n"
                    f"  year = {{{year}}},\n  doi = {{{doi}}},\n  abstract = {{{abstract}}}\n}}\n\n")
        elif fmt == "ris":
            lines = ["TY  - JOUR"] + [f"AU  - {fam}, {giv}" for fam, giv in authors]
            lines += [f"TI  - {title}", f"JO  - {journal}", f"PY  - {year}", f"DO  - {doi}", f"AB  - {abstract}", "ER  - ", ""]
            f.write("\r\n".join(lines))
        else:  # ntriples
            s = f"<https://example.org/records/{key}>"
            f.write(f'{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/ScholarlyArticle> .\n')
            f.write(f'{s} <http://schema.org/name> {json.dumps(title, ensure_ascii=False)} .\n')
            for i, (fam, giv) in enumerate(authors):
                f.write(f'{s} <http://schema.org/author> <https://example.org/records/{key}#author-{i}> .\n')
                f.write(f'<https://example.org/records/{key}#author-{i}> <http://schema.org/familyName> {json.dumps(fam, ensure_ascii=False)} .\n')
"""


def measure_cli(fmt: str, inp: str, path: Path, tmp: Path) -> tuple[float, float, float]:
    """(our seconds, yardstick seconds, our peak RSS MB) for one conversion."""
    import time

    out = tmp / f"out.{fmt}"
    run = ("import resource, sys\nfrom exporter.cli import main\ntry:\n    main(sys.argv[1:])\nfinally:\n"
           "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", run, "convert", str(path), "-f", inp, "-t", fmt, "-o", str(out)],
                          capture_output=True, text=True)
    ours = time.perf_counter() - t0
    rss = int(proc.stderr.split()[-1]) / 1024
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", YARDSTICK_E2E, fmt, inp, str(path), str(out)], check=True)
    return ours, time.perf_counter() - t0, rss


def cli_table(ns: list[int]) -> None:
    import os

    sys.path.insert(0, str(HERE))
    from synthetic import write_jsonl

    import exporter

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'N':>8} {'input':<9} {'format':<9} {'ours s':>7} {'yardstick s':>11} {'ratio':>6} {'records/s':>10} {'peak RSS MB':>11}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in ns:
            vufind = write_jsonl(tmp / f"records-{n}.jsonl", n)
            csl = tmp / f"records-{n}.json"
            exporter.convert(str(vufind), "csl-json", str(csl), from_format="vufind",
                             on_problem=lambda problem: None)
            for inp, path, fmts in (("csl-json", csl, ("bibtex", "ris", "ntriples")),
                                    ("vufind", vufind, ("bibtex", "ris", "ntriples"))):
                for fmt in fmts:
                    ours, yard, rss = measure_cli(fmt, inp, path, tmp)
                    print(f"{n:>8,} {inp:<9} {fmt:<9} {ours:>7.2f} {yard:>11.2f} {yard / ours:>6.2f} "
                          f"{n / ours:>10,.0f} {rss:>11.0f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def measure(mode: str, fmt: str, path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, fmt, str(path)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--formats", nargs="+", default=FORMATS)
    ap.add_argument("--modes", nargs="+", default=["end-to-end", "writer-only"])
    ap.add_argument("--cli", action="store_true", help="time `exporter convert` against end-to-end yardsticks")
    args = ap.parse_args()
    if args.cli:
        cli_table(args.n)
        return
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
