"""Synthetic VuFind Solr documents shaped like the seed record, for benchmarks.

Deterministic for a given N: record i always has the same content.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

FAMILY = ["Alidina", "Martelli", "Singer", "Aveling", "Müller", "van der Berg", "O'Connor", "Nguyen", "García", "Smith"]
GIVEN = ["Shehnaz", "Peter F.", "Sara J.", "Emma-Louise", "Jürgen", "Anna", "Seán", "Thi Minh", "José", "John"]
WORDS = ("optimizing patient partnership primary care improvement qualitative study effects of "
         "randomized trial cohort outcomes analysis health policy review systematic evidence").split()
JOURNALS = ["Health Care Manage Rev", "BMJ Open", "PLoS One", "Lancet", "J Am Med Inform Assoc"]


def document(i: int) -> dict:
    rnd = random.Random(i)
    n_auth = rnd.randint(1, 8)
    authors = [f"{rnd.choice(FAMILY)}, {rnd.choice(GIVEN)}" for _ in range(n_auth)]
    title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 14))).capitalize()
    year = rnd.randint(1990, 2024)
    pmid = str(30000000 + i)
    pmc = f"PMC{7000000 + i}"
    doi = f"10.{1000 + i % 9000}/synthetic.{i}"
    journal = rnd.choice(JOURNALS)
    abstract = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(80, 250)))
    return {
        "id": f"pubmed-{i}",
        "author": authors,
        "author_facet": authors,
        "collection": ["PubMed"],
        "description": abstract,
        "format": ["Online", "Article", "Text"],
        "institution": ["National Center for Biotechnology Information"],
        "language": ["English"],
        "publishDate": [str(year)],
        "publisher": ["Lippincott Williams & Wilkins"],
        "record_format": "MEDLINE/PubMed",
        "spelling": f"pubmed-{i}{year}-03-01 {title} {' '.join(authors)} {journal} Features {abstract[:200]} "
                    f"Lippincott Williams & Wilkins {year} {year - 1}-05-23 Text en "
                    "Copyright © The Authors. Creative Commons Attribution License 4.0 (http://creativecommons.org/licenses/by/4.0/)",
        "title": title,
        "title_short": title,
        "topic": ["Features"],
        "url": [f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmc}/", f"https://www.ncbi.nlm.nih.gov/pubmed/{pmid}",
                f"http://dx.doi.org/{doi}"],
    }


def write_jsonl(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(document(i), ensure_ascii=False) + "\n")
    return path


def csl_item(i: int) -> dict:
    """The CSL-JSON item of :func:`document`'s record i (the fields a CSL-JSON export has)."""
    doc = document(i)
    rnd = random.Random(i)
    return {
        "id": doc["id"],
        "type": "article-journal",
        "title": doc["title"],
        "author": [dict(zip(("family", "given"), a.split(", ", 1))) for a in doc["author"]],
        "container-title": rnd.choice(JOURNALS),
        "issued": {"date-parts": [[int(doc["publishDate"][0])]]},
        "publisher": doc["publisher"][0],
        "abstract": doc["description"],
        "language": "en",
        "DOI": doc["url"][2].removeprefix("http://dx.doi.org/"),
        "PMID": str(30000000 + i),
        "URL": doc["url"][0],
        "volume": str(rnd.randint(1, 60)),
        "issue": str(rnd.randint(1, 12)),
        "page": f"{(p := rnd.randint(1, 900))}-{p + rnd.randint(1, 20)}",
    }


def write_csl_json(path: Path, n: int, indent: int | None = 2) -> Path:
    """A CSL-JSON array of n items, pretty-printed as ``json.dump(items, indent=2)`` does
    (Zotero and citeproc tools write it so), without holding the array in memory."""
    with path.open("w", encoding="utf-8") as f:
        f.write("[")
        for i in range(n):
            text = json.dumps(csl_item(i), ensure_ascii=False, indent=indent)
            if indent is not None:
                text = "\n" + "\n".join(" " * indent + line for line in text.split("\n"))
            f.write(("," if i else "") + text)
        f.write("\n]\n" if n else "]\n")
    return path
