"""The dataset description beside a dump: VoID, DCAT and schema:Dataset, as Turtle
(``void.ttl``) and JSON-LD (``void.jsonld``).

The text comes from ``templates/dataset.ttl`` (a library puts its own name and licence there,
or passes them as options); this module fills in the numbers: records, triples, and for each
shard file its download name, size, media type and SHA-256. The filled template is parsed
with rdflib, so a broken template is an error, not a broken file.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from ..problems import ExporterError
from ..resources import template_path

if TYPE_CHECKING:
    from .dump import DumpConfig, DumpResult

DEFAULTS = {
    "title": "Bibliographic records as linked data",
    "description": "Catalogue records mapped to schema.org by exporter.",
    "publisher": "Unnamed library",
    "license": "https://creativecommons.org/publicdomain/zero/1.0/",
}


CONTEXT = {
    "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "http://schema.org/", "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _turtle_string(text: str) -> str:
    from .terms import escape_literal

    return f'"{escape_literal(text)}"'


def _iri(text: str) -> str:
    from .terms import make_iri

    iri = make_iri(text)
    if iri is None:
        raise ExporterError(f"not an absolute IRI: {text!r}")
    return iri


def write_description(out: Path, result: "DumpResult", config: "DumpConfig", options: dict[str, str]) -> None:
    from .dump import FORMATS

    values = {**DEFAULTS, **{k: v for k, v in options.items() if v}}
    dataset_iri = _iri(values.get("dataset_iri") or config.base_iri.rstrip("/#") + "/dataset")
    distributions = []
    for shard in result.shards:
        for name, info in sorted(shard["files"].items()):
            media = FORMATS[info["format"]][1]
            distributions.append(
                f"    dcat:distribution [ a dcat:Distribution ; dcterms:title {_turtle_string(name)} ;\n"
                f"        dcat:downloadURL <{_iri(values['download_base'] + name) if values.get('download_base') else name}> ;\n"
                f"        dcat:mediaType \"{media}\" ; dcat:compressFormat \"application/gzip\" ;\n"
                f"        dcat:byteSize \"{info['bytes']}\"^^xsd:nonNegativeInteger ;\n"
                f"        void:triples {shard['triples']} ; void:entities {shard['records']} ;\n"
                f"        spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;\n"
                f"            spdx:checksumValue \"{info['sha256']}\"^^xsd:hexBinary ] ]"
            )
    fill = {
        "dataset_iri": dataset_iri,
        "title": _turtle_string(values["title"]),
        "description": _turtle_string(values["description"]),
        "publisher": _turtle_string(values["publisher"]),
        "license": _iri(values["license"]),
        "date": values.get("date") or date.today().isoformat(),
        "base_iri": config.base_iri,
        "records": str(result.records),
        "triples": str(result.triples),
        "distributions": " ;\n".join(distributions) + " ." if distributions else "    dcterms:type \"empty\" .",
    }
    try:
        text = Template(template_path("dataset.ttl").read_text(encoding="utf-8")).substitute(fill)
    except (KeyError, ValueError) as exc:
        raise ExporterError(f"templates/dataset.ttl: bad placeholder {exc}") from exc
    import rdflib

    graph = rdflib.Graph()
    # Relative download names resolve against the description's own address (the dump
    # folder, wherever it is published): parse against a placeholder base, and strip that
    # base again in the JSON-LD copy so that its names stay relative too.
    try:
        graph.parse(data=text, format="turtle", publicID=_PLACEHOLDER_BASE)
    except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds; all mean a bad template
        raise ExporterError(f"templates/dataset.ttl does not give valid Turtle: {exc}") from exc
    from rdflib.compare import to_canonical_graph

    from .dump import _atomic_write

    _atomic_write(out / "void.ttl", text)
    # the same bytes on every run: blank nodes get canonical labels (rdflib's otherwise
    # differ per run), and lists without an order of their own are sorted
    canonical = to_canonical_graph(graph)
    jsonld = _sorted(json.loads(canonical.serialize(format="json-ld", context=CONTEXT, auto_compact=True)))
    text_jsonld = json.dumps(jsonld, ensure_ascii=False, indent=1, sort_keys=True).replace(_PLACEHOLDER_BASE, "")
    _atomic_write(out / "void.jsonld", text_jsonld + "\n")


def _sorted(value: Any, ordered: bool = False) -> Any:
    """JSON-LD with every array sorted, except ``@list`` arrays, whose order is data."""
    if isinstance(value, dict):
        return {k: _sorted(v, ordered=(k == "@list")) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        return items if ordered else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


_PLACEHOLDER_BASE = "http://exporter.invalid/dump/"
