"""Scenarios in PostgreSQL 15 + PostGIS 3: a REAL local server started for this session.

Skips only when the Debian binaries are absent on a developer machine; in CI (``CI`` set) and
under ``make test`` (``SERVICECIRCLE_REQUIRE_POSTGIS=1``) a missing server fails.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import shapely

import pg_server
from cli.main import main
from geo.scenario_store import PostgisStore, StoreError, open_store
from test_scenarios import synthetic_record

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def postgis():
    why = pg_server.missing()
    if why:
        if pg_server.must_run():
            pytest.fail(f"PostGIS tests must run here (CI / make test): {why}")
        pytest.skip(why)
    server = pg_server.LocalPostgis().start()
    try:
        yield server
    finally:
        server.stop()


_n = iter(range(10_000))


@pytest.fixture
def pg_url(postgis):
    """A fresh, empty database on the session's server."""
    return postgis.create_db(f"sc_{next(_n)}")


def test_round_trip_replace_delete(pg_url):
    rec = synthetic_record("甲方案", n_sites=4, n_gaps=6)
    with open_store(pg_url) as st:
        assert isinstance(st, PostgisStore) and st.schema_version() == 1
        st.save(rec)
        got = st.load("甲方案")
        with pytest.raises(StoreError, match="already exists"):
            st.save(synthetic_record("甲方案", n_sites=1))
        st.save(synthetic_record("乙方案", n_sites=2))
        assert list(st.list()["name"]) == ["甲方案", "乙方案"]
        st.save(synthetic_record("乙方案", n_sites=7), replace=True)
        assert len(st.load("乙方案").sites) == 7
        assert st.delete("乙方案") and not st.delete("乙方案")
        assert st.check() == []
        # real PostGIS geometries in EPSG:4326
        srid, kind = st.conn.execute("SELECT ST_SRID(geom), GeometryType(geom) FROM sc_sites LIMIT 1").fetchone()
        assert (srid, kind) == (4326, "POINT")
        n_in = st.conn.execute(
            "SELECT COUNT(*) FROM sc_gaps WHERE ST_Intersects(geom, ST_MakeEnvelope(120.1, 30.2, 120.3, 30.4, 4326))"
        ).fetchone()[0]
        assert n_in == 6
    pd.testing.assert_frame_equal(got.sites, rec.sites, check_dtype=False)
    assert got.summary == rec.summary and got.layers == rec.layers and got.notes == "测试"
    assert shapely.equals_exact(got.gaps.geometry.values, rec.gaps.geometry.values, 1e-12).all()


def test_cli_round_trip_on_the_sample_city(pg_url, capsys):
    s = ["--store", pg_url]
    assert main(["scenario", "save", "方案A", "--site", "120.170,30.245", *s]) == 0
    assert main(["scenario", "save", "方案B", "--site", "120.172,30.250", "--site", "120.180,30.270", *s]) == 0
    capsys.readouterr()
    assert main(["scenario", "list", *s]) == 0
    out = capsys.readouterr().out
    assert "方案A" in out and "方案B" in out and "sc_test@" in out
    assert main(["scenario", "compare", "方案A", "方案B", "--lang", "en", *s]) == 0
    assert "added sites" in capsys.readouterr().out
    with open_store(pg_url) as st:
        a = st.load("方案A")
    assert a.summary["covered_share"] > a.baseline_summary["covered_share"]
    assert (a.sites["edge"] >= 0).all() and a.sites["network_sha256"].str.len().eq(64).all()


_WRITER = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from test_scenarios import synthetic_record
from geo.scenario_store import open_store, StoreError
go = Path({go!r})
while not go.exists():
    time.sleep(0.01)
st = open_store({url!r})          # both processes create the tables at the same moment
for i in range({n}):
    st.save(synthetic_record(f"{prefix}{{i}}", n_sites=20, n_gaps=200, seed=i))
try:
    st.save(synthetic_record("shared", n_sites=1))
    print("shared-saved")
except StoreError as err:
    print("shared-refused")
print("done", flush=True)
"""


def _two_writers(url: str, tmp_path: Path, n: int = 12) -> list[str]:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER.format(root=str(ROOT), tests=str(ROOT / "tests"), go=str(go),
                                                             url=url, n=n, prefix=p)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for p in ("a", "b")
    ]
    time.sleep(1.5)  # both started and waiting
    go.touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        outs.append(out)
    return outs


@pytest.mark.parametrize("kind", ["postgis", "gpkg"])
def test_two_processes_saving_at_once_lose_nothing(kind, request, tmp_path):
    url = request.getfixturevalue("pg_url") if kind == "postgis" else str(tmp_path / "shared.gpkg")
    outs = _two_writers(url, tmp_path)
    with open_store(url) as st:
        names = set(st.list()["name"])
        assert names == {f"{p}{i}" for p in "ab" for i in range(12)} | {"shared"}
        assert st.check() == []
        assert len(st.load("a11").sites) == 20 and len(st.load("b0").gaps) == 200
    # exactly one of the two got the shared name, the other was told
    assert sorted(o.split()[0] for o in outs) == ["shared-refused", "shared-saved"]


def test_unreachable_server_is_a_clear_error(capsys):
    port = pg_server._free_port()
    assert main(["scenario", "list", "--store", f"postgresql://nobody:secret@127.0.0.1:{port}/x"]) == 2
    err = capsys.readouterr().err
    assert "Cannot connect" in err and "secret" not in err and "Traceback" not in err
