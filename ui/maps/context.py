"""How a map's layers are drawn: language, the basemap's datum shift, and the GeoJSON cache."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from geo.coords import wgs84_to_gcj02
from ui.maps.geojson import GeoJsonCache, Shift


@dataclass
class MapContext:
    """Language, basemap (local | osm | tianditu | amap) with its coordinate shift, and the cache
    that keeps converted layers between reruns (None: convert every time)."""

    lang: str = "zh"
    basemap: str = "local"
    shift: Shift | None = None
    cache: GeoJsonCache | None = None

    @property
    def is_gcj02(self) -> bool:
        """Amap tiles are in GCJ-02: every layer is shifted to match them."""
        return self.basemap == "amap"

    @property
    def shift_key(self) -> str:
        """Part of a cache key: which coordinates the GeoJSON is in."""
        return self.basemap if self.shift is not None else "wgs84"

    def cached(self, obj, key: tuple, build: Callable[[], object]):
        """``build()`` once per (``obj``, ``key``) when this context has a cache."""
        return build() if self.cache is None else self.cache.get(obj, key, build)


def context_for(basemap: str = "local", lang: str = "zh", cache: GeoJsonCache | None = None) -> MapContext:
    """A MapContext; Gaode/Amap tiles are in GCJ-02, so every layer is shifted to match."""
    return MapContext(lang=lang, basemap=basemap, shift=wgs84_to_gcj02 if basemap == "amap" else None, cache=cache)
