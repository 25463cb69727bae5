"""Road adoption (门前三包) on hand-built streets, lengths worked out by hand (metres)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from analysis.adoption import adopt_roads, merge_intervals
from geo.errors import ParameterError
from geo.network import WalkNetwork

CRS = "EPSG:32651"


def net_from(segments, names=None):
    gdf = gpd.GeoDataFrame({"name": names or [""] * len(segments)},
                           geometry=[shapely.LineString(s) for s in segments], crs=CRS)
    return WalkNetwork.from_lines(gdf)


def units(*rows):
    return gpd.GeoDataFrame({"id": [r[0] for r in rows], "name": [r[0] for r in rows]},
                            geometry=[shapely.Point(r[1], r[2]) for r in rows], crs=CRS)


def test_unit_mid_street_adopts_exactly_200_m():
    net = net_from([[(0, 0), (1000, 0)]], ["长街"])
    res = adopt_roads(net, units(("学校", 500, 12)))          # door 12 m off the street, mid-block
    assert res.units.loc[0, "adopted_m"] == pytest.approx(200.0, abs=1e-6)
    seg = res.segments.iloc[0]
    assert seg["street"] == "长街"
    assert seg.geometry.length == pytest.approx(200.0, abs=1e-6)
    xs = shapely.get_coordinates(seg.geometry)[:, 0]
    assert xs.min() == pytest.approx(400.0) and xs.max() == pytest.approx(600.0)
    # the street's other 800 m nobody adopted
    st = res.streets.set_index("street").loc["长街"]
    assert st["length_m"] == pytest.approx(1000.0) and st["unadopted_m"] == pytest.approx(800.0)
    assert res.unadopted.length.sum() == pytest.approx(800.0)


def test_straight_street_split_into_segments_still_200_m():
    net = net_from([[(0, 0), (450, 0)], [(450, 0), (530, 0)], [(530, 0), (1000, 0)]])
    res = adopt_roads(net, units(("U", 500, -5)))
    assert res.units.loc[0, "adopted_m"] == pytest.approx(200.0, abs=1e-6)
    assert res.units.loc[0, "n_segments"] == 3                   # 50 + 80 + 70 m
    assert sorted(np.round(res.segments["length_m"], 6)) == [50.0, 70.0, 80.0]


def test_t_junction_lengths_add_up():
    # main street W(-500,0)–J(0,0)–E(500,0); side street J–N(0,500); door 30 m east of J
    net = net_from([[(-500, 0), (0, 0)], [(0, 0), (500, 0)], [(0, 0), (0, 500)]], ["主街", "主街", "支路"])
    res = adopt_roads(net, units(("单位", 30, 8)))
    # east: 30 m back to J + 100 m ahead = 130; from J 70 m remain into the west arm and the side street
    assert res.units.loc[0, "adopted_m"] == pytest.approx(130 + 70 + 70, abs=1e-6)
    by_street = res.segments.groupby("street")["length_m"].sum()
    assert by_street["主街"] == pytest.approx(200.0) and by_street["支路"] == pytest.approx(70.0)


def test_unit_near_street_end_adopts_only_what_exists():
    net = net_from([[(0, 0), (1000, 0)]])
    res = adopt_roads(net, units(("U", 40, 3)), distance_m=100)
    assert res.units.loc[0, "adopted_m"] == pytest.approx(140.0)    # 40 m to the dead end + 100 m


def test_overlap_of_two_neighbours():
    net = net_from([[(0, 0), (1000, 0)]], ["长街"])
    res = adopt_roads(net, units(("甲", 400, 5), ("乙", 550, 5)))
    # [300,500] and [450,650] share 50 m; union 350 m
    assert res.overlaps.loc[0, "shared_m"] == pytest.approx(50.0)
    assert {res.overlaps.loc[0, "unit_a"], res.overlaps.loc[0, "unit_b"]} == {"甲", "乙"}
    assert res.streets["adopted_m"].sum() == pytest.approx(350.0)
    assert res.summary["adopted_m"] == pytest.approx(400.0)


def test_configurable_distance_and_off_network_unit():
    net = net_from([[(0, 0), (1000, 0)]])
    res = adopt_roads(net, units(("近", 500, 5), ("远", 500, 900)), distance_m=50)
    got = res.units.set_index("unit_id")
    assert got.loc["近", "adopted_m"] == pytest.approx(100.0)
    assert got.loc["远", "adopted_m"] == 0 and not got.loc["远", "on_network"]
    with pytest.raises(ParameterError):
        adopt_roads(net, units(("近", 500, 5)), distance_m=0)


def test_river_stretch_along_the_river_line():
    net = net_from([[(0, 0), (1000, 0)]])
    river = gpd.GeoDataFrame({"name": ["中河"]}, geometry=[shapely.LineString([(0, 100), (1000, 100)])], crs=CRS)
    area = gpd.GeoSeries([shapely.box(0, -600, 1000, 600)], crs=CRS)
    res = adopt_roads(net, units(("近河", 300, 60), ("远河", 800, -500)), rivers=river, area=area)
    assert len(res.rivers) == 1
    row = res.rivers.iloc[0]
    assert row["unit_name"] == "近河" and row["length_m"] == pytest.approx(200.0)
    assert row["distance_to_river_m"] == pytest.approx(40.0)
    rs = res.river_summary.set_index("river").loc["中河"]
    assert rs["adopted_m"] == pytest.approx(200.0) and rs["unadopted_m"] == pytest.approx(800.0)


def test_merge_intervals():
    assert merge_intervals([(5, 8), (0, 2), (1, 3), (3, 3)]) == [(0, 3), (5, 8)]


def test_sample_city_units_adopt_about_200_m_each(hangzhou):
    """On real streets each unit adopts at least the 200 m of a through street (more at junctions)."""
    from analysis.sample_city import DEMO_DIR

    u = gpd.read_file(DEMO_DIR / "units.geojson")
    res = adopt_roads(hangzhou, u)
    assert len(u) and res.units["unit_id"].astype(str).tolist() == u["id"].astype(str).tolist()  # one row per unit, in order
    on = res.units[res.units["on_network"]]
    assert (on["adopted_m"] >= 100.0 - 1e-6).all()
    assert res.summary["adopted_union_m"] <= res.summary["adopted_m"] + 1e-6


from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=40, deadline=None)
@given(length=st.floats(50, 2000), frac=st.floats(0, 1), dist=st.floats(5, 400),
       cuts=st.lists(st.floats(0.01, 0.99), max_size=4, unique=True))
def test_straight_street_adopts_min_each_way(length, frac, dist, cuts):
    """On a straight street cut anywhere, a unit at x adopts min(x, d) + min(L - x, d) metres."""
    xs = [0.0]
    for c in sorted(c * length for c in cuts):   # cut points at least 1 cm apart (no zero-length pieces)
        if c - xs[-1] > 0.01 and length - c > 0.01:
            xs.append(c)
    xs.append(length)
    segs = [[(a, 0), (b, 0)] for a, b in zip(xs, xs[1:])]
    net = net_from(segs)
    x = frac * length
    res = adopt_roads(net, units(("U", x, 7)), distance_m=dist)
    assert res.units.loc[0, "adopted_m"] == pytest.approx(min(x, dist) + min(length - x, dist), abs=1e-6)
    assert res.segments.length.sum() == pytest.approx(res.units.loc[0, "adopted_m"], abs=1e-6)
