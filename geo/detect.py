"""Which datum were these points saved in? Evidence from distances to the street network.

Points of real places (service centers, stations, street addresses) sit on or near streets.
Read as the wrong datum they land ~500 m (GCJ-02) or ~1 km (BD-09) away, in central Hangzhou
typically in the middle of a block. :func:`detect_datum` measures the median distance from the
points to the nearest street under each hypothesis and reports the evidence in plain words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geo.coords import DATUMS, to_wgs84
from geo.messages import ByLang, pair

SAMPLE_OSM = Path(__file__).resolve().parent.parent / "data" / "osm" / "hangzhou_core_2015-02.osm.pbf"
SAMPLE_METRIC_CRS = "EPSG:32651"

MIN_POINTS = 3          # fewer points: no conclusion
MAX_RATIO = 0.5         # best median must be at most half the WGS-84 median ...
MIN_GAIN_M = 15.0       # ... and at least this many metres smaller
MAX_OTHER_RATIO = 0.7   # ... and clearly better than the other Chinese datum too
FAR_M = 3000.0          # median beyond this under every datum: points are not in the street area
MAX_P_VALUE = 0.02      # paired one-sided Wilcoxon tests: features closer to streets under the best datum


#: At most this many features (evenly spread over the file) are measured: medians and paired tests
#: are settled long before, and 100,000 rows then cost what 5,000 do (issue 16: detection took
#: 3.6 s of a 20 s run with 100,000 demand points).
MAX_DETECT_FEATURES = 5000
#: Up to this many differences the exact signed-rank distribution is used (SciPy); above it the
#: normal approximation with tie correction, computed here (same figure as SciPy's "asymptotic"
#: method, tests/test_coords.py) without importing scipy.stats (1-4 s on a loaded machine).
EXACT_MAX_N = 50


def _paired_p(worse: np.ndarray, better: np.ndarray) -> float:
    """One-sided Wilcoxon signed-rank p-value that ``better`` distances are smaller (paired)."""
    diff = np.asarray(worse, dtype=float) - np.asarray(better, dtype=float)
    diff = diff[np.isfinite(diff) & (diff != 0)]
    if len(diff) < MIN_POINTS:
        return 1.0
    if len(diff) <= EXACT_MAX_N:
        from scipy.stats import wilcoxon

        return float(wilcoxon(diff, alternative="greater").pvalue)
    return _signed_rank_greater_asymptotic(diff)


def _signed_rank_greater_asymptotic(diff: np.ndarray) -> float:
    """P(W+ >= observed) under H0, normal approximation with tie correction, no continuity
    correction (SciPy ``wilcoxon(..., alternative="greater", method="asymptotic")``); no zeros."""
    a = np.abs(diff)
    order = np.argsort(a, kind="mergesort")
    sorted_a = a[order]
    # average ranks of tied |differences|
    new = np.r_[True, sorted_a[1:] != sorted_a[:-1]]
    start = np.flatnonzero(new)
    counts = np.diff(np.r_[start, len(a)])
    avg = start + (counts + 1) / 2.0  # 1-based average rank of each tie group
    ranks = np.empty(len(a))
    ranks[order] = np.repeat(avg, counts)
    n = float(len(a))
    r_plus = float(ranks[diff > 0].sum())
    mean = n * (n + 1) / 4.0
    var = n * (n + 1) * (2 * n + 1) - 0.5 * float((counts * (counts * counts - 1.0)).sum())
    se = math.sqrt(var / 24.0)
    if se == 0:
        return 1.0
    z = (r_plus - mean) / se
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _bounded_features(grp: np.ndarray, n: int) -> np.ndarray:
    """Mask of the positions of at most MAX_DETECT_FEATURES features, evenly spread."""
    if n <= MAX_DETECT_FEATURES:
        return np.ones(len(grp), dtype=bool)
    features = np.unique(grp)
    keep = features[np.linspace(0, len(features) - 1, MAX_DETECT_FEATURES).round().astype(np.int64)]
    return np.isin(grp, keep)


_NAMES_ZH = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}
_SOURCES_ZH = {"wgs84": "GPS/天地图/OSM 坐标", "gcj02": "高德/腾讯地图坐标", "bd09": "百度地图坐标"}
_SOURCES_EN = {"wgs84": "GPS/Tianditu/OSM coordinates", "gcj02": "Amap/Tencent coordinates", "bd09": "Baidu coordinates"}


@dataclass(frozen=True)
class DatumEvidence:
    """Outcome of datum detection. ``median_m`` maps datum -> median distance to streets (m)."""

    n_points: int
    median_m: dict[str, float] = field(default_factory=dict)
    best: str = "wgs84"
    clear: bool = False
    message_zh: str = ""
    message_en: str = ""

    def sentence(self, lang: str = "zh") -> str:
        """The plain-words conclusion of the detection in ``lang``.

        Parameters
        ----------
        lang : str
            "zh" (Simplified Chinese) or "en".

        Returns
        -------
        str
            ``message_en`` for "en", ``message_zh`` otherwise.
        """
        return self.message_en if lang == "en" else self.message_zh


def _street_geoms(streets) -> tuple[np.ndarray, CRS]:
    if isinstance(streets, gpd.GeoDataFrame):
        streets = streets.geometry
    if not isinstance(streets, gpd.GeoSeries):
        raise TypeError("streets must be a GeoSeries or GeoDataFrame of street lines")
    if streets.crs is None:
        raise ValueError("streets have no CRS; give them a metric CRS such as EPSG:32651")
    crs = CRS.from_user_input(streets.crs)
    if not crs.is_projected:
        from geo.crs import utm_crs_for

        c = streets.union_all().centroid
        streets = streets.to_crs(utm_crs_for(c.x, c.y))
        crs = CRS.from_user_input(streets.crs)
    geoms = np.asarray(streets.values, dtype=object)
    geoms = geoms[~shapely.is_empty(geoms) & ~shapely.is_missing(geoms)]
    return geoms, crs


class StreetIndex:
    """Street lines in a metric CRS with a spatial index, for repeated nearest-street queries."""

    def __init__(self, streets) -> None:
        geoms, crs = _street_geoms(streets)
        self.crs = crs
        self.tree = shapely.STRtree(geoms) if len(geoms) else None
        self._to_metric = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        if len(geoms):
            minx, miny, maxx, maxy = shapely.total_bounds(geoms)
            back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
            #: (minlon, minlat, maxlon, maxlat) of the streets, WGS-84 degrees
            self.bounds_wgs84: tuple[float, float, float, float] | None = tuple(
                float(v) for v in back.transform_bounds(minx, miny, maxx, maxy))
        else:
            self.bounds_wgs84 = None

    def distances(self, lon, lat) -> np.ndarray:
        """Distance from each WGS-84 point to the nearest street.

        Parameters
        ----------
        lon, lat : array_like of float
            WGS-84 (EPSG:4326) longitude and latitude in degrees (same shape).

        Returns
        -------
        numpy.ndarray of float
            Same shape as ``lon``: distance in metres (measured in the index's metric CRS);
            NaN for NaN input or when the index holds no streets.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        out = np.full(lon.shape, np.nan)
        ok = np.isfinite(lon) & np.isfinite(lat)
        if not ok.any() or self.tree is None:
            return out
        x, y = self._to_metric.transform(lon[ok], lat[ok])
        pts = shapely.points(np.asarray(x), np.asarray(y))
        (src, _tgt), dist = self.tree.query_nearest(pts, return_distance=True, all_matches=False)
        d = np.full(len(pts), np.nan)
        d[src] = dist
        out[ok] = d
        return out


def street_distances(lon, lat, streets) -> np.ndarray:
    """Distance in metres from each WGS-84 point to the nearest street line.

    Parameters
    ----------
    lon, lat : array_like of float
        WGS-84 (EPSG:4326) longitude and latitude in degrees (same shape).
    streets : geopandas.GeoSeries, geopandas.GeoDataFrame or StreetIndex
        Street lines with a CRS (a geographic CRS is projected to its UTM zone), or a
        prepared :class:`StreetIndex`.

    Returns
    -------
    numpy.ndarray of float
        Distance in metres per point; NaN for NaN input.
    """
    index = streets if isinstance(streets, StreetIndex) else StreetIndex(streets)
    return index.distances(lon, lat)


def detect_datum(lon, lat, streets, *, groups=None) -> DatumEvidence:
    """Test WGS-84, GCJ-02 and BD-09 readings of the points against the street lines.

    ``clear`` is True only when one Chinese datum puts the points much closer to the streets
    than WGS-84 does: its median distance is at most half, at least 15 m less, clearly below
    the other Chinese datum, and paired one-sided Wilcoxon signed-rank tests over the features
    (closer than as WGS-84, and than as the other Chinese datum) give p < 0.02, so a few
    points can never trigger a conversion by chance (3 points never do). It is also True
    when WGS-84 is at most half the distance of both Chinese readings. Fewer than 3 features
    give no conclusion; of more than ``MAX_DETECT_FEATURES`` features an evenly spread subset
    of that many is measured. Medians beyond 3,000 m under every datum mean the points are
    not in the street area (no conclusion).

    Parameters
    ----------
    lon, lat : array_like of float
        Coordinates as found in the file, decimal degrees (any datum); NaN positions are
        ignored.
    streets : geopandas.GeoSeries, geopandas.GeoDataFrame or StreetIndex
        Street lines (any CRS; metric preferred) or a prepared :class:`StreetIndex`.
    groups : array_like, optional
        Feature index of each position (e.g. the polygon a vertex belongs to); the distances
        of one feature are summarised by their median, so all tests count features, not
        vertices. None: every position is its own feature.

    Returns
    -------
    DatumEvidence
        Number of features, median distance to streets per datum (metres), the best datum
        ("wgs84" unless the evidence is clear), ``clear`` and the zh/en explanation.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    grp = np.arange(lon.size) if groups is None else np.asarray(groups)[ok]
    n = int(len(np.unique(grp)))
    if n < MIN_POINTS:
        return DatumEvidence(
            n, {}, "wgs84", False,
            *pair("reader.too_few_points_tell_datum", n=n),
        )
    pick = _bounded_features(grp, n)
    lon, lat, grp = lon[pick], lat[pick], grp[pick]
    med: dict[str, float] = {}
    dist: dict[str, np.ndarray] = {}
    index = streets if isinstance(streets, StreetIndex) else StreetIndex(streets)
    for datum in DATUMS:
        wl, wa = to_wgs84(lon, lat, datum)
        d = index.distances(wl, wa)
        if groups is not None:  # one value per feature
            d = pd.Series(d).groupby(grp).median().to_numpy()
        dist[datum] = d
        med[datum] = float(np.nanmedian(d))
    evidence_zh = "，".join(f"按 {_NAMES_ZH[d]} 读取时到道路的距离中位数为 {med[d]:.0f} 米" for d in DATUMS)
    evidence_en = ", ".join(f"{med[d]:.0f} m as {_NAMES_ZH[d]}" for d in DATUMS)
    evidence_en = f"median distance to streets {evidence_en}"
    if min(med.values()) > FAR_M:
        return DatumEvidence(
            n, med, "wgs84", False,
            *pair("reader.points_not_within_street_network", evidence=ByLang(evidence_zh, evidence_en)),
        )
    best = min(med, key=med.get)
    other = "bd09" if best == "gcj02" else "gcj02"
    p_wgs = _paired_p(dist["wgs84"], dist[best])
    p_other = _paired_p(dist[other], dist[best])
    clear = (
        best != "wgs84"
        and p_wgs < MAX_P_VALUE
        and p_other < MAX_P_VALUE
        and med[best] <= MAX_RATIO * med["wgs84"]
        and med["wgs84"] - med[best] >= MIN_GAIN_M
        and med[best] <= MAX_OTHER_RATIO * med[other]
    )
    if clear:
        zh = f"{evidence_zh}：文件看起来是{_SOURCES_ZH[best]}（{_NAMES_ZH[best]}）。"
        en = f"{evidence_en}: the file looks like {_SOURCES_EN[best]} ({_NAMES_ZH[best]})."
        return DatumEvidence(n, med, best, True, zh, en)
    if best == "wgs84" and med["wgs84"] <= MAX_RATIO * min(med["gcj02"], med["bd09"]):
        zh = f"{evidence_zh}：文件看起来是 WGS-84 坐标，无需转换。"
        en = f"{evidence_en}: the file looks like WGS-84, no conversion needed."
        return DatumEvidence(n, med, "wgs84", True, zh, en)
    zh = f"{evidence_zh}：证据不明确，按 WGS-84 读取；如点位来自高德或百度地图，请用 --coords gcj02 或 bd09 指定。"
    en = (f"{evidence_en}: the evidence is not clear, read as WGS-84; if the points come from Amap or "
          f"Baidu, say so with --coords gcj02 or bd09.")
    return DatumEvidence(n, med, "wgs84", False, zh, en)


@lru_cache(maxsize=1)
def sample_street_index() -> StreetIndex:
    """Prepared index of the sample city's streets (built once per process).

    Returns
    -------
    StreetIndex
        Index over :func:`sample_streets` (EPSG:32651, metres).
    """
    return StreetIndex(sample_streets())


@lru_cache(maxsize=1)
def sample_streets() -> gpd.GeoSeries:
    """Street lines of the bundled sample city (Hangzhou core).

    Returns
    -------
    geopandas.GeoSeries
        Line geometries of every OSM way with a ``highway`` tag, in EPSG:32651 (metres),
        index 0..n-1.
    """
    import pyogrio

    df = pyogrio.read_dataframe(SAMPLE_OSM, layer="lines", columns=["highway"], where="highway IS NOT NULL")
    return df.geometry.to_crs(SAMPLE_METRIC_CRS).reset_index(drop=True)


def sample_bounds_wgs84() -> tuple[float, float, float, float]:
    """Bounding box of the bundled sample city's streets.

    Returns
    -------
    tuple of float
        (minlon, minlat, maxlon, maxlat) in WGS-84 (EPSG:4326) degrees.
    """
    b = sample_streets().to_crs("EPSG:4326").total_bounds
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])
