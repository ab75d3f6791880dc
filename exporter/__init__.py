"""exporter: bibliographic records to citation and linked-data formats.

    from exporter import read, write, convert
    records = list(read("examples/seed-solr.json"))
    bibtex = write(records, "bibtex")
    convert("examples/seed-solr.json", "citation", "out.txt", style="apa")
"""

from .api import convert, read, write
from .model import (
    Container,
    Contributor,
    DateValue,
    Identifier,
    Link,
    PartialDate,
    Provenance,
    Record,
    Rights,
    Subject,
)
from .problems import ExporterError, Problem, RecordError
from .registry import reader_names, writer_names

__version__ = "0.1.0"

__all__ = [
    "read",
    "write",
    "convert",
    "reader_names",
    "writer_names",
    "Record",
    "Contributor",
    "Container",
    "DateValue",
    "PartialDate",
    "Identifier",
    "Link",
    "Subject",
    "Rights",
    "Provenance",
    "Problem",
    "ExporterError",
    "RecordError",
]
