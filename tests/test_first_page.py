"""Issue 16, target 1: the first page from the data-only disk cache.

* The default study's coverage run (``analysis.result_cache``) and its map (``ui.maps.frame``) are
  read back exactly; a changed input file, other parameters or changed code give another key
  (never a stale figure); a damaged or tampered entry is ignored and rebuilt.
* The cached first page shows the same headline figures and the same map layers as a computed one.
* The first page does not import the siting solvers, the report writers, Dask, psycopg or openpyxl
  (and, with a prepared cache, not even Folium).
No timings here: ``benchmarks/bench_issue16.py --only page`` measures them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pandas.testing import assert_frame_equal

import analysis.result_cache as rc
from analysis.params import WalkParams
from analysis.sample_city import DEMO_DIR
from analysis.study import load_study, run_study
from geo.disk_cache import cache_root, entry_dir

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
HEAVY = ("highspy", "weasyprint", "matplotlib", "dask", "distributed", "psycopg", "openpyxl",
         "analysis.siting", "analysis.report", "pulp")
MAP_LIBS = ("folium", "streamlit_folium", "jinja2", "branca", "scipy.sparse.csgraph", "scipy.spatial")


@pytest.fixture(scope="module")
def study():
    return load_study()


@pytest.fixture()
def cache_dir(tmp_path) -> Path:
    """An empty cache folder holding only the sample city's network and basemap entries (so the
    walking network is not rebuilt from the OSM file): every first-page entry starts missing."""
    d = tmp_path / "cache"
    d.mkdir()
    load_study()  # makes sure the project's cache has the network and basemap layers
    for kind in ("networks", "features", "transport"):
        if (cache_root() / kind).is_dir():
            shutil.copytree(cache_root() / kind, d / kind)
    return d


def _assert_same_result(a, b) -> None:
    assert a.summary == b.summary
    assert a.params == b.params and a.crs == b.crs
    for name in rc.FRAMES:
        fa, fb = getattr(a, name), getattr(b, name)
        if fa is None:
            assert fb is None, name
            continue
        assert type(fa) is type(fb), name
        assert_frame_equal(fa, fb, check_exact=True, obj=name)
        assert getattr(fa, "crs", None) == getattr(fb, "crs", None), name
    np.testing.assert_array_equal(a.node_time_min, b.node_time_min)
    for name in rc.SNAPS:
        for f in ("edge", "offset_m", "access_m", "on_network", "x", "y"):
            np.testing.assert_array_equal(getattr(getattr(a, name), f), getattr(getattr(b, name), f))


def _data_file(kind: str, key: str, cache: Path) -> Path:
    return next(p for p in entry_dir(kind, key, cache).iterdir() if p.name.startswith("data-"))


# -- the coverage run on disk ---------------------------------------------------------------------


def test_cached_run_is_the_computed_run(study, tmp_path):
    computed, key, hit = rc.cached_run_study(study, WalkParams(), cache_dir=tmp_path)
    assert key is not None and not hit
    again, key2, hit2 = rc.cached_run_study(study, WalkParams(), cache_dir=tmp_path)
    assert hit2 and key2 == key
    assert again.network is study.network
    _assert_same_result(computed, again)
    _assert_same_result(run_study(study, WalkParams()), again)  # and equal to a plain run


def test_key_follows_inputs_parameters_and_code(study, tmp_path, monkeypatch):
    p = WalkParams()
    key = rc.study_key(study, p)
    assert rc.study_key(load_study(), p) == key  # same inputs, same key
    assert rc.study_key(study, WalkParams(minutes=10)) != key
    assert rc.study_key(study, WalkParams(speed_kmh=3.0)) != key
    # a changed code file: copy the sources, change one byte of analysis/coverage.py
    for pkg in ("analysis", "geo"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    assert rc.code_fingerprint() == (monkeypatch.setattr(rc, "ROOT", tmp_path) or rc.code_fingerprint())
    src = tmp_path / "analysis" / "coverage.py"
    src.write_text(src.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert rc.study_key(study, p) != key
    monkeypatch.setattr(rc, "ROOT", ROOT)
    assert rc.study_key(study, p) == key


def test_changed_input_file_is_not_served_from_cache(tmp_path, monkeypatch):
    """The sample city's centers file edited on disk: the default study gets a new key and new figures."""
    import analysis.sample_city as sc

    demo = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, demo)
    monkeypatch.setattr(sc, "DEMO_DIR", demo)
    sc.load_sample_city.cache_clear()
    try:
        res1, key1, _ = rc.cached_run_study(load_study(), cache_dir=tmp_path / "c")
        assert key1 is not None
        sc.load_sample_city.cache_clear()
        assert rc.cached_run_study(load_study(), cache_dir=tmp_path / "c")[1:] == (key1, True)  # unchanged: a hit
        path = demo / sc.DEMO_FILES["centers"]
        g = gpd.read_file(path)
        g.drop(index=[0]).to_file(path, driver="GeoJSON")  # one center fewer
        sc.load_sample_city.cache_clear()
        second = load_study()
        res2, key2, hit2 = rc.cached_run_study(second, cache_dir=tmp_path / "c")
        assert key2 != key1 and not hit2
        assert res2.summary.n_centers == res1.summary.n_centers - 1
        assert res2.summary == run_study(second).summary
    finally:
        sc.load_sample_city.cache_clear()


def test_user_layers_that_do_not_fit_the_format_are_computed(tmp_path):
    """A layer read from a planner's file (list and nullable columns) is not cached, just computed."""
    study = load_study(centers=DEMO_DIR / "service_centers.geojson")
    res, key, hit = rc.cached_run_study(study, cache_dir=tmp_path)
    assert key is not None and not hit
    assert not rc.cached_run_study(study, cache_dir=tmp_path)[2]
    assert res.summary == run_study(study).summary


@pytest.mark.parametrize("damage", ["data", "manifest", "missing"])
def test_damaged_entry_is_rebuilt(study, tmp_path, damage):
    res, key, _ = rc.cached_run_study(study, cache_dir=tmp_path)
    folder = entry_dir(rc.KIND, key, tmp_path)
    if damage == "data":  # a flipped byte: the SHA-256 check fails
        f = _data_file(rc.KIND, key, tmp_path)
        raw = bytearray(f.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        f.write_bytes(bytes(raw))
    elif damage == "manifest":  # a manifest naming another hash for the same file
        man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        man["sha256"] = "0" * 64
        (folder / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    else:
        _data_file(rc.KIND, key, tmp_path).unlink()
    assert rc.read_result(key, study.network, tmp_path) is None
    again, key2, hit = rc.cached_run_study(study, cache_dir=tmp_path)
    assert key2 == key and not hit  # computed again ...
    _assert_same_result(res, again)
    assert rc.cached_run_study(study, cache_dir=tmp_path)[2]  # ... and written again


def test_pickled_content_is_refused(study, tmp_path):
    """An entry whose arrays need pickle (object dtype) is never loaded, even with a valid hash."""
    import hashlib

    res, key, _ = rc.cached_run_study(study, cache_dir=tmp_path)
    f = _data_file(rc.KIND, key, tmp_path)
    with np.load(f, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["node_time_min"] = np.array([{"x": 1}], dtype=object)
    np.savez(f, **arrays)
    man_path = entry_dir(rc.KIND, key, tmp_path) / "manifest.json"
    man = json.loads(man_path.read_text(encoding="utf-8"))
    man["sha256"] = hashlib.sha256(f.read_bytes()).hexdigest()
    man_path.write_text(json.dumps(man), encoding="utf-8")
    assert rc.read_result(key, study.network, tmp_path) is None


def test_level_tables_kept_next_to_the_run(study, tmp_path):
    from analysis.levels import level_tables

    res, key, _ = rc.cached_run_study(study, cache_dir=tmp_path)
    calls = []
    first = rc.cached_tables(key, "level_tables", lambda: calls.append(1) or level_tables(res), cache_dir=tmp_path)
    second = rc.cached_tables(key, "level_tables", lambda: calls.append(1) or level_tables(res), cache_dir=tmp_path)
    assert calls == [1]
    assert list(first) == list(second) == list(level_tables(res))
    for k in first:
        assert_frame_equal(first[k], second[k], check_exact=True)


# -- the map frame ----------------------------------------------------------------------------------


def _normalise(script: str) -> str:
    """Folium names every element with a random 32-hex id; equal maps differ only there."""
    return re.sub(r"[0-9a-f]{32}", "ID", script)


def test_map_frame_sends_what_st_folium_sends(monkeypatch):
    """show_frame(frame_of(m)) gives the component the same arguments as st_folium(m)."""
    import streamlit_folium as sf

    from ui import maps as mb
    from ui.maps import frame as fr

    def a_map():  # rendering changes a map's ids, so each side gets its own (equal) map
        m = mb.new_map((120.15, 30.24, 120.19, 30.28), demo=True)
        iso = gpd.GeoDataFrame({"center_id": ["C1"], "minutes": [8.0]},
                               geometry=[shapely.box(120.16, 30.25, 120.17, 30.26)], crs=4326)
        mb.add_isochrones(m, iso, [8.0], mb.MapContext())
        return m

    seen = {}
    monkeypatch.setattr(sf, "_component_func", lambda **kw: seen.setdefault("st_folium", kw))
    sf.st_folium(a_map(), key="k", height=620, use_container_width=True, returned_objects=["last_clicked"])
    frame = fr.frame_of(a_map())
    monkeypatch.setattr(fr, "_component", lambda: (lambda **kw: seen.setdefault("frame", kw)))
    fr.show_frame(frame, key="k", height=620, returned_objects=["last_clicked"])
    a, b = seen["st_folium"], seen["frame"]
    for k in ("html", "css_links", "js_links", "height", "width", "returned_objects", "default",
              "feature_group", "zoom", "center"):
        assert a[k] == b[k], k
    assert _normalise(a["script"]) == _normalise(b["script"])
    assert _normalise(a["header"]) == _normalise(b["header"])
    assert "minutes" in b["script"] and "leaflet.js" in " ".join(b["js_links"])
    # and through the disk cache unchanged
    arrays, meta = fr.frame_arrays(frame)
    assert fr.frame_from_arrays(arrays, json.loads(json.dumps(meta))) == frame


def test_cached_map_shows_the_same_layers_as_a_computed_one(cache_dir, monkeypatch):
    """The map prepared for the first page (from the cached run) equals one built from a fresh run."""
    monkeypatch.setenv("SERVICECIRCLE_CACHE", str(cache_dir))
    import streamlit as st

    from ui import page_coverage, prepare, state
    from ui.maps.frame import KIND, frame_of, read_frame
    from ui.shell import Settings

    st.cache_resource.clear()
    prepare.prepare(("zh",))
    keys = [p.name for p in (cache_dir / KIND).iterdir()]
    assert len(keys) == 1
    cached = read_frame(keys[0], cache_dir)
    st.cache_resource.clear()
    ds = state.dataset()
    s = Settings()
    fresh = run_study(state.study_for(ds, s.include_stations), state.params_from(s.minutes, s.speed_kmh))
    built = frame_of(page_coverage.build_map(ds, fresh, s, None)[0])
    assert _normalise(cached.script) == _normalise(built.script)
    assert (cached.header, cached.css_links, cached.js_links) == (built.header, built.css_links, built.js_links)
    for layer in ("minutes", "gap_id", "grid_id"):  # isochrones, gaps, grids are in it
        assert layer in cached.script
    st.cache_resource.clear()


def _metrics_and_map(at) -> tuple[list, str]:
    from streamlit.testing.v1.element_tree import UnknownElement

    def walk(node):
        for child in (node.children.values() if isinstance(getattr(node, "children", None), dict) else []):
            yield child
            yield from walk(child)

    maps = [el.proto for el in walk(at._tree) if isinstance(el, UnknownElement) and el.type == "component_instance"
            and "st_folium" in el.proto.component_name]
    assert len(maps) == 1
    args = json.loads(maps[0].json_args)
    return [(m.label, m.value) for m in at.metric], _normalise(args["script"])


def test_cached_first_page_equals_computed_page(cache_dir, monkeypatch):
    """AppTest: the first page computed from scratch, then from the cache with computing forbidden."""
    from streamlit.testing.v1 import AppTest

    import analysis.study as study_mod
    import streamlit as st

    monkeypatch.setenv("SERVICECIRCLE_CACHE", str(cache_dir))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception, [e.value for e in at.exception]
    computed_metrics, computed_map = _metrics_and_map(at)
    assert len(computed_metrics) == 5

    st.cache_resource.clear()

    def no_compute(*a, **k):
        raise AssertionError("the first page computed a coverage run although it is cached")

    monkeypatch.setattr(study_mod, "run_study", no_compute)
    monkeypatch.setattr("ui.page_coverage.build_map", no_compute)
    at2 = AppTest.from_file(APP, default_timeout=300).run()
    assert not at2.exception, [e.value for e in at2.exception]
    cached_metrics, cached_map = _metrics_and_map(at2)
    assert cached_metrics == computed_metrics
    assert cached_map == computed_map
    st.cache_resource.clear()


# -- what the first page imports -------------------------------------------------------------------

_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=600).run()
assert not at.exception, [e.value for e in at.exception]
assert len(at.metric) == 5
print(json.dumps(sorted(m for m in {mods!r} if m in sys.modules)))
"""


def _probe(cache: Path) -> list[str]:
    env = {**os.environ, "SERVICECIRCLE_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    code = _PROBE.format(app=APP, mods=HEAVY + MAP_LIBS)
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_first_page_imports_no_heavy_modules(cache_dir):
    """A new process showing the first page: no solver, report, Dask, PostgreSQL or Excel module;
    once the page is prepared (second process), not even Folium (the map comes from the cache) nor
    SciPy's graph and k-d-tree code (nothing is routed)."""
    first = _probe(cache_dir)
    assert not set(first) & set(HEAVY), first
    prepared = _probe(cache_dir)
    assert prepared == [], prepared


def test_serve_starts_the_app_and_preloads_the_first_page(cache_dir):
    """python -m ui.serve (make run): the server answers and its background thread loads the
    first page from the prepared cache (it says so on stderr)."""
    import socket
    import time
    import urllib.request

    env = {**os.environ, "SERVICECIRCLE_CACHE": str(cache_dir), "PYTHONPATH": str(ROOT)}
    assert subprocess.run([sys.executable, "-m", "ui.prepare"], cwd=ROOT, env=env, capture_output=True,
                          timeout=600).returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = cache_dir / "serve.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "ui.serve", "--server.port", str(port), "--server.address",
                                 "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                                cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        t_end = time.monotonic() + 300
        health = None
        while time.monotonic() < t_end and "preloaded" not in log.read_text(errors="replace"):
            assert proc.poll() is None, log.read_text(errors="replace")
            if health is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                        health = r.read().strip()
                except OSError:
                    pass
            time.sleep(0.2)
        text = log.read_text(errors="replace")
        assert "first page preloaded" in text and "preload skipped" not in text, text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
            assert r.read().strip() == b"ok"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_server_watches_no_source_files():
    """The deployed server runs no file watcher (it cost 1.7 s of server CPU on the first page):
    the option is read from the app's own config, as ``streamlit run`` reads it."""
    import tomllib

    cfg = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["fileWatcherType"] == "none"
