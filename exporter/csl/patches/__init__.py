"""Corrections to citeproc-py 0.11.1, applied when exporter.csl is imported.

Each module patches one area and each patch names the CSL 1.0.2 rule it
implements (https://docs.citationstyles.org/en/stable/specification.html).
citeproc-py itself (site-packages) is never edited.
"""
from . import (  # noqa: F401
               citation,
               dates,
               groups,
               layout,
               names,
               performance,
               punctuation,
               sorting,
               substitute,
               terms,
               textcase,
               variables,
)

layout.install_display()  # wraps the patched render methods, so it comes last
