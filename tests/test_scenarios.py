"""Scenarios in a GeoPackage: CLI round trip on the sample city, store behaviour, crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from analysis import scenarios as sc
from cli.main import main
from geo.scenario_store import GpkgStore, ScenarioRecord, StoreError, open_store

ROOT = Path(__file__).resolve().parent.parent


def synthetic_record(name: str, n_sites: int = 3, n_gaps: int = 5, seed: int = 0) -> ScenarioRecord:
    """A record without any network (store tests): random sites, square gaps, two communities."""
    rng = np.random.default_rng(seed)
    lon = 120.16 + rng.random(n_sites) * 0.02
    lat = 30.25 + rng.random(n_sites) * 0.02
    sites = pd.DataFrame({
        "site_id": [f"P{i + 1}" for i in range(n_sites)], "name": [f"点位{i + 1}" for i in range(n_sites)],
        "kind": ["center"] * n_sites, "lon": lon, "lat": lat, "x": lon * 1e3, "y": lat * 1e3,
        "edge": np.arange(n_sites, dtype="int64") * 7, "offset_m": rng.random(n_sites) * 50,
        "access_m": rng.random(n_sites) * 20, "network_sha256": "ab" * 32,
    })
    gx = 120.15 + rng.random(n_gaps) * 0.03
    gy = 30.24 + rng.random(n_gaps) * 0.03
    gaps = gpd.GeoDataFrame(
        {"gap_id": [f"G{i}" for i in range(n_gaps)], "population": rng.random(n_gaps) * 100,
         "area_m2": np.full(n_gaps, 1e4), "community": ["甲社区"] * n_gaps},
        geometry=shapely.box(gx, gy, gx + 0.001, gy + 0.001), crs="EPSG:4326")
    comm = pd.DataFrame({"community": ["甲社区", "乙社区"], "population": [100.0, 200.0],
                         "covered_pop": [60.0, 50.0], "uncovered_pop": [40.0, 150.0], "covered_share": [0.6, 0.25],
                         "covered_pop_before": [40.0, 50.0], "covered_share_before": [0.4, 0.25]})
    return ScenarioRecord(
        name=name, params={"minutes": 8.0, "speed_kmh": 4.5, "max_access_m": 300.0, "thresholds": [5, 8, 10, 15],
                           "frontage_m": 50.0},
        crs="EPSG:32651", network_path="city.osm.pbf", network_sha256="ab" * 32, sites=sites,
        summary={"covered_share": 0.37, "uncovered_pop": 190.0, "covered_pop": 110.0, "total_pop": 300.0},
        baseline_summary={"covered_share": 0.3, "uncovered_pop": 210.0, "covered_pop": 90.0, "total_pop": 300.0},
        gaps=gaps, communities=comm, layers=[{"kind": "network", "path": "city.osm.pbf", "sha256": "ab" * 32}],
        notes="测试",
    )


# --------------------------------------------------------------------------- CLI on the sample city


def test_cli_save_list_show_compare_delete_round_trip(tmp_path, capsys):
    store = tmp_path / "plans.gpkg"
    s = ["--store", str(store)]
    assert main(["scenario", "save", "方案A", "--site", "120.170,30.245", "--site", "120.1787,30.2620,station",
                 "--notes", "两个点", *s]) == 0
    assert main(["scenario", "save", "方案B", "--site", "120.172,30.250", "--site", "120.180,30.270",
                 "--site", "120.165,30.285", *s]) == 0
    capsys.readouterr()
    assert main(["scenario", "list", "--lang", "en", *s]) == 0
    out = capsys.readouterr().out
    assert "方案A" in out and "方案B" in out and "两个点" in out

    with open_store(store) as st:
        a, b = st.load("方案A"), st.load("方案B")
        assert st.check() == []
    assert list(a.sites["kind"]) == ["center", "station"] and len(b.sites) == 3
    # the sample city's network hash and the snapped positions travel with the sites
    from geo.network import load_walk_network

    net = load_walk_network(ROOT / "data" / "osm" / "hangzhou_core_2015-02.osm.pbf")
    assert (a.sites["network_sha256"] == net.source_sha256).all()
    assert (a.sites["edge"] >= 0).all() and (a.sites["offset_m"] >= 0).all()
    assert (a.sites["offset_m"] <= net.edge_length[a.sites["edge"].to_numpy()] + 1e-6).all()
    # the station is kept but does not count for residents (as in `coverage`): only one site adds
    assert a.summary["n_centers"] == a.baseline_summary["n_centers"] + 1
    assert b.summary["n_centers"] == b.baseline_summary["n_centers"] + 3
    for r in (a, b):
        assert r.summary["covered_share"] > r.baseline_summary["covered_share"]
        assert r.baseline_summary["covered_share"] == pytest.approx(a.baseline_summary["covered_share"])
        assert r.params["minutes"] == 8.0 and {x["kind"] for x in r.layers} >= {"network", "centers", "grids"}
        assert len(r.gaps) > 0 and r.gaps.crs.to_epsg() == 4326
        gain = (r.communities["covered_pop"] - r.communities["covered_pop_before"]).sum()
        assert gain == pytest.approx(r.summary["covered_pop"] - r.baseline_summary["covered_pop"], abs=1.0)

    assert main(["scenario", "compare", "方案A", "方案B", "--lang", "en", "--xlsx", str(tmp_path / "cmp.xlsx"), *s]) == 0
    out = capsys.readouterr().out
    assert "added sites" in out and "方案A · change_pp" in out
    head = pd.read_excel(tmp_path / "cmp.xlsx", sheet_name="scenarios")
    assert list(head["name"]) == ["方案A", "方案B"] and list(head["n_sites"]) == [2, 3]
    assert head.loc[1, "uncovered_pop"] == pytest.approx(b.summary["uncovered_pop"])

    assert main(["scenario", "show", "方案B", "--lang", "en", *s]) == 0
    out = capsys.readouterr().out
    assert "P3" in out and "Communities" in out

    # reopening on the same network puts the sites back without snapping and gives the same figures
    from analysis.study import load_study

    base, after, resnapped = sc.reopen(b, load_study())
    assert not resnapped
    assert after.summary.covered_pop == pytest.approx(b.summary["covered_pop"], rel=1e-9)

    assert main(["scenario", "delete", "方案A", *s]) == 0
    assert main(["scenario", "delete", "方案A", *s]) == 2
    with open_store(store) as st:
        assert list(st.list()["name"]) == ["方案B"] and st.check() == []


def test_cli_refuses_bad_sites_and_bad_stores_with_exit_2(tmp_path, capsys):
    s = ["--store", str(tmp_path / "p.gpkg")]
    assert main(["scenario", "save", "X", "--site", "abc", *s]) == 2
    assert main(["scenario", "save", "X", "--site", "120.17,30.24,tower", *s]) == 2
    assert main(["scenario", "save", "X", *s]) == 2
    bad = tmp_path / "notes.gpkg"
    bad.write_text("not a database")
    assert main(["scenario", "list", "--store", str(bad)]) == 2
    assert main(["scenario", "show", "missing", *s]) == 2
    assert main(["scenario", "compare", "A", *s]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "LON,LAT" in err and "not a GeoPackage" in err


# --------------------------------------------------------------------------- store


def test_store_round_trip_is_exact_and_a_real_geopackage(tmp_path):
    path = tmp_path / "s.gpkg"
    rec = synthetic_record("甲方案", n_sites=4, n_gaps=6)
    with GpkgStore(path) as st:
        st.save(rec)
        got = st.load("甲方案")
        assert st.schema_version() == 1
    pd.testing.assert_frame_equal(got.sites, rec.sites, check_dtype=False)
    assert got.summary == rec.summary and got.baseline_summary == rec.baseline_summary
    assert got.created_utc == rec.created_utc and got.notes == "测试" and got.layers == rec.layers
    assert shapely.equals_exact(got.gaps.geometry.values, rec.gaps.geometry.values, 1e-12).all()
    pd.testing.assert_frame_equal(got.communities, rec.communities.sort_values("community").reset_index(drop=True))
    # GDAL sees the point and polygon layers in EPSG:4326
    layers = dict(pyogrio.list_layers(path))
    assert layers["sc_sites"] == "Point" and "sc_gaps" in layers
    pts = pyogrio.read_dataframe(path, layer="sc_sites")
    assert pts.crs.to_epsg() == 4326 and np.allclose(pts.geometry.x, rec.sites["lon"])
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    con.close()


def test_store_replace_delete_and_names(tmp_path):
    with GpkgStore(tmp_path / "s.gpkg") as st:
        st.save(synthetic_record("A", n_sites=2))
        with pytest.raises(StoreError, match="already exists"):
            st.save(synthetic_record("A", n_sites=5))
        assert len(st.load("A").sites) == 2
        st.save(synthetic_record("A", n_sites=5), replace=True)
        assert len(st.load("A").sites) == 5
        st.save(synthetic_record("B"))
        assert st.delete("A") and not st.delete("A")
        assert list(st.list()["name"]) == ["B"] and st.check() == []
        with pytest.raises(StoreError):
            st.save(synthetic_record("  "))


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "s.gpkg"
    GpkgStore(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE sc_schema SET version = 99")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer"):
        GpkgStore(path)


def test_default_store_follows_env(monkeypatch, tmp_path):
    from geo.scenario_store import default_store_location

    monkeypatch.setenv("SERVICECIRCLE_STORE", str(tmp_path / "x.gpkg"))
    assert default_store_location() == str(tmp_path / "x.gpkg")
    monkeypatch.delenv("SERVICECIRCLE_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store_location() == str(tmp_path / "data" / "servicecircle" / "scenarios.gpkg")


def test_sites_are_snapped_again_only_when_the_network_changed(hangzhou):
    pts = gpd.GeoDataFrame({"site_id": ["P1", "P2"], "kind": ["center", "station"]},
                           geometry=gpd.points_from_xy([120.170, 120.1787], [30.245, 30.262]), crs="EPSG:4326")
    snapped = sc.snapped_sites(hangzhou, pts, 300.0)
    rec = synthetic_record("x")
    rec.sites = snapped
    same, resnapped = sc.sites_on_network(rec, hangzhou)
    assert not resnapped
    # the stored street position is handed back as it is (the what-if keeps it: no second snap)
    assert list(same["snap_edge"]) == list(snapped["edge"]) and np.array_equal(same["snap_offset_m"], snapped["offset_m"])
    assert np.array_equal(same["access_m"], snapped["access_m"]) and snapped["access_m"].iloc[0] > 1.0
    from geo.snapping import snap_sites

    kept = snap_sites(hangzhou, same)
    assert np.array_equal(kept.offset_m, snapped["offset_m"].to_numpy()) and np.array_equal(kept.x, snapped["x"].to_numpy())
    # the site stays where it was placed (not moved onto the street)
    back = same.to_crs(4326)
    assert np.allclose(back.geometry.x, [120.170, 120.1787], atol=1e-9)
    # a different network hash: the placed lon/lat are snapped anew (same street here)
    rec.sites = snapped.assign(network_sha256="0" * 64, edge=0, offset_m=0.0)
    moved, resnapped = sc.sites_on_network(rec, hangzhou)
    assert resnapped
    assert list(moved["edge"]) == list(snapped["edge"])
    assert np.allclose(moved["offset_m"], snapped["offset_m"], atol=1e-3)


# --------------------------------------------------------------------------- crash safety

_SAVER = r"""
import sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from test_scenarios import synthetic_record
from geo.scenario_store import GpkgStore
st = GpkgStore({path!r})
rec = synthetic_record("", n_sites=50, n_gaps=6000)  # made once: between two saves there is only a print
i = 0
while True:
    rec.name = f"{prefix}{{i}}"
    st.save(rec)
    print(f"{prefix}{{i}}", flush=True)
    i += 1
"""


def test_sigkill_during_save_loses_no_earlier_scenario(tmp_path):
    path = tmp_path / "crash.gpkg"
    with GpkgStore(path) as st:
        st.save(synthetic_record("before", n_sites=3))
    saved = ["before"]
    killed_mid_save = 0
    rng = np.random.default_rng(7)
    for trial in range(3):
        code = _SAVER.format(root=str(ROOT), tests=str(ROOT / "tests"), path=str(path), prefix=f"t{trial}_")
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        done = [proc.stdout.readline().strip()]  # one complete save, the next one under way
        assert all(done), "the saving process died early"
        time.sleep(float(rng.uniform(0.02, 0.2)))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        rest = proc.stdout.read().split()
        saved += done + rest
        journal = Path(str(path) + "-journal")
        killed_mid_save += journal.exists() and journal.stat().st_size > 0  # a transaction was open
        with GpkgStore(path) as st:  # opening rolls the unfinished save back
            assert st.integrity_ok()
            names = set(st.list()["name"])
            assert set(saved) <= names, f"lost: {set(saved) - names}"
            assert st.check() == []
            for n in (saved[-1], "before"):
                r = st.load(n)
                assert len(r.sites) in (3, 50) and r.summary["covered_share"] == 0.37
    assert killed_mid_save >= 1, "no kill landed inside a save; the test proved nothing"


def test_compare_xlsx_does_not_turn_names_into_formulas(tmp_path, capsys):
    store = tmp_path / "s.gpkg"
    with GpkgStore(store) as st:
        st.save(synthetic_record('=HYPERLINK("http://x","A")'))
        st.save(synthetic_record("乙"))
    out = tmp_path / "c.xlsx"
    assert main(["scenario", "compare", '=HYPERLINK("http://x","A")', "乙", "--store", str(store),
                 "--xlsx", str(out)]) == 0
    import openpyxl

    wb = openpyxl.load_workbook(out)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in c.value for c in cells)
    assert all(c.data_type != "f" and not c.value.startswith("=") for c in cells)
