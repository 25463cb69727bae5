"""Building the walking network from the real Hangzhou extract, its cache, and refused files."""

from __future__ import annotations

import bz2

import numpy as np
import shapely
import pytest

import geo.network as network_mod
from geo.errors import NoWalkableWaysError, OSMFileError
from geo.network import WALKABLE_HIGHWAYS, is_walkable, load_walk_network
from tests.conftest import SAMPLE_BZ2, SAMPLE_PBF


def test_real_network_is_filtered_projected_and_reports_pieces(hangzhou):
    assert hangzhou.crs == "EPSG:32651"
    assert hangzhou.n_nodes > 0 and hangzhou.n_edges > 0  # sizes of the bundled extract: tests/test_bundled_data.py
    for hw in hangzhou.edge_highway:  # only walkable classes: no trunk, no buildings, no water
        assert set(hw.split(";")) & WALKABLE_HIGHWAYS, hw
    np.testing.assert_allclose(hangzhou.edge_length, [g.length for g in hangzhou.edge_geometry])
    comps = hangzhou.components_summary()
    assert comps["is_main"].sum() == 1 and len(comps) > 1
    assert comps["length_km"].iloc[0] == comps["length_km"].max()
    # geometry starts at node u
    start = np.array([g.coords[0] for g in hangzhou.edge_geometry])
    np.testing.assert_allclose(start[:, 0], hangzhou.node_x[hangzhou.edge_u], atol=1e-6)


def test_xml_bz2_gives_the_same_network_as_pbf(hangzhou, tmp_path):
    net = load_walk_network(SAMPLE_BZ2, cache_dir=tmp_path)
    assert (net.n_nodes, net.n_edges) == (hangzhou.n_nodes, hangzhou.n_edges)
    assert net.edge_length.sum() == pytest.approx(hangzhou.edge_length.sum(), rel=1e-9)


def test_second_load_comes_from_cache(tmp_path, monkeypatch):
    first = load_walk_network(SAMPLE_PBF, cache_dir=tmp_path)
    (entry,) = (tmp_path / "networks").iterdir()
    assert sorted(p.suffix for p in entry.iterdir()) == [".json", ".npz"]  # data only, no pickle

    def boom(*a, **k):
        raise AssertionError("rebuilt instead of using the cache")

    monkeypatch.setattr(network_mod, "build_walk_network", boom)
    again = load_walk_network(SAMPLE_PBF, cache_dir=tmp_path)
    assert again.n_edges == first.n_edges and again.source_sha256 == first.source_sha256
    assert np.array_equal(again.edge_u, first.edge_u) and list(again.edge_name) == list(first.edge_name)
    assert shapely.equals_exact(again.edge_geometry, first.edge_geometry, 0).all()
    monkeypatch.undo()
    # a damaged cache file is rebuilt, never trusted
    (cached,) = entry.glob("*.npz")
    cached.write_bytes(b"not an npz")
    assert load_walk_network(SAMPLE_PBF, cache_dir=tmp_path).n_edges == first.n_edges


@pytest.mark.parametrize(
    "tags, walkable",
    [
        ({"highway": "footway"}, True),
        ({"highway": "trunk"}, False),
        ({"building": "yes"}, False),
        ({"highway": "residential", "foot": "no"}, False),
        ({"highway": "service", "access": "private"}, False),
        ({"highway": "service", "access": "private", "foot": "yes"}, True),
    ],
)
def test_walkable_rules(tags, walkable):
    assert is_walkable(tags) is walkable


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(OSMFileError, match="not found"):
        load_walk_network(tmp_path / "nowhere.osm.pbf", cache_dir=tmp_path)


def test_truncated_pbf_is_refused(tmp_path):
    bad = tmp_path / "cut.osm.pbf"
    bad.write_bytes(SAMPLE_PBF.read_bytes()[:100_000])
    with pytest.raises(OSMFileError, match="truncated|damaged"):
        load_walk_network(bad, cache_dir=tmp_path)


def test_truncated_bz2_is_refused(tmp_path):
    bad = tmp_path / "cut.osm.bz2"
    bad.write_bytes(SAMPLE_BZ2.read_bytes()[:50_000])
    with pytest.raises(OSMFileError):
        load_walk_network(bad, cache_dir=tmp_path)


def test_csv_renamed_to_osm_is_refused(tmp_path):
    bad = tmp_path / "centers.osm"
    bad.write_text("名称,经度,纬度\n湖滨,120.16,30.25\n", encoding="utf-8")
    with pytest.raises(OSMFileError, match="not OpenStreetMap XML"):
        load_walk_network(bad, cache_dir=tmp_path)


def test_unknown_extension_is_refused(tmp_path):
    bad = tmp_path / "roads.shp"
    bad.write_bytes(b"x")
    with pytest.raises(OSMFileError, match="extension|file name"):
        load_walk_network(bad, cache_dir=tmp_path)


def test_file_without_walkable_ways_is_refused(tmp_path):
    xml = tmp_path / "buildings.osm"
    xml.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n"
        "<node id='1' lat='30.25' lon='120.16'/><node id='2' lat='30.251' lon='120.16'/>"
        "<node id='3' lat='30.251' lon='120.161'/>\n"
        "<way id='10'><nd ref='1'/><nd ref='2'/><nd ref='3'/><nd ref='1'/><tag k='building' v='yes'/></way>\n"
        "<way id='11'><nd ref='1'/><nd ref='2'/><tag k='highway' v='trunk'/></way>\n</osm>\n",
        encoding="utf-8",
    )
    with pytest.raises(NoWalkableWaysError, match="no walkable streets"):
        load_walk_network(xml, cache_dir=tmp_path)


def test_xml_entity_bomb_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.osm.bz2"
    text = (
        "<?xml version='1.0'?>\n<!DOCTYPE osm [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;'>]>\n"
        "<osm version='0.6'><node id='1' lat='30.2' lon='120.1'><tag k='name' v='&b;'/></node></osm>\n"
    )
    bomb.write_bytes(bz2.compress(text.encode()))
    with pytest.raises(OSMFileError, match="XML bomb"):
        load_walk_network(bomb, cache_dir=tmp_path)
