"""Scenario stores: an embedded GeoPackage (default) or a PostgreSQL/PostGIS database.

A scenario (方案) is a named, dated set of proposed sites with their snapped street positions
(edge index, offset in metres, the network's SHA-256), the layers (paths + SHA-256) and walking
parameters used, and its results (coverage summary, gap areas, per-community table).

Both backends keep the same five tables (``sc_scenarios``, ``sc_layers``, ``sc_sites``,
``sc_gaps``, ``sc_communities``) plus ``sc_schema`` (schema version). Geometries are WGS-84
(EPSG:4326). Every save, replace and delete is ONE database transaction: a process killed in the
middle of a save leaves the earlier scenarios untouched (SQLite's rollback journal / PostgreSQL's
WAL undo the unfinished transaction), and concurrent writers are serialised by the database.

The GeoPackage is a real OGC GeoPackage (application id ``GPKG``, ``gpkg_contents``,
``gpkg_geometry_columns``): ``sc_sites`` and ``sc_gaps`` open as point/polygon layers in QGIS.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import struct
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import ServiceCircleError
from geo.messages import ByLang, both

#: version of the tables below; a store written by a newer version is refused, not misread
SCHEMA_VERSION = 1
STORE_ENV = "SERVICECIRCLE_STORE"
WGS84_SRS_ID = 4326
GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10400          # GeoPackage 1.4.0

SITE_COLUMNS = ["site_id", "name", "kind", "lon", "lat", "x", "y", "edge", "offset_m", "access_m", "network_sha256"]
GAP_COLUMNS = ["gap_id", "population", "area_m2", "community"]
COMMUNITY_COLUMNS = ["community", "population", "covered_pop", "uncovered_pop", "covered_share",
                     "covered_pop_before", "covered_share_before"]


class StoreError(ServiceCircleError):
    """The scenario store cannot be opened, or a scenario is missing / already there."""


@dataclass
class ScenarioRecord:
    """One saved scenario, as the stores keep it (plain data; analysis builds it).

    sites: one row per proposed site with ``SITE_COLUMNS``: lon/lat where it was placed (WGS-84);
        its street position: x/y in ``crs`` (metres), ``edge`` index in the network, ``offset_m``
        metres along it from its node u, ``access_m`` straight line from the placed point.
    gaps: uncovered areas (WGS-84 polygons) with ``GAP_COLUMNS``.
    communities: per-community figures after (and ``*_before``: without) the proposed sites.
    summary / baseline_summary: headline figures with and without the proposed sites.
    """

    name: str
    params: dict
    crs: str
    network_path: str
    network_sha256: str
    sites: pd.DataFrame
    summary: dict
    baseline_summary: dict
    gaps: gpd.GeoDataFrame
    communities: pd.DataFrame
    layers: list[dict] = field(default_factory=list)   # {"kind", "path", "sha256"}
    notes: str = ""
    created_utc: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


@runtime_checkable
class ScenarioStore(Protocol):
    """What both backends offer."""

    location: str

    def save(self, record: ScenarioRecord, *, replace: bool = False) -> None:
        """Write ``record`` in one transaction; refuses an existing name unless ``replace``.

        Parameters
        ----------
        record : ScenarioRecord
            The scenario; its geometries are stored in EPSG:4326 (gaps are reprojected).
        replace : bool
            Overwrite a scenario of the same name (in the same transaction).

        Raises
        ------
        StoreError
            Empty name, or the name exists and ``replace`` is False.
        """

    def list(self) -> pd.DataFrame:
        """One row per scenario, oldest first.

        Returns
        -------
        pandas.DataFrame
            Columns ``name``, ``created_utc``, ``n_sites``, ``covered_share`` (0..1),
            ``uncovered_pop`` (persons), ``covered_share_before``, ``network_sha256``, ``notes``.
        """

    def load(self, name: str) -> ScenarioRecord:
        """The scenario called ``name``, read in one snapshot.

        Parameters
        ----------
        name : str
            Scenario name.

        Returns
        -------
        ScenarioRecord
            Sites with ``SITE_COLUMNS``, gaps as an EPSG:4326 GeoDataFrame, communities.

        Raises
        ------
        StoreError
            No scenario of that name.
        """

    def delete(self, name: str) -> bool:
        """Remove the scenario called ``name`` (one transaction).

        Parameters
        ----------
        name : str
            Scenario name.

        Returns
        -------
        bool
            False when there was none.
        """

    def schema_version(self) -> int:
        """Version of the store's tables.

        Returns
        -------
        int
            The ``sc_schema`` version, 0 when not recorded.
        """

    def check(self) -> list[str]:
        """Consistency problems of the stored rows.

        Returns
        -------
        list of str
            One line per scenario whose row counts disagree or per table with orphan rows;
            empty when every scenario's rows are all there.
        """

    def close(self) -> None:
        """Close the database connection."""


# --------------------------------------------------------------------------- where the store is


def default_store_location() -> str:
    """Where scenarios are kept unless told otherwise.

    ``$SERVICECIRCLE_STORE``, else ``$XDG_DATA_HOME/servicecircle/scenarios.gpkg``
    (``~/.local/share/servicecircle/scenarios.gpkg``).

    Returns
    -------
    str
        A GeoPackage path or a ``postgresql://`` URL.
    """
    env = os.environ.get(STORE_ENV, "").strip()
    if env:
        return env
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return str(Path(base) / "servicecircle" / "scenarios.gpkg")


def is_postgres_url(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a GeoPackage file.

    Parameters
    ----------
    location : str
        Store location.

    Returns
    -------
    bool
        True for ``postgresql://`` and ``postgres://`` URLs.
    """
    return str(location).startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path | None = None) -> "ScenarioStore":
    """The store at ``location``.

    Parameters
    ----------
    location : str or Path, optional
        A GeoPackage path or a ``postgresql://`` URL; None uses :func:`default_store_location`.

    Returns
    -------
    ScenarioStore
        A :class:`GpkgStore` or a :class:`PostgisStore` (created and set up when new).

    Raises
    ------
    StoreError
        The store cannot be opened, is not a GeoPackage store, or was written by a newer
        schema version.
    """
    loc = str(location) if location else default_store_location()
    if is_postgres_url(loc):
        return PostgisStore(loc)
    return GpkgStore(loc)


def redact(location: str) -> str:
    """The location without a password (for messages).

    Parameters
    ----------
    location : str
        Store location.

    Returns
    -------
    str
        ``scheme://user@host...`` for PostgreSQL URLs; other locations unchanged.
    """
    if is_postgres_url(location) and "@" in location:
        head, tail = location.split("@", 1)
        scheme, _, cred = head.partition("://")
        user = cred.split(":", 1)[0]
        return f"{scheme}://{user}@{tail}"
    return location


# --------------------------------------------------------------------------- geometry encodings


def gpkg_blob(geom) -> bytes | None:
    """A shapely geometry as a GeoPackage binary (header without envelope + ISO WKB), SRS 4326.

    Parameters
    ----------
    geom : shapely.Geometry or None
        Geometry in EPSG:4326 (lon/lat degrees).

    Returns
    -------
    bytes or None
        The blob; None for None or an empty geometry.
    """
    if geom is None or shapely.is_empty(geom):
        return None
    return b"GP" + bytes([0, 0x01]) + struct.pack("<i", WGS84_SRS_ID) + shapely.to_wkb(geom, flavor="iso")


def from_gpkg_blob(blob: bytes | None):
    """Shapely geometry of a GeoPackage binary (any envelope type).

    Parameters
    ----------
    blob : bytes or None
        GeoPackage geometry binary.

    Returns
    -------
    shapely.Geometry or None
        The geometry in the blob's SRS (EPSG:4326 in this store); None for None.

    Raises
    ------
    StoreError
        The blob does not start with the GeoPackage magic ``GP``.
    """
    if blob is None:
        return None
    blob = bytes(blob)
    if blob[:2] != b"GP":
        raise StoreError(both("scenario.store_geometry_damaged"))
    env = (blob[3] >> 1) & 0x07
    size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get(env, 0)
    return shapely.from_wkb(blob[8 + size:])


def _num(v) -> float:
    return float("nan") if v is None else float(v)


def _clean(v):
    """Python scalars for the database (NumPy types, NaN -> None for text-free columns)."""
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def _json(d: dict) -> str:
    def conv(o):
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, (tuple, set)):
            return list(o)
        return str(o)

    return json.dumps(d, ensure_ascii=False, default=conv, allow_nan=True)


# --------------------------------------------------------------------------- shared SQL logic


class _SqlStore:
    """Scenario tables over a DB-API connection; subclasses give dialect details."""

    location: str
    geom_in = "?"            # SQL expression taking a geometry parameter
    geom_out = "geom"        # SQL expression returning a geometry value
    conn: Any

    # dialect hooks -------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql

    def _encode(self, geom):
        raise NotImplementedError

    def _decode(self, value):
        raise NotImplementedError

    def _begin(self):
        raise NotImplementedError

    def _begin_read(self):
        raise NotImplementedError

    def _register_feature_tables(self, cur) -> None:
        pass

    # helpers ---------------------------------------------------------------------------------
    def _exec(self, cur, sql: str, params=()):
        cur.execute(self._sql(sql), params)
        return cur

    def schema_version(self) -> int:
        cur = self.conn.cursor()
        row = self._exec(cur, "SELECT version FROM sc_schema WHERE name = 'scenarios'").fetchone()
        return int(row[0]) if row else 0

    def _check_version(self) -> None:
        v = self.schema_version()
        if v > SCHEMA_VERSION:
            raise StoreError(
                both("scenario.store_newer_schema", location=redact(self.location), version=v, supported=SCHEMA_VERSION)
            )

    def _scenario_id(self, cur, name: str) -> int | None:
        row = self._exec(cur, "SELECT id FROM sc_scenarios WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else None

    def _delete_rows(self, cur, sid: int) -> None:
        for t in ("sc_layers", "sc_sites", "sc_gaps", "sc_communities"):
            self._exec(cur, f"DELETE FROM {t} WHERE scenario_id = ?", (sid,))
        self._exec(cur, "DELETE FROM sc_scenarios WHERE id = ?", (sid,))

    # API ---------------------------------------------------------------------------------------
    def save(self, record: ScenarioRecord, *, replace: bool = False) -> None:
        """Write ``record`` in one transaction; refuses an existing name unless ``replace``."""
        name = str(record.name).strip()
        if not name:
            raise StoreError(both("scenario.store_name_empty"))
        sites = record.sites.reset_index(drop=True)
        gaps = record.gaps.reset_index(drop=True) if record.gaps is not None else gpd.GeoDataFrame()
        comm = record.communities.reset_index(drop=True)
        with self._begin() as cur:
            old = self._scenario_id(cur, name)
            if old is not None:
                if not replace:
                    raise StoreError(both("scenario.store_name_exists", name=name))
                self._delete_rows(cur, old)
            row = self._exec(
                cur,
                "INSERT INTO sc_scenarios (name, created_utc, notes, crs, network_path, network_sha256, "
                "params_json, summary_json, baseline_json, n_sites, n_gaps, n_communities, n_layers) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (name, record.created_utc, record.notes or "", record.crs, record.network_path,
                 record.network_sha256, _json(record.params), _json(record.summary),
                 _json(record.baseline_summary), len(sites), len(gaps), len(comm), len(record.layers)),
            ).fetchone()
            sid = int(row[0])
            if record.layers:
                cur.executemany(self._sql("INSERT INTO sc_layers (scenario_id, kind, path, sha256) VALUES (?, ?, ?, ?)"),
                                [(sid, str(x["kind"]), str(x.get("path") or ""), str(x.get("sha256") or ""))
                                 for x in record.layers])
            if len(sites):
                pts = shapely.points(sites["lon"].to_numpy(float), sites["lat"].to_numpy(float))
                cur.executemany(
                    self._sql(f"INSERT INTO sc_sites (scenario_id, {', '.join(SITE_COLUMNS)}, geom) "
                              f"VALUES (?, {', '.join('?' * len(SITE_COLUMNS))}, {self.geom_in})"),
                    [(sid, *(_clean(sites[c].iloc[i]) if c in sites else None for c in SITE_COLUMNS),
                      self._encode(pts[i])) for i in range(len(sites))],
                )
            if len(gaps):
                g = gaps.to_crs(WGS84_SRS_ID) if gaps.crs is not None else gaps
                cur.executemany(
                    self._sql(f"INSERT INTO sc_gaps (scenario_id, {', '.join(GAP_COLUMNS)}, geom) "
                              f"VALUES (?, {', '.join('?' * len(GAP_COLUMNS))}, {self.geom_in})"),
                    [(sid, *(_clean(g[c].iloc[i]) if c in g else None for c in GAP_COLUMNS),
                      self._encode(g.geometry.iloc[i])) for i in range(len(g))],
                )
            if len(comm):
                cur.executemany(
                    self._sql(f"INSERT INTO sc_communities (scenario_id, {', '.join(COMMUNITY_COLUMNS)}) "
                              f"VALUES (?, {', '.join('?' * len(COMMUNITY_COLUMNS))})"),
                    [(sid, *(_clean(comm[c].iloc[i]) if c in comm else None for c in COMMUNITY_COLUMNS))
                     for i in range(len(comm))],
                )

    def list(self) -> pd.DataFrame:
        """One row per scenario (oldest first): name, created_utc, n_sites, covered_share, uncovered_pop, …"""
        cur = self.conn.cursor()
        rows = self._exec(cur, "SELECT name, created_utc, n_sites, summary_json, baseline_json, network_sha256, notes "
                               "FROM sc_scenarios ORDER BY created_utc, id").fetchall()
        self._end_read()
        out = []
        for name, created, n_sites, sj, bj, sha, notes in rows:
            s, b = json.loads(sj), json.loads(bj)
            out.append({
                "name": name, "created_utc": created, "n_sites": int(n_sites),
                "covered_share": _num(s.get("covered_share")), "uncovered_pop": _num(s.get("uncovered_pop")),
                "covered_share_before": _num(b.get("covered_share")), "network_sha256": sha, "notes": notes,
            })
        cols = ["name", "created_utc", "n_sites", "covered_share", "uncovered_pop", "covered_share_before",
                "network_sha256", "notes"]
        return pd.DataFrame(out, columns=cols)

    def load(self, name: str) -> ScenarioRecord:
        """The scenario called ``name`` (StoreError when there is none); read in one snapshot."""
        with self._begin_read() as cur:
            row = self._exec(cur, "SELECT id, name, created_utc, notes, crs, network_path, network_sha256, params_json, "
                                  "summary_json, baseline_json FROM sc_scenarios WHERE name = ?", (name,)).fetchone()
            if row is not None:
                sid = row[0]
                layers = [{"kind": k, "path": p, "sha256": s} for k, p, s in self._exec(
                    cur, "SELECT kind, path, sha256 FROM sc_layers WHERE scenario_id = ? ORDER BY kind", (sid,)).fetchall()]
                srows = self._exec(cur, f"SELECT {', '.join(SITE_COLUMNS)}, {self.geom_out} FROM sc_sites "
                                        f"WHERE scenario_id = ? ORDER BY fid", (sid,)).fetchall()
                grows = self._exec(cur, f"SELECT {', '.join(GAP_COLUMNS)}, {self.geom_out} FROM sc_gaps "
                                        f"WHERE scenario_id = ? ORDER BY fid", (sid,)).fetchall()
                crows = self._exec(cur, f"SELECT {', '.join(COMMUNITY_COLUMNS)} FROM sc_communities "
                                        f"WHERE scenario_id = ? ORDER BY community", (sid,)).fetchall()
        if row is None:
            raise StoreError(both("scenario.store_no_such_scenario", name=name, location=redact(self.location)))
        sites = pd.DataFrame([r[:-1] for r in srows], columns=SITE_COLUMNS)
        for c in ("lon", "lat", "x", "y", "offset_m", "access_m"):
            sites[c] = pd.to_numeric(sites[c]).astype(float)
        sites["edge"] = pd.to_numeric(sites["edge"]).fillna(-1).astype("int64")
        gaps = gpd.GeoDataFrame(pd.DataFrame([r[:-1] for r in grows], columns=GAP_COLUMNS),
                                geometry=[self._decode(r[-1]) for r in grows], crs=f"EPSG:{WGS84_SRS_ID}")
        comm = pd.DataFrame(crows, columns=COMMUNITY_COLUMNS)
        for c in COMMUNITY_COLUMNS[1:]:
            comm[c] = pd.to_numeric(comm[c]).astype(float)
        return ScenarioRecord(
            name=row[1], created_utc=row[2], notes=row[3] or "", crs=row[4], network_path=row[5],
            network_sha256=row[6], params=json.loads(row[7]), summary=json.loads(row[8]),
            baseline_summary=json.loads(row[9]), sites=sites, gaps=gaps, communities=comm, layers=layers,
        )

    def delete(self, name: str) -> bool:
        """Remove the scenario called ``name``; False when there was none."""
        with self._begin() as cur:
            sid = self._scenario_id(cur, name)
            if sid is None:
                return False
            self._delete_rows(cur, sid)
        return True

    def check(self) -> list[str]:
        """Consistency problems (empty when every scenario's rows are all there)."""
        cur = self.conn.cursor()
        problems = []
        rows = self._exec(cur, "SELECT id, name, n_sites, n_gaps, n_communities, n_layers FROM sc_scenarios").fetchall()
        for sid, name, *expected in rows:
            for t, n in zip(("sc_sites", "sc_gaps", "sc_communities", "sc_layers"), expected):
                got = self._exec(cur, f"SELECT COUNT(*) FROM {t} WHERE scenario_id = ?", (sid,)).fetchone()[0]
                if int(got) != int(n):
                    problems.append(f"{name}: {t} has {got} rows, expected {n}")
        for t in ("sc_sites", "sc_gaps", "sc_communities", "sc_layers"):
            orphans = self._exec(cur, f"SELECT COUNT(*) FROM {t} WHERE scenario_id NOT IN (SELECT id FROM sc_scenarios)").fetchone()[0]
            if orphans:
                problems.append(f"{t}: {orphans} rows of no scenario")
        self._end_read()
        return problems

    def _end_read(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------- GeoPackage

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],'
    'AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)

_GPKG_CORE = [
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
       organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
       description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
       identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
       (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
       srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
       geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
       CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
       CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
       CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
]

_TABLES_SQLITE = [
    "CREATE TABLE IF NOT EXISTS sc_schema (name TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_utc TEXT)",
    """CREATE TABLE IF NOT EXISTS sc_scenarios (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
       created_utc TEXT NOT NULL, notes TEXT, crs TEXT, network_path TEXT, network_sha256 TEXT, params_json TEXT NOT NULL,
       summary_json TEXT NOT NULL, baseline_json TEXT NOT NULL, n_sites INTEGER NOT NULL, n_gaps INTEGER NOT NULL,
       n_communities INTEGER NOT NULL, n_layers INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS sc_layers (fid INTEGER PRIMARY KEY AUTOINCREMENT, scenario_id INTEGER NOT NULL
       REFERENCES sc_scenarios(id), kind TEXT NOT NULL, path TEXT, sha256 TEXT)""",
    """CREATE TABLE IF NOT EXISTS sc_sites (fid INTEGER PRIMARY KEY AUTOINCREMENT, scenario_id INTEGER NOT NULL
       REFERENCES sc_scenarios(id), site_id TEXT, name TEXT, kind TEXT, lon DOUBLE, lat DOUBLE, x DOUBLE, y DOUBLE,
       edge INTEGER, offset_m DOUBLE, access_m DOUBLE, network_sha256 TEXT, geom POINT)""",
    """CREATE TABLE IF NOT EXISTS sc_gaps (fid INTEGER PRIMARY KEY AUTOINCREMENT, scenario_id INTEGER NOT NULL
       REFERENCES sc_scenarios(id), gap_id TEXT, population DOUBLE, area_m2 DOUBLE, community TEXT, geom GEOMETRY)""",
    """CREATE TABLE IF NOT EXISTS sc_communities (fid INTEGER PRIMARY KEY AUTOINCREMENT, scenario_id INTEGER NOT NULL
       REFERENCES sc_scenarios(id), community TEXT, population DOUBLE, covered_pop DOUBLE, uncovered_pop DOUBLE,
       covered_share DOUBLE, covered_pop_before DOUBLE, covered_share_before DOUBLE)""",
    "CREATE INDEX IF NOT EXISTS sc_sites_sid ON sc_sites(scenario_id)",
    "CREATE INDEX IF NOT EXISTS sc_gaps_sid ON sc_gaps(scenario_id)",
    "CREATE INDEX IF NOT EXISTS sc_communities_sid ON sc_communities(scenario_id)",
    "CREATE INDEX IF NOT EXISTS sc_layers_sid ON sc_layers(scenario_id)",
]

#: table -> (data_type, geometry type or None, description)
_GPKG_LAYERS = {
    "sc_scenarios": ("attributes", None, "ServiceCircle scenarios 方案"),
    "sc_layers": ("attributes", None, "layers used by each scenario 图层"),
    "sc_sites": ("features", "POINT", "proposed sites 拟建点位"),
    "sc_gaps": ("features", "GEOMETRY", "uncovered areas 未覆盖区域"),
    "sc_communities": ("attributes", None, "per-community coverage 社区覆盖"),
    "sc_schema": ("attributes", None, "schema version 结构版本"),
}


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE"):
        self.conn = conn
        self.begin = begin

    def __enter__(self):
        self.cur = self.conn.cursor()
        self.cur.execute(self.begin)
        return self.cur

    def __exit__(self, et, ev, tb):
        if et is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
        return False


class GpkgStore(_SqlStore):
    """Scenarios in a GeoPackage file (SQLite; one transaction per change, rollback journal)."""

    def __init__(self, path: str | Path, *, timeout_s: float = 30.0):
        self.location = str(path)
        p = Path(path)
        if p.exists() and p.is_dir():
            raise StoreError(both("scenario.store_is_folder", path=p))
        if p.exists() and p.stat().st_size > 0:
            with open(p, "rb") as fh:
                head = fh.read(16)
            if head != b"SQLite format 3\x00":
                raise StoreError(both("scenario.store_not_gpkg", path=ByLang(p.name, p)))
        p.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(p), timeout=timeout_s, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=DELETE")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
            self._init()
        except sqlite3.DatabaseError as err:
            raise StoreError(both("scenario.store_cannot_open", path=ByLang(p.name, p), err=err)) from err

    def _encode(self, geom):
        return gpkg_blob(geom)

    def _decode(self, value):
        return from_gpkg_blob(value)

    def _begin(self):
        return _SqliteTx(self.conn)

    def _begin_read(self):
        return _SqliteTx(self.conn, "BEGIN DEFERRED")

    def _init(self) -> None:
        c = self.conn
        have = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "sc_schema" in have:
            self._check_version()
            return
        with self._begin() as cur:
            cur.execute(f"PRAGMA application_id={GPKG_APPLICATION_ID}")
            cur.execute(f"PRAGMA user_version={GPKG_USER_VERSION}")
            for sql in _GPKG_CORE + _TABLES_SQLITE:
                cur.execute(sql)
            cur.executemany(
                "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
                [("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
                 ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
                 ("WGS 84 geodetic", 4326, "EPSG", 4326, _WGS84_WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid")],
            )
            for t, (dtype, gtype, desc) in _GPKG_LAYERS.items():
                cur.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                            "VALUES (?, ?, ?, ?, ?)", (t, dtype, t, desc, WGS84_SRS_ID if gtype else None))
                if gtype:
                    cur.execute("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
                                (t, gtype, WGS84_SRS_ID))
            cur.execute("INSERT OR REPLACE INTO sc_schema VALUES ('scenarios', ?, ?)",
                        (SCHEMA_VERSION, datetime.now(timezone.utc).isoformat(timespec="seconds")))

    def integrity_ok(self) -> bool:
        """SQLite's own page-level check.

        Returns
        -------
        bool
            True when ``PRAGMA integrity_check`` reports "ok".
        """
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        """Close the SQLite connection."""
        self.conn.close()


# --------------------------------------------------------------------------- PostGIS

_TABLES_PG = [
    "CREATE TABLE IF NOT EXISTS sc_schema (name TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_utc TEXT)",
    """CREATE TABLE IF NOT EXISTS sc_scenarios (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,
       created_utc TEXT NOT NULL, notes TEXT, crs TEXT, network_path TEXT, network_sha256 TEXT, params_json TEXT NOT NULL,
       summary_json TEXT NOT NULL, baseline_json TEXT NOT NULL, n_sites INTEGER NOT NULL, n_gaps INTEGER NOT NULL,
       n_communities INTEGER NOT NULL, n_layers INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS sc_layers (fid BIGSERIAL PRIMARY KEY, scenario_id BIGINT NOT NULL
       REFERENCES sc_scenarios(id), kind TEXT NOT NULL, path TEXT, sha256 TEXT)""",
    """CREATE TABLE IF NOT EXISTS sc_sites (fid BIGSERIAL PRIMARY KEY, scenario_id BIGINT NOT NULL
       REFERENCES sc_scenarios(id), site_id TEXT, name TEXT, kind TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION,
       x DOUBLE PRECISION, y DOUBLE PRECISION, edge BIGINT, offset_m DOUBLE PRECISION, access_m DOUBLE PRECISION,
       network_sha256 TEXT, geom geometry(Point, 4326))""",
    """CREATE TABLE IF NOT EXISTS sc_gaps (fid BIGSERIAL PRIMARY KEY, scenario_id BIGINT NOT NULL
       REFERENCES sc_scenarios(id), gap_id TEXT, population DOUBLE PRECISION, area_m2 DOUBLE PRECISION, community TEXT,
       geom geometry(Geometry, 4326))""",
    """CREATE TABLE IF NOT EXISTS sc_communities (fid BIGSERIAL PRIMARY KEY, scenario_id BIGINT NOT NULL
       REFERENCES sc_scenarios(id), community TEXT, population DOUBLE PRECISION, covered_pop DOUBLE PRECISION,
       uncovered_pop DOUBLE PRECISION, covered_share DOUBLE PRECISION, covered_pop_before DOUBLE PRECISION,
       covered_share_before DOUBLE PRECISION)""",
    "CREATE INDEX IF NOT EXISTS sc_sites_sid ON sc_sites(scenario_id)",
    "CREATE INDEX IF NOT EXISTS sc_gaps_sid ON sc_gaps(scenario_id)",
    "CREATE INDEX IF NOT EXISTS sc_communities_sid ON sc_communities(scenario_id)",
    "CREATE INDEX IF NOT EXISTS sc_layers_sid ON sc_layers(scenario_id)",
    "CREATE INDEX IF NOT EXISTS sc_sites_geom ON sc_sites USING GIST (geom)",
    "CREATE INDEX IF NOT EXISTS sc_gaps_geom ON sc_gaps USING GIST (geom)",
]
_PG_INIT_LOCK = 0x5C18  # advisory lock key: only one process creates the tables


class _PgTx:
    def __init__(self, conn, first: str | None = None):
        self.conn = conn
        self.first = first

    def __enter__(self):
        self.tx = self.conn.transaction()
        self.tx.__enter__()
        self.cur = self.conn.cursor()
        if self.first:
            self.cur.execute(self.first)
        return self.cur

    def __exit__(self, et, ev, tb):
        self.cur.close()
        return self.tx.__exit__(et, ev, tb)


class PostgisStore(_SqlStore):
    """Scenarios in PostgreSQL/PostGIS (``postgresql://user@host:port/db``); one transaction per change."""

    geom_in = "ST_GeomFromWKB(?, 4326)"
    geom_out = "ST_AsBinary(geom)"

    def __init__(self, url: str, *, connect_timeout_s: int = 10):
        self.location = url
        try:
            import psycopg
        except ImportError as err:  # pinned main dependency; only a broken install lacks it
            raise StoreError(both("scenario.store_no_psycopg")) from err
        try:
            self.conn = psycopg.connect(url, connect_timeout=connect_timeout_s, autocommit=True)
        except psycopg.Error as err:
            raise StoreError(both("scenario.store_cannot_connect", url=redact(url), err=str(err).strip())) from err
        self._init()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def save(self, record: ScenarioRecord, *, replace: bool = False) -> None:
        """As :meth:`ScenarioStore.save`; a name saved at the same moment by another process is refused.

        Parameters
        ----------
        record : ScenarioRecord
            The scenario; geometries stored in EPSG:4326.
        replace : bool
            Overwrite a scenario of the same name.

        Raises
        ------
        StoreError
            Empty name, the name exists and ``replace`` is False, or another process saved the
            same name concurrently.
        """
        import psycopg

        try:
            super().save(record, replace=replace)
        except psycopg.errors.UniqueViolation as err:
            raise StoreError(both("scenario.store_name_taken_meanwhile", name=record.name)) from err

    def _encode(self, geom):
        return None if geom is None or shapely.is_empty(geom) else shapely.to_wkb(geom, flavor="iso")

    def _decode(self, value):
        return None if value is None else shapely.from_wkb(bytes(value))

    def _begin(self):
        return _PgTx(self.conn)

    def _begin_read(self):
        return _PgTx(self.conn, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _init(self) -> None:
        import psycopg

        try:
            with self._begin() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_INIT_LOCK,))
                cur.execute("SELECT to_regclass('sc_schema')")
                exists = cur.fetchone()[0] is not None
                if not exists:
                    cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                    for sql in _TABLES_PG:
                        cur.execute(sql)
                    cur.execute("INSERT INTO sc_schema VALUES ('scenarios', %s, %s) ON CONFLICT (name) DO NOTHING",
                                (SCHEMA_VERSION, datetime.now(timezone.utc).isoformat(timespec="seconds")))
        except psycopg.Error as err:
            raise StoreError(both("scenario.store_cannot_set_up", location=redact(self.location),
                                  err=str(err).strip())) from err
        self._check_version()

    def close(self) -> None:
        """Close the database connection."""
        self.conn.close()
