"""What each siting model's solver returns: one class per model, each figure named by its unit.

:class:`SitingSolution` holds what every model shares (chosen candidates in pick order, their
marginal gains, solver status, relative gaps, timings, model size). The model classes add the
figures whose unit depends on the model, each under its own name:

============================  ===============================  ==================================
class                         objective                        unit
============================  ===============================  ==================================
:class:`MclpSolution`         ``covered_weight`` (maximised)   demand weight (residents or
                                                               outdoor-work units), existing
                                                               sites included
:class:`LscpSolution`         ``n_sites`` (minimised)          number of new sites
:class:`PMedianSolution`      ``weight_metres`` (minimised)    demand weight x network metres to
                                                               the nearest open site
============================  ===============================  ==================================

``gap`` and ``greedy_gap`` are fractions (0-1) and mean the same for every model.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from geo.messages import Message


@dataclass(frozen=True, kw_only=True)
class SitingSolution:
    """What every siting model's solver returns (the model classes add their own figures).

    Attributes
    ----------
    solver : str
        ``"exact"`` (HiGHS MILP) or ``"greedy"``.
    status : str
        ``"optimal"``, ``"time_limit"``, ``"greedy"`` or ``"trivial"`` (nothing to choose).
    chosen : numpy.ndarray
        Chosen candidates (indices into the problem's candidates), in greedy order of marginal gain.
    marginal : numpy.ndarray
        What each pick adds, in pick order: covered demand weight (MCLP, LSCP) or demand weight x
        metres saved (p-median).
    gap : float
        Relative distance between the answer and the proven bound, 0-1 (0 when proven optimal;
        NaN without a bound, i.e. the greedy solver).
    greedy_gap : float
        The greedy answer's relative distance from the optimum (from the bound when not proven
        optimal, so an upper estimate), 0-1; NaN when unknown.
    solve_s, greedy_s : float
        Exact solve and greedy times, seconds.
    uncoverable_weight : float
        Demand weight no existing site and no candidate covers (p-median: beyond the distance cap).
    n_uncoverable : int
        Demand points no existing site and no candidate covers (0 for p-median).
    model_rows, model_cols : int
        Rows and columns of the reduced model.
    n_dominated : int
        Candidates dropped as dominated.
    notes : tuple of Message
        Plain-language remarks for the planner (uncoverable demand, distance cap, ...), catalogue
        messages rendered in the reader's language.
    """

    problem: ClassVar[str]  #: "mclp" | "lscp" | "pmedian"

    solver: str
    status: str
    chosen: np.ndarray
    marginal: np.ndarray
    gap: float
    greedy_gap: float
    solve_s: float
    greedy_s: float
    uncoverable_weight: float
    n_uncoverable: int
    model_rows: int
    model_cols: int
    n_dominated: int
    notes: tuple[Message, ...] = ()

    @property
    def is_optimal(self) -> bool:
        """Proven optimal (or nothing to choose)."""
        return self.status in ("optimal", "trivial")

    def figures(self) -> dict[str, float]:
        """The model's own figures (objective, bound, greedy answer, ...) by field name.

        Returns
        -------
        dict of str to float
            Field name -> value for the fields the model class adds to :class:`SitingSolution`
            (e.g. ``covered_weight``, ``covered_weight_bound`` for MCLP), for metadata files.
        """
        common = {f.name for f in dataclasses.fields(SitingSolution)}
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in common}


@dataclass(frozen=True, kw_only=True)
class MclpSolution(SitingSolution):
    """Maximal covering (MCLP): the demand weight covered with the chosen new sites open.

    Attributes
    ----------
    covered_weight : float
        Demand weight within the threshold of an open site (existing ones included), in the
        demand's unit (residents or outdoor-work units).
    covered_weight_bound : float
        Proven upper bound on ``covered_weight`` (NaN for the greedy solver).
    greedy_covered_weight : float
        ``covered_weight`` of the greedy answer.
    covered_weight_before : float
        Demand weight covered by the existing sites alone.
    """

    problem: ClassVar[str] = "mclp"

    covered_weight: float
    covered_weight_bound: float
    greedy_covered_weight: float
    covered_weight_before: float


@dataclass(frozen=True, kw_only=True)
class LscpSolution(SitingSolution):
    """Set covering (LSCP): the fewest new sites that cover all coverable demand.

    Attributes
    ----------
    n_sites : int
        New sites chosen.
    n_sites_bound : float
        Proven lower bound on ``n_sites`` (NaN for the greedy solver).
    greedy_n_sites : int
        New sites the greedy answer needs.
    """

    problem: ClassVar[str] = "lscp"

    n_sites: int
    n_sites_bound: float
    greedy_n_sites: int


@dataclass(frozen=True, kw_only=True)
class PMedianSolution(SitingSolution):
    """p-median: the total walk from every demand point to its nearest open site.

    Attributes
    ----------
    weight_metres : float
        Sum over demand points of weight x network metres to the nearest open site (existing or
        new), distances capped at ``far_m``.
    weight_metres_bound : float
        Proven lower bound on ``weight_metres`` (NaN for the greedy solver).
    greedy_weight_metres : float
        ``weight_metres`` of the greedy answer.
    weight_metres_before : float
        ``weight_metres`` with the existing sites only.
    far_m : float
        Distance counted for demand farther than the known distances from every site, metres.
    """

    problem: ClassVar[str] = "pmedian"

    weight_metres: float
    weight_metres_bound: float
    greedy_weight_metres: float
    weight_metres_before: float
    far_m: float


#: any model's solution
AnySolution = MclpSolution | LscpSolution | PMedianSolution
