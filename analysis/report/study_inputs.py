"""Report inputs from a loaded study (``analysis.study``): area name, sources with dates, basemap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analysis.sample_city import is_demo_layer
from analysis.report.inputs import DataSource, ReportInputs
from analysis.report.labels import label

#: layer kind -> label key for the sources table
_LAYER_LABELS = {"centers": "src_centers", "demand": "src_demand", "grids": "src_grids",
                 "communities": "src_communities", "stations": "src_stations", "candidates": "src_candidates"}


def _file_date(path) -> str:
    """Modification date of a file (YYYY-MM-DD), or '' when it cannot be read."""
    try:
        return dt.date.fromtimestamp(Path(path).stat().st_mtime).isoformat()
    except (OSError, TypeError, ValueError):
        return ""


def inputs_from_study(study, lang: str = "zh", with_basemap: bool = True) -> ReportInputs:
    """A :class:`ReportInputs` for ``study``: sources (file names and dates, demo notes), basemap, layers.

    Parameters
    ----------
    study : analysis.study.Study
        A loaded study.
    lang : str
        ``"zh"`` or ``"en"`` (source names and notes).
    with_basemap : bool
        Load the OSM basemap layers (slower; without them maps show only the streets).

    Returns
    -------
    ReportInputs
        With worker coverage when the study has red stations.
    """
    from analysis.sample_city import OSM_DATA_DATE, SAMPLE_OSM

    is_sample_osm = Path(study.osm_path).resolve() == Path(SAMPLE_OSM).resolve()
    osm_date = OSM_DATA_DATE if is_sample_osm else _file_date(study.osm_path)
    demo = label("demo_note", lang)
    sources = [DataSource(f"{label('src_osm', lang)} ({Path(study.osm_path).name})", osm_date, label("osm_licence", lang))]
    layers = {"centers": study.centers, "demand": study.demand, "grids": study.grids, "communities": study.communities,
              "stations": study.stations, "candidates": study.candidates}
    for kind, gdf in layers.items():
        if gdf is None:
            continue
        name = label(_LAYER_LABELS[kind], lang)
        rep = study.read_reports.get(kind)
        if rep is not None:
            src = rep.report.file or ""
            sources.append(DataSource(f"{name} ({Path(str(src)).name})" if src else name, _file_date(src), ""))
        elif kind == "demand" and study.population_is_estimate:
            sources.append(DataSource(name, osm_date, label("pop_estimate", lang)))
        else:
            sources.append(DataSource(name, "", demo if is_demo_layer(gdf) else ""))
    features = None
    if with_basemap:
        from geo.osm_features import load_osm_features

        features = load_osm_features(study.osm_path)
    return ReportInputs(
        study_area=study.name_zh if lang == "zh" else study.name_en,
        sources=sources, features=features, network=study.network, stations=study.stations,
        candidates=study.candidates, is_demo=bool(study.is_demo) or None, osm_date=osm_date,
        workers=study_workers(study) if study.stations is not None and len(study.stations) else None,
    )


def study_workers(study, uploaded=None, radius_m: float | None = None, stations=None):
    """Red-station coverage of the study's outdoor workers (``analysis.worker_coverage``) for the report.

    Parameters
    ----------
    study : analysis.study.Study
        A loaded study.
    uploaded : GeoDataFrame, optional
        The planner's workers layer (类型, 人数).
    radius_m : float, optional
        Reach along the network, metres (default ``WORKER_RADIUS_M``).
    stations : GeoDataFrame, optional
        Red stations to use instead of the study's.

    Returns
    -------
    WorkerCoverageResult
        Read from the data-only disk cache when the same inputs were computed before
        (:func:`analysis.result_cache.cached_worker_coverage`).
    """
    from analysis.result_cache import cached_worker_coverage
    from analysis.worker_coverage import WORKER_RADIUS_M
    from analysis.worker_demand import study_worker_points, weights_table

    st = study.stations if stations is None else stations
    is_demo = is_demo_layer(st)
    # read back from the data-only cache when these inputs and this code ran before (0.45-0.7 s CPU saved)
    return cached_worker_coverage(study.network, st, study_worker_points(study, uploaded),
                                  WORKER_RADIUS_M if radius_m is None else radius_m, weights=weights_table(),
                                  is_demo=is_demo, study_area=study.grids)
