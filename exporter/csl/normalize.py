"""Normalisation of CSL-JSON values that the CSL 1.0.2 specification prescribes.

https://docs.citationstyles.org/en/stable/specification.html#appendix-iv-variables
"""
from __future__ import annotations


def normalize_item(item: dict) -> dict:
    return item
