"""Every name we write in BibTeX/BibLaTeX reads back to the same parts (issue 9, part 6):
with our reader, and with biber, citation-js and pandoc where they are installed.

BibTeX has one "von" part, so a dropping particle ("Humboldt, Alexander von" in CSL) comes
back as the particle; the parts compared are family, given, von, suffix and literal.
citation-js and biber have no literal names: an organisation comes back as a family name
alone. pandoc applies citeproc's particle rules whatever the braces say ("{la Fontaine},
Jean de" becomes "Jean" + "de" + "la" + "Fontaine"), so for pandoc the names in display order
are compared.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from consumers import citation_js_read, pandoc, program

from exporter import read, write
from exporter.model import Contributor, Record

NAMES = (
    Contributor(family="Vázques de Parga", given="Luis"),  # biblatex-examples: V{\'a}zques{ de }Parga
    Contributor(family="Uría Ríu", given="Juan"),
    Contributor(family="Gogh", given="Vincent", particle="van"),
    Contributor(family="Humboldt", given="Alexander", dropping_particle="von"),
    Contributor(family="la Fontaine", given="Jean de"),
    Contributor(family="d'Alembert", given="Jean Le Rond"),
    Contributor(family="Smith", given="John", suffix="Jr."),
    Contributor(family="Müller-Lüdenscheidt", given="Jürgen"),
    Contributor(family="Ma", given="Yo-Yo"),
    Contributor(family="Tolkien", given="J. R. R."),
    Contributor(family="O'Brien", given="Flann"),
    Contributor(family="Fernández de Córdoba y Aguilar", given="Gonzalo"),
    Contributor(family="Ōsaka", given="Naomi"),
    Contributor(literal="World Health Organization"),
    Contributor(literal="Barnes and Noble"),
    Contributor(literal="Procter & Gamble, Inc."),
)
#: Names "von Last, Jr, First" cannot say: BibLaTeX writes them in its extended name format
#: (family=Gogh, prefix=Van, useprefix=true); classic BibTeX keeps their display form only.
EXTENDED_NAMES = (
    Contributor(family="Gogh", given="Vincent", particle="Van"),
    Contributor(family="Al Ghazali"),
    Contributor(family="Humboldt", given="Alexander", dropping_particle="von"),
)
FORMATS = ("bibtex", "biblatex")


def parts(c: Contributor) -> tuple[str | None, ...]:
    return (c.family, c.given, c.particle or c.dropping_particle, c.suffix, c.literal)


def family_parts(c: Contributor) -> tuple[str | None, ...]:
    """The parts of a reader without literal names: an organisation is a family name."""
    return (c.family or c.literal, c.given, c.particle or c.dropping_particle, c.suffix)


def csl_parts(name: dict) -> tuple[str | None, ...]:
    von = name.get("non-dropping-particle") or name.get("dropping-particle")
    return (name.get("family") or name.get("literal"), name.get("given"), von, name.get("suffix"))


def csl_display(name: dict) -> str:
    if "literal" in name:
        return name["literal"]
    words = [name.get(k) for k in ("given", "dropping-particle", "non-dropping-particle", "family")]
    text = " ".join(w for w in words if w).replace("’", "'").replace("' ", "'")  # pandoc's smart quotes
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


def names(fmt: str) -> tuple[Contributor, ...]:
    return NAMES + EXTENDED_NAMES if fmt == "biblatex" else NAMES


def record(fmt: str = "bibtex") -> Record:
    return Record(type="book", title="Names", key="names", contributors=names(fmt))


def written(fmt: str, tmp_path: Path, encoding: str = "utf-8") -> Path:
    path = tmp_path / f"names.{fmt}.bib"
    path.write_text(write([record(fmt)], fmt, bibtex_encoding=encoding), encoding="utf-8")
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_our_reader_reads_every_name_back(fmt, encoding):
    (back,) = read(io.StringIO(write([record(fmt)], fmt, bibtex_encoding=encoding)), fmt)
    assert [parts(c) for c in back.contributors] == [parts(c) for c in names(fmt)]


def test_biblatex_keeps_every_part_exactly():
    """With the extended format BibLaTeX keeps even the kind of particle."""
    (back,) = read(io.StringIO(write([record("biblatex")], "biblatex")), "biblatex")
    assert back.contributors == names("biblatex")


def test_classic_bibtex_keeps_what_it_cannot_split_as_displayed():
    (back,) = read(io.StringIO(write([Record(type="book", title="T", contributors=EXTENDED_NAMES)], "bibtex")), "bibtex")
    assert [c.display_name() for c in back.contributors] == [c.display_name() for c in EXTENDED_NAMES]


def test_family_names_with_lowercase_words_are_braced():
    out = write([record("biblatex")], "biblatex")
    assert "Vázques {de} Parga, Luis" in out and "Fernández {de} Córdoba {y} Aguilar, Gonzalo" in out
    assert "van Gogh, Vincent" in out  # a particle stays the von part


@pytest.mark.parametrize("fmt", FORMATS)
def test_citation_js_reads_every_name_back(fmt, tmp_path):
    (item,) = citation_js_read(written(fmt, tmp_path), fmt)
    assert [csl_parts(n) for n in item["author"]] == [family_parts(c) for c in names(fmt)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_pandoc_reads_every_name_back(fmt, tmp_path):
    proc = subprocess.run([pandoc(), "-f", fmt, "-t", "csljson", str(written(fmt, tmp_path))],
                          check=False, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    (item,) = json.loads(proc.stdout)
    assert [csl_display(n) for n in item["author"]] == [c.display_name() for c in names(fmt)]


_NAME = re.compile(r"<bltx:name(?: [^>]*)?>(.*?)</bltx:name>", re.DOTALL)
_PART = re.compile(r'<bltx:namepart type="(\w+)"[^>]*>(.*?)</bltx:namepart>\s*(?=<bltx:namepart type|$)', re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def test_biber_reads_every_name_back(tmp_path):
    """biber's own parse (its BibLaTeXML output): family, given, prefix, suffix. biber has no
    literal names: an organisation is a family name in braces."""
    biber = program("biber", "apt-get install biber")
    source = written("biblatex", tmp_path)
    out = tmp_path / "names.bltxml"
    proc = subprocess.run([biber, "--tool", "--output-format=biblatexml", "--output-file", str(out), str(source)],
                          check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    found = []
    for name in _NAME.findall(out.read_text(encoding="utf-8")):
        got: dict[str, str] = {}
        for kind, text in _PART.findall(name):
            words = [w.strip().strip("{}") for w in _TAGS.split(text) if w.strip()]
            got[kind] = html.unescape(" ".join(words)).replace("\\&", "&")  # XML, then LaTeX
        found.append((got.get("family"), got.get("given"), got.get("prefix"), got.get("suffix")))
    assert found == [family_parts(c) for c in names("biblatex")]
