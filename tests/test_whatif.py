"""What-if sites: incremental update equals a full re-run with the site added."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from analysis.coverage import run_coverage
from analysis.params import WalkParams
from analysis.study import load_study
from analysis.whatif import change_table, with_new_sites


@pytest.fixture(scope="module")
def study():
    return load_study()


@pytest.fixture(scope="module")
def base(study):
    return run_coverage(study.network, study.centers, study.demand, WalkParams(), grids=study.grids)


def _worst_gap_site(base):
    gap = base.gaps.iloc[0]
    return gpd.GeoDataFrame({"name": ["拟建驿站"]}, geometry=[gap.geometry.representative_point()], crs=base.crs)


def test_adding_a_site_in_the_largest_gap_covers_more(study, base):
    site = _worst_gap_site(base)
    after = with_new_sites(base, study.network, site)
    assert after.summary.covered_pop > base.summary.covered_pop
    assert after.summary.n_centers == base.summary.n_centers + 1
    assert after.centers["proposed"].sum() == 1
    assert set(after.isochrones.loc[after.isochrones["center_id"] == "NEW01", "minutes"]) == {5.0, 8.0, 10.0, 15.0}
    t = change_table(base, after)
    assert t["gain_pop"].sum() == pytest.approx(after.summary.covered_pop - base.summary.covered_pop)
    assert (t["gain_pop"] >= -1e-9).all()


def test_incremental_update_equals_full_rerun(study, base):
    site = _worst_gap_site(base)
    after = with_new_sites(base, study.network, site)
    allc = pd.concat([study.centers.to_crs(base.crs), site.assign(center_id="NEW01")], ignore_index=True)
    full = run_coverage(study.network, allc, study.demand, WalkParams(), grids=study.grids)
    np.testing.assert_allclose(after.demand["time_min"], full.demand["time_min"], rtol=1e-9)
    np.testing.assert_array_equal(after.demand["n_centers_within"], full.demand["n_centers_within"])
    for k in ("covered_pop", "redundant_pop", "circle_covered_pop", "median_min", "p90_min"):
        assert getattr(after.summary, k) == pytest.approx(getattr(full.summary, k)), k
    assert after.gaps["population"].sum() == pytest.approx(full.gaps["population"].sum())
