"""CSL-JSON -> Record -> CSL-JSON gives back every variable of every type.

The variables and types come from the CSL-JSON schema itself
(../shared/corpus/csl-schema/v1.0/csl-data.json), not from a hand list: a variable the
Record cannot hold, or a type it maps to another, fails here.  The one thing allowed to
change is what is derived or renamed on purpose: ``page-first`` is written when ``page``
has a first page (citeproc-py does not derive it), a lone ``page-first`` is also written as
the ``page``, and the schema's old spellings
(``event``, ``shortTitle``, ``journalAbbreviation``) come back under their CSL 1.0.2 names.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from exporter import read, write

SCHEMA = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "csl-schema" / "v1.0" / "csl-data.json"
RENAMED = {"event": "event-title", "shortTitle": "title-short",
           "journalAbbreviation": "container-title-short"}


def _schema() -> dict:
    if not SCHEMA.is_file():
        pytest.skip(f"CSL schema not found at {SCHEMA}")
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _kind(spec: dict) -> str:
    ref = spec.get("$ref") or spec.get("items", {}).get("$ref") or ""
    if ref.endswith("name-variable"):
        return "names"
    if ref.endswith("date-variable"):
        return "date"
    if spec.get("type") == "array":
        return "list"
    if spec.get("type") == "object":
        return "object"
    return "text"


def _sample(var: str, kind: str) -> object:
    """A value of the variable's kind that a careful reader must keep exactly."""
    special = {"DOI": "10.1000/xyz.123", "URL": "https://example.org/item", "ISBN": "9780306406157",
               "ISSN": "0378-5955", "PMID": "12345678", "PMCID": "PMC1234567", "page": "12-15",
               "page-first": "12", "keyword": "alpha, beta", "language": "de-CH", "source": "PubMed"}
    if var in special:
        return special[var]
    if kind == "names":
        return [{"family": f"Family {var}", "given": "Given"}, {"literal": f"Body of {var}"}]
    if kind == "date":
        return {"date-parts": [[2020, 5, 17]]}
    if kind == "list":
        return [f"{var} one", f"{var} two"]
    return f"value of {var}"


def _variables(schema: dict) -> dict[str, str]:
    props = schema["items"]["properties"]
    return {var: _kind(spec) for var, spec in props.items()
            if var not in ("id", "type", "custom", "citation-key")}


def _types(schema: dict) -> list[str]:
    return schema["items"]["properties"]["type"]["enum"]


def _expected(item: dict) -> dict:
    out = {RENAMED.get(k, k): v for k, v in item.items()}
    if "page" in out and "page-first" not in out:
        out["page-first"] = out["page"].split("-")[0]
    if "page-first" in out and "page" not in out:
        out["page"] = out["page-first"]
    return out


def _round_trip(item: dict) -> dict:
    (record,) = read(io.StringIO(json.dumps([item])), "csl-json")
    (back,) = json.loads(write([record], "csl-json"))
    return back


def test_the_schema_is_what_we_think():
    schema = _schema()
    variables = _variables(schema)
    assert len(variables) > 90 and len(_types(schema)) > 40
    assert {"version", "status", "section", "submitted", "author", "categories"} <= set(variables)


def test_every_variable_of_every_type_comes_back():
    schema = _schema()
    variables = _variables(schema)
    failures = []
    for ctype in _types(schema):
        for var, kind in variables.items():
            item = {"id": f"{ctype}-{var}", "type": ctype, var: _sample(var, kind)}
            back = _round_trip(item)
            if back != _expected(item):
                failures.append(f"{ctype}/{var}: {json.dumps(item)[:120]} -> {json.dumps(back)[:200]}")
    assert not failures, f"{len(failures)} variables changed, e.g.\n" + "\n".join(failures[:15])


def test_all_variables_at_once_in_every_type_and_valid_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = _schema()
    variables = {v: k for v, k in _variables(schema).items() if v not in RENAMED}
    for ctype in _types(schema):
        item = {"id": f"all-{ctype}", "type": ctype,
                **{var: _sample(var, kind) for var, kind in variables.items()}}
        back = _round_trip(item)
        assert back == _expected(item), ctype
        jsonschema.validate([back], schema)


def test_orcids_stay_with_their_person_when_roles_interleave():
    from exporter.model import Contributor, Record
    record = Record(type="chapter", title="t", key="x", contributors=(
        Contributor(family="A1", orcid="0000-0001-0000-0001"),
        Contributor(family="E1", role="editor", orcid="0000-0002-0000-0002"),
        Contributor(family="A2", orcid="0000-0003-0000-0003")))
    text = write([record], "csl-json")
    (back,) = read(io.StringIO(text), "csl-json")
    assert back.contributors == record.contributors
    assert [(c.family, c.orcid) for c in back.contributors] == [
        ("A1", "0000-0001-0000-0001"), ("E1", "0000-0002-0000-0002"), ("A2", "0000-0003-0000-0003")]


def test_name_flags_survive():
    item = {"id": "n", "type": "book", "author": [
        {"family": "Gates", "given": "Bill", "suffix": "Jr.", "comma-suffix": True},
        {"family": "毛", "given": "泽东", "static-ordering": True}]}
    assert _round_trip(item) == item


def test_unknown_keys_are_kept_not_dropped():
    item = {"id": "u", "type": "book", "title": "T", "citation-label": "Lab01",
            "x-vendor": "kept", "x-struct": {"a": [1, 2]}}
    back = _round_trip(item)
    assert back["citation-label"] == "Lab01"  # a schema variable: written back in place
    assert ["csl:x-vendor", "kept"] in back["custom"]["extra"]  # not a schema key: in custom
    assert ["csl:x-struct", '{"a": [1, 2]}'] in back["custom"]["extra"]
    assert _round_trip(back) == back
