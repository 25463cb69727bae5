"""``servicecircle scenario save|list|show|compare|delete``: named, dated plans (方案).

The store is a GeoPackage file (``--store FILE``) or a PostGIS database (``--store
postgresql://user@host:port/db``); default ``$SERVICECIRCLE_STORE`` or
``~/.local/share/servicecircle/scenarios.gpkg`` (``$XDG_DATA_HOME``). The app reads the same setting.
"""

from __future__ import annotations

import argparse
import sys

import geopandas as gpd
import pandas as pd

from analysis import scenarios as sc
from analysis.study import load_study
from cli.options import XLSX_FILE, add_area_options, add_walk_options, progress_printer, walk_params
from geo.crs import WGS84
from geo.errors import ParameterError
from geo.messages import both, text
from geo.scenario_store import STORE_ENV, StoreError, default_store_location, open_store, redact


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", default=None,
                   help=f"scenario store: a .gpkg file or postgresql://… URL (default ${STORE_ENV} or "
                        f"{default_store_location()})")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="language of the tables")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenario", help="save, list, show, compare and delete scenarios (方案) of proposed sites")
    ssub = p.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")

    s = ssub.add_parser("save", help="evaluate proposed sites and save them with their results as a scenario")
    s.add_argument("name", help="scenario name, e.g. 方案A")
    s.add_argument("--site", action="append", default=[], metavar="LON,LAT[,KIND[,NAME]]",
                   help="a proposed site in WGS-84 (repeatable); KIND center (default) or station")
    s.add_argument("--sites", help="a layer of proposed sites (CSV/XLSX/GeoJSON/GPKG; read as candidate sites)")
    s.add_argument("--kind", choices=sc.SITE_KINDS, default="center", help="kind of the sites in --sites")
    s.add_argument("--centers", help="service centers layer (default: the sample city's)")
    s.add_argument("--demand", help="demand layer (default: the sample city's resident estimate)")
    s.add_argument("--notes", default="", help="a note kept with the scenario")
    s.add_argument("--replace", action="store_true", help="overwrite a scenario of the same name")
    s.add_argument("--count-stations", action="store_true",
                   help="red stations (existing and proposed) count for residents too (default: only centers, "
                        "as in `coverage`; proposed stations are still saved)")
    add_area_options(s)
    add_walk_options(s)
    _store_option(s)
    s.set_defaults(func=run_save)

    ls = ssub.add_parser("list", help="list the saved scenarios")
    _store_option(ls)
    ls.set_defaults(func=run_list)

    sh = ssub.add_parser("show", help="show one scenario: parameters, layers, sites, results")
    sh.add_argument("name")
    _store_option(sh)
    sh.set_defaults(func=run_show)

    cp = ssub.add_parser("compare", help="compare two or more scenarios side by side")
    cp.add_argument("names", nargs="+")
    cp.add_argument("--xlsx", type=XLSX_FILE, help="also write the comparison to this Excel file")
    _store_option(cp)
    cp.set_defaults(func=run_compare)

    dl = ssub.add_parser("delete", help="delete a scenario")
    dl.add_argument("name")
    _store_option(dl)
    dl.set_defaults(func=run_delete)


# --------------------------------------------------------------------------- helpers


def parse_site(text: str, i: int) -> dict:
    """``LON,LAT[,KIND[,NAME]]`` -> dict (refuses anything else with a bilingual message)."""
    parts = [x.strip() for x in str(text).replace("，", ",").split(",")]
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except (ValueError, IndexError):
        raise ParameterError(both("error.site_arg_format", text=text)) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ParameterError(both("error.site_arg_range", text=text))
    kind = parts[2] if len(parts) > 2 and parts[2] else "center"
    if kind not in sc.SITE_KINDS:
        raise ParameterError(both("error.site_arg_kind", kind=kind))
    name = parts[3] if len(parts) > 3 and parts[3] else f"P{i}"
    return {"site_id": f"P{i}", "name": name, "kind": kind, "lon": lon, "lat": lat}


def proposed_sites(args: argparse.Namespace, streets=None) -> gpd.GeoDataFrame:
    """The sites given with --site and --sites as one WGS-84 point layer."""
    rows = [parse_site(t, i + 1) for i, t in enumerate(args.site)]
    parts = []
    if rows:
        df = pd.DataFrame(rows)
        parts.append(gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=WGS84))
    if args.sites:
        from geo.readers import read_layer

        g = read_layer(args.sites, "candidates", coords=args.coords, streets=streets).gdf.to_crs(WGS84)
        n0 = len(rows)
        g = g.assign(site_id=[f"P{n0 + i + 1}" for i in range(len(g))], kind=args.kind)
        if "name" not in g:
            g["name"] = g["site_id"]
        g["name"] = g["name"].fillna(g["site_id"]).astype(str)
        parts.append(g[["site_id", "name", "kind", "geometry"]])
    if not parts:
        raise ParameterError(both("error.sites_missing"))
    out = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)


def _pct(x) -> str:
    return "—" if x != x else f"{x * 100:.1f}%"


def _people(x) -> str:
    return "—" if x != x else f"{x:,.0f}"


def _print_table(df: pd.DataFrame) -> None:
    with pd.option_context("display.max_columns", None, "display.width", 200, "display.unicode.east_asian_width", True):
        print(df.to_string(index=False))


# --------------------------------------------------------------------------- actions


def run_save(args: argparse.Namespace) -> int:
    say = progress_printer()
    params = walk_params(args)
    store = open_store(args.store)
    try:
        if not args.replace and args.name.strip() in set(store.list()["name"]):
            raise StoreError(both("error.scenario_name_taken", name=args.name.strip()))
        study = load_study(args.osm, centers=args.centers, demand=args.demand, grids=args.grids,
                           communities=args.communities, coords=args.coords, progress=say)
        sites = proposed_sites(args, study.network.edges_gdf())
        base = None
        if args.count_stations and study.stations is not None:
            study = sc.with_stations_counted(study)
        say(both("cli.progress_evaluating_sites", n=len(sites)))
        rec = sc.save_scenario(store, args.name, study, params, sites, notes=args.notes, replace=args.replace,
                               base=base, count_stations=args.count_stations)
    finally:
        store.close()
    s, b = rec.summary, rec.baseline_summary
    print((text("cli.saved_scenario", args.lang, name=rec.name, created_utc=rec.created_utc, store=redact(store.location))))
    print(text("cli.proposed_site_within_min_uncovered", args.lang, n_sites=len(rec.sites), minutes=s['minutes'], value=_pct(b['covered_share']), value2=_pct(s['covered_share']), value3=_people(b['uncovered_pop']), value4=_people(s['uncovered_pop'])))
    if s.get("is_demo"):
        print(text("cli.note_illustrative_sample_data_not", args.lang))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        df = store.list()
        loc = redact(store.location)
    if df.empty:
        print(text("cli.no_scenarios_yet", args.lang, loc=loc))
        return 0
    out = pd.DataFrame({
        (text("cli.scenario", args.lang)): df["name"],
        (text("cli.saved_utc", args.lang)): df["created_utc"],
        (text("cli.sites", args.lang)): df["n_sites"],
        (text("cli.covered_2", args.lang)): df["covered_share"].map(_pct),
        (text("cli.covered_before", args.lang)): df["covered_share_before"].map(_pct),
        (text("cli.uncovered_residents_2", args.lang)): df["uncovered_pop"].map(_people),
        (text("cli.notes", args.lang)): df["notes"],
    })
    print(loc)
    _print_table(out)
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        rec = store.load(args.name)
    s, b = rec.summary, rec.baseline_summary
    p = rec.params
    print(f"{text('cli.scenario_2', args.lang)}: {rec.name}   {text('cli.saved', args.lang)} {rec.created_utc} UTC")
    if rec.notes:
        print(f"{text('cli.notes_2', args.lang)}: {rec.notes}")
    print((text("cli.parameters_min_km_h_off", args.lang, minutes=p['minutes'], speed_kmh=p['speed_kmh'], max_access_m=p['max_access_m'])))
    print(f"{text('cli.network', args.lang)}: {rec.network_path}  sha256 {rec.network_sha256[:16]}…  ({rec.crs})")
    for lay in rec.layers:
        print(f"  {lay['kind']:<12} {lay['path']}  {(lay['sha256'] or '')[:16]}")
    print(text("cli.covered_uncovered_residents_uncovered_areas", args.lang, value=_pct(b['covered_share']), value2=_pct(s['covered_share']), value3=_people(b['uncovered_pop']), value4=_people(s['uncovered_pop']), n_gaps=len(rec.gaps)))
    print(text("cli.proposed_sites", args.lang))
    sites = rec.sites[["site_id", "name", "kind", "lon", "lat", "edge", "offset_m", "access_m"]].copy()
    sites[["lon", "lat"]] = sites[["lon", "lat"]].round(6)
    sites[["offset_m", "access_m"]] = sites[["offset_m", "access_m"]].round(1)
    _print_table(sites)
    c = rec.communities.copy()
    print(text("cli.communities", args.lang))
    _print_table(pd.DataFrame({
        (text("cli.community", args.lang)): c["community"],
        (text("cli.residents_2", args.lang)): c["population"].map(_people),
        (text("cli.before", args.lang)): c["covered_share_before"].map(_pct),
        (text("cli.after", args.lang)): c["covered_share"].map(_pct),
        (text("cli.uncovered", args.lang)): c["uncovered_pop"].map(_people),
    }))
    if s.get("is_demo"):
        print(text("cli.note_illustrative_sample_data_not", args.lang))
    return 0


def run_compare(args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.names))
    if len(names) < 2:
        raise ParameterError(both("error.compare_needs_two_names"))
    with open_store(args.store) as store:
        recs = [store.load(n) for n in names]
    head, comm = sc.compare(recs)
    shares = {r.params.get("minutes") for r in recs}
    if len(shares) > 1:
        print(text("cli.note_scenarios_use_different_minute", args.lang))
    out = pd.DataFrame({
        (text("cli.scenario", args.lang)): head["name"],
        (text("cli.added_sites", args.lang)): head["n_sites"],
        (text("cli.covered_2", args.lang)): head["covered_share"].map(_pct),
        (text("cli.change_pp", args.lang)): head["change_pp"].map(lambda v: f"{v:+.1f}"),
        (text("cli.uncovered_residents_2", args.lang)): head["uncovered_pop"].map(_people),
        (text("cli.residents_gained", args.lang)): head["gain_pop"].map(_people),
    })
    _print_table(out)
    print()
    print(text("cli.per_community_covered_change_percentage", args.lang))
    _print_table(comm.round(1))
    if args.xlsx:
        from geo.safe_io import atomic_write_path

        from analysis.batch import xlsx_text_safe

        head_x = head.assign(name=head["name"].map(xlsx_text_safe))
        comm_x = comm.assign(community=comm["community"].map(xlsx_text_safe))
        comm_x.columns = [xlsx_text_safe(c) for c in comm_x.columns]
        with atomic_write_path(args.xlsx) as tmp:
            from geo.spreadsheet import write_frames_xlsx

            write_frames_xlsx(tmp, {"scenarios": head_x, "communities": comm_x})
        print((text("cli.written_2", args.lang)) + str(args.xlsx))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with open_store(args.store) as store:
        gone = store.delete(args.name)
        loc = redact(store.location)
    if not gone:
        print(text("cli.no_scenario_named", args.lang, loc=loc, name=args.name),
              file=sys.stderr)
        return 2
    print(text("cli.deleted_scenario", args.lang, name=args.name))
    return 0
