"""``exporter serve``: the HTTP publication of a record store (see :mod:`exporter.serve.app`).

The server is uvicorn (https://www.uvicorn.org/) running the Starlette application; with
``workers`` above 1, uvicorn starts that many processes on one socket, each with its own
read-only view of the store. It listens on 127.0.0.1 unless told otherwise; behind a reverse
proxy, give ``--base-iri`` the public address of the records.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from typing import Any

from ..problems import ExporterError

__all__ = ["serve", "sparql_base_warning"]

WILDCARDS = ("0.0.0.0", "::", "")


def sparql_base_warning(store: str, base_iri: str | None) -> str | None:
    """Why /sparql would name the records by other IRIs than the server does, or None."""
    from ..store import RecordStore

    with RecordStore(store) as opened:
        built_for = opened.meta("sparql_base_iri")
    if built_for is None or built_for == base_iri:
        return None
    return (f"the SPARQL store has the records as <{built_for}{{id}}>, this server as "
            f"<{base_iri or '/record/'}{{id}}>; give both the same base IRI "
            f"(exporter load --store {store} --base-iri IRI --sparql)")


def serve(*, store: str, host: str = "127.0.0.1", port: int = 8080, workers: int = 1,
          log_level: str = "warning", **options: Any) -> int:
    """Run the server until interrupted (Ctrl-C, SIGTERM)."""
    try:
        import uvicorn

        from .app import CONFIG_VARIABLE, ServeConfig, create_app
    except ImportError as exc:
        raise ExporterError(f"serve needs the serve extra: pip install 'exporter[serve]' ({exc.name} is missing)") from exc
    if workers < 1:
        raise ExporterError("--workers must be at least 1")
    if options.get("base_iri") is None:
        from ..store import RecordStore

        with RecordStore(store) as opened:
            shown = f"[{host}]" if ":" in host else host
            options["base_iri"] = opened.meta("base_iri")
            if options["base_iri"] is None and host not in WILDCARDS:
                options["base_iri"] = f"http://{shown}:{port}/record/"
            # on a wildcard address, record IRIs follow the address each request came to
    config = ServeConfig(store=os.path.abspath(store), **{k: v for k, v in options.items() if v is not None})
    warning = sparql_base_warning(store, config.base_iri) if config.sparql else None
    if warning:
        print(f"exporter: warning: {warning}", file=sys.stderr)
    create_app(config).state.site.close()  # fail here, with a message, if the store or SPARQL store is bad
    os.environ[CONFIG_VARIABLE] = json.dumps(asdict(config))
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"exporter: listening on {host}: reachable from other machines", file=sys.stderr)
    records_at = f"{config.base_iri}{{id}}" if config.base_iri else "/record/{id} of the address asked"
    print(f"exporter: serving {store} at http://{host}:{port}/ (records at {records_at})", file=sys.stderr)
    uvicorn.run("exporter.serve.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, access_log=False, server_header=False)
    return 0
