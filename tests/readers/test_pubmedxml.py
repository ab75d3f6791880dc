"""PubMed XML reader: markup, authors, dates, ids, abstract sections, subjects, safety."""

from __future__ import annotations

from reader_support import errors, read_text

ARTICLE = """<PubmedArticle>
<MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">{pmid}</PMID>
<Article PubModel="Print-Electronic">
<Journal>
<ISSN IssnType="Electronic">1552-4469</ISSN>
<JournalIssue CitedMedium="Internet"><Volume>4</Volume><Issue>2</Issue>
<PubDate>{date}</PubDate></JournalIssue>
<Title>Nature chemical biology</Title><ISOAbbreviation>Nat Chem Biol</ISOAbbreviation>
</Journal>
<ArticleTitle>Drug screening with <i>phospho</i>specific flow cytometry<sup>2</sup>.</ArticleTitle>
<Pagination><MedlinePgn>132-42</MedlinePgn></Pagination>
<ELocationID EIdType="doi" ValidYN="Y">10.1038/nchembio.2007.59</ELocationID>
<Abstract>
<AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Why.</AbstractText>
<AbstractText Label="RESULTS">What.</AbstractText>
<CopyrightInformation>© 2008 Nature</CopyrightInformation>
</Abstract>
<AuthorList CompleteYN="Y">
<Author ValidYN="Y"><LastName>Krutzik</LastName><ForeName>Peter O</ForeName><Initials>PO</Initials>
<Identifier Source="ORCID">https://orcid.org/0000-0002-1825-0097</Identifier>
<AffiliationInfo><Affiliation>Stanford.</Affiliation></AffiliationInfo></Author>
<Author ValidYN="Y"><CollectiveName>ALICE Collaboration</CollectiveName></Author>
</AuthorList>
<Language>eng</Language>
<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
<ArticleDate DateType="Electronic"><Year>2008</Year><Month>01</Month><Day>13</Day></ArticleDate>
</Article>
<MedlineJournalInfo><MedlineTA>Nat Chem Biol</MedlineTA><ISSNLinking>1552-4450</ISSNLinking></MedlineJournalInfo>
<MeshHeadingList><MeshHeading><DescriptorName UI="D1" MajorTopicYN="N">Flow Cytometry</DescriptorName>
<QualifierName UI="Q1" MajorTopicYN="Y">methods</QualifierName></MeshHeading></MeshHeadingList>
<KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">screening</Keyword></KeywordList>
</MedlineCitation>
<PubmedData><ArticleIdList>
<ArticleId IdType="pubmed">{pmid}</ArticleId><ArticleId IdType="pmc">PMC2000001</ArticleId>
</ArticleIdList>
<ReferenceList><Reference><Citation>Other.</Citation><ArticleIdList><ArticleId IdType="doi">10.9999/cited</ArticleId></ArticleIdList></Reference></ReferenceList>
</PubmedData>
</PubmedArticle>
"""


def pubmed_set(*articles: str, doctype: str = "") -> str:
    return f'<?xml version="1.0"?>\n{doctype}<PubmedArticleSet>\n' + "".join(articles) + "</PubmedArticleSet>\n"


def article(pmid: str = "18157116", date: str = "<Year>2008</Year><Month>Feb</Month>") -> str:
    return ARTICLE.format(pmid=pmid, date=date)


def test_article() -> None:
    records, problems = read_text("pubmed-xml", pubmed_set(article()))
    assert problems == []
    (r,) = records
    assert r.type == "article-journal"
    assert r.title == "Drug screening with <i>phospho</i>specific flow cytometry<sup>2</sup>"
    assert [c.display_name() for c in r.contributors] == ["Peter O. Krutzik", "ALICE Collaboration"]
    assert r.contributors[0].orcid == "0000-0002-1825-0097"
    assert r.contributors[0].affiliations == ("Stanford.",)
    assert r.contributors[1].literal == "ALICE Collaboration"
    assert r.issued is not None and r.issued.iso() == "2008-02"
    assert r.online is not None and r.online.iso() == "2008-01-13"
    assert r.container is not None
    assert (r.container.title, r.container.short_title, r.container.volume, r.container.issue) == ("Nature chemical biology", "Nat Chem Biol", "4", "2")
    assert (r.container.page_start, r.container.page_end) == ("132", "142")
    assert r.doi == "10.1038/nchembio.2007.59" and r.pmid == "18157116" and r.pmcid == "PMC2000001"
    assert "10.9999/cited" not in r.ids("doi")
    assert r.ids("eissn") == ("1552-4469",) and r.ids("issn") == ("1552-4450",)
    assert r.abstract == "BACKGROUND: Why.\nRESULTS: What."
    assert r.rights is not None and r.rights.statement == "© 2008 Nature"
    assert r.language == "en"
    assert [(s.term, s.scheme) for s in r.subjects] == [
        ("Flow Cytometry/*methods", "mesh"), ("screening", "keyword"), ("Journal Article", "publication-type"),
    ]


def test_medline_date_and_season() -> None:
    records, _ = read_text("pubmed-xml", pubmed_set(
        article("1", "<MedlineDate>1998 Dec-1999 Jan</MedlineDate>"),
        article("2", "<Year>1990</Year><Season>Spring</Season>"),
    ))
    assert records[0].issued is not None and records[0].issued.iso() == "1998-12/1999-01"
    assert records[1].issued is not None and records[1].issued.start is not None
    assert (records[1].issued.start.year, records[1].issued.start.season) == (1990, 1)


def test_malformed_article_between_good_ones() -> None:
    bad = article("2").replace("<Volume>4</Volume>", "<Volume>4</Volumen>")
    records, problems = read_text("pubmed-xml", pubmed_set(article("1"), bad, article("3")))
    assert [r.pmid for r in records] == ["1", "3"]
    (problem,) = errors(problems)
    assert problem.record == 2 and "malformed XML" in problem.reason and problem.line is not None and problem.line > 40


def test_entity_declarations_refused_and_nothing_expanded() -> None:
    bomb = (
        '<!DOCTYPE PubmedArticleSet [\n<!ENTITY lol "lol">\n'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
        + "]>\n"
    )
    uses = article("2").replace("Why.", "&lol9;")
    records, problems = read_text("pubmed-xml", pubmed_set(article("1"), uses, doctype=bomb))
    assert [r.pmid for r in records] == ["1"]
    reasons = [p.reason for p in errors(problems)]
    assert any("declares entities" in r for r in reasons)
    assert any("undefined entity" in r for r in reasons)


def test_external_entity_is_not_resolved(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    doctype = f'<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    records, problems = read_text("pubmed-xml", pubmed_set(article("1").replace("Why.", "&xxe;"), doctype=doctype))
    assert records == []
    assert all("TOP SECRET" not in (p.raw or "") + p.reason for p in problems)
    assert errors(problems)


def test_book_article() -> None:
    book = """<PubmedBookArticle><BookDocument><PMID Version="1">20301295</PMID>
<Book><Publisher><PublisherName>University of Washington</PublisherName><PublisherLocation>Seattle</PublisherLocation></Publisher>
<BookTitle book="gene">GeneReviews</BookTitle><PubDate><Year>1993</Year></PubDate></Book>
<ArticleTitle>Alpha-Thalassemia.</ArticleTitle>
<AuthorList Type="authors"><Author><LastName>Origa</LastName><ForeName>Raffaella</ForeName></Author></AuthorList>
<AuthorList Type="editors"><Author><LastName>Adam</LastName><ForeName>Margaret P</ForeName></Author></AuthorList>
</BookDocument></PubmedBookArticle>"""
    (r,), _ = read_text("pubmed-xml", pubmed_set(book))
    assert (r.type, r.title, r.publisher, r.place) == ("chapter", "Alpha-Thalassemia", "University of Washington", "Seattle")
    assert r.container is not None and r.container.title == "GeneReviews"
    assert [(c.family, c.role) for c in r.contributors] == [("Origa", "author"), ("Adam", "editor")]
