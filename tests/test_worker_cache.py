"""Issue 16 target 4: the red-station worker coverage of a report is kept in the data-only cache
(analysis.result_cache.cached_worker_coverage), keyed by its inputs like the coverage run."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

import analysis.result_cache as rc
import analysis.worker_coverage as wc
from analysis.params import WalkParams
from analysis.worker_demand import upload_points, weights_table
from geo.network import WalkNetwork

CRS = "EPSG:32651"


@pytest.fixture(scope="module")
def net() -> WalkNetwork:
    """甲路 (primary) 0..2000 m along y = 0; 乙巷 north from x = 1000; "built from" a named file."""
    main = [LineString([(x, 0), (x + 500, 0)]) for x in range(0, 2000, 500)]
    side = [LineString([(1000, 0), (1000, 800)])]
    gdf = gpd.GeoDataFrame({"highway": ["primary"] * 4 + ["residential"], "name": ["甲路 Jia Road"] * 4 + ["乙巷"]},
                           geometry=main + side, crs=CRS)
    n = WalkNetwork.from_lines(gdf)
    object.__setattr__(n, "source_sha256", "ab" * 32)
    return n


def _workers(x=1200.0) -> gpd.GeoDataFrame:
    up = gpd.GeoDataFrame({"group": ["sanitation", "delivery", "drivers"], "count": [3.0, 2.0, 4.0],
                           "name": ["环卫所", "快递点", "公交站"]},
                          geometry=[Point(x, 5), Point(1300, 5), Point(1000, 200)], crs=CRS)
    return upload_points(up, CRS)


def _stations(x=250.0) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": ["R1"], "name": ["一号驿站"]}, geometry=[Point(x, 10)], crs=CRS)


def _key(net, **change):
    args = {"stations": _stations(), "workers": _workers(), "radius_m": 1000.0, "weights": weights_table(),
            "params": WalkParams(), "is_demo": False, "study_area": None, **change}
    return rc.worker_key(net, args["stations"], args["workers"], args["radius_m"], args["weights"], args["params"],
                         args["is_demo"], args["study_area"])


def test_key_follows_every_input(net):
    base = _key(net)
    assert base == _key(net)
    changed = [_key(net, stations=_stations(300.0)), _key(net, workers=_workers(1210.0)), _key(net, radius_m=900.0),
               _key(net, weights=weights_table().iloc[:-1]), _key(net, params=WalkParams(max_access_m=50.0)),
               _key(net, is_demo=True),
               _key(net, study_area=gpd.GeoDataFrame(geometry=[Point(0, 0).buffer(3000)], crs=CRS))]
    assert len({base, *changed}) == len(changed) + 1
    unnamed = WalkNetwork.from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs=CRS))
    assert rc.worker_key(unnamed, _stations(), _workers(), 1000.0, None, WalkParams(), False, None) is None


def _same(a, b) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y)
            assert getattr(x, "crs", None) == getattr(y, "crs", None)
        else:
            assert x == y, f.name


def test_cached_run_is_the_computed_run_and_is_read_back(net, tmp_path, monkeypatch):
    computed = wc.run_worker_coverage(net, _stations(), _workers(), 1000.0, weights=weights_table())
    first = rc.cached_worker_coverage(net, _stations(), _workers(), 1000.0, weights=weights_table(), cache_dir=tmp_path)
    _same(computed, first)
    calls = []
    real = wc.run_worker_coverage
    monkeypatch.setattr(wc, "run_worker_coverage", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = rc.cached_worker_coverage(net, _stations(), _workers(), 1000.0, weights=weights_table(), cache_dir=tmp_path)
    assert calls == []  # read back, not computed
    _same(computed, again)
    moved = rc.cached_worker_coverage(net, _stations(1500.0), _workers(), 1000.0, weights=weights_table(),
                                      cache_dir=tmp_path)
    assert calls == [1]  # another input: computed
    assert moved.summary.covered_workers != again.summary.covered_workers


def test_damaged_entry_is_computed_again(net, tmp_path):
    from geo.disk_cache import entry_dir

    rc.cached_worker_coverage(net, _stations(), _workers(), 1000.0, cache_dir=tmp_path)
    key = _key(net, weights=None)
    folder = entry_dir(rc.WORKERS_KIND, key, tmp_path)
    data = [p for p in folder.iterdir() if p.name != "manifest.json"]
    assert data
    for p in data:
        raw = bytearray(p.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        p.write_bytes(bytes(raw))
    again = rc.cached_worker_coverage(net, _stations(), _workers(), 1000.0, cache_dir=tmp_path)
    _same(wc.run_worker_coverage(net, _stations(), _workers(), 1000.0), again)
