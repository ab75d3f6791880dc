"""Files that ship with exporter: the templates in the repository's ``templates/`` folder.

A wheel carries them inside the package (``exporter/templates``, see pyproject.toml); a source
checkout has them beside the package. A user may point ``EXPORTER_TEMPLATES`` at a folder of
their own to override any of them.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def template_dirs() -> list[Path]:
    """Where templates are looked up, first match wins."""
    dirs = []
    if os.environ.get("EXPORTER_TEMPLATES"):
        dirs.append(Path(os.environ["EXPORTER_TEMPLATES"]))
    dirs += [_PACKAGE / "templates", _PACKAGE.parent / "templates"]
    return [d for d in dirs if d.is_dir()]


def template_path(name: str) -> Path:
    for folder in template_dirs():
        path = folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"template {name!r} not found in {', '.join(map(str, template_dirs())) or 'no template folder'}")
