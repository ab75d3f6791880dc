"""Record pages (exporter.linkeddata.pages): meta tags Zotero and Google Scholar read, escaping
of hostile data, the embedded JSON-LD against the N-Triples dump, and a real browser.

The browser test drives Debian's ``chromium`` headless on a file:// URL (no network) and
skips when no chromium binary is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import REPO

from exporter import (
    Container,
    Contributor,
    DateValue,
    Identifier,
    Link,
    PartialDate,
    Record,
    Rights,
    Subject,
    read,
    write,
)
from exporter.linkeddata.pages import DEFAULT_FORMATS, render_page
from exporter.normalize.markup import to_plain

BASE = "https://example.org/records/"


class PageParser(HTMLParser):
    """What a consumer sees: meta tags, link tags, anchors, script elements, the h1 text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str | None]] = []
        self.anchors: list[str | None] = []
        self.scripts: list[dict[str, object]] = []
        self.h1 = ""
        self.figures: list[str] = []
        self.tags: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "meta" and "name" in a:
            self.meta.append((a["name"] or "", a.get("content") or ""))
        elif tag == "link":
            self.links.append(a)
        elif tag == "a":
            self.anchors.append(a.get("href"))
        elif tag == "script":
            self.scripts.append({"attrs": a, "text": ""})
        elif tag == "figure":
            self.figures.append("")
        self._in.append(tag)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        while self._in:
            if self._in.pop() == tag:
                break

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if "script" in self._in:
            self.scripts[-1]["text"] += data  # type: ignore[operator]
        if "h1" in self._in:
            self.h1 += data
        if "figure" in self._in:
            self.figures[-1] += data

    def values(self, name: str) -> list[str]:
        return [c for n, c in self.meta if n == name]


def parse(page: str) -> PageParser:
    p = PageParser()
    p.feed(page)
    p.close()
    return p


def embedded_graph(parsed: PageParser):
    import rdflib

    (script,) = parsed.scripts
    assert script["attrs"] == {"type": "application/ld+json"}
    return rdflib.Graph().parse(data=script["text"], format="json-ld")


def dump_graph(record: Record, **options):
    import rdflib

    return rdflib.Graph().parse(data=write([record], "ntriples", base_iri=BASE, **options), format="nt")


def assert_same_graph(g1, g2) -> None:
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    if not isomorphic(g1, g2):
        _, only1, only2 = graph_diff(to_isomorphic(g1), to_isomorphic(g2))
        pytest.fail(f"graphs differ\nonly in page:\n{only1.serialize(format='nt')}\nonly in dump:\n{only2.serialize(format='nt')}")


@pytest.fixture(scope="module")
def seed_page(seed) -> str:
    return render_page(seed, BASE)


# -- the seed page --------------------------------------------------------------------------


def test_seed_highwire_meta_tags(seed_page):
    p = parse(seed_page)
    assert p.values("citation_title") == ["Optimizing patient partnership in primary care improvement: A qualitative study"]
    assert p.values("citation_author") == ["Alidina, Shehnaz", "Martelli, Peter F.", "Singer, Sara J.", "Aveling, Emma-Louise"]
    assert p.values("citation_doi") == ["10.1097/HMR.0000000000000250"]
    assert p.values("citation_pmid") == ["33630504"]
    assert p.values("citation_journal_title") == ["Health Care Manage Rev"]
    assert p.values("citation_publication_date") == ["2021"]
    assert p.values("citation_date") == ["2021"]
    assert p.values("citation_online_date") == ["2019/05/23"]
    assert p.values("citation_publisher") == ["Lippincott Williams & Wilkins"]
    assert p.values("citation_language") == ["en"]
    # what the seed does not have is not invented
    for absent in ("citation_volume", "citation_issue", "citation_firstpage", "citation_lastpage", "citation_isbn"):
        assert p.values(absent) == []


def test_seed_dublin_core_meta_tags(seed_page):
    p = parse(seed_page)
    assert p.values("DC.title") == ["Optimizing patient partnership in primary care improvement: A qualitative study"]
    assert p.values("DC.creator") == ["Alidina, Shehnaz", "Martelli, Peter F.", "Singer, Sara J.", "Aveling, Emma-Louise"]
    assert p.values("DC.date") == ["2021"]
    assert "https://doi.org/10.1097/HMR.0000000000000250" in p.values("DC.identifier")
    assert p.values("DC.publisher") == ["Lippincott Williams & Wilkins"]
    assert p.values("DC.language") == ["en"]
    assert "https://creativecommons.org/licenses/by/4.0/" in p.values("DC.rights")
    assert {"rel": "schema.DC", "href": "http://purl.org/dc/elements/1.1/"} in p.links


def test_seed_page_shows_the_record(seed_page):
    p = parse(seed_page)
    assert p.h1 == "Optimizing patient partnership in primary care improvement: A qualitative study"
    for text in ("Shehnaz Alidina", "Emma-Louise Aveling", "Health Care Manage Rev", "BACKGROUND: The need",
                 "CC BY 4.0", "Lippincott Williams &amp; Wilkins", "Features"):
        assert text in seed_page
    assert "https://doi.org/10.1097/HMR.0000000000000250" in p.anchors
    assert "https://pubmed.ncbi.nlm.nih.gov/33630504/" in p.anchors
    assert "https://creativecommons.org/licenses/by/4.0/" in p.anchors
    # one citation per default style, with citeproc's HTML
    assert len(p.figures) == 3
    assert "Alidina, S., Martelli, P. F., Singer, S. J., & Aveling, E.-L. (2021)" in p.figures[0]
    assert "Alidina S, Martelli PF, Singer SJ, Aveling EL." in p.figures[1]
    assert "S. Alidina, P. F. Martelli, S. J. Singer, and E.-L. Aveling" in p.figures[2]
    assert "<i>Health Care Manage Rev</i>" in seed_page


def test_seed_downloads_and_alternates(seed_page):
    p = parse(seed_page)
    stems = ["pubmed-7919701" + ext for ext in (".bib", ".ris", ".csl.json", ".jsonld", ".ttl", ".nt")]
    for href in stems:
        assert href in p.anchors
    alternates = [(link["type"], link["href"]) for link in p.links if link.get("rel") == "alternate"]
    assert alternates == list(zip(
        ["application/x-bibtex", "application/x-research-info-systems", "application/vnd.citationstyles.csl+json",
         "application/ld+json", "text/turtle", "application/n-triples"], stems))


def test_download_targets_are_a_parameter(seed):
    page = render_page(seed, BASE, formats=("ris", "jsonld"),
                       links={"ris": "../ris/seed.ris", "jsonld": "https://data.example.org/seed.jsonld"})
    p = parse(page)
    assert [link["href"] for link in p.links if link.get("rel") == "alternate"] == [
        "../ris/seed.ris", "https://data.example.org/seed.jsonld"]
    assert "pubmed-7919701.bib" not in page


def test_styles_are_a_parameter(seed):
    p = parse(render_page(seed, BASE, styles=("chicago-author-date",)))
    assert len(p.figures) == 1 and "Alidina, Shehnaz" in p.figures[0]
    assert "hidden" not in render_page(seed, BASE).split('id="cite"')[1].split(">")[0]
    assert 'id="cite" hidden' in render_page(seed, BASE, styles=())


def test_embedded_jsonld_is_the_dump_graph(seed, seed_page):
    assert_same_graph(embedded_graph(parse(seed_page)), dump_graph(seed))


def test_embedded_jsonld_uses_the_writer_context(seed_page):
    from exporter.linkeddata.jsonld import CONTEXT

    (script,) = parse(seed_page).scripts
    data = json.loads(script["text"])  # type: ignore[arg-type]
    assert data["@context"] == CONTEXT
    assert data["@id"] == BASE + "pubmed-7919701"


def test_record_iri_and_base_iri(seed):
    page = render_page(seed, "https://example.org/r", record_iri="https://example.org/r/pubmed-7919701-2")
    import rdflib

    g = embedded_graph(parse(page))
    assert (rdflib.URIRef("https://example.org/r/pubmed-7919701-2"), None, None) in g
    assert 'href="pubmed-7919701-2.bib"' in page
    with pytest.raises(ValueError):
        render_page(seed, "not an iri")
    with pytest.raises(ValueError):
        render_page(seed, BASE, record_iri='https://example.org/r/a"b')


def test_template_can_be_overridden(seed, tmp_path, monkeypatch):
    (tmp_path / "record.html").write_text("<!DOCTYPE html><title>$title</title><h1>$title_html</h1>\n", encoding="utf-8")
    monkeypatch.setenv("EXPORTER_TEMPLATES", str(tmp_path))
    page = render_page(seed, BASE)
    assert page.startswith("<!DOCTYPE html><title>Optimizing patient partnership")
    (tmp_path / "record.html").write_text("<title>$titel</title>", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown placeholder 'titel'"):
        render_page(seed, BASE)


# -- hostile data ---------------------------------------------------------------------------

EVIL = '</script><script>alert(1)</script> "quoted" & <!-- <script> $title ${jsonld} \'single\''


@pytest.fixture(scope="module")
def hostile() -> Record:
    return Record(
        type="article-journal",
        title=EVIL,
        contributors=(
            Contributor(family='O"Brien</script>', given="<b>Ann</b> & Co"),
            Contributor(literal='"><script>alert(2)</script>'),
        ),
        container=Container(title=EVIL, volume='1"><x', issue="</style>", page_start="1&2", page_end="<9>"),
        issued=DateValue(PartialDate(2020, 2, 29)),
        publisher=EVIL,
        identifiers=(Identifier("doi", '10.1000/"></a><script>alert(3)</script>'), Identifier("isbn", "<isbn>")),
        links=(Link("javascript:alert(4)"), Link('https://example.org/x"onmouseover="alert(5)')),
        abstract=EVIL + "\n\nsecond <i>paragraph</i> <img src=x onerror=alert(6)>",
        subjects=(Subject("</li><script>alert(7)</script>"),),
        language='en"><script>',
        rights=Rights(statement=EVIL, license_url="javascript:alert(8)", license_name=EVIL),
        key="hostile</script>",
    )


def test_hostile_page_has_one_script_with_the_data(hostile):
    page = render_page(hostile, BASE)
    p = parse(page)
    assert len(p.scripts) == 1, "data opened or closed a script element"
    assert p.tags.count("script") == 1 and "img" not in p.tags and "x" not in p.tags
    data = json.loads(p.scripts[0]["text"])  # type: ignore[arg-type]
    assert data["name"] == EVIL
    # nothing in the script text can end it or start an escaped-script state
    text = p.scripts[0]["text"]
    assert "<" not in text and ">" not in text  # type: ignore[operator]


def test_hostile_values_survive_attributes_exactly(hostile):
    p = parse(render_page(hostile, BASE))
    assert p.values("citation_title") == [EVIL]
    assert p.values("citation_journal_title") == [EVIL]
    assert p.values("citation_publisher") == [EVIL]
    assert p.values("citation_author") == ['O"Brien</script>, <b>Ann</b> & Co', '"><script>alert(2)</script>']
    assert p.values("citation_volume") == ['1"><x']
    assert p.values("citation_doi") == ['10.1000/"></a><script>alert(3)</script>']
    assert p.values("citation_publication_date") == ["2020/02/29"]
    assert p.values("DC.title") == [EVIL]
    assert p.h1 == EVIL
    # the template placeholders in the data were not substituted
    assert "${jsonld}" in p.h1


def test_hostile_links_are_only_web_addresses(hostile):
    p = parse(render_page(hostile, BASE))
    hrefs = [h for h in p.anchors if h]
    assert not [h for h in hrefs if h.lower().startswith("javascript")]
    for h in hrefs:
        assert '"' not in h and "<" not in h and " " not in h
    assert "https://doi.org/10.1000/%22%3E%3C/a%3E%3Cscript%3Ealert(3)%3C/script%3E" in hrefs


def test_hostile_embedded_jsonld_is_the_dump_graph(hostile):
    assert_same_graph(embedded_graph(parse(render_page(hostile, BASE))), dump_graph(hostile))


def test_hostile_cases_file():
    for record in read(REPO / "tests" / "cases" / "hostile-book.csl.json"):
        page = render_page(record, BASE)
        p = parse(page)
        assert len(p.scripts) == 1
        assert p.values("citation_title") == [to_plain(record.full_title)]
        assert_same_graph(embedded_graph(p), dump_graph(record))
    # rich text in titles is shown as markup, anything else as text
    assert "<h1 id=\"title\">A chapter on <i>E. coli</i> and CO<sub>2</sub></h1>" in page


def test_author_names_in_meta_tags():
    record = Record(title="T", contributors=(
        Contributor(given="Plato"), Contributor(literal="World Health Organization"),
        Contributor(family="Gogh", particle="van", given="Vincent"), Contributor(family="Smith", role="editor")))
    p = parse(render_page(record, BASE, styles=()))
    assert p.values("citation_author") == ["Plato", "World Health Organization", "van Gogh, Vincent"]
    assert p.values("citation_editor") == ["Smith"]
    assert p.values("DC.creator") == ["Plato", "World Health Organization", "van Gogh, Vincent"]
    assert p.values("DC.contributor") == ["Smith"]


@pytest.mark.parametrize(("rtype", "tag"), [
    ("article-journal", "citation_journal_title"), ("paper-conference", "citation_conference_title"),
    ("chapter", "citation_inbook_title"), ("book", None)])
def test_container_tag_by_type(rtype, tag):
    record = Record(type=rtype, title="T", container=Container(title="C", volume="4", issue="2", page_start="10", page_end="19"))
    p = parse(render_page(record, BASE, styles=()))
    for t in ("citation_journal_title", "citation_conference_title", "citation_inbook_title"):
        assert p.values(t) == (["C"] if t == tag else [])
    assert (p.values("citation_volume"), p.values("citation_issue")) == (["4"], ["2"])
    assert (p.values("citation_firstpage"), p.values("citation_lastpage")) == (["10"], ["19"])


def test_thesis_report_and_links():
    thesis = Record(type="thesis", title="T", publisher="Uni", identifiers=(Identifier("isbn", "9780306406157"),),
                    links=(Link("https://example.org/landing", relation="landing-page"), Link("https://example.org/t.pdf")))
    p = parse(render_page(thesis, BASE, styles=()))
    assert p.values("citation_dissertation_institution") == ["Uni"]
    assert p.values("citation_isbn") == ["9780306406157"]
    assert p.values("DC.identifier") == ["urn:isbn:9780306406157"]
    assert p.values("citation_abstract_html_url") == ["https://example.org/landing"]
    assert p.values("citation_pdf_url") == ["https://example.org/t.pdf"]
    report = Record(type="report", title="R", publisher="Agency", number="TR-1")
    p = parse(render_page(report, BASE, styles=()))
    assert p.values("citation_technical_report_institution") == ["Agency"]
    assert p.values("citation_technical_report_number") == ["TR-1"]


def test_empty_record_renders():
    p = parse(render_page(Record(), BASE, styles=()))
    assert p.h1 == "Untitled record"
    assert p.values("citation_title") == []
    assert len(p.scripts) == 1


# -- a real browser -------------------------------------------------------------------------

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium binary installed (Debian: apt-get install -y chromium)")


def browser_dom(page: Path, tmp_path: Path) -> str:
    """The DOM as headless Chromium builds it from a file:// URL; no network is used."""
    profile = tmp_path / "chromium-profile"
    cmd = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--no-first-run", "--no-default-browser-check",
        "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri(),
    ]
    env = dict(os.environ, HOME=str(tmp_path))  # chromium writes caches under $HOME
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, env=env, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("chromium did not finish within 90 s")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout, done.stderr[-2000:]
    return done.stdout


def test_browser_renders_seed_page(seed, seed_page, tmp_path):
    path = tmp_path / "pubmed-7919701.html"
    path.write_text(seed_page, encoding="utf-8")
    dom = parse(browser_dom(path, tmp_path))
    assert dom.h1 == "Optimizing patient partnership in primary care improvement: A qualitative study"
    assert len(dom.figures) == 3
    assert "Alidina, S., Martelli, P. F., Singer, S. J., & Aveling, E.-L. (2021)" in dom.figures[0]
    assert dom.values("citation_author") == ["Alidina, Shehnaz", "Martelli, Peter F.", "Singer, Sara J.", "Aveling, Emma-Louise"]
    assert dom.values("citation_doi") == ["10.1097/HMR.0000000000000250"]
    # the JSON-LD as the browser's DOM holds it is the dump's graph
    assert_same_graph(embedded_graph(dom), dump_graph(seed))


def test_browser_keeps_hostile_data_inert(hostile, tmp_path):
    path = tmp_path / "hostile.html"
    path.write_text(render_page(hostile, BASE), encoding="utf-8")
    dom = parse(browser_dom(path, tmp_path))
    assert dom.tags.count("script") == 1 and "img" not in dom.tags
    assert dom.h1 == EVIL
    assert dom.values("citation_title") == [EVIL]
    assert_same_graph(embedded_graph(dom), dump_graph(hostile))


def test_default_formats_are_registered_writers():
    from exporter import writer_names

    assert set(DEFAULT_FORMATS) <= set(writer_names())
