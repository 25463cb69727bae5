"""`servicecircle check FILE --type ...`: read a planner's layer and print every problem.

Exit codes: 0 usable (warnings or repairs may be listed), 1 usable rows but errors found
(some rows or values were not used), 2 the file was refused.
"""

from __future__ import annotations

import argparse
import sys

from cli.options import MAX_MB
from geo.errors import ServiceCircleError
from geo.messages import text

TYPES = ("centers", "stations", "grids", "communities", "candidates", "demand", "units", "needs", "projects", "demo_areas",
         "party_grids", "compounds", "buildings")


def add_parser(subparsers) -> None:
    """Register the ``check`` sub-command on an argparse sub-parsers object."""
    p = subparsers.add_parser(
        "check",
        help="检查图层文件（中心、驿站、网格、候选点、需求点） / check a layer file",
        description="读取并检查规划图层文件，列出所有问题。Read a planner's layer file and list every problem.",
    )
    p.add_argument("file", help="CSV, XLSX, GeoJSON, GPKG, zipped shapefile, KML/KMZ")
    p.add_argument("--type", dest="layer_type", required=True, choices=TYPES, help="layer type / 图层类型")
    p.add_argument("--coords", default="auto", choices=("wgs84", "gcj02", "bd09", "auto"),
                   help="datum of lon/lat: auto detects Amap (gcj02) / Baidu (bd09) coordinates from the streets")
    p.add_argument("--layer", default=None, help="GeoPackage layer, Excel sheet or file inside a zip")
    p.add_argument("--crs", default=None, help="CRS of CSV/XLSX coordinates that are not lon/lat, e.g. EPSG:4549")
    p.add_argument("--osm", default=None,
                   help="OSM street file of the study area for --coords auto (default: the bundled sample city when the points are in it)")
    p.add_argument("--lang", default="zh", choices=("zh", "en"), help="language of the report (default zh)")
    p.add_argument("--max-mb", type=MAX_MB, default=None, help="refuse files larger than this many MB (default 200)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the check; print the report to stdout (refusals to stderr). Returns the exit code."""
    from geo.readers import DEFAULT_MAX_BYTES, read_layer

    lang = getattr(args, "lang", "zh") or "zh"
    # MB = 1,000,000 bytes everywhere (a 200 MB limit is shown as "200 MB")
    max_bytes = int(args.max_mb * 1_000_000) if getattr(args, "max_mb", None) else DEFAULT_MAX_BYTES
    try:
        streets = None
        if getattr(args, "osm", None):
            from geo.network import load_walk_network

            streets = load_walk_network(args.osm).edges_gdf()
        else:  # what `coverage` would use without --osm: the bundled sample city's streets
            from geo.detect import sample_street_index

            streets = sample_street_index()
            print(text("cli.no_osm_given_positions_checked", lang),
                  file=sys.stderr)
        result = read_layer(args.file, args.layer_type, coords=args.coords, layer=args.layer,
                            crs=getattr(args, "crs", None), max_bytes=max_bytes, streets=streets)
    except ServiceCircleError as err:
        head = text("cli.file_cannot_used_refused", lang)
        msg = err.message(lang)
        print(f"{head}\n{msg}", file=sys.stderr)
        return 2
    print(result.render(lang))
    return 1 if result.report.has_errors else 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m cli.check``) for when cli/main.py is not there."""
    parser = argparse.ArgumentParser(prog="servicecircle")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
