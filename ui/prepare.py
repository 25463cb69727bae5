"""Prepare the app's first page before the server starts (``make run`` runs ``python -m ui.prepare``).

The first page shows the default study (the sample city, 8 minutes, 4.5 km/h, the default layers).
This computes what it shows once and leaves it in the data-only disk cache (:mod:`geo.disk_cache`):
the walking network and basemap layers, the estimated residents, the coverage run
(:mod:`analysis.result_cache`), the level tables and the coverage map as the map component's input
(:mod:`ui.maps.frame`). Every entry is keyed by its inputs' content and the code that made it, so
after a change of data or code the next run rebuilds it. Takes about 3 s the first time, well under
a second when everything is already cached (then nothing is written).

    python -m ui.prepare            # Chinese page (the default language)
    python -m ui.prepare --lang zh,en
"""

from __future__ import annotations

import argparse
import logging
import sys
import time


#: Streamlit's loggers that note "no script run context" / "session state does not function":
#: expected when the caches are filled outside a page (here and in ui.serve's background thread)
NOISY = ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.state.session_state_proxy",
         "streamlit.runtime.caching.cache_data_api", "streamlit.runtime.caching.cache_resource_api",
         "streamlit.runtime.caching", "streamlit.runtime.state")


def quiet_streamlit() -> None:
    """Silence :data:`NOISY` below ERROR (only those loggers)."""
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.ERROR)


def prepare(langs: tuple[str, ...] = ("zh",)) -> dict[str, float]:
    """Build (or check) the cached first page for each language; seconds per step.

    Parameters
    ----------
    langs : tuple of str
        Page languages ("zh", "en").

    Returns
    -------
    dict of str to float
        Wall seconds of each step.
    """
    import streamlit  # noqa: F401  (sets up its loggers; then the noisy ones are quieted)

    quiet_streamlit()
    from ui import page_coverage, state
    from ui.shell import Settings

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    ds = state.dataset({})  # the sample city, no uploads
    times["data"] = time.perf_counter() - t0
    for lang in langs:
        s = Settings(lang=lang)  # the sidebar's defaults
        t0 = time.perf_counter()
        base = state.current_coverage(ds, s.minutes, s.speed_kmh, s.include_stations)
        key = state.coverage_key(ds, s.minutes, s.speed_kmh, s.include_stations)
        times["coverage"] = times.get("coverage", 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        state.level_tables(base, key)
        times["tables"] = times.get("tables", 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        state.map_frame(ds, s.minutes, s.speed_kmh, s.include_stations, page_coverage.map_options(s, None),
                        lambda: page_coverage.build_map(ds, base, s, None)[0])
        times[f"map_{lang}"] = time.perf_counter() - t0
    return times


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m ui.prepare [--lang zh,en]``; prints what took how long.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0, also when preparing failed (the app then computes its first page itself); 2 for an
        unknown language.
    """
    ap = argparse.ArgumentParser(description="Prepare the app's first page (data-only disk cache).")
    ap.add_argument("--lang", default="zh", help="comma-separated page languages (zh, en)")
    args = ap.parse_args(argv)
    langs = tuple(x.strip() for x in args.lang.split(",") if x.strip())
    bad = [x for x in langs if x not in ("zh", "en")]
    if bad:
        print(f"未知语言 unknown language: {', '.join(bad)} (zh, en)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        times = prepare(langs)
    except Exception as err:  # noqa: BLE001 - the app still starts and computes on its first page
        print(f"首页预计算失败，应用启动后将直接计算 / Could not prepare the first page "
              f"(the app computes it when opened): {err}", file=sys.stderr)
        return 0
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in times.items())
    print(f"首页已就绪 First page ready in {time.perf_counter() - t0:.2f} s ({steps})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
