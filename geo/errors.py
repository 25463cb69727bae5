"""The project's own exceptions: every message tells a planner what is wrong and how to fix it.

All subclass :class:`ServiceCircleError`, itself a :class:`ValueError`, so callers (CLI, app)
can catch one type and show ``str(err)`` without a traceback.
"""

from __future__ import annotations


class ServiceCircleError(ValueError):
    """Base class: a problem with the user's input or settings, explained in plain words.

    ``report``: the layer's validation report with every problem, where one exists.
    """

    report = None

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang``; errors with one text give it for both languages.

        Parameters
        ----------
        lang : str
            "zh" (Simplified Chinese) or "en".

        Returns
        -------
        str
            The plain-words message for the planner.
        """
        return str(self)


class OSMFileError(ServiceCircleError):
    """The OSM file is missing, truncated, not OSM, or unsafe to parse."""


class NoWalkableWaysError(OSMFileError):
    """The OSM file holds no walkable streets (wrong area or a non-street extract)."""


class CRSError(ServiceCircleError):
    """A layer has no, a wrong or a mixed coordinate reference system."""


class LayerError(ServiceCircleError):
    """A planner's layer (centers, stations, grids, candidates, demand) cannot be used."""


class ParameterError(ServiceCircleError):
    """An analysis parameter is out of range (negative minutes, zero speed, ...)."""


class OfflineError(ServiceCircleError):
    """An online source was asked for but the machine has no internet access."""
