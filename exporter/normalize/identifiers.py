"""Identifiers: recognise DOI, PMID and PMCID in URLs and normalise them.

* DOI: ``10.<registrant>/<suffix>`` (https://www.doi.org/the-identifier/resources/handbook);
  stored without resolver prefix, as given (DOIs are case-insensitive; we do not fold case).
* PMID: digits (https://pubmed.ncbi.nlm.nih.gov/<pmid>/).
* PMCID: "PMC" + digits (https://pmc.ncbi.nlm.nih.gov/articles/<pmcid>/).
* ISBN, ISSN, ISMN, ISRC: check digits checked with python-stdnum (:func:`identifier_problem`).
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any
from urllib.parse import unquote

from ..model import Identifier

DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.I)
_DOI_URL = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/(10\.\d{4,9}/.+)$|^doi:\s*(10\..+)$", re.I)
_PMID_URL = re.compile(
    r"^https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pubmed|pubmed\.ncbi\.nlm\.nih\.gov)/(\d+)/?$", re.I
)
_PMC_URL = re.compile(
    r"^https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc/articles|pmc\.ncbi\.nlm\.nih\.gov/articles)"
    r"/(PMC\d+)/?$",
    re.I,
)
_ISSN = re.compile(r"^(\d{4})-?(\d{3}[\dXx])$")


def identifier_from_url(url: str) -> Identifier | None:
    """The identifier a URL merely spells (doi.org, PubMed, PMC addresses), or None."""
    url = url.strip()
    m = _DOI_URL.match(url)
    if m:
        return Identifier("doi", clean_doi(unquote(m.group(1) or m.group(2))))
    m = _PMID_URL.match(url)
    if m:
        return Identifier("pmid", m.group(1))
    m = _PMC_URL.match(url)
    if m:
        return Identifier("pmcid", m.group(1).upper())
    return None


def clean_doi(text: str) -> str | None:
    text = text.strip()
    m = _DOI_URL.match(text)
    if m:
        text = m.group(1) or m.group(2)
    m = DOI.search(text)
    if not m:
        return None
    doi = m.group(1).rstrip(".,;")  # punctuation after a DOI in running text is not part of it
    # a closing bracket is part of a DOI only when the DOI opened it: "10.1016/0021-9258(19)..."
    # keeps its ")", "(see 10.1000/xyz)" does not
    while doi[-1:] in (")", "]") and doi.count("(" if doi[-1] == ")" else "[") < doi.count(doi[-1]):
        doi = doi[:-1].rstrip(".,;")
    prefix, _, suffix = doi.partition("/")
    return doi if suffix else None


def clean_pmcid(text: str) -> str | None:
    text = text.strip().upper()
    if text.isdigit():
        return "PMC" + text
    return text if re.fullmatch(r"PMC\d+", text) else None


def clean_issn(text: str) -> str | None:
    m = _ISSN.match(text.strip())
    return f"{m.group(1)}-{m.group(2).upper()}" if m else None


def clean_isbn(text: str) -> str | None:
    digits = re.sub(r"[^0-9Xx]", "", text.split(" ")[0]).upper()
    return digits if len(digits) in (10, 13) else None


def doi_url(doi: str) -> str:
    return "https://doi.org/" + doi


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def pmc_url(pmcid: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"


@functools.cache
def _stdnum(name: str) -> Any:
    return importlib.import_module(f"stdnum.{name}")


#: Identifier schemes with a check digit, and the python-stdnum module that checks it.
_CHECKED = {"isbn": "isbn", "issn": "issn", "eissn": "issn", "ismn": "ismn", "isrc": "isrc"}


def identifier_problem(scheme: str, value: str) -> str | None:
    """Why ``value`` is not a valid identifier of ``scheme`` (a wrong check digit, a wrong
    length), or None when it is valid or the scheme has no rule we check. Uses python-stdnum
    (https://arthurdejong.org/python-stdnum/) for the check digits."""
    module_name = _CHECKED.get(scheme)
    if module_name is not None:
        from stdnum.exceptions import ValidationError

        module = _stdnum(module_name)
        try:
            module.validate(value)
        except ValidationError as exc:
            return f"{scheme.upper()} {value!r} is not valid ({str(exc).rstrip('.').lower()}); kept as given"
        return None
    if scheme == "doi" and clean_doi(value) != value:
        return f"DOI {value!r} is not a DOI as written; kept as given"
    return None
