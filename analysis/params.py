"""Analysis parameters: walking speed and time thresholds (minutes, km/h, metres)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from geo.errors import ParameterError
from geo.messages import both

ADULT_SPEED_KMH = 4.5
#: Older residents are the main users of service centers; 3.0 km/h is a common planning value
#: for elderly walkers (about 50 m per minute).
ELDERLY_SPEED_KMH = 3.0


@dataclass(frozen=True)
class WalkParams:
    """How coverage is measured.

    minutes: the service-circle threshold (8 for the 8-minute circle).
    speed_kmh: walking speed in km/h (4.5 adult; 3.0 elderly preset).
    max_access_m: points farther than this from any walkable street are "off network" (metres).
    thresholds: isochrone thresholds drawn on maps (minutes).
    frontage_m: half-width of the street frontage counted as reached along a reached street,
        used to turn reached streets into isochrone areas (metres).
    """

    minutes: float = 8.0
    speed_kmh: float = ADULT_SPEED_KMH
    max_access_m: float = 300.0
    thresholds: tuple[float, ...] = (5.0, 8.0, 10.0, 15.0)
    frontage_m: float = 50.0

    def __post_init__(self) -> None:
        if not (0 < self.minutes <= 120):
            raise ParameterError(both("error.minutes_range", minutes=self.minutes))
        if not (0.5 <= self.speed_kmh <= 10):
            raise ParameterError(both("error.speed_range", speed_kmh=self.speed_kmh))
        if self.max_access_m < 0:
            raise ParameterError(both("error.access_cap_negative"))
        if not self.thresholds or any(not (0 < t <= 120) for t in self.thresholds):
            raise ParameterError(both("error.thresholds_range"))
        if self.frontage_m < 0:
            raise ParameterError(both("error.frontage_negative"))
        object.__setattr__(self, "thresholds", tuple(sorted(set(float(t) for t in self.thresholds))))

    @property
    def metres_per_minute(self) -> float:
        """Walking speed in metres per minute."""
        return self.speed_kmh * 1000.0 / 60.0

    def reach_m(self, minutes: float | None = None) -> float:
        """Network distance (metres) walked in ``minutes`` (default: the threshold).

        Parameters
        ----------
        minutes : float or None
            Walking time in minutes; None uses ``self.minutes``.

        Returns
        -------
        float
            Distance in metres at ``speed_kmh``.
        """
        return (self.minutes if minutes is None else minutes) * self.metres_per_minute

    @property
    def all_thresholds(self) -> tuple[float, ...]:
        """Map thresholds plus the main threshold, sorted."""
        return tuple(sorted(set(self.thresholds) | {float(self.minutes)}))

    def with_(self, **changes) -> "WalkParams":
        """A copy with some fields changed (validated again).

        Parameters
        ----------
        **changes
            Field names and new values (``minutes``, ``speed_kmh``, ``max_access_m``, ``thresholds``,
            ``frontage_m``).

        Returns
        -------
        WalkParams

        Raises
        ------
        geo.errors.ParameterError
            When a changed value is out of range.
        """
        return replace(self, **changes)

    @classmethod
    def elderly(cls, **kw) -> "WalkParams":
        """Preset for elderly walkers (3.0 km/h).

        Parameters
        ----------
        **kw
            Further fields of :class:`WalkParams` (not ``speed_kmh``).

        Returns
        -------
        WalkParams
            With ``speed_kmh`` = 3.0 km/h.

        Raises
        ------
        geo.errors.ParameterError
            When a given value is out of range.
        """
        return cls(speed_kmh=ELDERLY_SPEED_KMH, **kw)
