"""Chinese map datums: GCJ-02 (Amap, Tencent) and BD-09 (Baidu) to WGS-84 and back.

All functions take and return NumPy arrays of longitude/latitude in decimal degrees
(scalars are accepted and come back as 0-d arrays). They are vectorised: no Python loop
over points. Points outside mainland China's bounding box are left unchanged, as the
official obfuscation is not applied there.

The forward transforms follow the published GCJ-02 formulas (Krasovsky 1940 ellipsoid).
The inverse transforms are iterative (fixed-point on the forward transform) and accurate
to far better than 1 cm; the one-step inverse commonly copied around is off by up to ~2 m.

Datum *detection* (which datum makes points fall onto the street network) lives in
:mod:`geo.detect` (which imports this module; this module imports nothing from it).
"""

from __future__ import annotations

import numpy as np

# Krasovsky 1940 ellipsoid used by the GCJ-02 obfuscation.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_INV_TOL_DEG = 1e-10  # ~0.01 mm
_INV_MAX_ITER = 30

DATUMS = ("wgs84", "gcj02", "bd09")


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat must have the same shape, got {lon.shape} and {lat.shape}")
    return lon, lat


def in_china(lon, lat) -> np.ndarray:
    """True where the point lies in the rough bounding box where GCJ-02 applies.

    Parameters
    ----------
    lon, lat : array_like of float
        Longitude and latitude in decimal degrees (same shape).

    Returns
    -------
    numpy.ndarray of bool
        Same shape as ``lon``; True inside mainland China's bounding box.
    """
    lon, lat = _arrays(lon, lat)
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (dlon, dlat) in degrees to add to a WGS-84 position."""
    x = lon - 105.0
    y = lat - 35.0
    sq = np.sqrt(np.abs(x))
    periodic = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    t_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq + periodic
    t_lat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    t_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    t_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq + periodic
    t_lon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    t_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    s = np.sin(rad)
    magic = 1.0 - _EE * s * s
    sqrt_magic = np.sqrt(magic)
    dlat = (t_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (t_lon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 → GCJ-02 (Amap, Tencent).

    Parameters
    ----------
    lon, lat : array_like of float
        WGS-84 (EPSG:4326) longitude and latitude in decimal degrees (same shape).

    Returns
    -------
    lon, lat : tuple of numpy.ndarray
        GCJ-02 longitude and latitude in degrees; points outside China are unchanged.
    """
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def _invert(forward, tlon: np.ndarray, tlat: np.ndarray, lon0: np.ndarray, lat0: np.ndarray):
    """Solve forward(lon, lat) == (tlon, tlat) by fixed-point iteration from (lon0, lat0)."""
    lon, lat = lon0.copy(), lat0.copy()
    for _ in range(_INV_MAX_ITER):
        flon, flat = forward(lon, lat)
        elon, elat = tlon - flon, tlat - flat
        lon = lon + elon
        lat = lat + elat
        err = np.nanmax(np.abs(np.concatenate([elon.ravel(), elat.ravel()])), initial=0.0)
        if err < _INV_TOL_DEG:
            break
    return lon, lat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS-84 (iterative inverse, error far below 1 cm).

    Parameters
    ----------
    lon, lat : array_like of float
        GCJ-02 longitude and latitude in decimal degrees (same shape).

    Returns
    -------
    lon, lat : tuple of numpy.ndarray
        WGS-84 (EPSG:4326) longitude and latitude in degrees.
    """
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon, lat)
    return _invert(wgs84_to_gcj02, lon, lat, lon - dlon, lat - dlat)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09 (Baidu).

    Parameters
    ----------
    lon, lat : array_like of float
        GCJ-02 longitude and latitude in decimal degrees (same shape).

    Returns
    -------
    lon, lat : tuple of numpy.ndarray
        BD-09 longitude and latitude in degrees.
    """
    lon, lat = _arrays(lon, lat)
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → GCJ-02: the published closed-form inverse, refined iteratively to < 1 cm.

    Parameters
    ----------
    lon, lat : array_like of float
        BD-09 (Baidu) longitude and latitude in decimal degrees (same shape).

    Returns
    -------
    lon, lat : tuple of numpy.ndarray
        GCJ-02 longitude and latitude in degrees.
    """
    lon, lat = _arrays(lon, lat)
    x, y = lon - 0.0065, lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, lon, lat, z * np.cos(theta), z * np.sin(theta))


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 → BD-09 (via GCJ-02).

    Parameters
    ----------
    lon, lat : array_like of float
        WGS-84 (EPSG:4326) longitude and latitude in decimal degrees (same shape).

    Returns
    -------
    lon, lat : tuple of numpy.ndarray
        BD-09 longitude and latitude in degrees.
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → WGS-84 (via GCJ-02, both steps iterative).

    Parameters
    ----------
    lon, lat : array_like of float
        BD-09 (Baidu) longitude and latitude in decimal degrees (same shape).

    Returns
    -------
    lon, lat : tuple of numpy.ndarray
        WGS-84 (EPSG:4326) longitude and latitude in degrees.
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon, lat, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert positions given in ``datum`` to WGS-84.

    Parameters
    ----------
    lon, lat : array_like of float
        Longitude and latitude in decimal degrees in ``datum`` (same shape).
    datum : str
        Datum of the input: "wgs84", "gcj02" or "bd09".

    Returns
    -------
    lon, lat : tuple of numpy.ndarray
        WGS-84 (EPSG:4326) longitude and latitude in degrees.

    Raises
    ------
    ValueError
        ``datum`` is not one of :data:`DATUMS`.
    """
    return _by_datum(lon, lat, datum, {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84})


def from_wgs84(lon, lat, datum: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS-84 positions to ``datum``.

    Parameters
    ----------
    lon, lat : array_like of float
        WGS-84 (EPSG:4326) longitude and latitude in decimal degrees (same shape).
    datum : str
        Target datum: "wgs84", "gcj02" or "bd09".

    Returns
    -------
    lon, lat : tuple of numpy.ndarray
        Longitude and latitude in degrees in ``datum``.

    Raises
    ------
    ValueError
        ``datum`` is not one of :data:`DATUMS`.
    """
    return _by_datum(lon, lat, datum, {"gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09})


def _by_datum(lon, lat, datum: str, convert: dict) -> tuple[np.ndarray, np.ndarray]:
    """``convert[datum](lon, lat)``; WGS-84 positions as they are; ValueError for an unknown datum."""
    if datum == "wgs84":
        return _arrays(lon, lat)
    if datum in convert:
        return convert[datum](lon, lat)
    raise ValueError(f"unknown datum {datum!r}; expected one of {DATUMS}")


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance between two sets of WGS-84 positions (sphere R = 6371008.8 m).

    Parameters
    ----------
    lon1, lat1 : array_like of float
        First positions, WGS-84 (EPSG:4326) longitude and latitude in degrees.
    lon2, lat2 : array_like of float
        Second positions in degrees; broadcast against the first.

    Returns
    -------
    numpy.ndarray of float
        Element-wise distance in metres.
    """
    lon1, lat1 = _arrays(lon1, lat1)
    lon2, lat2 = _arrays(lon2, lat2)
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(h))
