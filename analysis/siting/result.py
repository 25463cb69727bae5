"""What a siting run returns: :class:`SitingResult` with its headline :class:`SitingSummary`.

Layers are in the network's metric CRS (metres); ``to_wgs84`` reprojects them for maps and files.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from analysis.siting.solution import AnySolution
from geo.crs import WGS84
from geo.messages import Message

if TYPE_CHECKING:  # the settings live with run_siting; only named here
    from analysis.siting.api import SitingParams



@dataclass(frozen=True)
class SitingSummary:
    """Headline figures of one siting run.

    Units: demand weights (``total_demand``, ``covered_*``, ``uncoverable_weight``) are in
    ``unit`` (residents for service centers, relative outdoor-work units for red stations);
    ``share_*`` and ``gap``/``greedy_gap`` are fractions 0-1; ``threshold_m`` network metres;
    ``*_min`` minutes of walking; ``*_s`` seconds. The model's own objective and bound, each
    named by its unit, are on :attr:`SitingResult.solution` (:mod:`analysis.siting.solution`).
    """

    kind: str  #: "center" (党群服务中心) | "red-station" (红色驿站)
    problem: str  #: "mclp" | "lscp" | "pmedian"
    solver: str  #: "exact" | "greedy"
    status: str  #: "optimal" | "time_limit" | "greedy" | "trivial"
    k: int | None  #: new sites asked for (None for LSCP)
    n_new_sites: int  #: new sites chosen
    unit: str  #: "residents" | "outdoor workers" | "outdoor-work units"
    threshold_m: float  #: coverage distance along the network, metres
    threshold_min: float  #: the same in minutes at the walking speed
    total_demand: float  #: demand weight in the study area
    covered_before: float  #: demand weight within the threshold of an existing site
    covered_after: float  #: the same with the new sites open
    share_before: float  #: covered_before / total_demand, 0-1
    share_after: float  #: covered_after / total_demand, 0-1
    gap: float  #: |bound - objective| / |objective|, 0-1 (0 when proven optimal; NaN for greedy)
    greedy_gap: float  #: greedy answer's relative distance from the optimum (or bound), 0-1
    solve_s: float  #: exact solve time, seconds
    greedy_s: float  #: greedy time, seconds
    n_candidates: int  #: candidate sites given or generated
    n_candidates_used: int  #: candidates left after the exclusions
    n_excluded: int  #: candidates excluded (off the network or near an existing site)
    n_uncoverable: int  #: demand points no existing site and no candidate covers
    uncoverable_weight: float  #: their demand weight
    model_rows: int  #: rows of the reduced model
    model_cols: int  #: columns of the reduced model
    n_dominated: int  #: candidates dropped as dominated
    candidates_generated: bool  #: candidates were generated on streets, not the planner's layer
    min_area_m2: float  #: minimum floor area of a candidate building for ``kind``, m² (0: none)
    budget_wan: float | None  #: MCLP budget for the chosen sites' costs, 万元 (None: no budget)
    total_cost_wan: float  #: summed cost of the chosen sites, 万元 (unknown costs count 0)
    n_state_idle: int  #: chosen sites that are state-owned idle property (国有闲置)
    state_idle_bonus_share: float  #: MCLP preference per chosen 国有闲置 site, share of total demand (0-1)
    is_demo: bool  #: the existing sites, candidates or grids are illustrative sample data
    mean_min_before: float = float("nan")  #: p-median only: mean walk to the nearest site before, minutes
    mean_min_after: float = float("nan")  #: p-median only: the same with the new sites open, minutes

    def as_dict(self) -> dict[str, object]:
        """Field name -> value (JSON metadata); the mean walks only for p-median.

        Returns
        -------
        dict of str to object
            Every field of the summary in its unit (see the class docstring); without
            ``mean_min_before``/``mean_min_after`` unless ``problem == "pmedian"``.
        """
        out = dataclasses.asdict(self)
        if self.problem != "pmedian":
            del out["mean_min_before"], out["mean_min_after"]
        return out


@dataclass
class SitingResult:
    """Everything a planner sees; layers in the network CRS (``to_wgs84`` for maps/files)."""

    kind: str
    problem: str
    params: SitingParams
    crs: str
    solution: AnySolution  # the model's own figures (covered weight, number of sites or weight x metres)
    sites: gpd.GeoDataFrame  # chosen sites in greedy order (rank 1 adds most)
    candidates: gpd.GeoDataFrame  # every candidate with status chosen / available / excluded
    demand: gpd.GeoDataFrame  # weight, covered_before, covered_after, dist_before_m, community, grid_id
    communities: pd.DataFrame  # before/after per community (worst after first)
    grids: gpd.GeoDataFrame | None  # before/after per grid
    isochrones: gpd.GeoDataFrame  # reach areas of the new sites
    summary: SitingSummary
    weights: pd.DataFrame | None  # red stations: the outdoor-work proxy's weights table
    notes: list[Message]  # plain-language remarks, rendered in the reader's language

    def to_wgs84(self) -> dict[str, gpd.GeoDataFrame]:
        """The layers reprojected to WGS-84 (EPSG:4326) for maps and files.

        Returns
        -------
        dict of str to geopandas.GeoDataFrame
            ``sites``, ``candidates``, ``isochrones``, ``demand`` and (when present) ``grids``, each
            a reprojected copy in EPSG:4326.
        """
        out = {"sites": self.sites, "candidates": self.candidates, "isochrones": self.isochrones,
               "demand": self.demand}
        if self.grids is not None:
            out["grids"] = self.grids
        return {k: v.to_crs(WGS84) for k, v in out.items()}
