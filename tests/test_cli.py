"""The command line as a user runs it: exit codes, stderr lines, stdin/stdout, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import SEED_SOLR, SEED_TEXT


def errors(stderr: str) -> list[str]:
    """stderr without the summary of what the output format could not hold."""
    return [line for line in stderr.splitlines() if " has no field for: " not in line]


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exporter", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def test_formats_lists_core_readers_and_writers():
    out = run("formats").stdout
    readers, writers = out.split("writers:")
    for name in ("vufind", "vufind-text", "csl-json"):
        assert f"  {name} " in readers
    for name in ("bibtex", "biblatex", "ris", "csl-json", "citation", "jsonld", "turtle", "ntriples", "rdfxml"):
        assert f"  {name} " in writers


def test_convert_to_stdout_keeps_crlf():
    proc = subprocess.run([sys.executable, "-m", "exporter", "convert", str(SEED_SOLR), "-t", "ris"], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"TY  - JOUR\r\nAU  - Alidina, Shehnaz\r\n")
    assert proc.stderr.decode().splitlines() == [
        "exporter: ris has no field for: keyword scheme (1 record), licence (1), "
        "repairs made on reading (1), rights statement (1), source record (1) "
        "(--report FILE lists them per record)"
    ]


def test_convert_from_stdin_with_detection():
    proc = run("convert", "-t", "bibtex", stdin=SEED_TEXT.read_text(encoding="utf-8"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("@article{alidina2021optimizing,")


def test_convert_all_to_directory(tmp_path):
    proc = run("convert", str(SEED_SOLR), "-t", "all", "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted([
        "seed-solr.bib", "seed-solr.biblatex.bib", "seed-solr.citation.txt", "seed-solr.csl.json",
        "seed-solr.jsonld", "seed-solr.nt", "seed-solr.rdf", "seed-solr.ris", "seed-solr.ttl",
        # library formats (issue 12)
        "seed-solr.mrc", "seed-solr.marcxml.xml", "seed-solr.marc.jsonl", "seed-solr.mods.xml",
        "seed-solr.enw", "seed-solr.refworks.txt", "seed-solr.oai-dc.xml", "seed-solr.coins.html",
    ])


def test_citation_options():
    proc = run("convert", str(SEED_SOLR), "-t", "citation", "--style", "ieee", "--markup", "html")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('<div class="csl-bib-body">')


BAD_CASES = {
    "truncated": (
        '[{"id": "a", "title": "Good one"}, {"id": "b", "title": "Cut',
        "{path}:record 2: truncated JSON: the input ends inside a record (line 1)",
        1,
    ),
    "wrong-type": (
        '[{"id": "a", "title": "Good"},\n {"id": "b", "title": "T", "author": {"x": 1}},\n {"id": "c", "title": "Also good"}]',
        "{path}:record 2: field 'author' must be a string or a list of strings, got an object (line 2)",
        2,
    ),
    "truncated-line": (  # JSON lines: the line is the record, named by its own number
        '{"id": "a", "title": "Good one"}\n{"id": "b", "title": "Cut\n{"id": "c", "title": "Good too"}\n',
        "{path}:record 2: truncated JSON: the line ends inside a record (line 2)",
        2,
    ),
    "empty": ("", "{path}: empty input: no records", 0),
    "other-format": (
        "@article{x,\n  title = {T}\n}\n",
        "{path}:line 1: not JSON: expected an object or an array, found '@article{{x,'",
        0,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_gives_one_clear_line(case, tmp_path):
    content, message, good = BAD_CASES[case]
    path = tmp_path / f"{case}.json"
    path.write_text(content, encoding="utf-8")
    proc = run("convert", str(path), "-f", "vufind", "-t", "ris")
    assert proc.returncode == 1
    assert errors(proc.stderr) == [message.format(path=path)]
    assert "Traceback" not in proc.stderr
    assert proc.stdout.count("TY  - ") == good


def test_binary_input(tmp_path):
    path = tmp_path / "noise.json"
    path.write_bytes(bytes(range(128, 256)) * 8)
    proc = run("convert", str(path), "-f", "vufind", "-t", "ris")
    assert proc.returncode == 1
    assert errors(proc.stderr)[0] == f"{path}: not UTF-8 text (byte 0x80 at offset 0); is it binary or in another encoding?"


def test_undetectable_format(tmp_path):
    path = tmp_path / "refs.dat"
    path.write_text("just some words\n", encoding="utf-8")
    proc = run("convert", str(path), "-t", "ris")
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{path}: cannot tell the input format; give --from (readers: ")


def test_missing_file_and_good_file_together(tmp_path):
    proc = run("convert", str(tmp_path / "missing.json"), str(SEED_SOLR), "-t", "ris")
    assert proc.returncode == 1
    assert errors(proc.stderr) == [f"{tmp_path / 'missing.json'}: cannot open: No such file or directory"]
    assert proc.stdout.count("TY  - JOUR") == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["-t", "ris", "--style", "apa"], "exporter: --style does not apply to -t ris"),
        (["-t", "nope"], "exporter: unknown writer format 'nope' (known: "),
        (["-f", "nope", "-t", "ris"], "exporter: unknown reader format 'nope' (known: "),
        (["-t", "citation", "--style", "no-such-style"], "exporter: unknown CSL style 'no-such-style'"),
        (["-t", "ris,bibtex"], "exporter: several output formats need -o DIRECTORY"),
    ],
)
def test_usage_errors(args, message):
    proc = run("convert", str(SEED_SOLR), *args)
    assert proc.returncode == 2
    assert proc.stderr.startswith(message), proc.stderr
    assert "Traceback" not in proc.stderr


def test_csl_json_through_the_cli_round_trips(tmp_path):
    first = run("convert", str(SEED_SOLR), "-t", "csl-json").stdout
    path = tmp_path / "items.json"
    path.write_text(first, encoding="utf-8")
    second = run("convert", str(path), "-t", "csl-json")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == json.loads(first)


def test_report_lists_losses_per_record(tmp_path):
    report = tmp_path / "report.jsonl"
    proc = run("convert", str(SEED_SOLR), "-t", "bibtex", "--report", str(report))
    assert proc.returncode == 0
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert rows == [{
        "severity": "loss", "source": "bibtex", "record": 1, "id": "pubmed-7919701",
        "reason": "date:online, link:more, provenance, provenance:repairs, rights:license, subject:scheme",
    }]


def test_lossless_format_reports_nothing():
    proc = run("convert", str(SEED_SOLR), "-t", "csl-json")
    assert proc.returncode == 0 and proc.stderr == ""


def test_citation_mode_with_clusters_file(tmp_path):
    clusters = tmp_path / "clusters.json"
    clusters.write_text('[[{"id": "alidina2021optimizing", "locator": "3-5"}]]', encoding="utf-8")
    proc = run("convert", str(SEED_SOLR), "-t", "citation", "--mode", "citation", "--clusters", str(clusters))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "(Alidina et al., 2021, pp. 3–5)\n"


def test_citation_clusters_with_notes(tmp_path):
    clusters = tmp_path / "clusters.json"
    clusters.write_text('[{"cites": [{"id": "alidina2021optimizing"}], "note": 1},'
                        ' {"cites": [{"id": "alidina2021optimizing", "locator": "4"}], "note": 2}]', encoding="utf-8")
    proc = run("convert", str(SEED_SOLR), "-t", "citation", "--mode", "citation", "--style",
               "chicago-notes-bibliography-subsequent-ibid", "--clusters", str(clusters))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1] == "Ibid., 4."  # citeproc-js 2.4.63


@pytest.mark.parametrize("content, message", [
    ('{"cites": []}', "exporter: citation: clusters must be a list of clusters, not an object"),
    ('[[{"locator": "3"}]]', 'exporter: citation: cluster 1, cite 1: a cite needs an "id" (the key of a record)'),
    ('[{"cites": [{"id": "alidina2021optimizing"}], "note": 1.5}]',
     'exporter: citation: cluster 1: "note" must be a note number (an integer, 0 for the running text), not 1.5'),
    ('[{"cite": [{"id": "alidina2021optimizing"}]}]',
     "exporter: citation: cluster 1: unknown key 'cite' (a cluster object has \"cites\" and optionally \"note\")"),
    ('[[', "cannot read clusters"),
])
def test_malformed_clusters_file_is_one_line_no_traceback(tmp_path, content, message):
    clusters = tmp_path / "clusters.json"
    clusters.write_text(content, encoding="utf-8")
    proc = run("convert", str(SEED_SOLR), "-t", "citation", "--mode", "citation", "--clusters", str(clusters))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_clusters_citing_an_unknown_id(tmp_path):
    clusters = tmp_path / "clusters.json"
    clusters.write_text('[[{"id": "alidina2021optimizing"}], [{"id": "nope"}]]', encoding="utf-8")
    proc = run("convert", str(SEED_SOLR), "-t", "citation", "--mode", "citation", "--clusters", str(clusters))
    assert proc.returncode == 1
    assert proc.stdout == "(Alidina et al., 2021)\n(nope?)\n"
    assert errors(proc.stderr) == [
        "clusters: cluster 2 cites 'nope', which is not the key of any record (printed as 'nope?')"]


def test_unknown_locale_is_a_usage_error_naming_the_locales():
    proc = run("convert", str(SEED_SOLR), "-t", "citation", "--locale", "junk")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("exporter: 'junk' is not a CSL locale")
    assert "de-DE" in proc.stderr and "Traceback" not in proc.stderr


def test_locale_region_without_a_file_falls_back_to_its_language_with_a_warning():
    asked = run("convert", str(SEED_SOLR), "-t", "citation", "--style", "ieee", "--locale", "de-XX")
    german = run("convert", str(SEED_SOLR), "-t", "citation", "--style", "ieee", "--locale", "de_de")
    assert asked.returncode == german.returncode == 0, asked.stderr
    assert asked.stdout == german.stdout and ", und E.-L. Aveling" in asked.stdout
    assert "locale: no CSL locale file for 'de-XX': citations use 'de-DE' [warning]" in asked.stderr.splitlines()
    assert "locale" not in german.stderr
