"""Context layers of the bundled Hangzhou extract (real data): counts, West Lake, cache, formats."""

from __future__ import annotations

import bz2
import hashlib
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.errors import OSMFileError
from geo.osm_features import LAYERS, OSMFeatures, load_osm_features, read_osm_features

from conftest import SAMPLE_BZ2, SAMPLE_PBF

UTM = "EPSG:32651"
#: published lake area of West Lake (西湖), km²: 6.38 (water surface without islands ≈ 5.6-6.0)
WEST_LAKE_KM2 = 6.38


@pytest.fixture(scope="module")
def feats(tmp_path_factory) -> OSMFeatures:
    return load_osm_features(SAMPLE_PBF, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def xml_facts() -> dict:
    """What a plain XML reading of the same extract (the .osm.bz2 twin) says, without libosmium:
    the header box and the highway ways that can form a line (2+ nodes, all in the file)."""
    nodes: set[str] = set()
    box, n_lines, n_highway = None, 0, 0
    for _, el in ET.iterparse(bz2.open(SAMPLE_BZ2), events=("end",)):
        if el.tag == "bounds":
            box = tuple(float(el.get(k)) for k in ("minlon", "minlat", "maxlon", "maxlat"))
        elif el.tag == "node":
            nodes.add(el.get("id"))
        elif el.tag == "way":
            if any(t.get("k") == "highway" for t in el.iter("tag")):
                refs = [nd.get("ref") for nd in el.iter("nd")]
                n_highway += 1
                n_lines += len(refs) >= 2 and all(r in nodes for r in refs)
        else:
            continue
        el.clear()
    return {"box": box, "highway_lines": n_lines, "highway_ways": n_highway}


def test_layers_have_expected_types_counts_and_crs(feats):
    assert set(feats.keys()) == set(LAYERS)
    for name in LAYERS:
        gdf = feats[name]
        assert gdf.crs.to_epsg() == 4326, name
        assert gdf.geometry.is_valid.all(), name
        assert {"osm_type", "osm_id"} <= set(gdf.columns), name
    assert set(feats.streets.geom_type) == {"LineString"}
    assert set(feats.pois.geom_type) == {"Point"}
    for name in ("green", "buildings", "landuse"):
        assert set(feats[name].geom_type) <= {"Polygon", "MultiPolygon"}, name
    assert set(feats.water["kind"]) == {"area", "line"}
    assert len(feats.pois) and feats.pois["category"].notna().all()
    assert feats.stats["streets"] == len(feats.streets)
    # the bundled extract's sizes are pinned in tests/test_bundled_data.py


def test_every_highway_way_that_forms_a_line_is_a_street(feats, xml_facts):
    # counted independently from the XML twin: one street per highway way with 2+ known nodes
    assert len(feats.streets) == xml_facts["highway_lines"]
    assert feats.streets["osm_id"].is_unique
    skipped = xml_facts["highway_ways"] - xml_facts["highway_lines"]
    assert feats.stats["degenerate_ways_skipped"] >= skipped  # they are counted (with other one-node ways)


def test_bounds_are_the_file_header_box(feats, xml_facts):
    assert feats.bounds == pytest.approx(xml_facts["box"], abs=1e-7)
    b = feats.streets.total_bounds
    assert b[0] >= feats.bounds[0] - 1e-6 and b[2] <= feats.bounds[2] + 1e-6


def test_west_lake_is_one_water_polygon_with_its_islands(feats):
    w = feats.water[(feats.water["name"] == "西湖") & (feats.water["kind"] == "area")]
    assert len(w) == 1, "West Lake must come out exactly once (relation, not also its outer way)"
    assert w["osm_type"].iloc[0] == "relation"  # old-style multipolygon 2308774, tags on way 4317769
    lake = w.geometry.iloc[0]
    assert lake.geom_type == "Polygon" and len(lake.interiors) >= 10  # 孤山, 小瀛洲, 湖心亭, 阮公墩...
    m = gpd.GeoSeries([lake, shapely.Polygon(lake.exterior)], crs=4326).to_crs(UTM).area / 1e6
    water_km2, outline_km2 = float(m.iloc[0]), float(m.iloc[1])
    assert outline_km2 == pytest.approx(WEST_LAKE_KM2, rel=0.05)      # measured 6.36 km²
    assert water_km2 == pytest.approx(WEST_LAKE_KM2, rel=0.10)        # measured 5.99 km²
    assert water_km2 < outline_km2 - 0.3                              # islands are holes
    assert lake.contains(shapely.Point(120.148, 30.245))              # Outer West Lake
    assert not lake.contains(shapely.Point(120.1390, 30.2544))         # Gushan island (孤山)
    assert not feats.water.geometry.contains(shapely.Point(120.1655, 30.2745)).any()  # Wulin Square


def test_old_style_outer_ways_are_not_duplicated(feats):
    ids = feats.water.loc[feats.water["kind"] == "area", "osm_id"]
    assert 4317769 not in set(ids)  # the lake's outer way, replaced by relation 2308774
    b = feats.buildings
    assert not b.duplicated(["osm_type", "osm_id"]).any()


def test_cache_is_written_atomically_reused_and_rebuilt_when_damaged(tmp_path):
    first = load_osm_features(SAMPLE_PBF, cache_dir=tmp_path)
    (entry,) = (tmp_path / "features").iterdir()
    files = sorted(entry.iterdir())
    assert [f.suffix for f in files] == [".npz", ".json"]  # data + manifest, no temporary leftovers
    assert first.source_sha256 == hashlib.sha256(SAMPLE_PBF.read_bytes()).hexdigest()
    again = load_osm_features(SAMPLE_PBF, cache_dir=tmp_path)
    assert {k: len(v) for k, v in again.as_dict().items()} == {k: len(v) for k, v in first.as_dict().items()}
    for k in first.keys():
        assert list(again[k].columns) == list(first[k].columns) and again[k].crs == first[k].crs
        assert again[k].drop(columns="geometry").equals(first[k].drop(columns="geometry"))
        assert again[k].geometry.geom_equals_exact(first[k].geometry, 0).all()
    assert again.stats == first.stats and again.bounds == first.bounds
    with np.load(files[0], allow_pickle=False) as z:  # plain arrays only
        assert not any(z[k].dtype.hasobject for k in z.files)
    files[0].write_bytes(b"not an npz")
    rebuilt = load_osm_features(SAMPLE_PBF, cache_dir=tmp_path)
    assert len(rebuilt.buildings) == len(first.buildings)


def test_env_variable_selects_the_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_CACHE", str(tmp_path))
    load_osm_features(SAMPLE_PBF)
    assert len(list((tmp_path / "features").glob("*/manifest.json"))) == 1


def test_bz2_xml_gives_the_same_layers_as_pbf(feats):
    xml = read_osm_features(SAMPLE_BZ2)
    assert {k: len(v) for k, v in xml.as_dict().items()} == {k: len(v) for k, v in feats.as_dict().items()}
    a = xml.water[xml.water["name"] == "西湖"].to_crs(UTM).area.iloc[0]
    b = feats.water[feats.water["name"] == "西湖"].to_crs(UTM).area.iloc[0]
    assert a == pytest.approx(b, rel=1e-9)


@pytest.mark.parametrize("content,name", [(b"", "empty.osm.pbf"), (b"hello", "x.osm"), (b"<osm>", "x.geojson")])
def test_bad_files_are_refused_with_a_clear_error(tmp_path, content, name):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(OSMFileError):
        load_osm_features(p, cache_dir=tmp_path)


def test_truncated_pbf_is_refused(tmp_path):
    p = tmp_path / "cut.osm.pbf"
    p.write_bytes(SAMPLE_PBF.read_bytes()[:60_000])
    with pytest.raises(OSMFileError):
        read_osm_features(p)
