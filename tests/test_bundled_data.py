"""Guards on the bundled sample data: the figures here are pinned on purpose.

Everything the sample city shows (README figures, the CLI's headline, reports, the app) comes
from two bundled inputs: the OSM extract ``data/osm/hangzhou_core_2015-02.osm.{pbf,bz2}`` and
the illustrative layers in ``data/demo`` (示例数据). The issue rules say the sample city's figures
change only on purpose. These tests pin what those inputs *are*, so that a replaced file, a
regenerated demo layer or a reader that silently drops features fails here, by name, instead of
shifting figures elsewhere.

Behaviour tests elsewhere compute their expectations from the input layers or independently
(e.g. ``test_osm_features`` counts the highway ways with a plain XML parser, ``test_cli_party``
reads the demo layers it expects back); they do not repeat these counts.

Why each figure is pinned:

* the extract's SHA-256: every sample figure derives from this one file.
* network size (1,955 nodes, 2,922 segments, ≈ 481 km): README's performance table and the
  coverage benchmarks quote them; ranges, as osmnx simplification may move a node or two.
* feature counts and the header box: README states the extract's 1,253 highway ways and 2,045
  building ways/relations; the resident estimate and the basemap depend on them.
* resident estimate (4,323 cells, ≈ 594,500 residents, ≈ 42.5 km² of populated land): every
  coverage figure of the sample city is a share of it.
* demo layers: ``data/demo/README.md`` states each file's number of features and the demo area's
  1 km²; the party-building outputs (lists, adoption, demo area, guide map) count them.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest

from analysis.population import PopulationParams, estimate_population
from geo.osm_features import load_osm_features

from conftest import ROOT, SAMPLE_PBF

DEMO = ROOT / "data" / "demo"
UTM = "EPSG:32651"


@pytest.fixture(scope="module")
def feats():
    return load_osm_features(SAMPLE_PBF)


def test_walking_network_size(hangzhou):
    assert 1800 < hangzhou.n_nodes < 2100 and 2700 < hangzhou.n_edges < 3100
    assert 440 < hangzhou.edge_length.sum() / 1000 < 520  # km, README: about 481 km


def test_osm_feature_counts_and_header_box(feats):
    # README: 1,253 highway ways (a few are one-node stubs); 2,045 building ways/relations, of
    # which some are 2-node fragments and outer ways replaced by their multipolygon relation
    assert 1200 <= len(feats.streets) <= 1253
    assert 2000 <= len(feats.buildings) <= 2051
    assert len(feats.pois) >= 500
    cats = feats.pois["category"].value_counts()
    assert cats["amenity=restaurant"] >= 50 and cats["amenity=fast_food"] >= 20 and cats["amenity=cafe"] >= 20
    assert feats.stats["degenerate_ways_skipped"] < 50
    assert feats.bounds == pytest.approx((120.1, 30.23, 120.1851, 30.2963))


def test_osm_extract_is_the_bundled_file(feats):
    # the SHA-256 of hangzhou_core_2015-02.osm.pbf: every sample figure derives from this file
    assert feats.source_sha256 == "5958ffe8bec56324f9b119dedfd976c609ee7e483e0e5db68236af0c3839a67e"


def test_resident_estimate_size(feats, hangzhou):
    demand = estimate_population(feats, hangzhou.crs, hangzhou.edges_gdf().geometry)
    land_km2 = demand["land_m2"].sum() / 1e6
    total = demand["population"].sum()
    # measured: 4,323 cells, 42.5 km², ≈594,500 residents; plausible for central Hangzhou
    assert 3_500 <= len(demand) <= 5_000
    assert 450_000 <= total <= 750_000
    assert land_km2 < 60.0  # the extract is ≈ 60 km² including West Lake
    assert total == pytest.approx(PopulationParams().density_per_km2 * land_km2, rel=0.01)


def _readme_counts() -> dict[str, int]:
    """``file -> features`` from the table in data/demo/README.md."""
    text = (DEMO / "README.md").read_text(encoding="utf-8")
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| `([a-z_]+\.geojson)` \| (\d+) \|", text, re.M)}


def test_demo_layers_have_the_feature_counts_their_readme_states():
    counts = _readme_counts()
    files = sorted(p.name for p in DEMO.glob("*.geojson"))
    assert sorted(counts) == files  # every bundled layer is listed, and only those
    for name, n in counts.items():
        doc = json.loads((DEMO / name).read_text(encoding="utf-8"))
        assert len(doc["features"]) == n, name
    # the figures the party-building outputs count (README: 22 units, 36 needs, 88 grids)
    assert (counts["units.geojson"], counts["needs.geojson"], counts["grids.geojson"]) == (22, 36, 88)


def test_demo_area_is_the_documented_square_kilometre():
    area = gpd.read_file(DEMO / "demo_areas.geojson").to_crs(UTM)
    assert len(area) == 1
    assert area.area.iloc[0] / 1e6 == pytest.approx(1.0, rel=1e-3)  # README: a 1 km² square
