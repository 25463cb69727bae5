"""GCJ-02 / BD-09 transforms against published pairs, an independent implementation, and the
real streets of the sample city; datum detection on real street positions."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import coords
from geo.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from geo.detect import detect_datum, sample_streets

try:  # independent third-party implementation (PyPI "eviltransform")
    import eviltransform
except ImportError:  # pragma: no cover - the in-file scalar reference below is used instead
    eviltransform = None


# --- independent scalar reference, written from the published formulas (math, not NumPy) ------
def _ref_wgs_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (a / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def _ref_gcj_to_bd(lon: float, lat: float) -> tuple[float, float]:
    xpi = math.pi * 3000.0 / 180.0
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * xpi)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * xpi)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _independent_gcj_to_wgs(lon: float, lat: float) -> tuple[float, float]:
    if eviltransform is not None:
        la, lo = eviltransform.gcj2wgs_exact(lat, lon)  # (lat, lon) order in that package
        return lo, la
    # scalar bisection-free fixed point on the reference forward transform
    wl, wa = lon, lat
    for _ in range(50):
        gl, ga = _ref_wgs_to_gcj(wl, wa)
        wl, wa = wl + (lon - gl), wa + (lat - ga)
    return wl, wa


@pytest.fixture(scope="module")
def street_pts():
    """WGS-84 mid-points of every street of the bundled Hangzhou extract."""
    s = sample_streets()
    mids = gpd.GeoSeries(shapely.line_interpolate_point(s.values, 0.5, normalized=True), crs=s.crs).to_crs(4326)
    return mids.x.to_numpy(), mids.y.to_numpy()


# --- published pairs (wandergis/coordtransform README, input 116.404, 39.915) -------------------
def test_published_forward_pairs():
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert float(lon) == pytest.approx(116.41024449916938, abs=1e-10)
    assert float(lat) == pytest.approx(39.91640428150164, abs=1e-10)
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert float(lon) == pytest.approx(116.41036949371029, abs=1e-10)
    assert float(lat) == pytest.approx(39.92133699351021, abs=1e-10)


def test_published_inverse_pairs_within_published_accuracy():
    # the published inverses are one-step approximations: ours agree to their accuracy
    lon, lat = bd09_to_gcj02(116.404, 39.915)
    assert haversine_m(lon, lat, 116.39762729119315, 39.90865673957631) < 0.1
    lon, lat = gcj02_to_wgs84(116.404, 39.915)
    assert haversine_m(lon, lat, 116.39775550083061, 39.91359571849836) < 2.0
    # and ours are exact: going forward again returns the input
    assert haversine_m(*wgs84_to_gcj02(lon, lat), 116.404, 39.915) < 1e-4


def test_forward_matches_independent_reference(street_pts):
    lon, lat = street_pts
    glon, glat = wgs84_to_gcj02(lon, lat)
    blon, blat = wgs84_to_bd09(lon, lat)
    for i in range(0, len(lon), 25):
        rl, ra = _ref_wgs_to_gcj(lon[i], lat[i])
        assert glon[i] == pytest.approx(rl, abs=1e-11) and glat[i] == pytest.approx(ra, abs=1e-11)
        bl, ba = _ref_gcj_to_bd(rl, ra)
        assert blon[i] == pytest.approx(bl, abs=1e-11) and blat[i] == pytest.approx(ba, abs=1e-11)
        if eviltransform is not None:
            ea, el = eviltransform.wgs2gcj(lat[i], lon[i])
            assert haversine_m(glon[i], glat[i], el, ea) < 0.05  # its simplified constants differ by ~1 cm


def test_inverse_matches_independent_implementation(street_pts):
    lon, lat = street_pts
    glon, glat = wgs84_to_gcj02(lon, lat)
    wl, wa = gcj02_to_wgs84(glon, glat)
    for i in range(0, len(lon), 25):
        il, ia = _independent_gcj_to_wgs(glon[i], glat[i])
        assert haversine_m(wl[i], wa[i], il, ia) < 0.5  # eviltransform's own tolerance is ~0.15 m


def test_round_trip_error_on_sample_city_streets(street_pts):
    lon, lat = street_pts
    assert len(lon) > 1000
    e_gcj = haversine_m(*gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat)), lon, lat)
    e_bd = haversine_m(*bd09_to_wgs84(*wgs84_to_bd09(lon, lat)), lon, lat)
    assert e_gcj.max() < 0.01 and e_bd.max() < 0.01  # requirement: < 1 m; we get < 1 cm
    shift_gcj = haversine_m(*wgs84_to_gcj02(lon, lat), lon, lat)
    shift_bd = haversine_m(*wgs84_to_bd09(lon, lat), lon, lat)
    assert 400 < np.median(shift_gcj) < 650       # ~500 m in central Hangzhou
    assert 900 < np.median(shift_bd) < 1400
    e_bd_gcj = haversine_m(*bd09_to_gcj02(*gcj02_to_bd09(lon, lat)), lon, lat)
    assert e_bd_gcj.max() < 0.01


@settings(max_examples=200, deadline=None)
@given(st.floats(73.7, 134.9), st.floats(18.2, 53.4))
def test_round_trip_anywhere_in_china(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert haversine_m(*back, lon, lat) < 1.0
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert haversine_m(*back, lon, lat) < 1.0


def test_outside_china_is_unchanged_and_shapes_preserved():
    lon = np.array([[2.35, -74.0], [151.2, 120.16]])
    lat = np.array([[48.85, 40.7], [-33.9, 30.25]])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon.shape == (2, 2)
    np.testing.assert_array_equal(glon[0], lon[0])
    np.testing.assert_array_equal(glat[1, 0], lat[1, 0])
    assert glon[1, 1] != lon[1, 1]
    wl, wa = gcj02_to_wgs84(lon, lat)
    np.testing.assert_array_equal(wl[0], lon[0])
    with pytest.raises(ValueError):
        wgs84_to_gcj02([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        coords.to_wgs84(120.0, 30.0, "cgcs")


def test_nan_passes_through():
    lon, lat = gcj02_to_wgs84(np.array([120.16, np.nan]), np.array([30.25, np.nan]))
    assert np.isnan(lon[1]) and np.isfinite(lon[0])


def test_detect_datum_on_real_streets(street_pts):
    lon, lat = street_pts
    streets = sample_streets()
    pick = np.arange(0, len(lon), len(lon) // 30)[:30]
    lo, la = lon[pick], lat[pick]
    for datum, fwd in (("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)):
        ev = detect_datum(*fwd(lo, la), streets)
        assert ev.best == datum and ev.clear
        assert ev.median_m[datum] < 1.0 < 10.0 < ev.median_m["wgs84"]
        assert "GCJ-02" in ev.message_en and ("高德" in ev.message_zh if datum == "gcj02" else "百度" in ev.message_zh)
    ev = detect_datum(lo, la, streets)
    assert ev.best == "wgs84" and ev.clear and "no conversion" in ev.message_en
    few = detect_datum(lo[:2], la[:2], streets)
    assert not few.clear and few.n_points == 2
    far = detect_datum(lo + 3.0, la, streets)  # 300 km east: not in the street area
    assert not far.clear and far.best == "wgs84" and "not within the street network" in far.message_en
    assert far.sentence("zh") == far.message_zh


def test_vectorised_round_trip_of_many_points(street_pts):
    """120k points in one call (timing: benchmarks/bench_unit_timings.py); each comes back within 1 cm."""
    lon = np.tile(street_pts[0], 100)
    lat = np.tile(street_pts[1], 100)
    x, y = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert x.shape == lon.shape
    assert np.abs(x - lon).max() < 1e-7 and np.abs(y - lat).max() < 1e-7


def test_detection_never_converts_wrongly_on_noisy_sites():
    """Sites 0-60 m from a street (in buildings), 4-30 per file: a wrong conversion (~500-1000 m
    error) must never happen; with 30 sites 30 m off the datum is still found most of the time."""
    s = sample_streets()
    rng = np.random.default_rng(42)
    mids = shapely.get_coordinates(shapely.line_interpolate_point(s.values, 0.5, normalized=True))
    truth_fwd = {"wgs84": lambda a, b: (a, b), "gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}
    wrong = 0
    found = {"gcj02": 0, "bd09": 0}
    for trial in range(40):
        n = [4, 6, 10, 30][trial % 4]
        off = rng.uniform(0, 60)
        idx = rng.choice(len(mids), n, replace=False)
        ang = rng.uniform(0, 2 * np.pi, n)
        xy = mids[idx] + off * np.column_stack([np.cos(ang), np.sin(ang)])
        g = gpd.GeoSeries(shapely.points(xy), crs=s.crs).to_crs(4326)
        for datum, fwd in truth_fwd.items():
            ev = detect_datum(*fwd(g.x.to_numpy(), g.y.to_numpy()), s)
            if ev.clear and ev.best != "wgs84" and ev.best != datum:
                wrong += 1
    for datum in ("gcj02", "bd09"):
        for _ in range(10):
            idx = rng.choice(len(mids), 30, replace=False)
            ang = rng.uniform(0, 2 * np.pi, 30)
            g = gpd.GeoSeries(shapely.points(mids[idx] + 30 * np.column_stack([np.cos(ang), np.sin(ang)])), crs=s.crs).to_crs(4326)
            ev = detect_datum(*truth_fwd[datum](g.x.to_numpy(), g.y.to_numpy()), s)
            found[datum] += ev.clear and ev.best == datum
    assert wrong == 0
    assert found["gcj02"] >= 6 and found["bd09"] >= 6
    # polygons that follow no street (random squares) are never "detected"
    from geo.detect import sample_street_index

    index = sample_street_index()
    for _ in range(40):
        n = int(rng.integers(3, 40))
        x0, y0, d = rng.uniform(120.11, 120.18, n), rng.uniform(30.235, 30.29, n), rng.uniform(0.001, 0.004, n)
        xy, grp = shapely.get_coordinates(shapely.boundary(shapely.box(x0, y0, x0 + d, y0 + d)), return_index=True)
        ev = detect_datum(xy[:, 0], xy[:, 1], index, groups=grp)
        assert not (ev.clear and ev.best != "wgs84")
    # three points alone never trigger a conversion
    ev = detect_datum(*wgs84_to_gcj02(*gpd.GeoSeries(shapely.points(mids[:3]), crs=s.crs).to_crs(4326).pipe(lambda q: (q.x, q.y))), s)
    assert not ev.clear


def test_signed_rank_asymptotic_equals_scipy():
    from scipy.stats import wilcoxon

    from geo.detect import _signed_rank_greater_asymptotic

    rng = np.random.default_rng(5)
    for n, shift, rounding in ((51, 0.0, None), (300, 0.3, None), (2000, -0.05, 1), (5000, 0.02, 0)):
        d = rng.normal(shift, 1.0, n)
        if rounding is not None:  # many ties
            d = np.round(d, rounding)
        d = d[d != 0]
        want = wilcoxon(d, alternative="greater", method="asymptotic").pvalue
        assert _signed_rank_greater_asymptotic(d) == pytest.approx(want, rel=1e-9, abs=1e-300)


def test_detection_measures_a_bounded_subset_of_many_features():
    from geo.detect import MAX_DETECT_FEATURES, _bounded_features

    grp = np.repeat(np.arange(12_000), 3)  # 12,000 features of 3 vertices
    pick = _bounded_features(grp, 12_000)
    kept = np.unique(grp[pick])
    assert len(kept) == MAX_DETECT_FEATURES
    assert np.all(np.bincount(grp[pick])[kept] == 3)  # whole features, not single vertices
    assert kept[0] == 0 and kept[-1] == 11_999  # spread over the whole file
    assert _bounded_features(grp[:30], 10).all()
