"""Start the app server with its first page loaded in the background (``make run`` uses this).

    python -m ui.serve [streamlit options, e.g. --server.port 8501]

The same as ``streamlit run app.py [options]``, plus one background thread in the server process
that, once the server answers, imports the first page's modules and fills the process caches of
``ui.state`` for the default study (sample city, default settings) from the disk cache
(``python -m ui.prepare``). The browser loads Streamlit's frontend meanwhile, so the first tab's
script run finds the modules imported and the figures and map ready instead of doing that work
after the page has connected. Nothing differs for the planner: the same caches would be filled by
the first page itself. If anything goes wrong in the background, the page computes as usual.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def _wait_for_server(timeout_s: float = 60.0) -> None:
    """Until the server accepts connections (so the preload does not slow its start-up)."""
    from streamlit import config, runtime

    t_end = time.monotonic() + timeout_s
    while time.monotonic() < t_end:
        if not runtime.exists():  # the options are final once the runtime exists
            time.sleep(0.05)
            continue
        try:
            port = int(config.get_option("server.port"))
            host = config.get_option("server.address") or "127.0.0.1"
            with socket.create_connection((host, port), timeout=0.2):
                return
        except (OSError, ValueError, TypeError, RuntimeError):
            time.sleep(0.05)


def preload() -> None:
    """Import the first page and fill ``ui.state``'s caches for the default study (never raises)."""
    try:
        _wait_for_server()
        t0 = time.perf_counter()
        from ui import prepare

        prepare.prepare(("zh",))
        print(f"ServiceCircle: first page preloaded in {time.perf_counter() - t0:.2f} s", file=sys.stderr, flush=True)
    except Exception as err:  # noqa: BLE001 - the first page computes what is missing
        print(f"ServiceCircle: background preload skipped ({type(err).__name__}: {err})", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """``streamlit run app.py`` with :func:`preload` in a background thread.

    Parameters
    ----------
    argv : list of str, optional
        Streamlit options (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Streamlit's exit code.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if os.environ.get("SERVICECIRCLE_NO_PRELOAD") != "1":
        threading.Thread(target=preload, name="servicecircle-preload", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *argv]
    try:
        cli.main(prog_name="streamlit")
    except SystemExit as e:
        return int(e.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
