"""Shared fixtures: the real Hangzhou walking network (built once per session, cached on disk)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PBF = ROOT / "data" / "osm" / "hangzhou_core_2015-02.osm.pbf"
SAMPLE_BZ2 = ROOT / "data" / "osm" / "hangzhou_core_2015-02.osm.bz2"

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def hangzhou():
    """The bundled Hangzhou walking network (EPSG:32651, metres)."""
    from geo.network import load_walk_network

    return load_walk_network(SAMPLE_PBF)
