"""``servicecircle site``: where do the next K service centers or red stations go?

Writes one GeoPackage (chosen sites, candidates, new reach areas, before/after per grid and
community, demand) and prints the chosen sites in order of what each adds. Defaults: the bundled
sample city with its demo candidates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.siting.facts import STATE_IDLE_BONUS_SHARE
from analysis.numfmt import fmt_int, fmt_num, fmt_pct
from analysis.siting.solvers import UNIT_KEYS
from analysis.siting.api import KINDS, PROBLEMS, STATION_RADIUS_M, SitingParams, SitingResult, run_siting
from analysis.siting.solution import AnySolution, LscpSolution, MclpSolution, PMedianSolution
from analysis.study import load_study
from cli.options import (
    BUDGET, GPKG_FILE, K, MIN_AREA, MIN_DISTANCE, RADIUS, SPACING, TIME_LIMIT, add_area_options, add_walk_options, progress_printer, walk_params,
)
from geo.errors import ParameterError
from geo.messages import both, text


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("site", help="choose new service centers or red stations (MCLP / LSCP / p-median)")
    p.add_argument("--kind", choices=KINDS, default="center",
                   help="center: 党群服务中心 for residents; red-station: 红色驿站 for outdoor workers")
    p.add_argument("--k", type=K, default=5, help="number of new sites (MCLP, p-median; default 5)")
    p.add_argument("--problem", choices=PROBLEMS, default="mclp",
                   help="mclp: most demand covered by K sites; lscp: fewest sites covering all coverable "
                        "demand; pmedian: least total walking distance")
    p.add_argument("--solver", choices=("exact", "greedy"), default="exact",
                   help="exact: HiGHS MILP with proven gap; greedy: instant heuristic")
    p.add_argument("--time-limit", type=TIME_LIMIT, default=60.0, help="exact solver time limit, seconds (default 60)")
    p.add_argument("--candidates", help="candidate sites layer (CSV/XLSX/GeoJSON/GPKG/zipped SHP/KML)")
    p.add_argument("--generate", action="store_true",
                   help="generate candidates on streets instead of using a candidate layer")
    p.add_argument("--spacing", type=SPACING, default=150.0, help="spacing of generated candidates, metres")
    p.add_argument("--min-distance", type=MIN_DISTANCE, default=200.0,
                   help="exclude candidates within this network distance of an existing site, metres (0: keep all)")
    p.add_argument("--existing", help="existing sites that stay open (default: the study's centers or red stations)")
    p.add_argument("--demand", help="residents layer (centers) or worker points with a weight (red stations)")
    p.add_argument("--workers", help="red stations: outdoor workers layer (template data/templates/workers.csv: 类型, 人数); "
                                     "its groups replace the OSM estimate of outdoor workers")
    p.add_argument("--hotspots", help="red stations: use the older street/POI work-intensity proxy (relative units) "
                                      "plus these points where outdoor workers gather (optional 'weight')")
    add_area_options(p)
    add_walk_options(p, max_access=False)
    p.add_argument("--radius", type=RADIUS, default=STATION_RADIUS_M,
                   help="red-station coverage, network metres (default 1000; an assumption)")
    p.add_argument("--budget", type=BUDGET, default=None,
                   help="MCLP: total cost of the chosen candidates at most this many 万元 (candidates need a 费用 column)")
    p.add_argument("--min-area", type=MIN_AREA, default=0.0,
                   help="minimum floor area of a candidate building, m² (candidates need a 面积 column; default 0: none)")
    p.add_argument("--no-state-idle-preference", action="store_true",
                   help="do not prefer state-owned idle property (国有闲置; default: preferred, see analysis/siting/facts.py)")
    p.add_argument("--out", type=GPKG_FILE, default="out/site.gpkg", help="output GeoPackage (default out/site.gpkg)")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of the table")
    p.set_defaults(func=run)


#: keys (cli.site_col_*) of the chosen-sites table's columns, in order
SITE_COLUMNS = ('rank', 'site', 'candidate', 'name', 'street', 'adds', 'cumulative')


def format_result(r: SitingResult, lang: str = "zh") -> str:
    """The chosen sites (greedy order of marginal gain) and the before/after headline as text."""
    zh = lang == "zh"
    s = r.summary
    unit = text(UNIT_KEYS[s.unit], lang)
    lines = []
    kind = "center" if r.kind == "center" else "station"
    reach = text(f"cli.reach_{kind}", lang, minutes=s.threshold_min, metres=fmt_int(s.threshold_m))
    lines.append(text(f"cli.siting_{kind}", lang, problem=r.problem.upper(), reach=reach))
    hdr = tuple(text(f"cli.site_col_{c}", lang) for c in SITE_COLUMNS)
    rows = [hdr] + [
        (str(x.rank), x.site_id, str(x.candidate_id), str(x.name)[:16], str(x.street or "—")[:12],
         fmt_int(x.marginal), fmt_int(x.cumulative))
        for x in r.sites.itertuples()
    ]
    widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(hdr))]
    lines += ["".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    why = "reason_zh" if zh else "reason_en"
    if why in r.sites:
        lines.append(text("cli.why_each_site", lang))
        lines += [f"  {x.site_id} {x.name}: {getattr(x, why)}" for x in r.sites.itertuples()]
    if s.budget_wan is not None:
        lines.append((text("cli.budget_used", lang, value=fmt_num(s.budget_wan), value2=fmt_num(s.total_cost_wan))))
    if s.min_area_m2:
        lines.append((text("cli.candidate_buildings_at_least_m", lang, value=fmt_int(s.min_area_m2))))
    if s.state_idle_bonus_share:
        lines.append((text("cli.state_owned_idle_property_preferred", lang, value=s.state_idle_bonus_share * 100)))
    pct = fmt_pct
    lines.append(text("cli.covered", lang, unit=unit, value=fmt_int(s.covered_before), value2=pct(s.share_before), value3=fmt_int(s.covered_after), value4=pct(s.share_after), value5=fmt_int(s.total_demand)))
    if s.problem == "pmedian":
        lines.append((text("cli.mean_walk_min", lang, value=fmt_num(s.mean_min_before), value2=fmt_num(s.mean_min_after))))
    gap = s.gap
    sol = (text("cli.solver_status_optimality_gap", lang, solver=s.solver, status=s.status, value=fmt_pct(gap, 3), value2=fmt_num(s.solve_s, 2))) if gap == gap else \
        (text("cli.solver_greedy_no_optimality_proof", lang, value=s.greedy_s * 1000))
    lines.append(sol)
    if s.solver == "exact" and s.greedy_gap == s.greedy_gap:
        greedy = greedy_answer(r.solution)
        lines.append((text("cli.greedy_answer_from_optimum", lang, value=fmt_int(greedy), value2=fmt_pct(s.greedy_gap, 2))))
    lines.append((text("cli.candidates_excluded_off_network_near", lang, n_candidates=s.n_candidates, n_excluded=s.n_excluded)))
    if r.weights is not None:
        lines.append(weights_text(r, zh))
    lines += [text("siting.note", lang, note=n.text(lang)) for n in r.notes]
    if s.is_demo:
        lines.append(text("cli.note_existing_sites_candidates_illustrative", lang))
    return "\n".join(lines)


def greedy_answer(sol: AnySolution) -> float:
    """The greedy answer in the model's own unit.

    Parameters
    ----------
    sol : MclpSolution, LscpSolution or PMedianSolution
        A siting run's solution.

    Returns
    -------
    float
        Covered demand weight (MCLP), number of new sites (LSCP) or weight x metres (p-median).
    """
    match sol:
        case MclpSolution(greedy_covered_weight=value) | LscpSolution(greedy_n_sites=value) | \
                PMedianSolution(greedy_weight_metres=value):
            return value
    raise TypeError(f"not a siting solution: {type(sol).__name__}")


def weights_text(r: SitingResult, zh: bool) -> str:
    """The outdoor-work demand's weights and how much each source contributes."""
    w = r.weights
    if "group" in w:  # outdoor workers by group (analysis.worker_demand)
        osm = w[w["source"] == "OSM"]
        lines = [(text("cli.outdoor_workers_persons_osm_estimate", "zh" if zh else "en"))]
        for grp, g in osm.groupby("group", sort=False):
            items = ", ".join(f"{t} {v:g}" for t, v in zip(g["tag"], g["weight"]))
            lines.append(f"  {g['group_zh' if zh else 'group_en'].iloc[0]}: {items}")
        d = r.demand
        if "group" in d:
            tot = d.groupby("group")["weight"].sum()
            lines.append((text("cli.totals", "zh" if zh else "en")) + ", ".join(f"{k} {fmt_int(v)}" for k, v in tot.items()))
        return "\n".join(lines)
    parts = []
    for source, g in w.groupby("source", sort=False):
        items = ", ".join(f"{t.removeprefix('highway=')} {v:g}" for t, v in zip(g["tag"], g["weight"]))
        parts.append(f"  {source} ({g['unit'].iloc[0]}): {items}")
    d = r.demand
    head = (text("cli.outdoor_work_demand_weights_sources", "zh" if zh else "en"))
    share = (text("cli.totals_streets_pois_hotspots", "zh" if zh else "en", value=fmt_int(d['class_weight'].sum()), value2=fmt_int(d['poi_weight'].sum()), value3=fmt_int(d['hotspot_weight'].sum()))) if "class_weight" in d else ""
    return "\n".join([head, *parts, share])


def run(args: argparse.Namespace) -> int:
    say = progress_printer()
    if args.time_limit <= 0:
        raise ParameterError(both("error.cli_time_limit"))
    walk = walk_params(args)
    area = {"min_area_center_m2" if args.kind == "center" else "min_area_station_m2": args.min_area}
    params = SitingParams(walk=walk, station_radius_m=args.radius, spacing_m=args.spacing,
                          min_distance_to_existing_m=args.min_distance, budget_wan=args.budget,
                          state_idle_bonus_share=0.0 if args.no_state_idle_preference else STATE_IDLE_BONUS_SHARE,
                          **area)
    red = args.kind == "red-station"
    study = load_study(
        args.osm, centers=None if red else args.existing, stations=args.existing if red else None,
        demand=args.demand, grids=args.grids, communities=args.communities,
        candidates=args.candidates, coords=args.coords, progress=say,
    ) if not (red and args.osm and not args.existing) else None
    if study is None:
        raise ParameterError(both("error.own_osm_needs_stations"))
    for res in study.read_reports.values():
        print(res.render(args.lang), file=sys.stderr)
    existing = study.stations if red else study.centers
    candidates = None if args.generate else study.candidates
    pois = hotspots = None
    demand = study.demand
    if red:
        demand = study.demand if args.demand else None
        if demand is None and not args.hotspots:  # outdoor workers by group (analysis.worker_demand)
            from analysis.worker_demand import study_worker_points

            uploaded = None
            if args.workers:
                from geo.readers import read_layer

                res = read_layer(args.workers, "workers", coords=args.coords, streets=study.network.edges_gdf())
                print(res.render(args.lang), file=sys.stderr)
                uploaded = res.gdf
            say(both("cli.progress_worker_demand"))
            demand = study_worker_points(study, uploaded)
        elif demand is None:
            from geo.osm_features import load_osm_features

            say(both("cli.progress_osm_pois"))
            pois = load_osm_features(study.osm_path).pois
        if args.hotspots:
            from geo.readers import read_layer

            hs = read_layer(args.hotspots, "demand", coords=args.coords, streets=study.network.edges_gdf())
            hotspots = hs.gdf.rename(columns={"population": "weight"})
    result = run_siting(
        study.network, args.kind, existing, demand, candidates, args.k, problem=args.problem,
        solver=args.solver, params=params, time_limit_s=args.time_limit, grids=study.grids,
        communities=study.communities, pois=pois, hotspots=hotspots, progress=say,
    )
    from analysis.siting.export import write_siting_gpkg

    say(f"{both('cli.progress_writing')} {args.out}")
    path = write_siting_gpkg(result, Path(args.out), study.sources())
    print(format_result(result, args.lang))
    print(text("cli.result_written", args.lang) + str(path))
    return 0
