"""The app's scenario panel (AppTest): save the what-if's sites, reopen them, compare, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.scenario_store import open_store

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _add_site(at: AppTest, lon: float, lat: float) -> None:
    at.radio(key="whatif_mode_zh").set_value("center").run()
    at.session_state["covmap"] = {"last_clicked": {"lat": lat, "lng": lon}}
    at.run()
    _ok(at)


def test_save_open_compare_delete_in_the_app(tmp_path, monkeypatch):
    store = tmp_path / "app.gpkg"
    monkeypatch.setenv("SERVICECIRCLE_STORE", str(store))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    _ok(at)
    assert any("app.gpkg" in c.value for c in at.caption)
    # saving without sites is refused with a message, nothing is written
    at.text_input(key="scenario_name").set_value("空方案")
    at.button(key="scenario_save").click().run()
    _ok(at)
    assert any("拟建点位" in w.value for w in at.warning)

    _add_site(at, 120.170, 30.245)
    shown_share = at.metric[0].value
    at.text_input(key="scenario_name").set_value("方案甲")
    at.button(key="scenario_save").click().run()
    _ok(at)
    _add_site(at, 120.180, 30.270)
    at.text_input(key="scenario_name").set_value("方案乙")
    at.button(key="scenario_save").click().run()
    _ok(at)
    with open_store(store) as st:
        names = list(st.list()["name"])
        a, b = st.load("方案甲"), st.load("方案乙")
    assert names == ["方案甲", "方案乙"] and len(a.sites) == 1 and len(b.sites) == 2
    assert f"{a.summary['covered_share'] * 100:.1f}" in shown_share  # what the page showed was saved
    assert b.summary["covered_pop"] > a.summary["covered_pop"] > a.baseline_summary["covered_pop"]

    # clear the what-if, then reopen 方案乙: its two sites come back at the saved positions
    at.session_state["proposals"] = []
    at.run()
    at.selectbox(key="scenario_pick").set_value("方案乙")
    at.button(key="scenario_open").click().run()
    _ok(at)
    props = at.session_state["proposals"]
    assert [p["id"] for p in props] == list(b.sites["site_id"])
    assert [round(p["click_lon"], 9) for p in props] == [round(x, 9) for x in b.sites["lon"]]
    assert [p["snap_edge"] for p in props] == list(b.sites["edge"])
    assert [p["snap_offset_m"] for p in props] == list(b.sites["offset_m"])
    assert f"{b.summary['covered_share'] * 100:.1f}" in at.metric[0].value

    at.multiselect(key="scenario_compare").set_value(["方案甲", "方案乙"]).run()
    _ok(at)
    cmp = next(d.value for d in at.dataframe if "新增覆盖居民" in d.value.columns)
    assert list(cmp["方案"]) == ["方案甲", "方案乙"] and list(cmp["拟建点位"]) == [1, 2]
    assert cmp["新增覆盖居民"].iloc[1] == pytest.approx(round(b.summary["covered_pop"] - b.baseline_summary["covered_pop"]))

    at.selectbox(key="scenario_pick").set_value("方案甲")
    at.button(key="scenario_delete").click().run()
    _ok(at)
    with open_store(store) as st:
        assert list(st.list()["name"]) == ["方案乙"]
