"""Context layers of a local OSM file (offline): streets, water, green, buildings, landuse, POIs.

Read with pyosmium in one pass (areas assembled by libosmium), all geometries in WGS-84
(EPSG:4326). Old-style multipolygons (tags on the outer way, relation tagged only
``type=multipolygon``, e.g. West Lake 西湖 with its islands as inner rings) are handled: the
relation gets the outer way's tags and the plain way area is dropped, so lakes keep their holes.
Results are cached on disk in data-only formats (``geo.disk_cache``), keyed by the file's SHA-256,
the format version and the builder code's fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.errors import OSMFileError
from geo.messages import both
from geo.disk_cache import (Packer, Unpacker, cache_key, code_fingerprint, decode_frame, encode_frame, read_entry,
                             write_entry)
from geo.osm_file import check_osm_file, file_sha256, osmium_file

CACHE_VERSION = 1
LAYERS = ("streets", "water", "green", "buildings", "landuse", "pois")

#: tag values that make an area water / green (checked in this order: water wins).
WATER_NATURAL = frozenset({"water", "bay", "wetland"})
WATER_WATERWAY = frozenset({"riverbank", "dock", "canal", "river"})
WATER_LANDUSE = frozenset({"reservoir", "basin"})
WATERWAY_LINES = frozenset({"river", "canal", "stream", "drain", "ditch"})
GREEN_LEISURE = frozenset({"park", "garden", "nature_reserve", "common", "playground", "dog_park"})
GREEN_LANDUSE = frozenset({"grass", "forest", "recreation_ground", "meadow", "village_green", "orchard",
                           "farmland", "plant_nursery", "greenfield"})
GREEN_NATURAL = frozenset({"wood", "scrub", "grassland", "heath"})
#: non-landuse areas kept in the ``landuse`` layer (institutions, sites): tag key -> values.
SITE_TAGS = {
    "amenity": frozenset({"school", "university", "college", "kindergarten", "hospital", "clinic",
                          "parking", "marketplace", "place_of_worship", "police", "townhall"}),
    "tourism": frozenset({"attraction", "museum", "zoo", "theme_park", "hotel"}),
    "leisure": frozenset({"stadium", "sports_centre", "track", "pitch", "golf_course"}),
    "historic": frozenset({"monument", "memorial", "archaeological_site", "ruins", "castle"}),
}
POI_KEYS = ("amenity", "shop", "craft", "office", "tourism")
_AREA_KEYS = ("building", "natural", "landuse", "leisure", "waterway", "water", *POI_KEYS, "historic")
#: tags that belong to the relation itself, not to the area it describes
_RELATION_ONLY_TAGS = frozenset({"type", "area", "source", "note", "created_by", "fixme", "FIXME"})

_STREET_COLS = ("highway", "name", "name_en", "oneway", "foot", "access", "bridge", "tunnel", "layer")
_WATER_COLS = ("kind", "natural", "waterway", "landuse", "water", "name")
_GREEN_COLS = ("leisure", "landuse", "natural", "name")
_BUILDING_COLS = ("building", "building_levels", "name", "amenity", "shop", "tourism", "historic")
_LANDUSE_COLS = ("landuse", "amenity", "tourism", "leisure", "historic", "name")
_POI_COLS = ("category", "amenity", "shop", "craft", "office", "tourism", "cuisine", "name", "from_area")


@dataclass
class OSMFeatures:
    """Context layers (GeoDataFrames, EPSG:4326) plus the file bounds (min lon, min lat, max lon, max lat).

    Every layer has ``osm_type`` ("node"/"way"/"relation"), ``osm_id`` and layer tag columns
    (missing tags are ``""``). ``water`` mixes polygons (kind="area") and waterway lines
    (kind="line"); ``landuse`` holds ``landuse=*`` polygons plus institutional / tourist sites
    (school, hospital, attraction, stadium..., ``landuse == ""``); ``pois`` are points, tagged
    areas contributing a representative point (always inside the area) with ``from_area=True``.
    ``stats`` counts the layers and the skipped / repaired geometries.
    """

    streets: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    green: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    landuse: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    bounds: tuple[float, float, float, float]
    source_path: str | None = None
    source_sha256: str | None = None
    stats: dict = field(default_factory=dict)

    def __getitem__(self, key: str) -> gpd.GeoDataFrame:
        if key not in LAYERS:
            raise KeyError(key)
        return getattr(self, key)

    def keys(self) -> tuple[str, ...]:
        """Names of the layers, in :data:`LAYERS` order.

        Returns
        -------
        tuple of str
            ("streets", "water", "green", "buildings", "landuse", "pois").
        """
        return LAYERS

    def as_dict(self) -> dict[str, gpd.GeoDataFrame]:
        """The layers by name.

        Returns
        -------
        dict of str to geopandas.GeoDataFrame
            Layer name -> GeoDataFrame in EPSG:4326 (the objects themselves, not copies).
        """
        return {k: getattr(self, k) for k in LAYERS}

    def water_polygons(self) -> gpd.GeoSeries:
        """Water areas only (lakes, rivers as polygons).

        Returns
        -------
        geopandas.GeoSeries
            Geometries of the ``water`` rows with ``kind == "area"``, EPSG:4326, original index.
        """
        return self.water.geometry[self.water["kind"] == "area"]


# -- reading ---------------------------------------------------------------------------------


class _Rows:
    """Column-wise accumulator for one layer."""

    def __init__(self, cols: tuple[str, ...]):
        self.cols = cols
        self.data: dict[str, list] = {c: [] for c in ("osm_type", "osm_id", *cols)}
        self.geoms: list[bytes] = []

    def add(self, osm_type: str, osm_id: int, tags: dict[str, str], wkb: bytes, **extra) -> None:
        self.data["osm_type"].append(osm_type)
        self.data["osm_id"].append(int(osm_id))
        for c in self.cols:
            self.data[c].append(extra[c] if c in extra else tags.get(_TAG_OF_COL.get(c, c), ""))
        self.geoms.append(wkb)

    def frame(self) -> gpd.GeoDataFrame:
        geoms = shapely.from_wkb(np.asarray(self.geoms, dtype=object)) if self.geoms else np.empty(0, object)
        df = pd.DataFrame(self.data)
        df["osm_id"] = df["osm_id"].astype(np.int64)
        return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)


_TAG_OF_COL = {"building_levels": "building:levels", "name_en": "name:en"}


def _old_style_multipolygons(f) -> tuple[dict[int, int], set[int]]:
    """Relations tagged only ``type=multipolygon``: map outer way id -> relation id, and the relation ids."""
    import osmium

    outer_of: dict[int, int] = {}
    rels: set[int] = set()
    for r in osmium.FileProcessor(f, osmium.osm.RELATION):
        tags = dict(r.tags)
        if tags.get("type") != "multipolygon" or set(tags) - _RELATION_ONLY_TAGS:
            continue
        rels.add(r.id)
        for m in r.members:
            if m.type == "w" and m.role in ("outer", ""):
                outer_of[m.ref] = r.id
    return outer_of, rels


def _way_tags(f, ids: set[int]) -> dict[int, dict[str, str]]:
    import osmium

    if not ids:
        return {}
    return {w.id: dict(w.tags) for w in osmium.FileProcessor(f, osmium.osm.WAY) if w.id in ids}


def _water_area(t: dict[str, str]) -> bool:
    return (t.get("natural") in WATER_NATURAL or t.get("waterway") in WATER_WATERWAY
            or t.get("landuse") in WATER_LANDUSE or ("water" in t and t.get("natural") != "wetland"))


def _green_area(t: dict[str, str]) -> bool:
    return (t.get("leisure") in GREEN_LEISURE or t.get("landuse") in GREEN_LANDUSE
            or t.get("natural") in GREEN_NATURAL)


def _site_area(t: dict[str, str]) -> bool:
    return bool(t.get("landuse")) or any(t.get(k) in v for k, v in SITE_TAGS.items())


def _poi_category(t: dict[str, str]) -> str:
    for k in POI_KEYS:
        if t.get(k):
            return f"{k}={t[k]}"
    return ""


def read_osm_features(path: str | Path) -> OSMFeatures:
    """Parse ``path`` into :class:`OSMFeatures` (no cache).

    Parameters
    ----------
    path : str or Path
        Local OSM extract (PBF or XML, see :func:`geo.osm_file.check_osm_file`).

    Returns
    -------
    OSMFeatures
        The six context layers, geometries in EPSG:4326, with bounds and ``stats``.

    Raises
    ------
    OSMFileError
        The file is refused by the checks or libosmium cannot read it (truncated, damaged).
    """
    import osmium

    p = check_osm_file(path)
    try:
        outer_of, old_rels = _old_style_multipolygons(osmium_file(p))
        outer_tags = _way_tags(osmium_file(p), set(outer_of))
        rel_tags: dict[int, dict[str, str]] = {}
        for wid, rid in outer_of.items():
            t = {k: v for k, v in outer_tags.get(wid, {}).items() if k not in _RELATION_ONLY_TAGS}
            if rid in rel_tags and rel_tags[rid] != t:  # outer ways disagree: keep common tags only
                t = {k: v for k, v in t.items() if rel_tags[rid].get(k) == v}
            rel_tags[rid] = t

        wkbf = osmium.geom.WKBFactory()
        rows = {
            "streets": _Rows(_STREET_COLS), "water": _Rows(_WATER_COLS), "green": _Rows(_GREEN_COLS),
            "buildings": _Rows(_BUILDING_COLS), "landuse": _Rows(_LANDUSE_COLS), "pois": _Rows(_POI_COLS),
        }
        deferred: dict[int, tuple[dict, bytes]] = {}   # outer-way areas, used if their relation fails
        done_rels: set[int] = set()
        rings: dict[int, bytes] = {}                    # closed tagged ways: fallback for invalid areas
        failed_ways: list[tuple[int, dict[str, str]]] = []
        n_degenerate = n_bad = n_repaired = 0
        fp = osmium.FileProcessor(osmium_file(p)).with_areas()
        for o in fp:
            if o.is_node():
                if any(k in o.tags for k in POI_KEYS):
                    t = dict(o.tags)
                    rows["pois"].add("node", o.id, t, wkbf.create_point(o), category=_poi_category(t), from_area=False)
            elif o.is_way():
                t = o.tags
                hw, ww = t.get("highway"), t.get("waterway")
                closed_area = len(t) and o.is_closed() and any(k in t for k in _AREA_KEYS)
                if hw or ww in WATERWAY_LINES or closed_area:
                    try:
                        line = wkbf.create_linestring(o)
                    except RuntimeError:  # a one-node way or missing locations
                        n_degenerate += 1
                        continue
                    if closed_area:
                        rings[o.id] = line
                    td = dict(t)
                    if hw:
                        rows["streets"].add("way", o.id, td, line)
                    if ww in WATERWAY_LINES:
                        rows["water"].add("way", o.id, td, line, kind="line")
            elif o.is_area():
                from_way = o.from_way()
                oid = o.orig_id()
                t = dict(o.tags)
                if not from_way and oid in old_rels:
                    t = rel_tags.get(oid, {})
                if not t:
                    continue
                try:
                    wkb = wkbf.create_multipolygon(o)
                except RuntimeError:  # invalid rings: ways are repaired below, relations skipped
                    if from_way:
                        failed_ways.append((oid, t))
                    else:
                        n_bad += 1
                    continue
                if from_way and oid in outer_of:
                    deferred[oid] = (t, wkb)
                    continue
                if not from_way:
                    done_rels.add(oid)
                _add_area(rows, "way" if from_way else "relation", oid, t, wkb)
        for wid, t in failed_ways:
            poly = _ring_polygon(rings.get(wid))
            if poly is None:
                n_bad += 1
                continue
            n_repaired += 1
            if wid in outer_of:
                deferred[wid] = (t, poly)
            else:
                _add_area(rows, "way", wid, t, poly)
        for wid, (t, wkb) in deferred.items():
            if outer_of[wid] not in done_rels:
                _add_area(rows, "way", wid, t, wkb)
        header_box = fp.header.box()
    except RuntimeError as err:  # libosmium: truncated PBF, broken XML, bad compression
        raise OSMFileError(both("error.osm_unreadable", name=p.name, err=err)) from err

    layers = {k: _clean(r.frame()) for k, r in rows.items()}
    pois = layers["pois"]
    if len(pois):
        pois["geometry"] = pois.geometry.representative_point()
    if header_box.valid():
        bounds = (header_box.bottom_left.lon, header_box.bottom_left.lat,
                  header_box.top_right.lon, header_box.top_right.lat)
    else:
        b = layers["streets"].total_bounds
        bounds = tuple(float(x) for x in b)
    stats = {k: len(v) for k, v in layers.items()}
    stats["invalid_areas_skipped"] = n_bad
    stats["areas_repaired"] = n_repaired
    stats["degenerate_ways_skipped"] = n_degenerate
    return OSMFeatures(**layers, bounds=tuple(float(x) for x in bounds), source_path=str(p), stats=stats)


def _ring_polygon(line_wkb: bytes | None) -> bytes | None:
    """A self-intersecting closed way as a repaired (multi)polygon WKB, or None."""
    if line_wkb is None:
        return None
    coords = shapely.get_coordinates(shapely.from_wkb(line_wkb))
    if len(coords) < 4:
        return None
    poly = _polygonal(shapely.make_valid(shapely.Polygon(coords)))
    return None if poly.is_empty else shapely.to_wkb(poly)


def _add_area(rows: dict[str, _Rows], osm_type: str, oid: int, t: dict[str, str], wkb: bytes) -> None:
    """Route one assembled area to its layers (a feature may be in several)."""
    if _water_area(t):
        rows["water"].add(osm_type, oid, t, wkb, kind="area")
    elif _green_area(t):
        rows["green"].add(osm_type, oid, t, wkb)
    elif _site_area(t):
        rows["landuse"].add(osm_type, oid, t, wkb)
    if t.get("building", "no") != "no":
        rows["buildings"].add(osm_type, oid, t, wkb)
    if any(k in t for k in POI_KEYS):
        rows["pois"].add(osm_type, oid, t, wkb, category=_poi_category(t), from_area=True)


def _clean(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repair invalid geometries, turn one-part multipolygons into polygons, drop empties."""
    if not len(gdf):
        return gdf
    g = gdf.geometry.values
    bad = ~shapely.is_valid(g)
    if bad.any():
        fixed = shapely.make_valid(g[bad])
        # make_valid may return collections: keep the polygonal part of polygon inputs
        was_poly = np.isin(shapely.get_type_id(g[bad]), (3, 6))
        fixed[was_poly] = [_polygonal(x) for x in fixed[was_poly]]
        g = g.copy()
        g[bad] = fixed
    single = (shapely.get_type_id(g) == 6) & (shapely.get_num_geometries(g) == 1)
    if single.any():
        g = g.copy()
        g[single] = shapely.get_geometry(g[single], 0)
    out = gdf.set_geometry(gpd.GeoSeries(g, crs=WGS84, index=gdf.index))
    return out[~out.geometry.is_empty & out.geometry.notna()].reset_index(drop=True)


def _polygonal(geom):
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


# -- cache -----------------------------------------------------------------------------------


def load_osm_features(path: str | Path, *, cache_dir: str | Path | None = None, use_cache: bool = True) -> OSMFeatures:
    """Context layers of a local OSM file, from the on-disk cache when possible.

    The cache key is the file's SHA-256, :data:`CACHE_VERSION` and the code fingerprint; the
    cache holds data only (``geo.disk_cache``), verified by SHA-256 before use. A damaged or
    foreign cache entry is ignored and rebuilt.

    Parameters
    ----------
    path : str or Path
        Local OSM extract (PBF or XML).
    cache_dir : str or Path, optional
        Cache folder; None uses :func:`geo.disk_cache.cache_root`.
    use_cache : bool
        False parses the file and neither reads nor writes the cache.

    Returns
    -------
    OSMFeatures
        As :func:`read_osm_features`, with ``source_sha256`` set.

    Raises
    ------
    OSMFileError
        The file is refused or cannot be read.
    """
    p = check_osm_file(path)
    digest = file_sha256(p)
    key = cache_key(sha=digest, what="features", v=CACHE_VERSION, code=code_fingerprint(__file__))
    if use_cache:
        obj = _from_cache(read_entry("features", key, cache_dir), digest)
        if obj is not None:
            return obj
    feats = read_osm_features(p)
    feats.source_sha256 = digest
    if use_cache:
        pk = Packer()
        schemas = {name: encode_frame(name, feats[name], pk) for name in LAYERS}
        meta = {"layers": schemas, "bounds": [float(b) for b in feats.bounds], "source_path": feats.source_path,
                "source_sha256": digest, "stats": {k: int(v) for k, v in feats.stats.items()}}
        write_entry("features", key, pk.finish(), meta, cache_dir)
    return feats


def _from_cache(entry, digest: str) -> OSMFeatures | None:
    """The layers of a verified cache entry, or None when it does not fit (then they are rebuilt)."""
    if entry is None:
        return None
    arrays, meta = entry
    try:
        if meta.get("source_sha256") != digest or set(meta["layers"]) != set(LAYERS):
            return None
        up = Unpacker(arrays)
        layers = {name: decode_frame(meta["layers"][name], up) for name in LAYERS}
        bounds = tuple(float(b) for b in meta["bounds"])
        if len(bounds) != 4:
            return None
        return OSMFeatures(**layers, bounds=bounds, source_path=meta.get("source_path"), source_sha256=digest,
                           stats={str(k): int(v) for k, v in meta.get("stats", {}).items()})
    except Exception:  # anything unexpected: rebuilt
        return None


if __name__ == "__main__":  # pragma: no cover - manual check
    import sys
    import time

    t0 = time.perf_counter()
    fx = load_osm_features(sys.argv[1], use_cache=False)
    print({k: len(v) for k, v in fx.as_dict().items()}, fx.stats, fx.bounds, f"{time.perf_counter() - t0:.2f} s")
