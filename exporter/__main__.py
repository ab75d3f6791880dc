"""``python -m exporter``: the same as the ``exporter`` command."""

import sys

from .cli import main

sys.exit(main())
